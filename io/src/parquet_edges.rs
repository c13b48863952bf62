//! Parquet edge lists: two id columns and an optional weight column, chosen by name.
//!
//! Reading is parallel: every (row group, column) pair is decoded by its own rayon
//! task straight into its slot of the output arrays, with column projection and one
//! batch per row group (arrow-rs' default batch of 1024 rows is several times
//! slower). Id columns may be any integer type (widened to `i64`) or strings; the
//! weight column any integer or float type (converted to `f32`). Nulls are refused.
//!
//! Writing uses zstd, no dictionary for the columns, and row groups of 1,048,576 rows.

use crate::atomic::write_file_with;
use crate::error::{IoError, Result};
use crate::parquet_table::{
    column_type_error, push_strings, read_id_array, read_weight_array, ColumnSlot,
};
use crate::table::EdgeTable;
use arrow_array::{ArrayRef, Float32Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::{ArrowWriter, ProjectionMask};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;
use spargraph_engine::{IdColumn, StrColumn};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Names of the edge list's columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeColumns {
    /// Source id column (default `src`).
    pub src: String,
    /// Target id column (default `dst`).
    pub dst: String,
    /// Weight column, if any (default none).
    pub weight: Option<String>,
}

impl Default for EdgeColumns {
    fn default() -> Self {
        EdgeColumns {
            src: "src".into(),
            dst: "dst".into(),
            weight: None,
        }
    }
}

impl EdgeColumns {
    /// Sets the weight column (builder style).
    pub fn with_weight(mut self, name: impl Into<String>) -> Self {
        self.weight = Some(name.into());
        self
    }
}

/// A Parquet file read into memory, with its parsed footer. Holding the bytes (one
/// sequential read) lets every decoding task slice them without sharing a file
/// position.
pub(crate) struct OpenParquet {
    pub bytes: Bytes,
    pub meta: ArrowReaderMetadata,
}

/// Opens `path` as Parquet, with errors that tell a missing, empty, non-Parquet and
/// truncated file apart.
pub(crate) fn open_parquet(path: &Path) -> Result<OpenParquet> {
    let file = File::open(path).map_err(|e| IoError::open(path, e))?;
    let len = file.metadata().map_err(|e| IoError::open(path, e))?.len();
    if path.is_dir() {
        return Err(IoError::bad_input(
            path,
            "is a folder, expected a Parquet file",
        ));
    }
    if len == 0 {
        return Err(IoError::bad_input(
            path,
            "empty file (0 bytes), not a Parquet file",
        ));
    }
    let mut head = [0u8; 4];
    {
        use std::io::Read;
        let mut f = &file;
        let n = f.read(&mut head).map_err(|e| IoError::open(path, e))?;
        if n < 4 || &head != b"PAR1" {
            return Err(IoError::bad_input(
                path,
                "not a Parquet file (no PAR1 magic at the start)",
            ));
        }
    }
    let mut tail = [0u8; 4];
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = &file;
        if len < 12 {
            return Err(IoError::bad_input(
                path,
                "truncated Parquet file (too short for a footer)",
            ));
        }
        f.seek(SeekFrom::End(-4))
            .map_err(|e| IoError::open(path, e))?;
        f.read_exact(&mut tail)
            .map_err(|e| IoError::open(path, e))?;
        f.seek(SeekFrom::Start(0))
            .map_err(|e| IoError::open(path, e))?;
    }
    if &tail != b"PAR1" {
        return Err(IoError::bad_input(
            path,
            "truncated or corrupt Parquet file (no PAR1 magic at the end; was the file cut short?)",
        ));
    }
    let mut buf = Vec::with_capacity(len as usize);
    {
        use std::io::Read;
        let mut f = &file;
        f.read_to_end(&mut buf)
            .map_err(|e| IoError::open(path, e))?;
    }
    let bytes = Bytes::from(buf);
    let meta = ArrowReaderMetadata::load(&bytes, ArrowReaderOptions::new())
        .map_err(|e| IoError::bad_input(path, format!("corrupt Parquet footer: {e}")))?;
    Ok(OpenParquet { bytes, meta })
}

/// Index of column `name` in the file's schema, or an error listing the columns.
pub(crate) fn find_column(path: &Path, schema: &Schema, name: &str) -> Result<usize> {
    schema.index_of(name).map_err(|_| {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        IoError::bad_input(
            path,
            format!("column '{name}' not found (columns: {})", names.join(", ")),
        )
    })
}

/// Rows per decoded batch when streaming a column into its output: large enough to
/// amortise per-batch overhead (arrow-rs' default of 1024 is several times slower),
/// small enough that decoded batches add little to peak memory.
const STREAM_BATCH_ROWS: usize = 1 << 16;

