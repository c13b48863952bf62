//! Parquet edge lists and tables: round trips and every kind of bad file.

use arrow_array::{
    ArrayRef, Float64Array, Int32Array, Int64Array, RecordBatch, StringArray, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use spargraph_engine::{IdColumn, StrColumn};
use spargraph_io::parquet_edges::{read_edges, write_edges, EdgeColumns};
use spargraph_io::parquet_table::{read_table, write_table};
use spargraph_io::{Column, EdgeTable, IoErrorKind, Table};
use std::path::Path;
use std::sync::Arc;

fn write_raw(path: &Path, cols: Vec<(&str, ArrayRef, bool)>, row_group_rows: usize) {
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a, nullable)| Field::new(*n, a.data_type().clone(), *nullable))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch =
        RecordBatch::try_new(schema.clone(), cols.into_iter().map(|c| c.1).collect()).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(row_group_rows))
        .build();
    let mut w =
        ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn err_of(path: &Path, cols: &EdgeColumns) -> String {
    let e = read_edges(path, cols).unwrap_err();
    assert_eq!(e.kind, IoErrorKind::BadInput, "{e}");
    let s = e.to_string();
    assert!(
        s.contains(&path.display().to_string()),
        "message lacks the file: {s}"
    );
    assert!(!s.contains('\n'), "message is not one line: {s}");
    s
}

#[test]
fn int_ids_round_trip_over_many_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    let n = 10_000i64;
    let src: Vec<i64> = (0..n).map(|k| k * 7 % 1013).collect();
    let dst: Vec<i64> = (0..n).map(|k| k * 13 % 997 + 5_000_000_000).collect();
    let w: Vec<f64> = (0..n).map(|k| k as f64 / 8.0).collect();
    write_raw(
        &p,
        vec![
            (
                "a",
                Arc::new(Int64Array::from(src.clone())) as ArrayRef,
                false,
            ),
            (
                "b",
                Arc::new(Int64Array::from(dst.clone())) as ArrayRef,
                false,
            ),
            (
                "w",
                Arc::new(Float64Array::from(w.clone())) as ArrayRef,
                false,
            ),
        ],
        777,
    );
    let cols = EdgeColumns {
        src: "a".into(),
        dst: "b".into(),
        weight: Some("w".into()),
    };
    let e = read_edges(&p, &cols).unwrap();
    assert_eq!(e.src, IdColumn::Int(src));
    assert_eq!(e.dst, IdColumn::Int(dst));
    assert_eq!(
        e.weight.unwrap(),
        w.iter().map(|&x| x as f32).collect::<Vec<_>>()
    );
}

#[test]
fn narrow_and_unsigned_int_ids_are_widened() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    write_raw(
        &p,
        vec![
            (
                "src",
                Arc::new(Int32Array::from(vec![1, 2, 3])) as ArrayRef,
                false,
            ),
            (
                "dst",
                Arc::new(UInt64Array::from(vec![4u64, 5, 6])) as ArrayRef,
                false,
            ),
        ],
        2,
    );
    let e = read_edges(&p, &EdgeColumns::default()).unwrap();
    assert_eq!(e.src, IdColumn::Int(vec![1, 2, 3]));
    assert_eq!(e.dst, IdColumn::Int(vec![4, 5, 6]));
}

#[test]
fn string_ids_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    let s: StrColumn = ["alice", "bob", "carol"].into_iter().collect();
    let d: StrColumn = ["bob", "carol", "zoë"].into_iter().collect();
    let e = EdgeTable {
        src: IdColumn::Str(s),
        dst: IdColumn::Str(d),
        weight: None,
    };
    write_edges(&p, &e, &EdgeColumns::default()).unwrap();
    assert_eq!(read_edges(&p, &EdgeColumns::default()).unwrap(), e);
}

#[test]
fn missing_file() {
    let s = err_of(
        Path::new("/nonexistent/edges.parquet"),
        &EdgeColumns::default(),
    );
    assert!(s.ends_with("no such file"), "{s}");
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    std::fs::write(&p, b"").unwrap();
    assert!(err_of(&p, &EdgeColumns::default()).contains("empty file (0 bytes)"));
}

#[test]
fn not_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    std::fs::write(&p, b"src,dst\n1,2\n").unwrap();
    assert!(err_of(&p, &EdgeColumns::default()).contains("not a Parquet file"));
}

