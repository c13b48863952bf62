//! Forward push (Andersen, Chung, Lang, FOCS 2006) with a sweep phase for high
//! accuracy (PowerPush, Wu et al., SIGMOD 2021).
//!
//! Invariant: `pi = p_hat + sum_u r(u) pi_u` where `pi_u` is the PPR of `e_u` under
//! the same dangling policy, so `||pi - p_hat||_1 <= ||r||_1`: the residual sum is a
//! certified bound on the L1 error, reported with every answer.
//! Pushing `u`: `p_hat(u) += (1 - d) r(u)`; `d r(u) w(u,v) / o(u)` goes to each
//! out-neighbour `v`; at a dangling `u`, `d r(u)` goes back to the seeds (`Source`
//! and `Personalization`) or is spread uniformly (`Uniform`, handled exactly through
//! the global PageRank: `pi = pi_drop + (1 - |pi_drop|) g`).
//! Phase 1 pops a FIFO queue of nodes with `r(u) > r_max o_deg(u)`; when the queue
//! holds more than `n / 4` nodes, or when an L1 target is set, it switches to sweeps
//! over all nodes in id order, which are cache-friendly and run until no node
//! qualifies (or the residual sum reaches the target).

use super::{exact, Dangling, PageRankConfig, Seeds};
use crate::error::{check_positive, AlgorithmError};
use crate::topk;
use rayon::prelude::*;
use spargraph_engine::Graph;
use std::collections::VecDeque;

/// Options of push-based PPR.
#[derive(Clone, Debug, PartialEq)]
pub struct PushConfig {
    /// Damping and dangling policy (tolerance and max_iterations are not used).
    pub pagerank: PageRankConfig,
    /// Push `u` while `r(u) > r_max * max(outdeg(u), 1)`. Default (`None`):
    /// `1e-4 / (nnz + n)`, which bounds the final residual, hence the L1 error, by
    /// about 1e-4 on any graph.
    pub r_max: Option<f64>,
    /// High-accuracy mode: keep sweeping until the residual sum is at most this.
    pub l1_target: Option<f64>,
}

impl Default for PushConfig {
    fn default() -> Self {
        PushConfig {
            pagerank: PageRankConfig::ppr_default(),
            r_max: None,
            l1_target: None,
        }
    }
}

/// One push answer: top scores and the certified L1 error bound.
#[derive(Clone, Debug, PartialEq)]
pub struct PushAnswer {
    /// `(node, score)`, by descending score then ascending node.
    pub entries: Vec<(u32, f64)>,
    /// `||r||_1` at the end: the L1 distance to the exact PPR is at most this.
    pub residual_l1: f64,
    /// Number of push operations.
    pub pushes: u64,
}

/// Push-based PPR for many seed sets in parallel (each computed sequentially, so
/// the result does not depend on the thread count).
pub fn ppr_push(
    g: &Graph,
    seeds: &[Seeds],
    config: &PushConfig,
    top_k: usize,
) -> Result<Vec<PushAnswer>, AlgorithmError> {
    let pr = &config.pagerank;
    pr.validate()?;
    let r_max = config
        .r_max
        .unwrap_or(1e-4 / (g.out().nnz() + g.n_nodes()).max(1) as f64);
    check_positive("push-threshold", r_max)?;
    let config = &PushConfig {
        r_max: Some(r_max),
        ..config.clone()
    };
    if let Some(t) = config.l1_target {
        check_positive("push-l1", t)?;
    }
    for s in seeds {
        s.check(g.n_nodes())?;
    }
    let global = if pr.dangling == Dangling::Uniform {
        Some(
            exact::pagerank(
                g,
                &PageRankConfig {
                    tolerance: 1e-13,
                    ..pr.clone()
                },
            )?
            .scores,
        )
    } else {
        None
    };
    Ok(seeds
        .par_iter()
        .map(|s| push_one(g, s, config, global.as_deref(), top_k))
        .collect())
}

