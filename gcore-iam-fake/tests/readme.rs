//! README's "Testing your code" test, compiled and run: the block below, between the
//! markers, is the README's code block character for character
//! (`the_readme_shows_this_test`).

// README: begin
use gcore_iam::types::Token2ClientUser;
use gcore_iam::{AuthFailure, Client, SecretString, types::Token2};
use gcore_iam_fake::FakeGcore;

/// Your code: rotates the token `old` authenticates with, as Gcore's documentation says
/// (create the new token, verify it, switch to it, then delete the old one). Returns the
/// new token's value, which Gcore shows this once.
async fn rotate(old: &Client) -> Result<SecretString, Box<dyn std::error::Error>> {
    let account = old.get_account_details().await?;
    let old_id: i64 = old.api_key_id().parse()?;
    let current = old.get_api_token_v2(account.id, old_id).await?;
    // 1. create the new token, with the old one's role
    let request = Token2::new(
        format!("{} (rotated)", current.name),
        None,
        Token2ClientUser::default().with_role(current.client_user.role),
    );
    let created = old.create_api_token_v2(account.id, request).await?;
    let new_key = created
        .token
        .ok_or("the create call returned no token value")?;
    // 2. verify it
    let new = Client::builder(new_key.expose_secret())
        .base_url(old.base_url())
        .build()?;
    new.get_account_details().await?;
    // 3. switch your integrations to it (here: return it), 4. delete the old one
    new.delete_api_token_v2(account.id, old_id).await?;
    Ok(new_key)
}

#[tokio::test]
async fn rotation_leaves_only_the_new_token_working() {
    // a fake Gcore on 127.0.0.1: an empty account, an administrator and their key
    let fake = FakeGcore::start().await;
    let old = Client::builder(fake.admin_key())
        .base_url(fake.base_url())
        .build()
        .unwrap();

    let new_key = rotate(&old).await.unwrap();

    let new = Client::builder(new_key.expose_secret())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    assert_eq!(
        new.get_account_details().await.unwrap().current_user,
        fake.admin().user_id
    );
    let err = old.get_account_details().await.unwrap_err();
    let refused = err.api_error().and_then(|e| e.auth_failure());
    assert_eq!(refused, Some(&AuthFailure::InvalidOrExpired));
    assert_eq!(fake.live_tokens(), 1);
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
