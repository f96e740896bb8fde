//! Scenarios from Gcore's documentation, through the generated client, against the
//! stateful fake IAM server (the `gcore-iam-fake` crate).

use gcore_iam::operations::CreateApiTokenV2Error;
use gcore_iam::types::{CreateTokenError, Group, GroupName, Token2, Token2ClientUser};
use gcore_iam::{AuthFailure, Client, Error};
use gcore_iam_fake::{CLIENT_ID, FakeGcore, Fault, Role};
use std::time::Duration;

fn client(server: &FakeGcore, key: &str) -> Client {
    gcore_iam_tests::fast_retrying_client(key, &server.base_url())
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
    let admin = server.admin();
    let first = server.admin_key().to_string();
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

    // list and show: the value is never shown again. The list and show types have no
    // field for it, so look at what the server answered.
    let secret = value.split_once('_').unwrap().1.to_string();
    let listed = c.get_api_tokens_v2(CLIENT_ID).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|t| t.id == created.id));
    let shown = c.get_api_token_v2(CLIENT_ID, created.id).await.unwrap();
    assert_eq!(shown.id, created.id);
    assert!(!format!("{listed:?}{shown:?}").contains(&secret));
    let answered = |method: &str, path: &str| -> Vec<String> {
        server
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path && r.response_status == Some(200))
            .map(|r| String::from_utf8(r.response_body).unwrap())
            .collect()
    };
    let tokens_path = format!("/iam/v2/clients/{CLIENT_ID}/tokens");
    let creations = answered("POST", &tokens_path);
    assert_eq!(creations.len(), 1);
    assert!(
        creations[0].contains(&secret),
        "the create call returns the value"
    );
    let reads: Vec<String> = answered("GET", &tokens_path)
        .into_iter()
        .chain(answered("GET", &format!("{tokens_path}/{}", created.id)))
        .collect();
    assert_eq!(reads.len(), 2, "one list and one show");
    for body in &reads {
        assert!(body.contains(&format!("\"id\":{}", created.id)), "{body}");
        assert!(
            !body.contains(&secret),
            "a read carries the token value: {body}"
        );
        assert!(
            !body.contains("\"token\""),
            "a read carries a token field: {body}"
        );
    }

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
    let key = server.token(engineer).issue();
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
    // nothing was created: the administrator's token and Eve's remain
    assert_eq!(server.live_tokens(), 2);
}

#[tokio::test]
async fn the_51st_token_is_refused_and_decodes_to_other_never_a_wrong_variant() {
    let server = FakeGcore::start().await;
    let key = server.admin_key().to_string();
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

    // a deleted token no longer counts
    let listed = c.get_api_tokens_v2(CLIENT_ID).await.unwrap();
    let victim = listed.iter().find(|t| t.name == "t1").unwrap().id;
    c.delete_api_token_v2(CLIENT_ID, victim).await.unwrap();
    assert_eq!(server.live_tokens(), 49);
    c.create_api_token_v2(CLIENT_ID, token_request("in its place", Role::Users))
        .await
        .unwrap();
    assert_eq!(server.live_tokens(), 50);
}

