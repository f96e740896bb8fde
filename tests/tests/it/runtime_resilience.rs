//! Retries and malformed responses against a scripted server on 127.0.0.1: how many
//! requests the server saw and when, and what the caller got. No response, however
//! malformed, panics the client.

use gcore_iam::runtime::OperationInfo;
use gcore_iam::types::{PutUser, Token2};
use gcore_iam::{Client, Error, RetryPolicy};
use gcore_iam_tests::scripted::{Reply, ScriptedServer};
use gcore_iam_tests::{KEY, account};
use serde_json::json;
use std::time::Duration;

/// Retries without waiting long: 1-5 ms backoff.
fn fast_retries(server: &ScriptedServer) -> gcore_iam::ClientBuilder {
    gcore_iam_tests::fast_retrying_client(KEY, &server.base_url())
}

fn new_token() -> Token2 {
    gcore_iam_tests::new_token(5)
}

/// Fails the test instead of hanging it when a wait is not capped.
async fn within<T>(what: &str, fut: impl std::future::IntoFuture<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), fut)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within 30 s"))
}

// ---- retries ---------------------------------------------------------------------------

#[tokio::test]
async fn retry_after_of_one_second_is_waited_before_the_retry() {
    let server = ScriptedServer::start().await;
    server
        .push(Reply::json(503, json!({"detail": "busy"})).with_header("retry-after", "1"))
        .push(Reply::json(200, account()));
    let account = fast_retries(&server)
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap();
    assert_eq!(account.id, 7350925);
    let got = server.received();
    assert_eq!(got.len(), 2);
    let gap = got[1].at - got[0].at;
    // the backoff alone would be 1-5 ms
    assert!(
        gap >= Duration::from_millis(900),
        "retried after {gap:?}, before the server's Retry-After: 1"
    );
}

#[tokio::test]
async fn a_huge_retry_after_is_capped_by_the_policy_and_reported_as_sent() {
    assert_eq!(
        RetryPolicy::default().max_retry_after,
        Duration::from_secs(60),
        "the documented default cap"
    );
    let server = ScriptedServer::start().await;
    server.fallback(
        Reply::json(429, json!({"detail": "Request was throttled."}))
            .with_header("retry-after", "86400"),
    );
    let c = Client::builder(KEY)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy {
            max_retries: 1,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_millis(200),
        })
        .build()
        .unwrap();
    // a day's wait would hang the test: the cap cuts it to 200 ms
    let err = within("a call under Retry-After: 86400", c.get_account_details())
        .await
        .unwrap_err();
    let got = server.received();
    assert_eq!(got.len(), 2, "1 attempt + 1 retry");
    assert!(
        got[1].at - got[0].at >= Duration::from_millis(180),
        "the capped wait (200 ms) was not honoured: {:?}",
        got[1].at - got[0].at
    );
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(86400)));
    assert_eq!(err.api_error().unwrap().attempts(), 2);
}

#[tokio::test]
async fn get_is_retried_after_502_and_504() {
    let server = ScriptedServer::start().await;
    server
        .push(Reply::raw(502, "<html>Bad Gateway</html>"))
        .push(Reply::json(504, json!({"detail": "Gateway Timeout"})))
        .push(Reply::json(200, account()));
    let account = fast_retries(&server)
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap();
    assert_eq!(account.email, "ops@example.com");
    let got = server.received();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter()
            .all(|r| r.method == "GET" && r.target == "/iam/clients/me")
    );
}

#[tokio::test]
async fn a_configured_retry_count_makes_that_many_more_requests() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::json(503, json!({"detail": "busy"})));
    let err = fast_retries(&server)
        .retries(3)
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap_err();
    assert_eq!(server.received().len(), 4, "1 attempt + 3 retries");
    assert_eq!(err.api_error().unwrap().attempts(), 4);
    assert!(err.is_retryable());
    assert!(!err.outcome_unknown(), "a GET acts at most once anyway");
}

