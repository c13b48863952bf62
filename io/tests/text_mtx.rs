//! Text edge lists and Matrix Market: round trips, parsing rules, errors.

use spargraph_engine::{Csr, IdColumn, StrColumn};
use spargraph_io::mtx::{read_mtx, write_mtx, MtxGraph};
use spargraph_io::text::{
    read_text_edges, write_text_edges, ColumnRef, Delimiter, Header, IdKind, TextOptions,
    TextWriteOptions,
};
use spargraph_io::{EdgeTable, IoErrorKind};
use std::io::Write;
use std::path::{Path, PathBuf};

fn ints(v: &[i64]) -> IdColumn {
    IdColumn::Int(v.to_vec())
}

fn strs(v: &[&str]) -> IdColumn {
    IdColumn::Str(v.iter().copied().collect::<StrColumn>())
}

fn weighted_opts() -> TextOptions {
    TextOptions {
        weight: Some(ColumnRef::Index(2)),
        ..TextOptions::default()
    }
}

fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn gunzip(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut s = String::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn err_text(path: &Path, opts: &TextOptions) -> String {
    let e = read_text_edges(path, opts).unwrap_err();
    assert_eq!(e.kind, IoErrorKind::BadInput);
    e.to_string()
}

// ---------------------------------------------------------------------------
// Text: round trips.
// ---------------------------------------------------------------------------

#[test]
fn int_round_trip_unweighted_and_weighted() {
    let dir = tempfile::tempdir().unwrap();
    let unweighted = EdgeTable {
        src: ints(&[0, 5, -3, i64::MAX, 7]),
        dst: ints(&[1, 0, 2, i64::MIN, 7]),
        weight: None,
    };
    let p = dir.path().join("g.tsv");
    write_text_edges(&p, &unweighted, &TextWriteOptions::for_path(&p)).unwrap();
    assert_eq!(
        std::fs::read_to_string(&p).unwrap().lines().next(),
        Some("0\t1")
    );
    assert_eq!(
        read_text_edges(&p, &TextOptions::default()).unwrap(),
        unweighted
    );

    let weights = vec![0.1, 1e-30, f32::MAX, 1.0e-45, -2.5, 16_777_217.0, 0.3];
    let weighted = EdgeTable {
        src: ints(&[0, 1, 2, 3, 4, 5, 6]),
        dst: ints(&[1, 2, 3, 4, 5, 6, 0]),
        weight: Some(weights.clone()),
    };
    let p = dir.path().join("w.txt");
    write_text_edges(&p, &weighted, &TextWriteOptions::default()).unwrap();
    let back = read_text_edges(&p, &weighted_opts()).unwrap();
    assert_eq!(back, weighted);
    // Bit-exact: text -> read -> write -> read is lossless.
    let bits: Vec<u32> = back.weight.unwrap().iter().map(|w| w.to_bits()).collect();
    assert_eq!(
        bits,
        weights.iter().map(|w| w.to_bits()).collect::<Vec<_>>()
    );
}

#[test]
fn string_round_trip_csv_with_header() {
    let dir = tempfile::tempdir().unwrap();
    let edges = EdgeTable {
        src: strs(&["alice", "bob", "émile", "x:y"]),
        dst: strs(&["bob", "carol", "alice", "alice"]),
        weight: Some(vec![1.0, 2.5, 0.125, 3.0]),
    };
    let p = dir.path().join("people.csv");
    write_text_edges(&p, &edges, &TextWriteOptions::for_path(&p)).unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.starts_with("src,dst,weight\nalice,bob,1\n"), "{text}");
    // By name.
    let by_name = TextOptions {
        src: "src".into(),
        dst: "dst".into(),
        weight: Some("weight".into()),
        ..TextOptions::default()
    };
    assert_eq!(read_text_edges(&p, &by_name).unwrap(), edges);
    // Positional with automatic header detection recognises the written header.
    assert_eq!(read_text_edges(&p, &weighted_opts()).unwrap(), edges);

    let unweighted = EdgeTable {
        weight: None,
        ..edges.clone()
    };
    let p = dir.path().join("people.tsv");
    write_text_edges(&p, &unweighted, &TextWriteOptions::default()).unwrap();
    assert_eq!(
        read_text_edges(&p, &TextOptions::default()).unwrap(),
        unweighted
    );
}