#[tokio::test]
async fn a_token_cut_at_the_dollar_sign_is_refused_before_sending_and_gcore_would_say_bad_permanent_token()
 {
    let server = FakeGcore::start().await;
    let user = server.add_user("Ulf", Role::Users);
    let legacy = server.token(user).legacy().issue();
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
    let key = server.token(user).issue();
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
async fn an_expired_token_is_deleted_it_stops_authenticating_leaves_the_active_list_and_frees_its_slot()
 {
    let server = FakeGcore::start().await;
    let admin = server.admin();
    let c = client(&server, server.admin_key());
    let expiring_key = server
        .token(admin)
        .role(Role::Users)
        .name("expiring")
        .expires_in(Duration::from_secs(3600))
        .issue();
    let expiring = client(&server, &expiring_key);
    expiring.get_account_details().await.unwrap();
    for i in 2..50 {
        c.create_api_token_v2(CLIENT_ID, token_request(&format!("t{i}"), Role::Users))
            .await
            .unwrap();
    }
    assert_eq!(server.live_tokens(), 50);
    let full = c
        .create_api_token_v2(CLIENT_ID, token_request("one too many", Role::Users))
        .await
        .unwrap_err();
    assert_eq!(full.status(), Some(400), "{full}");

    server.advance_time(Duration::from_secs(2 * 3600));
    let err = expiring.get_account_details().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(auth_failure(&err), Some(AuthFailure::InvalidOrExpired));
    assert!(err.to_string().contains("in the Gcore portal"), "{err}");
    // deleted automatically: marked deleted and expired, out of the active list
    // (`deleted=True` selects tokens that were not deleted, as the description says)
    let all = c.get_api_tokens_v2(CLIENT_ID).await.unwrap();
    let gone = all.iter().find(|t| t.name == "expiring").unwrap();
    assert!(gone.deleted && gone.expired, "{gone:?}");
    let active = c.get_api_tokens_v2(CLIENT_ID).deleted(true).await.unwrap();
    assert_eq!(active.len(), 49);
    assert!(active.iter().all(|t| t.name != "expiring"));
    // and its slot is free
    assert_eq!(server.live_tokens(), 49);
    c.create_api_token_v2(CLIENT_ID, token_request("in its place", Role::Users))
        .await
        .unwrap();
    let err = c
        .create_api_token_v2(CLIENT_ID, token_request("one too many again", Role::Users))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("Maximum number of API tokens (50) reached."),
        "{err}"
    );
}

#[tokio::test]
async fn the_50_token_limit_is_per_account_whoever_creates_them() {
    let server = FakeGcore::start().await;
    let eve = server.add_user("Eve", Role::Engineers);
    let eve_client = client(&server, &server.token(eve).issue());
    let admin = client(&server, server.admin_key());
    // 2 seeded, 24 by the administrator, 24 by Eve
    for i in 0..24 {
        admin
            .create_api_token_v2(CLIENT_ID, token_request(&format!("a{i}"), Role::Users))
            .await
            .unwrap();
        eve_client
            .create_api_token_v2(CLIENT_ID, token_request(&format!("e{i}"), Role::Users))
            .await
            .unwrap();
    }
    assert_eq!(server.live_tokens(), 50);
    // Eve has 25 of her own, yet the account is full for her and for the administrator
    assert_eq!(
        eve_client.get_api_tokens_v2(CLIENT_ID).await.unwrap().len(),
        25
    );
    for c in [&eve_client, &admin] {
        let err = c
            .create_api_token_v2(CLIENT_ID, token_request("51st", Role::Users))
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("Maximum number of API tokens (50) reached."),
            "{err}"
        );
    }
}

