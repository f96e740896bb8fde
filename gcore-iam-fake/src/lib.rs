//! A stateful fake of [Gcore's IAM API](https://api.gcore.com/docs/iam) on 127.0.0.1, for
//! testing code that creates, rotates and deletes API tokens, or reads users and the
//! account, without a real account. It keeps users and tokens, authenticates every
//! request as Gcore does and answers with Gcore's documented messages; your test drives
//! it with any HTTP client (the `gcore-iam` crate, say) and can look at what it received
//! ([`FakeGcore::requests`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use gcore_iam_fake::{FakeGcore, Role};
//!
//! // an empty account with one administrator, on an ephemeral port
//! let fake = FakeGcore::start().await;
//! let (base_url, admin_key) = (fake.base_url(), fake.admin_key().to_string());
//!
//! // seed what your test needs
//! let eve = fake.add_user("Eve", Role::Engineers);
//! let eve_key = fake.token(eve).name("eve's laptop").issue();
//! let expiring = fake.token(eve).expires_in(std::time::Duration::from_secs(3600)).issue();
//!
//! // a clock the test controls: the token expires, and Gcore deletes it
//! fake.advance_time(std::time::Duration::from_secs(2 * 3600));
//! assert_eq!(fake.live_tokens(), 2); // the administrator's and Eve's first one
//! # let _ = (base_url, admin_key, eve_key, expiring);
//! # }
//! ```
//!
//! One fake serves one account ([`CLIENT_ID`]); start one per test. It stops when dropped.
//!
//! Documented by Gcore (and reproduced here):
//! - `Authorization: APIKey <token>`; the header name is case-insensitive (as every HTTP
//!   header name) and the `APIKey` scheme mandatory. The four 401 messages: `Authentication
//!   credentials were not provided.` (no header), `Bad permanent token: <id>` (token
//!   incomplete, e.g. cut at `$`), `Token is invalid or expired` (deleted or past expiry),
//!   `Given token not valid for any token type` (`Bearer` instead of `APIKey`).
//! - v1 endpoints issue `<id>$<secret>`, v2 endpoints `<id>_<secret>`; both authenticate.
//!   The value is returned only by the create call (lists and single-token reads never
//!   carry it).
//! - At most 50 API tokens per account (all users' tokens together); a token cannot have
//!   a higher role than its creator; an unknown role is refused (`Invalid role: …`, `Can't
//!   create token with role …`, the messages of the description's `CreateTokenError`
//!   examples).
//! - A token whose expiry date passes is deleted automatically: it stops authenticating,
//!   is marked deleted (and expired) in lists, and no longer counts toward the 50.
//!   Deleted tokens stop authenticating at once.
//! - Administrators see and delete every token of the account; others only their own.
//! - Roles: Administrators 1, Users 2, Engineers 5, Purge and Prefetch only (API+Web) 3009,
//!   Purge and Prefetch only (API) 3022.
//! - Users are listed with `limit`/`offset` pagination (`count`, `next`, `previous`,
//!   `results`); `GET /iam/clients/me` answers the account of the caller's token.
//!
//! Our assumptions (not documented):
//! - the body of the 51st token: `{"errors": {"non_field_errors": ["Maximum number of API
//!   tokens (50) reached."]}}`;
//! - an expired token is deleted at the first request after its expiry date (Gcore does
//!   not say how soon), and lists without the `deleted` filter still carry deleted tokens;
//! - the rank used for "higher role": Administrators > Engineers > Users > Purge and
//!   Prefetch only (API+Web) > Purge and Prefetch only (API);
//! - an unknown role id is refused as `Invalid role: RoleName` (the description's example
//!   text; with a role name, that name); a request without a role gets the creator's;
//! - the `APIKey` scheme is matched case-insensitively (as HTTP schemes are), and a token
//!   whose id is not a number answers `Given token not valid for any token type`;
//! - another user's token answers 404 (not 403) to non-administrators, deleting a deleted
//!   token answers 404, and a `clientId` other than the caller's answers 403 `You do not
//!   have permission to perform this action.`;
//! - the `deleted` filter follows the description as written: `True` selects tokens that
//!   were *not* deleted, `False` those that were;
//! - a missing `exp_date` key is a 400 `{"errors": {"exp_date": ["This field is required."]}}`;
//! - a token's `last_usage` is its creation time until it is used (Gcore's may be `null`);
//! - the form of the `next`/`previous` links, and that a users list without `limit`
//!   carries everyone; the account's details other than its id and `currentUser`; the
//!   account owner (the administrator [`FakeGcore::start`] creates) is called `Owner`.
//!
//! Not Gcore's behaviour but test equipment: the faults of [`Fault`], injected on demand
//! ([`FakeGcore::inject`], [`FakeGcore::inject_always`], or only into requests of one
//! method and path with [`FakeGcore::inject_on`]) — a delay past the client's
//! timeout, an error status with `Retry-After`, malformed JSON, `Deprecation`/`Sunset`
//! headers, and a connection reset (RST) without an answer; the record of every request
//! ([`FakeGcore::requests`]) and the count of TCP connections accepted
//! ([`FakeGcore::connections_accepted`]).

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::IncomingStream;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The account every fake instance serves (its `clientId`).
pub const CLIENT_ID: i64 = 7350925;
/// Gcore's limit of API tokens per account.
pub const MAX_TOKENS: usize = 50;

