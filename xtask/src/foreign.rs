//! `cargo xtask generate` and `cargo xtask corpus`: the generator on specs other than
//! Gcore's IAM description.

use codegen::diagnostics::Diagnostics;
use codegen::standalone::{self, CrateOptions, Runtime};
use std::path::{Path, PathBuf};
use std::time::Instant;
use xtask::project;

/// Settings for third-party specs: a settings file's, else the defaults (under which only
/// what cannot be read is refused); `deny_warnings` refuses every fallback too.
fn foreign_settings(
    settings_file: Option<&Path>,
    deny_warnings: bool,
    features_per_tag: bool,
) -> Result<codegen::Settings, Diagnostics> {
    let mut settings = match settings_file {
        Some(path) => codegen::Settings::from_file(path, &path.display().to_string())?,
        None => codegen::Settings::default(),
    };
    settings.deny_warnings |= deny_warnings;
    settings.features_per_tag |= features_per_tag;
    Ok(settings)
}

fn generate_spec(
    spec: &Path,
    settings_file: Option<&Path>,
    deny_warnings: bool,
    features_per_tag: bool,
) -> Result<codegen::Generated, Diagnostics> {
    let settings = foreign_settings(settings_file, deny_warnings, features_per_tag)?;
    let shown = spec.display().to_string();
    let loaded = codegen::load::load_file_as(spec, &shown)?;
    codegen::generate(
        &loaded,
        &settings,
        &codegen::Provenance {
            command: "cargo xtask generate".to_string(),
            spec_path: shown,
        },
    )
}

fn runtime() -> Result<Runtime, String> {
    let src = project::workspace_root().join("gcore-iam/src");
    Runtime::read(&src).map_err(|e| format!("cannot read the runtime in {}: {e}", src.display()))
}

/// `generate --spec FILE --out DIR --crate-name NAME [--settings FILE] [--deny-warnings] [--features-per-tag] [--force]`
pub fn generate(args: &[String]) -> Result<(), String> {
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut deny_warnings = false;
    let mut settings = None;
    let mut force = false;
    let mut features_per_tag = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--spec" => spec = it.next().map(PathBuf::from),
            "--out" => out = it.next().map(PathBuf::from),
            "--crate-name" => name = it.next().cloned(),
            "--deny-warnings" => deny_warnings = true,
            "--settings" => settings = it.next().map(PathBuf::from),
            "--force" => force = true,
            "--features-per-tag" => features_per_tag = true,
            other => return Err(format!("generate: unknown argument {other:?}")),
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else {
        return Err(
            "usage: cargo xtask generate --spec FILE --out DIR [--crate-name NAME] [--settings FILE] [--deny-warnings] [--features-per-tag] [--force]"
                .to_string(),
        );
    };
    let name = name.unwrap_or_else(|| {
        out.file_name()
            .map(|n| {
                n.to_string_lossy()
                    .replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "-")
            })
            .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic()))
            .unwrap_or_else(|| "generated-client".to_string())
    });
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(format!(
            "--crate-name {name:?} is not a valid package name: use ASCII letters, digits, '-' and '_', starting with a letter"
        ));
    }
    let generated = generate_spec(&spec, settings.as_deref(), deny_warnings, features_per_tag)
        .map_err(|d| {
            format!(
                "{d}\n\ngeneration failed; {} was left as it was",
                out.display()
            )
        })?;
    for w in generated.warnings.warnings() {
        eprintln!("{w}");
    }
    let files = standalone::crate_files(
        &generated,
        &runtime()?,
        &CrateOptions {
            name: name.clone(),
            own_workspace: true,
        },
    );
    let files: Vec<codegen::GeneratedFile> = files;
    project::write_crate(&out, &files, force)?;
    let (exact, other) = union_counts(&generated.api);
    println!(
        "{}: {} operations, {} types ({} unions decoded exactly, {} with variants only `Other` holds), {} warnings -> crate `{name}` in {}",
        spec.display(),
        generated.api.operations.len(),
        generated.api.types.len(),
        exact,
        other,
        generated.warnings.warnings().count(),
        out.display()
    );
    Ok(())
}

/// Unions (`oneOf`/`anyOf` enums) whose every variant the decoder tells apart, and those
/// with variants nothing tells apart (such values decode to `Other`).
fn union_counts(api: &codegen::ir::Api) -> (usize, usize) {
    use codegen::ir::{OneOfDecoding, TypeKind};
    let (mut exact, mut other) = (0, 0);
    for t in &api.types {
        if let TypeKind::OneOf(o) = &t.kind {
            match &o.how {
                OneOfDecoding::ByShape { ambiguous }
                | OneOfDecoding::ImplicitTag { ambiguous, .. }
                    if !ambiguous.is_empty() =>
                {
                    other += 1
                }
                _ => exact += 1,
            }
        }
    }
    (exact, other)
}

struct Row {
    document: String,
    version: String,
    operations: String,
    warnings: Vec<String>,
    /// Unions whose every variant the decoder tells apart.
    unions_exact: usize,
    /// Unions with variants nothing tells apart: such values decode to `Other`.
    unions_other: usize,
    generated: bool,
    compiled: bool,
    documented: bool,
    millis: u128,
    first_error: String,
}

