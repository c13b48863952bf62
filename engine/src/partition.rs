//! Contiguous row ranges balanced by work, the unit of parallelism of every kernel.
//!
//! A kernel written over one row range (`Range<usize>`) with an explicit input
//! vector runs unchanged on one machine (all ranges on a rayon pool) or on many (one
//! range per worker, in the style of Gemini's chunk-based partitioning, Zhu et al.,
//! OSDI 2016).

use std::ops::Range;

/// Splits rows `0..n_rows` into at most `parts` contiguous ranges with about equal
/// cost, where row `i` costs `offsets[i + 1] - offsets[i] + row_cost` (its nonzeros
/// plus a fixed per-row overhead). Empty ranges are never returned; the ranges cover
/// every row in order.
///
/// ```
/// use spargraph_engine::partition::balanced_ranges;
/// // Row 0 has 8 nonzeros, rows 1..5 have 1 each.
/// let offsets = [0u64, 8, 9, 10, 11, 12];
/// let r = balanced_ranges(&offsets, 2, 0);
/// assert_eq!(r, vec![0..1, 1..5]);
/// ```
pub fn balanced_ranges(offsets: &[u64], parts: usize, row_cost: u64) -> Vec<Range<usize>> {
    let n_rows = offsets.len().saturating_sub(1);
    if n_rows == 0 {
        return Vec::new();
    }
    let parts = parts.clamp(1, n_rows);
    let total = offsets[n_rows] - offsets[0] + row_cost * n_rows as u64;
    let mut ranges = Vec::with_capacity(parts);
    let mut start = 0usize;
    for p in 1..=parts {
        if start >= n_rows {
            break;
        }
        let end = if p == parts {
            n_rows
        } else {
            // First row boundary whose cumulative cost reaches p/parts of the total.
            let goal = (total as u128 * p as u128 / parts as u128) as u64;
            let cost = |i: usize| offsets[i] - offsets[0] + row_cost * i as u64;
            let (mut lo, mut hi) = (start + 1, n_rows);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if cost(mid) >= goal {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            lo
        };
        if end > start {
            ranges.push(start..end);
            start = end;
        }
    }
    ranges
}

/// [`balanced_ranges`] with every boundary moved to a multiple of `align` rows (the
/// last range still ends at `n_rows`), so that each aligned block of `align` rows
/// lies in exactly one range. Empty ranges are dropped.
///
/// ```
/// use spargraph_engine::partition::aligned_ranges;
/// let offsets: Vec<u64> = (0..=1000).collect();
/// let r = aligned_ranges(&offsets, 3, 0, 256);
/// assert_eq!(r, vec![0..256, 256..768, 768..1000]);
/// ```
pub fn aligned_ranges(
    offsets: &[u64],
    parts: usize,
    row_cost: u64,
    align: usize,
) -> Vec<Range<usize>> {
    let n_rows = offsets.len().saturating_sub(1);
    let align = align.max(1);
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for r in balanced_ranges(offsets, parts, row_cost) {
        let end = if r.end == n_rows {
            n_rows
        } else {
            ((r.end + align / 2) / align * align).min(n_rows)
        };
        if end > start {
            out.push(start..end);
            start = end;
        }
    }
    if start < n_rows {
        match out.last_mut() {
            Some(last) => last.end = n_rows,
            None => out.push(0..n_rows),
        }
    }
    out
}

/// Number of work chunks to cut a parallel kernel into: several per thread so that
/// rayon can balance uneven rows, and never more than the number of rows.
pub fn default_parts(n_rows: usize) -> usize {
    let threads = rayon::current_num_threads().max(1);
    (threads * 8).min(n_rows.max(1))
}

/// Splits `data` (row-major, `width` values per row) into mutable slices matching
/// `ranges`, which must be contiguous, in order and start at row 0.
pub fn split_rows_mut<'a, T>(
    mut data: &'a mut [T],
    ranges: &[Range<usize>],
    width: usize,
) -> Vec<&'a mut [T]> {
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        let (head, tail) = data.split_at_mut(r.len() * width);
        out.push(head);
        data = tail;
    }
    out
}

/// Turns per-chunk row counts into per-chunk write cursors and returns the row
/// offsets: chunk `p` writes row `v` from `offsets[v] + sum_{q < p} counts[q][v]` on.
pub(crate) fn counts_to_cursors(cursors: &mut [Vec<u64>], n: usize) -> Vec<u64> {
    let mut offsets = vec![0u64; n + 1];
    let mut running = 0u64;
    for v in 0..n {
        offsets[v] = running;
        for c in cursors.iter_mut() {
            let count = c[v];
            c[v] = running;
            running += count;
        }
    }
    offsets[n] = running;
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn ranges_cover_rows_in_order(degs in proptest::collection::vec(0u64..50, 1..200), parts in 1usize..20, row_cost in 0u64..3) {
            let mut offsets = vec![0u64];
            for d in &degs { offsets.push(offsets.last().unwrap() + d); }
            let r = balanced_ranges(&offsets, parts, row_cost);
            prop_assert!(!r.is_empty());
            prop_assert!(r.len() <= parts);
            prop_assert_eq!(r[0].start, 0);
            prop_assert_eq!(r.last().unwrap().end, degs.len());
            for w in r.windows(2) { prop_assert_eq!(w[0].end, w[1].start); }
            for x in &r { prop_assert!(x.end > x.start); }
            // No range costs more than its share plus the largest single row.
            let total: u64 = degs.iter().sum::<u64>() + row_cost * degs.len() as u64;
            let max_row = degs.iter().map(|d| d + row_cost).max().unwrap();
            for x in &r {
                let c: u64 = degs[x.clone()].iter().map(|d| d + row_cost).sum();
                prop_assert!(c <= total / r.len() as u64 + 2 * max_row + 1, "range {:?} cost {} total {}", x, c, total);
            }
        }
    }

    #[test]
    fn empty_matrix_has_no_ranges() {
        assert!(balanced_ranges(&[0], 4, 1).is_empty());
    }
}
