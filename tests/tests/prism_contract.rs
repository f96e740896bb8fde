//! Contract tests: every operation of the generated client against Prism, which serves
//! spec/iam_api.yaml on 127.0.0.1 and validates each request against it. With `--errors`,
//! Prism answers a request that violates the description with an error status instead of
//! a mock, so a successful call means: Prism found no violation in what we sent (query
//! strings, path encoding, content types, `exp_date: null`), and we decoded its example
//! response. Prism is installed by scripts/install-prism.sh (pinned by a lockfile).

#![allow(deprecated)] // the v1 token endpoints are part of the contract too

use gcore_iam::Client;
use gcore_iam::types::*;
use std::future::Future;
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Prism {
    child: Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_prism() -> Prism {
    let root = gcore_iam_tests::workspace_root();
    let bin = root.join("tools/prism/node_modules/.bin/prism");
    // one installation at a time: tests of this file run in parallel
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !bin.exists() {
        // a fresh clone: install the pinned Prism the way .ci/run does
        let status = Command::new("bash")
            .arg(root.join("scripts/install-prism.sh"))
            .status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "Prism is not installed at {} and scripts/install-prism.sh failed ({status:?}); it needs Node.js and npm",
            bin.display()
        );
    }
    drop(guard);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&bin)
        .args([
            "mock",
            "spec/iam_api.yaml",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "--errors",
        ])
        .current_dir(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Prism ({}): {e}", bin.display()));
    let prism = Prism { child, port };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Prism did not start listening on 127.0.0.1:{port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    prism
}

type Call = Box<dyn Fn(Client) -> Pin<Box<dyn Future<Output = Result<String, String>> + Send>>>;

macro_rules! row {
    ($id:literal, |$c:ident| $call:expr) => {
        (
            $id,
            Box::new(
                |$c: Client| -> Pin<Box<dyn Future<Output = Result<String, String>> + Send>> {
                    Box::pin(async move {
                        $call
                            .await
                            .map(|v| format!("{v:?}"))
                            .map_err(|e| format!("{e}"))
                    })
                },
            ) as Call,
        )
    };
}

fn new_token() -> Token2 {
    Token2::new(
        "CI deploy",
        None,
        Token2ClientUser::default()
            .with_role(Group::default().with_id(5).with_name(GroupName::Engineers)),
    )
}

fn table() -> Vec<(&'static str, Call)> {
    vec![
        row!("iamLoginUser", |c| c.login_user(LoginRequest::new(
            "user@example.com",
            "my-password"
        ))),
        row!("iamRefreshToken", |c| c.refresh_token(RefreshRequest::new(
            "eyJ0eXAiOiJKV1QifQ.e30.c2ln"
        ))),
        row!("iamSelectAccount", |c| c.select_account(7350925)),
        row!("iamCreateAccount", |c| c
            .create_account(CreateAccountRequest::new("Example Ltd"))),
        row!("iamGetAccountDetails", |c| c.get_account_details()),
        row!("iamForgotPassword", |c| c
            .forgot_password(EmailRequest::new("user@example.com"))),
        row!("iamChangePassword", |c| c.change_password(
            1023101,
            ChangePasswordRequest::new("old-pass", "new-pass", "new-pass")
        )),
        row!("iamGetLastLoginTime", |c| c
            .get_last_login_time()
            .limit(10)
            .offset(20)),
        row!("iamGetUsers", |c| c.get_users().limit(10).offset(0)),
        row!("iamGetUser", |c| c.get_user(1023101)),
        row!("iamUpdateUser", |c| c.update_user(
            1023101,
            PutUser::default()
                .with_name("Jane Roe")
                .with_lang(Language::En)
        )),
        row!("iamUpdateUserEmail", |c| c.update_user_email(
            1023101,
            UpdateUserEmailRequest::new("jane@example.com", "my-password")
        )),
        row!("iamInviteUser", |c| c.invite_user(
            InviteUserRequest::new("new@example.com", Group::default().with_id(5), 7350925)
                .with_lang(Language::En)
        )),
        row!("iamGetClientUserRole", |c| c
            .get_client_user_role(7350925, 1023101)),
        row!("iamUpdateClientUserRole", |c| c.update_client_user_role(
            7350925,
            1023101,
            UserRole::default().with_user_role(Group::default().with_id(2))
        )),
        row!("iamRevokeClientUserAccess", |c| c
            .revoke_client_user_access(7350925, 1023101)),
        row!("iamGetApiTokens", |c| c
            .get_api_tokens(7350925)
            .role("Engineers")
            .issued_by(1)
            .not_issued_by(2)
            .deleted(true)),
        row!("iamCreateApiToken", |c| c
            .create_api_token(7350925, new_token())),
        row!("iamGetApiToken", |c| c.get_api_token(7350925, 42)),
        row!("iamDeleteApiToken", |c| c.delete_api_token(7350925, 42)),
        row!("iamGetApiTokensV2", |c| c
            .get_api_tokens_v2(7350925)
            .deleted(false)),
        row!("iamCreateApiTokenV2", |c| c.create_api_token_v2(
            7350925,
            new_token().with_description("made by the contract test")
        )),
        row!("iamGetApiTokenV2", |c| c.get_api_token_v2(7350925, 42)),
        row!("iamDeleteApiTokenV2", |c| c
            .delete_api_token_v2(7350925, 42)),
    ]
}

#[test]
fn the_table_covers_every_operation_of_the_spec() {
    let mut in_table: Vec<&str> = table().iter().map(|(id, _)| *id).collect();
    let mut in_spec: Vec<&str> = gcore_iam::operations::OPERATIONS
        .iter()
        .map(|o| o.operation_id)
        .collect();
    in_table.sort();
    in_spec.sort();
    assert_eq!(in_table, in_spec);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_passes_prism_validation_and_decodes_its_example_response() {
    let prism = start_prism();
    let client = Client::builder("42_a1b2c3d4e5f6")
        .base_url(format!("http://127.0.0.1:{}", prism.port))
        .retries(0)
        .build()
        .unwrap();
    let mut failures = Vec::new();
    for (id, call) in table() {
        match call(client.clone()).await {
            Ok(_) => {}
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "Prism rejected requests or we could not decode its responses:\n{}",
        failures.join("\n")
    );
}

/// The judge can fail: a request that breaks the description is refused by Prism.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_refuses_a_token_request_without_exp_date() {
    let prism = start_prism();
    let body = serde_json::json!({"name": "x", "client_user": {"role": {"id": 5}}});
    let resp = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/iam/v2/clients/1/tokens",
            prism.port
        ))
        .header("authorization", "APIKey 42_a1b2c3d4e5f6")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        !resp.status().is_success(),
        "Prism accepted a body without exp_date"
    );
    let violations = resp
        .headers()
        .get("sl-violations")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = resp.text().await.unwrap();
    assert!(
        violations.contains("exp_date") || text.contains("exp_date"),
        "{violations} {text}"
    );
}
