//! Errors of a call: [`Error`], whose HTTP case is an [`ApiError`] with the typed body the
//! API description documents for that status, and [`ConfigError`] for building a client.

use crate::auth::{ApiKeyError, AuthFailure};
use std::fmt;
use std::time::Duration;

/// Longest excerpt of a response body kept in an error.
pub(crate) const EXCERPT_BYTES: usize = 512;

/// What went wrong with one call. `E` is the operation's error enum (for example
/// `operations::CreateApiTokenV2Error`), holding the documented error bodies.
#[derive(Debug)]
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

/// An error status from the server.
#[derive(Debug)]
pub struct ApiError<E> {
    pub(crate) operation: &'static str,
    pub(crate) method: &'static str,
    pub(crate) status: u16,
    pub(crate) body: Option<E>,
    pub(crate) raw: String,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) auth: Option<AuthFailure>,
    pub(crate) attempts: u32,
}

/// A success response whose body does not decode.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The operationId.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// Where in the body decoding failed (`results[3].email`), if known.
    pub path: String,
    /// What serde said.
    pub message: String,
    /// The start of the body, secrets redacted.
    pub excerpt: String,
}

impl<E> ApiError<E> {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
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
        &self.raw
    }
    /// The server's request id (`X-Request-Id`), if it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// `Retry-After`, if the server sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// Attempts made, retries included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// One of Gcore's documented authentication failures, if this is one.
    pub fn auth_failure(&self) -> Option<&AuthFailure> {
        self.auth.as_ref()
    }
    /// Field errors of a validation body (`{"errors": {"client_user": {"role": ["…"]}}}`)
    /// as `("client_user.role", "…")` pairs.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        field_errors(&self.raw)
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
            Error::Api(e) => Some(e.status),
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
        self.api_error().and_then(|e| e.retry_after)
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
            Error::Api(e) => matches!(e.status, 429 | 502 | 503 | 504),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            _ => false,
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
            Error::Api(e) => e.status >= 500 && is_unsafe_method(e.method),
            _ => false,
        }
    }
}

fn is_unsafe_method(method: &str) -> bool {
    matches!(method, "POST" | "PATCH")
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
                    f.write_str("; the request may have reached the server, so its outcome is unknown: check before repeating it")?;
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
                    f.write_str("; the request may have reached the server, so its outcome is unknown: check before repeating it")?;
                }
                Ok(())
            }
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Decode(d) => fmt::Display::fmt(d, f),
            Error::Removed {
                operation,
                method,
                removal_date,
                replacement,
                status,
            } => {
                write!(
                    f,
                    "{operation} (Client::{method}) answered {status}: Gcore scheduled this endpoint for removal on {removal_date}"
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
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        let parsed: Option<serde_json::Value> = serde_json::from_str(&self.raw).ok();
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
        if detail.is_none() && self.field_errors().is_empty() && !self.raw.is_empty() {
            write!(f, ": {}", self.raw)?;
        }
        if let Some(a) = &self.auth {
            write!(f, "\n  hint: {}", a.hint())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, "\n  request id: {id}")?;
        }
        Ok(())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: HTTP {} with a body that does not match the API description at `{}`: {} (body starts: {})",
            self.operation, self.status, self.path, self.message, self.excerpt
        )
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

/// Why a client could not be built. Nothing was sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// An environment variable is missing.
    MissingEnv {
        /// Its name.
        var: &'static str,
    },
    /// The API key is not a Gcore permanent token.
    ApiKey(ApiKeyError),
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
        match self {
            ConfigError::MissingEnv { var } => write!(
                f,
                "{var} is not set: export {var}='<id>_<secret>' (a Gcore permanent API token)"
            ),
            ConfigError::ApiKey(e) => fmt::Display::fmt(e, f),
            ConfigError::BaseUrl { url, reason } => write!(f, "base URL {url:?}: {reason}"),
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::ApiKey(e) => Some(e),
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ApiKeyError> for ConfigError {
    fn from(e: ApiKeyError) -> Self {
        ConfigError::ApiKey(e)
    }
}

/// A bounded, secret-free excerpt of a body: JSON string values under keys that hold
/// secrets (`token`, `password`, `access`, `refresh`, `secret`) are replaced, and anything
/// shaped like a Gcore token (`<digits>_<secret>`, `<digits>$<secret>`) is masked.
pub(crate) fn excerpt(body: &[u8]) -> String {
    fn redact(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    let k = k.to_ascii_lowercase();
                    let secret_key = [
                        "token",
                        "password",
                        "secret",
                        "access",
                        "refresh",
                        "double",
                        "old",
                        "new",
                        "one_time_password",
                    ]
                    .iter()
                    .any(|s| {
                        k == *s
                            || k.ends_with("_token")
                            || k.contains("password")
                            || k.contains("secret")
                    });
                    if secret_key && v.is_string() {
                        *v = serde_json::Value::String("[redacted]".into());
                    } else {
                        redact(v);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
            _ => {}
        }
    }
    let text = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut v) => {
            redact(&mut v);
            v.to_string()
        }
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES * 2)]).into_owned(),
    };
    let masked = mask_tokens(&text);
    if masked.len() <= EXCERPT_BYTES {
        masked
    } else {
        let mut end = EXCERPT_BYTES;
        while !masked.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &masked[..end])
    }
}

/// Masks `<digits>_<8+ token chars>` and `<digits>$<…>` sequences.
fn mask_tokens(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j < chars.len() && (chars[j] == '_' || chars[j] == '$') {
                let mut k = j + 1;
                while k < chars.len() && (chars[k].is_ascii_alphanumeric() || chars[k] == '-') {
                    k += 1;
                }
                if k - j > 8 {
                    out.extend(&chars[i..=j]);
                    out.push_str("****");
                    i = k;
                    continue;
                }
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
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
    fn excerpts_never_carry_secrets_and_are_bounded() {
        let body = br#"{"id": 7, "token": "42_a1b2c3d4e5f6a7b8", "note": "use 43$zzzzzzzzzzzz please", "client_user": {"password": "hunter2hunter2"}}"#;
        let e = excerpt(body);
        for secret in ["a1b2c3d4", "zzzzzzzz", "hunter2"] {
            assert!(!e.contains(secret), "{e}");
        }
        assert!(e.contains("\"id\":7"), "{e}");
        let big = vec![b'x'; 100_000];
        assert!(excerpt(&big).len() <= EXCERPT_BYTES + 3);
        let not_utf8 = [0xff, 0xfe, 0x00, 0x41];
        let _ = excerpt(&not_utf8);
    }
}
