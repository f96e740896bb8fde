//! Every public type that holds a secret, formatted with `Debug` (plain and pretty) and,
//! where it has one, `Display`, shows no secret: the API key, passwords, JWTs, the API
//! tokens the server returns, and secrets inside error bodies. The values come from a
//! scripted server on 127.0.0.1, which also shows the secrets really travelled.

#![allow(deprecated)] // the v1 token endpoint returns a secret too

use gcore_iam::runtime::OperationInfo;
use gcore_iam::types::{
    ChangePasswordRequest, LoginRequest, PutUser, RefreshRequest, Token2, UpdateUserEmailRequest,
};
use gcore_iam::{ApiKey, Client, Error, SecretString};
use gcore_iam_tests::scripted::{Reply, ScriptedServer};
use gcore_iam_tests::{KEY, client};
use serde_json::json;
use std::time::Duration;

const PASSWORD: &str = "hunter2hunter2";
const NEW_PASSWORD: &str = "correcthorsebattery";
const OTP: &str = "otp915372";
const ACCESS_JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoxLCJ0eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJlYWNjZXNz";
const REFRESH_JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoxLCJ0eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJlcmVmcmVzaA";
const V2_TOKEN: &str = "9_v2tokenv2tokenv2token";
const V1_TOKEN: &str = "8$v1tokenv1tokenv1token";
const BODY_TOKEN: &str = "77_leakyleakyleaky";

/// Distinctive parts of every secret above: none may appear in anything printed.
const SECRET_PARTS: &[&str] = &[
    "a1b2c3d4e5f6a7b8",
    "hunter2",
    "correcthorse",
    "otp915372",
    "c2lnbmF0dXJl", // the JWTs' signatures
    "eyJ1c2VyIjox", // the JWTs' payloads
    "v2tokenv2",
    "v1tokenv1",
    "leakyleaky",
];

/// Every rendering of a value.
fn debug_forms(value: &dyn std::fmt::Debug) -> Vec<String> {
    vec![format!("{value:?}"), format!("{value:#?}")]
}

/// Every rendering of an error and of the parts it exposes.
fn error_forms<E: std::fmt::Debug>(e: &Error<E>) -> Vec<String> {
    let mut shown = vec![e.to_string()];
    shown.extend(debug_forms(e));
    if let Some(a) = e.api_error() {
        shown.push(a.to_string());
        shown.extend(debug_forms(a));
        shown.push(a.raw_body().to_string());
    }
    if let Error::Decode(d) = e {
        shown.push(d.to_string());
        shown.extend(debug_forms(d));
        shown.push(d.message.clone());
        shown.push(d.excerpt.clone());
    }
    if let Some(source) = std::error::Error::source(e) {
        shown.push(source.to_string());
    }
    shown
}

fn assert_shows_no_secret(label: &str, shown: &[String]) {
    for text in shown {
        for part in SECRET_PARTS {
            assert!(!text.contains(part), "{label} shows {part:?}: {text}");
        }
    }
}

fn new_token() -> Token2 {
    gcore_iam_tests::new_token(5)
}

fn token_response(token: &str) -> serde_json::Value {
    gcore_iam_tests::token_response(9, Some(token))
}

#[tokio::test]
async fn the_key_client_builder_and_secret_string_print_no_secret() {
    let key = ApiKey::parse(KEY).unwrap();
    let builder = Client::builder(KEY).user_agent("ua/1");
    let client = Client::builder(KEY)
        .base_url("https://ops:hunter2hunter2@iam.example.com")
        .build()
        .unwrap();
    let secret = SecretString::from(PASSWORD);
    let mut shown = vec![key.to_string(), secret.to_string()];
    shown.extend(debug_forms(&key));
    shown.extend(debug_forms(&builder));
    shown.extend(debug_forms(&client));
    shown.extend(debug_forms(&secret));
    shown.extend(debug_forms(&Some(secret.clone())));
    assert_shows_no_secret("key, builder, client", &shown);
    // still useful: the token id and the host are shown
    assert!(format!("{client:?}").contains("42_****"), "{client:?}");
    assert!(
        format!("{client:?}").contains("iam.example.com"),
        "{client:?}"
    );
    assert_eq!(secret.expose_secret(), PASSWORD);
}

#[tokio::test]
async fn api_key_and_config_errors_print_no_secret() {
    let mut shown = Vec::new();
    for input in [
        "Bearer 42_a1b2c3d4e5f6a7b8",
        "42_a1b2c3d4 e5f6a7b8",
        "4x_a1b2c3d4e5f6a7b8",
        "a1b2c3d4e5f6a7b8",
    ] {
        let e = ApiKey::parse(input).unwrap_err();
        shown.push(e.to_string());
        shown.extend(debug_forms(&e));
        let e = Client::new(input).unwrap_err();
        shown.push(e.to_string());
        shown.extend(debug_forms(&e));
    }
    let e = Client::builder(KEY)
        .base_url("http://ops:hunter2hunter2@iam.example.com")
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("clear text"), "{e}");
    shown.push(e.to_string());
    shown.extend(debug_forms(&e));
    assert_shows_no_secret("ApiKeyError / ConfigError", &shown);
}