/// Decodes column `col` of row group `rg` batch by batch, handing each array to `f`.
pub(crate) fn for_each_batch(
    path: &Path,
    open: &OpenParquet,
    rg: usize,
    col: usize,
    name: &str,
    mut f: impl FnMut(ArrayRef) -> Result<()>,
) -> Result<()> {
    let mask = ProjectionMask::roots(open.meta.metadata().file_metadata().schema_descr(), [col]);
    let reader =
        ParquetRecordBatchReaderBuilder::new_with_metadata(open.bytes.clone(), open.meta.clone())
            .with_row_groups(vec![rg])
            .with_projection(mask)
            .with_batch_size(STREAM_BATCH_ROWS)
            .build()
            .map_err(|e| {
                IoError::bad_input(path, format!("column '{name}', row group {rg}: {e}"))
            })?;
    for batch in reader {
        let batch = batch.map_err(|e| {
            IoError::bad_input(
                path,
                format!("column '{name}', row group {rg}: cannot decode: {e}"),
            )
        })?;
        f(batch.column(0).clone())?;
    }
    Ok(())
}

/// Decodes column `col` of row group `rg` into its batches of arrays.
pub(crate) fn read_column_chunk(
    path: &Path,
    open: &OpenParquet,
    rg: usize,
    col: usize,
    name: &str,
) -> Result<Vec<ArrayRef>> {
    let mut out = Vec::new();
    for_each_batch(path, open, rg, col, name, |a| {
        out.push(a);
        Ok(())
    })?;
    Ok(out)
}

