//! What a user of gcore-iam sees: a crate outside this workspace depends on gcore-iam by
//! path and calls a deprecated v1 method. The compiler's message, note included, is pinned
//! in tests/consumer/expected.stderr (`--message-format short`, paths relative).

#[test]
fn calling_a_v1_token_method_warns_at_compile_time_with_removal_date_and_replacement() {
    let root = gcore_iam_tests::workspace_root();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("consumer-crate");
    let _ = std::fs::remove_dir_all(dir.join("src"));
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\ngcore-iam = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\n[workspace]\n\n[profile.dev]\ndebug = false\n",
            root.join("gcore-iam").display().to_string()
        ),
    )
    .unwrap();
    std::fs::copy(root.join("tests/consumer/main.rs"), dir.join("src/main.rs")).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    // The target directory of the fixture crates: the same dependencies, built once.
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates/target");
    let out = xtask::build::cargo(&dir)
        .args(["check", "--quiet", "--message-format", "short"])
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the deprecated call compiled under #![deny(deprecated)]"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let seen: String = stderr
        .lines()
        .filter(|l| l.starts_with("src/") || l.starts_with("error"))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected_path = root.join("tests/consumer/expected.stderr");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &seen).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert_eq!(
        seen, expected,
        "compiler output changed (UPDATE_EXPECT=1 to accept); full stderr:\n{stderr}"
    );
    assert!(
        seen.contains("2026-07-17") && seen.contains("Client::create_api_token_v2"),
        "{seen}"
    );
}