#[tokio::test]
async fn disabled_retries_make_one_request() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::json(503, json!({"detail": "busy"})));
    let err = Client::builder(KEY)
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap_err();
    assert_eq!(server.received().len(), 1);
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.api_error().unwrap().attempts(), 1);
}

#[tokio::test]
async fn patch_is_not_retried_after_503_and_the_outcome_is_unknown() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::json(503, json!({"detail": "busy"})));
    let err = fast_retries(&server)
        .build()
        .unwrap()
        .update_user(12, PutUser::default().with_name("Ops"))
        .await
        .unwrap_err();
    let got = server.received();
    assert_eq!(got.len(), 1, "a PATCH was repeated");
    assert_eq!(got[0].method, "PATCH");
    assert_eq!(got[0].target, "/iam/users/12");
    assert_eq!(got[0].json(), json!({"name": "Ops"}));
    assert_eq!(err.status(), Some(503));
    assert!(err.outcome_unknown());
    let shown = err.to_string();
    assert!(shown.contains("outcome is unknown"), "{shown}");
}

#[tokio::test]
async fn delete_is_idempotent_and_retried_after_503() {
    let server = ScriptedServer::start().await;
    server
        .push(Reply::json(503, json!({"detail": "busy"})))
        .push(Reply::Respond {
            status: 204,
            headers: vec![],
            body: vec![],
        });
    fast_retries(&server)
        .build()
        .unwrap()
        .delete_api_token_v2(1, 9)
        .await
        .unwrap();
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.method == "DELETE"));
}

// ---- malformed responses ---------------------------------------------------------------

#[tokio::test]
async fn a_non_json_4xx_body_is_an_api_error_with_the_raw_body() {
    let server = ScriptedServer::start().await;
    let html = "<html><body><h1>400 Bad Request</h1> nginx</body></html>";
    server.push(Reply::raw(400, html).with_header("content-type", "text/html"));
    let err = fast_retries(&server)
        .build()
        .unwrap()
        .create_api_token_v2(1, new_token())
        .await
        .unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status(), 400);
    assert!(
        api.body().is_none(),
        "a documented status whose body is not JSON"
    );
    assert_eq!(api.raw_body(), html);
    assert!(err.to_string().contains("400 Bad Request"), "{err}");
    assert!(api.field_errors().is_empty());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_non_json_5xx_body_and_a_non_utf8_one_are_api_errors() {
    let server = ScriptedServer::start().await;
    server
        .push(Reply::raw(
            500,
            "upstream connect error or disconnect/reset",
        ))
        .push(Reply::Respond {
            status: 500,
            headers: vec![],
            body: vec![0xff, 0xfe, b'o', b'k', 0x00],
        });
    let c = fast_retries(&server).retries(0).build().unwrap();
    let err = c.get_account_details().await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        err.api_error().unwrap().raw_body(),
        "upstream connect error or disconnect/reset"
    );
    assert!(!err.is_retryable(), "500 is not retried");
    let err = c.get_account_details().await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.api_error().unwrap().raw_body().contains("ok"));
}