#[tokio::test]
async fn administrators_see_every_token_others_only_their_own_and_filters_apply() {
    let server = FakeGcore::start().await;
    let eng = server.add_user("Eve", Role::Engineers);
    let admin_key = server.admin_key().to_string();
    let eng_key = server.token(eng).issue();
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
    let key = server.admin_key().to_string();
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
    let key = server.admin_key().to_string();
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
    server.add_users(229);
    let key = server.admin_key().to_string();
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

#[tokio::test]
async fn the_v1_endpoint_issues_a_dollar_token_that_authenticates_and_is_not_listed_again() {
    let server = FakeGcore::start().await;
    let admin = server.admin();
    let key = server.admin_key().to_string();
    let c = client(&server, &key);
    #[allow(deprecated)] // the v1 endpoint is what is being checked
    let created = c
        .create_api_token(CLIENT_ID, token_request("legacy", Role::Users))
        .await
        .unwrap();
    let value = created
        .token
        .clone()
        .expect("the create call returns the value")
        .expose_secret()
        .to_string();
    let (id, secret) = value.split_once('$').expect("a v1 token is <id>$<secret>");
    assert_eq!(id, created.id.to_string());
    assert!(
        !secret.is_empty() && !secret.contains(['$', '_']),
        "{value}"
    );

    // the whole `$` token authenticates, sent as it is
    let legacy = client(&server, &value);
    let account = legacy.get_account_details().await.unwrap();
    assert_eq!(account.current_user, admin.user_id);
    let sent = server.requests().last().unwrap().headers["authorization"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(sent, format!("APIKey {value}"));

    // the v1 list does not carry it
    #[allow(deprecated)]
    let listed = c.get_api_tokens(CLIENT_ID).await.unwrap();
    assert!(listed.iter().any(|t| t.id == created.id));
    let list_answer = server.requests().last().unwrap().response_body.clone();
    assert!(!String::from_utf8(list_answer).unwrap().contains(secret));
}

/// Sends `GET path` as raw HTTP/1.1 with this exact header line (reqwest would lower-case
/// the name); the status and the JSON body.
async fn raw_get(server: &FakeGcore, path: &str, header_line: &str) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = server.base_url().trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{header_line}\r\nConnection: close\r\n\r\n"
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8(answer).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap())
}

#[tokio::test]
async fn the_authorization_header_name_is_case_insensitive() {
    let server = FakeGcore::start().await;
    let user = server.add_user("Ulf", Role::Users);
    let key = server.token(user).issue();
    for name in [
        "AUTHORIZATION",
        "authorization",
        "Authorization",
        "aUtHoRiZaTiOn",
    ] {
        let (status, body) =
            raw_get(&server, "/iam/clients/me", &format!("{name}: APIKey {key}")).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["currentUser"], user.user_id, "{name}");
    }
    // the name matters, its case does not
    let (status, body) = raw_get(
        &server,
        "/iam/clients/me",
        &format!("X-Authorization: APIKey {key}"),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body["detail"],
        "Authentication credentials were not provided."
    );
}

#[tokio::test]
async fn a_connection_reset_is_retried_for_get_and_reported_as_unknown_outcome_for_post() {
    let server = FakeGcore::start().await;
    let key = server.admin_key().to_string();
    let c = client(&server, &key);

    server.inject(Fault::ConnectionReset, 1);
    let tokens = c.get_api_tokens_v2(CLIENT_ID).await.unwrap();
    assert_eq!(tokens.len(), 1);
    let gets: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .collect();
    assert_eq!(gets.len(), 2, "the reset GET was retried once");
    assert_eq!(gets[0].response_status, None, "the first one got no answer");
    assert_eq!(gets[1].response_status, Some(200));

    // a POST whose connection is reset may have acted: it is not repeated, and the error
    // says the outcome is unknown
    server.inject(Fault::ConnectionReset, 1);
    let err = c
        .create_api_token_v2(CLIENT_ID, token_request("cut off", Role::Users))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_reached_server: true,
                outcome_unknown: true,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert!(
        err.to_string().contains("may have reached the server")
            && err.to_string().contains("check before repeating it"),
        "{err}"
    );
    assert_eq!(
        server.request_count("POST", "/iam/v2/clients"),
        1,
        "the POST was repeated"
    );
    // it did act: a retry would have made a second token
    assert_eq!(server.live_tokens(), 2);
}

#[tokio::test]
async fn a_post_answered_503_is_not_repeated_and_its_outcome_is_unknown() {
    let server = FakeGcore::start().await;
    let key = server.admin_key().to_string();
    let c = client(&server, &key);
    server.inject(
        Fault::Status {
            status: 503,
            retry_after: Some(0),
        },
        1,
    );
    let err = c
        .create_api_token_v2(CLIENT_ID, token_request("busy", Role::Users))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.outcome_unknown(), "{err:?}");
    assert_eq!(err.api_error().unwrap().attempts(), 1);
    assert_eq!(server.request_count("POST", "/iam/v2/clients"), 1);
    assert_eq!(server.live_tokens(), 1);
}
