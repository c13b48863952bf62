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

/// Nodes decided together against one state: at most 512, and at most 1/128 of
/// the nodes, so that small (aggregated) networks move almost one node at a time
/// and stale decisions cannot make a few nodes swap back and forth forever.
fn batch_size(n: usize) -> usize {
    (n / 128).clamp(1, 512)
}

/// Community totals: the two masses and the member count of each community.
pub(crate) struct Totals {
    pub out: Vec<f64>,
    pub inn: Vec<f64>,
    pub count: Vec<u32>,
}

impl Totals {
    /// Totals of `comm` (ids below `net.n()`).
    pub fn of(net: &Network, comm: &[u32]) -> Totals {
        let n = net.n();
        let mut t = Totals {
            out: vec![0.0; n],
            inn: vec![0.0; n],
            count: vec![0; n],
        };
        for (v, &c) in comm.iter().enumerate() {
            t.out[c as usize] += net.mass_out[v];
            t.inn[c as usize] += net.mass_in[v];
            t.count[c as usize] += 1;
        }
        t
    }
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

/// Moves nodes of `net` between communities `comm` (ids below `net.n()`) while
/// that raises the objective; `order` is the visiting order. Returns how many
/// moves were made.
pub(crate) fn local_moving(
    net: &Network,
    comm: &mut [u32],
    gamma: f64,
    order: &[u32],
    max_rounds: usize,
    tolerance: f64,
) -> usize {
    // Gains are in units of S; relative to all of S they are (half) quality gains.
    let total_s: f64 = net.weights.iter().sum::<f64>() + net.self_weight.iter().sum::<f64>();
    let n = net.n();
    let mut totals = Totals::of(net, comm);
    let pool = ScratchPool::new(|| Accumulator::new(n));
    let mut active = vec![true; n];
    let mut moved = vec![false; n];
    let mut total_moves = 0;
    // Empty community ids, reused last-in first-out (deterministic).
    let mut empty: Vec<u32> = (0..n as u32)
        .rev()
        .filter(|&c| totals.count[c as usize] == 0)
        .collect();
    let scale = gamma / net.total;
    for _round in 0..max_rounds {
        let mut round_moves = 0;
        let mut round_gain = 0.0;
        for batch in order.chunks(batch_size(n)) {
            let decisions: Vec<Option<Move>> = batch
                .par_iter()
                .map(|&v| {
                    if !active[v as usize] {
                        return None;
                    }
                    let mut acc = pool.get();
                    best_move(net, comm, &totals, scale, v as usize, &mut acc)
                })
                .collect();
            for (&v, decision) in batch.iter().zip(decisions) {
                let Some(m) = decision else { continue };
                let v = v as usize;
                let own = comm[v] as usize;
                let (a, b) = (net.mass_out[v], net.mass_in[v]);
                let target = if m.target == EMPTY {
                    match empty.last() {
                        Some(&c) if totals.count[own] > 1 => c as usize,
                        _ => continue,
                    }
                } else {
                    m.target as usize
                };
                if totals.count[target] == 0 && m.target != EMPTY {
                    continue;
                }
                let gain_target =
                    m.to_target - scale * (a * totals.inn[target] + b * totals.out[target]);
                let gain_own =
                    m.to_own - scale * (a * (totals.inn[own] - b) + b * (totals.out[own] - a));
                if gain_target <= gain_own + 1e-12 * gain_own.abs().max(1e-300) {
                    continue;
                }
                round_gain += gain_target - gain_own;
                if m.target == EMPTY {
                    empty.pop();
                }
                totals.out[own] -= a;
                totals.inn[own] -= b;
                totals.count[own] -= 1;
                totals.out[target] += a;
                totals.inn[target] += b;
                totals.count[target] += 1;
                if totals.count[own] == 0 {
                    empty.push(own as u32);
                }
                comm[v] = target as u32;
                moved[v] = true;
                round_moves += 1;
            }
        }
        total_moves += round_moves;
        if std::env::var_os("SG_TRACE").is_some() {
            eprintln!(
                "    round {_round}: active {} moves {round_moves} gain {:.3e}",
                active.iter().filter(|&&a| a).count(),
                round_gain / total_s
            );
        }
        if round_moves == 0 || round_gain <= tolerance * total_s {
            break;
        }
        // Next round: the nodes with a neighbour that moved in this one.
        active
            .par_iter_mut()
            .enumerate()
            .for_each(|(v, a)| *a = net.row(v).0.iter().any(|&u| moved[u as usize]));
        moved.iter_mut().for_each(|m| *m = false);
    }
    total_moves
}

/// The best community for `v` against the current state, if better than its own.
fn best_move(
    net: &Network,
    comm: &[u32],
    totals: &Totals,
    scale: f64,
    v: usize,
    acc: &mut Accumulator,
) -> Option<Move> {
    let (targets, weights) = net.row(v);
    for (&u, &w) in targets.iter().zip(weights) {
        acc.add(comm[u as usize], w);
    }
    let own = comm[v];
    let (a, b) = (net.mass_out[v], net.mass_in[v]);
    let to_own = acc.get(own);
    let o = own as usize;
    let gain_own = to_own - scale * (a * (totals.inn[o] - b) + b * (totals.out[o] - a));
    let mut best: Option<(f64, u32)> = None;
    for &c in acc.touched() {
        if c == own {
            continue;
        }
        let ci = c as usize;
        let gain = acc.get(c) - scale * (a * totals.inn[ci] + b * totals.out[ci]);
        let better = match best {
            None => true,
            Some((g, bc)) => gain > g || (gain == g && c < bc),
        };
        if better {
            best = Some((gain, c));
        }
    }
    let result = match best {
        Some((g, c)) if g > gain_own && g >= 0.0 => Some(Move {
            target: c,
            to_target: acc.get(c),
            to_own,
        }),
        // Every neighbouring community (own included) costs: leave for an empty one.
        _ if gain_own < 0.0 => Some(Move {
            target: EMPTY,
            to_target: 0.0,
            to_own,
        }),
        Some((g, c)) if g > gain_own => Some(Move {
            target: c,
            to_target: acc.get(c),
            to_own,
        }),
        _ => None,
    };
    acc.clear();
    result
}
