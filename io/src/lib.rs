//! # spargraph-io
//!
//! File formats of spargraph: Parquet edge lists and node tables (the main path,
//! read in parallel by row group with column projection), text edge lists
//! (whitespace, TSV, CSV, comments, CRLF, gzip), Matrix Market, and Apache GraphAr
//! (`ordered_by_source` adjacency with offsets). The crate knows no algorithm: it
//! turns files into [`EdgeTable`]s and [`Table`]s of plain columns, and back.
//!
//! Every write is atomic ([`atomic`]): data goes to a temporary file in the target's
//! folder, is flushed to disk, then renamed over the target, so an existing file is
//! never left half-written.
//!
//! ```
//! use spargraph_io::{EdgeTable, parquet_edges::{write_edges, read_edges, EdgeColumns}};
//! use spargraph_engine::IdColumn;
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("edges.parquet");
//! let edges = EdgeTable {
//!     src: IdColumn::Int(vec![1, 2, 3]),
//!     dst: IdColumn::Int(vec![2, 3, 1]),
//!     weight: Some(vec![0.5, 1.0, 2.0]),
//! };
//! write_edges(&path, &edges, &EdgeColumns::default().with_weight("weight")).unwrap();
//! let back = read_edges(&path, &EdgeColumns::default().with_weight("weight")).unwrap();
//! assert_eq!(back, edges);
//! ```

pub mod atomic;
pub mod error;
pub mod format;
pub mod graphar;
pub mod mtx;
pub mod parquet_edges;
pub mod parquet_table;
pub mod sparse_file;
pub mod table;
pub mod text;

pub use error::{IoError, IoErrorKind};
pub use table::{Column, EdgeTable, Table};
