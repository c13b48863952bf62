//! The small subset of YAML that GraphAr information files use, read and written
//! without a YAML crate.
//!
//! Reading supports: block mappings (`key: value`), block sequences (`- item`,
//! indented under their key or at the key's own indentation), mappings inside
//! sequence items (`- name: id` followed by more keys aligned with `name`), plain,
//! single-quoted and double-quoted scalars (keys too), comments (`# ...`), empty or
//! one-line flow sequences of scalars (`[a, b]`, `[]`), the empty flow mapping
//! `{}`, a leading `---` and a trailing `...`. Duplicate keys: the last one wins (as
//! in PyYAML and SnakeYAML). Anything else (block scalars `|` `>`, anchors, aliases,
//! tags, multi-line plain scalars, nested flow collections, tabs in indentation) is
//! rejected with an error naming the file and line, never a panic.
//!
//! Writing produces the layout of the reference implementation's files: two spaces
//! per level, sequence items indented under their key, and strings quoted only when
//! a plain scalar would be read back as something else.

use crate::error::{IoError, Result};
use std::path::{Path, PathBuf};

/// Deepest nesting accepted, so that a hostile file cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A parsed YAML value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// An empty value (`key:` with nothing under it, `~`, `null`).
    Null,
    /// A scalar, with whether it was quoted (a quoted scalar is always a string).
    Str { text: String, quoted: bool },
    /// A sequence.
    List(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(String, Node)>),
}

/// A value with the (1-based) line where it starts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub line: usize,
    pub value: Value,
}

impl Node {
    /// The entry `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The first present entry among `keys` (for renamed keys), with its name.
    pub fn get_any<'a>(&'a self, keys: &[&'a str]) -> Option<(&'a str, &'a Node)> {
        keys.iter().find_map(|k| self.get(k).map(|n| (*k, n)))
    }

    fn is_null(&self) -> bool {
        match &self.value {
            Value::Null => true,
            Value::Str {
                text,
                quoted: false,
            } => matches!(text.as_str(), "~" | "null" | "Null" | "NULL"),
            _ => false,
        }
    }
}

/// A parsed file: the root node and the file's path for error messages.
pub(crate) struct Doc {
    pub path: PathBuf,
    pub root: Node,
}

impl Doc {
    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<Doc> {
        if path.is_dir() {
            return Err(IoError::bad_input(
                path,
                "is a folder, expected a YAML file",
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| IoError::open(path, e))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| IoError::bad_input(path, format!("not UTF-8 text: {e}")))?;
        Doc::parse(path, &text)
    }

    /// Parses `text` (read from `path`).
    pub fn parse(path: &Path, text: &str) -> Result<Doc> {
        let root = parse(path, text)?;
        Ok(Doc {
            path: path.to_path_buf(),
            root,
        })
    }

    /// An error about this file.
    pub fn error(&self, line: usize, message: impl std::fmt::Display) -> IoError {
        if line == 0 {
            IoError::bad_input(&self.path, message.to_string())
        } else {
            IoError::bad_input(&self.path, format!("line {line}: {message}"))
        }
    }

    fn where_(map: &Node, what: &str) -> String {
        if what.is_empty() {
            String::new()
        } else {
            format!(" in {what} at line {}", map.line)
        }
    }

    /// The required entry `key` of `map` (`what` names the mapping in errors, "" for
    /// the top level).
    pub fn req<'a>(&self, map: &'a Node, key: &'a str, what: &str) -> Result<&'a Node> {
        self.req_any(map, &[key], what).map(|(_, n)| n)
    }

    /// The first present entry among `keys` (old and new names of one key).
    pub fn req_any<'a>(
        &self,
        map: &'a Node,
        keys: &[&'a str],
        what: &str,
    ) -> Result<(&'a str, &'a Node)> {
        if !matches!(map.value, Value::Map(_)) {
            return Err(self.error(
                map.line,
                format!("expected a mapping{}", Doc::where_(map, what)),
            ));
        }
        match map.get_any(keys) {
            Some((k, n)) if !n.is_null() => Ok((k, n)),
            Some((k, n)) => Err(self.error(n.line, format!("key '{k}' has no value"))),
            None => {
                let names: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
                let desc = if names.len() == 1 {
                    names[0].clone()
                } else {
                    format!("{} (or {})", names[0], names[1..].join(", "))
                };
                Err(self.error(0, format!("missing key {desc}{}", Doc::where_(map, what))))
            }
        }
    }

    /// The optional entry `key` of `map` (absent or empty gives `None`).
    pub fn opt<'a>(&self, map: &'a Node, key: &str) -> Option<&'a Node> {
        map.get(key).filter(|n| !n.is_null())
    }

    /// `node` as a string scalar.
    pub fn str<'a>(&self, node: &'a Node, key: &str) -> Result<&'a str> {
        match &node.value {
            Value::Str { text, .. } => Ok(text),
            _ => Err(self.error(
                node.line,
                format!("'{key}' must be a single value, not a list or mapping"),
            )),
        }
    }

    /// `node` as an integer.
    pub fn int(&self, node: &Node, key: &str) -> Result<i64> {
        match &node.value {
            Value::Str { text, .. } => text
                .trim()
                .trim_start_matches('+')
                .replace('_', "")
                .parse::<i64>()
                .map_err(|_| {
                    self.error(
                        node.line,
                        format!("'{key}' must be an integer, found '{text}'"),
                    )
                }),
            _ => Err(self.error(node.line, format!("'{key}' must be an integer"))),
        }
    }

    /// `node` as a boolean (`true`/`false`, `yes`/`no`, any case).
    pub fn bool(&self, node: &Node, key: &str) -> Result<bool> {
        if let Value::Str { text, .. } = &node.value {
            match text.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => return Ok(true),
                "false" | "no" | "off" => return Ok(false),
                _ => {}
            }
            return Err(self.error(
                node.line,
                format!("'{key}' must be true or false, found '{text}'"),
            ));
        }
        Err(self.error(node.line, format!("'{key}' must be true or false")))
    }

    /// `node` as a sequence (an empty value is an empty sequence).
    pub fn list<'a>(&self, node: &'a Node, key: &str) -> Result<&'a [Node]> {
        match &node.value {
            Value::List(items) => Ok(items),
            Value::Null => Ok(&[]),
            _ => Err(self.error(node.line, format!("'{key}' must be a list"))),
        }
    }
}

