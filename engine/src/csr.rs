//! Compressed sparse row storage with `u32` column ids and `u64` row offsets.

use std::ops::Range;

/// A sparse matrix (or the adjacency of a graph) in compressed sparse row form.
///
/// Row `i` holds the column ids `targets[offsets[i]..offsets[i + 1]]`, sorted
/// increasingly, and, when the matrix is weighted, the values at the same
/// positions of `weights`. Column ids are `u32` (at most 2^32 - 1 nodes); offsets are
/// `u64`, so more than 2^32 nonzeros are representable. An unweighted matrix has an
/// implicit value of 1 at every stored position.
///
/// Memory: `8 (n_rows + 1) + 4 nnz (+ 4 nnz with weights)` bytes, see [`Csr::memory_bytes`].
#[derive(Clone, Debug, PartialEq)]
pub struct Csr {
    n_cols: usize,
    offsets: Vec<u64>,
    targets: Vec<u32>,
    weights: Option<Vec<f32>>,
}

impl Csr {
    /// Assembles a CSR from its parts, checking the invariants: `offsets` starts at 0,
    /// is non-decreasing and ends at `targets.len()`; each row's targets are sorted,
    /// strictly increasing and below `n_cols`; `weights`, if any, has `targets.len()`
    /// entries.
    pub fn from_parts(
        n_cols: usize,
        offsets: Vec<u64>,
        targets: Vec<u32>,
        weights: Option<Vec<f32>>,
    ) -> Result<Self, String> {
        if offsets.is_empty() || offsets[0] != 0 {
            return Err("offsets must start with 0".into());
        }
        if *offsets.last().unwrap() != targets.len() as u64 {
            return Err(format!(
                "last offset {} differs from the number of targets {}",
                offsets.last().unwrap(),
                targets.len()
            ));
        }
        if let Some(w) = &weights {
            if w.len() != targets.len() {
                return Err(format!("{} weights for {} targets", w.len(), targets.len()));
            }
        }
        for (row, win) in offsets.windows(2).enumerate() {
            if win[1] < win[0] {
                return Err(format!("offsets decrease at row {row}"));
            }
            let r = &targets[win[0] as usize..win[1] as usize];
            for (k, &t) in r.iter().enumerate() {
                if t as usize >= n_cols {
                    return Err(format!("row {row} has column {t} >= {n_cols}"));
                }
                if k > 0 && r[k - 1] >= t {
                    return Err(format!("row {row} is not strictly increasing"));
                }
            }
        }
        Ok(Csr {
            n_cols,
            offsets,
            targets,
            weights,
        })
    }

    /// Assembles a CSR without checking its invariants (the caller guarantees them).
    pub(crate) fn from_parts_unchecked(
        n_cols: usize,
        offsets: Vec<u64>,
        targets: Vec<u32>,
        weights: Option<Vec<f32>>,
    ) -> Self {
        debug_assert_eq!(*offsets.last().unwrap() as usize, targets.len());
        Csr {
            n_cols,
            offsets,
            targets,
            weights,
        }
    }

    /// An `n_rows x n_cols` matrix with no nonzeros.
    pub fn empty(n_rows: usize, n_cols: usize) -> Self {
        Csr {
            n_cols,
            offsets: vec![0; n_rows + 1],
            targets: Vec::new(),
            weights: None,
        }
    }