fn push_one(
    g: &Graph,
    seeds: &Seeds,
    config: &PushConfig,
    global: Option<&[f64]>,
    top_k: usize,
) -> PushAnswer {
    let n = g.n_nodes();
    let d = config.pagerank.damping;
    let out = g.out();
    let mut p = vec![0f64; n];
    let mut r = vec![0f64; n];
    let mut queued = vec![false; n];
    let mut queue = VecDeque::new();
    let r_max = config.r_max.unwrap_or(1e-7);
    let thr = |u: usize| r_max * (out.row_len(u).max(1) as f64);
    for &(u, w) in seeds.entries() {
        r[u as usize] += w;
    }
    for &(u, _) in seeds.entries() {
        if r[u as usize] > thr(u as usize) && !queued[u as usize] {
            queued[u as usize] = true;
            queue.push_back(u);
        }
    }
    let to_seeds = global.is_none();
    // `lost` collects mass at dangling nodes when the policy is Uniform (the drop
    // chain); it is resolved exactly at the end.
    let mut lost = 0f64;
    let mut pushes = 0u64;
    let push = |u: usize,
                r: &mut [f64],
                p: &mut [f64],
                lost: &mut f64,
                wake: &mut dyn FnMut(usize, &[f64])| {
        let ru = r[u];
        r[u] = 0.0;
        p[u] += (1.0 - d) * ru;
        let row = out.row(u);
        let total: f64 = match out.row_weights(u) {
            None => row.len() as f64,
            Some(w) => w.iter().map(|&x| x as f64).sum(),
        };
        if total <= 0.0 {
            // No out-edge, or only zero-weight ones: a dangling node.
            if to_seeds {
                for &(s, w) in seeds.entries() {
                    r[s as usize] += d * ru * w;
                    wake(s as usize, r);
                }
            } else {
                *lost += d * ru;
            }
            return;
        }
        match out.row_weights(u) {
            None => {
                let share = d * ru / row.len() as f64;
                for &v in row {
                    r[v as usize] += share;
                    wake(v as usize, r);
                }
            }
            Some(w) => {
                for (&v, &x) in row.iter().zip(w) {
                    r[v as usize] += d * ru * x as f64 / total;
                    wake(v as usize, r);
                }
            }
        }
    };
    let sweep_mode = config.l1_target.is_some();
    while let Some(u) = queue.pop_front() {
        let u = u as usize;
        queued[u] = false;
        if r[u] <= thr(u) {
            continue;
        }
        pushes += 1;
        let mut wake = |v: usize, r: &[f64]| {
            if !queued[v] && r[v] > thr(v) {
                queued[v] = true;
                queue.push_back(v as u32);
            }
        };
        push(u, &mut r, &mut p, &mut lost, &mut wake);
        if queue.len() > n / 4 {
            break;
        }
    }
    if !queue.is_empty() || sweep_mode {
        let target = config.l1_target.unwrap_or(0.0);
        loop {
            let mut any = false;
            for u in 0..n {
                if r[u] > thr(u) || (sweep_mode && r[u] > 0.0 && r[u] > target / n as f64) {
                    any = true;
                    pushes += 1;
                    push(u, &mut r, &mut p, &mut lost, &mut |_, _| {});
                }
            }
            let residual: f64 = r.iter().sum();
            if !any || (sweep_mode && residual <= target) {
                break;
            }
        }
    }
    let residual: f64 = r.iter().sum();
    if let Some(gv) = global {
        // Uniform policy: pi = pi_drop + (1 - |pi_drop|) g. Mass is conserved
        // (|p| + |r| + lost = 1), and using `lost` for 1 - |pi_drop| leaves an error
        // of sum_u r(u) pi(e_u), so the L1 bound stays ||r||_1.
        for (pv, gv) in p.iter_mut().zip(gv) {
            *pv += lost * gv;
        }
    }
    PushAnswer {
        entries: topk::top_k(&p, top_k),
        residual_l1: residual,
        pushes,
    }
}