#[test]
fn str_kind_keeps_integer_looking_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "g.txt", b"007 1\n2 -0\n");
    let opts = TextOptions {
        ids: IdKind::Str,
        ..TextOptions::default()
    };
    let t = read_text_edges(&p, &opts).unwrap();
    assert_eq!(t.src, strs(&["007", "2"]));
    assert_eq!(t.dst, strs(&["1", "-0"]));
    let t = read_text_edges(&p, &TextOptions::default()).unwrap();
    assert_eq!(t.src, ints(&[7, 2]));
    assert_eq!(t.dst, ints(&[1, 0]));
}

#[test]
fn mixed_ids_become_strings_in_auto_mode() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "g.txt", b"1 2\n2 b\n");
    let t = read_text_edges(&p, &TextOptions::default()).unwrap();
    assert_eq!(t.src, strs(&["1", "2"]));
    assert_eq!(t.dst, strs(&["2", "b"]));
}

// ---------------------------------------------------------------------------
// Text: parsing rules.
// ---------------------------------------------------------------------------

#[test]
fn comments_crlf_blank_lines_and_whitespace_runs() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(
        dir.path(),
        "g.txt",
        b"# SNAP style comment\r\n% matrix-market style\r\n\r\n  1 \t  2   0.5\r\n   # indented comment\n\t\n3\t4\t1.5\n5 6 2",
    );
    let t = read_text_edges(&p, &weighted_opts()).unwrap();
    assert_eq!(t.src, ints(&[1, 3, 5]));
    assert_eq!(t.dst, ints(&[2, 4, 6]));
    assert_eq!(t.weight, Some(vec![0.5, 1.5, 2.0]));
}

#[test]
fn gzip_detected_by_magic_and_written_for_gz_paths() {
    let dir = tempfile::tempdir().unwrap();
    // Compressed content under a plain name.
    let p = put(dir.path(), "plain-name.txt", &gzip(b"# c\n1 2\n3 4\n"));
    let t = read_text_edges(&p, &TextOptions::default()).unwrap();
    assert_eq!(t.src, ints(&[1, 3]));
    assert_eq!(t.dst, ints(&[2, 4]));
    // Concatenated gzip members are read in full.
    let mut two = gzip(b"1 2\n");
    two.extend(gzip(b"5 6\n"));
    let p = put(dir.path(), "two.txt.gz", &two);
    assert_eq!(
        read_text_edges(&p, &TextOptions::default()).unwrap().src,
        ints(&[1, 5])
    );

    let edges = EdgeTable {
        src: ints(&[10, 20]),
        dst: ints(&[20, 30]),
        weight: Some(vec![0.25, 4.0]),
    };
    let p = dir.path().join("out.csv.gz");
    write_text_edges(&p, &edges, &TextWriteOptions::for_path(&p)).unwrap();
    let raw = std::fs::read(&p).unwrap();
    assert_eq!(&raw[..2], &[0x1f, 0x8b]);
    assert_eq!(gunzip(&raw), "src,dst,weight\n10,20,0.25\n20,30,4\n");
    assert_eq!(read_text_edges(&p, &weighted_opts()).unwrap(), edges);
}

#[test]
fn csv_columns_by_name_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(
        dir.path(),
        "e.csv",
        b"\xEF\xBB\xBFweight, \"to\" ,from,note\r\n1.5,2,1,x\r\n\"2\",3,\"2\",\"a,b\"\r\n",
    );
    let opts = TextOptions {
        src: "from".into(),
        dst: "to".into(),
        weight: Some("weight".into()),
        ..TextOptions::default()
    };
    let t = read_text_edges(&p, &opts).unwrap();
    assert_eq!(t.src, ints(&[1, 2]));
    assert_eq!(t.dst, ints(&[2, 3]));
    assert_eq!(t.weight, Some(vec![1.5, 2.0]));
}

#[test]
fn tsv_with_tab_delimiter_keeps_spaces_inside_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "e.tsv", b"New York\tBoston\nBoston\tSan Jose\n");
    let opts = TextOptions {
        delimiter: Delimiter::Tab,
        header: Header::No,
        ..TextOptions::default()
    };
    let t = read_text_edges(&p, &opts).unwrap();
    assert_eq!(t.src, strs(&["New York", "Boston"]));
    assert_eq!(t.dst, strs(&["Boston", "San Jose"]));
    // The default whitespace delimiter splits them instead.
    let t = read_text_edges(&p, &TextOptions::default()).unwrap();
    assert_eq!(t.dst, strs(&["York", "San"]));
}

