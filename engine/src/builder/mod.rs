//! Parallel, deterministic construction of a CSR from edge arrays.
//!
//! The build follows the classic four passes (as in neo4j-labs/graph's
//! `graph_builder`): per-chunk degree count, prefix sum, scatter, per-row sort and
//! deduplication. The edge list is cut into contiguous chunks; each chunk counts
//! its own row degrees, so the scatter writes every row's entries in input order
//! without atomics. The result is therefore identical for any number of threads, and
//! the `First` duplicate policy really keeps the first occurrence in input order.

use crate::csr::Csr;
use crate::error::EngineError;
use crate::graph::Graph;
use crate::kernels::transpose;
use crate::partition::{balanced_ranges, counts_to_cursors, default_parts, split_rows_mut};
use crate::sync_ptr::SyncPtr;
use rayon::prelude::*;
use std::ops::Range;

/// What to do when the same (source, target) pair occurs more than once.
///
/// On an undirected graph, `(u, v)` and `(v, u)` are the same edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DuplicatePolicy {
    /// Add the weights (an unweighted edge weighs 1, so on an unweighted graph the
    /// weight becomes the multiplicity, and the graph is weighted if any duplicate
    /// exists). This is what `scipy.sparse` does.
    Sum,
    /// Keep the largest weight (on an unweighted graph: collapse to one edge).
    Max,
    /// Keep the first occurrence in input order (on an unweighted graph: collapse).
    #[default]
    First,
    /// Fail with [`EngineError::DuplicateEdge`].
    Error,
}

/// What to do with edges from a node to itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SelfLoopPolicy {
    /// Keep self-loops (an undirected self-loop is stored once, in its node's row).
    #[default]
    Keep,
    /// Drop self-loops.
    Drop,
}

/// Options of [`build_graph`] and [`build_csr`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// Directed graphs keep arcs as given and also build the incoming CSR;
    /// undirected graphs are stored symmetric (each edge in both rows).
    pub directed: bool,
    /// Duplicate edge policy (default [`DuplicatePolicy::First`]).
    pub duplicates: DuplicatePolicy,
    /// Self-loop policy (default [`SelfLoopPolicy::Keep`]).
    pub self_loops: SelfLoopPolicy,
}

impl BuildOptions {
    /// Undirected, keep self-loops, collapse duplicates keeping the first.
    pub fn undirected() -> Self {
        BuildOptions {
            directed: false,
            duplicates: DuplicatePolicy::First,
            self_loops: SelfLoopPolicy::Keep,
        }
    }

    /// Directed, keep self-loops, collapse duplicates keeping the first.
    pub fn directed() -> Self {
        BuildOptions {
            directed: true,
            ..Self::undirected()
        }
    }
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self::undirected()
    }
}

/// Builds a [`Graph`] on nodes `0..n_nodes` from arcs `src[k] -> dst[k]` with optional
/// weights. See [`build_csr`] for the checks made on the input.
pub fn build_graph(
    n_nodes: usize,
    src: &[u32],
    dst: &[u32],
    weights: Option<&[f32]>,
    options: &BuildOptions,
) -> Result<Graph, EngineError> {
    let out = build_csr(
        n_nodes,
        src,
        dst,
        weights,
        !options.directed,
        options.duplicates,
        options.self_loops,
    )?;
    if options.directed {
        let incoming = transpose(&out);
        Ok(Graph::from_csr_directed(out, incoming))
    } else {
        Ok(Graph::from_csr_undirected(out))
    }
}

