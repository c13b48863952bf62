//! One-file binary sparse matrices (CSR) with string metadata, e.g. a PowerWalk
//! fingerprint index.
//!
//! # Layout (version 1, all integers little-endian)
//!
//! | field | type | bytes |
//! |---|---|---|
//! | magic `SPARGRAPH-SPM\0\0\0` | bytes | 16 |
//! | format version (= 1) | `u32` | 4 |
//! | `n_rows` | `u64` | 8 |
//! | `n_cols` | `u64` | 8 |
//! | `nnz` | `u64` | 8 |
//! | `has_weights` (0 or 1) | `u8` | 1 |
//! | metadata count `m` | `u32` | 4 |
//! | `m` times: key length `u32`, key UTF-8 bytes, value length `u32`, value UTF-8 bytes | | |
//! | row offsets | `u64` x (`n_rows` + 1) | |
//! | column ids | `u32` x `nnz` | |
//! | values, only if `has_weights` | `f32` x `nnz` | |
//! | checksum of every byte before it | `u64` | 8 |
//!
//! The checksum is a word-wise variant of FNV-1a 64: the bytes are read as
//! little-endian 8-byte words (the last one zero-padded), and from the FNV offset
//! basis `h = rotl((h ^ w) * 0x100000001b3, 27)` for every word `w`; finally the byte
//! count is xored in and the SplitMix64 finaliser applied. Each step is a bijection
//! of `h`, so any change confined to one word is always detected.
//!
//! [`write_sparse`] writes atomically ([`crate::atomic::write_file`]); both
//! functions stream the arrays in chunks of a few MiB, so files of many GB need no
//! second copy in memory. [`read_sparse`] checks, in this order, the magic, the
//! version, the header sizes against the file length, the checksum, and finally
//! the CSR invariants (offsets start at 0, do not decrease and end at `nnz`;
//! column ids sorted, strictly increasing and below `n_cols` within each row); every
//! failure is an [`IoError::bad_input`] naming the file.

use crate::atomic::{write_all, write_file};
use crate::error::{IoError, Result};
use spargraph_engine::rng::SplitMix64;
use spargraph_engine::Csr;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

/// The 16 magic bytes opening every sparse matrix file.
pub const MAGIC: &[u8; 16] = b"SPARGRAPH-SPM\0\0\0";
/// The format version written by [`write_sparse`] and accepted by [`read_sparse`].
pub const VERSION: u32 = 1;

/// Fixed-size part of the header: magic, version, three sizes, weight flag,
/// metadata count.
const FIXED_HEADER: u64 = 16 + 4 + 8 + 8 + 8 + 1 + 4;
/// Elements converted per chunk while streaming (1 Mi elements: 4 or 8 MiB).
const CHUNK_ELEMS: usize = 1 << 20;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Streaming word-wise FNV-1a-style checksum (see the module documentation).
struct Checksum {
    h: u64,
    pending: [u8; 8],
    n_pending: usize,
    total: u64,
}

impl Checksum {
    fn new() -> Self {
        Checksum {
            h: FNV_OFFSET,
            pending: [0; 8],
            n_pending: 0,
            total: 0,
        }
    }

    #[inline]
    fn word(&mut self, w: u64) {
        self.h = (self.h ^ w).wrapping_mul(FNV_PRIME).rotate_left(27);
    }

    fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.n_pending > 0 {
            let take = (8 - self.n_pending).min(bytes.len());
            self.pending[self.n_pending..self.n_pending + take].copy_from_slice(&bytes[..take]);
            self.n_pending += take;
            bytes = &bytes[take..];
            if self.n_pending < 8 {
                return;
            }
            let w = u64::from_le_bytes(self.pending);
            self.word(w);
            self.n_pending = 0;
        }
        let mut it = bytes.chunks_exact(8);
        for c in &mut it {
            self.word(u64::from_le_bytes(c.try_into().unwrap()));
        }
        let rest = it.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.n_pending = rest.len();
    }

    fn finish(mut self) -> u64 {
        if self.n_pending > 0 {
            self.pending[self.n_pending..].fill(0);
            let w = u64::from_le_bytes(self.pending);
            self.word(w);
        }
        SplitMix64::mix(self.h ^ self.total)
    }
}

/// A writer that feeds every byte to the checksum.
struct Hashed<'a, W: Write> {
    w: &'a mut W,
    sum: Checksum,
    path: &'a Path,
}

impl<W: Write> Hashed<'_, W> {
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.sum.update(bytes);
        write_all(self.w, self.path, bytes)
    }
}

