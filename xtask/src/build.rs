//! Building generated crates here: writing them out as a workspace that shares this
//! repository's `Cargo.lock`, and a clean `cargo` command to build them with. Used by
//! `cargo xtask corpus` and by the tests that compile generated code.

use codegen::GeneratedFile;
use codegen::write::Transaction;
use std::path::Path;
use std::process::Command;

/// Writes `files` below `dir`, all or nothing (see [`codegen::write`]).
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    let mut tx = Transaction::new();
    for f in files {
        tx.write(dir.join(&f.path), f.contents.clone());
    }
    tx.commit()
}

/// Makes `dir` a workspace of the generated crates in `dir/crates/<member>`, with this
/// repository's `Cargo.lock` (the same dependency versions, no resolution work), for
/// building many of them with one shared target directory.
pub fn write_workspace(dir: &Path, members: &[String]) -> std::io::Result<()> {
    let members: Vec<String> = members.iter().map(|m| format!("\"crates/{m}\"")).collect();
    let lock = std::fs::read(crate::project::workspace_root().join("Cargo.lock"))?;
    let mut tx = Transaction::new();
    tx.write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
            members.join(", ")
        ),
    );
    tx.write(dir.join("Cargo.lock"), lock);
    tx.commit()
}

/// A `cargo` command for building generated crates in `dir`, clean of the environment
/// of whatever cargo invoked us.
pub fn cargo(dir: &Path) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir);
    for var in [
        "RUSTFLAGS",
        "RUSTDOCFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_MANIFEST_DIR",
        "CARGO_PKG_NAME",
        "CARGO_BUILD_TARGET_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}
