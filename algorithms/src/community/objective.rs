//! The objectives the clustering engine optimises, as node masses on a network.

use spargraph_engine::Graph;

use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use super::network::{Chunk, Network, Weights, ONE_CHUNK};
use crate::error::AlgorithmError;

/// What the clustering maximises. Each is
/// `Q = sum_c [ L_c / W - gamma Out_c In_c / W^2 ]` with its own node masses:
///
/// - `Modularity`: Newman-Girvan modularity with resolution `gamma` on undirected
///   graphs (masses: degree, `W` = total degree), the Leicht-Newman directed
///   modularity on directed ones (out- and in-degree, `W` = total arc weight).
/// - `Cpm`: the Constant Potts Model (Traag, Van Dooren & Nesterov 2011),
///   `sum_c [ L_c - gamma n_c (n_c - 1) ]` as leidenalg reports it (masses: node
///   counts, `W = 1`); `gamma` is a density threshold, typically well below 1.
/// - `Bipartite`: Barber's bipartite modularity (Barber 2007) for user-item graphs,
///   `sum_c [ I_c / w - gamma D_c F_c / w^2 ]` with `D_c`, `F_c` the degrees of
///   `c`'s left and right nodes (masses: degree on one side, 0 on the other). The
///   sides come from the caller or from 2-colouring the graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Objective {
    /// Modularity (directed graphs: Leicht-Newman).
    #[default]
    Modularity,
    /// Constant Potts Model.
    Cpm,
    /// Barber's bipartite modularity.
    Bipartite,
}

impl Objective {
    /// The objective's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Modularity => "modularity",
            Objective::Cpm => "cpm",
            Objective::Bipartite => "bipartite",
        }
    }
}

impl std::str::FromStr for Objective {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "modularity" => Ok(Objective::Modularity),
            "cpm" => Ok(Objective::Cpm),
            "bipartite" => Ok(Objective::Bipartite),
            _ => Err(format!(
                "unknown objective {s:?} (expected modularity, cpm or bipartite)"
            )),
        }
    }
}

