//! The generated client and its runtime against a scripted HTTP server on 127.0.0.1:
//! what the server received, and what the caller got.

use gcore_iam::operations::{CreateApiTokenV2Error, GetAccountDetailsError};
use gcore_iam::types::CreateTokenError;
use gcore_iam::{Client, Error, RetryPolicy};
use gcore_iam_tests::scripted::{Reply, ScriptedServer};
use gcore_iam_tests::{KEY, account, client, new_token, token_response};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn the_api_key_is_sent_with_the_apikey_scheme() {
    let server = ScriptedServer::start().await;
    server.push(Reply::json(200, account()));
    let account = client(&server).get_account_details().await.unwrap();
    assert_eq!(account.id, 7350925);
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method, "GET");
    assert_eq!(got[0].target, "/iam/clients/me");
    assert_eq!(
        got[0].header("authorization"),
        Some(format!("APIKey {KEY}").as_str())
    );
    assert!(
        got[0]
            .header("user-agent")
            .unwrap()
            .starts_with("gcore-iam-rust/")
    );
}

#[tokio::test]
async fn exp_date_is_sent_as_null_and_unset_optional_fields_are_left_out() {
    let server = ScriptedServer::start().await;
    server.push(Reply::json(
        200,
        token_response(9, Some("9_secretsecretsecret")),
    ));
    let created = client(&server)
        .create_api_token_v2(7350925, new_token(5))
        .await
        .unwrap();
    let body = server.received()[0].json();
    assert_eq!(
        body,
        json!({"name": "CI deploy", "exp_date": null, "client_user": {"role": {"id": 5}}})
    );
    assert_eq!(
        server.received()[0].target,
        "/iam/v2/clients/7350925/tokens"
    );
    assert_eq!(
        server.received()[0].header("content-type"),
        Some("application/json")
    );
    // the token value is a secret: readable on purpose only
    assert_eq!(
        created.token.as_ref().unwrap().expose_secret(),
        "9_secretsecretsecret"
    );
    assert!(!format!("{created:?}").contains("secretsecret"));
}

#[tokio::test]
async fn optional_query_parameters_are_sent_only_when_set() {
    let server = ScriptedServer::start().await;
    server
        .push(Reply::json(200, json!([])))
        .push(Reply::json(200, json!([])));
    let c = client(&server);
    c.get_api_tokens_v2(7350925).await.unwrap();
    c.get_api_tokens_v2(7350925)
        .role("Engineers")
        .issued_by(12)
        .deleted(true)
        .await
        .unwrap();
    let got = server.received();
    assert_eq!(got[0].target, "/iam/v2/clients/7350925/tokens");
    assert_eq!(
        got[1].target,
        "/iam/v2/clients/7350925/tokens?role=Engineers&issued_by=12&deleted=true"
    );
}

