//! Apache GraphAr (incubating): reading and writing one homogeneous graph as a
//! GraphAr folder with an `ordered_by_source` (CSR) adjacency list and offsets.
//!
//! Names follow the format specification (`docs/specification/format.md`) and the
//! reference C++ library (`graph_info.cc`, `general_params.h`,
//! `arrow/chunk_writer.cc`, `filesystem.cc`, `high-level/edges_builder.cc`), checked
//! against the reference test data (`ldbc_sample/.../*.yml`).
//!
//! # Layout written
//!
//! For a graph named `g`, vertex type `person` and edge type `knows`:
//!
//! ```text
//! g.graph.yml                  name, prefix: ./, vertices, edges, version: gar/v1
//! person.vertex.yml            type, chunk_size, prefix, property_groups, version
//! person_knows_person.edge.yml src_type, edge_type, dst_type, chunk_size,
//!                              src_chunk_size, dst_chunk_size, directed, prefix,
//!                              adj_lists, property_groups, version
//! vertex/person/vertex_count                       int64, 8 raw little-endian bytes
//! vertex/person/id/chunk<i>                        _graphArVertexIndex, id
//! edge/person_knows_person/ordered_by_source/
//!     vertex_count                                 int64, 8 raw bytes
//!     edge_count<i>                                int64, 8 raw bytes, per part
//!     offset/chunk<i>                              _graphArOffset (int64)
//!     adj_list/part<i>/chunk<j>                    _graphArSrcIndex, _graphArDstIndex (int64)
//!     weight/part<i>/chunk<j>                      weight (float), if weighted
//! ```
//!
//! Vertex chunk `i` holds vertices `[i * chunk_size, (i + 1) * chunk_size)`. Edge part
//! `i` holds the edges whose source is in vertex chunk `i` (`src_chunk_size` is the
//! vertex chunk size), sorted by source, cut into chunks of `edge chunk_size` rows
//! (the last one shorter). Offset chunk `i` holds, per vertex of part `i`, where its
//! edges start within the part, plus the part's edge count: it starts at 0 and has
//! `vertices in the part + 1` entries (`chunk_size + 1`, or fewer for the last part;
//! the C++ writer pads the last one to `chunk_size + 1` by repeating the final value,
//! which the reader accepts). Indices are internal vertex ids (row numbers of the
//! vertex table), as int64. Parquet files are zstd-compressed. Parts without edges
//! have an offset chunk and `edge_count<i> = 0` but no adjacency chunk, as with the
//! reference writer. The whole folder is written to a temporary folder and renamed
//! into place ([`crate::atomic::write_dir`]), replacing an existing folder only if
//! spargraph wrote it and it holds nothing else (the folder lists its files in
//! `.spargraph-files`).
//!
//! An undirected graph is written with `directed: false` and its adjacency stored as
//! given: spargraph passes a symmetric CSR, so every edge is stored in both
//! directions. Other writers may store each undirected edge once; [`read_graphar`]
//! returns what is stored and does not symmetrize (check
//! [`Csr::is_symmetric`](spargraph_engine::Csr::is_symmetric) if it matters).
//!
//! # Reading
//!
//! [`read_graphar`] takes the folder (which must hold exactly one `*.graph.yml` or
//! `*.graph.yaml`) or the graph file itself. It follows `prefix` (absolute or
//! relative to the graph file; default: the graph file's folder) and the `vertices` and
//! `edges` file lists, takes the first vertex type, and the first edge type from that
//! vertex type to itself whose `adj_lists` has `ordered: true, aligned_by: src`.
//! Default prefixes are those of the C++ library: `<type>/` for vertices,
//! `<src>_<edge>_<dst>/` for edges, `ordered_by_source/` for the adjacency list, and
//! the property names joined by `_` plus `/` for property groups. Both the current
//! key names (`type`, `src_type`, `edge_type`, `dst_type`) and the pre-1.0 ones
//! (`label`, `src_label`, `edge_label`, `dst_label`) are accepted.
//!
//! Vertex ids are the property named `id` (else the primary-key property), int64 or
//! string; without such a property, ids are the internal ids `0..n`. The vertex
//! count comes from `vertex_count`, else from the id chunks. Offsets are read from
//! `offset/chunk<i>` when present, otherwise derived from the adjacency chunks of the
//! part (whose number is then taken from `edge_count<i>`, else from the files
//! present). Edge weights are the edge property named `weight` (float, double or
//! integer, read as `f32`). Within a source, edges are sorted by destination (GraphAr
//! orders by source only).
//!
//! Validation, each failure an [`IoError`] of kind `BadInput` naming the file (and
//! the YAML line where relevant): missing YAML keys, YAML outside the supported
//! subset, an unsupported `version` (only `gar/v1`), a `file_type` other than
//! `parquet` for a chunk that is read (csv/orc/json: "only parquet chunks are
//! supported"), missing chunk files, chunks with the wrong number of rows, a
//! `vertex_count` or `edge_count<i>` file that is not 8 bytes, offsets that do not
//! start at 0, decrease, or disagree with the adjacency (length or sources),
//! sources outside their part, destinations out of range, duplicate edges
//! (multi-edges are not supported), nulls, and columns of the wrong type.
//!
//! # Not implemented
//!
//! - Chunk file types other than Parquet (CSV, ORC, JSON), on read and write.
//! - Heterogeneous graphs: only one vertex type and one edge type from it to itself
//!   are read; other types are ignored.
//! - Adjacency lists other than `ordered_by_source` (`ordered_by_dest`,
//!   `unordered_by_source`, `unordered_by_dest`) are neither written nor read.
//! - Vertex and edge properties other than `id` and `weight`: ignored on read, not
//!   written. No vertex labels (`labels`), no `extra_info`, no user-defined types, no
//!   list properties, no `is_nullable` semantics (written as `false`).
//! - Remote file systems (`s3://`, `hdfs://`, ...): local paths and `file://` only.
//! - Uniqueness of vertex ids is not checked.

