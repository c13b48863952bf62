//! The dense half of a PowerWalk query: the sources whose flow has spread over a
//! large share of the graph finish together, as columns of an `n x b` block.
//!
//! Each step is the sparse path's arithmetic, written as block passes:
//! `acc += (1 - d) X`, `X <- d X / o` (row scaling), `X <- A_in X` (the pull form of
//! pushing along out-edges: row `v` of the in-CSR lists its in-neighbours `u` in
//! ascending order, the order in which the sparse path's pushes reach `v`), then
//! entries below the threshold set to zero. The fingerprint sum
//! `sum_v g_T(v) FP_v` is `FP^T G` with `G` the flow rounded to `f32`, taken either
//! through the transposed index ([`spmm_range_f32_to_f64`], one read of the index for
//! the whole block) or by scattering each column's rows of `FP` in ascending `v`.
//! Every value is the same sequence of `f64` operations as on the sparse path
//! (missing terms are exact zeros), so a source's answer does not depend on the path
//! that computed it, on the block it shared, or on the number of threads.

use super::query::Shared;
use rayon::prelude::*;
use spargraph_engine::kernels::{spmm_range, spmm_range_f32_to_f64, Normalization, Operator};
use spargraph_engine::partition::{balanced_ranges, default_parts, split_rows_mut};
use spargraph_engine::Csr;

/// A source handed over from the sparse path after `steps` decomposition steps:
/// its flow `g_steps` (ascending nodes) and its exact part so far (any order).
pub(super) struct Handover {
    /// Position of the source in the batch.
    pub slot: usize,
    pub steps: u32,
    pub flow: Vec<(u32, f64)>,
    pub acc: Vec<(u32, f64)>,
    /// Fingerprint entries its sum reads when scattered (all of them if its flow
    /// is propagated in the block).
    pub sum_work: usize,
}

/// Bytes of block memory per node and column: flow, next flow and exact part in
/// `f64`, the rounded flow in `f32`.
pub(super) const BYTES_PER_NODE_AND_COLUMN: usize = 28;

/// Finishes the handed-over sources of one block; returns `(slot, answer)`.
pub(super) fn finish_block(
    shared: &Shared,
    cols: Vec<Handover>,
    top_k: usize,
    use_pull: bool,
) -> Vec<(usize, Vec<(u32, f64)>)> {
    let n = shared.n;
    let b = cols.len();
    if b == 0 {
        return Vec::new();
    }
    let t_max = shared.config.iterations;
    let (d, reset, threshold) = (
        shared.damping,
        1.0 - shared.damping,
        shared.config.threshold,
    );
    let mut acc = vec![0f64; n * b];
    let mut x = vec![0f64; n * b];
    let mut next = vec![0f64; n * b];
    for (j, c) in cols.iter().enumerate() {
        for &(u, v) in &c.acc {
            acc[u as usize * b + j] = v;
        }
    }
    let remaining = |c: &Handover| t_max.saturating_sub(c.steps);
    let dense_steps = cols.iter().map(remaining).max().unwrap_or(0);
    let join = |x: &mut [f64], k: u32| {
        for (j, c) in cols.iter().enumerate() {
            if dense_steps - remaining(c) == k {
                for &(u, v) in &c.flow {
                    x[u as usize * b + j] = v;
                }
            }
        }
    };
    let a_in = shared.incoming;
    let op = Operator::<f64>::new(a_in, Normalization::None, false);
    let parts = balanced_ranges(a_in.offsets(), default_parts(n), 2);
    for k in 0..dense_steps {
        // A column joins when it has exactly the remaining steps left.
        join(&mut x, k);
        x.par_chunks_mut(b)
            .zip(acc.par_chunks_mut(b))
            .zip(shared.inv_out.par_iter())
            .for_each(|((xr, ar), &inv)| {
                for (xv, av) in xr.iter_mut().zip(ar) {
                    *av += reset * *xv;
                    *xv = d * *xv * inv;
                }
            });
        {
            let slices = split_rows_mut(&mut next, &parts, b);
            parts
                .par_iter()
                .zip(slices)
                .for_each(|(r, ys)| spmm_range(a_in, &op, r.clone(), &x, b, ys));
        }
        x.par_iter_mut().zip(&next).for_each(|(xv, &nv)| {
            *xv = if nv > 0.0 && nv >= threshold { nv } else { 0.0 };
        });
    }
    join(&mut x, dense_steps);
    drop(next);
    let g32: Vec<f32> = x.par_iter().map(|&v| v as f32).collect();
    drop(x);
    // The fingerprint sum, column by column in row-major n x b.
    let fp_sum: Vec<f64> = if use_pull {
        let fp_t = shared.transposed_fingerprints();
        let parts = balanced_ranges(fp_t.offsets(), default_parts(n), 2);
        let mut y = vec![0f64; n * b];
        let slices = split_rows_mut(&mut y, &parts, b);
        parts
            .par_iter()
            .zip(slices)
            .for_each(|(r, ys)| spmm_range_f32_to_f64(fp_t, r.clone(), &g32, b, ys));
        y
    } else {
        let per_col: Vec<Vec<f64>> = cols
            .par_iter()
            .enumerate()
            .map(|(j, c)| {
                if remaining(c) == 0 {
                    scatter_list(shared.fingerprints, &c.flow)
                } else {
                    scatter_column(shared.fingerprints, &g32, b, j)
                }
            })
            .collect();
        let mut y = vec![0f64; n * b];
        for (j, col) in per_col.iter().enumerate() {
            for (u, &v) in col.iter().enumerate() {
                y[u * b + j] = v;
            }
        }
        y
    };
    cols.par_iter()
        .enumerate()
        .map(|(j, c)| {
            let est: Vec<f64> = (0..n).map(|u| acc[u * b + j] + fp_sum[u * b + j]).collect();
            (c.slot, shared.finish_dense(est, top_k))
        })
        .collect()
}

/// `sum_v g(v) FP_v` for a flow given as entries by ascending `v` (each rounded to
/// `f32`, as in the block).
fn scatter_list(fp: &Csr, flow: &[(u32, f64)]) -> Vec<f64> {
    let mut out = vec![0f64; fp.n_rows()];
    let values = fp.weights().unwrap_or(&[]);
    for &(v, x) in flow {
        let x = x as f32;
        let r = fp.row_range(v as usize);
        for (&u, &f) in fp.targets()[r.clone()].iter().zip(&values[r]) {
            out[u as usize] += f as f64 * x as f64;
        }
    }
    out
}

/// `sum_v g(v) FP_v` for column `j` of the rounded flow block: its non-zero
/// entries, by ascending `v`, through [`scatter_list`].
fn scatter_column(fp: &Csr, g32: &[f32], b: usize, j: usize) -> Vec<f64> {
    let flow: Vec<(u32, f64)> = (0..fp.n_rows())
        .filter_map(|v| {
            let x = g32[v * b + j];
            (x != 0.0).then_some((v as u32, x as f64))
        })
        .collect();
    scatter_list(fp, &flow)
}
