//! Every identifier the generator emits is made here: case conversion (`heck`), keyword
//! escaping, and deterministic collision handling.
//!
//! Rules:
//! - Type names are `UpperCamelCase` (`Token-2` → `Token2`), field, parameter and method
//!   names `snake_case`, enum variants `UpperCamelCase`.
//! - A name that starts with a digit gets a leading `_` (fields) or `N` (types/variants).
//! - Rust keywords become raw identifiers (`r#type`); `self`, `Self`, `super`, `crate` and `_`
//!   cannot be raw and get a trailing `_`.
//! - Two spec names that map to the same Rust name (`Token2` and `Token_2`) stay distinct:
//!   [`Namer`] hands names out in a fixed order and suffixes later claimants with `2`, `3`, ….

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the generated `operations` module defines or imports besides the
/// operations' own: no operation's request type takes them.
pub const OPERATIONS_MODULE_TYPES: &[&str] = &["Sending", "Info"];

/// Type names the generated `types` module must not define, because generated code names
/// them unqualified (prelude types, serde's traits).
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Self",
    "Serialize",
    "Deserialize",
    "Default",
    "Send",
    "Sync",
];

/// Keeps only characters that can appear in a Rust identifier, turning everything else
/// into word breaks so that `heck` sees the words.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c == '+' {
            out.push_str(" plus ");
        } else if matches!(c, '\'' | '\u{2019}') {
            // "can't" is one word, not "can t"
        } else {
            out.push(' ');
        }
    }
    out
}

/// `UpperCamelCase` name for a type or variant; never empty, never a keyword.
pub fn type_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Type");
    }
    name
}

/// A cargo feature name for a tag: lower case, every run of other characters than ASCII
/// letters, digits and `_` one `-` (`Fine-tuning` → `fine-tuning`, `Audio & Speech` →
/// `audio-speech`), never empty, never starting with a digit or `-`.
pub fn feature_name(tag: &str) -> String {
    let mut name = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    while name.ends_with('-') {
        name.pop();
    }
    if name.is_empty() {
        name.push_str("tag");
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "tag-");
    }
    name
}

