//! Snapshots of the generated Rust for one small fixture spec per concern
//! (`tests/fixtures/valid/*`). Review changes with `cargo insta review`.

#[test]
fn generated_code_matches_snapshots() {
    insta::glob!("../../fixtures/valid", "*.{yaml,json}", |path| {
        let generated = gcore_iam_tests::generate_fixture(path)
            .unwrap_or_else(|d| panic!("{} failed to generate:\n{d}", path.display()));
        insta::assert_snapshot!(gcore_iam_tests::render(&generated));
    });
}

#[test]
fn generation_is_deterministic() {
    let dir = gcore_iam_tests::workspace_root().join("tests/fixtures/valid");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        let a = gcore_iam_tests::generate_fixture(&path).unwrap();
        let b = gcore_iam_tests::generate_fixture(&path).unwrap();
        assert_eq!(
            a.files,
            b.files,
            "{} generated differently twice",
            path.display()
        );
    }
}

/// A `oneOf` whose variants only a content rule tells apart, and a variant renamed by the
/// settings (as gcore-iam does for `CreateTokenError`).
#[test]
fn content_rules_and_variant_names_from_settings() {
    let path = gcore_iam_tests::workspace_root().join("tests/fixtures/settings/content_rule.yaml");
    let title = gcore_iam_tests::ROLE_TOO_HIGH_TITLE;
    let settings = gcore_iam_tests::content_rule_settings();
    let generated =
        gcore_iam_tests::generate_fixture_with(&path, &settings).unwrap_or_else(|d| panic!("{d}"));
    insta::assert_snapshot!(gcore_iam_tests::render(&generated));

    // without the rule, the same document is generated with a warning naming the schema
    // and the titles (such values decode to `Other`), and refused with `deny_warnings`
    let warned = gcore_iam_tests::generate_fixture(&path).unwrap_or_else(|d| panic!("{d}"));
    let message = warned
        .warnings
        .warnings()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        message.contains("#/components/schemas/CreateTokenError")
            && message.contains("CreateTokenError::Other"),
        "{message}"
    );
    let strict = codegen::Settings {
        deny_warnings: true,
        ..codegen::Settings::default()
    };
    let refused = gcore_iam_tests::generate_fixture_with(&path, &strict)
        .expect_err("refused with deny_warnings");
    let message = refused.to_string();
    assert!(
        message.contains("#/components/schemas/CreateTokenError"),
        "{message}"
    );
    assert!(
        message.contains("Invalid role") && message.contains(title),
        "{message}"
    );
}

/// With a cargo feature per tag: each operation behind its tags' features, a type behind
/// the features of the operations that reach it, a type no operation reaches behind
/// `full`, an error enum two tags share behind either; the crate's `[features]` table.
#[test]
fn features_per_tag_from_settings() {
    let root = gcore_iam_tests::workspace_root();
    let path = root.join(gcore_iam_tests::FEATURES_FIXTURE);
    let generated = gcore_iam_tests::generate_fixture_with(
        &path,
        &gcore_iam_tests::features_per_tag_settings(),
    )
    .unwrap_or_else(|d| panic!("{d}"));
    let runtime = codegen::standalone::Runtime::read(&root.join("gcore-iam/src")).unwrap();
    let files = codegen::standalone::crate_files(
        &generated,
        &runtime,
        &codegen::standalone::CrateOptions {
            name: "features".into(),
            own_workspace: false,
        },
    );
    let manifest = &files
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .unwrap()
        .contents;
    let features = manifest
        .split_once("[features]")
        .map(|(_, table)| table)
        .expect("a [features] table");
    insta::assert_snapshot!(format!(
        "// ===== Cargo.toml [features] =====\n{}{}",
        features.trim_start(),
        gcore_iam_tests::render(&generated)
    ));

    // without the setting: no feature, no cfg
    let plain = gcore_iam_tests::generate_fixture(&path).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        plain.files.iter().all(|f| !f.contents.contains("cfg(")),
        "cfg attributes without features_per_tag"
    );
}
