//! Leiden's refinement phase (Traag, Waltman & van Eck 2019, Algorithm A.2).
//!
//! Inside each community of the local-moving partition, start from singletons
//! and merge each singleton node that is well connected to its community into a
//! well-connected sub-cluster of that community whose merge raises the objective.
//! The paper picks among these at random; we pick deterministically by a
//! [`MergeRule`]. Sub-clusters only ever grow along edges inside the community, so
//! every refined cluster, and hence every community built from them, is connected.
//!
//! Communities are independent: they are refined in parallel, each in a seeded
//! random order of its own, so the result does not depend on the thread count.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

use rayon::prelude::*;
use spargraph_engine::rng::Xoshiro256PlusPlus;

use super::local_moving::{totals_of, ROW_PREFETCH};
use super::network::{group_by, Accumulator, Network};
use super::scratch::ScratchPool;

/// Which of the sub-clusters a singleton may join (well connected, positive gain)
/// it joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MergeRule {
    /// The one with the largest gain `S(v, j) - gamma (out_v In_j + in_v Out_j) / W`
    /// (GVE-Leiden's greedy choice). On sparse graphs most of a node's neighbours
    /// sit in different sub-clusters with one edge each; the gain then favours the
    /// lightest, a singleton, so sub-clusters stay pairs and the aggregated
    /// network is hardly smaller than the one it came from.
    LargestGain,
    /// The one the node has the most edge weight `S(v, j)` to, ties going to the
    /// heavier sub-cluster (`Out_j + In_j`), then the lower id: sub-clusters grow
    /// like snowballs, so the next aggregated network is much smaller (sbm100k:
    /// 1,700 super-nodes with 0.16M entries after the second level instead of
    /// 20,839 with 1.77M).
    MostWeight,
}

/// A partition of a network's nodes into communities, as refinement reads it.
pub(crate) struct Partition<'a> {
    /// Community of each node (ids `0..k`, every id used).
    pub comm: &'a [u32],
    /// Number of communities.
    pub k: usize,
    /// `S(v, C \ v)` of each node `v` of community `C` (see [`weight_to_own`]).
    pub to_own: &'a [f64],
}

/// Refines `partition` into sub-clusters, merging by `rule`; returns each node's
/// cluster (ids `0..r`, numbered community by community, in order of first
/// member) and `r`.
pub(crate) fn refine(
    net: &Network,
    partition: &Partition,
    gamma: f64,
    rule: MergeRule,
    seed: u64,
    pool: &ScratchPool<Accumulator>,
) -> (Vec<u32>, usize) {
    let &Partition { comm, k, to_own } = partition;
    let n = net.n();
    let groups = group_by(comm, k);
    let totals = totals_of(net, comm, k);
    let scale = gamma / net.total;
    // The sub-cluster of each node: its community (high 32 bits) and the position,
    // in the community's member list, of the node it grew from (low 32 bits); at
    // first each node alone. A task writes only its own community's entries; it
    // reads every neighbour's, but keeps only those of its community, so what other
    // tasks write meanwhile never changes its result.
    let mut cluster: Vec<AtomicU64> = (0..n).map(|_| AtomicU64::new(0)).collect();
    for c in 0..k {
        for (i, &v) in groups.of(c).iter().enumerate() {
            *cluster[v as usize].get_mut() = (c as u64) << 32 | i as u64;
        }
    }
    (0..k).into_par_iter().for_each(|c| {
        let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(seed, c as u64);
        let mut acc = pool.get();
        refine_community(
            &Refinement {
                net,
                to_own,
                cluster: &cluster,
                scale,
                rule,
            },
            groups.of(c),
            c as u32,
            (totals[c].out, totals[c].inn),
            &mut rng,
            &mut acc,
        )
    });
    // Number the sub-clusters community by community, in order of first member.
    let mut id = vec![u32::MAX; n];
    let mut refined = vec![0u32; n];
    let mut next = 0u32;
    for c in 0..k {
        let members = groups.of(c);
        for &v in members {
            let name = members[cluster[v as usize].load(Relaxed) as u32 as usize] as usize;
            if id[name] == u32::MAX {
                id[name] = next;
                next += 1;
            }
            refined[v as usize] = id[name];
        }
    }
    (refined, next as usize)
}