/// Reads an edge list from Parquet. Fails, naming the file and column, on a missing
/// file, a file that is not Parquet, a truncated file, a missing column, an id column
/// that is not integer or string, a weight column that is not numeric, and nulls.
pub fn read_edges(path: &Path, columns: &EdgeColumns) -> Result<EdgeTable> {
    let open = open_parquet(path)?;
    let schema = open.meta.schema().clone();
    let src_idx = find_column(path, &schema, &columns.src)?;
    let dst_idx = find_column(path, &schema, &columns.dst)?;
    let w_idx = match &columns.weight {
        Some(w) => Some(find_column(path, &schema, w)?),
        None => None,
    };
    for (idx, name) in [(src_idx, &columns.src), (dst_idx, &columns.dst)] {
        let t = schema.field(idx).data_type();
        if !is_id_type(t) {
            return Err(column_type_error(
                path,
                name,
                t,
                "node ids must be integers or strings",
            ));
        }
    }
    if let (Some(i), Some(name)) = (w_idx, &columns.weight) {
        let t = schema.field(i).data_type();
        if !(t.is_integer() || t.is_floating()) {
            return Err(column_type_error(path, name, t, "weights must be numbers"));
        }
    }
    let md = open.meta.metadata();
    let rg_rows: Vec<usize> = (0..md.num_row_groups())
        .map(|i| md.row_group(i).num_rows() as usize)
        .collect();
    let string_ids = matches!(
        schema.field(src_idx).data_type(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    );
    let dst_string = matches!(
        schema.field(dst_idx).data_type(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    );
    if string_ids != dst_string {
        return Err(IoError::bad_input(
            path,
            format!(
                "columns '{}' and '{}' must both be integers or both strings",
                columns.src, columns.dst
            ),
        ));
    }
    let (src, dst) = if string_ids {
        let (s, d) = rayon::join(
            || read_str_column(path, &open, &rg_rows, src_idx, &columns.src),
            || read_str_column(path, &open, &rg_rows, dst_idx, &columns.dst),
        );
        (IdColumn::Str(s?), IdColumn::Str(d?))
    } else {
        let total: usize = rg_rows.iter().sum();
        let mut src = vec![0i64; total];
        let mut dst = vec![0i64; total];
        let mut weight = w_idx.map(|_| vec![0f32; total]);
        let mut tasks: Vec<(usize, usize, &str, ColumnSlot)> = Vec::new();
        {
            let mut s_rest: &mut [i64] = &mut src;
            let mut d_rest: &mut [i64] = &mut dst;
            let mut w_rest: Option<&mut [f32]> = weight.as_deref_mut();
            for (rg, &rows) in rg_rows.iter().enumerate() {
                let (s, sr) = s_rest.split_at_mut(rows);
                let (d, dr) = d_rest.split_at_mut(rows);
                s_rest = sr;
                d_rest = dr;
                tasks.push((rg, src_idx, &columns.src, ColumnSlot::Int(s)));
                tasks.push((rg, dst_idx, &columns.dst, ColumnSlot::Int(d)));
                if let Some(wr) = w_rest.take() {
                    let (w, wrest) = wr.split_at_mut(rows);
                    w_rest = Some(wrest);
                    tasks.push((
                        rg,
                        w_idx.unwrap(),
                        columns.weight.as_deref().unwrap(),
                        ColumnSlot::F32(w),
                    ));
                }
            }
        }
        tasks
            .into_par_iter()
            .map(|(rg, col, name, slot)| {
                let expected = match &slot {
                    ColumnSlot::Int(o) => o.len(),
                    ColumnSlot::F32(o) => o.len(),
                };
                let mut slot = slot;
                let mut pos = 0usize;
                for_each_batch(path, &open, rg, col, name, |a| {
                    let n = a.len();
                    if pos + n > expected {
                        return Err(IoError::bad_input(
                            path,
                            format!("column '{name}' row group {rg}: more rows than the footer's {expected}"),
                        ));
                    }
                    let arrays = std::slice::from_ref(&a);
                    match &mut slot {
                        ColumnSlot::Int(out) => read_id_array(path, name, rg, arrays, &mut out[pos..pos + n])?,
                        ColumnSlot::F32(out) => read_weight_array(path, name, rg, arrays, &mut out[pos..pos + n])?,
                    }
                    pos += n;
                    Ok(())
                })?;
                if pos != expected {
                    return Err(IoError::bad_input(
                        path,
                        format!("column '{name}' row group {rg}: decoded {pos} rows, footer says {expected}"),
                    ));
                }
                Ok(())
            })
            .collect::<Result<Vec<()>>>()?;
        return Ok(EdgeTable {
            src: IdColumn::Int(src),
            dst: IdColumn::Int(dst),
            weight,
        });
    };
    let weight = match (w_idx, &columns.weight) {
        (Some(i), Some(name)) => {
            let total: usize = rg_rows.iter().sum();
            let mut w = vec![0f32; total];
            let mut rest: &mut [f32] = &mut w;
            let mut slots = Vec::new();
            for (rg, &rows) in rg_rows.iter().enumerate() {
                let (a, b) = rest.split_at_mut(rows);
                rest = b;
                slots.push((rg, a));
            }
            slots
                .into_par_iter()
                .map(|(rg, out)| {
                    let arrays = read_column_chunk(path, &open, rg, i, name)?;
                    read_weight_array(path, name, rg, &arrays, out)
                })
                .collect::<Result<Vec<()>>>()?;
            Some(w)
        }
        _ => None,
    };
    Ok(EdgeTable { src, dst, weight })
}

fn is_id_type(t: &DataType) -> bool {
    t.is_integer() || matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn read_str_column(
    path: &Path,
    open: &OpenParquet,
    rg_rows: &[usize],
    col: usize,
    name: &str,
) -> Result<StrColumn> {
    let parts: Vec<Vec<ArrayRef>> = (0..rg_rows.len())
        .into_par_iter()
        .map(|rg| read_column_chunk(path, open, rg, col, name))
        .collect::<Result<_>>()?;
    let mut out = StrColumn::new();
    for (rg, arrays) in parts.iter().enumerate() {
        for a in arrays {
            if a.null_count() > 0 {
                return Err(IoError::bad_input(
                    path,
                    format!("column '{name}' has {} null values in row group {rg}; node ids must not be null", a.null_count()),
                ));
            }
            push_strings(a, &mut out);
        }
    }
    Ok(out)
}

/// Writer settings: zstd level 1, no dictionary, 1,048,576-row groups.
pub(crate) fn writer_properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(1).expect("valid zstd level"),
        ))
        .set_dictionary_enabled(false)
        .set_max_row_group_row_count(Some(1 << 20))
        .set_created_by(format!("spargraph {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Writes an edge list as Parquet with columns named by `columns` (ids as INT64 or
/// UTF8, weights as FLOAT), atomically.
pub fn write_edges(path: &Path, edges: &EdgeTable, columns: &EdgeColumns) -> Result<()> {
    let id_array = |c: &IdColumn| -> ArrayRef {
        match c {
            IdColumn::Int(v) => Arc::new(Int64Array::from(v.clone())),
            IdColumn::Str(s) => Arc::new(s.iter().map(Some).collect::<StringArray>()),
        }
    };
    let id_type = |c: &IdColumn| match c {
        IdColumn::Int(_) => DataType::Int64,
        IdColumn::Str(_) => DataType::Utf8,
    };
    let mut fields = vec![
        Field::new(&columns.src, id_type(&edges.src), false),
        Field::new(&columns.dst, id_type(&edges.dst), false),
    ];
    let mut arrays = vec![id_array(&edges.src), id_array(&edges.dst)];
    if let Some(w) = &edges.weight {
        let name = columns.weight.clone().unwrap_or_else(|| "weight".into());
        fields.push(Field::new(name, DataType::Float32, false));
        arrays.push(Arc::new(Float32Array::from(w.clone())));
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| IoError::internal(path, format!("cannot assemble edge batch: {e}")))?;
    write_batches(path, schema, std::iter::once(batch))
}

/// Writes record batches to `path` atomically with [`writer_properties`].
pub(crate) fn write_batches(
    path: &Path,
    schema: Arc<Schema>,
    batches: impl Iterator<Item = RecordBatch>,
) -> Result<()> {
    write_file_with(path, |file| {
        let mut w = ArrowWriter::try_new(file, schema, Some(writer_properties()))
            .map_err(|e| IoError::write(path, e))?;
        for b in batches {
            w.write(&b).map_err(|e| IoError::write(path, e))?;
        }
        w.into_inner().map_err(|e| IoError::write(path, e))
    })
}
