//! PowerWalk against a brute-force dense reference of the PageRank definition.

use spargraph_algorithms::pagerank::powerwalk::{
    build_index, graph_fingerprint, query, query_batch, PowerWalkIndex, PowerWalkIndexConfig,
    PowerWalkQueryConfig,
};
use spargraph_algorithms::pagerank::{Dangling, Seeds};
use spargraph_algorithms::AlgorithmError;
use spargraph_engine::builder::{build_graph, BuildOptions};
use spargraph_engine::rng::Xoshiro256PlusPlus;
use spargraph_engine::Graph;

const POLICIES: [Dangling; 3] = [
    Dangling::Uniform,
    Dangling::Personalization,
    Dangling::Source,
];

/// A random directed graph on `n` nodes: nodes `u % 7 == 3` are dangling, the
/// others get 1..=5 random out-arcs, and every fifth node a self-loop.
fn random_graph(n: usize, weighted: bool, seed: u64) -> Graph {
    let mut rng = Xoshiro256PlusPlus::new(seed);
    let (mut src, mut dst, mut w) = (Vec::new(), Vec::new(), Vec::new());
    for u in 0..n as u32 {
        if u % 7 == 3 {
            continue;
        }
        let deg = 1 + rng.gen_range(5);
        for _ in 0..deg {
            src.push(u);
            dst.push(rng.gen_range(n as u64) as u32);
            w.push(0.1 + 3.0 * rng.next_f32());
        }
        if u % 5 == 0 {
            src.push(u);
            dst.push(u);
            w.push(0.5 + rng.next_f32());
        }
    }
    let weights = weighted.then_some(w.as_slice());
    build_graph(n, &src, &dst, weights, &BuildOptions::directed()).unwrap()
}

/// Dense transition rows `(v, w / o)` per node, read from the out-CSR.
fn dense_transition(g: &Graph) -> Vec<Vec<(usize, f64)>> {
    (0..g.n_nodes())
        .map(|u| {
            let e: Vec<(usize, f64)> = g
                .out()
                .row_entries(u)
                .map(|(v, w)| (v as usize, w as f64))
                .collect();
            let o: f64 = e.iter().map(|x| x.1).sum();
            if o > 0.0 {
                e.into_iter().map(|(v, w)| (v, w / o)).collect()
            } else {
                Vec::new()
            }
        })
        .collect()
}

/// The definition of `crate::pagerank`: `pi = (1 - d) p + d (pi P + D(pi) q)` by
/// dense power iteration until the L1 change is below 1e-14.
fn reference(g: &Graph, p: &[f64], d: f64, dangling: Dangling) -> Vec<f64> {
    let n = g.n_nodes();
    let rows = dense_transition(g);
    let q: Vec<f64> = match dangling {
        Dangling::Uniform => vec![1.0 / n as f64; n],
        _ => p.to_vec(),
    };
    let mut x = p.to_vec();
    for _ in 0..100_000 {
        let mut y: Vec<f64> = p.iter().map(|&pi| (1.0 - d) * pi).collect();
        let mut lost = 0.0;
        for u in 0..n {
            if rows[u].is_empty() {
                lost += x[u];
            }
            for &(v, t) in &rows[u] {
                y[v] += d * x[u] * t;
            }
        }
        for v in 0..n {
            y[v] += d * lost * q[v];
        }
        let change: f64 = x.iter().zip(&y).map(|(a, b)| (a - b).abs()).sum();
        x = y;
        if change < 1e-14 {
            return x;
        }
    }
    panic!("reference did not converge");
}

/// `pi_drop(e_v) = (1 - d) sum_t d^t e_v Q^t`, dense, to 1e-15.
fn reference_drop(g: &Graph, v: usize, d: f64) -> Vec<f64> {
    let n = g.n_nodes();
    let rows = dense_transition(g);
    let mut f = vec![0.0; n];
    f[v] = 1.0;
    let mut acc = vec![0.0; n];
    while f.iter().sum::<f64>() > 1e-16 {
        let mut next = vec![0.0; n];
        for u in 0..n {
            acc[u] += (1.0 - d) * f[u];
            for &(w, t) in &rows[u] {
                next[w] += d * f[u] * t;
            }
        }
        f = next;
    }
    acc
}

