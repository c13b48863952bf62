//! Apache GraphAr read/write: round trips, the on-disk layout of the specification,
//! errors on damaged folders, and a folder laid out like the reference library's.

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use proptest::prelude::*;
use spargraph_engine::{Csr, IdColumn, StrColumn};
use spargraph_io::graphar::{read_graphar, write_graphar, GraphArGraph, GraphArWriteOptions};
use spargraph_io::IoErrorKind;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

// ---------------------------------------------------------------------------------
// helpers

/// A CSR from an edge list (sorted, duplicates dropped).
fn csr(n: usize, edges: &[(u32, u32)], weights: Option<&[f32]>) -> Csr {
    let mut e: Vec<(u32, u32, f32)> = edges
        .iter()
        .enumerate()
        .map(|(k, &(s, d))| (s, d, weights.map_or(1.0, |w| w[k])))
        .collect();
    e.sort_by_key(|x| (x.0, x.1));
    e.dedup_by_key(|x| (x.0, x.1));
    let mut offsets = vec![0u64; n + 1];
    for x in &e {
        offsets[x.0 as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let targets = e.iter().map(|x| x.1).collect();
    let w = weights.map(|_| e.iter().map(|x| x.2).collect());
    Csr::from_parts(n, offsets, targets, w).unwrap()
}

fn symmetric(n: usize, edges: &[(u32, u32)]) -> Csr {
    let mut all: Vec<(u32, u32)> = edges.to_vec();
    all.extend(edges.iter().map(|&(s, d)| (d, s)));
    csr(n, &all, None)
}

fn small_opts() -> GraphArWriteOptions {
    GraphArWriteOptions {
        vertex_chunk_size: 3,
        edge_chunk_size: 5,
        ..Default::default()
    }
}

/// 11 people, int ids, weighted, directed; vertices 4 and 10 isolated; part 1
/// (vertices 3..6) has 7 edges, so two adjacency chunks of at most 5.
fn sample() -> GraphArGraph {
    let edges = [
        (0, 1),
        (0, 5),
        (2, 0),
        (3, 0),
        (3, 1),
        (3, 2),
        (3, 9),
        (5, 3),
        (5, 6),
        (5, 8),
        (6, 7),
        (8, 9),
        (9, 0),
    ];
    let w: Vec<f32> = (0..edges.len()).map(|k| 0.25 + k as f32).collect();
    GraphArGraph {
        name: "g".into(),
        vertex_label: "person".into(),
        edge_label: "knows".into(),
        directed: true,
        vertex_ids: IdColumn::Int(vec![100, 7, -3, 42, 8, 9_000_000_000, 11, 12, 13, 0, 99]),
        csr: csr(11, &edges, Some(&w)),
    }
}

fn read_i64_col(path: &Path, name: &str) -> Vec<i64> {
    let r = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for b in r {
        let b = b.unwrap();
        let c = b
            .column_by_name(name)
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()));
        out.extend(c.as_primitive::<Int64Type>().values().iter().copied());
    }
    out
}

fn col_names(path: &Path) -> Vec<String> {
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    b.schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect()
}

