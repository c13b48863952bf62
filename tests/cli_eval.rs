//! `spargraph eval node-classification` and `eval link-prediction` end to end.

mod common;
use common::*;
use spargraph::io::parquet_table::write_table;
use spargraph::io::{Column, Table};

#[test]
fn node_classification_beats_chance_on_email_departments() {
    let dir = tempfile::tempdir().unwrap();
    let emb = dir.path().join("emb.parquet");
    ok(&[
        "fastrp",
        "--input",
        &dataset("email-eu-core.parquet"),
        "--directed",
        "--orientation",
        "undirected",
        "--dim",
        "64",
        "--output",
        emb.to_str().unwrap(),
        "-q",
    ]);
    let out = ok(&[
        "eval",
        "node-classification",
        "--embeddings",
        emb.to_str().unwrap(),
        "--labels",
        &dataset("email-eu-core.labels.parquet"),
        "--train-ratio",
        "0.5",
        "--repeats",
        "3",
        "--json",
        "-q",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["n_labels"], 42);
    assert_eq!(v["labelled_nodes"], 1005);
    let r = &v["results"][0];
    assert_eq!(r["train_nodes"], 502);
    assert_eq!(r["micro_f1"].as_array().unwrap().len(), 3);
    // 42 departments, the largest holding about 11% of the nodes: FastRP's
    // neighbourhoods should do far better than that.
    let micro = r["micro_f1_mean"].as_f64().unwrap();
    assert!(micro > 0.5, "micro-F1 {micro}");
    // Same seed, same scores.
    let again = ok(&[
        "eval",
        "node-classification",
        "--embeddings",
        emb.to_str().unwrap(),
        "--labels",
        &dataset("email-eu-core.labels.parquet"),
        "--train-ratio",
        "0.5",
        "--repeats",
        "3",
        "--json",
        "-q",
        "--threads",
        "1",
    ]);
    let w: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(w["results"][0]["micro_f1"], r["micro_f1"]);
}

#[test]
fn node_classification_rejects_bad_labels_and_options() {
    let dir = tempfile::tempdir().unwrap();
    let emb = dir.path().join("emb.parquet");
    ok(&[
        "fastrp",
        "--input",
        &dataset("karate.parquet"),
        "--dim",
        "8",
        "--output",
        emb.to_str().unwrap(),
        "-q",
    ]);
    let labels = dir.path().join("labels.parquet");
    write_table(
        &labels,
        &Table::new()
            .with("node", Column::I64(vec![1, 2, 99]))
            .with("label", Column::I64(vec![0, 1, 0])),
    )
    .unwrap();
    let e = emb.to_str().unwrap();
    fails(
        &[
            "eval",
            "node-classification",
            "--embeddings",
            e,
            "--labels",
            labels.to_str().unwrap(),
        ],
        "node 99 (row 3) is not a node of the graph",
    );
    let good = dataset("karate.labels.parquet");
    fails(
        &[
            "eval",
            "node-classification",
            "--embeddings",
            e,
            "--labels",
            &good,
            "--train-ratio",
            "1.5",
        ],
        "train-ratio",
    );
    fails(
        &[
            "eval",
            "node-classification",
            "--embeddings",
            e,
            "--labels",
            &good,
            "--repeats",
            "0",
        ],
        "repeats",
    );
    fails(
        &[
            "eval",
            "node-classification",
            "--embeddings",
            e,
            "--labels",
            &good,
            "--c",
            "0",
        ],
        "c",
    );
    fails(
        &[
            "eval",
            "node-classification",
            "--embeddings",
            "/nonexistent.parquet",
            "--labels",
            &good,
        ],
        "/nonexistent.parquet",
    );
}

#[test]
fn link_prediction_reports_a_high_auc_and_rejects_bad_options() {
    let g = dataset("email-eu-core.parquet");
    let out = ok(&[
        "eval",
        "link-prediction",
        "--input",
        &g,
        "--dim",
        "64",
        "--json",
        "-q",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let auc = v["auc"].as_f64().unwrap();
    assert!(auc > 0.8 && auc <= 1.0, "AUC {auc}");
    let edges = v["edges"].as_u64().unwrap();
    let held = v["test_positive"].as_u64().unwrap();
    assert_eq!(v["test_negative"], v["test_positive"]);
    assert_eq!(
        v["requested_test"].as_u64().unwrap(),
        (0.3 * edges as f64).round() as u64
    );
    assert!(held <= edges / 3, "{held} of {edges}");
    fails(
        &[
            "eval",
            "link-prediction",
            "--input",
            &g,
            "--test-ratio",
            "1.5",
        ],
        "test-ratio",
    );
    fails(
        &["eval", "link-prediction", "--input", &g, "--directed"],
        "--directed",
    );
    fails(
        &["eval", "link-prediction", "--input", &g, "--dim", "0"],
        "dim",
    );
}
