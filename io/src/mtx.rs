//! Matrix Market coordinate files (`.mtx`, optionally gzip-compressed).
//!
//! # Format accepted by [`read_mtx`]
//!
//! ```text
//! %%MatrixMarket matrix coordinate real general
//! % comments
//! 3 3 2
//! 1 2 0.5
//! 3 1 2
//! ```
//!
//! * The banner `%%MatrixMarket matrix coordinate <field> <symmetry>` (keywords
//!   case-insensitive), with field `real`, `double`, `integer` or `pattern` and
//!   symmetry `general` or `symmetric`. Dense `array` files and `complex`,
//!   `hermitian` and `skew-symmetric` matrices are rejected with a message naming
//!   the unsupported keyword.
//! * Lines starting with `%` (after optional blanks) are comments and blank lines
//!   are skipped, anywhere after the banner; `\r\n` line endings are accepted.
//! * The size line `rows cols entries`, then exactly `entries` lines `i j [value]`
//!   with 1-based indices in range; the values are required unless the field is
//!   `pattern`. Fields beyond those are ignored.
//! * Input is gzip-decompressed when it starts with the gzip magic bytes `1f 8b`.
//!
//! Entries are parsed in parallel on line-aligned chunks; the result and the first
//! error reported do not depend on the number of threads. Errors name the file and,
//! for data errors, the 1-based line number and the offending text.
//!
//! # Format written by [`write_mtx`]
//!
//! `pattern` for unweighted matrices, `real` (shortest round-trip notation) for
//! weighted ones; `symmetric` files hold the lower triangle only (row >= column).
//! The output is gzip-compressed when the path ends with `.gz`, and written
//! atomically ([`crate::atomic`]).

use crate::error::{IoError, Result};
use crate::table::EdgeTable;
use crate::text::{
    chunk_target, count_newlines, excerpt, is_skipped, line_chunks, par_concat, parse_f32_field,
    parse_i64, push_f32, push_u64, read_input, write_output, Lines,
};
use rayon::prelude::*;
use spargraph_engine::{Csr, IdColumn};
use std::ops::Range;
use std::path::Path;

/// A Matrix Market coordinate file in memory.
#[derive(Clone, Debug, PartialEq)]
pub struct MtxGraph {
    /// Number of rows of the matrix.
    pub n_rows: usize,
    /// Number of columns of the matrix.
    pub n_cols: usize,
    /// Whether the file is `symmetric`: then `edges` lists one triangle only, as in
    /// the file, and the caller adds the mirrored entries.
    pub symmetric: bool,
    /// The entries in file order, as 0-based integer row (`src`) and column (`dst`)
    /// ids; weights are `Some` for `real`, `double` and `integer` files, `None` for
    /// `pattern` files.
    pub edges: EdgeTable,
}

/// Header fields of a Matrix Market file.
struct Banner {
    weighted: bool,
    symmetric: bool,
}

fn parse_banner(path: &Path, line: &[u8]) -> Result<Banner> {
    let text = String::from_utf8_lossy(line);
    let words: Vec<String> = text
        .split_ascii_whitespace()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    if words.first().map(String::as_str) != Some("%%matrixmarket") {
        return Err(IoError::bad_input(
            path,
            format!(
                "not a Matrix Market file: the first line must start with '%%MatrixMarket', found \"{}\"",
                excerpt(line)
            ),
        ));
    }
    if words.len() < 5 {
        return Err(IoError::bad_input(
            path,
            format!(
                "incomplete Matrix Market header \"{}\": expected '%%MatrixMarket matrix coordinate <field> <symmetry>'",
                excerpt(line)
            ),
        ));
    }
    let bad = |msg: String| Err(IoError::bad_input(path, msg));
    if words[1] != "matrix" {
        return bad(format!(
            "unsupported Matrix Market object '{}' (only 'matrix' is supported)",
            words[1]
        ));
    }
    match words[2].as_str() {
        "coordinate" => {}
        "array" => return bad(
            "dense 'array' Matrix Market files are not supported (only sparse 'coordinate' files)"
                .into(),
        ),
        other => {
            return bad(format!(
                "unknown Matrix Market format '{other}' (expected 'coordinate')"
            ))
        }
    }
    let weighted =
        match words[3].as_str() {
            "real" | "double" | "integer" => true,
            "pattern" => false,
            "complex" => return bad(
                "'complex' Matrix Market values are not supported (only real, integer, pattern)"
                    .into(),
            ),
            other => {
                return bad(format!(
                "unknown Matrix Market field '{other}' (expected real, double, integer or pattern)"
            ))
            }
        };
    let symmetric = match words[4].as_str() {
        "general" => false,
        "symmetric" => true,
        s @ ("hermitian" | "skew-symmetric") => {
            return bad(format!(
                "'{s}' Matrix Market matrices are not supported (only general and symmetric)"
            ))
        }
        other => {
            return bad(format!(
                "unknown Matrix Market symmetry '{other}' (expected general or symmetric)"
            ))
        }
    };
    Ok(Banner {
        weighted,
        symmetric,
    })
}

