//! No command replaces what the user did not ask it to replace: an output naming an
//! input (any path or link to it), two outputs naming one file, a folder spargraph
//! did not write, or files added to one it did. Each is refused with exit 2 before
//! any work, and every file is left as it was.

mod common;
use common::{dataset, fails, ok};
use std::path::Path;

fn copy_karate(dir: &Path, name: &str) -> String {
    let p = dir.join(name);
    std::fs::copy(dataset("karate.parquet"), &p).unwrap();
    p.display().to_string()
}

fn unchanged(path: &str) {
    assert_eq!(
        std::fs::read(path).unwrap(),
        std::fs::read(dataset("karate.parquet")).unwrap(),
        "{path} changed"
    );
}

#[test]
fn an_output_naming_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let g = copy_karate(dir.path(), "g.parquet");
    let same = dir.path().join(".").join("g.parquet").display().to_string();
    for args in [
        vec!["pagerank", "-i", &g, "-o", &same],
        vec!["communities", "-i", &g, "-o", &same],
        vec!["fastrp", "-i", &g, "-o", &same, "--dim", "8"],
        vec!["ppr", "-i", &g, "-o", &same, "--sources", "1"],
        vec!["ppr-index", "-i", &g, "-o", &same],
        vec!["convert", "-i", &g, "-o", &same],
        vec!["hierarchy", "-i", &g, "-o", &same],
    ] {
        fails(&args, "--output is the same file as --input");
        unchanged(&g);
    }
    let out = copy_karate(dir.path(), "h.parquet");
    fails(
        &["hierarchy", "-i", &g, "-o", &out, "--dendrogram", &g],
        "--dendrogram is the same file as --input",
    );
    fails(
        &["communities", "-i", &g, "-o", &out, "--initial", &out],
        "--output is the same file as --initial",
    );
    unchanged(&g);
    unchanged(&out);
}

#[cfg(unix)]
#[test]
fn a_link_to_an_input_is_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let g = copy_karate(dir.path(), "g.parquet");
    let link = dir.path().join("link.parquet");
    std::os::unix::fs::symlink(&g, &link).unwrap();
    fails(
        &["pagerank", "-i", &g, "-o", link.to_str().unwrap()],
        "--output is the same file as --input",
    );
    unchanged(&g);
}

#[test]
fn a_folder_of_the_users_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("work");
    std::fs::create_dir(&folder).unwrap();
    let g = copy_karate(&folder, "g.parquet");
    let f = folder.display().to_string();
    fails(
        &["convert", "-i", &g, "-o", &f, "--to", "graphar"],
        "spargraph did not write (it holds g.parquet)",
    );
    unchanged(&g);
    let other = copy_karate(dir.path(), "other.parquet");
    fails(
        &["convert", "-i", &other, "-o", &f, "--to", "graphar"],
        "spargraph did not write",
    );
    fails(&["demo", "-o", &f], "spargraph did not write");
    unchanged(&g);
}

#[test]
fn a_written_folder_is_replaced_unless_the_user_added_files() {
    let dir = tempfile::tempdir().unwrap();
    let g = copy_karate(dir.path(), "g.parquet");
    let out = dir.path().join("graph").display().to_string();
    ok(&["convert", "-i", &g, "-o", &out, "--to", "graphar", "-q"]);
    ok(&["convert", "-i", &g, "-o", &out, "--to", "graphar", "-q"]);
    let notes = Path::new(&out).join("notes.txt");
    std::fs::write(&notes, b"mine").unwrap();
    fails(
        &["convert", "-i", &g, "-o", &out, "--to", "graphar"],
        "holds notes.txt",
    );
    assert_eq!(std::fs::read(&notes).unwrap(), b"mine");
}

#[test]
fn generate_checks_both_outputs_before_writing_either() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.parquet");
    let o = out.display().to_string();
    let sbm = |labels: &str| {
        vec![
            "generate",
            "sbm",
            "--blocks",
            "2",
            "--block-size",
            "10",
            "--degree-in",
            "3",
            "--degree-out",
            "1",
            "-o",
            &o,
            "--labels",
            labels,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let missing = dir.path().join("nodir").join("l.parquet");
    let args = sbm(missing.to_str().unwrap());
    fails(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        "does not exist",
    );
    assert!(
        !out.exists(),
        "the edge list was written although the labels could not be"
    );
    let args = sbm(&o);
    fails(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        "--labels is the same file as --output",
    );
    assert!(!out.exists());
    fails(
        &[
            "generate",
            "rmat",
            "--scale",
            "4",
            "-o",
            &o,
            "--labels",
            "l.parquet",
        ],
        "no ground truth",
    );
}
