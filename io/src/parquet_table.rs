//! Parquet node tables and generic tables: id columns, value columns and matrices.
//!
//! Matrices (embeddings, features) are one `FixedSizeList<Float32>[dim]` column,
//! which pyarrow, pandas, polars, DuckDB and Spark read as arrays. On reading, a
//! matrix may also come as `FixedSizeList`/`List`/`LargeList` of `Float32` or
//! `Float64` with equal lengths.

use crate::error::{IoError, Result};
use crate::parquet_edges::{open_parquet, read_column_chunk, write_batches};
use crate::table::{Column, Table};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{
    Array, ArrayRef, FixedSizeListArray, Float32Array, Float64Array, Int64Array, RecordBatch,
    StringArray, UInt32Array,
};
use arrow_schema::{DataType, Field, Schema};
use rayon::prelude::*;
use spargraph_engine::StrColumn;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Output slot of one decoded column chunk.
pub(crate) enum ColumnSlot<'a> {
    Int(&'a mut [i64]),
    F32(&'a mut [f32]),
}

/// The error for a column of the wrong type.
pub(crate) fn column_type_error(path: &Path, name: &str, t: &DataType, why: &str) -> IoError {
    IoError::bad_input(path, format!("column '{name}' has type {t}; {why}"))
}

fn null_error(path: &Path, name: &str, rg: usize, nulls: usize, what: &str) -> IoError {
    IoError::bad_input(
        path,
        format!(
            "column '{name}' has {nulls} null values in row group {rg}; {what} must not be null"
        ),
    )
}

/// Appends the values of a string array (`Utf8`, `LargeUtf8` or `Utf8View`) to
/// `out`, skipping nulls; returns `false`, appending nothing, for other types.
pub(crate) fn push_strings(a: &ArrayRef, out: &mut StrColumn) -> bool {
    match a.data_type() {
        DataType::Utf8 => a
            .as_string::<i32>()
            .iter()
            .flatten()
            .for_each(|x| out.push(x)),
        DataType::LargeUtf8 => a
            .as_string::<i64>()
            .iter()
            .flatten()
            .for_each(|x| out.push(x)),
        DataType::Utf8View => a
            .as_string_view()
            .iter()
            .flatten()
            .for_each(|x| out.push(x)),
        _ => return false,
    }
    true
}

/// Copies integer id arrays into `out`, widening to `i64`.
pub(crate) fn read_id_array(
    path: &Path,
    name: &str,
    rg: usize,
    arrays: &[ArrayRef],
    out: &mut [i64],
) -> Result<()> {
    let mut pos = 0;
    for a in arrays {
        if a.null_count() > 0 {
            return Err(null_error(path, name, rg, a.null_count(), "node ids"));
        }
        let n = a.len();
        let dst = &mut out[pos..pos + n];
        macro_rules! widen {
            ($t:ty) => {{
                let v = a.as_primitive::<$t>().values();
                for (o, &x) in dst.iter_mut().zip(v.iter()) {
                    *o = x as i64;
                }
            }};
        }
        match a.data_type() {
            DataType::Int64 => dst.copy_from_slice(a.as_primitive::<Int64Type>().values()),
            DataType::Int32 => widen!(Int32Type),
            DataType::Int16 => widen!(Int16Type),
            DataType::Int8 => widen!(Int8Type),
            DataType::UInt32 => widen!(UInt32Type),
            DataType::UInt16 => widen!(UInt16Type),
            DataType::UInt8 => widen!(UInt8Type),
            DataType::UInt64 => {
                let v = a.as_primitive::<UInt64Type>().values();
                for (o, &x) in dst.iter_mut().zip(v.iter()) {
                    if x > i64::MAX as u64 {
                        return Err(IoError::bad_input(
                            path,
                            format!(
                                "column '{name}' row group {rg}: id {x} is larger than 2^63 - 1"
                            ),
                        ));
                    }
                    *o = x as i64;
                }
            }
            t => {
                return Err(column_type_error(
                    path,
                    name,
                    t,
                    "node ids must be integers or strings",
                ))
            }
        }
        pos += n;
    }
    if pos != out.len() {
        return Err(IoError::bad_input(
            path,
            format!(
                "column '{name}' row group {rg}: decoded {pos} rows, footer says {}",
                out.len()
            ),
        ));
    }
    Ok(())
}

/// Copies numeric weight arrays into `out` as `f32`.
pub(crate) fn read_weight_array(
    path: &Path,
    name: &str,
    rg: usize,
    arrays: &[ArrayRef],
    out: &mut [f32],
) -> Result<()> {
    let mut pos = 0;
    for a in arrays {
        if a.null_count() > 0 {
            return Err(null_error(path, name, rg, a.null_count(), "weights"));
        }
        let n = a.len();
        let v = to_f32(path, name, a)?;
        out[pos..pos + n].copy_from_slice(&v);
        pos += n;
    }
    if pos != out.len() {
        return Err(IoError::bad_input(
            path,
            format!(
                "column '{name}' row group {rg}: decoded {pos} rows, footer says {}",
                out.len()
            ),
        ));
    }
    Ok(())
}

fn to_f32(path: &Path, name: &str, a: &ArrayRef) -> Result<Vec<f32>> {
    macro_rules! conv {
        ($t:ty) => {
            a.as_primitive::<$t>()
                .values()
                .iter()
                .map(|&x| x as f32)
                .collect()
        };
    }
    Ok(match a.data_type() {
        DataType::Float32 => a.as_primitive::<Float32Type>().values().to_vec(),
        DataType::Float64 => {
            let v = a.as_primitive::<Float64Type>().values();
            if let Some(x) = v
                .iter()
                .find(|x| x.is_finite() && x.abs() > f32::MAX as f64)
            {
                return Err(IoError::bad_input(
                    path,
                    format!(
                        "column '{name}': value {x:e} does not fit single precision \
                         (this column is read as f32, at most {:e})",
                        f32::MAX
                    ),
                ));
            }
            conv!(Float64Type)
        }
        DataType::Int64 => conv!(Int64Type),
        DataType::Int32 => conv!(Int32Type),
        DataType::Int16 => conv!(Int16Type),
        DataType::Int8 => conv!(Int8Type),
        DataType::UInt64 => conv!(UInt64Type),
        DataType::UInt32 => conv!(UInt32Type),
        DataType::UInt16 => conv!(UInt16Type),
        DataType::UInt8 => conv!(UInt8Type),
        t => return Err(column_type_error(path, name, t, "expected numbers")),
    })
}

fn to_f64(path: &Path, name: &str, a: &ArrayRef) -> Result<Vec<f64>> {
    Ok(match a.data_type() {
        DataType::Float64 => a.as_primitive::<Float64Type>().values().to_vec(),
        _ => to_f32(path, name, a)?
            .into_iter()
            .map(|x| x as f64)
            .collect(),
    })
}

fn column_to_array(path: &Path, name: &str, c: &Column) -> Result<(DataType, ArrayRef)> {
    Ok(match c {
        Column::I64(v) => (DataType::Int64, Arc::new(Int64Array::from(v.clone()))),
        Column::U32(v) => (DataType::UInt32, Arc::new(UInt32Array::from(v.clone()))),
        Column::F64(v) => (DataType::Float64, Arc::new(Float64Array::from(v.clone()))),
        Column::F32(v) => (DataType::Float32, Arc::new(Float32Array::from(v.clone()))),
        Column::Str(s) => (
            DataType::Utf8,
            Arc::new(s.iter().map(Some).collect::<StringArray>()),
        ),
        Column::Matrix { dim, values } => {
            let dim_i32 = i32::try_from(*dim).ok().filter(|d| *d > 0).ok_or_else(|| {
                IoError::internal(
                    path,
                    format!("column '{name}': matrix width {dim} is not in 1..2^31"),
                )
            })?;
            let item = Arc::new(Field::new("item", DataType::Float32, false));
            let arr = FixedSizeListArray::try_new(
                item.clone(),
                dim_i32,
                Arc::new(Float32Array::from(values.clone())),
                None,
            )
            .map_err(|e| IoError::internal(path, format!("column '{name}': {e}")))?;
            (DataType::FixedSizeList(item, dim_i32), Arc::new(arr))
        }
    })
}

/// Writes `table` as Parquet (zstd, no dictionary), atomically. All columns must
/// have the same number of rows; metadata goes into the schema's key-value metadata.
pub fn write_table(path: &Path, table: &Table) -> Result<()> {
    let n = table.n_rows();
    let mut fields = Vec::new();
    let mut arrays = Vec::new();
    for (name, c) in &table.columns {
        if c.len() != n {
            return Err(IoError::internal(
                path,
                format!("column '{name}' has {} rows, expected {n}", c.len()),
            ));
        }
        let (t, a) = column_to_array(path, name, c)?;
        fields.push(Field::new(name, t, false));
        arrays.push(a);
    }
    let metadata: HashMap<String, String> = table.metadata.iter().cloned().collect();
    let schema = Arc::new(Schema::new_with_metadata(fields, metadata));
    let batch = if arrays.is_empty() {
        RecordBatch::new_empty(schema.clone())
    } else {
        RecordBatch::try_new(schema.clone(), arrays)
            .map_err(|e| IoError::internal(path, format!("cannot assemble table: {e}")))?
    };
    // Batches of about 4 M values: the writer allocates repetition and definition
    // levels per value of a list column, and small batches keep those buffers small
    // and reused (1M x 128 embedding: write 3.7 s -> 1.7 s, peak RSS 2.84 -> 1.93 GiB).
    let width: usize = table
        .columns
        .iter()
        .map(|(_, c)| match c {
            Column::Matrix { dim, .. } => (*dim).max(1),
            _ => 1,
        })
        .sum::<usize>()
        .max(1);
    let chunk: usize = ((1usize << 22) / width).clamp(1024, 1 << 20);
    let batches = (0..n.div_ceil(chunk).max(1)).map(move |k| {
        let start = (k * chunk).min(n);
        batch.slice(start, chunk.min(n - start))
    });
    write_batches(path, schema, batches)
}

/// Reads the columns `names` (all when `None`) of a Parquet table. Integer columns
/// become [`Column::I64`], floats [`Column::F32`]/[`Column::F64`], strings
/// [`Column::Str`], float lists of equal length [`Column::Matrix`]. Nulls are refused.
pub fn read_table(path: &Path, names: Option<&[&str]>) -> Result<Table> {
    let open = open_parquet(path)?;
    let schema = open.meta.schema().clone();
    let wanted: Vec<(usize, String)> = match names {
        Some(ns) => ns
            .iter()
            .map(|n| {
                crate::parquet_edges::find_column(path, &schema, n).map(|i| (i, n.to_string()))
            })
            .collect::<Result<_>>()?,
        None => schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| (i, f.name().clone()))
            .collect(),
    };
    let n_rg = open.meta.metadata().num_row_groups();
    let mut columns = Vec::new();
    for (idx, name) in &wanted {
        let parts: Vec<Vec<ArrayRef>> = (0..n_rg)
            .into_par_iter()
            .map(|rg| read_column_chunk(path, &open, rg, *idx, name))
            .collect::<Result<_>>()?;
        let mut col: Option<Column> = None;
        for (rg, arrays) in parts.into_iter().enumerate() {
            for a in arrays {
                if a.null_count() > 0 {
                    return Err(null_error(path, name, rg, a.null_count(), "values"));
                }
                let piece = array_to_column(path, name, &a)?;
                col = Some(match col {
                    None => piece,
                    Some(c) => append(path, name, c, piece)?,
                });
            }
        }
        let col = match col {
            Some(c) => c,
            None => empty_column(path, name, schema.field(*idx).data_type())?,
        };
        columns.push((name.clone(), col));
    }
    let metadata = schema
        .metadata()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(Table { columns, metadata })
}

