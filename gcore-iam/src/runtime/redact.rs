//! Redaction: secrets masked in any text the runtime shows (`Debug`, `Display`, body
//! excerpts, serde's messages), by generic rules and by what one API adds ([`Redaction`]).

use std::fmt;

/// Longest excerpt of a response body kept in an error.
pub(crate) const EXCERPT_BYTES: usize = 512;

/// What a masked value is replaced with.
const REDACTED: &str = "[redacted]";

/// What an API adds to the generic rules: the names of fields its description marks
/// secret (and any its settings add), and a function that masks secrets of a shape only
/// it knows. The generated code supplies them; output that belongs to no API (a client's
/// configuration, a connection failure) uses [`Redaction::GENERIC`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Redaction {
    /// Keys (JSON keys, field names, form fields) whose string values are secrets,
    /// compared without regard to case, beside the generic ones ([`is_generic_secret_key`]).
    pub(crate) secret_keys: &'static [&'static str],
    /// Masks the API's own secret shapes in any text, before the generic rules run.
    pub(crate) mask_text: Option<fn(&str) -> String>,
}

impl Redaction {
    /// The generic rules alone.
    pub(crate) const GENERIC: Redaction = Redaction {
        secret_keys: &[],
        mask_text: None,
    };

    /// Whether a JSON key or field name holds a secret: its string value is masked in
    /// excerpts, `Debug` and `Display`.
    pub(crate) fn is_secret_key(&self, key: &str) -> bool {
        is_generic_secret_key(key) || self.secret_keys.iter().any(|k| k.eq_ignore_ascii_case(key))
    }

    /// Masks the secrets in any text (a `Debug` or `Display` rendering, serde's message, a
    /// body): the API's own shapes ([`Redaction::mask_text`]), JWTs, the password of a
    /// URL, and quoted values after a secret key (`"token": "…"`, `password: Some("…")`,
    /// `token=…`).
    pub(crate) fn text(&self, text: &str) -> String {
        let masked = match self.mask_text {
            Some(mask) => mask(text),
            None => text.to_string(),
        };
        redact_keyed_values(&redact_url_passwords(&mask_jwts(&masked)), self)
    }

    /// A bounded, secret-free excerpt of a body: JSON string values under secret keys are
    /// replaced, and the rest is masked as [`Redaction::text`] masks it.
    pub(crate) fn excerpt(&self, body: &[u8]) -> String {
        fn redact(v: &mut serde_json::Value, redaction: &Redaction) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m.iter_mut() {
                        if redaction.is_secret_key(k) && v.is_string() {
                            *v = serde_json::Value::String(REDACTED.into());
                        } else {
                            redact(v, redaction);
                        }
                    }
                }
                serde_json::Value::Array(items) => {
                    items.iter_mut().for_each(|v| redact(v, redaction))
                }
                _ => {}
            }
        }
        let text = match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(mut v) => {
                redact(&mut v, self);
                v.to_string()
            }
            Err(_) => {
                String::from_utf8_lossy(&body[..body.len().min(EXCERPT_BYTES * 2)]).into_owned()
            }
        };
        let masked = self.text(&text);
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

    /// `Debug` of `value` (keeping `{:#?}`), secrets masked.
    pub(crate) fn debug(&self, f: &mut fmt::Formatter<'_>, value: &dyn fmt::Debug) -> fmt::Result {
        let text = if f.alternate() {
            format!("{value:#?}")
        } else {
            format!("{value:?}")
        };
        f.write_str(&self.text(&text))
    }

    /// Writes `args`, secrets masked.
    pub(crate) fn write(
        &self,
        f: &mut fmt::Formatter<'_>,
        args: fmt::Arguments<'_>,
    ) -> fmt::Result {
        f.write_str(&self.text(&fmt::format(args)))
    }
}