#[tokio::test]
async fn both_create_token_error_examples_decode_to_their_own_variant_and_others_to_other() {
    let server = ScriptedServer::start().await;
    let invalid = json!({"errors": {"client_user": {"role": ["Invalid role: RoleName"]}}});
    let too_high = json!({"errors": {"client_user": {"role": ["Can't create token with role Administrators"]}}});
    let unknown = json!({"errors": {"name": ["This field is required."]}});
    server
        .push(Reply::json(400, invalid.clone()))
        .push(Reply::json(400, too_high))
        .push(Reply::json(400, unknown.clone()));
    let c = client(&server);

    let err = c.create_api_token_v2(1, new_token(100)).await.unwrap_err();
    match err.body() {
        Some(CreateApiTokenV2Error::BadRequest(CreateTokenError::InvalidRole(_))) => {}
        other => panic!("expected InvalidRole, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("client_user.role: Invalid role: RoleName"),
        "{err}"
    );

    let err = c.create_api_token_v2(1, new_token(1)).await.unwrap_err();
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

    let err = c.create_api_token_v2(1, new_token(5)).await.unwrap_err();
    match err.body() {
        Some(CreateApiTokenV2Error::BadRequest(CreateTokenError::Other(raw))) => {
            assert_eq!(raw, &unknown)
        }
        other => panic!("expected Other, got {other:?}"),
    }
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn get_is_retried_under_503_and_429_honouring_retry_after() {
    let server = ScriptedServer::start().await;
    server
        .push(Reply::json(503, json!({"detail": "busy"})))
        .push(Reply::json(429, json!({"detail": "slow down"})).with_header("retry-after", "0"))
        .push(Reply::json(200, account()));
    let account = client(&server).get_account_details().await.unwrap();
    assert_eq!(account.email, "ops@example.com");
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn get_gives_up_after_the_configured_retries_and_reports_retry_after() {
    let server = ScriptedServer::start().await;
    server.fallback(
        Reply::json(429, json!({"detail": "Request was throttled."}))
            .with_header("retry-after", "0"),
    );
    let err = client(&server).get_account_details().await.unwrap_err();
    assert_eq!(server.received().len(), 3, "1 attempt + 2 retries");
    assert_eq!(err.status(), Some(429));
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::json(503, json!({})));
    let c = Client::builder(KEY)
        .base_url(server.base_url())
        .retries(0)
        .build()
        .unwrap();
    let _ = c.get_account_details().await.unwrap_err();
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn create_token_is_not_retried_after_503_and_the_outcome_is_unknown() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::json(503, json!({"detail": "busy"})));
    let err = client(&server)
        .create_api_token_v2(1, new_token(5))
        .await
        .unwrap_err();
    assert_eq!(
        server.received().len(),
        1,
        "a POST was repeated: it could create a second token"
    );
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn create_token_is_not_retried_after_a_timeout() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::Delay(
        Duration::from_secs(5),
        Box::new(Reply::json(200, token_response(1, Some("1_xxxxxxxxxxxx")))),
    ));
    let c = Client::builder(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = c.create_api_token_v2(1, new_token(5)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                attempts: 1,
                outcome_unknown: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("outcome is unknown"), "{err}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn without_timeout_a_slow_answer_arrives_where_the_timeout_gave_up() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::Delay(
        Duration::from_millis(600),
        Box::new(Reply::json(200, account())),
    ));
    let builder = || {
        Client::builder(KEY)
            .base_url(server.base_url())
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_millis(200))
    };
    let err = builder().build().unwrap().get_account_details().await;
    assert!(
        matches!(err, Err(Error::Timeout { .. })),
        "the timeout applies: {err:?}"
    );
    let account = builder()
        .without_timeout()
        .build()
        .unwrap()
        .get_account_details()
        .await
        .expect("no timeout: the slow answer arrives");
    assert_eq!(account.id, 7350925);
}

