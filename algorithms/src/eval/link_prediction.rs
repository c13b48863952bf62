//! Link prediction from embeddings, with the protocol of the FastRP paper (Chen et
//! al., CIKM 2019, following Grover & Leskovec's node2vec evaluation): hold out a
//! random part of the edges while keeping the training graph's connectivity, score
//! held-out edges and as many random non-edges by the cosine similarity of their
//! endpoints' embeddings (computed on the training graph), and report the ROC AUC.
//!
//! [`split_edges`]:
//!
//! 1. shuffle the edges (stream 0 of the seed) and run Kruskal's algorithm with a
//!    union-find in that order: the edges that join two components form a random
//!    spanning forest, which always stays in the training graph, so the training graph
//!    has exactly the connected components of the full graph;
//! 2. shuffle the other edges (stream 1) and hold out the first
//!    `h = min(round(test_ratio * m), #non-forest edges)` of them as positive test
//!    edges (`round` to nearest, halves away from zero); the rest are training edges;
//! 3. draw `h` negative test pairs (stream 2): distinct unordered pairs `{u, v}`,
//!    `u != v`, uniform among the pairs that are not edges of the full graph (by
//!    rejection; when non-edges are scarce, by shuffling the list of all non-edges, and
//!    if fewer than `h` exist, all of them).
//!
//! All random draws come from [`Xoshiro256PlusPlus::from_seed_and_stream`], so a
//! seed gives the same split on every machine and thread count.

use super::metrics::roc_auc;
use super::node_classification::shuffle;
use crate::error::{check_open, AlgorithmError};
use rayon::prelude::*;
use spargraph_engine::rng::Xoshiro256PlusPlus;
use std::collections::HashSet;

/// Options of [`split_edges`].
#[derive(Clone, Debug, PartialEq)]
pub struct LinkSplitConfig {
    /// Fraction of the edges to hold out, in (0, 1). Default 0.3.
    pub test_ratio: f64,
    /// Seed of the shuffles and the negative sampling. Default 42.
    pub seed: u64,
}

impl Default for LinkSplitConfig {
    fn default() -> Self {
        LinkSplitConfig {
            test_ratio: 0.3,
            seed: 42,
        }
    }
}

impl LinkSplitConfig {
    /// Checks `test_ratio` in (0, 1).
    pub fn validate(&self) -> Result<(), AlgorithmError> {
        check_open(
            "test-ratio",
            self.test_ratio,
            0.0,
            1.0,
            "must be strictly between 0 and 1",
        )
    }
}

/// A train/test split of an undirected graph's edges; every pair is `(u, v)` with
/// `u < v`, and each list is sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkSplit {
    /// The training graph: the spanning forest plus the non-forest edges not held out.
    pub train_edges: Vec<(u32, u32)>,
    /// Held-out edges (positive test pairs).
    pub test_positive: Vec<(u32, u32)>,
    /// Sampled non-edges of the full graph (negative test pairs); as many as
    /// `test_positive` unless the graph has fewer non-edges.
    pub test_negative: Vec<(u32, u32)>,
    /// `round(test_ratio * m)`, the requested number of held-out edges; more than
    /// `test_positive.len()` when the graph has too few non-forest edges.
    pub requested_test: usize,
}

/// Splits the undirected graph with nodes `0..n` and edges `edges` following the
/// protocol of the [module documentation](self).
///
/// The caller passes each undirected edge once, as `(u, v)` with `u < v < n` (no
/// self-loops, no duplicates); other input is rejected with `Mismatch`. Errors also
/// for `n < 2`, no edges, or `test_ratio` outside (0, 1).
pub fn split_edges(
    n: usize,
    edges: &[(u32, u32)],
    cfg: &LinkSplitConfig,
) -> Result<LinkSplit, AlgorithmError> {
    cfg.validate()?;
    if n < 2 || n > u32::MAX as usize + 1 {
        return Err(AlgorithmError::Mismatch(format!(
            "link prediction needs between 2 and 2^32 nodes, got {n}"
        )));
    }
    if edges.is_empty() {
        return Err(AlgorithmError::Mismatch(
            "link prediction needs at least one edge".into(),
        ));
    }
    let mut edge_set: HashSet<u64> = HashSet::with_capacity(edges.len());
    for &(u, v) in edges {
        if u >= v || v as usize >= n {
            return Err(AlgorithmError::Mismatch(format!(
                "edge ({u}, {v}) is not a pair u < v < {n}"
            )));
        }
        if !edge_set.insert(key(u, v)) {
            return Err(AlgorithmError::Mismatch(format!(
                "edge ({u}, {v}) is listed twice"
            )));
        }
    }
    let m = edges.len();

    // 1. Random spanning forest (Kruskal on shuffled edges).
    let mut order = edges.to_vec();
    shuffle(&mut order, cfg.seed, 0);
    let mut uf = UnionFind::new(n);
    let mut train = Vec::with_capacity(m);
    let mut rest = Vec::new();
    for e in order {
        if uf.union(e.0, e.1) {
            train.push(e);
        } else {
            rest.push(e);
        }
    }

    // 2. Held-out edges among the non-forest edges.
    let requested = (cfg.test_ratio * m as f64).round() as usize;
    shuffle(&mut rest, cfg.seed, 1);
    let h = requested.min(rest.len());
    let mut test_positive = rest[..h].to_vec();
    train.extend_from_slice(&rest[h..]);

    // 3. Negative pairs.
    let mut test_negative = sample_non_edges(n, &edge_set, h, cfg.seed);

    train.sort_unstable();
    test_positive.sort_unstable();
    test_negative.sort_unstable();
    Ok(LinkSplit {
        train_edges: train,
        test_positive,
        test_negative,
        requested_test: requested,
    })
}

