//! Community detection: the quality functions, and the Louvain/Leiden engine that
//! optimises them.
//!
//! - [`communities`]: parallel Louvain or Leiden with a [`CommunityConfig`]; every
//!   aggregation level is returned. Deterministic for a seed, whatever the thread
//!   count.
//! - [`Objective`]: modularity with a resolution (Leicht-Newman when directed), the
//!   Constant Potts Model, Barber's bipartite modularity; pluggable because each is
//!   a choice of node masses on the same network (see the `network` module).
//! - [`modularity`], [`cpm`], [`bipartite_modularity`]: the objectives' values for
//!   any membership, equal to igraph's, leidenalg's and scikit-network's.

mod compare;
mod components;
mod local_moving;
mod multilevel;
pub(crate) mod network;
mod objective;
mod quality;
mod refine;
mod scratch;

pub use compare::{ari, nmi};
pub(crate) use multilevel::compact;
pub use multilevel::{communities, Communities, CommunityConfig, CommunityInput, Level, Method};
pub use objective::{bipartite_sides, Objective};
pub use quality::{bipartite_modularity, cpm, modularity};
