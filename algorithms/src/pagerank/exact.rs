//! Exact PageRank and PPR in `f64`: conjugate gradients on undirected graphs (see
//! the `cg` module and [`Solver`]), power iteration elsewhere.
//!
//! One iteration for a block of `b` personalizations `p_1..p_b` (the columns of an
//! `n x b` row-major matrix `X`) is
//! `X' = d (X P + D q^T) + (1 - d) [p_1 .. p_b]`, where `X P` is one SpMM over the
//! in-CSR (pull, no atomics) and `D` holds each column's dangling mass. Thousands of
//! sources run as consecutive blocks sized to a memory budget. Reductions (dangling
//! mass, L1 change) are summed over fixed row chunks in a fixed order, so results are
//! bit-identical for any number of threads.

use super::cg::{self, Column};
use super::compact::Compacted;
use super::{Dangling, PageRankConfig, Seeds, Solver, Transition};
use crate::error::AlgorithmError;
use crate::topk;
use rayon::prelude::*;
use spargraph_engine::kernels::{spmm_into, spmv_into, Operator};
use spargraph_engine::pool::on_pool;
use spargraph_engine::Graph;

/// Rows per reduction chunk (fixed, so sums do not depend on the thread count).
const CHUNK: usize = 4096;

/// Result of one PageRank or PPR solve.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRankResult {
    /// Score of every node (sums to 1).
    pub scores: Vec<f64>,
    /// Iterations run (products with the graph).
    pub iterations: usize,
    /// L1 change of the last iteration (power iteration), or the L1 norm of the last
    /// residual, the change one power iteration would make (conjugate gradients).
    pub last_change: f64,
    /// Whether the error bound fell to the tolerance before the iteration cap.
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

/// What each column of a block is personalised to (global PageRank, with its
/// uniform personalization, runs in [`power_uniform`]).
enum Personalization<'a> {
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
    // Every iteration starts a few parallel loops.
    on_pool(|| pagerank_on_pool(g, config))
}

/// [`pagerank`], on a thread of rayon's pool.
fn pagerank_on_pool(g: &Graph, config: &PageRankConfig) -> Result<PageRankResult, AlgorithmError> {
    config.validate()?;
    let tr = Transition::new(g);
    if use_cg(g, &tr, config, true) {
        // Not on the graph without its isolated nodes (see the `compact` module): for
        // one column the copy costs what the shorter vectors save (R-MAT 16).
        return Ok(from_cg(solve_cg(g, &tr, &[Column::Uniform], config)));
    }
    let r = power_uniform(g, &tr, config);
    Ok(PageRankResult {
        converged: r.last_change <= config.change_limit(),
        scores: r.scores,
        iterations: r.iterations,
        last_change: r.last_change,
    })
}

/// The full PPR vector of one seed set.
pub fn personalized(
    g: &Graph,
    seeds: &Seeds,
    config: &PageRankConfig,
) -> Result<PageRankResult, AlgorithmError> {
    on_pool(|| personalized_on_pool(g, seeds, config))
}

/// [`personalized`], on a thread of rayon's pool.
fn personalized_on_pool(
    g: &Graph,
    seeds: &Seeds,
    config: &PageRankConfig,
) -> Result<PageRankResult, AlgorithmError> {
    config.validate()?;
    seeds.check(g.n_nodes())?;
    let tr = Transition::new(g);
    if use_cg(g, &tr, config, false) {
        let compact = Compacted::of(g, &tr);
        let solved = solve_cg_seeds(g, &tr, compact.as_ref(), &[seeds.entries()], config);
        return Ok(from_cg(solved));
    }
    let r = power_block(
        g,
        &tr,
        Personalization::Seeds(std::slice::from_ref(seeds)),
        1,
        config,
    )
    .remove(0);
    Ok(PageRankResult {
        converged: r.last_change <= config.change_limit(),
        scores: r.scores,
        iterations: r.iterations,
        last_change: r.last_change,
    })
}

/// Block size for `n` nodes within `memory_bytes` (40 bytes per node and column:
/// power iteration's four `n x b` f64 working blocks with the finished columns, or
/// conjugate gradients' three f64 and three f32 blocks, 36 bytes), capped at
/// `max_block` and at least 1.
pub fn block_size(n: usize, memory_bytes: usize, max_block: usize) -> usize {
    (memory_bytes / (40 * n.max(1))).clamp(1, max_block.max(1))
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
    let by_cg = use_cg(g, &tr, config, false);
    let compact = if by_cg { Compacted::of(g, &tr) } else { None };
    let mut out = Vec::with_capacity(seeds.len());
    for block in seeds.chunks(max_block.max(1)) {
        let b = block.len();
        let answers: Vec<PprAnswer> = if by_cg {
            let entries: Vec<&[(u32, f64)]> = block.iter().map(|s| s.entries()).collect();
            let solved = solve_cg_seeds(g, &tr, compact.as_ref(), &entries, config);
            solved
                .top_k(top_k)
                .into_iter()
                .enumerate()
                .map(|(j, entries)| PprAnswer {
                    entries,
                    iterations: solved.iterations[j],
                    last_change: solved.residual[j],
                })
                .collect()
        } else {
            let cols = power_block(g, &tr, Personalization::Seeds(block), b, config);
            cols.into_par_iter()
                .map(|c| PprAnswer {
                    entries: topk::top_k(&c.scores, top_k),
                    iterations: c.iterations,
                    last_change: c.last_change,
                })
                .collect()
        };
        out.extend(answers);
        on_block(out.len());
    }
    Ok(out)
}