/// Gcore's roles (groups), with their documented ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `Administrators` (1): sees and deletes every token of the account.
    Administrators,
    /// `Users` (2).
    Users,
    /// `Engineers` (5).
    Engineers,
    /// `Purge and Prefetch only (API+Web)` (3009).
    PurgeAndPrefetchApiWeb,
    /// `Purge and Prefetch only (API)` (3022).
    PurgeAndPrefetchApi,
}

impl Role {
    /// The role's id (`client_user.role.id`).
    pub fn id(self) -> i64 {
        match self {
            Role::Administrators => 1,
            Role::Users => 2,
            Role::Engineers => 5,
            Role::PurgeAndPrefetchApiWeb => 3009,
            Role::PurgeAndPrefetchApi => 3022,
        }
    }
    /// The role's name (`client_user.role.name`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Administrators => "Administrators",
            Role::Users => "Users",
            Role::Engineers => "Engineers",
            Role::PurgeAndPrefetchApiWeb => "Purge and Prefetch only (API+Web)",
            Role::PurgeAndPrefetchApi => "Purge and Prefetch only (API)",
        }
    }
    fn rank(self) -> u8 {
        match self {
            Role::Administrators => 5,
            Role::Engineers => 4,
            Role::Users => 3,
            Role::PurgeAndPrefetchApiWeb => 2,
            Role::PurgeAndPrefetchApi => 1,
        }
    }
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Administrators,
        Role::Users,
        Role::Engineers,
        Role::PurgeAndPrefetchApiWeb,
        Role::PurgeAndPrefetchApi,
    ];
    /// The role with this id.
    pub fn by_id(id: i64) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }
    /// The role with this name.
    pub fn by_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A fault the server injects instead of (or into) its normal answer.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Carry the request out, then wait this long before answering (past a client's
    /// timeout: the action happened, the client cannot know).
    Delay(Duration),
    /// Answer with this status (and `Retry-After`, if given) instead; nothing is done.
    Status {
        /// The HTTP status.
        status: u16,
        /// `Retry-After` in seconds.
        retry_after: Option<u64>,
    },
    /// Answer 200 with a body that is not JSON; nothing is done.
    MalformedJson,
    /// Add `Deprecation` (and `Sunset`) headers to the normal answer.
    DeprecationHeaders {
        /// The `Deprecation` header's value.
        deprecation: String,
        /// The `Sunset` header's value.
        sunset: Option<String>,
    },
    /// Carry the request out, then reset the connection (TCP RST) without answering: the
    /// action happened, the client cannot know.
    ConnectionReset,
}

/// One request as the server received it, and what the server answered.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ….
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The request's headers (with the credentials: keep them out of your logs).
    pub headers: HeaderMap,
    /// The request's body.
    pub body: Vec<u8>,
    /// The status answered; `None` when the connection was reset instead.
    pub response_status: Option<u16>,
    /// The body answered (empty when the connection was reset).
    pub response_body: Vec<u8>,
}

#[derive(Debug, Clone)]
struct User {
    id: i64,
    name: String,
    email: String,
    role: Role,
}

#[derive(Debug, Clone)]
struct Token {
    id: i64,
    user_id: i64,
    name: String,
    description: Option<String>,
    secret: String,
    role: Role,
    exp: Option<DateTime<Utc>>,
    deleted: bool,
    created: DateTime<Utc>,
}

