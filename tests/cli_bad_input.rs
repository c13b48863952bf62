//! Every kind of bad input gets its own one-line error, exit code 2, and leaves an
//! existing output file byte-identical.

use arrow_array::{ArrayRef, Float32Array, Float64Array, Int64Array, RecordBatch};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spargraph"))
}

fn write_parquet(path: &Path, cols: Vec<(&str, ArrayRef)>) {
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch =
        RecordBatch::try_new(schema.clone(), cols.into_iter().map(|c| c.1).collect()).unwrap();
    let mut w = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn ids(v: &[i64]) -> ArrayRef {
    Arc::new(Int64Array::from(v.to_vec()))
}

struct Case {
    dir: tempfile::TempDir,
    output: PathBuf,
}

impl Case {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("out.parquet");
        std::fs::write(&output, b"previous good output").unwrap();
        Case { dir, output }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `convert` on `input` with extra args; asserts exit 2, one line on
    /// stderr containing every `expect`, and the output untouched. Returns stderr.
    fn fails(&self, input: &Path, extra: &[&str], expect: &[&str]) -> String {
        let out = bin()
            .arg("convert")
            .arg("--input")
            .arg(input)
            .arg("--output")
            .arg(&self.output)
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "not one line: {stderr}"
        );
        assert!(stderr.starts_with("spargraph: error: "), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        for e in expect {
            assert!(stderr.contains(e), "expected {e:?} in {stderr:?}");
        }
        assert_eq!(
            std::fs::read(&self.output).unwrap(),
            b"previous good output"
        );
        let leftovers: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
        stderr
    }
}

#[test]
fn missing_file() {
    let c = Case::new();
    let p = c.path("nope.parquet");
    c.fails(&p, &[], &["nope.parquet", "no such file"]);
}

#[test]
fn not_a_parquet_file() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    std::fs::write(&p, "src,dst\n1,2\n").unwrap();
    c.fails(&p, &[], &["edges.parquet", "not a Parquet file"]);
}

#[test]
fn truncated_parquet() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(
        &p,
        vec![
            ("src", ids(&(0..500).collect::<Vec<_>>())),
            ("dst", ids(&(1..501).collect::<Vec<_>>())),
        ],
    );
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() - 100]).unwrap();
    c.fails(&p, &[], &["edges.parquet", "truncated"]);
}

#[test]
fn zero_byte_file() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    std::fs::write(&p, b"").unwrap();
    c.fails(&p, &[], &["edges.parquet", "0 bytes"]);
}

#[test]
fn missing_column() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(&p, vec![("from", ids(&[1])), ("to", ids(&[2]))]);
    c.fails(&p, &[], &["column 'src' not found", "from, to"]);
}

#[test]
fn missing_weight_column() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(&p, vec![("src", ids(&[1])), ("dst", ids(&[2]))]);
    c.fails(&p, &["--weight-col", "w"], &["column 'w' not found"]);
}

#[test]
fn float_id_column() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(
        &p,
        vec![
            (
                "src",
                Arc::new(Float64Array::from(vec![1.0, 2.0])) as ArrayRef,
            ),
            ("dst", ids(&[2, 3])),
        ],
    );
    c.fails(
        &p,
        &[],
        &["column 'src' has type Float64", "integers or strings"],
    );
}

#[test]
fn null_ids() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(
        &p,
        vec![
            ("src", ids(&[1, 2])),
            (
                "dst",
                Arc::new(Int64Array::from(vec![Some(2), None])) as ArrayRef,
            ),
        ],
    );
    c.fails(&p, &[], &["column 'dst'", "null"]);
}

#[test]
fn negative_ids() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(&p, vec![("src", ids(&[1, -4])), ("dst", ids(&[2, 3]))]);
    c.fails(&p, &[], &["column 'src'", "negative node id -4"]);
}

#[test]
fn negative_weight() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(
        &p,
        vec![
            ("src", ids(&[1, 2])),
            ("dst", ids(&[2, 3])),
            (
                "w",
                Arc::new(Float32Array::from(vec![1.0, -0.5])) as ArrayRef,
            ),
        ],
    );
    c.fails(
        &p,
        &["--weight-col", "w"],
        &["column 'w' row 1", "invalid weight -0.5"],
    );
}

#[test]
fn nan_weight() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(
        &p,
        vec![
            ("src", ids(&[1, 2])),
            ("dst", ids(&[2, 3])),
            (
                "w",
                Arc::new(Float32Array::from(vec![f32::NAN, 1.0])) as ArrayRef,
            ),
        ],
    );
    c.fails(
        &p,
        &["--weight-col", "w"],
        &["column 'w' row 0", "invalid weight NaN"],
    );
}

#[test]
fn empty_edge_list() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(&p, vec![("src", ids(&[])), ("dst", ids(&[]))]);
    c.fails(&p, &[], &["edges.parquet", "empty edge list"]);
}

#[test]
fn zero_or_too_many_threads() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(&p, vec![("src", ids(&[1])), ("dst", ids(&[2]))]);
    c.fails(&p, &["--threads", "0"], &["--threads", "at least 1"]);
    c.fails(&p, &["--threads", "4096"], &["--threads", "at most 1024"]);
}

#[test]
fn duplicate_with_error_policy_names_user_ids() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(&p, vec![("src", ids(&[10, 20])), ("dst", ids(&[20, 10]))]);
    c.fails(
        &p,
        &["--duplicates", "error"],
        &["duplicate edge", "10", "20"],
    );
}

#[test]
fn unknown_flag_is_one_line_exit_2() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    c.fails(&p, &["--no-such-flag"], &["--no-such-flag"]);
}

#[test]
fn info_on_bad_input_also_exits_2() {
    let out = bin()
        .args(["info", "--input", "/nonexistent/x.parquet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn unwritable_output_folder_is_reported() {
    let c = Case::new();
    let p = c.path("edges.parquet");
    write_parquet(&p, vec![("src", ids(&[1])), ("dst", ids(&[2]))]);
    let out = bin()
        .args(["convert", "--input"])
        .arg(&p)
        .args(["--output", "/nonexistent-folder-xyz/out.parquet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("does not exist"));
}
