//! Sparse dense-width rows: an `n x d` f32 matrix stored per row as a bitmask of
//! its non-zero columns followed by those values, and SpMM with such a matrix on the
//! right.
//!
//! A matrix that is mostly zeros but too dense for per-entry scatter (a few to a few
//! dozen non-zeros per row of 128) is the common case after one hop of a very sparse
//! random projection (FastRP's `N_1 = D^-1 A N_0` has `1 - (1 - 1/s)^deg` of its
//! entries non-zero: about 6 % at `s = sqrt(n)` on a 100,000-node graph of mean
//! degree 20). Stored densely, the next product gathers 512-byte rows of which
//! most bytes are zeros, from a matrix larger than the cache. Stored masked, a row
//! of 128 takes 16 bytes of mask plus 4 per non-zero (about 50 bytes there), the
//! whole matrix stays in cache, and on x86-64 with AVX-512 each 16-column chunk is
//! rebuilt in a register by one expand-load (`vexpandps`), so the product still
//! runs 16 lanes at a time.
//!
//! [`spmm_masked_range`] gives bit-identical results to [`super::spmm_range`] on
//! the dense form: each output value is the same sequential sum in CSR order, and
//! the terms it skips are products with exact zeros, which leave a sum unchanged
//! (a sum that starts at `+0` never becomes `-0`, and the coefficients are finite).

use super::operator::Operator;
use super::spmm::{check_shapes, coefficient as spmm_coefficient};
use crate::csr::Csr;
use std::ops::Range;

/// Columns per mask chunk (one 512-bit register of `f32`).
const CHUNK: usize = 16;

/// An `n_rows x d` f32 matrix whose rows are stored as `d / 32` (rounded up) mask
/// words, bit `c` set when column `c` is non-zero, followed by the non-zero values
/// in column order. Built from rows with [`MaskedRowsPart`] and
/// [`MaskedRows::from_parts`]; `d` must be a positive multiple of 16
/// ([`MaskedRows::supports`]).
///
/// ```
/// use spargraph_engine::builder::{build_graph, BuildOptions};
/// use spargraph_engine::kernels::{spmm_masked_range, spmm_range, MaskedRows, Normalization, Operator};
///
/// let g = build_graph(3, &[0, 1], &[1, 2], None, &BuildOptions::undirected()).unwrap();
/// // A 3 x 16 matrix with two non-zeros.
/// let mut x = vec![0f32; 3 * 16];
/// x[5] = 2.0;
/// x[2 * 16 + 15] = -1.0;
/// let masked = MaskedRows::from_dense(&x, 16);
/// assert_eq!(masked.nnz(), 2);
/// let op = Operator::new(g.out(), Normalization::Row, false);
/// let (mut dense_y, mut masked_y) = (vec![0f32; 3 * 16], vec![0f32; 3 * 16]);
/// spmm_range(g.out(), &op, 0..3, &x, 16, &mut dense_y);
/// spmm_masked_range(g.out(), &op, 0..3, &masked, &mut masked_y);
/// assert_eq!(dense_y, masked_y); // node 1 averages rows 0 and 2
/// assert_eq!(masked_y[16 + 5], 1.0);
/// assert_eq!(masked_y[16 + 15], -0.5);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MaskedRows {
    n_rows: usize,
    d: usize,
    /// Where each row starts in `data` (`n_rows + 1` values).
    offsets: Vec<u64>,
    /// Mask words and value bits, row after row, then [`CHUNK`] words of padding.
    data: Vec<u32>,
}

/// Mask words per row for width `d`.
#[inline(always)]
fn mask_words(d: usize) -> usize {
    d.div_ceil(32)
}

/// The 16-bit mask of chunk `c` from a row's mask words.
#[inline(always)]
fn chunk_mask(masks: &[u32], c: usize) -> u16 {
    (masks[c / 2] >> (16 * (c % 2))) as u16
}

