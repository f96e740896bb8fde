//! Contract tests: every documented status of every operation of the generated client
//! against Prism, which serves spec/iam_api.yaml on 127.0.0.1 and validates each request
//! and its own response against it.
//!
//! Each row of the table asks Prism for one status (`Prefer: code=NNN`, and
//! `example=NAME` where the status has several examples) and asserts the typed result:
//! `Ok` for a success status, for an error status `Error` with that status and the
//! operation's documented error body (e.g. `CreateApiTokenV2Error::BadRequest(
//! CreateTokenError::RoleTooHigh(_))`). A recording proxy between the client and Prism
//! reads Prism's `sl-violations` header on every call: no request may violate the
//! description (query strings, path encoding, content types, `exp_date: null`).
//!
//! Two Prism instances:
//! - strict: `--errors`, the description as it is. Any violation, in the request or in
//!   Prism's own example response, fails the row.
//! - lenient: without `--errors`, for the statuses listed in [`AMBIGUOUS_IN_THE_SPEC`],
//!   whose documented body is a `oneOf` whose branches Prism's validator cannot tell apart
//!   (it reports "must match exactly one schema in oneOf" for the description's own
//!   examples, and with `--errors` would answer 500 instead of the example). It serves the
//!   description plus, for such `oneOf`s, the examples of the branches as named media-type
//!   examples (nothing else changes: checked), so `Prefer: example=NAME` reaches each one.
//!   Those rows may carry that one response violation and no other.
//!
//! Prism is installed by scripts/install-prism.sh (pinned by a lockfile); when it cannot be
//! installed or started, the tests fail with its log and how to install it.

#![allow(deprecated)] // the v1 token endpoints are part of the contract too

use gcore_iam::operations::{self as ops, GetApiTokens, OPERATIONS};
use gcore_iam::types::*;
use gcore_iam::{Client, Error};
use gcore_iam_tests::prism_proxy::{Exchange, RecordingProxy};
use gcore_iam_tests::prism_server::{self, PrismOptions, PrismServer};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

const SPEC: &str = "spec/iam_api.yaml";
const KEY: &str = "42_a1b2c3d4e5f6";

/// Statuses whose documented body is a `oneOf` with branches of one shape: Prism flags its
/// own example as matching several branches (the reason the generator decodes
/// `CreateTokenError` by its message and the others to `Other`). Served by the lenient
/// Prism; the test fails if one of them stops being flagged, so the list stays exact.
const AMBIGUOUS_IN_THE_SPEC: &[(&str, u16)] = &[
    ("iamLoginUser", 400),
    ("iamGetLastLoginTime", 400),
    ("iamUpdateUserEmail", 400),
    ("iamRevokeClientUserAccess", 403),
    ("iamCreateApiToken", 400),
    ("iamCreateApiTokenV2", 400),
];

fn tmp_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("prism")
}

fn load_spec() -> Value {
    let path = gcore_iam_tests::workspace_root().join(SPEC);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------
// The description: operations, statuses, and the named examples of ambiguous oneOfs

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `$ref`s inside the document, followed to the end.
fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with("#/") => {
                v = doc
                    .pointer(&r[1..])
                    .unwrap_or_else(|| panic!("dangling $ref {r}"));
            }
            _ => break,
        }
    }
    v
}

fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// One documented response: operation, status and the JSON pointer of the response object
/// that holds its content (the target of a `$ref`, if it is one).
struct SpecResponse {
    operation_id: String,
    status: u16,
    pointer: String,
}

fn spec_responses(doc: &Value) -> Vec<SpecResponse> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().expect("operationId").to_string();
            for (status, response) in op["responses"].as_object().expect("responses") {
                let pointer = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => r[1..].to_string(),
                    None => format!(
                        "/paths/{}/{method}/responses/{status}",
                        escape_pointer(path)
                    ),
                };
                out.push(SpecResponse {
                    operation_id: id.clone(),
                    status: status
                        .parse()
                        .unwrap_or_else(|_| panic!("{id}: status {status}")),
                    pointer,
                });
            }
        }
    }
    out
}

/// `Invalid role` → `InvalidRole`; `You can't …` → `YouCant…`.
fn example_name(title: &str) -> String {
    title
        .replace('\'', "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().unwrap().to_ascii_uppercase();
            std::iter::once(first).chain(cs).collect::<String>()
        })
        .collect()
}

/// The example a `oneOf` branch carries (on itself or on a part of its `allOf`), named
/// after the schema it refers to or its title.
fn branch_example(doc: &Value, branch: &Value) -> Option<(String, Value)> {
    let ref_name = branch
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map(str::to_string);
    let b = resolve(doc, branch);
    let parts: Vec<&Value> = b
        .get("allOf")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().map(|p| resolve(doc, p)).collect())
        .unwrap_or_default();
    let example = b
        .get("example")
        .or_else(|| parts.iter().find_map(|p| p.get("example")))?
        .clone();
    let name = ref_name.or_else(|| {
        b.get("title")
            .or_else(|| parts.iter().find_map(|p| p.get("title")))
            .and_then(Value::as_str)
            .map(example_name)
    })?;
    Some((name, example))
}

