//! In-memory tables exchanged with the formats: edge lists and node tables.

use spargraph_engine::{IdColumn, StrColumn};

/// An edge list as read from a file: source and target ids in the user's id space,
/// and optional weights. Row `k` is the edge `src[k] -> dst[k]`.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeTable {
    /// Source ids.
    pub src: IdColumn,
    /// Target ids.
    pub dst: IdColumn,
    /// Edge weights, if a weight column was read.
    pub weight: Option<Vec<f32>>,
}

impl EdgeTable {
    /// Number of edges.
    pub fn len(&self) -> usize {
        self.src.len()
    }

    /// Whether there is no edge.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One column of a [`Table`].
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    /// 64-bit integers (Parquet INT64).
    I64(Vec<i64>),
    /// 32-bit unsigned integers (Parquet UINT32).
    U32(Vec<u32>),
    /// 64-bit floats (DOUBLE).
    F64(Vec<f64>),
    /// 32-bit floats (FLOAT).
    F32(Vec<f32>),
    /// UTF-8 strings.
    Str(StrColumn),
    /// A dense row-major matrix, one row per table row, stored as
    /// `FixedSizeList<Float32>[dim]` (what pyarrow, pandas, polars, DuckDB and Spark
    /// read as arrays).
    Matrix {
        /// Values per row.
        dim: usize,
        /// `rows x dim` values, row-major.
        values: Vec<f32>,
    },
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::I64(v) => v.len(),
            Column::U32(v) => v.len(),
            Column::F64(v) => v.len(),
            Column::F32(v) => v.len(),
            Column::Str(v) => v.len(),
            Column::Matrix { dim, values } => {
                if *dim == 0 {
                    0
                } else {
                    values.len() / dim
                }
            }
        }
    }

    /// Whether the column has no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column of an [`IdColumn`].
    pub fn from_ids(ids: IdColumn) -> Column {
        match ids {
            IdColumn::Int(v) => Column::I64(v),
            IdColumn::Str(s) => Column::Str(s),
        }
    }
}

/// A table: named columns of equal length, plus key-value metadata stored in the
/// file's schema (e.g. the parameters of the run that produced it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Columns in order.
    pub columns: Vec<(String, Column)>,
    /// Schema metadata.
    pub metadata: Vec<(String, String)>,
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Table::default()
    }

    /// Adds a column (builder style).
    pub fn with(mut self, name: impl Into<String>, column: Column) -> Self {
        self.columns.push((name.into(), column));
        self
    }

    /// Adds a metadata entry (builder style).
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.push((key.into(), value.into()));
        self
    }

    /// Number of rows (of the first column).
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.1.len())
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.0 == name).map(|c| &c.1)
    }
}
