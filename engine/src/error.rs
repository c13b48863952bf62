//! Errors raised by the engine on invalid input.

use thiserror::Error;

/// An error in the data or options handed to the engine.
///
/// Every variant names the offending value so that the command-line tool can print a
/// one-line message that the user can act on.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum EngineError {
    /// A node id is not below the declared node count.
    #[error("node id {id} is out of range for a graph of {n_nodes} nodes")]
    NodeOutOfRange { id: u64, n_nodes: u64 },
    /// The source, target and weight arrays have different lengths.
    #[error("edge arrays differ in length: {what}")]
    LengthMismatch { what: String },
    /// A weight is NaN, infinite or negative.
    #[error("edge {index} has invalid weight {value} (weights must be finite and >= 0)")]
    InvalidWeight { index: usize, value: f32 },
    /// The duplicate policy is `Error` and an edge occurs twice.
    #[error("duplicate edge {src} -> {dst} (duplicate policy is 'error')")]
    DuplicateEdge { src: u32, dst: u32 },
    /// The graph would have more nodes than `u32` ids allow.
    #[error("too many nodes: {count} (at most {max} are supported)")]
    TooManyNodes { count: u64, max: u64 },
    /// A negative node id was given.
    #[error("negative node id {id} in {column}")]
    NegativeId { id: i64, column: String },
    /// A node id that is not in the graph.
    #[error("unknown node id {id}")]
    UnknownNode { id: String },
    /// An option is out of its allowed range.
    #[error("invalid value for {name}: {message}")]
    InvalidOption { name: String, message: String },
}
