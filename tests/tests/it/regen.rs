//! The checked-in generated code, `cargo xtask regen` and its write-safety.

use xtask::project::{self, GENERATED_DIR};

/// The same check as `cargo xtask check`: `cargo test` catches stale output too.
#[test]
fn checked_in_generated_code_and_api_summary_are_what_the_generator_writes_now() {
    let root = project::workspace_root();
    let stale = project::check(&root).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        stale.is_empty(),
        "stale: {stale:?}; run `cargo xtask regen`"
    );
}

#[test]
fn every_operation_of_the_iam_spec_is_generated_and_none_dropped() {
    let root = project::workspace_root();
    let generated = project::generate_iam(&root).unwrap();
    let spec = codegen::load::load_file(&root.join(project::SPEC_PATH)).unwrap();
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let in_spec: Vec<String> = spec.raw["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().iter())
        .filter(|(m, _)| methods.contains(&m.as_str()))
        .map(|(_, op)| op["operationId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(in_spec.len(), 24);
    let generated_ids: Vec<&str> = generated
        .api
        .operations
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(generated_ids, in_spec);
    let names: Vec<&str> = generated
        .api
        .operations
        .iter()
        .map(|o| o.method_name.as_str())
        .collect();
    assert!(names.contains(&"create_api_token_v2"), "{names:?}");
    assert!(names.contains(&"get_account_details"), "{names:?}");
}

fn files(pairs: &[(&str, &str)]) -> Vec<codegen::GeneratedFile> {
    pairs
        .iter()
        .map(|(p, c)| codegen::GeneratedFile {
            path: p.to_string(),
            contents: c.to_string(),
        })
        .collect()
}

fn snapshot(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_write_that_fails_midway_leaves_the_directory_exactly_as_it_was() {
    let tmp = std::env::temp_dir().join(format!("gcore-iam-atomic-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let dir = tmp.join("generated");
    project::write_atomically(&dir, &files(&[("a.rs", "old a"), ("b.rs", "old b")])).unwrap();
    let before = snapshot(&dir);

    let new = files(&[("a.rs", "new a"), ("b.rs", "new b"), ("c.rs", "new c")]);
    let mut written = 0;
    let err = project::write_atomically_with(&dir, &new, |_| {
        written += 1;
        if written == 2 {
            Err(std::io::Error::other("disk full"))
        } else {
            Ok(())
        }
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "disk full");
    assert_eq!(
        snapshot(&dir),
        before,
        "a failed write changed the directory"
    );
    // no staging directory is left behind
    let leftovers: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("generated")]);

    project::write_atomically(&dir, &new).unwrap();
    assert_eq!(snapshot(&dir).len(), 3);
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn a_spec_error_is_reported_with_its_place_and_nothing_is_written() {
    let tmp = std::env::temp_dir().join(format!("gcore-iam-badspec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("spec")).unwrap();
    std::fs::create_dir_all(tmp.join("gcore-iam")).unwrap();
    std::fs::write(
        tmp.join(project::SETTINGS_PATH),
        "strip_operation_prefix: iam\ndeny_warnings: true\n",
    )
    .unwrap();
    std::fs::write(
        tmp.join("spec/iam_api.yaml"),
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      operationId: getA\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}}}\n",
    )
    .unwrap();
    let err = project::generate_iam(&tmp).unwrap_err().to_string();
    assert!(
        err.contains("spec/iam_api.yaml at #/paths/~1a~1{id}/get"),
        "{err}"
    );
    assert!(err.contains("(operation getA)"), "{err}");
    assert!(
        err.contains("no path parameter \"id\" is declared"),
        "{err}"
    );
    assert!(
        err.contains("cannot resolve $ref \"#/components/schemas/Missing\""),
        "{err}"
    );
    assert!(!tmp.join(GENERATED_DIR).exists());
    let _ = std::fs::remove_dir_all(&tmp);
}

/// An operation must never be named like a method the runtime defines on `Client`
/// (an operationId `apiKeyId` would otherwise generate a duplicate `api_key_id`).
#[test]
fn every_public_client_method_of_the_runtime_is_reserved() {
    let src = project::workspace_root().join("gcore-iam/src");
    // what standalone crates copy reserves names in every crate; gcore-iam's own files
    // only in gcore-iam, through its settings
    let runtime = codegen::standalone::Runtime::read(&src).unwrap();
    let iam = project::iam_settings(&project::workspace_root()).unwrap();
    let mut missing = Vec::new();
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        // the methods of every `impl Client` block, up to the block's closing brace
        for block in text.split("\nimpl Client {").skip(1) {
            let body = block.split("\n}\n").next().unwrap_or("");
            for line in body.lines() {
                let line = line.trim_start();
                let Some(rest) = line
                    .strip_prefix("pub fn ")
                    .or_else(|| line.strip_prefix("pub async fn "))
                else {
                    continue;
                };
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let copied = runtime
                    .modules
                    .iter()
                    .any(|(file, _)| src.join(file) == path);
                let reserved = codegen::RUNTIME_CLIENT_METHODS.contains(&name.as_str())
                    || !copied && iam.reserved_methods.contains(&name);
                if !reserved {
                    missing.push(format!("{name} ({})", path.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add to codegen::RUNTIME_CLIENT_METHODS (runtime files) or to reserved_methods in {} (gcore-iam's own): {missing:?}",
        project::SETTINGS_PATH
    );
}

/// An operationId that collides with a runtime method gets another name and compiles.
#[test]
fn an_operation_named_like_a_runtime_method_is_renamed() {
    let dir = tempfile_dir("reserved");
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /k:\n    get:\n      operationId: execute\n      responses: {'204': {description: ok}}\n  /u:\n    get:\n      operationId: allUsers\n      responses: {'204': {description: ok}}\n",
    )
    .unwrap();
    // `execute` is the runtime's everywhere; `all_users` is reserved by the settings, as
    // gcore-iam's are
    let settings = codegen::Settings {
        reserved_methods: vec!["all_users".to_string()],
        ..codegen::Settings::default()
    };
    let generated = gcore_iam_tests::generate_fixture_with(&spec, &settings).unwrap();
    let names: Vec<&str> = generated
        .api
        .operations
        .iter()
        .map(|o| o.method_name.as_str())
        .collect();
    assert_eq!(names.len(), 2);
    for n in &names {
        assert!(
            !codegen::RUNTIME_CLIENT_METHODS.contains(n) && *n != "all_users",
            "{names:?}"
        );
    }
}

fn read(path: std::path::PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gcore-iam-regen-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `cargo xtask generate` into a crate directory it wrote before replaces its own files,
/// deletes the ones it no longer writes, and never touches the user's (`.git`, `target`).
#[test]
fn generate_keeps_what_it_did_not_write_and_refuses_foreign_directories() {
    let dir = tempfile_dir("write-crate");
    let out = dir.join("client");
    let _ = std::fs::remove_dir_all(&out);
    project::write_crate(
        &out,
        &files(&[("Cargo.toml", "v1"), ("src/old.rs", "old")]),
        false,
    )
    .unwrap();
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/config"), "user's").unwrap();
    std::fs::write(out.join("NOTES.md"), "user's").unwrap();

    project::write_crate(
        &out,
        &files(&[("Cargo.toml", "v2"), ("src/new.rs", "new")]),
        false,
    )
    .unwrap();
    assert_eq!(read(out.join("Cargo.toml")), "v2");
    assert_eq!(read(out.join("src/new.rs")), "new");
    assert!(
        !out.join("src/old.rs").exists(),
        "a file the generator no longer writes stays"
    );
    assert_eq!(read(out.join(".git/config")), "user's");
    assert_eq!(read(out.join("NOTES.md")), "user's");

    // a directory of the user's: refused, untouched
    let foreign = dir.join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("Cargo.toml"), "mine").unwrap();
    let err =
        project::write_crate(&foreign, &files(&[("Cargo.toml", "generated")]), false).unwrap_err();
    assert!(
        err.contains("was not written by the generator") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(read(foreign.join("Cargo.toml")), "mine");
    project::write_crate(&foreign, &files(&[("Cargo.toml", "generated")]), true).unwrap();
    assert_eq!(read(foreign.join("Cargo.toml")), "generated");
    let _ = std::fs::remove_dir_all(&dir);
}
