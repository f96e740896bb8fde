//! Invalid fixture specs (`tests/fixtures/invalid/*`): the exact messages, pinned. Every
//! message names the file and the place (line:column or JSON pointer).

#[test]
fn invalid_specs_are_refused_with_located_messages() {
    insta::glob!("../fixtures/invalid", "*.{yaml,json}", |path| {
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
    insta::glob!("../fixtures/valid", "warn_*.yaml", |path| {
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
