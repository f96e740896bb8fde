//! Gcore's permanent API tokens: parsing them up front, sending them as
//! `Authorization: APIKey <token>`, reading them from `GCORE_API_KEY`, masking them and
//! explaining Gcore's 401 messages.
//!
//! Part of the Gcore layer, on top of the runtime: the runtime calls
//! [`explain_auth_failure`] and [`mask_api_keys`] only because `generator-settings.yaml`
//! names them as hooks, which the generated `SERVICE` passes to it. Standalone crates
//! generated for other APIs get a generic `Client::new` and `IntoCredentials` for strings
//! from the generator instead.

use crate::{ApiError, Client, ConfigError, Credentials, IntoCredentials, SecretString};
use std::fmt;

/// Gcore's API: the server of Gcore's API description, where a [`Client`] sends requests
/// unless its builder is given another base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.gcore.com";

impl Client {
    /// A client for Gcore's API with this permanent API token (`<id>_<secret>`), sent as
    /// `Authorization: APIKey <token>`.
    pub fn new(api_key: &str) -> Result<Client, ConfigError> {
        Client::builder(api_key).build()
    }

    /// A client from `GCORE_API_KEY` (and `GCORE_BASE_URL`, default
    /// `https://api.gcore.com`).
    pub fn from_env() -> Result<Client, ConfigError> {
        let key = std::env::var("GCORE_API_KEY").map_err(|_| ConfigError::MissingEnv {
            var: "GCORE_API_KEY",
            expected: "export GCORE_API_KEY='<id>_<secret>' (a Gcore permanent API token; \
                       single quotes keep a legacy token's `$`)",
        })?;
        let mut builder = Client::builder(&key);
        if let Ok(url) = std::env::var("GCORE_BASE_URL") {
            if !url.trim().is_empty() {
                builder = builder.base_url(url);
            }
        }
        builder.build()
    }

    /// The API key's token id (not a secret); empty when the client was built with other
    /// [`Credentials`] (a bearer token, say).
    pub fn api_key_id(&self) -> &str {
        self.inner.credentials.public_id().unwrap_or_default()
    }
}

/// `Authorization: APIKey <token>`, as Gcore expects a permanent API token; `Debug` shows
/// the token id only.
impl From<ApiKey> for Credentials {
    fn from(key: ApiKey) -> Credentials {
        Credentials::header(
            "authorization",
            &format!("APIKey {}", key.expose_secret()),
            format!("APIKey {key}"),
            "the API key",
        )
        .with_public_id(key.id().to_string())
    }
}

impl From<ApiKeyError> for ConfigError {
    fn from(e: ApiKeyError) -> Self {
        ConfigError::InvalidCredentials(Box::new(e))
    }
}

impl ConfigError {
    /// Why the API key is not a Gcore permanent token, if that is the problem.
    pub fn api_key_error(&self) -> Option<&ApiKeyError> {
        match self {
            ConfigError::InvalidCredentials(e) => e.downcast_ref(),
            _ => None,
        }
    }
}

impl<E> ApiError<E> {
    /// One of Gcore's documented authentication failures, if this is one.
    pub fn auth_failure(&self) -> Option<&AuthFailure> {
        self.auth_explanation()?.downcast_ref()
    }
}

/// The runtime's hook for a 401 or 403 (named in `generator-settings.yaml`): Gcore's
/// documented messages, as an [`AuthFailure`] whose `Display` is the hint.
pub(crate) fn explain_auth_failure(
    _status: u16,
    body: &[u8],
) -> Option<Box<dyn std::error::Error + Send + Sync>> {
    AuthFailure::from_body(body).map(|a| Box::new(a) as _)
}

