//! Node-keyed inputs: feature matrices and labels read from files and aligned to a
//! graph's (or an embedding's) node order, and stable per-node seeds.

use crate::error::Error;
use crate::load::{read_edge_rows, LoadOptions};
use spargraph_engine::idmap::{ExternalId, NodeIds};
use spargraph_engine::IdColumn;
use spargraph_io::format::Format;
use spargraph_io::parquet_edges::EdgeColumns;
use spargraph_io::parquet_table::NodeMatrix;
use std::collections::HashMap;
use std::path::Path;

/// A stable 64-bit key per node for seeding per-node random streams: the integer
/// id itself (two's complement), or the 64-bit FNV-1a hash of a string id. A node
/// keeps its key when the graph around it changes.
pub fn node_keys(ids: &NodeIds) -> Vec<u64> {
    (0..ids.len() as u32)
        .map(|v| match ids.external(v) {
            ExternalId::Int(i) => i as u64,
            ExternalId::Str(s) => fnv1a(s.as_bytes()),
        })
        .collect()
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The dense node of the `row`-th id of `column`, looked up in `ids`.
fn lookup(ids: &NodeIds, column: &IdColumn, row: usize) -> Result<u32, String> {
    match column {
        IdColumn::Int(v) => ids.lookup_int(v[row]).ok_or_else(|| v[row].to_string()),
        IdColumn::Str(s) => ids
            .lookup_str(s.get(row))
            .ok_or_else(|| format!("{:?}", s.get(row))),
    }
}

/// [`lookup`], with an unknown id reported as bad input naming `path` and the row.
fn lookup_row(ids: &NodeIds, column: &IdColumn, row: usize, path: &Path) -> Result<u32, Error> {
    lookup(ids, column, row).map_err(|id| {
        Error::input(format!(
            "{}: node {id} (row {}) is not a node of the graph",
            path.display(),
            row + 1
        ))
    })
}

fn external(column: &IdColumn, row: usize) -> String {
    match column {
        IdColumn::Int(v) => v[row].to_string(),
        IdColumn::Str(s) => format!("{:?}", s.get(row)),
    }
}

/// Puts the rows of `matrix` (read from `path`) in the node order of `ids`: every
/// node must have exactly one row, and every row's id must be a node.
/// Errors name the file and the first offending id.
pub fn align_node_matrix(
    ids: &NodeIds,
    matrix: &NodeMatrix,
    path: &Path,
) -> Result<Vec<f32>, Error> {
    let n = ids.len();
    let dim = matrix.dim;
    let mut out = vec![0f32; n * dim];
    let mut seen = vec![false; n];
    for row in 0..matrix.ids.len() {
        let v = lookup_row(ids, &matrix.ids, row, path)? as usize;
        if std::mem::replace(&mut seen[v], true) {
            return Err(Error::input(format!(
                "{}: node {} has more than one row",
                path.display(),
                external(&matrix.ids, row)
            )));
        }
        out[v * dim..(v + 1) * dim].copy_from_slice(&matrix.values[row * dim..(row + 1) * dim]);
    }
    if let Some(v) = seen.iter().position(|s| !s) {
        let missing = seen.iter().filter(|s| !**s).count();
        return Err(Error::input(format!(
            "{}: {missing} node(s) of the graph have no row, e.g. node {}",
            path.display(),
            ids.external(v as u32)
        )));
    }
    if let Some(i) = out.iter().position(|x| !x.is_finite()) {
        return Err(Error::input(format!(
            "{}: value {} of node {} is {} (must be finite)",
            path.display(),
            i % dim.max(1),
            ids.external((i / dim.max(1)) as u32),
            out[i]
        )));
    }
    Ok(out)
}

/// Multi-label node labels: `labels[v]` lists the label indices of node `v` (sorted,
/// distinct; empty when unlabelled), and `names[k]` is label `k`'s value in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeLabels {
    /// Label indices per node.
    pub labels: Vec<Vec<u32>>,
    /// The label values, by index (sorted as they sort in the file's type).
    pub names: Vec<String>,
}

