//! [`Credentials`]: what a client sends on every request to authenticate, as one of the
//! API description's security schemes ([`SecurityScheme`]) says.

use super::error::ConfigError;
use super::secret::SecretString;
use reqwest::header::{HeaderName, HeaderValue};
use std::fmt;

/// One of the API description's security schemes (`components.securitySchemes`) that
/// the client can send; the generated `SECURITY_SCHEMES` lists them.
/// [`Credentials::for_scheme`] makes credentials for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecurityScheme {
    /// Its name in the API description.
    pub name: &'static str,
    /// How the secret is sent.
    pub kind: SchemeKind,
    /// The API description's words about it.
    pub description: Option<&'static str>,
}

/// How a [`SecurityScheme`] sends the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemeKind {
    /// An API key as the value of this header.
    ApiKeyHeader {
        /// The header's name.
        header: &'static str,
    },
    /// An API key as the value of this query parameter.
    ApiKeyQuery {
        /// The parameter's name.
        parameter: &'static str,
    },
    /// `Authorization: Bearer <token>` (HTTP bearer, and the access token of OAuth 2 and
    /// OpenID Connect schemes).
    Bearer,
    /// `Authorization: Basic base64(<user>:<password>)`.
    Basic,
}

/// What a client sends on every request to authenticate: nothing, an API key in
/// a header or a query parameter, a bearer token, or a user name and password.
///
/// Secrets stay out of `Debug` (it shows where they go, not what they are) and header
/// values are marked sensitive, so HTTP layers do not log them. A value that cannot be
/// sent (empty, or with a line break inside) is reported by
/// `ClientBuilder::build`, before any request.
#[derive(Clone)]
pub struct Credentials {
    kind: Kind,
    /// What identifies the credentials without being secret (an API key's id), when the
    /// API's layer knows it.
    public_id: Option<String>,
}

#[derive(Clone)]
enum Kind {
    None,
    Header {
        name: HeaderName,
        value: HeaderValue,
        /// What `Debug` shows of the value (`Bearer ****`).
        shown: String,
    },
    Query {
        name: String,
        value: SecretString,
    },
    /// Reported by `build`: constructors do not fail, so they chain into the builder.
    Invalid {
        reason: String,
    },
}

impl Credentials {
    fn new(kind: Kind) -> Credentials {
        Credentials {
            kind,
            public_id: None,
        }
    }

    /// No credentials: requests carry no authentication.
    pub fn none() -> Credentials {
        Credentials::new(Kind::None)
    }

    /// An API key sent as the value of the header `header` (`X-API-Key: <key>`).
    pub fn api_key_header(header: &str, key: impl Into<SecretString>) -> Credentials {
        let key = key.into();
        let key = key.expose_secret().trim();
        Credentials::header(header, key, "****".to_string(), "the API key")
    }

    /// An API key sent as the query parameter `parameter` (`?api_key=<key>`).
    ///
    /// The key is then part of every request's URL: errors of this crate never show URLs,
    /// but proxies and server logs may record them.
    pub fn api_key_query(parameter: &str, key: impl Into<SecretString>) -> Credentials {
        let key = key.into();
        let trimmed = key.expose_secret().trim();
        if trimmed.is_empty() {
            return Credentials::invalid("the API key is empty".to_string());
        }
        if parameter.is_empty() {
            return Credentials::invalid("the query parameter name is empty".to_string());
        }
        Credentials::new(Kind::Query {
            name: parameter.to_string(),
            value: SecretString::new(trimmed),
        })
    }

    /// A bearer token (an OAuth 2 access token, a JWT): `Authorization: Bearer <token>`.
    /// A pasted `Bearer ` prefix and surrounding whitespace are removed.
    pub fn bearer(token: impl Into<SecretString>) -> Credentials {
        let token = token.into();
        let mut value = token.expose_secret().trim();
        if value
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
        {
            value = value[7..].trim_start();
        }
        if value.is_empty() {
            return Credentials::invalid("the bearer token is empty".to_string());
        }
        Credentials::header(
            "authorization",
            &format!("Bearer {value}"),
            "Bearer ****".to_string(),
            "the bearer token",
        )
    }

