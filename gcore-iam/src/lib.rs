//! Typed async client for the Gcore IAM API: permanent API tokens, users, roles and
//! account details.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use gcore_iam::Client;
//!
//! // GCORE_API_KEY holds a permanent API token, `<id>_<secret>`.
//! let client = Client::from_env()?;
//! let account = client.get_account_details().await?;
//! println!("account {} ({})", account.id, account.email);
//! let tokens = client.get_api_tokens_v2(account.id).await?;
//! println!("{} API tokens", tokens.len());
//! # Ok(())
//! # }
//! ```
//!
//! Every operation of the API is a method on [`Client`] returning a request builder:
//! required parameters are arguments, optional ones builder methods, and `.await` sends it.
//! Errors are [`Error`]s whose HTTP case carries the operation's documented error body.
//!
//! A key given as a string is checked before any request ([`ApiKey::parse`]: a `Bearer`
//! prefix or a token cut at its `$` by a shell is refused with the fix) and sent as
//! `Authorization: APIKey <token>`. Other credentials, such as a JWT from
//! [`Client::login_user`], go through [`Client::builder`] as [`Credentials`]:
//!
//! ```no_run
//! # fn demo(jwt: &str) -> Result<(), gcore_iam::ConfigError> {
//! use gcore_iam::{Client, Credentials};
//! let client = Client::builder(Credentials::bearer(jwt)).build()?;
//! # Ok(())
//! # }
//! ```
//!
//! The generated [`types`] are what the API description says; over them, this crate speaks
//! Gcore's documented vocabulary: [`Role`] names the five roles, [`Expiry`] is "never" or
//! a date, token responses read their dates as `chrono` UTC date-times
//! ([`TokenResponse::expires`](types::TokenResponse::expires),
//! [`created_at`](types::TokenResponse::created_at), …, and
//! [`Client::tokens_expiring_within`]), [`Token2::for_role`](types::Token2::for_role)
//! builds a token request, and [`Client::rotate_token`] rotates a token as Gcore's
//! documentation says, reporting any failure as the state the account is left in
//! ([`RotationError`]).

// The generic runtime (names no API; standalone crates copy it whole) and the code
// generated from the API description, which calls it.
pub mod runtime;

// Generated from the API description by the generator; do not edit the files below
// `generated/`. The allowances are the ones generated code needs, named one by one:
// builders of deprecated operations and types refer to them.
#[rustfmt::skip]
#[allow(clippy::large_enum_variant, clippy::too_many_arguments, deprecated)]
mod generated {
    pub mod api;
    pub mod operations;
    pub mod types;
}

pub use generated::api::{
    API_TITLE, DEFAULT_SERVER, OPENAPI_VERSION, SECURITY_SCHEMES, SPEC_SHA256, SPEC_VERSION,
};
pub use generated::{operations, types};
pub use runtime::client::{Client, ClientBuilder, RetryBudget, RetryPolicy};
pub use runtime::credentials::{Credentials, IntoCredentials};
pub use runtime::error::{ApiError, ConfigError, DecodeError, Error};
pub use runtime::nullable::Nullable;
pub use runtime::secret::SecretString;

// The Gcore layer: what Gcore's documentation says and the description cannot, on top of
// the runtime and the generated code.
mod auth;
mod dates;
mod pagination;
mod roles;
mod rotation;
mod tokens;
pub use auth::{ApiKey, ApiKeyError, AuthFailure, DEFAULT_BASE_URL};
/// The date and time crate of [`Expiry`] and the token date methods, re-exported so
/// that its version is the one this crate uses.
pub use chrono;
pub use dates::{Expiry, UnreadableDate, format_date, parse_date};
pub use roles::Role;
pub use rotation::{RotateToken, RotatedToken, RotationCause, RotationError};
