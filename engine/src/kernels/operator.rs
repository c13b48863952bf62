//! Degree normalisations of the adjacency matrix, applied inside the kernels.

use super::degree::{column_sums, row_sums};
use super::scalar::Real;
use crate::csr::Csr;

/// How the matrix `A` (or `A + I` with self-loops) is normalised by degrees before it
/// multiplies a vector or matrix. `D` holds the row sums (weighted out-degrees) and
/// `C` the column sums (weighted in-degrees); for an undirected graph `C = D`.
/// Rows or columns with zero degree get scale 0, never an infinity or NaN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Normalization {
    /// `A` itself.
    #[default]
    None,
    /// `D^-1 A`: each row sums to 1 (the random-walk transition matrix; mean aggregation).
    Row,
    /// `D^-1/2 A D^-1/2` (GCN / spectral normalisation).
    Symmetric,
    /// `A C^-1`: each column sums to 1 (the column-stochastic matrix of PageRank when
    /// `A` holds in-arcs by row).
    Column,
}

/// A prepared linear operator `y = L (A + s I) R x` where `L = diag(left)`,
/// `R = diag(right)` and `s` is 1 when self-loops are added, else 0. Preparing it once
/// (degrees, inverse square roots) lets iterative algorithms reuse it.
#[derive(Clone, Debug)]
pub struct Operator<T: Real> {
    pub(crate) left: Option<Vec<T>>,
    pub(crate) right: Option<Vec<T>>,
    pub(crate) self_loops: bool,
}

fn inv(d: f64) -> f64 {
    if d > 0.0 {
        1.0 / d
    } else {
        0.0
    }
}

fn inv_sqrt(d: f64) -> f64 {
    if d > 0.0 {
        1.0 / d.sqrt()
    } else {
        0.0
    }
}

impl<T: Real> Operator<T> {
    /// Prepares `normalization` of `a`, with `self_loops` adding the identity first
    /// (degrees then include the loop's weight 1).
    pub fn new(a: &Csr, normalization: Normalization, self_loops: bool) -> Self {
        let extra = if self_loops { 1.0 } else { 0.0 };
        let scale = |sums: Vec<f64>, f: fn(f64) -> f64| -> Vec<T> {
            sums.into_iter()
                .map(|d| T::from_f64(f(d + extra)))
                .collect()
        };
        let (left, right) = match normalization {
            Normalization::None => (None, None),
            Normalization::Row => (Some(scale(row_sums(a), inv)), None),
            Normalization::Symmetric => {
                let s = scale(row_sums(a), inv_sqrt);
                (Some(s.clone()), Some(s))
            }
            Normalization::Column => (None, Some(scale(column_sums(a), inv))),
        };
        Operator {
            left,
            right,
            self_loops,
        }
    }

    /// An operator with explicit diagonal scalings (`None` means the identity).
    pub fn with_scaling(left: Option<Vec<T>>, right: Option<Vec<T>>, self_loops: bool) -> Self {
        Operator {
            left,
            right,
            self_loops,
        }
    }

    /// Left scaling (applied to output rows), if any.
    pub fn left(&self) -> Option<&[T]> {
        self.left.as_deref()
    }

    /// Right scaling (applied to input rows), if any.
    pub fn right(&self) -> Option<&[T]> {
        self.right.as_deref()
    }

    /// Whether the identity is added to the matrix.
    pub fn self_loops(&self) -> bool {
        self.self_loops
    }
}
