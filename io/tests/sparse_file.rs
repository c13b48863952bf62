//! Round trips and corruption handling of the one-file sparse matrix format.

use spargraph_engine::Csr;
use spargraph_io::sparse_file::{read_sparse, write_sparse, MAGIC};
use spargraph_io::IoErrorKind;
use std::path::Path;

fn weighted() -> Csr {
    // 5 x 7 with empty rows 1 and 4, and a NaN-free mix of values incl. negative/zero.
    Csr::from_parts(
        7,
        vec![0, 3, 3, 5, 6, 6],
        vec![0, 2, 6, 1, 3, 6],
        Some(vec![0.5, -1.25, 3.0e-7, 0.0, 1.0e30, 7.0]),
    )
    .unwrap()
}

fn unweighted() -> Csr {
    Csr::from_parts(4, vec![0, 0, 2, 2, 3], vec![1, 3, 0], None).unwrap()
}

fn meta() -> Vec<(String, String)> {
    vec![
        ("format".into(), "test".into()),
        ("ünïcödé ключ".into(), "値 ✓ 🚀".into()),
        ("empty".into(), String::new()),
        (String::new(), "empty key".into()),
    ]
}

fn write_read(m: &Csr, md: &[(String, String)]) -> (Csr, Vec<(String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.spm");
    write_sparse(&p, m, md).unwrap();
    read_sparse(&p).unwrap()
}

fn message_of(p: &Path) -> String {
    let e = read_sparse(p).unwrap_err();
    assert_eq!(e.kind, IoErrorKind::BadInput, "{e}");
    assert_eq!(e.path, p);
    e.message
}

#[test]
fn round_trip_weighted_unweighted_empty_and_metadata() {
    for m in [weighted(), unweighted(), Csr::empty(0, 0), Csr::empty(3, 9)] {
        let (back, md) = write_read(&m, &meta());
        assert_eq!(back, m);
        assert_eq!(md, meta());
        let (back, md) = write_read(&m, &[]);
        assert_eq!(back, m);
        assert!(md.is_empty());
    }
    // Bit-exact values, including -0.0 and subnormals.
    let m = Csr::from_parts(2, vec![0, 2], vec![0, 1], Some(vec![-0.0, 1.0e-40])).unwrap();
    let (back, _) = write_read(&m, &[]);
    let w = back.weights().unwrap();
    assert_eq!(w[0].to_bits(), (-0.0f32).to_bits());
    assert_eq!(w[1].to_bits(), 1.0e-40f32.to_bits());
}

#[test]
fn round_trip_larger_than_one_chunk() {
    // More than 2^20 entries so that streaming crosses chunk boundaries.
    let n = 1200usize;
    let per = 1000usize;
    let mut offsets = vec![0u64];
    let mut targets = Vec::with_capacity(n * per);
    let mut weights = Vec::with_capacity(n * per);
    for r in 0..n {
        for k in 0..per {
            targets.push(((r * 7 + k * 3) % 3000) as u32);
        }
        let row = &mut targets[r * per..];
        row.sort_unstable();
        let mut dedup: Vec<u32> = row.to_vec();
        dedup.dedup();
        targets.truncate(r * per);
        targets.extend_from_slice(&dedup);
        for &t in &dedup {
            weights.push(t as f32 * 0.5 + r as f32);
        }
        offsets.push(targets.len() as u64);
    }
    let m = Csr::from_parts(3000, offsets, targets, Some(weights)).unwrap();
    assert!(m.nnz() > 1 << 20);
    let (back, md) = write_read(&m, &meta());
    assert_eq!(back, m);
    assert_eq!(md, meta());
}

#[test]
fn truncated_file_is_reported_with_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.spm");
    write_sparse(&p, &weighted(), &meta()).unwrap();
    let full = std::fs::read(&p).unwrap();
    for cut in [full.len() - 1, full.len() - 9, full.len() / 2, 40] {
        std::fs::write(&p, &full[..cut]).unwrap();
        let msg = message_of(&p);
        assert!(msg.starts_with("truncated: expected"), "cut {cut}: {msg}");
        assert!(msg.contains(&format!("found {cut}")), "cut {cut}: {msg}");
    }
    // The exact expected size is named once the header is readable.
    std::fs::write(&p, &full[..full.len() - 1]).unwrap();
    let msg = message_of(&p);
    assert_eq!(
        msg,
        format!(
            "truncated: expected {} bytes, found {}",
            full.len(),
            full.len() - 1
        )
    );
    // Extra bytes at the end are not silently ignored.
    let mut longer = full.clone();
    longer.push(0);
    std::fs::write(&p, &longer).unwrap();
    assert!(message_of(&p).starts_with("trailing data"));
}