fn dense_p(n: usize, seeds: &Seeds) -> Vec<f64> {
    let mut p = vec![0.0; n];
    for &(u, b) in seeds.entries() {
        p[u as usize] = b;
    }
    p
}

fn densify(n: usize, entries: &[(u32, f64)]) -> Vec<f64> {
    let mut x = vec![0.0; n];
    for &(u, s) in entries {
        assert_eq!(x[u as usize], 0.0, "node {u} listed twice");
        x[u as usize] = s;
    }
    x
}

fn l1(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum()
}

fn max_abs(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

fn index(g: &Graph, walks: u32, damping: f64) -> PowerWalkIndex {
    build_index(
        g,
        &PowerWalkIndexConfig {
            walks,
            damping,
            ..PowerWalkIndexConfig::default()
        },
    )
    .unwrap()
}

fn qcfg(iterations: u32, threshold: f64, dangling: Dangling) -> PowerWalkQueryConfig {
    PowerWalkQueryConfig {
        iterations,
        threshold,
        dangling,
    }
}

fn seed_sets() -> Vec<Seeds> {
    vec![
        Seeds::single(0),
        Seeds::single(3), // dangling
        Seeds::single(10),
        Seeds::single(29),
        Seeds::weighted(&[(1, 2.0), (3, 1.0), (17, 5.0), (1, 1.0)]).unwrap(),
    ]
}

#[test]
fn many_iterations_give_the_exact_answer_for_every_policy() {
    // d^T is ~1e-18 (d = 0.5, T = 60) and ~1e-18 (d = 0.85, T = 260): the
    // fingerprint term vanishes, so even R = 3 walks give the exact PPR. This checks
    // the decomposition and the three dangling transforms.
    for weighted in [false, true] {
        let g = random_graph(30, weighted, 7);
        let n = g.n_nodes();
        for (d, t) in [(0.5, 60), (0.85, 260)] {
            let idx = index(&g, 3, d);
            for policy in POLICIES {
                let seeds = seed_sets();
                let got = query_batch(&g, &idx, &seeds, &qcfg(t, 0.0, policy), 0).unwrap();
                for (s, ans) in seeds.iter().zip(&got) {
                    let want = reference(&g, &dense_p(n, s), d, policy);
                    let have = densify(n, ans);
                    let err = max_abs(&want, &have);
                    assert!(
                        err < 1e-9,
                        "weighted {weighted} d {d} {policy:?} {s:?}: max error {err}"
                    );
                    assert!((have.iter().sum::<f64>() - 1.0).abs() < 1e-9);
                }
            }
        }
    }
}

#[test]
fn policies_really_differ_on_a_graph_with_dangling_nodes() {
    let g = random_graph(30, false, 7);
    let idx = index(&g, 3, 0.85);
    let s = Seeds::single(0);
    let u = densify(
        30,
        &query(&g, &idx, &s, &qcfg(260, 0.0, Dangling::Uniform), 0).unwrap(),
    );
    let p = densify(
        30,
        &query(&g, &idx, &s, &qcfg(260, 0.0, Dangling::Source), 0).unwrap(),
    );
    assert!(l1(&u, &p) > 1e-3, "L1 between policies {}", l1(&u, &p));
    // Uniform is dense: every node with global PageRank > 0 appears.
    assert!(u.iter().filter(|&&x| x > 0.0).count() > p.iter().filter(|&&x| x > 0.0).count());
}

#[test]
fn fingerprints_are_unbiased_raw_drop_ppr_estimates() {
    for weighted in [false, true] {
        let g = random_graph(30, weighted, 11);
        let d = 0.85;
        let idx = index(&g, 20_000, d);
        let mut worst = 0.0f64;
        for v in [0usize, 2, 3, 10, 21] {
            let want = reference_drop(&g, v, d);
            let mut have = vec![0.0; 30];
            for (u, x) in idx.fingerprints.row_entries(v) {
                have[u as usize] = x as f64;
            }
            worst = worst.max(l1(&want, &have));
            // Raw, not normalised: the mass lost at dangling nodes is missing.
            let (sw, sh): (f64, f64) = (want.iter().sum(), have.iter().sum());
            assert!((sw - sh).abs() < 0.02, "v {v}: mass {sh} vs {sw}");
            if v == 3 {
                // A dangling node's walks never leave it.
                assert_eq!(idx.fingerprints.row(3), &[3]);
                assert!((have[3] - (1.0 - d)).abs() < 1e-6);
            }
        }
        assert!(
            worst < 0.05,
            "weighted {weighted}: worst fingerprint L1 {worst}"
        );
    }
}

#[test]
fn monte_carlo_accuracy_and_decomposition_helps() {
    for weighted in [false, true] {
        let g = random_graph(30, weighted, 5);
        let n = g.n_nodes();
        let d = 0.85;
        let idx = index(&g, 20_000, d);
        for policy in [Dangling::Source, Dangling::Uniform] {
            let (mut e0, mut e2) = (0.0, 0.0);
            let seeds = seed_sets();
            let a0 = query_batch(&g, &idx, &seeds, &qcfg(0, 0.0, policy), 0).unwrap();
            let a2 = query_batch(&g, &idx, &seeds, &qcfg(2, 0.0, policy), 0).unwrap();
            for (k, s) in seeds.iter().enumerate() {
                let want = reference(&g, &dense_p(n, s), d, policy);
                let (x0, x2) = (
                    l1(&want, &densify(n, &a0[k])),
                    l1(&want, &densify(n, &a2[k])),
                );
                assert!(
                    x0 < 0.05,
                    "weighted {weighted} {policy:?} {s:?}: T=0 L1 {x0}"
                );
                assert!(
                    x2 < 0.05,
                    "weighted {weighted} {policy:?} {s:?}: T=2 L1 {x2}"
                );
                e0 += x0;
                e2 += x2;
            }
            assert!(
                e2 < e0,
                "weighted {weighted} {policy:?}: T=2 total {e2} vs T=0 {e0}"
            );
        }
    }
}

#[test]
fn zero_iterations_is_the_normalised_fingerprint() {
    let g = random_graph(30, true, 3);
    let idx = index(&g, 200, 0.85);
    for v in [0u32, 3, 12] {
        let row: Vec<(u32, f64)> = idx
            .fingerprints
            .row_entries(v as usize)
            .map(|(u, x)| (u, x as f64))
            .collect();
        let s: f64 = row.iter().map(|e| e.1).sum();
        let want: Vec<f64> = densify(30, &row).iter().map(|x| x / s).collect();
        let got = densify(
            30,
            &query(
                &g,
                &idx,
                &Seeds::single(v),
                &qcfg(0, 0.0, Dangling::Source),
                0,
            )
            .unwrap(),
        );
        assert!(max_abs(&want, &got) < 1e-15, "v {v}");
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    // Large enough for many build tasks and several hash chunks (> 2^17 targets).
    let mut rng = Xoshiro256PlusPlus::new(1);
    let n = 6000usize;
    let (mut src, mut dst, mut w) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..200_000 {
        src.push(rng.gen_range(n as u64) as u32);
        dst.push(rng.gen_range(n as u64 - 100) as u32); // nodes >= n - 100 dangling-ish
        w.push(0.5 + rng.next_f32());
    }
    let g = build_graph(n, &src, &dst, Some(&w), &BuildOptions::directed()).unwrap();
    assert!(g.out().nnz() > 1 << 17);
    let seeds: Vec<Seeds> = (0..40u32)
        .map(|i| Seeds::single(i * 149 % n as u32))
        .collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let cfg = PowerWalkIndexConfig {
                walks: 10,
                ..PowerWalkIndexConfig::default()
            };
            let idx = build_index(&g, &cfg).unwrap();
            let fp = graph_fingerprint(&g);
            let mut answers = Vec::new();
            for policy in POLICIES {
                answers.push(query_batch(&g, &idx, &seeds, &qcfg(2, 1e-7, policy), 20).unwrap());
            }
            (idx.fingerprints, idx.graph_fingerprint, fp, answers)
        })
    };
    let one = run(1);
    let three = run(3);
    assert_eq!(one.0, three.0, "fingerprints differ");
    assert_eq!(one.1, three.1);
    assert_eq!(one.2, three.2);
    assert_eq!(one.1, one.2);
    assert_eq!(one.3, three.3, "answers differ");
    assert_eq!(one.3[0][0].len(), 20);
}

