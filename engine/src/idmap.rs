//! Mapping between users' node ids (integers or strings) and dense `u32` ids.
//!
//! Dense ids are ranks: node `k` is the `k`-th smallest external id (integers in
//! numeric order, strings in byte order). The mapping is therefore independent of
//! edge order and thread count, and converting back is an array lookup.

use crate::error::EngineError;
use rayon::prelude::*;
use std::collections::HashMap;

/// Strings stored Arrow-style: one byte buffer and `len + 1` offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StrColumn {
    offsets: Vec<u64>,
    bytes: Vec<u8>,
}

impl StrColumn {
    /// An empty column.
    pub fn new() -> Self {
        StrColumn {
            offsets: vec![0],
            bytes: Vec::new(),
        }
    }

    /// A column from its parts; `offsets` must start at 0, be non-decreasing, end at
    /// `bytes.len()` and cut `bytes` at UTF-8 boundaries.
    pub fn from_parts(offsets: Vec<u64>, bytes: Vec<u8>) -> Result<Self, String> {
        if offsets.first() != Some(&0) || *offsets.last().unwrap() as usize != bytes.len() {
            return Err("string offsets do not span the byte buffer".into());
        }
        for w in offsets.windows(2) {
            if w[1] < w[0] {
                return Err("string offsets decrease".into());
            }
            std::str::from_utf8(&bytes[w[0] as usize..w[1] as usize])
                .map_err(|e| format!("invalid UTF-8 in string id: {e}"))?;
        }
        Ok(StrColumn { offsets, bytes })
    }

    /// Appends one string.
    pub fn push(&mut self, s: &str) {
        self.bytes.extend_from_slice(s.as_bytes());
        self.offsets.push(self.bytes.len() as u64);
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether the column holds no string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th string.
    pub fn get(&self, i: usize) -> &str {
        let b = &self.bytes[self.offsets[i] as usize..self.offsets[i + 1] as usize];
        // SAFETY: offsets cut `bytes` at UTF-8 boundaries (checked on construction;
        // `push` appends whole strings).
        unsafe { std::str::from_utf8_unchecked(b) }
    }

    /// Iterates over the strings.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// The parts `(offsets, bytes)`.
    pub fn parts(&self) -> (&[u64], &[u8]) {
        (&self.offsets, &self.bytes)
    }
}

impl<'a> FromIterator<&'a str> for StrColumn {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut c = StrColumn::new();
        for s in iter {
            c.push(s);
        }
        c
    }
}

/// A column of external node ids as read from a file.
#[derive(Clone, Debug, PartialEq)]
pub enum IdColumn {
    /// Integer ids (every integer type is widened to `i64`).
    Int(Vec<i64>),
    /// String ids.
    Str(StrColumn),
}

impl IdColumn {
    /// Number of ids.
    pub fn len(&self) -> usize {
        match self {
            IdColumn::Int(v) => v.len(),
            IdColumn::Str(s) => s.len(),
        }
    }

    /// Whether the column is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn kind(&self) -> &'static str {
        match self {
            IdColumn::Int(_) => "integer",
            IdColumn::Str(_) => "string",
        }
    }
}

/// How integer ids become dense ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum IdMode {
    /// Dense id = rank among the ids that occur (no isolated nodes are invented).
    #[default]
    Compact,
    /// Dense id = the integer id itself; the graph has `max id + 1` nodes, ids that
    /// never occur become isolated nodes. Only for non-negative integer ids.
    Identity,
}

/// The external ids of a graph's nodes, indexed by dense id.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeIds {
    /// External id = dense id, for `0..n`.
    Range(u32),
    /// Sorted, distinct integer ids.
    Int(Vec<i64>),
    /// Sorted, distinct string ids.
    Str(StrColumn),
}

/// The external id of one node.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExternalId<'a> {
    /// An integer id.
    Int(i64),
    /// A string id.
    Str(&'a str),
}

impl std::fmt::Display for ExternalId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExternalId::Int(v) => write!(f, "{v}"),
            ExternalId::Str(s) => write!(f, "{s:?}"),
        }
    }
}