/// Number of bytes of the header (everything before the offsets) for `metadata`.
fn header_len(metadata: &[(String, String)]) -> u64 {
    FIXED_HEADER
        + metadata
            .iter()
            .map(|(k, v)| 8 + k.len() as u64 + v.len() as u64)
            .sum::<u64>()
}

/// Writes `m` and `metadata` (string pairs, kept in order) to `path` atomically in
/// the layout of the module documentation. Fails (bad input) if a metadata string
/// or the pair count does not fit a `u32` length.
pub fn write_sparse(path: &Path, m: &Csr, metadata: &[(String, String)]) -> Result<()> {
    if u32::try_from(metadata.len()).is_err() {
        return Err(IoError::bad_input(path, "too many metadata entries"));
    }
    for (k, v) in metadata {
        if u32::try_from(k.len()).is_err() || u32::try_from(v.len()).is_err() {
            return Err(IoError::bad_input(
                path,
                "metadata string longer than 4 GiB",
            ));
        }
    }
    write_file(path, |w| {
        let mut h = Hashed {
            w,
            sum: Checksum::new(),
            path,
        };
        let mut head = Vec::with_capacity(header_len(metadata) as usize);
        head.extend_from_slice(MAGIC);
        head.extend_from_slice(&VERSION.to_le_bytes());
        head.extend_from_slice(&(m.n_rows() as u64).to_le_bytes());
        head.extend_from_slice(&(m.n_cols() as u64).to_le_bytes());
        head.extend_from_slice(&(m.nnz() as u64).to_le_bytes());
        head.push(u8::from(m.is_weighted()));
        head.extend_from_slice(&(metadata.len() as u32).to_le_bytes());
        for (k, v) in metadata {
            for s in [k, v] {
                head.extend_from_slice(&(s.len() as u32).to_le_bytes());
                head.extend_from_slice(s.as_bytes());
            }
        }
        h.put(&head)?;
        drop(head);
        let mut buf: Vec<u8> = Vec::with_capacity(CHUNK_ELEMS * 8);
        for c in m.offsets().chunks(CHUNK_ELEMS) {
            buf.clear();
            for &x in c {
                buf.extend_from_slice(&x.to_le_bytes());
            }
            h.put(&buf)?;
        }
        for c in m.targets().chunks(CHUNK_ELEMS) {
            buf.clear();
            for &x in c {
                buf.extend_from_slice(&x.to_le_bytes());
            }
            h.put(&buf)?;
        }
        if let Some(wts) = m.weights() {
            for c in wts.chunks(CHUNK_ELEMS) {
                buf.clear();
                for &x in c {
                    buf.extend_from_slice(&x.to_bits().to_le_bytes());
                }
                h.put(&buf)?;
            }
        }
        let sum = h.sum.finish();
        write_all(h.w, path, &sum.to_le_bytes())
    })
}

/// A reader that feeds every byte to the checksum and reports short reads as
/// truncation.
struct Source<'a> {
    file: File,
    sum: Checksum,
    path: &'a Path,
    expected: u64,
    found: u64,
}

impl Source<'_> {
    fn truncated(&self) -> IoError {
        IoError::bad_input(
            self.path,
            format!(
                "truncated: expected {} bytes, found {}",
                self.expected, self.found
            ),
        )
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        self.file.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => self.truncated(),
            _ => IoError::bad_input(self.path, format!("cannot read: {e}")),
        })?;
        self.sum.update(buf);
        Ok(())
    }

    fn u8(&mut self) -> Result<u8> {
        let mut b = [0u8; 1];
        self.fill(&mut b)?;
        Ok(b[0])
    }

    fn u32(&mut self) -> Result<u32> {
        let mut b = [0u8; 4];
        self.fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        self.fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Reads `count` little-endian elements of `N` bytes each in large chunks.
    fn array<T, const N: usize>(
        &mut self,
        count: usize,
        decode: impl Fn([u8; N]) -> T,
    ) -> Result<Vec<T>> {
        let mut out = Vec::with_capacity(count);
        let mut buf = vec![0u8; CHUNK_ELEMS.min(count) * N];
        let mut left = count;
        while left > 0 {
            let k = left.min(CHUNK_ELEMS);
            let b = &mut buf[..k * N];
            self.fill(b)?;
            out.extend(b.chunks_exact(N).map(|c| decode(c.try_into().unwrap())));
            left -= k;
        }
        Ok(out)
    }
}