/// A fault for the next `times` requests with this method whose path starts with
/// `path_prefix`.
struct TargetedFault {
    method: String,
    path_prefix: String,
    fault: Fault,
    times: usize,
}

#[derive(Default)]
struct World {
    users: Vec<User>,
    tokens: Vec<Token>,
    next_id: i64,
    clock_offset: chrono::Duration,
    requests: Vec<RecordedRequest>,
    faults: VecDeque<Fault>,
    /// Injected into requests that match, before `faults` (see `FakeGcore::inject_on`).
    targeted: Vec<TargetedFault>,
    /// Injected into every request once `faults` is empty.
    sticky_fault: Option<Fault>,
}

impl World {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }
    fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }
    fn expired(&self, t: &Token) -> bool {
        t.exp.is_some_and(|e| e <= self.now())
    }
    /// Deletes the tokens whose expiry date has passed, as Gcore does.
    fn delete_expired(&mut self) {
        let now = self.now();
        for t in &mut self.tokens {
            if t.exp.is_some_and(|e| e <= now) {
                t.deleted = true;
            }
        }
    }
    fn live_tokens(&self) -> usize {
        self.tokens
            .iter()
            .filter(|t| !t.deleted && !self.expired(t))
            .count()
    }
    fn issue(&mut self, user_id: i64, seed: TokenSeed) -> String {
        let id = self.next_id();
        let secret = secret_for(id);
        let created = self.now();
        self.tokens.push(Token {
            id,
            user_id,
            name: seed.name.unwrap_or_else(|| format!("token {id}")),
            description: seed.description,
            secret: secret.clone(),
            role: seed.role,
            exp: seed.exp,
            deleted: false,
            created,
        });
        format!("{id}{}{secret}", if seed.legacy { '$' } else { '_' })
    }
}

type Shared = Arc<Mutex<World>>;

/// The fake server; stops when dropped.
pub struct FakeGcore {
    addr: std::net::SocketAddr,
    world: Shared,
    connections: Arc<AtomicUsize>,
    admin: SeededUser,
    admin_key: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeGcore {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for FakeGcore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeGcore")
            .field("base_url", &self.base_url())
            .field("admin", &self.admin)
            .finish_non_exhaustive()
    }
}

/// A user of the fake's account, as [`FakeGcore::add_user`] returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeededUser {
    /// The user's id.
    pub user_id: i64,
    /// The user's role.
    pub role: Role,
}

/// A token to issue directly (as if created in the Gcore portal); see
/// [`FakeGcore::token`]. Finish it with [`TokenBuilder::issue`].
#[must_use = "a token is issued by TokenBuilder::issue"]
pub struct TokenBuilder<'a> {
    fake: &'a FakeGcore,
    user: SeededUser,
    seed: TokenSeed,
}

struct TokenSeed {
    name: Option<String>,
    description: Option<String>,
    role: Role,
    exp: Option<DateTime<Utc>>,
    legacy: bool,
}

impl TokenBuilder<'_> {
    /// The token's name (default `token <id>`).
    pub fn name(mut self, name: &str) -> Self {
        self.seed.name = Some(name.to_string());
        self
    }
    /// The token's description (default none).
    pub fn description(mut self, description: &str) -> Self {
        self.seed.description = Some(description.to_string());
        self
    }
    /// The token's role (default: its user's). Not checked against the user's role: seed
    /// what your test needs.
    pub fn role(mut self, role: Role) -> Self {
        self.seed.role = role;
        self
    }
    /// Expires at this time of the fake's clock ([`FakeGcore::now`]; default: never).
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.seed.exp = Some(at);
        self
    }
    /// Expires this long after the fake's current time.
    pub fn expires_in(self, after: Duration) -> Self {
        let at = self.fake.now() + chrono::Duration::from_std(after).expect("a duration in range");
        self.expires_at(at)
    }
    /// A legacy (v1) token, `<id>$<secret>`, instead of `<id>_<secret>`.
    pub fn legacy(mut self) -> Self {
        self.seed.legacy = true;
        self
    }
    /// Issues the token; returns its whole value, to use as an API key.
    pub fn issue(self) -> String {
        self.fake
            .world
            .lock()
            .unwrap()
            .issue(self.user.user_id, self.seed)
    }
}