/// Whether `config` and the graph let [`cg::solve`] run (see [`Solver::Auto`]).
fn use_cg(g: &Graph, tr: &Transition, config: &PageRankConfig, uniform: bool) -> bool {
    config.solver == Solver::Auto
        && cg::applies(g, config.dangling, uniform, || !tr.dangling.is_empty())
}

/// The method [`pagerank`] (`global = true`) or [`personalized`] / [`ppr_top_k`]
/// (`global = false`) runs on `g` with `config`: `"conjugate gradients"` or
/// `"power iteration"` (see [`Solver::Auto`]), for reports.
pub fn method_name(g: &Graph, config: &PageRankConfig, global: bool) -> &'static str {
    let has_dangling = || !Transition::new(g).dangling.is_empty();
    if config.solver == Solver::Auto && cg::applies(g, config.dangling, global, has_dangling) {
        "conjugate gradients"
    } else {
        "power iteration"
    }
}

/// Solves `cols` by [`cg::solve`] with `config`'s damping, stopping rule and cap.
///
/// Global PageRank (one uniform column) takes the Jacobi preconditioner and PPR the
/// two-term Neumann one ([`cg::Preconditioner`]), whatever the block width, so a
/// source's scores do not depend on the block it is solved in. Measured on the
/// anchor graphs (sbm100k, soc-Slashdot, R-MAT 16 and 20): Neumann takes 10-20 %
/// less time for a block of 64 sources and 8-13 % more for one column.
fn solve_cg(
    g: &Graph,
    tr: &Transition,
    cols: &[Column<'_>],
    config: &PageRankConfig,
) -> cg::CgBlock {
    let global = cols.iter().all(|c| matches!(c, Column::Uniform));
    let preconditioner = if global {
        cg::Preconditioner::Jacobi
    } else {
        cg::Preconditioner::Neumann
    };
    cg::solve(
        g,
        tr,
        cols,
        config.damping,
        config.residual_limit(),
        config.max_iterations,
        preconditioner,
    )
}

/// PPR of the seed sets `seeds` by [`solve_cg`], on `compact` (the graph without
/// its isolated nodes, see the `compact` module) when given, expanded to all of
/// `g`'s nodes.
fn solve_cg_seeds(
    g: &Graph,
    tr: &Transition,
    compact: Option<&Compacted>,
    seeds: &[&[(u32, f64)]],
    config: &PageRankConfig,
) -> cg::CgBlock {
    let Some(c) = compact else {
        let cols: Vec<Column<'_>> = seeds.iter().map(|s| Column::Seeds(s)).collect();
        return solve_cg(g, tr, &cols, config);
    };
    let (kept, isolated): (Vec<_>, Vec<_>) = seeds.iter().map(|s| c.split_seeds(s)).unzip();
    let cols: Vec<Column<'_>> = kept.iter().map(|s| Column::Seeds(s)).collect();
    solve_cg(&c.graph, &c.tr, &cols, config).expand(g, &c.pos, &isolated, config.damping)
}

/// The single column of a solved block as a [`PageRankResult`].
fn from_cg(r: cg::CgBlock) -> PageRankResult {
    PageRankResult {
        scores: r.column(0),
        iterations: r.iterations[0],
        last_change: r.residual[0],
        converged: r.converged[0],
    }
}

/// One column's outcome of [`power_block`].
struct ColumnResult {
    scores: Vec<f64>,
    iterations: usize,
    last_change: f64,
}

/// Global PageRank (uniform personalization): the same iteration as
/// [`power_block`] with one column, with the update, the L1 change and the next
/// pre-scaled input fused into one pass over the nodes.
fn power_uniform(g: &Graph, tr: &Transition, config: &PageRankConfig) -> ColumnResult {
    let n = g.n_nodes();
    let d = config.damping;
    let a = g.incoming();
    let op: Operator<f64> = Operator::with_scaling(None, None, false);
    let mut x = vec![1.0 / n as f64; n];
    let mut z: Vec<f64> = tr.inv_out.iter().map(|s| s * x[0]).collect();
    let mut y = vec![0f64; n];
    let mut iterations = 0;
    let mut change = f64::INFINITY;
    while iterations < config.max_iterations {
        iterations += 1;
        spmv_into(a, &op, &z, &mut y);
        let dm: f64 = tr.dangling.iter().map(|&u| x[u as usize]).sum();
        let add = (1.0 - d) / n as f64 + d * dm / n as f64;
        let partial: Vec<f64> = y
            .par_chunks_mut(CHUNK)
            .zip(z.par_chunks_mut(CHUNK))
            .zip(x.par_chunks(CHUNK))
            .zip(tr.inv_out.par_chunks(CHUNK))
            .map(|(((yc, zc), xc), sc)| {
                let mut ch = 0f64;
                for k in 0..yc.len() {
                    let v = d * yc[k] + add;
                    ch += (v - xc[k]).abs();
                    yc[k] = v;
                    zc[k] = v * sc[k];
                }
                ch
            })
            .collect();
        change = partial.iter().sum();
        std::mem::swap(&mut x, &mut y);
        if change <= config.change_limit() {
            break;
        }
    }
    ColumnResult {
        scores: x,
        iterations,
        last_change: change,
    }
}

/// Runs power iteration on a block of `b` personalizations. Each column stops on its
/// own (converged or at the iteration cap) and leaves the block, so a slow column
/// does not make the others iterate, and every column's arithmetic is the same as
/// if it ran alone. Each iteration pre-scales `Z = diag(1/o) X` once, so the SpMM
/// over the in-CSR gathers one value per stored entry.
fn power_block(
    g: &Graph,
    tr: &Transition,
    pers: Personalization<'_>,
    b: usize,
    config: &PageRankConfig,
) -> Vec<ColumnResult> {
    let n = g.n_nodes();
    let d = config.damping;
    let a = g.incoming();
    let op: Operator<f64> = Operator::with_scaling(None, None, false);
    let mut active: Vec<usize> = (0..b).collect();
    let mut x = vec![0f64; n * b];
    let Personalization::Seeds(all_seeds) = pers;
    for (j, seeds) in all_seeds.iter().enumerate() {
        for &(u, p) in seeds.entries() {
            x[u as usize * b + j] += p;
        }
    }
    let spread_uniform = matches!(config.dangling, Dangling::Uniform);
    let mut results: Vec<Option<ColumnResult>> = (0..b).map(|_| None).collect();
    let mut y = vec![0f64; n * b];
    let mut z = vec![0f64; n * b];
    let mut iterations = 0;
    while !active.is_empty() {
        iterations += 1;
        let ba = active.len();
        // Z = diag(1/o) X, then Y = A_in Z (= X P).
        z[..n * ba]
            .par_chunks_mut(CHUNK * ba)
            .zip(x[..n * ba].par_chunks(CHUNK * ba))
            .zip(tr.inv_out.par_chunks(CHUNK))
            .for_each(|((zc, xc), sc)| {
                for ((zr, xr), &s) in zc.chunks_mut(ba).zip(xc.chunks(ba)).zip(sc) {
                    for (zv, xv) in zr.iter_mut().zip(xr) {
                        *zv = s * xv;
                    }
                }
            });
        if ba == 1 {
            spmv_into(a, &op, &z[..n], &mut y[..n]);
        } else {
            spmm_into(a, &op, &z[..n * ba], ba, &mut y[..n * ba]);
        }
        // Dangling mass per column, summed in node order.
        let mut dm = vec![0f64; ba];
        for &u in &tr.dangling {
            let row = &x[u as usize * ba..u as usize * ba + ba];
            for (m, v) in dm.iter_mut().zip(row) {
                *m += v;
            }
        }
        let add_row: Vec<f64> = (0..ba)
            .map(|j| {
                if spread_uniform {
                    d * dm[j] / n as f64
                } else {
                    0.0
                }
            })
            .collect();
        y[..n * ba].par_chunks_mut(CHUNK * ba).for_each(|yc| {
            for row in yc.chunks_mut(ba) {
                for (v, add) in row.iter_mut().zip(&add_row) {
                    *v = d * *v + add;
                }
            }
        });
        for (j, &col) in active.iter().enumerate() {
            let back = if spread_uniform { 0.0 } else { d * dm[j] };
            for &(u, p) in all_seeds[col].entries() {
                y[u as usize * ba + j] += (1.0 - d) * p + back * p;
            }
        }
        let changes = l1_changes(&x[..n * ba], &y[..n * ba], ba);
        std::mem::swap(&mut x, &mut y);
        let finished: Vec<usize> = (0..ba)
            .filter(|&j| changes[j] <= config.change_limit() || iterations >= config.max_iterations)
            .collect();
        if finished.is_empty() {
            continue;
        }
        for &j in &finished {
            results[active[j]] = Some(ColumnResult {
                scores: (0..n).map(|v| x[v * ba + j]).collect(),
                iterations,
                last_change: changes[j],
            });
        }
        // Repack the columns still running.
        let keep: Vec<usize> = (0..ba).filter(|j| !finished.contains(j)).collect();
        let nb = keep.len();
        if nb > 0 {
            y[..n * nb]
                .par_chunks_mut(nb)
                .zip(x[..n * ba].par_chunks(ba))
                .for_each(|(yr, xr)| {
                    for (k, &j) in keep.iter().enumerate() {
                        yr[k] = xr[j];
                    }
                });
            std::mem::swap(&mut x, &mut y);
        }
        active = keep.iter().map(|&j| active[j]).collect();
    }
    results
        .into_iter()
        .map(|r| r.expect("every column finishes"))
        .collect()
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