/// Reads a file written by [`write_sparse`]: the matrix and the metadata pairs in
/// their written order. Errors (all bad input): `not a spargraph sparse matrix file`
/// (wrong magic or shorter than it), `unsupported format version`, `truncated:
/// expected N bytes, found M` (or `trailing data` when longer), `corrupt: checksum
/// mismatch`, non-UTF-8 metadata, and the CSR invariant violated.
pub fn read_sparse(path: &Path) -> Result<(Csr, Vec<(String, String)>)> {
    let file = File::open(path).map_err(|e| IoError::open(path, e))?;
    let len = file.metadata().map_err(|e| IoError::open(path, e))?.len();
    let mut src = Source {
        file,
        sum: Checksum::new(),
        path,
        expected: FIXED_HEADER,
        found: len,
    };
    let not_ours = || IoError::bad_input(path, "not a spargraph sparse matrix file");
    if len < MAGIC.len() as u64 {
        return Err(not_ours());
    }
    let mut magic = [0u8; 16];
    src.fill(&mut magic)?;
    if &magic != MAGIC {
        return Err(not_ours());
    }
    if len < FIXED_HEADER {
        return Err(src.truncated());
    }
    let version = src.u32()?;
    if version != VERSION {
        return Err(IoError::bad_input(
            path,
            format!("unsupported format version {version} (this build reads version {VERSION})"),
        ));
    }
    let n_rows = src.u64()?;
    let n_cols = src.u64()?;
    let nnz = src.u64()?;
    let has_weights = match src.u8()? {
        0 => false,
        1 => true,
        b => {
            return Err(IoError::bad_input(
                path,
                format!("corrupt header: weight flag {b} (expected 0 or 1)"),
            ))
        }
    };
    let n_meta = src.u32()?;
    let mut metadata = Vec::with_capacity((n_meta as usize).min(1024));
    let mut pos = FIXED_HEADER;
    for _ in 0..n_meta {
        let mut pair = [String::new(), String::new()];
        for s in &mut pair {
            src.expected = pos + 4;
            let l = src.u32()? as u64;
            pos += 4;
            src.expected = pos + l;
            if pos + l > len {
                return Err(src.truncated());
            }
            let mut b = vec![0u8; l as usize];
            src.fill(&mut b)?;
            pos += l;
            *s = String::from_utf8(b)
                .map_err(|_| IoError::bad_input(path, "corrupt: metadata is not UTF-8"))?;
        }
        let [k, v] = pair;
        metadata.push((k, v));
    }
    let sizes = || -> Option<u64> {
        let offsets = n_rows.checked_add(1)?.checked_mul(8)?;
        let per_nnz = if has_weights { 8 } else { 4 };
        let data = nnz.checked_mul(per_nnz)?;
        pos.checked_add(offsets)?.checked_add(data)?.checked_add(8)
    };
    let expected = sizes().ok_or_else(|| {
        IoError::bad_input(
            path,
            format!("corrupt header: sizes out of range ({n_rows} rows, {nnz} entries)"),
        )
    })?;
    src.expected = expected;
    if len < expected {
        return Err(src.truncated());
    }
    if len > expected {
        return Err(IoError::bad_input(
            path,
            format!("trailing data: expected {expected} bytes, found {len}"),
        ));
    }
    let too_big = || IoError::bad_input(path, "matrix too large for this platform");
    let n_rows_us = usize::try_from(n_rows).map_err(|_| too_big())?;
    let nnz_us = usize::try_from(nnz).map_err(|_| too_big())?;
    let n_cols_us = usize::try_from(n_cols).map_err(|_| too_big())?;
    let offsets = src.array::<u64, 8>(n_rows_us + 1, u64::from_le_bytes)?;
    let targets = src.array::<u32, 4>(nnz_us, u32::from_le_bytes)?;
    let weights = if has_weights {
        Some(src.array::<f32, 4>(nnz_us, |b| f32::from_bits(u32::from_le_bytes(b)))?)
    } else {
        None
    };
    let computed = std::mem::replace(&mut src.sum, Checksum::new()).finish();
    let mut b = [0u8; 8];
    src.file.read_exact(&mut b).map_err(|_| src.truncated())?;
    if u64::from_le_bytes(b) != computed {
        return Err(IoError::bad_input(path, "corrupt: checksum mismatch"));
    }
    let m = Csr::from_parts(n_cols_us, offsets, targets, weights)
        .map_err(|e| IoError::bad_input(path, format!("invalid sparse matrix: {e}")))?;
    Ok((m, metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_is_independent_of_split_points() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        let mut a = Checksum::new();
        a.update(&data);
        let whole = a.finish();
        for split in [1usize, 3, 8, 13, 500, 999] {
            let mut b = Checksum::new();
            b.update(&data[..split]);
            b.update(&data[split..split + 1]);
            b.update(&data[split + 1..]);
            assert_eq!(b.finish(), whole, "split at {split}");
        }
        let mut c = Checksum::new();
        c.update(&data[..999]);
        assert_ne!(c.finish(), whole);
    }
}
