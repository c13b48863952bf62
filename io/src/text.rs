//! Text edge lists: whitespace-separated, TSV and CSV, optionally gzip-compressed.
//!
//! # Format accepted by [`read_text_edges`]
//!
//! * One edge per line: a source id, a target id and optionally a weight, in
//!   columns chosen by position ([`ColumnRef::Index`]) or by header name
//!   ([`ColumnRef::Name`]). Extra columns are ignored.
//! * Fields are separated by runs of spaces and tabs ([`Delimiter::Whitespace`]),
//!   by single tabs ([`Delimiter::Tab`]) or by commas ([`Delimiter::Comma`]);
//!   [`Delimiter::Auto`] picks commas for `.csv` / `.csv.gz` files (unless their
//!   first content line holds no comma, as in space-separated files named `.csv`)
//!   and whitespace otherwise. With tab or comma delimiters, spaces around fields are trimmed and
//!   a field may be enclosed in double quotes (`"a,b"`, with `""` for a quote);
//!   quoted fields cannot span lines.
//! * Lines whose first non-blank character is `#` or `%` are comments; blank lines
//!   are skipped; both `\n` and `\r\n` line endings are accepted; a UTF-8 byte
//!   order mark at the start is ignored. The file must be valid UTF-8.
//! * Input is gzip-decompressed when it starts with the gzip magic bytes `1f 8b`,
//!   whatever its name (concatenated gzip members are read in full).
//! * An optional header line ([`Header`]) names the columns.
//! * Ids are integers (`i64`, possibly negative: the engine rejects those with its
//!   own message) or strings ([`IdKind`]). Weights are parsed as `f32`; NaN and
//!   negative weights are accepted here (the engine validates them), text that is
//!   not a number is an error.
//!
//! Errors name the file, the 1-based line number and the offending text. An empty
//! file (or one holding only comments and a header) yields an empty [`EdgeTable`].
//!
//! Large files are read whole into memory, cut into line-aligned chunks parsed in
//! parallel, and concatenated in file order: the result (and the first error
//! reported) does not depend on the number of threads.
//!
//! # Format written by [`write_text_edges`]
//!
//! One edge per line, `src<delim>dst[<delim>weight]\n`, with an optional header
//! line; integer ids in decimal, string ids as-is, weights in Rust's shortest
//! round-trip notation (so write → read is lossless). The output is gzip-compressed
//! when the path ends with `.gz`, and written atomically ([`crate::atomic`]).

use crate::atomic;
use crate::error::{IoError, Result};
use crate::table::EdgeTable;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use rayon::prelude::*;
use spargraph_engine::{IdColumn, StrColumn};
use std::io::{Read, Write};
use std::ops::Range;
use std::path::Path;

/// How fields of a line are separated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Delimiter {
    /// Commas for `.csv` and `.csv.gz` files, runs of whitespace otherwise.
    #[default]
    Auto,
    /// Any run of spaces and tabs; leading and trailing whitespace is ignored.
    Whitespace,
    /// A single tab (two tabs delimit an empty field).
    Tab,
    /// A single comma (two commas delimit an empty field).
    Comma,
}

/// Whether the first non-comment line names the columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Header {
    /// Detect: when a column is given by name, the first non-comment line is the
    /// header (and must hold the requested names). With positional columns only,
    /// it is a header iff its source/target fields are not both integers while
    /// those of the next line are, or if they read exactly `src` and `dst` (the
    /// names [`write_text_edges`] writes for CSV).
    #[default]
    Auto,
    /// The first non-comment line is a header.
    Yes,
    /// There is no header; every non-comment line is an edge.
    No,
}

/// A column chosen by header name or by 0-based position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnRef {
    /// The column whose header field equals this name (needs a header line).
    Name(String),
    /// The column at this 0-based position.
    Index(usize),
}

impl From<&str> for ColumnRef {
    fn from(name: &str) -> Self {
        ColumnRef::Name(name.to_string())
    }
}

impl From<usize> for ColumnRef {
    fn from(index: usize) -> Self {
        ColumnRef::Index(index)
    }
}

/// How node ids are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IdKind {
    /// Integers if every source and target id parses as an `i64`, else strings.
    #[default]
    Auto,
    /// Integers; an id that is not an `i64` is an error.
    Int,
    /// Strings, kept verbatim (even when they look like integers).
    Str,
}

/// Options of [`read_text_edges`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextOptions {
    /// Field separator.
    pub delimiter: Delimiter,
    /// Header line handling.
    pub header: Header,
    /// Source id column.
    pub src: ColumnRef,
    /// Target id column.
    pub dst: ColumnRef,
    /// Weight column, if the edges are weighted.
    pub weight: Option<ColumnRef>,
    /// Id type.
    pub ids: IdKind,
}

impl Default for TextOptions {
    /// Auto delimiter and header, source in column 0, target in column 1, no
    /// weight, auto id type.
    fn default() -> Self {
        TextOptions {
            delimiter: Delimiter::Auto,
            header: Header::Auto,
            src: ColumnRef::Index(0),
            dst: ColumnRef::Index(1),
            weight: None,
            ids: IdKind::Auto,
        }
    }
}

