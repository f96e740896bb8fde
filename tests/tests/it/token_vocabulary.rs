//! Gcore's vocabulary over HTTP: a token requested with a role by name and an expiry
//! that is "never" or a date, read back as such; the tokens about to expire in one call;
//! dates and roles the client does not know never fail a response.

use gcore_iam::chrono::{DateTime, TimeDelta, TimeZone, Utc};
use gcore_iam::types::Token2;
use gcore_iam::{Client, Expiry, Role};
use gcore_iam_fake::{CLIENT_ID, FakeGcore, Role as FakeRole};
use gcore_iam_tests::scripted::{Reply, ScriptedServer};
use serde_json::json;

fn client(base_url: &str, key: &str) -> Client {
    Client::builder(key).base_url(base_url).build().unwrap()
}

/// The fake's clock, cut to whole seconds (what survives the wire exactly).
fn whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_opt(at.timestamp(), 0).unwrap()
}

#[tokio::test]
async fn a_token_is_requested_by_role_name_and_expiry_date_and_read_back_so() {
    let fake = FakeGcore::start().await;
    let admin = client(&fake.base_url(), fake.admin_key());
    let until = whole_seconds(fake.now()) + TimeDelta::days(90);

    let request = Token2::for_role("CI deploy", Role::Engineers, Expiry::At(until));
    let created = admin.create_api_token_v2(CLIENT_ID, request).await.unwrap();

    let sent = fake.requests().pop().unwrap();
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["client_user"]["role"], json!({"id": 5}));
    assert_eq!(
        body["exp_date"],
        json!(until.format("%Y-%m-%dT%H:%M:%S.000000Z").to_string())
    );
    assert_eq!(created.role(), Role::Engineers);
    assert_eq!(created.expires(), Ok(Expiry::At(until)));
    let created_at = created.created_at().unwrap();
    assert!((created_at - fake.now()).abs() < TimeDelta::seconds(5));
    assert!(created.last_used_at().is_ok());
    assert!(!created.is_expired(fake.now()));
    assert!(created.is_expired(until));

    let listed = admin.get_api_token_v2(CLIENT_ID, created.id).await.unwrap();
    assert_eq!(listed.role(), Role::Engineers);
    assert_eq!(listed.expires(), Ok(Expiry::At(until)));
}

#[tokio::test]
async fn never_is_sent_as_null_and_read_back_as_never() {
    let fake = FakeGcore::start().await;
    let admin = client(&fake.base_url(), fake.admin_key());

    let request = Token2::for_role("forever", Role::PurgeAndPrefetchOnlyApiWeb, Expiry::Never);
    let created = admin.create_api_token_v2(CLIENT_ID, request).await.unwrap();

    let body: serde_json::Value =
        serde_json::from_slice(&fake.requests().pop().unwrap().body).unwrap();
    assert!(body.as_object().unwrap()["exp_date"].is_null(), "{body}");
    assert_eq!(created.expires(), Ok(Expiry::Never));
    assert_eq!(created.role(), Role::PurgeAndPrefetchOnlyApiWeb);
    assert!(!created.expires_within(TimeDelta::days(10_000), fake.now()));
}

#[tokio::test]
async fn tokens_expiring_within_seven_days_is_one_call() {
    let fake = FakeGcore::start().await;
    let eve = fake.add_user("Eve", FakeRole::Engineers);
    let day = std::time::Duration::from_secs(86_400);
    let in_6_days = fake.token(eve).name("6 days").expires_in(6 * day).issue();
    let in_1_day = fake.token(eve).name("1 day").expires_in(day).issue();
    let _in_8_days = fake.token(eve).name("8 days").expires_in(8 * day).issue();
    let _never = fake.token(eve).name("never").issue();
    let deleted = fake.token(eve).name("deleted").expires_in(2 * day).issue();
    let admin = client(&fake.base_url(), fake.admin_key());
    let deleted_id: i64 = deleted.split('_').next().unwrap().parse().unwrap();
    admin
        .delete_api_token_v2(CLIENT_ID, deleted_id)
        .await
        .unwrap();

    let expiring = admin
        .tokens_expiring_within(CLIENT_ID, TimeDelta::days(7))
        .await
        .unwrap();

    let names: Vec<&str> = expiring.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["1 day", "6 days"]);
    let ids: Vec<String> = expiring.iter().map(|t| t.id.to_string()).collect();
    assert_eq!(
        ids,
        [
            in_1_day.split('_').next().unwrap(),
            in_6_days.split('_').next().unwrap()
        ]
    );
    // Gcore's second notice: a day ahead
    let tomorrow = admin
        .tokens_expiring_within(CLIENT_ID, TimeDelta::days(1) + TimeDelta::minutes(1))
        .await
        .unwrap();
    assert_eq!(tomorrow.len(), 1);
    assert_eq!(tomorrow[0].name, "1 day");
}

/// A token list as Gcore might write it one day: a date in another form, an empty
/// `last_usage`, a role this crate does not know.
fn odd_list() -> serde_json::Value {
    let token = |id: i64, exp: serde_json::Value, last_usage: &str, role: serde_json::Value| {
        json!({
            "id": id, "name": format!("t{id}"), "exp_date": exp, "deleted": false, "expired": false,
            "created": "2026-01-01T00:00:00Z", "last_usage": last_usage,
            "client_user": {"deleted": false, "user_id": 1, "user_name": "Owner",
                            "user_email": "owner@example.com", "client_id": 7, "role": role}
        })
    };
    let soon = (Utc::now() + TimeDelta::days(2)).to_rfc3339();
    json!([
        token(
            1,
            json!("31/12/2026"),
            "",
            json!({"id": 3100, "name": "Billing"})
        ),
        token(
            2,
            json!(soon),
            "2026-11-01 08:00:00",
            json!({"id": 2, "name": "Users"})
        ),
        token(
            3,
            json!(null),
            "2026-11-01T08:00:00.123456Z",
            json!({"name": "Engineers"})
        ),
    ])
}

#[tokio::test]
async fn dates_and_roles_the_client_cannot_read_never_fail_the_response() {
    let server = ScriptedServer::start().await;
    server.fallback(Reply::json(200, odd_list()));
    let c = client(&server.base_url(), "42_a1b2c3d4");

    let tokens = c.get_api_tokens_v2(7).await.unwrap();

    assert_eq!(tokens.len(), 3);
    let odd = &tokens[0];
    assert_eq!(odd.expires().unwrap_err().text(), "31/12/2026");
    assert_eq!(odd.exp_date.as_deref(), Some("31/12/2026"));
    assert_eq!(odd.last_used_at().unwrap_err().text(), "");
    assert_eq!(
        odd.role(),
        Role::Unknown {
            id: Some(3100),
            name: Some("Billing".into())
        }
    );
    assert_eq!(
        tokens[1].last_used_at(),
        Ok(Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap())
    );
    assert_eq!(tokens[1].role(), Role::Users);
    assert_eq!(tokens[2].role(), Role::Engineers);
    assert_eq!(tokens[2].expires(), Ok(Expiry::Never));

    // the token whose expiry cannot be read is listed among the expiring ones, last
    let expiring = c
        .tokens_expiring_within(7, TimeDelta::days(7))
        .await
        .unwrap();
    let ids: Vec<i64> = expiring.iter().map(|t| t.id).collect();
    assert_eq!(ids, [2, 1]);
}
