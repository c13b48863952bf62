//! Leiden's refinement phase (Traag, Waltman & van Eck 2019, Algorithm A.2).
//!
//! Inside each community of the local-moving partition, start from singletons
//! and merge each singleton node that is well connected to its community into
//! the well-connected sub-cluster of that community with the largest positive
//! gain (greedy, as GVE-Leiden does, rather than the paper's randomised choice).
//! Sub-clusters only ever grow along edges inside the community, so every
//! refined cluster, and hence every community built from them, is connected.
//!
//! Communities are independent: they are refined in parallel, each in a seeded
//! random order of its own, so the result does not depend on the thread count.

use rayon::prelude::*;
use spargraph_engine::rng::Xoshiro256PlusPlus;

use super::local_moving::totals_of;
use super::network::{group_by, Accumulator, Network};
use super::scratch::ScratchPool;

/// Refines `comm` (ids `0..k`, every id used) into sub-clusters; returns each
/// node's cluster (ids `0..r`, numbered community by community) and `r`.
pub(crate) fn refine(
    net: &Network,
    comm: &[u32],
    k: usize,
    gamma: f64,
    seed: u64,
    pool: &ScratchPool<Accumulator>,
) -> (Vec<u32>, usize) {
    let groups = group_by(comm, k);
    let totals = totals_of(net, comm);
    let scale = gamma / net.total;
    // Position of each node inside its community's member list.
    let mut local = vec![0u32; net.n()];
    for c in 0..k {
        for (i, &v) in groups.of(c).iter().enumerate() {
            local[v as usize] = i as u32;
        }
    }
    let parts: Vec<Vec<u32>> = (0..k)
        .into_par_iter()
        .map(|c| {
            let members = groups.of(c);
            let mut rng = Xoshiro256PlusPlus::from_seed_and_stream(seed, c as u64);
            let mut acc = pool.get();
            refine_community(
                net,
                comm,
                &local,
                members,
                c as u32,
                (totals[c].out, totals[c].inn),
                scale,
                &mut rng,
                &mut acc,
            )
        })
        .collect();
    let mut cluster = vec![0u32; net.n()];
    let mut next = 0u32;
    for (c, labels) in parts.iter().enumerate() {
        // Compact the local labels in order of first appearance.
        let mut id = vec![u32::MAX; labels.len()];
        for (i, &l) in labels.iter().enumerate() {
            if id[l as usize] == u32::MAX {
                id[l as usize] = next;
                next += 1;
            }
            cluster[groups.of(c)[i] as usize] = id[l as usize];
        }
    }
    (cluster, next as usize)
}

/// Refines one community; returns a local cluster label per member.
#[allow(clippy::too_many_arguments)]
fn refine_community(
    net: &Network,
    comm: &[u32],
    local: &[u32],
    members: &[u32],
    c: u32,
    (total_out, total_in): (f64, f64),
    scale: f64,
    rng: &mut Xoshiro256PlusPlus,
    acc: &mut Accumulator,
) -> Vec<u32> {
    let m = members.len();
    let mut label: Vec<u32> = (0..m as u32).collect();
    if m < 2 {
        return label;
    }
    let mut c_out: Vec<f64> = members.iter().map(|&v| net.mass_out[v as usize]).collect();
    let mut c_in: Vec<f64> = members.iter().map(|&v| net.mass_in[v as usize]).collect();
    let mut count = vec![1u32; m];
    // S-weight from each cluster to the rest of the community; for a singleton it is
    // its node's, found when the node is visited or first needed (NaN until then).
    let node_ext = |i: usize| -> f64 {
        let (t, w) = net.row(members[i] as usize);
        t.iter()
            .zip(w)
            .filter(|(&u, _)| comm[u as usize] == c)
            .map(|(_, &w)| w)
            .sum()
    };
    let mut ext = vec![f64::NAN; m];
    let mut order: Vec<u32> = (0..m as u32).collect();
    for i in (1..m).rev() {
        let j = rng.gen_range(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    for &i in &order {
        let i = i as usize;
        if count[label[i] as usize] != 1 {
            continue;
        }
        let v = members[i] as usize;
        let (a, b) = (net.mass_out[v], net.mass_in[v]);
        let (t, w) = net.row(v);
        for (&u, &w) in t.iter().zip(w) {
            if comm[u as usize] == c {
                acc.add(label[local[u as usize] as usize], w);
            }
        }
        let v_ext: f64 = acc.touched().iter().map(|&cl| acc.get(cl)).sum();
        ext[i] = v_ext;
        if v_ext < scale * (a * (total_in - b) + b * (total_out - a)) {
            acc.clear();
            continue;
        }
        let own = label[i];
        let mut best: Option<(f64, u32)> = None;
        for &cl in acc.touched() {
            if cl == own {
                continue;
            }
            let j = cl as usize;
            if ext[j].is_nan() {
                ext[j] = node_ext(j); // a singleton not visited yet
            }
            let well_connected = ext[j]
                >= scale * (c_out[j] * (total_in - c_in[j]) + c_in[j] * (total_out - c_out[j]));
            if !well_connected {
                continue;
            }
            let gain = acc.get(cl) - scale * (a * c_in[j] + b * c_out[j]);
            let better = match best {
                None => gain > 0.0,
                Some((g, bc)) => gain > g || (gain == g && cl < bc),
            };
            if better {
                best = Some((gain, cl));
            }
        }
        if let Some((_, cl)) = best {
            let j = cl as usize;
            ext[j] += v_ext - 2.0 * acc.get(cl);
            c_out[j] += a;
            c_in[j] += b;
            count[j] += 1;
            count[own as usize] -= 1;
            label[i] = cl;
        }
        acc.clear();
    }
    label
}
