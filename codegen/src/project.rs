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

/// The checked-in summary of gcore-iam's API surface, relative to the workspace root:
/// what `regen` compares against to report what changed.
pub const SUMMARY_PATH: &str = "gcore-iam/api-summary.json";
/// The changelog `regen` adds an entry to when the API changes.
pub const CHANGELOG_PATH: &str = "gcore-iam/CHANGELOG.md";

/// What a regeneration did.
#[derive(Debug)]
pub struct RegenOutcome {
    pub generated: crate::Generated,
    /// Generated files that changed.
    pub updated_files: Vec<String>,
    /// `None` when there was no previous summary to compare with.
    pub report: Option<crate::diff::Report>,
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
    let new_summary = crate::diff::ApiSummary::from_api(&generated.api);
    let old_summary = std::fs::read_to_string(root.join(SUMMARY_PATH))
        .ok()
        .map(|t| {
            crate::diff::ApiSummary::from_json(&t).map_err(|e| {
                format!("{SUMMARY_PATH} is not a valid API summary ({e}); delete it to start over")
            })
        })
        .transpose()?;
    let version = crate_version(root);
    let report = old_summary
        .as_ref()
        .map(|old| crate::diff::diff(old, &new_summary));
    let rendered = match &report {
        Some(r) => r.render(&version),
        None => format!("no previous {SUMMARY_PATH}: recorded the API as it is now\n"),
    };
    write_atomically(&dir, &generated.files)
        .map_err(|e| format!("cannot write {GENERATED_DIR}/: {e}; it was left as it was"))?;
    write_file_atomically(&root.join(SUMMARY_PATH), &new_summary.to_json())
        .map_err(|e| format!("cannot write {SUMMARY_PATH}: {e}"))?;
    let mut changelog_updated = false;
    if let Some(r) = report.as_ref().filter(|r| !r.is_empty()) {
        let path = root.join(CHANGELOG_PATH);
        let old = std::fs::read_to_string(&path).unwrap_or_else(|_| "# Changelog\n".to_string());
        let new = changelog_with(&old, r, &new_summary.spec_version, &version);
        write_file_atomically(&path, &new)
            .map_err(|e| format!("cannot write {CHANGELOG_PATH}: {e}"))?;
        changelog_updated = true;
    }
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
    report: &crate::diff::Report,
    spec_version: &str,
    crate_version: &str,
) -> String {
    let heading = format!("## Unreleased — spec {spec_version}");
    let bump_prefix = "Suggested version bump: ";
    let bump_line = |lines: &[String]| {
        let breaking = lines.iter().any(|l| l.starts_with("- [breaking] "));
        let bump = crate::diff::suggested_bump(true, breaking, crate_version);
        format!("{bump_prefix}{bump}.")
    };
    let bullets: Vec<String> = report
        .changes
        .iter()
        .map(|c| {
            let tag = match c.impact {
                crate::diff::Impact::Breaking => "breaking",
                crate::diff::Impact::Additive => "additive",
            };
            format!("- [{tag}] {}", c.text)
        })
        .collect();
    let mut lines: Vec<String> = changelog.lines().map(str::to_string).collect();
    if !lines.first().is_some_and(|l| l.starts_with("# ")) {
        lines.splice(0..0, ["# Changelog".to_string(), String::new()]);
    }
    let is_section = |l: &String| l.starts_with("## ");
    match lines.iter().position(|l| l.starts_with("## Unreleased")) {
        Some(start) => {
            let section_end = |lines: &[String]| {
                lines[start + 1..]
                    .iter()
                    .position(is_section)
                    .map_or(lines.len(), |i| start + 1 + i)
            };
            let end = section_end(&lines);
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
            let end = section_end(&lines);
            let bump = bump_line(&lines[start..end]);
            match lines[start..end]
                .iter()
                .position(|l| l.starts_with(bump_prefix))
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
        None => {
            let at = lines.iter().position(is_section).unwrap_or(lines.len());
            let mut entry = Vec::new();
            if at > 0 && !lines[at - 1].is_empty() {
                entry.push(String::new());
            }
            entry.push(heading);
            entry.push(String::new());
            let bump = bump_line(&bullets);
            entry.extend(bullets);
            entry.push(String::new());
            entry.push(bump);
            if at < lines.len() {
                entry.push(String::new());
            }
            lines.splice(at..at, entry);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `cargo xtask check`: stale generated files and a stale summary, by name.
pub fn check(root: &Path) -> Result<Vec<String>, crate::diagnostics::Diagnostics> {
    let generated = generate_iam(root)?;
    let mut stale: Vec<String> = stale_files(&root.join(GENERATED_DIR), &generated.files)
        .into_iter()
        .map(|f| format!("{GENERATED_DIR}/{f}"))
        .collect();
    let summary = crate::diff::ApiSummary::from_api(&generated.api).to_json();
    if std::fs::read_to_string(root.join(SUMMARY_PATH))
        .ok()
        .as_deref()
        != Some(summary.as_str())
    {
        stale.push(SUMMARY_PATH.to_string());
    }
    Ok(stale)
}

/// Writes one file through a temporary sibling and a rename.
pub fn write_file_atomically(path: &Path, contents: &str) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
