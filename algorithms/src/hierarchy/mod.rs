//! Hierarchical communities: dendrograms built bottom-up.
//!
//! - [`hierarchy`] with [`HierarchyMethod::BottomUp`]: the algorithm of Dreveton,
//!   Kuroda, Grossglauser & Thiran ("When does bottom-up beat top-down in
//!   hierarchical community detection?"): a fine clustering (here Leiden at a high
//!   resolution), then average linkage on the inter-cluster edge density
//!   `w(Ci, Cj) / (|Ci| |Cj|)`, updating edge counts and sizes at each merge. The
//!   dendrogram's leaves are the fine clusters.
//! - [`HierarchyMethod::Paris`]: Paris (Bonald, Charpentier, Galland & Hollocou
//!   2018) on the nodes themselves, as scikit-network's `Paris`.
//!
//! Both run the nearest-neighbour chain (see [`agglomerate`]), so heights never
//! decrease towards the root (no inversions). Dendrograms are in scipy's linkage
//! format ([`Dendrogram`]).

mod dendrogram;
mod linkage;
mod spectral;

pub use dendrogram::{Dendrogram, Merge};
pub use linkage::{agglomerate, agglomerate_graph, LeafGraph, Linkage};

use spargraph_engine::pool::on_pool;
use spargraph_engine::Graph;

use crate::community::network::{group_by, Accumulator};
use crate::community::{communities, CommunityConfig, CommunityInput};
use crate::error::{check_at_least_one, check_positive, AlgorithmError};

/// The hierarchical method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HierarchyMethod {
    /// Fine Leiden clustering, then average linkage on edge density (default).
    #[default]
    BottomUp,
    /// Paris on the nodes.
    Paris,
}

impl std::str::FromStr for HierarchyMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "bottom-up" => Ok(HierarchyMethod::BottomUp),
            "paris" => Ok(HierarchyMethod::Paris),
            _ => Err(format!(
                "unknown method {s:?} (expected bottom-up or paris)"
            )),
        }
    }
}

/// The fine clustering of the bottom-up method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FineClustering {
    /// Spectral up to 50,000 nodes, Leiden above (default).
    #[default]
    Auto,
    /// Bethe-Hessian spectral clustering (the paper's): the cluster count is the
    /// number of negative eigenvalues of `H(r)` unless given.
    Spectral,
    /// Leiden (modularity) at `fine_resolution`.
    Leiden,
}

impl std::str::FromStr for FineClustering {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(FineClustering::Auto),
            "spectral" => Ok(FineClustering::Spectral),
            "leiden" => Ok(FineClustering::Leiden),
            _ => Err(format!(
                "unknown fine clustering {s:?} (expected auto, spectral or leiden)"
            )),
        }
    }
}

/// Options of [`hierarchy`] (and of `spargraph hierarchy`).
#[derive(Clone, Debug, PartialEq)]
pub struct HierarchyConfig {
    /// Bottom-up (default) or Paris.
    pub method: HierarchyMethod,
    /// The fine clustering of bottom-up (default: spectral up to 50,000 nodes).
    pub fine: FineClustering,
    /// The number of spectral clusters (default: estimated from the spectrum).
    pub clusters: Option<usize>,
    /// The largest number of spectral clusters estimated (default 32).
    pub max_clusters: usize,
    /// The fewest spectral clusters: an estimate below it is raised to it (default
    /// 1; the command line sets it to the largest `--cuts`).
    pub min_clusters: usize,
    /// Resolution of the fine Leiden clustering (default 2.5: above modularity's 1,
    /// so that the finest planted level is not merged; over-splitting is repaired
    /// by the linkage, which merges pieces of one block first).
    pub fine_resolution: f64,
    /// Seed of the fine clustering (default 42).
    pub seed: u64,
}

