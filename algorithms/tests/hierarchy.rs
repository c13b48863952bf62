//! Nearest-neighbour-chain linkage against the brute-force greedy agglomeration
//! (merge the most similar pair, recompute), and the hierarchy on a planted tree.

use spargraph_algorithms::community::ari;
use spargraph_algorithms::hierarchy::{
    agglomerate, agglomerate_graph, hierarchy, Dendrogram, FineClustering, HierarchyConfig,
    HierarchyMethod, LeafGraph, Linkage,
};
use spargraph_engine::builder::{build_graph, BuildOptions};
use spargraph_engine::rng::Xoshiro256PlusPlus;

/// A random weighted graph as leaf rows (real weights, so no ties).
fn random_leaves(n: usize, m: usize, seed: u64) -> LeafGraph {
    let mut rng = Xoshiro256PlusPlus::new(seed);
    let mut rows = vec![Vec::new(); n];
    for _ in 0..m {
        let (a, b) = (
            rng.gen_range(n as u64) as u32,
            rng.gen_range(n as u64) as u32,
        );
        if a != b {
            let w = 0.5 + rng.next_f64();
            rows[a as usize].push((b, w));
            rows[b as usize].push((a, w));
        }
    }
    let sizes: Vec<u64> = (0..n).map(|_| 1 + rng.gen_range(4)).collect();
    let degrees = rows
        .iter()
        .map(|r: &Vec<(u32, f64)>| r.iter().map(|e| e.1).sum::<f64>() + 0.25)
        .collect();
    LeafGraph {
        rows,
        sizes,
        degrees,
    }
}

/// Greedy agglomeration by full search: the heights of its merges (finite ones).
#[allow(clippy::needless_range_loop)]
fn greedy_heights(g: &LeafGraph, linkage: Linkage) -> Vec<f64> {
    let n = g.rows.len();
    let mut w = vec![vec![0.0f64; n]; n];
    for (a, row) in g.rows.iter().enumerate() {
        for &(b, x) in row {
            w[a][b as usize] += x;
        }
    }
    let mut size: Vec<f64> = g.sizes.iter().map(|&s| s as f64).collect();
    let mut deg = g.degrees.clone();
    let total: f64 = deg.iter().sum();
    let mut alive = vec![true; n];
    let mut heights = Vec::new();
    loop {
        let mut best: Option<(f64, usize, usize)> = None;
        for a in 0..n {
            for b in a + 1..n {
                if !alive[a] || !alive[b] || w[a][b] <= 0.0 {
                    continue;
                }
                let s = match linkage {
                    Linkage::Average => w[a][b] / (size[a] * size[b]),
                    Linkage::Paris => w[a][b] * total / (deg[a] * deg[b]),
                };
                if best.is_none_or(|(bs, _, _)| s > bs) {
                    best = Some((s, a, b));
                }
            }
        }
        let Some((s, a, b)) = best else { break };
        heights.push(1.0 / s);
        for c in 0..n {
            w[a][c] += w[b][c];
            w[c][a] += w[c][b];
            w[b][c] = 0.0;
            w[c][b] = 0.0;
        }
        w[a][a] = 0.0;
        size[a] += size[b];
        deg[a] += deg[b];
        alive[b] = false;
    }
    heights.sort_by(f64::total_cmp);
    heights
}

/// Asserts that `d` has no inversions and the finite heights of the greedy
/// agglomeration of `leaves` (within 1e-12 relative); `what` names the case.
fn assert_greedy_heights(d: &Dendrogram, leaves: &LeafGraph, linkage: Linkage, what: &str) {
    assert!(!d.has_inversions(), "{what}: inversions");
    let ours: Vec<f64> = d
        .merges
        .iter()
        .map(|m| m.height)
        .filter(|h| h.is_finite())
        .collect();
    let want = greedy_heights(leaves, linkage);
    assert_eq!(ours.len(), want.len(), "{what}");
    for (a, b) in ours.iter().zip(&want) {
        assert!((a - b).abs() <= 1e-12 * b, "{what}: {a} vs {b}");
    }
}

#[test]
fn nn_chain_equals_greedy_agglomeration() {
    for seed in 0..20 {
        let g = random_leaves(12 + seed as usize % 7, 25, seed);
        for linkage in [Linkage::Average, Linkage::Paris] {
            let d = agglomerate(g.clone(), linkage);
            assert_greedy_heights(&d, &g, linkage, &format!("seed {seed} {linkage:?}"));
            // A forest is joined at +inf into one tree of all leaves.
            assert_eq!(d.merges.len(), g.rows.len() - 1);
            // scipy's size: leaves under the merge.
            assert_eq!(d.merges.last().unwrap().size, g.rows.len() as u64);
            // Each cut has the asked number of clusters.
            for k in 1..=g.rows.len() {
                let labels = d.cut(k).unwrap();
                let distinct = labels
                    .iter()
                    .collect::<std::collections::HashSet<_>>()
                    .len();
                assert_eq!(distinct, k);
            }
        }
    }
}

