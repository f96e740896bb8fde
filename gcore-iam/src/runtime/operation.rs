//! One operation's round trip as generated code drives it: what it is
//! ([`OperationInfo`]), the [`Request`] it assembles and the [`Response`] it decodes.

use super::error::{ApiError, ApiInfo, DecodeError, Error};
use super::redact::Redaction;
use super::secret::SecretString;
use super::service::Service;
use std::time::Duration;

/// What the generated code knows about one operation.
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo {
    /// The operationId in the API description (`createPet`).
    pub operation_id: &'static str,
    /// The Rust method (`create_pet`).
    pub rust_name: &'static str,
    /// `GET`, `POST`, ….
    pub method: &'static str,
    /// The path template (`/stores/{storeId}/pets`).
    pub path_template: &'static str,
    /// Set for operations the description marks deprecated.
    pub deprecation: Option<Deprecation>,
    /// `false` for operations the description says need no credentials (`security: []`,
    /// like logging in): the client sends none with them.
    pub authenticated: bool,
}

impl OperationInfo {
    /// An operation that needs credentials and is not deprecated, its Rust method named
    /// as its operationId: what generated code starts from, one `const` call per
    /// operation (`OperationInfo::new("GET", "getPet", "/pets/{id}").named("get_pet")`).
    pub const fn new(
        method: &'static str,
        operation_id: &'static str,
        path_template: &'static str,
    ) -> Self {
        OperationInfo {
            operation_id,
            rust_name: operation_id,
            method,
            path_template,
            deprecation: None,
            authenticated: true,
        }
    }

    /// `new("GET", …)`.
    pub const fn get(operation_id: &'static str, path_template: &'static str) -> Self {
        Self::new("GET", operation_id, path_template)
    }

    /// `new("POST", …)`.
    pub const fn post(operation_id: &'static str, path_template: &'static str) -> Self {
        Self::new("POST", operation_id, path_template)
    }

    /// `new("PUT", …)`.
    pub const fn put(operation_id: &'static str, path_template: &'static str) -> Self {
        Self::new("PUT", operation_id, path_template)
    }

    /// `new("PATCH", …)`.
    pub const fn patch(operation_id: &'static str, path_template: &'static str) -> Self {
        Self::new("PATCH", operation_id, path_template)
    }

    /// `new("DELETE", …)`.
    pub const fn delete(operation_id: &'static str, path_template: &'static str) -> Self {
        Self::new("DELETE", operation_id, path_template)
    }

    /// The Rust method, where it is not the operationId.
    pub const fn named(mut self, rust_name: &'static str) -> Self {
        self.rust_name = rust_name;
        self
    }

    /// Marks the operation deprecated.
    pub const fn deprecated(
        mut self,
        removal_date: Option<&'static str>,
        replacement: Option<&'static str>,
    ) -> Self {
        self.deprecation = Some(Deprecation {
            removal_date,
            replacement,
        });
        self
    }

    /// An operation sent without credentials (`security: []`).
    pub const fn anonymous(mut self) -> Self {
        self.authenticated = false;
        self
    }

    /// The path for these parameter values, in the template's order, each one
    /// percent-encoded (`/pets/{id}` with `7` is `/pets/7`); a placeholder without a value
    /// is left out, like the generator leaves out one without a parameter.
    pub fn path(&self, values: &[&dyn std::fmt::Display]) -> String {
        let mut path = String::with_capacity(self.path_template.len() + 16);
        let mut values = values.iter();
        let mut rest = self.path_template;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            path.push_str(&rest[..start]);
            if let Some(v) = values.next() {
                path.extend(percent_encoding::utf8_percent_encode(
                    &v.to_string(),
                    PATH_SEGMENT,
                ));
            }
            rest = &rest[start + len + 1..];
        }
        path.push_str(rest);
        path
    }

    /// GET, PUT, DELETE, HEAD, OPTIONS and TRACE may be repeated safely.
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self.method,
            "GET" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "TRACE"
        )
    }
}

