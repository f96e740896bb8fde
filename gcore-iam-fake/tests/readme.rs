//! README's "Testing your code" test, compiled and run: the block below, between the
//! markers, is the README's code block character for character
//! (`the_readme_shows_this_test`).

// README: begin
use gcore_iam::{AuthFailure, Client, RotationError, SecretString};
use gcore_iam_fake::{FakeGcore, Fault};

/// Your code: rotates the token `client` authenticates with, as Gcore's documentation says
/// (`Client::rotate_token`: create the new token, check it, delete the old one), and
/// returns the new token's value, which Gcore shows this once.
async fn rotate(client: &Client) -> Result<SecretString, RotationError> {
    let account = client.get_account_details().await.expect("the account");
    let old_id: i64 = client.api_key_id().parse().expect("a permanent API token");
    let rotated = client.rotate_token(account.id, old_id).await?;
    Ok(rotated.secret)
}

fn client(fake: &FakeGcore, key: &str) -> Client {
    Client::builder(key)
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn rotation_leaves_only_the_new_token_working() {
    // a fake Gcore on 127.0.0.1: an empty account, an administrator and their key
    let fake = FakeGcore::start().await;
    let old = client(&fake, fake.admin_key());

    let new_key = rotate(&old).await.unwrap();

    let new = client(&fake, new_key.expose_secret());
    assert_eq!(
        new.get_account_details().await.unwrap().current_user,
        fake.admin().user_id
    );
    let err = old.get_account_details().await.unwrap_err();
    let refused = err.api_error().and_then(|e| e.auth_failure());
    assert_eq!(refused, Some(&AuthFailure::InvalidOrExpired));
    assert_eq!(fake.live_tokens(), 1);
}

#[tokio::test]
async fn a_failed_delete_leaves_both_tokens_and_the_new_value_in_the_error() {
    let fake = FakeGcore::start().await;
    let old = client(&fake, fake.admin_key());
    // the next DELETE answers 500 (not retried), and nothing is deleted
    let fault = Fault::Status {
        status: 500,
        retry_after: None,
    };
    fake.inject_on("DELETE", "/iam/v2/clients/", fault, 1);

    let err = rotate(&old).await.unwrap_err();

    assert!(
        matches!(err, RotationError::OldTokenNotDeleted { .. }),
        "{err}"
    );
    let new_key = err.new_secret().expect("the new token's value");
    client(&fake, new_key.expose_secret())
        .get_account_details()
        .await
        .unwrap();
    old.get_account_details().await.unwrap();
    assert_eq!(fake.live_tokens(), 2);
}
// README: end

#[test]
fn the_readme_shows_this_test() {
    let this = include_str!("readme.rs");
    let block = this
        .split_once("// README: begin\n")
        .and_then(|(_, rest)| rest.split_once("// README: end\n"))
        .map(|(block, _)| block)
        .expect("the markers");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md at the workspace root");
    assert!(
        readme.contains(&format!("```rust,ignore\n{block}```\n")),
        "README.md's \"Testing your code\" block differs from gcore-iam-fake/tests/readme.rs: copy the lines between the markers into it"
    );
}