impl FakeGcore {
    /// Starts a fresh fake on 127.0.0.1 with an ephemeral port: an account ([`CLIENT_ID`])
    /// whose only user is an administrator ([`FakeGcore::admin`]) with one API token
    /// ([`FakeGcore::admin_key`]).
    pub async fn start() -> FakeGcore {
        let world: Shared = Arc::new(Mutex::new(World {
            next_id: 1000,
            ..World::default()
        }));
        let app = Router::new()
            .route("/iam/clients/me", get(account))
            .route("/iam/users", get(users))
            .route("/iam/users/{user_id}", get(user))
            .route(
                "/iam/clients/{client_id}/tokens",
                get(list_v1).post(create_v1),
            )
            .route(
                "/iam/clients/{client_id}/tokens/{token_id}",
                get(show).delete(delete),
            )
            .route(
                "/iam/v2/clients/{client_id}/tokens",
                get(list_v2).post(create_v2),
            )
            .route(
                "/iam/v2/clients/{client_id}/tokens/{token_id}",
                get(show).delete(delete),
            )
            .fallback(|| async {
                (
                    StatusCode::NOT_FOUND,
                    axum::Json(json!({"detail": "Not found."})),
                )
            })
            .layer(axum::middleware::from_fn_with_state(
                world.clone(),
                record_and_inject,
            ))
            .with_state(world.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let listener = ResettableListener {
            inner: listener,
            accepted: connections.clone(),
        };
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app.into_make_service_with_connect_info::<Conn>()).await;
        });
        let mut fake = FakeGcore {
            addr,
            world,
            connections,
            admin: SeededUser {
                user_id: 0,
                role: Role::Administrators,
            },
            admin_key: String::new(),
            task,
        };
        fake.admin = fake.add_user("Owner", Role::Administrators);
        fake.admin_key = fake.token(fake.admin).name("owner").issue();
        fake
    }

    /// `http://127.0.0.1:PORT`: the base URL to give your client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The account's administrator, created by [`FakeGcore::start`].
    pub fn admin(&self) -> SeededUser {
        self.admin
    }

    /// The administrator's API token (`<id>_<secret>`), valid until deleted.
    pub fn admin_key(&self) -> &str {
        &self.admin_key
    }

    /// Adds a user with a role; its email is its name, lower-cased, at `example.com`.
    pub fn add_user(&self, name: &str, role: Role) -> SeededUser {
        let mut w = self.world.lock().unwrap();
        let id = w.next_id();
        w.users.push(User {
            id,
            name: name.to_string(),
            email: format!(
                "{}@example.com",
                name.to_ascii_lowercase().replace(' ', ".")
            ),
            role,
        });
        SeededUser { user_id: id, role }
    }

    /// Adds `n` users with the Users role (`user0`, `user1`, …).
    pub fn add_users(&self, n: usize) {
        for i in 0..n {
            self.add_user(&format!("user{i}"), Role::Users);
        }
    }

    /// A token of `user` to issue directly, as if created in the Gcore portal: by default
    /// with the user's role, no expiry, `<id>_<secret>`. Seeding is never refused, even
    /// past 50 tokens; seeded tokens count toward the limit that create calls meet.
    pub fn token(&self, user: SeededUser) -> TokenBuilder<'_> {
        TokenBuilder {
            fake: self,
            user,
            seed: TokenSeed {
                name: None,
                description: None,
                role: user.role,
                exp: None,
                legacy: false,
            },
        }
    }

    /// The fake's clock: the real time plus what [`FakeGcore::advance_time`] added.
    pub fn now(&self) -> DateTime<Utc> {
        self.world.lock().unwrap().now()
    }

    /// Moves the fake's clock forward: tokens whose expiry date is passed are deleted.
    pub fn advance_time(&self, by: Duration) {
        let mut w = self.world.lock().unwrap();
        w.clock_offset += chrono::Duration::from_std(by).expect("a duration in range");
        w.delete_expired();
    }

    /// Injects a fault into each of the next `times` requests.
    pub fn inject(&self, fault: Fault, times: usize) {
        let mut w = self.world.lock().unwrap();
        for _ in 0..times {
            w.faults.push_back(fault.clone());
        }
    }

    /// Injects a fault into each of the next `times` requests with this method (`"POST"`)
    /// whose path starts with `path_prefix` (`"/iam/v2/clients/"`); other requests are
    /// answered normally. Such a request takes this fault instead of one queued by
    /// [`FakeGcore::inject`] (which then waits for the next request).
    pub fn inject_on(&self, method: &str, path_prefix: &str, fault: Fault, times: usize) {
        self.world.lock().unwrap().targeted.push(TargetedFault {
            method: method.to_string(),
            path_prefix: path_prefix.to_string(),
            fault,
            times,
        });
    }

    /// Injects a fault into every request (after those queued by [`FakeGcore::inject`])
    /// until [`FakeGcore::clear_faults`].
    pub fn inject_always(&self, fault: Fault) {
        self.world.lock().unwrap().sticky_fault = Some(fault);
    }

    /// Removes every fault injected and not yet used.
    pub fn clear_faults(&self) {
        let mut w = self.world.lock().unwrap();
        w.faults.clear();
        w.targeted.clear();
        w.sticky_fault = None;
    }

    /// Everything received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.world.lock().unwrap().requests.clone()
    }

    /// Requests with this method whose path starts with `path_prefix`.
    pub fn request_count(&self, method: &str, path_prefix: &str) -> usize {
        self.world
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.method == method && r.path.starts_with(path_prefix))
            .count()
    }

    /// TCP connections the server accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Live tokens of the account: neither deleted nor expired (what the 50-token limit
    /// counts).
    pub fn live_tokens(&self) -> usize {
        self.world.lock().unwrap().live_tokens()
    }
}