/// The runtime's hook for masking text (named in `generator-settings.yaml`): Gcore's
/// token shapes, `<digits>_<8+ token chars>` and `<digits>$<…>`, keep their id only.
pub(crate) fn mask_api_keys(text: &str) -> String {
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

/// A Gcore permanent API token, parsed and checked ([`ApiKey::parse`]): a problem (a
/// `Bearer` prefix, a token cut at its `$`) is reported by
/// [`ClientBuilder::build`](crate::ClientBuilder::build) with the fix. The token is sent
/// as `Authorization: APIKey <token>`.
impl IntoCredentials for &str {
    fn into_credentials(self) -> Result<Credentials, ConfigError> {
        Ok(ApiKey::parse(self)?.into())
    }
}

/// As for `&str`: a Gcore permanent API token. (Not implemented for `String`, so that
/// `Client::builder(&key)`, the form this crate always took, stays the natural one.)
impl IntoCredentials for &String {
    fn into_credentials(self) -> Result<Credentials, ConfigError> {
        self.as_str().into_credentials()
    }
}

/// Sent as `Authorization: APIKey <token>`.
impl IntoCredentials for ApiKey {
    fn into_credentials(self) -> Result<Credentials, ConfigError> {
        Ok(self.into())
    }
}

/// A Gcore permanent API token, checked before any request is made.
///
/// Accepted: `<id>_<secret>` (tokens from the v2 endpoints) and `<id>$<secret>` (legacy v1
/// tokens), with or without a pasted `APIKey ` prefix and surrounding whitespace.
/// `Debug` and `Display` show only the token id: `ApiKey(42_****)`.
#[derive(Clone)]
pub struct ApiKey {
    token: SecretString,
    id: String,
    separator: char,
}

/// Why a string is not a usable Gcore API token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiKeyError {
    /// The value is empty.
    Empty,
    /// `Bearer …`: Gcore needs the `APIKey` scheme.
    BearerScheme,
    /// Only the numeric id is left: a shell cut the token at its `$`.
    OnlyTokenId {
        /// The id that is left.
        id: String,
    },
    /// Not `<id>_<secret>` or `<id>$<secret>`.
    Malformed {
        /// What is wrong, without the secret.
        reason: &'static str,
    },
}

impl fmt::Display for ApiKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiKeyError::Empty => f.write_str("the API key is empty; set GCORE_API_KEY to a permanent API token (`<id>_<secret>`)"),
            ApiKeyError::BearerScheme => f.write_str(
                "the API key starts with `Bearer`, but Gcore permanent tokens use the APIKey scheme: pass the token alone \
                 (`<id>_<secret>`) and the client sends `Authorization: APIKey <token>`",
            ),
            ApiKeyError::OnlyTokenId { id } => write!(
                f,
                "the API key is only a token id ({id}): the rest was probably cut at a `$` by the shell. Quote the whole token in \
                 single quotes (GCORE_API_KEY='{id}$…') or escape the dollar sign (\\$), or create a v2 token, which uses `_`"
            ),
            ApiKeyError::Malformed { reason } => write!(f, "the API key is not a Gcore permanent token: {reason}"),
        }
    }
}

impl std::error::Error for ApiKeyError {}

impl ApiKey {
    /// Parses a token as users paste it.
    pub fn parse(input: &str) -> Result<ApiKey, ApiKeyError> {
        let mut value = input.trim();
        if value.is_empty() {
            return Err(ApiKeyError::Empty);
        }
        let lower = value.to_ascii_lowercase();
        if lower.starts_with("bearer ") || lower == "bearer" {
            return Err(ApiKeyError::BearerScheme);
        }
        if lower.starts_with("apikey ") {
            value = value[7..].trim_start();
        }
        if value.is_empty() {
            return Err(ApiKeyError::Empty);
        }
        if value.chars().all(|c| c.is_ascii_digit()) {
            return Err(ApiKeyError::OnlyTokenId {
                id: value.to_string(),
            });
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ApiKeyError::Malformed {
                reason: "it contains whitespace",
            });
        }
        let Some(pos) = value.find(['_', '$']) else {
            return Err(ApiKeyError::Malformed {
                reason: "expected `<id>_<secret>` or `<id>$<secret>`",
            });
        };
        let (id, rest) = value.split_at(pos);
        let secret = &rest[1..];
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(ApiKeyError::Malformed {
                reason: "the part before `_` or `$` must be the numeric token id",
            });
        }
        if secret.is_empty() {
            return Err(ApiKeyError::OnlyTokenId { id: id.to_string() });
        }
        Ok(ApiKey {
            token: SecretString::new(value),
            id: id.to_string(),
            separator: rest.chars().next().unwrap_or('_'),
        })
    }

    /// The token id (the part before the separator); not a secret.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether this is a legacy v1 token (`<id>$<secret>`).
    pub fn is_legacy(&self) -> bool {
        self.separator == '$'
    }

    /// The whole token. Every use is a place where it can leak.
    pub fn expose_secret(&self) -> &str {
        self.token.expose_secret()
    }
}

