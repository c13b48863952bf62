//! Sparse matrix times dense row-major matrix.

use super::operator::{Normalization, Operator};
use super::scalar::Real;
use crate::csr::Csr;
use crate::partition::{balanced_ranges, default_parts, split_rows_mut};
use rayon::prelude::*;
use std::ops::Range;

/// Computes rows `rows` of `Y = L (A + sI) R X` into `y`, where `X` is dense
/// row-major `a.n_cols() x d` and `y` holds `rows.len() x d` values.
///
/// Each output row is accumulated in CSR order by one sequential loop, so results
/// do not depend on the partition. On x86-64 with AVX2 and FMA the same loop is
/// compiled for those instructions and chosen at run time.
pub fn spmm_range<T: Real>(
    a: &Csr,
    op: &Operator<T>,
    rows: Range<usize>,
    x: &[T],
    d: usize,
    y: &mut [T],
) {
    check_shapes(a, &rows, x.len(), d, y.len());
    if d == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if d >= 128 && std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports the enabled features.
            unsafe { spmm_range_avx512(a, op, rows, x, d, y) };
            return;
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports the enabled features.
            unsafe { spmm_range_avx2(a, op, rows, x, d, y) };
            return;
        }
    }
    spmm_range_body::<T, false>(a, op, rows, x, d, y)
}

/// Panics unless `x` holds `n_cols x d` values, `y` holds `rows x d` and `rows` is
/// within the matrix.
pub(super) fn check_shapes(a: &Csr, rows: &Range<usize>, x_len: usize, d: usize, y_len: usize) {
    assert_eq!(x_len, a.n_cols() * d, "spmm: input is not n_cols x d");
    assert_eq!(y_len, rows.len() * d, "spmm: output is not rows x d");
    assert!(rows.end <= a.n_rows(), "spmm: row range out of bounds");
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn spmm_range_avx2<T: Real>(
    a: &Csr,
    op: &Operator<T>,
    rows: Range<usize>,
    x: &[T],
    d: usize,
    y: &mut [T],
) {
    spmm_range_body::<T, false>(a, op, rows, x, d, y)
}

/// The same loop with 512-bit registers: tiles twice as wide, so a row of 128
/// `f32` columns walks its entries once instead of twice. Each output value is the
/// same sequential sum (no fused multiply-add is introduced), so results are
/// bit-identical to the AVX2 and portable kernels.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn spmm_range_avx512<T: Real>(
    a: &Csr,
    op: &Operator<T>,
    rows: Range<usize>,
    x: &[T],
    d: usize,
    y: &mut [T],
) {
    spmm_range_body::<T, true>(a, op, rows, x, d, y)
}

/// `acc += s * xr`, elementwise.
#[inline(always)]
fn axpy<T: Real>(acc: &mut [T], s: T, xr: &[T]) {
    for (a, &v) in acc.iter_mut().zip(xr) {
        *a += s * v;
    }
}

/// `acc += xr`, elementwise.
#[inline(always)]
fn add<T: Real>(acc: &mut [T], xr: &[T]) {
    for (a, &v) in acc.iter_mut().zip(xr) {
        *a += v;
    }
}

/// Gathers of X rows are random accesses: prefetches the row that entry
/// `k + PREFETCH_AHEAD` of `cols` needs, so its cache lines arrive in time. `cols`
/// runs from the current row's first entry to the end of the row range.
#[inline(always)]
fn prefetch_ahead<T: Real>(cols: &[u32], k: usize, x: &[T], d: usize) {
    if let Some(&j) = cols.get(k + PREFETCH_AHEAD) {
        prefetch_row(x, j as usize, d);
    }
}

/// How many entries ahead of the current one the kernel prefetches X rows.
const PREFETCH_AHEAD: usize = 8;