#[test]
fn header_auto_detection_with_positional_columns() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "h.txt", b"# c\nsource target w\n1 2 3\n4 5 6\n");
    let t = read_text_edges(&p, &weighted_opts()).unwrap();
    assert_eq!(t.src, ints(&[1, 4]));
    assert_eq!(t.weight, Some(vec![3.0, 6.0]));
    // Header::No keeps the first line as an edge (so ids become strings).
    let no = TextOptions {
        header: Header::No,
        ..TextOptions::default()
    };
    assert_eq!(
        read_text_edges(&p, &no).unwrap().src,
        strs(&["source", "1", "4"])
    );
    // Header::Yes drops the first line even if numeric.
    let p = put(dir.path(), "n.txt", b"1 2\n3 4\n");
    let yes = TextOptions {
        header: Header::Yes,
        ..TextOptions::default()
    };
    assert_eq!(read_text_edges(&p, &yes).unwrap().src, ints(&[3]));
    assert_eq!(
        read_text_edges(&p, &TextOptions::default()).unwrap().src,
        ints(&[1, 3])
    );
    // A first line of numbers is data even when one is not an integer: it is never
    // dropped as a header (the ids then read as strings).
    let p = put(dir.path(), "f.txt", b"1 2.5\n3 4\n5 6\n");
    assert_eq!(
        read_text_edges(&p, &TextOptions::default()).unwrap().src,
        strs(&["1", "3", "5"])
    );
    // Columns named for a file without a header: an error, not a dropped line.
    let p = put(dir.path(), "w.tsv", b"5\t6\t1.5\n6\t7\t2.5\n");
    let named = TextOptions {
        weight: Some(ColumnRef::Name("5".into())),
        ..TextOptions::default()
    };
    let e = read_text_edges(&p, &named).unwrap_err().to_string();
    assert!(e.contains("line 1") && e.contains("no header line"), "{e}");
}

#[test]
fn negative_nan_and_negative_weights_are_passed_through() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "g.txt", b"-1 2 NaN\n3 -4 -2.5\n5 6 inf\n");
    let t = read_text_edges(&p, &weighted_opts()).unwrap();
    assert_eq!(t.src, ints(&[-1, 3, 5]));
    assert_eq!(t.dst, ints(&[2, -4, 6]));
    let w = t.weight.unwrap();
    assert!(w[0].is_nan());
    assert_eq!(&w[1..], &[-2.5, f32::INFINITY]);
}

#[test]
fn empty_and_comment_only_files_give_empty_tables() {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        ("empty.txt", &b""[..]),
        ("comments.txt", &b"# only\n% comments\n\n"[..]),
        ("header.csv", &b"src,dst,weight\n"[..]),
    ] {
        let p = put(dir.path(), name, body);
        let opts = TextOptions {
            header: Header::Auto,
            ..weighted_opts()
        };
        let t = read_text_edges(&p, &opts).unwrap();
        assert!(t.is_empty(), "{name}");
        assert_eq!(t.weight, Some(vec![]), "{name}");
    }
}

// ---------------------------------------------------------------------------
// Text: errors.
// ---------------------------------------------------------------------------

#[test]
fn missing_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope.txt");
    let msg = err_text(&p, &TextOptions::default());
    assert!(
        msg.contains("nope.txt") && msg.contains("no such file"),
        "{msg}"
    );
}

#[test]
fn too_few_fields_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::from("# header comment\n");
    for k in 0..15 {
        body.push_str(&format!("{k} {}\n", k + 1));
    }
    body.push_str("99\n"); // line 17
    let p = put(dir.path(), "short.txt", body.as_bytes());
    let msg = err_text(&p, &TextOptions::default());
    assert!(msg.contains("short.txt"), "{msg}");
    assert!(
        msg.contains("line 17: expected at least 2 fields, found 1"),
        "{msg}"
    );
    assert!(msg.contains("\"99\""), "{msg}");
    // A missing weight column counts too.
    let p = put(dir.path(), "w.txt", b"1 2 1\n3 4\n");
    let msg = err_text(&p, &weighted_opts());
    assert!(
        msg.contains("line 2: expected at least 3 fields, found 2"),
        "{msg}"
    );
}