fn write_cols(path: &Path, cols: Vec<(&str, ArrayRef)>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), false))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch =
        RecordBatch::try_new(schema.clone(), cols.into_iter().map(|c| c.1).collect()).unwrap();
    let mut w = ArrowWriter::try_new(File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn i64s(v: &[i64]) -> ArrayRef {
    Arc::new(Int64Array::from(v.to_vec()))
}

fn strs(v: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

fn adj(dir: &Path) -> PathBuf {
    dir.join("edge/person_knows_person/ordered_by_source")
}

fn edit(path: &Path, from: &str, to: &str) {
    let t = std::fs::read_to_string(path).unwrap();
    assert!(t.contains(from), "{} lacks {from:?}:\n{t}", path.display());
    std::fs::write(path, t.replacen(from, to, 1)).unwrap();
}

fn err_of(path: &Path) -> spargraph_io::IoError {
    let e = read_graphar(path).expect_err("reading should fail");
    assert_eq!(e.kind, IoErrorKind::BadInput, "{e}");
    e
}

// ---------------------------------------------------------------------------------
// round trips

#[test]
fn round_trip_int_ids_weighted_directed_several_chunks() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("out");
    let g = sample();
    write_graphar(&dir, &g, &small_opts()).unwrap();
    // several vertex chunks and several edge chunks in one part
    assert!(dir.join("vertex/person/id/chunk3").is_file());
    assert!(adj(&dir).join("adj_list/part1/chunk1").is_file());
    assert!(!adj(&dir).join("adj_list/part1/chunk2").exists());
    let back = read_graphar(&dir).unwrap();
    assert_eq!(back, g);
    assert_eq!(back.csr.row_len(4), 0);
    assert_eq!(back.csr.row_len(10), 0);
}

#[test]
fn round_trip_string_ids_unweighted_undirected() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("social");
    let ids: StrColumn = [
        "alice",
        "bob",
        "carol dee",
        "dave: x # y",
        "ümlaut",
        "",
        "true",
        "123",
    ]
    .into_iter()
    .collect();
    let g = GraphArGraph {
        name: "friends graph".into(),
        vertex_label: "user".into(),
        edge_label: "likes".into(),
        directed: false,
        vertex_ids: IdColumn::Str(ids),
        csr: symmetric(8, &[(0, 1), (1, 2), (2, 3), (3, 0), (4, 7), (6, 6)]),
    };
    write_graphar(&dir, &g, &small_opts()).unwrap();
    assert!(dir.join("friends graph.graph.yml").is_file());
    let edge_yml = std::fs::read_to_string(dir.join("user_likes_user.edge.yml")).unwrap();
    assert!(edge_yml.contains("directed: false\n"), "{edge_yml}");
    assert!(
        !edge_yml.contains("property_groups"),
        "unweighted: no weight group\n{edge_yml}"
    );
    let back = read_graphar(&dir).unwrap();
    assert_eq!(back, g);
    assert!(!back.directed);
    assert!(back.csr.is_symmetric());
    assert!(back.csr.weights().is_none());
}

#[test]
fn round_trip_nodes_without_edges() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("empty");
    let g = GraphArGraph {
        name: "lonely".into(),
        vertex_label: "v".into(),
        edge_label: "e".into(),
        directed: true,
        vertex_ids: IdColumn::Int((10..17).collect()),
        csr: Csr::empty(7, 7),
    };
    write_graphar(&dir, &g, &small_opts()).unwrap();
    let a = dir.join("edge/v_e_v/ordered_by_source");
    // offsets and edge counts per part, no adjacency chunk (as the reference writer)
    for i in 0..3 {
        let o = read_i64_col(&a.join(format!("offset/chunk{i}")), "_graphArOffset");
        assert!(o.iter().all(|&x| x == 0) && !o.is_empty(), "{o:?}");
        assert_eq!(
            std::fs::read(a.join(format!("edge_count{i}"))).unwrap(),
            0i64.to_le_bytes()
        );
    }
    assert!(!a.join("adj_list/part0/chunk0").exists());
    let back = read_graphar(&dir).unwrap();
    assert_eq!(back, g);
    assert_eq!(back.csr.nnz(), 0);
}

#[test]
fn round_trip_zero_vertices() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("zero");
    let g = GraphArGraph {
        name: "z".into(),
        vertex_label: "v".into(),
        edge_label: "e".into(),
        directed: true,
        vertex_ids: IdColumn::Int(vec![]),
        csr: Csr::empty(0, 0),
    };
    write_graphar(&dir, &g, &GraphArWriteOptions::default()).unwrap();
    assert_eq!(
        std::fs::read(dir.join("vertex/v/vertex_count")).unwrap(),
        0i64.to_le_bytes()
    );
    assert_eq!(read_graphar(&dir).unwrap(), g);
}

#[test]
fn default_options_follow_the_spec_recommendations() {
    let o = GraphArWriteOptions::default();
    assert_eq!(
        (o.vertex_chunk_size, o.edge_chunk_size, o.file_type.as_str()),
        (262_144, 4_194_304, "parquet")
    );
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("d");
    let g = sample();
    write_graphar(&dir, &g, &o).unwrap();
    let v = std::fs::read_to_string(dir.join("person.vertex.yml")).unwrap();
    assert!(v.contains("chunk_size: 262144\n"), "{v}");
    let e = std::fs::read_to_string(dir.join("person_knows_person.edge.yml")).unwrap();
    assert!(
        e.contains("\nchunk_size: 4194304\n") && e.contains("src_chunk_size: 262144\n"),
        "{e}"
    );
    assert!(!adj(&dir).join("adj_list/part1").exists());
    assert_eq!(read_graphar(&dir).unwrap(), g);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn round_trip_random_graphs(
        n in 0usize..30,
        raw in prop::collection::vec((0u32..30, 0u32..30, 0.0f32..10.0), 0..80),
        weighted in any::<bool>(),
        string_ids in any::<bool>(),
        vcs in 1u64..7,
        ecs in 1u64..7,
    ) {
        let edges: Vec<(u32, u32)> = raw.iter().filter(|e| (e.0 as usize) < n && (e.1 as usize) < n).map(|e| (e.0, e.1)).collect();
        let w: Vec<f32> = raw.iter().filter(|e| (e.0 as usize) < n && (e.1 as usize) < n).map(|e| e.2).collect();
        let ids = if string_ids {
            IdColumn::Str((0..n).map(|k| format!("v{k}")).collect::<Vec<_>>().iter().map(String::as_str).collect())
        } else {
            IdColumn::Int((0..n as i64).map(|k| k * 3 - 7).collect())
        };
        let g = GraphArGraph {
            name: "p".into(),
            vertex_label: "node".into(),
            edge_label: "link".into(),
            directed: true,
            vertex_ids: ids,
            csr: csr(n, &edges, weighted.then_some(&w[..])),
        };
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("g");
        let opts = GraphArWriteOptions { vertex_chunk_size: vcs, edge_chunk_size: ecs, ..Default::default() };
        write_graphar(&dir, &g, &opts).unwrap();
        prop_assert_eq!(read_graphar(&dir).unwrap(), g);
    }
}