    /// HTTP basic authentication: `Authorization: Basic base64(<user>:<password>)`.
    pub fn basic(user: &str, password: impl Into<SecretString>) -> Credentials {
        let password = password.into();
        if user.contains(':') {
            return Credentials::invalid(
                "the user name of basic authentication cannot contain `:`".to_string(),
            );
        }
        let pair = format!("{user}:{}", password.expose_secret());
        Credentials::header(
            "authorization",
            &format!("Basic {}", base64(pair.as_bytes())),
            "Basic ****".to_string(),
            "the user name or password",
        )
    }

    /// Credentials for one of the API description's security schemes (one of the
    /// generated `SECURITY_SCHEMES`), with `secret` sent as it says: an API key, a
    /// bearer token, or for basic authentication `<user>:<password>`.
    pub fn for_scheme(scheme: &SecurityScheme, secret: impl Into<SecretString>) -> Credentials {
        let secret = secret.into();
        match scheme.kind {
            SchemeKind::ApiKeyHeader { header } => Credentials::api_key_header(header, secret),
            SchemeKind::ApiKeyQuery { parameter } => Credentials::api_key_query(parameter, secret),
            SchemeKind::Bearer => Credentials::bearer(secret),
            SchemeKind::Basic => match secret.expose_secret().split_once(':') {
                Some((user, password)) => Credentials::basic(user, password),
                None => Credentials::invalid(format!(
                    "the security scheme {:?} is HTTP basic authentication: give `<user>:<password>`",
                    scheme.name
                )),
            },
        }
    }

    /// Whether requests carry any credentials.
    pub fn is_none(&self) -> bool {
        matches!(self.kind, Kind::None)
    }

    /// The header `name` with `value`, marked sensitive; `Debug` shows `shown` instead,
    /// and a value that cannot be sent is reported by `build` as a problem with `what`.
    pub(crate) fn header(name: &str, value: &str, shown: String, what: &str) -> Credentials {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            return Credentials::invalid(format!("{name:?} is not a valid HTTP header name"));
        };
        if value.trim().is_empty() {
            return Credentials::invalid(format!("{what} is empty"));
        }
        match HeaderValue::from_str(value) {
            Ok(mut value) => {
                value.set_sensitive(true);
                Credentials::new(Kind::Header { name, value, shown })
            }
            Err(_) => Credentials::invalid(format!(
                "{what} cannot be sent in a header: it contains a line break, a control character or a non-ASCII character"
            )),
        }
    }

    fn invalid(reason: String) -> Credentials {
        Credentials::new(Kind::Invalid { reason })
    }

    /// Adds the credentials to a request.
    pub(crate) fn apply(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.kind {
            Kind::Header { name, value, .. } => rb.header(name.clone(), value.clone()),
            Kind::Query { name, value } => rb.query(&[(name.as_str(), value.expose_secret())]),
            Kind::None | Kind::Invalid { .. } => rb,
        }
    }

    /// These credentials, known by `id`: what identifies them without being secret (an
    /// API key's id, an account name). It is never sent; [`Credentials::public_id`]
    /// gives it back.
    pub fn with_public_id(mut self, id: impl Into<String>) -> Credentials {
        self.public_id = Some(id.into());
        self
    }

    /// What identifies the credentials without being secret, if it was given.
    pub fn public_id(&self) -> Option<&str> {
        self.public_id.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::None => f.write_str("Credentials::None"),
            Kind::Header { name, shown, .. } => f
                .debug_struct("Credentials")
                .field("header", &name.as_str())
                .field("value", shown)
                .finish(),
            Kind::Query { name, .. } => f
                .debug_struct("Credentials")
                .field("query", name)
                .field("value", &"****")
                .finish(),
            Kind::Invalid { reason } => f
                .debug_struct("Credentials")
                .field("invalid", reason)
                .finish(),
        }
    }
}

