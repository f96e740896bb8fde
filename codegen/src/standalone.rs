//! A generated client as a crate of its own: `Cargo.toml`, the runtime copied from
//! gcore-iam (one source for both), a `lib.rs`, and the generated modules. Used by
//! `cargo xtask generate`, `cargo xtask corpus` and the fixture compile test.

use crate::{Generated, GeneratedFile};
use std::path::Path;
use std::process::Command;

/// Marks lines of gcore-iam's `lib.rs` that only gcore-iam has (IAM-specific helpers):
/// a standalone crate leaves them out.
pub const IAM_ONLY_START: &str = "// region: gcore-iam only";
pub const IAM_ONLY_END: &str = "// endregion: gcore-iam only";

/// Runtime modules of gcore-iam that are specific to the IAM API and not copied.
pub const IAM_ONLY_MODULES: &[&str] = &["pagination.rs"];

/// The runtime's dependencies, as a standalone `Cargo.toml` writes them. Kept equal to
/// gcore-iam's `[dependencies]` by a test.
pub const RUNTIME_DEPENDENCIES: &[(&str, &str)] = &[
    (
        "reqwest",
        r#"{ version = "0.12", default-features = false, features = ["json", "rustls-tls", "http2"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    (
        "serde_json",
        r#"{ version = "1", features = ["preserve_order"] }"#,
    ),
    ("tokio", r#"{ version = "1", features = ["time"] }"#),
    ("tracing", r#""0.1""#),
    (
        "chrono",
        r#"{ version = "0.4", default-features = false, features = ["serde", "std", "clock"] }"#,
    ),
    ("percent-encoding", r#""2""#),
    ("futures-core", r#""0.3""#),
    (
        "futures-util",
        r#"{ version = "0.3", default-features = false, features = ["std"] }"#,
    ),
    ("fastrand", r#""2""#),
    ("serde_path_to_error", r#""0.1""#),
    ("serde_urlencoded", r#""0.7""#),
    ("url", r#""2""#),
];

/// The hand-written runtime, read from gcore-iam's `src/`.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// `(file name, contents)` of each runtime module.
    pub modules: Vec<(String, String)>,
    /// gcore-iam's `lib.rs`.
    pub lib_rs: String,
}

impl Runtime {
    /// Reads the runtime from `src` (gcore-iam's `src/` directory).
    pub fn read(src: &Path) -> std::io::Result<Runtime> {
        let mut modules = Vec::new();
        for entry in std::fs::read_dir(src)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_file()
                && name.ends_with(".rs")
                && name != "lib.rs"
                && !IAM_ONLY_MODULES.contains(&name.as_str())
            {
                modules.push((name, std::fs::read_to_string(entry.path())?));
            }
        }
        modules.sort();
        let lib_rs = std::fs::read_to_string(src.join("lib.rs"))?;
        Ok(Runtime { modules, lib_rs })
    }
}

/// Options for [`crate_files`].
#[derive(Debug, Clone)]
pub struct CrateOptions {
    /// The package name.
    pub name: String,
    /// Add an empty `[workspace]` table, so the crate builds on its own even inside
    /// another workspace's directory.
    pub own_workspace: bool,
}

/// Every file of a standalone crate for `generated`.
pub fn crate_files(
    generated: &Generated,
    runtime: &Runtime,
    options: &CrateOptions,
) -> Vec<GeneratedFile> {
    let mut files = Vec::new();
    let mut toml = format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"1.85\"\npublish = false\ndescription = \"Client for {}, generated from its OpenAPI description\"\n\n[dependencies]\n",
        options.name,
        generated
            .api
            .title
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
    );
    for (dep, spec) in RUNTIME_DEPENDENCIES {
        toml.push_str(&format!("{dep} = {spec}\n"));
    }
    if options.own_workspace {
        toml.push_str("\n[workspace]\n");
    }
    files.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: toml,
    });
    files.push(GeneratedFile {
        path: "src/lib.rs".into(),
        contents: standalone_lib_rs(&runtime.lib_rs, &generated.api.title),
    });
    for (name, contents) in &runtime.modules {
        files.push(GeneratedFile {
            path: format!("src/{name}"),
            contents: contents.clone(),
        });
    }
    for f in &generated.files {
        files.push(GeneratedFile {
            path: format!("src/generated/{}", f.path),
            contents: f.contents.clone(),
        });
    }
    files
}

/// gcore-iam's `lib.rs` without its IAM-only regions and with a crate doc of its own.
pub fn standalone_lib_rs(lib_rs: &str, title: &str) -> String {
    let mut out = format!(
        "//! Client for {}, generated from its OpenAPI description.\n",
        title.replace('\n', " ")
    );
    let mut skipping = false;
    let mut in_header = true;
    for line in lib_rs.lines() {
        if in_header && line.starts_with("//!") {
            continue;
        }
        in_header = false;
        if line.trim() == IAM_ONLY_START {
            skipping = true;
            continue;
        }
        if line.trim() == IAM_ONLY_END {
            skipping = false;
            continue;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Writes `files` below `dir`.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    for f in files {
        let path = dir.join(&f.path);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(path, &f.contents)?;
    }
    Ok(())
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