fn empty_column(path: &Path, name: &str, t: &DataType) -> Result<Column> {
    Ok(match t {
        t if t.is_integer() => Column::I64(Vec::new()),
        DataType::Float64 => Column::F64(Vec::new()),
        DataType::Float32 | DataType::Float16 => Column::F32(Vec::new()),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Column::Str(StrColumn::new()),
        DataType::FixedSizeList(_, d) => Column::Matrix {
            dim: *d as usize,
            values: Vec::new(),
        },
        DataType::List(_) | DataType::LargeList(_) => Column::Matrix {
            dim: 0,
            values: Vec::new(),
        },
        t => return Err(column_type_error(path, name, t, "unsupported column type")),
    })
}

fn array_to_column(path: &Path, name: &str, a: &ArrayRef) -> Result<Column> {
    Ok(match a.data_type() {
        t if t.is_integer() => {
            let mut v = vec![0i64; a.len()];
            read_id_array(path, name, 0, std::slice::from_ref(a), &mut v)?;
            Column::I64(v)
        }
        DataType::Float64 => Column::F64(to_f64(path, name, a)?),
        DataType::Float32 => Column::F32(to_f32(path, name, a)?),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            let mut s = StrColumn::new();
            push_strings(a, &mut s);
            Column::Str(s)
        }
        DataType::FixedSizeList(_, d) => {
            let l = a.as_fixed_size_list();
            let values = to_f32(path, name, l.values())?;
            let start = l.offset() * *d as usize;
            no_null_elements(path, name, l.values(), start, l.len() * *d as usize)?;
            Column::Matrix {
                dim: *d as usize,
                values: values[start..start + l.len() * *d as usize].to_vec(),
            }
        }
        DataType::List(_) | DataType::LargeList(_) => {
            let (offsets, values): (Vec<usize>, ArrayRef) = match a.data_type() {
                DataType::List(_) => {
                    let l = a.as_list::<i32>();
                    (
                        l.value_offsets().iter().map(|&o| o as usize).collect(),
                        l.values().clone(),
                    )
                }
                _ => {
                    let l = a.as_list::<i64>();
                    (
                        l.value_offsets().iter().map(|&o| o as usize).collect(),
                        l.values().clone(),
                    )
                }
            };
            let flat = to_f32(path, name, &values)?;
            let dim = if a.is_empty() {
                0
            } else {
                offsets[1] - offsets[0]
            };
            if let Some(k) = offsets.windows(2).position(|w| w[1] - w[0] != dim) {
                return Err(IoError::bad_input(
                    path,
                    format!("column '{name}': row {k} has {} values, the first row {dim}; a matrix needs equal lengths", offsets[k + 1] - offsets[k]),
                ));
            }
            let (b, e) = (offsets[0], *offsets.last().unwrap_or(&0));
            no_null_elements(path, name, &values, b, e - b)?;
            Column::Matrix {
                dim,
                values: flat[b..e].to_vec(),
            }
        }
        t => return Err(column_type_error(path, name, t, "unsupported column type")),
    })
}

