//! Modularity of a partition (the objective of Louvain and Leiden).

use crate::error::AlgorithmError;
use spargraph_engine::Graph;

/// Modularity of `membership` (community of each node) with resolution `gamma`.
///
/// Undirected graphs (Newman & Girvan 2004; Reichardt & Bornholdt 2006 for gamma):
/// `Q = sum_c [ L_c / (2m) - gamma (K_c / (2m))^2 ]`, where `L_c` sums `A_ij` over
/// ordered pairs inside `c`, `K_c` the degrees of `c`'s nodes and `2m` all degrees.
/// A self-loop of weight `w` counts `2w` in `A_ii` and in its node's degree, as in
/// igraph and NetworkX.
///
/// Directed graphs (Leicht & Newman 2008):
/// `Q = sum_c [ L_c / m - gamma K_c^out K_c^in / m^2 ]` with `m` the total arc weight
/// and `K_c^out`, `K_c^in` the out- and in-degrees of `c`'s nodes (a loop counts once
/// in each).
///
/// Weighted graphs use the weights. A graph without edges has modularity 0 (igraph
/// returns NaN there). Errors: `membership` of the wrong length, `gamma` negative or
/// not finite.
pub fn modularity(graph: &Graph, membership: &[u32], gamma: f64) -> Result<f64, AlgorithmError> {
    let n = graph.n_nodes();
    if membership.len() != n {
        return Err(AlgorithmError::Mismatch(format!(
            "membership has {} entries for {} nodes",
            membership.len(),
            n
        )));
    }
    if !(gamma.is_finite() && gamma >= 0.0) {
        return Err(AlgorithmError::InvalidOption {
            name: "resolution",
            value: gamma.to_string(),
            expected: "must be a non-negative number",
        });
    }
    let k = membership
        .iter()
        .map(|&c| c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut internal = vec![0f64; k];
    let mut k_out = vec![0f64; k];
    let mut k_in = vec![0f64; k];
    let out = graph.out();
    let loop_factor = if graph.is_directed() { 1.0 } else { 2.0 };
    let mut total = 0f64;
    for u in 0..n {
        let cu = membership[u] as usize;
        for (v, w) in out.row_entries(u) {
            let w = w as f64;
            let w = if v as usize == u { w * loop_factor } else { w };
            total += w;
            k_out[cu] += w;
            k_in[membership[v as usize] as usize] += w;
            if membership[v as usize] as usize == cu {
                internal[cu] += w;
            }
        }
    }
    if total == 0.0 {
        return Ok(0.0);
    }
    // Undirected: rows hold each edge twice (loops doubled above), so `total` = 2m
    // and k_out = k_in = K_c; directed: `total` = m.
    Ok((0..k)
        .map(|c| internal[c] / total - gamma * k_out[c] * k_in[c] / (total * total))
        .sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargraph_engine::builder::{build_graph, BuildOptions};

    #[test]
    fn two_triangles_by_hand() {
        // Two triangles joined by one edge: m = 7, each side L = 6, K = 7.
        let g = build_graph(
            6,
            &[0, 1, 2, 3, 4, 5, 2],
            &[1, 2, 0, 4, 5, 3, 3],
            None,
            &BuildOptions::undirected(),
        )
        .unwrap();
        let q = modularity(&g, &[0, 0, 0, 1, 1, 1], 1.0).unwrap();
        let want = 2.0 * (6.0 / 14.0 - (7.0f64 / 14.0).powi(2));
        assert!((q - want).abs() < 1e-15, "{q} vs {want}");
        // One community: Q = 1 - gamma.
        assert!((modularity(&g, &[0; 6], 0.5).unwrap() - 0.5).abs() < 1e-15);
        assert!(modularity(&g, &[0; 5], 1.0).is_err());
        assert!(modularity(&g, &[0; 6], -1.0).is_err());
    }
}
