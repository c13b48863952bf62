//! Louvain/Leiden against brute force on small graphs, and the engine's promises:
//! connected communities (Leiden), determinism across thread counts, each objective
//! optimised and reported as the quality functions compute it, warm starts.

use spargraph_algorithms::community::{
    bipartite_modularity, communities, cpm, modularity, CommunityConfig, CommunityInput, Method,
    Objective,
};
use spargraph_engine::builder::{build_graph, BuildOptions};
use spargraph_engine::rng::Xoshiro256PlusPlus;
use spargraph_engine::Graph;

fn graph(n: usize, edges: &[(u32, u32)], weights: Option<Vec<f32>>, directed: bool) -> Graph {
    let src: Vec<u32> = edges.iter().map(|e| e.0).collect();
    let dst: Vec<u32> = edges.iter().map(|e| e.1).collect();
    let opts = if directed {
        BuildOptions::directed()
    } else {
        BuildOptions::undirected()
    };
    build_graph(n, &src, &dst, weights.as_deref(), &opts).unwrap()
}

fn random_graph(n: usize, m: usize, seed: u64, directed: bool, weighted: bool) -> Graph {
    let mut rng = Xoshiro256PlusPlus::new(seed);
    let mut edges = Vec::new();
    while edges.len() < m {
        let (a, b) = (
            rng.gen_range(n as u64) as u32,
            rng.gen_range(n as u64) as u32,
        );
        if a != b {
            edges.push((a, b));
        }
    }
    let w = weighted.then(|| (0..m).map(|_| 0.5 + rng.next_f32() * 2.0).collect());
    graph(n, &edges, w, directed)
}

/// Planted partition: `k` blocks of `size`, edges inside with probability `p_in`.
fn planted(k: usize, size: usize, p_in: f64, p_out: f64, seed: u64) -> (Graph, Vec<u32>) {
    let n = k * size;
    let mut rng = Xoshiro256PlusPlus::new(seed);
    let mut edges = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let p = if a / size == b / size { p_in } else { p_out };
            if rng.next_f64() < p {
                edges.push((a as u32, b as u32));
            }
        }
    }
    let truth = (0..n).map(|v| (v / size) as u32).collect();
    (graph(n, &edges, None, false), truth)
}

/// Every partition of `0..n` as restricted growth strings.
fn all_partitions(n: usize, f: &mut impl FnMut(&[u32])) {
    fn rec(a: &mut Vec<u32>, n: usize, max: u32, f: &mut impl FnMut(&[u32])) {
        if a.len() == n {
            f(a);
            return;
        }
        for c in 0..=max + 1 {
            a.push(c);
            rec(a, n, max.max(c), f);
            a.pop();
        }
    }
    let mut a = vec![0u32];
    rec(&mut a, n, 0, f);
}

fn best_by_brute_force(n: usize, q: impl Fn(&[u32]) -> f64) -> f64 {
    let mut best = f64::NEG_INFINITY;
    all_partitions(n, &mut |p| best = best.max(q(p)));
    best
}

fn run(g: &Graph, config: &CommunityConfig) -> spargraph_algorithms::community::Communities {
    communities(g, config, CommunityInput::default()).unwrap()
}

