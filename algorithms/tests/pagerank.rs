#![allow(clippy::needless_range_loop)] // dense linear algebra reads clearer with indices
//! PageRank / PPR tests against an independent dense reference.
//!
//! The reference builds the dense `n x n` out-weight matrix straight from the edge
//! list (following the builder's documented duplicate / self-loop semantics), folds
//! the dangling policy into the transition (row `u` of a dangling node is `q`) and
//! solves `pi (I - d M) = (1 - d) p` by Gaussian elimination with partial pivoting.
//! No iteration is involved, so it shares no code path with the implementation.

use rayon::ThreadPoolBuilder;
use spargraph_algorithms::pagerank::exact::{self, PprAnswer};
use spargraph_algorithms::pagerank::push::{ppr_push, PushAnswer, PushConfig};
use spargraph_algorithms::pagerank::{Dangling, PageRankConfig, Seeds, Solver};
use spargraph_algorithms::AlgorithmError;
use spargraph_engine::builder::{build_graph, BuildOptions, DuplicatePolicy, SelfLoopPolicy};
use spargraph_engine::Graph;

const POLICIES: [Dangling; 3] = [
    Dangling::Uniform,
    Dangling::Personalization,
    Dangling::Source,
];

// ---------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------

struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Self {
        Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(12345))
    }
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 31) as f64
    }
}

// ---------------------------------------------------------------------------
// Test graphs
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Case {
    name: String,
    n: usize,
    src: Vec<u32>,
    dst: Vec<u32>,
    weights: Option<Vec<f32>>,
    opts: BuildOptions,
}

impl Case {
    fn new(
        name: &str,
        n: usize,
        edges: &[(u32, u32)],
        weights: Option<Vec<f32>>,
        opts: BuildOptions,
    ) -> Self {
        Case {
            name: name.to_string(),
            n,
            src: edges.iter().map(|e| e.0).collect(),
            dst: edges.iter().map(|e| e.1).collect(),
            weights,
            opts,
        }
    }

    fn graph(&self) -> Graph {
        build_graph(
            self.n,
            &self.src,
            &self.dst,
            self.weights.as_deref(),
            &self.opts,
        )
        .unwrap_or_else(|e| panic!("{}: build failed: {e}", self.name))
    }

    /// Dense out-weights `W[u][v]` from the raw edge list, by the builder's documented
    /// semantics: undirected edges in both rows (a self-loop once), self-loops kept or
    /// dropped, duplicates (on undirected graphs `(u,v)` = `(v,u)`) summed / maxed /
    /// first occurrence kept. Unweighted edges weigh 1.
    fn dense_weights(&self) -> Vec<Vec<f64>> {
        let n = self.n;
        let mut w = vec![vec![0f64; n]; n];
        let mut seen = vec![vec![false; n]; n];
        for k in 0..self.src.len() {
            let (u, v) = (self.src[k] as usize, self.dst[k] as usize);
            if u == v && self.opts.self_loops == SelfLoopPolicy::Drop {
                continue;
            }
            let x = self.weights.as_ref().map_or(1.0, |ws| ws[k] as f64);
            let mut arcs = vec![(u, v)];
            if !self.opts.directed && u != v {
                arcs.push((v, u));
            }
            for (a, b) in arcs {
                if !seen[a][b] {
                    seen[a][b] = true;
                    w[a][b] = x;
                } else {
                    match self.opts.duplicates {
                        DuplicatePolicy::Sum => w[a][b] += x,
                        DuplicatePolicy::Max => w[a][b] = w[a][b].max(x),
                        DuplicatePolicy::First => {}
                        DuplicatePolicy::Error => panic!("duplicates in an Error-policy case"),
                    }
                }
            }
        }
        w
    }

    /// Number of stored out-entries per node (for the push residual bound).
    fn out_entries(&self) -> Vec<usize> {
        let n = self.n;
        let mut seen = vec![vec![false; n]; n];
        for k in 0..self.src.len() {
            let (u, v) = (self.src[k] as usize, self.dst[k] as usize);
            if u == v && self.opts.self_loops == SelfLoopPolicy::Drop {
                continue;
            }
            seen[u][v] = true;
            if !self.opts.directed {
                seen[v][u] = true;
            }
        }
        seen.iter()
            .map(|r| r.iter().filter(|&&b| b).count())
            .collect()
    }

    fn dangling_nodes(&self) -> Vec<usize> {
        self.dense_weights()
            .iter()
            .enumerate()
            .filter(|(_, r)| r.iter().sum::<f64>() <= 0.0)
            .map(|(i, _)| i)
            .collect()
    }
}

fn opts(directed: bool, duplicates: DuplicatePolicy, self_loops: SelfLoopPolicy) -> BuildOptions {
    BuildOptions {
        directed,
        duplicates,
        self_loops,
    }
}

fn hand_cases() -> Vec<Case> {
    let d = BuildOptions::directed();
    let u = BuildOptions::undirected();
    vec![
        Case::new("path 0->1->2 (2 dangling)", 3, &[(0, 1), (1, 2)], None, d),
        Case::new("directed 3-cycle", 3, &[(0, 1), (1, 2), (2, 0)], None, d),
        Case::new("single node", 1, &[], None, d),
        Case::new("single node with self-loop", 1, &[(0, 0)], None, u),
        Case::new(
            "directed weighted components + isolated + self-loop sink",
            8,
            &[
                (0, 1),
                (1, 0),
                (0, 0),
                (2, 3),
                (3, 4),
                (4, 2),
                (4, 5),
                (6, 6),
                (7, 6),
                (2, 7),
            ],
            Some(vec![2.0, 1.0, 0.5, 1.0, 3.0, 1.0, 0.25, 1.5, 2.0, 0.75]),
            d,
        ),
        Case::new(
            "undirected star + separate edge + isolated",
            10,
            &[(0, 1), (0, 2), (3, 0), (0, 4), (5, 0), (0, 6), (7, 8)],
            None,
            u,
        ),
        Case::new(
            "undirected weighted with self-loops, duplicates summed",
            6,
            &[
                (0, 1),
                (1, 0),
                (1, 2),
                (2, 2),
                (3, 4),
                (4, 3),
                (4, 4),
                (2, 3),
            ],
            Some(vec![1.0, 0.5, 2.0, 4.0, 0.25, 0.75, 1.0, 1.0]),
            opts(false, DuplicatePolicy::Sum, SelfLoopPolicy::Keep),
        ),
        Case::new(
            "directed unweighted multigraph summed, self-loops dropped",
            5,
            &[
                (0, 1),
                (0, 1),
                (0, 2),
                (1, 1),
                (1, 3),
                (3, 0),
                (3, 0),
                (3, 0),
                (2, 2),
            ],
            None,
            opts(true, DuplicatePolicy::Sum, SelfLoopPolicy::Drop),
        ),
    ]
}

