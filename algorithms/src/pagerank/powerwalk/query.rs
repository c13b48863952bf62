//! The online query: `T` exact decomposition steps, then the fingerprints.

use super::{graph_fingerprint, PowerWalkIndex, PowerWalkQueryConfig};
use crate::error::AlgorithmError;
use crate::pagerank::{Dangling, PageRankConfig, Seeds, Transition};
use crate::topk::{top_k, top_k_sparse};
use rayon::prelude::*;
use spargraph_engine::{Csr, Graph};

/// Per-thread scratch: a dense accumulator with a touched list (reset after each
/// source), for the answer and for the next flow.
struct Workspace {
    acc: Vec<f64>,
    acc_seen: Vec<bool>,
    acc_list: Vec<u32>,
    next: Vec<f64>,
    next_seen: Vec<bool>,
    next_list: Vec<u32>,
}

impl Workspace {
    fn new(n: usize) -> Self {
        Workspace {
            acc: vec![0.0; n],
            acc_seen: vec![false; n],
            acc_list: Vec::new(),
            next: vec![0.0; n],
            next_seen: vec![false; n],
            next_list: Vec::new(),
        }
    }

    #[inline]
    fn add_acc(&mut self, u: u32, x: f64) {
        let i = u as usize;
        if !self.acc_seen[i] {
            self.acc_seen[i] = true;
            self.acc_list.push(u);
        }
        self.acc[i] += x;
    }

    #[inline]
    fn add_next(&mut self, u: u32, x: f64) {
        let i = u as usize;
        if !self.next_seen[i] {
            self.next_seen[i] = true;
            self.next_list.push(u);
        }
        self.next[i] += x;
    }
}

/// Everything a batch shares: the graph's transition, the fingerprints, and the
/// global PageRank when the policy needs it.
struct Shared<'a> {
    out: &'a Csr,
    inv_out: Vec<f64>,
    fingerprints: &'a Csr,
    damping: f64,
    config: &'a PowerWalkQueryConfig,
    /// `g` for [`Dangling::Uniform`] on a graph with dangling nodes.
    global: Option<Vec<f64>>,
}

impl Shared<'_> {
    /// The drop-PPR estimate `acc + sum_v g_T(v) FP_v` of `p` as sparse entries,
    /// in a deterministic order.
    fn drop_ppr(&self, p: &[(u32, f64)], ws: &mut Workspace) -> Vec<(u32, f64)> {
        let d = self.damping;
        let reset = 1.0 - d;
        let threshold = self.config.threshold;
        let mut flow: Vec<(u32, f64)> = p.to_vec();
        for _ in 0..self.config.iterations {
            if flow.is_empty() {
                break;
            }
            for &(u, x) in &flow {
                ws.add_acc(u, reset * x);
            }
            for &(u, x) in &flow {
                let s = d * x * self.inv_out[u as usize];
                if s == 0.0 {
                    continue; // dangling: the flow vanishes
                }
                let r = self.out.row_range(u as usize);
                let targets = &self.out.targets()[r.clone()];
                match self.out.weights() {
                    None => {
                        for &v in targets {
                            ws.add_next(v, s);
                        }
                    }
                    Some(w) => {
                        for (&v, &wt) in targets.iter().zip(&w[r]) {
                            ws.add_next(v, s * wt as f64);
                        }
                    }
                }
            }
            ws.next_list.sort_unstable();
            flow.clear();
            for &v in &ws.next_list {
                let i = v as usize;
                let x = ws.next[i];
                if x > 0.0 && x >= threshold {
                    flow.push((v, x));
                }
                ws.next[i] = 0.0;
                ws.next_seen[i] = false;
            }
            ws.next_list.clear();
        }
        let fp_values = self.fingerprints.weights().unwrap_or(&[]);
        for &(v, x) in &flow {
            let r = self.fingerprints.row_range(v as usize);
            let cols = &self.fingerprints.targets()[r.clone()];
            for (&u, &f) in cols.iter().zip(&fp_values[r]) {
                ws.add_acc(u, x * f as f64);
            }
        }
        let mut est = Vec::with_capacity(ws.acc_list.len());
        for &u in &ws.acc_list {
            let i = u as usize;
            est.push((u, ws.acc[i]));
            ws.acc[i] = 0.0;
            ws.acc_seen[i] = false;
        }
        ws.acc_list.clear();
        est
    }

    /// One full answer: the drop PPR, the dangling transform, then top-k.
    fn answer(&self, seeds: &Seeds, top: usize, ws: &mut Workspace) -> Vec<(u32, f64)> {
        let mut est = self.drop_ppr(seeds.entries(), ws);
        let mass: f64 = est.iter().map(|e| e.1).sum();
        match &self.global {
            Some(g) => {
                // Uniform: pi = pi_drop + (1 - |pi_drop|) g. The factor is clamped at
                // 0 in case sampling noise pushes the estimated mass above 1.
                let c = (1.0 - mass).max(0.0);
                let mut dense: Vec<f64> = g.iter().map(|&x| c * x).collect();
                for (u, x) in est {
                    dense[u as usize] += x;
                }
                top_k(&dense, top)
            }
            None => {
                if mass > 0.0 {
                    for e in &mut est {
                        e.1 /= mass;
                    }
                }
                top_k_sparse(est, top)
            }
        }
    }
}

