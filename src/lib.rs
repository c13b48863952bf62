//! # spargraph
//!
//! One engine for batch graph analytics over CSR, with Parquet in and out. This crate
//! is the facade: it re-exports the engine ([`engine`]), the file formats ([`io`])
//! and the algorithms ([`algorithms`]), and wires them together into loading and
//! saving graphs in the user's own node ids ([`load`]), and into the `spargraph`
//! command-line tool.
//!
//! ```
//! use spargraph::load::{load_graph, LoadOptions};
//! use spargraph::engine::kernels::{spmv, Normalization};
//! use spargraph::io::{EdgeTable, parquet_edges::{write_edges, EdgeColumns}};
//! use spargraph::engine::IdColumn;
//!
//! // A small weighted edge list with the user's ids, written as Parquet...
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("edges.parquet");
//! let edges = EdgeTable {
//!     src: IdColumn::Int(vec![10, 20, 30]),
//!     dst: IdColumn::Int(vec![20, 30, 10]),
//!     weight: Some(vec![1.0, 2.0, 3.0]),
//! };
//! write_edges(&path, &edges, &EdgeColumns::default().with_weight("weight")).unwrap();
//!
//! // ...loaded into a symmetric CSR: dense ids are ranks of the user's ids.
//! let mut options = LoadOptions::default();
//! options.columns.weight = Some("weight".into());
//! let loaded = load_graph(&path, &options).unwrap();
//! assert_eq!(loaded.graph.n_nodes(), 3);
//! assert_eq!(loaded.ids.lookup_int(30), Some(2));
//!
//! // Weighted degrees as A * 1.
//! let deg = spmv(loaded.graph.out(), Normalization::None, false, &[1.0f64; 3]);
//! assert_eq!(deg, vec![4.0, 3.0, 5.0]);
//! ```

pub use spargraph_algorithms as algorithms;
pub use spargraph_engine as engine;
pub use spargraph_io as io;

pub mod error;
pub mod load;
pub mod memory;
pub mod nodes;

pub use error::Error;

/// The README's Rust examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
