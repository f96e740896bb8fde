//! `Client::rotate_token` against the fake Gcore: the documented procedure when all goes
//! well, and with a fault at each step, the account holds exactly the tokens the error
//! says it does, and a new token's value is recoverable from the error whenever it
//! reached the client.

use gcore_iam::chrono::{TimeDelta, Utc};
use gcore_iam::{AuthFailure, Client, Expiry, Role, RotationCause, RotationError};
use gcore_iam_fake::{CLIENT_ID, FakeGcore, Fault, Role as FakeRole};

fn client(fake: &FakeGcore, key: &str) -> Client {
    Client::builder(key)
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

fn id_of(key: &str) -> i64 {
    key.split(['_', '$']).next().unwrap().parse().unwrap()
}

/// Whether `key` authenticates at the fake.
async fn works(fake: &FakeGcore, key: &str) -> bool {
    match client(fake, key).get_account_details().await {
        Ok(_) => true,
        Err(e) => {
            assert_eq!(
                e.api_error().and_then(|a| a.auth_failure()),
                Some(&AuthFailure::InvalidOrExpired),
                "{e}"
            );
            false
        }
    }
}

/// The ids of the account's live tokens, as the administrator sees them.
async fn live_ids(fake: &FakeGcore) -> Vec<i64> {
    let mut ids: Vec<i64> = client(fake, fake.admin_key())
        .get_api_tokens_v2(CLIENT_ID)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| !t.deleted)
        .map(|t| t.id)
        .collect();
    ids.sort();
    ids
}

/// Eve, an engineer, and the token she rotates (her client uses it).
async fn eve_with_token(fake: &FakeGcore) -> (String, Client) {
    let eve = fake.add_user("Eve", FakeRole::Engineers);
    let key = fake
        .token(eve)
        .name("ci deploy")
        .description("deploys from CI")
        .issue();
    let c = client(fake, &key);
    (key, c)
}

fn assert_secret_not_shown(err: &RotationError, secret: &str) {
    let (_, tail) = secret.split_once('_').unwrap();
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(tail), "the secret is shown: {shown}");
    }
}

#[tokio::test]
async fn rotation_creates_a_working_token_like_the_old_one_and_deletes_the_old_one() {
    let fake = FakeGcore::start().await;
    let (old_key, eve) = eve_with_token(&fake).await;
    let old_id = id_of(&old_key);

    let rotated = eve.rotate_token(CLIENT_ID, old_id).await.unwrap();

    assert_eq!(rotated.old_token_id, old_id);
    assert_eq!(id_of(rotated.secret.expose_secret()), rotated.new_token_id);
    assert!(works(&fake, rotated.secret.expose_secret()).await);
    assert!(!works(&fake, &old_key).await);
    let admin_id = id_of(fake.admin_key());
    assert_eq!(live_ids(&fake).await, [admin_id, rotated.new_token_id]);
    let new = client(&fake, fake.admin_key())
        .get_api_token_v2(CLIENT_ID, rotated.new_token_id)
        .await
        .unwrap();
    assert_eq!(new.name, "ci deploy");
    assert_eq!(new.description.as_deref(), Some("deploys from CI"));
    assert_eq!(new.role(), Role::Engineers);
    assert_eq!(new.expires(), Ok(Expiry::Never));
    // the value appears nowhere but in the result
    assert!(!format!("{rotated:?}").contains(&rotated.secret.expose_secret()[3..]));
    // the documented order: create, check with the new token, then delete the old one
    let requests = fake.requests();
    let step = |method: &str, path: &str| {
        requests
            .iter()
            .position(|r| r.method == method && r.path.starts_with(path))
            .unwrap_or_else(|| panic!("no {method} {path}"))
    };
    let (create, check, delete) = (
        step("POST", "/iam/v2/clients/"),
        step("GET", "/iam/clients/me"),
        step("DELETE", "/iam/v2/clients/"),
    );
    assert!(create < check && check < delete);
    assert_eq!(
        requests[check].headers["authorization"],
        format!("APIKey {}", rotated.secret.expose_secret()).as_str()
    );
}

