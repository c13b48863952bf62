//! What the criterion benchmarks share: the R-MAT graph they run on.

use spargraph::engine::generate::{GeneratedGraph, RmatConfig};

/// The R-MAT scale: `SPARGRAPH_BENCH_SCALE`, default 16.
pub fn scale() -> u32 {
    std::env::var("SPARGRAPH_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(16)
}

/// The R-MAT edge list at [`scale`] (Graph500 parameters and edge factor 16,
/// seed 16016, as the anchors' `rmat16`; another generator, so other edges).
pub fn rmat_edges() -> GeneratedGraph {
    RmatConfig {
        scale: scale(),
        seed: 16016,
        ..RmatConfig::default()
    }
    .generate()
    .expect("R-MAT parameters are valid")
}
