//! Round trips through the command-line tool: Parquet -> CSR -> Parquet, text ->
//! Parquet -> text, GraphAr and Matrix Market, with integer and string ids; generator
//! determinism across thread counts; the demo; the JSON summary.

use spargraph::engine::IdColumn;
use spargraph::io::parquet_edges::{read_edges, write_edges, EdgeColumns};
use spargraph::io::text::{read_text_edges, TextOptions};
use spargraph::io::EdgeTable;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_spargraph"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn dataset(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets")
        .join(name)
        .display()
        .to_string()
}

/// Unordered edge set with ids as strings (so int and string graphs compare alike).
fn pairs(e: &EdgeTable) -> BTreeSet<(String, String)> {
    let col = |c: &IdColumn, k: usize| match c {
        IdColumn::Int(v) => v[k].to_string(),
        IdColumn::Str(s) => s.get(k).to_string(),
    };
    (0..e.len())
        .map(|k| {
            let (a, b) = (col(&e.src, k), col(&e.dst, k));
            if a <= b {
                (a, b)
            } else {
                (b, a)
            }
        })
        .collect()
}

fn tmp(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn parquet_csr_parquet_with_int_ids() {
    let dir = tempfile::tempdir().unwrap();
    let out = tmp(&dir, "karate.parquet");
    run(&[
        "convert",
        "--input",
        &dataset("karate.parquet"),
        "--output",
        out.to_str().unwrap(),
    ]);
    let a = read_edges(
        Path::new(&dataset("karate.parquet")),
        &EdgeColumns::default(),
    )
    .unwrap();
    let b = read_edges(&out, &EdgeColumns::default()).unwrap();
    assert_eq!(b.len(), 78);
    assert_eq!(pairs(&a), pairs(&b));
    // Ids are the user's (1-based) ids, not dense ids.
    assert!(matches!(&b.src, IdColumn::Int(v) if v.iter().all(|&x| (1..=34).contains(&x))));
}

#[test]
fn parquet_csr_parquet_with_string_ids_and_weights() {
    let dir = tempfile::tempdir().unwrap();
    let input = tmp(&dir, "s.parquet");
    let out = tmp(&dir, "t.parquet");
    let names = ["ann", "bob", "cy", "dee", "ed"];
    let mut src = spargraph::engine::StrColumn::new();
    let mut dst = spargraph::engine::StrColumn::new();
    let mut w = Vec::new();
    for i in 0..5 {
        for j in i + 1..5 {
            src.push(names[i]);
            dst.push(names[j]);
            w.push((i * 5 + j) as f32 / 4.0);
        }
    }
    // A reversed duplicate: summed by default when weighted.
    src.push("bob");
    dst.push("ann");
    w.push(1.0);
    let e = EdgeTable {
        src: IdColumn::Str(src),
        dst: IdColumn::Str(dst),
        weight: Some(w),
    };
    write_edges(&input, &e, &EdgeColumns::default().with_weight("weight")).unwrap();
    run(&[
        "convert",
        "--input",
        input.to_str().unwrap(),
        "--weight-col",
        "weight",
        "--output",
        out.to_str().unwrap(),
    ]);
    let b = read_edges(&out, &EdgeColumns::default().with_weight("weight")).unwrap();
    assert_eq!(b.len(), 10);
    let wb = b.weight.as_ref().unwrap();
    let k = (0..b.len())
        .find(|&k| matches!((&b.src, &b.dst), (IdColumn::Str(s), IdColumn::Str(d)) if s.get(k) == "ann" && d.get(k) == "bob"))
        .unwrap();
    assert_eq!(wb[k], 0.25 + 1.0);
    assert_eq!(pairs(&b), pairs(&e));
}

#[test]
fn text_parquet_text_with_int_and_string_ids() {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [
        ("ints.tsv", "# comment\n1\t2\n2\t3\r\n3\t1\n10\t2\n"),
        (
            "strs.csv",
            "src,dst\nalice,bob\nbob,carol\ncarol,alice\ndave,bob\n",
        ),
    ] {
        let input = tmp(&dir, name);
        std::fs::write(&input, body).unwrap();
        let pq = tmp(&dir, &format!("{name}.parquet"));
        let back = tmp(&dir, &format!("back.{name}"));
        run(&[
            "convert",
            "--input",
            input.to_str().unwrap(),
            "--output",
            pq.to_str().unwrap(),
        ]);
        run(&[
            "convert",
            "--input",
            pq.to_str().unwrap(),
            "--output",
            back.to_str().unwrap(),
        ]);
        let a = read_text_edges(&input, &TextOptions::default()).unwrap();
        let b = read_text_edges(&back, &TextOptions::default()).unwrap();
        assert_eq!(a.len(), 4);
        assert_eq!(pairs(&a), pairs(&b), "{name}");
        assert_eq!(
            pairs(&a),
            pairs(&read_edges(&pq, &EdgeColumns::default()).unwrap())
        );
    }
}

#[test]
fn graphar_round_trip_directed() {
    let dir = tempfile::tempdir().unwrap();
    let gar = tmp(&dir, "email");
    let back = tmp(&dir, "back.parquet");
    let input = dataset("email-eu-core.parquet");
    run(&[
        "convert",
        "--input",
        &input,
        "--directed",
        "--output",
        gar.to_str().unwrap(),
        "--to",
        "graphar",
    ]);
    assert!(gar.join("email.graph.yml").exists());
    run(&[
        "convert",
        "--input",
        gar.to_str().unwrap(),
        "--directed",
        "--output",
        back.to_str().unwrap(),
    ]);
    let a = read_edges(Path::new(&input), &EdgeColumns::default()).unwrap();
    let b = read_edges(&back, &EdgeColumns::default()).unwrap();
    let arcs = |e: &EdgeTable| -> BTreeSet<(i64, i64)> {
        match (&e.src, &e.dst) {
            (IdColumn::Int(s), IdColumn::Int(d)) => {
                s.iter().copied().zip(d.iter().copied()).collect()
            }
            _ => panic!("int ids expected"),
        }
    };
    assert_eq!(arcs(&a), arcs(&b));
    assert_eq!(b.len(), arcs(&a).len());
}

#[test]
fn matrix_market_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mtx = tmp(&dir, "football.mtx");
    let back = tmp(&dir, "back.parquet");
    run(&[
        "convert",
        "--input",
        &dataset("football.parquet"),
        "--output",
        mtx.to_str().unwrap(),
    ]);
    let head = std::fs::read_to_string(&mtx).unwrap();
    assert!(head.starts_with("%%MatrixMarket matrix coordinate pattern symmetric"));
    run(&[
        "convert",
        "--input",
        mtx.to_str().unwrap(),
        "--output",
        back.to_str().unwrap(),
    ]);
    let b = read_edges(&back, &EdgeColumns::default()).unwrap();
    assert_eq!(b.len(), 613);
}