/// The PowerWalk PPR of one seed distribution `p` (see [`query_batch`], of which
/// this is the one-query case): `pi_drop(p) ~= acc + sum_v g_T(v) FP_v` with
/// `acc = (1 - d) sum_{t < T} g_t`, `g_0 = p`, `g_{t+1} = d g_t Q` thresholded, then
/// the dangling transform of `config.dangling`. Returns `(node, score)` by
/// descending score (ties by node), the `top_k` largest (`0` = every positive
/// entry).
///
/// Checks the index against `g` ([`PowerWalkIndex::check_graph`], one pass over
/// the graph) and the seeds ([`AlgorithmError::UnknownNode`]).
pub fn query(
    g: &Graph,
    index: &PowerWalkIndex,
    seeds: &Seeds,
    config: &PowerWalkQueryConfig,
    top_k: usize,
) -> Result<Vec<(u32, f64)>, AlgorithmError> {
    let mut r = query_batch(g, index, std::slice::from_ref(seeds), config, top_k)?;
    Ok(r.pop().unwrap_or_default())
}

/// PowerWalk PPR of many seed distributions, answered in parallel.
///
/// For each seed distribution `p`: `g_0 = p`; for `t < T`, `acc += (1 - d) g_t` and
/// `g_{t+1} = d g_t Q` (push along out-edges with factor `d w / o`; flow at dangling
/// nodes vanishes), dropping entries `< threshold`; then
/// `pi_drop(p) ~= acc + sum_v g_T(v) FP_v` and
///
/// * [`Dangling::Source`], [`Dangling::Personalization`]: `pi = pi_drop / |pi_drop|_1`
///   (identical here: the walk restarts from the seed distribution);
/// * [`Dangling::Uniform`]: `pi = pi_drop + max(0, 1 - |pi_drop|_1) g`, with `g` the
///   global PageRank (uniform dangling, same damping) computed once per batch by
///   [`crate::pagerank::exact::pagerank`] to L1 change `1e-12`. The answer is then
///   dense (every node with `g > 0`). On a graph without dangling nodes the exact
///   `pi_drop` sums to 1, both transforms are the identity, and the normalisation is
///   used instead (no global PageRank is computed).
///
/// Each answer is `(node, score)` by descending score, ties by ascending node, cut
/// to `top_k` (`0` = all positive entries).
///
/// The paper's "shared pass" (one synchronous vertex-centric sweep carrying a map
/// source -> flow per vertex) is realised as a parallel sweep over the sources with
/// the same arithmetic: rayon over the seed sets, each computed sequentially with a
/// dense per-thread accumulator and touched list (`O(n)` memory per thread), so the
/// answers are bit-identical for any number of threads. Cost per source:
/// `O(sum_t sum_{u in supp g_t} outdeg(u) + sum_{v in supp g_T} |FP_v|)`.
///
/// The graph fingerprint is computed once per batch; errors:
/// [`AlgorithmError::Mismatch`] if the index belongs to another graph,
/// [`AlgorithmError::UnknownNode`] for a seed outside the graph,
/// [`AlgorithmError::InvalidOption`] for a bad `threshold`.
pub fn query_batch(
    g: &Graph,
    index: &PowerWalkIndex,
    seeds: &[Seeds],
    config: &PowerWalkQueryConfig,
    top_k: usize,
) -> Result<Vec<Vec<(u32, f64)>>, AlgorithmError> {
    config.validate()?;
    index.config.validate()?;
    let n = g.n_nodes();
    index.check_fingerprint(n, graph_fingerprint(g))?;
    for s in seeds {
        s.check(n)?;
    }
    if seeds.is_empty() {
        return Ok(Vec::new());
    }
    let damping = index.config.damping;
    let tr = Transition::new(g);
    let global = if config.dangling == Dangling::Uniform && !tr.dangling.is_empty() {
        let tolerance: f64 = 1e-12;
        let needed = (tolerance.ln() / damping.ln()).ceil() as usize + 10;
        let pr = super::super::exact::pagerank(
            g,
            &PageRankConfig {
                damping,
                tolerance,
                max_iterations: needed.max(PageRankConfig::default().max_iterations),
                dangling: Dangling::Uniform,
                ..PageRankConfig::default()
            },
        )?;
        Some(pr.scores)
    } else {
        None
    };
    let shared = Shared {
        out: g.out(),
        inv_out: tr.inv_out,
        fingerprints: &index.fingerprints,
        damping,
        config,
        global,
    };
    Ok(seeds
        .par_iter()
        .map_init(|| Workspace::new(n), |ws, s| shared.answer(s, top_k, ws))
        .collect())
}
