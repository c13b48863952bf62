//! Loading graphs from any supported file into CSR, and saving them back, in the
//! user's node ids.
//!
//! Loading is three phases, each timed in [`LoadedGraph::timings`]: read the file
//! into id and weight columns, map the ids to dense `u32` ids (ranks of the user's
//! ids, see [`spargraph_engine::idmap`]), and build the CSR in parallel.
//!
//! Peak memory of loading a Parquet edge list with `m` rows of integer ids: the
//! decoded columns (`16 m` bytes of `i64` ids, `4 m` of weights), the dense ids
//! (`8 m`), then the CSR itself (`8 (n + 1) + 4 nnz` bytes, `+ 4 nnz` with weights;
//! `nnz = 2 m` for an undirected graph) plus one `8 n`-byte cursor array per
//! scatter chunk; the `i64` columns are freed before the CSR is built.

use crate::error::{Error, Result};
use spargraph_engine::builder::{build_graph, BuildOptions, DuplicatePolicy, SelfLoopPolicy};
use spargraph_engine::idmap::{map_ids, IdMode};
use spargraph_engine::{EngineError, Graph, IdColumn, NodeIds, StrColumn};
use spargraph_io::format::Format;
use spargraph_io::parquet_edges::{read_edges, write_edges, EdgeColumns};
use spargraph_io::{graphar, mtx, text, EdgeTable};
use std::path::Path;
use std::time::Instant;

/// How to read and build a graph.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// File format; `None` guesses from the path.
    pub format: Option<Format>,
    /// Column names (Parquet, and text files with a header): default `src`, `dst`,
    /// no weight. Text files without a header use the first two fields (and the
    /// third as weight when a weight column is named).
    pub columns: EdgeColumns,
    /// Directed graph (default: undirected, stored symmetric).
    pub directed: bool,
    /// Duplicate edges: default [`DuplicatePolicy::First`] (collapse).
    pub duplicates: DuplicatePolicy,
    /// Self-loops: default [`SelfLoopPolicy::Keep`].
    pub self_loops: SelfLoopPolicy,
    /// Integer id mapping: default [`IdMode::Compact`].
    pub id_mode: IdMode,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            format: None,
            columns: EdgeColumns::default(),
            directed: false,
            duplicates: DuplicatePolicy::First,
            self_loops: SelfLoopPolicy::Keep,
            id_mode: IdMode::Compact,
        }
    }
}

/// Seconds spent in each loading phase.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadTimings {
    /// Reading and decoding the file.
    pub read: f64,
    /// Mapping external ids to dense ids.
    pub map_ids: f64,
    /// Building the CSR (and its transpose for directed graphs).
    pub build: f64,
}

/// A graph with its users' node ids.
#[derive(Clone, Debug)]
pub struct LoadedGraph {
    /// The CSR graph on dense ids.
    pub graph: Graph,
    /// External id of each dense id.
    pub ids: NodeIds,
    /// Number of edge rows in the input (before merging duplicates).
    pub input_edges: usize,
    /// Time per phase.
    pub timings: LoadTimings,
}

/// An edge list read from a file, with the node count implied by the format
/// (Matrix Market and GraphAr declare their nodes, so isolated nodes survive).
pub struct ReadEdges {
    /// The edge rows.
    pub edges: EdgeTable,
    /// Node ids declared by the file beyond those on edges, if any.
    pub declared_nodes: Option<IdColumn>,
}

fn format_of(path: &Path, options: &LoadOptions) -> Result<Format> {
    match options.format {
        Some(f) => Ok(f),
        None => Ok(Format::from_path(path)?),
    }
}

