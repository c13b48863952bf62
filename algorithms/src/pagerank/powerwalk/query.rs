//! The online query: `T` exact decomposition steps, then the fingerprints.

use super::dense::{self, Handover};
use super::{graph_fingerprint, PowerWalkIndex, PowerWalkQueryConfig};
use crate::error::AlgorithmError;
use crate::pagerank::{Dangling, PageRankConfig, Seeds, Transition};
use crate::topk::{top_k, top_k_sparse};
use rayon::prelude::*;
use spargraph_engine::kernels::transpose;
use spargraph_engine::{Csr, Graph};
use std::sync::OnceLock;

/// A source goes on in a dense block before a step whose push would visit more
/// than `1 / DENSE_PUSH_SHARE` of the arcs, or before a fingerprint sum that would
/// read more than `1 / DENSE_SUM_SHARE` of the index. Per entry and source, a dense
/// pass costs about a quarter (propagation) and a third (fingerprint sum, through
/// the transposed index) of the sparse path's (measured on soc-Slashdot), and the
/// block shares its reads of the graph and the index between sources.
const DENSE_PUSH_SHARE: usize = 4;
const DENSE_SUM_SHARE: usize = 2;
/// Cost of one fingerprint entry scattered by the sparse path, in units of one
/// entry and column of the pull through the transposed index (about 3 measured
/// with the whole index read; 2 to leave the pull to the blocks it clearly wins).
const SCATTER_COST: usize = 2;
/// Cost of transposing the index, per entry, in the same units.
const TRANSPOSE_COST: usize = 30;
/// Most sources in one dense block.
const MAX_BLOCK: usize = 64;
/// Memory the dense block may take (its width shrinks on large graphs).
const BLOCK_MEMORY: usize = 512 << 20;

/// How a batch is evaluated. Only the speed depends on it: every choice gives the
/// same bits (see [`super::dense`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Strategy {
    /// Hand a source over to the dense block before a step whose push would visit
    /// more than this many arcs (`usize::MAX`: never).
    pub dense_push_above: usize,
    /// ... or before a fingerprint sum that would read more than this many
    /// fingerprint entries.
    pub dense_sum_above: usize,
    /// Use the transposed index for a block's fingerprint sums (`None`: when the
    /// cost model of [`use_pull`] says it is cheaper than scattering).
    pub pull: Option<bool>,
    /// Most sources per block.
    pub block: usize,
}

impl Strategy {
    fn for_graph(n: usize, arcs: usize, fingerprint_entries: usize) -> Self {
        Strategy {
            dense_push_above: arcs / DENSE_PUSH_SHARE,
            dense_sum_above: fingerprint_entries / DENSE_SUM_SHARE,
            pull: None,
            block: (BLOCK_MEMORY / (dense::BYTES_PER_NODE_AND_COLUMN * n.max(1)))
                .clamp(1, MAX_BLOCK),
        }
    }
}

/// Per-thread scratch: a dense accumulator with a touched list (reset after each
/// source), for the answer and for the next flow.
pub(super) struct Workspace {
    acc: Vec<f64>,
    acc_seen: Vec<bool>,
    acc_list: Vec<u32>,
    next: Vec<f64>,
    next_seen: Vec<bool>,
    next_list: Vec<u32>,
}

impl Workspace {
    pub(super) fn new(n: usize) -> Self {
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

    /// The accumulated entries by ascending node; resets the accumulator.
    fn take_acc(&mut self) -> Vec<(u32, f64)> {
        take_sorted(&mut self.acc, &mut self.acc_seen, &mut self.acc_list)
    }

    /// The next-flow entries by ascending node; resets them.
    fn take_next(&mut self) -> Vec<(u32, f64)> {
        take_sorted(&mut self.next, &mut self.next_seen, &mut self.next_list)
    }
}

/// The touched entries of a dense accumulator by ascending node, resetting them. A
/// long touched list is replaced by a scan of all nodes (cheaper than its sort).
fn take_sorted(values: &mut [f64], seen: &mut [bool], list: &mut Vec<u32>) -> Vec<(u32, f64)> {
    let mut out = Vec::with_capacity(list.len());
    if list.len() > values.len() / 8 {
        for (i, (x, s)) in values.iter_mut().zip(seen.iter_mut()).enumerate() {
            if *s {
                out.push((i as u32, std::mem::take(x)));
                *s = false;
            }
        }
    } else {
        list.sort_unstable();
        for &u in list.iter() {
            let i = u as usize;
            out.push((u, std::mem::take(&mut values[i])));
            seen[i] = false;
        }
    }
    list.clear();
    out
}

/// Where the sparse path left a source.
enum Partial {
    /// Finished: the answer.
    Done(Vec<(u32, f64)>),
    /// Handed over to the dense block.
    Dense(Handover),
}

/// Everything a batch shares: the graph's transition, the fingerprints, and the
/// global PageRank when the policy needs it.
pub(super) struct Shared<'a> {
    pub n: usize,
    out: &'a Csr,
    /// The in-CSR (row `v`: in-neighbours `u`, ascending) for the dense block's pull.
    pub incoming: &'a Csr,
    pub inv_out: Vec<f64>,
    pub fingerprints: &'a Csr,
    /// `FP^T`, built on first use.
    fingerprints_t: OnceLock<Csr>,
    pub damping: f64,
    pub config: &'a PowerWalkQueryConfig,
    /// `g` for [`Dangling::Uniform`] on a graph with dangling nodes.
    global: Option<Vec<f64>>,
    strategy: Strategy,
}

