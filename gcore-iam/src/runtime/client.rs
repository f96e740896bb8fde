//! [`Client`]: sends an operation's request and brings back its response, for every call
//! alike (base URL, credentials, timeouts, retries paid from a shared budget, tracing).

use super::credentials::{Credentials, IntoCredentials};
use super::error::ConfigError;
use super::operation::{Failure, OperationInfo, Request, Response, retry_after};
use super::redact::fmt_with;
use super::service::Service;
use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The `User-Agent` sent unless the builder is given another.
const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"));
/// Responses larger than this are cut (and then fail to decode) instead of exhausting memory.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// When and how often to repeat a failed request.
///
/// Idempotent requests (GET, PUT, DELETE, HEAD) are repeated after a connection error or a
/// 429, 502, 503 or 504. POST and PATCH are repeated only when the request provably never
/// reached the server (the connection could not be made): a retry never creates anything
/// twice. Every retry is also paid from the client's [`RetryBudget`], shared by its
/// clones: once a failing service has used it up, each call makes one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// Backoff before the first retry; doubled for each further one, with jitter.
    pub base_delay: Duration,
    /// Longest backoff.
    pub max_delay: Duration,
    /// Longest wait a server's `Retry-After` can impose.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (0-based): exponential backoff with jitter in
    /// `[d/2, d]`, or the server's `Retry-After` (capped) when it sent one.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(ra) = retry_after {
            return ra.min(self.max_retry_after);
        }
        let exp = self
            .base_delay
            .saturating_mul(1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX));
        let d = exp.min(self.max_delay);
        let half = d / 2;
        half + Duration::from_nanos(fastrand::u64(
            0..=(d - half).as_nanos().min(u64::MAX as u128) as u64,
        ))
    }
}

/// A budget of retries shared by a [`Client`] and all its clones, so that a service in
/// trouble is not sent a storm of retries (the idea of the AWS SDKs' standard retry
/// quota).
///
/// The budget starts full, at `capacity` tokens. Each retry spends `retry_cost` tokens
/// (`timeout_retry_cost` after a timeout); a retry the budget cannot pay for is not
/// made, and the call fails with what its last attempt got. Each call that gets an
/// answer that is not 429 or 5xx refills the budget: by what its own retries spent, or
/// by `success_refill` when it needed none. With the defaults (500, 5, 10, 1) a failing
/// service receives at most 100 retries from one client, then one attempt per call until
/// answers come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    /// Tokens at the start, and the most the budget holds (default 500).
    pub capacity: u32,
    /// Spent by a retry after an error status or a failed connection (default 5).
    pub retry_cost: u32,
    /// Spent by a retry after a timeout (default 10).
    pub timeout_retry_cost: u32,
    /// Refilled by a call answered at its first attempt (default 1).
    pub success_refill: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refill: 1,
        }
    }
}

impl RetryBudget {
    /// No limit: every call may make all the retries of its [`RetryPolicy`].
    pub fn unlimited() -> Self {
        RetryBudget {
            capacity: u32::MAX,
            retry_cost: 0,
            timeout_retry_cost: 0,
            success_refill: 0,
        }
    }
}

/// A [`RetryBudget`]'s tokens, shared by the clones of a client.
struct Budget {
    config: RetryBudget,
    tokens: AtomicU32,
}

impl Budget {
    fn new(config: RetryBudget) -> Self {
        Budget {
            config,
            tokens: AtomicU32::new(config.capacity),
        }
    }

    /// Takes `cost` tokens if there are that many.
    fn try_spend(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Gives back `amount` tokens, up to the capacity.
    fn refill(&self, amount: u32) {
        let capacity = self.config.capacity;
        let _ = self
            .tokens
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(amount).min(capacity))
            });
    }
}

