//! The weighted network the clustering engine works on, at one aggregation level.
//!
//! Every objective the engine optimises has the form
//! `Q = sum_c [ L_c / W - gamma Out_c In_c / W^2 ]` (up to a constant), where `L_c`
//! is half the weight of the symmetric matrix `S = A + A^T` inside community `c`,
//! `Out_c` and `In_c` sum two node masses over `c`, and `W` normalises. Moving node
//! `v` into community `c` then changes `W Q` by
//! `S(v, c) - gamma (out_v In_c + in_v Out_c) / W`, whatever the objective; only
//! the masses and `W` differ (see [`crate::community::Objective`]). Aggregating the
//! network sums `S` between clusters and sums the masses, so every level has the
//! same form.

use std::borrow::Cow;

use rayon::prelude::*;

use super::scratch::ScratchPool;

/// The weights of a [`Chunk`]'s entries, in the narrowest type that holds them
/// exactly.
#[derive(Clone, Debug)]
pub(crate) enum Weights {
    /// Every entry weighs the network's `unit` (unweighted input at level 0).
    Unit,
    /// Multiples of one weight: entry `i` weighs `scale * counts[i]` (aggregated
    /// edge counts of an unweighted graph, mostly small): 1 byte per entry.
    U8(f64, Vec<u8>),
    /// As [`Weights::U8`], with counts up to 65,535: 2 bytes per entry.
    U16(f64, Vec<u16>),
    /// Single precision: every weight is exactly an `f32` (level 0 of a weighted
    /// graph): 4 bytes per entry.
    F32(Vec<f32>),
    /// Double precision (sums of `f32` weights after aggregation).
    F64(Vec<f64>),
}

impl Weights {
    /// The first of `U8`, `U16` (with the smallest weight as the scale), `F32`
    /// that holds every weight exactly, else `F64`.
    pub fn narrowest(w: Vec<f64>) -> Weights {
        let scale = smallest(&w);
        if scale > 0.0 && scale.is_finite() {
            // Bytes first (aggregated edge counts of an unweighted graph mostly fit);
            // shorts only when every weight is a multiple of the scale.
            match counts_of(&w, scale, u8::MAX, |bits| bits as u8) {
                Ok(counts) => return Weights::U8(scale, counts),
                Err(NoCounts::TooLarge) => {
                    if let Ok(counts) = counts_of(&w, scale, u16::MAX, |bits| bits as u16) {
                        return Weights::U16(scale, counts);
                    }
                }
                Err(NoCounts::Inexact) => {}
            }
        }
        if w.iter().all(|&x| (x as f32) as f64 == x) {
            Weights::F32(w.iter().map(|&x| x as f32).collect())
        } else {
            Weights::F64(w)
        }
    }
}

/// Why [`counts_of`] found no counts.
#[derive(Debug, PartialEq)]
enum NoCounts {
    /// Some weight is not a whole multiple of the scale (nor would it be with a
    /// wider type).
    Inexact,
    /// Every weight is a multiple, but some count is above the bound.
    TooLarge,
}

/// Each weight of `w` as a count of `scale` (`x / scale` rounded to the nearest,
/// narrowed by `narrow` from the low bits), if every count is at most `max` and
/// gives its weight back exactly. One pass without a branch per weight.
fn counts_of<T>(
    w: &[f64],
    scale: f64,
    max: impl Into<f64>,
    narrow: impl Fn(u64) -> T,
) -> Result<Vec<T>, NoCounts> {
    // Adding 2^52 to `y` in [0, 2^52) rounds it to an integer held in the low
    // bits of the sum: a rounding without a conversion instruction, so the loop
    // runs in vector registers. (It rounds halves to even where truncating
    // `y + 1/2` rounds them up; a weight `x` with `x / scale` near a half is not
    // a multiple of `scale` either way.)
    const MAGIC: f64 = 4_503_599_627_370_496.0; // 2^52
    let (inv, bound) = (1.0 / scale, max.into() + 0.5);
    let (mut exact, mut fits) = (true, true);
    let counts = w
        .iter()
        .map(|&x| {
            let y = x * inv;
            let shifted = y + MAGIC;
            exact &= (shifted - MAGIC) * scale == x;
            fits &= y < bound;
            narrow(shifted.to_bits())
        })
        .collect();
    match (exact, fits) {
        (true, true) => Ok(counts),
        (true, false) => Err(NoCounts::TooLarge),
        (false, _) => Err(NoCounts::Inexact),
    }
}

