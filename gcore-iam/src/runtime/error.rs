//! The errors the runtime reports: of a call ([`Error`], whose HTTP case is an [`ApiError`]
//! with the typed body the API description documents for that status) or of building a
//! client ([`ConfigError`]).

use super::redact::{Redaction, fmt_with};
use super::secret::SecretString;
use std::fmt;
use std::time::Duration;

/// What went wrong with one call. `E` is the operation's error enum (for example
/// `operations::CreatePetError`), holding the documented error bodies.
///
/// `Debug` and `Display` never show a secret: JWTs, URL passwords, string values under
/// secret keys (`token`, `password`, `secret`, … and the fields the API description marks
/// secret) and the API's own secret shapes are masked, in the typed body too.
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be built (its body could not be serialised); nothing was sent.
    Build {
        /// The operationId.
        operation: &'static str,
        /// What failed.
        message: String,
    },
    /// The request did not get a response: the connection failed, was reset, or the body
    /// could not be read.
    Transport {
        /// The operationId.
        operation: &'static str,
        /// Whether the request may have reached the server (false only when the connection
        /// was never established).
        may_have_reached_server: bool,
        /// Whether repeating the request could act twice (POST and PATCH that may have
        /// reached the server).
        outcome_unknown: bool,
        /// Attempts made, retries included.
        attempts: u32,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// No response within the configured timeout.
    Timeout {
        /// The operationId.
        operation: &'static str,
        /// Whether repeating the request could act twice (POST and PATCH).
        outcome_unknown: bool,
        /// Attempts made, retries included.
        attempts: u32,
    },
    /// The server answered with an error status.
    Api(ApiError<E>),
    /// The server answered with a success status, but the body is not what the API
    /// description says.
    Decode(DecodeError),
    /// A deprecated endpoint whose removal date has passed answered 404 or 410.
    Removed {
        /// The operationId.
        operation: &'static str,
        /// The Rust method that was called.
        method: &'static str,
        /// The date the API description gave for the removal.
        removal_date: &'static str,
        /// The Rust method that replaces it, if the description names one.
        replacement: Option<&'static str>,
        /// 404 or 410.
        status: u16,
    },
}

/// An error status from the server. `Debug` and `Display` mask secrets, as for [`Error`].
pub struct ApiError<E> {
    /// Everything but the typed body: built once per response, not per error type, and
    /// boxed so that `Error` stays small.
    pub(crate) info: Box<ApiInfo>,
    pub(crate) body: Option<E>,
}

/// What an [`ApiError`] says apart from its typed body.
pub(crate) struct ApiInfo {
    pub(crate) operation: &'static str,
    pub(crate) method: &'static str,
    pub(crate) status: u16,
    pub(crate) raw: String,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    /// What the API's hook made of a 401 or 403 ([`super::service::Service`]).
    pub(crate) auth: Option<Box<dyn std::error::Error + Send + Sync>>,
    pub(crate) attempts: u32,
    /// How the API's secrets are masked.
    pub(crate) redaction: &'static Redaction,
}

/// A success response whose body does not decode. `Debug` and `Display` mask secrets, as
/// for [`Error`].
///
/// The server answered with a success status, so it did what was asked: for a POST or
/// PATCH ([`DecodeError::server_acted`]) repeating the call would act twice. Whatever the
/// answer carried that is given only once (a created secret, say) is still in
/// [`DecodeError::raw_body`], the whole body as received.
#[derive(Clone)]
pub struct DecodeError {
    /// The operationId.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// Where in the body decoding failed (`results[3].email`), if known.
    pub path: String,
    /// What serde said, secrets masked (serde quotes the offending value).
    pub message: String,
    /// The start of the body, secrets redacted.
    pub excerpt: String,
    /// The whole body, unredacted: never shown by `Debug` or `Display`.
    pub(crate) raw: Box<SecretString>,
    /// Whether the request was a POST or PATCH, which the server has now carried out.
    pub(crate) server_acted: bool,
    /// How the API's secrets are masked.
    pub(crate) redaction: &'static Redaction,
}

impl<E> ApiError<E> {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.info.status
    }
    /// The typed body, when the API description documents this status and the body
    /// matched it.
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }
    /// Takes the typed body.
    pub fn into_body(self) -> Option<E> {
        self.body
    }
    /// The start of the raw body (at most 512 bytes), secrets redacted.
    pub fn raw_body(&self) -> &str {
        &self.info.raw
    }
    /// The server's request id (`X-Request-Id`), if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.info.request_id.as_deref()
    }
    /// `Retry-After`, if the server sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.info.retry_after
    }
    /// Attempts made, retries included.
    pub fn attempts(&self) -> u32 {
        self.info.attempts
    }
    /// The API's explanation of this 401 or 403, when its crate has one and recognised
    /// the body: its `Display` is the hint `Display` of this error shows, and the crate
    /// may offer it as a type of its own (`downcast_ref`).
    pub fn auth_explanation(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.info.auth.as_deref()
    }
    /// Field errors of a validation body (`{"errors": {"client_user": {"role": ["…"]}}}`)
    /// as `("client_user.role", "…")` pairs.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        field_errors(&self.info.raw)
    }
}

