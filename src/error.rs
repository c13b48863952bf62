//! The error type of the facade and the command-line tool, with exit codes.

use spargraph_engine::EngineError;
use spargraph_io::{IoError, IoErrorKind};
use std::fmt;

/// Any error spargraph reports to its user, as one line.
#[derive(Debug)]
pub enum Error {
    /// Bad input: a file, column, value or option the user can fix (exit code 2).
    Input(String),
    /// An internal failure (exit code 1).
    Internal(String),
}

impl Error {
    /// An input error with a message.
    pub fn input(message: impl Into<String>) -> Self {
        Error::Input(message.into())
    }

    /// An option out of range: `invalid value for --name: message`.
    pub fn option(name: &str, message: impl fmt::Display) -> Self {
        Error::Input(format!("invalid value for --{name}: {message}"))
    }

    /// The process exit code: 2 for bad input, 1 for internal failures.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 2,
            Error::Internal(_) => 1,
        }
    }

    /// An engine error about the data read from `source` (a file and its columns).
    pub fn engine(source: &str, e: EngineError) -> Self {
        Error::Input(format!("{source}: {e}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(m) | Error::Internal(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl From<spargraph_algorithms::AlgorithmError> for Error {
    /// Algorithm errors are options out of range or inputs that do not fit: bad input.
    fn from(e: spargraph_algorithms::AlgorithmError) -> Self {
        Error::Input(e.to_string())
    }
}

impl From<IoError> for Error {
    fn from(e: IoError) -> Self {
        match e.kind {
            IoErrorKind::BadInput => Error::Input(e.to_string()),
            IoErrorKind::Internal => Error::Internal(e.to_string()),
        }
    }
}

/// Result alias of the facade.
pub type Result<T> = std::result::Result<T, Error>;
