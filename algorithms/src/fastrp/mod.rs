//! FastRP node embeddings (Chen, Sultan, Tian, Chen & Skiena, "Fast and Accurate
//! Network Embeddings via Very Sparse Random Projection", CIKM 2019).
//!
//! With `A` the adjacency (weighted if the graph is), `D` its weighted degrees,
//! `M = D^-1 A` the random-walk transition matrix and `R` an `n x dim` very sparse
//! random projection (entries `+-sqrt(s/dim)` with probability `1/(2s)` each):
//!
//! ```text
//! N_0 = D^beta R            (last columns: X P for node features X, if asked)
//! N_i = M N_(i-1)           for i = 1..q
//! E   = w_0 N_0 + sum_i w_i N_i       (each N_i L2-normalised by row first, if asked)
//! E  <- (E - mean) / sd     by column, if asked
//! ```
//!
//! It covers the reference code (GTmac/FastRP: `s = sqrt(n)`, per-power normalisation,
//! final standardisation) and Neo4j GDS's FastRP (`s = 3`, `nodeSelfInfluence` as
//! `w_0`, `propertyRatio` with node features, orientation). The powers run on the
//! engine's SpMM, fused with the normalisation and the weighted sum while each block
//! of rows is still in cache. With the reference's `s = sqrt(n)`, `N_0` is kept as
//! entry lists and the first hop gathers those; on CPUs with AVX-512, `N_1` too stays
//! compressed (as [`MaskedRows`]) while the rows the second hop gathers are
//! expected to be mostly zeros. Memory: three `n x dim` f32 matrices besides the
//! graph, two when only the last two powers have weights (as with the defaults).
//!
//! ```
//! use spargraph_algorithms::fastrp::{fastrp, FastRpConfig};
//! use spargraph_engine::builder::{build_graph, BuildOptions};
//!
//! let g = build_graph(4, &[0, 1, 2], &[1, 2, 3], None, &BuildOptions::undirected()).unwrap();
//! let config = FastRpConfig { dim: 8, ..FastRpConfig::default() };
//! let e = fastrp(&g, &config).unwrap();
//! assert_eq!(e.values.len(), 4 * 8);
//! assert!(e.values.iter().all(|v| v.is_finite()));
//! ```

mod config;
pub mod projection;
pub mod standardize;

pub use config::{FastRpConfig, Orientation, Sparsity};

use crate::error::AlgorithmError;
use projection::{feature_projection, for_each_sparse_entry, sparse_random_row};
use rayon::prelude::*;
use spargraph_engine::kernels::{
    masked_spmm_is_vectorised, row_sums, spmm_masked_range, spmm_range, MaskedRows, MaskedRowsPart,
    Normalization, Operator,
};
use spargraph_engine::memory::zeroed_f32;
use spargraph_engine::partition::{aligned_ranges, balanced_ranges, default_parts, split_rows_mut};
use spargraph_engine::symmetrize::symmetrize;
use spargraph_engine::{Csr, Graph};
use standardize::{normalize_row, sum_of_squares, ColumnMoments, ColumnScaling};
use std::borrow::Cow;
use std::ops::Range;

/// Dense node features: `values` holds `n x width` numbers, row-major, one row per
/// node in the graph's node order.
#[derive(Clone, Copy, Debug)]
pub struct Features<'a> {
    /// The `n x width` values.
    pub values: &'a [f32],
    /// Features per node.
    pub width: usize,
}

/// Optional inputs of [`fastrp_with`] beyond the graph and the options.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastRpInput<'a> {
    /// Node features, used for the last `property_dim` coordinates when
    /// `property_ratio > 0`.
    pub features: Option<Features<'a>>,
    /// One stable key per node (e.g. a hash of its external id) that seeds its row
    /// of `R`, so a node keeps its random vector when the graph around it changes.
    /// Default: the node's index.
    pub node_keys: Option<&'a [u64]>,
    /// An explicit `R` (`n x (dim - property_dim)`, row-major) instead of the random
    /// one; it is still scaled by `D^beta`. For tests and reproductions.
    pub projection: Option<&'a [f32]>,
    /// An explicit feature projection `P` (`width x property_dim`, row-major).
    pub feature_projection: Option<&'a [f32]>,
}