impl std::str::FromStr for ApiKey {
    type Err = ApiKeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApiKey::parse(s)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}{}****)", self.id, self.separator)
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}****", self.id, self.separator)
    }
}

/// Gcore's documented authentication failures (401 and 403 bodies with `detail`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFailure {
    /// `Authentication credentials were not provided.`: no `Authorization` header.
    CredentialsNotProvided,
    /// `Bad permanent token: <id>`: the token is incomplete (cut).
    BadPermanentToken {
        /// The token id Gcore names.
        token_id: String,
    },
    /// `Token is invalid or expired`: deleted, or past its expiry date.
    InvalidOrExpired,
    /// `Given token not valid for any token type`: usually `Bearer` instead of `APIKey`.
    NotValidForAnyTokenType,
}

impl AuthFailure {
    /// Recognises Gcore's documented messages in a response body.
    pub fn from_body(body: &[u8]) -> Option<AuthFailure> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let detail = value.get("detail")?.as_str()?.trim();
        Some(
            if detail == "Authentication credentials were not provided." {
                AuthFailure::CredentialsNotProvided
            } else if let Some(id) = detail.strip_prefix("Bad permanent token:") {
                // the id, but should a server echo a whole token, it is masked
                AuthFailure::BadPermanentToken {
                    token_id: mask_api_keys(id.trim()),
                }
            } else if detail.starts_with("Token is invalid or expired") {
                AuthFailure::InvalidOrExpired
            } else if detail.starts_with("Given token not valid for any token type") {
                AuthFailure::NotValidForAnyTokenType
            } else {
                return None;
            },
        )
    }

    /// What to do about it, from Gcore's documentation.
    pub fn hint(&self) -> String {
        match self {
            AuthFailure::CredentialsNotProvided => {
                "no API token reached Gcore: set GCORE_API_KEY (or pass the key to Client::new); the header must be `Authorization: APIKey <token>`".to_string()
            }
            AuthFailure::BadPermanentToken { token_id } => format!(
                "token {token_id} reached Gcore incomplete: check that the whole value was copied; a legacy `{token_id}$…` token is cut at the `$` by shells unless it is quoted in single quotes or the `$` is escaped"
            ),
            AuthFailure::InvalidOrExpired => {
                "the token was deleted or is past its expiry date (Gcore deletes expired tokens): create a new token in the Gcore portal and switch to it; through the API (create_api_token_v2) only with another token that still works".to_string()
            }
            AuthFailure::NotValidForAnyTokenType => {
                "Gcore did not accept the token for any token type: permanent tokens go with the `APIKey` scheme, not `Bearer`".to_string()
            }
        }
    }
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hint())
    }
}

