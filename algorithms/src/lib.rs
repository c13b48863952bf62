//! # spargraph-algorithms
//!
//! The algorithm families of spargraph, computed on the engine's CSR in memory (this
//! crate never touches files). Each family has one config type with documented
//! defaults, shared by the Rust API and the command-line flags.
//!
//! - [`community`]: parallel Louvain/Leiden over pluggable objectives (modularity
//!   with resolution, directed modularity, CPM, Barber's bipartite modularity), and
//!   the quality functions themselves.
//! - [`hierarchy`]: hierarchical communities bottom-up (Dreveton et al.: fine
//!   Leiden clustering, then average linkage on edge density) and Paris, as
//!   scipy-format dendrograms.
//! - [`fastrp`]: FastRP node embeddings (Chen et al., CIKM 2019): very sparse random
//!   projection of iterated, degree-normalised adjacency powers.
//! - [`eval`]: judging embeddings: node classification (one-vs-rest logistic
//!   regression, micro/macro F1) and link prediction (AUC).
//! - [`pagerank`]: global PageRank and personalized PageRank, exact (power
//!   iteration, many sources as one block), push (Andersen-Chung-Lang forward push
//!   with a sweep phase as in PowerPush), and PowerWalk (Liu et al., CIKM 2016).

pub mod community;
pub mod error;
pub mod eval;
pub mod fastrp;
pub mod hierarchy;
pub mod pagerank;
pub mod topk;

pub use error::AlgorithmError;
