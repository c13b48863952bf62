//! PPR on an undirected graph with many isolated nodes, solved on the others.
//!
//! Ids read with `--node-ids identity` leave every unused id as a node without
//! edges (29 % of R-MAT 16's 65,536 ids). In the system that conjugate gradients
//! solve, `(I - d W D^-1) x = (1 - d) p` (see the `cg` module), an isolated node `u`
//! has the row of the identity and no edge into the others, so its score is exact
//! without iterating, `x(u) = (1 - d) p(u)`, and the other nodes' system does not
//! see it. Solving that system alone streams only its rows: the vector updates of a
//! wide block, half of its time, shrink with the isolated share.
//!
//! [`Compacted::of`] decides from the graph alone, so a source's answer is the same
//! whatever call or block it comes from.

use spargraph_engine::Graph;

use super::Transition;

/// The induced subgraph on the nodes with positive weighted degree, numbered in
/// increasing order of their ids.
pub(super) struct Compacted {
    /// The subgraph (undirected; rows keep their order, zero-weight entries to
    /// isolated nodes dropped).
    pub graph: Graph,
    /// Its transition: the original `1 / o(u)` of each kept node; no dangling node.
    pub tr: Transition,
    /// Position in `graph` of each original node (`u32::MAX` when isolated).
    pub pos: Vec<u32>,
}

/// `(node, probability)` pairs.
pub(super) type SeedList = Vec<(u32, f64)>;

/// Smallest share of isolated nodes (1 in `MIN_ISOLATED_SHARE`) worth a copy of
/// the rest of the graph.
const MIN_ISOLATED_SHARE: usize = 16;

impl Compacted {
    /// The graph without its isolated nodes, when `g` is undirected and at least one
    /// node in 16 is isolated (`tr` is `g`'s transition: on an undirected graph its
    /// dangling nodes are the isolated ones). Costs a copy of the kept rows.
    pub fn of(g: &Graph, tr: &Transition) -> Option<Compacted> {
        let n = g.n_nodes();
        if g.is_directed() || tr.dangling.is_empty() || tr.dangling.len() * MIN_ISOLATED_SHARE < n {
            return None;
        }
        let kept: Vec<u32> = (0..n as u32)
            .filter(|&v| tr.inv_out[v as usize] > 0.0)
            .collect();
        let mut pos = vec![u32::MAX; n];
        for (i, &v) in kept.iter().enumerate() {
            pos[v as usize] = i as u32;
        }
        // A kept node's entries to isolated nodes all weigh 0 (an isolated node has
        // no positive weight): dropping them changes no sum.
        let csr = g.out().induced(&kept, &pos);
        let tr = Transition {
            inv_out: kept.iter().map(|&v| tr.inv_out[v as usize]).collect(),
            dangling: Vec::new(),
        };
        Some(Compacted {
            graph: Graph::from_csr_undirected(csr),
            tr,
            pos,
        })
    }

    /// `(position, p)` for the seeds of `entries` that are kept, and `(node, p)` for
    /// the isolated ones.
    pub fn split_seeds(&self, entries: &[(u32, f64)]) -> (SeedList, SeedList) {
        let (mut kept, mut isolated) = (Vec::new(), Vec::new());
        for &(u, p) in entries {
            match self.pos[u as usize] {
                u32::MAX => isolated.push((u, p)),
                i => kept.push((i, p)),
            }
        }
        (kept, isolated)
    }
}
