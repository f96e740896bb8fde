//! Standalone crates generated for other APIs are clients of THEIR API: each crate below is
//! generated from a small description (an API key in a header, one in the query, an HTTP
//! bearer token, HTTP basic, and the `parameters.yaml` fixture), gets a `tests/wire.rs`
//! that calls an operation against a one-request server on 127.0.0.1 and asserts exactly
//! what arrived (the credential, the path, every query pair in order, the headers), and
//! all of them run with one `cargo test` over a workspace of these crates.

use codegen::standalone::{self, CrateOptions, Runtime};
use std::path::Path;

/// A server in each generated crate's test: accepts one connection on 127.0.0.1, reads
/// one request and answers it.
const WIRE_HELPER: &str = r#"//! Written by the standalone_e2e test of the generator's workspace.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};

/// One request as the server received it.
#[derive(Debug)]
pub struct Received {
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// Every value of a header, in order (names compared case-insensitively).
    pub fn header(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
    /// The query decoded as `application/x-www-form-urlencoded`, pairs in order.
    pub fn query(&self) -> Vec<(String, String)> {
        let query = self.target.split_once('?').map(|(_, q)| q).unwrap_or_default();
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
    }
}

/// Serves one request with `status` and a JSON `body`: the base URL, and the thread that
/// returns what arrived.
pub fn serve_once(status: u16, body: &'static str) -> (String, std::thread::JoinHandle<Received>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut request_body = vec![0; length];
        reader.read_exact(&mut request_body).unwrap();
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        stream.flush().unwrap();
        Received {
            method,
            target,
            headers,
            body: request_body,
        }
    });
    (base, handle)
}
"#;

/// (a) An API key in a header; the required scheme is listed first although another is
/// declared before it; a cookie key and HTTP digest are left out with warnings.
const HEADER_SPEC: &str = r#"
openapi: 3.0.3
info: {title: Widget API, version: '2.1'}
servers:
  - url: https://widgets.example.com/v1
security:
  - keyAuth: []
paths:
  /widgets/{id}:
    get:
      operationId: getWidget
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: the widget
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
  /health:
    get:
      operationId: health
      security: []
      responses:
        '204': {description: up}
components:
  schemas:
    Widget:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
  securitySchemes:
    basicAuth: {type: http, scheme: basic}
    sessionCookie: {type: apiKey, in: cookie, name: session}
    keyAuth: {type: apiKey, in: header, name: X-API-Key, description: Your key from the dashboard.}
    digestAuth: {type: http, scheme: digest}
"#;

const HEADER_WIRE: &str = r##"
use e2e_header::{Client, ConfigError, Credentials, DEFAULT_SERVER, SECURITY_SCHEMES};

