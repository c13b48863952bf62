//! Exact PageRank and PPR by power iteration in `f64`.
//!
//! One iteration for a block of `b` personalizations `p_1..p_b` (the columns of an
//! `n x b` row-major matrix `X`) is
//! `X' = d (X P + D q^T) + (1 - d) [p_1 .. p_b]`, where `X P` is one SpMM over the
//! in-CSR (pull, no atomics) and `D` holds each column's dangling mass. Thousands of
//! sources run as consecutive blocks sized to a memory budget. Reductions (dangling
//! mass, L1 change) are summed over fixed row chunks in a fixed order, so results are
//! bit-identical for any number of threads.

use super::{Dangling, PageRankConfig, Seeds, Transition};
use crate::error::AlgorithmError;
use crate::topk::top_k_sparse;
use rayon::prelude::*;
use spargraph_engine::kernels::{spmm_into, spmv_into, Operator};
use spargraph_engine::Graph;

/// Rows per reduction chunk (fixed, so sums do not depend on the thread count).
const CHUNK: usize = 4096;

/// Result of a single power iteration run.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRankResult {
    /// Score of every node (sums to 1).
    pub scores: Vec<f64>,
    /// Iterations run.
    pub iterations: usize,
    /// L1 change of the last iteration.
    pub last_change: f64,
    /// Whether the change fell to the tolerance before the iteration cap.
    pub converged: bool,
}

/// Top scores of one PPR query.
#[derive(Clone, Debug, PartialEq)]
pub struct PprAnswer {
    /// `(node, score)`, by descending score then ascending node.
    pub entries: Vec<(u32, f64)>,
    /// Iterations run for the block the query was in.
    pub iterations: usize,
    /// L1 change of the query's column in the last iteration.
    pub last_change: f64,
}

/// What each column of a block is personalised to.
enum Personalization<'a> {
    Uniform,
    Seeds(&'a [Seeds]),
}

/// Global PageRank with a uniform personalization.
///
/// ```
/// use spargraph_algorithms::pagerank::{exact::pagerank, PageRankConfig};
/// use spargraph_engine::builder::{build_graph, BuildOptions};
/// // A directed 3-cycle: every node gets 1/3.
/// let g = build_graph(3, &[0, 1, 2], &[1, 2, 0], None, &BuildOptions::directed()).unwrap();
/// let r = pagerank(&g, &PageRankConfig::default()).unwrap();
/// assert!(r.scores.iter().all(|s| (s - 1.0 / 3.0).abs() < 1e-12));
/// ```
pub fn pagerank(g: &Graph, config: &PageRankConfig) -> Result<PageRankResult, AlgorithmError> {
    config.validate()?;
    let tr = Transition::new(g);
    let (x, iterations, changes) = power_block(g, &tr, Personalization::Uniform, 1, config);
    Ok(PageRankResult {
        scores: x,
        iterations,
        last_change: changes[0],
        converged: changes[0] <= config.tolerance,
    })
}

/// The full PPR vector of one seed set.
pub fn personalized(
    g: &Graph,
    seeds: &Seeds,
    config: &PageRankConfig,
) -> Result<PageRankResult, AlgorithmError> {
    config.validate()?;
    seeds.check(g.n_nodes())?;
    let tr = Transition::new(g);
    let (x, iterations, changes) = power_block(
        g,
        &tr,
        Personalization::Seeds(std::slice::from_ref(seeds)),
        1,
        config,
    );
    Ok(PageRankResult {
        scores: x,
        iterations,
        last_change: changes[0],
        converged: changes[0] <= config.tolerance,
    })
}

/// Block size for `n` nodes within `memory_bytes` (two `n x b` f64 blocks), capped
/// at `max_block` and at least 1.
pub fn block_size(n: usize, memory_bytes: usize, max_block: usize) -> usize {
    (memory_bytes / (16 * n.max(1))).clamp(1, max_block.max(1))
}

/// Top-`k` PPR of many seed sets (`k = 0`: every positive score), computed as blocks
/// of at most `max_block` columns. Answers come in the order of `seeds`.
pub fn ppr_top_k(
    g: &Graph,
    seeds: &[Seeds],
    config: &PageRankConfig,
    top_k: usize,
    max_block: usize,
    mut on_block: impl FnMut(usize),
) -> Result<Vec<PprAnswer>, AlgorithmError> {
    config.validate()?;
    for s in seeds {
        s.check(g.n_nodes())?;
    }
    let tr = Transition::new(g);
    let n = g.n_nodes();
    let mut out = Vec::with_capacity(seeds.len());
    for block in seeds.chunks(max_block.max(1)) {
        let b = block.len();
        let (x, iterations, changes) =
            power_block(g, &tr, Personalization::Seeds(block), b, config);
        let answers: Vec<PprAnswer> = (0..b)
            .into_par_iter()
            .map(|j| {
                let col: Vec<(u32, f64)> = (0..n)
                    .map(|v| (v as u32, x[v * b + j]))
                    .filter(|e| e.1 > 0.0)
                    .collect();
                PprAnswer {
                    entries: top_k_sparse(col, top_k),
                    iterations,
                    last_change: changes[j],
                }
            })
            .collect();
        out.extend(answers);
        on_block(out.len());
    }
    Ok(out)
}