/// Builds the `n x n` CSR of the arcs `src[k] -> dst[k]` (and `dst[k] -> src[k]` when
/// `symmetrize`), sorted within rows, with the given duplicate and self-loop policies.
///
/// Fails if the arrays differ in length, an id is `>= n`, or a weight is NaN,
/// infinite or negative (the first offending edge in input order is reported).
pub fn build_csr(
    n: usize,
    src: &[u32],
    dst: &[u32],
    weights: Option<&[f32]>,
    symmetrize: bool,
    duplicates: DuplicatePolicy,
    self_loops: SelfLoopPolicy,
) -> Result<Csr, EngineError> {
    validate(n, src, dst, weights)?;
    let drop_loops = self_loops == SelfLoopPolicy::Drop;
    let m = src.len();
    let chunks = edge_chunks(m, n);

    // Pass 1: per-chunk row counts.
    let mut cursors: Vec<Vec<u64>> = chunks
        .par_iter()
        .map(|r| {
            let mut counts = vec![0u64; n];
            for k in r.clone() {
                let (u, v) = (src[k] as usize, dst[k] as usize);
                if u == v {
                    if !drop_loops {
                        counts[u] += 1;
                    }
                    continue;
                }
                counts[u] += 1;
                if symmetrize {
                    counts[v] += 1;
                }
            }
            counts
        })
        .collect();

    // Pass 2: prefix sum into row offsets; turn counts into per-chunk write cursors.
    let offsets = counts_to_cursors(&mut cursors, n);
    let nnz = offsets[n] as usize;

    // Pass 3: scatter each chunk into its reserved slots, in input order.
    let mut targets = vec![0u32; nnz];
    let mut values = weights.map(|_| vec![0f32; nnz]);
    {
        let tp = SyncPtr::new(&mut targets);
        let wp = values.as_mut().map(|w| SyncPtr::new(w));
        chunks
            .par_iter()
            .zip(cursors.par_iter_mut())
            .for_each(|(r, cur)| {
                for k in r.clone() {
                    let (u, v) = (src[k], dst[k]);
                    if u == v && drop_loops {
                        continue;
                    }
                    let pos = cur[u as usize] as usize;
                    cur[u as usize] += 1;
                    // SAFETY: each chunk writes only its own reserved slots of each row.
                    unsafe { tp.write(pos, v) };
                    if let (Some(wp), Some(w)) = (wp, weights) {
                        unsafe { wp.write(pos, w[k]) };
                    }
                    if symmetrize && u != v {
                        let pos = cur[v as usize] as usize;
                        cur[v as usize] += 1;
                        unsafe { tp.write(pos, u) };
                        if let (Some(wp), Some(w)) = (wp, weights) {
                            unsafe { wp.write(pos, w[k]) };
                        }
                    }
                }
            });
    }
    drop(cursors);

    // Pass 4: sort each row and merge duplicates. `Sum` on an unweighted graph
    // counts multiplicities, so it merges unit weights and keeps them only if some
    // edge was repeated.
    let unit_weights = values.is_none() && duplicates == DuplicatePolicy::Sum;
    if unit_weights {
        values = Some(vec![1f32; nnz]);
    }
    let (csr, had_duplicates) = sort_and_merge(n, offsets, targets, values, duplicates)?;
    if unit_weights && !had_duplicates {
        return Ok(csr.without_weights());
    }
    Ok(csr)
}

fn validate(
    n: usize,
    src: &[u32],
    dst: &[u32],
    weights: Option<&[f32]>,
) -> Result<(), EngineError> {
    if n > u32::MAX as usize {
        return Err(EngineError::TooManyNodes {
            count: n as u64,
            max: u32::MAX as u64,
        });
    }
    if src.len() != dst.len() {
        return Err(EngineError::LengthMismatch {
            what: format!("{} sources, {} targets", src.len(), dst.len()),
        });
    }
    if let Some(w) = weights {
        if w.len() != src.len() {
            return Err(EngineError::LengthMismatch {
                what: format!("{} edges, {} weights", src.len(), w.len()),
            });
        }
        // `any` first (cheap), the position of the first offender only on failure.
        let bad = |x: &f32| !(x.is_finite() && *x >= 0.0);
        if w.par_iter().any(bad) {
            let k = w.iter().position(bad).unwrap_or(0);
            return Err(EngineError::InvalidWeight {
                index: k,
                value: w[k],
            });
        }
    }
    for ids in [src, dst] {
        let max = ids.par_iter().copied().max().unwrap_or(0);
        if !ids.is_empty() && max as usize >= n {
            let k = ids.iter().position(|&x| x as usize >= n).unwrap_or(0);
            return Err(EngineError::NodeOutOfRange {
                id: ids[k] as u64,
                n_nodes: n as u64,
            });
        }
    }
    Ok(())
}