#[test]
fn truncated_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    write_edges(
        &p,
        &EdgeTable {
            src: IdColumn::Int((0..1000).collect()),
            dst: IdColumn::Int((1..1001).collect()),
            weight: None,
        },
        &EdgeColumns::default(),
    )
    .unwrap();
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    assert!(err_of(&p, &EdgeColumns::default()).contains("truncated"));
}

#[test]
fn missing_column_lists_columns() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    write_raw(
        &p,
        vec![
            (
                "from",
                Arc::new(Int64Array::from(vec![1])) as ArrayRef,
                false,
            ),
            ("to", Arc::new(Int64Array::from(vec![2])) as ArrayRef, false),
        ],
        10,
    );
    let s = err_of(&p, &EdgeColumns::default());
    assert!(
        s.contains("column 'src' not found (columns: from, to)"),
        "{s}"
    );
}

#[test]
fn float_id_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    write_raw(
        &p,
        vec![
            (
                "src",
                Arc::new(Float64Array::from(vec![1.0])) as ArrayRef,
                false,
            ),
            (
                "dst",
                Arc::new(Int64Array::from(vec![2])) as ArrayRef,
                false,
            ),
        ],
        10,
    );
    let s = err_of(&p, &EdgeColumns::default());
    assert!(
        s.contains("column 'src' has type Float64; node ids must be integers or strings"),
        "{s}"
    );
}

#[test]
fn null_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    write_raw(
        &p,
        vec![
            (
                "src",
                Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])) as ArrayRef,
                true,
            ),
            (
                "dst",
                Arc::new(Int64Array::from(vec![2, 3, 4])) as ArrayRef,
                false,
            ),
        ],
        10,
    );
    let s = err_of(&p, &EdgeColumns::default());
    assert!(
        s.contains("column 'src' has 1 null values in row group 0"),
        "{s}"
    );
    let p2 = dir.path().join("s.parquet");
    write_raw(
        &p2,
        vec![
            (
                "src",
                Arc::new(StringArray::from(vec![Some("a"), None])) as ArrayRef,
                true,
            ),
            (
                "dst",
                Arc::new(StringArray::from(vec!["b", "c"])) as ArrayRef,
                false,
            ),
        ],
        10,
    );
    let s2 = err_of(&p2, &EdgeColumns::default());
    assert!(s2.contains("null values"), "{s2}");
}

#[test]
fn double_weight_beyond_single_precision_is_named_not_turned_into_infinity() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.parquet");
    write_raw(
        &p,
        vec![
            (
                "src",
                Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef,
                false,
            ),
            (
                "dst",
                Arc::new(Int64Array::from(vec![2, 3])) as ArrayRef,
                false,
            ),
            (
                "weight",
                Arc::new(Float64Array::from(vec![1.0, 1e308])) as ArrayRef,
                false,
            ),
        ],
        10,
    );
    let s = err_of(&p, &EdgeColumns::default().with_weight("weight"));
    assert!(
        s.contains("column 'weight': value 1e308 does not fit single precision"),
        "{s}"
    );
}

#[test]
fn non_numeric_weight_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    write_raw(
        &p,
        vec![
            (
                "src",
                Arc::new(Int64Array::from(vec![1])) as ArrayRef,
                false,
            ),
            (
                "dst",
                Arc::new(Int64Array::from(vec![2])) as ArrayRef,
                false,
            ),
            (
                "weight",
                Arc::new(StringArray::from(vec!["x"])) as ArrayRef,
                false,
            ),
        ],
        10,
    );
    let s = err_of(&p, &EdgeColumns::default().with_weight("weight"));
    assert!(
        s.contains("column 'weight' has type Utf8; weights must be numbers"),
        "{s}"
    );
}

#[test]
fn mixed_id_kinds_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    write_raw(
        &p,
        vec![
            (
                "src",
                Arc::new(Int64Array::from(vec![1])) as ArrayRef,
                false,
            ),
            (
                "dst",
                Arc::new(StringArray::from(vec!["x"])) as ArrayRef,
                false,
            ),
        ],
        10,
    );
    assert!(err_of(&p, &EdgeColumns::default()).contains("must both be integers or both strings"));
}

#[test]
fn empty_edge_list_reads_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    write_edges(
        &p,
        &EdgeTable {
            src: IdColumn::Int(vec![]),
            dst: IdColumn::Int(vec![]),
            weight: None,
        },
        &EdgeColumns::default(),
    )
    .unwrap();
    assert!(read_edges(&p, &EdgeColumns::default()).unwrap().is_empty());
}