mod chunks;
mod yaml;

use crate::atomic::write_dir;
use crate::error::{IoError, Result};
use arrow_array::{ArrayRef, Float32Array, Int64Array, StringArray};
use rayon::prelude::*;
use spargraph_engine::{Csr, IdColumn, StrColumn};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yaml::{Doc, Node, Out};

/// Column of the internal vertex index in vertex chunks.
const VERTEX_INDEX_COL: &str = "_graphArVertexIndex";
/// Column of the source's internal id in adjacency chunks.
const SRC_INDEX_COL: &str = "_graphArSrcIndex";
/// Column of the destination's internal id in adjacency chunks.
const DST_INDEX_COL: &str = "_graphArDstIndex";
/// Column of offset chunks.
const OFFSET_COL: &str = "_graphArOffset";
/// The only version written and read.
const VERSION: &str = "gar/v1";
/// Name of the vertex id property.
const ID_PROPERTY: &str = "id";
/// Name of the edge weight property.
const WEIGHT_PROPERTY: &str = "weight";

/// One homogeneous graph: vertex type `vertex_label` with an `id` property (int64 or
/// string; other vertex properties are ignored on read) and edge type
/// `(vertex_label, edge_label, vertex_label)` with an optional `weight` float
/// property.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphArGraph {
    /// Graph name: the `name` of the graph file, and the `<name>.graph.yml` file name.
    pub name: String,
    /// Vertex type (`type` in the vertex file; also a file and folder name).
    pub vertex_label: String,
    /// Edge type (`edge_type` in the edge file; also part of file and folder names).
    pub edge_label: String,
    /// Whether the edges are directed (`directed`). An undirected graph is stored as
    /// its (symmetric) CSR, each edge in both directions.
    pub directed: bool,
    /// External id of each vertex: entry `k` is the id of internal vertex `k`.
    pub vertex_ids: IdColumn,
    /// `n x n` adjacency by source with sorted rows; its weights are the `weight`
    /// edge property, if present.
    pub csr: Csr,
}

/// Options of [`write_graphar`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphArWriteOptions {
    /// Vertices per vertex chunk, also the `src_chunk_size`/`dst_chunk_size` of the
    /// edges (default 262,144 = 2^18, the specification's recommendation).
    pub vertex_chunk_size: u64,
    /// Edges per adjacency chunk (default 4,194,304 = 2^22, the specification's
    /// recommendation).
    pub edge_chunk_size: u64,
    /// Chunk file type; only `"parquet"` (the default) is supported.
    pub file_type: String,
}

impl Default for GraphArWriteOptions {
    fn default() -> Self {
        GraphArWriteOptions {
            vertex_chunk_size: 1 << 18,
            edge_chunk_size: 1 << 22,
            file_type: "parquet".into(),
        }
    }
}

// ---------------------------------------------------------------------------------
// Writing

/// Writes `graph` as a GraphAr folder `dir`: `<name>.graph.yml`,
/// `<vertex_label>.vertex.yml`, `<vertex_label>_<edge_label>_<vertex_label>.edge.yml`
/// and the chunk folders (see the [module documentation](self)). The folder is
/// built next to `dir` and renamed into place, replacing an existing `dir` only once
/// complete, and only if spargraph wrote it and it holds nothing else.
///
/// Fails with a bad-input error on a file type other than `parquet`, a zero chunk
/// size, a name unusable as a file name, or a CSR that is not `n x n` with `n` the
/// number of vertex ids.
pub fn write_graphar(dir: &Path, graph: &GraphArGraph, opts: &GraphArWriteOptions) -> Result<()> {
    if !opts.file_type.eq_ignore_ascii_case("parquet") {
        return Err(IoError::bad_input(
            dir,
            format!(
                "file type '{}': only parquet chunks are supported",
                opts.file_type
            ),
        ));
    }
    if opts.vertex_chunk_size == 0 || opts.edge_chunk_size == 0 {
        return Err(IoError::bad_input(
            dir,
            "GraphAr chunk sizes must be at least 1",
        ));
    }
    check_name(dir, "graph name", &graph.name)?;
    check_name(dir, "vertex label", &graph.vertex_label)?;
    check_name(dir, "edge label", &graph.edge_label)?;
    let n = graph.csr.n_rows();
    if graph.csr.n_cols() != n {
        return Err(IoError::bad_input(
            dir,
            format!(
                "adjacency must be square, found {} x {}",
                n,
                graph.csr.n_cols()
            ),
        ));
    }
    if graph.vertex_ids.len() != n {
        return Err(IoError::bad_input(
            dir,
            format!("{} vertex ids for {} vertices", graph.vertex_ids.len(), n),
        ));
    }
    if let Some(parent) = dir.parent() {
        if !parent.as_os_str().is_empty() && !parent.is_dir() {
            return Err(IoError::bad_input(
                dir,
                format!("output folder {} does not exist", parent.display()),
            ));
        }
    }
    write_dir(dir, |tmp| {
        let v = &graph.vertex_label;
        let edge_type_name = format!("{v}_{}_{v}", graph.edge_label);
        let vertex_file = format!("{v}.vertex.yml");
        let edge_file = format!("{edge_type_name}.edge.yml");
        write_text(
            &tmp.join(format!("{}.graph.yml", graph.name)),
            &yaml::to_string(&Out::Map(vec![
                ("name", Out::s(&graph.name)),
                ("prefix", Out::s("./")),
                ("vertices", Out::List(vec![Out::s(&vertex_file)])),
                ("edges", Out::List(vec![Out::s(&edge_file)])),
                ("version", Out::s(VERSION)),
            ])),
        )?;
        let id_type = match graph.vertex_ids {
            IdColumn::Int(_) => "int64",
            IdColumn::Str(_) => "string",
        };
        write_text(
            &tmp.join(&vertex_file),
            &yaml::to_string(&Out::Map(vec![
                ("type", Out::s(v)),
                ("chunk_size", Out::int(opts.vertex_chunk_size)),
                ("prefix", Out::s(format!("vertex/{v}/"))),
                (
                    "property_groups",
                    Out::List(vec![property_group(ID_PROPERTY, id_type, true)]),
                ),
                ("version", Out::s(VERSION)),
            ])),
        )?;
        let mut edge_yaml = vec![
            ("src_type", Out::s(v)),
            ("edge_type", Out::s(&graph.edge_label)),
            ("dst_type", Out::s(v)),
            ("chunk_size", Out::int(opts.edge_chunk_size)),
            ("src_chunk_size", Out::int(opts.vertex_chunk_size)),
            ("dst_chunk_size", Out::int(opts.vertex_chunk_size)),
            ("directed", Out::bool(graph.directed)),
            ("prefix", Out::s(format!("edge/{edge_type_name}/"))),
            (
                "adj_lists",
                Out::List(vec![Out::Map(vec![
                    ("ordered", Out::bool(true)),
                    ("aligned_by", Out::s("src")),
                    ("prefix", Out::s("ordered_by_source/")),
                    ("file_type", Out::s("parquet")),
                ])]),
            ),
        ];
        if graph.csr.is_weighted() {
            edge_yaml.push((
                "property_groups",
                Out::List(vec![property_group(WEIGHT_PROPERTY, "float", false)]),
            ));
        }
        edge_yaml.push(("version", Out::s(VERSION)));
        write_text(
            &tmp.join(&edge_file),
            &yaml::to_string(&Out::Map(edge_yaml)),
        )?;

        write_vertex_chunks(&tmp.join("vertex").join(v), graph, opts)?;
        write_edge_chunks(
            &tmp.join("edge")
                .join(&edge_type_name)
                .join("ordered_by_source"),
            &graph.csr,
            opts,
        )
    })
}

