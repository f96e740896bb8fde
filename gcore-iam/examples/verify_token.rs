//! Checks an API token the way Gcore's guide does by hand: reads `GCORE_API_KEY` (and
//! `GCORE_BASE_URL`, for a local server), asks for the account's details and prints its id,
//! email and status, or the error with its hint.
//!
//! ```sh
//! GCORE_API_KEY='42_a1b2c3…' cargo run -p gcore-iam --example verify_token
//! ```

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let client = match gcore_iam::Client::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot use the API key: {e}");
            return ExitCode::FAILURE;
        }
    };
    match client.get_account_details().await {
        Ok(account) => {
            println!("token {} works", client.api_key_id());
            println!("account id: {}", account.id);
            println!("email:      {}", account.email);
            println!("status:     {}", account.status);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("the token does not work: {e}");
            ExitCode::FAILURE
        }
    }
}