/// Refuses null elements inside the lists of column `name` (elements
/// `start .. start + len` of the flattened `values`): a matrix row with a hole has
/// no number to stand for it.
fn no_null_elements(
    path: &Path,
    name: &str,
    values: &ArrayRef,
    start: usize,
    len: usize,
) -> Result<()> {
    let nulls = values.slice(start, len).null_count();
    if nulls > 0 {
        return Err(IoError::bad_input(
            path,
            format!("column '{name}': {nulls} null values inside its lists (every element needs a number)"),
        ));
    }
    Ok(())
}

fn append(path: &Path, name: &str, a: Column, b: Column) -> Result<Column> {
    Ok(match (a, b) {
        (Column::I64(mut x), Column::I64(y)) => {
            x.extend(y);
            Column::I64(x)
        }
        (Column::F64(mut x), Column::F64(y)) => {
            x.extend(y);
            Column::F64(x)
        }
        (Column::F32(mut x), Column::F32(y)) => {
            x.extend(y);
            Column::F32(x)
        }
        (Column::Str(mut x), Column::Str(y)) => {
            for s in y.iter() {
                x.push(s);
            }
            Column::Str(x)
        }
        (Column::Matrix { dim, values: mut x }, Column::Matrix { dim: d2, values: y })
            if dim == d2 || y.is_empty() || x.is_empty() =>
        {
            let dim = if x.is_empty() { d2 } else { dim };
            x.extend(y);
            Column::Matrix { dim, values: x }
        }
        _ => {
            return Err(IoError::bad_input(
                path,
                format!("column '{name}' changes type or width between batches"),
            ))
        }
    })
}

