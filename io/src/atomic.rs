//! Atomic replacement of output files and folders.
//!
//! A writer creates `.<name>.<pid>.<n>.tmp` next to the target, writes and flushes
//! it, syncs it to disk, then renames it over the target. Until the rename, the
//! target is untouched; if anything fails, the temporary file is removed. A reader
//! therefore sees either the old file or the complete new one, never a mix.

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
    if target.as_os_str().is_empty() {
        return Err(IoError::bad_input(target, "empty output path"));
    }
    if target.is_dir() {
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
/// then an existing `target` is moved aside, the new folder renamed into place, and
/// the old one removed.
pub fn write_dir<F>(target: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    if target.as_os_str().is_empty() {
        return Err(IoError::bad_input(target, "empty output path"));
    }
    if target.is_file() {
        return Err(IoError::bad_input(
            target,
            "is a file, expected a folder path",
        ));
    }
    let tmp = temp_path(target, "tmpdir");
    std::fs::create_dir(&tmp).map_err(|e| IoError::write(target, e))?;
    let guard = TempDirGuard(Some(tmp.clone()));
    fill(&tmp)?;
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
        std::fs::create_dir(&t).unwrap();
        std::fs::write(t.join("a"), b"1").unwrap();
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
    fn missing_parent_is_bad_input() {
        let e = check_output_path(Path::new("/nonexistent-dir-xyz/out.parquet")).unwrap_err();
        assert_eq!(e.kind, crate::error::IoErrorKind::BadInput);
    }
}