/// `snake_case` name for a field, parameter or method, escaped if it is a keyword.
/// The result is valid as `syn::Ident` via [`to_ident`].
pub fn snake_name(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `SCREAMING_SNAKE_CASE` for constants.
pub fn const_name(raw: &str) -> String {
    snake_name(raw)
        .trim_start_matches("r#")
        .to_ascii_uppercase()
}

/// Whether `name` must be written as a raw identifier.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Turns a (possibly keyword) name into a `proc_macro2::Ident`, raw where needed.
pub fn to_ident(name: &str) -> proc_macro2::Ident {
    if is_keyword(name) {
        proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// Hands out unique names within one namespace. Deterministic: the same sequence of
/// requests gives the same names.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    taken: BTreeSet<String>,
}

impl Namer {
    /// A namer whose names must also avoid `reserved`.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namer {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Claims `candidate`, or `candidate2`, `candidate3`, … if it is taken.
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.taken.insert(candidate.to_string()) {
            return candidate.to_string();
        }
        let mut n = 2usize;
        loop {
            let next = if candidate.ends_with(|c: char| c.is_ascii_digit()) {
                format!("{candidate}_{n}")
            } else {
                format!("{candidate}{n}")
            };
            if self.taken.insert(next.clone()) {
                return next;
            }
            n += 1;
        }
    }

    /// Whether `name` is already taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// A snake_case variant of [`Namer::claim`] that keeps names snake_case
/// (`value`, `value_2`, …).
pub fn claim_snake(namer: &mut Namer, candidate: &str) -> String {
    if !namer.is_taken(candidate) {
        return namer.claim(candidate);
    }
    let mut n = 2usize;
    loop {
        let next = format!("{candidate}_{n}");
        if !namer.is_taken(&next) {
            return namer.claim(&next);
        }
        n += 1;
    }
}

/// Words that begin an operationId as its action, not as a namespace: never stripped
/// (`getA` and `getB` stay `get_a` and `get_b`).
const VERBS: &[&str] = &[
    "get", "list", "create", "update", "delete", "put", "post", "patch", "set", "add", "remove",
    "find", "search", "fetch", "read", "write", "do", "is", "has", "upload", "download", "show",
];

/// Strips a common lower-case prefix word (`iam` in `iamCreateApiToken`) shared by every
/// operationId, so method names read `create_api_token`. Returns `None` when there is no
/// such prefix (or fewer than two ids).
pub fn common_operation_prefix<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut prefix: Option<String> = None;
    let mut count = 0;
    for id in ids {
        count += 1;
        let head: String = id.chars().take_while(|c| c.is_ascii_lowercase()).collect();
        let rest = &id[head.len()..];
        if head.is_empty()
            || !rest.starts_with(|c: char| c.is_ascii_uppercase())
            || VERBS.contains(&head.as_str())
        {
            return None;
        }
        match &prefix {
            None => prefix = Some(head),
            Some(p) if *p == head => {}
            Some(_) => return None,
        }
    }
    if count < 2 { None } else { prefix }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_of_hard_tags() {
        let cases = [
            ("Pets", "pets"),
            ("Fine-tuning", "fine-tuning"),
            ("Audio & Speech", "audio-speech"),
            ("  Vector stores ", "vector-stores"),
            ("v2_beta", "v2_beta"),
            ("2024 API", "tag-2024-api"),
            ("_private", "tag-_private"),
            ("&&", "tag"),
            ("Übersicht", "bersicht"),
        ];
        for (tag, feature) in cases {
            assert_eq!(feature_name(tag), feature, "{tag:?}");
        }
    }

    #[test]
    fn hard_type_names() {
        let cases = [
            ("Token-2", "Token2"),
            ("You can't create it", "YouCantCreateIt"),
            ("Token2", "Token2"),
            ("token_response", "TokenResponse"),
            ("ClientUser", "ClientUser"),
            ("2fa", "N2fa"),
            ("Option", "OptionType"),
            ("Result", "ResultType"),
            ("", "Empty"),
            (
                "Purge and Prefetch only (API+Web)",
                "PurgeAndPrefetchOnlyApiPlusWeb",
            ),
            ("Purge and Prefetch only (API)", "PurgeAndPrefetchOnlyApi"),
            ("google-oauth2", "GoogleOauth2"),
            ("self", "SelfType"),
        ];
        for (raw, want) in cases {
            assert_eq!(type_name(raw), want, "type_name({raw:?})");
        }
    }

    #[test]
    fn hard_field_names() {
        let cases = [
            ("type", "type"),
            ("self", "self_"),
            ("companyName", "company_name"),
            ("exp_date", "exp_date"),
            ("2fa", "_2fa"),
            ("$ref", "ref"),
            ("X-Request-Id", "x_request_id"),
            ("", "value"),
        ];
        for (raw, want) in cases {
            assert_eq!(snake_name(raw), want, "snake_name({raw:?})");
        }
        assert_eq!(to_ident("type").to_string(), "r#type");
        assert_eq!(to_ident("self_").to_string(), "self_");
    }

    #[test]
    fn colliding_names_stay_distinct_and_deterministic() {
        let mut namer = Namer::default();
        assert_eq!(namer.claim(&type_name("Token2")), "Token2");
        assert_eq!(namer.claim(&type_name("Token_2")), "Token2_2");
        assert_eq!(namer.claim(&type_name("Token-2")), "Token2_3");
        let mut namer = Namer::with_reserved(&["Client"]);
        assert_eq!(namer.claim("Client"), "Client2");
        let mut snake = Namer::default();
        assert_eq!(claim_snake(&mut snake, "value"), "value");
        assert_eq!(claim_snake(&mut snake, "value"), "value_2");
    }

    #[test]
    fn common_prefix_is_found_only_when_shared() {
        assert_eq!(
            common_operation_prefix(["iamCreateApiToken", "iamGetUsers"]).as_deref(),
            Some("iam")
        );
        assert_eq!(
            common_operation_prefix(["iamCreateApiToken", "getUsers"]),
            None
        );
        assert_eq!(common_operation_prefix(["iamCreateApiToken"]), None);
        assert_eq!(common_operation_prefix(["list_pets", "get_pet"]), None);
        assert_eq!(common_operation_prefix(["getA", "getB"]), None);
    }
}