    /// Number of rows.
    #[inline]
    pub fn n_rows(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of columns.
    #[inline]
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Number of stored entries.
    #[inline]
    pub fn nnz(&self) -> usize {
        self.targets.len()
    }

    /// Whether explicit weights are stored.
    #[inline]
    pub fn is_weighted(&self) -> bool {
        self.weights.is_some()
    }

    /// Row offsets (`n_rows + 1` entries).
    #[inline]
    pub fn offsets(&self) -> &[u64] {
        &self.offsets
    }

    /// All column ids, row after row.
    #[inline]
    pub fn targets(&self) -> &[u32] {
        &self.targets
    }

    /// All weights, row after row, if the matrix is weighted.
    #[inline]
    pub fn weights(&self) -> Option<&[f32]> {
        self.weights.as_deref()
    }

    /// Position range of row `i` in [`Csr::targets`].
    #[inline]
    pub fn row_range(&self, i: usize) -> Range<usize> {
        self.offsets[i] as usize..self.offsets[i + 1] as usize
    }

    /// Sorted column ids of row `i`.
    #[inline]
    pub fn row(&self, i: usize) -> &[u32] {
        &self.targets[self.row_range(i)]
    }

    /// Weights of row `i` (`None` when unweighted).
    #[inline]
    pub fn row_weights(&self, i: usize) -> Option<&[f32]> {
        let r = self.row_range(i);
        self.weights.as_ref().map(|w| &w[r])
    }

    /// Number of entries in row `i`.
    #[inline]
    pub fn row_len(&self, i: usize) -> usize {
        (self.offsets[i + 1] - self.offsets[i]) as usize
    }

    /// Iterates `(column, weight)` over row `i`, with weight 1 when unweighted.
    pub fn row_entries(&self, i: usize) -> impl Iterator<Item = (u32, f32)> + '_ {
        let r = self.row_range(i);
        let w = self.weights.as_ref().map(|w| &w[r.clone()]);
        self.targets[r]
            .iter()
            .enumerate()
            .map(move |(k, &t)| (t, w.map_or(1.0, |w| w[k])))
    }

    /// Value at `(i, j)`, or `None` if not stored (binary search in row `i`).
    pub fn get(&self, i: usize, j: u32) -> Option<f32> {
        let r = self.row_range(i);
        let row = &self.targets[r.clone()];
        row.binary_search(&j)
            .ok()
            .map(|k| self.weights.as_ref().map_or(1.0, |w| w[r.start + k]))
    }

    /// Bytes held by the offsets, targets and weights.
    pub fn memory_bytes(&self) -> usize {
        self.offsets.len() * 8
            + self.targets.len() * 4
            + self.weights.as_ref().map_or(0, |w| w.len() * 4)
    }

    /// Drops the weights, keeping the pattern.
    pub fn without_weights(mut self) -> Self {
        self.weights = None;
        self
    }

    /// Splits the matrix into its parts `(n_cols, offsets, targets, weights)`.
    pub fn into_parts(self) -> (usize, Vec<u64>, Vec<u32>, Option<Vec<f32>>) {
        (self.n_cols, self.offsets, self.targets, self.weights)
    }

    /// The square submatrix on the rows and columns `kept` (increasing ids), renumbered
    /// `0..kept.len()` in order: `pos[v]` is the new id of kept node `v`, `u32::MAX`
    /// for the others, whose entries are dropped. Rows keep their order, so they stay
    /// sorted. When every dropped row is empty and no entry points to a dropped
    /// column (dropping the isolated nodes of a symmetric matrix), this is one
    /// parallel pass over the targets; otherwise the kept rows are filtered in
    /// parallel blocks. Memory: the new matrix.
    pub fn induced(&self, kept: &[u32], pos: &[u32]) -> Csr {
        use rayon::prelude::*;
        debug_assert!(kept.windows(2).all(|w| w[0] < w[1]));
        let dropped_rows_empty = kept
            .iter()
            .map(|&v| self.row_len(v as usize))
            .sum::<usize>()
            == self.nnz();
        if dropped_rows_empty {
            let targets: Vec<u32> = self.targets.par_iter().map(|&u| pos[u as usize]).collect();
            if !targets.par_iter().any(|&t| t == u32::MAX) {
                let mut offsets: Vec<u64> =
                    kept.iter().map(|&v| self.offsets[v as usize]).collect();
                offsets.push(self.nnz() as u64);
                return Csr::from_parts_unchecked(
                    kept.len(),
                    offsets,
                    targets,
                    self.weights.clone(),
                );
            }
        }
        let blocks: Vec<(Vec<u64>, Vec<u32>, Vec<f32>)> = kept
            .par_chunks(1024)
            .map(|block| {
                let (mut lens, mut t, mut w) =
                    (Vec::with_capacity(block.len()), Vec::new(), Vec::new());
                for &v in block {
                    let before = t.len();
                    for (u, x) in self.row_entries(v as usize) {
                        let p = pos[u as usize];
                        if p != u32::MAX {
                            t.push(p);
                            if self.weights.is_some() {
                                w.push(x);
                            }
                        }
                    }
                    lens.push((t.len() - before) as u64);
                }
                (lens, t, w)
            })
            .collect();
        let nnz: usize = blocks.iter().map(|b| b.1.len()).sum();
        let mut offsets = Vec::with_capacity(kept.len() + 1);
        offsets.push(0u64);
        let mut targets = Vec::with_capacity(nnz);
        let mut weights = Vec::with_capacity(if self.weights.is_some() { nnz } else { 0 });
        for (lens, t, w) in blocks {
            for len in lens {
                offsets.push(offsets.last().expect("starts with 0") + len);
            }
            targets.extend_from_slice(&t);
            weights.extend_from_slice(&w);
        }
        let weights = self.weights.is_some().then_some(weights);
        Csr::from_parts_unchecked(kept.len(), offsets, targets, weights)
    }