// ---------------------------------------------------------------------------------
// layout

#[test]
fn layout_and_yaml_keys_follow_the_spec() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("g");
    let g = sample();
    write_graphar(&dir, &g, &small_opts()).unwrap();

    let graph_yml = std::fs::read_to_string(dir.join("g.graph.yml")).unwrap();
    assert_eq!(
        graph_yml,
        "name: g\nprefix: ./\nvertices:\n  - person.vertex.yml\nedges:\n  - person_knows_person.edge.yml\nversion: gar/v1\n"
    );
    let vertex_yml = std::fs::read_to_string(dir.join("person.vertex.yml")).unwrap();
    assert_eq!(
        vertex_yml,
        "type: person\nchunk_size: 3\nprefix: vertex/person/\nproperty_groups:\n  - prefix: id/\n    file_type: parquet\n    \
         properties:\n      - name: id\n        data_type: int64\n        is_primary: true\n        is_nullable: false\nversion: gar/v1\n"
    );
    let edge_yml = std::fs::read_to_string(dir.join("person_knows_person.edge.yml")).unwrap();
    for line in [
        "src_type: person\n",
        "edge_type: knows\n",
        "dst_type: person\n",
        "\nchunk_size: 5\n",
        "src_chunk_size: 3\n",
        "dst_chunk_size: 3\n",
        "directed: true\n",
        "prefix: edge/person_knows_person/\n",
        "adj_lists:\n  - ordered: true\n    aligned_by: src\n    prefix: ordered_by_source/\n    file_type: parquet\n",
        "property_groups:\n  - prefix: weight/\n    file_type: parquet\n    properties:\n      - name: weight\n        data_type: float\n",
        "version: gar/v1\n",
    ] {
        assert!(edge_yml.contains(line), "missing {line:?} in\n{edge_yml}");
    }

    // vertex chunks: <prefix>/<property group prefix>/chunk<i>, 3 full + 1 of 2 rows
    assert_eq!(
        std::fs::read(dir.join("vertex/person/vertex_count")).unwrap(),
        11i64.to_le_bytes()
    );
    let c0 = dir.join("vertex/person/id/chunk0");
    assert_eq!(col_names(&c0), ["_graphArVertexIndex", "id"]);
    assert_eq!(read_i64_col(&c0, "id"), [100, 7, -3]);
    assert_eq!(
        read_i64_col(&dir.join("vertex/person/id/chunk3"), "_graphArVertexIndex"),
        [9, 10]
    );
    assert!(!dir.join("vertex/person/id/chunk4").exists());

    // offsets: one chunk per vertex chunk, vertex_chunk_size + 1 entries, fewer for the last
    let a = adj(&dir);
    assert_eq!(
        std::fs::read(a.join("vertex_count")).unwrap(),
        11i64.to_le_bytes()
    );
    let off: Vec<Vec<i64>> = (0..4)
        .map(|i| read_i64_col(&a.join(format!("offset/chunk{i}")), "_graphArOffset"))
        .collect();
    assert_eq!(off[0], [0, 2, 2, 3]);
    assert_eq!(off[1], [0, 4, 4, 7]);
    assert_eq!(off[2], [0, 1, 1, 2]);
    assert_eq!(off[3], [0, 1, 1]);
    assert_eq!(col_names(&a.join("offset/chunk0")), ["_graphArOffset"]);
    for (i, o) in off.iter().enumerate() {
        assert_eq!(
            std::fs::read(a.join(format!("edge_count{i}"))).unwrap(),
            o.last().unwrap().to_le_bytes()
        );
    }

    // adjacency: adj_list/part<i>/chunk<j>, global internal ids, chunks of 5 rows
    let p1c0 = a.join("adj_list/part1/chunk0");
    assert_eq!(col_names(&p1c0), ["_graphArSrcIndex", "_graphArDstIndex"]);
    assert_eq!(read_i64_col(&p1c0, "_graphArSrcIndex"), [3, 3, 3, 3, 5]);
    assert_eq!(read_i64_col(&p1c0, "_graphArDstIndex"), [0, 1, 2, 9, 3]);
    let p1c1 = a.join("adj_list/part1/chunk1");
    assert_eq!(read_i64_col(&p1c1, "_graphArSrcIndex"), [5, 5]);
    // edge property group: <adj prefix>/<group prefix>/part<i>/chunk<j>, aligned with adj_list
    let wb = ParquetRecordBatchReaderBuilder::try_new(
        File::open(a.join("weight/part1/chunk1")).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap()
    .next()
    .unwrap()
    .unwrap();
    assert_eq!(wb.schema().field(0).name(), "weight");
    assert_eq!(wb.num_rows(), 2);

    // zstd compression, as the reference writer
    let meta = ParquetRecordBatchReaderBuilder::try_new(File::open(&p1c0).unwrap()).unwrap();
    let codec = meta.metadata().row_group(0).column(0).compression();
    assert!(
        matches!(codec, parquet::basic::Compression::ZSTD(_)),
        "{codec:?}"
    );

    // nothing else at the top level but the list of the files written
    let mut top: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(
        top,
        [
            ".spargraph-files",
            "edge",
            "g.graph.yml",
            "person.vertex.yml",
            "person_knows_person.edge.yml",
            "vertex"
        ]
    );
}

