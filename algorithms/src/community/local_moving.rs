//! Parallel local moving (the first phase of Louvain and Leiden).
//!
//! Nodes are visited in a seeded random order, in fixed-size batches. Within a
//! batch every node picks its best community in parallel against the state at
//! the batch's start; the moves are then applied one by one in visiting order,
//! each re-checked against the community totals of that moment (a move into a
//! community emptied meanwhile, or no longer a gain, is dropped). Batches do not
//! depend on the thread count, so neither does the result. A node is visited
//! again in the next round only if a neighbour moved (vertex pruning, as in
//! GVE-Louvain).

use rayon::prelude::*;

use super::network::{Accumulator, Network};
use super::scratch::ScratchPool;

/// Nodes decided together against one state: at most 2048, and at most 1/32 of
/// the nodes to visit, so that small (aggregated) networks move almost one node
/// at a time and stale decisions cannot make a few nodes swap back and forth for
/// ever (1/128 and 512 were slower and no better on the anchor graphs).
fn batch_size(n: usize) -> usize {
    (n / 32).clamp(1, 2048)
}

/// How many nodes ahead in the visiting order a node's row is prefetched.
pub(crate) const ROW_PREFETCH: usize = 4;

/// A community's totals: its two masses and its member count (one cache line
/// read per candidate community).
#[derive(Clone, Copy, Default)]
pub(crate) struct Total {
    pub out: f64,
    pub inn: f64,
    pub count: u32,
}

/// Where [`best_move`] reads a community's two masses `(In_c, Out_c)`.
trait Masses: Sync {
    fn of(&self, c: usize) -> (f64, f64);
}

impl Masses for [Total] {
    #[inline(always)]
    fn of(&self, c: usize) -> (f64, f64) {
        (self[c].inn, self[c].out)
    }
}

/// One mass per community, when every node's two masses are equal (undirected
/// modularity, CPM): a third of [`Total`]'s bytes, so that the random reads of
/// the candidates' masses stay in a nearer cache.
struct Symmetric<'a>(&'a [f64]);

impl Masses for Symmetric<'_> {
    #[inline(always)]
    fn of(&self, c: usize) -> (f64, f64) {
        (self.0[c], self.0[c])
    }
}

/// The totals of each community of `comm` (ids below `size`).
pub(crate) fn totals_of(net: &Network, comm: &[u32], size: usize) -> Vec<Total> {
    let mut t = vec![Total::default(); size];
    let mass_in = net.mass_in();
    for (v, &c) in comm.iter().enumerate() {
        let c = &mut t[c as usize];
        c.out += net.mass_out[v];
        c.inn += mass_in[v];
        c.count += 1;
    }
    t
}

/// Target of a move into an empty community (leaving its own, as igraph's Leiden
/// allows): what lets a well-knit part of an over-merged community split off.
const EMPTY: u32 = u32::MAX;

/// A node's chosen move: target community (or [`EMPTY`]), `S(v, target)`,
/// `S(v, own \ v)`.
#[derive(Clone, Copy)]
struct Move {
    target: u32,
    to_target: f64,
    to_own: f64,
}

/// What [`local_moving`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Moved {
    /// Moves made, over all rounds.
    pub moves: usize,
    /// Whether the last round moved no node (rather than stopping on the
    /// tolerance or the round limit): every node it visited was at its best.
    pub converged: bool,
}

