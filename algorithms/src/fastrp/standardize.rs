//! Column standardisation of a dense row-major matrix, independent of the thread count.

use rayon::prelude::*;

/// Rows per reduction block. Fixed (not derived from the thread count), so the
/// order of the f64 sums and hence the result is the same for any number of threads.
const BLOCK_ROWS: usize = 1024;

/// Per-column `sum_i f(x_ij)` in f64, reduced over fixed blocks of rows in order.
fn column_sums(x: &[f32], d: usize, f: impl Fn(usize, f32) -> f64 + Sync) -> Vec<f64> {
    let partial: Vec<Vec<f64>> = x
        .par_chunks(BLOCK_ROWS * d)
        .map(|block| {
            let mut s = vec![0f64; d];
            for row in block.chunks_exact(d) {
                for (j, (acc, &v)) in s.iter_mut().zip(row).enumerate() {
                    *acc += f(j, v);
                }
            }
            s
        })
        .collect();
    let mut total = vec![0f64; d];
    for p in partial {
        for (t, v) in total.iter_mut().zip(p) {
            *t += v;
        }
    }
    total
}

/// Standardises each column of `x` (`n x d`, row-major) to zero mean and unit
/// population variance: `x_ij <- (x_ij - mean_j) / sd_j`, with `sd_j = 1` where the
/// column is constant (as `sklearn.preprocessing.scale`). Two passes (mean, then the
/// centred sum of squares) in f64.
pub fn standardize_columns(x: &mut [f32], d: usize) {
    if d == 0 || x.is_empty() {
        return;
    }
    let n = (x.len() / d) as f64;
    let mean: Vec<f64> = column_sums(x, d, |_, v| v as f64)
        .into_iter()
        .map(|s| s / n)
        .collect();
    let var = column_sums(x, d, |j, v| {
        let c = v as f64 - mean[j];
        c * c
    });
    let inv_sd: Vec<f64> = var.into_iter().map(|s| inverse_sd(s / n)).collect();
    apply(x, d, &mean, &inv_sd);
}

/// `1 / sqrt(var)`, or 1 for a (numerically) constant column.
fn inverse_sd(var: f64) -> f64 {
    let sd = var.max(0.0).sqrt();
    if sd > 0.0 && sd.is_finite() {
        1.0 / sd
    } else {
        1.0
    }
}

/// Per-column sums and sums of squares of blocks of rows, gathered while the rows
/// are computed and combined in block order (so the result does not depend on which
/// thread computed which block).
#[derive(Clone, Debug)]
pub struct ColumnMoments {
    d: usize,
    /// Per block: `d` sums then `d` sums of squares.
    blocks: Vec<f64>,
}

impl ColumnMoments {
    /// Room for `n_blocks` blocks of `d` columns.
    pub fn new(n_blocks: usize, d: usize) -> Self {
        ColumnMoments {
            d,
            blocks: vec![0.0; n_blocks * 2 * d],
        }
    }

    /// Mutable slots of consecutive block ranges, one slice per range, in order.
    pub fn split_mut(&mut self, block_ranges: &[std::ops::Range<usize>]) -> Vec<&mut [f64]> {
        let w = 2 * self.d;
        let mut rest: &mut [f64] = &mut self.blocks;
        let mut out = Vec::with_capacity(block_ranges.len());
        for r in block_ranges {
            let (head, tail) = rest.split_at_mut(r.len() * w);
            out.push(head);
            rest = tail;
        }
        out
    }

    /// Adds the rows `rows` (`k x d`, row-major) into block slot `slot` (`2 d` values).
    pub fn accumulate(slot: &mut [f64], rows: &[f32], d: usize) {
        let (sums, squares) = slot.split_at_mut(d);
        for row in rows.chunks_exact(d) {
            for ((s, q), &v) in sums.iter_mut().zip(squares.iter_mut()).zip(row) {
                let v = v as f64;
                *s += v;
                *q += v * v;
            }
        }
    }

    /// Standardises the `n x d` matrix `x` from the gathered moments:
    /// `var = E[x^2] - mean^2` (in f64), `sd = 1` for constant columns.
    pub fn standardize(&self, x: &mut [f32]) {
        let d = self.d;
        if d == 0 || x.is_empty() {
            return;
        }
        let n = (x.len() / d) as f64;
        let mut sums = vec![0f64; d];
        let mut squares = vec![0f64; d];
        for block in self.blocks.chunks_exact(2 * d) {
            for j in 0..d {
                sums[j] += block[j];
                squares[j] += block[d + j];
            }
        }
        let mean: Vec<f64> = sums.iter().map(|s| s / n).collect();
        let inv_sd: Vec<f64> = squares
            .iter()
            .zip(&mean)
            .map(|(&q, &m)| {
                let var = q / n - m * m;
                // Below rounding noise of the difference: a constant column.
                if var <= 1e-12 * m * m {
                    1.0
                } else {
                    inverse_sd(var)
                }
            })
            .collect();
        apply(x, d, &mean, &inv_sd);
    }
}

/// `x_ij <- (x_ij - mean_j) * inv_sd_j`.
fn apply(x: &mut [f32], d: usize, mean: &[f64], inv_sd: &[f64]) {
    x.par_chunks_mut(BLOCK_ROWS * d).for_each(|block| {
        for row in block.chunks_exact_mut(d) {
            for ((v, m), s) in row.iter_mut().zip(mean).zip(inv_sd) {
                *v = ((*v as f64 - m) * s) as f32;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_get_zero_mean_unit_variance_and_constants_stay_finite() {
        let n = 3000;
        let mut x: Vec<f32> = (0..n)
            .flat_map(|i| [i as f32, 5.0, ((i * 7919) % 13) as f32])
            .collect();
        standardize_columns(&mut x, 3);
        for j in 0..3 {
            let col: Vec<f64> = x.iter().skip(j).step_by(3).map(|&v| v as f64).collect();
            let mean = col.iter().sum::<f64>() / n as f64;
            let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
            assert!(mean.abs() < 1e-6, "column {j} mean {mean}");
            if j == 1 {
                assert!(col.iter().all(|&v| v == 0.0), "constant column becomes 0");
            } else {
                assert!((var - 1.0).abs() < 1e-5, "column {j} var {var}");
            }
        }
    }
}
