//! Conversions to and from `sprs::CsMat` and `petgraph` graphs, for interoperability
//! and as test oracles.

use crate::builder::{build_graph, BuildOptions, DuplicatePolicy};
use crate::csr::Csr;
use crate::error::EngineError;
use crate::graph::Graph;
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};

/// Copies a CSR into a `sprs::CsMat<f32>` in CSR storage (unit values when unweighted).
pub fn to_sprs(a: &Csr) -> sprs::CsMat<f32> {
    let indptr: Vec<usize> = a.offsets().iter().map(|&o| o as usize).collect();
    let indices: Vec<usize> = a.targets().iter().map(|&t| t as usize).collect();
    let data = match a.weights() {
        Some(w) => w.to_vec(),
        None => vec![1.0; a.nnz()],
    };
    sprs::CsMat::new((a.n_rows(), a.n_cols()), indptr, indices, data)
}

/// Converts a `sprs` matrix (CSR or CSC storage) into a weighted [`Csr`]. Explicit
/// zeros are kept as stored entries.
pub fn from_sprs(m: &sprs::CsMat<f32>) -> Result<Csr, EngineError> {
    let m = if m.is_csr() { m.clone() } else { m.to_csr() };
    if m.cols() > u32::MAX as usize {
        return Err(EngineError::TooManyNodes {
            count: m.cols() as u64,
            max: u32::MAX as u64,
        });
    }
    let offsets: Vec<u64> = m.indptr().raw_storage().iter().map(|&o| o as u64).collect();
    let offsets: Vec<u64> = offsets.iter().map(|o| o - offsets[0]).collect();
    let targets: Vec<u32> = m.indices().iter().map(|&t| t as u32).collect();
    let weights = m.data().to_vec();
    if let Some(k) = weights.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
        return Err(EngineError::InvalidWeight {
            index: k,
            value: weights[k],
        });
    }
    Csr::from_parts(m.cols(), offsets, targets, Some(weights)).map_err(|e| {
        EngineError::InvalidOption {
            name: "sparse matrix".into(),
            message: e,
        }
    })
}

/// Builds a petgraph `Graph` with node weights = dense ids and edge weights from the
/// CSR (1 when unweighted). An undirected graph lists each edge once.
pub fn to_petgraph_directed(g: &Graph) -> petgraph::Graph<u32, f32, petgraph::Directed, u32> {
    let mut pg = petgraph::Graph::with_capacity(g.n_nodes(), g.out().nnz());
    for v in 0..g.n_nodes() {
        pg.add_node(v as u32);
    }
    for u in 0..g.n_nodes() {
        for (v, w) in g.out().row_entries(u) {
            if g.is_directed() || v as usize >= u {
                pg.add_edge(
                    petgraph::graph::NodeIndex::new(u),
                    petgraph::graph::NodeIndex::new(v as usize),
                    w,
                );
            }
        }
    }
    pg
}

/// Builds an undirected petgraph `UnGraph` (each edge once) from an undirected graph.
pub fn to_petgraph_undirected(g: &Graph) -> petgraph::Graph<u32, f32, petgraph::Undirected, u32> {
    let mut pg = petgraph::Graph::with_capacity(g.n_nodes(), g.n_edges());
    for v in 0..g.n_nodes() {
        pg.add_node(v as u32);
    }
    for u in 0..g.n_nodes() {
        for (v, w) in g.out().row_entries(u) {
            if v as usize >= u {
                pg.add_edge(
                    petgraph::graph::NodeIndex::new(u),
                    petgraph::graph::NodeIndex::new(v as usize),
                    w,
                );
            }
        }
    }
    pg
}

/// Builds a [`Graph`] from any petgraph graph whose edge weights convert to `f32`,
/// with node ids = petgraph node indices. Directedness follows the petgraph type.
pub fn from_petgraph<G>(pg: G, duplicates: DuplicatePolicy) -> Result<Graph, EngineError>
where
    G: IntoEdgeReferences + NodeIndexable + petgraph::visit::GraphProp,
    G::EdgeWeight: Copy + Into<f32>,
{
    let n = pg.node_bound();
    let mut src = Vec::new();
    let mut dst = Vec::new();
    let mut w = Vec::new();
    for e in pg.edge_references() {
        src.push(pg.to_index(e.source()) as u32);
        dst.push(pg.to_index(e.target()) as u32);
        w.push((*e.weight()).into());
    }
    let options = BuildOptions {
        directed: pg.is_directed(),
        duplicates,
        ..BuildOptions::undirected()
    };
    build_graph(n, &src, &dst, Some(&w), &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprs_round_trip() {
        let g = build_graph(
            4,
            &[0, 1, 2],
            &[1, 2, 3],
            Some(&[0.5, 2.0, 1.5]),
            &BuildOptions::undirected(),
        )
        .unwrap();
        let m = to_sprs(g.out());
        assert_eq!(m.nnz(), 6);
        assert_eq!(m.get(1, 0), Some(&0.5));
        assert_eq!(m.get(3, 2), Some(&1.5));
        let back = from_sprs(&m).unwrap();
        assert_eq!(&back, g.out());
    }

    #[test]
    fn petgraph_round_trip_directed() {
        let g = build_graph(
            3,
            &[0, 2, 2],
            &[1, 0, 1],
            Some(&[1.0, 2.0, 3.0]),
            &BuildOptions::directed(),
        )
        .unwrap();
        let pg = to_petgraph_directed(&g);
        assert_eq!(pg.edge_count(), 3);
        let back = from_petgraph(&pg, DuplicatePolicy::Error).unwrap();
        assert_eq!(back, g);
    }

    #[test]
    fn petgraph_round_trip_undirected() {
        let g = build_graph(
            3,
            &[0, 1, 2],
            &[1, 2, 2],
            Some(&[1.0, 2.0, 3.0]),
            &BuildOptions::undirected(),
        )
        .unwrap();
        let pg = to_petgraph_undirected(&g);
        assert_eq!(pg.edge_count(), 3);
        let back = from_petgraph(&pg, DuplicatePolicy::Error).unwrap();
        assert_eq!(back, g);
    }
}
