//! `cargo xtask <command>`: the repository's own tooling.
//!
//! - `regen`: spec/iam_api.yaml → gcore-iam/src/generated/ (atomically), with a summary.
//! - `check`: fails when the generated files are not what `regen` would write.

mod foreign;

/// Generation allocates many small token trees; mimalloc makes large specs markedly faster
/// than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;
use xtask::project::{self, GENERATED_DIR, REGEN_COMMAND, SPEC_PATH};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen(),
        Some("check") => check(),
        Some("diff") => diff(&args[1..]),
        Some("generate") => foreign::generate(&args[1..]),
        Some("corpus") => foreign::corpus(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{}", usage());
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{}", usage())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> String {
    "usage: cargo xtask <command>\n\ncommands:\n  regen   regenerate gcore-iam/src/generated/ from spec/iam_api.yaml\n  check   fail if the generated code is out of date\n  diff OLD NEW\n          the API changes between two specs, classified breaking or additive\n  generate --spec FILE --out DIR [--crate-name NAME] [--settings FILE] [--deny-warnings] [--features-per-tag] [--force]\n          write a standalone client crate for any OpenAPI 3.0/3.1 document\n          (--features-per-tag: a cargo feature per tag, `full` the default)\n          (settings: YAML, see codegen::Settings::from_yaml)\n  corpus DIR...\n          generate and build a crate for every document in each DIR; fail if any does not\n  bench [--write] [gen|scale|runtime|compile|regen ...]\n          benchmarks against progenitor and hand-written reqwest (bench/, release build);\n          --write puts the table into BENCHMARKS.md".to_string()
}

fn print_warnings(warnings: &codegen::diagnostics::Diagnostics) {
    for w in warnings.warnings() {
        eprintln!("{w}");
    }
}

fn regen() -> Result<(), String> {
    let root = project::workspace_root();
    let outcome = project::regen(&root)?;
    print_warnings(&outcome.generated.warnings);
    let api = &outcome.generated.api;
    let ops = api.operations.len();
    let deprecated = api
        .operations
        .iter()
        .filter(|o| o.deprecation.is_some())
        .count();
    println!(
        "{SPEC_PATH} ({} {}, OpenAPI {}): {ops} of the document's {} operations ({deprecated} deprecated), {} types, {} warnings, {}",
        api.title,
        api.spec_version,
        api.openapi_version,
        api.operations_in_document,
        api.types.len(),
        outcome.generated.warnings.warnings().count(),
        match api.operations_in_document.saturating_sub(ops) {
            0 => "none dropped".to_string(),
            n => format!("{n} DROPPED"),
        }
    );
    if outcome.updated_files.is_empty() {
        println!("{GENERATED_DIR}/ was already up to date");
    } else {
        println!(
            "updated {GENERATED_DIR}/: {}",
            outcome.updated_files.join(", ")
        );
    }
    print!(
        "\nAPI changes for users of gcore-iam:\n{}",
        outcome.rendered
    );
    if outcome.changelog_updated {
        println!("added an entry to {}", project::CHANGELOG_PATH);
    }
    Ok(())
}

fn check() -> Result<(), String> {
    let root = project::workspace_root();
    let stale = project::check(&root).map_err(|d| d.to_string())?;
    if stale.is_empty() {
        println!(
            "{GENERATED_DIR}/ and {} are up to date with {SPEC_PATH}",
            project::SUMMARY_PATH
        );
        Ok(())
    } else {
        Err(format!(
            "out of date with {SPEC_PATH}: {}\nrun `{REGEN_COMMAND}` and commit the result",
            stale.join(", ")
        ))
    }
}

/// `diff OLD NEW`: the API changes between two specs, written nowhere.
fn diff(args: &[String]) -> Result<(), String> {
    let [old, new] = args else {
        return Err("usage: cargo xtask diff OLD.yaml NEW.yaml".to_string());
    };
    let summary = |path: &str| -> Result<codegen::diff::ApiSummary, String> {
        let spec =
            codegen::load::load_file(std::path::Path::new(path)).map_err(|d| d.to_string())?;
        // a report, not a generation: what would be refused is still compared
        let settings = codegen::Settings {
            deny_warnings: false,
            ..project::iam_settings(&project::workspace_root()).map_err(|d| d.to_string())?
        };
        let (api, _) = codegen::lower::lower(&spec, &settings).map_err(|d| d.to_string())?;
        Ok(codegen::diff::ApiSummary::from_api(&api))
    };
    let report = codegen::diff::diff(&summary(old)?, &summary(new)?);
    print!(
        "{}",
        report.render(&project::crate_version(&project::workspace_root()))
    );
    Ok(())
}

/// `bench [--write] [WHICH ...]`: builds and runs the benchmark crate (`bench/`, outside the
/// workspace so that `cargo test` never builds progenitor) and prints its table; `--write`
/// also replaces the table in BENCHMARKS.md.
fn bench(args: &[String]) -> Result<(), String> {
    let root = project::workspace_root();
    let write = args.iter().any(|a| a == "--write");
    let which: Vec<&String> = args.iter().filter(|a| *a != "--write").collect();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("building bench/ (release; the first build compiles progenitor and takes minutes)");
    let output = std::process::Command::new(cargo)
        .current_dir(&root)
        .args([
            "run",
            "--quiet",
            "--release",
            "--manifest-path",
            "bench/Cargo.toml",
            "--",
        ])
        .args(&which)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("the benchmarks failed ({})", output.status));
    }
    let table = String::from_utf8_lossy(&output.stdout);
    print!("{table}");
    if write {
        let path = root.join("BENCHMARKS.md");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (begin, end) = ("<!-- bench:begin -->", "<!-- bench:end -->");
        let (Some(b), Some(e)) = (text.find(begin), text.find(end)) else {
            return Err(format!(
                "{}: no {begin} … {end} block to replace",
                path.display()
            ));
        };
        let updated = format!(
            "{}{begin}\n{}\n{}",
            &text[..b],
            table.trim_end(),
            &text[e..]
        );
        let mut tx = codegen::write::Transaction::new();
        tx.write(&path, updated);
        tx.commit()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        println!("\nwrote the table into BENCHMARKS.md");
    }
    Ok(())
}