/// `S(v, C \ v)`, the weight from each node `v` to the rest of its community `C`
/// in `comm`, in parallel over nodes (each sum in row order).
pub(crate) fn weight_to_own(net: &Network, comm: &[u32]) -> Vec<f64> {
    (0..net.n())
        .into_par_iter()
        .with_min_len(256)
        .map(|v| {
            let c = comm[v];
            let mut sum = 0.0;
            net.for_each_entry(v, |u, w| {
                if comm[u as usize] == c {
                    sum += w;
                }
            });
            sum
        })
        .collect()
}

/// What every community's refinement reads.
struct Refinement<'a> {
    net: &'a Network<'a>,
    /// `S(v, C \ v)` of each node `v` in community `C`.
    to_own: &'a [f64],
    /// Sub-cluster of each node: community (high 32 bits) and position of its
    /// naming node in the community's member list (low 32 bits).
    cluster: &'a [AtomicU64],
    scale: f64,
    rule: MergeRule,
}

/// A sub-cluster's masses and its S-weight to the rest of its community.
#[derive(Clone, Copy)]
struct SubCluster {
    out: f64,
    inn: f64,
    ext: f64,
}

/// Refines one community (`members`, in increasing node order), updating its
/// members' entries of `r.cluster`.
fn refine_community(
    r: &Refinement,
    members: &[u32],
    c: u32,
    (total_out, total_in): (f64, f64),
    rng: &mut Xoshiro256PlusPlus,
    acc: &mut Accumulator,
) {
    let m = members.len();
    if m < 2 {
        return;
    }
    let (net, scale) = (r.net, r.scale);
    let mass_in = net.mass_in();
    // Per sub-cluster, indexed by the position of its naming node: masses and
    // S-weight to the rest of the community (together: one cache line read per
    // candidate), and node count.
    let mut sub: Vec<SubCluster> = members
        .iter()
        .map(|&v| SubCluster {
            out: net.mass_out[v as usize],
            inn: mass_in[v as usize],
            ext: r.to_own[v as usize],
        })
        .collect();
    let mut order: Vec<u32> = (0..m as u32).collect();
    for i in (1..m).rev() {
        let j = rng.gen_range(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let well_connected = |ext: f64, out: f64, inn: f64| {
        ext >= scale * (out * (total_in - inn) + inn * (total_out - out))
    };
    if m == 2 {
        // A pair (most communities of a first level): the other member is the only
        // candidate, and the weight to it is `S(v, C \ v)`, so no row is read. The
        // same decisions as the loop below, which sums the same entries in the same
        // order.
        // Once one joins the other, neither is a singleton any more.
        for &i in &order {
            let (i, j) = (i as usize, 1 - i as usize);
            if !well_connected(sub[i].ext, sub[i].out, sub[i].inn) {
                continue;
            }
            let (to_j, s) = (sub[i].ext, sub[j]);
            if to_j == 0.0 || !well_connected(s.ext, s.out, s.inn) {
                continue;
            }
            if to_j - scale * (sub[i].out * s.inn + sub[i].inn * s.out) > 0.0 {
                r.cluster[members[i] as usize].store((c as u64) << 32 | j as u64, Relaxed);
                break;
            }
        }
        return;
    }
    let mut count = vec![1u32; m];
    for (k, &i) in order.iter().enumerate() {
        if let Some(&ahead) = order.get(k + ROW_PREFETCH) {
            net.prefetch_row(members[ahead as usize] as usize);
        }
        let i = i as usize;
        let v = members[i];
        // Only singletons move: a node that joined another, or that others joined.
        if count[i] != 1 {
            continue;
        }
        let (a, b) = (sub[i].out, sub[i].inn);
        let v_ext = sub[i].ext;
        if !well_connected(v_ext, a, b) {
            continue;
        }
        let (targets, weights) = net.row(v as usize);
        // Neighbours by sub-cluster position; those outside the community are
        // added to v's own position, which is skipped below.
        acc.add_row_with(targets, weights, |u| {
            let x = r.cluster[u as usize].load(Relaxed);
            if (x >> 32) as u32 == c {
                x as u32
            } else {
                i as u32
            }
        });
        // (gain, position) of the chosen sub-cluster.
        let mut best: Option<(f64, u32)> = None;
        for &cl in acc.touched() {
            if cl as usize == i {
                continue; // its own, or outside the community
            }
            let s = sub[cl as usize];
            if !well_connected(s.ext, s.out, s.inn) {
                continue;
            }
            let to_j = acc.get(cl);
            let gain = to_j - scale * (a * s.inn + b * s.out);
            if gain <= 0.0 {
                continue;
            }
            let better = match (r.rule, best) {
                (_, None) => true,
                (MergeRule::LargestGain, Some((g, bc))) => gain > g || (gain == g && cl < bc),
                (MergeRule::MostWeight, Some((_, bc))) => {
                    let best_sub = sub[bc as usize];
                    let (mass, best_mass) = (s.out + s.inn, best_sub.out + best_sub.inn);
                    let best_to = acc.get(bc);
                    to_j > best_to
                        || (to_j == best_to && (mass > best_mass || (mass == best_mass && cl < bc)))
                }
            };
            if better {
                best = Some((gain, cl));
            }
        }
        if let Some((_, cl)) = best {
            let j = cl as usize;
            sub[j].ext += v_ext - 2.0 * acc.get(cl);
            sub[j].out += a;
            sub[j].inn += b;
            count[j] += 1;
            count[i] -= 1;
            r.cluster[v as usize].store((c as u64) << 32 | j as u64, Relaxed);
        }
        acc.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::objective::{network_for, Objective};
    use spargraph_engine::builder::{build_graph, BuildOptions};
    use spargraph_engine::Graph;

    /// `k` blocks of `size` nodes, each pair inside a block joined with probability
    /// `p_in`, across blocks with `p_out`; optionally random weights.
    fn planted_graph(k: usize, size: usize, p_in: f64, p_out: f64, weighted: bool) -> Graph {
        let n = k * size;
        let mut rng = Xoshiro256PlusPlus::new(7);
        let (mut src, mut dst, mut w) = (Vec::new(), Vec::new(), Vec::new());
        for a in 0..n {
            for b in a + 1..n {
                let p = if a / size == b / size { p_in } else { p_out };
                if rng.next_f64() < p {
                    src.push(a as u32);
                    dst.push(b as u32);
                    w.push(0.5 + 2.0 * rng.next_f32());
                }
            }
        }
        let weights = weighted.then_some(&w[..]);
        build_graph(n, &src, &dst, weights, &BuildOptions::undirected()).unwrap()
    }

    /// Whether the nodes of `cluster` are connected by entries of `net` between them.
    fn connected(net: &Network, cluster: &[u32]) -> bool {
        let inside: std::collections::HashSet<u32> = cluster.iter().copied().collect();
        let mut seen = std::collections::HashSet::from([cluster[0]]);
        let mut stack = vec![cluster[0]];
        while let Some(v) = stack.pop() {
            for &u in net.row(v as usize).0 {
                if inside.contains(&u) && seen.insert(u) {
                    stack.push(u);
                }
            }
        }
        seen.len() == cluster.len()
    }

    #[test]
    fn both_rules_give_connected_sub_clusters_inside_communities() {
        for weighted in [false, true] {
            let g = planted_graph(4, 40, 0.2, 0.01, weighted);
            let net = network_for(&g, Objective::Modularity, None);
            let comm: Vec<u32> = (0..net.n() as u32).map(|v| v / 40).collect();
            let pool = ScratchPool::new(|| Accumulator::new(160));
            let to_own = weight_to_own(&net, &comm);
            let partition = Partition {
                comm: &comm,
                k: 4,
                to_own: &to_own,
            };
            for rule in [MergeRule::LargestGain, MergeRule::MostWeight] {
                let (cluster, r) = refine(&net, &partition, 1.0, rule, 11, &pool);
                let groups = group_by(&cluster, r);
                for j in 0..r {
                    let members = groups.of(j);
                    assert!(!members.is_empty(), "{rule:?}: cluster {j} empty");
                    let c = comm[members[0] as usize];
                    assert!(
                        members.iter().all(|&v| comm[v as usize] == c),
                        "{rule:?}: cluster {j} spans communities"
                    );
                    assert!(
                        connected(&net, members),
                        "{rule:?}: cluster {j} not connected"
                    );
                }
            }
        }
    }

    #[test]
    fn a_pair_merges_when_its_edge_outweighs_the_penalty() {
        // Pairs {0,1} (edge 5), {2,3} (edge 0.01, both with heavy edges out), {4,5}
        // (no edge between them); a hub 6 gives the nodes their other edges.
        let (src, dst, w) = (
            [0, 2, 2, 3, 4, 5, 0, 1],
            [1, 3, 6, 6, 6, 6, 6, 6],
            [5.0, 0.01, 50.0, 50.0, 1.0, 1.0, 0.5, 0.5],
        );
        let g = build_graph(7, &src, &dst, Some(&w), &BuildOptions::undirected()).unwrap();
        let net = network_for(&g, Objective::Modularity, None);
        let comm = [0, 0, 1, 1, 2, 2, 3];
        let to_own = weight_to_own(&net, &comm);
        let partition = Partition {
            comm: &comm,
            k: 4,
            to_own: &to_own,
        };
        let pool = ScratchPool::new(|| Accumulator::new(7));
        for rule in [MergeRule::LargestGain, MergeRule::MostWeight] {
            for seed in 0..4 {
                let (cluster, r) = refine(&net, &partition, 1.0, rule, seed, &pool);
                assert_eq!(cluster[0], cluster[1], "{rule:?}: the heavy pair merges");
                assert_ne!(
                    cluster[2], cluster[3],
                    "{rule:?}: the light pair stays apart"
                );
                assert_ne!(cluster[4], cluster[5], "{rule:?}: no edge, no merge");
                assert_eq!(r, 6);
            }
        }
    }

    #[test]
    fn most_weight_grows_far_fewer_sub_clusters_on_a_sparse_planted_graph() {
        // Four blocks of 250 nodes with about 10 neighbours each inside: most
        // neighbours of a node sit in different sub-clusters, one edge each.
        let g = planted_graph(4, 250, 0.04, 0.001, false);
        let net = network_for(&g, Objective::Modularity, None);
        let comm: Vec<u32> = (0..net.n() as u32).map(|v| v / 250).collect();
        let pool = ScratchPool::new(|| Accumulator::new(1000));
        let to_own = weight_to_own(&net, &comm);
        let partition = Partition {
            comm: &comm,
            k: 4,
            to_own: &to_own,
        };
        let (_, by_gain) = refine(&net, &partition, 1.0, MergeRule::LargestGain, 3, &pool);
        let (_, by_weight) = refine(&net, &partition, 1.0, MergeRule::MostWeight, 3, &pool);
        assert!(by_gain > 300, "largest gain: {by_gain} sub-clusters");
        assert!(
            by_weight * 5 < by_gain,
            "most weight: {by_weight} sub-clusters against {by_gain}"
        );
    }
}