/// A deprecated operation's removal date and replacement.
#[derive(Debug, Clone, Copy)]
pub struct Deprecation {
    /// `YYYY-MM-DD`, when the description gives one.
    pub removal_date: Option<&'static str>,
    /// The replacing Rust method (`create_pet`).
    pub replacement: Option<&'static str>,
}

/// Percent-encodes one path segment: everything but RFC 3986's unreserved characters.
pub fn encode_path(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// What [`encode_path`] leaves as it is: RFC 3986's unreserved characters.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The text sent for a path, query or header parameter of a type without `Display` (a
/// `oneOf`, an object): a string as it is, numbers and booleans as text, anything else as
/// JSON.
pub fn param_string<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) => String::new(),
        Ok(serde_json::Value::Number(n)) => n.to_string(),
        Ok(serde_json::Value::Bool(b)) => b.to_string(),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A request being assembled by generated code. `Debug` shows the method, the path and
/// the body's length: never header values or the body.
pub struct Request {
    pub(crate) op: &'static OperationInfo,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<(&'static str, Vec<u8>)>,
    pub(crate) build_error: Option<String>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.op.operation_id)
            .field("method", &self.op.method)
            .field("path", &self.path)
            .field("body_len", &self.body.as_ref().map_or(0, |(_, b)| b.len()))
            .finish_non_exhaustive()
    }
}

impl Request {
    pub(crate) fn new(op: &'static OperationInfo, path: String) -> Self {
        Request {
            op,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            build_error: None,
        }
    }

    /// Appends a query parameter (repeated names are allowed: arrays are exploded).
    pub fn query(&mut self, name: &str, value: String) {
        self.query.push((name.to_string(), value));
    }

    /// Appends a query parameter as its `Display` text when it is set: an optional
    /// parameter whose text is its wire form (numbers, strings, string enums).
    pub fn query_opt<T: std::fmt::Display>(&mut self, name: &str, value: &Option<T>) {
        if let Some(v) = value {
            self.query(name, v.to_string());
        }
    }

    /// Adds a header.
    pub fn header(&mut self, name: &'static str, value: String) {
        self.headers.push((name, value));
    }

    /// A JSON body; a serialisation failure surfaces from `execute` as [`Error::Build`].
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(("application/json", bytes)),
            Err(e) => self.build_error = Some(format!("cannot serialise the JSON body: {e}")),
        }
    }

    /// An `application/x-www-form-urlencoded` body, each property written as OpenAPI's
    /// default for forms says (style `form`, exploded): a list repeats its name
    /// (`tag=a&tag=b`), an object's properties become fields of their own, absent and
    /// `null` values are left out.
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match form_pairs(body)
            .and_then(|pairs| serde_urlencoded::to_string(pairs).map_err(|e| e.to_string()))
        {
            Ok(s) => self.body = Some(("application/x-www-form-urlencoded", s.into_bytes())),
            Err(e) => self.build_error = Some(format!("cannot encode the form body: {e}")),
        }
    }

    /// A body of any other content type.
    pub fn bytes(&mut self, content_type: &'static str, body: Vec<u8>) {
        self.body = Some((content_type, body));
    }
}

/// How `Client::execute` fails before there is a response: the [`Error`]
/// variants that do not depend on an operation's error type. Generated code turns it into
/// the operation's `Error` with `?`.
#[doc(hidden)]
pub enum Failure {
    Build {
        operation: &'static str,
        message: String,
    },
    Timeout {
        operation: &'static str,
        outcome_unknown: bool,
        attempts: u32,
    },
    Transport {
        operation: &'static str,
        may_have_reached_server: bool,
        outcome_unknown: bool,
        attempts: u32,
        source: reqwest::Error,
    },
}

