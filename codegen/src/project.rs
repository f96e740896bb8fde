//! This repository's own use of the generator: where gcore-iam's generated code lives,
//! the settings it is made with, the freshness check, and atomic writes. `cargo xtask`
//! and the freshness test both go through here.

use crate::diagnostics::Diagnostics;
use crate::{GeneratedFile, Provenance, Settings};
use std::path::{Path, PathBuf};

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "spec/iam_api.yaml";
/// The generated module directory, relative to the workspace root.
pub const GENERATED_DIR: &str = "gcore-iam/src/generated";
/// The command that regenerates.
pub const REGEN_COMMAND: &str = "cargo xtask regen";

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Generates gcore-iam's files from the spec in `root`.
pub fn generate_iam(root: &Path) -> Result<crate::Generated, Diagnostics> {
    let spec = crate::load::load_file_as(&root.join(SPEC_PATH), SPEC_PATH)?;
    crate::generate(
        &spec,
        &Settings::gcore_iam(),
        &Provenance {
            command: REGEN_COMMAND.to_string(),
            spec_path: SPEC_PATH.to_string(),
        },
    )
}

/// Files in `dir` that differ from `files` (or are missing), and files in `dir` that the
/// generator would not write.
pub fn stale_files(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let mut stale = Vec::new();
    for f in files {
        match std::fs::read_to_string(dir.join(&f.path)) {
            Ok(on_disk) if on_disk == f.contents => {}
            _ => stale.push(f.path.clone()),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !files.iter().any(|f| &f.path == n))
            .collect();
        extra.sort();
        stale.extend(extra);
    }
    stale
}

/// Replaces the contents of `dir` with `files`, all or nothing: the files are written to a
/// sibling directory first, which then takes `dir`'s place. If anything fails before the
/// swap, `dir` is untouched.
pub fn write_atomically(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    write_atomically_with(dir, files, |_| Ok(()))
}

/// [`write_atomically`] with a hook called after each staged file (tests use it to fail
/// midway).
pub fn write_atomically_with(
    dir: &Path,
    files: &[GeneratedFile],
    mut after_each: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let parent = dir
        .parent()
        .ok_or_else(|| std::io::Error::other("output directory has no parent"))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::create_dir_all(parent)?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let backup = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| {
        std::fs::create_dir_all(&staging)?;
        for f in files {
            let path = staging.join(&f.path);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(&path, &f.contents)?;
            after_each(&f.path)?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &backup)?;
    }
    if let Err(e) = std::fs::rename(&staging, dir) {
        if had_old {
            let _ = std::fs::rename(&backup, dir);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&backup);
    }
    Ok(())
}