/// A matrix read from a node table: one row per node id.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeMatrix {
    /// The node id of each row, in file order.
    pub ids: spargraph_engine::IdColumn,
    /// Values per row.
    pub dim: usize,
    /// `ids.len() x dim` values, row-major.
    pub values: Vec<f32>,
}

/// Reads a node feature (or embedding) matrix from a Parquet node table: the id
/// column `id_col` plus either one list column (`FixedSizeList`/`List` of floats,
/// e.g. an `embedding` column written by spargraph) or one float or integer column
/// per feature. `columns` picks the value columns (default: every column but the
/// id); one list column, or several scalar columns, are accepted.
pub fn read_node_matrix(path: &Path, id_col: &str, columns: Option<&[&str]>) -> Result<NodeMatrix> {
    let table = read_table(path, None)?;
    let ids = match table.column(id_col) {
        Some(Column::I64(v)) => spargraph_engine::IdColumn::Int(v.clone()),
        Some(Column::Str(s)) => spargraph_engine::IdColumn::Str(s.clone()),
        Some(_) => {
            return Err(IoError::bad_input(
                path,
                format!("column '{id_col}' must hold integer or string node ids"),
            ))
        }
        None => {
            let names: Vec<&str> = table.columns.iter().map(|c| c.0.as_str()).collect();
            return Err(IoError::bad_input(
                path,
                format!(
                    "column '{id_col}' not found (columns: {})",
                    names.join(", ")
                ),
            ));
        }
    };
    let chosen: Vec<&(String, Column)> = match columns {
        Some(names) => names
            .iter()
            .map(|n| {
                table.columns.iter().find(|c| c.0 == *n).ok_or_else(|| {
                    IoError::bad_input(path, format!("feature column '{n}' not found"))
                })
            })
            .collect::<Result<_>>()?,
        None => table.columns.iter().filter(|c| c.0 != id_col).collect(),
    };
    let rows = ids.len();
    if let [(_, Column::Matrix { dim, values })] = chosen.as_slice() {
        return Ok(NodeMatrix {
            ids,
            dim: *dim,
            values: values.clone(),
        });
    }
    if chosen.is_empty() {
        return Err(IoError::bad_input(
            path,
            "no feature columns besides the id column",
        ));
    }
    let dim = chosen.len();
    let mut values = vec![0f32; rows * dim];
    for (j, (name, col)) in chosen.iter().enumerate() {
        let as_f32: Vec<f32> = match col {
            Column::F32(v) => v.clone(),
            Column::F64(v) => v.iter().map(|&x| x as f32).collect(),
            Column::I64(v) => v.iter().map(|&x| x as f32).collect(),
            Column::U32(v) => v.iter().map(|&x| x as f32).collect(),
            Column::Matrix { .. } => {
                return Err(IoError::bad_input(
                    path,
                    format!(
                        "column '{name}' is a list; give either one list column or scalar columns"
                    ),
                ))
            }
            Column::Str(_) => {
                return Err(IoError::bad_input(
                    path,
                    format!("feature column '{name}' holds strings, expected numbers"),
                ))
            }
        };
        for (i, x) in as_f32.into_iter().enumerate() {
            values[i * dim + j] = x;
        }
    }
    Ok(NodeMatrix { ids, dim, values })
}
