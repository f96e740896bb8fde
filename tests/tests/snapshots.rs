//! Snapshots of the generated Rust for one small fixture spec per concern
//! (`tests/fixtures/valid/*`). Review changes with `cargo insta review`.

#[test]
fn generated_code_matches_snapshots() {
    insta::glob!("../fixtures/valid", "*.{yaml,json}", |path| {
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