/// Node embeddings: row `v` (`values[v * dim .. (v + 1) * dim]`) belongs to node `v`.
#[derive(Clone, Debug, PartialEq)]
pub struct Embedding {
    /// Coordinates per node.
    pub dim: usize,
    /// The `n x dim` values, row-major.
    pub values: Vec<f32>,
}

impl Embedding {
    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.values.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Node `v`'s vector.
    pub fn row(&self, v: usize) -> &[f32] {
        &self.values[v * self.dim..(v + 1) * self.dim]
    }
}

/// FastRP embeddings of `graph` with a seeded random projection.
/// See [`fastrp_with`] for features, stable node keys and explicit projections.
pub fn fastrp(graph: &Graph, config: &FastRpConfig) -> Result<Embedding, AlgorithmError> {
    fastrp_with(graph, config, &FastRpInput::default())
}

/// The adjacency matrix whose rows a node aggregates over, for `orientation`.
pub fn oriented_adjacency(graph: &Graph, orientation: Orientation) -> Cow<'_, Csr> {
    if !graph.is_directed() {
        return Cow::Borrowed(graph.out());
    }
    match orientation {
        Orientation::Natural => Cow::Borrowed(graph.out()),
        Orientation::Reverse => Cow::Borrowed(graph.incoming()),
        Orientation::Undirected => Cow::Owned(symmetrize(graph.out(), graph.incoming())),
    }
}

/// The transpose of [`oriented_adjacency`] (`a`, already built): itself when it is
/// symmetric.
fn transposed_adjacency<'a>(graph: &'a Graph, orientation: Orientation, a: &'a Csr) -> &'a Csr {
    match (graph.is_directed(), orientation) {
        (true, Orientation::Natural) => graph.incoming(),
        (true, Orientation::Reverse) => graph.out(),
        _ => a,
    }
}

fn mismatch(msg: String) -> AlgorithmError {
    AlgorithmError::Mismatch(msg)
}

/// FastRP embeddings (see the [module docs](self) for the formula).
///
/// Errors: options out of range ([`FastRpConfig::validate`]); features missing when
/// `property_ratio > 0`, given when it is 0, of the wrong size or not finite; node
/// keys or explicit projections of the wrong size.
pub fn fastrp_with(
    graph: &Graph,
    config: &FastRpConfig,
    input: &FastRpInput,
) -> Result<Embedding, AlgorithmError> {
    config.validate()?;
    let n = graph.n_nodes();
    let d = config.dim;
    let k = config.property_dim();
    let d_base = d - k;
    check_inputs(n, d_base, k, input)?;

    let a = oriented_adjacency(graph, config.orientation);
    let degrees = row_sums(&a);
    let s = config.sparsity.resolve(n);
    let mut values = zeroed_f32(n * d);
    let weights = &config.iteration_weights;
    let mut moments = config
        .standardize
        .then(|| ColumnMoments::new(n.div_ceil(SUB_BLOCK), d));
    let mut gathered = false;
    if input.projection.is_none() && k == 0 && 1.0 / s <= SPARSE_FIRST_HOP_MAX_DENSITY {
        // N_0 is very sparse: keep it as lists of entries and let the first hop
        // gather those instead of dense rows (and skip the dense N_0 altogether).
        let n0 = sparse_initial_vectors(n, d, s, &degrees, config, input.node_keys);
        if config.self_influence != 0.0 {
            add_sparse_rows(
                &mut values,
                &n0,
                d,
                config.self_influence,
                config.normalize_iterations,
            );
        }
        // Only the first hop gathers entries: N_1 already has about
        // degree * dim / s entries per row, where scattered scalar adds lose to the
        // vectorised dense SpMM (measured on R-MAT 16, soc-Slashdot and sbm100k).
        // While it is still mostly zeros, N_1 is kept as masked rows, which the
        // second hop expands 16 lanes at a time from cache instead of gathering
        // dense rows from memory.
        if let Some((&w1, rest)) = weights.split_first() {
            let masked = !rest.is_empty()
                && MaskedRows::supports(d)
                && masked_spmm_is_vectorised()
                && gathered_first_hop_density(
                    &a,
                    transposed_adjacency(graph, config.orientation, &a),
                    s,
                ) <= MASKED_FIRST_HOP_MAX_DENSITY;
            let n1 = first_hop_sparse(
                &a,
                &degrees,
                &n0,
                &mut values,
                d,
                w1,
                SumMode {
                    normalize: config.normalize_iterations,
                    written: config.self_influence != 0.0,
                },
                masked,
            );
            drop(n0);
            gathered = propagate(
                &a,
                n1,
                &mut values,
                d,
                rest,
                SumMode {
                    normalize: config.normalize_iterations,
                    written: config.self_influence != 0.0 || w1 != 0.0,
                },
                moments.as_mut(),
            );
        }
    } else {
        let current = initial_vectors(n, d, d_base, &degrees, config, input);
        if config.self_influence != 0.0 {
            add_weighted_rows(
                &mut values,
                &current,
                d,
                config.self_influence,
                config.normalize_iterations,
            );
        }
        gathered = propagate(
            &a,
            Rows::Dense(current),
            &mut values,
            d,
            weights,
            SumMode {
                normalize: config.normalize_iterations,
                written: config.self_influence != 0.0,
            },
            moments.as_mut(),
        );
    }
    drop(a);
    let finite = finish(&mut values, d, n, moments.filter(|_| gathered), config);
    if !finite {
        // Degrees raised to a large |beta|, or huge weights, overflow f32.
        return Err(AlgorithmError::Mismatch(format!(
            "the embedding overflowed single precision (normalization strength {}, \
             iteration weights {:?}, self-influence {}): use a normalization strength \
             nearer 0 (degrees are raised to it) or smaller weights",
            config.normalization_strength, config.iteration_weights, config.self_influence
        )));
    }
    Ok(Embedding { dim: d, values })
}

