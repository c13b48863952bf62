//! Connected parts of communities: what keeps Leiden's promise of connected
//! communities when a later run stops before its coarse levels.
//!
//! A Leiden run that goes on until every community is one node of the aggregated
//! network returns connected communities: each is one refined cluster, and
//! refinement only merges a node into a sub-cluster it has an edge to. A later run
//! that stops after its level-0 local moving (see `multilevel::SETTLED`) has no
//! such guarantee: a node that moves out of a community may have been the only
//! link between two of its parts.

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

use rayon::prelude::*;

use super::network::{group_by, Network};

/// Splits each community of `membership` (labels below `k`) into the connected
/// components of the subgraph that the entries of `net` induce on it (both
/// directions of a directed graph's arcs are entries, so the components are weak
/// ones). The component holding a community's first node keeps the community's
/// label; the others get new labels from `k` on, by community, then in order of
/// their first node. Returns the number of labels: `k` when every community was
/// connected. Communities are searched in parallel, each by one task, so the
/// labels do not depend on the thread count.
///
/// Splitting a community whose parts share no edge never lowers modularity, CPM or
/// bipartite modularity: the inside weight stays, and the penalty
/// `(Out_1 + Out_2)(In_1 + In_2)` becomes `Out_1 In_1 + Out_2 In_2`.
pub(crate) fn split_disconnected(net: &Network, membership: &mut [u32], k: usize) -> usize {
    const UNSEEN: u32 = u32::MAX;
    let groups = group_by(membership, k);
    // Component of each node within its community: 0, 1, ... by first node. Each
    // node is written only by the task of its own community.
    let part: Vec<AtomicU32> = (0..net.n()).map(|_| AtomicU32::new(UNSEEN)).collect();
    let members = &*membership;
    let parts: Vec<u32> = (0..k)
        .into_par_iter()
        .map(|c| {
            let mut stack: Vec<u32> = Vec::new();
            let mut found = 0;
            // Members given a component so far: once all are, the rows of the
            // nodes still on the stack can only lead to members already seen.
            let (size, mut seen) = (groups.of(c).len(), 0);
            for &first in groups.of(c) {
                if part[first as usize].load(Relaxed) != UNSEEN {
                    continue;
                }
                part[first as usize].store(found, Relaxed);
                seen += 1;
                stack.push(first);
                while let Some(v) = stack.pop() {
                    if seen == size {
                        break;
                    }
                    for &u in net.row(v as usize).0 {
                        let u = u as usize;
                        if members[u] == c as u32 && part[u].load(Relaxed) == UNSEEN {
                            part[u].store(found, Relaxed);
                            seen += 1;
                            stack.push(u as u32);
                        }
                    }
                }
                stack.clear();
                found += 1;
            }
            found
        })
        .collect();
    // The label of community `c`'s component `j >= 1` is `first_extra[c] + j - 1`.
    let mut first_extra = Vec::with_capacity(k);
    let mut next = k;
    for &p in &parts {
        first_extra.push(next as u32);
        next += p.saturating_sub(1) as usize;
    }
    if next > k {
        membership
            .par_iter_mut()
            .zip(part)
            .for_each(|(m, p)| match p.into_inner() {
                0 => {}
                j => *m = first_extra[*m as usize] + j - 1,
            });
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community::objective::network_for;
    use crate::community::{modularity, Objective};
    use spargraph_engine::builder::{build_graph, BuildOptions};

    #[test]
    fn disconnected_communities_are_split_and_connected_ones_kept() {
        // Triangles {0,1,2}, {3,4,5}, {6,7,8}; 2-3 joins the first two.
        let (src, dst) = (
            [0, 1, 0, 3, 4, 3, 6, 7, 6, 2],
            [1, 2, 2, 4, 5, 5, 7, 8, 8, 3],
        );
        let g = build_graph(9, &src, &dst, None, &BuildOptions::undirected()).unwrap();
        let net = network_for(&g, Objective::Modularity, None);
        // Community 0 = the first and third triangles (no edge between them);
        // community 1 = the second, connected.
        let mut m = vec![0, 0, 0, 1, 1, 1, 0, 0, 0];
        let before = modularity(&g, &m, 1.0).unwrap();
        assert_eq!(split_disconnected(&net, &mut m, 2), 3);
        assert_eq!(m, vec![0, 0, 0, 1, 1, 1, 2, 2, 2]);
        assert!(modularity(&g, &m, 1.0).unwrap() > before);
        // Connected communities (one spanning the 2-3 edge) are left alone.
        let mut m = vec![0, 0, 1, 1, 0, 0, 2, 2, 2];
        // {0,1,4,5} is two pieces; {2,3} is connected through 2-3.
        assert_eq!(split_disconnected(&net, &mut m, 3), 4);
        assert_eq!(m, vec![0, 0, 1, 1, 3, 3, 2, 2, 2]);
        let mut m = vec![0, 0, 0, 0, 0, 0, 1, 1, 1];
        assert_eq!(split_disconnected(&net, &mut m, 2), 2);
        assert_eq!(m, vec![0, 0, 0, 0, 0, 0, 1, 1, 1]);
    }

    /// The labels [`split_disconnected`] documents, by union-find over the edges
    /// inside communities.
    fn split_reference(g: &spargraph_engine::Graph, membership: &[u32], k: usize) -> Vec<u32> {
        let n = membership.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut v: usize) -> usize {
            while parent[v] != v {
                parent[v] = parent[parent[v]];
                v = parent[v];
            }
            v
        }
        for v in 0..n {
            for &u in g.out().row(v) {
                let u = u as usize;
                if membership[u] == membership[v] {
                    let (a, b) = (root(&mut parent, u), root(&mut parent, v));
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        // Components of each community in order of their first node.
        let mut order: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (v, &c) in membership.iter().enumerate() {
            let (r, c) = (root(&mut parent, v), c as usize);
            if !order[c].contains(&r) {
                order[c].push(r);
            }
        }
        let mut label_of_root = vec![u32::MAX; n];
        let mut next = k as u32;
        for (c, roots) in order.iter().enumerate() {
            for (j, &r) in roots.iter().enumerate() {
                label_of_root[r] = if j == 0 { c as u32 } else { next };
                next += (j > 0) as u32;
            }
        }
        (0..n)
            .map(|v| label_of_root[root(&mut parent, v)])
            .collect()
    }

    #[test]
    fn splits_agree_with_union_find_on_random_graphs() {
        use spargraph_engine::rng::Xoshiro256PlusPlus;
        let mut rng = Xoshiro256PlusPlus::new(17);
        for case in 0..300 {
            let n = 2 + rng.gen_range(40) as usize;
            let m = rng.gen_range(3 * n as u64) as usize;
            let (src, dst): (Vec<u32>, Vec<u32>) = (0..m)
                .map(|_| {
                    (
                        rng.gen_range(n as u64) as u32,
                        rng.gen_range(n as u64) as u32,
                    )
                })
                .unzip();
            let options = if case % 3 == 0 {
                BuildOptions::directed()
            } else {
                BuildOptions::undirected()
            };
            let g = build_graph(n, &src, &dst, None, &options).unwrap();
            let net = network_for(&g, Objective::Modularity, None);
            let k = 1 + rng.gen_range(4) as usize;
            let mut membership: Vec<u32> = (0..n).map(|_| rng.gen_range(k as u64) as u32).collect();
            // Every label in 0..k used, as `split_disconnected` may assume.
            for (c, m) in membership.iter_mut().enumerate().take(k) {
                *m = c as u32;
            }
            let k = k.min(n);
            let mut undirected_view = g.clone();
            if g.is_directed() {
                undirected_view = build_graph(
                    n,
                    &[&src[..], &dst[..]].concat(),
                    &[&dst[..], &src[..]].concat(),
                    None,
                    &BuildOptions::undirected(),
                )
                .unwrap();
            }
            let want = split_reference(&undirected_view, &membership, k);
            let labels = split_disconnected(&net, &mut membership, k);
            assert_eq!(membership, want, "case {case}");
            assert_eq!(
                labels,
                *want.iter().max().unwrap() as usize + 1,
                "case {case}"
            );
        }
    }

    #[test]
    fn arcs_connect_in_either_direction() {
        // 0 -> 1 <- 2: weakly connected.
        let g = build_graph(3, &[0, 2], &[1, 1], None, &BuildOptions::directed()).unwrap();
        let net = network_for(&g, Objective::Modularity, None);
        let mut m = vec![0, 0, 0];
        assert_eq!(split_disconnected(&net, &mut m, 1), 1);
        assert_eq!(m, vec![0, 0, 0]);
    }
}