#[test]
fn an_index_is_refused_on_another_graph() {
    let g = random_graph(30, true, 7);
    let idx = index(&g, 10, 0.85);
    idx.check_graph(&g).unwrap();
    // Same nodes and arcs, one weight changed.
    let (out, _) = g.clone().into_parts();
    let (nc, off, tg, w) = out.into_parts();
    let mut w = w.unwrap();
    w[5] += 1.0;
    let out2 = spargraph_engine::Csr::from_parts(nc, off.clone(), tg.clone(), Some(w)).unwrap();
    let in2 = spargraph_engine::kernels::transpose(&out2);
    let g_w = Graph::from_csr_directed(out2, in2);
    // Unweighted, undirected-looking variants and a different node count.
    let g_unw = random_graph(30, false, 7);
    let g_other = random_graph(30, true, 8);
    let g_bigger = random_graph(31, true, 7);
    for (name, other) in [
        ("weight", &g_w),
        ("unweighted", &g_unw),
        ("other", &g_other),
        ("bigger", &g_bigger),
    ] {
        assert_ne!(graph_fingerprint(other), graph_fingerprint(&g), "{name}");
        let e = idx.check_graph(other).unwrap_err();
        match &e {
            AlgorithmError::Mismatch(m) => {
                assert!(
                    m.starts_with("index was built for another graph"),
                    "{name}: {m}"
                );
                assert!(
                    m.contains(&format!("{:016x}", idx.graph_fingerprint)),
                    "{name}: {m}"
                );
            }
            _ => panic!("{name}: {e:?}"),
        }
        let q = query(
            other,
            &idx,
            &Seeds::single(0),
            &PowerWalkQueryConfig::default(),
            5,
        );
        assert!(matches!(q, Err(AlgorithmError::Mismatch(_))), "{name}");
    }
    // Directed vs undirected with the same arc list.
    let src = [0u32, 1, 2];
    let dst = [1u32, 2, 0];
    let gd = build_graph(3, &src, &dst, None, &BuildOptions::directed()).unwrap();
    let gu = build_graph(3, &src, &dst, None, &BuildOptions::undirected()).unwrap();
    assert_ne!(graph_fingerprint(&gd), graph_fingerprint(&gu));
}