/// The rows of a contiguous block, in order, before they are joined into a
/// [`MaskedRows`]: one per worker, filled with [`MaskedRowsPart::push_row`].
#[derive(Clone, Debug, Default)]
pub struct MaskedRowsPart {
    d: usize,
    /// Length of each row in `data` (mask words plus non-zeros).
    lens: Vec<u32>,
    data: Vec<u32>,
}

impl MaskedRowsPart {
    /// An empty block of rows of width `d` (a positive multiple of 16).
    pub fn new(d: usize) -> Self {
        assert!(
            MaskedRows::supports(d),
            "masked rows need a width that is a multiple of 16"
        );
        MaskedRowsPart {
            d,
            lens: Vec::new(),
            data: Vec::new(),
        }
    }

    /// Appends one row of `d` values (entries equal to 0, of either sign, are left out).
    pub fn push_row(&mut self, row: &[f32]) {
        assert_eq!(row.len(), self.d, "masked rows: row of the wrong width");
        let start = self.data.len();
        let words = mask_words(self.d);
        self.data.resize(start + words, 0);
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512F.
                unsafe { push_row_avx512(&mut self.data, start, row) };
                self.lens.push((self.data.len() - start) as u32);
                return;
            }
        }
        for (c, chunk) in row.chunks_exact(CHUNK).enumerate() {
            let mut mask = 0u32;
            for (b, &v) in chunk.iter().enumerate() {
                if v != 0.0 {
                    mask |= 1 << b;
                    self.data.push(v.to_bits());
                }
            }
            self.data[start + c / 2] |= mask << (16 * (c % 2));
        }
        self.lens.push((self.data.len() - start) as u32);
    }

    /// Rows pushed so far.
    pub fn n_rows(&self) -> usize {
        self.lens.len()
    }
}

/// [`MaskedRowsPart::push_row`]'s packing with compare-to-mask and compress: eight
/// instructions per 16 columns instead of a branch per column.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,popcnt")]
unsafe fn push_row_avx512(data: &mut Vec<u32>, start: usize, row: &[f32]) {
    use std::arch::x86_64::*;
    let chunks = row.len() / CHUNK;
    // Room for every value plus one full register store past the last one.
    data.reserve(row.len() + CHUNK);
    let mut len = data.len();
    let zero = _mm512_setzero_ps();
    for c in 0..chunks {
        // SAFETY: chunk `c` lies within `row`.
        let v = _mm512_loadu_ps(row.as_ptr().add(c * CHUNK));
        let mask = _mm512_cmp_ps_mask::<_CMP_NEQ_UQ>(v, zero);
        let packed = _mm512_maskz_compress_ps(mask, v);
        // SAFETY: `reserve` left room for 16 values past `len`; the lanes beyond the
        // packed ones are overwritten by the next chunk or cut off by `set_len`.
        _mm512_storeu_ps(data.as_mut_ptr().add(len) as *mut f32, packed);
        len += mask.count_ones() as usize;
        data[start + c / 2] |= (mask as u32) << (16 * (c % 2));
    }
    // SAFETY: the first `len` values are initialised (mask words before, packed
    // values after), and `len <= capacity`.
    data.set_len(len);
}

impl MaskedRows {
    /// Whether rows of width `d` can be stored (a positive multiple of 16).
    pub fn supports(d: usize) -> bool {
        d > 0 && d.is_multiple_of(CHUNK)
    }

    /// Joins blocks of rows, in order, into one matrix of width `d`.
    pub fn from_parts(d: usize, parts: Vec<MaskedRowsPart>) -> Self {
        assert!(
            MaskedRows::supports(d),
            "masked rows need a width that is a multiple of 16"
        );
        let n_rows: usize = parts.iter().map(MaskedRowsPart::n_rows).sum();
        let total: usize = parts.iter().map(|p| p.data.len()).sum();
        let mut offsets = Vec::with_capacity(n_rows + 1);
        let mut data = Vec::with_capacity(total);
        offsets.push(0u64);
        let mut end = 0u64;
        for part in parts {
            assert_eq!(part.d, d, "masked rows: blocks of different widths");
            for len in part.lens {
                end += len as u64;
                offsets.push(end);
            }
            data.extend_from_slice(&part.data);
        }
        // Padding for the vectorised kernel's full-width loads at a row's end.
        data.extend_from_slice(&[0; CHUNK]);
        MaskedRows {
            n_rows,
            d,
            offsets,
            data,
        }
    }