#[test]
fn reads_the_graph_file_directly_and_finds_it_in_the_folder() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("g");
    write_graphar(&dir, &sample(), &small_opts()).unwrap();
    assert_eq!(read_graphar(&dir.join("g.graph.yml")).unwrap(), sample());

    let e = err_of(&t.path().join("nope"));
    assert!(e.message.contains("no such file"), "{e}");
    let empty = t.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let e = err_of(&empty);
    assert!(e.message.contains("no GraphAr graph file"), "{e}");
    std::fs::copy(dir.join("g.graph.yml"), dir.join("h.graph.yml")).unwrap();
    let e = err_of(&dir);
    assert!(
        e.message.contains("several") && e.message.contains("h.graph.yml"),
        "{e}"
    );
    // naming the file resolves the ambiguity
    assert_eq!(read_graphar(&dir.join("h.graph.yml")).unwrap(), sample());
}

#[test]
fn writing_over_a_written_folder_replaces_it_and_keeps_user_files() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("g");
    let mut big = sample();
    big.name = "old".into();
    write_graphar(&dir, &big, &small_opts()).unwrap();
    std::fs::write(dir.join("stray.txt"), b"x").unwrap();

    let small = GraphArGraph {
        name: "new".into(),
        vertex_label: "person".into(),
        edge_label: "knows".into(),
        directed: true,
        vertex_ids: IdColumn::Int(vec![5, 6]),
        csr: csr(2, &[(0, 1)], None),
    };
    // a file the user added is never deleted: the write is refused, naming it
    let e = write_graphar(&dir, &small, &small_opts()).unwrap_err();
    assert!(e.to_string().contains("stray.txt"), "{e}");
    assert!(dir.join("stray.txt").exists() && dir.join("old.graph.yml").exists());
    std::fs::remove_file(dir.join("stray.txt")).unwrap();
    write_graphar(&dir, &small, &small_opts()).unwrap();
    assert_eq!(read_graphar(&dir).unwrap(), small);
    assert!(!dir.join("old.graph.yml").exists());
    assert!(!dir.join("vertex/person/id/chunk1").exists());
    assert!(!adj(&dir).join("weight").exists());
    // no temporary folder left beside the target
    assert_eq!(std::fs::read_dir(t.path()).unwrap().count(), 1);

    // a rejected write leaves the folder as it was
    let bad = GraphArWriteOptions {
        file_type: "csv".into(),
        ..small_opts()
    };
    let e = write_graphar(&dir, &sample(), &bad).unwrap_err();
    assert!(
        e.message.contains("only parquet chunks are supported"),
        "{e}"
    );
    assert_eq!(read_graphar(&dir).unwrap(), small);
}

