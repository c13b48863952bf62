//! spargraph-io
