//! # spargraph-engine
//!
//! The CSR core of spargraph: a compressed sparse row graph type with `u32` node ids
//! and `u64` offsets, a deterministic parallel builder from edge arrays, the mapping
//! from users' node ids to dense ids, the sparse kernels that every algorithm shares
//! (SpMV, SpMM with degree normalisations, transpose, degrees), conversions to and from
//! `sprs` and `petgraph`, deterministic random number streams and benchmark graph
//! generators.
//!
//! The engine knows no file format and no algorithm. Every kernel is written over a
//! contiguous row range with an explicit input so that one worker per partition of
//! rows can run it (see [`partition`]).
//!
//! ```
//! use spargraph_engine::{builder::{BuildOptions, build_graph}, kernels::{Normalization, spmv}};
//! // A triangle 0-1-2 plus a pendant node 3 attached to 2, undirected.
//! let src = vec![0u32, 1, 2, 2];
//! let dst = vec![1u32, 2, 0, 3];
//! let g = build_graph(4, &src, &dst, None, &BuildOptions::undirected()).unwrap();
//! assert_eq!(g.n_nodes(), 4);
//! assert_eq!(g.n_edges(), 4);
//! assert_eq!(g.out_neighbors(2), &[0, 1, 3]);
//! // y = D^-1 A x with x = 1 gives 1 on every node with neighbours.
//! let y = spmv(g.out(), Normalization::Row, false, &[1.0f64; 4]);
//! assert!(y.iter().all(|v| (v - 1.0).abs() < 1e-12));
//! ```

pub mod builder;
pub mod convert;
pub mod csr;
pub mod error;
pub mod generate;
pub mod graph;
pub mod idmap;
pub mod kernels;
pub mod memory;
pub mod partition;
pub mod pool;
pub mod rng;
pub mod stats;
pub mod symmetrize;
mod sync_ptr;

pub use csr::Csr;
pub use error::EngineError;
pub use graph::Graph;
pub use idmap::{IdColumn, NodeIds, StrColumn};
