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
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports the enabled feature.
            unsafe { mixed_avx2(a, rows, x, d, y) };
            return;
        }
    }
    mixed_body(a, rows, x, d, y)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn mixed_avx2(a: &Csr, rows: Range<usize>, x: &[f32], d: usize, y: &mut [f64]) {
    mixed_body(a, rows, x, d, y)
}

/// How many entries ahead of the current one the first tile prefetches rows.
const PREFETCH_AHEAD: usize = 8;

/// Columns per register tile: 32 `f64` accumulators (eight 256-bit registers).
const TILE: usize = 32;

#[inline(always)]
fn mixed_body(a: &Csr, rows: Range<usize>, x: &[f32], d: usize, y: &mut [f64]) {
    let off = a.offsets();
    let tg = a.targets();
    let w = a.weights();
    let start = rows.start;
    for i in rows {
        let (b, e) = (off[i] as usize, off[i + 1] as usize);
        let cols = &tg[b..e];
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
        let tiled = d - d % TILE;
        for c0 in (0..tiled).step_by(TILE) {
            let mut acc = [0f64; TILE];
            for (k, &j) in cols.iter().enumerate() {
                if c0 == 0 {
                    if let Some(&ahead) = cols.get(k + PREFETCH_AHEAD) {
                        prefetch_row(x, ahead as usize, d);
                    }
                }
                let at = j as usize * d + c0;
                let xr: &[f32; TILE] = x[at..at + TILE].try_into().unwrap();
                match wr {
                    None => {
                        for t in 0..TILE {
                            acc[t] += xr[t] as f64;
                        }
                    }
                    Some(wr) => {
                        let s = wr[k] as f64;
                        for t in 0..TILE {
                            acc[t] += s * xr[t] as f64;
                        }
                    }
                }
            }
            yr[c0..c0 + TILE].copy_from_slice(&acc);
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
