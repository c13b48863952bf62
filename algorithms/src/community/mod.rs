//! Community detection. So far: the quality functions that the clustering
//! engine optimises and reports, computed on a graph and a membership vector.
//!
//! - [`modularity`]: Newman-Girvan modularity with a resolution for undirected
//!   graphs, and the Leicht-Newman directed modularity for directed ones.
//! - [`cpm`]: the Constant Potts Model (as leidenalg computes it).
//! - [`bipartite_modularity`]: Barber's modularity for user-item graphs (GraphHash).

mod quality;

pub use quality::{bipartite_modularity, cpm, modularity};
