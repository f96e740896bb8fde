//! `cargo run --example rotate_token`, as a user runs it, against the fake Gcore
//! (`gcore-iam-fake`) on 127.0.0.1.

use gcore_iam::{AuthFailure, Client};
use gcore_iam_fake::{FakeGcore, Fault, Role};

fn run_example(key: &str, base_url: &str) -> std::process::Output {
    // the fixture crates' target directory: the same dependencies
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates/target");
    gcore_iam_tests::run_example("rotate_token", key, base_url, &target)
}

fn client(fake: &FakeGcore, key: &str) -> Client {
    Client::builder(key)
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_token_prints_a_working_new_token_and_the_old_one_is_deleted() {
    let fake = FakeGcore::start().await;
    let eve = fake.add_user("Eve", Role::Engineers);
    let old_key = fake.token(eve).name("ci").issue();
    let out = run_example(&old_key, &fake.base_url());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");

    // stdout is the new token and nothing else
    let new_key = stdout.trim_end_matches('\n');
    assert!(!new_key.contains('\n'), "{stdout}");
    let (new_id, secret) = new_key.split_once('_').expect("a v2 token");
    assert!(!stderr.contains(secret), "the secret in stderr: {stderr}");

    // it works, with Eve's role and a name that tells where it came from
    let new = client(&fake, new_key);
    assert_eq!(
        new.get_account_details().await.unwrap().current_user,
        eve.user_id
    );
    let mine = new
        .get_api_tokens_v2(gcore_iam_fake::CLIENT_ID)
        .deleted(true) // as the description says: the tokens that were not deleted
        .await
        .unwrap();
    assert_eq!(mine.len(), 1, "only the new token is left: {mine:?}");
    assert_eq!(mine[0].id.to_string(), new_id);
    assert_eq!(mine[0].name, "ci");
    assert_eq!(mine[0].role(), gcore_iam::Role::Engineers);

    // the old one is refused as Gcore refuses a deleted token
    let err = client(&fake, &old_key)
        .get_account_details()
        .await
        .unwrap_err();
    assert_eq!(
        err.api_error().and_then(|e| e.auth_failure()),
        Some(&AuthFailure::InvalidOrExpired)
    );
    // and it was deleted after the new one was checked
    let requests = fake.requests();
    let delete = requests
        .iter()
        .position(|r| r.method == "DELETE")
        .expect("a DELETE");
    assert_eq!(
        requests[delete].path,
        format!(
            "/iam/v2/clients/{}/tokens/{}",
            gcore_iam_fake::CLIENT_ID,
            old_key.split('_').next().unwrap()
        )
    );
    assert!(requests[..delete].iter().any(|r| r.method == "GET"
        && r.path == "/iam/clients/me"
        && r.headers["authorization"] == format!("APIKey {new_key}").as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_token_prints_the_new_token_when_the_old_one_cannot_be_deleted() {
    let fake = FakeGcore::start().await;
    let eve = fake.add_user("Eve", Role::Engineers);
    let old_key = fake.token(eve).name("ci").issue();
    let refused = Fault::Status {
        status: 500,
        retry_after: None,
    };
    fake.inject_on("DELETE", "/iam/v2/clients/", refused, 1);
    let out = run_example(&old_key, &fake.base_url());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());

    // the new token is handed over anyway, and both tokens work, as stderr says
    let new_key = stdout.trim_end_matches('\n');
    let (_, secret) = new_key.split_once('_').expect("a v2 token");
    assert!(!stderr.contains(secret), "the secret in stderr: {stderr}");
    assert!(stderr.contains("is still present"), "{stderr}");
    client(&fake, new_key).get_account_details().await.unwrap();
    client(&fake, &old_key).get_account_details().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_token_with_a_deleted_token_fails_and_says_to_use_the_portal() {
    let fake = FakeGcore::start().await;
    let eve = fake.add_user("Eve", Role::Engineers);
    let old_key = fake.token(eve).issue();
    let old_id: i64 = old_key.split('_').next().unwrap().parse().unwrap();
    client(&fake, fake.admin_key())
        .delete_api_token_v2(gcore_iam_fake::CLIENT_ID, old_id)
        .await
        .unwrap();
    let out = run_example(&old_key, &fake.base_url());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("Token is invalid or expired"), "{stderr}");
    assert!(stderr.contains("in the Gcore portal"), "{stderr}");
    assert_eq!(fake.request_count("POST", "/"), 0, "nothing was created");
}
