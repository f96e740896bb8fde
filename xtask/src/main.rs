//! `cargo xtask <command>`: the repository's own tooling.
//!
//! - `regen`: spec/iam_api.yaml → gcore-iam/src/generated/ (atomically), with a summary.
//! - `check`: fails when the generated files are not what `regen` would write.

mod foreign;

use codegen::project::{self, GENERATED_DIR, REGEN_COMMAND, SPEC_PATH};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regen") => regen(),
        Some("check") => check(),
        Some("generate") => foreign::generate(&args[1..]),
        Some("corpus") => foreign::corpus(&args[1..]),
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
    "usage: cargo xtask <command>\n\ncommands:\n  regen   regenerate gcore-iam/src/generated/ from spec/iam_api.yaml\n  check   fail if the generated code is out of date\n  generate --spec FILE --out DIR [--crate-name NAME] [--strict]\n          write a standalone client crate for any OpenAPI 3.0/3.1 document\n  corpus DIR\n          generate and build a crate for every document in DIR; fail if any does not".to_string()
}

fn print_warnings(warnings: &codegen::diagnostics::Diagnostics) {
    for w in warnings.warnings() {
        eprintln!("{w}");
    }
}

fn regen() -> Result<(), String> {
    let root = project::workspace_root();
    let generated = project::generate_iam(&root)
        .map_err(|d| format!("{d}\n\ngeneration failed; {GENERATED_DIR}/ was left as it was"))?;
    print_warnings(&generated.warnings);
    let dir = root.join(GENERATED_DIR);
    let stale = project::stale_files(&dir, &generated.files);
    project::write_atomically(&dir, &generated.files)
        .map_err(|e| format!("cannot write {GENERATED_DIR}/: {e}; it was left as it was"))?;
    let api = &generated.api;
    let ops = api.operations.len();
    let deprecated = api
        .operations
        .iter()
        .filter(|o| o.deprecation.is_some())
        .count();
    println!(
        "{SPEC_PATH} ({} {}, OpenAPI {}): {ops} operations ({deprecated} deprecated), {} types, {} warnings, none dropped",
        api.title,
        api.spec_version,
        api.openapi_version,
        api.types.len(),
        generated.warnings.warnings().count()
    );
    if stale.is_empty() {
        println!("{GENERATED_DIR}/ was already up to date");
    } else {
        println!("updated {GENERATED_DIR}/: {}", stale.join(", "));
    }
    Ok(())
}

fn check() -> Result<(), String> {
    let root = project::workspace_root();
    let generated = project::generate_iam(&root).map_err(|d| d.to_string())?;
    let stale = project::stale_files(&root.join(GENERATED_DIR), &generated.files);
    if stale.is_empty() {
        println!("{GENERATED_DIR}/ is up to date with {SPEC_PATH}");
        Ok(())
    } else {
        Err(format!(
            "{GENERATED_DIR}/ is out of date with {SPEC_PATH}: {}\nrun `{REGEN_COMMAND}` and commit the result",
            stale
                .iter()
                .map(|f| format!("{GENERATED_DIR}/{f}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}