    /// The rows of a dense row-major `n x d` matrix.
    pub fn from_dense(values: &[f32], d: usize) -> Self {
        let mut part = MaskedRowsPart::new(d);
        for row in values.chunks_exact(d) {
            part.push_row(row);
        }
        MaskedRows::from_parts(d, vec![part])
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Width of each row.
    pub fn dim(&self) -> usize {
        self.d
    }

    /// Stored non-zeros.
    pub fn nnz(&self) -> usize {
        self.data.len() - CHUNK - self.n_rows * mask_words(self.d)
    }

    /// Bytes held by the matrix.
    pub fn memory_bytes(&self) -> usize {
        self.offsets.len() * 8 + self.data.len() * 4
    }

    /// Row `i`'s mask words and non-zero values (as bits).
    #[inline(always)]
    fn row(&self, i: usize) -> (&[u32], &[u32]) {
        let r = &self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize];
        r.split_at(mask_words(self.d))
    }

    /// Writes row `i` densely into `out` (`d` values).
    pub fn row_to_dense(&self, i: usize, out: &mut [f32]) {
        out.fill(0.0);
        add_row_portable(self, i, None, out);
    }

    /// The whole matrix, dense and row-major.
    pub fn to_dense(&self) -> Vec<f32> {
        let mut out = vec![0f32; self.n_rows * self.d];
        for (i, row) in out.chunks_exact_mut(self.d.max(1)).enumerate() {
            self.row_to_dense(i, row);
        }
        out
    }
}

/// `acc += s * x_i` (or `acc += x_i` when `s` is `None`) over row `i`'s non-zeros.
#[inline(always)]
fn add_row_portable(x: &MaskedRows, i: usize, s: Option<f32>, acc: &mut [f32]) {
    let (masks, values) = x.row(i);
    let mut p = 0;
    for c in 0..x.d / CHUNK {
        let mut m = chunk_mask(masks, c);
        while m != 0 {
            let b = m.trailing_zeros() as usize;
            let v = f32::from_bits(values[p]);
            let a = &mut acc[c * CHUNK + b];
            match s {
                None => *a += v,
                Some(s) => *a += s * v,
            }
            p += 1;
            m &= m - 1;
        }
    }
}

/// The coefficient of entry `k` (column `j`) of a row, as [`super::spmm_range`]
/// applies it ([`super::spmm::coefficient`]): `None` when the row's values are
/// added as they are.
#[inline(always)]
fn coefficient(weights: Option<&[f32]>, right: Option<&[f32]>, k: usize, j: usize) -> Option<f32> {
    (weights.is_some() || right.is_some()).then(|| spmm_coefficient(weights, right, k, j))
}

/// Computes rows `rows` of `Y = L (A + sI) R X` into `y` (`rows.len() x d`), where
/// `X` is given as [`MaskedRows`] (`a.n_cols()` rows of width `d`). The result is
/// bit-identical to [`super::spmm_range`] on `X`'s dense form: each output value
/// is the same sequential sum in CSR order, and the terms it skips are products
/// with exact zeros, which leave a sum unchanged.
pub fn spmm_masked_range(
    a: &Csr,
    op: &Operator<f32>,
    rows: Range<usize>,
    x: &MaskedRows,
    y: &mut [f32],
) {
    let d = x.d;
    check_shapes(a, &rows, x.n_rows * d, d, y.len());
    #[cfg(target_arch = "x86_64")]
    {
        if masked_spmm_is_vectorised() {
            // SAFETY: the CPU supports the enabled features.
            unsafe { spmm_masked_avx512(a, op, rows, x, y) };
            return;
        }
    }
    spmm_masked_portable(a, op, rows, x, y)
}