/// Options of [`write_text_edges`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextWriteOptions {
    /// Field separator byte (an ASCII character other than a newline or quote).
    pub delimiter: u8,
    /// Names of the source, target and weight columns, written as the first line
    /// when `Some` (the weight name only when the edges are weighted).
    pub header: Option<[String; 3]>,
}

impl Default for TextWriteOptions {
    /// Tab-separated, no header.
    fn default() -> Self {
        TextWriteOptions {
            delimiter: b'\t',
            header: None,
        }
    }
}

impl TextWriteOptions {
    /// The options suited to a path: commas and a `src,dst[,weight]` header for
    /// `.csv` (and `.csv.gz`), tabs and no header otherwise.
    pub fn for_path(path: &Path) -> Self {
        if is_csv_path(path) {
            TextWriteOptions {
                delimiter: b',',
                header: Some(["src".into(), "dst".into(), "weight".into()]),
            }
        } else {
            TextWriteOptions::default()
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers shared with the Matrix Market module.
// ---------------------------------------------------------------------------

fn lower_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether `path` ends with `.gz` (case-insensitive).
pub(crate) fn is_gz_path(path: &Path) -> bool {
    lower_name(path).ends_with(".gz")
}

fn is_csv_path(path: &Path) -> bool {
    let name = lower_name(path);
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.ends_with(".csv")
}

/// Reads the whole file, gzip-decompressing it when it starts with `1f 8b`.
pub(crate) fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.is_dir() {
        return Err(IoError::bad_input(path, "is a folder, expected a file"));
    }
    let raw = std::fs::read(path).map_err(|e| IoError::open(path, e))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len().saturating_mul(4));
        MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| IoError::bad_input(path, format!("invalid gzip data: {e}")))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// Runs `f` on a writer to a temporary file atomically renamed to `path`,
/// gzip-compressing when `path` ends with `.gz`.
pub(crate) fn write_output<F>(path: &Path, f: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let gz = is_gz_path(path);
    atomic::write_file(path, |w| {
        if gz {
            let mut enc = GzEncoder::new(w, Compression::default());
            f(&mut enc)?;
            enc.finish().map_err(|e| IoError::write(path, e))?;
            Ok(())
        } else {
            f(w)
        }
    })
}

/// Position of the first `\n` in `s`.
#[inline]
pub(crate) fn find_newline(s: &[u8]) -> Option<usize> {
    // Word-at-a-time scan: a lane is zero iff the byte equals '\n'.
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = LO * b'\n' as u64;
    let mut i = 0;
    while i + 8 <= s.len() {
        let word = u64::from_le_bytes(s[i..i + 8].try_into().unwrap()) ^ NL;
        if (word.wrapping_sub(LO) & !word & HI) != 0 {
            break;
        }
        i += 8;
    }
    s[i..].iter().position(|&b| b == b'\n').map(|p| i + p)
}

/// Number of `\n` in `s`.
pub(crate) fn count_newlines(s: &[u8]) -> usize {
    s.par_chunks(1 << 20)
        .map(|c| c.iter().filter(|&&b| b == b'\n').count())
        .sum()
}

/// Iterates the lines of `data` (without `\n` and a trailing `\r`).
pub(crate) struct Lines<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Lines { data, pos: 0 }
    }

    /// Byte offset of the next line.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.pos >= self.data.len() {
            return None;
        }
        let rest = &self.data[self.pos..];
        let (mut line, advance) = match find_newline(rest) {
            Some(p) => (&rest[..p], p + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        if let Some((b'\r', head)) = line.split_last() {
            line = head;
        }
        Some(line)
    }
}

/// Whether a line is blank or a comment (`#` or `%` after optional blanks).
#[inline]
pub(crate) fn is_skipped(line: &[u8]) -> bool {
    match line.iter().find(|&&b| b != b' ' && b != b'\t') {
        None => true,
        Some(&b) => b == b'#' || b == b'%' || b == b'\r',
    }
}

/// Line-aligned ranges covering `data[start..]`, each about `target` bytes.
pub(crate) fn line_chunks(data: &[u8], start: usize, target: usize) -> Vec<Range<usize>> {
    let target = target.max(1);
    let mut out = Vec::new();
    let mut s = start;
    while s < data.len() {
        let mut e = s.saturating_add(target).min(data.len());
        if e < data.len() {
            e = match find_newline(&data[e - 1..]) {
                Some(p) => e + p,
                None => data.len(),
            };
        }
        out.push(s..e);
        s = e;
    }
    out
}

/// Concatenates `parts` in order, copying them in parallel.
pub(crate) fn par_concat<T: Copy + Default + Send + Sync>(parts: &[&[T]]) -> Vec<T> {
    let total = parts.iter().map(|p| p.len()).sum();
    let mut out = vec![T::default(); total];
    let mut slots = Vec::with_capacity(parts.len());
    let mut rest = &mut out[..];
    for p in parts {
        let (head, tail) = rest.split_at_mut(p.len());
        slots.push(head);
        rest = tail;
    }
    slots
        .into_par_iter()
        .zip(parts.par_iter())
        .for_each(|(dst, src)| dst.copy_from_slice(src));
    out
}

