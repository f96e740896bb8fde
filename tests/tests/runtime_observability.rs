//! What the client tells `tracing`: one span per attempt with the operation, method, path
//! template, status, attempt and duration; never the API key or a body; one readable
//! warning when the server marks an operation deprecated. Captured with a recording layer
//! and the fmt layer writing everything (TRACE, span events included) to memory.

use gcore_iam::Client;
use gcore_iam::types::LoginRequest;
use gcore_iam_tests::scripted::{Reply, ScriptedServer};
use gcore_iam_tests::{KEY, client};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

const PASSWORD: &str = "hunter2hunter2";
const ACCESS_JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoxfQ.c2lnbmF0dXJlYWNjZXNz";
const REFRESH_JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoyfQ.c2lnbmF0dXJlcmVmcmVzaA";
/// Only in response bodies.
const BODY_MARKER: &str = "BodyMarkerCompany";

/// Fields by name, values as text (strings without quotes).
type Fields = BTreeMap<String, String>;

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

/// A closed span or an event.
#[derive(Debug, Clone)]
struct Captured {
    name: String,
    level: Level,
    fields: Fields,
}

/// Records every span (with the fields recorded after it was created) and every event.
#[derive(Clone, Default)]
struct Recorder {
    spans: Arc<Mutex<Vec<Captured>>>,
    events: Arc<Mutex<Vec<Captured>>>,
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
                values.record(&mut Visitor(fields));
            }
        }
    }
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        self.events.lock().unwrap().push(Captured {
            name: event.metadata().target().to_string(),
            level: *event.metadata().level(),
            fields,
        });
    }
    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            let fields = span
                .extensions()
                .get::<Fields>()
                .cloned()
                .unwrap_or_default();
            self.spans.lock().unwrap().push(Captured {
                name: span.name().to_string(),
                level: *span.metadata().level(),
                fields,
            });
        }
    }
}

/// What `fmt` writes.
#[derive(Clone, Default)]
struct Written(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Written {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Written {
    type Writer = Written;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Runs one test's body with the recorder and a TRACE-level fmt layer installed, on a
/// current-thread runtime built here (so the HTTP client's tasks run on this thread and are
/// captured too).
///
/// Captures run one at a time, and each holds the lock until its runtime is gone. `tracing`
/// caches each callsite's interest globally: a callsite first reached on one thread while
/// another thread installs or drops its scoped subscriber can keep a stale "not interested"
/// and lose its events or span fields. Serialised, only the thread that holds the lock ever
/// reaches a callsite, with its subscriber installed. Every test in this binary captures,
/// and no other test binary installs a subscriber.
fn captured<F, Fut>(test: F)
where
    F: FnOnce(Recorder, Written) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    // a failed test poisons the lock; the next one still runs alone
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let recorder = Recorder::default();
    let written = Written::default();
    let subscriber = tracing_subscriber::registry().with(recorder.clone()).with(
        tracing_subscriber::fmt::layer()
            .with_writer(written.clone())
            .with_ansi(false)
            .with_span_events(FmtSpan::FULL),
    );
    let _subscriber = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(test(recorder, written));
    drop(runtime);
}

fn account() -> serde_json::Value {
    gcore_iam_tests::account_with_company(BODY_MARKER)
}

fn request_spans(recorder: &Recorder) -> Vec<Fields> {
    recorder
        .spans
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.name == "gcore_iam.request")
        .inspect(|s| assert_eq!(s.level, Level::INFO))
        .map(|s| s.fields.clone())
        .collect()
}

#[test]
fn each_attempt_has_a_span_with_operation_method_path_status_attempt_and_duration() {
    captured(|recorder, written| async move {
        let server = ScriptedServer::start().await;
        server
            .push(Reply::json(
                200,
                json!({"refresh": REFRESH_JWT, "access": ACCESS_JWT, "note": BODY_MARKER}),
            ))
            .push(Reply::json(503, json!({"detail": BODY_MARKER})))
            .push(Reply::json(200, account()));
        let c = client(&server);
        let token = c
            .login_user(LoginRequest::new("ops@example.com", PASSWORD))
            .await
            .unwrap();
        assert_eq!(token.access.expose_secret(), ACCESS_JWT);
        c.get_account_details().await.unwrap();
        let got = server.received();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].json()["password"], PASSWORD, "the body was sent");

        let spans = request_spans(&recorder);
        assert_eq!(spans.len(), 3, "one span per attempt: {spans:#?}");
        let expect = [
            ("iamLoginUser", "POST", "/iam/auth/jwt/login", "200", "1"),
            ("iamGetAccountDetails", "GET", "/iam/clients/me", "503", "1"),
            ("iamGetAccountDetails", "GET", "/iam/clients/me", "200", "2"),
        ];
        for (span, (operation, method, path, status, attempt)) in spans.iter().zip(expect) {
            assert_eq!(span.get("operation").map(String::as_str), Some(operation));
            assert_eq!(span.get("method").map(String::as_str), Some(method));
            assert_eq!(span.get("path").map(String::as_str), Some(path));
            assert_eq!(span.get("status").map(String::as_str), Some(status));
            assert_eq!(span.get("attempt").map(String::as_str), Some(attempt));
            let duration = span.get("duration_ms").expect("duration_ms recorded");
            assert!(duration.parse::<u64>().is_ok(), "{duration}");
        }

        // no secret and no body anywhere: fmt's output at TRACE (the HTTP stack's logs too),
        // every span field and every event
        let mut everything = String::from_utf8(written.0.lock().unwrap().clone()).unwrap();
        for c in recorder
            .spans
            .lock()
            .unwrap()
            .iter()
            .chain(recorder.events.lock().unwrap().iter())
        {
            everything.push_str(&format!("{} {:?}\n", c.name, c.fields));
        }
        assert!(
            everything.contains("iamLoginUser"),
            "nothing was captured:\n{everything}"
        );
        for leak in [
            "a1b2c3d4",
            "APIKey",
            PASSWORD,
            "c2lnbmF0dXJl",
            "eyJ1c2Vy",
            BODY_MARKER,
            "ops@example.com",
        ] {
            assert!(
                !everything.contains(leak),
                "{leak:?} in the logs:\n{everything}"
            );
        }
    });
}

