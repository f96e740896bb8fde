//! Rotates the API token in `GCORE_API_KEY` the way Gcore's documentation says: creates a
//! new token with the same role, checks that it works, prints it (the one time Gcore
//! shows it) for you to switch your integrations to, then deletes the old token with the
//! new one. `GCORE_BASE_URL` points it at another server (a fake, for a test).
//!
//! ```sh
//! NEW_KEY=$(GCORE_API_KEY='42_a1b2c3…' cargo run -p gcore-iam --example rotate_token)
//! ```
//!
//! Only the new token goes to stdout; progress and errors go to stderr. If deleting the old
//! token fails, the new one is printed anyway: it exists, and Gcore will not show it again.

use gcore_iam::Client;
use gcore_iam::types::{Token2, Token2ClientUser};
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let old = match Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot use the API key: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (account_id, old_id, current) = match current_token(&old).await {
        Ok(found) => found,
        Err(e) => {
            eprintln!("cannot read the current token: {e}");
            return ExitCode::FAILURE;
        }
    };
    // 1. create the new token, with the old one's role
    let request = Token2::new(
        format!("{} (rotated)", current.name),
        None,
        Token2ClientUser::default().with_role(current.client_user.role),
    );
    let new_key = match old.create_api_token_v2(account_id, request).await {
        Ok(created) => match created.token {
            Some(key) => key,
            None => {
                eprintln!(
                    "token {} was created, but the answer carried no value: delete it in the Gcore portal",
                    created.id
                );
                return ExitCode::FAILURE;
            }
        },
        Err(e) => {
            eprintln!("cannot create the new token: {e}");
            if e.outcome_unknown() || e.server_acted() {
                eprintln!("a new token may exist: check the token list before running this again");
            }
            if let Some(decode) = e.decode_error() {
                // the server created it: its value is only in this answer
                if let Ok(body) =
                    serde_json::from_str::<serde_json::Value>(decode.raw_body().expose_secret())
                {
                    if let Some(value) = body.get("token").and_then(|t| t.as_str()) {
                        println!("{value}");
                    }
                }
            }
            return ExitCode::FAILURE;
        }
    };
    // 2. verify it
    let new = match Client::builder(new_key.expose_secret())
        .base_url(old.base_url())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            println!("{}", new_key.expose_secret());
            eprintln!("the new token cannot be used: {e}; the old one was kept");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = new.get_account_details().await {
        println!("{}", new_key.expose_secret());
        eprintln!("the new token does not work: {e}; the old one was kept");
        return ExitCode::FAILURE;
    }
    eprintln!("new token {} works", new.api_key_id());
    // 3. switch: hand the new token over (Gcore shows it only this once)
    println!("{}", new_key.expose_secret());
    // 4. delete the old token, with the new one
    match new.delete_api_token_v2(account_id, old_id).await {
        Ok(()) => {
            eprintln!("old token {old_id} deleted");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("the old token {old_id} could not be deleted: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The account, the id of the token `client` authenticates with, and that token.
async fn current_token(
    client: &Client,
) -> Result<(i64, i64, gcore_iam::types::TokenResponse), Box<dyn std::error::Error>> {
    let account = client.get_account_details().await?;
    let id: i64 = client.api_key_id().parse()?;
    let token = client.get_api_token_v2(account.id, id).await?;
    Ok((account.id, id, token))
}