#[test]
fn write_rejects_bad_graphs_and_options() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("g");
    let zero = GraphArWriteOptions {
        vertex_chunk_size: 0,
        ..Default::default()
    };
    assert!(write_graphar(&dir, &sample(), &zero)
        .unwrap_err()
        .message
        .contains("chunk sizes"));
    let mut g = sample();
    g.vertex_label = "a/b".into();
    assert!(write_graphar(&dir, &g, &small_opts())
        .unwrap_err()
        .message
        .contains("vertex label"));
    let mut g = sample();
    g.vertex_ids = IdColumn::Int(vec![1, 2]);
    assert!(write_graphar(&dir, &g, &small_opts())
        .unwrap_err()
        .message
        .contains("2 vertex ids for 11"));
    assert!(!dir.exists());
}

// ---------------------------------------------------------------------------------
// damaged folders

fn written() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("g");
    write_graphar(&dir, &sample(), &small_opts()).unwrap();
    (t, dir)
}

#[test]
fn missing_chunks_are_reported_with_their_path() {
    let (_t, dir) = written();
    std::fs::remove_file(adj(&dir).join("adj_list/part1/chunk1")).unwrap();
    let e = err_of(&dir);
    assert!(e.path.ends_with("adj_list/part1/chunk1"), "{e}");
    assert!(
        e.message.contains("missing") && e.message.contains("7 edges"),
        "{e}"
    );

    let (_t, dir) = written();
    std::fs::remove_file(dir.join("vertex/person/id/chunk2")).unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("vertex/person/id/chunk2") && e.message.contains("missing"),
        "{e}"
    );

    let (_t, dir) = written();
    std::fs::remove_file(adj(&dir).join("weight/part2/chunk0")).unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("weight/part2/chunk0") && e.message.contains("missing"),
        "{e}"
    );
}

#[test]
fn corrupted_vertex_count_is_reported() {
    let (_t, dir) = written();
    let vc = dir.join("vertex/person/vertex_count");
    std::fs::write(&vc, [11u8, 0, 0, 0]).unwrap();
    let e = err_of(&dir);
    assert!(e.path.ends_with("vertex/person/vertex_count"), "{e}");
    assert!(
        e.message.contains("8 bytes") && e.message.contains("found 4"),
        "{e}"
    );

    // the right size but a count that the chunks do not hold
    std::fs::write(&vc, 14i64.to_le_bytes()).unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("id/chunk4") && e.message.contains("missing"),
        "{e}"
    );
    std::fs::write(&vc, 10i64.to_le_bytes()).unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("id/chunk3") && e.message.contains("2 rows, expected 1"),
        "{e}"
    );
    std::fs::write(&vc, (-1i64).to_le_bytes()).unwrap();
    assert!(err_of(&dir).message.contains("negative"));
}

#[test]
fn offsets_inconsistent_with_the_adjacency_are_reported() {
    // total differs from the adjacency
    let (_t, dir) = written();
    let oc = adj(&dir).join("offset/chunk1");
    write_cols(&oc, vec![("_graphArOffset", i64s(&[0, 4, 4, 6]))]);
    std::fs::remove_file(adj(&dir).join("edge_count1")).unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("adj_list/part1/chunk1") && e.message.contains("expected 1"),
        "{e}"
    );

    // same total, but edges attributed to the wrong source
    let (_t, dir) = written();
    let oc = adj(&dir).join("offset/chunk1");
    write_cols(&oc, vec![("_graphArOffset", i64s(&[0, 3, 4, 7]))]);
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("offset/chunk1") && e.message.contains("not consistent"),
        "{e}"
    );

    // not starting at 0, decreasing, wrong length
    for bad in [
        &[1, 4, 4, 7][..],
        &[0, 5, 4, 7],
        &[0, 4, 7],
        &[0, 4, 4, 7, 7, 7],
    ] {
        let (_t, dir) = written();
        write_cols(
            &adj(&dir).join("offset/chunk1"),
            vec![("_graphArOffset", i64s(bad))],
        );
        let e = err_of(&dir);
        assert!(e.path.ends_with("offset/chunk1"), "{bad:?}: {e}");
    }

    // edge_count disagreeing with the offsets
    let (_t, dir) = written();
    std::fs::write(adj(&dir).join("edge_count0"), 9i64.to_le_bytes()).unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("edge_count0") && e.message.contains("says 9 edges"),
        "{e}"
    );
}

