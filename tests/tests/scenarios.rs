//! Scenarios from Gcore's documentation, through the generated client, against the
//! stateful fake IAM server (tests/src/fake_gcore.rs).

use gcore_iam::operations::CreateApiTokenV2Error;
use gcore_iam::types::{CreateTokenError, Group, GroupName, Token2, Token2ClientUser};
use gcore_iam::{AuthFailure, Client, Error, RetryPolicy};
use gcore_iam_tests::fake_gcore::{CLIENT_ID, FakeGcore, Fault, Role};
use std::time::Duration;

fn client(server: &FakeGcore, key: &str) -> Client {
    Client::builder(key)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn token_request(name: &str, role: Role) -> Token2 {
    Token2::new(
        name,
        None,
        Token2ClientUser::default().with_role(Group::default().with_id(role.id())),
    )
}

fn auth_failure<E: std::fmt::Debug>(err: &Error<E>) -> Option<AuthFailure> {
    err.api_error().and_then(|e| e.auth_failure().cloned())
}

#[tokio::test]
async fn verify_create_use_list_rotate_and_the_old_token_is_refused_with_the_right_hint() {
    let server = FakeGcore::start().await;
    let admin = server.add_user("Ada", Role::Administrators);
    let first = server.issue_token(admin, Role::Administrators, None, true);
    let c = client(&server, &first);

    // verify
    let account = c.get_account_details().await.unwrap();
    assert_eq!(account.id, CLIENT_ID);
    assert_eq!(account.current_user, admin.user_id);

    // create a v2 token: `_` separator, the value shown once
    let created = c
        .create_api_token_v2(CLIENT_ID, token_request("deploy", Role::Engineers))
        .await
        .unwrap();
    let value = created
        .token
        .clone()
        .expect("the create call returns the value")
        .expose_secret()
        .to_string();
    assert!(value.starts_with(&format!("{}_", created.id)), "{value}");
    assert_eq!(created.client_user.role.name, Some(GroupName::Engineers));

    // use it
    let with_new = client(&server, &value);
    with_new.get_account_details().await.unwrap();

    // list: the value is never listed again
    let listed = c.get_api_tokens_v2(CLIENT_ID).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.method != "GET" || !String::from_utf8_lossy(&r.body).contains(&value))
    );

    // rotate: create the new one, switch, delete the old one
    let rotated = with_new
        .create_api_token_v2(
            CLIENT_ID,
            token_request("deploy (rotated)", Role::Engineers),
        )
        .await
        .unwrap();
    let rotated_value = rotated.token.unwrap().expose_secret().to_string();
    let switched = client(&server, &rotated_value);
    switched
        .delete_api_token_v2(CLIENT_ID, created.id)
        .await
        .unwrap();

    // the old token is refused at once, with the documented message and its hint
    let err = with_new.get_account_details().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(auth_failure(&err), Some(AuthFailure::InvalidOrExpired));
    assert!(err.to_string().contains("create a new token"), "{err}");
    switched.get_account_details().await.unwrap();
}

#[tokio::test]
async fn a_token_above_ones_own_role_is_refused_as_role_too_high_and_an_unknown_role_as_invalid() {
    let server = FakeGcore::start().await;
    let engineer = server.add_user("Eve", Role::Engineers);
    let key = server.issue_token(engineer, Role::Engineers, None, true);
    let c = client(&server, &key);

    let err = c
        .create_api_token_v2(
            CLIENT_ID,
            token_request("admin please", Role::Administrators),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.body(),
            Some(CreateApiTokenV2Error::BadRequest(
                CreateTokenError::RoleTooHigh(_)
            ))
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("client_user.role: Can't create token with role Administrators"),
        "{err}"
    );

    let unknown = Token2::new(
        "x",
        None,
        Token2ClientUser::default().with_role(Group::default().with_id(100)),
    );
    let err = c.create_api_token_v2(CLIENT_ID, unknown).await.unwrap_err();
    assert!(
        matches!(
            err.body(),
            Some(CreateApiTokenV2Error::BadRequest(
                CreateTokenError::InvalidRole(_)
            ))
        ),
        "{err:?}"
    );
    assert_eq!(server.live_tokens(), 1);
}