impl NodeIds {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        match self {
            NodeIds::Range(n) => *n as usize,
            NodeIds::Int(v) => v.len(),
            NodeIds::Str(s) => s.len(),
        }
    }

    /// Whether there is no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether ids are strings.
    pub fn is_string(&self) -> bool {
        matches!(self, NodeIds::Str(_))
    }

    /// External id of dense node `v`.
    pub fn external(&self, v: u32) -> ExternalId<'_> {
        match self {
            NodeIds::Range(_) => ExternalId::Int(v as i64),
            NodeIds::Int(ids) => ExternalId::Int(ids[v as usize]),
            NodeIds::Str(s) => ExternalId::Str(s.get(v as usize)),
        }
    }

    /// Dense id of integer external id `id`, if it is a node.
    pub fn lookup_int(&self, id: i64) -> Option<u32> {
        match self {
            NodeIds::Range(n) => (id >= 0 && id < *n as i64).then_some(id as u32),
            NodeIds::Int(ids) => ids.binary_search(&id).ok().map(|k| k as u32),
            NodeIds::Str(_) => None,
        }
    }

    /// Dense id of string external id `id`, if it is a node. Integer-keyed graphs
    /// accept the decimal form of an id.
    pub fn lookup_str(&self, id: &str) -> Option<u32> {
        match self {
            NodeIds::Str(s) => {
                let (mut lo, mut hi) = (0usize, s.len());
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    match s.get(mid).cmp(id) {
                        std::cmp::Ordering::Less => lo = mid + 1,
                        std::cmp::Ordering::Greater => hi = mid,
                        std::cmp::Ordering::Equal => return Some(mid as u32),
                    }
                }
                None
            }
            _ => id
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|v| self.lookup_int(v)),
        }
    }

    /// Integer external ids of all nodes (`None` for string ids).
    pub fn int_ids(&self) -> Option<Vec<i64>> {
        match self {
            NodeIds::Range(n) => Some((0..*n as i64).collect()),
            NodeIds::Int(v) => Some(v.clone()),
            NodeIds::Str(_) => None,
        }
    }
}

/// The result of [`map_ids`]: the node ids and each input column in dense ids.
#[derive(Clone, Debug, PartialEq)]
pub struct MappedIds {
    /// External ids by dense id.
    pub nodes: NodeIds,
    /// Each input column translated to dense ids, in input order.
    pub columns: Vec<Vec<u32>>,
}

/// Maps the id columns `columns` (named by `names`, for error messages) to dense ids.
/// `extra` ids (e.g. a node table listing isolated nodes) become nodes too, without
/// producing a column. All columns must share one kind (integer or string).
///
/// Fails on negative integer ids, on more than `u32::MAX` distinct ids, and on
/// mixed kinds.
pub fn map_ids(
    columns: &[&IdColumn],
    names: &[&str],
    extra: Option<&IdColumn>,
    mode: IdMode,
) -> Result<MappedIds, EngineError> {
    let all: Vec<&IdColumn> = columns.iter().copied().chain(extra).collect();
    if let Some(first) = all.first() {
        for (k, c) in all.iter().enumerate() {
            if std::mem::discriminant(*c) != std::mem::discriminant(*first) {
                let name = names.get(k).copied().unwrap_or("node table");
                return Err(EngineError::InvalidOption {
                    name: name.to_string(),
                    message: format!(
                        "has {} ids while {} has {} ids",
                        c.kind(),
                        names.first().copied().unwrap_or("the first column"),
                        first.kind()
                    ),
                });
            }
        }
    }
    let ints: Vec<&[i64]> = all
        .iter()
        .filter_map(|c| match c {
            IdColumn::Int(v) => Some(v.as_slice()),
            _ => None,
        })
        .collect();
    if ints.len() == all.len() {
        for (k, v) in ints.iter().enumerate() {
            // A parallel min is much cheaper than `position_first`; search only on failure.
            let min = v.par_iter().copied().min().unwrap_or(0);
            if min >= 0 {
                continue;
            }
            if let Some(p) = v.iter().position(|&x| x < 0) {
                return Err(EngineError::NegativeId {
                    id: v[p],
                    column: names.get(k).copied().unwrap_or("node table").to_string(),
                });
            }
        }
        return map_int(&ints, columns.len(), mode);
    }
    if mode == IdMode::Identity {
        return Err(EngineError::InvalidOption {
            name: "id mode".into(),
            message: "identity ids need integer id columns".into(),
        });
    }
    let strs: Vec<&StrColumn> = all
        .iter()
        .filter_map(|c| match c {
            IdColumn::Str(s) => Some(s),
            _ => None,
        })
        .collect();
    map_str(&strs, columns.len())
}

