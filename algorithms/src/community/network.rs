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

use rayon::prelude::*;

use super::scratch::ScratchPool;

/// Entries of consecutive rows of a [`Network`].
#[derive(Clone, Debug)]
pub(crate) struct Chunk {
    /// Offset of the chunk's first entry among all entries.
    pub base: u64,
    /// Neighbours (no self-loops).
    pub targets: Vec<u32>,
    /// `S(v, u)` for each entry; empty when every entry weighs `unit[0]`
    /// (unweighted input: saves 8 bytes per entry at level 0).
    pub weights: Vec<f64>,
}

impl Chunk {
    /// Every row in one chunk: with `chunk_shift` [`ONE_CHUNK`].
    pub fn all(targets: Vec<u32>, weights: Vec<f64>) -> Vec<Chunk> {
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
pub(crate) struct Network {
    /// Row offsets (`n + 1` entries) into the concatenation of the chunks.
    pub offsets: Vec<u64>,
    /// Row `v`'s entries live in chunk `v >> chunk_shift` ([`ONE_CHUNK`]: one).
    /// Aggregated networks keep the blocks they were built in, so building one
    /// never holds two copies of its entries.
    pub chunk_shift: u32,
    /// The entries, in chunks of consecutive rows.
    pub chunks: Vec<Chunk>,
    /// `unit` repeated over the longest row, for chunks without weights.
    pub unit: Vec<f64>,
    /// `S(v, v)`: twice the weight inside the super-node.
    pub self_weight: Vec<f64>,
    /// First node mass (degree, out-degree, left degree or node count).
    pub mass_out: Vec<f64>,
    /// Second node mass (degree, in-degree, right degree or node count).
    pub mass_in: Vec<f64>,
    /// Number of original nodes in each super-node.
    pub size: Vec<u32>,
    /// The normaliser `W` (total degree, arc weight, or 1 for CPM).
    pub total: f64,
}

impl Network {
    /// Number of (super-)nodes.
    pub fn n(&self) -> usize {
        self.self_weight.len()
    }

    /// Entries of row `v`.
    #[inline]
    pub fn row(&self, v: usize) -> (&[u32], &[f64]) {
        let c = &self.chunks[v >> self.chunk_shift];
        let r = (self.offsets[v] - c.base) as usize..(self.offsets[v + 1] - c.base) as usize;
        let w = if c.weights.is_empty() {
            &self.unit[..r.len()]
        } else {
            &c.weights[r.clone()]
        };
        (&c.targets[r], w)
    }

    /// Sum of all entries of `S` off the diagonal.
    pub fn total_off_diagonal(&self) -> f64 {
        self.chunks
            .iter()
            .map(|c| {
                if c.weights.is_empty() {
                    self.unit.first().copied().unwrap_or(0.0) * c.targets.len() as f64
                } else {
                    c.weights.iter().sum()
                }
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
    ) -> Network {
        let members = group_by(cluster, n_clusters);
        // Blocks of clusters, each built into its own chunk (a power of two rows).
        const BLOCK: usize = 2048;
        let blocks: Vec<RowBlock> = (0..n_clusters)
            .step_by(BLOCK)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|start| {
                let end = (start + BLOCK).min(n_clusters);
                let mut guard = pool.get();
                let acc = &mut *guard;
                let mut lens = Vec::with_capacity(end - start);
                let (mut targets, mut weights, mut selfs) = (Vec::new(), Vec::new(), Vec::new());
                for k in start..end {
                    let mut inside = 0.0;
                    for &v in members.of(k) {
                        let v = v as usize;
                        inside += self.self_weight[v];
                        let (t, w) = self.row(v);
                        for (&u, &w) in t.iter().zip(w) {
                            let cu = cluster[u as usize];
                            if cu as usize == k {
                                inside += w;
                            } else {
                                acc.add(cu, w);
                            }
                        }
                    }
                    let before = targets.len();
                    acc.drain(&mut targets, &mut weights);
                    lens.push((targets.len() - before) as u64);
                    selfs.push(inside);
                }
                // Rows were appended with amortised doubling: give the slack back.
                targets.shrink_to_fit();
                weights.shrink_to_fit();
                (lens, targets, weights, selfs)
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
                targets,
                weights,
            });
        }
        let sum_by = |x: &[f64]| -> Vec<f64> {
            (0..n_clusters)
                .map(|k| members.of(k).iter().map(|&v| x[v as usize]).sum())
                .collect()
        };
        Network {
            offsets,
            chunk_shift: BLOCK.trailing_zeros(),
            chunks,
            unit: Vec::new(),
            self_weight,
            mass_out: sum_by(&self.mass_out),
            mass_in: sum_by(&self.mass_in),
            size: (0..n_clusters)
                .map(|k| members.of(k).iter().map(|&v| self.size[v as usize]).sum())
                .collect(),
            total: self.total,
        }
    }
}

/// Rows of a block of clusters: lengths, targets, weights, self weights.
type RowBlock = (Vec<u64>, Vec<u32>, Vec<f64>, Vec<f64>);

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
    /// `value[label[t]] += w` for every `(t, w)`. Every label must be below the
    /// accumulator's size (checked once per call, not per entry).
    #[inline]
    pub fn add_row(&mut self, targets: &[u32], weights: &[f64], label: &[u32]) {
        let n = targets.len().min(weights.len());
        // Room for every entry, so the id can be written unconditionally and kept
        // only when its slot was empty: no unpredictable branch in the loop, which
        // lets the label and value loads of consecutive entries overlap.
        self.touched.reserve(n);
        let start = self.touched.len();
        let value = &mut self.value[..];
        let spare = &mut self.touched.spare_capacity_mut()[..n];
        let mut len = 0;
        for (&t, &w) in targets[..n].iter().zip(&weights[..n]) {
            let k = label[t as usize];
            assert!((k as usize) < value.len());
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

    fn triangle_pair() -> Network {
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
            offsets,
            chunk_shift: ONE_CHUNK,
            chunks: Chunk::all(targets, weights),
            unit: Vec::new(),
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
        assert_eq!(agg.row(0), (&[1u32][..], &[2.0][..]));
        assert_eq!(agg.row(1), (&[0u32][..], &[2.0][..]));
        // Three internal edges, each in both rows of S = 2A: 3 * 2 * 2 = 12.
        assert_eq!(agg.self_weight, vec![12.0, 12.0]);
        assert_eq!(agg.mass_out, vec![7.0, 7.0]);
        assert_eq!(agg.size, vec![3, 3]);
        let all = agg.aggregate(&[0, 0], 1, &pool);
        assert_eq!(all.self_weight, vec![28.0]);
        assert_eq!(all.row(0).0.len(), 0);
    }

    #[test]
    fn groups_keep_node_order() {
        let g = group_by(&[2, 0, 2, 1, 0], 3);
        assert_eq!(g.of(0), &[1, 4]);
        assert_eq!(g.of(1), &[3]);
        assert_eq!(g.of(2), &[0, 2]);
    }
}
