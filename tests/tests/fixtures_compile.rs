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
/// `// region: gcore-iam only` parts and `auth.rs`).
#[test]
fn standalone_crates_carry_no_gcore_text() {
    let root = gcore_iam_tests::workspace_root();
    let runtime = Runtime::read(&root.join("gcore-iam/src")).unwrap();
    assert!(
        runtime.modules.iter().all(|(name, _)| name != "auth.rs"),
        "auth.rs is Gcore-only"
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

/// An unpaired region marker is refused with its line, never copied half-stripped.
#[test]
fn unpaired_gcore_iam_only_regions_are_refused() {
    let ok = "a\n  // region: gcore-iam only\nb\n  // endregion: gcore-iam only\nc\n";
    assert_eq!(standalone::strip_iam_only(ok).unwrap(), "a\nc\n");
    for (text, want) in [
        (
            "a\n// region: gcore-iam only\nb\n",
            "line 2: // region: gcore-iam only is never closed",
        ),
        (
            "a\n// endregion: gcore-iam only\n",
            "line 2: // endregion: gcore-iam only without a region to close",
        ),
        (
            "// region: gcore-iam only\n// region: gcore-iam only\n",
            "line 2: // region: gcore-iam only inside the region opened on line 1",
        ),
    ] {
        assert_eq!(
            standalone::strip_iam_only(text).unwrap_err().to_string(),
            want
        );
    }
}