/// Keys that hold a secret in any API: `token`, `password`, `secret`, `authorization`,
/// `api_key`, and names ending in `_token` or containing `password` or `secret`.
pub(crate) fn is_generic_secret_key(key: &str) -> bool {
    const SECRET_KEYS: &[&str] = &[
        "token",
        "password",
        "secret",
        "authorization",
        "api_key",
        "apikey",
        "api-key",
    ];
    let k = key.to_ascii_lowercase();
    SECRET_KEYS.contains(&k.as_str())
        || k.ends_with("_token")
        || k.ends_with("-token")
        || k.contains("password")
        || k.contains("secret")
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

/// Masks JWTs (`eyJ….….…`).
fn mask_jwts(text: &str) -> String {
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
fn redact_keyed_values(text: &str, redaction: &Redaction) -> String {
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
        if !redaction.is_secret_key(&text[start..i]) {
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

    /// An API that adds secret keys and a shape of its own (`K-<8+ letters>`).
    fn with_api_rules() -> Redaction {
        fn mask(text: &str) -> String {
            let mut out = String::new();
            let mut rest = text;
            while let Some(p) = rest.find("K-") {
                out.push_str(&rest[..p + 2]);
                rest = &rest[p + 2..];
                let end = rest
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(rest.len());
                if end >= 8 {
                    out.push_str("****");
                    rest = &rest[end..];
                }
            }
            out.push_str(rest);
            out
        }
        Redaction {
            secret_keys: &["access", "refresh"],
            mask_text: Some(mask),
        }
    }

    #[test]
    fn excerpts_never_carry_secrets_and_are_bounded() {
        let body = br#"{"id": 7, "token": "a1b2c3d4e5f6a7b8", "note": "use K-zzzzzzzzzzzz please", "client_user": {"password": "hunter2hunter2"}, "refresh": "r3fr3sh"}"#;
        let e = with_api_rules().excerpt(body);
        for secret in ["a1b2c3d4", "zzzzzzzz", "hunter2", "r3fr3sh"] {
            assert!(!e.contains(secret), "{e}");
        }
        assert!(e.contains("\"id\":7"), "{e}");
        // without the API's rules its own keys and shapes are not known
        let generic = Redaction::GENERIC.excerpt(body);
        assert!(
            generic.contains("r3fr3sh") && generic.contains("zzzzzzzz"),
            "{generic}"
        );
        assert!(!generic.contains("hunter2"), "{generic}");
        let big = vec![b'x'; 100_000];
        assert!(Redaction::GENERIC.excerpt(&big).len() <= EXCERPT_BYTES + 3);
        let not_utf8 = [0xff, 0xfe, 0x00, 0x41];
        let _ = Redaction::GENERIC.excerpt(&not_utf8);
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
            // Debug of a struct, pretty-printed, under a key the API names
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
            (
                "user=a&api_key=hunter2x&x=1",
                "user=a&api_key=[redacted]&x=1",
            ),
            // escaped quotes inside the value
            (
                r#""access": "a\"hunter2x" next"#,
                r#""access": "[redacted]" next"#,
            ),
            // an unterminated value (a cut excerpt) is masked to the end
            (r#"{"token": "hunter2x"#, r#"{"token": "[redacted]"#),
            // the API's own shape, and JWTs, anywhere
            ("id K-abcdefghij and more", "id K-**** and more"),
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
            assert_eq!(with_api_rules().text(text), want, "{text}");
        }
        // what must stay readable
        for keep in [
            "token: SecretString([redacted])",
            "client_user.password: This field is required.",
            "Client::new(key) and my_client::token::x",
            "created 2026-11-24T10:00:00Z, attempts: 3",
            "export API_KEY_VAR='42$…'",
            "id 42_a1b2c3d4e5f6",
            "https://api.example.com:8443/x",
            "ünïcode \"token\" alone",
        ] {
            assert_eq!(Redaction::GENERIC.text(keep), keep);
        }
        // keys of one API are not secret in another
        assert_eq!(
            Redaction::GENERIC.text(r#"{"refresh":"x1"}"#),
            r#"{"refresh":"x1"}"#
        );
    }
}
