//! Test support for gcore-iam: generating fixture specs, scripted and Prism servers. The
//! stateful fake of Gcore's IAM API is a crate of its own, `gcore-iam-fake`, for users too.

pub mod prism_proxy;
pub mod prism_server;
pub mod scripted;

use codegen::diagnostics::Diagnostics;
use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    xtask::project::workspace_root()
}

/// Generates a fixture spec with default settings. Headers name the fixture by its path
/// relative to the workspace, so output does not depend on where the checkout lives.
pub fn generate_fixture(path: &Path) -> Result<codegen::Generated, Diagnostics> {
    generate_fixture_with(path, &codegen::Settings::default())
}

/// [`generate_fixture`] with the given settings.
pub fn generate_fixture_with(
    path: &Path,
    settings: &codegen::Settings,
) -> Result<codegen::Generated, Diagnostics> {
    let root = workspace_root();
    let shown = path
        .strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string();
    let spec = codegen::load::load_file_as(path, &shown)?;
    codegen::generate(
        &spec,
        settings,
        &codegen::Provenance {
            command: "cargo test -p gcore-iam-tests".to_string(),
            spec_path: shown,
        },
    )
}

/// One text with every generated file of a fixture and its warnings, for snapshots.
pub fn render(generated: &codegen::Generated) -> String {
    let mut out = String::new();
    for w in generated.warnings.warnings() {
        out.push_str(&format!("// {w}\n"));
    }
    for f in &generated.files {
        if f.path == "api.rs" {
            continue;
        }
        out.push_str(&format!("// ===== {} =====\n", f.path));
        // the header line carries the sha256 of the fixture; keep it out of the snapshot
        out.push_str(
            f.contents
                .split_once('\n')
                .map(|(_, rest)| rest)
                .unwrap_or(&f.contents),
        );
    }
    out
}

/// A client for a local test server with `key`, retrying without waiting long (1–5 ms
/// backoff); tests finish it with `.build()` or set more first.
pub fn fast_retrying_client(key: &str, base_url: &str) -> gcore_iam::ClientBuilder {
    gcore_iam::Client::builder(key)
        .base_url(base_url)
        .retry_policy(gcore_iam::RetryPolicy {
            base_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(5),
            ..gcore_iam::RetryPolicy::default()
        })
}

/// `cargo run --example <example>` of gcore-iam, as a user runs it, with `GCORE_API_KEY`
/// and `GCORE_BASE_URL` set and warnings denied. `target` is the target directory: not
/// the one the running `cargo test` holds.
pub fn run_example(
    example: &str,
    key: &str,
    base_url: &str,
    target: &Path,
) -> std::process::Output {
    xtask::build::cargo(&workspace_root())
        .args(["run", "--quiet", "-p", "gcore-iam", "--example", example])
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", target)
        .env("GCORE_API_KEY", key)
        .env("GCORE_BASE_URL", base_url)
        .output()
        .unwrap()
}

/// The variant title of `tests/fixtures/settings/content_rule.yaml` that
/// `tests/fixtures/settings/features_per_tag.yaml`, generated with a cargo feature per tag.
pub const FEATURES_FIXTURE: &str = "tests/fixtures/settings/features_per_tag.yaml";

/// The settings [`FEATURES_FIXTURE`] is generated with.
pub fn features_per_tag_settings() -> codegen::Settings {
    codegen::Settings {
        features_per_tag: true,
        ..codegen::Settings::default()
    }
}

/// [`content_rule_settings`] renames `RoleTooHigh`.
pub const ROLE_TOO_HIGH_TITLE: &str = "You can't create an API token with the specified role.";

/// Settings built in code for `tests/fixtures/settings/content_rule.yaml` (Gcore's
/// `CreateTokenError`): a content rule telling its two variants apart by message, and one
/// variant renamed.
pub fn content_rule_settings() -> codegen::Settings {
    let mut settings = codegen::Settings::default();
    settings.content_rules.insert(
        "CreateTokenError".to_string(),
        codegen::settings::ContentRule {
            pointer: "/errors/client_user/role".to_string(),
            prefixes: vec![
                ("Invalid role".to_string(), "Invalid role".to_string()),
                (
                    ROLE_TOO_HIGH_TITLE.to_string(),
                    "Can't create token with role".to_string(),
                ),
            ],
        },
    );
    settings
        .variant_names
        .insert(ROLE_TOO_HIGH_TITLE.to_string(), "RoleTooHigh".to_string());
    settings
}

/// The API key the tests against scripted servers use: a well-formed v2 key whose secret
/// part (`a1b2c3d4...`) the redaction tests look for in every output.
pub const KEY: &str = "42_a1b2c3d4e5f6a7b8";

/// A client with [`KEY`] for a scripted server, retrying without waiting long.
pub fn client(server: &scripted::ScriptedServer) -> gcore_iam::Client {
    fast_retrying_client(KEY, &server.base_url())
        .build()
        .unwrap()
}

/// `GET /iam/clients/me` as Gcore answers it, with `company` as `companyName`.
pub fn account_with_company(company: &str) -> serde_json::Value {
    serde_json::json!({"id": 7350925, "email": "ops@example.com", "name": null, "status": "active", "companyName": company,
           "deleted": false, "is_test": false, "has_active_admin": true, "currentUser": 1, "capabilities": ["CDN"],
           "serviceStatuses": {}, "paidFeatures": {}, "freeFeatures": {}, "entryBaseDomain": null, "bill_type": "postpay"})
}

/// [`account_with_company`] of "Example".
pub fn account() -> serde_json::Value {
    account_with_company("Example")
}

/// A request for a token called "CI deploy" with the role `role_id`, never expiring.
pub fn new_token(role_id: i64) -> gcore_iam::types::Token2 {
    use gcore_iam::types::{Group, Token2, Token2ClientUser};
    Token2::new(
        "CI deploy",
        None,
        Token2ClientUser::default().with_role(Group::default().with_id(role_id)),
    )
}

/// A created token `id` as Gcore answers it (an Engineers token "CI deploy"), with its
/// value when `token` is given.
pub fn token_response(id: i64, token: Option<&str>) -> serde_json::Value {
    let mut v = serde_json::json!({"id": id, "name": "CI deploy", "exp_date": null, "deleted": false, "expired": false,
        "created": "2026-11-24T10:00:00Z", "last_usage": "2026-11-24T10:00:00Z",
        "client_user": {"deleted": false, "user_id": 1, "user_name": "Ops", "user_email": "ops@example.com", "client_id": 7350925,
                        "role": {"id": 5, "name": "Engineers"}}});
    if let Some(t) = token {
        v["token"] = serde_json::json!(t);
    }
    v
}