/// The API client. Cheap to clone (an `Arc` inside); `Send + Sync`.
///
/// Every operation of the API is a method returning a request builder: set optional
/// parameters on it, then `.await` it. Every request carries the client's
/// [`Credentials`].
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The API the client speaks to: its secrets, its explanation of auth failures.
    service: &'static Service,
    http: reqwest::Client,
    base_url: String,
    /// Sent on every request; header values marked sensitive, made once.
    pub(crate) credentials: Credentials,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    /// Shared by every clone.
    budget: Budget,
    /// Set when the caller supplied the HTTP client and the builder a user agent: it goes
    /// on each request, over the client's own.
    per_request_user_agent: Option<reqwest::header::HeaderValue>,
    /// Operations whose server-side deprecation was already logged.
    deprecation_logged: Mutex<HashSet<&'static str>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.service.redaction.debug(
            f,
            &fmt_with(|f| {
                f.debug_struct("Client")
                    .field("base_url", &self.inner.base_url)
                    .field("credentials", &self.inner.credentials)
                    .field("timeout", &self.inner.timeout)
                    .field("retry", &self.inner.retry)
                    .field("retry_budget", &self.inner.budget.config)
                    .finish_non_exhaustive()
            }),
        )
    }
}

/// Builds a [`Client`]; see `Client::builder`.
pub struct ClientBuilder {
    service: &'static Service,
    credentials: Result<Credentials, ConfigError>,
    /// `None` when the API description names no server and none was set.
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    retry_budget: RetryBudget,
    /// Set by [`ClientBuilder::user_agent`]; `None` means the default (or, with a
    /// caller-supplied HTTP client, that client's own).
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.service.redaction.debug(
            f,
            &fmt_with(|f| {
                f.debug_struct("ClientBuilder")
                    .field("credentials", &self.credentials)
                    .field("base_url", &self.base_url)
                    .field("timeout", &self.timeout)
                    .field("connect_timeout", &self.connect_timeout)
                    .field("retry", &self.retry)
                    .field("retry_budget", &self.retry_budget)
                    .field("user_agent", &self.user_agent)
                    .field("http_client", &self.http.is_some())
                    .finish_non_exhaustive()
            }),
        )
    }
}

impl ClientBuilder {
    /// The API's base URL (default: the API description's first server,
    /// `DEFAULT_SERVER`). Paths of operations are appended to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// Longest time one attempt may take, response body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// No limit on how long an attempt may take (the connection's own timeout still
    /// applies): for responses that take long by design. A server that stops answering
    /// then holds the call until the connection drops. It also saves the timer each
    /// attempt arms, a few microseconds per request.
    pub fn without_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }
    /// Longest time to establish a connection (default 10 s). Not applied to a
    /// caller-supplied [`reqwest::Client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// How to retry (default: 2 retries).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// The retry budget shared by the client and its clones (default
    /// [`RetryBudget::default`]: 500 tokens, a retry costs 5, or 10 after a timeout, a
    /// call answered at once refills 1); [`RetryBudget::unlimited`] turns it off.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = budget;
        self
    }
    /// Number of retries; 0 disables retrying.
    pub fn retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }
    /// The `User-Agent` header (default `<crate name>-rust/<version>`).
    ///
    /// With a caller-supplied HTTP client ([`ClientBuilder::http_client`]) a user agent set
    /// here is sent on every request and wins over that client's own; without one, that
    /// client's own user agent (or none) is sent.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }
    /// Use this HTTP client (its own TLS, proxy, pool, connect timeout and user agent
    /// settings). A [`ClientBuilder::user_agent`] set explicitly still wins over the
    /// client's own user agent; [`ClientBuilder::connect_timeout`] does not apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }
    /// Allow a plain `http://` base URL on a host other than loopback. The credentials
    /// then travel in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the credentials and the URL and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, ConfigError> {
        let credentials = self.credentials?;
        let base_url = self.base_url.ok_or(ConfigError::MissingBaseUrl)?;
        let base_url = base_url.trim().trim_end_matches('/').to_string();
        let url = reqwest::Url::parse(&base_url).map_err(|e| ConfigError::BaseUrl {
            url: base_url.clone(),
            reason: match e {
                url::ParseError::RelativeUrlWithoutBase => {
                    "a relative URL (an API description's server may be relative to where the description is served): set the full URL with ClientBuilder::base_url".to_string()
                }
                e => e.to_string(),
            },
        })?;
        match url.scheme() {
            "https" => {}
            "http" => {
                let loopback = match url.host() {
                    Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                    Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                    Some(url::Host::Domain(d)) => d == "localhost",
                    None => false,
                };
                if !loopback && !self.allow_insecure_http {
                    return Err(ConfigError::BaseUrl {
                        url: base_url,
                        reason: "plain http would send the credentials in clear text; use https, or allow_insecure_http(true) if you must".to_string(),
                    });
                }
            }
            other => {
                return Err(ConfigError::BaseUrl {
                    url: base_url,
                    reason: format!("unsupported scheme {other:?}"),
                });
            }
        }
        let user_agent = self
            .user_agent
            .as_deref()
            .map(reqwest::header::HeaderValue::from_str)
            .transpose()
            .map_err(|e| ConfigError::BaseUrl {
                url: base_url.clone(),
                reason: format!("invalid user agent: {e}"),
            })?;
        let (http, per_request_user_agent) = match self.http {
            // the caller's client keeps its own user agent unless one was set here
            Some(c) => (c, user_agent),
            None => (
                reqwest::ClientBuilder::new()
                    .connect_timeout(self.connect_timeout)
                    .user_agent(user_agent.unwrap_or_else(|| {
                        reqwest::header::HeaderValue::from_static(DEFAULT_USER_AGENT)
                    }))
                    .build()
                    .map_err(ConfigError::Http)?,
                None,
            ),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                service: self.service,
                http,
                base_url,
                credentials,
                timeout: self.timeout,
                retry: self.retry,
                budget: Budget::new(self.retry_budget),
                per_request_user_agent,
                deprecation_logged: Mutex::new(HashSet::new()),
            }),
        })
    }
}