/// The description Prism serves leniently: for every JSON response whose schema is a
/// `oneOf` with at least two branches that carry an example, those examples become the
/// media type's named `examples`. Nothing else changes.
fn with_branch_examples(doc: &Value) -> Value {
    let mut out = doc.clone();
    for r in spec_responses(doc) {
        let media_pointer = format!("{}/content/application~1json", r.pointer);
        let Some(media) = doc.pointer(&media_pointer) else {
            continue;
        };
        if media.get("example").is_some() || media.get("examples").is_some() {
            continue;
        }
        let Some(schema) = media.get("schema") else {
            continue;
        };
        let Some(branches) = resolve(doc, schema).get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        let named: serde_json::Map<String, Value> = branches
            .iter()
            .filter_map(|b| branch_example(doc, b))
            .map(|(name, value)| (name, serde_json::json!({ "value": value })))
            .collect();
        if named.len() >= 2 {
            out.pointer_mut(&media_pointer).unwrap()["examples"] = Value::Object(named);
        }
    }
    out
}

/// The named examples of each (operation, status) in a served description.
fn named_examples(doc: &Value) -> BTreeMap<(String, u16), Vec<String>> {
    let mut out = BTreeMap::new();
    for r in spec_responses(doc) {
        let names: Vec<String> = doc
            .pointer(&format!("{}/content/application~1json/examples", r.pointer))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        if !names.is_empty() {
            out.insert((r.operation_id, r.status), names);
        }
    }
    out
}