fn check_inputs(
    n: usize,
    d_base: usize,
    k: usize,
    input: &FastRpInput,
) -> Result<(), AlgorithmError> {
    match (k, input.features) {
        (0, Some(_)) => {
            return Err(mismatch(
                "node features were given but property-ratio is 0 (or dim * ratio rounds to 0): \
                 set --property-ratio to use them"
                    .into(),
            ))
        }
        (k, None) if k > 0 => {
            return Err(mismatch(
                "property-ratio > 0 needs node features (--features)".into(),
            ))
        }
        (_, Some(f)) => {
            if f.values.len() != n * f.width {
                return Err(mismatch(format!(
                    "features hold {} values, expected {} nodes x {} features",
                    f.values.len(),
                    n,
                    f.width
                )));
            }
            if let Some(i) = f.values.iter().position(|v| !v.is_finite()) {
                return Err(mismatch(format!(
                    "feature {} of node index {} is {} (features must be finite)",
                    i % f.width.max(1),
                    i / f.width.max(1),
                    f.values[i]
                )));
            }
            if let Some(p) = input.feature_projection {
                if p.len() != f.width * k {
                    return Err(mismatch(format!(
                        "feature projection holds {} values, expected {} x {}",
                        p.len(),
                        f.width,
                        k
                    )));
                }
            }
        }
        _ => {}
    }
    if let Some(keys) = input.node_keys {
        if keys.len() != n {
            return Err(mismatch(format!(
                "{} node keys for {} nodes",
                keys.len(),
                n
            )));
        }
    }
    if let Some(r) = input.projection {
        if r.len() != n * d_base {
            return Err(mismatch(format!(
                "projection holds {} values, expected {} x {}",
                r.len(),
                n,
                d_base
            )));
        }
    }
    Ok(())
}

/// Rows per block when filling or combining dense matrices in parallel.
const BLOCK_ROWS: usize = 512;

