//! The undirected view `A + A^T` of a directed graph, built from its out- and in-CSR.

use crate::csr::Csr;
use crate::partition::{balanced_ranges, default_parts};
use crate::sync_ptr::SyncPtr;
use rayon::prelude::*;

/// Merges the rows of `out` (= `A`) and `incoming` (= `A^T`) into the CSR of
/// `A + A^T` with the diagonal taken once: entry `(u, v)` for `u != v` weighs
/// `w(u, v) + w(v, u)` (a missing arc counts 0) and a self-loop keeps its weight.
/// This is the graph the loader builds when the same arcs are read as undirected
/// with duplicates summed. Rows stay sorted; weights are kept when either input has
/// them. Runs in parallel over nnz-balanced row ranges and is deterministic.
///
/// Both matrices must be square of the same size and `incoming` the transpose of `out`.
pub fn symmetrize(out: &Csr, incoming: &Csr) -> Csr {
    assert_eq!(out.n_rows(), incoming.n_rows(), "symmetrize: sizes differ");
    let n = out.n_rows();
    let weighted = out.is_weighted() || incoming.is_weighted();
    // Pass 1: merged row lengths.
    let lengths: Vec<u64> = (0..n)
        .into_par_iter()
        .with_min_len(1024)
        .map(|u| merge_row(out, incoming, u, |_, _| {}) as u64)
        .collect();
    let mut offsets = Vec::with_capacity(n + 1);
    let mut running = 0u64;
    offsets.push(0);
    for l in &lengths {
        running += l;
        offsets.push(running);
    }
    drop(lengths);
    let nnz = running as usize;
    let mut targets = vec![0u32; nnz];
    let mut weights = if weighted {
        vec![0f32; nnz]
    } else {
        Vec::new()
    };
    let tp = SyncPtr::new(&mut targets);
    let wp = SyncPtr::new(&mut weights);
    let ranges = balanced_ranges(&offsets, default_parts(n), 1);
    ranges.into_par_iter().for_each(|r| {
        for u in r {
            let mut k = offsets[u] as usize;
            merge_row(out, incoming, u, |v, w| {
                // SAFETY: rows own disjoint slots offsets[u]..offsets[u + 1], and the
                // merge writes exactly the counted number of entries.
                unsafe {
                    tp.write(k, v);
                    if weighted {
                        wp.write(k, w);
                    }
                }
                k += 1;
            });
        }
    });
    Csr::from_parts(n, offsets, targets, weighted.then_some(weights))
        .expect("symmetrize: merged rows are valid CSR")
}

/// Walks the sorted union of row `u` of `a` and of `b`, calling `emit(target, weight)`
/// once per distinct target; returns the count.
fn merge_row(a: &Csr, b: &Csr, u: usize, mut emit: impl FnMut(u32, f32)) -> usize {
    let (ta, tb) = (a.row(u), b.row(u));
    let wa = |i: usize| a.row_weights(u).map_or(1.0, |w| w[i]);
    let wb = |i: usize| b.row_weights(u).map_or(1.0, |w| w[i]);
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < ta.len() || j < tb.len() {
        let next_a = ta.get(i).copied().unwrap_or(u32::MAX);
        let next_b = tb.get(j).copied().unwrap_or(u32::MAX);
        if i < ta.len() && (j >= tb.len() || next_a < next_b) {
            emit(next_a, wa(i));
            i += 1;
        } else if j < tb.len() && (i >= ta.len() || next_b < next_a) {
            emit(next_b, wb(j));
            j += 1;
        } else {
            // Same target in both rows: an arc each way, or a self-loop seen twice.
            let w = if next_a as usize == u {
                wa(i)
            } else {
                wa(i) + wb(j)
            };
            emit(next_a, w);
            i += 1;
            j += 1;
        }
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::{build_graph, BuildOptions};
    use crate::kernels::transpose;

    fn dense(c: &Csr) -> Vec<Vec<f32>> {
        let n = c.n_rows();
        let mut m = vec![vec![0f32; n]; n];
        for (u, row) in m.iter_mut().enumerate() {
            for (v, w) in c.row_entries(u) {
                row[v as usize] += w;
            }
        }
        m
    }

    #[test]
    fn equals_a_plus_a_transpose_with_loops_once() {
        let src = [0u32, 0, 1, 2, 3, 3, 1];
        let dst = [1u32, 2, 0, 2, 0, 1, 3];
        let w = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        let g = build_graph(4, &src, &dst, Some(&w), &BuildOptions::directed()).unwrap();
        let s = symmetrize(g.out(), g.incoming());
        let a = dense(g.out());
        let m = dense(&s);
        for u in 0..4 {
            for v in 0..4 {
                let expect = if u == v { a[u][v] } else { a[u][v] + a[v][u] };
                assert_eq!(m[u][v], expect, "entry ({u},{v})");
            }
        }
        assert!(s.is_symmetric());
        assert_eq!(transpose(&s), s);
    }

    #[test]
    fn unweighted_stays_unweighted() {
        let g = build_graph(3, &[0, 1], &[1, 2], None, &BuildOptions::directed()).unwrap();
        let s = symmetrize(g.out(), g.incoming());
        assert!(!s.is_weighted());
        assert_eq!(s.row(1), &[0, 2]);
        assert_eq!(s.nnz(), 4);
    }
}
