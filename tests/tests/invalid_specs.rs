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