async fn record_and_inject(
    State(world): State<Shared>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let conn = req.extensions().get::<ConnectInfo<Conn>>().cloned();
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let (index, fault) = {
        let mut w = world.lock().unwrap();
        w.delete_expired();
        w.requests.push(RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers.clone(),
            body: bytes.to_vec(),
            response_status: None,
            response_body: Vec::new(),
        });
        let targeted = w.targeted.iter_mut().find(|t| {
            t.times > 0
                && t.method == parts.method.as_str()
                && parts.uri.path().starts_with(&t.path_prefix)
        });
        let fault = match targeted {
            Some(t) => {
                t.times -= 1;
                Some(t.fault.clone())
            }
            None => w.faults.pop_front().or_else(|| w.sticky_fault.clone()),
        };
        (w.requests.len() - 1, fault)
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    let resp = match fault {
        None => next.run(req).await,
        Some(Fault::Delay(d)) => {
            // act first, answer late: a client that gives up cannot know what happened
            let resp = record_response(&world, index, next.run(req).await).await;
            tokio::time::sleep(d).await;
            return resp;
        }
        Some(Fault::ConnectionReset) => {
            // act first, then cut the connection: the client gets no answer at all
            let _ = next.run(req).await;
            conn.expect("the fake is served with its connection handle")
                .0
                .reset();
            // never written: the connection refuses every write from now on
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let mut resp = (
                StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                axum::Json(json!({"detail": "Injected fault."})),
            )
                .into_response();
            if let Some(s) = retry_after {
                resp.headers_mut()
                    .insert("retry-after", s.to_string().parse().unwrap());
            }
            resp
        }
        Some(Fault::MalformedJson) => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"id\": 1, \"email\": ",
        )
            .into_response(),
        Some(Fault::DeprecationHeaders {
            deprecation,
            sunset,
        }) => {
            let mut resp = next.run(req).await;
            resp.headers_mut()
                .insert("deprecation", deprecation.parse().unwrap());
            if let Some(s) = sunset {
                resp.headers_mut().insert("sunset", s.parse().unwrap());
            }
            resp
        }
    };
    record_response(&world, index, resp).await
}