/// Flattens `{"errors": {...}}` (nested objects, lists of messages) into `(path, message)`.
pub(crate) fn field_errors(raw: &str) -> Vec<(String, String)> {
    fn walk(v: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    path.push(k.clone());
                    walk(v, path, out);
                    path.pop();
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    walk(item, path, out);
                }
            }
            serde_json::Value::String(s) => out.push((path.join("."), s.clone())),
            serde_json::Value::Null => {}
            other => out.push((path.join("."), other.to_string())),
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(raw) {
        if let Some(errors) = value.get("errors") {
            walk(errors, &mut Vec::new(), &mut out);
        } else if value.is_array() {
            walk(&value, &mut Vec::new(), &mut out);
        }
    }
    out
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.info.status),
            Error::Decode(d) => Some(d.status),
            Error::Removed { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The HTTP error, if the server answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The typed error body, if the server sent a documented one.
    pub fn body(&self) -> Option<&E> {
        self.api_error().and_then(ApiError::body)
    }

    /// `Retry-After` of a 429 or 503.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(|e| e.info.retry_after)
    }

    /// The server's request id, if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(ApiError::request_id)
    }

    /// Whether trying again later may succeed (429, 502, 503, 504, a connection that
    /// failed, a timeout of an idempotent request). For POST and PATCH check
    /// [`Error::outcome_unknown`] first: the first attempt may have acted.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => matches!(e.info.status, 429 | 502 | 503 | 504),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            _ => false,
        }
    }

    /// Whether the server carried out a POST or PATCH whose success answer did not decode
    /// ([`DecodeError::server_acted`]): do not repeat it; what it returned is in
    /// [`DecodeError::raw_body`].
    pub fn server_acted(&self) -> bool {
        matches!(self, Error::Decode(d) if d.server_acted)
    }

    /// The decoding failure, if the server answered with a success body that does not
    /// decode.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        match self {
            Error::Decode(d) => Some(d),
            _ => None,
        }
    }

    /// Whether a POST or PATCH may have acted although it failed (a timeout, a 5xx, a
    /// connection lost after sending): check the server's state before repeating it, or a
    /// token may be created twice.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport {
                outcome_unknown, ..
            }
            | Error::Timeout {
                outcome_unknown, ..
            } => *outcome_unknown,
            Error::Api(e) => e.info.status >= 500 && is_unsafe_method(e.info.method),
            _ => false,
        }
    }
}

/// What `Display` says of a POST or PATCH answered with a success body that did not decode.
const SERVER_ACTED: &str = "the server has acted on this request, so do not repeat it; the whole body is kept, as a secret, in DecodeError::raw_body";

/// What `Display` says of a POST or PATCH that may have acted.
const OUTCOME_UNKNOWN: &str =
    "the request may have reached the server, so its outcome is unknown: check before repeating it";

fn is_unsafe_method(method: &str) -> bool {
    matches!(method, "POST" | "PATCH")
}

impl<E> Error<E> {
    /// How secrets are masked in this error: as its API says once the server answered,
    /// by the generic rules before.
    fn redaction(&self) -> &'static Redaction {
        match self {
            Error::Api(e) => e.info.redaction,
            Error::Decode(d) => d.redaction,
            _ => &Redaction::GENERIC,
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.redaction()
            .write(f, format_args!("{}", fmt_with(|f| self.display_plain(f))))
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.redaction().debug(
            f,
            &fmt_with(|f| match self {
                Error::Build { operation, message } => f
                    .debug_struct("Build")
                    .field("operation", operation)
                    .field("message", message)
                    .finish(),
                Error::Transport {
                    operation,
                    may_have_reached_server,
                    outcome_unknown,
                    attempts,
                    source,
                } => f
                    .debug_struct("Transport")
                    .field("operation", operation)
                    .field("may_have_reached_server", may_have_reached_server)
                    .field("outcome_unknown", outcome_unknown)
                    .field("attempts", attempts)
                    .field("source", source)
                    .finish(),
                Error::Timeout {
                    operation,
                    outcome_unknown,
                    attempts,
                } => f
                    .debug_struct("Timeout")
                    .field("operation", operation)
                    .field("outcome_unknown", outcome_unknown)
                    .field("attempts", attempts)
                    .finish(),
                Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
                Error::Decode(d) => f.debug_tuple("Decode").field(d).finish(),
                Error::Removed {
                    operation,
                    method,
                    removal_date,
                    replacement,
                    status,
                } => f
                    .debug_struct("Removed")
                    .field("operation", operation)
                    .field("method", method)
                    .field("removal_date", removal_date)
                    .field("replacement", replacement)
                    .field("status", status)
                    .finish(),
            }),
        )
    }
}