#[test]
fn weight_beyond_single_precision_is_named_with_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "big-w.txt", b"1 2 0.5\n3 4 1e308\n");
    let msg = err_text(&p, &weighted_opts());
    assert!(
        msg.contains("line 2: weight \"1e308\" is beyond single precision"),
        "{msg}"
    );
    let msg = mtx_err(
        dir.path(),
        "big.mtx",
        b"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 -4e39\n",
    );
    assert!(
        msg.contains("line 3: value \"-4e39\" is beyond single precision"),
        "{msg}"
    );
}

#[test]
fn non_numeric_weight_is_rejected_with_line_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "bad-w.txt", b"1 2 0.5\r\n\r\n3 4 heavy\r\n");
    let msg = err_text(&p, &weighted_opts());
    assert!(msg.contains("bad-w.txt"), "{msg}");
    assert!(msg.contains("line 3"), "{msg}");
    assert!(msg.contains("\"heavy\" is not a number"), "{msg}");
}

#[test]
fn missing_header_name_lists_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "e.csv", b"src,dst\n1,2\n");
    let opts = TextOptions {
        src: "src".into(),
        dst: "dst".into(),
        weight: Some("weight".into()),
        ..TextOptions::default()
    };
    let msg = err_text(&p, &opts);
    assert!(msg.contains("e.csv"), "{msg}");
    assert!(
        msg.contains("column 'weight' not found in header: src, dst"),
        "{msg}"
    );
    let no_header = TextOptions {
        header: Header::No,
        ..opts
    };
    let msg = err_text(&p, &no_header);
    assert!(msg.contains("given by name"), "{msg}");
}

#[test]
fn invalid_utf8_names_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "latin1.txt", b"a b\nc d\ncaf\xe9 e\n");
    let msg = err_text(&p, &TextOptions::default());
    assert!(msg.contains("latin1.txt"), "{msg}");
    assert!(msg.contains("line 3: invalid UTF-8"), "{msg}");
}

#[test]
fn int_kind_rejects_strings_and_empty_fields_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(dir.path(), "g.txt", b"1 2\n3 x4\n");
    let opts = TextOptions {
        ids: IdKind::Int,
        ..TextOptions::default()
    };
    let msg = err_text(&p, &opts);
    assert!(
        msg.contains("line 2: target id \"x4\" is not an integer"),
        "{msg}"
    );
    let p = put(dir.path(), "g.csv", b"1,2\n,3\n");
    let msg = err_text(&p, &TextOptions::default());
    assert!(msg.contains("line 2: empty source id"), "{msg}");
}

#[test]
fn unwritable_string_ids_are_refused_and_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.tsv");
    let edges = EdgeTable {
        src: strs(&["ok", "two words"]),
        dst: strs(&["a", "b"]),
        weight: None,
    };
    let e = write_text_edges(&p, &edges, &TextWriteOptions::default()).unwrap_err();
    assert!(e.message.contains("\"two words\""), "{}", e.message);
    assert!(e.message.contains("whitespace"), "{}", e.message);
    assert!(!p.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    let p = dir.path().join("bad.csv");
    let edges = EdgeTable {
        src: strs(&["a"]),
        dst: strs(&["b,c"]),
        weight: None,
    };
    let e = write_text_edges(&p, &edges, &TextWriteOptions::for_path(&p)).unwrap_err();
    assert!(e.message.contains("delimiter"), "{}", e.message);
    assert!(!p.exists());
}

// ---------------------------------------------------------------------------
// Text: determinism across thread counts.
// ---------------------------------------------------------------------------

#[test]
fn parallel_read_matches_single_thread() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut ints_text = String::from("% generated\r\n");
    let mut str_text = String::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for k in 0..200_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if k % 5000 == 0 {
            ints_text.push_str("# checkpoint\n\n");
        }
        let w = (x % 10_000) as f32 / 7.0;
        writeln!(
            ints_text,
            "{} {}\t{w}",
            x % 1_000_003,
            (x >> 20) % 1_000_003
        )
        .unwrap();
        writeln!(str_text, "n{} n{}", x % 50_000, (x >> 24) % 50_000).unwrap();
    }
    // One non-integer id near the end forces every chunk to strings.
    writeln!(ints_text, "tail 1 0.5").unwrap();
    let p_int = put(dir.path(), "big.txt", ints_text.as_bytes());
    let p_str = put(dir.path(), "big-str.txt.gz", &gzip(str_text.as_bytes()));
    let run = |threads: usize, path: &Path, opts: &TextOptions| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| read_text_edges(path, opts).unwrap())
    };
    let one = run(1, &p_int, &weighted_opts());
    let three = run(3, &p_int, &weighted_opts());
    assert_eq!(one.len(), 200_001);
    assert!(matches!(one.src, IdColumn::Str(_)));
    assert_eq!(one, three);
    let one = run(1, &p_str, &TextOptions::default());
    let three = run(3, &p_str, &TextOptions::default());
    assert_eq!(one.len(), 200_000);
    assert_eq!(one, three);
}