fn random_cases() -> Vec<Case> {
    let sizes = [2usize, 5, 9, 17, 33, 60];
    let avg = [0.5f64, 1.0, 2.0, 4.0];
    let mut out = Vec::new();
    for seed in 0..16u64 {
        let mut rng = Lcg::new(seed);
        let n = sizes[seed as usize % sizes.len()];
        let directed = seed % 2 == 0;
        let weighted = seed % 3 != 0;
        let split = seed % 4 == 1 || seed % 4 == 2; // two components
        let duplicates = match seed % 5 {
            0 => DuplicatePolicy::Sum,
            1 => DuplicatePolicy::Max,
            _ => DuplicatePolicy::First,
        };
        let self_loops = if seed % 7 == 3 {
            SelfLoopPolicy::Drop
        } else {
            SelfLoopPolicy::Keep
        };
        // Some nodes never get out-edges (directed): dangling.
        let sinks: Vec<bool> = (0..n).map(|_| directed && rng.below(5) == 0).collect();
        let m = ((n as f64) * avg[seed as usize % avg.len()]).ceil() as usize;
        let half = n.div_ceil(2);
        let mut src = Vec::new();
        let mut dst = Vec::new();
        let mut ws = Vec::new();
        let mut tries = 0;
        while src.len() < m && tries < 50 * m {
            tries += 1;
            let u = rng.below(n as u64) as u32;
            let v = if rng.below(8) == 0 {
                u
            } else {
                rng.below(n as u64) as u32
            };
            if sinks[u as usize] {
                continue;
            }
            if split && ((u as usize) < half) != ((v as usize) < half) {
                continue;
            }
            src.push(u);
            dst.push(v);
            // Dyadic weights for Sum (f32 sums stay exact), arbitrary otherwise.
            let w = if duplicates == DuplicatePolicy::Sum {
                (1 + rng.below(16)) as f32 * 0.25
            } else {
                (0.05 + 3.0 * rng.unit()) as f32
            };
            ws.push(w);
        }
        out.push(Case {
            name: format!(
                "random seed {seed}: n {n}, m {}, directed {directed}, weighted {weighted}, \
                 split {split}, {duplicates:?}, {self_loops:?}",
                src.len()
            ),
            n,
            src,
            dst,
            weights: if weighted { Some(ws) } else { None },
            opts: opts(directed, duplicates, self_loops),
        });
    }
    out
}

fn all_cases() -> Vec<Case> {
    let mut v = hand_cases();
    v.extend(random_cases());
    v
}

// ---------------------------------------------------------------------------
// Dense reference
// ---------------------------------------------------------------------------

/// Solves `A x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap();
        assert!(a[piv][col].abs() > 1e-12, "singular system");
        a.swap(col, piv);
        b.swap(col, piv);
        for r in col + 1..n {
            let f = a[r][col] / a[col][col];
            if f != 0.0 {
                for c in col..n {
                    a[r][c] -= f * a[col][c];
                }
                b[r] -= f * b[col];
            }
        }
    }
    let mut x = vec![0f64; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    x
}

/// The PageRank vector of personalization `p` under `policy`, by a dense solve.
fn reference(w: &[Vec<f64>], d: f64, p: &[f64], policy: Dangling) -> Vec<f64> {
    let n = p.len();
    let q: Vec<f64> = match policy {
        Dangling::Uniform => vec![1.0 / n as f64; n],
        Dangling::Personalization | Dangling::Source => p.to_vec(),
    };
    let out: Vec<f64> = w.iter().map(|r| r.iter().sum()).collect();
    // M[u][v]: the transition with the dangling policy folded in.
    let m: Vec<Vec<f64>> = (0..n)
        .map(|u| {
            if out[u] > 0.0 {
                w[u].iter().map(|x| x / out[u]).collect()
            } else {
                q.clone()
            }
        })
        .collect();
    // pi (I - d M) = (1 - d) p  <=>  (I - d M^T) pi^T = (1 - d) p^T.
    let a: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|u| if i == u { 1.0 } else { 0.0 } - d * m[u][i])
                .collect()
        })
        .collect();
    let b: Vec<f64> = p.iter().map(|x| (1.0 - d) * x).collect();
    let pi = solve(a, b);
    // Self-check against the formula of pagerank/mod.rs, evaluated directly.
    let dm: f64 = (0..n).filter(|&u| out[u] <= 0.0).map(|u| pi[u]).sum();
    for v in 0..n {
        let flow: f64 = (0..n)
            .filter(|&u| out[u] > 0.0)
            .map(|u| pi[u] * w[u][v] / out[u])
            .sum();
        let rhs = (1.0 - d) * p[v] + d * (flow + dm * q[v]);
        assert!(
            (pi[v] - rhs).abs() < 1e-13,
            "reference does not satisfy the formula"
        );
    }
    assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    pi
}

fn uniform(n: usize) -> Vec<f64> {
    vec![1.0 / n as f64; n]
}

/// Dense personalization from raw `(node, bias)` pairs (repeats add, normalised).
fn dense_p(n: usize, raw: &[(u32, f64)]) -> Vec<f64> {
    let mut p = vec![0f64; n];
    for &(u, b) in raw {
        p[u as usize] += b;
    }
    let t: f64 = p.iter().sum();
    p.iter().map(|x| x / t).collect()
}

fn l1(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum()
}

fn densify(n: usize, entries: &[(u32, f64)]) -> Vec<f64> {
    let mut v = vec![0f64; n];
    for &(u, s) in entries {
        assert_eq!(v[u as usize], 0.0, "node {u} listed twice");
        v[u as usize] = s;
    }
    v
}

fn cfg(d: f64, policy: Dangling) -> PageRankConfig {
    cfg_solver(d, policy, Solver::Auto)
}

/// Both solvers: conjugate gradients (chosen by `Auto` on undirected graphs) and
/// power iteration.
const SOLVERS: [Solver; 2] = [Solver::Auto, Solver::Power];

fn cfg_solver(d: f64, policy: Dangling, solver: Solver) -> PageRankConfig {
    PageRankConfig {
        damping: d,
        tolerance: 1e-13,
        max_iterations: 20_000,
        dangling: policy,
        solver,
    }
}

