//! Atomic replacement of output files and folders.
//!
//! A writer creates `.<name>.<pid>.<n>.tmp` next to the target, writes and flushes
//! it, syncs it to disk, then renames it over the target. Until the rename, the
//! target is untouched; if anything fails, the temporary file is removed. A reader
//! therefore sees either the old file or the complete new one, never a mix.
//!
//! Nothing the user did not ask to replace is ever replaced: an output may not be
//! one of the command's inputs ([`check_not_an_input`]), and an existing folder is
//! replaced only if spargraph wrote it and it holds nothing else (each written
//! folder lists its files in [`MANIFEST`]).

use crate::error::{IoError, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_path(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = format!(".{name}.{}.{n}.{suffix}", std::process::id());
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join(tmp),
        _ => PathBuf::from(tmp),
    }
}

/// Refuses targets that are existing folders (for files) and checks that the parent
/// folder exists, so errors are reported before any work is done.
pub fn check_output_path(target: &Path) -> Result<()> {
    check_target(target, false)
}

/// The checks of an output path shared by files and folders (`folder` says which
/// the target must be).
fn check_target(target: &Path, folder: bool) -> Result<()> {
    if target.as_os_str().is_empty() {
        return Err(IoError::bad_input(target, "empty output path"));
    }
    if folder && target.is_file() {
        return Err(IoError::bad_input(
            target,
            "is a file, expected a folder path",
        ));
    }
    if !folder && target.is_dir() {
        return Err(IoError::bad_input(
            target,
            "is a folder, expected a file path",
        ));
    }
    if let Some(p) = target.parent() {
        if !p.as_os_str().is_empty() && !p.is_dir() {
            return Err(IoError::bad_input(
                target,
                format!("output folder {} does not exist", p.display()),
            ));
        }
    }
    Ok(())
}

