// A user's program, built by tests/tests/consumer.rs as a crate outside the workspace that
// depends on gcore-iam by path. It calls the deprecated v1 token endpoint.
#![deny(deprecated)]

use gcore_iam::{Client, types};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new("42_secretsecret")?;
    let role = types::Group::default().with_id(5);
    let token = types::Token2::new("CI", None, types::Token2ClientUser::default().with_role(role));
    let created = client.create_api_token(7350925, token).await?;
    println!("created token {}", created.id);
    Ok(())
}