#[test]
fn leiden_and_louvain_reach_the_brute_force_optimum_on_small_graphs() {
    let (mut worst, mut sum, mut count) = (1.0f64, 0.0, 0.0);
    for seed in 0..12 {
        let n = 8 + (seed as usize % 3);
        let g = random_graph(n, 14 + seed as usize % 5, seed, false, seed % 2 == 1);
        let best = best_by_brute_force(n, |p| modularity(&g, p, 1.0).unwrap());
        for method in [Method::Leiden, Method::Louvain] {
            let c = run(
                &g,
                &CommunityConfig {
                    method,
                    iterations: 0,
                    ..CommunityConfig::default()
                },
            );
            assert!(c.quality <= best + 1e-12, "above the optimum?");
            worst = worst.min(c.quality / best);
            sum += c.quality / best;
            count += 1.0;
            // What local moving guarantees: no single node gains by moving to
            // another community or to a new one of its own.
            let mut m = c.membership.clone();
            for v in 0..n {
                let own = m[v];
                for to in 0..=n as u32 {
                    m[v] = to;
                    let q = modularity(&g, &m, 1.0).unwrap();
                    assert!(
                        q <= c.quality + 1e-12,
                        "seed {seed} {method:?}: moving {v} to {to} gains"
                    );
                }
                m[v] = own;
            }
        }
    }
    // Heuristics may miss the optimum on some graph (measured: 11 of 12 graphs
    // optimal, the other at 0.81), but not on average.
    assert!(
        sum / count > 0.97,
        "mean ratio to the optimum {}",
        sum / count
    );
    assert!(worst > 0.75, "worst ratio to the optimum {worst}");
}

#[test]
fn cpm_and_directed_modularity_are_optimised_and_reported_exactly() {
    for seed in 0..6 {
        let g = random_graph(8, 16, 100 + seed, seed % 2 == 0, true);
        let cfg = CommunityConfig {
            iterations: 0,
            ..CommunityConfig::default()
        };
        let c = run(&g, &cfg);
        let best = best_by_brute_force(8, |p| modularity(&g, p, 1.0).unwrap());
        assert!((c.quality - modularity(&g, &c.membership, 1.0).unwrap()).abs() < 1e-12);
        assert!(c.quality > 0.95 * best, "{} vs {best}", c.quality);
        let cfg = CommunityConfig {
            objective: Objective::Cpm,
            resolution: 0.3,
            iterations: 0,
            ..CommunityConfig::default()
        };
        let c = run(&g, &cfg);
        let best = best_by_brute_force(8, |p| cpm(&g, p, 0.3).unwrap());
        assert!((c.quality - cpm(&g, &c.membership, 0.3).unwrap()).abs() < 1e-9);
        assert!(
            c.quality >= 0.95 * best - 1e-12,
            "cpm {} vs {best}",
            c.quality
        );
    }
}

#[test]
fn self_loops_are_counted_as_the_quality_functions_count_them() {
    // Random graphs, weighted or not, with a loop on every third node, both kinds,
    // both objectives, one run and until stable: every reported quality (each
    // level's and the final one, computed on aggregated networks) equals the
    // function's.
    for (seed, directed, weighted) in [
        (1, false, true),
        (2, true, true),
        (3, false, true),
        (4, true, true),
        (5, false, false),
        (6, true, false),
    ] {
        let mut rng = Xoshiro256PlusPlus::new(seed);
        let mut edges: Vec<(u32, u32)> = (0..60)
            .map(|_| (rng.gen_range(30) as u32, rng.gen_range(30) as u32))
            .filter(|(a, b)| a != b)
            .collect();
        edges.extend((0..30).step_by(3).map(|v| (v, v)));
        let w: Vec<f32> = (0..edges.len())
            .map(|_| 0.5 + 2.0 * rng.next_f32())
            .collect();
        let g = graph(30, &edges, weighted.then_some(w), directed);
        for (objective, iterations) in [(Objective::Modularity, 1), (Objective::Cpm, 0)] {
            let cfg = CommunityConfig {
                objective,
                iterations,
                resolution: if objective == Objective::Cpm {
                    0.2
                } else {
                    1.0
                },
                ..CommunityConfig::default()
            };
            let c = run(&g, &cfg);
            let quality = |m: &[u32]| match objective {
                Objective::Cpm => cpm(&g, m, 0.2).unwrap(),
                _ => modularity(&g, m, 1.0).unwrap(),
            };
            for l in &c.levels {
                assert!(
                    (l.quality - quality(&l.membership)).abs() < 1e-9,
                    "{directed} {objective:?}"
                );
            }
            assert!((c.quality - quality(&c.membership)).abs() < 1e-9);
        }
    }
}