// ---------------------------------------------------------------------------------
// Reader

struct Line {
    no: usize,
    indent: usize,
    text: String,
}

struct Parser<'a> {
    path: &'a Path,
    lines: Vec<Line>,
    pos: usize,
}

fn parse(path: &Path, text: &str) -> Result<Node> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Vec::new();
    let mut seen_content = false;
    for (i, raw) in text.split('\n').enumerate() {
        let no = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim_start_matches(' ');
        let indent = raw.len() - trimmed.len();
        if trimmed.starts_with('\t')
            && !trimmed.trim().is_empty()
            && !trimmed.trim_start().starts_with('#')
        {
            return Err(IoError::bad_input(
                path,
                format!("line {no}: tab in indentation (YAML indents with spaces)"),
            ));
        }
        let content = trimmed.trim_end();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if indent == 0 && (content == "---" || content.starts_with("--- ")) {
            if seen_content {
                return Err(IoError::bad_input(
                    path,
                    format!("line {no}: several YAML documents in one file"),
                ));
            }
            let rest = content[3..].trim();
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            return Err(IoError::bad_input(
                path,
                format!("line {no}: content after '---' is not supported"),
            ));
        }
        if indent == 0 && content == "..." {
            break;
        }
        seen_content = true;
        lines.push(Line {
            no,
            indent,
            text: content.to_string(),
        });
    }
    let mut p = Parser {
        path,
        lines,
        pos: 0,
    };
    if p.lines.is_empty() {
        return Ok(Node {
            line: 1,
            value: Value::Null,
        });
    }
    let first_indent = p.lines[0].indent;
    let root = p.block(first_indent, 0)?;
    if p.pos < p.lines.len() {
        let l = &p.lines[p.pos];
        return Err(p.err(l.no, "unexpected indentation"));
    }
    Ok(root)
}

fn is_seq_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