/// `N_0`: the first `d_base` columns are `deg_v^beta` times node `v`'s row of `R`
/// (scale 1 for degree 0), the last `d - d_base` are `x_v P`.
fn initial_vectors(
    n: usize,
    d: usize,
    d_base: usize,
    degrees: &[f64],
    config: &FastRpConfig,
    input: &FastRpInput,
) -> Vec<f32> {
    let s = config.sparsity.resolve(n);
    let beta = config.normalization_strength as f64;
    let k = d - d_base;
    let generated;
    let p: Option<&[f32]> = match input.features {
        Some(f) if k > 0 => Some(match input.feature_projection {
            Some(p) => p,
            None => {
                generated = feature_projection(config.seed, f.width, k);
                &generated
            }
        }),
        _ => None,
    };
    let mut n0 = zeroed_f32(n * d);
    n0.par_chunks_mut(BLOCK_ROWS * d)
        .enumerate()
        .for_each(|(block, rows)| {
            for (i, row) in rows.chunks_exact_mut(d).enumerate() {
                let v = block * BLOCK_ROWS + i;
                let (base, props) = row.split_at_mut(d_base);
                match input.projection {
                    Some(r) => base.copy_from_slice(&r[v * d_base..(v + 1) * d_base]),
                    None => {
                        let key = input.node_keys.map_or(v as u64, |keys| keys[v]);
                        sparse_random_row(config.seed, key, s, base);
                    }
                }
                let deg = degrees[v];
                if deg > 0.0 && beta != 0.0 {
                    let scale = deg.powf(beta) as f32;
                    base.iter_mut().for_each(|x| *x *= scale);
                }
                if let (Some(p), Some(f)) = (p, input.features) {
                    let x = &f.values[v * f.width..(v + 1) * f.width];
                    for (&xf, pf) in x.iter().zip(p.chunks_exact(k)) {
                        if xf != 0.0 {
                            for (o, &w) in props.iter_mut().zip(pf) {
                                *o += xf * w;
                            }
                        }
                    }
                }
            }
        });
    n0
}

/// The factor a row with non-zero values `values` is added with: `weight / ||row||`
/// when normalising (0 for a zero row), else `weight`.
#[inline]
fn row_scale(values: &[f32], weight: f32, normalize: bool) -> f32 {
    if !normalize {
        return weight;
    }
    let norm = sum_of_squares::<f32>(values).sqrt();
    if norm > 0.0 {
        weight / norm
    } else {
        0.0
    }
}

/// `acc_row += weight * row / ||row||` (or `weight * row` without normalisation);
/// zero rows add nothing.
#[inline]
fn add_row(acc: &mut [f32], row: &[f32], weight: f32, normalize: bool) {
    let scale = row_scale(row, weight, normalize);
    if scale != 0.0 {
        for (a, &x) in acc.iter_mut().zip(row) {
            *a += scale * x;
        }
    }
}

/// How powers are added to the embedding: L2-normalised by row first or not, and
/// whether the embedding already holds values (else the first weighted power is
/// written with [`put_row`]).
#[derive(Clone, Copy)]
struct SumMode {
    normalize: bool,
    written: bool,
}

/// [`add_row`] into an `acc` that still holds only zeros when `assign`: writes
/// `weight * row / ||row||` without reading `acc` first. A fresh zeroed buffer is
/// mapped to the shared zero page until written; reading it first would cost a
/// copy-on-write fault per page on the following write.
#[inline]
fn put_row(acc: &mut [f32], row: &[f32], weight: f32, normalize: bool, assign: bool) {
    if !assign {
        return add_row(acc, row, weight, normalize);
    }
    let scale = row_scale(row, weight, normalize);
    for (a, &x) in acc.iter_mut().zip(row) {
        *a = scale * x;
    }
}

fn add_weighted_rows(acc: &mut [f32], x: &[f32], d: usize, weight: f32, normalize: bool) {
    acc.par_chunks_mut(BLOCK_ROWS * d)
        .zip(x.par_chunks(BLOCK_ROWS * d))
        .for_each(|(a, x)| {
            for (ar, xr) in a.chunks_exact_mut(d).zip(x.chunks_exact(d)) {
                add_row(ar, xr, weight, normalize);
            }
        });
}

/// Rows per sub-block of the propagation: each sub-block's SpMM output is added to
/// the embedding while still in cache, and (in the last power) its column moments
/// are gathered for the standardisation.
const SUB_BLOCK: usize = 256;