#[tokio::test(flavor = "current_thread")]
async fn a_string_is_sent_as_the_x_api_key_header_and_nothing_else() {
    let (base, server) = serve_once(200, r#"{"id": 7, "name": "sprocket"}"#);
    let client = Client::builder("k3y-s3cr3t")
        .base_url(format!("{base}/v1"))
        .retries(0)
        .build()
        .unwrap();
    let widget = client.get_widget(7).await.unwrap();
    assert_eq!((widget.id, widget.name.as_str()), (7, "sprocket"));
    let got = server.join().unwrap();
    assert_eq!(got.method, "GET");
    assert_eq!(got.target, "/v1/widgets/7");
    assert_eq!(got.header("x-api-key"), ["k3y-s3cr3t"]);
    assert!(got.header("authorization").is_empty(), "{got:?}");
    assert!(!format!("{client:?}").contains("s3cr3t"), "{client:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn an_operation_that_needs_no_credentials_gets_none() {
    let (base, server) = serve_once(204, "");
    let client = Client::builder("k3y-s3cr3t").base_url(base).retries(0).build().unwrap();
    client.health().await.unwrap();
    let got = server.join().unwrap();
    assert_eq!(got.target, "/health");
    assert!(got.header("x-api-key").is_empty(), "{got:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn another_scheme_of_the_description_is_chosen_with_credentials_for_scheme() {
    let (base, server) = serve_once(200, r#"{"id": 1, "name": "x"}"#);
    let basic = Credentials::for_scheme(&SECURITY_SCHEMES[1], "ops:pa55");
    let client = Client::builder(basic).base_url(base).retries(0).build().unwrap();
    client.get_widget(1).await.unwrap();
    let got = server.join().unwrap();
    // base64("ops:pa55")
    assert_eq!(got.header("authorization"), ["Basic b3BzOnBhNTU="]);
    assert!(got.header("x-api-key").is_empty(), "{got:?}");
}

#[test]
fn the_server_and_the_schemes_come_from_the_description() {
    assert_eq!(DEFAULT_SERVER, Some("https://widgets.example.com/v1"));
    assert_eq!(
        Client::new("k").unwrap().base_url(),
        "https://widgets.example.com/v1"
    );
    let names: Vec<&str> = SECURITY_SCHEMES.iter().map(|s| s.name).collect();
    assert_eq!(names, ["keyAuth", "basicAuth"]);
    assert_eq!(
        SECURITY_SCHEMES[0].description,
        Some("Your key from the dashboard.")
    );
    let e = Client::new("  ").unwrap_err();
    assert!(matches!(e, ConfigError::Credentials { .. }), "{e:?}");
    assert!(e.to_string().contains("the API key is empty"), "{e}");
}
"##;

/// (b) An API key in the query; the server URL has a variable; a requirement names a
/// scheme nobody defined (a warning).
const QUERY_SPEC: &str = r#"
openapi: 3.1.0
info: {title: Things API, version: '1'}
servers:
  - url: https://{region}.things.example.com
    variables:
      region: {default: eu, enum: [eu, us]}
security:
  - queryKey: []
  - undefinedScheme: []
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        '200':
          description: things
          content:
            application/json:
              schema: {type: array, items: {type: string}}
components:
  securitySchemes:
    queryKey: {type: apiKey, in: query, name: api_key}
"#;

const QUERY_WIRE: &str = r##"
use e2e_query::{Client, DEFAULT_SERVER};

#[tokio::test(flavor = "current_thread")]
async fn the_key_is_sent_as_the_api_key_query_parameter_after_the_operations_own() {
    let (base, server) = serve_once(200, r#"["a", "b"]"#);
    let client = Client::builder("k&y=1 2").base_url(base).retries(0).build().unwrap();
    let things = client.list_things().limit(5).await.unwrap();
    assert_eq!(things, ["a", "b"]);
    let got = server.join().unwrap();
    assert_eq!(got.path(), "/things");
    assert_eq!(
        got.query(),
        [
            ("limit".to_string(), "5".to_string()),
            ("api_key".to_string(), "k&y=1 2".to_string())
        ]
    );
    assert!(got.header("authorization").is_empty(), "{got:?}");
    assert!(!format!("{client:?}").contains("k&y"), "{client:?}");
}

#[test]
fn server_variables_take_their_defaults() {
    assert_eq!(DEFAULT_SERVER, Some("https://eu.things.example.com"));
}
"##;

/// (c) HTTP bearer, required by an operation only; an OAuth 2 scheme is sent as a bearer
/// token too.
const BEARER_SPEC: &str = r#"
openapi: 3.0.3
info: {title: Profile API, version: '1'}
servers: [{url: 'https://profile.example.com'}]
paths:
  /me:
    get:
      operationId: whoAmI
      security: [{bearerAuth: []}]
      responses:
        '200':
          description: me
          content:
            application/json:
              schema: {type: object, properties: {user: {type: string}}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          scopes: {read: read things}
    bearerAuth: {type: http, scheme: bearer, bearerFormat: JWT}
"#;

const BEARER_WIRE: &str = r##"
use e2e_bearer::{Client, SECURITY_SCHEMES};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl";

#[tokio::test(flavor = "current_thread")]
async fn a_string_is_sent_as_a_bearer_token_once_even_when_pasted_with_its_prefix() {
    for given in [JWT.to_string(), format!("Bearer {JWT}\n")] {
        let (base, server) = serve_once(200, r#"{"user": "ada"}"#);
        let client = Client::builder(&given).base_url(base).retries(0).build().unwrap();
        let me = client.who_am_i().await.unwrap();
        assert_eq!(me.user.as_deref(), Some("ada"));
        let got = server.join().unwrap();
        assert_eq!(got.target, "/me");
        assert_eq!(got.header("authorization"), [format!("Bearer {JWT}").as_str()]);
    }
}

#[test]
fn the_operations_scheme_comes_first_and_oauth2_is_a_bearer_token() {
    let names: Vec<&str> = SECURITY_SCHEMES.iter().map(|s| s.name).collect();
    assert_eq!(names, ["bearerAuth", "oauth"]);
    assert!(
        SECURITY_SCHEMES
            .iter()
            .all(|s| s.kind == e2e_bearer::runtime::SchemeKind::Bearer)
    );
}
"##;

/// (d) HTTP basic; the server URL is relative, so `Client::new` takes the base URL.
const BASIC_SPEC: &str = r#"
openapi: 3.0.3
info: {title: Ledger API, version: '1'}
servers: [{url: /api}]
security: [{basicAuth: []}]
paths:
  /entries:
    post:
      operationId: addEntry
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Entry'}
      responses:
        '201': {description: created}
components:
  schemas:
    Entry:
      type: object
      required: [amount]
      properties:
        amount: {type: integer}
  securitySchemes:
    basicAuth: {type: http, scheme: basic}
"#;

const BASIC_WIRE: &str = r##"
use e2e_basic::{Client, DEFAULT_SERVER, types::Entry};

#[tokio::test(flavor = "current_thread")]
async fn user_and_password_are_sent_as_basic_authentication() {
    let (base, server) = serve_once(201, "");
    let client = Client::new(&format!("{base}/api"), "Aladdin:open sesame").unwrap();
    client.add_entry(Entry::new(5)).await.unwrap();
    let got = server.join().unwrap();
    assert_eq!((got.method.as_str(), got.target.as_str()), ("POST", "/api/entries"));
    assert_eq!(got.header("authorization"), ["Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]);
    assert_eq!(got.body, br#"{"amount":5}"#);
}

#[test]
fn a_relative_server_and_a_secret_without_a_colon_are_refused_with_the_fix() {
    assert_eq!(DEFAULT_SERVER, Some("/api"));
    let e = Client::builder("Aladdin:open sesame").build().unwrap_err();
    assert!(e.to_string().contains("relative") && e.to_string().contains("base_url"), "{e}");
    let e = Client::new("http://127.0.0.1:9", "open-sesame").unwrap_err();
    assert!(e.to_string().contains("<user>:<password>"), "{e}");
    assert!(!e.to_string().contains("open-sesame"), "{e}");
}
"##;

/// (e) `tests/fixtures/valid/parameters.yaml`: every parameter style, no server, no
/// security scheme.
const PARAMETERS_WIRE: &str = r##"
use e2e_parameters::{Client, ConfigError, Credentials, types};

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn every_list_and_object_style_is_written_as_the_description_says() {
    let (base, server) = serve_once(204, "");
    let client = Client::new(&base).unwrap();
    client
        .search(vec!["a b".to_string(), "c/d".to_string()])
        .ids(vec![1, 2, 3])
        .names(vec!["x y".to_string(), "z".to_string()])
        .codes(vec!["p".to_string(), "q".to_string()])
        .filter(types::Filter::default().with_color("red & blue").with_size(3))
        .page(types::Page::default().with_limit(10).with_offset(20))
        .point(types::Page::default().with_limit(1).with_offset(2))
        .x_flags(vec!["f1".to_string(), "f2".to_string()])
        .await
        .unwrap();
    let got = server.join().unwrap();
    // simple path list: each item percent-encoded, joined by commas
    assert_eq!(got.path(), "/search/a%20b,c%2Fd");
    assert_eq!(
        got.query(),
        pairs(&[
            ("ids", "1,2,3"),                // form, explode: false
            ("names", "x y z"),              // spaceDelimited
            ("codes", "p|q"),                // pipeDelimited
            ("filter[color]", "red & blue"), // deepObject
            ("filter[size]", "3"),
            ("limit", "10"), // exploded object: one pair per property
            ("offset", "20"),
            ("point", "limit,1,offset,2"), // form object, explode: false
        ])
    );
    assert_eq!(got.header("x-flags"), ["f1,f2"]); // simple header list
    assert!(got.header("authorization").is_empty(), "{got:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn exploded_lists_repeat_the_name_and_path_level_parameters_apply() {
    let (base, server) = serve_once(200, r#""contents""#);
    let client = Client::builder(Credentials::none()).base_url(base).build().unwrap();
    client
        .get_file(7, "a b.txt", 5, "req-1")
        .trace("t-9")
        .offset(3)
        .deleted(true)
        .role(vec!["admin".to_string(), "viewer".to_string()])
        .order(types::GetFileOrder::Desc)
        .target(types::GetFileTarget::Variant2(9))
        .await
        .unwrap();
    let got = server.join().unwrap();
    assert_eq!(got.path(), "/clients/7/files/a%20b.txt");
    assert_eq!(
        got.query(),
        pairs(&[
            ("limit", "5"),
            ("offset", "3"),
            ("deleted", "true"),
            ("role", "admin"), // form, exploded (the default)
            ("role", "viewer"),
            ("order", "desc"),
            ("target", "9"),
        ])
    );
    assert_eq!(got.header("trace"), ["t-9"]);
    assert_eq!(got.header("x-request-id"), ["req-1"]);
}

#[test]
fn without_a_server_in_the_description_a_base_url_is_required() {
    let e = Client::builder(Credentials::none()).build().unwrap_err();
    assert!(matches!(e, ConfigError::MissingBaseUrl), "{e:?}");
    assert!(e.to_string().contains("ClientBuilder::base_url"), "{e}");
}
"##;

struct Case {
    /// Crate name: `e2e-<name>`.
    name: &'static str,
    /// Inline YAML, or a path relative to the workspace root.
    spec: Spec,
    wire: &'static str,
    /// Names of the expected `SECURITY_SCHEMES`, in order.
    schemes: &'static [&'static str],
    /// Where the generator warns, and a part of each warning's message.
    warned: &'static [(&'static str, &'static str)],
    /// `#[test]`s in `wire`.
    tests: usize,
}

enum Spec {
    Inline(&'static str),
    File(&'static str),
}

const CASES: &[Case] = &[
    Case {
        name: "header",
        spec: Spec::Inline(HEADER_SPEC),
        wire: HEADER_WIRE,
        schemes: &["keyAuth", "basicAuth"],
        warned: &[
            (
                "#/components/securitySchemes/sessionCookie",
                "does not send it",
            ),
            (
                "#/components/securitySchemes/digestAuth",
                "does not send it",
            ),
        ],
        tests: 4,
    },
    Case {
        name: "query",
        spec: Spec::Inline(QUERY_SPEC),
        wire: QUERY_WIRE,
        schemes: &["queryKey"],
        warned: &[("#/security/1/undefinedScheme", "does not send it")],
        tests: 2,
    },
    Case {
        name: "bearer",
        spec: Spec::Inline(BEARER_SPEC),
        wire: BEARER_WIRE,
        schemes: &["bearerAuth", "oauth"],
        warned: &[],
        tests: 2,
    },
    Case {
        name: "basic",
        spec: Spec::Inline(BASIC_SPEC),
        wire: BASIC_WIRE,
        schemes: &["basicAuth"],
        warned: &[],
        tests: 2,
    },
    Case {
        name: "parameters",
        spec: Spec::File("tests/fixtures/valid/parameters.yaml"),
        wire: PARAMETERS_WIRE,
        schemes: &[],
        warned: &[],
        tests: 3,
    },
    Case {
        name: "tuples",
        spec: Spec::File("tests/fixtures/valid/prefix_items.yaml"),
        wire: TUPLES_WIRE,
        schemes: &[],
        warned: &[
            ("#/components/schemas/Loose", "a shorter list"),
            (
                "#/components/schemas/Open/prefixItems",
                "more items may follow",
            ),
            (
                "#/components/schemas/OpenTyped/prefixItems",
                "more items of the `items` schema",
            ),
        ],
        tests: 3,
    },
    Case {
        name: "booleans",
        spec: Spec::File("tests/fixtures/valid/boolean_schemas.yaml"),
        wire: BOOLEANS_WIRE,
        schemes: &[],
        warned: &[
            ("#/components/schemas/Nothing", "accepts no value"),
            ("#/components/schemas/Thing/properties/legacy", "left out"),
            (
                "#/components/schemas/Thing/properties/empty/items",
                "only the empty list",
            ),
            (
                "#/components/schemas/Impossible/allOf/1",
                "the part is ignored",
            ),
        ],
        tests: 2,
    },
    Case {
        name: "pointer-refs",
        spec: Spec::File("tests/fixtures/valid/pointer_refs.yaml"),
        wire: POINTER_REFS_WIRE,
        schemes: &[],
        warned: &[],
        tests: 2,
    },
];

/// (f) `tests/fixtures/valid/prefix_items.yaml`: what JSON lists become as tuples.
const TUPLES_WIRE: &str = r##"
use e2e_tuples::{Client, Nullable, types};

#[tokio::test(flavor = "current_thread")]
async fn a_response_that_is_a_tuple_decodes_from_a_list() {
    let (base, server) = serve_once(200, r#"[1, "a"]"#);
    let client = Client::new(&base).unwrap();
    let point: types::Point = client.get_point().await.unwrap();
    assert_eq!(point, (1, "a".to_string()));
    server.join().unwrap();
}

#[test]
fn tuples_decode_lists_of_exactly_their_length_and_encode_back() {
    let point: types::Point = serde_json::from_str(r#"[1, "a"]"#).unwrap();
    assert_eq!(point, (1, "a".to_string()));
    assert_eq!(serde_json::to_string(&point).unwrap(), r#"[1,"a"]"#);
    // `items: false`: no third element; `minItems: 2`: no shorter list
    assert!(serde_json::from_str::<types::Point>(r#"[1, "a", 2]"#).is_err());
    assert!(serde_json::from_str::<types::Point>("[1]").is_err());
    // wrong element types are refused, not guessed
    assert!(serde_json::from_str::<types::Point>(r#"["a", 1]"#).is_err());
    let single: types::Single = serde_json::from_str("[true]").unwrap();
    assert_eq!(single, (true,));
    let labelled: types::Labelled =
        serde_json::from_str(r#"["origin", [0.5, 1.5], {"note": "n"}]"#).unwrap();
    assert_eq!(labelled.0, "origin");
    assert_eq!(labelled.1, (0.5, 1.5));
    assert_eq!(labelled.2.note.as_deref(), Some("n"));
    // open tuples are lists of JSON values
    let open: types::Open = serde_json::from_str(r#"[1, "x", null]"#).unwrap();
    assert_eq!(open.len(), 3);
}

#[test]
fn tuples_inside_objects_nullable_and_recursive() {
    let route: types::Route =
        serde_json::from_str(r#"{"points": [[1, "a"], [2, "b"]], "start": null}"#).unwrap();
    assert_eq!(route.points, vec![(1, "a".to_string()), (2, "b".to_string())]);
    assert_eq!(route.start, Nullable::Null);
    let route: types::Route = serde_json::from_str(r#"{"points": [], "start": [0.5, 2]}"#).unwrap();
    assert_eq!(route.start, Nullable::Value((0.5, 2.0)));
    let tree: types::Tree = serde_json::from_str(r#"{"pair": [{"pair": [{}, 2]}, 1]}"#).unwrap();
    let (inner, one) = *tree.pair.unwrap();
    assert_eq!(one, 1);
    assert_eq!(inner.pair.unwrap().1, 2);
}
"##;

/// (g) `tests/fixtures/valid/boolean_schemas.yaml`: `true` takes any value, a `false`
/// property is not a field, a `false` branch never matches.
const BOOLEANS_WIRE: &str = r##"
use e2e_booleans::{Client, types};

#[tokio::test(flavor = "current_thread")]
async fn a_body_that_is_true_takes_any_json() {
    let (base, server) = serve_once(200, r#"{"id": 1}"#);
    let client = Client::new(&base).unwrap();
    let thing = client
        .put_thing(serde_json::json!(["any", {"json": true}]))
        .await
        .unwrap();
    assert_eq!(thing.id, 1);
    let got = server.join().unwrap();
    assert_eq!(got.body, br#"["any",{"json":true}]"#);
}

#[test]
fn true_fields_hold_any_value_and_a_false_property_is_not_a_field() {
    let thing: types::Thing = serde_json::from_str(
        r#"{"id": 1, "data": [1, "x"], "extra": {"k": null}, "legacy": 5, "choice": 3, "only": "s", "values": {"a": [1]}}"#,
    )
    .unwrap();
    assert_eq!(thing.data, Some(serde_json::json!([1, "x"])));
    assert_eq!(thing.extra, Some(serde_json::json!({"k": null})));
    assert!(matches!(thing.choice, Some(types::ThingChoice::Variant2(3))));
    assert_eq!(thing.only.as_deref(), Some("s"));
    // `legacy` (`false`) is no field: the value the schema forbids is not kept, and it is
    // not sent back
    let back = serde_json::to_value(&thing).unwrap();
    assert!(back.get("legacy").is_none(), "{back}");
    let anything: types::Anything = serde_json::from_str("[null, 2]").unwrap();
    assert_eq!(anything, serde_json::json!([null, 2]));
}
"##;

/// (h) `tests/fixtures/valid/pointer_refs.yaml`: schemas referred to by pointers into
/// properties, items and other responses decode as the one type each became; a parameter
/// and an error response of another operation are sent and decoded as there.
const POINTER_REFS_WIRE: &str = r##"
use e2e_pointer_refs::{Client, types};

#[tokio::test(flavor = "current_thread")]
async fn a_response_built_from_pointer_refs_decodes_into_the_types_they_name() {
    let (base, server) = serve_once(
        200,
        r#"{"resident": {"name": "Rex", "tags": [{"label": "good"}]}, "tag": {"label": "loud"}, "volume": {"filesystem": {"kind": "xfs", "block_size": 4096}, "size": 10, "mount": "/data", "meta": {"created": "2026-01-02T03:04:05Z"}}}"#,
    );
    let client = Client::new(&base).unwrap();
    let shelter: types::GetShelterResponse = client.get_shelter().await.unwrap();
    let resident: types::GetPetResponse = shelter.resident.unwrap();
    assert_eq!(resident.name, "Rex");
    let tag: types::GetPetResponseTagsItem = shelter.tag.unwrap();
    assert_eq!(tag.label.as_deref(), Some("loud"));
    let volume = shelter.volume.unwrap();
    let fs: types::DiskFilesystem = volume.filesystem.unwrap();
    assert_eq!(fs.kind, types::DiskFilesystemKind::Xfs);
    assert_eq!(fs.block_size, Some(4096));
    let size: types::DiskSize = volume.size.unwrap();
    assert_eq!(size, 10);
    assert_eq!(volume.mount.as_deref(), Some("/data"));
    assert!(volume.meta.unwrap().created.is_some());
    assert_eq!(server.join().unwrap().path(), "/shelter");
}

#[tokio::test(flavor = "current_thread")]
async fn a_parameter_and_an_error_response_referred_to_under_paths_work_as_the_originals() {
    let (base, server) = serve_once(404, r#"{"message": "no pet"}"#);
    let client = Client::new(&base).unwrap();
    let err = client
        .get_shelter()
        .then_sort(types::GetShelterSort::Age)
        .verbose(true)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    match err.body() {
        Some(e2e_pointer_refs::operations::GetShelterError::NotFound(body)) => {
            let body: &types::GetPetNotFoundBody = body;
            assert_eq!(body.message.as_deref(), Some("no pet"));
        }
        other => panic!("{other:?}"),
    }
    let got = server.join().unwrap();
    assert_eq!(
        got.query(),
        [("then_sort", "age"), ("verbose", "true")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
    );
}
"##;

fn generate(root: &Path, dir: &Path, case: &Case) -> codegen::Generated {
    let (path, shown) = match case.spec {
        Spec::Inline(yaml) => {
            let shown = format!("specs/{}.yaml", case.name);
            let path = dir.join(&shown);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, yaml).unwrap();
            (path, shown)
        }
        Spec::File(file) => (root.join(file), file.to_string()),
    };
    let spec = codegen::load::load_file_as(&path, &shown).unwrap_or_else(|d| panic!("{d}"));
    codegen::generate(
        &spec,
        &codegen::Settings::default(),
        &codegen::Provenance {
            command: "cargo xtask generate".to_string(),
            spec_path: shown,
        },
    )
    .unwrap_or_else(|d| panic!("{}: {d}", case.name))
}

#[test]
fn generated_crates_send_their_apis_credentials_and_parameters() {
    let root = gcore_iam_tests::workspace_root();
    let runtime = Runtime::read(&root.join("gcore-iam/src")).unwrap();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("standalone-e2e");
    let _ = std::fs::remove_dir_all(dir.join("crates"));
    let mut members = Vec::new();
    for case in CASES {
        let generated = generate(&root, &dir, case);
        let schemes: Vec<&str> = generated
            .api
            .security_schemes
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(schemes, case.schemes, "{}", case.name);
        let warnings: Vec<String> = generated
            .warnings
            .warnings()
            .map(|w| w.to_string())
            .collect();
        for (pointer, says) in case.warned {
            assert!(
                warnings
                    .iter()
                    .any(|w| w.contains(&format!("at {pointer}:")) && w.contains(says)),
                "{}: no warning at {pointer}: {warnings:#?}",
                case.name
            );
        }
        assert_eq!(
            warnings.len(),
            case.warned.len(),
            "{}: {warnings:#?}",
            case.name
        );

        let name = format!("e2e-{}", case.name);
        let mut files = standalone::crate_files(
            &generated,
            &runtime,
            &CrateOptions {
                name: name.clone(),
                own_workspace: false,
            },
        );
        for f in &files {
            for word in ["Gcore", "GCORE", "gcore"] {
                assert!(
                    !f.contents.contains(word),
                    "{name}/{} mentions {word}:\n{}",
                    f.path,
                    f.contents
                        .lines()
                        .filter(|l| l.contains(word))
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
        }
        let title = &generated.api.title;
        let text = |path: &str| &files.iter().find(|f| f.path == path).unwrap().contents;
        assert!(
            text("src/lib.rs").starts_with(&format!("//! Client for {title},")),
            "{}",
            text("src/lib.rs")
        );
        assert!(text("README.md").contains(title.as_str()));
        assert!(text("Cargo.toml").contains(&format!("description = \"Client for {title},")));
        for f in files.iter_mut().filter(|f| f.path == "Cargo.toml") {
            f.contents.push_str(
                "\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n",
            );
        }
        files.push(codegen::GeneratedFile {
            path: "tests/wire.rs".to_string(),
            contents: format!("{WIRE_HELPER}{}", case.wire),
        });
        xtask::build::write_files(&dir.join("crates").join(&name), &files).unwrap();
        members.push(name);
    }
    xtask::build::write_workspace(&dir, &members).unwrap();

    let out = xtask::build::cargo(&dir)
        .args(["test", "--workspace", "--test", "wire"])
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the generated crates' wire tests failed:\n{stdout}\n{stderr}"
    );
    // every crate's tests ran, none filtered or skipped
    let passed: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .map(|l| l.split(' ').next().unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(
        passed,
        CASES.iter().map(|c| c.tests).sum::<usize>(),
        "{stdout}"
    );
}
