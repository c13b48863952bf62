//! File format detection from paths.

use crate::error::{IoError, Result};
use std::path::Path;

/// The graph file formats spargraph reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Parquet edge list (`.parquet`, `.pq`).
    Parquet,
    /// Text edge list: whitespace, TSV or CSV (`.txt`, `.tsv`, `.csv`, `.edges`,
    /// `.el`, each optionally `.gz`).
    Text,
    /// Matrix Market coordinate format (`.mtx`, `.mtx.gz`).
    MatrixMarket,
    /// Apache GraphAr: a folder holding a `*.graph.yml`, or that file itself.
    GraphAr,
}

impl Format {
    /// Parses a format name as given to `--from` / `--to`.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "parquet" | "pq" => Some(Format::Parquet),
            "text" | "txt" | "tsv" | "csv" | "edges" | "el" => Some(Format::Text),
            "mtx" | "matrix-market" | "matrixmarket" => Some(Format::MatrixMarket),
            "graphar" => Some(Format::GraphAr),
            _ => None,
        }
    }

    /// Guesses the format from a path's extension (a folder is GraphAr).
    pub fn from_path(path: &Path) -> Result<Format> {
        if path.is_dir() {
            return Ok(Format::GraphAr);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        if name.ends_with(".graph.yml") || name.ends_with(".graph.yaml") {
            return Ok(Format::GraphAr);
        }
        match ext {
            "parquet" | "pq" => Ok(Format::Parquet),
            "txt" | "tsv" | "csv" | "edges" | "el" | "edgelist" => Ok(Format::Text),
            "mtx" => Ok(Format::MatrixMarket),
            "graphar" => Ok(Format::GraphAr),
            _ => Err(IoError::bad_input(
                path,
                "cannot tell the format from the extension; use .parquet, .txt/.tsv/.csv(.gz), .mtx, a GraphAr folder, or --from/--to",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_extension() {
        assert_eq!(
            Format::from_path(Path::new("a.parquet")).unwrap(),
            Format::Parquet
        );
        assert_eq!(
            Format::from_path(Path::new("a.tsv.gz")).unwrap(),
            Format::Text
        );
        assert_eq!(Format::from_path(Path::new("a.CSV")).unwrap(), Format::Text);
        assert_eq!(
            Format::from_path(Path::new("a.mtx.gz")).unwrap(),
            Format::MatrixMarket
        );
        assert_eq!(
            Format::from_path(Path::new("g.graph.yml")).unwrap(),
            Format::GraphAr
        );
        assert!(Format::from_path(Path::new("a.bin")).is_err());
    }
}