impl ClientBuilder {
    /// A builder for a client of `service` with these credentials: what the generated
    /// `Client::builder` calls.
    pub(crate) fn new(
        service: &'static Service,
        credentials: impl IntoCredentials,
    ) -> ClientBuilder {
        ClientBuilder {
            service,
            credentials: credentials.into_credentials(),
            base_url: service.default_server.map(str::to_string),
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            retry_budget: RetryBudget::default(),
            user_agent: None,
            http: None,
            allow_insecure_http: false,
        }
    }
}

impl Client {
    /// A client like this one (base URL, HTTP client and its proxy or TLS settings,
    /// timeouts, retries, user agent) that sends other credentials: to act as another
    /// user, or to check that new credentials work before switching to them. Its retry
    /// budget is its own.
    pub fn with_credentials(
        &self,
        credentials: impl IntoCredentials,
    ) -> Result<Client, ConfigError> {
        let inner = &self.inner;
        Ok(Client {
            inner: Arc::new(Inner {
                service: inner.service,
                http: inner.http.clone(),
                base_url: inner.base_url.clone(),
                credentials: credentials.into_credentials()?,
                timeout: inner.timeout,
                retry: inner.retry.clone(),
                budget: Budget::new(inner.budget.config),
                per_request_user_agent: inner.per_request_user_agent.clone(),
                deprecation_logged: Mutex::new(HashSet::new()),
            }),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A request to the operation's path with these path parameter values (see
    /// [`OperationInfo::path`]).
    #[doc(hidden)]
    pub fn request(
        &self,
        op: &'static OperationInfo,
        values: &[&dyn std::fmt::Display],
    ) -> Request {
        Request::new(op, op.path(values))
    }

    /// A request to a path the caller built (a path parameter that is a list or an
    /// object, which [`OperationInfo::path`] does not encode).
    #[doc(hidden)]
    pub fn request_path(&self, op: &'static OperationInfo, path: String) -> Request {
        Request::new(op, path)
    }

    #[doc(hidden)]
    ///
    /// Not generic: the request loop is compiled once for all operations, not once per
    /// operation's error type; a [`Failure`] becomes the operation's [`Error`] by `?`.
    pub async fn execute(&self, req: Request) -> Result<Response, Failure> {
        let op = req.op;
        if let Some(message) = req.build_error {
            return Err(Failure::Build {
                operation: op.operation_id,
                message,
            });
        }
        let method =
            reqwest::Method::from_bytes(op.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let url = format!("{}{}", self.inner.base_url, req.path);
        let idempotent = op.is_idempotent();
        let retry = &self.inner.retry;
        let budget = &self.inner.budget;
        // what this call's retries took from the budget
        let mut spent: u32 = 0;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let (span, result) = self.exchange(&req, &method, &url, attempt).await;
            let _enter = span.enter();
            let retries_left = attempt <= retry.max_retries;
            match result {
                Ok((status, headers, body)) => {
                    self.log_deprecation(op, &headers);
                    let failing = status == 429 || status >= 500;
                    if idempotent
                        && retries_left
                        && matches!(status, 429 | 502 | 503 | 504)
                        && self.spend(&mut spent, budget.config.retry_cost)
                    {
                        let wait = retry.delay(attempt - 1, retry_after(&headers));
                        tracing::debug!(status, wait_ms = wait.as_millis() as u64, "retrying");
                        drop(_enter);
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    if !failing {
                        budget.refill(if spent > 0 {
                            spent
                        } else {
                            budget.config.success_refill
                        });
                    }
                    return Ok(Response {
                        op,
                        service: self.inner.service,
                        status,
                        headers,
                        body,
                        attempts: attempt,
                    });
                }
                Err(e) => {
                    let never_reached = e.is_connect();
                    let cost = if e.is_timeout() {
                        budget.config.timeout_retry_cost
                    } else {
                        budget.config.retry_cost
                    };
                    if retries_left
                        && (never_reached || (idempotent && !e.is_timeout()))
                        && self.spend(&mut spent, cost)
                    {
                        let wait = retry.delay(attempt - 1, None);
                        tracing::debug!(error = %e, wait_ms = wait.as_millis() as u64, "retrying");
                        drop(_enter);
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    tracing::debug!(error = %e, "request failed");
                    return Err(Failure::of(op, e, attempt));
                }
            }
        }
    }

    /// One attempt: its request sent and the whole response read, in a span of its own
    /// that records the status and the duration when something listens.
    async fn exchange(
        &self,
        req: &Request,
        method: &reqwest::Method,
        url: &str,
        attempt: u32,
    ) -> (tracing::Span, Result<Exchanged, reqwest::Error>) {
        let op = req.op;
        let span = tracing::info_span!(
            concat!(env!("CARGO_CRATE_NAME"), ".request"),
            operation = op.operation_id,
            method = op.method,
            path = op.path_template,
            attempt,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // nothing listens (the usual case in production without a subscriber): skip the
        // clock reads, the field records and entering the span on every poll
        let recording = !span.is_disabled();
        let started = recording.then(Instant::now);
        let rb = span.in_scope(|| self.attempt(req, method, url));
        let exchange = async {
            let mut resp = rb.send().await?;
            let status = resp.status().as_u16();
            let headers = std::mem::take(resp.headers_mut());
            let body = read_body(resp).await?;
            Ok::<_, reqwest::Error>((status, headers, body))
        };
        let result = if recording {
            // the HTTP stack's own events belong to this attempt
            exchange.instrument(span.clone()).await
        } else {
            exchange.await
        };
        if let Some(started) = started {
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            if let Ok((status, ..)) = &result {
                span.record("status", status);
            }
        }
        (span, result)
    }

    /// One attempt's request: the method and URL, the client's headers (accept, user
    /// agent, credentials when the operation needs them), the request's query, headers
    /// and body, and the timeout.
    fn attempt(
        &self,
        req: &Request,
        method: &reqwest::Method,
        url: &str,
    ) -> reqwest::RequestBuilder {
        let mut rb = self
            .inner
            .http
            .request(method.clone(), url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(ua) = &self.inner.per_request_user_agent {
            // set on the builder for a caller-supplied HTTP client: wins over its own
            rb = rb.header(reqwest::header::USER_AGENT, ua);
        }
        if !req.query.is_empty() {
            rb = rb.query(&req.query);
        }
        if req.op.authenticated {
            rb = self.inner.credentials.apply(rb);
        }
        for (name, value) in &req.headers {
            rb = rb.header(*name, value);
        }
        if let Some((content_type, body)) = &req.body {
            rb = rb
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(body.clone());
        }
        if let Some(t) = self.inner.timeout {
            rb = rb.timeout(t);
        }
        rb
    }

    /// Takes `cost` from the retry budget for one more retry of this call, adding it to
    /// what the call `spent`; `false` (and a debug event) when the budget cannot pay.
    fn spend(&self, spent: &mut u32, cost: u32) -> bool {
        if self.inner.budget.try_spend(cost) {
            *spent = spent.saturating_add(cost);
            true
        } else {
            tracing::debug!(cost, "retry budget spent: not retrying");
            false
        }
    }

    /// One `tracing` warning per operation per client when the server marks it deprecated
    /// (RFC 9745 `Deprecation`, RFC 8594 `Sunset`), with the dates readable.
    fn log_deprecation(&self, op: &'static OperationInfo, headers: &reqwest::header::HeaderMap) {
        let deprecation = headers.get("deprecation").map(header_text);
        let sunset = headers.get("sunset").map(header_text);
        if deprecation.is_none() && sunset.is_none() {
            return;
        }
        let first = self
            .inner
            .deprecation_logged
            .lock()
            .map(|mut set| set.insert(op.operation_id))
            .unwrap_or(false);
        if !first {
            return;
        }
        let since = deprecation.as_deref().and_then(deprecation_date);
        let removal = sunset
            .as_deref()
            .map(|s| http_date(s).unwrap_or_else(|| s.to_string()));
        let replacement = op
            .deprecation
            .and_then(|d| d.replacement)
            .map(|r| format!("; use Client::{r} instead"))
            .unwrap_or_default();
        tracing::warn!(
            operation = op.operation_id,
            method = op.rust_name,
            deprecated_since = since.as_deref().unwrap_or(""),
            removal = removal.as_deref().unwrap_or(""),
            "the server marks {} (Client::{}) as deprecated{}{}{}",
            op.operation_id,
            op.rust_name,
            since
                .as_deref()
                .map(|d| format!(" since {d}"))
                .unwrap_or_default(),
            removal
                .as_deref()
                .map(|s| format!(", to be removed on {s}"))
                .unwrap_or_default(),
            replacement
        );
    }
}

/// A header value as text for a log line: bounded, control characters dropped.
fn header_text(value: &reqwest::header::HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes())
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_string()
}

/// When a `Deprecation` header says the deprecation took effect: RFC 9745's structured
/// date (`@1767225600`, seconds since the epoch) or an earlier draft's HTTP date, as
/// `2026-01-01`. `None` for the draft's bare `true` and for anything unreadable, which is
/// shown as it is.
fn deprecation_date(value: &str) -> Option<String> {
    let value = value.trim();
    if let Some(secs) = value.strip_prefix('@') {
        let when = secs
            .parse::<i64>()
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0));
        return Some(when.map_or_else(|| value.to_string(), readable));
    }
    if value.eq_ignore_ascii_case("true") {
        return None;
    }
    Some(http_date(value).unwrap_or_else(|| value.to_string()))
}

/// An HTTP date (`Fri, 17 Jul 2026 00:00:00 GMT`) as `2026-07-17`.
fn http_date(value: &str) -> Option<String> {
    chrono::DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|d| readable(d.with_timezone(&chrono::Utc)))
}

/// `2026-01-01`, or `2026-01-01 12:30:00 UTC` when not at midnight.
fn readable(when: chrono::DateTime<chrono::Utc>) -> String {
    if when.time() == chrono::NaiveTime::MIN {
        when.format("%Y-%m-%d").to_string()
    } else {
        when.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

/// A response as one attempt read it: status, headers, body.
type Exchanged = (u16, reqwest::header::HeaderMap, Vec<u8>);

async fn read_body(mut resp: reqwest::Response) -> Result<Vec<u8>, reqwest::Error> {
    // a declared length within the limit: the HTTP stack holds the body to it, and reads
    // it in one piece without copying chunk by chunk
    if resp
        .content_length()
        .is_some_and(|n| n <= MAX_BODY_BYTES as u64)
    {
        return Ok(resp.bytes().await?.into());
    }
    let expected = resp
        .content_length()
        .unwrap_or(0)
        .min(MAX_BODY_BYTES as u64) as usize;
    let mut body = Vec::with_capacity(expected);
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            tracing::warn!(
                limit = MAX_BODY_BYTES,
                "response body larger than the limit; cut"
            );
            body.extend_from_slice(&chunk[..MAX_BODY_BYTES - body.len()]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after_capped() {
        let p = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(5),
        };
        for retry in 0..6 {
            let full = (Duration::from_millis(100) * 2u32.pow(retry)).min(Duration::from_secs(1));
            for _ in 0..50 {
                let d = p.delay(retry, None);
                assert!(
                    d >= full / 2 && d <= full,
                    "retry {retry}: {d:?} not in [{:?}, {full:?}]",
                    full / 2
                );
            }
        }
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn the_budget_pays_while_it_can_and_refills_up_to_its_capacity() {
        let b = Budget::new(RetryBudget {
            capacity: 12,
            ..RetryBudget::default()
        });
        assert!(b.try_spend(5) && b.try_spend(5));
        assert!(!b.try_spend(5), "2 tokens left");
        assert!(b.try_spend(2) && !b.try_spend(1));
        b.refill(100);
        assert_eq!(b.tokens.load(Ordering::SeqCst), 12);
        let free = Budget::new(RetryBudget::unlimited());
        assert!((0..10_000).all(|_| free.try_spend(0)));
    }

    #[test]
    fn deprecation_and_sunset_dates_are_shown_readable() {
        assert_eq!(
            deprecation_date("@1767225600").as_deref(),
            Some("2026-01-01")
        );
        assert_eq!(
            deprecation_date(" @1767270600 ").as_deref(),
            Some("2026-01-01 12:30:00 UTC")
        );
        assert_eq!(
            deprecation_date("Thu, 01 Jan 2026 00:00:00 GMT").as_deref(),
            Some("2026-01-01")
        );
        assert_eq!(deprecation_date("true"), None);
        assert_eq!(deprecation_date("@soon").as_deref(), Some("@soon"));
        assert_eq!(
            deprecation_date("@99999999999999999").as_deref(),
            Some("@99999999999999999")
        );
        assert_eq!(
            http_date("Fri, 17 Jul 2026 00:00:00 GMT").as_deref(),
            Some("2026-07-17")
        );
        assert_eq!(http_date("next year"), None);
    }

    fn credentials() -> Credentials {
        Credentials::bearer("topsecretvalue")
    }

    static TEST_SERVICE: Service = Service {
        default_server: Some("https://api.example.com"),
        redaction: super::super::redact::Redaction::GENERIC,
        explain_auth_failure: None,
    };

    #[test]
    fn refuses_plain_http_to_remote_hosts_before_any_traffic() {
        let e = ClientBuilder::new(&TEST_SERVICE, credentials())
            .base_url("http://api.example.com")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("clear text"), "{e}");
        for ok in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
            assert!(
                ClientBuilder::new(&TEST_SERVICE, credentials())
                    .base_url(ok)
                    .build()
                    .is_ok(),
                "{ok}"
            );
        }
        assert!(
            ClientBuilder::new(&TEST_SERVICE, credentials())
                .base_url("http://example.com")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
        let e = ClientBuilder::new(&TEST_SERVICE, credentials())
            .base_url("ftp://example.com")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("unsupported scheme"), "{e}");
    }

    #[test]
    fn a_relative_server_or_no_server_at_all_asks_for_a_base_url() {
        let e = ClientBuilder::new(&TEST_SERVICE, credentials())
            .base_url("/api/v3")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("ClientBuilder::base_url"), "{e}");
        static NO_SERVER: Service = Service {
            default_server: None,
            ..TEST_SERVICE
        };
        let e = ClientBuilder::new(&NO_SERVER, credentials())
            .build()
            .unwrap_err();
        assert!(matches!(e, ConfigError::MissingBaseUrl), "{e:?}");
        assert!(e.to_string().contains("names no server"), "{e}");
    }

    #[test]
    fn unusable_credentials_fail_the_build_before_any_traffic() {
        let e = ClientBuilder::new(&TEST_SERVICE, Credentials::bearer("a\nb"))
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap_err();
        assert!(matches!(e, ConfigError::Credentials { .. }), "{e:?}");
    }

    #[test]
    fn client_and_builder_debug_show_no_secret() {
        let b = ClientBuilder::new(&TEST_SERVICE, credentials()).base_url("http://127.0.0.1:9");
        assert!(!format!("{b:?}").contains("topsecret"));
        let c = b.build().unwrap();
        assert!(!format!("{c:?}").contains("topsecret"));
        assert!(format!("{c:?}").contains("Bearer ****"), "{c:?}");
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
    }
}
