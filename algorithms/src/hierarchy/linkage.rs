//! Agglomerative clustering of a sparse weighted graph by nearest-neighbour chain.
//!
//! Both linkages here are reducible (the similarity of a merged cluster to a third
//! is at most the larger of its parts' similarities), so the nearest-neighbour
//! chain finds the same merges as the greedy "merge the most similar pair" loop in
//! O(merges x neighbourhood) time, and the dendrogram has no inversions. Only
//! clusters joined by an edge have a positive similarity; connected components are
//! joined at the end at height +inf (as scikit-network does).
//!
//! Memory: neighbour lists are updated lazily. A cluster's neighbours are read
//! from its members' initial rows (for [`agglomerate_graph`], the graph's own CSR
//! rows, not a copy), each entry mapped to its live cluster through a union-find
//! forest and summed in a dense accumulator. A cluster whose members' rows repeat
//! its neighbours so much that its distinct live neighbours are at most a third of
//! their entries keeps them as its own list instead (rewritten compactly each time
//! it is read), so a cluster is read at more than three entries per live
//! neighbour at most once before it keeps its list, and the lists kept (12 bytes
//! an entry) never take more room than the initial rows they summarise (4 bytes
//! an entry in a CSR): the extra memory is a few arrays over the clusters plus at
//! most one `u32` per edge entry, instead of a hash map entry per edge.

use spargraph_engine::Graph;

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

/// Rows the agglomeration starts from: row `i` lists `(j, w(i, j))`, possibly with
/// `j == i` (skipped) and repeated `j` (summed).
trait InitialRows {
    /// Calls `f(j, w)` for each entry of row `i`.
    fn for_each(&self, i: usize, f: impl FnMut(u32, f64));
    /// The number of entries of row `i`.
    fn len(&self, i: usize) -> usize;
}

impl InitialRows for Vec<Vec<(u32, f64)>> {
    fn for_each(&self, i: usize, mut f: impl FnMut(u32, f64)) {
        for &(j, w) in &self[i] {
            f(j, w);
        }
    }
    fn len(&self, i: usize) -> usize {
        self[i].len()
    }
}

/// A graph's own rows, read in place (`A + A^T` when directed: out-row, then
/// in-row).
struct GraphRows<'g>(&'g Graph);

impl InitialRows for GraphRows<'_> {
    fn for_each(&self, i: usize, mut f: impl FnMut(u32, f64)) {
        let graph = self.0;
        for (j, w) in graph.out().row_entries(i) {
            f(j, w as f64);
        }
        if graph.is_directed() {
            for (j, w) in graph.incoming().row_entries(i) {
                f(j, w as f64);
            }
        }
    }
    fn len(&self, i: usize) -> usize {
        let graph = self.0;
        let incoming = if graph.is_directed() {
            graph.incoming().row_range(i).len()
        } else {
            0
        };
        graph.out().row_range(i).len() + incoming
    }
}

/// Clusters `graph` bottom-up with `linkage`; returns a dendrogram over its leaves.
pub fn agglomerate(graph: LeafGraph, linkage: Linkage) -> Dendrogram {
    let n = graph.rows.len();
    let merges = nearest_neighbour_chain(graph.rows, &graph.sizes, graph.degrees, linkage);
    Dendrogram::from_unsorted(n, merges, graph.sizes)
}

/// Clusters the nodes of `graph` (taken as undirected, `A + A^T` when directed;
/// self-loops count twice in a degree and never as a neighbour) with `linkage`,
/// each node a leaf of size 1, reading the graph's rows in place. With
/// [`Linkage::Paris`] this is scikit-network's `Paris` on the graph.
pub fn agglomerate_graph(graph: &Graph, linkage: Linkage) -> Dendrogram {
    let n = graph.n_nodes();
    let degrees = (0..n)
        .map(|v| {
            let mut d = 0f64;
            GraphRows(graph).for_each(v, |u, w| d += if u as usize == v { 2.0 * w } else { w });
            d
        })
        .collect();
    let sizes = vec![1u64; n];
    let merges = nearest_neighbour_chain(GraphRows(graph), &sizes, degrees, linkage);
    Dendrogram::from_unsorted(n, merges, sizes)
}

