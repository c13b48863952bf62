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

/// Per-column shift and scale that standardise a matrix:
/// `x_ij <- (x_ij - mean_j) * inv_sd_j`, with `inv_sd_j = 1` where the column is
/// constant (as `sklearn.preprocessing.scale`).
#[derive(Clone, Debug)]
pub struct ColumnScaling {
    mean: Vec<f64>,
    inv_sd: Vec<f64>,
}

impl ColumnScaling {
    /// The scaling of `x` (`n x d`, row-major) to zero mean and unit population
    /// variance, by two passes (mean, then the centred sum of squares) in f64.
    pub fn of(x: &[f32], d: usize) -> Self {
        if d == 0 || x.is_empty() {
            return ColumnScaling {
                mean: vec![0.0; d],
                inv_sd: vec![1.0; d],
            };
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
        let inv_sd = var.into_iter().map(|s| inverse_sd(s / n)).collect();
        ColumnScaling { mean, inv_sd }
    }

    /// Applies the scaling to `x` in place; true when every result is finite.
    pub fn apply(&self, x: &mut [f32], d: usize) -> bool {
        if d == 0 {
            return true;
        }
        x.par_chunks_mut(BLOCK_ROWS * d)
            .map(|block| {
                let mut finite = true;
                for row in block.chunks_exact_mut(d) {
                    finite &= self.apply_row(row);
                }
                finite
            })
            .reduce(|| true, |a, b| a && b)
    }

    /// Applies the scaling, then divides each row by its L2 norm (rows of norm 0
    /// stay 0), in one pass; returns the column moments of the result, gathered
    /// in fixed blocks of rows so they do not depend on the thread count.
    pub fn apply_then_normalize_rows(&self, x: &mut [f32], d: usize) -> ColumnMoments {
        if d == 0 {
            return ColumnMoments::new(0, 0);
        }
        let blocks: Vec<Vec<f64>> = x
            .par_chunks_mut(BLOCK_ROWS * d)
            .map(|block| {
                let mut slot = vec![0f64; 2 * d];
                for row in block.chunks_exact_mut(d) {
                    self.apply_row(row);
                    normalize_row(row);
                    ColumnMoments::accumulate(&mut slot, row, d);
                }
                slot
            })
            .collect();
        ColumnMoments {
            d,
            blocks: blocks.concat(),
        }
    }

    fn apply_row(&self, row: &mut [f32]) -> bool {
        let mut finite = true;
        for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.inv_sd) {
            *v = ((*v as f64 - m) * s) as f32;
            finite &= v.is_finite();
        }
        finite
    }
}

/// Divides `row` by its L2 norm (computed in f64); a zero row stays zero.
pub fn normalize_row(row: &mut [f32]) {
    let norm = sum_of_squares::<f64>(row).sqrt();
    if norm > 0.0 {
        row.iter_mut().for_each(|x| *x = (*x as f64 / norm) as f32);
    }
}

/// `sum_i x_i^2` accumulated in `A` (f32 or f64), in eight interleaved partial
/// sums combined in a fixed order: the same result for any thread count, and
/// vector instructions instead of one chain of dependent additions.
#[inline]
pub(super) fn sum_of_squares<A>(values: &[f32]) -> A
where
    A: Copy + Default + From<f32> + std::ops::Add<Output = A> + std::ops::Mul<Output = A>,
{
    let square = |x: f32| A::from(x) * A::from(x);
    let mut lanes = [A::default(); 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for t in 0..8 {
            lanes[t] = lanes[t] + square(c[t]);
        }
    }
    let mut total = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5]))
        + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for &x in rest {
        total = total + square(x);
    }
    total
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

    /// The scaling that standardises the `n`-row matrix these moments were
    /// gathered from: `var = E[x^2] - mean^2` (in f64), `inv_sd = 1` for constant
    /// columns.
    pub fn scaling(&self, n: usize) -> ColumnScaling {
        let d = self.d;
        let n = n.max(1) as f64;
        let mut sums = vec![0f64; d];
        let mut squares = vec![0f64; d];
        for block in self.blocks.chunks_exact(2 * d.max(1)) {
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
        ColumnScaling { mean, inv_sd }
    }
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
        assert!(ColumnScaling::of(&x, 3).apply(&mut x, 3));
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
