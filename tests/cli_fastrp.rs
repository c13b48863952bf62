//! `spargraph fastrp` end to end: output schema, determinism across thread counts,
//! features, and bad input.

mod common;
use common::*;
use spargraph::io::parquet_table::{read_table, write_table};
use spargraph::io::{Column, Table};
use std::path::{Path, PathBuf};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn embedding(path: &Path) -> (Vec<i64>, usize, Vec<f32>) {
    let t = read_table(path, None).unwrap();
    let Some(Column::I64(ids)) = t.column("node_id").cloned() else {
        panic!("node_id")
    };
    let Some(Column::Matrix { dim, values }) = t.column("embedding").cloned() else {
        panic!("embedding")
    };
    (ids, dim, values)
}

#[test]
fn writes_one_finite_row_per_node_with_the_users_ids() {
    let dir = tmp();
    let out = dir.path().join("e.parquet");
    let summary = ok(&[
        "fastrp",
        "--input",
        &dataset("karate.parquet"),
        "--dim",
        "16",
        "--output",
        &s(&out),
        "--json",
    ]);
    let (ids, dim, values) = embedding(&out);
    assert_eq!(dim, 16);
    assert_eq!(ids, (1..=34).collect::<Vec<i64>>());
    assert_eq!(values.len(), 34 * 16);
    assert!(values.iter().all(|v| v.is_finite()));
    // Standardised columns: mean 0.
    for j in 0..16 {
        let mean: f64 = (0..34).map(|i| values[i * 16 + j] as f64).sum::<f64>() / 34.0;
        assert!(mean.abs() < 1e-5, "column {j} mean {mean}");
    }
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(v["config"]["dim"], 16);
    assert_eq!(v["config"]["normalization_strength"], -0.1);
}

#[test]
fn same_seed_gives_identical_files_for_one_and_two_threads() {
    let dir = tmp();
    let feats = features_file(dir.path(), 0..1005, 3);
    let mut outs: Vec<PathBuf> = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("e{threads}.parquet"));
        ok(&[
            "fastrp",
            "--input",
            &dataset("email-eu-core.parquet"),
            "--directed",
            "--orientation",
            "undirected",
            "--features",
            &s(&feats),
            "--property-ratio",
            "0.25",
            "--self-influence",
            "0.5",
            "--threads",
            threads,
            "--output",
            &s(&out),
            "--quiet",
        ]);
        outs.push(out);
    }
    assert_eq!(
        std::fs::read(&outs[0]).unwrap(),
        std::fs::read(&outs[1]).unwrap()
    );
    let other = dir.path().join("seed.parquet");
    ok(&[
        "fastrp",
        "--input",
        &dataset("email-eu-core.parquet"),
        "--seed",
        "7",
        "--output",
        &s(&other),
        "-q",
    ]);
    let first = dir.path().join("seed42.parquet");
    ok(&[
        "fastrp",
        "--input",
        &dataset("email-eu-core.parquet"),
        "--output",
        &s(&first),
        "-q",
    ]);
    assert_ne!(embedding(&other).2, embedding(&first).2);
}

/// A features table `node_id`, `f0..f{width}` for the ids in `ids` (email-Eu-core
/// ids are 0-based).
fn features_file(dir: &Path, ids: std::ops::Range<i64>, width: usize) -> PathBuf {
    let ids: Vec<i64> = ids.collect();
    let mut t = Table::new().with("node_id", Column::I64(ids.clone()));
    for f in 0..width {
        t = t.with(
            format!("f{f}"),
            Column::F64(
                ids.iter()
                    .map(|&i| ((i * 31 + f as i64 * 7) % 11) as f64 / 10.0)
                    .collect(),
            ),
        );
    }
    let p = dir.join(format!("features-{}-{}.parquet", ids.len(), width));
    write_table(&p, &t).unwrap();
    p
}

#[test]
fn features_fill_the_property_share_with_finite_values() {
    let dir = tmp();
    let feats = features_file(dir.path(), 0..1005, 4);
    let out = dir.path().join("f.parquet");
    ok(&[
        "fastrp",
        "--input",
        &dataset("email-eu-core.parquet"),
        "--features",
        &s(&feats),
        "--property-ratio",
        "0.5",
        "--dim",
        "32",
        "--output",
        &s(&out),
        "-q",
    ]);
    let (_, dim, values) = embedding(&out);
    assert_eq!(dim, 32);
    assert!(values.iter().all(|v| v.is_finite()));
}

#[test]
fn bad_input_is_named_and_leaves_the_output_alone() {
    let dir = tmp();
    let out = dir.path().join("keep.parquet");
    std::fs::write(&out, b"precious").unwrap();
    let g = dataset("email-eu-core.parquet");
    let base = [
        "fastrp",
        "--input",
        g.as_str(),
        "--output",
        out.to_str().unwrap(),
    ];
    let run = |extra: &[&str], expect: &str| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        fails_keeping(&args, expect, &out);
    };
    run(&["--dim", "0"], "dim");
    run(&["--iteration-weights="], "iteration-weights");
    run(&["--property-ratio", "1.5"], "property-ratio");
    run(&["--property-ratio", "0.5"], "needs node features");
    run(&["--sparsity", "0.5"], "sparsity");
    let partial = features_file(dir.path(), 0..1000, 2);
    run(
        &["--features", &s(&partial), "--property-ratio", "0.5"],
        "have no row, e.g. node 1000",
    );
    let foreign = features_file(dir.path(), 0..1006, 2);
    run(
        &["--features", &s(&foreign), "--property-ratio", "0.5"],
        "node 1005 (row 1006) is not a node",
    );
    run(&["--features", &s(&partial)], "--property-ratio is 0");
    let missing = dir.path().join("none.parquet");
    run(
        &["--features", &s(&missing), "--property-ratio", "0.5"],
        "none.parquet",
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
}

#[test]
fn features_of_uneven_width_are_refused() {
    use arrow_array::builder::{Float32Builder, ListBuilder};
    use arrow_array::{ArrayRef, Int64Array, RecordBatch};
    use arrow_schema::{Field, Schema};
    use std::sync::Arc;
    let dir = tmp();
    // Karate's 34 nodes; node 5 has 2 features, the others 3.
    let mut list = ListBuilder::new(Float32Builder::new());
    for i in 1..=34 {
        let width = if i == 5 { 2 } else { 3 };
        for f in 0..width {
            list.values().append_value((i * f) as f32);
        }
        list.append(true);
    }
    let cols: Vec<(&str, ArrayRef)> = vec![
        (
            "node_id",
            Arc::new(Int64Array::from((1..=34).collect::<Vec<i64>>())),
        ),
        ("features", Arc::new(list.finish())),
    ];
    let schema = Arc::new(Schema::new(
        cols.iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch =
        RecordBatch::try_new(schema.clone(), cols.into_iter().map(|c| c.1).collect()).unwrap();
    let path = dir.path().join("ragged.parquet");
    let mut w =
        parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), schema, None)
            .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let out = dir.path().join("e.parquet");
    fails_keeping(
        &[
            "fastrp",
            "--input",
            &dataset("karate.parquet"),
            "--features",
            &s(&path),
            "--property-ratio",
            "0.5",
            "--output",
            &s(&out),
        ],
        "ragged.parquet",
        &out,
    );
}
