//! Rotates the API token in `GCORE_API_KEY` the way Gcore's documentation says, with
//! `Client::rotate_token`: creates a new token with the same name, role and lifetime,
//! checks that it works, deletes the old one, and prints the new one (the one time Gcore
//! shows it) for you to switch your integrations to. `GCORE_BASE_URL` points it at
//! another server (a fake, for a test).
//!
//! ```sh
//! NEW_KEY=$(GCORE_API_KEY='42_a1b2c3…' cargo run -p gcore-iam --example rotate_token)
//! ```
//!
//! Only the new token goes to stdout; progress and errors go to stderr. If a step after
//! the create fails, the new token is printed anyway (it exists, and Gcore will not show
//! it again) and stderr says which tokens the account holds.

use gcore_iam::Client;
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let client = match Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot use the API key: {e}");
            return ExitCode::FAILURE;
        }
    };
    let account = match client.get_account_details().await {
        Ok(account) => account,
        Err(e) => {
            eprintln!("cannot read the account: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(old_id) = client.api_key_id().parse::<i64>() else {
        eprintln!("GCORE_API_KEY is not a permanent API token");
        return ExitCode::FAILURE;
    };
    if let Ok(old) = client.get_api_token_v2(account.id, old_id).await {
        let expiry = match old.expires() {
            Ok(expiry) => expiry.to_string(),
            Err(unreadable) => unreadable.to_string(),
        };
        eprintln!(
            "rotating token {old_id} {:?} (role {}, expires {expiry})",
            old.name,
            old.role()
        );
    }
    match client.rotate_token(account.id, old_id).await {
        Ok(rotated) => {
            println!("{}", rotated.secret.expose_secret());
            eprintln!(
                "new token {} works; old token {old_id} deleted",
                rotated.new_token_id
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            // the state the account is in, never the secret
            eprintln!("{e}");
            if let Some(secret) = e.new_secret() {
                println!("{}", secret.expose_secret());
            }
            ExitCode::FAILURE
        }
    }
}
