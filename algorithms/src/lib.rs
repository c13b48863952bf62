//! spargraph-algorithms
