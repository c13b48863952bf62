//! Sparse kernels shared by the algorithms: SpMV, SpMM (with a dense or a masked
//! sparse-row right-hand side), degree normalisations, degrees and transpose.
//!
//! Each kernel exists in two forms: `*_range`, which computes the output rows of
//! one contiguous row range from an explicit input (what one worker of a
//! partitioned run executes), and a whole-matrix driver that runs the ranges on
//! the rayon pool, balanced by nonzeros ([`crate::partition::balanced_ranges`]).
//! Results do not depend on the number of threads: every output row is computed
//! by one sequential loop in CSR order.

mod degree;
mod masked;
mod operator;
mod scalar;
mod spmm;
mod spmm_mixed;
mod spmv;
mod transpose;

pub use degree::{column_sums, degrees, row_sums};
pub use masked::{masked_spmm_is_vectorised, spmm_masked_range, MaskedRows, MaskedRowsPart};
pub use operator::{Normalization, Operator};
pub use scalar::Real;
pub use spmm::{spmm, spmm_into, spmm_range};
pub use spmm_mixed::spmm_range_f32_to_f64;
pub use spmv::{spmv, spmv_into, spmv_range};
pub use transpose::transpose;

#[cfg(test)]
mod tests;
