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
    let CommunitySums {
        internal,
        k_out,
        k_in,
        k,
    } = community_sums(graph, membership, gamma)?;
    let total: f64 = k_out.iter().sum();
    if total == 0.0 {
        return Ok(0.0);
    }
    // Undirected: rows hold each edge twice (loops doubled above), so `total` = 2m
    // and k_out = k_in = K_c; directed: `total` = m.
    Ok((0..k)
        .map(|c| internal[c] / total - gamma * k_out[c] * k_in[c] / (total * total))
        .sum())
}

/// The Constant Potts Model quality (Traag, Van Dooren & Nesterov 2011), as
/// leidenalg's `CPMVertexPartition.quality()` computes it for graphs without
/// self-loops: `H = sum_c [ L_c - gamma n_c (n_c - 1) ]`, with `L_c` the weight
/// of ordered pairs inside `c` (each undirected edge twice, each arc once) and `n_c`
/// its node count. Loops are counted like other entries (`2w` undirected).
/// Errors as [`modularity`].
pub fn cpm(graph: &Graph, membership: &[u32], gamma: f64) -> Result<f64, AlgorithmError> {
    let CommunitySums { internal, k, .. } = community_sums(graph, membership, gamma)?;
    let mut size = vec![0f64; k];
    for &c in membership {
        size[c as usize] += 1.0;
    }
    Ok((0..k)
        .map(|c| internal[c] - gamma * size[c] * (size[c] - 1.0))
        .sum())
}

/// Barber's bipartite modularity (Barber 2007; scikit-network's `get_modularity`
/// with column labels): for an undirected graph whose nodes are split into two sides
/// by `is_left`, `Q = sum_c [ I_c / w - gamma D_c F_c / w^2 ]`, where `w` is the
/// total edge weight (each edge once), `I_c` the weight of edges inside `c`, and
/// `D_c`, `F_c` the degrees of `c`'s left and right nodes.
///
/// Errors: a directed graph, an edge (or loop) joining two nodes of the same side
/// (the graph is not bipartite for this split; the message names the edge),
/// lengths that do not fit, `gamma` negative.
pub fn bipartite_modularity(
    graph: &Graph,
    membership: &[u32],
    is_left: &[bool],
    gamma: f64,
) -> Result<f64, AlgorithmError> {
    if graph.is_directed() {
        return Err(AlgorithmError::Mismatch(
            "bipartite modularity needs an undirected graph".into(),
        ));
    }
    if is_left.len() != graph.n_nodes() {
        return Err(AlgorithmError::Mismatch(format!(
            "{} side flags for {} nodes",
            is_left.len(),
            graph.n_nodes()
        )));
    }
    let k = community_sums(graph, membership, gamma)?.k;
    let (mut internal, mut left_deg, mut right_deg) = (vec![0f64; k], vec![0f64; k], vec![0f64; k]);
    let mut total = 0f64;
    let out = graph.out();
    for u in 0..graph.n_nodes() {
        let cu = membership[u] as usize;
        for (v, w) in out.row_entries(u) {
            if is_left[u] == is_left[v as usize] {
                return Err(AlgorithmError::Mismatch(format!(
                    "the graph is not bipartite: edge between nodes {u} and {v} joins two {} nodes",
                    if is_left[u] { "left" } else { "right" }
                )));
            }
            let w = w as f64;
            if is_left[u] {
                total += w;
                left_deg[cu] += w;
                if membership[v as usize] as usize == cu {
                    internal[cu] += w;
                }
            } else {
                right_deg[cu] += w;
            }
        }
    }
    if total == 0.0 {
        return Ok(0.0);
    }
    Ok((0..k)
        .map(|c| internal[c] / total - gamma * left_deg[c] * right_deg[c] / (total * total))
        .sum())
}

/// Checks the inputs and returns per-community ordered-pair internal weight, out-
/// and in-degrees (self-loops counted `2w` when undirected) and the community count.
fn community_sums(
    graph: &Graph,
    membership: &[u32],
    gamma: f64,
) -> Result<CommunitySums, AlgorithmError> {
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
    for u in 0..n {
        let cu = membership[u] as usize;
        for (v, w) in out.row_entries(u) {
            let w = w as f64;
            let w = if v as usize == u { w * loop_factor } else { w };
            k_out[cu] += w;
            k_in[membership[v as usize] as usize] += w;
            if membership[v as usize] as usize == cu {
                internal[cu] += w;
            }
        }
    }
    Ok(CommunitySums {
        internal,
        k_out,
        k_in,
        k,
    })
}

/// Per-community sums of [`community_sums`].
struct CommunitySums {
    /// Weight of ordered pairs inside each community.
    internal: Vec<f64>,
    /// Out-degree (degree, undirected) of each community.
    k_out: Vec<f64>,
    /// In-degree of each community.
    k_in: Vec<f64>,
    /// Number of communities (largest id + 1).
    k: usize,
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