/// The smallest weight of `w` (infinity if empty), in eight independent lanes
/// (NaN is not expected: weights are positive).
fn smallest(w: &[f64]) -> f64 {
    let mut lanes = [f64::INFINITY; 8];
    let chunks = w.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (m, &x) in lanes.iter_mut().zip(c) {
            *m = if x < *m { x } else { *m };
        }
    }
    rest.iter()
        .chain(lanes.iter())
        .fold(f64::INFINITY, |m, &x| if x < m { x } else { m })
}

/// The weights of one row, as [`Network::row`] returns them.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RowWeights<'a> {
    /// Every entry weighs this much.
    Unit(f64),
    /// Entry `i` weighs the scale times `counts[i]`.
    U8(f64, &'a [u8]),
    /// Entry `i` weighs the scale times `counts[i]`.
    U16(f64, &'a [u16]),
    /// One weight per entry, single precision.
    F32(&'a [f32]),
    /// One weight per entry, double precision.
    F64(&'a [f64]),
}

/// Entries of consecutive rows of a [`Network`].
#[derive(Clone, Debug)]
pub(crate) struct Chunk<'g> {
    /// Offset of the chunk's first entry among all entries.
    pub base: u64,
    /// Neighbours (no self-loops); borrowed from the graph's CSR when level 0 can
    /// use it as it is.
    pub targets: Cow<'g, [u32]>,
    /// `S(v, u)` for each entry.
    pub weights: Weights,
}

impl<'g> Chunk<'g> {
    /// Every row in one chunk: with `chunk_shift` [`ONE_CHUNK`].
    pub fn all(targets: Cow<'g, [u32]>, weights: Weights) -> Vec<Chunk<'g>> {
        vec![Chunk {
            base: 0,
            targets,
            weights,
        }]
    }
}

/// The `chunk_shift` of a network held in one chunk (`v >> 63` is 0 for every row).
pub(crate) const ONE_CHUNK: u32 = 63;

/// `S = A + A^T` without its diagonal (rows may repeat a neighbour: the engine
/// always accumulates by community), the diagonal apart, and the node masses.
#[derive(Clone, Debug)]
pub(crate) struct Network<'g> {
    /// Row offsets (`n + 1` entries) into the concatenation of the chunks
    /// (borrowed from the CSR with its targets).
    pub offsets: Cow<'g, [u64]>,
    /// Row `v`'s entries live in chunk `v >> chunk_shift` ([`ONE_CHUNK`]: one).
    /// Aggregated networks keep the blocks they were built in, so building one
    /// never holds two copies of its entries.
    pub chunk_shift: u32,
    /// The entries, in chunks of consecutive rows.
    pub chunks: Vec<Chunk<'g>>,
    /// The weight of every entry of a [`Weights::Unit`] chunk.
    pub unit: f64,
    /// `S(v, v)`: twice the weight inside the super-node; empty when every one
    /// is 0 (level 0 of a graph without self-loops). Read with
    /// [`Network::self_weight`].
    pub self_weight: Vec<f64>,
    /// First node mass (degree, out-degree, left degree or node count).
    pub mass_out: Vec<f64>,
    /// Second node mass (degree, in-degree, right degree or node count); empty
    /// when it equals `mass_out` (undirected modularity, CPM). Read with
    /// [`Network::mass_in`].
    pub mass_in: Vec<f64>,
    /// Number of original nodes in each super-node.
    pub size: Vec<u32>,
    /// The normaliser `W` (total degree, arc weight, or 1 for CPM).
    pub total: f64,
}

impl<'g> Network<'g> {
    /// Number of (super-)nodes.
    pub fn n(&self) -> usize {
        self.offsets.len() - 1
    }

    /// `S(v, v)`.
    #[inline]
    pub fn self_weight(&self, v: usize) -> f64 {
        self.self_weight.get(v).copied().unwrap_or(0.0)
    }

    /// The second node mass of every node.
    #[inline]
    pub fn mass_in(&self) -> &[f64] {
        if self.mass_in.is_empty() {
            &self.mass_out
        } else {
            &self.mass_in
        }
    }

    /// Entries of row `v`: neighbours and their weights.
    #[inline]
    pub fn row(&self, v: usize) -> (&[u32], RowWeights<'_>) {
        let c = &self.chunks[v >> self.chunk_shift];
        let r = (self.offsets[v] - c.base) as usize..(self.offsets[v + 1] - c.base) as usize;
        let w = match &c.weights {
            Weights::Unit => RowWeights::Unit(self.unit),
            Weights::U8(x, w) => RowWeights::U8(*x, &w[r.clone()]),
            Weights::U16(x, w) => RowWeights::U16(*x, &w[r.clone()]),
            Weights::F32(w) => RowWeights::F32(&w[r.clone()]),
            Weights::F64(w) => RowWeights::F64(&w[r.clone()]),
        };
        (&c.targets[r], w)
    }

    /// Asks the CPU to start loading the first cache lines of row `v`'s targets
    /// and weights: rows are visited in a random order, so the hardware cannot
    /// guess them. A hint only; a no-op off x86-64.
    #[inline(always)]
    pub fn prefetch_row(&self, v: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let c = &self.chunks[v >> self.chunk_shift];
            let start = (self.offsets[v] - c.base) as usize;
            let end = (self.offsets[v + 1] - c.base) as usize;
            if start < end {
                let t = c.targets[start..end].as_ptr() as *const i8;
                // SAFETY: prefetching never faults; both addresses lie within
                // (or one line past the start of) the row's slice.
                unsafe {
                    _mm_prefetch(t, _MM_HINT_T0);
                    if end - start > 16 {
                        _mm_prefetch(t.add(64), _MM_HINT_T0);
                    }
                }
                let w: Option<*const i8> = match &c.weights {
                    Weights::Unit => None,
                    Weights::U8(_, w) => Some(w[start..].as_ptr() as *const i8),
                    Weights::U16(_, w) => Some(w[start..].as_ptr() as *const i8),
                    Weights::F32(w) => Some(w[start..].as_ptr() as *const i8),
                    Weights::F64(w) => Some(w[start..].as_ptr() as *const i8),
                };
                if let Some(w) = w {
                    // SAFETY: as above.
                    unsafe { _mm_prefetch(w, _MM_HINT_T0) };
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = v;
    }

    /// Calls `f(u, S(v, u))` for every entry of row `v`, in order (the weight
    /// type is matched once per row, not per entry).
    #[inline(always)]
    pub fn for_each_entry(&self, v: usize, mut f: impl FnMut(u32, f64)) {
        let (t, w) = self.row(v);
        match w {
            RowWeights::Unit(x) => t.iter().for_each(|&u| f(u, x)),
            RowWeights::U8(x, w) => t.iter().zip(w).for_each(|(&u, &c)| f(u, x * c as f64)),
            RowWeights::U16(x, w) => t.iter().zip(w).for_each(|(&u, &c)| f(u, x * c as f64)),
            RowWeights::F32(w) => t.iter().zip(w).for_each(|(&u, &x)| f(u, x as f64)),
            RowWeights::F64(w) => t.iter().zip(w).for_each(|(&u, &x)| f(u, x)),
        }
    }

    /// Sum of all entries of `S` off the diagonal.
    pub fn total_off_diagonal(&self) -> f64 {
        self.chunks
            .iter()
            .map(|c| match &c.weights {
                Weights::Unit => self.unit * c.targets.len() as f64,
                Weights::U8(x, w) => w.iter().map(|&c| x * c as f64).sum(),
                Weights::U16(x, w) => w.iter().map(|&c| x * c as f64).sum(),
                Weights::F32(w) => w.iter().map(|&x| x as f64).sum(),
                Weights::F64(w) => w.iter().sum(),
            })
            .sum()
    }

    /// The coarser network whose node `k` is the set of nodes `v` with
    /// `cluster[v] == k` (`cluster` takes every value in `0..n_clusters`).
    /// Rows list neighbours in the order first met; sums run in node order, so the
    /// result does not depend on the thread count.
    /// `pool` holds accumulators over at least `n_clusters` ids.
    pub fn aggregate(
        &self,
        cluster: &[u32],
        n_clusters: usize,
        pool: &ScratchPool<Accumulator>,
    ) -> Network<'static> {
        let members = group_by(cluster, n_clusters);
        // Blocks of clusters, each built into its own chunk (a power of two rows):
        // at most 256, and at least 64 blocks, so that the few large clusters of a
        // coarse level spread over the threads.
        let block = aggregation_block(n_clusters);
        let blocks: Vec<RowBlock> = (0..n_clusters)
            .step_by(block)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|start| {
                let end = (start + block).min(n_clusters);
                let mut guard = pool.get();
                let acc = &mut *guard;
                let mut lens = Vec::with_capacity(end - start);
                let (mut targets, mut weights, mut selfs) = (Vec::new(), Vec::new(), Vec::new());
                for k in start..end {
                    // Every entry goes to the accumulator, the cluster's own included
                    // (no branch per entry); its own total is then taken out.
                    let mut inside = 0.0;
                    for &v in members.of(k) {
                        let v = v as usize;
                        inside += self.self_weight(v);
                        let (t, w) = self.row(v);
                        acc.add_row(t, w, cluster);
                    }
                    inside += acc.take(k as u32);
                    let before = targets.len();
                    acc.drain(&mut targets, &mut weights);
                    lens.push((targets.len() - before) as u64);
                    selfs.push(inside);
                }
                // Rows were appended with amortised doubling: give the slack back.
                targets.shrink_to_fit();
                (lens, targets, Weights::narrowest(weights), selfs)
            })
            .collect();
        let mut offsets = Vec::with_capacity(n_clusters + 1);
        offsets.push(0u64);
        let mut self_weight = Vec::with_capacity(n_clusters);
        let mut chunks = Vec::with_capacity(blocks.len());
        for (lens, targets, weights, selfs) in blocks {
            let base = *offsets.last().expect("starts with 0");
            for len in lens {
                offsets.push(offsets.last().unwrap() + len);
            }
            self_weight.extend_from_slice(&selfs);
            chunks.push(Chunk {
                base,
                targets: Cow::Owned(targets),
                weights,
            });
        }
        let sum_by = |x: &[f64]| -> Vec<f64> {
            (0..n_clusters)
                .map(|k| members.of(k).iter().map(|&v| x[v as usize]).sum())
                .collect()
        };
        Network {
            offsets: Cow::Owned(offsets),
            chunk_shift: block.trailing_zeros(),
            chunks,
            unit: 0.0,
            self_weight,
            mass_out: sum_by(&self.mass_out),
            mass_in: if self.mass_in.is_empty() {
                Vec::new()
            } else {
                sum_by(&self.mass_in)
            },
            size: (0..n_clusters)
                .map(|k| members.of(k).iter().map(|&v| self.size[v as usize]).sum())
                .collect(),
            total: self.total,
        }
    }
}

/// Clusters per block (and rows per chunk) when aggregating into `n_clusters`:
/// the power of two that makes about 64 blocks, at most 256 rows.
fn aggregation_block(n_clusters: usize) -> usize {
    (n_clusters / 64).next_power_of_two().min(256)
}

/// Rows of a block of clusters: lengths, targets, weights, self weights.
type RowBlock = (Vec<u64>, Vec<u32>, Weights, Vec<f64>);

/// Nodes grouped by a label in `0..k`, each group in increasing node order.
pub(crate) struct Groups {
    offsets: Vec<usize>,
    nodes: Vec<u32>,
}

impl Groups {
    /// The nodes with label `k`.
    #[inline]
    pub fn of(&self, k: usize) -> &[u32] {
        &self.nodes[self.offsets[k]..self.offsets[k + 1]]
    }
}

/// Counting sort of the nodes by `label` (every label `< k`).
pub(crate) fn group_by(label: &[u32], k: usize) -> Groups {
    let mut offsets = vec![0usize; k + 1];
    for &c in label {
        offsets[c as usize + 1] += 1;
    }
    for i in 0..k {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut nodes = vec![0u32; label.len()];
    for (v, &c) in label.iter().enumerate() {
        nodes[next[c as usize]] = v as u32;
        next[c as usize] += 1;
    }
    Groups { offsets, nodes }
}

/// A dense accumulator over ids `0..n` that remembers which ids it touched.
/// Weights are non-negative: an id counts as untouched while its value is 0 (an
/// id reached only by zero weights may be listed twice, which every user of
/// [`Accumulator::touched`] tolerates and [`Accumulator::drain`] skips).
pub(crate) struct Accumulator {
    value: Vec<f64>,
    touched: Vec<u32>,
}

impl Accumulator {
    /// An empty accumulator for ids below `n`.
    pub fn new(n: usize) -> Self {
        Accumulator {
            value: vec![0.0; n],
            touched: Vec::new(),
        }
    }

    /// Adds `w` to id `k`.
    #[inline]
    pub fn add(&mut self, k: u32, w: f64) {
        let slot = &mut self.value[k as usize];
        if *slot == 0.0 {
            self.touched.push(k);
        }
        *slot += w;
    }

    /// Adds each weight of a row to the label of its neighbour:
    /// `value[label[t]] += w` for every entry `(t, w)`. Every label must be below
    /// the accumulator's size.
    #[inline]
    pub fn add_row(&mut self, targets: &[u32], weights: RowWeights<'_>, label: &[u32]) {
        self.add_row_with(targets, weights, |t| label[t as usize]);
    }

    /// [`Accumulator::add_row`] with the label of neighbour `t` given by
    /// `label_of(t)`.
    #[inline(always)]
    pub fn add_row_with(
        &mut self,
        targets: &[u32],
        weights: RowWeights<'_>,
        label_of: impl Fn(u32) -> u32,
    ) {
        match weights {
            RowWeights::Unit(x) => self.add_row_by(targets, label_of, |_| x),
            RowWeights::U8(x, w) => {
                let w = &w[..targets.len()];
                // SAFETY: `add_row_by` asks for `i < targets.len() == w.len()`.
                self.add_row_by(targets, label_of, |i| {
                    x * unsafe { *w.get_unchecked(i) } as f64
                })
            }
            RowWeights::U16(x, w) => {
                let w = &w[..targets.len()];
                // SAFETY: as above.
                self.add_row_by(targets, label_of, |i| {
                    x * unsafe { *w.get_unchecked(i) } as f64
                })
            }
            RowWeights::F32(w) => {
                let w = &w[..targets.len()];
                // SAFETY: `add_row_by` asks for `i < targets.len() == w.len()`.
                self.add_row_by(targets, label_of, |i| unsafe { *w.get_unchecked(i) } as f64)
            }
            RowWeights::F64(w) => {
                let w = &w[..targets.len()];
                // SAFETY: as above.
                self.add_row_by(targets, label_of, |i| unsafe { *w.get_unchecked(i) })
            }
        }
    }

    /// [`Accumulator::add_row_with`] with the weight of entry `i` given by
    /// `weight(i)` (called for `i < targets.len()` only).
    #[inline(always)]
    fn add_row_by(
        &mut self,
        targets: &[u32],
        label_of: impl Fn(u32) -> u32,
        weight: impl Fn(usize) -> f64,
    ) {
        let n = targets.len();
        // Room for every entry, so the id can be written unconditionally and kept
        // only when its slot was empty: no unpredictable branch in the loop, which
        // lets the label and value loads of consecutive entries overlap.
        self.touched.reserve(n);
        let start = self.touched.len();
        let value = &mut self.value[..];
        let spare = &mut self.touched.spare_capacity_mut()[..n];
        let mut len = 0;
        for (i, &t) in targets.iter().enumerate() {
            let k = label_of(t);
            assert!((k as usize) < value.len());
            let w = weight(i);
            // SAFETY: bounds checked on the line above; `len` counts kept entries,
            // at most the entries seen so far, so `len < n <= spare.len()`.
            unsafe {
                let slot = value.get_unchecked_mut(k as usize);
                spare.get_unchecked_mut(len).write(k);
                len += (*slot == 0.0) as usize;
                *slot += w;
            }
        }
        // SAFETY: the first `len` spare slots were written above.
        unsafe { self.touched.set_len(start + len) };
    }

    /// The ids touched so far, in the order first touched.
    #[inline]
    pub fn touched(&self) -> &[u32] {
        &self.touched
    }

    /// The value of id `k` (0 if untouched).
    #[inline]
    pub fn get(&self, k: u32) -> f64 {
        self.value[k as usize]
    }

    /// Calls `f(id, value)` for every touched id, in the order first touched
    /// (an id listed twice, reached only by zero weights, is seen twice with 0),
    /// clearing as it goes.
    #[inline]
    pub fn drain_each(&mut self, mut f: impl FnMut(u32, f64)) {
        for &k in &self.touched {
            let slot = &mut self.value[k as usize];
            let v = *slot;
            *slot = 0.0;
            f(k, v);
        }
        self.touched.clear();
    }

    /// The value of id `k`, which is reset to 0 (the id stays listed as touched,
    /// and [`Accumulator::drain`] skips it).
    #[inline]
    pub fn take(&mut self, k: u32) -> f64 {
        std::mem::take(&mut self.value[k as usize])
    }

    /// Forgets every touched id.
    pub fn clear(&mut self) {
        for &k in &self.touched {
            self.value[k as usize] = 0.0;
        }
        self.touched.clear();
    }

    /// Appends the touched ids in the order first touched (deterministic for a
    /// deterministic sequence of adds) with their values, then clears.
    pub fn drain(&mut self, ids: &mut Vec<u32>, values: &mut Vec<f64>) {
        for &k in &self.touched {
            let v = &mut self.value[k as usize];
            if *v != 0.0 {
                ids.push(k);
                values.push(*v);
                *v = 0.0;
            }
        }
        self.touched.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triangle_pair() -> Network<'static> {
        // Two triangles {0,1,2}, {3,4,5} joined by 2-3; unit weights, S = 2A.
        let edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)];
        let mut rows = vec![Vec::new(); 6];
        for &(a, b) in &edges {
            rows[a].push(b as u32);
            rows[b].push(a as u32);
        }
        let mut offsets = vec![0u64];
        let mut targets = Vec::new();
        for r in &rows {
            targets.extend_from_slice(r);
            offsets.push(targets.len() as u64);
        }
        let weights = vec![2.0; targets.len()];
        let deg: Vec<f64> = rows.iter().map(|r| r.len() as f64).collect();
        Network {
            offsets: Cow::Owned(offsets),
            chunk_shift: ONE_CHUNK,
            chunks: Chunk::all(Cow::Owned(targets), Weights::F64(weights)),
            unit: 0.0,
            self_weight: vec![0.0; 6],
            mass_out: deg.clone(),
            mass_in: deg,
            size: vec![1; 6],
            total: 14.0,
        }
    }

    #[test]
    fn aggregation_sums_weights_masses_and_sizes() {
        let net = triangle_pair();
        let pool = ScratchPool::new(|| Accumulator::new(6));
        let agg = net.aggregate(&[1, 1, 1, 0, 0, 0], 2, &pool);
        assert_eq!(agg.n(), 2);
        assert_eq!(entries(&agg, 0), vec![(1, 2.0)]);
        assert_eq!(entries(&agg, 1), vec![(0, 2.0)]);
        // Integer sums are stored as counts of the smallest weight.
        assert!(matches!(agg.chunks[0].weights, Weights::U8(2.0, _)));
        // Three internal edges, each in both rows of S = 2A: 3 * 2 * 2 = 12.
        assert_eq!(agg.self_weight, vec![12.0, 12.0]);
        assert_eq!(agg.mass_out, vec![7.0, 7.0]);
        assert_eq!(agg.size, vec![3, 3]);
        let all = agg.aggregate(&[0, 0], 1, &pool);
        assert_eq!(all.self_weight, vec![28.0]);
        assert_eq!(all.row(0).0.len(), 0);
    }

    fn entries(net: &Network, v: usize) -> Vec<(u32, f64)> {
        let mut e = Vec::new();
        net.for_each_entry(v, |u, w| e.push((u, w)));
        e
    }

    #[test]
    fn weights_are_kept_in_the_narrowest_exact_type() {
        assert!(matches!(
            Weights::narrowest(vec![4.0, 2.0, 510.0]),
            Weights::U8(2.0, c) if c == vec![2, 1, 255]
        ));
        assert!(matches!(
            Weights::narrowest(vec![1.5, 3.0, 768.0]),
            Weights::U16(1.5, c) if c == vec![1, 2, 512]
        ));
        assert!(matches!(
            Weights::narrowest(vec![1.0, 65_536.0]),
            Weights::F32(_)
        ));
        assert!(matches!(
            Weights::narrowest(vec![2.0, 3.5, 1e30f32 as f64]),
            Weights::F32(w) if w == vec![2.0, 3.5, 1e30]
        ));
        assert!(matches!(
            Weights::narrowest(vec![0.0, 2.0]),
            Weights::F32(_)
        ));
        assert!(matches!(
            Weights::narrowest(vec![2.0, 0.3]),
            Weights::F64(_)
        ));
        assert!(matches!(
            Weights::narrowest(vec![1.0, 16_777_217.0]),
            Weights::F64(_)
        ));
    }

    /// [`Weights::narrowest`] as first written: a rounding by conversion per
    /// weight, one pass per candidate type.
    fn narrowest_reference(w: &[f64]) -> Weights {
        let scale = w.iter().copied().fold(f64::INFINITY, f64::min);
        if scale > 0.0 && scale.is_finite() {
            let counts: Vec<u64> = w.iter().map(|&x| (x / scale + 0.5) as u64).collect();
            let exact = counts.iter().zip(w).all(|(&k, &x)| k as f64 * scale == x);
            if exact && counts.iter().all(|&k| k <= u8::MAX as u64) {
                return Weights::U8(scale, counts.iter().map(|&k| k as u8).collect());
            }
            if exact && counts.iter().all(|&k| k <= u16::MAX as u64) {
                return Weights::U16(scale, counts.iter().map(|&k| k as u16).collect());
            }
        }
        if w.iter().all(|&x| (x as f32) as f64 == x) {
            Weights::F32(w.iter().map(|&x| x as f32).collect())
        } else {
            Weights::F64(w.to_vec())
        }
    }

    #[test]
    fn narrowest_agrees_with_the_reference_on_random_weights() {
        use spargraph_engine::rng::Xoshiro256PlusPlus;
        let mut rng = Xoshiro256PlusPlus::new(11);
        let scales = [1.0, 2.0, 0.5, 0.3, 1.5, 1.0 / 3.0, 7e-5, 3.0e12];
        for case in 0..2000 {
            let scale = scales[case % scales.len()];
            let len = 1 + rng.gen_range(40) as usize;
            // Counts up to 254, 255, 256 or 70,000; now and then one weight off
            // a multiple (by a half, or by one unit in the last place).
            let top = [254, 255, 256, 70_000][case / 8 % 4];
            let mut w: Vec<f64> = (0..len)
                .map(|_| (1 + rng.gen_range(top)) as f64 * scale)
                .collect();
            match case % 5 {
                0 => w[0] = (w[0] / scale + 0.5) * scale,
                1 => w[0] = f64::from_bits(w[0].to_bits() + 1),
                _ => {}
            }
            let (got, want) = (Weights::narrowest(w.clone()), narrowest_reference(&w));
            let same = match (&got, &want) {
                (Weights::U8(a, x), Weights::U8(b, y)) => a == b && x == y,
                (Weights::U16(a, x), Weights::U16(b, y)) => a == b && x == y,
                (Weights::F32(x), Weights::F32(y)) => x == y,
                (Weights::F64(x), Weights::F64(y)) => x == y,
                _ => false,
            };
            assert!(same, "case {case}: {w:?}: {got:?} against {want:?}");
        }
    }

    #[test]
    fn rows_read_the_same_from_every_weight_type() {
        let mut net = triangle_pair();
        let f64_rows: Vec<_> = (0..6).map(|v| entries(&net, v)).collect();
        net.chunks[0].weights = Weights::F32(vec![2.0; 14]);
        assert_eq!(
            (0..6).map(|v| entries(&net, v)).collect::<Vec<_>>(),
            f64_rows
        );
        net.unit = 2.0;
        for weights in [
            Weights::Unit,
            Weights::U8(2.0, vec![1; 14]),
            Weights::U16(0.5, vec![4; 14]),
        ] {
            net.chunks[0].weights = weights;
            assert_eq!(
                (0..6).map(|v| entries(&net, v)).collect::<Vec<_>>(),
                f64_rows
            );
            assert_eq!(net.total_off_diagonal(), 28.0);
            // The accumulator sums the same per community from every type.
            let label = [0, 0, 0, 1, 1, 1];
            let mut acc = Accumulator::new(2);
            let (t, w) = net.row(2);
            acc.add_row(t, w, &label);
            assert_eq!((acc.get(0), acc.get(1)), (4.0, 2.0));
        }
    }

    #[test]
    fn groups_keep_node_order() {
        let g = group_by(&[2, 0, 2, 1, 0], 3);
        assert_eq!(g.of(0), &[1, 4]);
        assert_eq!(g.of(1), &[3]);
        assert_eq!(g.of(2), &[0, 2]);
    }
}