#[test]
fn flipped_bytes_fail_the_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.spm");
    write_sparse(&p, &weighted(), &meta()).unwrap();
    let full = std::fs::read(&p).unwrap();
    // Header size fields excluded (they change the expected length instead): flip
    // one bit in the metadata, the offsets, the targets, the values and the checksum.
    let header_fixed = 16 + 4 + 8 * 3 + 1 + 4;
    for pos in [
        header_fixed + 5,
        full.len() - 8 - 4 * 6 - 4 * 6 - 3,
        full.len() - 30,
        full.len() - 9,
        full.len() - 1,
    ] {
        for bit in [0u8, 7] {
            let mut bad = full.clone();
            bad[pos] ^= 1 << bit;
            std::fs::write(&p, &bad).unwrap();
            let e = read_sparse(&p).unwrap_err();
            assert_eq!(e.kind, IoErrorKind::BadInput);
            assert!(
                e.message.contains("checksum mismatch") || e.message.contains("UTF-8"),
                "pos {pos} bit {bit}: {}",
                e.message
            );
        }
    }
    // A value flip specifically (no other check can see it).
    let mut bad = full.clone();
    let last_value = full.len() - 8 - 4;
    bad[last_value] ^= 0x01;
    std::fs::write(&p, &bad).unwrap();
    assert_eq!(message_of(&p), "corrupt: checksum mismatch");
}

#[test]
fn wrong_magic_empty_file_and_wrong_version() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.spm");
    std::fs::write(&p, b"").unwrap();
    assert_eq!(message_of(&p), "not a spargraph sparse matrix file");
    std::fs::write(&p, b"PAR1 short").unwrap();
    assert_eq!(message_of(&p), "not a spargraph sparse matrix file");
    write_sparse(&p, &unweighted(), &[]).unwrap();
    let mut full = std::fs::read(&p).unwrap();
    full[0] = b'X';
    std::fs::write(&p, &full).unwrap();
    assert_eq!(message_of(&p), "not a spargraph sparse matrix file");
    full[0] = MAGIC[0];
    full[16] = 9; // version 9
    std::fs::write(&p, &full).unwrap();
    assert!(message_of(&p).contains("unsupported format version 9"));
    // Missing file.
    let e = read_sparse(&dir.path().join("nope.spm")).unwrap_err();
    assert_eq!(e.kind, IoErrorKind::BadInput);
}

#[test]
fn invalid_csr_with_valid_checksum_is_rejected() {
    // A file with a correct checksum but a column id >= n_cols: patch n_cols in the
    // header and recompute the checksum with the documented formula.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.spm");
    let m = unweighted(); // max column id 3
    write_sparse(&p, &m, &[]).unwrap();
    let mut full = std::fs::read(&p).unwrap();
    // n_cols is at bytes 28..36.
    full[28..36].copy_from_slice(&2u64.to_le_bytes());
    let body = &full[..full.len() - 8];
    let sum = reference_checksum(body);
    let n = full.len();
    full[n - 8..].copy_from_slice(&sum.to_le_bytes());
    std::fs::write(&p, &full).unwrap();
    let msg = message_of(&p);
    assert!(msg.starts_with("invalid sparse matrix"), "{msg}");
    assert!(msg.contains("column 3 >= 2"), "{msg}");
}

/// The checksum of the module documentation, written independently.
fn reference_checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..c.len()].copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0x100_0000_01b3)
            .rotate_left(27);
    }
    spargraph_engine::rng::SplitMix64::mix(h ^ bytes.len() as u64)
}

#[test]
fn checksum_matches_the_documented_formula() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.spm");
    write_sparse(&p, &weighted(), &meta()).unwrap();
    let full = std::fs::read(&p).unwrap();
    let (body, tail) = full.split_at(full.len() - 8);
    assert_eq!(
        u64::from_le_bytes(tail.try_into().unwrap()),
        reference_checksum(body)
    );
}

#[test]
fn failed_write_keeps_existing_file_and_leaves_no_temp() {
    let dir = tempfile::tempdir().unwrap();
    // Missing output folder: error, nothing created.
    let missing = dir.path().join("no-such-dir").join("m.spm");
    let e = write_sparse(&missing, &weighted(), &[]).unwrap_err();
    assert_eq!(e.kind, IoErrorKind::BadInput);
    assert!(!missing.exists());
    // Target is a folder: error, folder untouched.
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    assert!(write_sparse(&sub, &weighted(), &[]).is_err());
    assert!(sub.is_dir());
    // Overwriting an existing file replaces it fully and leaves no temporary file.
    let p = dir.path().join("m.spm");
    std::fs::write(&p, b"old").unwrap();
    write_sparse(&p, &unweighted(), &meta()).unwrap();
    assert_eq!(read_sparse(&p).unwrap().0, unweighted());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        vec!["m.spm".to_string(), "sub".to_string()],
        "{names:?}"
    );
}