impl HierarchyConfig {
    /// Checks the options: fine resolution positive, cluster counts at least 1.
    pub fn validate(&self) -> Result<(), AlgorithmError> {
        check_positive("fine-resolution", self.fine_resolution)?;
        for (name, k) in [
            ("clusters", self.clusters.unwrap_or(1)),
            ("max-clusters", self.max_clusters),
        ] {
            check_at_least_one(name, k)?;
        }
        Ok(())
    }
}

impl Default for HierarchyConfig {
    fn default() -> Self {
        HierarchyConfig {
            method: HierarchyMethod::BottomUp,
            fine: FineClustering::Auto,
            clusters: None,
            max_clusters: 32,
            min_clusters: 1,
            fine_resolution: 2.5,
            seed: 42,
        }
    }
}

/// A hierarchy: each node's leaf, and the dendrogram over the leaves.
#[derive(Clone, Debug, PartialEq)]
pub struct Hierarchy {
    /// Leaf (fine cluster) of each node; for Paris, the node itself.
    pub leaf_of: Vec<u32>,
    /// The dendrogram over the leaves.
    pub dendrogram: Dendrogram,
}

impl Hierarchy {
    /// Each node's cluster when the tree is cut into `k` clusters.
    pub fn cut(&self, k: usize) -> Result<Vec<u32>, AlgorithmError> {
        let by_leaf = self.dendrogram.cut(k)?;
        Ok(self.leaf_of.iter().map(|&l| by_leaf[l as usize]).collect())
    }

    /// Each node's cluster when the tree is cut at height `h`.
    pub fn cut_height(&self, h: f64) -> Vec<u32> {
        let by_leaf = self.dendrogram.cut_height(h);
        self.leaf_of.iter().map(|&l| by_leaf[l as usize]).collect()
    }
}

/// The hierarchy of `graph` (directed graphs are taken as undirected, `A + A^T`).
///
/// ```
/// use spargraph_algorithms::hierarchy::{hierarchy, HierarchyConfig};
/// use spargraph_engine::builder::{build_graph, BuildOptions};
/// // Two triangles joined by one edge.
/// let g = build_graph(6, &[0, 1, 2, 3, 4, 5, 2], &[1, 2, 0, 4, 5, 3, 3], None,
///     &BuildOptions::undirected()).unwrap();
/// // Two spectral clusters asked for (the spectrum of so small a graph shows one).
/// let config = HierarchyConfig { clusters: Some(2), ..HierarchyConfig::default() };
/// let h = hierarchy(&g, &config).unwrap();
/// let two = h.cut(2).unwrap();
/// assert_eq!(two[0], two[1]);
/// assert_ne!(two[0], two[5]);
/// ```
pub fn hierarchy(graph: &Graph, config: &HierarchyConfig) -> Result<Hierarchy, AlgorithmError> {
    // Each Lanczos step, and Leiden's local moving, start several parallel loops.
    on_pool(|| hierarchy_on_pool(graph, config))
}

/// [`hierarchy`], on a thread of rayon's pool.
fn hierarchy_on_pool(graph: &Graph, config: &HierarchyConfig) -> Result<Hierarchy, AlgorithmError> {
    config.validate()?;
    let n = graph.n_nodes();
    if config.method == HierarchyMethod::Paris {
        // Every node is a leaf: the graph's rows are the leaf graph.
        return Ok(Hierarchy {
            leaf_of: (0..n as u32).collect(),
            dendrogram: agglomerate_graph(graph, Linkage::Paris),
        });
    }
    let leaf_of: Vec<u32> = if config.fine == FineClustering::Spectral
        || (config.fine == FineClustering::Auto && n <= 50_000)
    {
        spectral_leaves(graph, config)?
    } else {
        let cfg = CommunityConfig {
            resolution: config.fine_resolution,
            seed: config.seed,
            ..CommunityConfig::default()
        };
        communities(graph, &cfg, CommunityInput::default())?.membership
    };
    let k = leaf_of.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    let leaves = leaf_graph(graph, &leaf_of, k);
    Ok(Hierarchy {
        leaf_of,
        dendrogram: agglomerate(leaves, Linkage::Average),
    })
}

