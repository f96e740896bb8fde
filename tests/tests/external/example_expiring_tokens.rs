//! `cargo run --example expiring_tokens`, as a user runs it, against the fake Gcore
//! (`gcore-iam-fake`) on 127.0.0.1.

use gcore_iam_fake::{FakeGcore, Role};
use std::time::Duration;

fn run_example(key: &str, base_url: &str) -> std::process::Output {
    // the fixture crates' target directory: the same dependencies
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates/target");
    gcore_iam_tests::run_example("expiring_tokens", key, base_url, &target)
}

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiring_tokens_lists_the_tokens_of_the_next_7_days_soonest_first() {
    let fake = FakeGcore::start().await;
    let eve = fake.add_user("Eve", Role::Engineers);
    let boss = fake.add_user("Boss", Role::Administrators);
    fake.token(eve)
        .name("in-5-days")
        .expires_in(5 * DAY)
        .issue();
    fake.token(eve)
        .name("in-30-days")
        .expires_in(30 * DAY)
        .issue();
    fake.token(eve).name("never").issue();
    fake.token(boss)
        .name("admin-in-1-day")
        .expires_in(DAY)
        .issue();

    let out = tokio::task::spawn_blocking({
        let (key, base) = (fake.admin_key().to_string(), fake.base_url());
        move || run_example(&key, &base)
    })
    .await
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");

    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "only the two tokens of the next 7 days: {stdout}"
    );
    // soonest first, the administrator's token flagged
    assert!(
        lines[0].contains("\"admin-in-1-day\"")
            && lines[0].contains("role Administrators (administrator!)"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("\"in-5-days\"")
            && lines[1].contains("role Engineers,")
            && !lines[1].contains("administrator!"),
        "{stdout}"
    );
    // expiry dates are printed as dates, not as "never" or "unknown"
    assert!(lines.iter().all(|l| l.contains("expires 20")), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiring_tokens_says_so_when_none_expires_and_fails_with_the_hint_on_a_bad_key() {
    let fake = FakeGcore::start().await;
    let eve = fake.add_user("Eve", Role::Engineers);
    fake.token(eve)
        .name("in-8-days")
        .expires_in(8 * DAY)
        .issue();

    let none = tokio::task::spawn_blocking({
        let (key, base) = (fake.admin_key().to_string(), fake.base_url());
        move || run_example(&key, &base)
    })
    .await
    .unwrap();
    assert!(
        none.status.success(),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
    assert_eq!(
        String::from_utf8(none.stdout).unwrap(),
        "no token expires within 7 days\n"
    );

    // a deleted token: Gcore's message, the documented fix, and never the secret
    let deleted = fake.token(eve).name("gone").issue();
    let (id, secret) = deleted.split_once('_').unwrap();
    let (id, secret) = (id.to_string(), secret.to_string());
    let admin = gcore_iam::Client::builder(fake.admin_key())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    admin
        .delete_api_token_v2(gcore_iam_fake::CLIENT_ID, id.parse().unwrap())
        .await
        .unwrap();
    let bad = tokio::task::spawn_blocking({
        let base = fake.base_url();
        move || run_example(&deleted, &base)
    })
    .await
    .unwrap();
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert_eq!(bad.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("cannot read the account:")
            && stderr.contains("Token is invalid or expired")
            && stderr.contains("create a new token in the Gcore portal"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&secret),
        "the secret was printed: {stderr}"
    );
}