/// Differences between two documents other than `examples` added to a media type.
fn differences_besides_added_examples(
    original: &Value,
    served: &Value,
    at: &str,
    out: &mut Vec<String>,
) {
    match (original, served) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                match b.get(k) {
                    Some(vb) => differences_besides_added_examples(
                        va,
                        vb,
                        &format!("{at}/{}", escape_pointer(k)),
                        out,
                    ),
                    None => out.push(format!("{at}/{k}: removed")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                let media_type = at.contains("/content/");
                if !(k == "examples" && media_type) {
                    out.push(format!("{at}/{k}: added"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                differences_besides_added_examples(va, vb, &format!("{at}/{i}"), out);
            }
        }
        (a, b) if a == b => {}
        _ => out.push(format!("{at}: changed")),
    }
}

// ---------------------------------------------------------------------------------------
// The table: one row per operation, status and named example

/// Whether the typed result is the expected one, the status the client reports (`None`
/// for `Ok`), and the result as text.
struct Outcome {
    expected: bool,
    client_status: Option<u16>,
    shown: String,
}

type Call = Box<dyn Fn(Client) -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync>;

struct Row {
    id: &'static str,
    status: u16,
    example: Option<&'static str>,
    call: Call,
}

impl Row {
    fn label(&self) -> String {
        match self.example {
            Some(e) => format!("{} {} ({e})", self.id, self.status),
            None => format!("{} {}", self.id, self.status),
        }
    }
}

/// `row!(operationId, status, [example = NAME,] |client| call => pattern)`: the pattern is
/// matched against `&Result<T, Error<E>>`; `=> body pattern` matches the typed body of an
/// HTTP error, `Option<&E>`.
macro_rules! row {
    ($id:literal, $status:literal, $(example = $example:literal,)? |$c:ident| $call:expr => body $($body:tt)+) => {
        row!($id, $status, $(example = $example,)? |$c| $call => Err(e) if matches!(e.body(), $($body)+))
    };
    ($id:literal, $status:literal, $(example = $example:literal,)? |$c:ident| $call:expr => $($expect:tt)+) => {
        Row {
            id: $id,
            status: $status,
            example: None $(.or(Some($example)))?,
            call: Box::new(
                |$c: Client| -> Pin<Box<dyn Future<Output = Outcome> + Send>> {
                    Box::pin(async move {
                        let result = $call.await;
                        Outcome {
                            expected: matches!(&result, $($expect)+),
                            client_status: match &result {
                                Ok(_) => None,
                                Err(e) => e.status(),
                            },
                            shown: format!("{result:?}"),
                        }
                    })
                },
            ),
        }
    };
}

/// A 404 of a deprecated operation whose removal date has passed is reported as
/// [`Error::Removed`]; before that date as the documented `NotFound`.
fn not_found_or_removed<E>(e: &Error<E>, operation_id: &str, documented_not_found: bool) -> bool {
    if past_removal(operation_id) {
        matches!(e, Error::Removed { status: 404, .. })
    } else {
        documented_not_found
    }
}

fn past_removal(operation_id: &str) -> bool {
    let date = OPERATIONS
        .iter()
        .find(|o| o.operation_id == operation_id)
        .and_then(|o| o.deprecation)
        .and_then(|d| d.removal_date);
    match date {
        Some(d) => {
            let removal = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
            chrono::Utc::now().date_naive() >= removal
        }
        None => false,
    }
}

fn new_token() -> Token2 {
    Token2::new(
        "CI deploy",
        None,
        Token2ClientUser::default()
            .with_role(Group::default().with_id(5).with_name(GroupName::Engineers)),
    )
}

fn secret(s: &Option<gcore_iam::SecretString>) -> Option<&str> {
    s.as_ref().map(|s| s.expose_secret())
}

fn has_errors(v: &ValidationError, field: &str) -> bool {
    v.errors.as_ref().is_some_and(|m| m.contains_key(field))
}

fn login() -> LoginRequest {
    LoginRequest::new("user@example.com", "my-password")
}

fn refresh() -> RefreshRequest {
    RefreshRequest::new("eyJ0eXAiOiJKV1QifQ.e30.c2ln")
}

fn new_password() -> ChangePasswordRequest {
    ChangePasswordRequest::new("old-pass", "new-pass", "new-pass")
}

fn put_user() -> PutUser {
    PutUser::default()
        .with_name("Jane Roe")
        .with_lang(Language::En)
}

fn new_email() -> UpdateUserEmailRequest {
    UpdateUserEmailRequest::new("jane@example.com", "my-password")
}

fn invitation() -> InviteUserRequest {
    InviteUserRequest::new("new@example.com", Group::default().with_id(5), 7350925)
        .with_lang(Language::En)
}

fn user_role() -> UserRole {
    UserRole::default().with_user_role(Group::default().with_id(2))
}

/// Every query parameter of the v1 list.
fn list_v1(c: &Client) -> GetApiTokens<'_> {
    c.get_api_tokens(7350925)
        .role("Engineers")
        .issued_by(1)
        .not_issued_by(2)
        .deleted(true)
}

fn new_token_v2() -> Token2 {
    new_token().with_description("made by the contract test")
}

fn table() -> Vec<Row> {
    vec![
        // iamLoginUser
        row!("iamLoginUser", 200, |c| c.login_user(login())
            => Ok(t) if t.access.expose_secret().starts_with("eyJ")),
        row!("iamLoginUser", 400, |c| c.login_user(login())
            => body Some(ops::LoginUserError::BadRequest(LoginError::ValidationError(v))) if has_errors(v, "password")),
        // iamRefreshToken
        row!("iamRefreshToken", 200, |c| c.refresh_token(refresh())
            => Ok(t) if t.refresh.expose_secret().starts_with("eyJ")),
        row!("iamRefreshToken", 400, |c| c.refresh_token(refresh())
            => body Some(ops::RefreshTokenError::BadRequest(v)) if has_errors(v, "refresh")),
        row!("iamRefreshToken", 401, |c| c.refresh_token(refresh())
            => body Some(ops::RefreshTokenError::Unauthorized)),
        // iamSelectAccount
        row!("iamSelectAccount", 200, |c| c.select_account(7350925) => Ok(t) if t.access.expose_secret().starts_with("eyJ")),
        row!("iamSelectAccount", 401, |c| c.select_account(7350925)
            => body Some(ops::SelectAccountError::Unauthorized)),
        row!("iamSelectAccount", 403, |c| c.select_account(7350925)
            => body Some(ops::SelectAccountError::Forbidden)),
        row!("iamSelectAccount", 404, |c| c.select_account(7350925)
            => body Some(ops::SelectAccountError::NotFound)),
        // iamCreateAccount
        row!("iamCreateAccount", 201, |c| c.create_account(CreateAccountRequest::new("Example Ltd"))
            => Ok(a) if a.id == Some(0) && a.company == "string"),
        row!("iamCreateAccount", 400, |c| c.create_account(CreateAccountRequest::new("Example Ltd"))
            => body Some(ops::CreateAccountError::BadRequest(v)) if has_errors(v, "company")),
        row!("iamCreateAccount", 401, |c| c.create_account(CreateAccountRequest::new("Example Ltd"))
            => body Some(ops::CreateAccountError::Unauthorized)),
        row!("iamCreateAccount", 403, |c| c.create_account(CreateAccountRequest::new("Example Ltd"))
            => body Some(ops::CreateAccountError::Forbidden)),
        // iamGetAccountDetails
        row!("iamGetAccountDetails", 200, |c| c.get_account_details()
            => Ok(a) if a.users.as_ref().is_some_and(|u| u.first().is_some_and(|u| u.email.as_deref() == Some("user@example.com")))),
        row!("iamGetAccountDetails", 401, |c| c.get_account_details()
            => body Some(ops::GetAccountDetailsError::Unauthorized)),
        // iamForgotPassword
        row!("iamForgotPassword", 200, |c| c.forgot_password(EmailRequest::new("user@example.com"))
            => Ok(v) if v["status"] == "sent"),
        row!("iamForgotPassword", 400, |c| c.forgot_password(EmailRequest::new("user@example.com"))
            => body Some(ops::ForgotPasswordError::BadRequest(v)) if has_errors(v, "email")),
        // iamChangePassword
        row!("iamChangePassword", 200, |c| c.change_password(1023101, new_password())
            => Ok(t) if t.refresh.expose_secret().starts_with("eyJ")),
        row!("iamChangePassword", 400, |c| c.change_password(1023101, new_password())
            => body Some(ops::ChangePasswordError::BadRequest(v)) if has_errors(v, "old")),
        row!("iamChangePassword", 401, |c| c.change_password(1023101, new_password())
            => body Some(ops::ChangePasswordError::Unauthorized)),
        row!("iamChangePassword", 403, |c| c.change_password(1023101, new_password())
            => body Some(ops::ChangePasswordError::Forbidden)),
        // iamGetLastLoginTime
        row!("iamGetLastLoginTime", 200, |c| c.get_last_login_time().limit(10).offset(20)
            => Ok(l) if l.result.first().is_some_and(|i| i.ip_address == "192.168.1.1")),
        row!("iamGetLastLoginTime", 400, |c| c.get_last_login_time().limit(10).offset(20)
            => body Some(ops::GetLastLoginTimeError::BadRequest(GetLastLoginTimeBadRequestBody::ValidationError(_)))),
        row!("iamGetLastLoginTime", 403, |c| c.get_last_login_time().limit(10).offset(20)
            => body Some(ops::GetLastLoginTimeError::Forbidden)),
        row!("iamGetLastLoginTime", 404, |c| c.get_last_login_time().limit(10).offset(20)
            => body Some(ops::GetLastLoginTimeError::NotFound)),
        // iamGetUsers
        row!("iamGetUsers", 200, |c| c.get_users().limit(10).offset(0)
            => Ok(p) if p.next.as_deref() == Some("/users?offset=20&limit=10")),
        row!("iamGetUsers", 401, |c| c.get_users().limit(10).offset(0)
            => body Some(ops::GetUsersError::Unauthorized)),
        // iamGetUser
        row!("iamGetUser", 200, |c| c.get_user(1023101) => Ok(u) if u.email == "user@example.com"),
        row!("iamGetUser", 401, |c| c.get_user(1023101)
            => body Some(ops::GetUserError::Unauthorized)),
        row!("iamGetUser", 404, |c| c.get_user(1023101)
            => body Some(ops::GetUserError::NotFound)),
        // iamUpdateUser
        row!("iamUpdateUser", 200, |c| c.update_user(1023101, put_user())
            => Ok(u) if u.email == "user@example.com"),
        // The description's example (`{"errors": {"groups": "Unknown group."}}`) breaks its
        // own ValidationError branch (messages are arrays); the JSONParseError branch (an
        // object with an optional `message`) would take it only by dropping all of it, so
        // it decodes to `Other`, kept as sent, never to a guessed variant.
        row!("iamUpdateUser", 400, |c| c.update_user(1023101, put_user())
            => body Some(ops::UpdateUserError::BadRequest(UpdateUserError::Other(v))) if v["errors"]["groups"] == "Unknown group."),
        row!("iamUpdateUser", 403, |c| c.update_user(1023101, put_user())
            => body Some(ops::UpdateUserError::Forbidden)),
        row!("iamUpdateUser", 404, |c| c.update_user(1023101, put_user())
            => body Some(ops::UpdateUserError::NotFound)),
        // iamUpdateUserEmail
        row!("iamUpdateUserEmail", 200, |c| c.update_user_email(1023101, new_email())
            => Ok(r) if r.new_email.is_some()),
        // Prism's example (`[{"errors": {"new_email": "string"}}]`) fits the three
        // `new_email` bodies that cannot be told apart (and, losing everything, the password
        // one): `Other`, as the type promises, never a guessed variant.
        row!("iamUpdateUserEmail", 400, |c| c.update_user_email(1023101, new_email())
            => body Some(ops::UpdateUserEmailError::BadRequest(UpdateUserEmailError::Other(v))) if v[0]["errors"]["new_email"].is_string()),
        row!("iamUpdateUserEmail", 401, |c| c.update_user_email(1023101, new_email())
            => body Some(ops::UpdateUserEmailError::Unauthorized)),
        // iamInviteUser
        row!("iamInviteUser", 200, |c| c.invite_user(invitation())
            => Ok(r) if r.user_id == 19449),
        row!("iamInviteUser", 400, |c| c.invite_user(invitation())
            => body Some(ops::InviteUserError::BadRequest(InviteUserError::ValidationError(v))) if has_errors(v, "email")),
        row!("iamInviteUser", 401, |c| c.invite_user(invitation())
            => body Some(ops::InviteUserError::Unauthorized)),
        row!("iamInviteUser", 403, |c| c.invite_user(invitation())
            => body Some(ops::InviteUserError::Forbidden)),
        // iamGetClientUserRole
        row!("iamGetClientUserRole", 200, |c| c.get_client_user_role(7350925, 1023101)
            => Ok(r) if r.user_role.as_ref().and_then(|g| g.id) == Some(1)),
        row!("iamGetClientUserRole", 403, |c| c.get_client_user_role(7350925, 1023101)
            => body Some(ops::GetClientUserRoleError::Forbidden)),
        row!("iamGetClientUserRole", 404, |c| c.get_client_user_role(7350925, 1023101)
            => body Some(ops::GetClientUserRoleError::NotFound)),
        // iamUpdateClientUserRole
        row!("iamUpdateClientUserRole", 204, |c| c.update_client_user_role(7350925, 1023101, user_role())
            => Ok(())),
        row!("iamUpdateClientUserRole", 400, |c| c.update_client_user_role(7350925, 1023101, user_role())
            => body Some(ops::UpdateClientUserRoleError::BadRequest(_))),
        row!("iamUpdateClientUserRole", 403, |c| c.update_client_user_role(7350925, 1023101, user_role())
            => body Some(ops::UpdateClientUserRoleError::Forbidden)),
        row!("iamUpdateClientUserRole", 404, |c| c.update_client_user_role(7350925, 1023101, user_role())
            => body Some(ops::UpdateClientUserRoleError::NotFound)),
        // iamRevokeClientUserAccess
        row!("iamRevokeClientUserAccess", 200, |c| c.revoke_client_user_access(7350925, 1023101) => Ok(())),
        // two bodies of one shape (`{"message": …}`), told apart by their message
        row!("iamRevokeClientUserAccess", 403, example = "YouDoNotHavePermissionForTheSpecifiedAccountToPerformThisAction",
            |c| c.revoke_client_user_access(7350925, 1023101)
            => body Some(ops::RevokeClientUserAccessError::Forbidden(RevokeUserAccessForbiddenError::NoPermission(v)))
                if v["message"] == "You do not have permission to perform this action."),
        row!("iamRevokeClientUserAccess", 403, example = "TokenConstrainsDeletion",
            |c| c.revoke_client_user_access(7350925, 1023101)
            => body Some(ops::RevokeClientUserAccessError::Forbidden(RevokeUserAccessForbiddenError::UserHasApiTokens(t)))
                if t.message.as_deref() == Some("The user cannot be removed while they own active API tokens")),
        row!("iamRevokeClientUserAccess", 404, |c| c.revoke_client_user_access(7350925, 1023101)
            => body Some(ops::RevokeClientUserAccessError::NotFound)),
        // iamGetApiTokens (v1)
        row!("iamGetApiTokens", 200, |c| list_v1(&c)
            => Ok(ts) if ts.first().is_some_and(|t| t.name == "My token")),
        row!("iamGetApiTokens", 403, |c| list_v1(&c)
            => body Some(ops::GetApiTokensError::Forbidden)),
        row!("iamGetApiTokens", 404, |c| list_v1(&c)
            => Err(e) if not_found_or_removed(e, "iamGetApiTokens", matches!(e.body(), Some(ops::GetApiTokensError::NotFound)))),
        // iamCreateApiToken (v1)
        row!("iamCreateApiToken", 200, |c| c.create_api_token(7350925, new_token())
            => Ok(t) if t.name == "My token" && secret(&t.token).is_some()),
        row!("iamCreateApiToken", 400, example = "InvalidRole", |c| c.create_api_token(7350925, new_token())
            => body Some(ops::CreateApiTokenError::BadRequest(CreateTokenError::InvalidRole(_)))),
        row!("iamCreateApiToken", 400, example = "YouCantCreateAnAPITokenWithTheSpecifiedRole", |c| c.create_api_token(7350925, new_token())
            => body Some(ops::CreateApiTokenError::BadRequest(CreateTokenError::RoleTooHigh(_)))),
        // iamGetApiToken (v1)
        row!("iamGetApiToken", 200, |c| c.get_api_token(7350925, 42) => Ok(t) if t.id == 42),
        row!("iamGetApiToken", 403, |c| c.get_api_token(7350925, 42)
            => body Some(ops::GetApiTokenError::Forbidden)),
        row!("iamGetApiToken", 404, |c| c.get_api_token(7350925, 42)
            => Err(e) if not_found_or_removed(e, "iamGetApiToken", matches!(e.body(), Some(ops::GetApiTokenError::NotFound)))),
        // iamDeleteApiToken (v1)
        row!("iamDeleteApiToken", 204, |c| c.delete_api_token(7350925, 42) => Ok(())),
        row!("iamDeleteApiToken", 403, |c| c.delete_api_token(7350925, 42)
            => body Some(ops::DeleteApiTokenError::Forbidden)),
        row!("iamDeleteApiToken", 404, |c| c.delete_api_token(7350925, 42)
            => Err(e) if not_found_or_removed(e, "iamDeleteApiToken", matches!(e.body(), Some(ops::DeleteApiTokenError::NotFound)))),
        // iamGetApiTokensV2
        row!("iamGetApiTokensV2", 200, |c| c.get_api_tokens_v2(7350925).deleted(false)
            => Ok(ts) if ts.first().is_some_and(|t| t.exp_date.as_deref() == Some("2021-01-01T12:00:00.000000Z"))),
        row!("iamGetApiTokensV2", 403, |c| c.get_api_tokens_v2(7350925).deleted(false)
            => body Some(ops::GetApiTokensV2Error::Forbidden)),
        row!("iamGetApiTokensV2", 404, |c| c.get_api_tokens_v2(7350925).deleted(false)
            => body Some(ops::GetApiTokensV2Error::NotFound)),
        // iamCreateApiTokenV2
        row!("iamCreateApiTokenV2", 200, |c| c.create_api_token_v2(7350925, new_token_v2())
            => Ok(t) if secret(&t.token) == Some("42_a1b2c3d4e5f6...")),
        row!("iamCreateApiTokenV2", 400, example = "InvalidRole",
            |c| c.create_api_token_v2(7350925, new_token_v2())
            => body Some(ops::CreateApiTokenV2Error::BadRequest(CreateTokenError::InvalidRole(_)))),
        row!("iamCreateApiTokenV2", 400, example = "YouCantCreateAnAPITokenWithTheSpecifiedRole",
            |c| c.create_api_token_v2(7350925, new_token_v2())
            => body Some(ops::CreateApiTokenV2Error::BadRequest(CreateTokenError::RoleTooHigh(_)))),
        // iamGetApiTokenV2
        row!("iamGetApiTokenV2", 200, |c| c.get_api_token_v2(7350925, 42) => Ok(t) if t.id == 42),
        row!("iamGetApiTokenV2", 403, |c| c.get_api_token_v2(7350925, 42)
            => body Some(ops::GetApiTokenV2Error::Forbidden)),
        row!("iamGetApiTokenV2", 404, |c| c.get_api_token_v2(7350925, 42)
            => body Some(ops::GetApiTokenV2Error::NotFound)),
        // iamDeleteApiTokenV2
        row!("iamDeleteApiTokenV2", 204, |c| c.delete_api_token_v2(7350925, 42) => Ok(())),
        row!("iamDeleteApiTokenV2", 403, |c| c.delete_api_token_v2(7350925, 42)
            => body Some(ops::DeleteApiTokenV2Error::Forbidden)),
        row!("iamDeleteApiTokenV2", 404, |c| c.delete_api_token_v2(7350925, 42)
            => body Some(ops::DeleteApiTokenV2Error::NotFound)),
    ]
}

// ---------------------------------------------------------------------------------------
// Tests

#[test]
fn the_table_covers_every_operation_status_and_example_of_the_spec() {
    let spec = load_spec();
    let served = with_branch_examples(&spec);
    let examples = named_examples(&served);
    let mut expected: Vec<(String, u16, Option<String>)> = Vec::new();
    for r in spec_responses(&spec) {
        match examples.get(&(r.operation_id.clone(), r.status)) {
            Some(names) => {
                for n in names {
                    expected.push((r.operation_id.clone(), r.status, Some(n.clone())));
                }
            }
            None => expected.push((r.operation_id.clone(), r.status, None)),
        }
    }
    let mut in_table: Vec<(String, u16, Option<String>)> = table()
        .iter()
        .map(|r| (r.id.to_string(), r.status, r.example.map(str::to_string)))
        .collect();
    expected.sort();
    in_table.sort();
    assert_eq!(
        in_table, expected,
        "the table must have one row per operation, documented status and named example of {SPEC}"
    );
    assert_eq!(
        spec_responses(&spec).len(),
        73,
        "responses documented in {SPEC}"
    );

    // the operations of the spec, read from the file, are the generated client's
    let from_spec: BTreeSet<String> = spec_responses(&spec)
        .into_iter()
        .map(|r| r.operation_id)
        .collect();
    let generated: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|o| o.operation_id.to_string())
        .collect();
    assert_eq!(from_spec, generated);

    // the ambiguous statuses are documented ones
    for (id, status) in AMBIGUOUS_IN_THE_SPEC {
        assert!(
            expected.iter().any(|(i, s, _)| i == id && s == status),
            "{id} {status} is not documented"
        );
    }
}