/// Seed sets of a case as raw `(node, bias)` lists: single sources (first, last,
/// middle, a dangling node) and weighted sets with repeats and a zero bias.
fn raw_seed_sets(case: &Case) -> Vec<Vec<(u32, f64)>> {
    let n = case.n as u32;
    let mut v: Vec<Vec<(u32, f64)>> = vec![vec![(0, 1.0)], vec![(n - 1, 1.0)], vec![(n / 2, 1.0)]];
    if let Some(&dn) = case.dangling_nodes().first() {
        v.push(vec![(dn as u32, 1.0)]);
    }
    if n >= 3 {
        v.push(vec![(1, 2.0), (n - 1, 1.0), (1, 0.5), (0, 0.0)]);
        let mut rng = Lcg::new(n as u64 * 7 + case.src.len() as u64);
        v.push(
            (0..4)
                .map(|_| (rng.below(n as u64) as u32, 0.1 + rng.unit()))
                .collect(),
        );
    }
    v
}

fn to_seeds(raw: &[(u32, f64)]) -> Seeds {
    if raw.len() == 1 && raw[0].1 == 1.0 {
        Seeds::single(raw[0].0)
    } else {
        Seeds::weighted(raw).unwrap()
    }
}

fn assert_sorted(entries: &[(u32, f64)], ctx: &str) {
    for e in entries {
        assert!(e.1 > 0.0, "{ctx}: non-positive entry {e:?}");
    }
    for w in entries.windows(2) {
        assert!(
            w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0),
            "{ctx}: not sorted by (score desc, id asc): {:?} then {:?}",
            w[0],
            w[1]
        );
    }
}

// ---------------------------------------------------------------------------
// 0. The reference itself on hand-solved systems
// ---------------------------------------------------------------------------

#[test]
fn reference_solver_matches_hand_solution_of_the_path() {
    // 0 -> 1 -> 2, node 2 dangling, uniform q: with c = pi(2),
    // a = (1-d)/3 + d c/3, b = a + d a, c = a + d b  (since (1-d)/3 + d c/3 = a).
    let d = 0.85;
    let case = &hand_cases()[0];
    let pi = reference(&case.dense_weights(), d, &uniform(3), Dangling::Uniform);
    // a = (1-d)/3 + d/3 * (a (1 + d + d^2))  =>  a = (1-d)/3 / (1 - d (1 + d + d^2)/3)
    let a = (1.0 - d) / 3.0 / (1.0 - d * (1.0 + d + d * d) / 3.0);
    let expected = [a, a * (1.0 + d), a * (1.0 + d + d * d)];
    assert!(l1(&pi, &expected) < 1e-14, "{pi:?} vs {expected:?}");
}

// ---------------------------------------------------------------------------
// 1. Global PageRank
// ---------------------------------------------------------------------------

#[test]
fn global_pagerank_matches_dense_reference_for_all_policies() {
    for case in all_cases() {
        let g = case.graph();
        let w = case.dense_weights();
        for d in [0.5, 0.85, 0.95] {
            let expected = reference(&w, d, &uniform(case.n), Dangling::Uniform);
            let mut per_policy = Vec::new();
            for (policy, solver) in POLICIES.iter().flat_map(|&p| SOLVERS.map(|s| (p, s))) {
                let r = exact::pagerank(&g, &cfg_solver(d, policy, solver)).unwrap();
                let ctx = format!("{} d={d} {policy:?} {solver:?}", case.name);
                assert!(
                    r.converged,
                    "{ctx}: not converged ({} it, change {})",
                    r.iterations, r.last_change
                );
                assert!(r.last_change <= 1e-13, "{ctx}");
                assert!(r.iterations >= 1 && r.iterations <= 20_000, "{ctx}");
                let err = l1(&r.scores, &expected);
                assert!(
                    err <= 1e-9,
                    "{ctx}: L1 error {err:e}\n got {:?}\n exp {expected:?}",
                    r.scores
                );
                let sum: f64 = r.scores.iter().sum();
                assert!((sum - 1.0).abs() <= 1e-12, "{ctx}: sum {sum}");
                assert!(
                    r.scores.iter().all(|&s| s > 0.0),
                    "{ctx}: global PageRank has a zero"
                );
                per_policy.push(r.scores);
            }
            // With a uniform personalization the three policies are the same map
            // (per_policy alternates the two solvers), and the solvers agree.
            for (k, s) in per_policy.iter().enumerate() {
                assert!(
                    l1(s, &per_policy[k % 2]) <= 1e-14,
                    "{}: policies differ",
                    case.name
                );
                assert!(
                    l1(s, &per_policy[0]) <= 1e-11,
                    "{}: solvers differ",
                    case.name
                );
            }
        }
    }
}

#[test]
fn default_tolerance_reports_convergence_and_respects_error_bound() {
    let cfg = PageRankConfig::default();
    for case in all_cases() {
        let r = exact::pagerank(&case.graph(), &cfg).unwrap();
        let expected = reference(
            &case.dense_weights(),
            cfg.damping,
            &uniform(case.n),
            Dangling::Uniform,
        );
        assert!(
            r.converged && r.last_change <= cfg.change_limit(),
            "{}",
            case.name
        );
        // Documented: L1 error to the fixed point <= tolerance.
        let bound = cfg.tolerance + 1e-14;
        let err = l1(&r.scores, &expected);
        assert!(
            err <= bound,
            "{}: error {err:e} > bound {bound:e}",
            case.name
        );
    }
}