impl Failure {
    /// The failure of the last attempt, which got no response: a timeout once the request
    /// may have reached the server, a transport error otherwise. Whether the server acted
    /// is unknown unless the operation is idempotent or the connection was never made.
    pub(crate) fn of(op: &OperationInfo, e: reqwest::Error, attempts: u32) -> Failure {
        let never_reached = e.is_connect();
        let outcome_unknown = !op.is_idempotent() && !never_reached;
        if e.is_timeout() && !never_reached {
            return Failure::Timeout {
                operation: op.operation_id,
                outcome_unknown,
                attempts,
            };
        }
        Failure::Transport {
            operation: op.operation_id,
            may_have_reached_server: !never_reached,
            outcome_unknown,
            attempts,
            source: e.without_url(),
        }
    }
}

impl std::fmt::Debug for Failure {
    /// What the [`Error`] it becomes shows; no request content is held.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Build { operation, message } => f
                .debug_struct("Build")
                .field("operation", operation)
                .field("message", message)
                .finish(),
            Failure::Timeout {
                operation,
                outcome_unknown,
                attempts,
            } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("outcome_unknown", outcome_unknown)
                .field("attempts", attempts)
                .finish(),
            Failure::Transport {
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
        }
    }
}

impl<E> From<Failure> for Error<E> {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Build { operation, message } => Error::Build { operation, message },
            Failure::Timeout {
                operation,
                outcome_unknown,
                attempts,
            } => Error::Timeout {
                operation,
                outcome_unknown,
                attempts,
            },
            Failure::Transport {
                operation,
                may_have_reached_server,
                outcome_unknown,
                attempts,
                source,
            } => Error::Transport {
                operation,
                may_have_reached_server,
                outcome_unknown,
                attempts,
                source,
            },
        }
    }
}

/// An error response's facts, whatever the operation's error type: what
/// [`Response::error`] and [`Response::unexpected`] put into an [`Error`].
enum Refusal {
    Removed {
        replacement: Option<&'static str>,
        removal_date: &'static str,
    },
    Api(Box<ApiInfo>),
}

/// A complete response, body read. `Debug` shows the operation, the status and the body's
/// length: never header values or the body.
pub struct Response {
    pub(crate) op: &'static OperationInfo,
    pub(crate) service: &'static Service,
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) attempts: u32,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.op.operation_id)
            .field("method", &self.op.method)
            .field("path", &self.op.path_template)
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Response {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Decodes a JSON success body.
    pub fn json<T: serde::de::DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        self.decode().map_err(Error::Decode)
    }

    /// [`Response::json`] for any error type: generic only in `T`.
    fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, DecodeError> {
        serde_json::from_slice::<T>(&self.body).map_err(|e| self.decode_error(&e))
    }

    /// Not generic: where decoding failed is found from the error's position in the body
    /// ([`json_path_at`]), not by decoding every response type a second time through a
    /// path-tracking deserializer, which doubled the compiled decoding code of a client.
    fn decode_error(&self, e: &serde_json::Error) -> DecodeError {
        let path = json_path_at(&self.body, e.line(), e.column());
        // serde_json's message ends with the position; the path says where instead
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        DecodeError {
            operation: self.op.operation_id,
            status: self.status,
            message: decode_message(&self.service.redaction, &path, &message),
            path,
            excerpt: self.service.redaction.excerpt(&self.body),
            raw: Box::new(SecretString::new(String::from_utf8_lossy(&self.body))),
            server_acted: !self.op.is_idempotent(),
            redaction: &self.service.redaction,
        }
    }

    /// A success without a body (any body is ignored).
    pub fn empty<E>(self) -> Result<(), Error<E>> {
        Ok(())
    }

    /// A text body (invalid UTF-8 is replaced, never a panic).
    pub fn text<E>(self) -> Result<String, Error<E>> {
        Ok(String::from_utf8_lossy(&self.body).into_owned())
    }

    /// The raw body.
    pub fn bytes<E>(self) -> Result<Vec<u8>, Error<E>> {
        Ok(self.body)
    }

    /// A status the API description documents: `decode` turns the body into the
    /// operation's error enum. A body that does not decode leaves the typed body empty.
    /// A function, not a closure: one copy per error type, not per call site.
    pub fn error<E>(self, decode: fn(&[u8]) -> Result<E, serde_json::Error>) -> Error<E> {
        let body = decode(&self.body).ok();
        self.into_error(body)
    }

    /// A status the API description does not document.
    pub fn unexpected<E>(self) -> Error<E> {
        self.into_error(None)
    }

    fn into_error<E>(self, body: Option<E>) -> Error<E> {
        match self.refusal() {
            Refusal::Api(info) => Error::Api(ApiError { info, body }),
            Refusal::Removed {
                replacement,
                removal_date,
            } => Error::Removed {
                operation: self.op.operation_id,
                method: self.op.rust_name,
                removal_date,
                replacement,
                status: self.status,
            },
        }
    }

    /// What an error response says, apart from its typed body: not generic, compiled once.
    fn refusal(&self) -> Refusal {
        if let Some(removed) = self.removed() {
            return removed;
        }
        Refusal::Api(Box::new(ApiInfo {
            operation: self.op.operation_id,
            method: self.op.method,
            status: self.status,
            raw: self.service.redaction.excerpt(&self.body),
            request_id: request_id(&self.headers),
            retry_after: retry_after(&self.headers),
            auth: match self.service.explain_auth_failure {
                Some(explain) if matches!(self.status, 401 | 403) => {
                    explain(self.status, &self.body)
                }
                _ => None,
            },
            attempts: self.attempts,
            redaction: &self.service.redaction,
        }))
    }

    /// 404/410 from a deprecated operation whose removal date has passed.
    fn removed(&self) -> Option<Refusal> {
        let d = self.op.deprecation?;
        let date = d.removal_date?;
        if !matches!(self.status, 404 | 410) {
            return None;
        }
        let removal = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        if chrono::Utc::now().date_naive() < removal {
            return None;
        }
        Some(Refusal::Removed {
            replacement: d.replacement,
            removal_date: date,
        })
    }
}