fn key(u: u32, v: u32) -> u64 {
    (u64::from(u) << 32) | u64::from(v)
}

/// `h` distinct non-edges `(u, v)`, `u < v`, uniform (see the module docs).
fn sample_non_edges(n: usize, edges: &HashSet<u64>, h: usize, seed: u64) -> Vec<(u32, u32)> {
    let total = n as u128 * (n as u128 - 1) / 2;
    let free = total - edges.len() as u128;
    if free <= 2 * h as u128 {
        // Dense graph: here n(n-1)/2 <= m + 2h <= 3m, so listing all pairs is O(m).
        let mut all: Vec<(u32, u32)> = Vec::with_capacity(free as usize);
        for u in 0..n as u32 {
            for v in u + 1..n as u32 {
                if !edges.contains(&key(u, v)) {
                    all.push((u, v));
                }
            }
        }
        shuffle(&mut all, seed, 2);
        all.truncate(h);
        return all;
    }
    // At least half of the non-edges stay free, so each draw succeeds with
    // probability >= (free - h) / (n^2 / 2) ~ 1/2 or more of the non-edge density.
    let mut g = Xoshiro256PlusPlus::from_seed_and_stream(seed, 2);
    let mut chosen: HashSet<u64> = HashSet::with_capacity(h);
    let mut out = Vec::with_capacity(h);
    while out.len() < h {
        let a = g.gen_range(n as u64) as u32;
        let b = g.gen_range(n as u64) as u32;
        if a == b {
            continue;
        }
        let (u, v) = (a.min(b), a.max(b));
        let k = key(u, v);
        if !edges.contains(&k) && chosen.insert(k) {
            out.push((u, v));
        }
    }
    out
}

/// Union-find with path halving and union by size.
struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).map(|i| i as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let gp = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = gp;
            x = gp;
        }
        x
    }

    /// Joins the sets of `a` and `b`; false if they were already one set.
    fn union(&mut self, a: u32, b: u32) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
        true
    }
}

/// Cosine similarity `x_u . x_v / (||x_u|| ||x_v||)` of each pair's embeddings (rows
/// of the row-major `f32` matrix `x` of width `dim`), accumulated in `f64`; 0 when
/// either vector is zero. Pairs are scored in parallel, each independently.
pub fn cosine_scores(
    x: &[f32],
    dim: usize,
    pairs: &[(u32, u32)],
) -> Result<Vec<f64>, AlgorithmError> {
    if dim == 0 || !x.len().is_multiple_of(dim) {
        return Err(AlgorithmError::Mismatch(format!(
            "{} embedding values do not form rows of dimension {dim}",
            x.len()
        )));
    }
    let n = x.len() / dim;
    if let Some(&(u, v)) = pairs
        .iter()
        .find(|&&(u, v)| u as usize >= n || v as usize >= n)
    {
        return Err(AlgorithmError::UnknownNode(if u as usize >= n {
            u
        } else {
            v
        }));
    }
    let row = |u: u32| &x[u as usize * dim..(u as usize + 1) * dim];
    Ok(pairs
        .par_iter()
        .map(|&(u, v)| {
            let (a, b) = (row(u), row(v));
            let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
            for (&p, &q) in a.iter().zip(b) {
                let (p, q) = (f64::from(p), f64::from(q));
                ab += p * q;
                aa += p * p;
                bb += q * q;
            }
            if aa == 0.0 || bb == 0.0 {
                0.0
            } else {
                ab / (aa.sqrt() * bb.sqrt())
            }
        })
        .collect())
}