#[test]
fn iteration_cap_reports_not_converged() {
    let case = &random_cases()[5];
    let r = exact::pagerank(
        &case.graph(),
        &PageRankConfig {
            max_iterations: 2,
            tolerance: 1e-15,
            ..PageRankConfig::default()
        },
    )
    .unwrap();
    assert_eq!(r.iterations, 2);
    assert!(!r.converged);
    assert!(r.last_change > 1e-15);
    assert!((r.scores.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

// ---------------------------------------------------------------------------
// 2. Personalized PageRank (full vector)
// ---------------------------------------------------------------------------

#[test]
fn personalized_matches_dense_reference_for_all_policies() {
    for case in all_cases() {
        let g = case.graph();
        let w = case.dense_weights();
        for raw in raw_seed_sets(&case) {
            let seeds = to_seeds(&raw);
            let p = dense_p(case.n, &raw);
            for d in [0.6, 0.85] {
                let mut got = Vec::new();
                for (policy, solver) in POLICIES.iter().flat_map(|&p| SOLVERS.map(|s| (p, s))) {
                    let ctx = format!("{} seeds {raw:?} d={d} {policy:?} {solver:?}", case.name);
                    let expected = reference(&w, d, &p, policy);
                    let r =
                        exact::personalized(&g, &seeds, &cfg_solver(d, policy, solver)).unwrap();
                    assert!(r.converged, "{ctx}: not converged");
                    let err = l1(&r.scores, &expected);
                    assert!(
                        err <= 1e-9,
                        "{ctx}: L1 error {err:e}\n got {:?}\n exp {expected:?}",
                        r.scores
                    );
                    let sum: f64 = r.scores.iter().sum();
                    assert!((sum - 1.0).abs() <= 1e-12, "{ctx}: sum {sum}");
                    assert!(r.scores.iter().all(|&s| s >= 0.0), "{ctx}: negative score");
                    got.push(r.scores);
                }
                // Personalization and Source coincide for one seed set (got holds
                // Uniform, Personalization, Source, each with both solvers).
                assert!(
                    l1(&got[2], &got[4]) <= 1e-14 && l1(&got[3], &got[5]) <= 1e-14,
                    "{}: Personalization != Source",
                    case.name
                );
                // The two solvers agree.
                for k in 0..3 {
                    assert!(
                        l1(&got[2 * k], &got[2 * k + 1]) <= 1e-11,
                        "{}: solvers differ",
                        case.name
                    );
                }
            }
        }
    }
}

#[test]
fn uniform_and_source_policies_differ_when_dangling_mass_exists() {
    // Path 0 -> 1 -> 2, seed 0: Source sends node 2's mass back to 0, Uniform spreads it.
    let case = &hand_cases()[0];
    let g = case.graph();
    let s = exact::personalized(&g, &Seeds::single(0), &cfg(0.85, Dangling::Source)).unwrap();
    let u = exact::personalized(&g, &Seeds::single(0), &cfg(0.85, Dangling::Uniform)).unwrap();
    assert!(l1(&s.scores, &u.scores) > 1e-3);
    // Source: pi(0) = (1-d) + d pi(2), pi(1) = d pi(0), pi(2) = d pi(1)
    // => pi(0) = (1-d) / (1 - d^3).
    let d: f64 = 0.85;
    let a = (1.0 - d) / (1.0 - d * d * d);
    let expected = [a, d * a, d * d * a];
    assert!(
        l1(&s.scores, &expected) < 1e-11,
        "{:?} vs {expected:?}",
        s.scores
    );
}

// ---------------------------------------------------------------------------
// 3. ppr_top_k: block size, top-k order, thread count
// ---------------------------------------------------------------------------

fn run_top_k(
    g: &Graph,
    seeds: &[Seeds],
    c: &PageRankConfig,
    k: usize,
    max_block: usize,
) -> Vec<PprAnswer> {
    let mut calls = Vec::new();
    let a = exact::ppr_top_k(g, seeds, c, k, max_block, |done| calls.push(done)).unwrap();
    // on_block reports the cumulative number of answers after every block.
    let expected: Vec<usize> = (1..=seeds.len().div_ceil(max_block))
        .map(|i| (i * max_block).min(seeds.len()))
        .collect();
    assert_eq!(calls, expected, "on_block calls for max_block {max_block}");
    assert_eq!(a.len(), seeds.len());
    a
}

#[test]
fn ppr_top_k_is_independent_of_block_size_and_matches_full_vectors() {
    let mut cases = hand_cases();
    cases.extend(random_cases().into_iter().step_by(2));
    for case in cases {
        let g = case.graph();
        let w = case.dense_weights();
        let raws = raw_seed_sets(&case);
        let seeds: Vec<Seeds> = raws.iter().map(|r| to_seeds(r)).collect();
        for (policy, solver) in POLICIES.iter().flat_map(|&p| SOLVERS.map(|s| (p, s))) {
            let c = cfg_solver(0.85, policy, solver);
            let ctx = format!("{} {policy:?} {solver:?}", case.name);
            let all: Vec<Vec<PprAnswer>> = [1, 2, 7]
                .iter()
                .map(|&b| run_top_k(&g, &seeds, &c, 0, b))
                .collect();
            let top3: Vec<Vec<PprAnswer>> = [1, 2, 7]
                .iter()
                .map(|&b| run_top_k(&g, &seeds, &c, 3, b))
                .collect();
            // Bit-identity across block sizes is checked separately (see
            // `ppr_top_k_entries_are_bit_identical_for_any_block_size`); here the
            // block variants must agree to well within the tolerance.
            for bi in 1..3 {
                for j in 0..seeds.len() {
                    let x = densify(case.n, &all[bi][j].entries);
                    let y = densify(case.n, &all[0][j].entries);
                    assert!(
                        l1(&x, &y) <= 1e-12,
                        "{ctx}: k=0 seed {j} block variant {bi}"
                    );
                    // k = 3 is the prefix of the same run's full ordering.
                    let want: Vec<(u32, f64)> =
                        all[bi][j].entries.iter().take(3).copied().collect();
                    assert_eq!(
                        top3[bi][j].entries, want,
                        "{ctx}: seed {j} top-3 block variant {bi}"
                    );
                }
            }
            for j in 0..seeds.len() {
                let full = exact::personalized(&g, &seeds[j], &c).unwrap().scores;
                let expected = reference(&w, 0.85, &dense_p(case.n, &raws[j]), policy);
                for (bi, answers) in all.iter().enumerate() {
                    let a = &answers[j];
                    assert_sorted(&a.entries, &ctx);
                    assert!(
                        a.last_change <= 1e-13,
                        "{ctx}: last_change {}",
                        a.last_change
                    );
                    // k = 0: every positive score, values as in the full vector.
                    let positives = full.iter().filter(|&&s| s > 0.0).count();
                    assert_eq!(
                        a.entries.len(),
                        positives,
                        "{ctx}: seed {j} block variant {bi}"
                    );
                    let dense = densify(case.n, &a.entries);
                    assert!(
                        l1(&dense, &full) <= 1e-12,
                        "{ctx}: seed {j} vs personalized"
                    );
                    assert!(
                        l1(&dense, &expected) <= 1e-9,
                        "{ctx}: seed {j} vs reference"
                    );
                }
                // Same block size 1 and one column: the very same computation.
                assert_eq!(
                    densify(case.n, &all[0][j].entries),
                    full,
                    "{ctx}: seed {j} block 1 vs personalized"
                );
                // k = 3 is the prefix of the full ordering.
                let want: Vec<(u32, f64)> = all[0][j].entries.iter().take(3).copied().collect();
                assert_eq!(top3[0][j].entries, want, "{ctx}: seed {j} top-3");
            }
        }
    }
}

/// Strict requirement: the answer of a seed set must not depend on which other seed
/// sets share its block (bit-identical entries for max_block 1, 2, 7).
#[test]
fn ppr_top_k_entries_are_bit_identical_for_any_block_size() {
    let mut failures = Vec::new();
    let mut cases = hand_cases();
    cases.extend(random_cases().into_iter().step_by(2));
    for case in cases {
        let g = case.graph();
        let raws = raw_seed_sets(&case);
        let seeds: Vec<Seeds> = raws.iter().map(|r| to_seeds(r)).collect();
        for (policy, solver) in POLICIES.iter().flat_map(|&p| SOLVERS.map(|s| (p, s))) {
            let c = cfg_solver(0.85, policy, solver);
            let runs: Vec<Vec<PprAnswer>> = [1, 2, 7]
                .iter()
                .map(|&b| run_top_k(&g, &seeds, &c, 0, b))
                .collect();
            for (bi, b) in [(1, 2), (2, 7)] {
                for j in 0..seeds.len() {
                    if runs[bi][j].entries != runs[0][j].entries {
                        failures.push(format!(
                            "{} {policy:?} {solver:?} seeds {:?}: block 1 ({} it) vs block {b} ({} it) differ by L1 {:e}",
                            case.name,
                            raws[j],
                            runs[0][j].iterations,
                            runs[bi][j].iterations,
                            l1(&densify(case.n, &runs[0][j].entries), &densify(case.n, &runs[bi][j].entries))
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} block-dependent answers, e.g.\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n")
    );
}

/// With the iteration count pinned (no early stop), the SpMM block path and the
/// SpMV single-column path compute exactly the same numbers.
#[test]
fn ppr_top_k_block_paths_agree_bitwise_for_equal_iteration_counts() {
    for case in hand_cases()
        .into_iter()
        .chain(random_cases().into_iter().step_by(3))
    {
        let g = case.graph();
        let seeds: Vec<Seeds> = raw_seed_sets(&case).iter().map(|r| to_seeds(r)).collect();
        for (policy, solver) in POLICIES.iter().flat_map(|&p| SOLVERS.map(|s| (p, s))) {
            let c = PageRankConfig {
                tolerance: 1e-300,
                max_iterations: 60,
                ..cfg_solver(0.85, policy, solver)
            };
            let runs: Vec<Vec<PprAnswer>> = [1, 2, 7]
                .iter()
                .map(|&b| run_top_k(&g, &seeds, &c, 0, b))
                .collect();
            for bi in 1..3 {
                for j in 0..seeds.len() {
                    assert!(runs[bi][j].iterations <= 60); // an exact fixed point (change 0) stops early
                    assert_eq!(
                        runs[bi][j].entries, runs[0][j].entries,
                        "{} {policy:?} {solver:?} seed {j}",
                        case.name
                    );
                }
            }
        }
    }
}

#[test]
fn ppr_top_k_breaks_ties_by_node_id() {
    // Undirected star, centre 0 with leaves 1..=6 given in shuffled order: seeded at
    // the centre every leaf has the same score, so the top 3 are 0, 1, 2.
    let edges: Vec<(u32, u32)> = vec![(5, 0), (0, 2), (6, 0), (0, 1), (4, 0), (0, 3)];
    let g = Case::new("star", 7, &edges, None, BuildOptions::undirected()).graph();
    let a = exact::ppr_top_k(
        &g,
        &[Seeds::single(0)],
        &PageRankConfig::ppr_default(),
        3,
        4,
        |_| {},
    )
    .unwrap();
    let ids: Vec<u32> = a[0].entries.iter().map(|e| e.0).collect();
    assert_eq!(ids, vec![0, 1, 2]);
    assert_eq!(a[0].entries[1].1, a[0].entries[2].1);
    assert!(a[0].entries[0].1 > a[0].entries[1].1);
}

/// A weighted random graph of 12,000 nodes. Directed: nodes `u % 11 == 0` have no
/// out-edge (dangling). Undirected: nodes `u % 11 == 0` have no edge at all
/// (isolated), and `Solver::Auto` runs conjugate gradients.
fn big_case(directed: bool) -> Case {
    let n = 12_000usize;
    let mut rng = Lcg::new(99);
    let mut edges = Vec::new();
    let mut ws = Vec::new();
    for _ in 0..60_000 {
        let u = rng.below(n as u64) as u32;
        let v = rng.below(n as u64) as u32;
        if u.is_multiple_of(11) || (!directed && v.is_multiple_of(11)) {
            continue;
        }
        edges.push((u, v));
        ws.push((0.1 + rng.unit()) as f32);
    }
    let (name, opts) = if directed {
        ("big random directed", BuildOptions::directed())
    } else {
        ("big random undirected", BuildOptions::undirected())
    };
    Case::new(name, n, &edges, Some(ws), opts)
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let pool1 = ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let pool3 = ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let mut cases = vec![big_case(true), big_case(false)];
    cases.push(random_cases()[11].clone());
    for case in cases {
        let g = case.graph();
        let n = case.n as u32;
        let seeds = vec![
            Seeds::single(0),
            Seeds::single(n - 1),
            Seeds::weighted(&[(1, 1.0), (n / 2, 3.0), (n / 3, 0.5)]).unwrap(),
            Seeds::single(n / 2),
            Seeds::single(1),
        ];
        for policy in POLICIES {
            let c = PageRankConfig {
                dangling: policy,
                ..PageRankConfig::default()
            };
            let ctx = format!("{} {policy:?}", case.name);
            let g1 = pool1.install(|| exact::pagerank(&g, &c).unwrap());
            let g3 = pool3.install(|| exact::pagerank(&g, &c).unwrap());
            assert_eq!(g1, g3, "{ctx}: pagerank");
            for (k, b) in [(0, 1), (0, 2), (10, 3), (5, 7)] {
                let a1 = pool1.install(|| exact::ppr_top_k(&g, &seeds, &c, k, b, |_| {}).unwrap());
                let a3 = pool3.install(|| exact::ppr_top_k(&g, &seeds, &c, k, b, |_| {}).unwrap());
                assert_eq!(a1, a3, "{ctx}: ppr_top_k k={k} block {b}");
            }
            let pc = PushConfig {
                pagerank: c.clone(),
                ..PushConfig::default()
            };
            let p1 = pool1.install(|| ppr_push(&g, &seeds, &pc, 20).unwrap());
            let p3 = pool3.install(|| ppr_push(&g, &seeds, &pc, 20).unwrap());
            assert_eq!(p1, p3, "{ctx}: ppr_push");
        }
    }
}

#[test]
fn block_size_follows_the_memory_budget() {
    // 40 bytes per node and column: four working f64 blocks (conjugate gradients)
    // plus finished columns.
    assert_eq!(exact::block_size(1000, 40 * 1000 * 5, 100), 5);
    assert_eq!(exact::block_size(1000, 40 * 1000 * 5 + 39_999, 100), 5);
    assert_eq!(exact::block_size(1000, 40 * 1000 * 500, 64), 64);
    assert_eq!(exact::block_size(1000, 10, 64), 1);
    assert_eq!(exact::block_size(1000, 1 << 30, 0), 1);
    assert_eq!(exact::block_size(0, 400, 100), 10);
}

// ---------------------------------------------------------------------------
// 4. Forward push
// ---------------------------------------------------------------------------

fn push_cfg(policy: Dangling, r_max: f64, l1_target: Option<f64>) -> PushConfig {
    PushConfig {
        pagerank: PageRankConfig {
            dangling: policy,
            ..PageRankConfig::ppr_default()
        },
        r_max: Some(r_max),
        l1_target,
    }
}

fn check_push_answer(a: &PushAnswer, n: usize, expected: &[f64], ctx: &str) -> f64 {
    assert_sorted(&a.entries, ctx);
    assert!(
        a.residual_l1.is_finite() && a.residual_l1 >= 0.0,
        "{ctx}: residual {}",
        a.residual_l1
    );
    let dense = densify(n, &a.entries);
    let err = l1(&dense, expected);
    assert!(
        err <= a.residual_l1 + 1e-12,
        "{ctx}: L1 error {err:e} exceeds certified residual {:e}\n got {dense:?}\n exp {expected:?}",
        a.residual_l1
    );
    // Mass is conserved: estimate + residual = 1.
    let mass: f64 = dense.iter().sum::<f64>() + a.residual_l1;
    assert!(
        (mass - 1.0).abs() <= 1e-12,
        "{ctx}: estimate + residual = {mass}"
    );
    err
}

#[test]
fn push_error_is_bounded_by_its_residual() {
    let r_max = 1e-7;
    for case in all_cases() {
        let g = case.graph();
        let w = case.dense_weights();
        let deg_bound: f64 = case
            .out_entries()
            .iter()
            .map(|&k| k.max(1) as f64)
            .sum::<f64>()
            * r_max;
        let raws = raw_seed_sets(&case);
        let seeds: Vec<Seeds> = raws.iter().map(|r| to_seeds(r)).collect();
        for policy in POLICIES {
            let c = push_cfg(policy, r_max, None);
            let answers = ppr_push(&g, &seeds, &c, 0).unwrap();
            let top2 = ppr_push(&g, &seeds, &c, 2).unwrap();
            assert_eq!(answers.len(), seeds.len());
            for (j, a) in answers.iter().enumerate() {
                let ctx = format!("{} seeds {:?} {policy:?} push", case.name, raws[j]);
                let expected = reference(&w, 0.85, &dense_p(case.n, &raws[j]), policy);
                check_push_answer(a, case.n, &expected, &ctx);
                assert!(a.residual_l1 < 1e-4, "{ctx}: residual {:e}", a.residual_l1);
                // Every r(u) <= r_max * max(outdeg(u), 1) at the end.
                assert!(
                    a.residual_l1 <= deg_bound * (1.0 + 1e-9),
                    "{ctx}: residual {:e} > r_max * sum max(outdeg,1) = {deg_bound:e}",
                    a.residual_l1
                );
                assert!(a.pushes >= 1, "{ctx}: no push");
                let prefix: Vec<(u32, f64)> = a.entries.iter().take(2).copied().collect();
                assert_eq!(top2[j].entries, prefix, "{ctx}: top-2");
                assert_eq!(top2[j].residual_l1, a.residual_l1, "{ctx}");
            }
        }
    }
}

#[test]
fn push_with_l1_target_reaches_the_target() {
    let target = 1e-10;
    for case in all_cases() {
        let g = case.graph();
        let w = case.dense_weights();
        let raws = raw_seed_sets(&case);
        let seeds: Vec<Seeds> = raws.iter().map(|r| to_seeds(r)).collect();
        for policy in POLICIES {
            // A coarse r_max: the L1 target alone must drive the accuracy.
            for r_max in [1e-7, 1e-3] {
                let answers =
                    ppr_push(&g, &seeds, &push_cfg(policy, r_max, Some(target)), 0).unwrap();
                for (j, a) in answers.iter().enumerate() {
                    let ctx = format!(
                        "{} seeds {:?} {policy:?} r_max {r_max} l1 target",
                        case.name, raws[j]
                    );
                    let expected = reference(&w, 0.85, &dense_p(case.n, &raws[j]), policy);
                    let err = check_push_answer(a, case.n, &expected, &ctx);
                    assert!(
                        a.residual_l1 <= target,
                        "{ctx}: residual {:e}",
                        a.residual_l1
                    );
                    assert!(err <= target, "{ctx}: error {err:e}");
                }
            }
        }
    }
}

#[test]
fn push_agrees_with_exact_on_a_larger_graph() {
    let case = big_case(true);
    let g = case.graph();
    let seeds = vec![
        Seeds::single(1),
        Seeds::weighted(&[(2, 1.0), (3, 1.0)]).unwrap(),
    ];
    for policy in POLICIES {
        let c = push_cfg(policy, 1e-9, None);
        let pa = ppr_push(&g, &seeds, &c, 0).unwrap();
        for (j, s) in seeds.iter().enumerate() {
            let full = exact::personalized(&g, s, &cfg(0.85, policy))
                .unwrap()
                .scores;
            let dense = densify(case.n, &pa[j].entries);
            let err = l1(&dense, &full);
            assert!(
                err <= pa[j].residual_l1 + 1e-10,
                "{policy:?} seed {j}: push error {err:e} > residual {:e}",
                pa[j].residual_l1
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Zero out-weight nodes (weights of 0 are accepted by the builder; such a node is
// dangling per the formula: o(u) = 0)
// ---------------------------------------------------------------------------

fn zero_weight_case() -> Case {
    // Node 2 has out-edges 2->0 and 2->3, both of weight 0: dangling.
    Case::new(
        "directed with zero-weight out-edges at node 2",
        4,
        &[(0, 1), (1, 2), (2, 0), (2, 3), (3, 1), (1, 3)],
        Some(vec![1.0, 2.0, 0.0, 0.0, 1.0, 0.5]),
        BuildOptions::directed(),
    )
}

#[test]
fn conjugate_gradients_treat_zero_weight_nodes_of_undirected_graphs_as_dangling() {
    // Undirected: node 2's only edges (to 0 and 3) weigh 0, so it is dangling, and
    // its row of D - d W is the identity.
    let case = Case::new(
        "undirected with zero-weight edges at node 2",
        4,
        &[(0, 1), (1, 3), (2, 0), (2, 3), (3, 0)],
        Some(vec![1.0, 0.5, 0.0, 0.0, 2.0]),
        BuildOptions::undirected(),
    );
    assert_eq!(case.dangling_nodes(), vec![2]);
    let g = case.graph();
    let w = case.dense_weights();
    for (policy, solver) in POLICIES.iter().flat_map(|&p| SOLVERS.map(|s| (p, s))) {
        let c = cfg_solver(0.85, policy, solver);
        let r = exact::pagerank(&g, &c).unwrap();
        let e = reference(&w, 0.85, &uniform(4), policy);
        assert!(
            l1(&r.scores, &e) <= 1e-9,
            "{policy:?} {solver:?}: {:?} vs {e:?}",
            r.scores
        );
        for source in [0u32, 2] {
            let p = exact::personalized(&g, &Seeds::single(source), &c).unwrap();
            let e = reference(&w, 0.85, &dense_p(4, &[(source, 1.0)]), policy);
            assert!(
                l1(&p.scores, &e) <= 1e-9,
                "{policy:?} {solver:?} source {source}: {:?} vs {e:?}",
                p.scores
            );
        }
    }
}

#[test]
fn exact_treats_zero_out_weight_as_dangling() {
    let case = zero_weight_case();
    assert_eq!(case.dangling_nodes(), vec![2]);
    let g = case.graph();
    let w = case.dense_weights();
    for policy in POLICIES {
        let r = exact::pagerank(&g, &cfg(0.85, policy)).unwrap();
        let e = reference(&w, 0.85, &uniform(4), policy);
        assert!(
            l1(&r.scores, &e) <= 1e-9,
            "{policy:?}: {:?} vs {e:?}",
            r.scores
        );
        let p = exact::personalized(&g, &Seeds::single(0), &cfg(0.85, policy)).unwrap();
        let e = reference(&w, 0.85, &dense_p(4, &[(0, 1.0)]), policy);
        assert!(
            l1(&p.scores, &e) <= 1e-9,
            "{policy:?}: {:?} vs {e:?}",
            p.scores
        );
    }
}

#[test]
fn push_treats_zero_out_weight_as_dangling() {
    let case = zero_weight_case();
    let g = case.graph();
    let w = case.dense_weights();
    for policy in POLICIES {
        let a = ppr_push(&g, &[Seeds::single(0)], &push_cfg(policy, 1e-7, None), 0).unwrap();
        let e = reference(&w, 0.85, &dense_p(4, &[(0, 1.0)]), policy);
        check_push_answer(&a[0], 4, &e, &format!("zero-weight {policy:?}"));
    }
}

// ---------------------------------------------------------------------------
// 5. Invalid options
// ---------------------------------------------------------------------------

fn assert_invalid<T: std::fmt::Debug>(r: Result<T, AlgorithmError>, option: &str) {
    match r {
        Err(e @ AlgorithmError::InvalidOption { .. }) => {
            if let AlgorithmError::InvalidOption { name, .. } = &e {
                assert_eq!(*name, option);
            }
            let msg = e.to_string();
            assert!(
                msg.contains(option),
                "message {msg:?} does not name {option:?}"
            );
        }
        other => panic!("expected InvalidOption({option}), got {other:?}"),
    }
}

fn small_graph() -> Graph {
    hand_cases()[4].graph() // 8 nodes
}

#[test]
fn invalid_damping_is_rejected_everywhere() {
    let g = small_graph();
    let s = [Seeds::single(0)];
    for d in [0.0, 1.0, 1.5, -0.2, f64::NAN, f64::INFINITY] {
        let c = PageRankConfig {
            damping: d,
            ..PageRankConfig::default()
        };
        assert_invalid(exact::pagerank(&g, &c), "damping");
        assert_invalid(exact::personalized(&g, &s[0], &c), "damping");
        assert_invalid(exact::ppr_top_k(&g, &s, &c, 0, 1, |_| {}), "damping");
        let pc = PushConfig {
            pagerank: c.clone(),
            ..PushConfig::default()
        };
        assert_invalid(ppr_push(&g, &s, &pc, 0), "damping");
        assert_invalid(c.validate(), "damping");
    }
    // Just inside the open interval is fine.
    for d in [1e-6, 0.999] {
        let c = PageRankConfig {
            damping: d,
            max_iterations: 100_000,
            ..PageRankConfig::default()
        };
        assert!(exact::pagerank(&g, &c).unwrap().converged);
    }
}

#[test]
fn invalid_tolerance_and_iterations_are_rejected() {
    let g = small_graph();
    for t in [0.0, -1e-9, f64::NAN] {
        let c = PageRankConfig {
            tolerance: t,
            ..PageRankConfig::default()
        };
        assert_invalid(exact::pagerank(&g, &c), "tolerance");
        assert_invalid(exact::personalized(&g, &Seeds::single(1), &c), "tolerance");
    }
    let c = PageRankConfig {
        max_iterations: 0,
        ..PageRankConfig::default()
    };
    assert_invalid(exact::pagerank(&g, &c), "max-iterations");
    assert_invalid(
        exact::ppr_top_k(&g, &[Seeds::single(1)], &c, 5, 2, |_| {}),
        "max-iterations",
    );
}

#[test]
fn invalid_push_options_are_rejected() {
    let g = small_graph();
    let s = [Seeds::single(0)];
    for r in [0.0, -1e-7, f64::NAN, f64::INFINITY] {
        let c = PushConfig {
            r_max: Some(r),
            ..PushConfig::default()
        };
        assert_invalid(ppr_push(&g, &s, &c, 0), "push-threshold");
    }
    for t in [0.0, -1.0, f64::NAN] {
        let c = PushConfig {
            l1_target: Some(t),
            ..PushConfig::default()
        };
        assert_invalid(ppr_push(&g, &s, &c, 0), "push-l1");
    }
}

#[test]
fn unknown_seed_nodes_are_rejected() {
    let g = small_graph(); // n = 8
    let c = PageRankConfig::ppr_default();
    for bad in [8u32, 9, u32::MAX] {
        let want = AlgorithmError::UnknownNode(bad);
        assert_eq!(
            exact::personalized(&g, &Seeds::single(bad), &c).unwrap_err(),
            want
        );
        let mixed = Seeds::weighted(&[(0, 1.0), (bad, 1.0)]).unwrap();
        assert_eq!(exact::personalized(&g, &mixed, &c).unwrap_err(), want);
        let list = [Seeds::single(1), mixed.clone()];
        assert_eq!(
            exact::ppr_top_k(&g, &list, &c, 0, 1, |_| {}).unwrap_err(),
            want
        );
        assert_eq!(
            ppr_push(&g, &list, &PushConfig::default(), 0).unwrap_err(),
            want
        );
        assert!(want.to_string().contains(&bad.to_string()));
    }
    // The last valid id works.
    assert!(exact::personalized(&g, &Seeds::single(7), &c).is_ok());
}

#[test]
fn invalid_seed_biases_are_rejected() {
    for raw in [
        vec![(0u32, -1.0)],
        vec![(0, 1.0), (1, -0.5)],
        vec![(0, f64::NAN)],
        vec![(0, 1.0), (2, f64::INFINITY)],
        vec![(0, 0.0), (1, 0.0)],
        vec![],
    ] {
        assert_invalid(Seeds::weighted(&raw), "bias");
    }
    // Valid: repeats add up, zeros drop out, normalised to 1.
    let s = Seeds::weighted(&[(3, 1.0), (1, 0.0), (3, 1.0), (0, 2.0)]).unwrap();
    assert_eq!(s.entries(), &[(0, 0.5), (3, 0.5)]);
    assert_eq!(Seeds::single(4).entries(), &[(4, 1.0)]);
}

// ---------------------------------------------------------------------------
// 6. Closed forms
// ---------------------------------------------------------------------------

#[test]
fn directed_cycle_is_uniform() {
    for n in [3usize, 7] {
        let edges: Vec<(u32, u32)> = (0..n as u32).map(|u| (u, (u + 1) % n as u32)).collect();
        let g = Case::new("cycle", n, &edges, None, BuildOptions::directed()).graph();
        let r = exact::pagerank(&g, &PageRankConfig::default()).unwrap();
        assert!(r.converged);
        for &s in &r.scores {
            assert!(
                (s - 1.0 / n as f64).abs() <= 1e-15,
                "cycle {n}: {:?}",
                r.scores
            );
        }
    }
}

#[test]
fn undirected_star_has_closed_form_pagerank() {
    for (k, d) in [(5usize, 0.85f64), (20, 0.85), (3, 0.5)] {
        let n = k + 1;
        // c = (1-d)/n + d k l,  l = (1-d)/n + d c / k
        // => c (1 - d^2) = (1-d)/n (1 + d k)  =>  c = (1 + d k) / (n (1 + d)).
        let c = (1.0 + d * k as f64) / (n as f64 * (1.0 + d));
        let l = (1.0 - d) / n as f64 + d * c / k as f64;
        assert!((c + k as f64 * l - 1.0).abs() < 1e-14);
        // Leaves given as both (0, i) and (i, 0) to exercise symmetric storage.
        let edges: Vec<(u32, u32)> = (1..=k as u32)
            .map(|i| if i % 2 == 0 { (0, i) } else { (i, 0) })
            .collect();
        let g = Case::new("star", n, &edges, None, BuildOptions::undirected()).graph();
        for policy in POLICIES {
            let r = exact::pagerank(&g, &cfg(d, policy)).unwrap();
            assert!(
                (r.scores[0] - c).abs() <= 1e-10,
                "k={k} centre {} vs {c}",
                r.scores[0]
            );
            for i in 1..n {
                assert!(
                    (r.scores[i] - l).abs() <= 1e-10,
                    "k={k} leaf {i} {} vs {l}",
                    r.scores[i]
                );
            }
        }
    }
}

#[test]
fn conjugate_gradients_on_graphs_with_many_isolated_nodes() {
    // 60 ids of which 20 have no edge (as identity ids leave unused ids), and one
    // whose only edges weigh 0: PPR solves the system without them (the `compact`
    // module). Seeds on kept nodes, on isolated ones, and sets mixing both.
    let mut rng = Lcg::new(77);
    let mut edges = Vec::new();
    let mut weights = Vec::new();
    for u in 0..40u32 {
        edges.push((u, (u + 1) % 40));
        weights.push(1.0);
        for _ in 0..2 {
            edges.push((u, rng.below(40) as u32));
            weights.push(0.2 + rng.unit() as f32);
        }
    }
    edges.push((45, 3));
    weights.push(0.0);
    let case = Case::new(
        "40 connected nodes and 20 isolated ids",
        60,
        &edges,
        Some(weights),
        BuildOptions::undirected(),
    );
    let g = case.graph();
    let w = case.dense_weights();
    assert!(case.dangling_nodes().len() >= 20);
    let raws: Vec<Vec<(u32, f64)>> = vec![
        vec![(0, 1.0)],
        vec![(45, 1.0)],
        vec![(59, 1.0)],
        vec![(7, 2.0), (50, 1.0), (45, 0.5)],
        vec![(50, 1.0), (55, 3.0)],
    ];
    let seeds: Vec<Seeds> = raws.iter().map(|r| to_seeds(r)).collect();
    for policy in POLICIES {
        let r = exact::pagerank(&g, &cfg(0.85, policy)).unwrap();
        let e = reference(&w, 0.85, &uniform(60), policy);
        assert!(l1(&r.scores, &e) <= 1e-9, "{policy:?}: global");
    }
    for policy in [Dangling::Source, Dangling::Personalization] {
        let c = cfg(0.85, policy);
        let blocks: Vec<Vec<PprAnswer>> = [1, 2, 5]
            .iter()
            .map(|&b| run_top_k(&g, &seeds, &c, 0, b))
            .collect();
        for (i, raw) in raws.iter().enumerate() {
            let ctx = format!("{policy:?} seeds {raw:?}");
            let e = reference(&w, 0.85, &dense_p(60, raw), policy);
            let single = exact::personalized(&g, &seeds[i], &c).unwrap();
            assert!(l1(&single.scores, &e) <= 1e-9, "{ctx}: personalized");
            for answers in &blocks {
                let got = densify(60, &answers[i].entries);
                assert!(l1(&got, &e) <= 1e-9, "{ctx}: top-k");
                // The same bits whatever the block, and as the single-source call.
                assert_eq!(answers[i].entries, blocks[0][i].entries, "{ctx}");
                let nonzero: Vec<(u32, f64)> = (0..60u32)
                    .map(|v| (v, single.scores[v as usize]))
                    .filter(|&(_, s)| s > 0.0)
                    .collect();
                let mut sorted = answers[i].entries.clone();
                sorted.sort_by_key(|&(v, _)| v);
                assert_eq!(sorted, nonzero, "{ctx}: block against single");
            }
        }
    }
}