/// `N_i = M N_(i-1)` for each weight, adding `w_i N_i` (normalised) to `acc` for the
/// rows of each block right after the SpMM computed them. With `moments`, the last
/// power also records the column sums and squares of the final rows of `acc`, per
/// aligned sub-block (returns whether it did).
///
/// When `acc` holds nothing yet and only the last two powers have weights (the
/// default `0, 0, 1, 6`), the second-to-last power is added during the last one
/// instead, from its rows (which the last power reads anyway), and the embedding is
/// built in the buffer of the power before them, which is dead by then: `acc` is
/// swapped for it and never touched. Two `n x d` buffers are written instead of
/// three, which saves the kernel's zeroing of a third one's fresh pages (in a perf
/// profile of FastRP on soc-Slashdot, page zeroing fell from 16 % to 11 %). The
/// sums are the same, in the same order.
fn propagate(
    a: &Csr,
    n0: Rows,
    acc: &mut Vec<f32>,
    d: usize,
    weights: &[f32],
    mut mode: SumMode,
    mut moments: Option<&mut ColumnMoments>,
) -> bool {
    let n = a.n_rows();
    if weights.is_empty() || n == 0 {
        return false;
    }
    let q = weights.len();
    let defer = !mode.written && q >= 2 && weights[..q - 2].iter().all(|&w| w == 0.0);
    let op: Operator<f32> = Operator::new(a, Normalization::Row, false);
    // Boundaries on multiples of SUB_BLOCK: each sub-block (and its moments slot)
    // belongs to one task, whatever the number of threads.
    let ranges = aligned_ranges(a.offsets(), default_parts(n), 2, SUB_BLOCK);
    let block_ranges: Vec<Range<usize>> = ranges
        .iter()
        .map(|r| r.start / SUB_BLOCK..r.end.div_ceil(SUB_BLOCK))
        .collect();
    let mut current = n0;
    // The last power's rows go straight into `acc` from a per-task scratch block,
    // so `next` is only needed with two powers or more.
    let mut next = if q > 1 { zeroed_f32(n * d) } else { Vec::new() };
    for (i, &w) in weights.iter().enumerate() {
        let last = i + 1 == q;
        // The second-to-last power, added with the last one from `current`.
        let deferred = defer && i + 2 == q;
        if last && defer {
            // `next` holds the dead power before the last two: build the embedding there.
            std::mem::swap(acc, &mut next);
        }
        let previous = match (&current, last && defer) {
            (Rows::Dense(rows), true) => Some((weights[q - 2], rows.as_slice())),
            _ => None,
        };
        let slots: Vec<Option<&mut [f64]>> = match moments.as_deref_mut() {
            Some(m) if last => m.split_mut(&block_ranges).into_iter().map(Some).collect(),
            _ => ranges.iter().map(|_| None).collect(),
        };
        let out = (!last).then_some(&mut next);
        let acc_rows = (!deferred).then_some(acc.as_mut_slice());
        power(
            a, &op, &ranges, &current, out, acc_rows, d, w, mode, previous, slots,
        );
        mode.written |= !deferred && (w != 0.0 || previous.is_some());
        if !last {
            let computed = Rows::Dense(std::mem::take(&mut next));
            next = match std::mem::replace(&mut current, computed) {
                Rows::Dense(dead) => dead,
                // Masked rows only ever feed the first of these powers; a buffer
                // for the next output (or the embedding) is needed only if one
                // more power follows this next one, or to build the embedding in.
                Rows::Masked(_) if i + 2 < q || defer => zeroed_f32(n * d),
                Rows::Masked(_) => Vec::new(),
            };
        }
    }
    moments.is_some()
}

/// A power's input: dense row-major rows, or (for `N_1` while it is mostly
/// zeros) masked rows.
enum Rows {
    Dense(Vec<f32>),
    Masked(MaskedRows),
}