#[test]
fn the_lenient_description_only_adds_the_examples_of_oneof_branches() {
    let spec = load_spec();
    let served = with_branch_examples(&spec);
    let mut differences = Vec::new();
    differences_besides_added_examples(&spec, &served, "", &mut differences);
    assert!(differences.is_empty(), "{differences:#?}");
    let examples = named_examples(&served);
    let names = |id: &str, status: u16| examples.get(&(id.to_string(), status)).cloned();
    let create = Some(vec![
        "InvalidRole".to_string(),
        "YouCantCreateAnAPITokenWithTheSpecifiedRole".to_string(),
    ]);
    assert_eq!(names("iamCreateApiToken", 400), create);
    assert_eq!(names("iamCreateApiTokenV2", 400), create);
    assert_eq!(examples.len(), 3, "{examples:?}");
    // the examples are the description's own
    let invalid = served
        .pointer("/paths/~1iam~1v2~1clients~1{clientId}~1tokens/post/responses/400/content/application~1json/examples/InvalidRole/value")
        .unwrap();
    assert_eq!(
        invalid,
        &serde_json::json!({"errors": {"client_user": {"role": ["Invalid role: RoleName"]}}})
    );
}

fn start(options: PrismOptions) -> PrismServer {
    PrismServer::start(&options).unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_status_of_every_operation_passes_prism_validation_and_decodes_to_its_typed_result() {
    prism_server::ensure_installed().unwrap_or_else(|e| panic!("{e}"));
    let root = gcore_iam_tests::workspace_root();
    let tmp = tmp_dir();
    std::fs::create_dir_all(&tmp).unwrap();
    let served_path = tmp.join(format!("iam_api.examples.{}.json", std::process::id()));
    std::fs::write(
        &served_path,
        serde_json::to_vec_pretty(&with_branch_examples(&load_spec())).unwrap(),
    )
    .unwrap();
    let strict_options = PrismOptions::new(root.join(SPEC), true, tmp.join("strict.log"));
    let lenient_options = PrismOptions::new(&served_path, false, tmp.join("lenient.log"));
    let (strict, lenient) = tokio::join!(
        tokio::task::spawn_blocking(move || start(strict_options)),
        tokio::task::spawn_blocking(move || start(lenient_options)),
    );
    let (strict, lenient) = (strict.unwrap(), lenient.unwrap());
    let strict_proxy = RecordingProxy::start(strict.addr()).await;
    let lenient_proxy = RecordingProxy::start(lenient.addr()).await;

    // operations the description marks `security: []` (logging in) get no credentials
    let spec = load_spec();
    let without_credentials: Vec<String> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .filter(|op| op["security"].as_array().is_some_and(|s| s.is_empty()))
        .filter_map(|op| op["operationId"].as_str().map(str::to_string))
        .collect();
    assert_eq!(without_credentials, ["iamLoginUser", "iamRefreshToken"]);

    let mut failures = Vec::new();
    let rows = table();
    for row in &rows {
        let label = row.label();
        let mut problems: Vec<String> = Vec::new();
        let ambiguous = AMBIGUOUS_IN_THE_SPEC.contains(&(row.id, row.status));
        let proxy = if ambiguous {
            &lenient_proxy
        } else {
            &strict_proxy
        };
        let prefer = match row.example {
            Some(name) => format!("code={}, example={name}", row.status),
            None => format!("code={}", row.status),
        };
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("prefer", prefer.parse().unwrap());
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap();
        let client = Client::builder(KEY)
            .base_url(proxy.base_url())
            .http_client(http)
            .timeout(Duration::from_secs(30))
            .retries(0)
            .build()
            .unwrap();
        let before = proxy.exchanges().len();
        let outcome = (row.call)(client).await;
        let sent: Vec<Exchange> = proxy.exchanges()[before..].to_vec();
        let [exchange] = sent.as_slice() else {
            failures.push(format!(
                "{label}:\n    {} requests reached Prism, expected one",
                sent.len()
            ));
            continue;
        };
        if exchange.headers.get("prefer").and_then(|v| v.to_str().ok()) != Some(&prefer) {
            problems.push(format!("Prefer was not sent as {prefer:?}"));
        }
        // Prism only checks that the header of the `apiKey` scheme is there; its value is
        // the description's text: the word `apikey`, one space, the token. Operations with
        // `security: []` must get none.
        let authorization = exchange
            .headers
            .get("authorization")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        if without_credentials.iter().any(|id| id == row.id) {
            if authorization.is_some() {
                problems.push(format!(
                    "sent Authorization {authorization:?} to an operation that needs no credentials"
                ));
            }
        } else if authorization.as_deref() != Some(&format!("APIKey {KEY}")) {
            problems.push(format!(
                "sent Authorization {authorization:?}, not `APIKey <token>`"
            ));
        }
        if exchange.status != row.status {
            problems.push(format!(
                "Prism answered {} ({})",
                exchange.status,
                String::from_utf8_lossy(&exchange.response_body)
            ));
        }
        let violations = exchange.violations();
        let in_request: Vec<&Value> = violations
            .iter()
            .filter(|v| v["location"][0] != "response")
            .collect();
        if !in_request.is_empty() {
            problems.push(format!("Prism found request violations {in_request:?}"));
        }
        if ambiguous {
            let only_the_known_one = !violations.is_empty()
                && violations
                    .iter()
                    .all(|v| v["location"][0] == "response" && v["code"] == "oneOf");
            if !only_the_known_one {
                problems.push(format!(
                    "listed in AMBIGUOUS_IN_THE_SPEC, but Prism reported {violations:?} instead of the response oneOf ambiguity alone"
                ));
            }
        } else if !violations.is_empty() {
            problems.push(format!("Prism reported violations {violations:?}"));
        }
        let success = (200..300).contains(&row.status);
        let status_ok = if success {
            outcome.client_status.is_none()
        } else {
            outcome.client_status == Some(row.status)
        };
        if !outcome.expected || !status_ok {
            problems.push(format!(
                "decoded to an unexpected result: {}",
                outcome.shown
            ));
        }
        if !problems.is_empty() {
            failures.push(format!("{label}:\n    {}", problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    assert_eq!(
        strict_proxy.exchanges().len() + lenient_proxy.exchanges().len(),
        rows.len()
    );
}

/// The judge can fail: a request that breaks the description is reported in
/// `sl-violations` and refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_reports_and_refuses_a_token_request_without_exp_date() {
    prism_server::ensure_installed().unwrap_or_else(|e| panic!("{e}"));
    let root = gcore_iam_tests::workspace_root();
    let prism = tokio::task::spawn_blocking(move || {
        start(PrismOptions::new(
            root.join(SPEC),
            true,
            tmp_dir().join("refuses.log"),
        ))
    })
    .await
    .unwrap();
    let proxy = RecordingProxy::start(prism.addr()).await;
    let body = serde_json::json!({"name": "x", "client_user": {"role": {"id": 5}}});
    let resp = reqwest::Client::new()
        .post(format!("{}/iam/v2/clients/1/tokens", proxy.base_url()))
        .header("authorization", format!("APIKey {KEY}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        !resp.status().is_success(),
        "Prism accepted a body without exp_date"
    );
    let exchanges = proxy.exchanges();
    let violations = exchanges[0].violations();
    assert!(
        violations.iter().any(|v| v["location"][0] == "request"
            && v["message"].as_str().unwrap_or("").contains("exp_date")),
        "{violations:?}"
    );
}

#[test]
fn a_prism_that_cannot_start_fails_with_its_log_and_how_to_install() {
    let bin = prism_server::ensure_installed().unwrap_or_else(|e| panic!("{e}"));
    let tmp = tmp_dir().join(format!("broken.{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();

    // Prism exits: the description does not exist
    let missing = tmp.join("no-such-description.yaml");
    let mut options = PrismOptions::new(&missing, true, tmp.join("exits.log"));
    options.binary = bin;
    let err = PrismServer::start(&options).unwrap_err();
    assert!(err.contains("exited with"), "{err}");
    // from Prism's log, not from our message
    assert!(
        err.contains("fatal") && err.contains("ENOENT: no such file or directory"),
        "{err}"
    );
    assert!(err.contains("bash scripts/install-prism.sh"), "{err}");

    // no Prism at all
    let mut options = PrismOptions::new(root_spec(), true, tmp.join("absent.log"));
    options.binary = tmp.join("no-such-prism");
    let err = PrismServer::start(&options).unwrap_err();
    assert!(err.contains("cannot start Prism"), "{err}");
    assert!(err.contains("bash scripts/install-prism.sh"), "{err}");

    // a Prism that never listens
    let stuck = tmp.join("stuck-prism");
    std::fs::write(&stuck, "#!/bin/sh\necho 'loading forever'\nexec sleep 30\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&stuck, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut options = PrismOptions::new(root_spec(), true, tmp.join("stuck.log"));
    options.binary = stuck;
    options.startup_timeout = Duration::from_secs(1);
    let err = PrismServer::start(&options).unwrap_err();
    assert!(err.contains("did not listen"), "{err}");
    assert!(err.contains("loading forever"), "{err}");
    assert!(err.contains("bash scripts/install-prism.sh"), "{err}");
}

fn root_spec() -> PathBuf {
    gcore_iam_tests::workspace_root().join(SPEC)
}