/// Asks the CPU to bring row `j` of `x` (`d` values) into cache; a no-op for short
/// rows (one cache line or less, which the hardware handles) and off x86-64.
#[inline(always)]
pub(super) fn prefetch_row<T: Real>(x: &[T], j: usize, d: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let bytes = d * std::mem::size_of::<T>();
        if bytes > 64 {
            let base = x[j * d..].as_ptr() as *const i8;
            let mut off = 0;
            while off < bytes {
                // SAFETY: prefetching is a hint and never faults; the address lies
                // within the row.
                unsafe {
                    std::arch::x86_64::_mm_prefetch(base.add(off), std::arch::x86_64::_MM_HINT_T0)
                };
                off += 64;
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (x, j, d);
}

/// Columns per register tile: eight registers of accumulators, 256-bit (64
/// `f32` or 32 `f64`) or with `WIDE` 512-bit (128 `f32` or 64 `f64`), the widest
/// that divides `d`; 0 when none does.
#[inline(always)]
fn tile_width<T, const WIDE: bool>(d: usize) -> usize {
    let narrow = 256 / std::mem::size_of::<T>();
    let widths: &[usize] = if WIDE {
        &[2 * narrow, narrow]
    } else {
        &[narrow]
    };
    widths
        .iter()
        .copied()
        .find(|&w| d >= w && d.is_multiple_of(w))
        .unwrap_or(0)
}

/// The coefficient of entry `k` of a row: its weight times the right scaling of
/// its column (1 when neither exists).
#[inline(always)]
pub(super) fn coefficient<T: Real>(
    weights: Option<&[f32]>,
    right: Option<&[T]>,
    k: usize,
    j: usize,
) -> T {
    match (weights, right) {
        (None, None) => T::ONE,
        (Some(w), None) => T::from_f32(w[k]),
        (None, Some(r)) => r[j],
        (Some(w), Some(r)) => T::from_f32(w[k]) * r[j],
    }
}

/// `yr = sum_k c_k x[cols[k]]`, `W` columns at a time in local accumulators that
/// stay in registers (the row's entries are walked once per tile; they are in L1).
/// Each output value is the same sequential sum as [`gather_row`]'s.
#[inline(always)]
fn gather_tiles<T: Real, const W: usize>(
    cols: &[u32],
    ahead: &[u32],
    weights: Option<&[f32]>,
    right: Option<&[T]>,
    x: &[T],
    d: usize,
    yr: &mut [T],
) {
    for c0 in (0..d).step_by(W) {
        let mut acc = [T::ZERO; W];
        for (k, &j) in cols.iter().enumerate() {
            if c0 == 0 {
                prefetch_ahead(ahead, k, x, d);
            }
            let j = j as usize;
            let xr: &[T; W] = x[j * d + c0..j * d + c0 + W].try_into().unwrap();
            match (weights, right) {
                (None, None) => {
                    for t in 0..W {
                        acc[t] += xr[t];
                    }
                }
                _ => {
                    let s = coefficient(weights, right, k, j);
                    for t in 0..W {
                        acc[t] += s * xr[t];
                    }
                }
            }
        }
        yr[c0..c0 + W].copy_from_slice(&acc);
    }
}

/// `yr = sum_k c_k x[cols[k]]` over all `d` columns at once (accumulating in `yr`).
#[inline(always)]
fn gather_row<T: Real>(
    cols: &[u32],
    ahead: &[u32],
    weights: Option<&[f32]>,
    right: Option<&[T]>,
    x: &[T],
    d: usize,
    yr: &mut [T],
) {
    let pf = |k: usize| prefetch_ahead(ahead, k, x, d);
    match (weights, right) {
        (None, None) => {
            for (k, &j) in cols.iter().enumerate() {
                pf(k);
                let j = j as usize;
                add(yr, &x[j * d..j * d + d]);
            }
        }
        (Some(w), None) => {
            for (k, (&j, &wk)) in cols.iter().zip(w).enumerate() {
                pf(k);
                let j = j as usize;
                axpy(yr, T::from_f32(wk), &x[j * d..j * d + d]);
            }
        }
        (None, Some(r)) => {
            for (k, &j) in cols.iter().enumerate() {
                pf(k);
                let j = j as usize;
                axpy(yr, r[j], &x[j * d..j * d + d]);
            }
        }
        (Some(w), Some(r)) => {
            for (k, (&j, &wk)) in cols.iter().zip(w).enumerate() {
                pf(k);
                let j = j as usize;
                axpy(yr, T::from_f32(wk) * r[j], &x[j * d..j * d + d]);
            }
        }
    }
}

/// The portable loop, for tests that compare the vectorised kernels with it.
#[cfg(test)]
pub(super) fn spmm_range_portable<T: Real>(
    a: &Csr,
    op: &Operator<T>,
    rows: Range<usize>,
    x: &[T],
    d: usize,
    y: &mut [T],
) {
    spmm_range_body::<T, false>(a, op, rows, x, d, y)
}

#[inline(always)]
fn spmm_range_body<T: Real, const WIDE: bool>(
    a: &Csr,
    op: &Operator<T>,
    rows: Range<usize>,
    x: &[T],
    d: usize,
    y: &mut [T],
) {
    let off = a.offsets();
    let tg = a.targets();
    let w = a.weights();
    let right = op.right.as_deref();
    let start = rows.start;
    let range_end = off[rows.end] as usize;
    for i in rows {
        let (b, e) = (off[i] as usize, off[i + 1] as usize);
        let cols = &tg[b..e];
        // The entries from this row to the end of the range: prefetching runs on
        // into the next rows, so their first gathers are in flight too.
        let ahead = &tg[b..range_end];
        let yr = &mut y[(i - start) * d..(i - start + 1) * d];
        yr.fill(T::ZERO);
        let w = w.map(|w| &w[b..e]);
        match tile_width::<T, WIDE>(d) {
            128 => gather_tiles::<T, 128>(cols, ahead, w, right, x, d, yr),
            64 => gather_tiles::<T, 64>(cols, ahead, w, right, x, d, yr),
            32 => gather_tiles::<T, 32>(cols, ahead, w, right, x, d, yr),
            _ => gather_row(cols, ahead, w, right, x, d, yr),
        }
        if op.self_loops {
            axpy(yr, right.map_or(T::ONE, |r| r[i]), &x[i * d..i * d + d]);
        }
        if let Some(l) = op.left.as_deref() {
            let s = l[i];
            for v in yr.iter_mut() {
                *v = s * *v;
            }
        }
    }
}

/// Computes `Y = L (A + sI) R X` for all rows in parallel (`X` is `n_cols x d`
/// row-major, `y` is `n_rows x d`).
pub fn spmm_into<T: Real>(a: &Csr, op: &Operator<T>, x: &[T], d: usize, y: &mut [T]) {
    assert_eq!(y.len(), a.n_rows() * d, "spmm: output is not n_rows x d");
    let ranges = balanced_ranges(a.offsets(), default_parts(a.n_rows()), 2);
    let slices = split_rows_mut(y, &ranges, d);
    ranges
        .into_par_iter()
        .zip(slices)
        .for_each(|(r, ys)| spmm_range(a, op, r, x, d, ys));
}

/// `Y = N(A) X` for the normalisation `normalization` (with `A + I` when
/// `self_loops`), `X` dense row-major `n_cols x d`.
pub fn spmm<T: Real>(
    a: &Csr,
    normalization: Normalization,
    self_loops: bool,
    x: &[T],
    d: usize,
) -> Vec<T> {
    let op = Operator::new(a, normalization, self_loops);
    let mut y = vec![T::ZERO; a.n_rows() * d];
    spmm_into(a, &op, x, d, &mut y);
    y
}