#[test]
fn out_of_range_indices_are_reported() {
    let (_t, dir) = written();
    let c = adj(&dir).join("adj_list/part0/chunk0");
    write_cols(
        &c,
        vec![
            ("_graphArSrcIndex", i64s(&[0, 0, 2])),
            ("_graphArDstIndex", i64s(&[1, 11, 0])),
        ],
    );
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("part0/chunk0")
            && e.message.contains("destination index 11 is out of range"),
        "{e}"
    );

    write_cols(
        &c,
        vec![
            ("_graphArSrcIndex", i64s(&[0, 0, 4])),
            ("_graphArDstIndex", i64s(&[1, 5, 0])),
        ],
    );
    let e = err_of(&dir);
    assert!(
        e.message.contains("source index 4 is outside part 0"),
        "{e}"
    );

    write_cols(
        &c,
        vec![
            ("_graphArSrcIndex", i64s(&[0, 0, 2])),
            ("_graphArDstIndex", i64s(&[1, 1, 0])),
        ],
    );
    let e = err_of(&dir);
    assert!(e.message.contains("duplicate edge 0 -> 1"), "{e}");

    write_cols(
        &c,
        vec![
            ("src", i64s(&[0, 0, 2])),
            ("_graphArDstIndex", i64s(&[1, 5, 0])),
        ],
    );
    let e = err_of(&dir);
    assert!(
        e.message.contains("column '_graphArSrcIndex' not found"),
        "{e}"
    );

    std::fs::write(&c, b"PAR1 not really").unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("part0/chunk0") && e.message.contains("Parquet"),
        "{e}"
    );
}

#[test]
fn info_file_errors_name_file_and_key() {
    let (_t, dir) = written();
    edit(
        &dir.join("person_knows_person.edge.yml"),
        "    file_type: parquet\n",
        "    file_type: csv\n",
    );
    let e = err_of(&dir);
    assert!(e.path.ends_with("person_knows_person.edge.yml"), "{e}");
    assert!(
        e.message.contains("only parquet chunks are supported") && e.message.contains("line 10"),
        "{e}"
    );

    let (_t, dir) = written();
    edit(
        &dir.join("person.vertex.yml"),
        "file_type: parquet",
        "file_type: orc",
    );
    assert!(err_of(&dir)
        .message
        .contains("only parquet chunks are supported"));

    let (_t, dir) = written();
    edit(
        &dir.join("g.graph.yml"),
        "version: gar/v1",
        "version: gar/v2",
    );
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("g.graph.yml") && e.message.contains("unsupported version 'gar/v2'"),
        "{e}"
    );

    let (_t, dir) = written();
    edit(&dir.join("person.vertex.yml"), "chunk_size: 3\n", "");
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("person.vertex.yml") && e.message.contains("missing key 'chunk_size'"),
        "{e}"
    );

    let (_t, dir) = written();
    edit(
        &dir.join("person_knows_person.edge.yml"),
        "    aligned_by: src\n",
        "",
    );
    let e = err_of(&dir);
    assert!(
        e.message
            .contains("missing key 'aligned_by' in an adj_lists entry at line 10"),
        "{e}"
    );

    let (_t, dir) = written();
    edit(
        &dir.join("person_knows_person.edge.yml"),
        "directed: true",
        "directed: maybe",
    );
    let e = err_of(&dir);
    assert!(
        e.message.contains("line 7") && e.message.contains("'directed' must be true or false"),
        "{e}"
    );

    let (_t, dir) = written();
    edit(
        &dir.join("person_knows_person.edge.yml"),
        "ordered: true",
        "ordered: false",
    );
    let e = err_of(&dir);
    assert!(
        e.message
            .contains("no edge type from 'person' to 'person' with an ordered_by_source"),
        "{e}"
    );

    let (_t, dir) = written();
    std::fs::remove_file(dir.join("person.vertex.yml")).unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("person.vertex.yml") && e.message.contains("no such file"),
        "{e}"
    );
}

#[test]
fn offsets_are_derived_from_the_adjacency_when_absent() {
    let (_t, dir) = written();
    std::fs::remove_dir_all(adj(&dir).join("offset")).unwrap();
    assert_eq!(read_graphar(&dir).unwrap(), sample());
    // edge_count<i> still tells how many chunks to expect
    std::fs::remove_file(adj(&dir).join("adj_list/part1/chunk1")).unwrap();
    let e = err_of(&dir);
    assert!(
        e.path.ends_with("part1/chunk1")
            && e.message.contains("edge_count1 says part 1 has 7 edges"),
        "{e}"
    );

    // with neither offsets nor counts, the chunks present are read
    let (_t, dir) = written();
    std::fs::remove_dir_all(adj(&dir).join("offset")).unwrap();
    for i in 0..4 {
        std::fs::remove_file(adj(&dir).join(format!("edge_count{i}"))).unwrap();
    }
    assert_eq!(read_graphar(&dir).unwrap(), sample());
}