impl Parser<'_> {
    fn err(&self, line: usize, msg: impl std::fmt::Display) -> IoError {
        IoError::bad_input(self.path, format!("line {line}: {msg}"))
    }

    /// The block (mapping, sequence or lone scalar) starting at the current line,
    /// whose indentation is `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Result<Node> {
        let l = &self.lines[self.pos];
        if depth > MAX_DEPTH {
            return Err(self.err(l.no, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        if is_seq_item(&l.text) {
            return self.seq(indent, depth);
        }
        if split_key(&l.text).is_some() {
            return self.map(indent, depth);
        }
        let (no, text) = (l.no, l.text.clone());
        self.pos += 1;
        let value = scalar_value(&text).map_err(|m| self.err(no, m))?;
        Ok(Node { line: no, value })
    }

    fn map(&mut self, indent: usize, depth: usize) -> Result<Node> {
        let start = self.lines[self.pos].no;
        let mut entries: Vec<(String, Node)> = Vec::new();
        while self.pos < self.lines.len() {
            let l = &self.lines[self.pos];
            if l.indent < indent {
                break;
            }
            if l.indent > indent {
                return Err(self.err(l.no, "unexpected indentation"));
            }
            if is_seq_item(&l.text) {
                return Err(self.err(l.no, "expected 'key: value', found a list item"));
            }
            let no = l.no;
            let (key, rest) = match split_key(&l.text) {
                Some(kr) => kr,
                None => {
                    return Err(self.err(no, format!("expected 'key: value', found '{}'", l.text)))
                }
            };
            let key = key.map_err(|m| self.err(no, m))?;
            self.pos += 1;
            let value = scalar_value(&rest).map_err(|m| self.err(no, m))?;
            let node = if value == Value::Null && self.pos < self.lines.len() {
                let next = &self.lines[self.pos];
                if next.indent > indent {
                    let ni = next.indent;
                    self.block(ni, depth + 1)?
                } else if next.indent == indent && is_seq_item(&next.text) {
                    self.seq(indent, depth + 1)?
                } else {
                    Node { line: no, value }
                }
            } else {
                Node { line: no, value }
            };
            if let Some(e) = entries.iter_mut().find(|(k, _)| *k == key) {
                e.1 = node;
            } else {
                entries.push((key, node));
            }
        }
        Ok(Node {
            line: start,
            value: Value::Map(entries),
        })
    }

    fn seq(&mut self, indent: usize, depth: usize) -> Result<Node> {
        let start = self.lines[self.pos].no;
        let mut items = Vec::new();
        while self.pos < self.lines.len() {
            let l = &self.lines[self.pos];
            if l.indent < indent || (l.indent == indent && !is_seq_item(&l.text)) {
                break;
            }
            if l.indent > indent {
                return Err(self.err(l.no, "unexpected indentation"));
            }
            let no = l.no;
            let rest = &l.text[1..];
            let content = rest.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                self.pos += 1;
                if self.pos < self.lines.len() && self.lines[self.pos].indent > indent {
                    let ni = self.lines[self.pos].indent;
                    items.push(self.block(ni, depth + 1)?);
                } else {
                    items.push(Node {
                        line: no,
                        value: Value::Null,
                    });
                }
            } else {
                // Re-read the item's content as a line of its own, indented at the
                // column where it starts: following keys of a mapping item align with it.
                let col = indent + 1 + (rest.len() - content.len());
                let content = content.to_string();
                let line = &mut self.lines[self.pos];
                line.indent = col;
                line.text = content;
                items.push(self.block(col, depth + 1)?);
            }
        }
        Ok(Node {
            line: start,
            value: Value::List(items),
        })
    }
}

/// Splits `key: rest` (the key possibly quoted). `None` if the line is not a
/// mapping entry; `Some((Err, _))` if it is one with a malformed key.
fn split_key(text: &str) -> Option<(std::result::Result<String, String>, String)> {
    let first = text.chars().next()?;
    if first == '"' || first == '\'' {
        let (key, used) = match parse_quoted(text) {
            Ok(kv) => kv,
            Err(_) => return None,
        };
        let after = text[used..].trim_start_matches(' ');
        let rest = after.strip_prefix(':')?;
        if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
            return None;
        }
        return Some((Ok(key), rest.to_string()));
    }
    if matches!(first, '[' | '{' | '#') {
        return None;
    }
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b':' if i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t' => {
                let key = text[..i].trim_end();
                let key = if key.is_empty() {
                    Err("empty key".to_string())
                } else {
                    Ok(key.to_string())
                };
                return Some((key, text[i + 1..].to_string()));
            }
            b'#' if i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') => return None,
            _ => {}
        }
    }
    None
}

