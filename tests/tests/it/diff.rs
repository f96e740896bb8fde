//! The API diff `cargo xtask regen` and `cargo xtask diff` print: one fixture pair per kind
//! of change (tests/fixtures/diff/<kind>/{old,new}.json), the report pinned, the
//! classification asserted; the summary checked against the code it describes; the
//! changelog entry regen writes.

use codegen::diff::{self, ApiSummary, Impact, TypeSummary};
use std::path::{Path, PathBuf};

fn summary(path: &Path) -> ApiSummary {
    let spec = codegen::load::load_file(path).unwrap_or_else(|d| panic!("{d}"));
    let (api, _) = codegen::lower::lower(&spec, &codegen::Settings::default())
        .unwrap_or_else(|d| panic!("{d}"));
    ApiSummary::from_api(&api)
}

fn fixtures() -> PathBuf {
    gcore_iam_tests::workspace_root().join("tests/fixtures/diff")
}

fn report(kind: &str) -> diff::Report {
    let dir = fixtures().join(kind);
    diff::diff(
        &summary(&dir.join("old.json")),
        &summary(&dir.join("new.json")),
    )
}

#[test]
fn each_kind_of_change_is_reported_and_classified() {
    // (kind, has a breaking change, phrases the report must contain)
    let cases: &[(&str, bool, &[&str])] = &[
        ("no_change", false, &["no API changes"]),
        (
            "operation_added",
            false,
            &["[additive] operation added: Client::get_users (GET /iam/users)"],
        ),
        (
            "operation_removed",
            true,
            &[
                "[breaking] operation removed: Client::get_user (GET /iam/users/{userId})\n1 changes",
            ],
        ),
        (
            "operation_prefix_changed",
            true,
            &[
                "[breaking] method names changed: the operationIds no longer all start with \"iam\", so it is no longer stripped from method names",
                "[breaking] operation renamed: Client::create_token -> Client::iam_create_token (operationId iamCreateToken)",
                "[breaking] operation renamed: Client::get_user -> Client::iam_get_user (operationId iamGetUser)",
                "[additive] operation added: Client::health_check (GET /health)",
            ],
        ),
        (
            "operation_endpoint_changed",
            false,
            &[
                "[additive] endpoint changed: Client::get_user now sends POST /iam/v2/users/{userId} (was GET /iam/users/{userId}); its Rust signature is unchanged",
            ],
        ),
        (
            "newly_deprecated",
            false,
            &[
                "[additive] operation newly deprecated: Client::create_token (POST /iam/v1/tokens), removal on 2026-07-17, use Client::create_token_v2",
            ],
        ),
        (
            "new_required_parameter",
            true,
            &[
                "[breaking] operation signature changed: Client::get_user(user_id: i64) -> Client::get_user(user_id: i64, client_id: i64)",
            ],
        ),
        (
            "parameters_reordered",
            true,
            &[
                "[breaking] operation signature changed: Client::get_user(user_id: i64, client_id: i64, role_id: i64) -> Client::get_user(user_id: i64, role_id: i64, client_id: i64); arguments reordered: they take the same types, so calls written for the old order still compile and are silently wrong (the value for `client_id` now goes to `role_id`, the value for `role_id` now goes to `client_id`)",
            ],
        ),
        (
            "new_optional_parameter",
            false,
            &["[additive] optional parameter added: Client::get_user .expand: bool"],
        ),
        (
            "response_field_added",
            false,
            &["[additive] field added: types::User.phone: Nullable<String>"],
        ),
        (
            "new_required_request_field",
            true,
            &[
                "[breaking] new required request field: types::NewToken.exp_date: Option<String> (NewToken::new takes it)",
            ],
        ),
        (
            "constructor_reordered_same_type",
            true,
            &[
                "[breaking] constructor arguments reordered: types::NewToken::new(name: impl Into<String>, description: impl Into<String>) -> types::NewToken::new(description: impl Into<String>, name: impl Into<String>); they take the same types, so calls written for the old order still compile and are silently wrong (the value for `name` now goes to `description`, the value for `description` now goes to `name`)",
            ],
        ),
        (
            "constructor_reordered",
            true,
            &[
                "[breaking] constructor arguments reordered: types::NewToken::new(name: impl Into<String>, expires_in: i64) -> types::NewToken::new(expires_in: i64, name: impl Into<String>); calls written for the old order stop compiling unless their values fit both types, like `None` or an integer literal (the value for `name` now goes to `expires_in`, the value for `expires_in` now goes to `name`)",
            ],
        ),
        (
            "request_field_became_optional",
            true,
            &[
                "[breaking] constructor removed: types::NewToken::new (NewToken has no required fields any more: use NewToken::default() and the with_* setters)",
                "[breaking] field changed: types::NewToken.name: String -> Option<String> (now optional; NewToken::new no longer takes it)",
                "[additive] types::NewToken now implements Default",
            ],
        ),
        (
            "default_lost",
            true,
            &[
                "[breaking] types::Problem no longer implements Default: it has required fields now (status)",
                "[additive] field added: types::Problem.status: i64",
            ],
        ),
        (
            "field_removed",
            true,
            &["[breaking] field removed: types::User.email"],
        ),
        (
            "field_type_changed",
            true,
            &["[breaking] field changed: types::Token.id: i64 -> String"],
        ),
        (
            "field_became_optional",
            true,
            &[
                "[breaking] field changed: types::Token.name: String -> Option<String> (now optional)\n",
            ],
        ),
        (
            "field_became_nullable",
            true,
            &[
                "[breaking] field changed: types::Token.name: String -> Option<String> (now nullable)\n",
            ],
        ),
        (
            "type_added",
            false,
            &["[additive] type added: types::Group (struct)"],
        ),
        (
            "type_removed",
            true,
            &["[breaking] type removed: types::Group (struct)"],
        ),
        (
            "type_kind_changed",
            true,
            &["[breaking] type changed kind: types::Problem is a string enum (was a struct)"],
        ),
        (
            "enum_value_added",
            false,
            &["[additive] new enum value: types::Role \"Purge and Prefetch only (API)\""],
        ),
        (
            "enum_value_removed",
            true,
            &[
                "[breaking] enum value removed: types::Role \"Administrators\" (Role::Administrators)",
            ],
        ),
        (
            "error_variant_added",
            false,
            &["[additive] new error variant: CreateTokenError::TooManyRequests"],
        ),
        (
            "return_type_changed",
            true,
            &["[breaking] return type changed: Client::get_user returns Token instead of User"],
        ),
        (
            "field_deprecated",
            false,
            &["[additive] field deprecated: types::User.email\n1 changes"],
        ),
        (
            "parameters_deprecated",
            false,
            &[
                "[additive] parameter deprecated: Client::get_user user_id (path)",
                "[additive] parameter deprecated: Client::get_user expand (query)",
                "[additive] parameter deprecated: Client::get_user x_trace_id (header)",
            ],
        ),
        (
            "enum_value_deprecated",
            false,
            &["[additive] enum value deprecated: types::Role \"Users\"\n1 changes"],
        ),
        (
            "type_deprecated",
            false,
            &[
                "[additive] type deprecated: types::Problem",
                "[additive] type deprecated: types::Role",
            ],
        ),
        (
            "deprecations_removed",
            false,
            &[
                "[additive] parameter no longer deprecated: Client::get_user expand (query)",
                "[additive] type no longer deprecated: types::Problem",
                "[additive] enum value no longer deprecated: types::Role \"Users\"",
                "[additive] field no longer deprecated: types::User.email",
            ],
        ),
    ];
    let mut kinds: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    kinds.sort();
    let mut covered: Vec<String> = cases.iter().map(|c| c.0.to_string()).collect();
    covered.sort();
    assert_eq!(kinds, covered, "every fixture pair has a case");
    for (kind, breaking, phrases) in cases {
        let r = report(kind);
        let text = r.render("0.1.0");
        assert_eq!(r.has_breaking(), *breaking, "{kind}:\n{text}");
        for phrase in *phrases {
            assert!(text.contains(phrase), "{kind}: {phrase:?} not in\n{text}");
        }
        if *breaking {
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

/// A Rust type or parameter list without paths (`crate::`, `super::types::`, `chrono::`)
/// and without spaces, so that the summary's spelling and the generated code's compare.
fn normalize(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_alphabetic() || c == '_' {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '#'))
                .unwrap_or(rest.len());
            let (word, after) = rest.split_at(len);
            match after.strip_prefix("::") {
                // A module in a path.
                Some(after_path) if word.starts_with(|c: char| c.is_ascii_lowercase()) => {
                    rest = after_path;
                }
                _ => {
                    out.push_str(word.trim_start_matches("r#"));
                    rest = after;
                }
            }
        } else {
            if !c.is_whitespace() {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The parameters between the parentheses that open at the start of `text`, split at
/// top-level commas, `&self` left out.
fn params(text: &str) -> Vec<String> {
    let mut depth = 0i32;
    let mut current = String::new();
    let mut out = Vec::new();
    for c in text.chars() {
        match c {
            '(' | '<' => {
                depth += 1;
                if depth == 1 && c == '(' {
                    continue;
                }
            }
            ')' | '>' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out.into_iter()
        .map(|p| normalize(&p))
        .filter(|p| !p.is_empty() && p != "&self")
        .collect()
}

/// The attributes (not the docs) right above `line_start` in `text`.
fn attributes_before(text: &str, item_start: usize) -> String {
    let mut attrs = Vec::new();
    for line in text[..item_start].lines().rev() {
        if line.starts_with('}') || line.starts_with("pub ") || line.starts_with("impl") {
            break;
        }
        if !line.trim_start().starts_with("///") {
            attrs.push(line);
        }
    }
    attrs.join("\n")
}

/// Whether the member of an item's `body` (a field or a variant) whose line starts with
/// `head` (indentation aside) carries `#[deprecated]`: the attributes between it and the
/// member before.
fn member_deprecated(body: &str, head: &str) -> bool {
    // raw identifiers (`r#type`) compare without their prefix
    let head = head.replace("r#", "");
    let lines: Vec<&str> = body.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| l.replace("r#", "").starts_with(&head))
        .unwrap_or_else(|| panic!("no member {head:?} in\n{body}"));
    lines[..at]
        .iter()
        .rev()
        .take_while(|l| !l.ends_with(',') && !l.ends_with('{'))
        .any(|l| l.starts_with("#[deprecated"))
}

/// The item that starts with `head` (a whole line) up to its closing `}` at column 0.
fn item<'t>(text: &'t str, head: &str) -> Option<(usize, &'t str)> {
    let start = text.find(&format!("\n{head}\n"))? + 1;
    let end = text[start..]
        .find("\n}\n")
        .map_or(text.len(), |e| start + e + 2);
    Some((start, &text[start..end]))
}

/// Everything the summary says about `generated` is what its code declares: each
/// struct's fields, `Default`, `#[non_exhaustive]` and `new` (parameter names, types and
/// order), each string enum's variants, each method's arguments.
fn assert_summary_describes(generated: &codegen::Generated, what: &str) {
    let summary = ApiSummary::from_api(&generated.api);
    let file = |name: &str| {
        generated
            .files
            .iter()
            .filter(|f| f.path == name)
            .map(|f| f.contents.as_str())
            .next()
            .unwrap_or_else(|| panic!("{what}: no {name}"))
    };
    let types = file("types.rs");
    let operations = file("operations.rs");
    for (name, t) in &summary.types {
        match t {
            TypeSummary::Struct {
                non_exhaustive,
                default,
                constructor,
                fields,
                additional,
                ..
            } => {
                let (start, body) = item(types, &format!("pub struct {name} {{"))
                    .unwrap_or_else(|| panic!("{what}: no struct {name}"));
                let attrs = attributes_before(types, start);
                assert_eq!(
                    attrs.contains("#[non_exhaustive]"),
                    *non_exhaustive,
                    "{what}: {name}: {attrs}"
                );
                assert_eq!(
                    attrs.contains("Default"),
                    *default,
                    "{what}: {name}: {attrs}"
                );
                assert_eq!(
                    attrs.contains("#[deprecated"),
                    t.deprecated(),
                    "{what}: {name}: {attrs}"
                );
                for f in fields.values() {
                    assert_eq!(
                        member_deprecated(body, &format!("pub {}:", f.rust_name)),
                        f.deprecated,
                        "{what}: {name}.{}",
                        f.rust_name
                    );
                }
                let mut declared: Vec<String> = body
                    .lines()
                    .filter_map(|l| l.strip_prefix("    pub "))
                    .map(|l| normalize(l.trim_end_matches(',')))
                    .collect();
                declared.sort();
                let mut summarised: Vec<String> = fields
                    .values()
                    .map(|f| normalize(&format!("{}: {}", f.rust_name, f.ty)))
                    .chain(additional.iter().map(|a| normalize(a)))
                    .collect();
                summarised.sort();
                assert_eq!(summarised, declared, "{what}: fields of {name}");
                let declared_new = types
                    .match_indices(&format!("\nimpl {name} {{\n"))
                    .find_map(|(at, _)| {
                        let block = &types[at..];
                        let block = &block[..block.find("\n}\n").unwrap_or(block.len())];
                        block
                            .find("pub fn new(")
                            .map(|i| params(&block[i + "pub fn new".len()..]))
                    });
                let summarised_new = constructor.as_ref().map(|args| {
                    args.iter()
                        .map(|a| normalize(&a.to_string()))
                        .collect::<Vec<_>>()
                });
                assert_eq!(summarised_new, declared_new, "{what}: {name}::new");
            }
            TypeSummary::Enum {
                non_exhaustive,
                values,
                variants,
                deprecated_values,
                ..
            } => {
                let (start, body) = item(types, &format!("pub enum {name} {{"))
                    .unwrap_or_else(|| panic!("{what}: no enum {name}"));
                let attrs = attributes_before(types, start);
                assert_eq!(
                    attrs.contains("#[non_exhaustive]"),
                    *non_exhaustive,
                    "{what}: {name}"
                );
                assert_eq!(
                    attrs.contains("#[deprecated"),
                    t.deprecated(),
                    "{what}: {name}: {attrs}"
                );
                for (value, variant) in values.iter().zip(variants) {
                    assert_eq!(
                        member_deprecated(body, &format!("{variant},")),
                        deprecated_values.contains(value),
                        "{what}: {name}::{variant}"
                    );
                }
                let declared: Vec<&str> = body
                    .lines()
                    .skip(1)
                    .map(str::trim)
                    .filter(|l| !l.starts_with("///") && !l.starts_with("#[") && l.ends_with(','))
                    .map(|l| l.trim_end_matches(','))
                    .filter(|l| !l.contains('('))
                    .map(|l| l.trim_start_matches("r#"))
                    .collect();
                assert_eq!(
                    variants
                        .iter()
                        .map(|v| v.trim_start_matches("r#"))
                        .collect::<Vec<_>>(),
                    declared,
                    "{what}: variants of {name}"
                );
            }
            TypeSummary::OneOf { non_exhaustive, .. } => {
                let (start, _) = item(types, &format!("pub enum {name} {{"))
                    .unwrap_or_else(|| panic!("{what}: no enum {name}"));
                let attrs = attributes_before(types, start);
                assert_eq!(
                    attrs.contains("#[non_exhaustive]"),
                    *non_exhaustive,
                    "{what}: {name}"
                );
                assert_eq!(
                    attrs.contains("#[deprecated"),
                    t.deprecated(),
                    "{what}: {name}: {attrs}"
                );
            }
            TypeSummary::Alias { .. } => {
                let start = types
                    .find(&format!("\npub type {name} ="))
                    .unwrap_or_else(|| panic!("{what}: no alias {name}"))
                    + 1;
                let attrs = attributes_before(types, start);
                assert_eq!(
                    attrs.contains("#[deprecated"),
                    t.deprecated(),
                    "{what}: {name}: {attrs}"
                );
            }
        }
    }
    for (method, op) in &summary.operations {
        let at = operations
            .find(&format!("pub fn {method}(&self"))
            .or_else(|| operations.find(&format!("pub fn {method}(\n")))
            .unwrap_or_else(|| panic!("{what}: no method {method}"));
        let declared = params(&operations[at + "pub fn ".len() + method.len()..]);
        let summarised: Vec<String> = op
            .arguments
            .iter()
            .map(|a| normalize(&a.to_string()))
            .collect();
        assert_eq!(
            summarised, declared,
            "{what}: arguments of Client::{method}"
        );
    }
}

#[test]
fn summary_describes_the_generated_code() {
    let root = gcore_iam_tests::workspace_root();
    let iam = xtask::project::generate_iam(&root).unwrap_or_else(|d| panic!("{d}"));
    assert_summary_describes(&iam, xtask::project::SPEC_PATH);
    let mut specs: Vec<PathBuf> = Vec::new();
    for kind in std::fs::read_dir(fixtures()).unwrap() {
        let dir = kind.unwrap().path();
        specs.extend(["old.json", "new.json"].map(|side| dir.join(side)));
    }
    // The generator's own fixtures: recursion (`Box`), `additionalProperties`, keywords.
    for spec in std::fs::read_dir(root.join("tests/fixtures/valid")).unwrap() {
        specs.push(spec.unwrap().path());
    }
    specs.sort();
    for path in specs {
        let generated = gcore_iam_tests::generate_fixture(&path).unwrap_or_else(|d| panic!("{d}"));
        assert_summary_describes(&generated, &path.display().to_string());
    }
}

const CHANGELOG: &str = "# Changelog\n\nAn introduction that stays\nbefore every entry.\n\n## 0.1.0\n\n- First release.\n";

/// The entry goes after the introduction; a second one joins the same "Unreleased"
/// section, whose suggested bump then covers both.
#[test]
fn changelog_entries_follow_the_introduction_and_share_one_unreleased_section() {
    let first =
        xtask::project::changelog_with(CHANGELOG, &report("enum_value_added"), "1.1", "0.1.0");
    assert_eq!(
        first,
        "# Changelog\n\nAn introduction that stays\nbefore every entry.\n\n\
         ## Unreleased — spec 1.1\n\n\
         - [additive] new enum value: types::Role \"Purge and Prefetch only (API)\"\n\n\
         Suggested version bump: patch (0.x: additions bump the patch version).\n\n\
         ## 0.1.0\n\n- First release.\n"
    );
    let second = xtask::project::changelog_with(&first, &report("field_removed"), "1.2", "0.1.0");
    assert_eq!(
        second,
        "# Changelog\n\nAn introduction that stays\nbefore every entry.\n\n\
         ## Unreleased — spec 1.2\n\n\
         - [additive] new enum value: types::Role \"Purge and Prefetch only (API)\"\n\
         - [breaking] field removed: types::User.email (email)\n\n\
         Suggested version bump: minor (0.x: a breaking change bumps the minor version).\n\n\
         ## 0.1.0\n\n- First release.\n"
    );
    // Text someone wrote into the section stays; a missing bump line is added.
    let edited = "# Changelog\n\n## Unreleased\n\nNotes by hand.\n\n- [breaking] by hand\n  continued\n\n## 0.1.0\n";
    assert_eq!(
        xtask::project::changelog_with(edited, &report("type_added"), "1.1", "1.0.0"),
        "# Changelog\n\n## Unreleased — spec 1.1\n\nNotes by hand.\n\n- [breaking] by hand\n  continued\n\
         - [additive] type added: types::Group (struct)\n\nSuggested version bump: major.\n\n## 0.1.0\n"
    );
    // No changelog yet, or one without sections.
    assert_eq!(
        xtask::project::changelog_with("", &report("type_added"), "1.1", "1.0.0"),
        "# Changelog\n\n## Unreleased — spec 1.1\n\n- [additive] type added: types::Group (struct)\n\nSuggested version bump: minor.\n"
    );
}

/// regen on a copy of the repository: each changed spec prints the classified changes and
/// adds them to the one "Unreleased" section of the changelog, after its introduction; a
/// run without changes prints "no API changes" and leaves the changelog byte for byte.
#[test]
fn regen_reports_changes_once_and_only_then_touches_the_changelog() {
    let root = gcore_iam_tests::workspace_root();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("regen-copy");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("spec")).unwrap();
    std::fs::create_dir_all(tmp.join("gcore-iam/src/generated")).unwrap();
    for f in [
        "spec/iam_api.yaml",
        "gcore-iam/Cargo.toml",
        xtask::project::SETTINGS_PATH,
        xtask::project::SUMMARY_PATH,
    ] {
        std::fs::copy(root.join(f), tmp.join(f)).unwrap();
    }
    let changelog_path = tmp.join(xtask::project::CHANGELOG_PATH);
    std::fs::write(&changelog_path, CHANGELOG).unwrap();
    let (intro, releases) = CHANGELOG.split_at(CHANGELOG.find("## 0.1.0").unwrap());

    let first = xtask::project::regen(&tmp).unwrap();
    assert_eq!(first.rendered, "no API changes\n");
    assert!(!first.changelog_updated);
    assert_eq!(std::fs::read_to_string(&changelog_path).unwrap(), CHANGELOG);

    // Gcore adds a role and a field to the token response. The parsed document is edited,
    // not the text: Gcore publishes the file in block or flow style.
    let spec_path = tmp.join("spec/iam_api.yaml");
    let mut spec: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&spec_path).unwrap()).unwrap();
    let roles = spec
        .pointer_mut("/components/schemas/Group/properties/name/enum")
        .and_then(serde_json::Value::as_array_mut)
        .expect("Group.name is an enum");
    roles.push(serde_json::json!("Billing"));
    spec.pointer_mut("/components/schemas/TokenResponse/allOf")
        .and_then(serde_json::Value::as_array_mut)
        .expect("TokenResponse is an allOf")
        .insert(
            0,
            serde_json::json!({"type": "object", "properties": {"scopes": {"type": "array", "items": {"type": "string"}}}}),
        );
    std::fs::write(&spec_path, serde_yaml::to_string(&spec).unwrap()).unwrap();
    let second = xtask::project::regen(&tmp).unwrap();
    for line in [
        "[additive] new enum value: types::GroupName \"Billing\"",
        "[additive] field added: types::TokenResponse.scopes: Option<Vec<String>>",
    ] {
        assert!(second.rendered.contains(line), "{}", second.rendered);
    }
    assert!(second.changelog_updated);

    // Then it removes the role again.
    spec.pointer_mut("/components/schemas/Group/properties/name/enum")
        .and_then(serde_json::Value::as_array_mut)
        .unwrap()
        .retain(|v| v != "Billing");
    std::fs::write(&spec_path, serde_yaml::to_string(&spec).unwrap()).unwrap();
    let third = xtask::project::regen(&tmp).unwrap();
    assert!(
        third
            .rendered
            .contains("[breaking] enum value removed: types::GroupName \"Billing\""),
        "{}",
        third.rendered
    );
    assert!(third.changelog_updated);

    let changelog = std::fs::read_to_string(&changelog_path).unwrap();
    assert!(
        changelog.starts_with(intro),
        "introduction first:\n{changelog}"
    );
    assert!(
        changelog.ends_with(releases),
        "older entries kept:\n{changelog}"
    );
    assert_eq!(changelog.matches("## Unreleased").count(), 1, "{changelog}");
    let unreleased = &changelog[intro.len()..changelog.len() - releases.len()];
    assert!(
        unreleased.starts_with("## Unreleased — spec "),
        "{unreleased}"
    );
    let entries: Vec<&str> = unreleased.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(
        entries,
        [
            "- [additive] field added: types::CreateTokenResponse.scopes: Option<Vec<String>>",
            "- [additive] field added: types::CreateTokenResponseV2.scopes: Option<Vec<String>>",
            "- [additive] new enum value: types::GroupName \"Billing\"",
            "- [additive] field added: types::TokenResponse.scopes: Option<Vec<String>>",
            "- [breaking] enum value removed: types::GroupName \"Billing\" (GroupName::Billing)",
        ],
        "{unreleased}"
    );
    assert_eq!(
        unreleased.matches("Suggested version bump").count(),
        1,
        "{unreleased}"
    );
    assert!(
        unreleased.contains(
            "Suggested version bump: minor (0.x: a breaking change bumps the minor version)."
        ),
        "{unreleased}"
    );

    let summary = std::fs::read_to_string(tmp.join(xtask::project::SUMMARY_PATH)).unwrap();
    let fourth = xtask::project::regen(&tmp).unwrap();
    assert_eq!(fourth.rendered, "no API changes\n");
    assert!(!fourth.changelog_updated);
    assert_eq!(std::fs::read_to_string(&changelog_path).unwrap(), changelog);
    assert_eq!(
        std::fs::read_to_string(tmp.join(xtask::project::SUMMARY_PATH)).unwrap(),
        summary
    );
}
