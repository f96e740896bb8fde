//! All-or-nothing writes of several files: what `regen` and `generate` put on disk either
//! all lands or leaves every file exactly as it was.
//!
//! A [`Transaction`] stages each new file beside its target (`.name.staged-PID`), then swaps
//! them in one by one with `rename`, which replaces a file atomically; the files it
//! replaces or deletes are kept (`.name.backup-PID`) until every swap has succeeded. A
//! failure at any step — staging or swapping — restores what was swapped and removes what
//! was staged. Directories are never replaced, so no moment exists in which a directory is
//! missing, and files the transaction does not name are never touched.

use std::io;
use std::path::{Path, PathBuf};

/// The step a [`Transaction::commit_with`] hook is called after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A new file was written beside its target.
    Staged,
    /// A file took its target's place (or a deleted file was moved aside).
    Swapped,
}

/// Files to write and delete, all or none.
#[derive(Debug, Default)]
pub struct Transaction {
    writes: Vec<(PathBuf, Vec<u8>)>,
    deletes: Vec<PathBuf>,
}

impl Transaction {
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `contents` to `path` (parent directories are created).
    pub fn write(&mut self, path: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) {
        self.writes.push((path.into(), contents.into()));
    }

    /// Deletes `path` if it exists.
    pub fn delete(&mut self, path: impl Into<PathBuf>) {
        self.deletes.push(path.into());
    }

    /// Applies every change, or none.
    pub fn commit(self) -> io::Result<()> {
        self.commit_with(|_, _| Ok(()))
    }

    /// [`Transaction::commit`] with a hook called after each step, for tests to fail at any
    /// point.
    pub fn commit_with(
        self,
        mut hook: impl FnMut(&Path, Step) -> io::Result<()>,
    ) -> io::Result<()> {
        // 1. Stage. Directories created here are removed again on failure.
        let mut created_dirs: Vec<PathBuf> = Vec::new();
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        if let Err(e) = self.stage(&mut hook, &mut created_dirs, &mut staged) {
            undo_staging(&staged, &created_dirs);
            return Err(e);
        }
        // 2. Swap, keeping what is replaced or deleted.
        // (target, backup if the target existed)
        let mut swapped: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        match self.swap(&mut hook, &staged, &mut swapped) {
            Ok(()) => {
                for (_, backup) in swapped {
                    if let Some(b) = backup {
                        let _ = std::fs::remove_file(b);
                    }
                }
                Ok(())
            }
            Err(e) => {
                roll_back(swapped);
                undo_staging(&staged, &created_dirs);
                Err(e)
            }
        }
    }

    /// Writes each file beside its target (`staged`: staged file, target), creating
    /// missing parent directories (`created_dirs`, outermost first).
    fn stage(
        &self,
        hook: &mut impl FnMut(&Path, Step) -> io::Result<()>,
        created_dirs: &mut Vec<PathBuf>,
        staged: &mut Vec<(PathBuf, PathBuf)>,
    ) -> io::Result<()> {
        for (path, contents) in &self.writes {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                let mut missing = Vec::new();
                let mut p = parent;
                while !p.exists() {
                    missing.push(p.to_path_buf());
                    match p.parent() {
                        Some(up) if !up.as_os_str().is_empty() => p = up,
                        _ => break,
                    }
                }
                std::fs::create_dir_all(parent)?;
                created_dirs.extend(missing.into_iter().rev());
            }
            let tmp = beside(path, "staged");
            std::fs::write(&tmp, contents)?;
            staged.push((tmp, path.clone()));
            hook(path, Step::Staged)?;
        }
        Ok(())
    }

    /// Renames each staged file over its target and deletes what is to be deleted, each
    /// replaced or deleted file kept as a backup first (`swapped`: target, backup).
    fn swap(
        &self,
        hook: &mut impl FnMut(&Path, Step) -> io::Result<()>,
        staged: &[(PathBuf, PathBuf)],
        swapped: &mut Vec<(PathBuf, Option<PathBuf>)>,
    ) -> io::Result<()> {
        for (tmp, target) in staged {
            let backup = keep(target, &beside(target, "backup"))?;
            std::fs::rename(tmp, target)?;
            swapped.push((target.clone(), backup));
            hook(target, Step::Swapped)?;
        }
        for target in &self.deletes {
            if let Some(backup) = keep(target, &beside(target, "backup"))? {
                std::fs::remove_file(target)?;
                swapped.push((target.clone(), Some(backup)));
                hook(target, Step::Swapped)?;
            }
        }
        Ok(())
    }
}