// ---------------------------------------------------------------------------
// Matrix Market.
// ---------------------------------------------------------------------------

fn mtx_err(dir: &Path, name: &str, body: &[u8]) -> String {
    let p = put(dir, name, body);
    let e = read_mtx(&p).unwrap_err();
    assert_eq!(e.kind, IoErrorKind::BadInput);
    let msg = e.to_string();
    assert!(msg.contains(name), "{msg}");
    msg
}

#[test]
fn mtx_pattern_general_is_one_based() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(
        dir.path(),
        "p.mtx",
        b"%%MatrixMarket matrix coordinate pattern general\n% comment\n\n3 4 3\n1 1\n3 4\r\n2 1\n",
    );
    let g = read_mtx(&p).unwrap();
    assert_eq!(
        g,
        MtxGraph {
            n_rows: 3,
            n_cols: 4,
            symmetric: false,
            edges: EdgeTable {
                src: ints(&[0, 2, 1]),
                dst: ints(&[0, 3, 0]),
                weight: None,
            },
        }
    );
}

#[test]
fn mtx_real_symmetric_and_integer_fields_case_insensitive() {
    let dir = tempfile::tempdir().unwrap();
    let p = put(
        dir.path(),
        "s.mtx",
        b"%%MATRIXMARKET Matrix Coordinate REAL Symmetric\n3 3 3\n1 1 1.5\n3 1 -2e-1\n3 2 4\n",
    );
    let g = read_mtx(&p).unwrap();
    assert!(g.symmetric);
    assert_eq!(g.edges.src, ints(&[0, 2, 2]));
    assert_eq!(g.edges.dst, ints(&[0, 0, 1]));
    assert_eq!(g.edges.weight, Some(vec![1.5, -0.2, 4.0]));

    let p = put(
        dir.path(),
        "i.mtx.gz",
        &gzip(b"%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 2 7\n2 1 -3\n"),
    );
    let g = read_mtx(&p).unwrap();
    assert!(!g.symmetric);
    assert_eq!(g.edges.weight, Some(vec![7.0, -3.0]));
    assert_eq!(g.edges.src, ints(&[0, 1]));
}

#[test]
fn mtx_truncated_and_overfull_files_name_counts() {
    let dir = tempfile::tempdir().unwrap();
    let msg = mtx_err(
        dir.path(),
        "t.mtx",
        b"%%MatrixMarket matrix coordinate real general\n5 5 4\n1 1 1\n2 2 2\n",
    );
    assert!(msg.contains("truncated"), "{msg}");
    assert!(msg.contains("expected 4 entries"), "{msg}");
    assert!(msg.contains("found 2"), "{msg}");
    let msg = mtx_err(
        dir.path(),
        "o.mtx",
        b"%%MatrixMarket matrix coordinate pattern general\n5 5 1\n1 1\n2 2\n",
    );
    assert!(
        msg.contains("expected 1 entries") && msg.contains("found 2"),
        "{msg}"
    );
}

#[test]
fn mtx_bad_headers_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 6] = [
        (
            "a.mtx",
            b"%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n",
            "'array'",
        ),
        (
            "c.mtx",
            b"%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n",
            "'complex'",
        ),
        (
            "h.mtx",
            b"%%MatrixMarket matrix coordinate complex hermitian\n1 1 0\n",
            "'complex'",
        ),
        (
            "k.mtx",
            b"%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 0\n",
            "'skew-symmetric'",
        ),
        ("x.mtx", b"1 2\n2 3\n", "not a Matrix Market file"),
        (
            "short.mtx",
            b"%%MatrixMarket matrix coordinate\n",
            "incomplete Matrix Market header",
        ),
    ];
    for (name, body, want) in cases {
        let msg = mtx_err(dir.path(), name, body);
        assert!(msg.contains(want), "{name}: {msg}");
    }
    let msg = mtx_err(
        dir.path(),
        "herm.mtx",
        b"%%MatrixMarket matrix coordinate real hermitian\n1 1 0\n",
    );
    assert!(msg.contains("'hermitian'"), "{msg}");
}

