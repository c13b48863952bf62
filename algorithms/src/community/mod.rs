//! Community detection. So far: the quality functions that the clustering
//! engine optimises and reports, computed on a graph and a membership vector.
//!
//! - [`modularity`]: Newman-Girvan modularity with a resolution for undirected
//!   graphs, and the Leicht-Newman directed modularity for directed ones.

mod quality;

pub use quality::modularity;