    /// Whether the matrix equals its transpose (same pattern and values).
    pub fn is_symmetric(&self) -> bool {
        if self.n_rows() != self.n_cols {
            return false;
        }
        let t = crate::kernels::transpose(self);
        &t == self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A matrix from `(row, col, weight)` triples (duplicates keep the first).
    fn csr(n: usize, entries: &[(u32, u32, f32)], weighted: bool) -> Csr {
        let mut rows: Vec<Vec<(u32, f32)>> = vec![Vec::new(); n];
        for &(r, c, w) in entries {
            if !rows[r as usize].iter().any(|e| e.0 == c) {
                rows[r as usize].push((c, w));
            }
        }
        let mut offsets = vec![0u64];
        let (mut targets, mut weights) = (Vec::new(), Vec::new());
        for row in &mut rows {
            row.sort_by_key(|e| e.0);
            for &(c, w) in row.iter() {
                targets.push(c);
                weights.push(w);
            }
            offsets.push(targets.len() as u64);
        }
        Csr::from_parts(n, offsets, targets, weighted.then_some(weights)).unwrap()
    }

    /// The induced submatrix entry by entry.
    fn induced_naive(a: &Csr, kept: &[u32]) -> Vec<Vec<(u32, f32)>> {
        kept.iter()
            .map(|&v| {
                kept.iter()
                    .enumerate()
                    .filter_map(|(j, &u)| a.get(v as usize, u).map(|w| (j as u32, w)))
                    .collect()
            })
            .collect()
    }

    proptest! {
        #[test]
        fn induced_matches_naive(
            n in 1usize..30,
            raw in proptest::collection::vec((0u32..30, 0u32..30, 0.0f32..3.0), 0..80),
            keep_mask in proptest::collection::vec(any::<bool>(), 30),
            weighted in any::<bool>(),
            symmetric_isolated in any::<bool>(),
        ) {
            let mut entries: Vec<(u32, u32, f32)> = raw
                .iter()
                .filter(|e| (e.0 as usize) < n && (e.1 as usize) < n)
                .copied()
                .collect();
            if symmetric_isolated {
                // Both directions: dropping the nodes without entries takes the
                // one-pass path.
                let rev: Vec<_> = entries.iter().map(|&(r, c, w)| (c, r, w)).collect();
                entries.extend(rev);
            }
            let a = csr(n, &entries, weighted);
            let kept: Vec<u32> = (0..n as u32)
                .filter(|&v| if symmetric_isolated { a.row_len(v as usize) > 0 } else { keep_mask[v as usize] })
                .collect();
            let mut pos = vec![u32::MAX; n];
            for (i, &v) in kept.iter().enumerate() {
                pos[v as usize] = i as u32;
            }
            let b = a.induced(&kept, &pos);
            prop_assert_eq!(b.n_rows(), kept.len());
            prop_assert_eq!(b.n_cols(), kept.len());
            prop_assert_eq!(b.is_weighted(), weighted);
            let got: Vec<Vec<(u32, f32)>> = (0..kept.len()).map(|i| b.row_entries(i).collect()).collect();
            prop_assert_eq!(got, induced_naive(&a, &kept));
            // The invariants hold (sorted rows, ids in range).
            let (nc, o, t, w) = b.into_parts();
            prop_assert!(Csr::from_parts(nc, o, t, w).is_ok());
        }
    }
}