/// A hidden file beside `path` for one step (`staged`, `backup`) of this process.
fn beside(path: &Path, what: &str) -> PathBuf {
    let pid = std::process::id();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{what}-{pid}"))
}

/// Removes the staged files and the directories staging created (innermost first).
fn undo_staging(staged: &[(PathBuf, PathBuf)], created_dirs: &[PathBuf]) {
    for (tmp, _) in staged {
        let _ = std::fs::remove_file(tmp);
    }
    for d in created_dirs.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

/// Puts back what the swap replaced or deleted, last first; a target that did not exist
/// before is removed.
fn roll_back(swapped: Vec<(PathBuf, Option<PathBuf>)>) {
    for (target, backup) in swapped.into_iter().rev() {
        match backup {
            Some(b) => {
                let _ = std::fs::rename(b, &target);
            }
            None => {
                let _ = std::fs::remove_file(&target);
            }
        }
    }
}

/// A copy of `target` at `backup` (a hard link where the file system allows), or `None`
/// when there is no `target`.
fn keep(target: &Path, backup: &Path) -> io::Result<Option<PathBuf>> {
    if !target.is_file() {
        return Ok(None);
    }
    let _ = std::fs::remove_file(backup);
    if std::fs::hard_link(target, backup).is_err() {
        std::fs::copy(target, backup)?;
    }
    Ok(Some(backup.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    out.push((
                        p.strip_prefix(dir).unwrap().display().to_string() + "/",
                        String::new(),
                    ));
                    stack.push(p);
                } else {
                    out.push((
                        p.strip_prefix(dir).unwrap().display().to_string(),
                        std::fs::read_to_string(&p).unwrap(),
                    ));
                }
            }
        }
        out.sort();
        out
    }

    /// Fails at every step in turn: each time, the tree is exactly as before.
    #[test]
    fn a_failure_at_any_step_restores_everything() {
        let dir = std::env::temp_dir().join(format!("gcore-iam-tx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/a.rs"), "old a").unwrap();
        std::fs::write(dir.join("gone.rs"), "old gone").unwrap();
        std::fs::write(dir.join("KEEP.md"), "mine").unwrap();
        let before = tree(&dir);
        let tx = || {
            let mut tx = Transaction::new();
            tx.write(dir.join("src/a.rs"), "new a");
            tx.write(dir.join("src/new/b.rs"), "new b");
            tx.write(dir.join("c.rs"), "new c");
            tx.delete(dir.join("gone.rs"));
            tx
        };
        for fail_at in 1..=7 {
            let mut n = 0;
            let err = tx()
                .commit_with(|_, _| {
                    n += 1;
                    if n == fail_at {
                        Err(io::Error::other("disk full"))
                    } else {
                        Ok(())
                    }
                })
                .unwrap_err();
            assert_eq!(err.to_string(), "disk full");
            assert_eq!(
                tree(&dir),
                before,
                "failing at step {fail_at} changed the tree"
            );
        }
        tx().commit().unwrap();
        assert_eq!(
            tree(&dir),
            [
                ("KEEP.md".to_string(), "mine".to_string()),
                ("c.rs".into(), "new c".into()),
                ("src/".into(), String::new()),
                ("src/a.rs".into(), "new a".into()),
                ("src/new/".into(), String::new()),
                ("src/new/b.rs".into(), "new b".into()),
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