/// Records the status and body answered to request number `index`.
async fn record_response(world: &Shared, index: usize, resp: Response) -> Response {
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    {
        let mut w = world.lock().unwrap();
        let r = &mut w.requests[index];
        r.response_status = Some(parts.status.as_u16());
        r.response_body = bytes.to_vec();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The per-connection switch of [`Fault::ConnectionReset`], reached from a handler through
/// `ConnectInfo`.
#[derive(Debug, Clone, Default)]
struct Conn(Arc<AtomicBool>);

impl Conn {
    fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A TCP connection that, once its [`Conn`] is reset, fails every read and write; hyper
/// then drops it, and with `SO_LINGER` 0 the close is a reset (RST), not an orderly FIN.
struct ResettableStream {
    inner: tokio::net::TcpStream,
    conn: Conn,
}

impl ResettableStream {
    fn check(&mut self) -> std::io::Result<()> {
        if !self.conn.0.load(Ordering::SeqCst) {
            return Ok(());
        }
        // `set_linger` is deprecated because a non-zero linger blocks on drop; zero does
        // not block: the kernel discards the socket and sends RST at once.
        #[allow(deprecated)]
        let _ = self.inner.set_linger(Some(Duration::ZERO));
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by the fake (injected fault)",
        ))
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Accepts [`ResettableStream`]s for `axum::serve`, counting them.
struct ResettableListener {
    inner: tokio::net::TcpListener,
    accepted: Arc<AtomicUsize>,
}

impl axum::serve::Listener for ResettableListener {
    type Io = ResettableStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((inner, addr)) => {
                    self.accepted.fetch_add(1, Ordering::SeqCst);
                    let conn = Conn::default();
                    return (ResettableStream { inner, conn }, addr);
                }
                // e.g. too many open files: wait instead of spinning
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

impl Connected<IncomingStream<'_, ResettableListener>> for Conn {
    fn connect_info(stream: IncomingStream<'_, ResettableListener>) -> Self {
        stream.io().conn.clone()
    }
}

/// A token secret: unpredictable enough for a test, stable for a given id.
fn secret_for(id: i64) -> String {
    format!(
        "s{id:x}{:016x}",
        (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    )
}

fn unauthorized(detail: String) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({ "detail": detail })),
    )
        .into_response()
}

/// Authenticates the caller as Gcore does: the caller's user and role, or the `detail`
/// of the 401.
/// [`authenticate`], then the account: a caller sees only its own (403 otherwise).
/// The refusal is boxed: a `Response` is large beside the `Ok` value.
fn authorize(
    world: &World,
    headers: &HeaderMap,
    client_id: i64,
) -> Result<(User, Role), Box<Response>> {
    let (me, role) = authenticate(world, headers).map_err(|d| Box::new(unauthorized(d)))?;
    if client_id != CLIENT_ID {
        return Err(Box::new(forbidden()));
    }
    Ok((me, role))
}

fn authenticate(world: &World, headers: &HeaderMap) -> Result<(User, Role), String> {
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err("Authentication credentials were not provided.".into());
    };
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("apikey") {
        return Err("Given token not valid for any token type".into());
    }
    let token = token.trim();
    let (id, secret) = match token.find(['_', '$']) {
        Some(p) => (&token[..p], &token[p + 1..]),
        None => (token, ""),
    };
    let Ok(id) = id.parse::<i64>() else {
        return Err("Given token not valid for any token type".into());
    };
    let Some(t) = world.tokens.iter().find(|t| t.id == id) else {
        return Err("Token is invalid or expired".into());
    };
    if secret != t.secret {
        return Err(format!("Bad permanent token: {id}"));
    }
    if t.deleted || world.expired(t) {
        return Err("Token is invalid or expired".into());
    }
    let user = world
        .users
        .iter()
        .find(|u| u.id == t.user_id)
        .cloned()
        .ok_or_else(|| "Token is invalid or expired".to_string())?;
    Ok((user, t.role))
}

fn user_json(u: &User, with_roles: bool) -> Value {
    let mut v = json!({
        "id": u.id, "email": u.email, "name": u.name, "lang": "en", "phone": null, "company": "Example Ltd",
        "reseller": 1, "client": CLIENT_ID, "deleted": false, "groups": [{"id": u.role.id(), "name": u.role.name()}],
        "activated": true, "sso_auth": false, "two_fa": false, "auth_types": ["password"], "user_type": "common", "is_active": true
    });
    if with_roles {
        v["client_and_roles"] = json!([{"client_id": CLIENT_ID, "client_company_name": "Example Ltd", "user_id": u.id, "user_roles": [u.role.id().to_string()]}]);
    }
    v
}

fn token_json(world: &World, t: &Token, with_value: Option<char>) -> Value {
    let owner = world.users.iter().find(|u| u.id == t.user_id);
    let stamp = |d: DateTime<Utc>| d.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let mut v = json!({
        "id": t.id, "name": t.name, "description": t.description, "exp_date": t.exp.map(stamp),
        "deleted": t.deleted, "expired": world.expired(t), "created": stamp(t.created), "last_usage": stamp(t.created),
        "client_user": {"deleted": false, "user_id": t.user_id, "user_name": owner.map(|u| u.name.clone()).unwrap_or_default(),
                        "user_email": owner.map(|u| u.email.clone()).unwrap_or_default(), "client_id": CLIENT_ID,
                        "role": {"id": t.role.id(), "name": t.role.name()}}
    });
    if v["description"].is_null() {
        v.as_object_mut().unwrap().remove("description");
    }
    if let Some(sep) = with_value {
        v["token"] = json!(format!("{}{sep}{}", t.id, t.secret));
    }
    v
}