/// Cuts `m` edges into contiguous chunks for the counting scatter. Each chunk holds an
/// `n`-entry cursor array, so the number of chunks is kept to what the threads can use
/// and what memory allows (at most about one cursor per edge overall).
fn edge_chunks(m: usize, n: usize) -> Vec<Range<usize>> {
    let threads = rayon::current_num_threads().max(1);
    let by_memory = m.checked_div(n).unwrap_or(1).max(1);
    let by_size = (m / 65_536).max(1);
    let p = threads.min(by_memory).min(by_size).max(1);
    (0..p).map(|i| i * m / p..(i + 1) * m / p).collect()
}

/// Sorts every row by column and merges repeated columns by `policy`, then compacts.
fn sort_and_merge(
    n: usize,
    offsets: Vec<u64>,
    mut targets: Vec<u32>,
    mut values: Option<Vec<f32>>,
    policy: DuplicatePolicy,
) -> Result<(Csr, bool), EngineError> {
    let ranges = balanced_ranges(&offsets, default_parts(n), 1);
    // Slices of targets/values per row range (ranges are contiguous from row 0).
    let nnz_ranges: Vec<Range<usize>> = ranges
        .iter()
        .map(|r| offsets[r.start] as usize..offsets[r.end] as usize)
        .collect();
    let mut new_len = vec![0u64; n];
    {
        let t_slices = split_by(&mut targets, &nnz_ranges);
        let w_slices: Vec<Option<&mut [f32]>> = match values.as_mut() {
            Some(w) => split_by(w, &nnz_ranges).into_iter().map(Some).collect(),
            None => nnz_ranges.iter().map(|_| None).collect(),
        };
        let len_slices = split_rows_mut(&mut new_len, &ranges, 1);
        let results: Vec<Result<(), EngineError>> = ranges
            .par_iter()
            .zip(t_slices)
            .zip(w_slices)
            .zip(len_slices)
            .map(|(((rows, ts), ws), lens)| {
                let base = offsets[rows.start] as usize;
                let mut scratch: Vec<(u32, f32)> = Vec::new();
                let mut ws = ws;
                for (li, row) in rows.clone().enumerate() {
                    let r = offsets[row] as usize - base..offsets[row + 1] as usize - base;
                    let t = &mut ts[r.clone()];
                    let kept = match ws.as_deref_mut() {
                        None => merge_unweighted(row as u32, t, policy)?,
                        Some(w) => merge_weighted(row as u32, t, &mut w[r], policy, &mut scratch)?,
                    };
                    lens[li] = kept as u64;
                }
                Ok(())
            })
            .collect();
        for r in results {
            r?;
        }
    }
    let total: u64 = new_len.par_iter().sum();
    if total == *offsets.last().unwrap() {
        return Ok((
            Csr::from_parts_unchecked(n, offsets, targets, values),
            false,
        ));
    }
    let csr = compact(n, &offsets, &new_len, &targets, values.as_deref());
    Ok((csr, true))
}

fn split_by<'a, T>(mut data: &'a mut [T], ranges: &[Range<usize>]) -> Vec<&'a mut [T]> {
    let mut out = Vec::with_capacity(ranges.len());
    let mut pos = 0;
    for r in ranges {
        debug_assert_eq!(r.start, pos);
        let (head, tail) = data.split_at_mut(r.len());
        out.push(head);
        data = tail;
        pos = r.end;
    }
    out
}