/// Reads `(node, label)` rows from a Parquet or text file (one row per membership,
/// so a node may have several labels) and maps them onto the nodes of `ids`.
/// A node id that is not in `ids` is an error naming the file and the id.
pub fn read_labels(
    path: &Path,
    ids: &NodeIds,
    id_col: &str,
    label_col: &str,
) -> Result<NodeLabels, Error> {
    // Text files are read by position (node first, label second) under the default
    // names `node` and `label`.
    let is_text = matches!(Format::from_path(path), Ok(Format::Text));
    let (id_col, label_col) = if is_text && id_col == "node" && label_col == "label" {
        ("src", "dst") // the loader's defaults, which read text by position
    } else {
        (id_col, label_col)
    };
    let options = LoadOptions {
        columns: EdgeColumns {
            src: id_col.to_string(),
            dst: label_col.to_string(),
            weight: None,
        },
        ..LoadOptions::default()
    };
    let rows = read_edge_rows(path, &options)?.edges;
    // Label values sorted in their type, then numbered.
    let mut label_index: HashMap<String, u32> = HashMap::new();
    let names: Vec<String> = match &rows.dst {
        IdColumn::Int(v) => {
            let mut u = v.clone();
            u.sort_unstable();
            u.dedup();
            u.iter().map(|x| x.to_string()).collect()
        }
        IdColumn::Str(s) => {
            let mut u: Vec<&str> = s.iter().collect();
            u.sort_unstable();
            u.dedup();
            u.into_iter().map(str::to_string).collect()
        }
    };
    for (k, name) in names.iter().enumerate() {
        label_index.insert(name.clone(), k as u32);
    }
    let mut labels = vec![Vec::new(); ids.len()];
    for row in 0..rows.src.len() {
        let v = lookup_row(ids, &rows.src, row, path)?;
        let name = match &rows.dst {
            IdColumn::Int(x) => x[row].to_string(),
            IdColumn::Str(s) => s.get(row).to_string(),
        };
        labels[v as usize].push(label_index[&name]);
    }
    for l in labels.iter_mut() {
        l.sort_unstable();
        l.dedup();
    }
    if labels.iter().all(|l| l.is_empty()) {
        return Err(Error::input(format!("{}: no labels", path.display())));
    }
    Ok(NodeLabels { labels, names })
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargraph_engine::StrColumn;

    #[test]
    fn keys_are_ids_or_string_hashes() {
        assert_eq!(node_keys(&NodeIds::Int(vec![-1, 7])), vec![u64::MAX, 7]);
        let mut s = StrColumn::new();
        s.push("a");
        s.push("b");
        let k = node_keys(&NodeIds::Str(s));
        assert_eq!(k[0], 0xaf63_dc4c_8601_ec8c); // FNV-1a("a")
        assert_ne!(k[0], k[1]);
    }

    #[test]
    fn matrix_rows_follow_node_order_and_bad_ids_are_named() {
        let ids = NodeIds::Int(vec![10, 20, 30]);
        let m = NodeMatrix {
            ids: IdColumn::Int(vec![30, 10, 20]),
            dim: 2,
            values: vec![3.0, 3.5, 1.0, 1.5, 2.0, 2.5],
        };
        let p = Path::new("f.parquet");
        assert_eq!(
            align_node_matrix(&ids, &m, p).unwrap(),
            vec![1.0, 1.5, 2.0, 2.5, 3.0, 3.5]
        );
        let unknown = NodeMatrix {
            ids: IdColumn::Int(vec![30, 10, 99]),
            ..m.clone()
        };
        let e = align_node_matrix(&ids, &unknown, p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("f.parquet") && e.contains("node 99"), "{e}");
        let missing = NodeMatrix {
            ids: IdColumn::Int(vec![30, 10]),
            dim: 2,
            values: vec![0.0; 4],
        };
        let e = align_node_matrix(&ids, &missing, p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("have no row, e.g. node 20"), "{e}");
        let twice = NodeMatrix {
            ids: IdColumn::Int(vec![30, 10, 10]),
            ..m
        };
        let e = align_node_matrix(&ids, &twice, p).unwrap_err().to_string();
        assert!(e.contains("more than one row"), "{e}");
    }
}
