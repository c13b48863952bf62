//! Helpers shared by the command-line tests: run the binary, expect success or a
//! clean bad-input failure, find the shipped datasets.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `spargraph args...`.
pub fn spargraph(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spargraph"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs and asserts success; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let o = spargraph(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Runs and asserts exit 2 with one stderr line containing `expect`.
pub fn fails(args: &[&str], expect: &str) {
    let o = spargraph(args);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(expect), "expected {expect:?} in {err:?}");
}

/// As [`fails`], and `output` (if it exists) is left byte-identical.
pub fn fails_keeping(args: &[&str], expect: &str, output: &Path) {
    let before = std::fs::read(output).ok();
    fails(args, expect);
    assert_eq!(std::fs::read(output).ok(), before, "output changed");
}

/// Path of a dataset shipped in `datasets/`.
pub fn dataset(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets")
        .join(name)
        .display()
        .to_string()
}
