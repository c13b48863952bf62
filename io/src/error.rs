//! One error type for every format, always naming the file.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// Whether an error comes from the user's data or options, or from the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoErrorKind {
    /// The file is missing, unreadable as the expected format, or holds invalid data
    /// (the command-line tool exits with code 2).
    BadInput,
    /// Writing failed or an internal invariant broke (exit code 1).
    Internal,
}

/// An I/O or format error, displayed as one line: `<path>: <message>`.
#[derive(Debug, Error)]
#[error("{}: {message}", path.display())]
pub struct IoError {
    /// The file (or folder) concerned.
    pub path: PathBuf,
    /// What went wrong, naming the column, row group, line or value where known.
    pub message: String,
    /// Bad input or internal failure.
    pub kind: IoErrorKind,
}

impl IoError {
    /// An error in the user's input file.
    pub fn bad_input(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        IoError {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
            kind: IoErrorKind::BadInput,
        }
    }

    /// A failure not caused by the input's content (e.g. a write error).
    pub fn internal(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        IoError {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
            kind: IoErrorKind::Internal,
        }
    }

    /// Wraps an OS error on reading `path`: a missing or unreadable input is bad input.
    pub fn open(path: impl AsRef<Path>, e: std::io::Error) -> Self {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        IoError::bad_input(path, message)
    }

    /// Wraps an OS error on writing `path`.
    pub fn write(path: impl AsRef<Path>, e: impl std::fmt::Display) -> Self {
        IoError::internal(path, format!("cannot write: {e}"))
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, IoError>;