#[tokio::test]
async fn create_token_is_retried_when_the_connection_was_refused() {
    // a port nothing listens on: the request provably never reached a server
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::builder(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let err = c.create_api_token_v2(1, new_token(5)).await.unwrap_err();
    match &err {
        Error::Transport {
            may_have_reached_server,
            outcome_unknown,
            attempts,
            ..
        } => {
            assert!(!may_have_reached_server);
            assert!(!outcome_unknown);
            assert_eq!(*attempts, 3);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(
        err.to_string().contains("never reached the server"),
        "{err}"
    );
}

#[tokio::test]
async fn get_is_retried_after_a_connection_reset_but_post_is_not() {
    let server = ScriptedServer::start().await;
    server.push(Reply::Reset).push(Reply::json(200, account()));
    client(&server).get_account_details().await.unwrap();
    assert_eq!(server.received().len(), 2);

    let server = ScriptedServer::start().await;
    server
        .push(Reply::Reset)
        .push(Reply::json(200, token_response(1, Some("1_xxxxxxxxxxxx"))));
    let err = client(&server)
        .create_api_token_v2(1, new_token(5))
        .await
        .unwrap_err();
    assert_eq!(server.received().len(), 1);
    assert!(err.outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn the_four_documented_401_messages_come_with_their_fix() {
    let cases = [
        (
            "Authentication credentials were not provided.",
            "set GCORE_API_KEY",
        ),
        ("Bad permanent token: 29841", "cut at the `$`"),
        ("Token is invalid or expired", "create a new token"),
        ("Given token not valid for any token type", "not `Bearer`"),
    ];
    for (detail, hint) in cases {
        let server = ScriptedServer::start().await;
        server.push(Reply::json(401, json!({ "detail": detail })));
        let err = client(&server).get_account_details().await.unwrap_err();
        assert!(
            matches!(err.body(), Some(GetAccountDetailsError::Unauthorized)),
            "{err:?}"
        );
        let shown = err.to_string();
        assert!(shown.contains(detail) && shown.contains(hint), "{shown}");
        assert!(err.api_error().unwrap().auth_failure().is_some());
    }
}

#[tokio::test]
async fn a_malformed_success_body_is_a_decode_error_with_status_path_and_excerpt() {
    let server = ScriptedServer::start().await;
    server.push(Reply::raw(
        200,
        "{\"id\": \"not a number\", \"token\": \"77_leakyleakyleaky\"}",
    ));
    let err = client(&server).get_account_details().await.unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.status, 200);
            assert_eq!(d.path, "id");
            assert!(d.excerpt.contains("not a number"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("leakyleaky"), "secret in {shown}");
    }
    let server = ScriptedServer::start().await;
    server.push(Reply::raw(200, "\u{1}\u{0}garbage{{{"));
    assert!(matches!(
        client(&server).get_account_details().await,
        Err(Error::Decode(_))
    ));
}

#[tokio::test]
#[allow(deprecated)]
async fn a_v1_call_after_the_removal_date_says_so_and_names_the_replacement() {
    let server = ScriptedServer::start().await;
    server
        .push(Reply::json(404, json!({"detail": "Not found."})))
        .push(Reply::json(410, json!({})));
    let c = client(&server);
    let err = c.create_api_token(7350925, new_token(5)).await.unwrap_err();
    let shown = err.to_string();
    assert!(matches!(err, Error::Removed { status: 404, .. }), "{err:?}");
    assert!(
        shown.contains("scheduled this endpoint for removal on 2026-07-17")
            && shown.contains("Client::create_api_token_v2"),
        "{shown}"
    );
    let err = c.get_api_tokens(7350925).await.unwrap_err();
    assert!(
        err.to_string().contains("Client::get_api_tokens_v2"),
        "{err}"
    );
}

#[tokio::test]
async fn users_stream_pages_through_every_user() {
    let server = ScriptedServer::start().await;
    let user = |id: i64| {
        json!({"id": id, "email": format!("u{id}@example.com"), "name": null, "lang": "en", "phone": null, "company": "Example",
               "reseller": 1, "client": 7350925, "deleted": false, "groups": [{"id": 2, "name": "Users"}], "activated": true,
               "sso_auth": false, "two_fa": false, "auth_types": ["password"], "user_type": "common", "is_active": true,
               "client_and_roles": []})
    };
    for page in 0..3 {
        let ids: Vec<_> = (page * 2..(page * 2 + 2).min(5)).map(user).collect();
        server.push(Reply::json(
            200,
            json!({"count": 5, "next": null, "previous": null, "results": ids}),
        ));
    }
    let users = client(&server).all_users(2).await.unwrap();
    assert_eq!(
        users.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![0, 1, 2, 3, 4]
    );
    let targets: Vec<String> = server.received().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        vec![
            "/iam/users?limit=2&offset=0",
            "/iam/users?limit=2&offset=2",
            "/iam/users?limit=2&offset=4"
        ]
    );
}

#[tokio::test]
async fn every_public_type_holding_a_secret_prints_no_secret() {
    let key = gcore_iam::ApiKey::parse(KEY).unwrap();
    let c = Client::builder(KEY)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let builder = Client::builder(KEY);
    let secret = gcore_iam::SecretString::from("9_secretsecretsecret");
    let login = gcore_iam::types::LoginRequest::new("user@example.com", "hunter2hunter2")
        .with_one_time_password("123456");
    let shown = [
        format!("{key}"),
        format!("{key:?}"),
        format!("{c:?}"),
        format!("{builder:?}"),
        format!("{secret}"),
        format!("{secret:?}"),
        format!("{login:?}"),
        format!(
            "{:?}",
            gcore_iam::ApiKey::parse("Bearer 42_a1b2c3d4e5f6a7b8").unwrap_err()
        ),
        format!(
            "{}",
            gcore_iam::ApiKey::parse("Bearer 42_a1b2c3d4e5f6a7b8").unwrap_err()
        ),
        format!("{:?}", Client::new("42_a1b2c3d4e5f6a7b8 x").unwrap_err()),
    ];
    for s in shown {
        for leaked in ["a1b2c3d4", "secretsecret", "hunter2"] {
            assert!(!s.contains(leaked), "{leaked} in {s}");
        }
    }
}

#[tokio::test]
async fn the_request_id_is_reported_and_a_caller_supplied_http_client_is_used() {
    let server = ScriptedServer::start().await;
    server.push(
        Reply::json(
            403,
            json!({"detail": "You do not have permission to perform this action."}),
        )
        .with_header("x-request-id", "req-7f3a"),
    );
    server.push(Reply::json(200, account()));
    let http = reqwest::Client::builder()
        .default_headers(
            [(
                reqwest::header::HeaderName::from_static("x-from-caller-client"),
                reqwest::header::HeaderValue::from_static("yes"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let c = Client::builder(KEY)
        .base_url(server.base_url())
        .http_client(http)
        .build()
        .unwrap();
    let err = c.get_api_tokens_v2(1).await.unwrap_err();
    assert_eq!(err.request_id(), Some("req-7f3a"));
    assert!(err.to_string().contains("request id: req-7f3a"), "{err}");
    assert!(!err.is_retryable());
    c.get_account_details().await.unwrap();
    let got = server.received();
    assert_eq!(got.len(), 2);
    for r in &got {
        assert_eq!(r.header("x-from-caller-client"), Some("yes"));
        assert_eq!(
            r.header("authorization"),
            Some(format!("APIKey {KEY}").as_str())
        );
    }
}

/// The `User-Agent` the server receives for a builder and, optionally, a caller-supplied
/// HTTP client with its own.
async fn user_agent_received(builder_ua: Option<&str>, client_ua: Option<Option<&str>>) -> String {
    let server = ScriptedServer::start().await;
    server.push(Reply::json(200, account()));
    let mut b = Client::builder(KEY).base_url(server.base_url());
    if let Some(ua) = builder_ua {
        b = b.user_agent(ua);
    }
    if let Some(client_ua) = client_ua {
        let mut http = reqwest::Client::builder();
        if let Some(ua) = client_ua {
            http = http.user_agent(ua);
        }
        b = b.http_client(http.build().unwrap());
    }
    b.build().unwrap().get_account_details().await.unwrap();
    let got = server.received();
    assert_eq!(got.len(), 1);
    got[0].header("user-agent").unwrap_or("<none>").to_string()
}

#[tokio::test]
async fn the_user_agent_rule_an_explicit_one_wins_else_the_callers_client_else_the_default() {
    // no caller-supplied client: the builder's, else the default
    let default = user_agent_received(None, None).await;
    assert!(default.starts_with("gcore-iam-rust/0."), "{default}");
    assert_eq!(
        user_agent_received(Some("ops-bot/3.1"), None).await,
        "ops-bot/3.1"
    );
    // a caller-supplied client: one set on the builder wins over the client's own...
    assert_eq!(
        user_agent_received(Some("ops-bot/3.1"), Some(Some("their-app/1.0"))).await,
        "ops-bot/3.1"
    );
    // ...otherwise the client's own is kept (or none, if it has none)
    assert_eq!(
        user_agent_received(None, Some(Some("their-app/1.0"))).await,
        "their-app/1.0"
    );
    assert_eq!(user_agent_received(None, Some(None)).await, "<none>");
    // an invalid one is a configuration error, before any traffic
    let e = Client::builder(KEY)
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("invalid user agent"), "{e}");
}

#[tokio::test]
async fn connect_timeout_applies_when_the_handshake_never_completes() {
    // A listener that never accepts, with a backlog of 1: once its accept queue is full,
    // Linux drops further SYNs, so a connect hangs until the client gives up. The queue
    // is filled here; the connect that times out shows it is full.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    loop {
        let attempt = tokio::time::timeout(
            Duration::from_millis(300),
            tokio::net::TcpStream::connect(addr),
        )
        .await;
        match attempt {
            Ok(Ok(stream)) => queued.push(stream),
            Ok(Err(e)) => panic!("connecting to the full listener failed instead of hanging: {e}"),
            Err(_) => break,
        }
        assert!(queued.len() < 64, "the accept queue never filled");
    }

    let c = Client::builder(KEY)
        .base_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(200))
        // the overall timeout would make this an Error::Timeout instead
        .timeout(Duration::from_secs(20))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let err = tokio::time::timeout(
        Duration::from_secs(15),
        c.get_account_details().into_future(),
    )
    .await
    .expect("the connect timeout did not apply")
    .unwrap_err();
    match &err {
        Error::Transport {
            may_have_reached_server,
            outcome_unknown,
            attempts,
            ..
        } => {
            assert!(!may_have_reached_server);
            assert!(!outcome_unknown);
            assert_eq!(*attempts, 3, "a connect failure is retried");
        }
        other => panic!("expected a connect failure, got {other:?}"),
    }
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<reqwest::Error>())
        .expect("the HTTP client's error");
    assert!(source.is_connect() && source.is_timeout(), "{source:?}");
    assert!(
        err.to_string().contains("never reached the server"),
        "{err}"
    );
    // a POST is retried too: it provably never reached the server
    let err = c.create_api_token_v2(1, new_token(5)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                attempts: 3,
                outcome_unknown: false,
                ..
            }
        ),
        "{err:?}"
    );
    drop(queued);
}

/// Besides a Gcore key as a string, the builder takes a parsed [`gcore_iam::ApiKey`] and any
/// [`gcore_iam::Credentials`]: a JWT from `login_user` goes as a bearer token.
#[tokio::test]
async fn other_credentials_replace_the_api_key_on_every_request() {
    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoxfQ.c2lnbmF0dXJl";
    type Make = fn() -> gcore_iam::ClientBuilder;
    let cases: [(Make, String); 4] = [
        (
            || Client::builder(gcore_iam::ApiKey::parse(KEY).unwrap()),
            format!("APIKey {KEY}"),
        ),
        (
            || Client::builder(&String::from(KEY)),
            format!("APIKey {KEY}"),
        ),
        (
            || Client::builder(gcore_iam::Credentials::bearer(JWT)),
            format!("Bearer {JWT}"),
        ),
        (
            // the description's scheme, generically: the value as given, unparsed
            || {
                Client::builder(gcore_iam::Credentials::for_scheme(
                    &gcore_iam::SECURITY_SCHEMES[0],
                    format!("APIKey {KEY}"),
                ))
            },
            format!("APIKey {KEY}"),
        ),
    ];
    for (make, want) in cases {
        let server = ScriptedServer::start().await;
        server.push(Reply::json(200, account()));
        let c = make().base_url(server.base_url()).build().unwrap();
        c.get_account_details().await.unwrap();
        let got = server.received();
        assert_eq!(got[0].header("authorization"), Some(want.as_str()));
        assert_eq!(
            got[0].target, "/iam/clients/me",
            "no credential in the query"
        );
        let shown = format!("{:?} {c:?}", make());
        assert!(
            !shown.contains("a1b2c3d4") && !shown.contains("c2lnbmF0dXJl"),
            "{shown}"
        );
    }
}

/// Gcore's description declares one scheme, the `Authorization` header, and one server.
#[test]
fn gcores_description_names_the_authorization_header_and_api_gcore_com() {
    let names: Vec<(&str, gcore_iam::runtime::SchemeKind)> = gcore_iam::SECURITY_SCHEMES
        .iter()
        .map(|s| (s.name, s.kind))
        .collect();
    assert_eq!(
        names,
        [(
            "APIKey",
            gcore_iam::runtime::SchemeKind::ApiKeyHeader {
                header: "Authorization"
            }
        )]
    );
    assert_eq!(gcore_iam::DEFAULT_SERVER, Some(gcore_iam::DEFAULT_BASE_URL));
    assert_eq!(
        Client::builder(gcore_iam::Credentials::bearer("x"))
            .build()
            .unwrap()
            .api_key_id(),
        ""
    );
}

#[tokio::test]
async fn a_client_with_other_credentials_keeps_everything_else() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::json(200, account()));
    let first = gcore_iam_tests::fast_retrying_client(KEY, &server.base_url())
        .user_agent("ops-bot/1.0")
        .build()
        .unwrap();
    let second = first.with_credentials("43_f0e1d2c3b4a59687").unwrap();
    assert_eq!(second.base_url(), first.base_url());
    second.get_account_details().await.unwrap();
    first.get_account_details().await.unwrap();
    let got = server.received();
    assert_eq!(
        got[0].header("authorization"),
        Some("APIKey 43_f0e1d2c3b4a59687")
    );
    assert_eq!(
        got[1].header("authorization"),
        Some(format!("APIKey {KEY}").as_str())
    );
    assert!(
        got.iter()
            .all(|r| r.header("user-agent") == Some("ops-bot/1.0"))
    );
    // a key the crate refuses is refused here too, without its secret in the error
    let refused = first
        .with_credentials("Bearer 43_f0e1d2c3b4a59687")
        .unwrap_err();
    assert!(
        !format!("{refused} {refused:?}").contains("f0e1d2c3"),
        "{refused:?}"
    );
}