async fn account(State(world): State<Shared>, headers: HeaderMap) -> Response {
    let w = world.lock().unwrap();
    let (me, _) = match authenticate(&w, &headers) {
        Ok(x) => x,
        Err(detail) => return unauthorized(detail),
    };
    axum::Json(json!({
        "id": CLIENT_ID, "users": w.users.iter().map(|u| json!({"id": u.id, "email": u.email, "name": u.name})).collect::<Vec<_>>(),
        "email": "owner@example.com", "phone": null, "name": "Owner", "status": "active", "companyName": "Example Ltd",
        "website": "https://example.com", "currentUser": me.id, "capabilities": ["CDN", "CLOUD"],
        "serviceStatuses": {"CDN": {"status": "active", "enabled": true}}, "paidFeatures": {}, "freeFeatures": {},
        "entryBaseDomain": null, "signup_process": null, "deleted": false, "bill_type": "postpay", "custom_id": null,
        "country_code": "LU", "is_test": false, "has_active_admin": true
    }))
    .into_response()
}

async fn users(
    State(world): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let w = world.lock().unwrap();
    if let Err(detail) = authenticate(&w, &headers) {
        return unauthorized(detail);
    }
    let count = w.users.len();
    let offset: usize = q.get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
    let limit: usize = q
        .get("limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(count.max(1));
    let page: Vec<Value> = w
        .users
        .iter()
        .skip(offset)
        .take(limit)
        .map(|u| user_json(u, true))
        .collect();
    let next =
        (offset + limit < count).then(|| format!("/users?offset={}&limit={limit}", offset + limit));
    let previous = (offset > 0).then(|| {
        format!(
            "/users?offset={}&limit={limit}",
            offset.saturating_sub(limit)
        )
    });
    axum::Json(json!({"count": count, "next": next, "previous": previous, "results": page}))
        .into_response()
}

async fn user(
    State(world): State<Shared>,
    headers: HeaderMap,
    Path(user_id): Path<i64>,
) -> Response {
    let w = world.lock().unwrap();
    if let Err(detail) = authenticate(&w, &headers) {
        return unauthorized(detail);
    }
    match w.users.iter().find(|u| u.id == user_id) {
        Some(u) => axum::Json(user_json(u, false)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"detail": "Not found."})),
        )
            .into_response(),
    }
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        axum::Json(json!({"detail": "You do not have permission to perform this action."})),
    )
        .into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({"detail": "Not found."})),
    )
        .into_response()
}

fn visible(me: &User, role: Role, t: &Token) -> bool {
    role == Role::Administrators || t.user_id == me.id
}

async fn list_v1(
    state: State<Shared>,
    headers: HeaderMap,
    path: Path<i64>,
    q: Query<HashMap<String, String>>,
) -> Response {
    list(state, headers, path, q)
}
async fn list_v2(
    state: State<Shared>,
    headers: HeaderMap,
    path: Path<i64>,
    q: Query<HashMap<String, String>>,
) -> Response {
    list(state, headers, path, q)
}