// ---------------------------------------------------------------------------------
// a folder laid out as the reference implementation writes it

/// `ldbc_sample.graph.yml` of the GraphAr test data (incubator-graphar-testing,
/// `ldbc_sample/parquet/`), restricted to the one edge type.
const LDBC_GRAPH: &str = "name: ldbc_sample
vertices:
  - person.vertex.yml
edges:
  - person_knows_person.edge.yml
version: gar/v1
";

/// The `person.vertex.yml` of the GraphAr documentation and test data, with
/// `chunk_size: 100` made 4 so that the 10 people below span three chunks.
const LDBC_PERSON: &str = "type: person
chunk_size: 4
prefix: vertex/person/
property_groups:
  - properties:
      - name: id
        data_type: int64
        is_primary: true
    file_type: parquet
  - properties:
      - name: firstName
        data_type: string
        is_primary: false
      - name: lastName
        data_type: string
        is_primary: false
      - name: gender
        data_type: string
        is_primary: false
    file_type: parquet
version: gar/v1
";

/// `ldbc_sample/parquet/person_knows_person.edge.yml` (first property group), with
/// `chunk_size: 1024` made 3 and `src_chunk_size`/`dst_chunk_size: 100` made 4.
const LDBC_KNOWS: &str = "src_type: person
edge_type: knows
dst_type: person
chunk_size: 3
src_chunk_size: 4
dst_chunk_size: 4
directed: false
prefix: edge/person_knows_person/
adj_lists:
  - ordered: false
    aligned_by: src
    file_type: parquet
  - ordered: true
    aligned_by: src
    file_type: parquet
  - ordered: true
    aligned_by: dst
    file_type: parquet
property_groups:
  - file_type: parquet
    properties:
      - name: creationDate
        data_type: string
        is_primary: false
version: gar/v1
";

const LDBC_IDS: [i64; 10] = [
    933,
    1129,
    4194,
    6597069767117,
    8333,
    10027,
    13194139534410,
    15393,
    17592186044500,
    21990232555527,
];

/// Edges by internal id, in the order the reference writer stores them: sorted by
/// source only (destinations within a source in insertion order). Part 1
/// (vertices 4..8) has no edges.
const LDBC_EDGES: [(i64, i64); 7] = [(0, 7), (0, 2), (0, 9), (1, 3), (3, 0), (8, 1), (9, 8)];

/// Writes the data files as the C++ library does (`VertexPropertyWriter`,
/// `EdgesBuilder`): vertex chunks with `_graphArVertexIndex`, `vertex_count`,
/// offset chunks of `src_chunk_size + 1` rows (the last padded), `edge_count<i>`, the
/// edge-side `vertex_count`, adjacency chunks only for parts with edges, and the
/// `creationDate` property group.
fn write_reference_folder(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("ldbc_sample.graph.yml"), LDBC_GRAPH).unwrap();
    std::fs::write(dir.join("person.vertex.yml"), LDBC_PERSON).unwrap();
    std::fs::write(dir.join("person_knows_person.edge.yml"), LDBC_KNOWS).unwrap();
    let vdir = dir.join("vertex/person");
    std::fs::create_dir_all(&vdir).unwrap();
    std::fs::write(vdir.join("vertex_count"), 10i64.to_le_bytes()).unwrap();
    for (i, range) in [(0, 0..4), (1, 4..8), (2, 8..10)] {
        let idx: Vec<i64> = range.clone().map(|k| k as i64).collect();
        write_cols(
            &vdir.join(format!("id/chunk{i}")),
            vec![
                ("_graphArVertexIndex", i64s(&idx)),
                ("id", i64s(&LDBC_IDS[range.clone()])),
            ],
        );
        let names: Vec<String> = range.clone().map(|k| format!("name{k}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        write_cols(
            &vdir.join(format!("firstName_lastName_gender/chunk{i}")),
            vec![
                ("_graphArVertexIndex", i64s(&idx)),
                ("firstName", strs(&names)),
                ("lastName", strs(&names)),
                ("gender", strs(&vec!["female"; names.len()])),
            ],
        );
    }
    let a = dir.join("edge/person_knows_person/ordered_by_source");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::write(a.join("vertex_count"), 10i64.to_le_bytes()).unwrap();
    for part in 0..3i64 {
        let (lo, hi) = (part * 4, part * 4 + 4);
        let edges: Vec<(i64, i64)> = LDBC_EDGES
            .iter()
            .copied()
            .filter(|e| e.0 >= lo && e.0 < hi)
            .collect();
        // offsets over the whole vertex chunk, as EdgesBuilder::getOffsetTable
        let offsets: Vec<i64> = std::iter::once(0)
            .chain((lo..hi).map(|v| edges.iter().filter(|e| e.0 <= v).count() as i64))
            .collect();
        assert_eq!(offsets.len(), 5);
        write_cols(
            &a.join(format!("offset/chunk{part}")),
            vec![("_graphArOffset", i64s(&offsets))],
        );
        std::fs::write(
            a.join(format!("edge_count{part}")),
            (edges.len() as i64).to_le_bytes(),
        )
        .unwrap();
        for (j, c) in edges.chunks(3).enumerate() {
            let s: Vec<i64> = c.iter().map(|e| e.0).collect();
            let d: Vec<i64> = c.iter().map(|e| e.1).collect();
            write_cols(
                &a.join(format!("adj_list/part{part}/chunk{j}")),
                vec![
                    ("_graphArSrcIndex", i64s(&s)),
                    ("_graphArDstIndex", i64s(&d)),
                ],
            );
            let dates: Vec<&str> = c.iter().map(|_| "2010-03-13T02:10:23.099+0000").collect();
            write_cols(
                &a.join(format!("creationDate/part{part}/chunk{j}")),
                vec![("creationDate", strs(&dates))],
            );
        }
    }
}