/// Parses a quoted scalar at the start of `text`; returns it and the bytes used.
fn parse_quoted(text: &str) -> std::result::Result<(String, usize), String> {
    let mut chars = text.char_indices();
    let (_, q) = chars.next().ok_or("empty scalar")?;
    let mut out = String::new();
    if q == '\'' {
        let mut it = chars.peekable();
        while let Some((i, c)) = it.next() {
            if c == '\'' {
                if let Some((_, '\'')) = it.peek() {
                    it.next();
                    out.push('\'');
                } else {
                    return Ok((out, i + 1));
                }
            } else {
                out.push(c);
            }
        }
        return Err("unterminated single-quoted string".into());
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let (_, e) = chars.next().ok_or("unterminated double-quoted string")?;
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '/' => out.push('/'),
                    ' ' => out.push(' '),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut hex = String::new();
                        for _ in 0..n {
                            let (_, h) = chars.next().ok_or("truncated escape")?;
                            hex.push(h);
                        }
                        let v = u32::from_str_radix(&hex, 16)
                            .map_err(|_| format!("bad escape \\{e}{hex}"))?;
                        out.push(char::from_u32(v).ok_or(format!("bad escape \\{e}{hex}"))?);
                    }
                    other => return Err(format!("unsupported escape '\\{other}'")),
                }
            }
            c => out.push(c),
        }
    }
    Err("unterminated double-quoted string".into())
}

/// Whether `rest` holds nothing but an optional comment.
fn only_comment(rest: &str) -> bool {
    let r = rest.trim();
    r.is_empty() || r.starts_with('#')
}

/// The value written after `key:` or `- ` on one line (empty gives `Null`).
fn scalar_value(text: &str) -> std::result::Result<Value, String> {
    let t = text.trim();
    if t.is_empty() || t.starts_with('#') {
        return Ok(Value::Null);
    }
    match t.as_bytes()[0] {
        b'"' | b'\'' => {
            let (s, used) = parse_quoted(t)?;
            if !only_comment(&t[used..]) {
                return Err(format!(
                    "unexpected text after quoted string: '{}'",
                    t[used..].trim()
                ));
            }
            Ok(Value::Str {
                text: s,
                quoted: true,
            })
        }
        b'[' => flow_seq(t),
        b'{' => {
            let inner = t[1..].trim_start();
            if let Some(rest) = inner.strip_prefix('}') {
                if only_comment(rest) {
                    return Ok(Value::Map(Vec::new()));
                }
            }
            Err("flow mappings ({...}) are not supported, except {}".into())
        }
        b'|' | b'>' => Err("block scalars (| and >) are not supported".into()),
        b'&' | b'*' => Err("anchors and aliases are not supported".into()),
        b'!' => Err("tags are not supported".into()),
        _ => {
            let mut end = t.len();
            let b = t.as_bytes();
            for i in 1..b.len() {
                if b[i] == b'#' && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
                    end = i;
                    break;
                }
            }
            Ok(Value::Str {
                text: t[..end].trim_end().to_string(),
                quoted: false,
            })
        }
    }
}

/// `[a, "b", c]` on one line: a sequence of scalars.
fn flow_seq(t: &str) -> std::result::Result<Value, String> {
    let mut items = Vec::new();
    let mut rest = t[1..].trim_start();
    loop {
        if let Some(r) = rest.strip_prefix(']') {
            if !only_comment(r) {
                return Err(format!("unexpected text after ']': '{}'", r.trim()));
            }
            return Ok(Value::List(items));
        }
        if rest.is_empty() {
            return Err(
                "unterminated flow sequence (a '[' list must end with ']' on the same line)".into(),
            );
        }
        let (item, after) = match rest.as_bytes()[0] {
            b'"' | b'\'' => {
                let (s, used) = parse_quoted(rest)?;
                (
                    Value::Str {
                        text: s,
                        quoted: true,
                    },
                    &rest[used..],
                )
            }
            b'[' | b'{' => return Err("nested flow collections are not supported".into()),
            _ => {
                let end = rest.find([',', ']']).unwrap_or(rest.len());
                let s = rest[..end].trim();
                if s.is_empty() {
                    return Err("empty item in flow sequence".into());
                }
                (
                    Value::Str {
                        text: s.to_string(),
                        quoted: false,
                    },
                    &rest[end..],
                )
            }
        };
        items.push(Node {
            line: 0,
            value: item,
        });
        let after = after.trim_start();
        rest = if let Some(r) = after.strip_prefix(',') {
            r.trim_start()
        } else if after.starts_with(']') {
            after
        } else {
            return Err("expected ',' or ']' in flow sequence".into());
        };
    }
}

// ---------------------------------------------------------------------------------
// Writer

