//! This repository's own use of the generator: where gcore-iam's generated code lives,
//! the settings it is made with, the freshness check, and atomic writes. `cargo xtask`
//! and the freshness test both go through here.

use codegen::diagnostics::Diagnostics;
use codegen::{GeneratedFile, Provenance, Settings};
use std::path::{Path, PathBuf};

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "spec/iam_api.yaml";
/// gcore-iam's generator settings, relative to the workspace root.
pub const SETTINGS_PATH: &str = "gcore-iam/generator-settings.yaml";
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
pub fn generate_iam(root: &Path) -> Result<codegen::Generated, Diagnostics> {
    let settings = iam_settings(root)?;
    let spec = codegen::load::load_file_as(&root.join(SPEC_PATH), SPEC_PATH)?;
    codegen::generate(
        &spec,
        &settings,
        &Provenance {
            command: REGEN_COMMAND.to_string(),
            spec_path: SPEC_PATH.to_string(),
        },
    )
}

/// The settings gcore-iam is generated with ([`SETTINGS_PATH`] in `root`).
pub fn iam_settings(root: &Path) -> Result<Settings, Diagnostics> {
    Settings::from_file(&root.join(SETTINGS_PATH), SETTINGS_PATH)
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

/// Replaces the contents of `dir` with `files`, all or nothing: afterwards `dir` holds
/// exactly `files` (others in it are deleted); if anything fails, every file is as it was.
/// See [`codegen::write`].
pub fn write_atomically(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    write_atomically_with(dir, files, |_| Ok(()))
}

/// [`write_atomically`] with a hook called after each step, staging or swapping (tests
/// use it to fail midway).
pub fn write_atomically_with(
    dir: &Path,
    files: &[GeneratedFile],
    mut after_each: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    replace_dir(dir, files).commit_with(|path, _| {
        after_each(&path.strip_prefix(dir).unwrap_or(path).to_string_lossy())
    })
}

/// A transaction that makes `dir` hold exactly `files`.
fn replace_dir(dir: &Path, files: &[GeneratedFile]) -> codegen::write::Transaction {
    let mut tx = codegen::write::Transaction::new();
    for f in files {
        tx.write(dir.join(&f.path), f.contents.as_bytes());
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_file() && !files.iter().any(|f| f.path == name) {
                tx.delete(e.path());
            }
        }
    }
    tx
}

/// Lists, in a crate written by `cargo xtask generate`, the files the generator wrote: a
/// later run replaces those and deletes the ones it no longer writes, and touches nothing
/// else (a `target/`, a `.git/`, files of the user's).
pub const MANIFEST: &str = ".generated-files";

/// Writes a standalone crate into `dir`, all or nothing (see [`MANIFEST`]). A directory
/// that is not empty and was not written by the generator is refused unless `force`: then
/// same-named files are replaced and nothing is deleted.
pub fn write_crate(dir: &Path, files: &[GeneratedFile], force: bool) -> Result<(), String> {
    let shown = dir.display();
    let manifest = std::fs::read_to_string(dir.join(MANIFEST)).ok();
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if non_empty && manifest.is_none() && !force {
        return Err(format!(
            "{shown} is not empty and was not written by the generator (it has no {MANIFEST}); choose a new or empty directory, or pass --force to replace same-named files"
        ));
    }
    let mut tx = codegen::write::Transaction::new();
    for f in files {
        tx.write(dir.join(&f.path), f.contents.as_bytes());
    }
    let mut listed: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    listed.sort();
    for old in manifest.iter().flat_map(|m| m.lines()) {
        let safe = !old.is_empty() && !old.starts_with('/') && !old.split('/').any(|c| c == "..");
        if safe && !listed.contains(&old) {
            tx.delete(dir.join(old));
        }
    }
    tx.write(dir.join(MANIFEST), listed.join("\n") + "\n");
    tx.commit()
        .map_err(|e| format!("cannot write {shown}: {e}; it was left as it was"))
}