fn list(
    State(world): State<Shared>,
    headers: HeaderMap,
    Path(client_id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let w = world.lock().unwrap();
    let (me, role) = match authorize(&w, &headers, client_id) {
        Ok(x) => x,
        Err(refused) => return *refused,
    };
    let deleted_filter = q.get("deleted").map(|v| v.eq_ignore_ascii_case("true"));
    let items: Vec<Value> = w
        .tokens
        .iter()
        .filter(|t| visible(&me, role, t))
        // as documented upstream: True selects tokens that were not deleted
        .filter(|t| deleted_filter.is_none_or(|want_live| t.deleted != want_live))
        .filter(|t| {
            q.get("issued_by")
                .and_then(|v| v.parse::<i64>().ok())
                .is_none_or(|u| t.user_id == u)
        })
        .filter(|t| {
            q.get("not_issued_by")
                .and_then(|v| v.parse::<i64>().ok())
                .is_none_or(|u| t.user_id != u)
        })
        .filter(|t| q.get("role").is_none_or(|r| t.role.name() == r))
        .map(|t| token_json(&w, t, None))
        .collect();
    axum::Json(Value::Array(items)).into_response()
}

async fn create_v1(
    state: State<Shared>,
    headers: HeaderMap,
    path: Path<i64>,
    body: Bytes,
) -> Response {
    create(state, headers, path, body, '$')
}
async fn create_v2(
    state: State<Shared>,
    headers: HeaderMap,
    path: Path<i64>,
    body: Bytes,
) -> Response {
    create(state, headers, path, body, '_')
}

fn bad_request(body: Value) -> Response {
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

fn create(
    State(world): State<Shared>,
    headers: HeaderMap,
    Path(client_id): Path<i64>,
    body: Bytes,
    sep: char,
) -> Response {
    let mut w = world.lock().unwrap();
    let (me, my_role) = match authenticate(&w, &headers) {
        Ok(x) => x,
        Err(detail) => return unauthorized(detail),
    };
    if client_id != CLIENT_ID {
        return forbidden();
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return bad_request(
            json!({"message": "JSON parse error - Expecting value: line 1 column 1 (char 0)\n"}),
        );
    };
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return bad_request(json!({"errors": {"name": ["This field is required."]}}));
    };
    let Some(exp) = body.get("exp_date") else {
        return bad_request(json!({"errors": {"exp_date": ["This field is required."]}}));
    };
    let exp = match exp {
        Value::Null => None,
        Value::String(s) => match DateTime::parse_from_rfc3339(s) {
            Ok(d) => Some(d.with_timezone(&Utc)),
            Err(_) => {
                return bad_request(
                    json!({"errors": {"exp_date": ["Datetime has wrong format."]}}),
                );
            }
        },
        _ => return bad_request(json!({"errors": {"exp_date": ["Datetime has wrong format."]}})),
    };
    let role_v = &body["client_user"]["role"];
    let role_name = role_v.get("name").and_then(Value::as_str);
    let role = match (role_v.get("id").and_then(Value::as_i64), role_name) {
        (Some(id), _) => Role::by_id(id),
        (None, Some(n)) => Role::by_name(n),
        (None, None) => Some(my_role),
    };
    let Some(role) = role else {
        let shown = role_name
            .map(str::to_string)
            .unwrap_or_else(|| "RoleName".to_string());
        return bad_request(
            json!({"errors": {"client_user": {"role": [format!("Invalid role: {shown}")]}}}),
        );
    };
    if role.rank() > my_role.rank() {
        return bad_request(
            json!({"errors": {"client_user": {"role": [format!("Can't create token with role {}", role.name())]}}}),
        );
    }
    if w.live_tokens() >= MAX_TOKENS {
        return bad_request(
            json!({"errors": {"non_field_errors": ["Maximum number of API tokens (50) reached."]}}),
        );
    }
    let id = w.next_id();
    let secret = secret_for(id);
    let created = w.now();
    let token = Token {
        id,
        user_id: me.id,
        name: name.to_string(),
        description: body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        secret,
        role,
        exp,
        deleted: false,
        created,
    };
    let out = token_json(&w, &token, Some(sep));
    w.tokens.push(token);
    axum::Json(out).into_response()
}

async fn show(
    State(world): State<Shared>,
    headers: HeaderMap,
    Path((client_id, token_id)): Path<(i64, i64)>,
) -> Response {
    let w = world.lock().unwrap();
    let (me, role) = match authorize(&w, &headers, client_id) {
        Ok(x) => x,
        Err(refused) => return *refused,
    };
    match w
        .tokens
        .iter()
        .find(|t| t.id == token_id && visible(&me, role, t))
    {
        Some(t) => axum::Json(token_json(&w, t, None)).into_response(),
        None => not_found(),
    }
}

async fn delete(
    State(world): State<Shared>,
    headers: HeaderMap,
    Path((client_id, token_id)): Path<(i64, i64)>,
) -> Response {
    let mut w = world.lock().unwrap();
    let (me, role) = match authorize(&w, &headers, client_id) {
        Ok(x) => x,
        Err(refused) => return *refused,
    };
    match w.tokens.iter_mut().find(|t| {
        t.id == token_id && !t.deleted && (role == Role::Administrators || t.user_id == me.id)
    }) {
        Some(t) => {
            t.deleted = true;
            StatusCode::NO_CONTENT.into_response()
        }
        None => not_found(),
    }
}