/// Entries of one chunk.
#[derive(Default)]
struct Entries {
    rows: Vec<i64>,
    cols: Vec<i64>,
    vals: Vec<f32>,
}

/// Parses the entries of `chunk`; an error carries the chunk's 0-based line.
fn parse_entries(
    chunk: &[u8],
    n_rows: u64,
    n_cols: u64,
    weighted: bool,
) -> std::result::Result<Entries, (usize, String)> {
    let est = chunk.len() / 12 + 1;
    let mut out = Entries {
        rows: Vec::with_capacity(est),
        cols: Vec::with_capacity(est),
        vals: Vec::with_capacity(if weighted { est } else { 0 }),
    };
    let need = if weighted { 3 } else { 2 };
    for (ln, line) in Lines::new(chunk).enumerate() {
        if is_skipped(line) {
            continue;
        }
        let mut fields = line
            .split(|&b| b == b' ' || b == b'\t')
            .filter(|f| !f.is_empty());
        let mut get = |found: usize| {
            fields.next().ok_or_else(|| {
                (
                    ln,
                    format!(
                        "expected {need} fields (row column{}), found {found}: \"{}\"",
                        if weighted { " value" } else { "" },
                        excerpt(line)
                    ),
                )
            })
        };
        let (fi, fj) = (get(0)?, get(1)?);
        let fv = if weighted { Some(get(2)?) } else { None };
        let index = |f: &[u8], what: &str, max: u64| match parse_i64(f) {
            Some(v) if v >= 1 && (v as u64) <= max => Ok(v - 1),
            Some(v) => Err((
                ln,
                format!(
                    "{what} index {v} out of range 1..={max}: \"{}\"",
                    excerpt(line)
                ),
            )),
            None => Err((
                ln,
                format!("{what} index \"{}\" is not an integer", excerpt(f)),
            )),
        };
        out.rows.push(index(fi, "row", n_rows)?);
        out.cols.push(index(fj, "column", n_cols)?);
        if let Some(fv) = fv {
            out.vals
                .push(parse_f32_field(fv, "value").map_err(|m| (ln, m))?);
        }
    }
    Ok(out)
}

/// Reads a Matrix Market coordinate file (see the [module documentation](self)).
///
/// Indices become 0-based. The number of entries must equal the size line's count:
/// a truncated file is an error naming both counts. A `symmetric` file's entries are
/// returned as listed, with [`MtxGraph::symmetric`] set.
pub fn read_mtx(path: &Path) -> Result<MtxGraph> {
    let data = read_input(path)?;
    read_mtx_bytes(path, &data, chunk_target(data.len()))
}

