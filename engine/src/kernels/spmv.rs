//! Sparse matrix times dense vector.

use super::operator::{Normalization, Operator};
use super::scalar::Real;
use crate::csr::Csr;
use crate::partition::{balanced_ranges, default_parts, split_rows_mut};
use rayon::prelude::*;
use std::ops::Range;

/// Computes rows `rows` of `y = L (A + sI) R x` into `y` (`rows.len()` entries).
///
/// `x` is the whole input vector (`a.n_cols()` entries). Each output entry is one
/// sequential sum in CSR order, so the result does not depend on how rows are split.
pub fn spmv_range<T: Real>(a: &Csr, op: &Operator<T>, rows: Range<usize>, x: &[T], y: &mut [T]) {
    assert_eq!(
        x.len(),
        a.n_cols(),
        "spmv: input length differs from the column count"
    );
    assert_eq!(
        y.len(),
        rows.len(),
        "spmv: output length differs from the row range"
    );
    assert!(rows.end <= a.n_rows(), "spmv: row range out of bounds");
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports the enabled features.
            unsafe { spmv_range_avx2(a, op, rows, x, y) };
            return;
        }
    }
    spmv_range_body(a, op, rows, x, y)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn spmv_range_avx2<T: Real>(
    a: &Csr,
    op: &Operator<T>,
    rows: Range<usize>,
    x: &[T],
    y: &mut [T],
) {
    spmv_range_body(a, op, rows, x, y)
}

#[inline(always)]
fn spmv_range_body<T: Real>(a: &Csr, op: &Operator<T>, rows: Range<usize>, x: &[T], y: &mut [T]) {
    let off = a.offsets();
    let tg = a.targets();
    let w = a.weights();
    let right = op.right.as_deref();
    let start = rows.start;
    for i in rows {
        let (b, e) = (off[i] as usize, off[i + 1] as usize);
        let cols = &tg[b..e];
        let mut acc = T::ZERO;
        match (w, right) {
            (None, None) => {
                for &j in cols {
                    acc += x[j as usize];
                }
            }
            (Some(w), None) => {
                for (&j, &wk) in cols.iter().zip(&w[b..e]) {
                    acc += T::from_f32(wk) * x[j as usize];
                }
            }
            (None, Some(r)) => {
                for &j in cols {
                    acc += r[j as usize] * x[j as usize];
                }
            }
            (Some(w), Some(r)) => {
                for (&j, &wk) in cols.iter().zip(&w[b..e]) {
                    acc += T::from_f32(wk) * r[j as usize] * x[j as usize];
                }
            }
        }
        if op.self_loops {
            acc += right.map_or(T::ONE, |r| r[i]) * x[i];
        }
        if let Some(l) = op.left.as_deref() {
            acc = l[i] * acc;
        }
        y[i - start] = acc;
    }
}

/// Computes `y = L (A + sI) R x` for all rows in parallel.
pub fn spmv_into<T: Real>(a: &Csr, op: &Operator<T>, x: &[T], y: &mut [T]) {
    assert_eq!(
        y.len(),
        a.n_rows(),
        "spmv: output length differs from the row count"
    );
    let ranges = balanced_ranges(a.offsets(), default_parts(a.n_rows()), 4);
    let slices = split_rows_mut(y, &ranges, 1);
    ranges
        .into_par_iter()
        .zip(slices)
        .for_each(|(r, ys)| spmv_range(a, op, r, x, ys));
}

/// `y = N(A) x` for the normalisation `normalization` of `a` (with `A + I` when
/// `self_loops`); prepares the [`Operator`] and runs [`spmv_into`].
pub fn spmv<T: Real>(a: &Csr, normalization: Normalization, self_loops: bool, x: &[T]) -> Vec<T> {
    let op = Operator::new(a, normalization, self_loops);
    let mut y = vec![T::ZERO; a.n_rows()];
    spmv_into(a, &op, x, &mut y);
    y
}