/// A value to write.
pub(crate) enum Out {
    /// A string, quoted if needed.
    Str(String),
    /// A literal written as is (integers, booleans).
    Raw(String),
    /// A sequence.
    List(Vec<Out>),
    /// A mapping in order.
    Map(Vec<(&'static str, Out)>),
}

impl Out {
    /// A string scalar.
    pub fn s(v: impl Into<String>) -> Out {
        Out::Str(v.into())
    }

    /// An integer scalar.
    pub fn int(v: u64) -> Out {
        Out::Raw(v.to_string())
    }

    /// A boolean scalar.
    pub fn bool(v: bool) -> Out {
        Out::Raw(if v { "true" } else { "false" }.into())
    }
}

/// Serializes a top-level mapping.
pub(crate) fn to_string(root: &Out) -> String {
    let mut s = String::new();
    match root {
        Out::Map(entries) => write_map(&mut s, entries, 0, false),
        other => {
            write_scalar(&mut s, other);
            s.push('\n');
        }
    }
    s
}

fn write_scalar(s: &mut String, v: &Out) {
    match v {
        Out::Str(t) => s.push_str(&quote(t)),
        Out::Raw(t) => s.push_str(t),
        Out::List(items) if items.is_empty() => s.push_str("[]"),
        Out::Map(entries) if entries.is_empty() => s.push_str("{}"),
        _ => unreachable!("collections are written as blocks"),
    }
}

fn is_block(v: &Out) -> bool {
    matches!(v, Out::List(i) if !i.is_empty()) || matches!(v, Out::Map(e) if !e.is_empty())
}

/// Writes `entries` at `indent`; if `first_inline`, the first key continues the
/// current line (after `- `).
fn write_map(s: &mut String, entries: &[(&'static str, Out)], indent: usize, first_inline: bool) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if !(first_inline && i == 0) {
            s.push_str(&" ".repeat(indent));
        }
        s.push_str(k);
        s.push(':');
        if is_block(v) {
            s.push('\n');
            write_block(s, v, indent + 2);
        } else {
            s.push(' ');
            write_scalar(s, v);
            s.push('\n');
        }
    }
}

fn write_block(s: &mut String, v: &Out, indent: usize) {
    match v {
        Out::Map(entries) => write_map(s, entries, indent, false),
        Out::List(items) => {
            for item in items {
                s.push_str(&" ".repeat(indent));
                s.push_str("- ");
                match item {
                    Out::Map(entries) if !entries.is_empty() => {
                        write_map(s, entries, indent + 2, true)
                    }
                    Out::List(inner) if !inner.is_empty() => {
                        s.push('\n');
                        write_block(s, item, indent + 2);
                    }
                    other => {
                        write_scalar(s, other);
                        s.push('\n');
                    }
                }
            }
        }
        other => {
            s.push_str(&" ".repeat(indent));
            write_scalar(s, other);
            s.push('\n');
        }
    }
}

/// `t` as a plain scalar if it reads back as the same string, else double-quoted.
pub(crate) fn quote(t: &str) -> String {
    let plain_ok = !t.is_empty()
        && t.trim() == t
        && !t.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        && !t.contains(": ")
        && !t.contains(" #")
        && !t.ends_with(':')
        && !t.chars().any(|c| c.is_control())
        && !matches!(
            t.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        && t.parse::<f64>().is_err()
        && t.parse::<i64>().is_err();
    if plain_ok {
        return t.to_string();
    }
    let mut out = String::with_capacity(t.len() + 2);
    out.push('"');
    for c in t.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Node> {
        parse(Path::new("t.yml"), text)
    }

    fn s(n: &Node) -> &str {
        match &n.value {
            Value::Str { text, .. } => text,
            v => panic!("not a string: {v:?}"),
        }
    }

    #[test]
    fn reference_edge_file() {
        let text = "src_type: person\nedge_type: knows\ndst_type: person\nchunk_size: 1024\n\
                    directed: false\nprefix: edge/person_knows_person/\nadj_lists:\n  - ordered: false\n    \
                    aligned_by: src\n    file_type: parquet\n  - ordered: true\n    aligned_by: src\n    \
                    file_type: parquet\nproperty_groups:\n  - file_type: parquet\n    properties:\n      \
                    - name: creationDate\n        data_type: string\n        is_primary: false\nversion: gar/v1\n";
        let n = p(text).unwrap();
        assert_eq!(s(n.get("src_type").unwrap()), "person");
        assert_eq!(s(n.get("prefix").unwrap()), "edge/person_knows_person/");
        let Value::List(adj) = &n.get("adj_lists").unwrap().value else {
            panic!()
        };
        assert_eq!(adj.len(), 2);
        assert_eq!(s(adj[1].get("ordered").unwrap()), "true");
        assert_eq!(s(adj[1].get("file_type").unwrap()), "parquet");
        let Value::List(pg) = &n.get("property_groups").unwrap().value else {
            panic!()
        };
        let Value::List(props) = &pg[0].get("properties").unwrap().value else {
            panic!()
        };
        assert_eq!(s(props[0].get("name").unwrap()), "creationDate");
        assert_eq!(s(n.get("version").unwrap()), "gar/v1");
    }

    #[test]
    fn quotes_comments_flow_and_same_indent_lists() {
        let text = "# header\n---\nname: \"a: b # c\"  # comment\nother: 'it''s'\nplain: x#y # c\n\
                    vertices: [a.vertex.yml, \"b c.yml\"]\nempty: []\nedges:\n- e.yml\n- 'f.yml'\nlast: 1\n...\nignored: :\n";
        let n = p(text).unwrap();
        assert_eq!(s(n.get("name").unwrap()), "a: b # c");
        assert_eq!(s(n.get("other").unwrap()), "it's");
        assert_eq!(s(n.get("plain").unwrap()), "x#y");
        let Value::List(v) = &n.get("vertices").unwrap().value else {
            panic!()
        };
        assert_eq!(
            v.iter().map(s).collect::<Vec<_>>(),
            ["a.vertex.yml", "b c.yml"]
        );
        assert_eq!(n.get("empty").unwrap().value, Value::List(vec![]));
        let Value::List(e) = &n.get("edges").unwrap().value else {
            panic!()
        };
        assert_eq!(e.iter().map(s).collect::<Vec<_>>(), ["e.yml", "f.yml"]);
        assert_eq!(s(n.get("last").unwrap()), "1");
        assert!(n.get("ignored").is_none());
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line, what) in [
            ("a: 1\n   b: 2\n", 2, "indentation"),
            ("a: |\n  x\n", 1, "block scalars"),
            ("a: \"open\n", 1, "unterminated"),
            ("a:\n\t- x\n", 2, "tab"),
            ("a: [x, [y]]\n", 1, "nested"),
            ("a: &x 1\n", 1, "anchors"),
            ("a: 1\n- b\n", 2, "list item"),
        ] {
            let e = p(text).unwrap_err();
            assert!(
                e.message.contains(&format!("line {line}")),
                "{text:?}: {}",
                e.message
            );
            assert!(e.message.contains(what), "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn hostile_nesting_is_an_error_not_a_crash() {
        let mut text = String::new();
        for i in 0..500 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        let e = p(&text).unwrap_err();
        assert!(e.message.contains("nesting"), "{}", e.message);
    }

    #[test]
    fn writer_round_trips_through_reader() {
        let out = Out::Map(vec![
            ("name", Out::s("we: ird # name")),
            ("num", Out::s("123")),
            ("flag", Out::bool(true)),
            ("n", Out::int(42)),
            ("list", Out::List(vec![Out::s("a.yml"), Out::s("true")])),
            (
                "groups",
                Out::List(vec![Out::Map(vec![
                    ("prefix", Out::s("id/")),
                    (
                        "properties",
                        Out::List(vec![Out::Map(vec![
                            ("name", Out::s("id")),
                            ("is_primary", Out::bool(true)),
                        ])]),
                    ),
                ])]),
            ),
            ("none", Out::List(vec![])),
        ]);
        let text = to_string(&out);
        assert!(text.contains("groups:\n  - prefix: id/\n    properties:\n      - name: id\n        is_primary: true\n"), "{text}");
        let n = p(&text).unwrap();
        assert_eq!(s(n.get("name").unwrap()), "we: ird # name");
        assert_eq!(
            n.get("num").unwrap().value,
            Value::Str {
                text: "123".into(),
                quoted: true
            }
        );
        assert_eq!(s(n.get("flag").unwrap()), "true");
        let Value::List(l) = &n.get("list").unwrap().value else {
            panic!()
        };
        assert_eq!(l.len(), 2);
        let g = &n.get("groups").unwrap();
        let Value::List(g) = &g.value else { panic!() };
        let Value::List(props) = &g[0].get("properties").unwrap().value else {
            panic!()
        };
        assert_eq!(s(props[0].get("is_primary").unwrap()), "true");
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let n = p("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(s(n.get("a").unwrap()), "3");
    }
}