/// Whether [`spmm_masked_range`] runs vectorised on this CPU (x86-64 with
/// AVX-512F). Elsewhere it is correct but slower than the dense kernel, so callers
/// should keep rows dense.
pub fn masked_spmm_is_vectorised() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("popcnt")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Output row `i`'s entries and their coefficients.
struct Entries<'a> {
    cols: &'a [u32],
    /// The entries from this row's first to the end of the row range, for prefetching.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    ahead: &'a [u32],
    weights: Option<&'a [f32]>,
    right: Option<&'a [f32]>,
}

impl Entries<'_> {
    /// The coefficient of entry `k` (column `j`), see [`coefficient`].
    #[inline(always)]
    fn coefficient(&self, k: usize, j: usize) -> Option<f32> {
        coefficient(self.weights, self.right, k, j)
    }
}

/// For each output row `i` of `rows`: `row_sum(entries, yr)` sets `yr` to the sum
/// of the entries' scaled rows of `X`; then the self-loop term is added with
/// `add_row(i, coefficient, yr)` and the left scaling applied.
#[inline(always)]
fn for_each_output_row(
    a: &Csr,
    op: &Operator<f32>,
    rows: Range<usize>,
    d: usize,
    y: &mut [f32],
    mut row_sum: impl FnMut(&Entries, &mut [f32]),
    mut add_row: impl FnMut(usize, Option<f32>, &mut [f32]),
) {
    let (off, tg, w) = (a.offsets(), a.targets(), a.weights());
    let right = op.right.as_deref();
    let start = rows.start;
    let range_end = off[rows.end] as usize;
    for i in rows {
        let (b, e) = (off[i] as usize, off[i + 1] as usize);
        let yr = &mut y[(i - start) * d..(i - start + 1) * d];
        let entries = Entries {
            cols: &tg[b..e],
            ahead: &tg[b..range_end],
            weights: w.map(|w| &w[b..e]),
            right,
        };
        row_sum(&entries, yr);
        if op.self_loops {
            add_row(i, Some(right.map_or(1.0, |r| r[i])), yr);
        }
        if let Some(l) = op.left.as_deref() {
            let s = l[i];
            yr.iter_mut().for_each(|v| *v *= s);
        }
    }
}

/// The scalar loop: per entry, each non-zero added in column order.
pub(super) fn spmm_masked_portable(
    a: &Csr,
    op: &Operator<f32>,
    rows: Range<usize>,
    x: &MaskedRows,
    y: &mut [f32],
) {
    let add_row = |j: usize, s: Option<f32>, yr: &mut [f32]| add_row_portable(x, j, s, yr);
    let row_sum = |entries: &Entries, yr: &mut [f32]| {
        yr.fill(0.0);
        for (k, &j) in entries.cols.iter().enumerate() {
            add_row(j as usize, entries.coefficient(k, j as usize), yr);
        }
    };
    for_each_output_row(a, op, rows, x.d, y, row_sum, add_row);
}

/// How many entries ahead the vectorised kernel prefetches rows of `X`.
#[cfg(target_arch = "x86_64")]
const PREFETCH_AHEAD: usize = 8;

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma,popcnt")]
unsafe fn spmm_masked_avx512(
    a: &Csr,
    op: &Operator<f32>,
    rows: Range<usize>,
    x: &MaskedRows,
    y: &mut [f32],
) {
    // SAFETY (of the calls below): the caller checked the CPU's features.
    let add_row = |j: usize, s: Option<f32>, yr: &mut [f32]| unsafe { add_row_avx512(x, j, s, yr) };
    let row_sum = |entries: &Entries, yr: &mut [f32]| unsafe {
        match x.d / CHUNK {
            8 => tile::<8>(x, entries, yr),
            4 => tile::<4>(x, entries, yr),
            _ => {
                yr.fill(0.0);
                for (k, &j) in entries.cols.iter().enumerate() {
                    prefetch_ahead(x, entries.ahead, k);
                    add_row_avx512(x, j as usize, entries.coefficient(k, j as usize), yr);
                }
            }
        }
    };
    for_each_output_row(a, op, rows, x.d, y, row_sum, add_row);
}