/// The neighbours of a merged cluster: live clusters when written, with the total
/// weight to each.
struct OwnedRow {
    targets: Vec<u32>,
    weights: Vec<f64>,
}

/// How each live cluster's neighbours are read: from its own list, or from the
/// initial rows of its members (a circular list through `next_member`).
struct Clusters<R> {
    rows: R,
    owned: Vec<Option<Box<OwnedRow>>>,
    next_member: Vec<u32>,
    /// Entries of the members' initial rows, per cluster.
    entries: Vec<u64>,
}

impl<R> Clusters<R> {
    /// Whether a list of `distinct` neighbours is worth keeping for a cluster whose
    /// members' rows have `entries` entries: it takes at most the room of those
    /// rows in a CSR (12 bytes an entry against 4).
    fn worth_keeping(distinct: usize, entries: u64) -> bool {
        3 * distinct as u64 <= entries
    }
}

/// Union-find over cluster slots: a merged slot points (eventually) to the slot of
/// the live cluster that absorbed it.
struct Forest(Vec<u32>);

impl Forest {
    /// The live slot containing slot `x` (with path halving).
    #[inline]
    fn find(&mut self, mut x: u32) -> u32 {
        let p = &mut self.0;
        while p[x as usize] != x {
            let grand = p[p[x as usize] as usize];
            p[x as usize] = grand;
            x = grand;
        }
        x
    }
}

/// The live neighbours of clusters being read: total weight per slot (0 means
/// untouched, as every weight added is positive) and the slots touched, in order.
struct Gathered {
    weight: Vec<f64>,
    touched: Vec<u32>,
}

impl Gathered {
    /// Adds the neighbours of the cluster at slot `a` (its own list if it keeps
    /// one, else its members' initial rows), each entry mapped to its live
    /// cluster; entries in `a` or `skip` and non-positive weights are left out.
    /// Returns the number of entries read.
    fn add_cluster<R: InitialRows>(
        &mut self,
        clusters: &Clusters<R>,
        forest: &mut Forest,
        a: usize,
        skip: usize,
    ) -> usize {
        let mut add = |j: u32, w: f64| {
            let c = forest.find(j);
            if c as usize != a && c as usize != skip && w > 0.0 {
                let slot = &mut self.weight[c as usize];
                if *slot == 0.0 {
                    self.touched.push(c);
                }
                *slot += w;
            }
        };
        if let Some(row) = &clusters.owned[a] {
            for (&j, &w) in row.targets.iter().zip(&row.weights) {
                add(j, w);
            }
            return row.targets.len();
        }
        let mut member = a;
        loop {
            clusters.rows.for_each(member, &mut add);
            member = clusters.next_member[member] as usize;
            if member == a {
                return clusters.entries[a] as usize;
            }
        }
    }

    /// The touched slots except `skip`, with their weights, as a list.
    fn to_row(&self, skip: usize) -> OwnedRow {
        let (targets, weights) = self
            .touched
            .iter()
            .filter(|&&c| c as usize != skip)
            .map(|&c| (c, self.weight[c as usize]))
            .unzip();
        OwnedRow { targets, weights }
    }

    /// Forgets every touched slot.
    fn clear(&mut self) {
        for &c in &self.touched {
            self.weight[c as usize] = 0.0;
        }
        self.touched.clear();
    }
}