#[tokio::test]
async fn a_long_error_body_is_cut_in_the_error() {
    let server = ScriptedServer::start().await;
    server.push(Reply::raw(500, &"x".repeat(100_000)));
    let err = fast_retries(&server)
        .retries(0)
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap_err();
    let raw = err.api_error().unwrap().raw_body();
    assert!(
        raw.len() <= 520 && raw.ends_with('…'),
        "{} bytes",
        raw.len()
    );
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_transport_error_and_get_retries_it() {
    let truncated = b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"id\": 73".to_vec();
    let server = ScriptedServer::start().await;
    server.push(Reply::Bytes(truncated.clone()));
    let err = fast_retries(&server)
        .retries(0)
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap_err();
    match &err {
        Error::Transport {
            may_have_reached_server,
            attempts,
            ..
        } => {
            assert!(may_have_reached_server);
            assert_eq!(*attempts, 1);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(err.is_retryable());

    let server = ScriptedServer::start().await;
    server
        .push(Reply::Bytes(truncated))
        .push(Reply::json(200, account()));
    let account = fast_retries(&server)
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap();
    assert_eq!(account.id, 7350925);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn an_empty_200_where_json_is_expected_is_a_decode_error() {
    let server = ScriptedServer::start().await;
    server.push(Reply::raw(200, ""));
    let err = fast_retries(&server)
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap_err();
    match &err {
        Error::Decode(d) => {
            assert_eq!(d.status, 200);
            assert_eq!(d.excerpt, "");
            assert!(d.message.contains("EOF"), "{}", d.message);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(err.status(), Some(200));
    assert!(!err.is_retryable());
    assert_eq!(server.received().len(), 1);
}

/// A created token as the server might answer it, changed by `mutate` so that the typed
/// result cannot decode it.
fn created_token_body(value: &str, mutate: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut body = json!({
        "token": value, "name": "CI deploy", "exp_date": null, "id": 7001, "deleted": false,
        "expired": false, "created": "2026-11-30T10:00:00.000000Z", "last_usage": "2026-11-30T10:00:00.000000Z",
        "client_user": {"deleted": false, "user_id": 1, "user_name": "Ada", "user_email": "ada@example.com",
                        "client_id": 7350925, "role": {"id": 5, "name": "Engineers"}}
    });
    mutate(&mut body);
    body.to_string()
}

/// What a caller can see of an error: whether the server acted, whether it is retryable,
/// whether its outcome is unknown, its `Display`, its `Debug` (plain and pretty), and the
/// raw body of a decode failure.
type Observed = (
    bool,
    bool,
    bool,
    String,
    String,
    Option<gcore_iam::SecretString>,
);

fn observed<E: std::fmt::Debug>(e: Error<E>) -> Observed {
    (
        e.server_acted(),
        e.is_retryable(),
        e.outcome_unknown(),
        format!("{e}"),
        format!("{e:?}{e:#?}"),
        e.decode_error().map(|d| d.raw_body().clone()),
    )
}

#[tokio::test]
async fn a_created_token_whose_answer_does_not_decode_is_recovered_from_the_error_and_never_shown()
{
    let secret = "Zq8vL1xW9kR3tY7uP2mN5bC4";
    type Mutation = fn(&mut serde_json::Value);
    let cases: [(&str, Mutation); 4] = [
        // a token that was never used
        ("last_usage null", |b| {
            b["last_usage"] = serde_json::Value::Null
        }),
        // a renamed field
        ("renamed field", |b| {
            let cu = b.as_object_mut().unwrap().remove("client_user").unwrap();
            b["clientUser"] = cu;
        }),
        // a field whose type changed
        ("retyped id", |b| b["id"] = json!("7001")),
        // a body that is not the object at all
        ("wrapped", |b| *b = json!({"data": b.clone()})),
    ];
    for (case, mutate) in cases {
        for v1 in [false, true] {
            let value = format!("7001{}{secret}", if v1 { '$' } else { '_' });
            let server = ScriptedServer::start().await;
            server.push(Reply::raw(200, &created_token_body(&value, mutate)));
            let client = fast_retries(&server).build().unwrap();
            let err = if v1 {
                #[allow(deprecated)]
                let result = client.create_api_token(7350925, new_token()).await;
                result.map(drop).map_err(observed)
            } else {
                let result = client.create_api_token_v2(7350925, new_token()).await;
                result.map(drop).map_err(observed)
            };
            let (acted, retryable, unknown, shown, debugged, raw) =
                err.expect_err(&format!("{case} (v1: {v1}): the body must not decode"));
            // the server created the token: the call must not be repeated, and was not
            assert!(acted, "{case}: {shown}");
            assert!(!retryable && !unknown, "{case}");
            assert!(shown.contains("the server has acted"), "{case}: {shown}");
            assert!(shown.contains("do not repeat it"), "{case}: {shown}");
            assert_eq!(server.received().len(), 1, "{case}: sent once");
            // the value is recovered from the error
            let raw = raw.expect("a decode error");
            let recovered: serde_json::Value = serde_json::from_str(raw.expose_secret()).unwrap();
            let token = if case == "wrapped" {
                &recovered["data"]["token"]
            } else {
                &recovered["token"]
            };
            assert_eq!(token.as_str(), Some(value.as_str()), "{case}");
            // and shown nowhere
            for text in [&shown, &debugged, &format!("{raw:?}{raw}")] {
                assert!(!text.contains(secret), "{case}: secret in {text}");
                assert!(!text.contains(&secret[..8]), "{case}: secret in {text}");
            }
        }
    }
}

#[tokio::test]
async fn a_get_whose_answer_does_not_decode_did_not_act_and_keeps_its_body() {
    let server = ScriptedServer::start().await;
    let mut body = account();
    body["id"] = json!("not a number");
    server.push(Reply::json(200, body.clone()));
    let err = fast_retries(&server)
        .build()
        .unwrap()
        .get_account_details()
        .await
        .unwrap_err();
    assert!(!err.server_acted());
    assert!(!err.to_string().contains("has acted"), "{err}");
    let d = err.decode_error().expect("a decode error");
    assert_eq!(d.path, "id");
    let kept: serde_json::Value = serde_json::from_str(d.raw_body().expose_secret()).unwrap();
    assert_eq!(kept, body);
}

#[tokio::test]
async fn huge_headers_many_headers_and_odd_statuses_do_not_panic() {
    let body = account().to_string();
    let response = |extra: String| {
        format!(
            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{extra}\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let server = ScriptedServer::start().await;
    server
        // a 64 KiB header value: within the HTTP client's limits
        .push(Reply::Bytes(response(format!(
            "x-big: {}\r\n",
            "a".repeat(64 * 1024)
        ))))
        // a 1 MiB header: over them
        .push(Reply::Bytes(response(format!(
            "x-huge: {}\r\n",
            "a".repeat(1024 * 1024)
        ))))
        // 500 headers: over the count limit
        .push(Reply::Bytes(response(
            (0..500).map(|i| format!("x-h{i}: v\r\n")).collect(),
        )))
        // a status no one documents
        .push(Reply::Bytes(
            b"HTTP/1.1 599 Whatever\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{}".to_vec(),
        ))
        // not HTTP at all
        .push(Reply::Bytes(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()));
    let c = fast_retries(&server).retries(0).build().unwrap();

    let ok = c.get_account_details().await.unwrap();
    assert_eq!(ok.id, 7350925);
    for what in ["a 1 MiB header", "500 headers"] {
        let err = c.get_account_details().await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Transport {
                    may_have_reached_server: true,
                    ..
                }
            ),
            "{what}: {err:?}"
        );
    }
    let err = c.get_account_details().await.unwrap_err();
    assert_eq!(err.status(), Some(599), "{err:?}");
    assert!(err.body().is_none());
    let err = c.get_account_details().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.received().len(), 5);
}

/// A body that cannot be serialised: JSON object keys must be strings.
struct Unserialisable;

impl serde::Serialize for Unserialisable {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(&(1, 2), &3)?;
        m.end()
    }
}

static BUILD_INFO: OperationInfo =
    OperationInfo::post("createThing", "/things").named("create_thing");

#[tokio::test]
async fn a_body_that_cannot_be_serialised_is_a_build_error_and_nothing_is_sent() {
    let server = ScriptedServer::start().await;
    let c = fast_retries(&server).build().unwrap();
    let mut req = c.request(&BUILD_INFO, &[]);
    req.json(&Unserialisable);
    let err: Error<()> = c.execute(req).await.unwrap_err().into();
    match &err {
        Error::Build { operation, message } => {
            assert_eq!(*operation, "createThing");
            assert!(message.contains("key must be a string"), "{message}");
        }
        other => panic!("expected a build error, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("createThing: the request could not be built"),
        "{err}"
    );
    assert_eq!(err.status(), None);
    assert!(!err.is_retryable());
    assert!(!err.outcome_unknown());
    // give a stray request time to arrive: none may
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.received().is_empty());
}