#[test]
fn generate_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    for model in [
        vec!["rmat", "--scale", "12"],
        vec!["sbm", "--blocks", "4", "--block-size", "300"],
        vec![
            "hsbm",
            "--depth",
            "2",
            "--leaf-block-size",
            "200",
            "--degrees",
            "20,6,2",
        ],
        vec![
            "bipartite",
            "--users",
            "500",
            "--items",
            "200",
            "--draws",
            "5000",
        ],
    ] {
        let mut files = Vec::new();
        for threads in ["1", "2"] {
            let out = tmp(&dir, &format!("{}-{threads}.parquet", model[0]));
            let mut args = vec!["generate"];
            args.extend(&model);
            args.extend([
                "--seed",
                "7",
                "--threads",
                threads,
                "--output",
                out.to_str().unwrap(),
            ]);
            run(&args);
            files.push(out);
        }
        assert_eq!(
            std::fs::read(&files[0]).unwrap(),
            std::fs::read(&files[1]).unwrap(),
            "{}",
            model[0]
        );
        if model[0] != "rmat" {
            let l0 = tmp(&dir, &format!("{}-1.labels.parquet", model[0]));
            let l1 = tmp(&dir, &format!("{}-2.labels.parquet", model[0]));
            assert_eq!(std::fs::read(l0).unwrap(), std::fs::read(l1).unwrap());
        }
    }
}

#[test]
fn demo_writes_results_and_json_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = tmp(&dir, "demo");
    let stdout = run(&[
        "demo",
        "--output",
        out.to_str().unwrap(),
        "--json",
        "--quiet",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["graph"]["nodes"], 1005);
    assert_eq!(v["graph"]["edges"], 25571 - count_duplicate_arcs());
    assert!(v["peak_memory_bytes"].as_u64().unwrap() > 0);
    for f in [
        "nodes.parquet",
        "info.json",
        "summary.md",
        "embeddings.parquet",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let t = spargraph::io::parquet_table::read_table(&out.join("nodes.parquet"), None).unwrap();
    assert_eq!(t.n_rows(), 1005);
    let e =
        spargraph::io::parquet_table::read_table(&out.join("embeddings.parquet"), None).unwrap();
    assert_eq!(e.n_rows(), 1005);
    assert!(matches!(
        e.column("embedding"),
        Some(spargraph::io::Column::Matrix { dim: 128, .. })
    ));
    // The embeddings predict the departments far better than chance (largest ~11%).
    let micro = v["graph"]["node_classification"]["micro_f1"]
        .as_f64()
        .unwrap();
    assert!(micro > 0.5, "micro-F1 {micro}");
}

/// email-Eu-core lists some arcs twice; count them independently of the builder.
fn count_duplicate_arcs() -> u64 {
    let e = read_edges(
        Path::new(&dataset("email-eu-core.parquet")),
        &EdgeColumns::default(),
    )
    .unwrap();
    let (IdColumn::Int(s), IdColumn::Int(d)) = (&e.src, &e.dst) else {
        panic!()
    };
    let set: BTreeSet<(i64, i64)> = s.iter().copied().zip(d.iter().copied()).collect();
    (e.len() - set.len()) as u64
}

#[test]
fn info_json_reports_counts() {
    let stdout = run(&["info", "--input", &dataset("polbooks.parquet"), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["nodes"], 105);
    assert_eq!(v["edges"], 441);
    assert_eq!(v["components"], 1);
    assert!(v["seconds"]["read"].as_f64().is_some());
}