/// serde's message, which quotes the offending value, with secrets masked; when the value
/// is under a secret-looking key (`client_user.password`), every quoted part is masked.
/// The path (`results[3].email`, `.` for the whole body) of the value being read at
/// `line`:`column` of a JSON body, as serde_json reports an error's position (1-based
/// line, column = bytes into the line): the keys and indices of the objects and arrays
/// open there. A position just after a closing `}` or `]` (a missing field) names that
/// object or array.
pub fn json_path_at(body: &[u8], line: usize, column: usize) -> String {
    // the byte offset of the position
    let mut offset = body.len();
    let mut current_line = 1;
    let mut line_start = 0;
    for (i, b) in body.iter().enumerate() {
        if current_line == line {
            break;
        }
        if *b == b'\n' {
            current_line += 1;
            line_start = i + 1;
        }
    }
    if current_line == line {
        offset = (line_start + column).min(body.len());
    }
    enum Open {
        Object { key: Option<String>, in_value: bool },
        Array { index: usize },
    }
    let mut open: Vec<Open> = Vec::new();
    let mut i = 0;
    let end = offset.saturating_sub(1);
    while i < end {
        match body[i] {
            b'{' => open.push(Open::Object {
                key: None,
                in_value: false,
            }),
            b'[' => open.push(Open::Array { index: 0 }),
            b'}' | b']' => {
                open.pop();
            }
            b':' => {
                if let Some(Open::Object { in_value, .. }) = open.last_mut() {
                    *in_value = true;
                }
            }
            b',' => match open.last_mut() {
                Some(Open::Object { key, in_value }) => {
                    *key = None;
                    *in_value = false;
                }
                Some(Open::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < body.len() && body[i] != b'"' {
                    i += if body[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Open::Object {
                    key,
                    in_value: false,
                }) = open.last_mut()
                {
                    let raw = &body[start..i.min(body.len())];
                    *key = Some(
                        serde_json::from_slice::<String>(&[b"\"", raw, b"\""].concat())
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    // just after a closing bracket: the error is about that object or array itself
    let closed = end < body.len() && matches!(body[end], b'}' | b']');
    let mut path = String::new();
    let depth = open.len();
    for (n, o) in open.iter().enumerate() {
        let last = n + 1 == depth;
        match o {
            _ if last && closed => {}
            Open::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Open::Object { key: None, .. } => {}
            Open::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        ".".to_string()
    } else {
        path
    }
}

fn decode_message(redaction: &Redaction, path: &str, message: &str) -> String {
    let field = path
        .rsplit(['.', '['])
        .next()
        .unwrap_or_default()
        .trim_end_matches(']');
    if !redaction.is_secret_key(field) {
        return redaction.text(message);
    }
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push_str("[redacted]");
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    quote = Some(c);
                }
            }
        }
    }
    if quote.is_some() {
        out.push_str("[redacted]");
    }
    redaction.text(&out)
}

pub(crate) fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    [
        "x-request-id",
        "request-id",
        "x-trace-id",
        "x-amzn-requestid",
    ]
    .iter()
    .find_map(|h| headers.get(*h))
    .and_then(|v| v.to_str().ok())
    .map(|s| s.chars().take(200).collect())
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Whether `value` is a string of `format` (`uuid`, `ipv4`, `ipv6`, `date-time`, `date`):
/// how generated `oneOf` decoders tell apart variants that are strings of different
/// formats. Other formats are not checked (`true` for any string).
pub fn format_matches(value: &serde_json::Value, format: &str) -> bool {
    let Some(s) = value.as_str() else {
        return false;
    };
    match format {
        "uuid" => {
            s.len() == 36
                && s.char_indices().all(|(i, c)| match i {
                    8 | 13 | 18 | 23 => c == '-',
                    _ => c.is_ascii_hexdigit(),
                })
        }
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        _ => true,
    }
}

/// The fields of a form body, see [`Request::form`].
fn form_pairs<T: serde::Serialize + ?Sized>(body: &T) -> Result<Vec<(String, String)>, String> {
    let serde_json::Value::Object(fields) =
        serde_json::to_value(body).map_err(|e| e.to_string())?
    else {
        return Err("a form body must be an object".to_string());
    };
    let mut pairs = Vec::new();
    for (name, value) in fields {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => {
                pairs.extend(items.iter().map(|i| (name.clone(), param_string(i))));
            }
            serde_json::Value::Object(props) => pairs.extend(
                props
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, param_string(&v))),
            ),
            other => pairs.push((name, param_string(&other))),
        }
    }
    Ok(pairs)
}

/// The properties of an object-valued parameter as `(name, value)` strings, in the
/// object's order; a value that is not an object gives nothing.
pub fn object_entries<T: serde::Serialize + ?Sized>(value: &T) -> Vec<(String, String)> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, param_string(&v)))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static TEST_INFO: OperationInfo = OperationInfo::post("test", "/");

    /// The path of a decode failure, found from serde_json's position of the error.
    #[test]
    fn decode_failures_are_located_by_their_position() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct User {
            email: String,
            #[serde(default)]
            tags: Vec<u32>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            count: i64,
            results: Vec<User>,
        }
        let cases = [
            (
                r#"{"count": 2, "results": [{"email": "a"}, {"email": 5}]}"#,
                "results[1].email",
            ),
            (
                "{\n  \"count\": 1,\n  \"results\": [\n    {\"tags\": [1, \"x\"], \"email\": \"b\"}\n  ]\n}",
                "results[0].tags[1]",
            ),
            (r#"{"count": 1, "results": [{"tags": []}]}"#, "results[0]"),
            (r#"{"count": "many", "results": []}"#, "count"),
            (r#"{"a\"b": 1, "count": true, "results": []}"#, "count"),
            (r#"[1, 2]"#, "[1]"),
            (r#"{"count": 1, "results": [{"email": "x"}]"#, "results"),
        ];
        for (body, want) in cases {
            let err = serde_json::from_str::<Page>(body).unwrap_err();
            assert_eq!(
                json_path_at(body.as_bytes(), err.line(), err.column()),
                want,
                "{body}: {err}"
            );
        }
    }

    #[test]
    fn string_formats_are_checked() {
        let v = |s: &str| serde_json::Value::String(s.to_string());
        assert!(format_matches(
            &v("6f1a2b3c-0d4e-4f5a-8b6c-7d8e9fa0b1c2"),
            "uuid"
        ));
        assert!(!format_matches(&v("my-instance"), "uuid"));
        assert!(format_matches(&v("10.0.0.1"), "ipv4"));
        assert!(!format_matches(&v("fd00::1"), "ipv4"));
        assert!(format_matches(&v("fd00::1"), "ipv6"));
        assert!(format_matches(&v("2026-07-17T00:00:00Z"), "date-time"));
        assert!(format_matches(&v("2026-07-17"), "date"));
        assert!(!format_matches(&serde_json::json!(5), "uuid"));
        assert!(format_matches(&v("anything"), "hostname"));
    }

    #[test]
    fn form_bodies_repeat_lists_and_spread_objects() {
        let body = serde_json::json!({
            "name": "a b", "tags": ["x", "y"], "none": null,
            "limits": {"cpu": 2, "mem": null}, "on": true
        });
        let mut req = Request::new(&TEST_INFO, "/".to_string());
        req.form(&body);
        let (ct, bytes) = req.body.clone().unwrap();
        assert_eq!(ct, "application/x-www-form-urlencoded");
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "name=a+b&tags=x&tags=y&cpu=2&on=true"
        );
        let mut req = Request::new(&TEST_INFO, "/".to_string());
        req.form(&[1, 2]);
        assert!(req.build_error.unwrap().contains("must be an object"));
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode_path("42"), "42");
        assert_eq!(encode_path("a b/c?d#e"), "a%20b%2Fc%3Fd%23e");
        assert_eq!(encode_path("x-y_z.~"), "x-y_z.~");
        assert_eq!(encode_path("ünï"), "%C3%BCn%C3%AF");
    }

    #[test]
    fn parameters_without_display_are_sent_as_their_json_text() {
        assert_eq!(param_string(&serde_json::json!("abc")), "abc");
        assert_eq!(param_string(&42), "42");
        assert_eq!(param_string(&true), "true");
        assert_eq!(param_string(&serde_json::json!({"a": 1})), "{\"a\":1}");
        assert_eq!(param_string(&Option::<i32>::None), "");
    }

    #[test]
    fn a_path_takes_its_values_in_the_templates_order_each_encoded() {
        let op = OperationInfo::get("getKey", "/users/{user}/keys/{id}:rotate");
        assert_eq!(op.path(&[&"a b/c", &7]), "/users/a%20b%2Fc/keys/7:rotate");
        assert_eq!(op.path(&[&"ü~x"]), "/users/%C3%BC~x/keys/:rotate");
        assert_eq!(OperationInfo::get("list", "/things").path(&[]), "/things");
        // an unclosed brace is literal text, as the generator reads it
        assert_eq!(OperationInfo::get("odd", "/a/{b").path(&[&1]), "/a/{b");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn decode_messages_mask_the_quoted_value_of_secret_fields_and_tokens() {
        let generic = &Redaction::GENERIC;
        let api = &Redaction {
            secret_keys: &["refresh"],
            mask_text: None,
        };
        assert_eq!(
            decode_message(
                generic,
                "id",
                r#"invalid type: string "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJl", expected i64"#
            ),
            r#"invalid type: string "eyJ****", expected i64"#
        );
        assert_eq!(
            decode_message(
                generic,
                "client_user.password",
                r#"invalid type: string "hunter2", expected i64"#
            ),
            r#"invalid type: string "[redacted]", expected i64"#
        );
        assert_eq!(
            decode_message(api, "refresh", "unknown variant `hunter2`, expected `a`"),
            "unknown variant `[redacted]`, expected `[redacted]`"
        );
        assert_eq!(
            decode_message(
                generic,
                "refresh",
                "unknown variant `hunter2`, expected `a`"
            ),
            "unknown variant `hunter2`, expected `a`"
        );
        assert_eq!(
            decode_message(generic, "results[3].email", "missing field `email`"),
            "missing field `email`"
        );
    }
}