/// ROC AUC ([`roc_auc`]) of the cosine scores ([`cosine_scores`]) of the split's
/// positive test edges against its negative test pairs. The embeddings should have
/// been computed on `split.train_edges` only. Errors if either test set is empty (or
/// a score is NaN, from non-finite embeddings).
pub fn link_prediction_auc(
    x: &[f32],
    dim: usize,
    split: &LinkSplit,
) -> Result<f64, AlgorithmError> {
    let pos = cosine_scores(x, dim, &split.test_positive)?;
    let neg = cosine_scores(x, dim, &split.test_negative)?;
    roc_auc(&pos, &neg).ok_or_else(|| {
        AlgorithmError::Mismatch(format!(
            "AUC undefined: {} positive and {} negative test pairs (or NaN scores)",
            pos.len(),
            neg.len()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A random graph with `parts` dense communities, a few isolated nodes and a
    /// tree component, as canonical `(u, v)` edges.
    fn graph(seed: u64) -> (usize, Vec<(u32, u32)>) {
        let n = 200;
        let mut g = Xoshiro256PlusPlus::new(seed);
        let mut set = HashSet::new();
        // Communities of nodes 0..150 (v % 5), p = 0.2 inside.
        for u in 0..150u32 {
            for v in u + 1..150 {
                if u % 5 == v % 5 && g.next_f64() < 0.2 {
                    set.insert((u, v));
                }
            }
        }
        // A path 160..190 (a tree: all its edges are forest edges); 190..200 isolated.
        for u in 160..189u32 {
            set.insert((u, u + 1));
        }
        let mut e: Vec<(u32, u32)> = set.into_iter().collect();
        e.sort_unstable();
        (n, e)
    }

    fn components(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
        let mut uf = UnionFind::new(n);
        for &(u, v) in edges {
            uf.union(u, v);
        }
        (0..n as u32).map(|v| uf.find(v)).collect()
    }

    /// Same partition (component roots may differ).
    fn same_partition(a: &[u32], b: &[u32]) -> bool {
        let mut map = std::collections::HashMap::new();
        let mut back = std::collections::HashMap::new();
        a.iter()
            .zip(b)
            .all(|(&x, &y)| *map.entry(x).or_insert(y) == y && *back.entry(y).or_insert(x) == x)
    }

    #[test]
    fn split_keeps_components_and_counts() {
        let (n, edges) = graph(1);
        let m = edges.len();
        let cfg = LinkSplitConfig::default();
        let s = split_edges(n, &edges, &cfg).unwrap();
        assert_eq!(s.requested_test, (0.3 * m as f64).round() as usize);
        assert_eq!(s.test_positive.len(), s.requested_test);
        assert_eq!(s.test_negative.len(), s.test_positive.len());
        assert_eq!(s.train_edges.len() + s.test_positive.len(), m);
        // Train and held-out edges partition the edges.
        let mut all: Vec<(u32, u32)> = s
            .train_edges
            .iter()
            .chain(&s.test_positive)
            .copied()
            .collect();
        all.sort_unstable();
        assert_eq!(all, edges);
        // Same connected components.
        assert!(same_partition(
            &components(n, &edges),
            &components(n, &s.train_edges)
        ));
        assert!(!same_partition(
            &components(n, &edges),
            &components(n, &s.train_edges[..s.train_edges.len() / 2])
        ));
        // Negatives: distinct non-edges u < v.
        let eset: HashSet<(u32, u32)> = edges.iter().copied().collect();
        let nset: HashSet<(u32, u32)> = s.test_negative.iter().copied().collect();
        assert_eq!(nset.len(), s.test_negative.len());
        for &(u, v) in &s.test_negative {
            assert!(u < v && (v as usize) < n && !eset.contains(&(u, v)));
        }
        // Path edges (160..190) are bridges: never held out.
        assert!(s.test_positive.iter().all(|&(u, _)| u < 150));
        // Deterministic for a seed, different for another.
        assert_eq!(s, split_edges(n, &edges, &cfg).unwrap());
        let t = split_edges(n, &edges, &LinkSplitConfig { seed: 7, ..cfg }).unwrap();
        assert_ne!(s.test_positive, t.test_positive);
        assert_ne!(s.test_negative, t.test_negative);
    }

    #[test]
    fn few_non_forest_edges_are_all_held_out() {
        // A path 0-1-2-3-4 plus the chord (0, 4): one non-forest edge.
        let edges = vec![(0, 1), (0, 4), (1, 2), (2, 3), (3, 4)];
        let s = split_edges(
            5,
            &edges,
            &LinkSplitConfig {
                test_ratio: 0.6,
                seed: 1,
            },
        )
        .unwrap();
        assert_eq!(s.requested_test, 3);
        assert_eq!(s.test_positive.len(), 1);
        assert_eq!(s.train_edges.len(), 4);
        assert_eq!(s.test_negative.len(), 1);
        // A tree: nothing can be held out, so the AUC is undefined.
        let tree = vec![(0, 1), (1, 2)];
        let s = split_edges(3, &tree, &LinkSplitConfig::default()).unwrap();
        assert!(s.test_positive.is_empty() && s.test_negative.is_empty());
        assert!(link_prediction_auc(&[1.0; 3], 1, &s).is_err());
    }

    #[test]
    fn dense_graph_negatives_are_the_non_edges() {
        // K_6 minus (0, 1) and (2, 5): 13 edges, 2 non-edges, 4 held out.
        let mut edges = Vec::new();
        for u in 0..6u32 {
            for v in u + 1..6 {
                if (u, v) != (0, 1) && (u, v) != (2, 5) {
                    edges.push((u, v));
                }
            }
        }
        let s = split_edges(6, &edges, &LinkSplitConfig::default()).unwrap();
        assert_eq!(s.test_positive.len(), 4);
        assert_eq!(s.test_negative, vec![(0, 1), (2, 5)]);
        // Exactly two non-edges with h = 2: the scarce path too.
        let cfg = LinkSplitConfig {
            test_ratio: 0.15,
            seed: 3,
        };
        let s = split_edges(6, &edges, &cfg).unwrap();
        assert_eq!(s.test_positive.len(), 2);
        assert_eq!(s.test_negative, vec![(0, 1), (2, 5)]);
    }

    #[test]
    fn errors() {
        let cfg = LinkSplitConfig::default();
        assert!(split_edges(1, &[], &cfg).is_err());
        assert!(split_edges(3, &[], &cfg).is_err());
        assert!(split_edges(3, &[(1, 0)], &cfg).is_err());
        assert!(split_edges(3, &[(1, 1)], &cfg).is_err());
        assert!(split_edges(3, &[(0, 3)], &cfg).is_err());
        assert!(split_edges(3, &[(0, 1), (0, 1)], &cfg).is_err());
        for r in [0.0, 1.0, -0.1, f64::NAN] {
            let c = LinkSplitConfig {
                test_ratio: r,
                seed: 1,
            };
            assert!(matches!(
                split_edges(3, &[(0, 1)], &c),
                Err(AlgorithmError::InvalidOption { .. })
            ));
        }
        assert!(cosine_scores(&[1.0, 2.0], 2, &[(0, 1)]).is_err());
        assert!(cosine_scores(&[1.0, 2.0, 3.0], 2, &[]).is_err());
    }

    #[test]
    fn cosine_and_auc() {
        // Rows: (1, 0), (2, 0), (0, 3), (0, 0), (1, 1).
        let x = [1.0f32, 0.0, 2.0, 0.0, 0.0, 3.0, 0.0, 0.0, 1.0, 1.0];
        let s = cosine_scores(&x, 2, &[(0, 1), (0, 2), (0, 3), (0, 4), (3, 3)]).unwrap();
        assert_eq!(s[..3], [1.0, 0.0, 0.0][..]);
        assert!((s[3] - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-15);
        assert_eq!(s[4], 0.0);
        // Community embeddings: same-community pairs have cosine 1, others 0, so a
        // split of the community graph has AUC close to 1.
        let (n, edges) = graph(2);
        let dim = 6;
        let mut emb = vec![0.0f32; n * dim];
        for v in 0..n {
            let c = if v < 150 { v % 5 } else { 5 };
            emb[v * dim + c] = 1.0;
        }
        let split = split_edges(n, &edges, &LinkSplitConfig::default()).unwrap();
        let auc = link_prediction_auc(&emb, dim, &split).unwrap();
        let neg_same = split
            .test_negative
            .iter()
            .filter(|&&(u, v)| {
                let c = |w: u32| if w < 150 { w % 5 } else { 5 };
                c(u) == c(v)
            })
            .count();
        // Every positive scores 1; negatives within one community (or both outside
        // the communities) tie at 1, the others score 0.
        let p = split.test_positive.len() as f64;
        let want = 1.0 - 0.5 * neg_same as f64 / split.test_negative.len() as f64;
        assert!(
            p > 0.0 && (auc - want).abs() < 1e-12,
            "auc {auc} want {want}"
        );
        assert!(auc > 0.8);
    }
}