#[test]
fn mtx_entry_errors_name_lines() {
    let dir = tempfile::tempdir().unwrap();
    let msg = mtx_err(
        dir.path(),
        "r.mtx",
        b"%%MatrixMarket matrix coordinate pattern general\n%c\n3 3 2\n1 1\n4 1\n",
    );
    assert!(
        msg.contains("line 5: row index 4 out of range 1..=3"),
        "{msg}"
    );
    let msg = mtx_err(
        dir.path(),
        "z.mtx",
        b"%%MatrixMarket matrix coordinate pattern general\n3 3 1\n1 0\n",
    );
    assert!(msg.contains("line 3: column index 0 out of range"), "{msg}");
    let msg = mtx_err(
        dir.path(),
        "v.mtx",
        b"%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 2\n2 2\n",
    );
    assert!(msg.contains("line 4: expected 3 fields"), "{msg}");
    let msg = mtx_err(
        dir.path(),
        "n.mtx",
        b"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 abc\n",
    );
    assert!(
        msg.contains("line 3: value \"abc\" is not a number"),
        "{msg}"
    );
    let msg = mtx_err(
        dir.path(),
        "size.mtx",
        b"%%MatrixMarket matrix coordinate real general\n% c\n3 3\n",
    );
    assert!(msg.contains("line 3: expected the size line"), "{msg}");
    let msg = mtx_err(
        dir.path(),
        "ns.mtx",
        b"%%MatrixMarket matrix coordinate real symmetric\n3 4 0\n",
    );
    assert!(msg.contains("square"), "{msg}");
}

#[test]
fn mtx_write_read_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    // General, weighted, rectangular, with an empty row.
    let a = Csr::from_parts(
        4,
        vec![0, 2, 2, 4],
        vec![0, 3, 1, 2],
        Some(vec![0.1, 2.0, -1.5, 1e-7]),
    )
    .unwrap();
    let p = dir.path().join("g.mtx");
    write_mtx(&p, &a, false).unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.starts_with("%%MatrixMarket matrix coordinate real general\n"),
        "{text}"
    );
    assert!(
        text.contains("\n3 4 4\n1 1 0.1\n1 4 2\n3 2 -1.5\n3 3 0.0000001\n"),
        "{text}"
    );
    let g = read_mtx(&p).unwrap();
    assert_eq!((g.n_rows, g.n_cols, g.symmetric), (3, 4, false));
    assert_eq!(g.edges.src, ints(&[0, 0, 2, 2]));
    assert_eq!(g.edges.dst, ints(&[0, 3, 1, 2]));
    assert_eq!(g.edges.weight, Some(vec![0.1, 2.0, -1.5, 1e-7]));

    // Symmetric pattern: only the lower triangle is written, gzip for .gz.
    // Rows 0 -> {1, 2}, 1 -> {0, 2}, 2 -> {0}: 1 -> 2 has no mirror, so refused.
    let s = Csr::from_parts(3, vec![0, 2, 4, 5], vec![1, 2, 0, 2, 0], None).unwrap();
    let p = dir.path().join("s.mtx.gz");
    assert!(write_mtx(&p, &s, true).is_err());
    assert!(!p.exists());
    let s = Csr::from_parts(3, vec![0, 2, 4, 6], vec![1, 2, 0, 2, 0, 1], None).unwrap();
    write_mtx(&p, &s, true).unwrap();
    let raw = std::fs::read(&p).unwrap();
    assert_eq!(&raw[..2], &[0x1f, 0x8b]);
    let text = gunzip(&raw);
    assert!(
        text.starts_with("%%MatrixMarket matrix coordinate pattern symmetric\n"),
        "{text}"
    );
    assert!(text.ends_with("\n3 3 3\n2 1\n3 1\n3 2\n"), "{text}");
    let g = read_mtx(&p).unwrap();
    assert!(g.symmetric);
    assert_eq!(g.edges.weight, None);
    assert_eq!(g.edges.src, ints(&[1, 2, 2]));
    assert_eq!(g.edges.dst, ints(&[0, 0, 1]));

    // The same matrix as general keeps all six entries.
    let p = dir.path().join("full.mtx");
    write_mtx(&p, &s, false).unwrap();
    let g = read_mtx(&p).unwrap();
    assert_eq!(g.edges.len(), 6);
    assert_eq!(g.edges.src, ints(&[0, 0, 1, 1, 2, 2]));
}