/// Refuses an output path that names one of the command's inputs (the same file or
/// folder, through any path or link), or, for a folder output, a folder holding an
/// input: replacing it would destroy what is being read. `inputs` pairs each input
/// with the flag that gave it, for the message.
pub fn check_not_an_input(
    output: &Path,
    output_flag: &str,
    inputs: &[(&str, &Path)],
) -> Result<()> {
    let Ok(out) = std::fs::canonicalize(output) else {
        return Ok(()); // does not exist yet: it cannot be an existing input
    };
    for &(flag, input) in inputs {
        let Ok(inp) = std::fs::canonicalize(input) else {
            continue; // reading it will report the problem
        };
        if inp == out || same_file(&inp, &out) {
            return Err(IoError::bad_input(
                output,
                format!(
                    "{output_flag} is the same file as {flag} {}: it would be overwritten",
                    input.display()
                ),
            ));
        }
        if out.is_dir() && inp.starts_with(&out) {
            return Err(IoError::bad_input(
                output,
                format!(
                    "{output_flag} is a folder holding {flag} {}: it would be replaced",
                    input.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses two outputs of one command that name the same file.
pub fn check_distinct_outputs(outputs: &[(&str, &Path)]) -> Result<()> {
    for (i, &(flag_a, a)) in outputs.iter().enumerate() {
        for &(flag_b, b) in &outputs[i + 1..] {
            let same = match (absolute(a), absolute(b)) {
                (Some(x), Some(y)) => x == y,
                _ => a == b,
            };
            if same {
                return Err(IoError::bad_input(
                    b,
                    format!("{flag_b} is the same file as {flag_a}: one would overwrite the other"),
                ));
            }
        }
    }
    Ok(())
}

/// `p` made absolute with its parent folder resolved (the file itself may not exist).
fn absolute(p: &Path) -> Option<PathBuf> {
    let name = p.file_name()?;
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false // canonical paths were compared already
}

/// Name of the file, in every folder spargraph writes, that lists the folder's
/// other files (one relative path per line).
pub const MANIFEST: &str = ".spargraph-files";

/// Checks that folder `target` may be written: it does not exist, is empty, or was
/// written by spargraph and holds only the files its [`MANIFEST`] lists. A folder
/// of the user's, or one where files were added, is refused (naming a file).
pub fn check_output_dir(target: &Path) -> Result<()> {
    check_target(target, true)?;
    if !target.is_dir() {
        return Ok(());
    }
    let present = files_under(target).map_err(|e| IoError::write(target, e))?;
    if present.is_empty() {
        return Ok(());
    }
    let listed = match std::fs::read_to_string(target.join(MANIFEST)) {
        Ok(text) => text.lines().map(PathBuf::from).collect::<Vec<_>>(),
        Err(_) => {
            return Err(IoError::bad_input(
                target,
                format!(
                    "is an existing folder that spargraph did not write (it holds {}); \
                     choose a new or empty folder",
                    present[0].display()
                ),
            ))
        }
    };
    if let Some(extra) = present
        .iter()
        .find(|f| f.as_path() != Path::new(MANIFEST) && !listed.contains(f))
    {
        return Err(IoError::bad_input(
            target,
            format!(
                "holds {}, which spargraph did not write; replacing the folder would delete it",
                extra.display()
            ),
        ));
    }
    Ok(())
}

/// The files under `dir`, as paths relative to it, sorted.
fn files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(dir.join(&rel))? {
            let entry = entry?;
            let path = rel.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Writes `target` atomically: `write` receives a buffered writer on a temporary
/// file in the same folder; on success the file is synced and renamed over `target`.
pub fn write_file<F>(target: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    check_output_path(target)?;
    let tmp = temp_path(target, "tmp");
    let file = File::create(&tmp).map_err(|e| IoError::write(target, e))?;
    let guard = TempGuard(Some(tmp.clone()));
    let mut w = BufWriter::with_capacity(1 << 20, file);
    write(&mut w)?;
    let file = w
        .into_inner()
        .map_err(|e| IoError::write(target, e.error()))?;
    file.sync_all().map_err(|e| IoError::write(target, e))?;
    drop(file);
    std::fs::rename(&tmp, target).map_err(|e| IoError::write(target, e))?;
    guard.disarm();
    Ok(())
}

/// Writes an owned `File` atomically, for writers that need the file itself (such as
/// the Parquet writer): `write` gets the temporary file and returns it when done.
pub fn write_file_with<F>(target: &Path, write: F) -> Result<()>
where
    F: FnOnce(File) -> Result<File>,
{
    check_output_path(target)?;
    let tmp = temp_path(target, "tmp");
    let file = File::create(&tmp).map_err(|e| IoError::write(target, e))?;
    let guard = TempGuard(Some(tmp.clone()));
    let file = write(file)?;
    file.sync_all().map_err(|e| IoError::write(target, e))?;
    drop(file);
    std::fs::rename(&tmp, target).map_err(|e| IoError::write(target, e))?;
    guard.disarm();
    Ok(())
}

/// Writes a folder atomically: `fill` populates a temporary folder next to `target`;
/// then an existing `target` (only one [`check_output_dir`] accepts) is moved aside,
/// the new folder renamed into place, and the old one removed. The folder gets a
/// [`MANIFEST`] of the files `fill` wrote.
pub fn write_dir<F>(target: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    check_output_dir(target)?;
    let tmp = temp_path(target, "tmpdir");
    std::fs::create_dir(&tmp).map_err(|e| IoError::write(target, e))?;
    let guard = TempDirGuard(Some(tmp.clone()));
    fill(&tmp)?;
    let written = files_under(&tmp).map_err(|e| IoError::write(target, e))?;
    let mut manifest = String::new();
    for f in &written {
        manifest.push_str(&f.to_string_lossy());
        manifest.push('\n');
    }
    std::fs::write(tmp.join(MANIFEST), manifest).map_err(|e| IoError::write(target, e))?;
    check_output_dir(target)?; // nothing was added to it meanwhile
    let old = temp_path(target, "old");
    let had_old = target.exists();
    if had_old {
        std::fs::rename(target, &old).map_err(|e| IoError::write(target, e))?;
    }
    if let Err(e) = std::fs::rename(&tmp, target) {
        if had_old {
            let _ = std::fs::rename(&old, target);
        }
        return Err(IoError::write(target, e));
    }
    guard.disarm();
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

struct TempGuard(Option<PathBuf>);

impl TempGuard {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

struct TempDirGuard(Option<PathBuf>);

impl TempDirGuard {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for TempDirGuard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

/// Writes all of `bytes` to `w`, mapping errors to the target path.
pub fn write_all(w: &mut impl Write, target: &Path, bytes: &[u8]) -> Result<()> {
    w.write_all(bytes).map_err(|e| IoError::write(target, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_keeps_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        std::fs::write(&p, b"old").unwrap();
        let r = write_file(&p, |w| {
            write_all(w, &p, b"partial")?;
            Err(IoError::bad_input(&p, "boom"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn successful_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        std::fs::write(&p, b"old").unwrap();
        write_file(&p, |w| write_all(w, &p, b"new")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dir_write_replaces_and_failure_keeps_old() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("g");
        write_dir(&t, |d| {
            std::fs::write(d.join("a"), b"1").map_err(|e| IoError::write(d, e))
        })
        .unwrap();
        let r = write_dir(&t, |d| {
            std::fs::write(d.join("b"), b"2").unwrap();
            Err(IoError::bad_input(d, "boom"))
        });
        assert!(r.is_err());
        assert!(t.join("a").exists() && !t.join("b").exists());
        write_dir(&t, |d| {
            std::fs::write(d.join("b"), b"2").unwrap();
            Ok(())
        })
        .unwrap();
        assert!(!t.join("a").exists() && t.join("b").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_spargraph_did_not_write_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("mine");
        std::fs::create_dir(&t).unwrap();
        std::fs::write(t.join("thesis.tex"), b"precious").unwrap();
        let e = write_dir(&t, |d| {
            std::fs::write(d.join("b"), b"2").map_err(|e| IoError::write(d, e))
        })
        .unwrap_err();
        assert_eq!(e.kind, crate::error::IoErrorKind::BadInput);
        assert!(e.to_string().contains("thesis.tex"), "{e}");
        assert_eq!(std::fs::read(t.join("thesis.tex")).unwrap(), b"precious");
    }

    #[test]
    fn a_written_folder_is_replaced_unless_files_were_added() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("out");
        let fill = |d: &Path| {
            std::fs::create_dir(d.join("sub")).unwrap();
            std::fs::write(d.join("sub").join("a"), b"1").map_err(|e| IoError::write(d, e))
        };
        write_dir(&t, fill).unwrap();
        write_dir(&t, fill).unwrap(); // its own files only: replaced
        std::fs::write(t.join("notes.txt"), b"mine").unwrap();
        let e = write_dir(&t, fill).unwrap_err();
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert!(t.join("notes.txt").exists());
    }

    #[test]
    fn an_output_naming_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("g.parquet");
        std::fs::write(&input, b"edges").unwrap();
        let other = dir.path().join(".").join("g.parquet");
        let e = check_not_an_input(&other, "--output", &[("--input", &input)]).unwrap_err();
        assert!(e.to_string().contains("same file as --input"), "{e}");
        let e = check_not_an_input(dir.path(), "--output", &[("--input", &input)]).unwrap_err();
        assert!(e.to_string().contains("holding --input"), "{e}");
        let fresh = dir.path().join("new.parquet");
        check_not_an_input(&fresh, "--output", &[("--input", &input)]).unwrap();
        #[cfg(unix)]
        {
            let link = dir.path().join("link.parquet");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(check_not_an_input(&link, "--output", &[("--input", &input)]).is_err());
            let hard = dir.path().join("hard.parquet");
            std::fs::hard_link(&input, &hard).unwrap();
            assert!(check_not_an_input(&hard, "--output", &[("--input", &input)]).is_err());
        }
        let e = check_distinct_outputs(&[
            ("--output", &fresh),
            ("--labels", &dir.path().join("./new.parquet")),
        ])
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("--labels is the same file as --output"),
            "{e}"
        );
    }

    #[test]
    fn missing_parent_is_bad_input() {
        let e = check_output_path(Path::new("/nonexistent-dir-xyz/out.parquet")).unwrap_err();
        assert_eq!(e.kind, crate::error::IoErrorKind::BadInput);
    }
}
