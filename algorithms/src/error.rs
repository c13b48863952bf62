//! Errors of the algorithms: options out of range and inputs that do not fit.

use thiserror::Error;

/// An invalid option or input of an algorithm, naming the option and value.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AlgorithmError {
    /// An option is outside its valid range.
    #[error("invalid value for {name}: {value} ({expected})")]
    InvalidOption {
        /// The option's name as the command line spells it (e.g. `damping`).
        name: &'static str,
        /// The rejected value.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// A node id is not in the graph.
    #[error("node {0} is not in the graph")]
    UnknownNode(u32),
    /// The input does not fit the algorithm (e.g. an index built for another graph).
    #[error("{0}")]
    Mismatch(String),
}

/// Checks `lo < x < hi` (open interval).
pub(crate) fn check_open(
    name: &'static str,
    x: f64,
    lo: f64,
    hi: f64,
    expected: &'static str,
) -> Result<(), AlgorithmError> {
    if x.is_finite() && x > lo && x < hi {
        Ok(())
    } else {
        Err(AlgorithmError::InvalidOption {
            name,
            value: x.to_string(),
            expected,
        })
    }
}

/// Checks `x > 0` and finite.
/// Rejects a count of 0 (`name` "must be at least 1").
pub(crate) fn check_at_least_one(name: &'static str, k: usize) -> Result<(), AlgorithmError> {
    if k == 0 {
        return Err(AlgorithmError::InvalidOption {
            name,
            value: "0".into(),
            expected: "must be at least 1",
        });
    }
    Ok(())
}

/// `x` must be finite and at least 0.
pub(crate) fn check_non_negative(name: &'static str, x: f64) -> Result<(), AlgorithmError> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(AlgorithmError::InvalidOption {
            name,
            value: x.to_string(),
            expected: "must be a number at least 0",
        })
    }
}

/// `x` must be finite and above 0.
pub(crate) fn check_positive(name: &'static str, x: f64) -> Result<(), AlgorithmError> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(AlgorithmError::InvalidOption {
            name,
            value: x.to_string(),
            expected: "must be a positive number",
        })
    }
}