#[test]
fn bipartite_objective_on_a_planted_user_item_graph() {
    // 3 groups of 10 users and 10 items; users link mostly to their group's items.
    let mut rng = Xoshiro256PlusPlus::new(9);
    let mut edges = Vec::new();
    for u in 0..30u32 {
        for i in 0..30u32 {
            let p = if u / 10 == i / 10 { 0.5 } else { 0.03 };
            if rng.next_f64() < p {
                edges.push((u, 30 + i));
            }
        }
    }
    let g = graph(60, &edges, None, false);
    let cfg = CommunityConfig {
        objective: Objective::Bipartite,
        ..CommunityConfig::default()
    };
    let c = run(&g, &cfg);
    let is_left: Vec<bool> = (0..60).map(|v| v < 30).collect();
    let q = bipartite_modularity(&g, &c.membership, &is_left, 1.0).unwrap();
    assert!((c.quality - q).abs() < 1e-12);
    let truth: Vec<u32> = (0..60).map(|v| (v % 30) / 10).collect();
    let planted = bipartite_modularity(&g, &truth, &is_left, 1.0).unwrap();
    assert!(q >= planted - 1e-12, "{q} below the planted {planted}");
    // Non-bipartite input is refused, naming an edge.
    let tri = graph(3, &[(0, 1), (1, 2), (2, 0)], None, false);
    let err = communities(&tri, &cfg, CommunityInput::default()).unwrap_err();
    assert!(err.to_string().contains("not bipartite"), "{err}");
}