#[tokio::test]
async fn the_51st_token_is_refused_and_decodes_to_other_never_a_wrong_variant() {
    let server = FakeGcore::start().await;
    let admin = server.add_user("Ada", Role::Administrators);
    let key = server.issue_token(admin, Role::Administrators, None, true);
    let c = client(&server, &key);
    for i in 1..50 {
        c.create_api_token_v2(CLIENT_ID, token_request(&format!("t{i}"), Role::Users))
            .await
            .unwrap();
    }
    assert_eq!(server.live_tokens(), 50);
    let err = c
        .create_api_token_v2(CLIENT_ID, token_request("one too many", Role::Users))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(
        matches!(
            err.body(),
            Some(CreateApiTokenV2Error::BadRequest(CreateTokenError::Other(
                _
            )))
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("Maximum number of API tokens (50) reached."),
        "{err}"
    );
    assert_eq!(server.live_tokens(), 50);
}

#[tokio::test]
async fn a_token_cut_at_the_dollar_sign_is_refused_before_sending_and_gcore_would_say_bad_permanent_token()
 {
    let server = FakeGcore::start().await;
    let user = server.add_user("Ulf", Role::Users);
    let legacy = server.issue_token(user, Role::Users, None, false);
    let id = legacy.split('$').next().unwrap().to_string();
    assert!(legacy.contains('$'));

    // the whole legacy token works
    client(&server, &legacy)
        .get_account_details()
        .await
        .unwrap();
    // a shell cut it at `$`: refused by the client, no request
    let before = server.requests().len();
    let err = Client::builder(&id)
        .base_url(server.base_url())
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!("only a token id ({id})")),
        "{err}"
    );
    assert_eq!(server.requests().len(), before);
    // what Gcore answers if such a token is sent anyway
    let resp = reqwest::Client::new()
        .get(format!("{}/iam/clients/me", server.base_url()))
        .header("AUTHORIZATION", format!("APIKey {id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.json::<serde_json::Value>().await.unwrap()["detail"],
        format!("Bad permanent token: {id}")
    );
}

