//! FastRP against an independent dense f64 evaluation of the formula.

use super::*;
use spargraph_engine::builder::{build_graph, BuildOptions};
use spargraph_engine::rng::Xoshiro256PlusPlus;

/// A small test graph: arcs with weights, nodes 0..n, some isolated.
struct Case {
    n: usize,
    src: Vec<u32>,
    dst: Vec<u32>,
    w: Option<Vec<f32>>,
    directed: bool,
}

fn cases() -> Vec<Case> {
    vec![
        // Weighted undirected, node 6 and 7 isolated, a self-loop at 2.
        Case {
            n: 8,
            src: vec![0, 0, 1, 1, 2, 3, 4, 2],
            dst: vec![1, 2, 2, 3, 4, 5, 5, 2],
            w: Some(vec![1.0, 2.5, 0.5, 3.0, 1.5, 2.0, 0.25, 4.0]),
            directed: false,
        },
        // Directed weighted with a sink (5), a source (0), an isolated node (6), a loop.
        Case {
            n: 7,
            src: vec![0, 0, 1, 2, 2, 3, 4, 1, 3],
            dst: vec![1, 3, 2, 3, 4, 4, 5, 1, 1],
            w: Some(vec![1.0, 2.0, 3.0, 0.5, 1.5, 2.0, 1.0, 0.75, 1.25]),
            directed: true,
        },
        // Unweighted undirected: two triangles and a path, isolated node 9.
        Case {
            n: 10,
            src: vec![0, 1, 2, 3, 4, 5, 6, 7, 2],
            dst: vec![1, 2, 0, 4, 5, 3, 7, 8, 3],
            w: None,
            directed: false,
        },
    ]
}

fn graph(c: &Case) -> Graph {
    let opts = if c.directed {
        BuildOptions::directed()
    } else {
        BuildOptions::undirected()
    };
    build_graph(c.n, &c.src, &c.dst, c.w.as_deref(), &opts).unwrap()
}

/// The dense adjacency the orientation aggregates over, built from the arc list.
fn dense_adjacency(c: &Case, orientation: Orientation) -> Vec<Vec<f64>> {
    let mut a = vec![vec![0f64; c.n]; c.n];
    for (i, (&u, &v)) in c.src.iter().zip(&c.dst).enumerate() {
        let w = c.w.as_ref().map_or(1.0, |w| w[i] as f64);
        let (u, v) = (u as usize, v as usize);
        if !c.directed || orientation == Orientation::Undirected {
            a[u][v] += w;
            if u != v {
                a[v][u] += w;
            }
        } else if orientation == Orientation::Natural {
            a[u][v] += w;
        } else {
            a[v][u] += w;
        }
    }
    a
}

fn normalize_rows(x: &mut [Vec<f64>]) {
    for row in x.iter_mut() {
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|v| *v /= norm);
        }
    }
}

/// The formula in f64 on dense matrices.
fn reference(
    c: &Case,
    config: &FastRpConfig,
    r: &[f32],
    features: Option<(&[f32], usize, &[f32])>,
) -> Vec<f64> {
    let n = c.n;
    let d = config.dim;
    let k = config.property_dim();
    let d_base = d - k;
    let a = dense_adjacency(c, config.orientation);
    let deg: Vec<f64> = a.iter().map(|row| row.iter().sum()).collect();
    let mut n0 = vec![vec![0f64; d]; n];
    for v in 0..n {
        let scale = if deg[v] > 0.0 {
            deg[v].powf(config.normalization_strength as f64)
        } else {
            1.0
        };
        for j in 0..d_base {
            n0[v][j] = scale * r[v * d_base + j] as f64;
        }
        if let Some((x, width, p)) = features {
            for j in 0..k {
                n0[v][d_base + j] = (0..width)
                    .map(|f| x[v * width + f] as f64 * p[f * k + j] as f64)
                    .sum();
            }
        }
    }
    let mut e = vec![vec![0f64; d]; n];
    let add = |e: &mut Vec<Vec<f64>>, x: &[Vec<f64>], w: f64| {
        let mut x = x.to_vec();
        if config.normalize_iterations {
            normalize_rows(&mut x);
        }
        for v in 0..n {
            for j in 0..d {
                e[v][j] += w * x[v][j];
            }
        }
    };
    if config.self_influence != 0.0 {
        add(&mut e, &n0, config.self_influence as f64);
    }
    let mut cur = n0;
    for &w in &config.iteration_weights {
        let mut next = vec![vec![0f64; d]; n];
        for u in 0..n {
            if deg[u] == 0.0 {
                continue;
            }
            for v in 0..n {
                if a[u][v] != 0.0 {
                    for j in 0..d {
                        next[u][j] += a[u][v] / deg[u] * cur[v][j];
                    }
                }
            }
        }
        add(&mut e, &next, w as f64);
        cur = next;
    }
    let standardize = |e: &mut Vec<Vec<f64>>| {
        for j in 0..d {
            let mean = (0..n).map(|v| e[v][j]).sum::<f64>() / n as f64;
            let var = (0..n).map(|v| (e[v][j] - mean).powi(2)).sum::<f64>() / n as f64;
            let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
            for row in e.iter_mut() {
                row[j] = (row[j] - mean) / sd;
            }
        }
    };
    if config.standardize {
        standardize(&mut e);
    }
    if config.normalize_output {
        normalize_rows(&mut e);
        if config.standardize {
            standardize(&mut e);
        }
    }
    e.into_iter().flatten().collect()
}