#[test]
fn a_failed_attempt_records_its_duration_and_no_status() {
    captured(|recorder, _written| async move {
        let server = ScriptedServer::start().await;
        server.push(Reply::Reset);
        let err = Client::builder(KEY)
            .base_url(server.base_url())
            .retries(0)
            .build()
            .unwrap()
            .get_account_details()
            .await
            .unwrap_err();
        assert!(matches!(err, gcore_iam::Error::Transport { .. }), "{err:?}");
        let spans = request_spans(&recorder);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].get("status"), None);
        assert!(spans[0].contains_key("duration_ms"), "{:?}", spans[0]);
        assert!(
            recorder
                .events
                .lock()
                .unwrap()
                .iter()
                .any(|e| e.level == Level::DEBUG
                    && e.fields.get("message").map(String::as_str) == Some("request failed")),
            "the failure is logged"
        );
    });
}

fn warnings(recorder: &Recorder) -> Vec<Fields> {
    recorder
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.level == Level::WARN)
        .map(|e| e.fields.clone())
        .collect()
}

#[test]
fn a_deprecation_header_alone_is_warned_about_with_a_readable_date() {
    captured(|recorder, written| async move {
        let server = ScriptedServer::start().await;
        // RFC 9745: a structured-field date, seconds since the epoch (2026-01-01T00:00:00Z)
        server.fallback(Reply::json(200, account()).with_header("deprecation", "@1767225600"));
        let c = client(&server);
        c.get_account_details().await.unwrap();
        c.get_account_details().await.unwrap();
        let warnings = warnings(&recorder);
        assert_eq!(warnings.len(), 1, "once per operation: {warnings:#?}");
        let message = &warnings[0]["message"];
        assert!(
            message.contains("iamGetAccountDetails")
                && message.contains("Client::get_account_details")
                && message.contains("deprecated since 2026-01-01"),
            "{message}"
        );
        assert!(!message.contains("to be removed"), "{message}");
        assert_eq!(warnings[0]["deprecated_since"], "2026-01-01");
        let log = String::from_utf8(written.0.lock().unwrap().clone()).unwrap();
        assert!(
            !log.contains("@1767225600") && !log.contains("1767225600"),
            "the raw value is shown:\n{log}"
        );
    });
}

#[test]
fn a_sunset_header_alone_is_warned_about_with_the_removal_date() {
    captured(|recorder, _written| async move {
        let server = ScriptedServer::start().await;
        server.fallback(
            Reply::json(200, account()).with_header("sunset", "Fri, 17 Jul 2026 00:00:00 GMT"),
        );
        client(&server).get_account_details().await.unwrap();
        let warnings = warnings(&recorder);
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        let message = &warnings[0]["message"];
        assert!(
            message.contains("iamGetAccountDetails")
                && message.contains("as deprecated, to be removed on 2026-07-17"),
            "{message}"
        );
        assert!(!message.contains("since"), "{message}");
        assert_eq!(warnings[0]["removal"], "2026-07-17");
    });
}

#[test]
fn an_unreadable_deprecation_value_is_shown_bounded_and_without_control_characters() {
    captured(|recorder, _written| async move {
        let server = ScriptedServer::start().await;
        server.fallback(
            Reply::json(200, account())
                .with_header("deprecation", &format!("soon{}", "x".repeat(500))),
        );
        client(&server).get_account_details().await.unwrap();
        let warnings = warnings(&recorder);
        assert_eq!(warnings.len(), 1);
        let since = &warnings[0]["deprecated_since"];
        assert!(
            since.starts_with("soonxxx") && since.len() <= 100,
            "{since}"
        );
    });
}

#[test]
fn a_deprecation_header_logs_one_warning_per_operation_per_client_and_no_secret() {
    captured(|recorder, written| async move {
        let server = ScriptedServer::start().await;
        server.fallback(
            Reply::json(200, account())
                .with_header("deprecation", "@1767225600")
                .with_header("sunset", "Fri, 17 Jul 2026 00:00:00 GMT"),
        );
        let c = client(&server);
        for _ in 0..3 {
            c.get_account_details().await.unwrap();
        }
        let other = client(&server);
        other.get_account_details().await.unwrap();

        let warnings = warnings(&recorder);
        assert_eq!(
            warnings.len(),
            2,
            "one per operation per client: {warnings:#?}"
        );
        let message = &warnings[0]["message"];
        assert!(
            message.contains("iamGetAccountDetails")
                && message.contains("deprecated since 2026-01-01, to be removed on 2026-07-17"),
            "{message}"
        );
        // spans carry the operation, path template, status and attempt; never the key
        let spans = request_spans(&recorder);
        assert_eq!(spans.len(), 4, "one span per call: {spans:#?}");
        assert!(
            spans
                .iter()
                .all(|s| s.get("path").map(String::as_str) == Some("/iam/clients/me")),
            "{spans:#?}"
        );
        let log = String::from_utf8(written.0.lock().unwrap().clone()).unwrap();
        assert!(
            log.contains("path=\"/iam/clients/me\"") || log.contains("path=/iam/clients/me"),
            "{log}"
        );
        assert!(
            !log.contains("a1b2c3d4"),
            "the API key leaked into the logs:\n{log}"
        );
    });
}