#[test]
fn weighted_seed_sets_and_batch_equals_single_queries() {
    let g = random_graph(30, true, 9);
    let n = g.n_nodes();
    let idx = index(&g, 50, 0.85);
    let s = Seeds::weighted(&[(0, 1.0), (5, 3.0), (0, 1.0), (3, 0.0)]).unwrap();
    assert_eq!(s.entries(), &[(0, 0.4), (5, 0.6)]);
    for policy in POLICIES {
        let got = densify(n, &query(&g, &idx, &s, &qcfg(260, 0.0, policy), 0).unwrap());
        let want = reference(&g, &dense_p(n, &s), 0.85, policy);
        assert!(max_abs(&got, &want) < 1e-9, "{policy:?}");
        // Different from either single seed alone.
        let only0 = reference(&g, &dense_p(n, &Seeds::single(0)), 0.85, policy);
        assert!(l1(&got, &only0) > 1e-3);
    }
    // The drop PPR is linear: 0.4 * pi_drop(e_0) + 0.6 * pi_drop(e_5) (then
    // normalised) matches the weighted set at any T, with the same fingerprints.
    let seeds = seed_sets();
    let cfg = PowerWalkQueryConfig::default();
    let batch = query_batch(&g, &idx, &seeds, &cfg, 7).unwrap();
    for (s, b) in seeds.iter().zip(&batch) {
        assert_eq!(&query(&g, &idx, s, &cfg, 7).unwrap(), b);
        assert!(b.len() <= 7 && !b.is_empty());
        assert!(b.windows(2).all(|w| w[0].1 >= w[1].1), "sorted by score");
    }
    let all = query(&g, &idx, &seeds[4], &cfg, 0).unwrap();
    assert_eq!(&all[..7], &batch[4][..]);
    assert!(query_batch(&g, &idx, &[], &cfg, 0).unwrap().is_empty());
}

