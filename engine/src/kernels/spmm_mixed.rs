//! Sparse matrix times a dense `f32` block, accumulated and stored in `f64`.
//!
//! Iterative solvers whose search directions tolerate `f32` rounding (the
//! rounding only perturbs the direction, while the solution and the residual stay
//! in `f64` and consistent) halve the bytes each gather moves this way. Every
//! product `w * x` of two `f32` values is exact in `f64`; the sums run in CSR order.

use super::spmm::prefetch_row;
use crate::csr::Csr;
use std::ops::Range;

/// Computes rows `rows` of `Y = A X`, where `X` is dense row-major
/// `a.n_cols() x d` in `f32` and `y` receives `rows.len() x d` values in `f64`.
///
/// Each output value is one sequential `f64` sum in CSR order (no fused
/// multiply-add), so it does not depend on `d`, on the row split or on the CPU
/// path taken: column `j` of a width-`d` call equals a width-1 call on column `j`.
///
/// ```
/// use spargraph_engine::csr::Csr;
/// use spargraph_engine::kernels::spmm_range_f32_to_f64;
/// // [[0, 2], [1, 0]] times [[1, 10], [0.5, 20]]
/// let a = Csr::from_parts(2, vec![0, 1, 2], vec![1, 0], Some(vec![2.0, 1.0])).unwrap();
/// let x = [1.0f32, 10.0, 0.5, 20.0];
/// let mut y = [0f64; 4];
/// spmm_range_f32_to_f64(&a, 0..2, &x, 2, &mut y);
/// assert_eq!(y, [1.0, 40.0, 1.0, 10.0]);
/// ```
pub fn spmm_range_f32_to_f64(a: &Csr, rows: Range<usize>, x: &[f32], d: usize, y: &mut [f64]) {
    super::spmm::check_shapes(a, &rows, x.len(), d, y.len());
    if d == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if d.is_multiple_of(WIDE_TILE) && std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports the enabled feature.
            unsafe { mixed_avx512(a, rows, x, d, y) };
            return;
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports the enabled feature.
            unsafe { mixed_avx2(a, rows, x, d, y) };
            return;
        }
    }
    mixed_body::<TILE>(a, rows, x, d, y)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn mixed_avx2(a: &Csr, rows: Range<usize>, x: &[f32], d: usize, y: &mut [f64]) {
    mixed_body::<TILE>(a, rows, x, d, y)
}

/// With 32 vector registers of 512 bits, one tile holds 64 `f64` accumulators: a
/// width-64 block reads each neighbour's row once instead of twice.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn mixed_avx512(a: &Csr, rows: Range<usize>, x: &[f32], d: usize, y: &mut [f64]) {
    mixed_body::<WIDE_TILE>(a, rows, x, d, y)
}

/// How many entries ahead of the current one the first tile prefetches rows: 16
/// rows of 64 `f32` columns are 4 KiB in flight. On the anchor graphs a width-64
/// product takes 10-20 % less time than with 8 entries (8.1 -> 7.0 ns per entry on
/// sbm100k, 4.4 -> 3.9 on R-MAT 16, `examples/spmm_timing --mixed --dim 64`), and
/// 24 or 32 gain no more.
const PREFETCH_AHEAD: usize = 16;

/// Columns per register tile: 32 `f64` accumulators (eight 256-bit registers).
const TILE: usize = 32;

/// Columns per register tile with AVX-512: 64 `f64` accumulators (eight 512-bit
/// registers).
const WIDE_TILE: usize = 64;

/// The kernel with `T` columns per register tile; the columns past the last
/// whole tile take a scalar loop. The tile width changes no result bit.
#[inline(always)]
fn mixed_body<const T: usize>(a: &Csr, rows: Range<usize>, x: &[f32], d: usize, y: &mut [f64]) {
    let off = a.offsets();
    let tg = a.targets();
    let w = a.weights();
    let start = rows.start;
    let range_end = off[rows.end] as usize;
    for i in rows {
        let (b, e) = (off[i] as usize, off[i + 1] as usize);
        let cols = &tg[b..e];
        // From this row's first entry to the end of the range: prefetches run
        // across row ends.
        let ahead = &tg[b..range_end];
        let wr = w.map(|w| &w[b..e]);
        let yr = &mut y[(i - start) * d..(i - start + 1) * d];
        if d == 1 {
            let mut acc = 0f64;
            match wr {
                None => cols.iter().for_each(|&j| acc += x[j as usize] as f64),
                Some(wr) => {
                    for (&j, &wk) in cols.iter().zip(wr) {
                        acc += wk as f64 * x[j as usize] as f64;
                    }
                }
            }
            yr[0] = acc;
            continue;
        }
        let tiled = d - d % T;
        for c0 in (0..tiled).step_by(T) {
            let mut acc = [0f64; T];
            for (k, &j) in cols.iter().enumerate() {
                if c0 == 0 {
                    if let Some(&next) = ahead.get(k + PREFETCH_AHEAD) {
                        prefetch_row(x, next as usize, d);
                    }
                }
                let at = j as usize * d + c0;
                let xr: &[f32; T] = x[at..at + T].try_into().unwrap();
                match wr {
                    None => {
                        for t in 0..T {
                            acc[t] += xr[t] as f64;
                        }
                    }
                    Some(wr) => {
                        let s = wr[k] as f64;
                        for t in 0..T {
                            acc[t] += s * xr[t] as f64;
                        }
                    }
                }
            }
            yr[c0..c0 + T].copy_from_slice(&acc);
        }
        if tiled < d {
            let rest = &mut yr[tiled..];
            rest.fill(0.0);
            for (k, &j) in cols.iter().enumerate() {
                let at = j as usize * d;
                let xr = &x[at + tiled..at + d];
                let s = wr.map_or(1.0, |wr| wr[k] as f64);
                for (acc, &v) in rest.iter_mut().zip(xr) {
                    if wr.is_some() {
                        *acc += s * v as f64;
                    } else {
                        *acc += v as f64;
                    }
                }
            }
        }
    }
}
