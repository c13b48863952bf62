//! Degrees and weighted degrees.

use crate::csr::Csr;
use rayon::prelude::*;

/// Number of stored entries of each row (the out-degree; a self-loop counts once).
pub fn degrees(a: &Csr) -> Vec<u32> {
    let off = a.offsets();
    (0..a.n_rows())
        .into_par_iter()
        .map(|i| (off[i + 1] - off[i]) as u32)
        .collect()
}

/// Row sums `d_i = sum_j a_ij` in `f64` (entries of an unweighted matrix are 1).
/// Each row is summed sequentially, so the result does not depend on threads.
pub fn row_sums(a: &Csr) -> Vec<f64> {
    (0..a.n_rows())
        .into_par_iter()
        .map(|i| match a.row_weights(i) {
            Some(w) => w.iter().map(|&x| x as f64).sum(),
            None => a.row_len(i) as f64,
        })
        .collect()
}

/// Column sums `c_j = sum_i a_ij` in `f64`, accumulated in row order (deterministic).
pub fn column_sums(a: &Csr) -> Vec<f64> {
    let mut c = vec![0f64; a.n_cols()];
    match a.weights() {
        Some(w) => {
            for (k, &t) in a.targets().iter().enumerate() {
                c[t as usize] += w[k] as f64;
            }
        }
        None => {
            for &t in a.targets() {
                c[t as usize] += 1.0;
            }
        }
    }
    c
}