/// Moves nodes of `net` between communities `comm` (ids below `net.n()`) while
/// that raises the objective; `order` is the visiting order.
pub(crate) fn local_moving(
    net: &Network,
    comm: &mut [u32],
    gamma: f64,
    order: &[u32],
    max_rounds: usize,
    tolerance: f64,
    pool: &ScratchPool<Accumulator>,
) -> Moved {
    // Gains are in units of S; relative to all of S they are (half) quality gains.
    let total_s: f64 = net.total_off_diagonal() + net.self_weight.iter().sum::<f64>();
    let mass_in = net.mass_in();
    let n = net.n();
    let mut totals = totals_of(net, comm, n);
    // Both masses of a community when they are equal (see [`Symmetric`]).
    let symmetric = net.mass_in.is_empty();
    let mut mass: Vec<f64> = if symmetric {
        totals.iter().map(|t| t.out).collect()
    } else {
        Vec::new()
    };
    let mut active = vec![true; n];
    let mut moved = vec![false; n];
    let mut total_moves = 0;
    let mut converged = false;
    // Empty community ids, reused last-in first-out (deterministic).
    let mut empty: Vec<u32> = (0..n as u32)
        .rev()
        .filter(|&c| totals[c as usize].count == 0)
        .collect();
    let scale = gamma / net.total;
    for _round in 0..max_rounds {
        let mut round_moves = 0;
        let mut round_gain = 0.0;
        let visit: Vec<u32> = order
            .iter()
            .copied()
            .filter(|&v| active[v as usize])
            .collect();
        let mut moved_nodes: Vec<u32> = Vec::new();
        for batch in visit.chunks(batch_size(visit.len())) {
            // Node `i` of the batch also asks for the row of node `i + ROW_PREFETCH`.
            let decide = |acc: &mut Accumulator, (i, &v): (usize, &u32)| {
                if let Some(&ahead) = batch.get(i + ROW_PREFETCH) {
                    net.prefetch_row(ahead as usize);
                }
                if symmetric {
                    best_move(net, comm, &Symmetric(&mass), scale, v as usize, acc)
                } else {
                    best_move(net, comm, &totals[..], scale, v as usize, acc)
                }
            };
            // Same decisions either way; small batches are not worth a fork. The
            // accumulator is locked once per task, not once per node.
            let decisions: Vec<Option<Move>> = if batch.len() >= 128 {
                batch
                    .par_iter()
                    .enumerate()
                    .with_min_len(32)
                    .map_init(|| pool.get(), |acc, v| decide(acc, v))
                    .collect()
            } else {
                let mut acc = pool.get();
                batch
                    .iter()
                    .enumerate()
                    .map(|v| decide(&mut acc, v))
                    .collect()
            };
            for (&v, decision) in batch.iter().zip(decisions) {
                let Some(m) = decision else { continue };
                let v = v as usize;
                let own = comm[v] as usize;
                let (a, b) = (net.mass_out[v], mass_in[v]);
                let target = if m.target == EMPTY {
                    match empty.last() {
                        Some(&c) if totals[own].count > 1 => c as usize,
                        _ => continue,
                    }
                } else {
                    m.target as usize
                };
                if totals[target].count == 0 && m.target != EMPTY {
                    continue;
                }
                let gain_target =
                    m.to_target - scale * (a * totals[target].inn + b * totals[target].out);
                let gain_own =
                    m.to_own - scale * (a * (totals[own].inn - b) + b * (totals[own].out - a));
                if gain_target <= gain_own + 1e-12 * gain_own.abs().max(1e-300) {
                    continue;
                }
                round_gain += gain_target - gain_own;
                if m.target == EMPTY {
                    empty.pop();
                }
                totals[own].out -= a;
                totals[own].inn -= b;
                totals[own].count -= 1;
                totals[target].out += a;
                totals[target].inn += b;
                totals[target].count += 1;
                if symmetric {
                    mass[own] = totals[own].out;
                    mass[target] = totals[target].out;
                }
                if totals[own].count == 0 {
                    empty.push(own as u32);
                }
                comm[v] = target as u32;
                moved_nodes.push(v as u32);
                round_moves += 1;
            }
        }
        total_moves += round_moves;
        converged = round_moves == 0;
        if round_moves == 0 || round_gain <= tolerance * total_s {
            break;
        }
        // Next round: the nodes with a neighbour that moved in this one.
        if moved_nodes.len() > n / 16 {
            for &v in &moved_nodes {
                moved[v as usize] = true;
            }
            active
                .par_iter_mut()
                .enumerate()
                .for_each(|(v, a)| *a = net.row(v).0.iter().any(|&u| moved[u as usize]));
            for &v in &moved_nodes {
                moved[v as usize] = false;
            }
        } else {
            active.iter_mut().for_each(|a| *a = false);
            for &v in &moved_nodes {
                for &u in net.row(v as usize).0 {
                    active[u as usize] = true;
                }
            }
        }
    }
    Moved {
        moves: total_moves,
        converged,
    }
}

/// The best community for `v` against the current state, if better than its own.
fn best_move<M: Masses + ?Sized>(
    net: &Network,
    comm: &[u32],
    totals: &M,
    scale: f64,
    v: usize,
    acc: &mut Accumulator,
) -> Option<Move> {
    let (targets, weights) = net.row(v);
    acc.add_row(targets, weights, comm);
    let own = comm[v];
    let (a, b) = (net.mass_out[v], net.mass_in()[v]);
    let to_own = acc.get(own);
    let o = own as usize;
    let (own_in, own_out) = totals.of(o);
    let gain_own = to_own - scale * (a * (own_in - b) + b * (own_out - a));
    // (gain, community, S(v, community)); the accumulator is cleared as it is read.
    let mut best: Option<(f64, u32, f64)> = None;
    acc.drain_each(|c, to_c| {
        if c == own {
            return;
        }
        let ci = c as usize;
        let (c_in, c_out) = totals.of(ci);
        let gain = to_c - scale * (a * c_in + b * c_out);
        let better = match best {
            None => true,
            Some((g, bc, _)) => gain > g || (gain == g && c < bc),
        };
        if better {
            best = Some((gain, c, to_c));
        }
    });
    match best {
        Some((g, c, to_c)) if g > gain_own && g >= 0.0 => Some(Move {
            target: c,
            to_target: to_c,
            to_own,
        }),
        // Every neighbouring community (own included) costs: leave for an empty one.
        _ if gain_own < 0.0 => Some(Move {
            target: EMPTY,
            to_target: 0.0,
            to_own,
        }),
        Some((g, c, to_c)) if g > gain_own => Some(Move {
            target: c,
            to_target: to_c,
            to_own,
        }),
        _ => None,
    }
}