/// One power `Y = M X` over the row `ranges`: into `out` when given (else each
/// block into a scratch block), adding `w Y` (normalised) to `acc` when given. With
/// `previous = (w', N)`, each row of `acc` is first set to (`mode` says whether
/// added to) `w' N` (normalised) from the same rows of `N`. Each sub-block's column
/// moments of `acc` go to its `slots` entry, if there is one, once it is complete.
#[allow(clippy::too_many_arguments)]
fn power(
    a: &Csr,
    op: &Operator<f32>,
    ranges: &[Range<usize>],
    x: &Rows,
    out: Option<&mut Vec<f32>>,
    acc: Option<&mut [f32]>,
    d: usize,
    w: f32,
    mode: SumMode,
    previous: Option<(f32, &[f32])>,
    slots: Vec<Option<&mut [f64]>>,
) {
    let outs = split_rows_optional(out.map(|y| y.as_mut_slice()), ranges, d);
    let accs = split_rows_optional(acc, ranges, d);
    ranges.par_iter().zip(outs).zip(accs).zip(slots).for_each(
        |(((r, mut y), mut acc_rows), mut slot)| {
            let mut scratch = if y.is_none() {
                vec![0f32; SUB_BLOCK * d]
            } else {
                Vec::new()
            };
            let mut start = r.start;
            while start < r.end {
                let end = (start + SUB_BLOCK).min(r.end);
                let off = (start - r.start) * d;
                let len = (end - start) * d;
                let y_block = match y.as_deref_mut() {
                    Some(y) => &mut y[off..off + len],
                    None => &mut scratch[..len],
                };
                match x {
                    Rows::Dense(x) => spmm_range(a, op, start..end, x, d, y_block),
                    Rows::Masked(x) => spmm_masked_range(a, op, start..end, x, y_block),
                }
                if let Some(acc_rows) = acc_rows.as_deref_mut() {
                    let acc_block = &mut acc_rows[off..off + len];
                    let previous_rows = previous.map(|(wp, np)| (wp, &np[start * d..end * d]));
                    add_block(acc_block, y_block, d, w, mode, previous_rows);
                    if let Some(slot) = slot.as_deref_mut() {
                        let b = (start - r.start) / SUB_BLOCK;
                        ColumnMoments::accumulate(
                            &mut slot[b * 2 * d..(b + 1) * 2 * d],
                            acc_block,
                            d,
                        );
                    }
                }
                start = end;
            }
        },
    );
}

/// Adds one block of a power's rows `y_block` (weight `w`) to the embedding's rows
/// `acc_block`, normalised as `mode` says. With `previous = (w', rows)`, the
/// block is first set from `w'` times the same rows of the deferred power: `acc`
/// then holds a dead power's values, so every row is written, by this or by the
/// last power's `put_row`.
fn add_block(
    acc_block: &mut [f32],
    y_block: &[f32],
    d: usize,
    w: f32,
    mode: SumMode,
    previous: Option<(f32, &[f32])>,
) {
    let (mut assign, normalize) = (!mode.written, mode.normalize);
    if let Some((wp, rows)) = previous {
        if wp != 0.0 {
            for (ar, pr) in acc_block.chunks_exact_mut(d).zip(rows.chunks_exact(d)) {
                put_row(ar, pr, wp, normalize, assign);
            }
            assign = false;
        } else if w == 0.0 {
            acc_block.fill(0.0);
        }
    }
    if w != 0.0 {
        for (ar, yr) in acc_block.chunks_exact_mut(d).zip(y_block.chunks_exact(d)) {
            put_row(ar, yr, w, normalize, assign);
        }
    }
}

/// `buf` split into the rows of each range (`width` values per row), or `None`
/// for every range without a buffer.
fn split_rows_optional<'a>(
    buf: Option<&'a mut [f32]>,
    ranges: &[Range<usize>],
    width: usize,
) -> Vec<Option<&'a mut [f32]>> {
    match buf {
        Some(buf) => split_rows_mut(buf, ranges, width)
            .into_iter()
            .map(Some)
            .collect(),
        None => ranges.iter().map(|_| None).collect(),
    }
}

/// Largest projection density `1/s` at which `N_0` is kept as entry lists and the
/// first hop gathers entries instead of dense rows.
const SPARSE_FIRST_HOP_MAX_DENSITY: f64 = 1.0 / 8.0;

/// `N_0 = D^beta R` as sorted `(column, value)` lists per node.
struct SparseRows {
    offsets: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f32>,
}