#[test]
fn linearity_of_the_decomposition_with_fixed_fingerprints() {
    let g = random_graph(30, false, 13);
    let idx = index(&g, 30, 0.85);
    // Source policy normalises; compare unnormalised shapes via ratios: the answer
    // for {a: 0.5, b: 0.5} must be proportional to m_a x_a + m_b x_b where x are the
    // normalised single answers and m their masses. Recover the masses from T = 0
    // fingerprint row sums.
    let mass = |v: usize| -> f64 { idx.fingerprints.row_entries(v).map(|e| e.1 as f64).sum() };
    let cfg = qcfg(0, 0.0, Dangling::Source);
    let xa = densify(30, &query(&g, &idx, &Seeds::single(1), &cfg, 0).unwrap());
    let xb = densify(30, &query(&g, &idx, &Seeds::single(2), &cfg, 0).unwrap());
    let both = densify(
        30,
        &query(
            &g,
            &idx,
            &Seeds::weighted(&[(1, 1.0), (2, 1.0)]).unwrap(),
            &cfg,
            0,
        )
        .unwrap(),
    );
    let (ma, mb) = (mass(1), mass(2));
    let mix: Vec<f64> = xa
        .iter()
        .zip(&xb)
        .map(|(a, b)| (ma * a + mb * b) / (ma + mb))
        .collect();
    assert!(max_abs(&mix, &both) < 1e-12);
}

#[test]
fn index_options_prune_max_length_and_metadata() {
    let g = random_graph(30, true, 2);
    let base = index(&g, 200, 0.85);
    let pruned = build_index(
        &g,
        &PowerWalkIndexConfig {
            walks: 200,
            prune: 0.01,
            ..PowerWalkIndexConfig::default()
        },
    )
    .unwrap();
    assert!(pruned.fingerprints.nnz() < base.fingerprints.nnz());
    assert!(pruned
        .fingerprints
        .weights()
        .unwrap()
        .iter()
        .all(|&x| x >= 0.01));
    // Pruning drops entries, it never changes the kept ones.
    for v in 0..30 {
        for (u, x) in pruned.fingerprints.row_entries(v) {
            assert_eq!(base.fingerprints.get(v, u), Some(x));
        }
    }
    // One step: only the node itself and its out-neighbours.
    let short = build_index(
        &g,
        &PowerWalkIndexConfig {
            walks: 200,
            max_length: 1,
            ..PowerWalkIndexConfig::default()
        },
    )
    .unwrap();
    for v in 0..30 {
        for &u in short.fingerprints.row(v) {
            assert!(
                u as usize == v || g.out_neighbors(v).contains(&u),
                "{v} -> {u}"
            );
        }
    }
    // Metadata round trip.
    let md = base.metadata();
    assert!(md.iter().any(|(k, v)| k == "walks" && v == "200"));
    let back = PowerWalkIndex::from_parts(base.fingerprints.clone(), &md).unwrap();
    // The build time is not part of the file (it would make files differ run to run).
    assert!(!md.iter().any(|(k, _)| k == "build_seconds"));
    assert_eq!(
        back,
        PowerWalkIndex {
            build_seconds: 0.0,
            ..base.clone()
        }
    );
    let mut bad = md.clone();
    bad.retain(|(k, _)| k != "damping");
    assert!(matches!(
        PowerWalkIndex::from_parts(base.fingerprints.clone(), &bad),
        Err(AlgorithmError::Mismatch(m)) if m.contains("damping")
    ));
    let mut bad = md.clone();
    bad[0].1 = "something-else".into();
    assert!(matches!(
        PowerWalkIndex::from_parts(base.fingerprints.clone(), &bad),
        Err(AlgorithmError::Mismatch(_))
    ));
    let mut bad = md.clone();
    for kv in &mut bad {
        if kv.0 == "walks" {
            kv.1 = "0".into();
        }
    }
    assert!(matches!(
        PowerWalkIndex::from_parts(base.fingerprints.clone(), &bad),
        Err(AlgorithmError::InvalidOption { name: "walks", .. })
    ));
    let unweighted = base.fingerprints.clone().without_weights();
    assert!(PowerWalkIndex::from_parts(unweighted, &md).is_err());
    // Different seeds give different (but equally valid) indexes; same seed, same index.
    let again = index(&g, 200, 0.85);
    assert_eq!(again.fingerprints, base.fingerprints);
    let other_seed = build_index(
        &g,
        &PowerWalkIndexConfig {
            walks: 200,
            seed: 43,
            ..PowerWalkIndexConfig::default()
        },
    )
    .unwrap();
    assert_ne!(other_seed.fingerprints, base.fingerprints);
}