#[tokio::test]
async fn request_types_and_operation_builders_print_no_secret_but_send_it() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::json(
        200,
        json!({"refresh": REFRESH_JWT, "access": ACCESS_JWT}),
    ));
    let c = client(&server);
    let login = LoginRequest::new("ops@example.com", PASSWORD).with_one_time_password(OTP);
    let change = ChangePasswordRequest::new(PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
    let refresh = RefreshRequest::new(REFRESH_JWT);
    let email = UpdateUserEmailRequest::new("new@example.com", PASSWORD);

    let mut shown = Vec::new();
    shown.extend(debug_forms(&login));
    shown.extend(debug_forms(&change));
    shown.extend(debug_forms(&refresh));
    shown.extend(debug_forms(&email));
    let login_builder = c.login_user(login.clone());
    let change_builder = c.change_password(1, change.clone());
    let refresh_builder = c.refresh_token(refresh.clone());
    let email_builder = c.update_user_email(1, email.clone());
    shown.extend(debug_forms(&login_builder));
    shown.extend(debug_forms(&change_builder));
    shown.extend(debug_forms(&refresh_builder));
    shown.extend(debug_forms(&email_builder));
    assert_shows_no_secret("request types and builders", &shown);

    // the secrets are redacted when printed, not when sent
    let token = login_builder.await.unwrap();
    change_builder.await.unwrap();
    refresh_builder.await.unwrap();
    let _ = email_builder.await;
    let got = server.received();
    assert_eq!(got[0].target, "/iam/auth/jwt/login");
    assert_eq!(got[0].json()["password"], PASSWORD);
    assert_eq!(got[0].json()["one_time_password"], OTP);
    assert_eq!(got[1].json()["new"], NEW_PASSWORD);
    assert_eq!(got[2].json()["refresh"], REFRESH_JWT);
    assert_eq!(got[3].json()["password"], PASSWORD);

    // the JWTs the server returned
    assert_eq!(token.access.expose_secret(), ACCESS_JWT);
    assert_eq!(token.refresh.expose_secret(), REFRESH_JWT);
    assert_shows_no_secret("types::Token", &debug_forms(&token));
}

#[tokio::test]
async fn created_api_tokens_print_no_secret() {
    let server = ScriptedServer::start().await;
    server
        .push(Reply::json(200, token_response(V2_TOKEN)))
        .push(Reply::json(200, token_response(V1_TOKEN)));
    let c = client(&server);
    let v2 = c.create_api_token_v2(1, new_token()).await.unwrap();
    let v1 = c.create_api_token(1, new_token()).await.unwrap();
    assert_eq!(v2.token.as_ref().unwrap().expose_secret(), V2_TOKEN);
    assert_eq!(v1.token.as_ref().unwrap().expose_secret(), V1_TOKEN);
    let mut shown = debug_forms(&v2);
    shown.extend(debug_forms(&v1));
    assert_shows_no_secret("CreateTokenResponse(V2)", &shown);
}

#[tokio::test]
async fn every_kind_of_call_error_prints_no_secret() {
    let server = ScriptedServer::start().await;
    let secret_body = json!({"errors": {"name": ["bad"]}, "token": BODY_TOKEN, "password": PASSWORD,
                             "echo": {"refresh": REFRESH_JWT, "note": format!("use {V2_TOKEN}")}});
    server
        // Api: a typed body (CreateTokenError::Other holds the JSON as it came)
        .push(Reply::json(400, secret_body.clone()))
        // Api: an undocumented status with a secret in a non-JSON body
        .push(Reply::raw(
            500,
            &format!("password={PASSWORD}&token={BODY_TOKEN} access {ACCESS_JWT}"),
        ))
        // Decode: serde quotes the offending value
        .push(Reply::raw(
            200,
            &format!(r#"{{"id": "{BODY_TOKEN}", "token": "{V2_TOKEN}"}}"#),
        ))
        // Decode: under a secret key
        .push(Reply::json(
            200,
            json!({"refresh": 1, "access": ACCESS_JWT}),
        ))
        // Transport: the connection is cut (a POST is not repeated)
        .push(Reply::Reset)
        // Timeout
        .push(Reply::Delay(
            Duration::from_secs(5),
            Box::new(Reply::json(200, token_response(V2_TOKEN))),
        ));
    let c = Client::builder(KEY)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(300))
        .retries(0)
        .build()
        .unwrap();

    let api = c.create_api_token_v2(1, new_token()).await.unwrap_err();
    assert!(matches!(api, Error::Api(_)), "{api:?}");
    match api.body() {
        Some(gcore_iam::operations::CreateApiTokenV2Error::BadRequest(
            gcore_iam::types::CreateTokenError::Other(v),
        )) => assert_eq!(
            v, &secret_body,
            "the typed body keeps the secret for the caller"
        ),
        other => panic!("expected Other, got {other:?}"),
    }
    let raw_api = c
        .update_user(1, PutUser::default().with_name("x"))
        .await
        .unwrap_err();
    assert_eq!(raw_api.status(), Some(500));
    let decode = c.get_account_details().await.unwrap_err();
    assert!(matches!(decode, Error::Decode(_)), "{decode:?}");
    let decode_secret_key = c.login_user(LoginRequest::new("a@b.c", PASSWORD)).await;
    let decode_secret_key = decode_secret_key.unwrap_err();
    assert!(
        matches!(&decode_secret_key, Error::Decode(d) if d.path == "refresh"),
        "{decode_secret_key:?}"
    );
    let transport = c.create_api_token_v2(1, new_token()).await.unwrap_err();
    assert!(
        matches!(transport, Error::Transport { .. }),
        "{transport:?}"
    );
    let timeout = c.create_api_token_v2(1, new_token()).await.unwrap_err();
    assert!(matches!(timeout, Error::Timeout { .. }), "{timeout:?}");

    let mut shown = Vec::new();
    shown.extend(error_forms(&api));
    shown.extend(error_forms(&raw_api));
    shown.extend(error_forms(&decode));
    shown.extend(error_forms(&decode_secret_key));
    shown.extend(error_forms(&transport));
    shown.extend(error_forms(&timeout));
    assert_shows_no_secret("Error", &shown);
    // what is not secret still reads
    assert!(api.to_string().contains("name: bad"), "{api}");
    assert!(format!("{api:?}").contains("[redacted]"), "{api:?}");
}