/// A property group of one property, with the default prefix `<name>/`.
fn property_group(name: &str, data_type: &str, primary: bool) -> Out {
    Out::Map(vec![
        ("prefix", Out::s(format!("{name}/"))),
        ("file_type", Out::s("parquet")),
        (
            "properties",
            Out::List(vec![Out::Map(vec![
                ("name", Out::s(name)),
                ("data_type", Out::s(data_type)),
                ("is_primary", Out::bool(primary)),
                ("is_nullable", Out::bool(false)),
            ])]),
        ),
    ])
}

fn check_name(dir: &Path, what: &str, s: &str) -> Result<()> {
    if s.is_empty()
        || s == "."
        || s == ".."
        || s.chars().any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(IoError::bad_input(
            dir,
            format!("{what} '{s}' cannot be used in GraphAr file names (empty, '.', '..', or holds '/', '\\' or control characters)"),
        ));
    }
    Ok(())
}

fn write_text(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(|e| IoError::write(path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| IoError::write(path, e))?;
    f.sync_all().map_err(|e| IoError::write(path, e))
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// `[i * size, (i + 1) * size) ∩ [0, n)`.
fn chunk_range(i: usize, size: usize, n: usize) -> (usize, usize) {
    let a = i.saturating_mul(size).min(n);
    (a, a.saturating_add(size).min(n))
}

fn write_vertex_chunks(
    vdir: &Path,
    graph: &GraphArGraph,
    opts: &GraphArWriteOptions,
) -> Result<()> {
    let n = graph.vertex_ids.len();
    chunks::write_count(&vdir.join("vertex_count"), n as u64)?;
    let cs = to_usize(opts.vertex_chunk_size);
    (0..n.div_ceil(cs)).into_par_iter().try_for_each(|i| {
        let (a, b) = chunk_range(i, cs, n);
        let index: ArrayRef = Arc::new(Int64Array::from_iter_values(a as i64..b as i64));
        let ids: ArrayRef = match &graph.vertex_ids {
            IdColumn::Int(v) => Arc::new(Int64Array::from(v[a..b].to_vec())),
            IdColumn::Str(s) => Arc::new(StringArray::from_iter_values((a..b).map(|k| s.get(k)))),
        };
        let path = vdir.join(ID_PROPERTY).join(format!("chunk{i}"));
        let batch = chunks::batch(&path, vec![(VERTEX_INDEX_COL, index), (ID_PROPERTY, ids)])?;
        chunks::write_parquet(&path, &batch)
    })
}

fn write_edge_chunks(adir: &Path, csr: &Csr, opts: &GraphArWriteOptions) -> Result<()> {
    let n = csr.n_rows();
    chunks::write_count(&adir.join("vertex_count"), n as u64)?;
    let part_size = to_usize(opts.vertex_chunk_size);
    let ecs = to_usize(opts.edge_chunk_size);
    let off = csr.offsets();
    (0..n.div_ceil(part_size))
        .into_par_iter()
        .try_for_each(|i| {
            let (a, b) = chunk_range(i, part_size, n);
            let (e0, e1) = (off[a] as usize, off[b] as usize);
            let offsets: ArrayRef = Arc::new(Int64Array::from_iter_values(
                off[a..=b].iter().map(|&x| (x as usize - e0) as i64),
            ));
            let path = adir.join("offset").join(format!("chunk{i}"));
            chunks::write_parquet(&path, &chunks::batch(&path, vec![(OFFSET_COL, offsets)])?)?;
            chunks::write_count(&adir.join(format!("edge_count{i}")), (e1 - e0) as u64)?;
            let mut src = Vec::with_capacity(e1 - e0);
            for v in a..b {
                src.extend(std::iter::repeat_n(
                    v as i64,
                    (off[v + 1] - off[v]) as usize,
                ));
            }
            (0..(e1 - e0).div_ceil(ecs))
                .into_par_iter()
                .try_for_each(|j| {
                    let (lo, hi) = chunk_range(j, ecs, e1 - e0);
                    let s: ArrayRef = Arc::new(Int64Array::from(src[lo..hi].to_vec()));
                    let d: ArrayRef = Arc::new(Int64Array::from_iter_values(
                        csr.targets()[e0 + lo..e0 + hi].iter().map(|&t| t as i64),
                    ));
                    let path = adir
                        .join("adj_list")
                        .join(format!("part{i}"))
                        .join(format!("chunk{j}"));
                    chunks::write_parquet(
                        &path,
                        &chunks::batch(&path, vec![(SRC_INDEX_COL, s), (DST_INDEX_COL, d)])?,
                    )?;
                    if let Some(w) = csr.weights() {
                        let wa: ArrayRef =
                            Arc::new(Float32Array::from(w[e0 + lo..e0 + hi].to_vec()));
                        let path = adir
                            .join(WEIGHT_PROPERTY)
                            .join(format!("part{i}"))
                            .join(format!("chunk{j}"));
                        chunks::write_parquet(
                            &path,
                            &chunks::batch(&path, vec![(WEIGHT_PROPERTY, wa)])?,
                        )?;
                    }
                    Ok(())
                })
        })
}

// ---------------------------------------------------------------------------------
// Reading: information files

/// A property group reduced to what the reader needs.
struct PropertyGroup {
    line: usize,
    prefix: String,
    file_type: String,
    properties: Vec<Property>,
}

/// A property of a property group.
struct Property {
    name: String,
    data_type: String,
    is_primary: bool,
    line: usize,
}

fn check_version(doc: &Doc) -> Result<()> {
    let Some(node) = doc.opt(&doc.root, "version") else {
        return Ok(());
    };
    let v = doc.str(node, "version")?.trim();
    let major = v
        .strip_prefix("gar/v")
        .map(|r| {
            r.chars()
                .take_while(|c| c.is_ascii_digit())
                .collect::<String>()
        })
        .filter(|d| !d.is_empty());
    match major.as_deref() {
        Some("1") => Ok(()),
        _ => Err(doc.error(
            node.line,
            format!("unsupported version '{v}' (this reader supports {VERSION})"),
        )),
    }
}

fn property_groups(doc: &Doc, map: &Node) -> Result<Vec<PropertyGroup>> {
    let Some(node) = doc.opt(map, "property_groups") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for pg in doc.list(node, "property_groups")? {
        let what = "a property group";
        let file_type = doc
            .str(doc.req(pg, "file_type", what)?, "file_type")?
            .to_string();
        let mut properties = Vec::new();
        for p in doc.list(doc.req(pg, "properties", what)?, "properties")? {
            let what = "a property";
            let name = doc.str(doc.req(p, "name", what)?, "name")?.to_string();
            let data_type = doc
                .str(doc.req(p, "data_type", what)?, "data_type")?
                .to_string();
            let primary = match doc.opt(p, "is_primary") {
                Some(n) => doc.bool(n, "is_primary")?,
                None => false,
            };
            properties.push(Property {
                name,
                data_type,
                is_primary: primary,
                line: p.line,
            });
        }
        let prefix = match doc.opt(pg, "prefix") {
            Some(n) => doc.str(n, "prefix")?.to_string(),
            None if properties.is_empty() => {
                return Err(doc.error(pg.line, "property group without properties"));
            }
            None => {
                let names: Vec<&str> = properties.iter().map(|p| p.name.as_str()).collect();
                format!("{}/", names.join("_"))
            }
        };
        out.push(PropertyGroup {
            line: pg.line,
            prefix,
            file_type,
            properties,
        });
    }
    Ok(out)
}

fn check_parquet(doc: &Doc, line: usize, file_type: &str, what: &str) -> Result<()> {
    let ft = file_type.trim().to_ascii_lowercase();
    match ft.as_str() {
        "parquet" => Ok(()),
        "csv" | "orc" | "json" => Err(doc.error(
            line,
            format!("{what} has file_type '{file_type}': only parquet chunks are supported"),
        )),
        _ => Err(doc.error(
            line,
            format!("{what} has unknown file_type '{file_type}' (GraphAr has parquet, csv, orc, json; only parquet chunks are supported)"),
        )),
    }
}

fn positive(doc: &Doc, map: &Node, key: &str, what: &str) -> Result<u64> {
    let node = doc.req(map, key, what)?;
    let v = doc.int(node, key)?;
    if v <= 0 {
        return Err(doc.error(node.line, format!("'{key}' must be at least 1, found {v}")));
    }
    Ok(v as u64)
}

/// Joins a GraphAr prefix (`a/b/`) to `base`, segment by segment.
fn join_prefix(base: &Path, prefix: &str) -> PathBuf {
    let mut p = base.to_path_buf();
    for seg in prefix.split('/').filter(|s| !s.is_empty() && *s != ".") {
        p.push(seg);
    }
    p
}

struct VertexInfo {
    doc: Doc,
    type_name: String,
    chunk_size: u64,
    prefix: String,
    /// Property group prefix, property name, and whether the ids are strings.
    id: Option<(String, String, bool)>,
}

impl VertexInfo {
    fn load(path: &Path) -> Result<VertexInfo> {
        let doc = Doc::load(path)?;
        check_version(&doc)?;
        let root = &doc.root;
        let (_, t) = doc.req_any(root, &["type", "label"], "")?;
        let type_name = doc.str(t, "type")?.to_string();
        let chunk_size = positive(&doc, root, "chunk_size", "")?;
        let prefix = match doc.opt(root, "prefix") {
            Some(n) => doc.str(n, "prefix")?.to_string(),
            None => format!("{type_name}/"),
        };
        let groups = property_groups(&doc, root)?;
        let find = |pred: &dyn Fn(&Property) -> bool| {
            groups
                .iter()
                .find_map(|g| g.properties.iter().find(|p| pred(p)).map(|p| (g, p)))
        };
        let id = match find(&|p| p.name == ID_PROPERTY).or_else(|| find(&|p| p.is_primary)) {
            Some((g, p)) => {
                check_parquet(
                    &doc,
                    g.line,
                    &g.file_type,
                    &format!("the property group of vertex property '{}'", p.name),
                )?;
                let dt = p.data_type.to_ascii_lowercase();
                if !matches!(dt.as_str(), "int64" | "int32" | "string") {
                    return Err(doc.error(
                        p.line,
                        format!("vertex id property '{}' has data_type '{}', expected int64, int32 or string", p.name, p.data_type),
                    ));
                }
                Some((g.prefix.clone(), p.name.clone(), dt == "string"))
            }
            None => None,
        };
        Ok(VertexInfo {
            doc,
            type_name,
            chunk_size,
            prefix,
            id,
        })
    }
}

struct EdgeInfo {
    src: String,
    edge: String,
    dst: String,
    chunk_size: u64,
    src_chunk_size: u64,
    directed: bool,
    prefix: String,
    /// Prefix of the `ordered_by_source` adjacency list, if there is one.
    ordered_by_source: Option<String>,
    /// Property group prefix and property name of the weights.
    weight: Option<(String, String)>,
}

impl EdgeInfo {
    fn load(path: &Path) -> Result<EdgeInfo> {
        let doc = Doc::load(path)?;
        check_version(&doc)?;
        let root = &doc.root;
        let src = doc
            .str(
                doc.req_any(root, &["src_type", "src_label"], "")?.1,
                "src_type",
            )?
            .to_string();
        let edge = doc
            .str(
                doc.req_any(root, &["edge_type", "edge_label"], "")?.1,
                "edge_type",
            )?
            .to_string();
        let dst = doc
            .str(
                doc.req_any(root, &["dst_type", "dst_label"], "")?.1,
                "dst_type",
            )?
            .to_string();
        let chunk_size = positive(&doc, root, "chunk_size", "")?;
        let src_chunk_size = positive(&doc, root, "src_chunk_size", "")?;
        positive(&doc, root, "dst_chunk_size", "")?;
        let directed = doc.bool(doc.req(root, "directed", "")?, "directed")?;
        let prefix = match doc.opt(root, "prefix") {
            Some(n) => doc.str(n, "prefix")?.to_string(),
            None => format!("{src}_{edge}_{dst}/"),
        };
        let mut ordered_by_source = None;
        for al in doc.list(doc.req(root, "adj_lists", "")?, "adj_lists")? {
            let what = "an adj_lists entry";
            let ordered = doc.bool(doc.req(al, "ordered", what)?, "ordered")?;
            let aligned = doc
                .str(doc.req(al, "aligned_by", what)?, "aligned_by")?
                .trim()
                .to_string();
            let file_type = doc
                .str(doc.req(al, "file_type", what)?, "file_type")?
                .to_string();
            if ordered && aligned == "src" && ordered_by_source.is_none() {
                check_parquet(
                    &doc,
                    al.line,
                    &file_type,
                    "the ordered_by_source adjacency list",
                )?;
                ordered_by_source = Some(match doc.opt(al, "prefix") {
                    Some(n) => doc.str(n, "prefix")?.to_string(),
                    None => "ordered_by_source/".to_string(),
                });
            }
        }
        let groups = property_groups(&doc, root)?;
        let mut weight = None;
        for g in &groups {
            if let Some(p) = g.properties.iter().find(|p| p.name == WEIGHT_PROPERTY) {
                check_parquet(
                    &doc,
                    g.line,
                    &g.file_type,
                    "the property group of edge property 'weight'",
                )?;
                let dt = p.data_type.to_ascii_lowercase();
                if !matches!(dt.as_str(), "float" | "double" | "int32" | "int64") {
                    return Err(doc.error(
                        p.line,
                        format!("edge property 'weight' has data_type '{}', expected float, double, int32 or int64", p.data_type),
                    ));
                }
                weight = Some((g.prefix.clone(), p.name.clone()));
                break;
            }
        }
        Ok(EdgeInfo {
            src,
            edge,
            dst,
            chunk_size,
            src_chunk_size,
            directed,
            prefix,
            ordered_by_source,
            weight,
        })
    }
}

/// The graph information file: `path` itself, or the single `*.graph.yml` in it.
fn find_graph_file(path: &Path) -> Result<PathBuf> {
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    if !path.is_dir() {
        return Err(IoError::bad_input(path, "no such file or folder"));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| IoError::open(path, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".graph.yml") || n.ends_with(".graph.yaml"))
        })
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.pop().expect("one file")),
        0 => Err(IoError::bad_input(
            path,
            "no GraphAr graph file (*.graph.yml) in this folder",
        )),
        _ => {
            let names: Vec<String> = found
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            Err(IoError::bad_input(
                path,
                format!(
                    "several GraphAr graph files ({}); pass the one to read",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// Reads a GraphAr graph from `path`: a folder holding exactly one `*.graph.yml`
/// (or `*.graph.yaml`), or that file itself. Takes the first vertex type and the
/// first edge type from it to itself with an `ordered_by_source` adjacency list
/// (see the [module documentation](self) for what is read and checked). A graph
/// file that lists no edge type gives a graph without edges (`edge_label` empty,
/// `directed` true).
///
/// Chunk files are read in parallel. Every problem with the files is a bad-input
/// [`IoError`] naming the file concerned.
pub fn read_graphar(path: &Path) -> Result<GraphArGraph> {
    let graph_file = find_graph_file(path)?;
    let gdoc = Doc::load(&graph_file)?;
    check_version(&gdoc)?;
    let base = graph_file
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let root = &gdoc.root;
    let name = match gdoc.opt(root, "name") {
        Some(n) => gdoc.str(n, "name")?.to_string(),
        None => {
            let f = graph_file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            f.trim_end_matches(".yml")
                .trim_end_matches(".yaml")
                .trim_end_matches(".graph")
                .to_string()
        }
    };
    let data_root = match gdoc.opt(root, "prefix") {
        Some(n) => {
            let p = gdoc.str(n, "prefix")?;
            let p = p.strip_prefix("file://").unwrap_or(p);
            if p.contains("://") {
                return Err(gdoc.error(
                    n.line,
                    format!("prefix '{p}': only local paths are supported"),
                ));
            }
            if Path::new(p).is_absolute() {
                PathBuf::from(p)
            } else {
                join_prefix(&base, p)
            }
        }
        None => base.clone(),
    };
    let vnode = gdoc.req(root, "vertices", "")?;
    let vertices = gdoc.list(vnode, "vertices")?;
    let first = vertices
        .first()
        .ok_or_else(|| gdoc.error(vnode.line, "'vertices' lists no vertex type"))?;
    let vinfo = VertexInfo::load(&join_prefix(&base, gdoc.str(first, "vertices")?))?;

    let mut chosen = None;
    let mut others = Vec::new();
    let edge_files = match gdoc.opt(root, "edges") {
        Some(n) => gdoc.list(n, "edges")?,
        None => &[],
    };
    for e in edge_files {
        let einfo = EdgeInfo::load(&join_prefix(&base, gdoc.str(e, "edges")?))?;
        if einfo.src == vinfo.type_name
            && einfo.dst == vinfo.type_name
            && einfo.ordered_by_source.is_some()
        {
            chosen = Some(einfo);
            break;
        }
        others.push(format!(
            "{}_{}_{}{}",
            einfo.src,
            einfo.edge,
            einfo.dst,
            if einfo.ordered_by_source.is_some() {
                ""
            } else {
                " (no ordered_by_source)"
            }
        ));
    }
    if chosen.is_none() && !edge_files.is_empty() {
        return Err(IoError::bad_input(
            &graph_file,
            format!(
                "no edge type from '{0}' to '{0}' with an ordered_by_source adjacency list (edge types: {1})",
                vinfo.type_name,
                others.join(", ")
            ),
        ));
    }

    let (n, vertex_ids) = read_vertices(&data_root, &vinfo)?;
    let Some(einfo) = chosen else {
        return Ok(GraphArGraph {
            name,
            vertex_label: vinfo.type_name,
            edge_label: String::new(),
            directed: true,
            vertex_ids,
            csr: Csr::empty(n, n),
        });
    };
    let csr = read_edges(&data_root, &einfo, n)?;
    Ok(GraphArGraph {
        name,
        vertex_label: vinfo.type_name,
        edge_label: einfo.edge,
        directed: einfo.directed,
        vertex_ids,
        csr,
    })
}

// ---------------------------------------------------------------------------------
// Reading: chunks

/// Paths `dir/chunk0, dir/chunk1, ...`: exactly `count` of them (each must exist,
/// and no further one), or, with `count` unknown, as many as exist.
fn chunk_paths(dir: &Path, count: Option<u64>, why: &str) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut j: u64 = 0;
    loop {
        let p = dir.join(format!("chunk{j}"));
        match count {
            Some(k) if j == k => {
                if p.exists() {
                    return Err(IoError::bad_input(
                        &p,
                        format!("unexpected chunk file: {why}, so {k} chunk(s) are expected"),
                    ));
                }
                return Ok(out);
            }
            Some(k) => {
                if !p.is_file() {
                    return Err(IoError::bad_input(
                        &p,
                        format!("chunk file is missing: {why}, so {k} chunk(s) are expected"),
                    ));
                }
            }
            None => {
                if !p.is_file() {
                    return Ok(out);
                }
            }
        }
        out.push(p);
        j += 1;
    }
}

/// Checks the row counts of chunks of `size` rows: `expected` rows in total if
/// known, every chunk full but the last.
fn check_chunk_rows(
    paths: &[PathBuf],
    rows: &[usize],
    size: usize,
    expected: Option<u64>,
    why: &str,
) -> Result<()> {
    for (j, (&r, p)) in rows.iter().zip(paths).enumerate() {
        let last = j + 1 == rows.len();
        let want = match expected {
            Some(total) => Some(
                (total as usize)
                    .saturating_sub(j.saturating_mul(size))
                    .min(size),
            ),
            None if !last => Some(size),
            None => None,
        };
        match want {
            Some(w) if r != w => {
                return Err(IoError::bad_input(
                    p,
                    format!("chunk has {r} rows, expected {w} ({why}; chunk_size {size})"),
                ));
            }
            None if r > size || r == 0 => {
                return Err(IoError::bad_input(
                    p,
                    format!("chunk has {r} rows, expected 1 to {size} (chunk_size {size})"),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn read_vertices(data_root: &Path, v: &VertexInfo) -> Result<(usize, IdColumn)> {
    let vdir = join_prefix(data_root, &v.prefix);
    let count_path = vdir.join("vertex_count");
    let declared = if count_path.exists() {
        Some(chunks::read_count(&count_path)?)
    } else {
        None
    };
    let max = u32::MAX as u64;
    if let Some(n) = declared {
        if n > max {
            return Err(IoError::bad_input(
                &count_path,
                format!("{n} vertices, more than the {max} supported"),
            ));
        }
    }
    let Some((pg_prefix, prop, string_ids)) = &v.id else {
        let Some(n) = declared else {
            return Err(v.doc.error(
                0,
                format!(
                    "cannot tell the number of vertices: no {} file and no id property",
                    count_path.display()
                ),
            ));
        };
        return Ok((n as usize, IdColumn::Int((0..n as i64).collect())));
    };
    let cs = to_usize(v.chunk_size);
    let why = match declared {
        Some(n) => format!(
            "{} says {n} vertices in chunks of {}",
            count_path.display(),
            v.chunk_size
        ),
        None => "no vertex_count file".to_string(),
    };
    let paths = chunk_paths(
        &join_prefix(&vdir, pg_prefix),
        declared.map(|n| n.div_ceil(v.chunk_size)),
        &why,
    )?;
    let cols = paths
        .par_iter()
        .map(|p| chunks::read_ids(p, prop))
        .collect::<Result<Vec<IdColumn>>>()?;
    let rows: Vec<usize> = cols.iter().map(|c| c.len()).collect();
    check_chunk_rows(&paths, &rows, cs, declared, &why)?;
    let n: usize = rows.iter().sum();
    if n as u64 > max {
        return Err(IoError::bad_input(
            &vdir,
            format!("{n} vertices, more than the {max} supported"),
        ));
    }
    let ids = match cols.first() {
        // No chunk at all (no vertices): the declared data type decides.
        None if *string_ids => IdColumn::Str(StrColumn::new()),
        None | Some(IdColumn::Int(_)) => {
            let mut all = Vec::with_capacity(n);
            for (c, p) in cols.into_iter().zip(&paths) {
                match c {
                    IdColumn::Int(v) => all.extend(v),
                    IdColumn::Str(_) => {
                        return Err(IoError::bad_input(
                            p,
                            format!("column '{prop}' holds strings, earlier chunks integers"),
                        ));
                    }
                }
            }
            IdColumn::Int(all)
        }
        Some(IdColumn::Str(_)) => {
            let mut all = spargraph_engine::StrColumn::new();
            for (c, p) in cols.iter().zip(&paths) {
                match c {
                    IdColumn::Str(s) => s.iter().for_each(|x| all.push(x)),
                    IdColumn::Int(_) => {
                        return Err(IoError::bad_input(
                            p,
                            format!("column '{prop}' holds integers, earlier chunks strings"),
                        ));
                    }
                }
            }
            IdColumn::Str(all)
        }
    };
    Ok((n, ids))
}

/// Where the edge chunks of the chosen adjacency list are.
struct EdgeLayout {
    dir: PathBuf,
    n: usize,
    part_size: usize,
    chunk_size: usize,
    /// Property group folder and property name of the weights.
    weight: Option<(PathBuf, String)>,
}

/// One part (the edges of one source vertex chunk) as read.
struct Part {
    /// Local offsets, one per vertex of the part plus one, starting at 0.
    offsets: Vec<u64>,
    targets: Vec<u32>,
    weights: Option<Vec<f32>>,
}

fn read_edges(data_root: &Path, e: &EdgeInfo, n: usize) -> Result<Csr> {
    let edir = join_prefix(data_root, &e.prefix);
    let dir = join_prefix(
        &edir,
        e.ordered_by_source
            .as_deref()
            .unwrap_or("ordered_by_source/"),
    );
    let vc = dir.join("vertex_count");
    if vc.exists() {
        let c = chunks::read_count(&vc)?;
        if c != n as u64 {
            return Err(IoError::bad_input(
                &vc,
                format!("says {c} vertices, but the vertex type '{}' has {n}", e.src),
            ));
        }
    }
    let layout = EdgeLayout {
        weight: e
            .weight
            .as_ref()
            .map(|(pg, name)| (join_prefix(&dir, pg), name.clone())),
        dir,
        n,
        part_size: to_usize(e.src_chunk_size),
        chunk_size: to_usize(e.chunk_size),
    };
    let parts = (0..n.div_ceil(layout.part_size))
        .into_par_iter()
        .map(|i| read_part(&layout, i))
        .collect::<Result<Vec<Part>>>()?;
    let nnz: usize = parts.iter().map(|p| p.targets.len()).sum();
    let mut offsets = Vec::with_capacity(n + 1);
    let mut targets = Vec::with_capacity(nnz);
    let mut weights = layout.weight.as_ref().map(|_| Vec::with_capacity(nnz));
    offsets.push(0u64);
    for p in parts {
        let base = targets.len() as u64;
        offsets.extend(p.offsets[1..].iter().map(|&o| base + o));
        targets.extend(p.targets);
        if let (Some(all), Some(w)) = (weights.as_mut(), p.weights) {
            all.extend(w);
        }
    }
    Csr::from_parts(n, offsets, targets, weights).map_err(|m| IoError::bad_input(&layout.dir, m))
}

/// Checks an offset chunk of a part of `m` vertices and returns its first `m + 1`
/// entries.
fn check_offsets(path: &Path, raw: Vec<i64>, m: usize, part_size: usize) -> Result<Vec<u64>> {
    if raw.len() < m + 1 || raw.len() > part_size.saturating_add(1) {
        return Err(IoError::bad_input(
            path,
            format!(
                "offset chunk has {} entries, expected {} (one per vertex of the part plus one; at most src_chunk_size + 1 = {})",
                raw.len(),
                m + 1,
                part_size.saturating_add(1)
            ),
        ));
    }
    if raw[0] != 0 {
        return Err(IoError::bad_input(
            path,
            format!("first offset must be 0, found {}", raw[0]),
        ));
    }
    for k in 1..raw.len() {
        if raw[k] < raw[k - 1] {
            return Err(IoError::bad_input(
                path,
                format!(
                    "offsets decrease at entry {k} ({} then {})",
                    raw[k - 1],
                    raw[k]
                ),
            ));
        }
        if k > m && raw[k] != raw[m] {
            return Err(IoError::bad_input(
                path,
                format!(
                    "entry {k} is past the part's {m} vertices but adds edges ({} != {})",
                    raw[k], raw[m]
                ),
            ));
        }
    }
    Ok(raw[..=m].iter().map(|&x| x as u64).collect())
}

fn read_part(l: &EdgeLayout, i: usize) -> Result<Part> {
    let (a, b) = chunk_range(i, l.part_size, l.n);
    let m = b - a;
    let off_path = l.dir.join("offset").join(format!("chunk{i}"));
    let count_path = l.dir.join(format!("edge_count{i}"));
    let offsets = if off_path.exists() {
        let raw = chunks::read_i64(&off_path, OFFSET_COL)?;
        Some(check_offsets(&off_path, raw, m, l.part_size)?)
    } else {
        None
    };
    let count = if count_path.exists() {
        Some(chunks::read_count(&count_path)?)
    } else {
        None
    };
    let expected = match (&offsets, count) {
        (Some(o), Some(c)) if o[m] != c => {
            return Err(IoError::bad_input(
                &count_path,
                format!(
                    "says {c} edges, but offset chunk {} says {}",
                    off_path.display(),
                    o[m]
                ),
            ));
        }
        (Some(o), _) => Some((o[m], off_path.clone())),
        (None, Some(c)) => Some((c, count_path.clone())),
        (None, None) => None,
    };
    let why = match &expected {
        Some((e, src)) => format!("{} says part {i} has {e} edges", src.display()),
        None => format!("part {i} has no offset chunk and no edge count"),
    };
    let adj_dir = l.dir.join("adj_list").join(format!("part{i}"));
    let cs = l.chunk_size as u64;
    let paths = chunk_paths(
        &adj_dir,
        expected.as_ref().map(|(e, _)| e.div_ceil(cs)),
        &why,
    )?;

    type Chunk = (Vec<i64>, Vec<i64>, Option<Vec<f32>>);
    let read = paths
        .par_iter()
        .enumerate()
        .map(|(j, p)| -> Result<Chunk> {
            let (src, dst) = chunks::read_i64_pair(p, SRC_INDEX_COL, DST_INDEX_COL)?;
            if src.len() != dst.len() {
                return Err(IoError::bad_input(
                    p,
                    "source and destination columns differ in length",
                ));
            }
            let w = match &l.weight {
                Some((wdir, name)) => {
                    let wp = wdir.join(format!("part{i}")).join(format!("chunk{j}"));
                    let w = chunks::read_f32(&wp, name)?;
                    if w.len() != src.len() {
                        return Err(IoError::bad_input(
                            &wp,
                            format!(
                                "{} weights, but adjacency chunk {} has {} edges",
                                w.len(),
                                p.display(),
                                src.len()
                            ),
                        ));
                    }
                    Some(w)
                }
                None => None,
            };
            Ok((src, dst, w))
        })
        .collect::<Result<Vec<Chunk>>>()?;
    let rows: Vec<usize> = read.iter().map(|c| c.0.len()).collect();
    check_chunk_rows(
        &paths,
        &rows,
        l.chunk_size,
        expected.as_ref().map(|e| e.0),
        &why,
    )?;

    let total: usize = rows.iter().sum();
    let mut src_local = Vec::with_capacity(total);
    let mut targets = Vec::with_capacity(total);
    let mut weights = l.weight.as_ref().map(|_| Vec::with_capacity(total));
    for ((src, dst, w), p) in read.into_iter().zip(&paths) {
        for (k, (&s, &d)) in src.iter().zip(&dst).enumerate() {
            if s < a as i64 || s >= b as i64 {
                return Err(IoError::bad_input(
                    p,
                    format!(
                        "row {k}: source index {s} is outside part {i} (vertices {a} to {})",
                        b as i64 - 1
                    ),
                ));
            }
            if d < 0 || d >= l.n as i64 {
                return Err(IoError::bad_input(
                    p,
                    format!(
                        "row {k}: destination index {d} is out of range (there are {} vertices)",
                        l.n
                    ),
                ));
            }
            src_local.push((s as usize - a) as u32);
            targets.push(d as u32);
        }
        if let (Some(all), Some(w)) = (weights.as_mut(), w) {
            all.extend(w);
        }
    }

    let offsets = match offsets {
        Some(o) => {
            for v in 0..m {
                let (lo, hi) = (o[v] as usize, o[v + 1] as usize);
                for (pos, &s) in src_local[lo..hi]
                    .iter()
                    .enumerate()
                    .map(|(k, s)| (lo + k, s))
                {
                    if s as usize != v {
                        return Err(IoError::bad_input(
                            &off_path,
                            format!(
                                "offsets not consistent with the adjacency: edge {pos} of part {i} has source {}, the offsets put it at vertex {}",
                                a + s as usize,
                                a + v
                            ),
                        ));
                    }
                }
            }
            o
        }
        None => {
            let mut o = vec![0u64; m + 1];
            for (pos, &s) in src_local.iter().enumerate() {
                if pos > 0 && s < src_local[pos - 1] {
                    return Err(IoError::bad_input(
                        &adj_dir,
                        format!("edge {pos} of part {i}: sources are not sorted (ordered_by_source requires it)"),
                    ));
                }
                o[s as usize + 1] += 1;
            }
            for v in 0..m {
                o[v + 1] += o[v];
            }
            o
        }
    };

    // GraphAr orders by source only: sort each row by destination.
    for v in 0..m {
        let (lo, hi) = (offsets[v] as usize, offsets[v + 1] as usize);
        let row = &targets[lo..hi];
        if row.windows(2).all(|w| w[0] < w[1]) {
            continue;
        }
        let mut idx: Vec<usize> = (lo..hi).collect();
        idx.sort_by_key(|&k| targets[k]);
        let sorted: Vec<u32> = idx.iter().map(|&k| targets[k]).collect();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(IoError::bad_input(
                &adj_dir,
                format!(
                    "duplicate edge {} -> {} (multi-edges are not supported)",
                    a + v,
                    w[0]
                ),
            ));
        }
        if let Some(ws) = weights.as_mut() {
            let sw: Vec<f32> = idx.iter().map(|&k| ws[k]).collect();
            ws[lo..hi].copy_from_slice(&sw);
        }
        targets[lo..hi].copy_from_slice(&sorted);
    }
    Ok(Part {
        offsets,
        targets,
        weights,
    })
}
