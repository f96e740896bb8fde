//! The API diff `cargo xtask regen` and `cargo xtask diff` print: one fixture pair per kind
//! of change (tests/fixtures/diff/<kind>/{old,new}.json), the report pinned, the
//! classification asserted.

use codegen::diff::{self, ApiSummary, Impact};
use std::path::Path;

fn summary(path: &Path) -> ApiSummary {
    let spec = codegen::load::load_file(path).unwrap_or_else(|d| panic!("{d}"));
    let (api, _) = codegen::lower::lower(&spec, &codegen::Settings::default())
        .unwrap_or_else(|d| panic!("{d}"));
    ApiSummary::from_api(&api)
}

fn report(kind: &str) -> diff::Report {
    let dir = gcore_iam_tests::workspace_root()
        .join("tests/fixtures/diff")
        .join(kind);
    diff::diff(
        &summary(&dir.join("old.json")),
        &summary(&dir.join("new.json")),
    )
}

#[test]
fn each_kind_of_change_is_reported_and_classified() {
    // (kind, has a breaking change, a phrase the report must contain)
    let cases = [
        ("no_change", false, "no API changes"),
        (
            "operation_added",
            false,
            "[additive] operation added: Client::get_users (GET /iam/users)",
        ),
        (
            "operation_removed",
            true,
            "[breaking] operation removed: Client::get_user (GET /iam/users/{userId})",
        ),
        (
            "newly_deprecated",
            false,
            "[additive] operation newly deprecated: Client::create_token (POST /iam/v1/tokens), removal on 2026-07-17, use Client::create_token_v2",
        ),
        (
            "new_required_parameter",
            true,
            "[breaking] operation signature changed: Client::get_user(user_id: i64) -> Client::get_user(user_id: i64, client_id: i64)",
        ),
        (
            "new_optional_parameter",
            false,
            "[additive] optional parameter added: Client::get_user .expand: bool",
        ),
        (
            "response_field_added",
            false,
            "[additive] field added: types::User.phone: Nullable<String>",
        ),
        (
            "new_required_request_field",
            true,
            "[breaking] new required request field: types::NewToken.exp_date: Option<String>",
        ),
        (
            "field_removed",
            true,
            "[breaking] field removed: types::User.email",
        ),
        (
            "field_type_changed",
            true,
            "[breaking] field changed: types::Token.id: i64 -> String",
        ),
        (
            "enum_value_added",
            false,
            "[additive] new enum value: types::Role \"Purge and Prefetch only (API)\"",
        ),
        (
            "error_variant_added",
            false,
            "[additive] new error variant: CreateTokenError::TooManyRequests",
        ),
        (
            "return_type_changed",
            true,
            "[breaking] return type changed: Client::get_user returns Token instead of User",
        ),
    ];
    let root = gcore_iam_tests::workspace_root().join("tests/fixtures/diff");
    let mut kinds: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    kinds.sort();
    let mut covered: Vec<String> = cases.iter().map(|c| c.0.to_string()).collect();
    covered.sort();
    assert_eq!(kinds, covered, "every fixture pair has a case");
    for (kind, breaking, phrase) in cases {
        let r = report(kind);
        let text = r.render("0.1.0");
        assert_eq!(r.has_breaking(), breaking, "{kind}:\n{text}");
        assert!(text.contains(phrase), "{kind}: {phrase:?} not in\n{text}");
        if breaking {
            assert!(
                text.contains("suggested version bump: minor (0.x"),
                "{kind}:\n{text}"
            );
            assert_eq!(
                r.changes[0].impact,
                Impact::Breaking,
                "breaking changes come first"
            );
        }
        insta::assert_snapshot!(format!("diff_{kind}"), text);
    }
    assert_eq!(report("enum_value_added").suggested_bump("1.2.0"), "minor");
    assert_eq!(report("field_removed").suggested_bump("1.2.0"), "major");
}

/// regen on a copy of the repository: a changed spec prints the classified changes and
/// adds a changelog entry; running it again prints "no API changes" and leaves the
/// changelog alone.
#[test]
fn regen_reports_changes_once_and_only_then_touches_the_changelog() {
    let root = gcore_iam_tests::workspace_root();
    let tmp = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("regen-copy");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("spec")).unwrap();
    std::fs::create_dir_all(tmp.join("gcore-iam/src/generated")).unwrap();
    for f in [
        "spec/iam_api.yaml",
        "gcore-iam/Cargo.toml",
        codegen::project::SUMMARY_PATH,
    ] {
        std::fs::copy(root.join(f), tmp.join(f)).unwrap();
    }
    std::fs::write(
        tmp.join(codegen::project::CHANGELOG_PATH),
        "# Changelog\n\n## 0.1.0\n\n- First release.\n",
    )
    .unwrap();

    let first = codegen::project::regen(&tmp).unwrap();
    assert_eq!(first.rendered, "no API changes\n");
    assert!(!first.changelog_updated);

    // Gcore adds a role and a field to the token response.
    let spec = std::fs::read_to_string(tmp.join("spec/iam_api.yaml")).unwrap();
    let spec = spec
        .replace("            - Purge and Prefetch only (API+Web)\n", "            - Purge and Prefetch only (API+Web)\n            - Billing\n")
        .replace("    TokenResponse:\n      allOf:", "    TokenResponse:\n      allOf:\n        - type: object\n          properties:\n            scopes: {type: array, items: {type: string}}");
    std::fs::write(tmp.join("spec/iam_api.yaml"), spec).unwrap();
    let second = codegen::project::regen(&tmp).unwrap();
    assert!(
        second
            .rendered
            .contains("[additive] new enum value: types::GroupName \"Billing\""),
        "{}",
        second.rendered
    );
    assert!(
        second
            .rendered
            .contains("[additive] field added: types::TokenResponse.scopes: Option<Vec<String>>"),
        "{}",
        second.rendered
    );
    assert!(second.changelog_updated);
    let changelog = std::fs::read_to_string(tmp.join(codegen::project::CHANGELOG_PATH)).unwrap();
    assert!(
        changelog.starts_with("# Changelog\n\n## Unreleased — spec "),
        "{changelog}"
    );
    assert!(
        changelog.contains("- [additive] new enum value: types::GroupName \"Billing\""),
        "{changelog}"
    );
    assert!(
        changelog.contains("## 0.1.0"),
        "older entries kept: {changelog}"
    );

    let third = codegen::project::regen(&tmp).unwrap();
    assert_eq!(third.rendered, "no API changes\n");
    assert!(!third.changelog_updated);
    assert_eq!(
        std::fs::read_to_string(tmp.join(codegen::project::CHANGELOG_PATH)).unwrap(),
        changelog
    );
}
