//! Every fixture's generated code, as a crate with gcore-iam's runtime, builds with
//! `-D warnings` and documents with `RUSTDOCFLAGS=-D warnings`: what the snapshots pin
//! is also valid Rust with valid docs. A fixture with a companion
//! `tests/fixtures/decode/<fixture>.rs` gets it as an integration test of its crate, run
//! here: which variant each example value of a union decodes to.

use codegen::standalone::{self, CrateOptions, Runtime};

#[test]
fn every_fixture_compiles_and_documents_with_deny_warnings() {
    let root = gcore_iam_tests::workspace_root();
    let runtime = Runtime::read(&root.join("gcore-iam/src")).unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    let _ = std::fs::remove_dir_all(dir.join("crates"));
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixtures.sort();
    let mut members = Vec::new();
    let mut with_decode_tests = Vec::new();
    for path in &fixtures {
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('_', "-");
        let generated = gcore_iam_tests::generate_fixture(path).unwrap_or_else(|d| panic!("{d}"));
        let name = format!("fixture-{stem}");
        let files = standalone::crate_files(
            &generated,
            &runtime,
            &CrateOptions {
                name: name.clone(),
                own_workspace: false,
            },
        );
        let crate_dir = dir.join("crates").join(&name);
        xtask::build::write_files(&crate_dir, &files).unwrap();
        let decode = root
            .join("tests/fixtures/decode")
            .join(path.with_extension("rs").file_name().unwrap());
        if decode.exists() {
            std::fs::create_dir_all(crate_dir.join("tests")).unwrap();
            std::fs::copy(&decode, crate_dir.join("tests/decode.rs")).unwrap();
            with_decode_tests.push(name.clone());
        }
        members.push(name);
    }
    // the crate with a feature per tag, checked below with each feature alone
    let features_crate = "fixture-features-per-tag".to_string();
    let generated = gcore_iam_tests::generate_fixture_with(
        &root.join(gcore_iam_tests::FEATURES_FIXTURE),
        &gcore_iam_tests::features_per_tag_settings(),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let features = codegen::emit::context(&generated.api)
        .features
        .expect("features")
        .names;
    let files = standalone::crate_files(
        &generated,
        &runtime,
        &CrateOptions {
            name: features_crate.clone(),
            own_workspace: false,
        },
    );
    xtask::build::write_files(&dir.join("crates").join(&features_crate), &files).unwrap();
    members.push(features_crate.clone());
    xtask::build::write_workspace(&dir, &members).unwrap();
    assert!(
        !with_decode_tests.is_empty(),
        "no fixture has decode tests in tests/fixtures/decode"
    );

    let check = xtask::build::cargo(&dir)
        .args(["check", "--workspace", "--all-targets", "--quiet"])
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "generated fixture crates do not build with -D warnings:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // the workspace check built it with its default (`full`); now each feature alone,
    // and none: what a user who enables one tag compiles
    let alone = features
        .iter()
        .map(|f| vec!["--no-default-features", "--features", f.as_str()])
        .chain([vec!["--no-default-features"]]);
    for args in alone {
        let check = xtask::build::cargo(&dir)
            .args(["check", "--quiet", "-p", &features_crate])
            .args(&args)
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{features_crate} does not build with {args:?} and -D warnings:\n{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    assert!(
        features.len() >= 3,
        "the fixture has several tags: {features:?}"
    );
    let doc = xtask::build::cargo(&dir)
        .args(["doc", "--workspace", "--no-deps", "--quiet"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        doc.status.success(),
        "generated fixture docs have warnings:\n{}",
        String::from_utf8_lossy(&doc.stderr)
    );
    let mut test = xtask::build::cargo(&dir);
    test.args(["test", "--quiet", "--test", "decode"]);
    for name in &with_decode_tests {
        test.args(["-p", name]);
    }
    let test = test.output().unwrap();
    assert!(
        test.status.success(),
        "decode tests of generated unions failed:\n{}\n{}",
        String::from_utf8_lossy(&test.stdout),
        String::from_utf8_lossy(&test.stderr)
    );
}

/// The standalone `Cargo.toml` lists exactly gcore-iam's runtime dependencies.
#[test]
fn standalone_crates_depend_on_what_the_runtime_uses() {
    let root = gcore_iam_tests::workspace_root();
    let manifest = std::fs::read_to_string(root.join("gcore-iam/Cargo.toml")).unwrap();
    let deps_section = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    let mut in_gcore: Vec<&str> = deps_section
        .lines()
        .filter_map(|l| l.split(['.', '=', ' ']).next())
        .filter(|n| !n.is_empty() && !n.starts_with('#'))
        .collect();
    in_gcore.sort();
    let mut in_standalone: Vec<&str> = standalone::RUNTIME_DEPENDENCIES
        .iter()
        .map(|(n, _)| *n)
        .collect();
    in_standalone.sort();
    assert_eq!(in_standalone, in_gcore);
}

/// A standalone crate is a client of its own API: no file of it, for any fixture, names
/// Gcore (its key format, environment variables, hints and server stay in gcore-iam's
/// Gcore layer, outside `src/runtime/`).
#[test]
fn standalone_crates_carry_no_gcore_text() {
    let root = gcore_iam_tests::workspace_root();
    let runtime = Runtime::read(&root.join("gcore-iam/src")).unwrap();
    assert!(
        runtime
            .modules
            .iter()
            .all(|(path, _)| path.starts_with("runtime/") && !path.ends_with("auth.rs")),
        "only the runtime is copied"
    );
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixtures.sort();
    let mut mentions = Vec::new();
    for path in &fixtures {
        let shown = format!("specs/{}", path.file_name().unwrap().to_string_lossy());
        let spec = codegen::load::load_file_as(path, &shown).unwrap_or_else(|d| panic!("{d}"));
        let generated = codegen::generate(
            &spec,
            &codegen::Settings::default(),
            &codegen::Provenance {
                command: "cargo xtask generate".to_string(),
                spec_path: shown.clone(),
            },
        )
        .unwrap_or_else(|d| panic!("{d}"));
        let files = standalone::crate_files(
            &generated,
            &runtime,
            &CrateOptions {
                name: "client".to_string(),
                own_workspace: true,
            },
        );
        for f in &files {
            for (i, line) in f.contents.lines().enumerate() {
                if line.to_ascii_lowercase().contains("gcore") {
                    mentions.push(format!("{shown} {}:{}: {line}", f.path, i + 1));
                }
            }
        }
    }
    assert!(mentions.is_empty(), "{}", mentions.join("\n"));
}

/// Standalone crates get the runtime verbatim: every file of `gcore-iam/src/runtime/`,
/// byte for byte, at the same path, and nothing else of gcore-iam's own code.
#[test]
fn standalone_crates_copy_the_runtime_whole() {
    let root = gcore_iam_tests::workspace_root();
    let runtime = Runtime::read(&root.join("gcore-iam/src")).unwrap();
    let mut on_disk = Vec::new();
    let mut dirs = vec![root.join("gcore-iam/src/runtime")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                on_disk.push(p);
            }
        }
    }
    assert!(on_disk.len() >= 5, "{on_disk:?}");
    let spec = root.join("tests/fixtures/valid/bodies.yaml");
    let generated = gcore_iam_tests::generate_fixture_with(&spec, &codegen::Settings::default())
        .unwrap_or_else(|d| panic!("{d}"));
    let files = standalone::crate_files(
        &generated,
        &runtime,
        &CrateOptions {
            name: "client".to_string(),
            own_workspace: true,
        },
    );
    for path in &on_disk {
        let rel = path.strip_prefix(root.join("gcore-iam")).unwrap();
        let rel = rel.to_string_lossy().replace('\\', "/");
        let copied = files
            .iter()
            .find(|f| f.path == rel)
            .unwrap_or_else(|| panic!("{rel} is not copied"));
        assert_eq!(
            copied.contents.as_bytes(),
            std::fs::read(path).unwrap(),
            "{rel} is edited"
        );
    }
    let src_files = files.iter().filter(|f| f.path.starts_with("src/")).count();
    // the runtime, lib.rs and the three generated modules
    assert_eq!(
        src_files,
        on_disk.len() + 4,
        "{:?}",
        files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
}

/// The generated `SERVICE` tells the runtime which keys hold secrets in this API: its
/// secret fields (by format, by name) and write-only strings, and none of the settings'
/// unless given; the masking that reads them is the runtime's (`redact.rs`).
#[test]
fn the_generated_service_names_the_descriptions_secret_fields() {
    let root = gcore_iam_tests::workspace_root();
    let keys = |fixture: &str| {
        let path = root.join("tests/fixtures/valid").join(fixture);
        let generated =
            gcore_iam_tests::generate_fixture_with(&path, &codegen::Settings::default())
                .unwrap_or_else(|d| panic!("{d}"));
        generated.api.secret_keys
    };
    assert_eq!(keys("read_write_only.yaml"), ["password"]);
    // `password` of the error-only body holds a message, so it is not a secret field there
    assert_eq!(keys("formats.yaml"), ["api_secret", "pw"]);
    assert_eq!(keys("bodies.yaml"), Vec::<String>::new());
}

/// gcore-iam declares the runtime and re-exports its names as standalone crates do, so a
/// path such as `Client` or `runtime::OperationInfo` is the same in both.
#[test]
fn gcore_iam_declares_and_re_exports_the_runtime_as_standalone_crates_do() {
    let lib =
        std::fs::read_to_string(gcore_iam_tests::workspace_root().join("gcore-iam/src/lib.rs"))
            .unwrap();
    assert!(
        lib.contains(standalone::LIB_RS_BODY),
        "gcore-iam/src/lib.rs lacks codegen::standalone::LIB_RS_BODY:\n{}",
        standalone::LIB_RS_BODY
    );
}
