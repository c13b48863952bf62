//! The random-walk transition of a graph: out-weights and dangling nodes.

use spargraph_engine::kernels::row_sums;
use spargraph_engine::Graph;

/// `P(u, v) = w(u, v) / o(u)` prepared for pull-style products over the in-CSR:
/// `(x P)(v) = sum_{u -> v} w(u, v) z(u)` with `z = x / o` (see `exact`).
#[derive(Clone, Debug)]
pub struct Transition {
    /// `1 / o(u)`, 0 for dangling nodes.
    pub inv_out: Vec<f64>,
    /// Nodes without out-edges (or with zero out-weight), ascending.
    pub dangling: Vec<u32>,
}

impl Transition {
    /// Out-weights of `g` (edge counts when unweighted).
    pub fn new(g: &Graph) -> Self {
        let o = row_sums(g.out());
        let inv_out = o
            .iter()
            .map(|&x| if x > 0.0 { 1.0 / x } else { 0.0 })
            .collect();
        let dangling = o
            .iter()
            .enumerate()
            .filter(|(_, &x)| x <= 0.0)
            .map(|(i, _)| i as u32)
            .collect();
        Transition { inv_out, dangling }
    }
}