#[test]
fn graph_without_dangling_nodes_uniform_equals_source() {
    // A directed cycle with chords: no dangling node, so every policy coincides.
    let n = 20u32;
    let src: Vec<u32> = (0..n).chain(0..n).collect();
    let dst: Vec<u32> = (0..n)
        .map(|u| (u + 1) % n)
        .chain((0..n).map(|u| (u * 7 + 3) % n))
        .collect();
    let g = build_graph(n as usize, &src, &dst, None, &BuildOptions::directed()).unwrap();
    let idx = index(&g, 100, 0.85);
    let s = Seeds::single(4);
    let a = query(&g, &idx, &s, &qcfg(2, 1e-7, Dangling::Uniform), 0).unwrap();
    let b = query(&g, &idx, &s, &qcfg(2, 1e-7, Dangling::Source), 0).unwrap();
    assert_eq!(a, b);
    let want = reference(&g, &dense_p(20, &s), 0.85, Dangling::Uniform);
    assert!(l1(&want, &densify(20, &a)) < 0.1);
}

#[test]
fn invalid_options_and_unknown_nodes() {
    let g = random_graph(30, false, 1);
    let name_of = |cfg: PowerWalkIndexConfig| match build_index(&g, &cfg) {
        Err(AlgorithmError::InvalidOption { name, .. }) => name,
        other => panic!("{other:?}"),
    };
    let def = PowerWalkIndexConfig::default;
    assert_eq!(name_of(PowerWalkIndexConfig { walks: 0, ..def() }), "walks");
    for d in [0.0, 1.0, -0.5, f64::NAN, f64::INFINITY] {
        assert_eq!(
            name_of(PowerWalkIndexConfig {
                damping: d,
                ..def()
            }),
            "damping"
        );
    }
    assert_eq!(
        name_of(PowerWalkIndexConfig {
            max_length: 0,
            ..def()
        }),
        "max-length"
    );
    for p in [-1e-9, f64::NAN, f64::INFINITY] {
        assert_eq!(name_of(PowerWalkIndexConfig { prune: p, ..def() }), "prune");
    }
    let idx = index(&g, 5, 0.85);
    for t in [-1.0, f64::NAN, f64::INFINITY] {
        let e = query(
            &g,
            &idx,
            &Seeds::single(0),
            &qcfg(2, t, Dangling::Source),
            0,
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                AlgorithmError::InvalidOption {
                    name: "threshold",
                    ..
                }
            ),
            "{e:?}"
        );
    }
    let e = query(
        &g,
        &idx,
        &Seeds::single(30),
        &PowerWalkQueryConfig::default(),
        0,
    )
    .unwrap_err();
    assert_eq!(e, AlgorithmError::UnknownNode(30));
    let e = query_batch(
        &g,
        &idx,
        &[
            Seeds::single(1),
            Seeds::weighted(&[(2, 1.0), (99, 1.0)]).unwrap(),
        ],
        &PowerWalkQueryConfig::default(),
        0,
    )
    .unwrap_err();
    assert_eq!(e, AlgorithmError::UnknownNode(99));
}

#[test]
fn empty_graph_and_defaults() {
    let g = build_graph(0, &[], &[], None, &BuildOptions::directed()).unwrap();
    let idx = build_index(&g, &PowerWalkIndexConfig::default()).unwrap();
    assert_eq!(idx.fingerprints.n_rows(), 0);
    assert_eq!(
        query(
            &g,
            &idx,
            &Seeds::single(0),
            &PowerWalkQueryConfig::default(),
            0
        )
        .unwrap_err(),
        AlgorithmError::UnknownNode(0)
    );
    let c = PowerWalkIndexConfig::default();
    assert_eq!(
        (c.walks, c.damping, c.max_length, c.prune, c.seed),
        (100, 0.85, 100, 0.0, 42)
    );
    let q = PowerWalkQueryConfig::default();
    assert_eq!(
        (q.iterations, q.threshold, q.dangling),
        (7, 1e-7, Dangling::Source)
    );
}