fn ldbc_expected() -> GraphArGraph {
    let e: Vec<(u32, u32)> = LDBC_EDGES
        .iter()
        .map(|&(s, d)| (s as u32, d as u32))
        .collect();
    GraphArGraph {
        name: "ldbc_sample".into(),
        vertex_label: "person".into(),
        edge_label: "knows".into(),
        directed: false,
        vertex_ids: IdColumn::Int(LDBC_IDS.to_vec()),
        csr: csr(10, &e, None),
    }
}

#[test]
fn reads_a_folder_laid_out_like_the_reference_library() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("ldbc_sample");
    write_reference_folder(&dir);
    assert!(dir
        .join("edge/person_knows_person/ordered_by_source/adj_list/part0/chunk1")
        .is_file());
    assert!(!dir
        .join("edge/person_knows_person/ordered_by_source/adj_list/part1")
        .exists());
    let g = read_graphar(&dir).unwrap();
    assert_eq!(g, ldbc_expected());
    // stored once per undirected edge by that writer: returned as stored
    assert!(!g.csr.is_symmetric());
    assert_eq!(g.csr.row(0), [2, 7, 9]);

    // and back: what we write from it reads the same
    let out = t.path().join("copy");
    write_graphar(&out, &g, &GraphArWriteOptions::default()).unwrap();
    assert_eq!(read_graphar(&out).unwrap(), g);
}

#[test]
fn reads_pre_1_0_key_names_and_yaml_variants() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("ldbc_sample");
    write_reference_folder(&dir);
    // `label`, `src_label`, ... as in GraphAr releases before the rename to `type`
    edit(
        &dir.join("person.vertex.yml"),
        "type: person",
        "label: person",
    );
    let e = dir.join("person_knows_person.edge.yml");
    edit(&e, "src_type:", "src_label:");
    edit(&e, "edge_type:", "edge_label:");
    edit(&e, "dst_type:", "dst_label:");
    // comments, quotes, a flow list, and a list at its key's indentation (PyYAML style)
    std::fs::write(
        dir.join("ldbc_sample.graph.yml"),
        "# written by hand\nname: 'ldbc_sample'  # the name\nprefix: \"./\"\nvertices: [person.vertex.yml]\nedges:\n- person_knows_person.edge.yml\nversion: gar/v1\n",
    )
    .unwrap();
    assert_eq!(read_graphar(&dir).unwrap(), ldbc_expected());
}

#[test]
fn graph_prefix_points_at_the_data() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    write_reference_folder(&data);
    let meta = t.path().join("meta");
    std::fs::create_dir(&meta).unwrap();
    for f in ["person.vertex.yml", "person_knows_person.edge.yml"] {
        std::fs::rename(data.join(f), meta.join(f)).unwrap();
    }
    std::fs::remove_file(data.join("ldbc_sample.graph.yml")).unwrap();
    std::fs::write(
        meta.join("ldbc_sample.graph.yml"),
        format!("prefix: ../data/\n{LDBC_GRAPH}"),
    )
    .unwrap();
    assert_eq!(read_graphar(&meta).unwrap(), ldbc_expected());
    let abs = format!("prefix: {}/\n{LDBC_GRAPH}", data.display());
    std::fs::write(meta.join("ldbc_sample.graph.yml"), abs).unwrap();
    assert_eq!(read_graphar(&meta).unwrap(), ldbc_expected());
}
