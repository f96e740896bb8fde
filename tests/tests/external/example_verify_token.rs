//! `cargo run --example verify_token`, as a user runs it, against a server on 127.0.0.1
//! (`GCORE_BASE_URL`).

use gcore_iam_tests::scripted::{Reply, ScriptedServer};
use serde_json::json;

fn run_example(key: &str, base_url: &str) -> std::process::Output {
    // the fixture crates' target directory: the same dependencies
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates/target");
    gcore_iam_tests::run_example("verify_token", key, base_url, &target)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_token_prints_the_account_or_the_error_with_its_hint() {
    let server = ScriptedServer::start().await;
    server.push(Reply::json(
        200,
        json!({"id": 7350925, "email": "ops@example.com", "name": null, "status": "active", "companyName": "Example",
               "deleted": false, "is_test": false, "has_active_admin": true, "currentUser": 1, "capabilities": [],
               "serviceStatuses": {}, "paidFeatures": {}, "freeFeatures": {}, "entryBaseDomain": null, "bill_type": "postpay"}),
    ));
    server.push(Reply::json(
        401,
        json!({"detail": "Bad permanent token: 29841"}),
    ));
    let base = server.base_url();

    let ok = tokio::task::spawn_blocking({
        let base = base.clone();
        move || run_example("29841_a1b2c3d4e5f6", &base)
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        stdout.contains("account id: 7350925")
            && stdout.contains("ops@example.com")
            && stdout.contains("active"),
        "{stdout}"
    );

    let bad = tokio::task::spawn_blocking({
        let base = base.clone();
        move || run_example("29841_a1b2c3d4e5f6", &base)
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr.contains("Bad permanent token: 29841") && stderr.contains("cut at the `$`"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("a1b2c3"),
        "the secret was printed: {stderr}"
    );

    // A token cut at `$` by the shell is refused before any request.
    let cut = tokio::task::spawn_blocking(move || run_example("29841", &base))
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&cut.stderr);
    assert_eq!(cut.status.code(), Some(1));
    assert!(
        stderr.contains("only a token id (29841)") && stderr.contains("single quotes"),
        "{stderr}"
    );
    assert_eq!(server.received().len(), 2, "the cut token caused a request");
    for r in server.received() {
        assert_eq!(r.header("authorization"), Some("APIKey 29841_a1b2c3d4e5f6"));
    }
}
