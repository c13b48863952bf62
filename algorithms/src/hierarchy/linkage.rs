//! Agglomerative clustering of a sparse weighted graph by nearest-neighbour chain.
//!
//! Both linkages here are reducible (the similarity of a merged cluster to a third
//! is at most the larger of its parts' similarities), so the nearest-neighbour
//! chain finds the same merges as the greedy "merge the most similar pair" loop in
//! O(merges x neighbourhood) time, and the dendrogram has no inversions. Only
//! clusters joined by an edge have a positive similarity; connected components are
//! joined at the end at height +inf (as scikit-network does).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::dendrogram::{Dendrogram, Merge};

/// How the similarity of two clusters is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linkage {
    /// Average linkage on the adjacency: `sim(a, b) = w(a, b) / (|a| |b|)`, the
    /// edge density between the clusters (Dreveton et al.'s bottom-up algorithm);
    /// height `1 / sim`.
    Average,
    /// Paris (Bonald et al. 2018): `sim(a, b) = W w(a, b) / (d(a) d(b))` with `d`
    /// the clusters' total degree and `W` the total degree of the graph; height
    /// `1 / sim`, as scikit-network's `Paris`.
    Paris,
}

/// A multiplicative hasher for `u32` keys (the std SipHash is several times
/// slower here, and keys are not adversarial).
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.0 = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Neighbours = HashMap<u32, f64, BuildHasherDefault<IdHasher>>;

/// The graph to cluster: `rows[i]` lists `(j, w(i, j))` for `j != i` (symmetric;
/// repeated `j` are summed), with each leaf's size (nodes in it) and degree.
#[derive(Clone, Debug)]
pub struct LeafGraph {
    /// Neighbour lists.
    pub rows: Vec<Vec<(u32, f64)>>,
    /// Nodes in each leaf.
    pub sizes: Vec<u64>,
    /// Total degree of each leaf (internal weight counted twice, as in a degree).
    pub degrees: Vec<f64>,
}

/// Clusters `graph` bottom-up with `linkage`; returns a dendrogram over its leaves.
/// The rows are consumed as the neighbour maps are built, so the two are never
/// held whole at once.
pub fn agglomerate(graph: LeafGraph, linkage: Linkage) -> Dendrogram {
    let n = graph.rows.len();
    let mut adj: Vec<Neighbours> = graph
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let mut m = Neighbours::default();
            for (j, w) in row {
                if j as usize != i && w > 0.0 {
                    *m.entry(j).or_insert(0.0) += w;
                }
            }
            m
        })
        .collect();
    let mut size: Vec<f64> = graph.sizes.iter().map(|&s| s as f64).collect();
    // Leaves under each live cluster: scipy's `size` column.
    let mut leaves = vec![1u64; n];
    let mut degree = graph.degrees.clone();
    let total: f64 = degree.iter().sum();
    // Slot i holds a live cluster; `id[i]` is its scipy id in creation order.
    let mut id: Vec<u32> = (0..n as u32).collect();
    let mut alive = vec![true; n];
    let sim = |w: f64, a: usize, b: usize, size: &[f64], degree: &[f64]| match linkage {
        Linkage::Average => w / (size[a] * size[b]),
        Linkage::Paris => w * total / (degree[a] * degree[b]),
    };
    let mut merges: Vec<Merge> = Vec::with_capacity(n.saturating_sub(1));
    let mut roots: Vec<usize> = Vec::new(); // finished components
    let mut chain: Vec<usize> = Vec::new();
    let mut next_start = 0usize;
    loop {
        if chain.is_empty() {
            while next_start < n && !alive[next_start] {
                next_start += 1;
            }
            if next_start == n {
                break;
            }
            chain.push(next_start);
        }
        let a = *chain.last().expect("chain not empty");
        // Nearest neighbour of a: highest similarity; prefer the chain's previous
        // element on ties (needed for termination), then the smallest scipy id.
        let prev = (chain.len() >= 2).then(|| chain[chain.len() - 2]);
        let mut best: Option<(f64, usize)> = None;
        for (&b, &w) in &adj[a] {
            let b = b as usize;
            let s = sim(w, a, b, &size, &degree);
            let better = match best {
                None => true,
                Some((bs, bb)) => {
                    s > bs || (s == bs && Some(bb) != prev && (Some(b) == prev || id[b] < id[bb]))
                }
            };
            if better {
                best = Some((s, b));
            }
        }
        let Some((s, b)) = best else {
            // No neighbour left: a whole component.
            chain.pop();
            alive[a] = false;
            roots.push(a);
            continue;
        };
        if Some(b) != prev {
            chain.push(b);
            continue;
        }
        chain.pop();
        chain.pop();
        // Merge a and b into the slot with the larger neighbour map.
        let (keep, gone) = if adj[a].len() >= adj[b].len() {
            (a, b)
        } else {
            (b, a)
        };
        let gone_map = std::mem::take(&mut adj[gone]);
        adj[keep].remove(&(gone as u32));
        for (c, w) in gone_map {
            let c = c as usize;
            if c == keep {
                continue;
            }
            let w_c = adj[c].remove(&(gone as u32)).expect("symmetric");
            debug_assert_eq!(w_c, w);
            *adj[c].entry(keep as u32).or_insert(0.0) += w;
            *adj[keep].entry(c as u32).or_insert(0.0) += w;
        }
        let merged_size = size[a] + size[b];
        let merged_leaves = leaves[a] + leaves[b];
        merges.push(Merge {
            left: id[a].min(id[b]),
            right: id[a].max(id[b]),
            height: 1.0 / s,
            size: merged_leaves,
        });
        size[keep] = merged_size;
        leaves[keep] = merged_leaves;
        degree[keep] += degree[gone];
        id[keep] = (n + merges.len() - 1) as u32;
        alive[gone] = false;
    }
    // Join the components, largest first... in order of their scipy ids.
    roots.sort_by_key(|&r| id[r]);
    if let Some((&first, rest)) = roots.split_first() {
        let (mut acc_id, mut acc_leaves) = (id[first], leaves[first]);
        for &r in rest {
            acc_leaves += leaves[r];
            merges.push(Merge {
                left: acc_id.min(id[r]),
                right: acc_id.max(id[r]),
                height: f64::INFINITY,
                size: acc_leaves,
            });
            acc_id = (n + merges.len() - 1) as u32;
        }
    }
    Dendrogram::from_unsorted(n, merges, graph.sizes.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_graph() -> LeafGraph {
        // 0 -3- 1 -1- 2 -2- 3, and 4 alone.
        let edges = [(0u32, 1u32, 3.0), (1, 2, 1.0), (2, 3, 2.0)];
        let mut rows = vec![Vec::new(); 5];
        for &(a, b, w) in &edges {
            rows[a as usize].push((b, w));
            rows[b as usize].push((a, w));
        }
        let degrees = rows.iter().map(|r| r.iter().map(|e| e.1).sum()).collect();
        LeafGraph {
            rows,
            sizes: vec![1; 5],
            degrees,
        }
    }

    #[test]
    fn average_linkage_merges_densest_first_and_joins_components_last() {
        let d = agglomerate(path_graph(), Linkage::Average);
        // (0,1) density 3, (2,3) density 2, then {0,1}-{2,3}: 1 / 4.
        let got: Vec<(u32, u32, f64, u64)> = d
            .merges
            .iter()
            .map(|m| (m.left, m.right, m.height, m.size))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 1, 1.0 / 3.0, 2),
                (2, 3, 0.5, 2),
                (5, 6, 4.0, 4),
                (4, 7, f64::INFINITY, 5)
            ]
        );
        assert!(!d.has_inversions());
    }
}
