//! Deterministic benchmark graph generators returning plain edge arrays.
//!
//! Every generator takes a config struct (with documented defaults via
//! [`Default`]) and returns a [`GeneratedGraph`] that follows one output
//! convention: undirected, each edge listed once with `src < dst`, no
//! self-loops, duplicates merged, sorted by `(src, dst)`, node ids
//! `0..n_nodes`.
//!
//! Output is bit-identical for a given seed whatever the number of rayon
//! threads: random work is split into chunks whose size does not depend on
//! the thread count, and chunk `k` draws from
//! [`Xoshiro256PlusPlus::from_seed_and_stream`]`(seed, k)`.
//!
//! * [`RmatConfig`]: R-MAT / Graph500 Kronecker graphs.
//! * [`SbmConfig`]: planted-partition stochastic block model.
//! * [`HsbmConfig`]: binary-tree hierarchical stochastic block model.
//! * [`BipartiteConfig`]: power-law user–item graph with taste groups.

mod bipartite;
mod hsbm;
mod rmat;
mod sbm;

pub use bipartite::BipartiteConfig;
pub use hsbm::HsbmConfig;
pub use rmat::RmatConfig;
pub use sbm::SbmConfig;

use std::fmt::Display;

use rayon::prelude::*;

use crate::rng::Xoshiro256PlusPlus;

/// A generated edge list with its ground truth.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedGraph {
    /// Number of nodes; ids are `0..n_nodes`.
    pub n_nodes: u32,
    /// Edge sources, `src[i] < dst[i]`, sorted by `(src, dst)`.
    pub src: Vec<u32>,
    /// Edge destinations.
    pub dst: Vec<u32>,
    /// Edge weights (bipartite: merged draw counts), `None` if unweighted.
    pub weights: Option<Vec<f32>>,
    /// Ground-truth label columns, each (name, one value per node), e.g. ("label", ...), or for hsbm ("level_1", ..), ("level_2", ..), ("level_3", ..) ; bipartite gives ("side", 0 user / 1 item) and ("group", planted taste group).
    pub labels: Vec<(String, Vec<u32>)>,
    /// Generator parameters as (key, value) strings for metadata.
    pub params: Vec<(String, String)>,
}

impl GeneratedGraph {
    /// Number of (undirected, deduplicated) edges.
    pub fn n_edges(&self) -> usize {
        self.src.len()
    }

    /// The label column called `name`, if present.
    pub fn label(&self, name: &str) -> Option<&[u32]> {
        self.labels
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The metadata parameter called `key`, if present.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a generator config was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// A parameter is out of its valid range.
    #[error("invalid generator parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name, e.g. `scale` or `degrees[2]`.
        name: String,
        /// The rejected value, formatted.
        value: String,
        /// What the value must satisfy.
        reason: String,
    },
    /// The requested graph does not fit the id or memory-index types.
    #[error("generated graph too large: {what} = {value} exceeds the limit {limit}")]
    TooLarge {
        /// The derived quantity, e.g. `n_blocks * block_size`.
        what: String,
        /// Its value.
        value: u128,
        /// The largest supported value.
        limit: u128,
    },
}

pub(crate) fn invalid(
    name: impl Into<String>,
    value: impl Display,
    reason: impl Into<String>,
) -> GenerateError {
    GenerateError::InvalidParameter {
        name: name.into(),
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// Checks that `n` nodes fit `u32` ids and returns `n as u32`.
pub(crate) fn node_count(what: &str, n: u128) -> Result<u32, GenerateError> {
    u32::try_from(n).map_err(|_| GenerateError::TooLarge {
        what: what.into(),
        value: n,
        limit: u128::from(u32::MAX),
    })
}

/// The most random edge draws a generator makes: `2^36` (about 69 billion; each
/// draw is kept as 8 bytes while the edges are sorted and deduplicated, so more
/// could not be allocated, and would otherwise abort on a capacity overflow).
pub(crate) const MAX_DRAWS: u128 = 1 << 36;

/// Checks that `n` edge draws are at most [`MAX_DRAWS`] and returns `n`.
pub(crate) fn draw_count(what: &str, n: u128) -> Result<usize, GenerateError> {
    if n > MAX_DRAWS {
        return Err(GenerateError::TooLarge {
            what: what.into(),
            value: n,
            limit: MAX_DRAWS,
        });
    }
    Ok(n as usize)
}

/// Checks that `x` is finite and `>= 0`.
pub(crate) fn non_negative(name: &str, x: f64) -> Result<f64, GenerateError> {
    if x.is_finite() && x >= 0.0 {
        Ok(x)
    } else {
        Err(invalid(name, x, "must be finite and >= 0"))
    }
}

/// Checks that a pair probability lies in `[0, 1]`.
pub(crate) fn probability(name: &str, value: f64, p: f64) -> Result<f64, GenerateError> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(invalid(
            name,
            value,
            format!("implies an edge probability {p} outside [0, 1]"),
        ))
    }
}