fn read_mtx_bytes(path: &Path, data: &[u8], target: usize) -> Result<MtxGraph> {
    let bad = |line: usize, msg: String| IoError::bad_input(path, format!("line {line}: {msg}"));
    let mut lines = Lines::new(data);
    let banner = match lines.next() {
        Some(l) => parse_banner(path, l)?,
        None => {
            return Err(IoError::bad_input(
                path,
                "empty file, expected a Matrix Market header",
            ))
        }
    };
    // The size line.
    let mut ln = 1;
    let (n_rows, n_cols, nnz) = loop {
        let Some(line) = lines.next() else {
            return Err(IoError::bad_input(
                path,
                "missing the size line 'rows columns entries'",
            ));
        };
        ln += 1;
        if is_skipped(line) {
            continue;
        }
        let nums: Vec<Option<i64>> = line
            .split(|&b| b == b' ' || b == b'\t')
            .filter(|f| !f.is_empty())
            .map(parse_i64)
            .collect();
        match nums[..] {
            [Some(r), Some(c), Some(n), ..] if r >= 0 && c >= 0 && n >= 0 => {
                break (r as u64, c as u64, n as u64)
            }
            _ => {
                return Err(bad(
                    ln,
                    format!(
                        "expected the size line 'rows columns entries', found \"{}\"",
                        excerpt(line)
                    ),
                ))
            }
        }
    };
    if banner.symmetric && n_rows != n_cols {
        return Err(bad(
            ln,
            format!("a symmetric matrix must be square, the size line says {n_rows} x {n_cols}"),
        ));
    }
    let start = lines.pos();
    let chunks = line_chunks(data, start, target);
    let results: Vec<std::result::Result<Entries, (usize, String)>> = chunks
        .par_iter()
        .map(|r| parse_entries(&data[r.clone()], n_rows, n_cols, banner.weighted))
        .collect();
    let mut parts = Vec::with_capacity(results.len());
    for (k, r) in results.into_iter().enumerate() {
        match r {
            Ok(e) => parts.push(e),
            Err((line, msg)) => {
                return Err(bad(
                    count_newlines(&data[..chunks[k].start]) + line + 1,
                    msg,
                ))
            }
        }
    }
    let found: usize = parts.iter().map(|p| p.rows.len()).sum();
    if found as u64 != nnz {
        let what = if (found as u64) < nnz {
            "truncated file: "
        } else {
            ""
        };
        return Err(IoError::bad_input(
            path,
            format!("{what}expected {nnz} entries (from the size line), found {found}"),
        ));
    }
    let too_big = |n: u64| usize::try_from(n).map_err(|_| bad(ln, format!("size {n} too large")));
    let (n_rows, n_cols) = (too_big(n_rows)?, too_big(n_cols)?);
    let rows: Vec<&[i64]> = parts.iter().map(|p| &p.rows[..]).collect();
    let cols: Vec<&[i64]> = parts.iter().map(|p| &p.cols[..]).collect();
    let (rows, cols) = rayon::join(|| par_concat(&rows), || par_concat(&cols));
    let weight = banner.weighted.then(|| {
        let vals: Vec<&[f32]> = parts.iter().map(|p| &p.vals[..]).collect();
        par_concat(&vals)
    });
    Ok(MtxGraph {
        n_rows,
        n_cols,
        symmetric: banner.symmetric,
        edges: EdgeTable {
            src: IdColumn::Int(rows),
            dst: IdColumn::Int(cols),
            weight,
        },
    })
}

/// Entries formatted per parallel task (about).
const WRITE_BLOCK: u64 = 1 << 16;