fn too_many(count: u64) -> EngineError {
    EngineError::TooManyNodes {
        count,
        max: u32::MAX as u64,
    }
}

fn map_int(cols: &[&[i64]], n_out: usize, mode: IdMode) -> Result<MappedIds, EngineError> {
    let total: usize = cols.iter().map(|c| c.len()).sum();
    let (min, max) = cols
        .par_iter()
        .flat_map(|c| c.par_iter())
        .fold(
            || (i64::MAX, i64::MIN),
            |(lo, hi), &x| (lo.min(x), hi.max(x)),
        )
        .reduce(|| (i64::MAX, i64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)));
    if total == 0 {
        return Ok(MappedIds {
            nodes: NodeIds::Range(0),
            columns: cols[..n_out].iter().map(|_| Vec::new()).collect(),
        });
    }
    if mode == IdMode::Identity {
        if max >= u32::MAX as i64 {
            return Err(too_many(max as u64 + 1));
        }
        let columns = cols[..n_out]
            .iter()
            .map(|c| c.par_iter().map(|&x| x as u32).collect())
            .collect();
        return Ok(MappedIds {
            nodes: NodeIds::Range((max + 1) as u32),
            columns,
        });
    }
    let span = (max as i128 - min as i128 + 1) as u128;
    if span <= (2 * total as u128 + 1024).min(1 << 32) {
        // Direct table: mark present ids, ranks by prefix sum, map by lookup.
        let span = span as usize;
        let mut rank = vec![0u32; span];
        for c in cols {
            for &x in *c {
                rank[(x - min) as usize] = 1;
            }
        }
        let mut ids = Vec::new();
        let mut next = 0u64;
        for (k, r) in rank.iter_mut().enumerate() {
            if *r != 0 {
                *r = next as u32;
                ids.push(min + k as i64);
                next += 1;
            }
        }
        if next > u32::MAX as u64 {
            return Err(too_many(next));
        }
        let columns = cols[..n_out]
            .iter()
            .map(|c| c.par_iter().map(|&x| rank[(x - min) as usize]).collect())
            .collect();
        let nodes = if min == 0 && ids.len() == span {
            NodeIds::Range(span as u32)
        } else {
            NodeIds::Int(ids)
        };
        return Ok(MappedIds { nodes, columns });
    }
    let mut ids: Vec<i64> = Vec::with_capacity(total);
    for c in cols {
        ids.extend_from_slice(c);
    }
    ids.par_sort_unstable();
    ids.dedup();
    if ids.len() > u32::MAX as usize {
        return Err(too_many(ids.len() as u64));
    }
    ids.shrink_to_fit();
    let columns = cols[..n_out]
        .iter()
        .map(|c| {
            c.par_iter()
                .map(|x| ids.binary_search(x).unwrap() as u32)
                .collect()
        })
        .collect();
    Ok(MappedIds {
        nodes: NodeIds::Int(ids),
        columns,
    })
}