/// `corpus DIR...`: generate (with the default settings, no flag) and build a crate for
/// every document in each DIR, print a table, and fail if any document does not generate
/// or compile with `-D warnings`.
pub fn corpus(args: &[String]) -> Result<(), String> {
    if args.is_empty() {
        return Err("usage: cargo xtask corpus DIR...".to_string());
    }
    let docs = corpus_documents(args)?;
    let runtime = runtime()?;
    let work = project::workspace_root().join("target/corpus");
    let _ = std::fs::remove_dir_all(work.join("crates"));
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for doc in &docs {
        let (name, row) = generate_row(doc, &runtime, &work)?;
        if row.generated {
            members.push(name.clone());
        }
        rows.push((name, row));
    }
    xtask::build::write_workspace(&work, &members)
        .map_err(|e| format!("cannot write {}: {e}", work.display()))?;
    for (name, row) in rows.iter_mut().filter(|(_, r)| r.generated) {
        build_row(&work, name, row)?;
    }
    print_table(&rows);
    let failed: Vec<&str> = rows
        .iter()
        .filter(|(_, r)| !r.compiled || !r.documented)
        .map(|(_, r)| r.document.as_str())
        .collect();
    if failed.is_empty() {
        println!(
            "\nall {} documents generate, compile and document with -D warnings",
            rows.len()
        );
        Ok(())
    } else {
        Err(format!(
            "\n{} of {} documents regressed: {}",
            failed.len(),
            rows.len(),
            failed.join(", ")
        ))
    }
}

/// The YAML and JSON documents of each directory, sorted within it.
fn corpus_documents(args: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut docs: Vec<PathBuf> = Vec::new();
    for dir in args.iter().map(PathBuf::from) {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            })
            .collect();
        found.sort();
        docs.extend(found);
    }
    Ok(docs)
}

/// Generates one document's crate into `work/crates/<name>`: its crate name and its row
/// (not generated, with the first error, when the generator refuses the document).
fn generate_row(doc: &Path, runtime: &Runtime, work: &Path) -> Result<(String, Row), String> {
    let stem = doc
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = format!(
        "corpus-{}",
        stem.to_ascii_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let version = std::fs::read(doc)
        .ok()
        .and_then(|b| codegen::load::load_bytes("", &b).ok())
        .map(|s| s.openapi_version)
        .unwrap_or_else(|| "?".to_string());
    let started = Instant::now();
    let mut row = Row {
        document: doc
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        version,
        operations: "-".into(),
        warnings: Vec::new(),
        unions_exact: 0,
        unions_other: 0,
        generated: false,
        compiled: false,
        documented: false,
        millis: 0,
        first_error: String::new(),
    };
    match generate_spec(doc, None, false, false) {
        Ok(g) => {
            row.generated = true;
            row.operations = g.api.operations.len().to_string();
            (row.unions_exact, row.unions_other) = union_counts(&g.api);
            row.warnings = g.warnings.warnings().map(|w| w.to_string()).collect();
            let files = standalone::crate_files(
                &g,
                runtime,
                &CrateOptions {
                    name: name.clone(),
                    own_workspace: false,
                },
            );
            xtask::build::write_files(&work.join("crates").join(&name), &files)
                .map_err(|e| e.to_string())?;
        }
        Err(d) => row.first_error = d.errors().next().map(|e| e.to_string()).unwrap_or_default(),
    }
    row.millis = started.elapsed().as_millis();
    Ok((name, row))
}

/// Builds a generated crate with `-D warnings`, then (if it built) its docs with
/// `-D warnings`; records in `row` whether each passed, the first error, the time taken.
fn build_row(work: &Path, name: &str, row: &mut Row) -> Result<(), String> {
    let started = Instant::now();
    let out = xtask::build::cargo(work)
        .args(["build", "-p", name, "--quiet", "--message-format", "short"])
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    row.millis += started.elapsed().as_millis();
    row.compiled = out.status.success();
    if !row.compiled {
        let stderr = String::from_utf8_lossy(&out.stderr);
        row.first_error = stderr
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("cargo build failed")
            .to_string();
        return Ok(());
    }
    // the docs a user of the crate reads build without warnings too
    let started = Instant::now();
    let doc = xtask::build::cargo(work)
        .args(["doc", "--no-deps", "-p", name, "--quiet"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    row.millis += started.elapsed().as_millis();
    row.documented = doc.status.success();
    if !row.documented {
        row.first_error = String::from_utf8_lossy(&doc.stderr)
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("cargo doc failed")
            .to_string();
    }
    Ok(())
}

/// The table of rows, then each document's warnings: what was generated with a fallback is
/// said, not hidden.
fn print_table(rows: &[(String, Row)]) {
    println!(
        "| document | OpenAPI | operations | generated | warnings | unions exact / with `Other` | compiled | docs | time | first error |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (_, r) in rows {
        let mark = |b: bool| if b { "yes" } else { "NO" };
        println!(
            "| {} | {} | {} | {} | {} | {} / {} | {} | {} | {} ms | {} |",
            r.document,
            r.version,
            r.operations,
            mark(r.generated),
            r.warnings.len(),
            r.unions_exact,
            r.unions_other,
            mark(r.compiled),
            mark(r.documented),
            r.millis,
            r.first_error.replace('|', "\\|")
        );
    }
    for (_, r) in rows.iter().filter(|(_, r)| !r.warnings.is_empty()) {
        println!("\n{}:", r.document);
        for w in &r.warnings {
            println!("  {w}");
        }
    }
}
