//! Errors of a call: [`Error`], whose HTTP case is an [`ApiError`] with the typed body the
//! API description documents for that status, and [`ConfigError`] for building a client.

// region: gcore-iam only
use crate::auth::{ApiKeyError, AuthFailure};
// endregion: gcore-iam only
use std::fmt;
use std::time::Duration;

/// Longest excerpt of a response body kept in an error.
pub(crate) const EXCERPT_BYTES: usize = 512;

/// What went wrong with one call. `E` is the operation's error enum (for example
/// `operations::CreateApiTokenV2Error`), holding the documented error bodies.
///
/// `Debug` and `Display` never show a secret: token-shaped values, JWTs, URL passwords and
/// string values under secret-looking keys (`token`, `password`, `secret`, `access`,
/// `refresh`, …) are masked, in the typed body too.
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
    // region: gcore-iam only
    pub(crate) auth: Option<AuthFailure>,
    // endregion: gcore-iam only
    pub(crate) attempts: u32,
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
    pub(crate) raw: Box<crate::SecretString>,
    /// Whether the request was a POST or PATCH, which the server has now carried out.
    pub(crate) server_acted: bool,
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
    // region: gcore-iam only
    /// One of Gcore's documented authentication failures, if this is one.
    pub fn auth_failure(&self) -> Option<&AuthFailure> {
        self.info.auth.as_ref()
    }
    // endregion: gcore-iam only
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

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_redacted(f, format_args!("{}", fmt_with(|f| self.display_plain(f))))
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted(
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
        write_redacted(f, format_args!("{}", fmt_with(|f| self.display_plain(f))))
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted(
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
                    // region: gcore-iam only
                    .field("auth", &self.info.auth)
                    // endregion: gcore-iam only
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
        // region: gcore-iam only
        if let Some(a) = &self.info.auth {
            write!(f, "\n  hint: {}", a.hint())?;
        }
        // endregion: gcore-iam only
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
        write_redacted(f, format_args!("{}", fmt_with(|f| self.display_plain(f))))
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted(
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
    /// [`crate::SecretString::expose_secret`] (for instance into `serde_json::Value`);
    /// `Debug` and `Display` of this error never show it.
    pub fn raw_body(&self) -> &crate::SecretString {
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
    // region: gcore-iam only
    /// An environment variable is missing.
    MissingEnv {
        /// Its name.
        var: &'static str,
    },
    /// The API key is not a Gcore permanent token.
    ApiKey(ApiKeyError),
    // endregion: gcore-iam only
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
        write_redacted(f, format_args!("{}", fmt_with(|f| self.display_plain(f))))
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_redacted(
            f,
            &fmt_with(|f| match self {
                // region: gcore-iam only
                ConfigError::MissingEnv { var } => {
                    f.debug_struct("MissingEnv").field("var", var).finish()
                }
                ConfigError::ApiKey(e) => f.debug_tuple("ApiKey").field(e).finish(),
                // endregion: gcore-iam only
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
            // region: gcore-iam only
            ConfigError::MissingEnv { var } => write!(
                f,
                "{var} is not set: export {var}='<id>_<secret>' (a Gcore permanent API token)"
            ),
            ConfigError::ApiKey(e) => fmt::Display::fmt(e, f),
            // endregion: gcore-iam only
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
            // region: gcore-iam only
            ConfigError::ApiKey(e) => Some(e),
            // endregion: gcore-iam only
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

// region: gcore-iam only
impl From<ApiKeyError> for ConfigError {
    fn from(e: ApiKeyError) -> Self {
        ConfigError::ApiKey(e)
    }
}
// endregion: gcore-iam only

/// Whether a JSON key or field name holds a secret: its string value is masked in
/// excerpts, `Debug` and `Display`.
pub(crate) fn is_secret_key(key: &str) -> bool {
    const SECRET_KEYS: &[&str] = &[
        "token",
        "password",
        "secret",
        "access",
        "refresh",
        "double",
        "old",
        "new",
        "one_time_password",
        "authorization",
        "jwt",
    ];
    let k = key.to_ascii_lowercase();
    SECRET_KEYS.contains(&k.as_str())
        || k.ends_with("_token")
        || k.ends_with("-token")
        || k.contains("password")
        || k.contains("secret")
}

/// A bounded, secret-free excerpt of a body: JSON string values under keys that hold
/// secrets ([`is_secret_key`]) are replaced, and token-shaped values are masked
/// ([`redact_text`]).
pub(crate) fn excerpt(body: &[u8]) -> String {
    fn redact(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    if is_secret_key(k) && v.is_string() {
                        *v = serde_json::Value::String(REDACTED.into());
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
    let masked = redact_text(&text);
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

/// What a masked value is replaced with.
const REDACTED: &str = "[redacted]";

/// Masks the secrets in any text (a `Debug` or `Display` rendering, serde's message, a
/// body): token-shaped values (`<digits>_<secret>`, `<digits>$<secret>`), JWTs, the password
/// of a URL, and quoted values after a secret-looking key (`"token": "…"`,
/// `password: Some("…")`, `token=…`).
pub(crate) fn redact_text(text: &str) -> String {
    redact_keyed_values(&redact_url_passwords(&mask_tokens(text)))
}

/// `Debug` of `value` (keeping `{:#?}`), secrets masked.
pub(crate) fn debug_redacted(f: &mut fmt::Formatter<'_>, value: &dyn fmt::Debug) -> fmt::Result {
    let text = if f.alternate() {
        format!("{value:#?}")
    } else {
        format!("{value:?}")
    };
    f.write_str(&redact_text(&text))
}

/// Writes `args`, secrets masked.
pub(crate) fn write_redacted(f: &mut fmt::Formatter<'_>, args: fmt::Arguments<'_>) -> fmt::Result {
    f.write_str(&redact_text(&fmt::format(args)))
}

/// A value whose `Debug` and `Display` are the closure.
pub(crate) struct FmtWith<F>(F);

/// See [`FmtWith`].
pub(crate) fn fmt_with<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result>(f: F) -> FmtWith<F> {
    FmtWith(f)
}

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Debug for FmtWith<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for FmtWith<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// Masks `<digits>_<8+ token chars>` and `<digits>$<…>` sequences, and JWTs
/// (`eyJ….….…`).
fn mask_tokens(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let token_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    while i < chars.len() {
        let at_boundary = i == 0 || !token_char(chars[i - 1]);
        if at_boundary && chars[i..].starts_with(&['e', 'y', 'J']) {
            let mut k = i;
            let mut dots = 0;
            while k < chars.len() && (token_char(chars[k]) || chars[k] == '.') {
                dots += usize::from(chars[k] == '.');
                k += 1;
            }
            if dots >= 2 && k - i >= 16 {
                out.push_str("eyJ****");
                i = k;
                continue;
            }
        }
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

/// `scheme://user:password@host` → `scheme://user:****@host`.
fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let authority_start = pos + 3;
        out.push_str(&rest[..authority_start]);
        rest = &rest[authority_start..];
        let authority_end = rest
            .find(|c: char| "/?#\"'`)<>,;\\".contains(c) || c.is_whitespace())
            .unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        if let Some(at) = authority.rfind('@') {
            if let Some(colon) = authority[..at].find(':') {
                out.push_str(&authority[..=colon]);
                out.push_str("****");
                out.push_str(&authority[at..]);
                rest = &rest[authority_end..];
                continue;
            }
        }
        out.push_str(authority);
        rest = &rest[authority_end..];
    }
    out.push_str(rest);
    out
}

/// Replaces the value after each secret-looking key: a quoted string after `:` or `=`
/// (through wrappers such as `Some(` and `String(`, and in escaped text `\"…\"`), or an
/// unquoted value after `=`.
fn redact_keyed_values(text: &str) -> String {
    let b = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !ident(b[i]) || (i > 0 && ident(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && ident(b[i]) {
            i += 1;
        }
        if !is_secret_key(&text[start..i]) {
            continue;
        }
        if let Some((from, to)) = secret_value_after(b, i) {
            out.push_str(&text[copied..from]);
            out.push_str(REDACTED);
            copied = to;
            i = to;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The byte range of the value that follows a key ending at `i`, if it is one to mask.
fn secret_value_after(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    // the closing quote of a quoted key, escaped or not
    while i < b.len() && matches!(b[i], b'"' | b'\\' | b'\'') {
        i += 1;
    }
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let sep = *b.get(i)?;
    if !(sep == b':' || sep == b'=') || b.get(i + 1) == Some(&sep) {
        return None;
    }
    i += 1;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        // a wrapper: `Some(`, `String(`, `Ok(`
        let mut k = i;
        while k < b.len() && b[k].is_ascii_alphabetic() {
            k += 1;
        }
        if k > i && b.get(k) == Some(&b'(') {
            i = k + 1;
        } else {
            break;
        }
    }
    match (b.get(i), b.get(i + 1)) {
        (Some(b'"'), _) => {
            let from = i + 1;
            let mut k = from;
            while k < b.len() && b[k] != b'"' {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            Some((from, k.min(b.len())))
        }
        (Some(b'\\'), Some(b'"')) => {
            let from = i + 2;
            let to = b[from..]
                .windows(2)
                .position(|w| w == b"\\\"")
                .map_or(b.len(), |p| from + p);
            Some((from, to))
        }
        _ if sep == b'=' => {
            let to = b[i..]
                .iter()
                .position(|c| c.is_ascii_whitespace() || b"&,;)]}\"'".contains(c))
                .map_or(b.len(), |p| i + p);
            (to > i).then_some((i, to))
        }
        _ => None,
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

    #[test]
    fn text_redaction_masks_values_under_secret_keys_in_every_rendering() {
        let cases = [
            // JSON
            (
                r#"{"token":"hunter2x","id":7}"#,
                r#"{"token":"[redacted]","id":7}"#,
            ),
            // Debug of serde_json::Value
            (
                r#"Object {"password": String("hunter2x"), "name": String("ok")}"#,
                r#"Object {"password": String("[redacted]"), "name": String("ok")}"#,
            ),
            // Debug of a struct, pretty-printed
            (
                "Login {\n    refresh: Some(\n        \"hunter2x\",\n    ),\n}",
                "Login {\n    refresh: Some(\n        \"[redacted]\",\n    ),\n}",
            ),
            // JSON inside a Debug string
            (
                r#"raw: "{\"client_secret\":\"hunter2x\"}""#,
                r#"raw: "{\"client_secret\":\"[redacted]\"}""#,
            ),
            // a form body
            (
                "user=a&password=hunter2x&x=1",
                "user=a&password=[redacted]&x=1",
            ),
            // escaped quotes inside the value
            (
                r#""access": "a\"hunter2x" next"#,
                r#""access": "[redacted]" next"#,
            ),
            // an unterminated value (a cut excerpt) is masked to the end
            (r#"{"token": "hunter2x"#, r#"{"token": "[redacted]"#),
            // token-shaped values and JWTs anywhere
            (
                "id 42_a1b2c3d4e5f6 and 7$zzzzzzzzzz",
                "id 42_**** and 7$****",
            ),
            (
                "bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl done",
                "bearer eyJ**** done",
            ),
            // a URL's password
            (
                "url: \"https://ops:hunter2x@api.example.com/x\"",
                "url: \"https://ops:****@api.example.com/x\"",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(redact_text(text), want, "{text}");
        }
        // what must stay readable
        for keep in [
            "Bad permanent token: 29841",
            "token: SecretString([redacted])",
            "client_user.password: This field is required.",
            "Client::new(key) and my_client::token::x",
            "created 2026-11-24T10:00:00Z, attempts: 3",
            // region: gcore-iam only
            "export GCORE_API_KEY='29841$…'",
            // endregion: gcore-iam only
            "https://api.example.com:8443/x",
            "ünïcode \"token\" alone",
        ] {
            assert_eq!(redact_text(keep), keep);
        }
    }

    #[test]
    fn debug_and_display_of_errors_mask_the_typed_body() {
        let err: Error<serde_json::Value> = Error::Api(ApiError {
            info: Box::new(ApiInfo {
                operation: "op",
                method: "POST",
                status: 500,
                raw: String::new(),
                request_id: Some("req 9_abcdefghijkl".into()),
                retry_after: None,
                // region: gcore-iam only
                auth: None,
                // endregion: gcore-iam only
                attempts: 1,
            }),
            body: Some(
                serde_json::json!({"token": "77_leakyleakyleaky", "nested": {"password": "hunter2x"}}),
            ),
        });
        for shown in [format!("{err:?}"), format!("{err:#?}"), err.to_string()] {
            for secret in ["leakyleaky", "hunter2x", "abcdefghijkl"] {
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