impl SparseRows {
    /// Concatenates per-block `(row lengths, columns, values)` in block order.
    fn from_blocks(blocks: Vec<(Vec<usize>, Vec<u32>, Vec<f32>)>) -> Self {
        let rows: usize = blocks.iter().map(|b| b.0.len()).sum();
        let total: usize = blocks.iter().map(|b| b.1.len()).sum();
        let mut out = SparseRows {
            offsets: Vec::with_capacity(rows + 1),
            cols: Vec::with_capacity(total),
            vals: Vec::with_capacity(total),
        };
        out.offsets.push(0);
        for (lens, cols, vals) in blocks {
            for l in lens {
                let last = *out.offsets.last().unwrap();
                out.offsets.push(last + l);
            }
            out.cols.extend_from_slice(&cols);
            out.vals.extend_from_slice(&vals);
        }
        out
    }

    fn row(&self, v: usize) -> (&[u32], &[f32]) {
        let r = self.offsets[v]..self.offsets[v + 1];
        (&self.cols[r.clone()], &self.vals[r])
    }
}

/// The entries of `N_0` (the same values [`initial_vectors`] would place densely).
fn sparse_initial_vectors(
    n: usize,
    d: usize,
    s: f64,
    degrees: &[f64],
    config: &FastRpConfig,
    keys: Option<&[u64]>,
) -> SparseRows {
    let beta = config.normalization_strength as f64;
    let blocks: Vec<(Vec<usize>, Vec<u32>, Vec<f32>)> = (0..n.div_ceil(BLOCK_ROWS))
        .into_par_iter()
        .map(|b| {
            let rows = b * BLOCK_ROWS..((b + 1) * BLOCK_ROWS).min(n);
            let (mut lens, mut cols, mut vals) =
                (Vec::with_capacity(rows.len()), Vec::new(), Vec::new());
            for v in rows {
                let key = keys.map_or(v as u64, |k| k[v]);
                let scale = if degrees[v] > 0.0 && beta != 0.0 {
                    degrees[v].powf(beta) as f32
                } else {
                    1.0
                };
                let before = cols.len();
                for_each_sparse_entry(config.seed, key, s, d, |pos, value| {
                    cols.push(pos as u32);
                    vals.push(value * scale);
                });
                lens.push(cols.len() - before);
            }
            (lens, cols, vals)
        })
        .collect();
    SparseRows::from_blocks(blocks)
}

/// `acc_v += weight * N_0[v] / ||N_0[v]||` from the sparse rows.
fn add_sparse_rows(acc: &mut [f32], n0: &SparseRows, d: usize, weight: f32, normalize: bool) {
    acc.par_chunks_mut(BLOCK_ROWS * d)
        .enumerate()
        .for_each(|(b, block)| {
            for (i, ar) in block.chunks_exact_mut(d).enumerate() {
                let (cols, vals) = n0.row(b * BLOCK_ROWS + i);
                let scale = row_scale(vals, weight, normalize);
                for (&c, &x) in cols.iter().zip(vals) {
                    ar[c as usize] += scale * x;
                }
            }
        });
}

/// Row `u` of `N_1 = D^-1 A N_0` into `yr`, with `N_0` given as entry lists: the
/// neighbours' entries summed in CSR order (the same sums, in the same order, as
/// the dense SpMM), then scaled by `1 / degree`. `degrees` are the row sums of `a`.
#[inline]
fn first_hop_row(a: &Csr, degrees: &[f64], x: &SparseRows, u: usize, yr: &mut [f32]) {
    // Written before it is read (see `put_row`).
    yr.fill(0.0);
    for (v, weight) in a.row_entries(u) {
        let (cols, vals) = x.row(v as usize);
        for (&c, &xv) in cols.iter().zip(vals) {
            yr[c as usize] += weight * xv;
        }
    }
    if degrees[u] > 0.0 {
        let inv = (1.0 / degrees[u]) as f32;
        yr.iter_mut().for_each(|x| *x *= inv);
    }
}