/// Sentinel for a dropped draw (self-loop); sorts after every real edge.
pub(crate) const NO_EDGE: u64 = u64::MAX;

/// Packs an undirected edge as `min << 32 | max`, or [`NO_EDGE`] if `u == v`.
#[inline]
pub(crate) fn pack(u: u32, v: u32) -> u64 {
    match u.cmp(&v) {
        std::cmp::Ordering::Less => (u64::from(u) << 32) | u64::from(v),
        std::cmp::Ordering::Greater => (u64::from(v) << 32) | u64::from(u),
        std::cmp::Ordering::Equal => NO_EDGE,
    }
}

fn unpack(edges: &[u64]) -> (Vec<u32>, Vec<u32>) {
    let src = edges.par_iter().map(|&e| (e >> 32) as u32).collect();
    let dst = edges.par_iter().map(|&e| e as u32).collect();
    (src, dst)
}

/// Sorts packed edges, drops [`NO_EDGE`], merges duplicates.
pub(crate) fn finish_unweighted(mut edges: Vec<u64>) -> (Vec<u32>, Vec<u32>) {
    edges.par_sort_unstable();
    let keep = edges.partition_point(|&e| e != NO_EDGE);
    edges.truncate(keep);
    edges.dedup();
    unpack(&edges)
}

/// As [`finish_unweighted`], with weight = number of merged copies.
pub(crate) fn finish_counted(mut edges: Vec<u64>) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    edges.par_sort_unstable();
    let keep = edges.partition_point(|&e| e != NO_EDGE);
    edges.truncate(keep);
    let mut weights = Vec::new();
    let mut write = 0;
    let mut read = 0;
    while read < edges.len() {
        let e = edges[read];
        let start = read;
        while read < edges.len() && edges[read] == e {
            read += 1;
        }
        edges[write] = e;
        weights.push((read - start) as f32);
        write += 1;
    }
    edges.truncate(write);
    let (src, dst) = unpack(&edges);
    (src, dst, weights)
}

/// Draws per parallel chunk for the draw-based generators (R-MAT,
/// bipartite). Fixed, so the output does not depend on the thread count.
pub(crate) const DRAW_CHUNK: usize = 1 << 16;

/// Fills `out[i]` with `draw(rng)` where chunk `k` of [`DRAW_CHUNK`] entries
/// uses stream `k` of `seed`, in parallel.
pub(crate) fn parallel_draws<F>(seed: u64, n: usize, draw: F) -> Vec<u64>
where
    F: Fn(&mut Xoshiro256PlusPlus) -> u64 + Sync,
{
    let mut out = vec![0u64; n];
    out.par_chunks_mut(DRAW_CHUNK)
        .enumerate()
        .for_each(|(k, chunk)| {
            let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(seed, k as u64);
            for slot in chunk {
                *slot = draw(&mut rng);
            }
        });
    out
}

/// Rows per task for the block-model samplers (fixed, thread-independent).
const ROWS_PER_TASK: u32 = 1024;

/// One piece of a block model: every candidate pair in the region is an
/// edge independently with probability `p`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Region {
    /// Pairs `(offset + w, offset + v)` with `w < v`, `v` in `rows`: a slab
    /// of the strict lower triangle of a diagonal block.
    Triangle { offset: u32, rows: (u32, u32) },
    /// Pairs `(row, col)` for `row` in `rows`, `col` in `cols` (disjoint).
    Rectangle { rows: (u32, u32), cols: (u32, u32) },
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockTask {
    region: Region,
    p: f64,
}

/// Appends the tasks for the diagonal block of nodes `start..start+size`.
pub(crate) fn push_triangle(tasks: &mut Vec<BlockTask>, start: u32, size: u32, p: f64) {
    if p <= 0.0 {
        return;
    }
    let mut r = 1; // row 0 of a triangle has no pairs
    while r < size {
        let end = r.saturating_add(ROWS_PER_TASK).min(size);
        tasks.push(BlockTask {
            region: Region::Triangle {
                offset: start,
                rows: (r, end),
            },
            p,
        });
        r = end;
    }
}

/// Appends the tasks for the off-diagonal block `rows × cols` (half-open
/// node ranges, disjoint).
pub(crate) fn push_rectangle(
    tasks: &mut Vec<BlockTask>,
    rows: (u32, u32),
    cols: (u32, u32),
    p: f64,
) {
    if p <= 0.0 || cols.0 >= cols.1 {
        return;
    }
    let mut r = rows.0;
    while r < rows.1 {
        let end = r.saturating_add(ROWS_PER_TASK).min(rows.1);
        tasks.push(BlockTask {
            region: Region::Rectangle {
                rows: (r, end),
                cols,
            },
            p,
        });
        r = end;
    }
}

