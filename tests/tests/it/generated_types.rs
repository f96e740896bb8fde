//! What a user observes decoding and encoding the generated types themselves: structs
//! decode through `deserialize_object!` (not serde's derive), with the derive's
//! behaviour and its error messages.

use gcore_iam::Nullable;
use gcore_iam::types::{BaseUser, ClientUser, CreateAccountRequest, Group};
use serde_json::json;

#[test]
fn a_struct_decodes_from_an_object_ignoring_unknown_and_reading_escaped_keys() {
    let r: CreateAccountRequest =
        serde_json::from_str(r#"{"comp\u0061ny": "Acme", "id": 7, "extra": [1, {"a": 2}]}"#)
            .unwrap();
    assert_eq!(r.company, "Acme");
    assert_eq!(r.id, Some(7));
    // an optional property may be left out
    let r: CreateAccountRequest = serde_json::from_value(json!({"company": "Acme"})).unwrap();
    assert_eq!(r.id, None);
}

#[test]
fn a_struct_refuses_what_the_derive_refused_with_the_same_messages() {
    let err = |text: &str| {
        serde_json::from_str::<CreateAccountRequest>(text)
            .unwrap_err()
            .to_string()
    };
    assert!(err(r#"{"id": 1}"#).contains("missing field `company`"));
    assert!(err(r#"{"company": "a", "company": "b"}"#).contains("duplicate field `company`"));
    assert!(
        err(r#"["Acme"]"#).contains("invalid type: sequence, expected struct CreateAccountRequest")
    );
    assert!(err(r#"{"company": 5}"#).contains("invalid type: integer `5`, expected a string"));
    // nested: the inner struct's messages, from a `serde_json::Value` too
    let nested = serde_json::from_value::<ClientUser>(json!({
        "deleted": false, "user_id": 1, "user_name": "a", "user_email": "a@b.c",
        "client_id": 2, "role": "Administrators"
    }))
    .unwrap_err();
    assert!(
        nested
            .to_string()
            .contains("invalid type: string \"Administrators\", expected struct Group"),
        "{nested}"
    );
}

#[test]
fn optional_nullable_properties_tell_absent_from_null_and_round_trip() {
    let decode = |v| serde_json::from_value::<BaseUser>(v).unwrap();
    assert_eq!(decode(json!({})).name, Nullable::Absent);
    assert_eq!(decode(json!({"name": null})).name, Nullable::Null);
    assert_eq!(
        decode(json!({"name": "Ann"})).name,
        Nullable::Value("Ann".to_string())
    );
    for v in [
        json!({}),
        json!({"name": null, "id": 3}),
        json!({"name": "Ann", "groups": [{"id": 1, "name": "Administrators"}]}),
    ] {
        let user = decode(v.clone());
        assert_eq!(serde_json::to_value(&user).unwrap(), v);
        assert_eq!(decode(serde_json::to_value(&user).unwrap()), user);
    }
    let group: Group = serde_json::from_value(json!({"id": 5, "name": "Engineers"})).unwrap();
    assert_eq!(group.id, Some(5));
}
