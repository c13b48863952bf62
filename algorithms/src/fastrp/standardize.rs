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
    let inv_sd: Vec<f64> = var
        .into_iter()
        .map(|s| {
            let sd = (s / n).sqrt();
            if sd > 0.0 && sd.is_finite() {
                1.0 / sd
            } else {
                1.0
            }
        })
        .collect();
    x.par_chunks_mut(BLOCK_ROWS * d).for_each(|block| {
        for row in block.chunks_exact_mut(d) {
            for ((v, m), s) in row.iter_mut().zip(&mean).zip(&inv_sd) {
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