/// Samples every task exactly (each pair an independent Bernoulli trial)
/// in O(pairs visited by skips + rows) time with geometric skipping
/// (Batagelj & Brandes, Phys. Rev. E 71, 036113, 2005). Task `k` uses
/// stream `k` of `seed`. Returns packed edges (unsorted).
pub(crate) fn sample_blocks(seed: u64, tasks: &[BlockTask]) -> Vec<u64> {
    let parts: Vec<Vec<u64>> = tasks
        .par_iter()
        .enumerate()
        .map(|(k, task)| {
            let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(seed, k as u64);
            let mut out = Vec::new();
            sample_task(&mut rng, task, &mut out);
            out
        })
        .collect();
    let total = parts.iter().map(Vec::len).sum();
    let mut edges = Vec::with_capacity(total);
    for part in parts {
        edges.extend_from_slice(&part);
    }
    edges
}

fn sample_task(rng: &mut Xoshiro256PlusPlus, task: &BlockTask, out: &mut Vec<u64>) {
    let ln_q = (-task.p).ln_1p(); // ln(1 - p); -inf when p == 1
    match task.region {
        Region::Triangle { offset, rows } => {
            // Batagelj–Brandes G(n, p): walk the lower triangle row by row.
            let (mut v, end) = (u64::from(rows.0), u64::from(rows.1));
            let mut w: u64 = 0; // next candidate column in row v
            loop {
                w = w.saturating_add(rng.geometric_ln(ln_q));
                while w >= v && v < end {
                    w -= v;
                    v += 1;
                }
                if v >= end {
                    break;
                }
                out.push(pack(offset + w as u32, offset + v as u32));
                w += 1;
            }
        }
        Region::Rectangle { rows, cols } => {
            let n_cols = u64::from(cols.1 - cols.0);
            let total = u64::from(rows.1 - rows.0) * n_cols;
            let mut pos: u64 = 0;
            loop {
                pos = pos.saturating_add(rng.geometric_ln(ln_q));
                if pos >= total {
                    break;
                }
                let r = rows.0 + (pos / n_cols) as u32;
                let c = cols.0 + (pos % n_cols) as u32;
                out.push(pack(r, c));
                pos += 1;
            }
        }
    }
}

/// Runs `f` in a dedicated pool of `threads` threads (test helper).
#[cfg(test)]
pub(crate) fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("test thread pool")
        .install(f)
}

/// Asserts the output convention (test helper).
#[cfg(test)]
pub(crate) fn assert_convention(g: &GeneratedGraph) {
    assert_eq!(g.src.len(), g.dst.len());
    if let Some(w) = &g.weights {
        assert_eq!(w.len(), g.src.len());
        assert!(w.iter().all(|&x| x >= 1.0));
    }
    for i in 0..g.src.len() {
        assert!(g.src[i] < g.dst[i], "edge {i} not src < dst");
        assert!(g.dst[i] < g.n_nodes, "edge {i} id out of range");
        if i > 0 {
            assert!(
                (g.src[i - 1], g.dst[i - 1]) < (g.src[i], g.dst[i]),
                "edges {} and {i} unsorted or duplicated",
                i - 1
            );
        }
    }
    for (name, col) in &g.labels {
        assert_eq!(col.len(), g.n_nodes as usize, "label column {name}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_merges_and_counts() {
        let edges = vec![
            pack(3, 1),
            pack(1, 3),
            NO_EDGE,
            pack(0, 2),
            pack(2, 2),
            pack(1, 3),
        ];
        let (s, d) = finish_unweighted(edges.clone());
        assert_eq!((s, d), (vec![0, 1], vec![2, 3]));
        let (s, d, w) = finish_counted(edges);
        assert_eq!((s, d, w), (vec![0, 1], vec![2, 3], vec![1.0, 3.0]));
    }

    #[test]
    fn block_sampler_full_and_empty_probability() {
        let mut tasks = Vec::new();
        push_triangle(&mut tasks, 10, 2500, 1.0);
        push_rectangle(&mut tasks, (0, 10), (10, 2510), 1.0);
        push_rectangle(&mut tasks, (0, 10), (10, 2510), 0.0);
        let (s, _) = finish_unweighted(sample_blocks(1, &tasks));
        assert_eq!(s.len(), 2500 * 2499 / 2 + 10 * 2500);
    }

    #[test]
    fn block_sampler_density() {
        let mut tasks = Vec::new();
        push_triangle(&mut tasks, 0, 3000, 0.01);
        let edges = sample_blocks(5, &tasks);
        let expected = 0.01 * 3000.0 * 2999.0 / 2.0; // sd ~ 211
        assert!(
            (edges.len() as f64 - expected).abs() < 1000.0,
            "{}",
            edges.len()
        );
        assert!(edges
            .iter()
            .all(|&e| e != NO_EDGE && (e >> 32) < (e & 0xFFFF_FFFF)));
    }
}