/// Default chunk size for `len` bytes: a few chunks per thread, 256 KiB to 16 MiB.
pub(crate) fn chunk_target(len: usize) -> usize {
    let threads = rayon::current_num_threads().max(1);
    (len / (threads * 4)).clamp(256 << 10, 16 << 20)
}

/// A line shortened for error messages.
pub(crate) fn excerpt(line: &[u8]) -> String {
    let s = String::from_utf8_lossy(line);
    if s.chars().count() > 80 {
        let head: String = s.chars().take(80).collect();
        format!("{head}…")
    } else {
        s.into_owned()
    }
}

/// Parses a decimal `i64` (optional sign, digits only).
#[inline]
pub(crate) fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(d as u64)?;
    }
    if neg {
        if v <= 1u64 << 63 {
            Some((v as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(v).ok()
    }
}

/// Parses an `f32` (any notation Rust accepts, including `NaN` and `inf`).
#[inline]
pub(crate) fn parse_f32(s: &[u8]) -> Option<f32> {
    std::str::from_utf8(s).ok()?.parse::<f32>().ok()
}

/// Parses the number `what` (as "weight" or "value") into an `f32`; the error
/// says whether the text is not a number or a finite number beyond `f32`'s
/// range (which would otherwise become infinity).
pub(crate) fn parse_f32_field(s: &[u8], what: &str) -> std::result::Result<f32, String> {
    match parse_f32(s) {
        Some(v) if v.is_infinite() && !s.iter().any(|b| b.eq_ignore_ascii_case(&b'i')) => {
            Err(format!(
                "{what} \"{}\" is beyond single precision (at most {:e} in magnitude)",
                excerpt(s),
                f32::MAX
            ))
        }
        Some(v) => Ok(v),
        None => Err(format!("{what} \"{}\" is not a number", excerpt(s))),
    }
}

/// Appends the decimal form of `v`.
#[inline]
pub(crate) fn push_i64(buf: &mut Vec<u8>, v: i64) {
    push_u64_signed(buf, v < 0, v.unsigned_abs());
}

/// Appends the decimal form of `v`.
#[inline]
pub(crate) fn push_u64(buf: &mut Vec<u8>, v: u64) {
    push_u64_signed(buf, false, v);
}

#[inline]
fn push_u64_signed(buf: &mut Vec<u8>, neg: bool, mut u: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if neg {
        buf.push(b'-');
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `v` in Rust's shortest round-trip notation.
#[inline]
pub(crate) fn push_f32(buf: &mut Vec<u8>, v: f32) {
    // Writing to a Vec cannot fail.
    let _ = write!(buf, "{v}");
}

// ---------------------------------------------------------------------------
// Field splitting.
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    Whitespace,
    Byte(u8),
}

/// One field: its bytes (inside quotes, if quoted), and whether it holds `""`
/// escapes to turn into `"`.
#[derive(Clone, Copy, Debug)]
struct Field<'a> {
    raw: &'a [u8],
    escaped: bool,
}

impl Field<'_> {
    fn text(&self) -> String {
        let s = String::from_utf8_lossy(self.raw);
        if self.escaped {
            s.replace("\"\"", "\"")
        } else {
            s.into_owned()
        }
    }
}

/// Splits `line` into at most `max` fields, appended to `out` (cleared first).
#[inline]
fn split_fields<'a>(line: &'a [u8], sep: Sep, max: usize, out: &mut Vec<Field<'a>>) {
    out.clear();
    let n = line.len();
    let mut i = 0;
    match sep {
        Sep::Whitespace => loop {
            while i < n && (line[i] == b' ' || line[i] == b'\t') {
                i += 1;
            }
            if i == n {
                return;
            }
            let start = i;
            while i < n && line[i] != b' ' && line[i] != b'\t' {
                i += 1;
            }
            out.push(Field {
                raw: &line[start..i],
                escaped: false,
            });
            if out.len() == max {
                return;
            }
        },
        Sep::Byte(d) => {
            let blank = |b: u8| b == b' ' || (b == b'\t' && d != b'\t');
            loop {
                while i < n && line[i] != d && blank(line[i]) {
                    i += 1;
                }
                let field = if i < n && line[i] == b'"' {
                    let start = i + 1;
                    let mut j = start;
                    let mut escaped = false;
                    while j < n {
                        if line[j] == b'"' {
                            if j + 1 < n && line[j + 1] == b'"' {
                                escaped = true;
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        j += 1;
                    }
                    let raw = &line[start..j.min(n)];
                    // Skip the closing quote and anything up to the delimiter.
                    i = j;
                    while i < n && line[i] != d {
                        i += 1;
                    }
                    Field { raw, escaped }
                } else {
                    let start = i;
                    while i < n && line[i] != d {
                        i += 1;
                    }
                    let mut end = i;
                    while end > start && blank(line[end - 1]) {
                        end -= 1;
                    }
                    Field {
                        raw: &line[start..end],
                        escaped: false,
                    }
                };
                out.push(field);
                if out.len() == max || i >= n {
                    return;
                }
                i += 1; // the delimiter
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Reading.
// ---------------------------------------------------------------------------

/// Resolved reading plan.
#[derive(Clone, Copy, Debug)]
struct Spec {
    sep: Sep,
    src: usize,
    dst: usize,
    weight: Option<usize>,
    /// Fields needed per line.
    need: usize,
}

/// How a chunk parses its ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Integers; a non-integer id is an error.
    StrictInt,
    /// Integers; a non-integer id aborts with [`ChunkErr::NotInt`].
    TryInt,
    /// Strings.
    Str,
}

enum ChunkIds {
    Int(Vec<i64>),
    Str(StrColumn),
}

struct ChunkOut {
    src: ChunkIds,
    dst: ChunkIds,
    weight: Vec<f32>,
}

enum ChunkErr {
    /// A non-integer id was met in [`Mode::TryInt`].
    NotInt,
    /// A data error at the chunk's 0-based line `line`.
    Bad { line: usize, msg: String },
}

impl ChunkIds {
    #[inline]
    fn push(
        &mut self,
        f: Field<'_>,
        mode: Mode,
        which: &str,
        line: &[u8],
    ) -> std::result::Result<(), String> {
        if f.raw.is_empty() {
            return Err(format!("empty {which} id in \"{}\"", excerpt(line)));
        }
        match self {
            ChunkIds::Int(v) => match parse_i64(f.raw) {
                Some(x) => {
                    v.push(x);
                    Ok(())
                }
                None if mode == Mode::StrictInt => Err(format!(
                    "{which} id \"{}\" is not an integer",
                    excerpt(f.raw)
                )),
                None => Err(String::new()), // NotInt marker, see parse_chunk
            },
            ChunkIds::Str(c) => {
                // The chunk was validated as UTF-8 and fields are cut at ASCII bytes.
                let s = std::str::from_utf8(f.raw).map_err(|_| "invalid UTF-8".to_string())?;
                if f.escaped {
                    c.push(&s.replace("\"\"", "\""));
                } else {
                    c.push(s);
                }
                Ok(())
            }
        }
    }
}

/// Parses the edges of `chunk` (whole lines, no header).
fn parse_chunk(chunk: &[u8], spec: &Spec, mode: Mode) -> std::result::Result<ChunkOut, ChunkErr> {
    // Validate UTF-8 up front; on failure, parse the lines before the bad one so
    // that an earlier error wins (keeps errors independent of chunking).
    if let Err(e) = std::str::from_utf8(chunk) {
        let off = e.valid_up_to();
        let line_start = chunk[..off]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        parse_lines(&chunk[..line_start], spec, mode)?;
        return Err(ChunkErr::Bad {
            line: count_newlines(&chunk[..line_start]),
            msg: "invalid UTF-8".into(),
        });
    }
    parse_lines(chunk, spec, mode)
}

fn parse_lines(chunk: &[u8], spec: &Spec, mode: Mode) -> std::result::Result<ChunkOut, ChunkErr> {
    let est = chunk.len() / 12 + 1;
    let new_ids = || match mode {
        Mode::Str => ChunkIds::Str(StrColumn::new()),
        _ => ChunkIds::Int(Vec::with_capacity(est)),
    };
    let mut out = ChunkOut {
        src: new_ids(),
        dst: new_ids(),
        weight: Vec::with_capacity(if spec.weight.is_some() { est } else { 0 }),
    };
    let mut fields: Vec<Field<'_>> = Vec::with_capacity(spec.need);
    let fail = |line: usize, msg: String| {
        if msg.is_empty() {
            ChunkErr::NotInt
        } else {
            ChunkErr::Bad { line, msg }
        }
    };
    for (ln, line) in Lines::new(chunk).enumerate() {
        if is_skipped(line) {
            continue;
        }
        split_fields(line, spec.sep, spec.need, &mut fields);
        if fields.len() < spec.need {
            return Err(ChunkErr::Bad {
                line: ln,
                msg: format!(
                    "expected at least {} fields, found {}: \"{}\"",
                    spec.need,
                    fields.len(),
                    excerpt(line)
                ),
            });
        }
        out.src
            .push(fields[spec.src], mode, "source", line)
            .map_err(|m| fail(ln, m))?;
        out.dst
            .push(fields[spec.dst], mode, "target", line)
            .map_err(|m| fail(ln, m))?;
        if let Some(wi) = spec.weight {
            let f = fields[wi];
            match parse_f32_field(f.raw, "weight") {
                Ok(w) => out.weight.push(w),
                Err(msg) => return Err(ChunkErr::Bad { line: ln, msg }),
            }
        }
    }
    Ok(out)
}

/// The header fields of `line`, as text.
fn header_names(line: &[u8], sep: Sep) -> Vec<String> {
    let mut fields = Vec::new();
    split_fields(line, sep, usize::MAX, &mut fields);
    fields.iter().map(Field::text).collect()
}

/// Whether the src and dst fields of `line` both satisfy `is_id`.
fn ids_are(line: &[u8], sep: Sep, src: usize, dst: usize, is_id: impl Fn(&[u8]) -> bool) -> bool {
    let mut fields = Vec::new();
    split_fields(line, sep, src.max(dst) + 1, &mut fields);
    fields.len() > src.max(dst) && is_id(fields[src].raw) && is_id(fields[dst].raw)
}

/// Whether the src and dst fields of `line` are both integers.
fn ids_are_ints(line: &[u8], sep: Sep, src: usize, dst: usize) -> bool {
    ids_are(line, sep, src, dst, |raw| parse_i64(raw).is_some())
}

/// Whether the src and dst fields of `line` are both numbers (integer or not): a
/// header names its columns, so a first line `1 2.5` is data, not a header.
fn ids_are_numbers(line: &[u8], sep: Sep, src: usize, dst: usize) -> bool {
    ids_are(line, sep, src, dst, is_number)
}

/// Whether every field of `line` is a number.
fn all_numbers(line: &[u8], sep: Sep) -> bool {
    let mut fields = Vec::new();
    split_fields(line, sep, usize::MAX, &mut fields);
    fields.iter().all(|f| is_number(f.raw))
}

fn is_number(raw: &[u8]) -> bool {
    std::str::from_utf8(raw).is_ok_and(|t| t.trim().parse::<f64>().is_ok())
}

/// Whether the src and dst fields of `line` read `src` and `dst`.
fn is_own_header(line: &[u8], sep: Sep, src: usize, dst: usize) -> bool {
    let mut fields = Vec::new();
    split_fields(line, sep, src.max(dst) + 1, &mut fields);
    fields.len() > src.max(dst) && fields[src].raw == b"src" && fields[dst].raw == b"dst"
}

/// Reads a text edge list (see the [module documentation](self) for the format).
///
/// Errors are [`IoError::bad_input`] naming the file and, for data errors, the
/// 1-based line number and the offending text: a missing file, a line with too few
/// fields, an id that is not an integer with [`IdKind::Int`], an empty id, a weight
/// that is not a number, a column name absent from the header, invalid UTF-8.
pub fn read_text_edges(path: &Path, opts: &TextOptions) -> Result<EdgeTable> {
    let data = read_input(path)?;
    read_text_bytes(path, &data, opts, chunk_target(data.len()))
}

/// Whether the first line that is neither blank nor a comment holds no comma (a
/// `.csv` file that is really space- or tab-separated).
fn first_content_line_lacks_comma(data: &[u8]) -> bool {
    data.split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .find(|l| !l.is_empty() && !l.starts_with(b"#") && !l.starts_with(b"%"))
        .is_some_and(|l| !l.contains(&b','))
}

/// [`read_text_edges`] on bytes already in memory, with chunks of about `target`
/// bytes (the result does not depend on `target`).
fn read_text_bytes(
    path: &Path,
    data: &[u8],
    opts: &TextOptions,
    target: usize,
) -> Result<EdgeTable> {
    let bad = |line: usize, msg: String| IoError::bad_input(path, format!("line {line}: {msg}"));
    let sep = match opts.delimiter {
        Delimiter::Whitespace => Sep::Whitespace,
        Delimiter::Tab => Sep::Byte(b'\t'),
        Delimiter::Comma => Sep::Byte(b','),
        Delimiter::Auto if is_csv_path(path) && !first_content_line_lacks_comma(data) => {
            Sep::Byte(b',')
        }
        Delimiter::Auto => Sep::Whitespace,
    };
    let bom = if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };

    // The first two content lines: (0-based line number, line, offset after it).
    let mut content: Vec<(usize, &[u8], usize)> = Vec::with_capacity(2);
    let mut lines = Lines::new(&data[bom..]);
    let mut ln = 0;
    while content.len() < 2 {
        let Some(line) = lines.next() else { break };
        if !is_skipped(line) {
            content.push((ln, line, bom + lines.pos()));
        }
        ln += 1;
    }

    let refs: Vec<&ColumnRef> = [Some(&opts.src), Some(&opts.dst), opts.weight.as_ref()]
        .into_iter()
        .flatten()
        .collect();
    let named = refs.iter().any(|r| matches!(r, ColumnRef::Name(_)));
    if named && opts.header == Header::No {
        let name = refs
            .iter()
            .find_map(|r| match r {
                ColumnRef::Name(n) => Some(n.as_str()),
                ColumnRef::Index(_) => None,
            })
            .unwrap_or_default();
        return Err(IoError::bad_input(
            path,
            format!("column '{name}' is given by name but the header is disabled"),
        ));
    }

    let empty = |ids: IdKind, weighted: bool| EdgeTable {
        src: empty_ids(ids),
        dst: empty_ids(ids),
        weight: weighted.then(Vec::new),
    };
    let Some(&(first_ln, first, after_first)) = content.first() else {
        return Ok(empty(opts.ids, opts.weight.is_some()));
    };

    let has_header = match opts.header {
        Header::Yes => true,
        Header::No => false,
        Header::Auto if named => {
            if all_numbers(first, sep) {
                return Err(bad(
                    first_ln + 1,
                    "columns are named but the file has no header line (its first line \
                     holds only numbers); without one, columns go by position"
                        .into(),
                ));
            }
            true
        }
        Header::Auto => {
            let (s, d) = match (&opts.src, &opts.dst) {
                (ColumnRef::Index(s), ColumnRef::Index(d)) => (*s, *d),
                _ => unreachable!("positional columns"),
            };
            is_own_header(first, sep, s, d)
                || (!ids_are_numbers(first, sep, s, d)
                    && content
                        .get(1)
                        .is_some_and(|&(_, second, _)| ids_are_ints(second, sep, s, d)))
        }
    };

    let (start, header) = if has_header {
        if std::str::from_utf8(first).is_err() {
            return Err(bad(first_ln + 1, "invalid UTF-8".into()));
        }
        (after_first, Some(header_names(first, sep)))
    } else {
        (bom, None)
    };
    let resolve = |r: &ColumnRef| -> Result<usize> {
        match r {
            ColumnRef::Index(i) => Ok(*i),
            ColumnRef::Name(n) => {
                let names = header.as_ref().expect("named columns imply a header");
                names.iter().position(|h| h == n).ok_or_else(|| {
                    IoError::bad_input(
                        path,
                        format!("column '{n}' not found in header: {}", names.join(", ")),
                    )
                })
            }
        }
    };
    let src = resolve(&opts.src)?;
    let dst = resolve(&opts.dst)?;
    let weight = opts.weight.as_ref().map(resolve).transpose()?;
    let need = src.max(dst).max(weight.unwrap_or(0)) + 1;
    let spec = Spec {
        sep,
        src,
        dst,
        weight,
        need,
    };

    let chunks = line_chunks(data, start, target);
    if chunks.is_empty() {
        return Ok(empty(opts.ids, weight.is_some()));
    }
    let first_mode = match opts.ids {
        IdKind::Auto => Mode::TryInt,
        IdKind::Int => Mode::StrictInt,
        IdKind::Str => Mode::Str,
    };
    let mut results: Vec<std::result::Result<ChunkOut, ChunkErr>> = chunks
        .par_iter()
        .map(|r| parse_chunk(&data[r.clone()], &spec, first_mode))
        .collect();
    if results.iter().any(|r| matches!(r, Err(ChunkErr::NotInt))) {
        // Some id is not an integer: every chunk is read again as strings (a chunk
        // that failed on a data error keeps it: the same line fails as strings).
        results = results
            .into_par_iter()
            .zip(chunks.par_iter())
            .map(|(r, range)| match r {
                Err(ChunkErr::Bad { line, msg }) => Err(ChunkErr::Bad { line, msg }),
                _ => parse_chunk(&data[range.clone()], &spec, Mode::Str),
            })
            .collect();
    }
    if let Some((k, line, msg)) = results.iter().enumerate().find_map(|(k, r)| match r {
        Err(ChunkErr::Bad { line, msg }) => Some((k, *line, msg.clone())),
        _ => None,
    }) {
        let before = count_newlines(&data[..chunks[k].start]);
        return Err(bad(before + line + 1, msg));
    }
    let outs: Vec<ChunkOut> = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|_| unreachable!("errors handled above")))
        .collect();

    let mut src_parts = Vec::with_capacity(outs.len());
    let mut dst_parts = Vec::with_capacity(outs.len());
    let mut weights = Vec::with_capacity(outs.len());
    for o in outs {
        src_parts.push(o.src);
        dst_parts.push(o.dst);
        weights.push(o.weight);
    }
    let (src_col, dst_col) = rayon::join(|| concat_ids(src_parts), || concat_ids(dst_parts));
    let weight = spec.weight.map(|_| {
        let slices: Vec<&[f32]> = weights.iter().map(|w| &w[..]).collect();
        par_concat(&slices)
    });
    Ok(EdgeTable {
        src: src_col,
        dst: dst_col,
        weight,
    })
}

fn empty_ids(kind: IdKind) -> IdColumn {
    match kind {
        IdKind::Str => IdColumn::Str(StrColumn::new()),
        _ => IdColumn::Int(Vec::new()),
    }
}

/// Concatenates chunk columns (all of one kind) in order.
fn concat_ids(parts: Vec<ChunkIds>) -> IdColumn {
    if parts.iter().all(|p| matches!(p, ChunkIds::Int(_))) {
        let slices: Vec<&[i64]> = parts
            .iter()
            .map(|p| match p {
                ChunkIds::Int(v) => &v[..],
                ChunkIds::Str(_) => &[][..],
            })
            .collect();
        IdColumn::Int(par_concat(&slices))
    } else {
        let mut parts = parts.into_iter();
        let mut out = match parts.next() {
            Some(ChunkIds::Str(c)) => c,
            _ => StrColumn::new(),
        };
        for p in parts {
            if let ChunkIds::Str(c) = p {
                for s in c.iter() {
                    out.push(s);
                }
            }
        }
        IdColumn::Str(out)
    }
}

// ---------------------------------------------------------------------------
// Writing.
// ---------------------------------------------------------------------------

/// Edges formatted per parallel task.
const WRITE_BLOCK: usize = 1 << 16;

/// Checks that a string id survives a round trip through a text file.
fn check_str_id(path: &Path, s: &str, delim: u8, is_src: bool, edge: usize) -> Result<()> {
    let problem = if s.is_empty() {
        Some("is empty".to_string())
    } else if s.chars().any(char::is_whitespace) {
        Some("contains whitespace".to_string())
    } else if s.as_bytes().contains(&delim) {
        Some(format!("contains the delimiter {:?}", delim as char))
    } else if s.starts_with('"') {
        Some("starts with a double quote".to_string())
    } else if is_src && (s.starts_with('#') || s.starts_with('%')) {
        Some("starts with a comment character".to_string())
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(IoError::bad_input(
            path,
            format!(
                "cannot write string id {s:?} (edge {edge}) to a text edge list: it {p}; \
                 use Parquet for such ids"
            ),
        )),
    }
}

#[inline]
fn push_id(
    buf: &mut Vec<u8>,
    path: &Path,
    ids: &IdColumn,
    k: usize,
    delim: u8,
    is_src: bool,
) -> Result<()> {
    match ids {
        IdColumn::Int(v) => push_i64(buf, v[k]),
        IdColumn::Str(c) => {
            let s = c.get(k);
            check_str_id(path, s, delim, is_src, k)?;
            buf.extend_from_slice(s.as_bytes());
        }
    }
    Ok(())
}

/// Writes `edges` as a text edge list: one `src<delim>dst[<delim>weight]` line per
/// edge, after a header line if `opts.header` is set. Integer ids are written in
/// decimal, string ids verbatim, weights in shortest round-trip notation. The
/// output is gzip-compressed when `path` ends with `.gz`; the write is atomic.
///
/// Fails (without touching `path`) on a string id that could not be read back: an
/// empty one, one holding whitespace or the delimiter, starting with `"`, or a
/// source id starting with `#` or `%`. Note that string ids that look like integers
/// are read back as integers unless the reader asks for [`IdKind::Str`].
pub fn write_text_edges(path: &Path, edges: &EdgeTable, opts: &TextWriteOptions) -> Result<()> {
    let n = edges.src.len();
    if edges.dst.len() != n || edges.weight.as_ref().is_some_and(|w| w.len() != n) {
        return Err(IoError::internal(
            path,
            format!(
                "edge table columns differ in length: {} sources, {} targets, {} weights",
                n,
                edges.dst.len(),
                edges.weight.as_ref().map_or(n, Vec::len)
            ),
        ));
    }
    let d = opts.delimiter;
    if !d.is_ascii()
        || matches!(d, b'\n' | b'\r' | b'"' | b'#' | b'%' | b'-' | b'+' | b'.')
        || d.is_ascii_alphanumeric()
    {
        return Err(IoError::bad_input(
            path,
            format!("invalid text delimiter {:?}", d as char),
        ));
    }
    let header = match &opts.header {
        None => None,
        Some(names) => {
            let count = if edges.weight.is_some() { 3 } else { 2 };
            let mut line = Vec::new();
            for (i, name) in names[..count].iter().enumerate() {
                if name.is_empty()
                    || name.chars().any(char::is_whitespace)
                    || name.as_bytes().contains(&d)
                    || name.starts_with(['"', '#', '%'])
                {
                    return Err(IoError::bad_input(
                        path,
                        format!("invalid column name {name:?} for a text header"),
                    ));
                }
                if i > 0 {
                    line.push(d);
                }
                line.extend_from_slice(name.as_bytes());
            }
            line.push(b'\n');
            Some(line)
        }
    };

    let blocks: Vec<Range<usize>> = (0..n)
        .step_by(WRITE_BLOCK)
        .map(|s| s..(s + WRITE_BLOCK).min(n))
        .collect();
    let batch = rayon::current_num_threads().max(1) * 4;
    let format_block = |r: &Range<usize>| -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(r.len() * 24);
        for k in r.clone() {
            push_id(&mut buf, path, &edges.src, k, d, true)?;
            buf.push(d);
            push_id(&mut buf, path, &edges.dst, k, d, false)?;
            if let Some(w) = &edges.weight {
                buf.push(d);
                push_f32(&mut buf, w[k]);
            }
            buf.push(b'\n');
        }
        Ok(buf)
    };

    write_output(path, |w| {
        if let Some(h) = &header {
            w.write_all(h).map_err(|e| IoError::write(path, e))?;
        }
        for group in blocks.chunks(batch) {
            let bufs: Vec<Result<Vec<u8>>> = group.par_iter().map(format_block).collect();
            for b in bufs {
                w.write_all(&b?).map_err(|e| IoError::write(path, e))?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[i64]) -> IdColumn {
        IdColumn::Int(v.to_vec())
    }

    #[test]
    fn space_separated_csv_is_read_as_whitespace() {
        let opts = TextOptions::default();
        let p = Path::new("edges.csv");
        let t = read_text_bytes(p, b"# c\n1 176\n1 233\n", &opts, 1 << 20).unwrap();
        assert_eq!(t.src, ints(&[1, 1]));
        assert_eq!(t.dst, ints(&[176, 233]));
        let t = read_text_bytes(p, b"1,2\n3,4\n", &opts, 1 << 20).unwrap();
        assert_eq!(t.dst, ints(&[2, 4]));
    }

    #[test]
    fn parse_i64_edges() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-17"), Some(-17));
        assert_eq!(parse_i64(b"+5"), Some(5));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"99999999999999999999999"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-"), None);
        assert_eq!(parse_i64(b"1.0"), None);
        assert_eq!(parse_i64(b"a1"), None);
    }

    #[test]
    fn push_i64_matches_display() {
        for v in [0, 1, -1, 42, -907, i64::MAX, i64::MIN, 1_000_000_007] {
            let mut b = Vec::new();
            push_i64(&mut b, v);
            assert_eq!(String::from_utf8(b).unwrap(), v.to_string());
        }
    }

    #[test]
    fn find_newline_agrees_with_position() {
        let data = b"abcdefghijklmnop\nqrstuvwxyz0123456789\n\n12\n";
        for s in 0..data.len() {
            assert_eq!(
                find_newline(&data[s..]),
                data[s..].iter().position(|&b| b == b'\n'),
                "start {s}"
            );
        }
    }

    #[test]
    fn split_csv_quotes_and_blanks() {
        let mut f = Vec::new();
        split_fields(
            b" a , \"b,c\" ,\"d\"\"e\",",
            Sep::Byte(b','),
            usize::MAX,
            &mut f,
        );
        let texts: Vec<String> = f.iter().map(Field::text).collect();
        assert_eq!(texts, ["a", "b,c", "d\"e", ""]);
        split_fields(b"  1 \t 2   3 ", Sep::Whitespace, usize::MAX, &mut f);
        let texts: Vec<String> = f.iter().map(Field::text).collect();
        assert_eq!(texts, ["1", "2", "3"]);
        split_fields(b"1\t\t2", Sep::Byte(b'\t'), usize::MAX, &mut f);
        assert_eq!(f.len(), 3);
        assert!(f[1].raw.is_empty());
    }

    #[test]
    fn line_chunks_cover_and_align() {
        let data = b"1 2\n3 4\n\n# c\n5 6\n7 8";
        for target in 1..data.len() + 2 {
            let chunks = line_chunks(data, 0, target);
            assert_eq!(chunks.first().unwrap().start, 0);
            assert_eq!(chunks.last().unwrap().end, data.len());
            for w in chunks.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                assert_eq!(data[w[0].end - 1], b'\n');
            }
        }
    }

    #[test]
    fn result_and_errors_do_not_depend_on_chunk_size() {
        let p = Path::new("g.txt");
        let data = b"# c\n1 2 0.5\n3 4 1.5\r\n\n% x\n5 6 2\n7 8 3\n";
        let opts = TextOptions {
            weight: Some(ColumnRef::Index(2)),
            ..TextOptions::default()
        };
        let whole = read_text_bytes(p, data, &opts, 1 << 20).unwrap();
        assert_eq!(whole.src, ints(&[1, 3, 5, 7]));
        assert_eq!(whole.weight, Some(vec![0.5, 1.5, 2.0, 3.0]));
        for target in 1..data.len() {
            assert_eq!(read_text_bytes(p, data, &opts, target).unwrap(), whole);
        }
        // Strings appear only in a late chunk: every chunk must switch to strings.
        let data = b"1 2\n3 4\n5 6\nx 8\n";
        let whole = read_text_bytes(p, data, &TextOptions::default(), 1 << 20).unwrap();
        assert!(matches!(whole.src, IdColumn::Str(_)));
        for target in 1..data.len() {
            assert_eq!(
                read_text_bytes(p, data, &TextOptions::default(), target).unwrap(),
                whole
            );
        }
        // The first error in file order wins, whatever the chunking.
        let data = b"1 2 1\nx 2 1\n3 4 bad\n5\n\xff\xfe 1 1\n";
        for target in 1..data.len() + 1 {
            let e = read_text_bytes(p, data, &opts, target).unwrap_err();
            assert!(
                e.message.contains("line 3: weight \"bad\""),
                "{target}: {}",
                e.message
            );
        }
        let data = b"1 2 1\n2 3 1\n\xff\xfe 1 1\n3 4 bad\n";
        for target in 1..data.len() + 1 {
            let e = read_text_bytes(p, data, &opts, target).unwrap_err();
            assert!(
                e.message.contains("line 3: invalid UTF-8"),
                "{target}: {}",
                e.message
            );
        }
    }

    #[test]
    fn parallel_and_single_thread_agree() {
        use std::fmt::Write as _;
        let mut text = String::from("# generated\n");
        let mut x: u64 = 12345;
        for k in 0..200_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let w = (x >> 40) as f32 / 1024.0;
            if k % 1000 == 0 {
                text.push_str("% comment\r\n\n");
            }
            writeln!(text, "{}\t{} {w}", (x >> 33) % 100_000, (x >> 13) % 100_000).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        std::fs::write(&path, &text).unwrap();
        let opts = TextOptions {
            weight: Some(ColumnRef::Index(2)),
            ..TextOptions::default()
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| read_text_edges(&path, &opts).unwrap())
        };
        let one = run(1);
        let three = run(3);
        assert_eq!(one.len(), 200_000);
        assert_eq!(one, three);
        // Small chunks too, so that many chunks are really parsed separately.
        let data = std::fs::read(&path).unwrap();
        assert_eq!(read_text_bytes(&path, &data, &opts, 4096).unwrap(), one);
    }
}
