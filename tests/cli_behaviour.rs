//! How the tool behaves for its user across commands: every command's `--help`
//! tells what it does, what it writes and how much memory it needs, and a reader
//! that stops reading (`| head`) ends it quietly.

mod common;
use common::ok;

const COMMANDS: &[&[&str]] = &[
    &["info"],
    &["convert"],
    &["generate"],
    &["demo"],
    &["pagerank"],
    &["ppr"],
    &["ppr-index"],
    &["fastrp"],
    &["communities"],
    &["hierarchy"],
    &["eval", "node-classification"],
    &["eval", "link-prediction"],
    &["bench"],
];

#[test]
fn every_command_help_states_its_peak_memory() {
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let help = ok(&args);
        let usage = format!("Usage: spargraph {}", command.join(" "));
        assert!(help.contains(&usage), "{command:?}: {help}");
        assert!(help.contains("Peak memory:"), "{command:?}: {help}");
    }
}

#[test]
fn short_help_is_the_one_line_summary() {
    let short = ok(&["communities", "-h"]);
    let long = ok(&["communities", "--help"]);
    assert!(!short.contains("Peak memory:"), "{short}");
    assert!(long.contains("Peak memory:"), "{long}");
}

#[test]
fn top_level_help_states_the_memory_of_loading() {
    let help = ok(&["--help"]);
    assert!(help.contains("peak of loading"), "{help}");
    for command in COMMANDS {
        assert!(help.contains(command[0]), "{} missing: {help}", command[0]);
    }
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_spargraph"))
        .args(["info", "--input", &common::dataset("karate.parquet")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as `| head -0` does
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn a_missing_argument_is_named() {
    common::fails(&["ppr", "--sources", "1"], "--input <PATH> --output <PATH>");
    common::fails(
        &["pagerank", "-i", &common::dataset("karate.parquet")],
        "not provided: --output <PATH>",
    );
}

#[test]
fn an_empty_sources_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("sources.txt");
    std::fs::write(&sources, "").unwrap();
    let out = dir.path().join("p.parquet");
    common::fails(
        &[
            "ppr",
            "-i",
            &common::dataset("karate.parquet"),
            "--sources-file",
            sources.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "sources.txt: no sources (the file has no rows)",
    );
    assert!(!out.exists());
}

#[test]
fn generate_refuses_an_empty_or_unallocatable_graph() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.parquet");
    let o = out.to_str().unwrap();
    let bip = [
        "generate",
        "bipartite",
        "--users",
        "100",
        "--items",
        "100",
        "--groups",
        "5",
    ];
    let mut args = bip.to_vec();
    args.extend(["--draws", "0", "-o", o]);
    common::fails(&args, "--draws: 0");
    let mut args = bip.to_vec();
    args.extend(["--draws", "18446744073709551615", "-o", o]);
    common::fails(&args, "too large");
    assert!(!out.exists());
}

/// Runs `spargraph args...` with its address space limited to 2 GB (`ulimit -v`).
#[cfg(unix)]
fn under_2gb(args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_spargraph"))
        .args(args)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn work_that_cannot_fit_in_memory_is_refused_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let mtx = dir.path().join("h.mtx");
    std::fs::write(
        &mtx,
        "%%MatrixMarket matrix coordinate pattern general\n4294967295 4294967295 1\n1 2\n",
    )
    .unwrap();
    let out = dir.path().join("o.parquet");
    let o = out.to_str().unwrap();
    let r = under_2gb(&["pagerank", "-q", "-i", mtx.to_str().unwrap(), "-o", o]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains("4294967295 nodes its header declares needs about"),
        "{err}"
    );
    let g = dir.path().join("sbm.parquet");
    let g = g.to_str().unwrap();
    ok(&[
        "generate",
        "sbm",
        "--blocks",
        "10",
        "--block-size",
        "1000",
        "--degree-in",
        "5",
        "--degree-out",
        "1",
        "-q",
        "-o",
        g,
    ]);
    let r = under_2gb(&["fastrp", "-q", "-i", g, "-o", o, "--dim", "65536"]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("nodes at --dim 65536 needs about"), "{err}");
    assert!(!out.exists());
}