/// Connected components of the subgraph induced by each community.
fn disconnected_communities(g: &Graph, membership: &[u32]) -> usize {
    let n = g.n_nodes();
    let mut seen = vec![false; n];
    let mut first_component: std::collections::HashMap<u32, bool> = Default::default();
    let mut bad = 0;
    for s in 0..n {
        if seen[s] {
            continue;
        }
        let c = membership[s];
        if first_component.insert(c, true).is_some() {
            bad += 1;
        }
        let mut stack = vec![s];
        seen[s] = true;
        while let Some(u) = stack.pop() {
            for &v in g.out_neighbors(u) {
                let v = v as usize;
                if !seen[v] && membership[v] == c {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
    }
    bad
}

#[test]
fn leiden_communities_are_connected_and_recover_planted_blocks() {
    let (g, truth) = planted(6, 40, 0.3, 0.02, 5);
    let c = run(&g, &CommunityConfig::default());
    assert_eq!(disconnected_communities(&g, &c.membership), 0);
    let nmi = spargraph_algorithms::community::nmi(&c.membership, &truth).unwrap();
    assert!(nmi > 0.95, "nmi {nmi}");
    let planted_q = modularity(&g, &truth, 1.0).unwrap();
    assert!(c.quality >= planted_q - 1e-9);
    // Levels: the last is the result; every level's quality is its modularity.
    assert_eq!(c.levels.last().unwrap().membership, c.membership);
    for l in &c.levels {
        assert!((l.quality - modularity(&g, &l.membership, 1.0).unwrap()).abs() < 1e-12);
    }
    for seed in 0..5 {
        let g = random_graph(300, 900, 40 + seed, false, false);
        let c = run(&g, &CommunityConfig::default());
        assert_eq!(
            disconnected_communities(&g, &c.membership),
            0,
            "seed {seed}"
        );
    }
}

#[test]
fn leiden_splits_what_it_cannot_connect() {
    // Two triangles with no edge between them, given as one community, and a K4.
    let mut edges: Vec<(u32, u32)> = [0u32, 3]
        .iter()
        .flat_map(|&a| [(a, a + 1), (a + 1, a + 2), (a, a + 2)])
        .collect();
    edges.extend((6..10u32).flat_map(|a| (a + 1..10).map(move |b| (a, b))));
    let (src, dst): (Vec<u32>, Vec<u32>) = edges.iter().copied().unzip();
    let g = build_graph(10, &src, &dst, None, &BuildOptions::undirected()).unwrap();
    let initial = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
    let input = CommunityInput {
        initial: Some(&initial),
        ..CommunityInput::default()
    };
    // One level: no node of a triangle gains by moving, and no aggregation
    // follows that could move a whole triangle.
    let one_level = CommunityConfig {
        max_levels: 1,
        iterations: 1,
        ..CommunityConfig::default()
    };
    let c = communities(&g, &one_level, input).unwrap();
    assert_eq!(disconnected_communities(&g, &c.membership), 0);
    assert_eq!(c.n_communities, 3);
    assert!((c.quality - modularity(&g, &c.membership, 1.0).unwrap()).abs() < 1e-12);
    // Louvain promises nothing: it keeps the triangles together.
    let louvain = CommunityConfig {
        method: Method::Louvain,
        ..one_level
    };
    let c = communities(&g, &louvain, input).unwrap();
    assert_eq!(c.membership[0], c.membership[3]);
    // Without edges, an initial membership's groups fall apart into single nodes.
    let empty = build_graph(4, &[], &[], None, &BuildOptions::undirected()).unwrap();
    let initial = [0, 0, 1, 1];
    let input = CommunityInput {
        initial: Some(&initial),
        ..CommunityInput::default()
    };
    let c = communities(&empty, &CommunityConfig::default(), input).unwrap();
    assert_eq!(c.n_communities, 4);
}

#[test]
fn same_seed_same_result_for_any_thread_count() {
    let g = random_graph(3000, 15000, 77, false, true);
    let d = random_graph(2000, 9000, 78, true, false);
    let mut results = Vec::new();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        results.push(pool.install(|| {
            (
                run(&g, &CommunityConfig::default()),
                run(
                    &d,
                    &CommunityConfig {
                        method: Method::Louvain,
                        ..CommunityConfig::default()
                    },
                ),
            )
        }));
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
    let other = run(
        &g,
        &CommunityConfig {
            seed: 7,
            ..CommunityConfig::default()
        },
    );
    assert_ne!(
        other.membership, results[0].0.membership,
        "the seed matters"
    );
}

#[test]
fn warm_start_from_the_optimum_keeps_it_and_bad_options_fail() {
    let (g, truth) = planted(4, 30, 0.4, 0.01, 3);
    let c = communities(
        &g,
        &CommunityConfig::default(),
        CommunityInput {
            initial: Some(&truth),
            ..CommunityInput::default()
        },
    )
    .unwrap();
    assert!(c.quality >= modularity(&g, &truth, 1.0).unwrap() - 1e-12);
    assert!(
        (spargraph_algorithms::community::ari(&c.membership, &truth).unwrap() - 1.0).abs() < 1e-12
    );
    for bad in [0.0, -1.0, f64::NAN] {
        let cfg = CommunityConfig {
            resolution: bad,
            ..CommunityConfig::default()
        };
        assert!(communities(&g, &cfg, CommunityInput::default()).is_err());
    }
    let short = vec![0u32; 5];
    let input = CommunityInput {
        initial: Some(&short),
        ..CommunityInput::default()
    };
    assert!(communities(&g, &CommunityConfig::default(), input).is_err());
    // Empty graph and graph without edges.
    let empty = graph(0, &[], None, false);
    assert!(run(&empty, &CommunityConfig::default())
        .membership
        .is_empty());
    let lonely = graph(4, &[], None, false);
    assert_eq!(run(&lonely, &CommunityConfig::default()).n_communities, 4);
}

#[test]
fn higher_resolution_gives_more_communities() {
    let (g, _) = planted(4, 30, 0.4, 0.05, 11);
    let k = |gamma| {
        run(
            &g,
            &CommunityConfig {
                resolution: gamma,
                ..CommunityConfig::default()
            },
        )
        .n_communities
    };
    assert!(
        k(0.2) < k(1.0) && k(1.0) < k(8.0),
        "{} {} {}",
        k(0.2),
        k(1.0),
        k(8.0)
    );
}
