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

    /// Whether the matrix equals its transpose (same pattern and values).
    pub fn is_symmetric(&self) -> bool {
        if self.n_rows() != self.n_cols {
            return false;
        }
        let t = crate::kernels::transpose(self);
        &t == self
    }
}