/// Reads the edge rows of `path` in its format, without building anything.
pub fn read_edge_rows(path: &Path, options: &LoadOptions) -> Result<ReadEdges> {
    let cols = &options.columns;
    match format_of(path, options)? {
        Format::Parquet => Ok(ReadEdges {
            edges: read_edges(path, cols)?,
            declared_nodes: None,
        }),
        Format::Text => {
            let explicit_names = cols.src != "src" || cols.dst != "dst";
            let topts = text::TextOptions {
                src: if explicit_names {
                    text::ColumnRef::Name(cols.src.clone())
                } else {
                    text::ColumnRef::Index(0)
                },
                dst: if explicit_names {
                    text::ColumnRef::Name(cols.dst.clone())
                } else {
                    text::ColumnRef::Index(1)
                },
                weight: cols.weight.as_ref().map(|w| {
                    if explicit_names || w != "weight" {
                        text::ColumnRef::Name(w.clone())
                    } else {
                        text::ColumnRef::Index(2)
                    }
                }),
                ..text::TextOptions::default()
            };
            Ok(ReadEdges {
                edges: text::read_text_edges(path, &topts)?,
                declared_nodes: None,
            })
        }
        Format::MatrixMarket => {
            let m = mtx::read_mtx(path)?;
            let n = m.n_rows.max(m.n_cols) as i64;
            // The declared ids, then the CSR offsets, 8 bytes per node each.
            crate::memory::check_fits(16 * n as u64, || {
                format!("{}: the {n} nodes its header declares", path.display())
            })?;
            let mut edges = m.edges;
            if cols.weight.is_none() {
                edges.weight = None;
            }
            Ok(ReadEdges {
                edges,
                declared_nodes: Some(IdColumn::Int((0..n).collect())),
            })
        }
        Format::GraphAr => {
            let g = graphar::read_graphar(path)?;
            let ids = g.vertex_ids;
            let csr = g.csr;
            let mut src_dense = Vec::with_capacity(csr.nnz());
            for i in 0..csr.n_rows() {
                src_dense.extend(std::iter::repeat_n(i as u32, csr.row_len(i)));
            }
            let pick = |dense: &[u32]| -> IdColumn {
                match &ids {
                    IdColumn::Int(v) => {
                        IdColumn::Int(dense.iter().map(|&d| v[d as usize]).collect())
                    }
                    IdColumn::Str(s) => {
                        IdColumn::Str(dense.iter().map(|&d| s.get(d as usize)).collect())
                    }
                }
            };
            let src = pick(&src_dense);
            let dst = pick(csr.targets());
            let weight = if cols.weight.is_some() {
                csr.weights().map(|w| w.to_vec())
            } else {
                None
            };
            Ok(ReadEdges {
                edges: EdgeTable { src, dst, weight },
                declared_nodes: Some(ids),
            })
        }
    }
}

/// Maps ids and builds the graph from edge rows. `source` names the input in errors.
pub fn build_from_rows(
    rows: ReadEdges,
    options: &LoadOptions,
    source: &str,
) -> Result<LoadedGraph> {
    let mut timings = LoadTimings::default();
    let ReadEdges {
        edges,
        declared_nodes,
    } = rows;
    if edges.is_empty() {
        return Err(Error::input(format!(
            "{source}: empty edge list (no edges)"
        )));
    }
    let input_edges = edges.len();
    let t = Instant::now();
    let mapped = map_ids(
        &[&edges.src, &edges.dst],
        &[&options.columns.src, &options.columns.dst],
        declared_nodes.as_ref(),
        options.id_mode,
    )
    .map_err(|e| match e {
        EngineError::NegativeId { id, column } => Error::input(format!(
            "{source}: column '{column}' has negative node id {id}; ids must be >= 0"
        )),
        e => Error::engine(source, e),
    })?;
    timings.map_ids = t.elapsed().as_secs_f64();
    // The CSR (offsets of 8 bytes per node, in and out when directed; 4 bytes per
    // stored entry) and the builder's per-node cursors.
    let n = mapped.nodes.len() as u64;
    let csr_bytes = (8 * (n + 1) + 4 * 2 * input_edges as u64) * (1 + options.directed as u64);
    crate::memory::check_fits(csr_bytes + 8 * n, || {
        let hint = if options.id_mode == IdMode::Identity {
            " (with --node-ids identity every id up to the largest is a node; --node-ids compact numbers only the ids that occur)"
        } else {
            ""
        };
        format!("{source}: the graph of {n} nodes{hint}")
    })?;
    // Free the decoded id columns before building: the CSR replaces them.
    let EdgeTable { src, dst, weight } = edges;
    drop((src, dst, declared_nodes));
    let mut cols = mapped.columns.into_iter();
    let (src, dst) = (cols.next().unwrap(), cols.next().unwrap());
    let t = Instant::now();
    let build = BuildOptions {
        directed: options.directed,
        duplicates: options.duplicates,
        self_loops: options.self_loops,
    };
    let graph = build_graph(mapped.nodes.len(), &src, &dst, weight.as_deref(), &build).map_err(|e| match e {
        EngineError::InvalidWeight { index, value } => Error::input(format!(
            "{source}: column '{}' row {index}: invalid weight {value} (weights must be finite and >= 0)",
            options.columns.weight.as_deref().unwrap_or("weight")
        )),
        EngineError::DuplicateEdge { src, dst } => Error::input(format!(
            "{source}: duplicate edge {} -> {} (duplicate policy is 'error')",
            mapped.nodes.external(src),
            mapped.nodes.external(dst)
        )),
        e => Error::engine(source, e),
    })?;
    timings.build = t.elapsed().as_secs_f64();
    Ok(LoadedGraph {
        graph,
        ids: mapped.nodes,
        input_edges,
        timings,
    })
}