/// `N_1 = D^-1 A N_0` with `N_0` given as entry lists, adding `w_1 N_1`
/// (normalised) to `acc`. Returns `N_1` densely, or as [`MaskedRows`] when `masked`.
#[allow(clippy::too_many_arguments)]
fn first_hop_sparse(
    a: &Csr,
    degrees: &[f64],
    x: &SparseRows,
    acc: &mut [f32],
    d: usize,
    w: f32,
    mode: SumMode,
    masked: bool,
) -> Rows {
    let n = a.n_rows();
    let ranges = balanced_ranges(a.offsets(), default_parts(n), 2);
    let accs = split_rows_mut(acc, &ranges, d);
    let add = |i: usize, yr: &[f32], acc_rows: &mut [f32]| {
        if w != 0.0 {
            let acc_row = &mut acc_rows[i * d..(i + 1) * d];
            put_row(acc_row, yr, w, mode.normalize, !mode.written);
        }
    };
    if masked {
        let parts: Vec<MaskedRowsPart> = ranges
            .par_iter()
            .zip(accs)
            .map(|(r, acc_rows)| {
                let mut part = MaskedRowsPart::new(d);
                let mut yr = vec![0f32; d];
                for u in r.clone() {
                    first_hop_row(a, degrees, x, u, &mut yr);
                    add(u - r.start, &yr, acc_rows);
                    part.push_row(&yr);
                }
                part
            })
            .collect();
        return Rows::Masked(MaskedRows::from_parts(d, parts));
    }
    let mut out = zeroed_f32(n * d);
    let outs = split_rows_mut(&mut out, &ranges, d);
    ranges
        .par_iter()
        .zip(outs)
        .zip(accs)
        .for_each(|((r, y), acc_rows)| {
            for u in r.clone() {
                let i = u - r.start;
                let yr = &mut y[i * d..(i + 1) * d];
                first_hop_row(a, degrees, x, u, yr);
                add(i, yr, acc_rows);
            }
        });
    Rows::Dense(out)
}

/// Largest expected share of non-zeros in the rows of `N_1` that the second hop
/// gathers (see [`gathered_first_hop_density`]) at which `N_1` is kept as
/// [`MaskedRows`]. Measured (`examples/masked_spmm_timing`, second hop alone, d =
/// 128): masked took 0.5x the dense time on sbm100k (6.6 % by this estimate),
/// about 1x on soc-Slashdot (36 %) and 1.5x on R-MAT 16 (68 %).
const MASKED_FIRST_HOP_MAX_DENSITY: f64 = 0.2;

/// An upper bound on the share of non-zero entries in the rows of
/// `N_1 = D^-1 A N_0` that the next product gathers, when each entry of `N_0` is
/// non-zero with probability `1 / s`: row `j` has at most `min(1, len_j / s)` of
/// its entries non-zero (`len_j` its entries in `a`), and is gathered once per
/// entry of column `j` of `a`, which is row `j`'s length in `transposed`.
fn gathered_first_hop_density(a: &Csr, transposed: &Csr, s: f64) -> f64 {
    let (mut weighted, mut total) = (0.0, 0.0);
    for j in 0..a.n_rows() {
        let gathers = transposed.row_len(j) as f64;
        weighted += gathers * (a.row_len(j) as f64 / s).min(1.0);
        total += gathers;
    }
    if total > 0.0 {
        weighted / total
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests;

/// Scales each row of the row-major `n x d` matrix `values` to unit L2 norm (a zero
/// row stays zero), in f64.
fn normalize_rows(values: &mut [f32], d: usize) -> bool {
    values
        .par_chunks_mut(d.max(1))
        .map(|row| {
            normalize_row(row);
            row.iter().all(|x| x.is_finite())
        })
        .reduce(|| true, |a, b| a && b)
}

/// The last steps on the summed embedding, fused into as few passes as possible:
/// with `standardize`, columns to zero mean and unit variance (from the `moments`
/// gathered during the last power when there are some); with `normalize_output`,
/// rows to unit L2 norm, and then (with `standardize`) columns again. Returns
/// true when every value is finite.
fn finish(
    values: &mut [f32],
    d: usize,
    n: usize,
    moments: Option<ColumnMoments>,
    config: &FastRpConfig,
) -> bool {
    if !config.standardize {
        return if config.normalize_output {
            normalize_rows(values, d)
        } else {
            values.par_iter().all(|x| x.is_finite())
        };
    }
    let scaling = match moments {
        Some(m) => m.scaling(n),
        None => ColumnScaling::of(values, d),
    };
    if config.normalize_output {
        scaling
            .apply_then_normalize_rows(values, d)
            .scaling(n)
            .apply(values, d)
    } else {
        scaling.apply(values, d)
    }
}
