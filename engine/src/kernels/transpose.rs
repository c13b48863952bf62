//! Parallel, deterministic transpose.

use crate::csr::Csr;
use crate::partition::{balanced_ranges, counts_to_cursors};
use crate::sync_ptr::SyncPtr;
use rayon::prelude::*;

/// The transpose `A^T` (an `n_cols x n_rows` CSR).
///
/// Rows are cut into contiguous chunks; each chunk counts its entries per column,
/// the counts become per-chunk write cursors, and each chunk scatters its rows in
/// order. Every output row is therefore sorted without a sort, and the result is
/// the same for any number of threads.
pub fn transpose(a: &Csr) -> Csr {
    let (n_rows, n_cols, nnz) = (a.n_rows(), a.n_cols(), a.nnz());
    let threads = rayon::current_num_threads().max(1);
    let by_memory = nnz.checked_div(n_cols).unwrap_or(1).max(1);
    let parts = threads.min(by_memory).min((nnz / 65_536).max(1)).max(1);
    let ranges = balanced_ranges(a.offsets(), parts, 1);
    let off = a.offsets();
    let tg = a.targets();
    let mut cursors: Vec<Vec<u64>> = ranges
        .par_iter()
        .map(|r| {
            let mut c = vec![0u64; n_cols];
            for &t in &tg[off[r.start] as usize..off[r.end] as usize] {
                c[t as usize] += 1;
            }
            c
        })
        .collect();
    let offsets = counts_to_cursors(&mut cursors, n_cols);
    let mut targets = vec![0u32; nnz];
    let mut weights = a.weights().map(|_| vec![0f32; nnz]);
    {
        let tp = SyncPtr::new(&mut targets);
        let wp = weights.as_mut().map(|w| SyncPtr::new(w));
        let aw = a.weights();
        ranges
            .par_iter()
            .zip(cursors.par_iter_mut())
            .for_each(|(r, cur)| {
                for i in r.clone() {
                    for k in off[i] as usize..off[i + 1] as usize {
                        let j = tg[k] as usize;
                        let pos = cur[j] as usize;
                        cur[j] += 1;
                        // SAFETY: each chunk writes only its reserved slots.
                        unsafe { tp.write(pos, i as u32) };
                        if let (Some(wp), Some(aw)) = (wp, aw) {
                            unsafe { wp.write(pos, aw[k]) };
                        }
                    }
                }
            });
    }
    let _ = n_rows;
    Csr::from_parts_unchecked(n_rows, offsets, targets, weights)
}