fn dense_random(len: usize, seed: u64) -> Vec<f32> {
    let mut rng = Xoshiro256PlusPlus::new(seed);
    (0..len).map(|_| rng.next_f32() * 2.0 - 1.0).collect()
}

fn assert_close(got: &[f32], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len());
    let worst = got
        .iter()
        .zip(want)
        .map(|(&g, &w)| (g as f64 - w).abs())
        .fold(0.0, f64::max);
    assert!(worst <= tol, "{what}: max abs error {worst:e} > {tol:e}");
}

#[test]
fn equals_dense_f64_formula_for_every_option() {
    let orientations = [
        Orientation::Natural,
        Orientation::Reverse,
        Orientation::Undirected,
    ];
    let mut checked = 0;
    for (ci, c) in cases().iter().enumerate() {
        let g = graph(c);
        for &orientation in &orientations {
            for normalize in [false, true] {
                for (normalize_output, standardize) in
                    [(false, false), (false, true), (true, false), (true, true)]
                {
                    for (self_influence, beta) in [(0.0f32, 0.0f32), (0.7, -0.6), (0.0, 0.4)] {
                        // The middle three put the second-to-last power into the
                        // last one's pass (`propagate`'s deferral).
                        for weights in [
                            vec![1.0f32],
                            vec![0.0, 0.5, 2.0],
                            vec![0.0, 0.0, 1.0, 6.0],
                            vec![0.0, 3.0, 0.0],
                            vec![1.0, 1.0, 7.81, 45.28],
                        ] {
                            let config = FastRpConfig {
                                dim: 6,
                                iteration_weights: weights.clone(),
                                self_influence,
                                normalization_strength: beta,
                                normalize_iterations: normalize,
                                normalize_output,
                                standardize,
                                orientation,
                                ..Default::default()
                            };
                            let r = dense_random(c.n * 6, ci as u64 * 31 + 7);
                            let input = FastRpInput {
                                projection: Some(&r),
                                ..Default::default()
                            };
                            let got = fastrp_with(&g, &config, &input).unwrap();
                            let want = reference(c, &config, &r, None);
                            assert_close(
                                &got.values,
                                &want,
                                1e-5,
                                &format!("case {ci} {config:?}"),
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 3 * 3 * 2 * 4 * 3 * 5);
}

#[test]
fn features_fill_the_last_coordinates_as_the_formula_says() {
    for (ci, c) in cases().iter().enumerate() {
        let g = graph(c);
        let width = 3;
        let x = dense_random(c.n * width, 99 + ci as u64);
        for ratio in [0.5, 1.0] {
            let config = FastRpConfig {
                dim: 8,
                iteration_weights: vec![0.5, 1.0, 2.0],
                self_influence: 1.0,
                normalization_strength: -0.5,
                property_ratio: ratio,
                orientation: Orientation::Undirected,
                ..Default::default()
            };
            let k = config.property_dim();
            let r = dense_random(c.n * (8 - k), 5);
            let p = dense_random(width * k, 6);
            let input = FastRpInput {
                features: Some(Features { values: &x, width }),
                projection: Some(&r),
                feature_projection: Some(&p),
                ..Default::default()
            };
            let got = fastrp_with(&g, &config, &input).unwrap();
            let want = reference(c, &config, &r, Some((&x, width, &p)));
            assert_close(
                &got.values,
                &want,
                1e-5,
                &format!("case {ci} ratio {ratio}"),
            );
        }
    }
}

#[test]
fn seeded_projection_is_identical_for_any_thread_count() {
    let c = &cases()[1];
    let g = graph(c);
    let x = dense_random(c.n * 2, 3);
    let config = FastRpConfig {
        dim: 64,
        property_ratio: 0.25,
        sparsity: Sparsity::Value(3.0),
        ..Default::default()
    };
    let input = FastRpInput {
        features: Some(Features {
            values: &x,
            width: 2,
        }),
        ..Default::default()
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| fastrp_with(&g, &config, &input).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(5));
    let other_seed = fastrp_with(
        &g,
        &FastRpConfig {
            seed: 43,
            ..config.clone()
        },
        &input,
    )
    .unwrap();
    assert_ne!(one, other_seed);
}

#[test]
fn isolated_nodes_give_finite_values_and_zero_rows_without_standardization() {
    let c = &cases()[0];
    let g = graph(c);
    let config = FastRpConfig {
        dim: 16,
        standardize: false,
        normalization_strength: -1.0,
        sparsity: Sparsity::Value(1.0),
        ..Default::default()
    };
    let e = fastrp(&g, &config).unwrap();
    assert!(e.values.iter().all(|v| v.is_finite()));
    assert!(e.row(6).iter().all(|&v| v == 0.0));
    assert!(e.row(7).iter().all(|&v| v == 0.0));
    assert!(e.row(0).iter().any(|&v| v != 0.0));
    let standardized = fastrp(
        &g,
        &FastRpConfig {
            dim: 16,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(standardized.values.iter().all(|v| v.is_finite()));
}

#[test]
fn node_keys_decide_the_random_rows() {
    // The same node under two different indices gets the same projection row when
    // keyed by its external id: with only the self term, its embedding row matches.
    let path = build_graph(3, &[0, 1], &[1, 2], None, &BuildOptions::undirected()).unwrap();
    let config = FastRpConfig {
        dim: 32,
        iteration_weights: vec![],
        self_influence: 1.0,
        normalization_strength: 0.0,
        standardize: false,
        sparsity: Sparsity::Value(3.0),
        ..Default::default()
    };
    let keys_a = [10u64, 20, 30];
    let keys_b = [30u64, 20, 10];
    let ea = fastrp_with(
        &path,
        &config,
        &FastRpInput {
            node_keys: Some(&keys_a),
            ..Default::default()
        },
    )
    .unwrap();
    let eb = fastrp_with(
        &path,
        &config,
        &FastRpInput {
            node_keys: Some(&keys_b),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(ea.row(0), eb.row(2));
    assert_eq!(ea.row(1), eb.row(1));
    assert_ne!(ea.row(0), eb.row(0));
}

#[test]
fn bad_inputs_are_rejected_with_a_reason() {
    let c = &cases()[0];
    let g = graph(c);
    let x = vec![0.5f32; c.n * 2];
    let features = Some(Features {
        values: &x,
        width: 2,
    });
    let err = |config: FastRpConfig, input: FastRpInput| {
        fastrp_with(&g, &config, &input).unwrap_err().to_string()
    };
    let with_ratio = FastRpConfig {
        property_ratio: 0.5,
        ..Default::default()
    };
    assert!(err(with_ratio.clone(), FastRpInput::default()).contains("needs node features"));
    assert!(err(
        FastRpConfig::default(),
        FastRpInput {
            features,
            ..Default::default()
        }
    )
    .contains("property-ratio is 0"));
    let short = vec![0.5f32; c.n * 2 - 1];
    assert!(err(
        with_ratio.clone(),
        FastRpInput {
            features: Some(Features {
                values: &short,
                width: 2
            }),
            ..Default::default()
        }
    )
    .contains("expected 8 nodes x 2"));
    let mut nan = x.clone();
    nan[5] = f32::NAN;
    assert!(err(
        with_ratio,
        FastRpInput {
            features: Some(Features {
                values: &nan,
                width: 2
            }),
            ..Default::default()
        }
    )
    .contains("node index 2"));
    let keys = [1u64, 2];
    assert!(err(
        FastRpConfig::default(),
        FastRpInput {
            node_keys: Some(&keys),
            ..Default::default()
        }
    )
    .contains("node keys"));
    assert!(err(
        FastRpConfig {
            dim: 0,
            ..Default::default()
        },
        FastRpInput::default()
    )
    .contains("dim"));
    // A normalization strength far from 0 overflows f32: an error, never NaN output.
    let leaves: Vec<u32> = (1..200).collect();
    let star = build_graph(
        200,
        &vec![0; leaves.len()],
        &leaves,
        None,
        &BuildOptions::undirected(),
    )
    .unwrap();
    let overflow = FastRpConfig {
        normalization_strength: 40.0,
        ..Default::default()
    };
    let e = fastrp_with(&star, &overflow, &FastRpInput::default()).unwrap_err();
    assert!(e.to_string().contains("overflowed single precision"), "{e}");
}

#[test]
fn empty_graph_gives_an_empty_embedding() {
    let g = build_graph(0, &[], &[], None, &BuildOptions::undirected()).unwrap();
    let e = fastrp(&g, &FastRpConfig::default()).unwrap();
    assert_eq!(e.n_nodes(), 0);
}

#[test]
fn sparse_hops_equal_the_dense_path() {
    // s = 16 >= 8 takes the sparse N_0 path; injecting the same R takes the dense one.
    let n = 300usize;
    let mut rng = Xoshiro256PlusPlus::new(11);
    let (mut src, mut dst, mut w) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..1500 {
        src.push(rng.gen_range(n as u64 - 20) as u32); // the last 20 nodes stay isolated
        dst.push(rng.gen_range(n as u64 - 20) as u32);
        w.push(0.5 + rng.next_f32());
    }
    for weighted in [false, true] {
        let g = build_graph(
            n,
            &src,
            &dst,
            weighted.then_some(&w[..]),
            &BuildOptions::undirected(),
        )
        .unwrap();
        // s = 16: one sparse hop; s = 400: two (N_1 stays sparse); one weight at
        // s = 400: every power sparse (the two-pass standardisation).
        let settings = [
            (16.0, 0.0f32, true, vec![0.3f32, 1.0, 2.0]),
            (16.0, 0.8, false, vec![0.3, 1.0, 2.0]),
            (400.0, 1.5, true, vec![0.3, 1.0, 2.0]),
            (400.0, 0.0, true, vec![0.0, 0.0, 1.0, 6.0]),
            (400.0, 0.5, false, vec![1.0]),
        ];
        // Multiples of 16 keep a sparse N_1 as masked rows on CPUs with AVX-512
        // (48 through memory, 64 and 128 in registers); dim 40 keeps it dense.
        for ((sparsity, self_influence, normalize, weights), dim) in settings
            .iter()
            .cloned()
            .flat_map(|s| [40usize, 48, 64, 128].map(|dim| (s.clone(), dim)))
        {
            let config = FastRpConfig {
                dim,
                sparsity: Sparsity::Value(sparsity),
                self_influence,
                normalize_iterations: normalize,
                iteration_weights: weights,
                ..Default::default()
            };
            let mut r = vec![0f32; n * dim];
            for (v, row) in r.chunks_exact_mut(dim).enumerate() {
                sparse_random_row(config.seed, v as u64, sparsity, row);
            }
            let sparse = fastrp(&g, &config).unwrap();
            let dense = fastrp_with(
                &g,
                &config,
                &FastRpInput {
                    projection: Some(&r),
                    ..Default::default()
                },
            )
            .unwrap();
            let worst = sparse
                .values
                .iter()
                .zip(&dense.values)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(worst <= 1e-5, "weighted {weighted} {config:?}: {worst:e}");
            assert!(sparse.values.iter().any(|&x| x != 0.0));
        }
    }
}