/// Prefetches the row of `X` that entry `k + PREFETCH_AHEAD` of `ahead` needs.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn prefetch_ahead(x: &MaskedRows, ahead: &[u32], k: usize) {
    use std::arch::x86_64::*;
    if let Some(&j) = ahead.get(k + PREFETCH_AHEAD) {
        let j = j as usize;
        let (s, e) = (x.offsets[j] as usize, x.offsets[j + 1] as usize);
        let base = x.data.as_ptr();
        let mut p = s;
        while p < e {
            // SAFETY: a prefetch never faults; the address lies within `data`.
            _mm_prefetch(base.add(p) as *const i8, _MM_HINT_T0);
            p += 16;
        }
    }
}

/// The 16 columns of a chunk with mask `m` whose non-zeros start at `p`: one
/// unaligned load of 16 values and a register expand (the memory form of
/// `vexpandps` is several times slower on AMD Zen 4).
///
/// SAFETY: `p` points into a [`MaskedRows`]' data, which holds [`CHUNK`] words of
/// padding after the last row, so the 16 values read are in bounds.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn expand_chunk(m: u16, p: *const f32) -> std::arch::x86_64::__m512 {
    use std::arch::x86_64::*;
    _mm512_maskz_expand_ps(m, _mm512_loadu_ps(p))
}

/// `yr = sum_k c_k x[cols[k]]` for `C` chunks (`d = 16 C`) held in registers.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn tile<const C: usize>(x: &MaskedRows, entries: &Entries, yr: &mut [f32]) {
    use std::arch::x86_64::*;
    let mut acc = [_mm512_setzero_ps(); C];
    for (k, &j) in entries.cols.iter().enumerate() {
        prefetch_ahead(x, entries.ahead, k);
        let j = j as usize;
        let (masks, values) = x.row(j);
        let mut p = values.as_ptr() as *const f32;
        let s = entries.coefficient(k, j);
        for (c, acc_c) in acc.iter_mut().enumerate() {
            let m = chunk_mask(masks, c);
            // SAFETY: see `expand_chunk`.
            let v = expand_chunk(m, p);
            p = p.add(m.count_ones() as usize);
            *acc_c = add_scaled(*acc_c, s, v);
        }
    }
    for (c, acc_c) in acc.iter().enumerate() {
        // SAFETY: chunk `c` lies within `yr` (d = 16 C).
        _mm512_storeu_ps(yr.as_mut_ptr().add(c * CHUNK), *acc_c);
    }
}

/// `acc + s * v`, or `acc + v` without a coefficient (as the dense kernel adds).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn add_scaled(
    acc: std::arch::x86_64::__m512,
    s: Option<f32>,
    v: std::arch::x86_64::__m512,
) -> std::arch::x86_64::__m512 {
    use std::arch::x86_64::*;
    match s {
        None => _mm512_add_ps(acc, v),
        Some(s) => _mm512_add_ps(acc, _mm512_mul_ps(_mm512_set1_ps(s), v)),
    }
}

/// `acc += s * x_i` (or `acc += x_i`), one chunk at a time through memory.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn add_row_avx512(x: &MaskedRows, i: usize, s: Option<f32>, acc: &mut [f32]) {
    use std::arch::x86_64::*;
    let (masks, values) = x.row(i);
    let mut p = values.as_ptr() as *const f32;
    for c in 0..x.d / CHUNK {
        let m = chunk_mask(masks, c);
        // SAFETY: see `expand_chunk`; chunk `c` lies within `acc`.
        let v = expand_chunk(m, p);
        p = p.add(m.count_ones() as usize);
        let dst = acc.as_mut_ptr().add(c * CHUNK);
        let add = match s {
            None => v,
            Some(s) => _mm512_mul_ps(_mm512_set1_ps(s), v),
        };
        _mm512_storeu_ps(dst, _mm512_add_ps(_mm512_loadu_ps(dst), add));
    }
}