/// Writes `a` as a Matrix Market coordinate file: `pattern` when `a` is unweighted,
/// `real` otherwise; with `symmetric`, the banner says `symmetric` and only the
/// entries with row >= column are written (the format's convention), else all
/// entries are written as `general`. Indices are 1-based, values in shortest
/// round-trip notation. The output is gzip-compressed when `path` ends with `.gz`;
/// the write is atomic.
///
/// With `symmetric`, fails if `a` is not square or not symmetric (that would lose
/// entries).
pub fn write_mtx(path: &Path, a: &Csr, symmetric: bool) -> Result<()> {
    let n = a.n_rows();
    if symmetric {
        if n != a.n_cols() {
            return Err(IoError::internal(
                path,
                format!(
                    "cannot write a {n} x {} matrix as symmetric: it is not square",
                    a.n_cols()
                ),
            ));
        }
        let asym = (0..n).into_par_iter().find_first(|&i| {
            a.row_entries(i).any(|(j, w)| {
                j as usize != i
                    && !a
                        .get(j as usize, i as u32)
                        .is_some_and(|v| v.to_bits() == w.to_bits() || v == w)
            })
        });
        if let Some(i) = asym {
            return Err(IoError::internal(
                path,
                format!(
                    "cannot write the matrix as symmetric: row {i} has an entry without its mirror"
                ),
            ));
        }
    }
    let weighted = a.is_weighted();
    let offsets = a.offsets();
    let nnz_written: u64 = if symmetric {
        (0..n)
            .into_par_iter()
            .map(|i| a.row(i).iter().take_while(|&&j| j as usize <= i).count() as u64)
            .sum()
    } else {
        a.nnz() as u64
    };

    // Row blocks of about WRITE_BLOCK entries.
    let mut blocks: Vec<Range<usize>> = Vec::new();
    let mut s = 0;
    while s < n {
        let goal = offsets[s] + WRITE_BLOCK;
        let e = (s + offsets[s..].partition_point(|&o| o < goal)).clamp(s + 1, n);
        blocks.push(s..e);
        s = e;
    }
    let format_block = |r: &Range<usize>| -> Vec<u8> {
        let count = (offsets[r.end] - offsets[r.start]) as usize;
        let mut buf = Vec::with_capacity(count * if weighted { 24 } else { 14 });
        for i in r.clone() {
            for (j, w) in a.row_entries(i) {
                if symmetric && j as usize > i {
                    break; // rows are sorted: the rest is above the diagonal
                }
                push_u64(&mut buf, i as u64 + 1);
                buf.push(b' ');
                push_u64(&mut buf, j as u64 + 1);
                if weighted {
                    buf.push(b' ');
                    push_f32(&mut buf, w);
                }
                buf.push(b'\n');
            }
        }
        buf
    };
    let header = format!(
        "%%MatrixMarket matrix coordinate {} {}\n% written by spargraph\n{} {} {}\n",
        if weighted { "real" } else { "pattern" },
        if symmetric { "symmetric" } else { "general" },
        n,
        a.n_cols(),
        nnz_written
    );
    let batch = rayon::current_num_threads().max(1) * 4;
    write_output(path, |w| {
        let put = |w: &mut dyn std::io::Write, b: &[u8]| {
            w.write_all(b).map_err(|e| IoError::write(path, e))
        };
        put(w, header.as_bytes())?;
        for group in blocks.chunks(batch) {
            let bufs: Vec<Vec<u8>> = group.par_iter().map(format_block).collect();
            for b in &bufs {
                put(w, b)?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunking_does_not_change_result_or_error() {
        let p = Path::new("m.mtx");
        let data = b"%%MatrixMarket matrix coordinate real general\n% c\n4 5 4\n1 1 1\n2 5 2.5\r\n\n4 3 -1\n3 2 1e3\n";
        let whole = read_mtx_bytes(p, data, 1 << 20).unwrap();
        assert_eq!(whole.edges.src, IdColumn::Int(vec![0, 1, 3, 2]));
        assert_eq!(whole.edges.dst, IdColumn::Int(vec![0, 4, 2, 1]));
        assert_eq!(whole.edges.weight, Some(vec![1.0, 2.5, -1.0, 1000.0]));
        for t in 1..data.len() {
            assert_eq!(read_mtx_bytes(p, data, t).unwrap(), whole);
        }
        let data = b"%%MatrixMarket matrix coordinate pattern general\n3 3 3\n1 1\n2 x\n4 1\n";
        for t in 1..data.len() {
            let e = read_mtx_bytes(p, data, t).unwrap_err();
            assert!(
                e.message.contains("line 4: column index \"x\""),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn symmetric_write_rejects_asymmetric() {
        let a = Csr::from_parts(2, vec![0, 1, 1], vec![1], None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.mtx");
        let e = write_mtx(&p, &a, true).unwrap_err();
        assert!(e.message.contains("row 0"), "{}", e.message);
        assert!(!p.exists());
    }
}