/// Bethe-Hessian clusters of `graph` taken as undirected (`A + A^T` when directed).
/// An undirected graph without self-loops is read in place; otherwise a copy of
/// its rows without loops (and with the in-rows appended when directed) is made.
fn spectral_leaves(graph: &Graph, config: &HierarchyConfig) -> Result<Vec<u32>, AlgorithmError> {
    let n = graph.n_nodes();
    let out = graph.out();
    let copy;
    let rows = if !graph.is_directed() && graph.n_self_loops() == 0 {
        spectral::SymmetricRows {
            offsets: out.offsets(),
            targets: out.targets(),
            weights: out.weights(),
        }
    } else {
        copy = symmetric_copy(graph);
        spectral::SymmetricRows {
            offsets: &copy.0,
            targets: &copy.1,
            weights: graph.is_weighted().then_some(&copy.2[..]),
        }
    };
    let (labels, k) =
        spectral::bethe_hessian_clusters(&rows, config.clusters, config.max_clusters, config.seed)?;
    if config.clusters.is_none() && k < config.min_clusters.min(n) {
        let wanted = Some(config.min_clusters.min(n));
        return Ok(spectral::bethe_hessian_clusters(
            &rows,
            wanted,
            config.max_clusters,
            config.seed,
        )?
        .0);
    }
    Ok(labels)
}

/// Rows of `A` (of `A + A^T` when directed) without self-loops: offsets, targets
/// and, for a weighted graph, weights.
fn symmetric_copy(graph: &Graph) -> (Vec<u64>, Vec<u32>, Vec<f32>) {
    let mut offsets = vec![0u64];
    let (mut targets, mut weights) = (Vec::new(), Vec::new());
    let weighted = graph.is_weighted();
    for v in 0..graph.n_nodes() {
        let mut push = |u: u32, w: f32| {
            if u as usize != v {
                targets.push(u);
                if weighted {
                    weights.push(w);
                }
            }
        };
        for (u, w) in graph.out().row_entries(v) {
            push(u, w);
        }
        if graph.is_directed() {
            for (u, w) in graph.incoming().row_entries(v) {
                push(u, w);
            }
        }
        offsets.push(targets.len() as u64);
    }
    (offsets, targets, weights)
}

/// The graph between leaves: `w(Ci, Cj)` sums the edges between them (each once),
/// with leaf sizes and degrees (a loop counts twice in a degree). Each leaf's row is
/// summed over its members in a dense accumulator, so a row lists each
/// neighbouring leaf once (not once per edge): the leaf graph is at most as large
/// as the graph, and usually far smaller.
fn leaf_graph(graph: &Graph, leaf_of: &[u32], k: usize) -> LeafGraph {
    let members = group_by(leaf_of, k);
    let sizes = (0..k).map(|l| members.of(l).len() as u64).collect();
    let mut acc = Accumulator::new(k);
    let mut degrees = vec![0f64; k];
    let rows = (0..k)
        .map(|l| {
            let mut add = |u: usize, v: u32, w: f32| {
                let lv = leaf_of[v as usize];
                let w = w as f64;
                degrees[l] += if v as usize == u { 2.0 * w } else { w };
                if lv as usize != l && w > 0.0 {
                    acc.add(lv, w);
                }
            };
            for &u in members.of(l) {
                let u = u as usize;
                for (v, w) in graph.out().row_entries(u) {
                    add(u, v, w);
                }
                if graph.is_directed() {
                    for (v, w) in graph.incoming().row_entries(u) {
                        add(u, v, w);
                    }
                }
            }
            let mut row = Vec::new();
            acc.drain_each(|j, w| row.push((j, w)));
            row
        })
        .collect();
    LeafGraph {
        rows,
        sizes,
        degrees,
    }
}