impl Shared<'_> {
    /// The transposed fingerprints (row `u`: the `v` with `FP_v(u) > 0`, ascending).
    pub(super) fn transposed_fingerprints(&self) -> &Csr {
        self.fingerprints_t
            .get_or_init(|| transpose(self.fingerprints))
    }

    /// The sparse path for seed distribution `p`: the decomposition steps while the
    /// flow stays small, then the fingerprint sum, or the hand-over to the dense
    /// block once a step or the sum would read more than the [`Strategy`] allows.
    ///
    /// Arithmetic (shared with the dense block): per step, `acc(u) += (1 - d) x` for
    /// each flow entry, then `next(v) += (d x / o(u)) w(u, v)` in ascending `u`; the
    /// next flow keeps entries `>= threshold`. The fingerprint sum adds
    /// `f32(g_T(v)) FP_v(u)` in ascending `v` into its own accumulator, which is then
    /// added to `acc(u)`.
    fn start(&self, slot: usize, p: &[(u32, f64)], top: usize, ws: &mut Workspace) -> Partial {
        let d = self.damping;
        let reset = 1.0 - d;
        let threshold = self.config.threshold;
        let mut flow: Vec<(u32, f64)> = p.to_vec();
        flow.sort_unstable_by_key(|e| e.0);
        let mut steps = 0;
        let row_len = |m: &Csr, v: u32| m.row_range(v as usize).len();
        let mut dense = false;
        while steps < self.config.iterations && !flow.is_empty() {
            let push: usize = flow.iter().map(|&(u, _)| row_len(self.out, u)).sum();
            if push > self.strategy.dense_push_above {
                dense = true;
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
            flow = ws.take_next();
            flow.retain(|&(_, x)| x > 0.0 && x >= threshold);
            steps += 1;
        }
        // Fingerprint entries the sum reads (all of them once propagated densely).
        let sum_work = if dense {
            self.fingerprints.nnz()
        } else {
            flow.iter()
                .map(|&(v, _)| row_len(self.fingerprints, v))
                .sum()
        };
        if dense || sum_work > self.strategy.dense_sum_above {
            return Partial::Dense(Handover {
                slot,
                steps,
                flow,
                acc: ws.take_acc(),
                sum_work,
            });
        }
        let fp_values = self.fingerprints.weights().unwrap_or(&[]);
        for &(v, x) in &flow {
            let x = x as f32 as f64;
            let r = self.fingerprints.row_range(v as usize);
            let cols = &self.fingerprints.targets()[r.clone()];
            for (&u, &f) in cols.iter().zip(&fp_values[r]) {
                ws.add_next(u, x * f as f64);
            }
        }
        // acc(u) + (fingerprint sum)(u), in any order of u.
        let mut fp_sum = std::mem::take(&mut ws.next_list);
        for &u in &fp_sum {
            let i = u as usize;
            let x = std::mem::replace(&mut ws.next[i], 0.0);
            ws.next_seen[i] = false;
            ws.add_acc(u, x);
        }
        fp_sum.clear();
        ws.next_list = fp_sum;
        Partial::Done(self.finish_sparse(ws.take_acc(), top))
    }

    /// The dangling transform and top-k of a drop-PPR estimate given by ascending
    /// node (missing nodes are zeros). The mass is summed in node order.
    fn finish_sparse(&self, mut est: Vec<(u32, f64)>, top: usize) -> Vec<(u32, f64)> {
        let mass: f64 = est.iter().map(|e| e.1).sum();
        match &self.global {
            Some(g) => {
                let mut dense = self.uniform_base(g, mass);
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

    /// [`Shared::finish_sparse`] for a dense estimate (the same bits).
    pub(super) fn finish_dense(&self, mut est: Vec<f64>, top: usize) -> Vec<(u32, f64)> {
        let mass: f64 = est.iter().sum();
        match &self.global {
            Some(g) => {
                let mut dense = self.uniform_base(g, mass);
                for (y, x) in dense.iter_mut().zip(&est) {
                    if *x != 0.0 {
                        *y += x;
                    }
                }
                top_k(&dense, top)
            }
            None => {
                if mass > 0.0 {
                    for e in &mut est {
                        *e /= mass;
                    }
                }
                top_k(&est, top)
            }
        }
    }

    /// Uniform policy: `max(0, 1 - |pi_drop|_1) g`, to which `pi_drop` is added. The
    /// factor is clamped at 0 in case sampling noise pushes the mass above 1.
    fn uniform_base(&self, g: &[f64], mass: f64) -> Vec<f64> {
        let c = (1.0 - mass).max(0.0);
        g.iter().map(|&x| c * x).collect()
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
/// Evaluation (see the [module documentation](super)): the sparse path per source
/// in parallel, costing `O(sum_t sum_{u in supp g_t} outdeg(u) + sum_{v in supp g_T}
/// |FP_v|)`, and the dense block for sources whose flow spreads, in blocks of up to
/// 64 sources (fewer when `28 n` bytes per source would pass 512 MiB), with the
/// transposed index built once per batch when it is cheaper than scattering. The
/// answers are bit-identical for any number of threads and any batch.
///
/// Memory: `O(n)` per thread, plus the dense block (at most 512 MiB, or one source) and, when
/// used, the transposed index (as large as the index).
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
    query_batch_with(g, index, seeds, config, top_k, None)
}

/// [`query_batch`] with a given evaluation strategy (`None`: the default for the
/// graph's size); the strategy changes the speed, not the answers.
pub(super) fn query_batch_with(
    g: &Graph,
    index: &PowerWalkIndex,
    seeds: &[Seeds],
    config: &PowerWalkQueryConfig,
    top_k: usize,
    strategy: Option<Strategy>,
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
    let strategy =
        strategy.unwrap_or_else(|| Strategy::for_graph(n, g.out().nnz(), index.fingerprints.nnz()));
    let shared = Shared {
        n,
        out: g.out(),
        incoming: g.incoming(),
        inv_out: tr.inv_out,
        fingerprints: &index.fingerprints,
        fingerprints_t: OnceLock::new(),
        damping,
        config,
        global,
        strategy,
    };
    Ok(answer_all(&shared, seeds, top_k))
}

/// Whether the fingerprint sums of a block's handed-over sources are cheaper
/// through the transposed index (`b` reads of every entry, plus the transpose if
/// it is not built yet) than scattered (each source's expected entries).
fn use_pull(handed: &[Handover], entries: usize, transposed: bool) -> bool {
    let scatter: usize = handed.iter().map(|h| h.sum_work).sum::<usize>() * SCATTER_COST;
    let pull = handed.len() * entries
        + if transposed {
            0
        } else {
            TRANSPOSE_COST * entries
        };
    !handed.is_empty() && scatter > pull
}

/// Answers every seed set: in blocks of [`Strategy::block`] sources, the sparse path
/// in parallel over the sources, then the block's handed-over sources together.
fn answer_all(shared: &Shared, seeds: &[Seeds], top_k: usize) -> Vec<Vec<(u32, f64)>> {
    let mut answers: Vec<Vec<(u32, f64)>> = vec![Vec::new(); seeds.len()];
    let block = shared.strategy.block.max(1);
    for (b, chunk) in seeds.chunks(block).enumerate() {
        let partials: Vec<Partial> = chunk
            .par_iter()
            .enumerate()
            .map_init(
                || Workspace::new(shared.n),
                |ws, (i, s)| shared.start(b * block + i, s.entries(), top_k, ws),
            )
            .collect();
        let mut handed = Vec::new();
        for (i, p) in partials.into_iter().enumerate() {
            match p {
                Partial::Done(a) => answers[b * block + i] = a,
                Partial::Dense(h) => handed.push(h),
            }
        }
        let use_pull = shared.strategy.pull.unwrap_or_else(|| {
            use_pull(
                &handed,
                shared.fingerprints.nnz(),
                shared.fingerprints_t.get().is_some(),
            )
        });
        for (slot, a) in dense::finish_block(shared, handed, top_k, use_pull) {
            answers[slot] = a;
        }
    }
    answers
}