/// What `Client::builder` accepts as credentials: [`Credentials`] themselves and,
/// where the crate knows how the API expects one, a string (see the implementations).
pub trait IntoCredentials {
    /// The credentials, or why they cannot be used.
    fn into_credentials(self) -> Result<Credentials, ConfigError>;
}

impl IntoCredentials for Credentials {
    fn into_credentials(self) -> Result<Credentials, ConfigError> {
        match self.kind {
            Kind::Invalid { reason } => Err(ConfigError::Credentials { reason }),
            _ => Ok(self),
        }
    }
}

/// Standard base64 with padding (RFC 4648), for basic authentication.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_of(c: &Credentials) -> Option<(String, String)> {
        match &c.kind {
            Kind::Header { name, value, .. } => {
                Some((name.to_string(), value.to_str().unwrap().to_string()))
            }
            _ => None,
        }
    }

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ] {
            assert_eq!(base64(input.as_bytes()), want, "{input:?}");
        }
    }

    #[test]
    fn each_kind_of_scheme_gives_its_header_or_query_parameter() {
        let scheme = |kind| SecurityScheme {
            name: "s",
            kind,
            description: None,
        };
        let c = Credentials::for_scheme(
            &scheme(SchemeKind::ApiKeyHeader {
                header: "X-API-Key",
            }),
            " k3y\n",
        );
        assert_eq!(
            header_of(&c),
            Some(("x-api-key".to_string(), "k3y".to_string()))
        );
        let c = Credentials::for_scheme(&scheme(SchemeKind::Bearer), "Bearer t0ken");
        assert_eq!(
            header_of(&c),
            Some(("authorization".to_string(), "Bearer t0ken".to_string()))
        );
        let c = Credentials::for_scheme(&scheme(SchemeKind::Basic), "Aladdin:open sesame");
        assert_eq!(
            header_of(&c),
            Some((
                "authorization".to_string(),
                "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==".to_string()
            ))
        );
        let c = Credentials::for_scheme(
            &scheme(SchemeKind::ApiKeyQuery {
                parameter: "api_key",
            }),
            "k3y",
        );
        assert!(
            matches!(&c.kind, Kind::Query { name, value } if name == "api_key" && value.expose_secret() == "k3y")
        );
        assert!(Credentials::none().is_none());
    }

    #[test]
    fn unusable_values_are_refused_by_build_without_the_secret() {
        let basic = SecurityScheme {
            name: "basicAuth",
            kind: SchemeKind::Basic,
            description: None,
        };
        for (c, want) in [
            (Credentials::bearer("  "), "the bearer token is empty"),
            (Credentials::bearer("ab\ncd-s3cr3t"), "line break"),
            (
                Credentials::api_key_header("X Key", "s3cr3t"),
                "header name",
            ),
            (Credentials::api_key_query("k", ""), "empty"),
            (
                Credentials::for_scheme(&basic, "s3cr3t"),
                "<user>:<password>",
            ),
            (Credentials::basic("a:b", "s3cr3t"), "cannot contain"),
        ] {
            let e = c.clone().into_credentials().unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
            assert!(
                !e.contains("s3cr3t") && !format!("{c:?}").contains("s3cr3t"),
                "{e}"
            );
        }
    }

    #[test]
    fn debug_shows_where_the_secret_goes_not_the_secret() {
        for c in [
            Credentials::bearer("s3cr3t-token"),
            Credentials::basic("ops", "s3cr3t-token"),
            Credentials::api_key_header("X-API-Key", "s3cr3t-token"),
            Credentials::api_key_query("api_key", "s3cr3t-token"),
        ] {
            let shown = format!("{c:?} {c:#?}");
            assert!(!shown.contains("s3cr3t"), "{shown}");
            assert!(shown.contains("****"), "{shown}");
            if let Kind::Header { value, .. } = &c.kind {
                assert!(value.is_sensitive());
            }
        }
        assert!(format!("{:?}", Credentials::bearer("x")).contains("Bearer ****"));
        assert!(format!("{:?}", Credentials::api_key_query("api_key", "x")).contains("api_key"));
    }
}
