//! [`SecretString`]: a string that never prints itself.

use std::fmt;

/// A secret (an API token value, a password, a JWT) that `Debug` and `Display` print as
/// `[redacted]`. Read it on purpose with [`SecretString::expose_secret`]. Serialised and
/// deserialised as a plain JSON string.
#[derive(Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }

    /// The secret itself. Every use is a place where it can leak: keep them few.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString(s)
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_secret_but_serialises_it() {
        let s = SecretString::from("42_a1b2c3d4e5f6");
        assert_eq!(format!("{s}"), "[redacted]");
        assert!(!format!("{s:?}").contains("a1b2"));
        assert!(!format!("{:?}", Some(s.clone())).contains("a1b2"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"42_a1b2c3d4e5f6\"");
        let back: SecretString = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(back.expose_secret(), "x");
    }
}
