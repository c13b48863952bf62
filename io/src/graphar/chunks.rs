//! Parquet chunk files and raw count files of a GraphAr folder.

use crate::error::{IoError, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use spargraph_engine::{IdColumn, StrColumn};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Writes `batch` to `path` as zstd-compressed Parquet, creating parent folders and
/// syncing the file to disk.
pub(super) fn write_parquet(path: &Path, batch: &RecordBatch) -> Result<()> {
    create_parent(path)?;
    let file = File::create(path).map_err(|e| IoError::write(path, e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_created_by(format!("spargraph {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props))
        .map_err(|e| IoError::write(path, e))?;
    w.write(batch).map_err(|e| IoError::write(path, e))?;
    let file = w.into_inner().map_err(|e| IoError::write(path, e))?;
    file.sync_all().map_err(|e| IoError::write(path, e))
}

/// One batch from named columns.
pub(super) fn batch(path: &Path, columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch> {
    let fields: Vec<_> = columns
        .iter()
        .map(|(n, a)| arrow_schema::Field::new(*n, a.data_type().clone(), false))
        .collect();
    let arrays = columns.into_iter().map(|(_, a)| a).collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| IoError::internal(path, format!("cannot assemble chunk: {e}")))
}

/// Writes an int64 as 8 raw little-endian bytes (GraphAr's `vertex_count` and
/// `edge_count<i>` files).
pub(super) fn write_count(path: &Path, value: u64) -> Result<()> {
    create_parent(path)?;
    let mut f = File::create(path).map_err(|e| IoError::write(path, e))?;
    f.write_all(&(value as i64).to_le_bytes())
        .map_err(|e| IoError::write(path, e))?;
    f.sync_all().map_err(|e| IoError::write(path, e))
}

/// Reads a count file: exactly 8 bytes, a non-negative little-endian int64.
pub(super) fn read_count(path: &Path) -> Result<u64> {
    let bytes = std::fs::read(path).map_err(|e| IoError::open(path, e))?;
    if bytes.len() != 8 {
        return Err(IoError::bad_input(
            path,
            format!(
                "count file must hold exactly 8 bytes (a little-endian int64), found {} bytes",
                bytes.len()
            ),
        ));
    }
    let v = i64::from_le_bytes(bytes.try_into().expect("8 bytes"));
    if v < 0 {
        return Err(IoError::bad_input(path, format!("negative count {v}")));
    }
    Ok(v as u64)
}

fn create_parent(path: &Path) -> Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).map_err(|e| IoError::write(p, e))?;
    }
    Ok(())
}

/// Reads column `name` of the Parquet chunk `path` as arrays (one per batch).
fn read_column(path: &Path, name: &str) -> Result<Vec<ArrayRef>> {
    Ok(read_columns(path, &[name])?.pop().expect("one column"))
}

/// Reads columns `names` of the Parquet chunk `path` in one pass: per column, its
/// arrays (one per batch).
fn read_columns(path: &Path, names: &[&str]) -> Result<Vec<Vec<ArrayRef>>> {
    if !path.is_file() {
        return Err(IoError::bad_input(path, "chunk file is missing"));
    }
    let file = File::open(path).map_err(|e| IoError::open(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| IoError::bad_input(path, format!("not a readable Parquet file: {e}")))?;
    let schema = builder.schema().clone();
    let mut idx = Vec::with_capacity(names.len());
    for name in names {
        idx.push(schema.index_of(name).map_err(|_| {
            let cols: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            IoError::bad_input(
                path,
                format!("column '{name}' not found (columns: {})", cols.join(", ")),
            )
        })?);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), idx.iter().copied());
    let reader = builder
        .with_projection(mask)
        .with_batch_size(1 << 16)
        .build()
        .map_err(|e| IoError::bad_input(path, format!("columns {}: {e}", names.join(", "))))?;
    let mut out = vec![Vec::new(); names.len()];
    for b in reader {
        let b = b.map_err(|e| IoError::bad_input(path, format!("cannot decode: {e}")))?;
        for (k, name) in names.iter().enumerate() {
            // The projection keeps the file's column order: look columns up by name.
            let a = b
                .column_by_name(name)
                .ok_or_else(|| IoError::bad_input(path, format!("column '{name}' not found")))?
                .clone();
            if a.null_count() > 0 {
                return Err(IoError::bad_input(
                    path,
                    format!("column '{name}' holds {} nulls", a.null_count()),
                ));
            }
            out[k].push(a);
        }
    }
    Ok(out)
}

fn type_error(path: &Path, name: &str, t: &DataType, expected: &str) -> IoError {
    IoError::bad_input(
        path,
        format!("column '{name}' has type {t}, expected {expected}"),
    )
}

/// Reads an integer column (any integer type) widened to `i64`.
pub(super) fn read_i64(path: &Path, name: &str) -> Result<Vec<i64>> {
    let arrays = read_column(path, name)?;
    let mut out = Vec::with_capacity(arrays.iter().map(|a| a.len()).sum());
    for a in &arrays {
        append_i64(path, name, a, &mut out)?;
    }
    Ok(out)
}

fn append_i64(path: &Path, name: &str, a: &ArrayRef, out: &mut Vec<i64>) -> Result<()> {
    macro_rules! widen {
        ($t:ty) => {
            out.extend(a.as_primitive::<$t>().values().iter().map(|&v| v as i64))
        };
    }
    match a.data_type() {
        DataType::Int64 => out.extend_from_slice(a.as_primitive::<Int64Type>().values()),
        DataType::Int32 => widen!(Int32Type),
        DataType::Int16 => widen!(Int16Type),
        DataType::Int8 => widen!(Int8Type),
        DataType::UInt32 => widen!(UInt32Type),
        DataType::UInt16 => widen!(UInt16Type),
        DataType::UInt8 => widen!(UInt8Type),
        DataType::UInt64 => {
            for &v in a.as_primitive::<UInt64Type>().values() {
                let v = i64::try_from(v).map_err(|_| {
                    IoError::bad_input(path, format!("column '{name}': value {v} exceeds int64"))
                })?;
                out.push(v);
            }
        }
        t => return Err(type_error(path, name, t, "int64")),
    }
    Ok(())
}

/// Reads two integer columns in one pass, widened to `i64`.
pub(super) fn read_i64_pair(path: &Path, a: &str, b: &str) -> Result<(Vec<i64>, Vec<i64>)> {
    let mut cols = read_columns(path, &[a, b])?.into_iter();
    let mut widen = |name: &str| -> Result<Vec<i64>> {
        let arrays = cols.next().expect("two columns");
        let mut out = Vec::with_capacity(arrays.iter().map(|x| x.len()).sum());
        for x in &arrays {
            append_i64(path, name, x, &mut out)?;
        }
        Ok(out)
    };
    let first = widen(a)?;
    let second = widen(b)?;
    Ok((first, second))
}

/// Reads a numeric column as `f32` (float, double or integer).
pub(super) fn read_f32(path: &Path, name: &str) -> Result<Vec<f32>> {
    let arrays = read_column(path, name)?;
    let mut out = Vec::with_capacity(arrays.iter().map(|a| a.len()).sum());
    for a in &arrays {
        match a.data_type() {
            DataType::Float32 => out.extend_from_slice(a.as_primitive::<Float32Type>().values()),
            DataType::Float64 => out.extend(
                a.as_primitive::<Float64Type>()
                    .values()
                    .iter()
                    .map(|&v| v as f32),
            ),
            t if t.is_integer() => {
                let mut tmp = Vec::new();
                append_i64(path, name, a, &mut tmp)?;
                out.extend(tmp.into_iter().map(|v| v as f32));
            }
            t => return Err(type_error(path, name, t, "float")),
        }
    }
    Ok(out)
}

/// Reads a vertex id column: integers (widened to int64) or strings.
pub(super) fn read_ids(path: &Path, name: &str) -> Result<IdColumn> {
    let arrays = read_column(path, name)?;
    let is_str =
        |t: &DataType| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    let want_str = match arrays.first() {
        Some(a) => is_str(a.data_type()),
        None => {
            // An empty chunk: take the kind from the schema.
            let file = File::open(path).map_err(|e| IoError::open(path, e))?;
            let b = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| {
                IoError::bad_input(path, format!("not a readable Parquet file: {e}"))
            })?;
            let t = b
                .schema()
                .field_with_name(name)
                .map(|f| f.data_type().clone())
                .unwrap_or(DataType::Int64);
            is_str(&t)
        }
    };
    if want_str {
        let mut col = StrColumn::new();
        for a in &arrays {
            if !crate::parquet_table::push_strings(a, &mut col) {
                return Err(type_error(path, name, a.data_type(), "string"));
            }
        }
        Ok(IdColumn::Str(col))
    } else {
        let mut out = Vec::with_capacity(arrays.iter().map(|a| a.len()).sum());
        for a in &arrays {
            if !a.data_type().is_integer() {
                return Err(type_error(path, name, a.data_type(), "int64 or string"));
            }
            append_i64(path, name, a, &mut out)?;
        }
        Ok(IdColumn::Int(out))
    }
}