/// Runs power iteration on a block; returns (row-major n x b scores, iterations,
/// last L1 change per column).
fn power_block(
    g: &Graph,
    tr: &Transition,
    pers: Personalization<'_>,
    b: usize,
    config: &PageRankConfig,
) -> (Vec<f64>, usize, Vec<f64>) {
    let n = g.n_nodes();
    let d = config.damping;
    let a = g.incoming();
    let op: Operator<f64> = tr.operator();
    // Start from the personalization.
    let mut x = vec![0f64; n * b];
    match &pers {
        Personalization::Uniform => x.iter_mut().for_each(|v| *v = 1.0 / n as f64),
        Personalization::Seeds(s) => {
            for (j, seeds) in s.iter().enumerate() {
                for &(u, p) in seeds.entries() {
                    x[u as usize * b + j] += p;
                }
            }
        }
    }
    let mut y = vec![0f64; n * b];
    let mut changes = vec![f64::INFINITY; b];
    let mut done = vec![false; b];
    let mut col_iterations = vec![0usize; b];
    let mut iterations = 0;
    let uniform_base = match pers {
        Personalization::Uniform => (1.0 - d) / n as f64,
        Personalization::Seeds(_) => 0.0,
    };
    while iterations < config.max_iterations {
        iterations += 1;
        if b == 1 {
            spmv_into(a, &op, &x, &mut y);
        } else {
            spmm_into(a, &op, &x, b, &mut y);
        }
        // Dangling mass per column, summed in node order.
        let mut dm = vec![0f64; b];
        for &u in &tr.dangling {
            let row = &x[u as usize * b..u as usize * b + b];
            for (m, v) in dm.iter_mut().zip(row) {
                *m += v;
            }
        }
        // Where dangling mass goes: uniformly, or back to the personalization.
        let spread_uniform = matches!(config.dangling, Dangling::Uniform)
            || matches!(pers, Personalization::Uniform);
        let add_row: Vec<f64> = (0..b)
            .map(|j| {
                uniform_base
                    + if spread_uniform {
                        d * dm[j] / n as f64
                    } else {
                        0.0
                    }
            })
            .collect();
        y.par_chunks_mut(b).for_each(|row| {
            for (v, add) in row.iter_mut().zip(&add_row) {
                *v = d * *v + add;
            }
        });
        if let Personalization::Seeds(s) = &pers {
            for (j, seeds) in s.iter().enumerate() {
                let back = if spread_uniform { 0.0 } else { d * dm[j] };
                for &(u, p) in seeds.entries() {
                    y[u as usize * b + j] += (1.0 - d) * p + back * p;
                }
            }
        }
        let new_changes = l1_changes(&x, &y, b);
        // Columns that had converged keep their values, so every column ends exactly
        // where it would end alone (answers do not depend on the block size).
        if done.iter().any(|&f| f) {
            y.par_chunks_mut(b)
                .zip(x.par_chunks(b))
                .for_each(|(yr, xr)| {
                    for j in 0..b {
                        if done[j] {
                            yr[j] = xr[j];
                        }
                    }
                });
        }
        for j in 0..b {
            if !done[j] {
                changes[j] = new_changes[j];
                col_iterations[j] = iterations;
                done[j] = changes[j] <= config.tolerance;
            }
        }
        std::mem::swap(&mut x, &mut y);
        if done.iter().all(|&f| f) {
            break;
        }
    }
    (x, col_iterations.into_iter().max().unwrap_or(0), changes)
}

/// Per-column L1 distance of two row-major blocks, summed over fixed row chunks in
/// a fixed order.
fn l1_changes(x: &[f64], y: &[f64], b: usize) -> Vec<f64> {
    let partial: Vec<Vec<f64>> = x
        .par_chunks(CHUNK * b)
        .zip(y.par_chunks(CHUNK * b))
        .map(|(xc, yc)| {
            let mut s = vec![0f64; b];
            for (xr, yr) in xc.chunks(b).zip(yc.chunks(b)) {
                for j in 0..b {
                    s[j] += (xr[j] - yr[j]).abs();
                }
            }
            s
        })
        .collect();
    let mut total = vec![0f64; b];
    for p in partial {
        for j in 0..b {
            total[j] += p[j];
        }
    }
    total
}
