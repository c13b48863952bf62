//! Summary statistics of a graph (what `spargraph info` prints).

use crate::graph::Graph;
use rayon::prelude::*;

/// Structural summary of a [`Graph`].
#[derive(Clone, Debug, PartialEq)]
pub struct GraphStats {
    /// Number of nodes.
    pub n_nodes: usize,
    /// Number of edges (arcs if directed, unordered pairs if undirected).
    pub n_edges: usize,
    /// Whether the graph is directed.
    pub directed: bool,
    /// Whether edges are weighted.
    pub weighted: bool,
    /// Number of self-loops.
    pub self_loops: usize,
    /// Nodes with no edge at all (neither in nor out).
    pub isolated_nodes: usize,
    /// Smallest out-degree (entries per CSR row).
    pub degree_min: usize,
    /// Mean out-degree.
    pub degree_mean: f64,
    /// Largest out-degree.
    pub degree_max: usize,
    /// Number of (weakly) connected components, isolated nodes included.
    pub components: usize,
    /// Bytes held by the CSR arrays.
    pub csr_bytes: usize,
}

/// Computes [`GraphStats`] in `O(n + m)`.
pub fn graph_stats(g: &Graph) -> GraphStats {
    let n = g.n_nodes();
    let (dmin, dmax, dsum) = (0..n)
        .into_par_iter()
        .map(|v| {
            let d = g.out_degree(v);
            (d, d, d)
        })
        .reduce(
            || (usize::MAX, 0, 0),
            |a, b| (a.0.min(b.0), a.1.max(b.1), a.2 + b.2),
        );
    let isolated = (0..n)
        .into_par_iter()
        .filter(|&v| g.out_degree(v) == 0 && g.in_degree(v) == 0)
        .count();
    GraphStats {
        n_nodes: n,
        n_edges: g.n_edges(),
        directed: g.is_directed(),
        weighted: g.is_weighted(),
        self_loops: g.n_self_loops(),
        isolated_nodes: isolated,
        degree_min: if n == 0 { 0 } else { dmin },
        degree_mean: if n == 0 { 0.0 } else { dsum as f64 / n as f64 },
        degree_max: dmax,
        components: connected_components(g).1,
        csr_bytes: g.memory_bytes(),
    }
}

/// Weakly connected components by union-find with path halving: returns each node's
/// component (numbered by smallest member, in order of first appearance) and the count.
pub fn connected_components(g: &Graph) -> (Vec<u32>, usize) {
    let n = g.n_nodes();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(p: &mut [u32], mut x: u32) -> u32 {
        while p[x as usize] != x {
            p[x as usize] = p[p[x as usize] as usize];
            x = p[x as usize];
        }
        x
    }
    let out = g.out();
    for u in 0..n {
        for &v in out.row(u) {
            if (v as usize) < u || g.is_directed() {
                let (a, b) = (find(&mut parent, u as u32), find(&mut parent, v));
                if a != b {
                    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                    parent[hi as usize] = lo;
                }
            }
        }
    }
    let mut label = vec![u32::MAX; n];
    let mut comp = vec![0u32; n];
    let mut count = 0usize;
    for (v, c) in comp.iter_mut().enumerate() {
        let r = find(&mut parent, v as u32) as usize;
        if label[r] == u32::MAX {
            label[r] = count as u32;
            count += 1;
        }
        *c = label[r];
    }
    (comp, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{build_graph, BuildOptions};

    #[test]
    fn stats_of_small_graph() {
        // 0-1, 1-2, 2-2 (loop), node 3 isolated, 4-5.
        let g = build_graph(
            6,
            &[0, 1, 2, 4],
            &[1, 2, 2, 5],
            None,
            &BuildOptions::undirected(),
        )
        .unwrap();
        let s = graph_stats(&g);
        assert_eq!(s.n_nodes, 6);
        assert_eq!(s.n_edges, 4);
        assert_eq!(s.self_loops, 1);
        assert_eq!(s.isolated_nodes, 1);
        assert_eq!(s.components, 3);
        assert_eq!(s.degree_max, 2); // rows of 1 and 2: [0, 2] and [1, 2]
        assert_eq!(s.degree_min, 0);
    }

    #[test]
    fn directed_components_are_weak() {
        let g = build_graph(4, &[1, 2], &[0, 0], None, &BuildOptions::directed()).unwrap();
        let (comp, count) = connected_components(&g);
        assert_eq!(count, 2);
        assert_eq!(comp, vec![0, 0, 0, 1]);
    }
}