#[test]
fn table_round_trip_with_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.parquet");
    let t = Table::new()
        .with(
            "node_id",
            Column::Str(["x", "y", "z"].into_iter().collect()),
        )
        .with("score", Column::F64(vec![0.5, 0.25, 0.25]))
        .with("community", Column::U32(vec![0, 1, 1]))
        .with(
            "embedding",
            Column::Matrix {
                dim: 2,
                values: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            },
        )
        .with_metadata("spargraph", "{\"k\":1}");
    write_table(&p, &t).unwrap();
    let back = read_table(&p, None).unwrap();
    assert_eq!(back.column("node_id"), t.column("node_id"));
    assert_eq!(back.column("score"), t.column("score"));
    assert_eq!(back.column("community"), Some(&Column::I64(vec![0, 1, 1])));
    assert_eq!(back.column("embedding"), t.column("embedding"));
    assert!(back
        .metadata
        .iter()
        .any(|(k, v)| k == "spargraph" && v == "{\"k\":1}"));
    // The matrix column is a FixedSizeList<Float32>[2] in the file.
    let f = std::fs::File::open(&p).unwrap();
    let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let field = r.schema().field_with_name("embedding").unwrap().clone();
    assert!(
        matches!(field.data_type(), DataType::FixedSizeList(inner, 2) if inner.data_type() == &DataType::Float32)
    );
}

#[test]
fn writing_over_a_file_is_atomic_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.parquet");
    std::fs::write(&p, b"precious").unwrap();
    // Columns of different lengths: the write fails before touching the target.
    let t = Table::new()
        .with("a", Column::I64(vec![1, 2]))
        .with("b", Column::I64(vec![1]));
    assert!(write_table(&p, &t).is_err());
    assert_eq!(std::fs::read(&p).unwrap(), b"precious");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn node_matrix_from_list_column_or_scalar_columns() {
    use spargraph_io::parquet_table::read_node_matrix;
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.parquet");
    write_table(
        &a,
        &Table::new().with("node", Column::I64(vec![7, 3])).with(
            "embedding",
            Column::Matrix {
                dim: 3,
                values: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            },
        ),
    )
    .unwrap();
    let m = read_node_matrix(&a, "node", None).unwrap();
    assert_eq!(
        (m.dim, m.ids.clone(), m.values.clone()),
        (
            3,
            IdColumn::Int(vec![7, 3]),
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        )
    );
    let b = dir.path().join("b.parquet");
    write_table(
        &b,
        &Table::new()
            .with("node", Column::Str(["x", "y"].into_iter().collect()))
            .with("f0", Column::F64(vec![1.0, 4.0]))
            .with("f1", Column::F32(vec![2.0, 5.0]))
            .with("f2", Column::I64(vec![3, 6])),
    )
    .unwrap();
    let m2 = read_node_matrix(&b, "node", None).unwrap();
    assert_eq!(m2.dim, 3);
    assert_eq!(m2.values, m.values);
    let m3 = read_node_matrix(&b, "node", Some(&["f2", "f0"])).unwrap();
    assert_eq!(m3.values, vec![3.0, 1.0, 6.0, 4.0]);
    let e = read_node_matrix(&b, "id", None).unwrap_err().to_string();
    assert!(e.contains("column 'id' not found"), "{e}");
}

#[test]
fn null_elements_inside_matrix_lists_are_refused() {
    use arrow_array::types::Float32Type;
    use arrow_array::{FixedSizeListArray, ListArray};
    use spargraph_io::parquet_table::read_node_matrix;
    let dir = tempfile::tempdir().unwrap();
    let rows = || {
        vec![
            Some(vec![Some(1.0f32), Some(2.0)]),
            Some(vec![Some(3.0), None]),
        ]
    };
    let lists: [(&str, ArrayRef); 2] = [
        (
            "list.parquet",
            Arc::new(ListArray::from_iter_primitive::<Float32Type, _, _>(rows())),
        ),
        (
            "fixed.parquet",
            Arc::new(FixedSizeListArray::from_iter_primitive::<Float32Type, _, _>(rows(), 2)),
        ),
    ];
    for (file, embedding) in lists {
        let p = dir.path().join(file);
        write_raw(
            &p,
            vec![
                (
                    "node",
                    Arc::new(Int64Array::from(vec![1, 2])) as ArrayRef,
                    false,
                ),
                ("embedding", embedding, false),
            ],
            10,
        );
        let e = read_node_matrix(&p, "node", None).unwrap_err().to_string();
        assert!(
            e.contains("column 'embedding': 1 null values inside its lists"),
            "{file}: {e}"
        );
    }
}