/// The rows of `A + A^T` of a graph as a leaf graph (loops kept: the linkage skips
/// them as neighbours), sizes 1, degrees with loops counted twice.
fn leaves_of_graph(g: &spargraph_engine::Graph) -> LeafGraph {
    let n = g.n_nodes();
    let mut rows = vec![Vec::new(); n];
    let mut degrees = vec![0f64; n];
    for v in 0..n {
        let mut entries: Vec<(u32, f32)> = g.out().row_entries(v).collect();
        if g.is_directed() {
            entries.extend(g.incoming().row_entries(v));
        }
        for (u, w) in entries {
            degrees[v] += if u as usize == v { 2.0 } else { 1.0 } * w as f64;
            rows[v].push((u, w as f64));
        }
    }
    LeafGraph {
        rows,
        sizes: vec![1; n],
        degrees,
    }
}

#[test]
fn agglomeration_reading_the_graph_in_place_equals_greedy() {
    // Random weighted graphs, directed and undirected, with self-loops and
    // isolated nodes: the lazy neighbour lists (initial rows read through the
    // union-find forest) give the greedy merges.
    for seed in 0..12u64 {
        let mut rng = Xoshiro256PlusPlus::new(100 + seed);
        let n = 15 + seed as usize % 6;
        let (mut src, mut dst, mut w) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..30 {
            // The last two nodes stay isolated.
            src.push(rng.gen_range(n as u64 - 2) as u32);
            dst.push(rng.gen_range(n as u64 - 2) as u32);
            w.push(0.5 + rng.next_f64() as f32);
        }
        for directed in [false, true] {
            let options = if directed {
                BuildOptions::directed()
            } else {
                BuildOptions::undirected()
            };
            let g = build_graph(n, &src, &dst, Some(&w), &options).unwrap();
            let leaves = leaves_of_graph(&g);
            for linkage in [Linkage::Average, Linkage::Paris] {
                let d = agglomerate_graph(&g, linkage);
                assert_eq!(d.merges.len(), n - 1);
                let what = format!("seed {seed} directed {directed} {linkage:?}");
                assert_greedy_heights(&d, &leaves, linkage, &what);
                // Same dendrogram as from the copied rows.
                assert_eq!(d, agglomerate(leaves.clone(), linkage));
            }
        }
    }
}

#[test]
fn bottom_up_recovers_a_planted_three_level_tree() {
    // 8 blocks of 60: neighbours by tree distance 0..3 with decreasing probability.
    let (blocks, size) = (8usize, 60usize);
    let p = [0.3, 0.08, 0.03, 0.005];
    let n = blocks * size;
    let mut rng = Xoshiro256PlusPlus::new(21);
    let (mut src, mut dst) = (Vec::new(), Vec::new());
    for a in 0..n {
        for b in a + 1..n {
            // Tree distance of the blocks: 0 same block, 1 siblings, ... 3.
            let dist = (32 - (((a / size) ^ (b / size)) as u32).leading_zeros()) as usize;
            if rng.next_f64() < p[dist.min(3)] {
                src.push(a as u32);
                dst.push(b as u32);
            }
        }
    }
    let g = build_graph(n, &src, &dst, None, &BuildOptions::undirected()).unwrap();
    for fine in [FineClustering::Spectral, FineClustering::Leiden] {
        let cfg = HierarchyConfig {
            fine,
            ..HierarchyConfig::default()
        };
        let h = hierarchy(&g, &cfg).unwrap();
        assert!(!h.dendrogram.has_inversions());
        if fine == FineClustering::Spectral {
            // The Bethe-Hessian has one negative eigenvalue per planted block.
            assert_eq!(h.dendrogram.n_leaves, 8);
        }
        for (k, shift) in [(2usize, 2u32), (4, 1), (8, 0)] {
            let truth: Vec<u32> = (0..n).map(|v| (v / size) as u32 >> shift).collect();
            let got = h.cut(k).unwrap();
            let score = ari(&got, &truth).unwrap();
            assert!(score > 0.95, "{fine:?} cut {k}: ARI {score}");
        }
    }
    let paris = hierarchy(
        &g,
        &HierarchyConfig {
            method: HierarchyMethod::Paris,
            ..HierarchyConfig::default()
        },
    )
    .unwrap();
    assert_eq!(paris.dendrogram.merges.len(), n - 1);
    assert!(!paris.dendrogram.has_inversions());
}