/// The checked-in summary of gcore-iam's API surface, relative to the workspace root:
/// what `regen` compares against to report what changed.
pub const SUMMARY_PATH: &str = "gcore-iam/api-summary.json";
/// The changelog `regen` adds an entry to when the API changes.
pub const CHANGELOG_PATH: &str = "gcore-iam/CHANGELOG.md";

/// What a regeneration did.
#[derive(Debug)]
pub struct RegenOutcome {
    pub generated: codegen::Generated,
    /// Generated files that changed.
    pub updated_files: Vec<String>,
    /// `None` when there was no previous summary to compare with.
    pub report: Option<codegen::diff::Report>,
    /// The report as printed (also when empty: "no API changes").
    pub rendered: String,
    pub changelog_updated: bool,
}

/// The version in gcore-iam's `Cargo.toml`.
pub fn crate_version(root: &Path) -> String {
    std::fs::read_to_string(root.join("gcore-iam/Cargo.toml"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.trim_start().starts_with("version"))
                .and_then(|l| l.split('"').nth(1).map(str::to_string))
        })
        .unwrap_or_else(|| "0.0.0".to_string())
}

/// `cargo xtask regen`: generates, reports what changed for users against the checked-in
/// summary, writes the generated files (atomically), the summary, and — only when the API
/// changed — a changelog entry.
pub fn regen(root: &Path) -> Result<RegenOutcome, String> {
    let generated = generate_iam(root)
        .map_err(|d| format!("{d}\n\ngeneration failed; {GENERATED_DIR}/ was left as it was"))?;
    let dir = root.join(GENERATED_DIR);
    let updated_files = stale_files(&dir, &generated.files);
    let new_summary = codegen::diff::ApiSummary::from_api(&generated.api);
    let old_summary = std::fs::read_to_string(root.join(SUMMARY_PATH))
        .ok()
        .map(|t| {
            codegen::diff::ApiSummary::from_json(&t).map_err(|e| {
                format!("{SUMMARY_PATH} is not a valid API summary ({e}); delete it to start over")
            })
        })
        .transpose()?;
    let version = crate_version(root);
    let report = old_summary
        .as_ref()
        .map(|old| codegen::diff::diff(old, &new_summary));
    let rendered = match &report {
        Some(r) => r.render(&version),
        None => format!("no previous {SUMMARY_PATH}: recorded the API as it is now\n"),
    };
    // The generated files, the summary and the changelog: one transaction.
    let mut tx = replace_dir(&dir, &generated.files);
    tx.write(root.join(SUMMARY_PATH), new_summary.to_json());
    let mut changelog_updated = false;
    if let Some(r) = report.as_ref().filter(|r| !r.is_empty()) {
        let path = root.join(CHANGELOG_PATH);
        let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Changelog\n".to_string());
        tx.write(
            path,
            changelog_with(&old, r, &new_summary.spec_version, &version),
        );
        changelog_updated = true;
    }
    tx.commit().map_err(|e| {
        format!("cannot write {GENERATED_DIR}/, {SUMMARY_PATH} or {CHANGELOG_PATH}: {e}; all were left as they were")
    })?;
    Ok(RegenOutcome {
        generated,
        updated_files,
        report,
        rendered,
        changelog_updated,
    })
}