impl<E> Error<E> {
    /// `Display` before masking.
    fn display_plain(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Build { operation, message } => {
                write!(f, "{operation}: the request could not be built: {message}")
            }
            Error::Transport {
                operation,
                may_have_reached_server,
                outcome_unknown,
                attempts,
                source,
            } => {
                write!(f, "{operation}: no response ({source}")?;
                let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(source);
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                write!(f, ") after {attempts} attempt(s)")?;
                if *outcome_unknown {
                    write!(f, "; {OUTCOME_UNKNOWN}")?;
                } else if !may_have_reached_server {
                    f.write_str("; the request never reached the server")?;
                }
                Ok(())
            }
            Error::Timeout {
                operation,
                outcome_unknown,
                attempts,
            } => {
                write!(
                    f,
                    "{operation}: no response within the timeout after {attempts} attempt(s)"
                )?;
                if *outcome_unknown {
                    write!(f, "; {OUTCOME_UNKNOWN}")?;
                }
                Ok(())
            }
            Error::Api(e) => e.display_plain(f),
            Error::Decode(d) => d.display_plain(f),
            Error::Removed {
                operation,
                method,
                removal_date,
                replacement,
                status,
            } => {
                write!(
                    f,
                    "{operation} (Client::{method}) answered {status}: the API description scheduled this endpoint for removal on {removal_date}"
                )?;
                match replacement {
                    Some(r) => write!(f, "; use Client::{r} instead"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.info
            .redaction
            .write(f, format_args!("{}", fmt_with(|f| self.display_plain(f))))
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.info.redaction.debug(
            f,
            &fmt_with(|f| {
                f.debug_struct("ApiError")
                    .field("operation", &self.info.operation)
                    .field("method", &self.info.method)
                    .field("status", &self.info.status)
                    .field("body", &self.body)
                    .field("raw", &self.info.raw)
                    .field("request_id", &self.info.request_id)
                    .field("retry_after", &self.info.retry_after)
                    .field("auth", &self.info.auth)
                    .field("attempts", &self.info.attempts)
                    .finish()
            }),
        )
    }
}

impl<E> ApiError<E> {
    /// `Display` before masking.
    fn display_plain(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.info.operation, self.info.status)?;
        let parsed: Option<serde_json::Value> = serde_json::from_str(&self.info.raw).ok();
        let detail = parsed
            .as_ref()
            .and_then(|v| v.get("detail").or_else(|| v.get("message")))
            .and_then(|d| d.as_str());
        if let Some(d) = detail {
            write!(f, ": {}", d.trim())?;
        }
        for (path, message) in self.field_errors() {
            if path.is_empty() {
                write!(f, "\n  {message}")?;
            } else {
                write!(f, "\n  {path}: {message}")?;
            }
        }
        if detail.is_none() && self.field_errors().is_empty() && !self.info.raw.is_empty() {
            write!(f, ": {}", self.info.raw)?;
        }
        if let Some(a) = &self.info.auth {
            write!(f, "\n  hint: {a}")?;
        }
        if self.info.status >= 500 && is_unsafe_method(self.info.method) {
            write!(f, "\n  {OUTCOME_UNKNOWN}")?;
        }
        if let Some(id) = &self.info.request_id {
            write!(f, "\n  request id: {id}")?;
        }
        Ok(())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.redaction
            .write(f, format_args!("{}", fmt_with(|f| self.display_plain(f))))
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.redaction.debug(
            f,
            &fmt_with(|f| {
                f.debug_struct("DecodeError")
                    .field("operation", &self.operation)
                    .field("status", &self.status)
                    .field("path", &self.path)
                    .field("message", &self.message)
                    .field("excerpt", &self.excerpt)
                    .field("raw_body", &self.raw)
                    .field("server_acted", &self.server_acted)
                    .finish()
            }),
        )
    }
}

impl DecodeError {
    /// The whole body as the server sent it (invalid UTF-8 replaced), as a secret: it may
    /// hold a value the server gives only once, such as a created credential, which the
    /// typed result would have carried. Read it on purpose with
    /// [`SecretString::expose_secret`] (for instance into `serde_json::Value`);
    /// `Debug` and `Display` of this error never show it.
    pub fn raw_body(&self) -> &SecretString {
        &self.raw
    }

    /// Whether the server carried out the request: it answered a POST or PATCH with a
    /// success status. Do not repeat the call (it would act twice); take what you need
    /// from [`DecodeError::raw_body`].
    pub fn server_acted(&self) -> bool {
        self.server_acted
    }

    /// `Display` before masking.
    fn display_plain(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: HTTP {} with a body that does not match the API description at `{}`: {} (body starts: {})",
            self.operation, self.status, self.path, self.message, self.excerpt
        )?;
        if self.server_acted {
            write!(f, "; {SERVER_ACTED}")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {}
impl std::error::Error for DecodeError {}

/// Why a client could not be built. Nothing was sent. `Debug` and `Display` mask secrets
/// (a password in the base URL, say), as for [`Error`].
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable is missing.
    MissingEnv {
        /// Its name.
        var: &'static str,
        /// How to set it, from the API's side: the value it expects and how to quote it.
        expected: &'static str,
    },
    /// The credentials were refused by a check of the API's own before any request (a
    /// key of the wrong format, say): the error says why, without the secret.
    InvalidCredentials(Box<dyn std::error::Error + Send + Sync>),
    /// The credentials cannot be sent (an empty token, a line break in a key, an invalid
    /// header name).
    Credentials {
        /// Why, without the secret.
        reason: String,
    },
    /// No base URL: the API description names no server and none was set.
    MissingBaseUrl,
    /// The base URL cannot be used.
    BaseUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be built.
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Redaction::GENERIC.write(f, format_args!("{}", fmt_with(|f| self.display_plain(f))))
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Redaction::GENERIC.debug(
            f,
            &fmt_with(|f| match self {
                ConfigError::MissingEnv { var, expected } => f
                    .debug_struct("MissingEnv")
                    .field("var", var)
                    .field("expected", expected)
                    .finish(),
                ConfigError::InvalidCredentials(e) => {
                    f.debug_tuple("InvalidCredentials").field(e).finish()
                }
                ConfigError::Credentials { reason } => f
                    .debug_struct("Credentials")
                    .field("reason", reason)
                    .finish(),
                ConfigError::MissingBaseUrl => f.write_str("MissingBaseUrl"),
                ConfigError::BaseUrl { url, reason } => f
                    .debug_struct("BaseUrl")
                    .field("url", url)
                    .field("reason", reason)
                    .finish(),
                ConfigError::Http(e) => f.debug_tuple("Http").field(e).finish(),
            }),
        )
    }
}

impl ConfigError {
    /// `Display` before masking.
    fn display_plain(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingEnv { var, expected } => {
                write!(f, "{var} is not set: {expected}")
            }
            ConfigError::InvalidCredentials(e) => fmt::Display::fmt(e, f),
            ConfigError::Credentials { reason } => {
                write!(f, "the credentials cannot be used: {reason}")
            }
            ConfigError::MissingBaseUrl => f.write_str(
                "no base URL: the API description names no server, so set one with ClientBuilder::base_url",
            ),
            ConfigError::BaseUrl { url, reason } => write!(f, "base URL {url:?}: {reason}"),
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::InvalidCredentials(e) => Some(&**e),
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_flatten_nested_validation_bodies() {
        let raw = r#"{"errors": {"client_user": {"role": ["Invalid role: RoleName"]}, "name": ["This field is required."]}}"#;
        assert_eq!(
            field_errors(raw),
            vec![
                (
                    "client_user.role".to_string(),
                    "Invalid role: RoleName".to_string()
                ),
                ("name".to_string(), "This field is required.".to_string())
            ]
        );
    }

    #[test]
    fn debug_and_display_of_errors_mask_the_typed_body() {
        let err: Error<serde_json::Value> = Error::Api(ApiError {
            info: Box::new(ApiInfo {
                operation: "op",
                method: "POST",
                status: 500,
                raw: String::new(),
                request_id: Some("req eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl".into()),
                retry_after: None,
                auth: None,
                attempts: 1,
                redaction: &Redaction::GENERIC,
            }),
            body: Some(
                serde_json::json!({"token": "leakyleakyleaky", "nested": {"password": "hunter2x"}}),
            ),
        });
        for shown in [format!("{err:?}"), format!("{err:#?}"), err.to_string()] {
            for secret in ["leakyleaky", "hunter2x", "eyJzdWIiOjF9"] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
        }
        assert!(
            format!("{err:#?}").contains("\n"),
            "pretty Debug stays pretty"
        );
        assert!(err.to_string().contains("outcome is unknown"), "{err}");
    }
}