/// The two sides of a bipartite graph: each connected component 2-coloured by
/// breadth-first search, its smallest node on the left (`true`). Swapping the
/// sides of a component leaves Barber's modularity of any partition that does not
/// span components unchanged.
///
/// Errors name an edge that closes an odd cycle (or a self-loop): the graph is
/// not bipartite.
pub fn bipartite_sides(graph: &Graph) -> Result<Vec<bool>, AlgorithmError> {
    let n = graph.n_nodes();
    let mut side: Vec<Option<bool>> = vec![None; n];
    let mut queue = Vec::new();
    for root in 0..n {
        if side[root].is_some() {
            continue;
        }
        side[root] = Some(true);
        queue.clear();
        queue.push(root as u32);
        let mut head = 0;
        while head < queue.len() {
            let u = queue[head] as usize;
            head += 1;
            let su = side[u].expect("queued nodes are coloured");
            let ins = if graph.is_directed() {
                graph.in_neighbors(u)
            } else {
                &[][..]
            };
            for &v in graph.out_neighbors(u).iter().chain(ins) {
                match side[v as usize] {
                    None => {
                        side[v as usize] = Some(!su);
                        queue.push(v);
                    }
                    Some(sv) if sv == su => {
                        return Err(AlgorithmError::Mismatch(format!(
                            "the graph is not bipartite: the edge between nodes {u} and {v} \
                             closes an odd cycle (the bipartite objective needs a two-sided \
                             user-item graph)"
                        )))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    Ok(side.into_iter().map(|s| s.unwrap_or(true)).collect())
}

/// The level-0 network of `graph` for `objective` (`is_left` only for
/// [`Objective::Bipartite`]). On an undirected graph without self-loops the rows
/// of `S = 2A` are the CSR's rows: the network borrows its offsets and targets,
/// and keeps the weights (`2w`, exact in `f32`) as single precision.
pub(crate) fn network_for<'g>(
    graph: &'g Graph,
    objective: Objective,
    is_left: Option<&[bool]>,
) -> Network<'g> {
    let n = graph.n_nodes();
    let out = graph.out();
    let directed = graph.is_directed();
    // S = A + A^T: undirected rows hold A symmetric, so S = 2A off the diagonal;
    // a loop of weight w is A_vv = 2w there (igraph's convention), so S_vv = 4w.
    // Directed: the out-row and the in-row concatenated, a loop gives S_vv = 2w.
    let factor = if directed { 1.0 } else { 2.0 };
    let weighted = graph.is_weighted();
    // Masses and loops, each node's from its own row(s) in parallel, summed in row
    // order (an undirected graph's in-row is its out-row: `deg_in = deg_out`).
    let mut self_weight = vec![0f64; n];
    let mut deg_out = vec![0f64; n];
    let mut deg_in = if directed { vec![0f64; n] } else { Vec::new() };
    let any_loop = AtomicBool::new(false);
    deg_out
        .par_iter_mut()
        .zip(self_weight.par_iter_mut())
        .enumerate()
        .with_min_len(1024)
        .for_each(|(v, (deg, own))| {
            if !weighted {
                // Sums of ones are exact in any order: the row's length, with the
                // loop (found by binary search in the sorted row) counted `factor`
                // times, is the loop below bit for bit.
                let row = out.row(v);
                if row.binary_search(&(v as u32)).is_ok() {
                    any_loop.store(true, Relaxed);
                    *own = 2.0 * factor;
                    *deg = (row.len() - 1) as f64 + factor;
                } else {
                    *deg = row.len() as f64;
                }
                return;
            }
            for (u, w) in out.row_entries(v) {
                let w = w as f64;
                if u as usize == v {
                    any_loop.store(true, Relaxed);
                    *own += 2.0 * factor * w;
                    *deg += factor * w;
                } else {
                    *deg += w;
                }
            }
        });
    if directed {
        let incoming = graph.incoming();
        deg_in
            .par_iter_mut()
            .enumerate()
            .with_min_len(1024)
            .for_each(|(v, deg)| {
                if !weighted {
                    // Directed: `factor` is 1, so a loop counts once like any arc.
                    *deg = incoming.row(v).len() as f64;
                    return;
                }
                for (u, w) in incoming.row_entries(v) {
                    *deg += if u as usize == v { factor } else { 1.0 } * w as f64;
                }
            });
    }
    let has_loops = any_loop.into_inner();
    let (offsets, targets, weights) = if !directed && !has_loops {
        let weights = match out.weights() {
            None => Weights::Unit,
            Some(w) => {
                let doubled: Vec<f32> = w.par_iter().map(|&x| 2.0 * x).collect();
                // 2w is exact in f32 unless it overflows.
                if doubled.par_iter().all(|x| x.is_finite()) {
                    Weights::F32(doubled)
                } else {
                    Weights::F64(w.iter().map(|&x| 2.0 * x as f64).collect())
                }
            }
        };
        (
            Cow::Borrowed(out.offsets()),
            Cow::Borrowed(out.targets()),
            weights,
        )
    } else {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0u64);
        let cap = if directed { 2 * out.nnz() } else { out.nnz() };
        let (mut targets, mut weights) = (
            Vec::with_capacity(cap),
            Vec::with_capacity(if weighted { cap } else { 0 }),
        );
        for v in 0..n {
            for (u, w) in out.row_entries(v) {
                if u as usize != v {
                    targets.push(u);
                    if weighted {
                        weights.push(factor * w as f64);
                    }
                }
            }
            if directed {
                for (u, w) in graph.incoming().row_entries(v) {
                    if u as usize != v {
                        targets.push(u);
                        if weighted {
                            weights.push(w as f64);
                        }
                    }
                }
            }
            offsets.push(targets.len() as u64);
        }
        let weights = if weighted {
            Weights::narrowest(weights)
        } else {
            Weights::Unit
        };
        (Cow::Owned(offsets), Cow::Owned(targets), weights)
    };
    let total: f64 = deg_out.iter().sum();
    // An empty `mass_in` stands for `mass_out` (see `Network::mass_in`).
    let (mass_out, mass_in, total) = match objective {
        Objective::Modularity if !directed => (deg_out, Vec::new(), total),
        Objective::Modularity => (deg_out, deg_in, total),
        Objective::Cpm => (vec![1.0; n], Vec::new(), 1.0),
        Objective::Bipartite => {
            // Undirected only (checked by the caller): W = 2w, masses 2 deg on one
            // side so that Out_c In_c / W^2 = D_c F_c / w^2.
            let sides = is_left.expect("bipartite objective needs sides");
            let left = (0..n)
                .map(|v| if sides[v] { 2.0 * deg_out[v] } else { 0.0 })
                .collect();
            let right = (0..n)
                .map(|v| if sides[v] { 0.0 } else { 2.0 * deg_out[v] })
                .collect();
            (left, right, total)
        }
    };
    if !has_loops {
        self_weight = Vec::new(); // every S(v, v) is 0: see `Network::self_weight`
    }
    Network {
        offsets,
        chunk_shift: ONE_CHUNK,
        chunks: Chunk::all(targets, weights),
        unit: factor,
        self_weight,
        mass_out,
        mass_in,
        size: vec![1; n],
        total,
    }
}
