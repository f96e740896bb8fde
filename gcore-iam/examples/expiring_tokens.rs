//! Lists the account's API tokens that expire within the next 7 days (when Gcore sends
//! its first notice), soonest first, with their role and dates, using the token in
//! `GCORE_API_KEY` (and `GCORE_BASE_URL`, for a local server). Administrators see every
//! token of the account, others their own.
//!
//! ```sh
//! GCORE_API_KEY='42_a1b2c3…' cargo run -p gcore-iam --example expiring_tokens
//! ```

use gcore_iam::chrono::TimeDelta;
use gcore_iam::{Client, Role};
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
    let expiring = match client
        .tokens_expiring_within(account.id, TimeDelta::days(7))
        .await
    {
        Ok(tokens) => tokens,
        Err(e) => {
            eprintln!("cannot list the tokens: {e}");
            return ExitCode::FAILURE;
        }
    };
    if expiring.is_empty() {
        println!("no token expires within 7 days");
    }
    for token in expiring {
        let expires = match token.expires() {
            Ok(expiry) => expiry.to_string(),
            // kept, not dropped: it may be expiring
            Err(unreadable) => format!("unknown ({unreadable})"),
        };
        let last_used = match token.last_used_at() {
            Ok(at) => at.to_rfc3339(),
            Err(unreadable) => unreadable.text().to_string(),
        };
        let admin = if token.role() == Role::Administrators {
            " (administrator!)"
        } else {
            ""
        };
        println!(
            "{} {:?}: role {}{admin}, expires {expires}, last used {last_used}, issued by {}",
            token.id,
            token.name,
            token.role(),
            token.client_user.user_email
        );
    }
    ExitCode::SUCCESS
}