/// So that the runtime can carry it in an [`ApiError`] without knowing its type.
impl std::error::Error for AuthFailure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_v2_legacy_and_pasted_header_values() {
        let cases = [
            ("42_a1b2c3d4", "42", false),
            ("  42$a1b2c3d4\n", "42", true),
            ("APIKey 42_a1b2c3d4", "42", false),
            ("apikey   29841$abc", "29841", true),
        ];
        for (input, id, legacy) in cases {
            let key = ApiKey::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(key.id(), id);
            assert_eq!(key.is_legacy(), legacy);
        }
    }

    #[test]
    fn refuses_bearer_cut_tokens_and_garbage_with_a_reason() {
        assert_eq!(
            ApiKey::parse("Bearer 42_abc").unwrap_err(),
            ApiKeyError::BearerScheme
        );
        assert_eq!(
            ApiKey::parse("29841").unwrap_err(),
            ApiKeyError::OnlyTokenId { id: "29841".into() }
        );
        assert_eq!(
            ApiKey::parse("29841$").unwrap_err(),
            ApiKeyError::OnlyTokenId { id: "29841".into() }
        );
        assert_eq!(ApiKey::parse("   ").unwrap_err(), ApiKeyError::Empty);
        assert!(matches!(
            ApiKey::parse("abc_def").unwrap_err(),
            ApiKeyError::Malformed { .. }
        ));
        assert!(matches!(
            ApiKey::parse("42_ab cd").unwrap_err(),
            ApiKeyError::Malformed { .. }
        ));
        let msg = ApiKey::parse("29841").unwrap_err().to_string();
        assert!(
            msg.contains("single quotes") && msg.contains("\\$"),
            "{msg}"
        );
        assert!(
            ApiKey::parse("Bearer x")
                .unwrap_err()
                .to_string()
                .contains("APIKey scheme")
        );
    }

    #[test]
    fn never_prints_the_secret() {
        let key = ApiKey::parse("42_a1b2c3d4e5f6").unwrap();
        let credentials = Credentials::from(key.clone());
        for shown in [
            format!("{key}"),
            format!("{key:?}"),
            format!("{credentials:?}"),
        ] {
            assert!(!shown.contains("a1b2c3"), "{shown}");
        }
        assert!(format!("{credentials:?}").contains("APIKey 42_****"));
        assert_eq!(credentials.public_id(), Some("42"));
    }

    #[test]
    fn the_masking_hook_keeps_only_the_token_id() {
        assert_eq!(
            mask_api_keys("id 42_a1b2c3d4e5f6 and 7$zzzzzzzzzz"),
            "id 42_**** and 7$****"
        );
        for keep in [
            "Bad permanent token: 29841",
            "export GCORE_API_KEY='29841$…'",
            "created 2026-11-24T10:00:00Z, attempts: 3",
            "v2_api and 12_short",
        ] {
            assert_eq!(mask_api_keys(keep), keep);
        }
    }

    #[test]
    fn the_client_sends_a_parsed_key_and_refuses_a_bad_one_before_any_traffic() {
        let c = Client::builder("42_abcdefgh")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(c.api_key_id(), "42");
        assert!(format!("{c:?}").contains("APIKey 42_****"), "{c:?}");
        assert_eq!(
            Client::new("42_abcdefgh").unwrap().base_url(),
            DEFAULT_BASE_URL
        );
        assert_eq!(crate::DEFAULT_SERVER, Some(DEFAULT_BASE_URL));
        assert_eq!(
            Client::new("Bearer 42_x").unwrap_err().api_key_error(),
            Some(&ApiKeyError::BearerScheme)
        );
        let bearer = Client::builder(Credentials::bearer("eyJ.jwt"))
            .build()
            .unwrap();
        assert_eq!(bearer.api_key_id(), "");
    }

    #[test]
    fn recognises_the_four_documented_messages() {
        let cases = [
            (
                r#"{"detail": "Authentication credentials were not provided."}"#,
                AuthFailure::CredentialsNotProvided,
            ),
            (
                r#"{"detail": "Bad permanent token: 29841"}"#,
                AuthFailure::BadPermanentToken {
                    token_id: "29841".into(),
                },
            ),
            (
                r#"{"detail": "Token is invalid or expired"}"#,
                AuthFailure::InvalidOrExpired,
            ),
            (
                r#"{"detail": "Given token not valid for any token type"}"#,
                AuthFailure::NotValidForAnyTokenType,
            ),
        ];
        for (body, want) in cases {
            assert_eq!(AuthFailure::from_body(body.as_bytes()), Some(want));
        }
        assert_eq!(AuthFailure::from_body(b"not json"), None);
        assert_eq!(
            AuthFailure::from_body(br#"{"detail": "Bad permanent token: 29841$a1b2c3d4e5f6"}"#),
            Some(AuthFailure::BadPermanentToken {
                token_id: "29841$****".into()
            })
        );
        assert!(
            AuthFailure::BadPermanentToken {
                token_id: "29841".into()
            }
            .hint()
            .contains("cut at the `$`")
        );
    }
}
