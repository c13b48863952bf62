//! The offline index: `R` random walks from every node.

use super::{graph_fingerprint, PowerWalkIndex, PowerWalkIndexConfig};
use crate::error::AlgorithmError;
use crate::pagerank::Transition;
use rayon::prelude::*;
use spargraph_engine::rng::Xoshiro256PlusPlus;
use spargraph_engine::{Csr, Graph};
use std::time::Instant;

/// Nodes per parallel task (fixed; rows never depend on how tasks are scheduled).
const NODES_PER_TASK: usize = 64;

/// How a walk picks its next node.
struct Stepper<'a> {
    out: &'a Csr,
    /// `true` for nodes with zero out-weight (the walk is lost there).
    dangling: Vec<bool>,
    /// Weighted graphs: per stored edge, the cumulative weight of its row up to and
    /// including it (in `f64`, summed in CSR order).
    cumulative: Option<Vec<f64>>,
}

impl<'a> Stepper<'a> {
    fn new(g: &'a Graph) -> Self {
        let out = g.out();
        let tr = Transition::new(g);
        let mut dangling = vec![false; g.n_nodes()];
        for &u in &tr.dangling {
            dangling[u as usize] = true;
        }
        let cumulative = out.weights().map(|w| {
            let mut c = vec![0f64; w.len()];
            let off = out.offsets();
            // Rows in parallel, each summed sequentially: deterministic.
            let mut rows: Vec<&mut [f64]> = Vec::with_capacity(out.n_rows());
            let mut rest: &mut [f64] = &mut c;
            for r in 0..out.n_rows() {
                let (head, tail) = rest.split_at_mut((off[r + 1] - off[r]) as usize);
                rows.push(head);
                rest = tail;
            }
            rows.into_par_iter().enumerate().for_each(|(r, dst)| {
                let mut s = 0f64;
                for (k, x) in out.row_weights(r).unwrap().iter().enumerate() {
                    s += *x as f64;
                    dst[k] = s;
                }
            });
            c
        });
        Stepper {
            out,
            dangling,
            cumulative,
        }
    }

    /// The next node from the non-dangling node `u`.
    #[inline]
    fn step(&self, u: usize, rng: &mut Xoshiro256PlusPlus) -> u32 {
        let r = self.out.row_range(u);
        let row = &self.out.targets()[r.clone()];
        match &self.cumulative {
            None => row[rng.gen_range(row.len() as u64) as usize],
            Some(c) => {
                let c = &c[r];
                let total = c[c.len() - 1];
                let x = rng.next_f64() * total;
                // First edge whose cumulative weight exceeds x: probability w / o;
                // zero-weight edges are never chosen.
                let k = c.partition_point(|&s| s <= x).min(c.len() - 1);
                row[k]
            }
        }
    }
}

/// Builds the PowerWalk index of `g`: for every node `v`, `R` walks seeded with
/// stream `v` of `config.seed`; a walk starts at `v` (a visit), continues with
/// probability `d` per step (its length is drawn up front, Geometric with
/// `P(L >= k) = d^k`, cut at `max_length`), is lost at a dangling node, and moves
/// to an out-neighbour with probability `w / o` (uniform when unweighted; weighted:
/// binary search in per-row cumulative weights built once), counting a visit at
/// each node reached. Row `v` of the result holds
/// `FP_v(u) = visits_v(u) (1 - d) / R >= prune` as `f32`.
///
/// Rows are computed in parallel (rayon, fixed tasks of 64 nodes) and each depends
/// only on `(seed, v)`, so the index is bit-identical for any number of threads.
/// Time: `O(n R / (1 - d))` walk steps in expectation; the index holds at most
/// `n R (1 + max_length)` entries and `n R / (1 - d)` in expectation (fewer when
/// walks revisit nodes), 8 bytes each.
///
/// Errors: [`AlgorithmError::InvalidOption`] from [`PowerWalkIndexConfig::validate`].
pub fn build_index(
    g: &Graph,
    config: &PowerWalkIndexConfig,
) -> Result<PowerWalkIndex, AlgorithmError> {
    config.validate()?;
    let start = Instant::now();
    let n = g.n_nodes();
    let stepper = Stepper::new(g);
    let ln_d = config.damping.ln();
    let scale = (1.0 - config.damping) / config.walks as f64;
    let max_len = u64::from(config.max_length);
    let n_tasks = n.div_ceil(NODES_PER_TASK);

    struct Rows {
        lens: Vec<u64>,
        targets: Vec<u32>,
        values: Vec<f32>,
    }

    let parts: Vec<Rows> = (0..n_tasks)
        .into_par_iter()
        .map(|task| {
            let lo = task * NODES_PER_TASK;
            let hi = (lo + NODES_PER_TASK).min(n);
            let mut out = Rows {
                lens: Vec::with_capacity(hi - lo),
                targets: Vec::new(),
                values: Vec::new(),
            };
            let mut visits: Vec<u32> = Vec::new();
            for v in lo..hi {
                visits.clear();
                let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(config.seed, v as u64);
                for _ in 0..config.walks {
                    let len = rng.geometric_ln(ln_d).min(max_len);
                    let mut u = v;
                    visits.push(u as u32);
                    for _ in 0..len {
                        if stepper.dangling[u] {
                            break;
                        }
                        u = stepper.step(u, &mut rng) as usize;
                        visits.push(u as u32);
                    }
                }
                visits.sort_unstable();
                let before = out.targets.len();
                let mut i = 0;
                while i < visits.len() {
                    let t = visits[i];
                    let mut j = i + 1;
                    while j < visits.len() && visits[j] == t {
                        j += 1;
                    }
                    let value = (j - i) as f64 * scale;
                    if value >= config.prune {
                        out.targets.push(t);
                        out.values.push(value as f32);
                    }
                    i = j;
                }
                out.lens.push((out.targets.len() - before) as u64);
            }
            out
        })
        .collect();

    let nnz: usize = parts.iter().map(|p| p.targets.len()).sum();
    let mut offsets = Vec::with_capacity(n + 1);
    let mut targets = Vec::with_capacity(nnz);
    let mut values = Vec::with_capacity(nnz);
    offsets.push(0u64);
    let mut acc = 0u64;
    for p in parts {
        for l in p.lens {
            acc += l;
            offsets.push(acc);
        }
        targets.extend_from_slice(&p.targets);
        values.extend_from_slice(&p.values);
    }
    let fingerprints = Csr::from_parts(n, offsets, targets, Some(values))
        .map_err(|e| AlgorithmError::Mismatch(format!("internal: invalid fingerprints: {e}")))?;
    let graph_fingerprint = graph_fingerprint(g);
    Ok(PowerWalkIndex {
        config: config.clone(),
        graph_fingerprint,
        fingerprints,
        build_seconds: start.elapsed().as_secs_f64(),
    })
}