/// The merges of the nearest-neighbour chain over `rows` (unsorted, ids by
/// creation), components joined at +inf.
fn nearest_neighbour_chain<R: InitialRows>(
    rows: R,
    sizes: &[u64],
    mut degree: Vec<f64>,
    linkage: Linkage,
) -> Vec<Merge> {
    let n = sizes.len();
    let mut size: Vec<f64> = match linkage {
        Linkage::Average => sizes.iter().map(|&s| s as f64).collect(),
        Linkage::Paris => Vec::new(),
    };
    // Leaves under each live cluster: scipy's `size` column.
    let mut leaves = vec![1u32; n];
    let total: f64 = degree.iter().sum();
    // Slot i holds a live cluster; `id[i]` is its scipy id in creation order.
    let mut id: Vec<u32> = (0..n as u32).collect();
    let mut alive = vec![true; n];
    let mut forest = Forest((0..n as u32).collect());
    let mut clusters = Clusters {
        entries: (0..n).map(|i| rows.len(i) as u64).collect(),
        rows,
        owned: (0..n).map(|_| None).collect(),
        next_member: (0..n as u32).collect(),
    };
    let mut near = Gathered {
        weight: vec![0f64; n],
        touched: Vec::new(),
    };
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
        let read = near.add_cluster(&clusters, &mut forest, a, a);
        // Nearest neighbour of a: highest similarity; prefer the chain's previous
        // element on ties (needed for termination), then the smallest scipy id.
        let prev = (chain.len() >= 2).then(|| chain[chain.len() - 2]);
        let mut best: Option<(f64, usize)> = None;
        for &b in &near.touched {
            let b = b as usize;
            let s = sim(near.weight[b], a, b, &size, &degree);
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
        let merge_with = match best {
            Some((s, b)) if Some(b) == prev => Some((s, b)),
            _ => None,
        };
        let Some((s, b)) = merge_with else {
            // Keep a's live neighbours as its list when they repeat enough.
            let distinct = near.touched.len();
            if distinct < read
                && (clusters.owned[a].is_some()
                    || Clusters::<R>::worth_keeping(distinct, clusters.entries[a]))
            {
                clusters.owned[a] = Some(Box::new(near.to_row(usize::MAX)));
            }
            near.clear();
            match best {
                // No neighbour left: a whole component.
                None => {
                    chain.pop();
                    alive[a] = false;
                    clusters.owned[a] = None;
                    roots.push(a);
                }
                Some((_, b)) => chain.push(b),
            }
            continue;
        };
        chain.pop();
        chain.pop();
        // The merged cluster's neighbours: a's (gathered above, b among them) and b's.
        near.add_cluster(&clusters, &mut forest, b, a);
        let entries = clusters.entries[a] + clusters.entries[b];
        let row = Clusters::<R>::worth_keeping(near.touched.len() - 1, entries)
            .then(|| Box::new(near.to_row(b)));
        near.clear();
        // The slot with more leaves keeps the cluster (shallow union-find trees).
        let (keep, gone) = if leaves[a] >= leaves[b] {
            (a, b)
        } else {
            (b, a)
        };
        clusters.owned[gone] = None;
        clusters.owned[keep] = row;
        clusters.entries[keep] = entries;
        clusters.next_member.swap(a, b); // splice the two circular member lists
        forest.0[gone] = keep as u32;
        let merged_leaves = leaves[a] + leaves[b];
        merges.push(Merge {
            left: id[a].min(id[b]),
            right: id[a].max(id[b]),
            height: 1.0 / s,
            size: merged_leaves as u64,
        });
        if linkage == Linkage::Average {
            size[keep] = size[a] + size[b];
        }
        leaves[keep] = merged_leaves;
        degree[keep] += degree[gone];
        id[keep] = (n + merges.len() - 1) as u32;
        alive[gone] = false;
    }
    // Join the components in order of their scipy ids.
    roots.sort_by_key(|&r| id[r]);
    if let Some((&first, rest)) = roots.split_first() {
        let (mut acc_id, mut acc_leaves) = (id[first], leaves[first] as u64);
        for &r in rest {
            acc_leaves += leaves[r] as u64;
            merges.push(Merge {
                left: acc_id.min(id[r]),
                right: acc_id.max(id[r]),
                height: f64::INFINITY,
                size: acc_leaves,
            });
            acc_id = (n + merges.len() - 1) as u32;
        }
    }
    merges
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
