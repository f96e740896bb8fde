//! Invalid fixture specs (`tests/fixtures/invalid/*`): the exact messages, pinned. Every
//! message names the file and the place (line:column or JSON pointer).

#[test]
fn invalid_specs_are_refused_with_located_messages() {
    insta::glob!("../../fixtures/invalid", "*.{yaml,json}", |path| {
        let err = match gcore_iam_tests::generate_fixture(path) {
            Ok(_) => panic!("{} generated without error", path.display()),
            Err(d) => d,
        };
        for d in &err.items {
            assert!(
                d.to_string().contains("tests/fixtures/invalid/"),
                "no file in: {d}"
            );
        }
        assert!(err.has_errors());
        insta::assert_snapshot!(err.to_string());
    });
}

/// What a reader can still type is generated with a located warning and an honest type
/// (`tests/fixtures/valid/warn_*`, whose snapshots show the output); with `deny_warnings`
/// the same documents are refused, each warning now an error at the same place.
#[test]
fn fallbacks_are_warnings_and_errors_with_deny_warnings() {
    let strict = codegen::Settings {
        deny_warnings: true,
        ..codegen::Settings::default()
    };
    insta::glob!("../../fixtures/valid", "warn_*.yaml", |path| {
        let generated = gcore_iam_tests::generate_fixture(path)
            .unwrap_or_else(|d| panic!("{} is refused by default:\n{d}", path.display()));
        let warnings: Vec<String> = generated
            .warnings
            .warnings()
            .map(|w| w.to_string())
            .collect();
        assert!(!warnings.is_empty(), "{} has no warning", path.display());
        let err = gcore_iam_tests::generate_fixture_with(path, &strict)
            .expect_err("refused with deny_warnings");
        let errors: Vec<String> = err.errors().map(|e| e.to_string()).collect();
        assert_eq!(
            errors,
            warnings
                .iter()
                .map(|w| w.replacen("warning:", "error:", 1))
                .collect::<Vec<_>>()
        );
        insta::assert_snapshot!(err.to_string());
    });
}

/// Settings come from a YAML file: an unknown key is refused with its line and column, a
/// name that matches nothing in the document is refused naming it, and a file gives the
/// same output as the same settings built in code.
#[test]
fn settings_files_are_read_and_checked_against_the_document() {
    let unknown = codegen::Settings::from_yaml(
        "deny_warnings: true\ncontent_rule:\n  X: {}\n",
        "settings.yaml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        unknown.starts_with("error: settings.yaml:2:1: settings: unknown field `content_rule`"),
        "{unknown}"
    );
    let bad_type = codegen::Settings::from_yaml("deny_warnings: sometimes\n", "s.yaml")
        .unwrap_err()
        .to_string();
    assert!(bad_type.contains("s.yaml:1:16"), "{bad_type}");

    let root = gcore_iam_tests::workspace_root();
    let path = root.join("tests/fixtures/settings/content_rule.yaml");
    let title = gcore_iam_tests::ROLE_TOO_HIGH_TITLE;
    let from_file = codegen::Settings::from_yaml(
        &format!(
            "content_rules:\n  CreateTokenError:\n    pointer: /errors/client_user/role\n    prefixes:\n      - {{title: Invalid role, prefix: Invalid role}}\n      - {{title: \"{title}\", prefix: \"Can't create token with role\"}}\nvariant_names:\n  \"{title}\": RoleTooHigh\n"
        ),
        "settings.yaml",
    )
    .unwrap();
    let in_code = gcore_iam_tests::content_rule_settings();
    let a = gcore_iam_tests::generate_fixture_with(&path, &from_file).unwrap();
    let b = gcore_iam_tests::generate_fixture_with(&path, &in_code).unwrap();
    assert_eq!(a.files, b.files);
    assert!(
        a.files.iter().any(|f| f.contents.contains("RoleTooHigh(")),
        "the variant name from the file is used"
    );

    let misspelt = codegen::Settings::from_yaml(
        "ambiguity_accepted: [CreateTokenEror]\nsecret_fields: [CreateTokenError.nope]\nvariant_names: {Invalid rol: X}\ndescriptions: {Nope.x: y}\n",
        "settings.yaml",
    )
    .unwrap();
    let refused = gcore_iam_tests::generate_fixture_with(&path, &misspelt)
        .unwrap_err()
        .to_string();
    for expected in [
        "the settings' ambiguity_accepted name \"CreateTokenEror\", but no oneOf/anyOf schema of the document has that name",
        "the settings' secret_fields name \"CreateTokenError.nope\"",
        "the settings' variant_names name \"Invalid rol\"",
        "the settings' descriptions name \"Nope.x\"",
    ] {
        assert!(refused.contains(expected), "{expected} not in:\n{refused}");
    }

    // gcore-iam's own settings are such a file, and every name in it matches
    xtask::project::iam_settings(&root).unwrap();
}

/// A hook is a plain Rust path to a function: anything else is refused with its place,
/// before anything is generated; a valid one is emitted into the generated `SERVICE`.
#[test]
fn hooks_are_rust_paths_checked_when_the_settings_are_read() {
    for (text, says) in [
        (
            "hooks:\n  mask_text: \"crate::auth::\"\n",
            "is not a Rust path",
        ),
        (
            "hooks:\n  mask_text: \"crate auth\"\n",
            "is not a Rust path",
        ),
        (
            "hooks:\n  mask_text: \"crate::f::<u8>\"\n",
            "give a plain path",
        ),
        ("hooks:\n  explain: crate::f\n", "unknown field `explain`"),
    ] {
        let e = codegen::Settings::from_yaml(text, "s.yaml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("s.yaml:2:") && e.contains(says), "{text}: {e}");
    }
    let settings = codegen::Settings::from_yaml(
        "hooks:\n  explain_auth_failure: crate::auth::explain\n  mask_text: crate::mask\nsecret_keys: [jwt]\n",
        "s.yaml",
    )
    .unwrap();
    let path = gcore_iam_tests::workspace_root().join("tests/fixtures/valid/bodies.yaml");
    let generated = gcore_iam_tests::generate_fixture_with(&path, &settings).unwrap();
    let api = &generated
        .files
        .iter()
        .find(|f| f.path == "api.rs")
        .unwrap()
        .contents;
    assert!(api.contains("mask_text: Some(crate::mask)"), "{api}");
    assert!(
        api.contains("explain_auth_failure: Some(crate::auth::explain)"),
        "{api}"
    );
    assert!(api.contains("\"jwt\""), "{api}");
}