static RAW_INFO: OperationInfo = OperationInfo::post("rawCall", "/raw/{id}").named("raw_call");

#[tokio::test]
async fn runtime_request_and_response_show_method_path_status_and_length_only() {
    let server = ScriptedServer::start().await;
    let response_body = json!({"token": V2_TOKEN, "access": ACCESS_JWT}).to_string();
    server.push(
        Reply::raw(201, &response_body).with_header("set-cookie", &format!("s={BODY_TOKEN}")),
    );
    let c = client(&server);
    let mut req = c.request(&RAW_INFO, &[&1]);
    req.header("x-secret", PASSWORD.to_string());
    req.json(&json!({"password": PASSWORD}));
    let shown = debug_forms(&req);
    assert_shows_no_secret("runtime::Request", &shown);
    let want = format!("{:?}", json!({"password": PASSWORD}).to_string().len());
    assert!(
        shown[0].contains("POST") && shown[0].contains("/raw/1") && shown[0].contains(&want),
        "{}",
        shown[0]
    );

    let resp = c.execute(req).await.unwrap();
    let shown = debug_forms(&resp);
    assert_shows_no_secret("runtime::Response", &shown);
    assert!(
        shown[0].contains("201") && shown[0].contains(&response_body.len().to_string()),
        "{}",
        shown[0]
    );
    let got = server.received();
    assert_eq!(got[0].header("x-secret"), Some(PASSWORD));
    assert_eq!(got[0].json()["password"], PASSWORD);
    assert_eq!(resp.bytes::<()>().unwrap(), response_body.as_bytes());
}

/// Credentials of every kind, the builders and clients holding them, and the errors of
/// unusable ones: where the secret goes is shown, the secret never.
#[tokio::test]
async fn credentials_builders_and_their_errors_print_no_secret() {
    use gcore_iam::Credentials;
    let mut shown = Vec::new();
    for credentials in [
        Credentials::bearer(ACCESS_JWT),
        Credentials::basic("ops", PASSWORD),
        Credentials::api_key_header("X-API-Key", V2_TOKEN),
        Credentials::api_key_query("api_key", V1_TOKEN),
        Credentials::for_scheme(&gcore_iam::SECURITY_SCHEMES[0], format!("APIKey {KEY}")),
        ApiKey::parse(KEY).unwrap().into(),
        // unusable: reported by build
        Credentials::bearer(format!("{ACCESS_JWT}\n{REFRESH_JWT}")),
        Credentials::api_key_header("X API Key", V2_TOKEN),
        Credentials::basic("ops:admin", PASSWORD),
    ] {
        shown.extend(debug_forms(&credentials));
        let builder = Client::builder(credentials).base_url("http://127.0.0.1:9");
        shown.extend(debug_forms(&builder));
        match builder.build() {
            Ok(client) => shown.extend(debug_forms(&client)),
            Err(e) => {
                shown.push(e.to_string());
                shown.extend(debug_forms(&e));
            }
        }
    }
    assert_shows_no_secret("credentials", &shown);
    // still useful: where each secret goes
    let all = shown.join("\n");
    for place in [
        "Bearer ****",
        "Basic ****",
        "x-api-key",
        "api_key",
        "APIKey 42_****",
    ] {
        assert!(all.contains(place), "{place} not shown:\n{all}");
    }
}