/// Sorts an unweighted row and removes repeats; returns the kept length.
fn merge_unweighted(
    row: u32,
    t: &mut [u32],
    policy: DuplicatePolicy,
) -> Result<usize, EngineError> {
    if t.len() < 2 {
        return Ok(t.len());
    }
    if !t.windows(2).all(|w| w[0] < w[1]) {
        t.sort_unstable();
    }
    let mut kept = 1;
    for k in 1..t.len() {
        if t[k] == t[kept - 1] {
            if policy == DuplicatePolicy::Error {
                return Err(EngineError::DuplicateEdge {
                    src: row,
                    dst: t[k],
                });
            }
        } else {
            t[kept] = t[k];
            kept += 1;
        }
    }
    Ok(kept)
}

/// Stably sorts a weighted row by column and merges repeats by `policy`.
fn merge_weighted(
    row: u32,
    t: &mut [u32],
    w: &mut [f32],
    policy: DuplicatePolicy,
    scratch: &mut Vec<(u32, f32)>,
) -> Result<usize, EngineError> {
    if t.len() < 2 {
        return Ok(t.len());
    }
    if !t.windows(2).all(|x| x[0] < x[1]) {
        scratch.clear();
        scratch.extend(t.iter().copied().zip(w.iter().copied()));
        scratch.sort_by_key(|e| e.0); // stable: repeats stay in input order
        for (k, &(c, x)) in scratch.iter().enumerate() {
            t[k] = c;
            w[k] = x;
        }
    } else {
        return Ok(t.len());
    }
    let mut kept = 1;
    for k in 1..t.len() {
        if t[k] == t[kept - 1] {
            match policy {
                DuplicatePolicy::Error => {
                    return Err(EngineError::DuplicateEdge {
                        src: row,
                        dst: t[k],
                    })
                }
                DuplicatePolicy::Sum => w[kept - 1] += w[k],
                DuplicatePolicy::Max => w[kept - 1] = w[kept - 1].max(w[k]),
                DuplicatePolicy::First => {}
            }
        } else {
            t[kept] = t[k];
            w[kept] = w[k];
            kept += 1;
        }
    }
    Ok(kept)
}

/// Copies the first `new_len[i]` entries of every row into fresh, tight arrays.
fn compact(
    n: usize,
    offsets: &[u64],
    new_len: &[u64],
    targets: &[u32],
    values: Option<&[f32]>,
) -> Csr {
    let mut new_offsets = vec![0u64; n + 1];
    for i in 0..n {
        new_offsets[i + 1] = new_offsets[i] + new_len[i];
    }
    let nnz = new_offsets[n] as usize;
    let ranges = balanced_ranges(&new_offsets, default_parts(n), 1);
    let mut new_targets = vec![0u32; nnz];
    let mut new_values = values.map(|_| vec![0f32; nnz]);
    let nnz_ranges: Vec<Range<usize>> = ranges
        .iter()
        .map(|r| new_offsets[r.start] as usize..new_offsets[r.end] as usize)
        .collect();
    let t_slices = split_by(&mut new_targets, &nnz_ranges);
    let w_slices: Vec<Option<&mut [f32]>> = match new_values.as_mut() {
        Some(w) => split_by(w, &nnz_ranges).into_iter().map(Some).collect(),
        None => nnz_ranges.iter().map(|_| None).collect(),
    };
    ranges
        .par_iter()
        .zip(t_slices)
        .zip(w_slices)
        .for_each(|((rows, ts), ws)| {
            let base = new_offsets[rows.start] as usize;
            let mut ws = ws;
            for row in rows.clone() {
                let len = new_len[row] as usize;
                let from = offsets[row] as usize;
                let to = new_offsets[row] as usize - base;
                ts[to..to + len].copy_from_slice(&targets[from..from + len]);
                if let (Some(w), Some(v)) = (ws.as_deref_mut(), values) {
                    w[to..to + len].copy_from_slice(&v[from..from + len]);
                }
            }
        });
    Csr::from_parts_unchecked(n, new_offsets, new_targets, new_values)
}

#[cfg(test)]
mod tests;