/// Reads `path` and builds its graph.
pub fn load_graph(path: &Path, options: &LoadOptions) -> Result<LoadedGraph> {
    let t = Instant::now();
    let rows = read_edge_rows(path, options)?;
    let read = t.elapsed().as_secs_f64();
    let mut g = build_from_rows(rows, options, &path.display().to_string())?;
    g.timings.read = read;
    Ok(g)
}

/// The external ids of dense ids `dense`, as a column.
pub fn external_ids(ids: &NodeIds, dense: &[u32]) -> IdColumn {
    match ids {
        NodeIds::Range(_) => IdColumn::Int(dense.iter().map(|&d| d as i64).collect()),
        NodeIds::Int(v) => IdColumn::Int(dense.iter().map(|&d| v[d as usize]).collect()),
        NodeIds::Str(s) => IdColumn::Str(dense.iter().map(|&d| s.get(d as usize)).collect()),
    }
}

/// The external ids of all nodes in dense order.
pub fn all_external_ids(ids: &NodeIds) -> IdColumn {
    match ids {
        NodeIds::Range(n) => IdColumn::Int((0..*n as i64).collect()),
        NodeIds::Int(v) => IdColumn::Int(v.clone()),
        NodeIds::Str(s) => IdColumn::Str(s.clone()),
    }
}

/// The graph's edges in the user's ids: every arc of a directed graph, every edge of
/// an undirected graph once (`u <= v` in dense order), in CSR order.
pub fn edge_rows(g: &LoadedGraph) -> EdgeTable {
    let out = g.graph.out();
    let directed = g.graph.is_directed();
    let mut src = Vec::new();
    let mut dst = Vec::new();
    let mut w = out.weights().map(|_| Vec::new());
    for u in 0..out.n_rows() {
        for (v, x) in out.row_entries(u) {
            if directed || v as usize >= u {
                src.push(u as u32);
                dst.push(v);
                if let Some(w) = w.as_mut() {
                    w.push(x);
                }
            }
        }
    }
    EdgeTable {
        src: external_ids(&g.ids, &src),
        dst: external_ids(&g.ids, &dst),
        weight: w,
    }
}

/// Writes the graph to `path` in `format` (guessed from the path when `None`):
/// Parquet and text edge lists carry the user's ids; Matrix Market carries dense
/// ids plus one (its indices are 1-based positions); GraphAr carries the user's ids
/// as the vertex property `id`.
pub fn save_graph(
    path: &Path,
    g: &LoadedGraph,
    format: Option<Format>,
    columns: &EdgeColumns,
) -> Result<()> {
    let format = match format {
        Some(f) => f,
        None => Format::from_path(path)?,
    };
    match format {
        Format::Parquet => Ok(write_edges(path, &edge_rows(g), columns)?),
        Format::Text => {
            let mut opts = text::TextWriteOptions::for_path(path);
            if let Some(h) = opts.header.as_mut() {
                h[0] = columns.src.clone();
                h[1] = columns.dst.clone();
                h[2] = columns.weight.clone().unwrap_or_else(|| "weight".into());
            }
            Ok(text::write_text_edges(path, &edge_rows(g), &opts)?)
        }
        Format::MatrixMarket => Ok(mtx::write_mtx(path, g.graph.out(), !g.graph.is_directed())?),
        Format::GraphAr => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "graph".into());
            let name: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let graph = graphar::GraphArGraph {
                name,
                vertex_label: "node".into(),
                edge_label: "edge".into(),
                directed: g.graph.is_directed(),
                vertex_ids: all_external_ids(&g.ids),
                csr: g.graph.out().clone(),
            };
            Ok(graphar::write_graphar(
                path,
                &graph,
                &graphar::GraphArWriteOptions::default(),
            )?)
        }
    }
}

/// A string column from an iterator of owned strings (helper for callers).
pub fn str_column<I: IntoIterator<Item = S>, S: AsRef<str>>(it: I) -> StrColumn {
    let mut c = StrColumn::new();
    for s in it {
        c.push(s.as_ref());
    }
    c
}