fn map_str(cols: &[&StrColumn], n_out: usize) -> Result<MappedIds, EngineError> {
    let mut all: Vec<&str> = cols.iter().flat_map(|c| c.iter()).collect();
    all.par_sort_unstable();
    all.dedup();
    if all.len() > u32::MAX as usize {
        return Err(too_many(all.len() as u64));
    }
    let index: HashMap<&str, u32> = all
        .iter()
        .enumerate()
        .map(|(k, s)| (*s, k as u32))
        .collect();
    let columns = cols[..n_out]
        .iter()
        .map(|c| {
            (0..c.len())
                .into_par_iter()
                .map(|i| index[c.get(i)])
                .collect()
        })
        .collect();
    let nodes = NodeIds::Str(all.iter().copied().collect());
    Ok(MappedIds { nodes, columns })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(cols: &[Vec<i64>]) -> (Vec<i64>, Vec<Vec<u32>>) {
        let mut ids: Vec<i64> = cols.iter().flatten().copied().collect();
        ids.sort();
        ids.dedup();
        let mapped = cols
            .iter()
            .map(|c| {
                c.iter()
                    .map(|x| ids.iter().position(|y| y == x).unwrap() as u32)
                    .collect()
            })
            .collect();
        (ids, mapped)
    }

    proptest! {
        #[test]
        fn int_mapping_matches_naive(a in proptest::collection::vec(0i64..50, 0..60), b in proptest::collection::vec(0i64..50, 0..60), big in any::<bool>()) {
            let shift = if big { 1_000_000_007i64 * 1000 } else { 0 };
            let a: Vec<i64> = a.iter().map(|x| x * if big { 7919 } else { 1 } + shift).collect();
            let b: Vec<i64> = b.iter().map(|x| x * if big { 7919 } else { 1 } + shift).collect();
            let (ids, cols) = naive(&[a.clone(), b.clone()]);
            let m = map_ids(&[&IdColumn::Int(a), &IdColumn::Int(b)], &["src", "dst"], None, IdMode::Compact).unwrap();
            prop_assert_eq!(m.nodes.len(), ids.len());
            for (k, id) in ids.iter().enumerate() {
                prop_assert_eq!(m.nodes.external(k as u32), ExternalId::Int(*id));
                prop_assert_eq!(m.nodes.lookup_int(*id), Some(k as u32));
            }
            prop_assert_eq!(m.columns, cols);
        }

        #[test]
        fn string_mapping_is_rank_order(a in proptest::collection::vec("[a-d]{0,3}", 1..40)) {
            let col: StrColumn = a.iter().map(|s| s.as_str()).collect();
            let m = map_ids(&[&IdColumn::Str(col)], &["src"], None, IdMode::Compact).unwrap();
            let mut sorted = a.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(m.nodes.len(), sorted.len());
            for (k, s) in a.iter().enumerate() {
                let d = m.columns[0][k];
                prop_assert_eq!(m.nodes.external(d), ExternalId::Str(s.as_str()));
                prop_assert_eq!(sorted[d as usize].as_str(), s.as_str());
                prop_assert_eq!(m.nodes.lookup_str(s), Some(d));
            }
        }
    }

    #[test]
    fn negative_id_names_column_and_value() {
        let e = map_ids(
            &[&IdColumn::Int(vec![1, 2]), &IdColumn::Int(vec![3, -7])],
            &["src", "dst"],
            None,
            IdMode::Compact,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "negative node id -7 in dst");
    }

    #[test]
    fn identity_mode_keeps_ids_and_adds_isolated_nodes() {
        let m = map_ids(
            &[&IdColumn::Int(vec![5, 2])],
            &["src"],
            None,
            IdMode::Identity,
        )
        .unwrap();
        assert_eq!(m.nodes, NodeIds::Range(6));
        assert_eq!(m.columns[0], vec![5, 2]);
    }

    #[test]
    fn extra_ids_become_nodes() {
        let m = map_ids(
            &[&IdColumn::Int(vec![10, 30])],
            &["src"],
            Some(&IdColumn::Int(vec![20, 40])),
            IdMode::Compact,
        )
        .unwrap();
        assert_eq!(m.nodes, NodeIds::Int(vec![10, 20, 30, 40]));
        assert_eq!(m.columns[0], vec![0, 2]);
    }

    #[test]
    fn mixed_kinds_are_rejected() {
        let s: StrColumn = ["a"].into_iter().collect();
        assert!(map_ids(
            &[&IdColumn::Int(vec![1]), &IdColumn::Str(s)],
            &["src", "dst"],
            None,
            IdMode::Compact
        )
        .is_err());
    }
}
