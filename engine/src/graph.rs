//! The graph type: out- (and for directed graphs in-) adjacency in CSR form.

use crate::csr::Csr;

/// A graph on nodes `0..n` stored as CSR adjacency.
///
/// An undirected graph is stored symmetric: edge `{u, v}` appears in the rows of both
/// `u` and `v` (a self-loop once, in its node's row), and in- and out-neighbours are
/// the same. A directed graph stores the out-arcs and, as a second CSR (the
/// transpose), the in-arcs.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    out: Csr,
    incoming: Option<Csr>,
}

impl Graph {
    /// An undirected graph from a symmetric CSR (the caller guarantees symmetry).
    pub fn from_csr_undirected(csr: Csr) -> Self {
        Graph {
            out: csr,
            incoming: None,
        }
    }

    /// A directed graph from its out-CSR and in-CSR (the transpose of `out`).
    pub fn from_csr_directed(out: Csr, incoming: Csr) -> Self {
        Graph {
            out,
            incoming: Some(incoming),
        }
    }

    /// Whether arcs are directed.
    #[inline]
    pub fn is_directed(&self) -> bool {
        self.incoming.is_some()
    }

    /// Whether edges carry explicit weights.
    #[inline]
    pub fn is_weighted(&self) -> bool {
        self.out.is_weighted()
    }

    /// Number of nodes.
    #[inline]
    pub fn n_nodes(&self) -> usize {
        self.out.n_rows()
    }

    /// Number of edges: arcs for a directed graph, unordered pairs (self-loops once)
    /// for an undirected one.
    pub fn n_edges(&self) -> usize {
        if self.is_directed() {
            self.out.nnz()
        } else {
            (self.out.nnz() + self.n_self_loops()) / 2
        }
    }

    /// Number of self-loops.
    pub fn n_self_loops(&self) -> usize {
        use rayon::prelude::*;
        (0..self.n_nodes())
            .into_par_iter()
            .filter(|&v| self.out.row(v).binary_search(&(v as u32)).is_ok())
            .count()
    }

    /// Out-adjacency (the symmetric adjacency of an undirected graph).
    #[inline]
    pub fn out(&self) -> &Csr {
        &self.out
    }

    /// In-adjacency: row `v` lists the sources of arcs into `v` (for an undirected
    /// graph, the same matrix as [`Graph::out`]).
    #[inline]
    pub fn incoming(&self) -> &Csr {
        self.incoming.as_ref().unwrap_or(&self.out)
    }

    /// Sorted out-neighbours of `v`.
    #[inline]
    pub fn out_neighbors(&self, v: usize) -> &[u32] {
        self.out.row(v)
    }

    /// Sorted in-neighbours of `v`.
    #[inline]
    pub fn in_neighbors(&self, v: usize) -> &[u32] {
        self.incoming().row(v)
    }

    /// Number of out-neighbours of `v` (a self-loop counts once).
    #[inline]
    pub fn out_degree(&self, v: usize) -> usize {
        self.out.row_len(v)
    }

    /// Number of in-neighbours of `v`.
    #[inline]
    pub fn in_degree(&self, v: usize) -> usize {
        self.incoming().row_len(v)
    }

    /// Bytes held by the CSR arrays (both directions for a directed graph).
    pub fn memory_bytes(&self) -> usize {
        self.out.memory_bytes() + self.incoming.as_ref().map_or(0, |c| c.memory_bytes())
    }

    /// Splits into `(out, incoming)`.
    pub fn into_parts(self) -> (Csr, Option<Csr>) {
        (self.out, self.incoming)
    }
}