#[tokio::test]
async fn rotation_takes_a_name_a_role_and_an_expiry_or_keeps_the_old_lifetime() {
    let fake = FakeGcore::start().await;
    let eve = fake.add_user("Eve", FakeRole::Engineers);
    let month = std::time::Duration::from_secs(30 * 86_400);
    let old_key = fake.token(eve).name("monthly").expires_in(month).issue();
    let eve_client = client(&fake, &old_key);

    let kept = eve_client
        .rotate_token(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap();
    let admin = client(&fake, fake.admin_key());
    let new = admin
        .get_api_token_v2(CLIENT_ID, kept.new_token_id)
        .await
        .unwrap();
    let Ok(Expiry::At(at)) = new.expires() else {
        panic!("{:?}", new.exp_date)
    };
    let expected = Utc::now() + TimeDelta::days(30);
    assert!((at - expected).abs() < TimeDelta::minutes(1), "{at}");
    assert!(new.expires_within(TimeDelta::days(31), Utc::now()));

    let newer_client = client(&fake, kept.secret.expose_secret());
    let until = Utc::now() + TimeDelta::days(90);
    let given = newer_client
        .rotate_token(CLIENT_ID, kept.new_token_id)
        .name("quarterly")
        .role(Role::PurgeAndPrefetchOnlyApi)
        .expires(Expiry::At(until))
        .await
        .unwrap();
    let newest = admin
        .get_api_token_v2(CLIENT_ID, given.new_token_id)
        .await
        .unwrap();
    assert_eq!(newest.name, "quarterly");
    assert_eq!(newest.role(), Role::PurgeAndPrefetchOnlyApi);
    let Ok(Expiry::At(at)) = newest.expires() else {
        panic!("{:?}", newest.exp_date)
    };
    assert!((at - until).abs() < TimeDelta::seconds(1));
}

#[tokio::test]
async fn create_refused_leaves_the_account_unchanged() {
    let fake = FakeGcore::start().await;
    let (old_key, eve) = eve_with_token(&fake).await;
    // Gcore's limit: 50 tokens per account, two exist
    let filler = fake.add_user("Filler", FakeRole::Users);
    for _ in 0..48 {
        let _ = fake.token(filler).issue();
    }
    let before = live_ids(&fake).await;

    let err = eve
        .rotate_token(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap_err();

    let RotationError::Unchanged {
        cause: RotationCause::Create(create),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(create.status(), Some(400));
    assert!(err.new_secret().is_none());
    assert_eq!(live_ids(&fake).await, before);
    assert!(works(&fake, &old_key).await);
    assert!(err.to_string().contains("nothing changed"), "{err}");
}

#[tokio::test]
async fn create_failing_with_a_server_error_is_looked_up_not_repeated() {
    let fake = FakeGcore::start().await;
    let (old_key, eve) = eve_with_token(&fake).await;
    let before = live_ids(&fake).await;
    let status = Fault::Status {
        status: 500,
        retry_after: None,
    };
    fake.inject_on("POST", "/iam/v2/clients/", status, 1);

    let err = eve
        .rotate_token(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap_err();

    assert!(
        matches!(
            &err,
            RotationError::Unchanged {
                cause: RotationCause::Create(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.request_count("POST", "/"), 1, "never repeated");
    assert_eq!(live_ids(&fake).await, before);
    assert!(works(&fake, &old_key).await);
}

#[tokio::test]
async fn connection_reset_after_create_names_the_token_nobody_can_use() {
    let fake = FakeGcore::start().await;
    let (old_key, eve) = eve_with_token(&fake).await;
    let before = live_ids(&fake).await;
    fake.inject_on("POST", "/iam/v2/clients/", Fault::ConnectionReset, 1);

    let err = eve
        .rotate_token(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap_err();

    let RotationError::NewTokenUnusable { new_token_ids, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(new_token_ids.len(), 1);
    let orphan = new_token_ids[0];
    // the account holds what the error says: the old token, working, and the orphan
    let mut expected = before.clone();
    expected.push(orphan);
    expected.sort();
    assert_eq!(live_ids(&fake).await, expected);
    assert!(works(&fake, &old_key).await);
    // its value never reached the client: there is none to recover
    assert!(err.new_secret().is_none());
    assert_eq!(fake.request_count("POST", "/"), 1, "never repeated");
    assert!(err.to_string().contains(&orphan.to_string()), "{err}");
    // and it can be cleaned up as the error says
    eve.delete_api_token_v2(CLIENT_ID, orphan).await.unwrap();
    assert_eq!(live_ids(&fake).await, before);
}

#[tokio::test]
async fn failed_check_keeps_the_old_token_and_hands_over_the_new_one() {
    let fake = FakeGcore::start().await;
    let (old_key, eve) = eve_with_token(&fake).await;
    let status = Fault::Status {
        status: 500,
        retry_after: None,
    };
    fake.inject_on("GET", "/iam/clients/me", status, 1);

    let err = eve
        .rotate_token(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap_err();

    let RotationError::NewTokenUnverified {
        new_token_id,
        cause: RotationCause::Check(_),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    let new_token_id = *new_token_id;
    let secret = err.new_secret().unwrap().expose_secret().to_string();
    assert_secret_not_shown(&err, &secret);
    assert_eq!(id_of(&secret), new_token_id);
    // both tokens exist and work; nothing was deleted
    assert!(works(&fake, &old_key).await);
    assert!(works(&fake, &secret).await);
    assert!(live_ids(&fake).await.contains(&new_token_id));
    assert!(live_ids(&fake).await.contains(&id_of(&old_key)));
    assert_eq!(fake.request_count("DELETE", "/"), 0);
    assert_eq!(err.old_token_present(), Some(true));
}

#[tokio::test]
async fn failed_delete_says_both_tokens_exist_and_hands_over_the_new_one() {
    let fake = FakeGcore::start().await;
    let (old_key, eve) = eve_with_token(&fake).await;
    let status = Fault::Status {
        status: 500,
        retry_after: None,
    };
    fake.inject_on("DELETE", "/iam/v2/clients/", status, 1);

    let err = eve
        .rotate_token(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap_err();

    let RotationError::OldTokenNotDeleted {
        old_token_id,
        new_token_id,
        cause: RotationCause::Delete(_),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*old_token_id, id_of(&old_key));
    let secret = err.new_secret().unwrap().expose_secret().to_string();
    assert_secret_not_shown(&err, &secret);
    assert_eq!(id_of(&secret), *new_token_id);
    assert!(works(&fake, &old_key).await);
    assert!(works(&fake, &secret).await);
    let admin_id = id_of(fake.admin_key());
    let mut expected = vec![admin_id, *old_token_id, *new_token_id];
    expected.sort();
    assert_eq!(live_ids(&fake).await, expected);
    assert_eq!(fake.request_count("POST", "/"), 1);
    // finishing by hand, with the recovered value, as the error says
    let new = client(&fake, &secret);
    new.delete_api_token_v2(CLIENT_ID, *old_token_id)
        .await
        .unwrap();
    assert!(!works(&fake, &old_key).await);
}

#[tokio::test]
async fn a_delete_whose_answer_is_lost_still_ends_rotated() {
    let fake = FakeGcore::start().await;
    let (old_key, eve) = eve_with_token(&fake).await;
    // the delete acts, then the connection is reset; the retry meets a deleted token
    fake.inject_on("DELETE", "/iam/v2/clients/", Fault::ConnectionReset, 1);

    let rotated = eve.rotate_token(CLIENT_ID, id_of(&old_key)).await.unwrap();

    assert!(!works(&fake, &old_key).await);
    assert!(works(&fake, rotated.secret.expose_secret()).await);
    assert_eq!(
        live_ids(&fake).await,
        [id_of(fake.admin_key()), rotated.new_token_id]
    );
}

#[tokio::test]
async fn an_administrator_rotates_another_users_token() {
    let fake = FakeGcore::start().await;
    let (old_key, _) = eve_with_token(&fake).await;
    let admin = client(&fake, fake.admin_key());

    let rotated = admin
        .rotate_token(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap();

    assert!(!works(&fake, &old_key).await);
    let new = admin
        .get_api_token_v2(CLIENT_ID, rotated.new_token_id)
        .await
        .unwrap();
    assert_eq!(new.role(), Role::Engineers);
    // Gcore's rule: the new token is its creator's
    assert_eq!(new.client_user.user_id, fake.admin().user_id);
}

#[tokio::test]
async fn a_deleted_token_is_not_rotated() {
    let fake = FakeGcore::start().await;
    let (old_key, _) = eve_with_token(&fake).await;
    let admin = client(&fake, fake.admin_key());
    admin
        .delete_api_token_v2(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap();

    let err = admin
        .rotate_token(CLIENT_ID, id_of(&old_key))
        .await
        .unwrap_err();

    assert!(
        matches!(
            err,
            RotationError::Unchanged {
                cause: RotationCause::OldTokenGone,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.request_count("POST", "/"), 0);
}

/// Gcore's token as a scripted server sends it; `last_usage` as given (a new token may
/// never have been used).
fn scripted_token(id: i64, last_usage: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"id": id, "name": "ci deploy", "exp_date": null, "deleted": false, "expired": false,
        "created": "2026-11-24T10:00:00Z", "last_usage": last_usage,
        "client_user": {"deleted": false, "user_id": 1, "user_name": "Ops", "user_email": "ops@example.com",
                        "client_id": CLIENT_ID, "role": {"id": 5, "name": "Engineers"}}})
}

#[tokio::test]
async fn a_created_token_whose_answer_does_not_decode_is_still_handed_over() {
    use gcore_iam_tests::scripted::{Reply, ScriptedServer};
    let server = ScriptedServer::start().await;
    let old = scripted_token(41, serde_json::json!("2026-11-25T10:00:00Z"));
    server.push(Reply::json(200, old.clone()));
    server.push(Reply::json(200, serde_json::json!([old])));
    // the create answer has `last_usage: null`, which the description does not allow
    let mut created = scripted_token(42, serde_json::Value::Null);
    created["token"] = serde_json::json!("42_n3wt0k3nvalue");
    server.push(Reply::json(200, created));
    server.push(Reply::json(
        200,
        serde_json::json!({"id": CLIENT_ID, "email": "ops@example.com", "name": null, "status": "active",
            "companyName": "Example", "deleted": false, "is_test": false, "has_active_admin": true,
            "currentUser": 1, "capabilities": [], "serviceStatuses": {}, "paidFeatures": {},
            "freeFeatures": {}, "entryBaseDomain": null, "bill_type": "postpay"}),
    ));
    server.push(Reply::Respond {
        status: 204,
        headers: vec![],
        body: vec![],
    });
    let c = Client::builder("41_0ldt0k3nvalue")
        .base_url(server.base_url())
        .build()
        .unwrap();

    let rotated = c.rotate_token(CLIENT_ID, 41).await.unwrap();

    assert_eq!(rotated.secret.expose_secret(), "42_n3wt0k3nvalue");
    assert_eq!(rotated.new_token_id, 42);
    let got = server.received();
    let methods: Vec<&str> = got.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "GET", "POST", "GET", "DELETE"]);
    assert_eq!(
        got[3].header("authorization"),
        Some("APIKey 42_n3wt0k3nvalue")
    );
    assert!(got[4].target.ends_with("/tokens/41"), "{}", got[4].target);
}

#[tokio::test]
async fn a_lost_create_answer_without_a_token_list_is_reported_as_unknown() {
    use gcore_iam_tests::scripted::{Reply, ScriptedServer};
    let server = ScriptedServer::start().await;
    let old = scripted_token(41, serde_json::json!("2026-11-25T10:00:00Z"));
    server.push(Reply::json(200, old.clone()));
    // the list before creating fails (not retried), the create's answer is lost
    server.push(Reply::json(500, serde_json::json!({"detail": "oops"})));
    server.push(Reply::Reset);
    server.fallback(Reply::json(200, serde_json::json!([old])));
    let c = Client::builder("41_0ldt0k3nvalue")
        .base_url(server.base_url())
        .build()
        .unwrap();

    let err = c.rotate_token(CLIENT_ID, 41).await.unwrap_err();

    let RotationError::CreateOutcomeUnknown {
        name,
        cause: RotationCause::Create(create),
        lookup,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(name, "ci deploy");
    assert!(create.outcome_unknown(), "{create}");
    assert_eq!(lookup.status(), Some(500));
    assert!(err.new_secret().is_none());
    let methods: Vec<String> = server.received().iter().map(|r| r.method.clone()).collect();
    assert_eq!(
        methods,
        ["GET", "GET", "POST"],
        "nothing after the lost create"
    );
    assert!(err.to_string().contains("\"ci deploy\""), "{err}");
}