#[tokio::test]
async fn bearer_by_mistake_is_refused_by_the_client_and_by_gcore_with_the_documented_message() {
    let server = FakeGcore::start().await;
    let user = server.add_user("Bo", Role::Users);
    let key = server.issue_token(user, Role::Users, None, true);
    let err = Client::builder(&format!("Bearer {key}"))
        .base_url(server.base_url())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("APIKey scheme"), "{err}");
    let resp = reqwest::Client::new()
        .get(format!("{}/iam/clients/me", server.base_url()))
        .header("authorization", format!("Bearer {key}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<serde_json::Value>().await.unwrap()["detail"],
        "Given token not valid for any token type"
    );
    // and no header at all
    let resp = reqwest::Client::new()
        .get(format!("{}/iam/clients/me", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<serde_json::Value>().await.unwrap()["detail"],
        "Authentication credentials were not provided."
    );
}

#[tokio::test]
async fn an_expired_token_stops_authenticating() {
    let server = FakeGcore::start().await;
    let user = server.add_user("Ivy", Role::Users);
    let soon = chrono::Utc::now() + chrono::Duration::hours(1);
    let key = server.issue_token(user, Role::Users, Some(soon), true);
    let c = client(&server, &key);
    c.get_account_details().await.unwrap();
    server.advance_time(Duration::from_secs(2 * 3600));
    let err = c.get_account_details().await.unwrap_err();
    assert_eq!(auth_failure(&err), Some(AuthFailure::InvalidOrExpired));
}

#[tokio::test]
async fn administrators_see_every_token_others_only_their_own_and_filters_apply() {
    let server = FakeGcore::start().await;
    let admin = server.add_user("Ada", Role::Administrators);
    let eng = server.add_user("Eve", Role::Engineers);
    let admin_key = server.issue_token(admin, Role::Administrators, None, true);
    let eng_key = server.issue_token(eng, Role::Engineers, None, true);
    let a = client(&server, &admin_key);
    let e = client(&server, &eng_key);
    let eng_token = e
        .create_api_token_v2(CLIENT_ID, token_request("eve's", Role::Users))
        .await
        .unwrap();

    assert_eq!(a.get_api_tokens_v2(CLIENT_ID).await.unwrap().len(), 3);
    let own = e.get_api_tokens_v2(CLIENT_ID).await.unwrap();
    assert_eq!(own.len(), 2);
    assert!(own.iter().all(|t| t.client_user.user_id == eng.user_id));
    // Eve cannot see or delete Ada's token
    let admin_token_id: i64 = admin_key.split('_').next().unwrap().parse().unwrap();
    assert_eq!(
        e.get_api_token_v2(CLIENT_ID, admin_token_id)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    assert_eq!(
        e.delete_api_token_v2(CLIENT_ID, admin_token_id)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    // filters
    assert_eq!(
        a.get_api_tokens_v2(CLIENT_ID)
            .issued_by(eng.user_id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        a.get_api_tokens_v2(CLIENT_ID)
            .not_issued_by(eng.user_id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        a.get_api_tokens_v2(CLIENT_ID)
            .role("Users")
            .await
            .unwrap()
            .len(),
        1
    );
    a.delete_api_token_v2(CLIENT_ID, eng_token.id)
        .await
        .unwrap();
    // as documented upstream: deleted=True selects tokens that were NOT deleted
    assert_eq!(
        a.get_api_tokens_v2(CLIENT_ID)
            .deleted(true)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        a.get_api_tokens_v2(CLIENT_ID)
            .deleted(false)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn get_retries_under_429_and_503_and_post_is_not_repeated_after_a_timeout() {
    let server = FakeGcore::start().await;
    let admin = server.add_user("Ada", Role::Administrators);
    let key = server.issue_token(admin, Role::Administrators, None, true);
    let c = client(&server, &key);

    server.inject(
        Fault::Status {
            status: 429,
            retry_after: Some(0),
        },
        1,
    );
    server.inject(
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    );
    c.get_api_tokens_v2(CLIENT_ID).await.unwrap();
    assert_eq!(server.request_count("GET", "/iam/v2/clients"), 3);

    let slow = Client::builder(&key)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    server.inject(Fault::Delay(Duration::from_secs(2)), 1);
    let err = slow
        .create_api_token_v2(CLIENT_ID, token_request("slow", Role::Users))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { .. }) && err.outcome_unknown(),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(
        server.request_count("POST", "/iam/v2/clients"),
        1,
        "the POST was repeated"
    );
    // the server did create it: that is why the outcome is unknown, and why a retry would make two
    assert_eq!(server.live_tokens(), 2);
}

#[tokio::test]
async fn malformed_json_and_deprecation_headers_from_the_server() {
    let server = FakeGcore::start().await;
    let admin = server.add_user("Ada", Role::Administrators);
    let key = server.issue_token(admin, Role::Administrators, None, true);
    let c = client(&server, &key);
    server.inject(Fault::MalformedJson, 1);
    assert!(matches!(
        c.get_account_details().await,
        Err(Error::Decode(_))
    ));
    server.inject(
        Fault::DeprecationHeaders {
            deprecation: "@1767225600".into(),
            sunset: Some("Fri, 17 Jul 2026 00:00:00 GMT".into()),
        },
        1,
    );
    c.get_account_details().await.unwrap();
}

#[tokio::test]
async fn pagination_reads_all_230_users() {
    let server = FakeGcore::start().await;
    let admin = server.add_user("Ada", Role::Administrators);
    server.add_users(229);
    let key = server.issue_token(admin, Role::Administrators, None, true);
    let c = client(&server, &key);
    let all = c.all_users(50).await.unwrap();
    assert_eq!(all.len(), 230);
    let mut ids: Vec<i64> = all.iter().map(|u| u.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), 230, "a user was read twice");
    assert_eq!(server.request_count("GET", "/iam/users"), 5);
    // without limit, one response carries everyone
    assert_eq!(c.get_users().await.unwrap().results.len(), 230);
}