/// `changelog` with the changes of `report` in its "## Unreleased" section: a new section
/// after the title and the introduction (before the first `## ` section), or, when there is
/// one already, the changes appended to its list and its suggested version bump updated
/// for everything it lists. Nothing else of the text changes.
pub fn changelog_with(
    changelog: &str,
    report: &codegen::diff::Report,
    spec_version: &str,
    crate_version: &str,
) -> String {
    let heading = format!("## Unreleased — spec {spec_version}");
    let bullets: Vec<String> = report
        .changes
        .iter()
        .map(|c| {
            let tag = match c.impact {
                codegen::diff::Impact::Breaking => "breaking",
                codegen::diff::Impact::Additive => "additive",
            };
            format!("- [{tag}] {}", c.text)
        })
        .collect();
    let mut lines: Vec<String> = changelog.lines().map(str::to_string).collect();
    if !lines.first().is_some_and(|l| l.starts_with("# ")) {
        lines.splice(0..0, ["# Changelog".to_string(), String::new()]);
    }
    match lines.iter().position(|l| l.starts_with("## Unreleased")) {
        Some(start) => extend_unreleased(&mut lines, start, heading, bullets, crate_version),
        None => insert_unreleased(&mut lines, heading, bullets, crate_version),
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// How the changelog's line with the suggested version bump starts.
const BUMP_PREFIX: &str = "Suggested version bump: ";

/// The suggested version bump line for a section listing `lines`.
fn bump_line(lines: &[String], crate_version: &str) -> String {
    let breaking = lines.iter().any(|l| l.starts_with("- [breaking] "));
    let bump = codegen::diff::suggested_bump(true, breaking, crate_version);
    format!("{BUMP_PREFIX}{bump}.")
}

/// A changelog section heading.
fn is_section(l: &str) -> bool {
    l.starts_with("## ")
}

/// The "## Unreleased" section at `start` gets the new heading, `bullets` after the last
/// item of its list, and its bump line updated (or added at its end).
fn extend_unreleased(
    lines: &mut Vec<String>,
    start: usize,
    heading: String,
    bullets: Vec<String>,
    crate_version: &str,
) {
    let section_end = |lines: &[String]| {
        lines[start + 1..]
            .iter()
            .position(|l| is_section(l))
            .map_or(lines.len(), |i| start + 1 + i)
    };
    let end = section_end(lines);
    lines[start] = heading;
    // After the last item of the list (and its continuation lines), or right
    // after the heading when the section has no list.
    let at = match lines[start..end].iter().rposition(|l| l.starts_with("- ")) {
        Some(i) => {
            let mut at = start + i + 1;
            while at < end && lines[at].starts_with("  ") {
                at += 1;
            }
            at
        }
        None => {
            lines.insert(start + 1, String::new());
            start + 2
        }
    };
    lines.splice(at..at, bullets);
    let end = section_end(lines);
    let bump = bump_line(&lines[start..end], crate_version);
    match lines[start..end]
        .iter()
        .position(|l| l.starts_with(BUMP_PREFIX))
    {
        Some(i) => lines[start + i] = bump,
        None => {
            let mut at = end;
            while at > start + 1 && lines[at - 1].is_empty() {
                at -= 1;
            }
            lines.splice(at..at, [String::new(), bump]);
        }
    }
}

/// A new "## Unreleased" section of `bullets` and its bump line, before the first section.
fn insert_unreleased(
    lines: &mut Vec<String>,
    heading: String,
    bullets: Vec<String>,
    crate_version: &str,
) {
    let at = lines
        .iter()
        .position(|l| is_section(l))
        .unwrap_or(lines.len());
    let mut entry = Vec::new();
    if at > 0 && !lines[at - 1].is_empty() {
        entry.push(String::new());
    }
    entry.push(heading);
    entry.push(String::new());
    let bump = bump_line(&bullets, crate_version);
    entry.extend(bullets);
    entry.push(String::new());
    entry.push(bump);
    if at < lines.len() {
        entry.push(String::new());
    }
    lines.splice(at..at, entry);
}

/// `cargo xtask check`: stale generated files and a stale summary, by name.
pub fn check(root: &Path) -> Result<Vec<String>, codegen::diagnostics::Diagnostics> {
    let generated = generate_iam(root)?;
    let mut stale: Vec<String> = stale_files(&root.join(GENERATED_DIR), &generated.files)
        .into_iter()
        .map(|f| format!("{GENERATED_DIR}/{f}"))
        .collect();
    let summary = codegen::diff::ApiSummary::from_api(&generated.api).to_json();
    if std::fs::read_to_string(root.join(SUMMARY_PATH))
        .ok()
        .as_deref()
        != Some(summary.as_str())
    {
        stale.push(SUMMARY_PATH.to_string());
    }
    Ok(stale)
}
