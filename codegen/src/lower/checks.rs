//! Document-wide checks over the (normalised) JSON of the spec: what `openapiv3` drops
//! without a trace is found here, so that nothing is unsupported in silence.
//!
//! Every walk uses an explicit stack: nesting depth is no risk.

use crate::diagnostics::escape_pointer_token;
use serde_json::{Map, Value};

use crate::load::METHODS;

/// A problem found by a check: error or warning, pointer, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub error: bool,
    pub pointer: String,
    pub message: String,
}

fn warn(pointer: String, message: String) -> Finding {
    Finding {
        error: false,
        pointer,
        message,
    }
}

/// Every operation of the document as `(pointer, path, method)`, in document order.
pub fn operations(raw: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, _) in item.iter().filter(|(m, _)| METHODS.contains(&m.as_str())) {
            out.push((
                format!("#/paths/{}/{method}", escape_pointer_token(path)),
                path.clone(),
                method.clone(),
            ));
        }
    }
    out
}

/// Path keys that `openapiv3` would drop, and webhooks, which are not generated.
pub fn paths_and_webhooks(raw: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for key in paths
            .keys()
            .filter(|k| !k.starts_with('/') && !k.starts_with("x-"))
        {
            out.push(Finding {
                error: true,
                pointer: format!("#/paths/{}", escape_pointer_token(key)),
                message: format!("the path {key:?} does not begin with '/', as OpenAPI requires; write \"/{key}\""),
            });
        }
    }
    if let Some(hooks) = raw
        .get("webhooks")
        .and_then(Value::as_object)
        .filter(|h| !h.is_empty())
    {
        let names: Vec<&str> = hooks.keys().map(String::as_str).collect();
        out.push(warn(
            "#/webhooks".to_string(),
            format!(
                "{} webhook(s) ({}) are not generated: a client calls the API, webhooks are requests the API sends; their schemas under components are generated",
                names.len(),
                names.join(", ")
            ),
        ));
    }
    out
}

/// JSON Schema keywords the generator does not turn into types, with what it does instead.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("not", "the value is not checked against it"),
    ("if", "the conditional is ignored"),
    ("then", "the conditional is ignored"),
    ("else", "the conditional is ignored"),
    ("dependentSchemas", "it is ignored"),
    (
        "patternProperties",
        "keys matching the pattern are kept only if additionalProperties allows them",
    ),
    ("unevaluatedProperties", "it is ignored"),
    ("propertyNames", "it is ignored"),
    ("contains", "it is ignored"),
];

use crate::load::refs::{DATA, SCHEMA_MAPS};

/// Data, not schemas: examples, defaults, enum values, extensions (`x-examples`).
fn is_data(key: &str) -> bool {
    DATA.contains(&key) || key.starts_with("x-")
}

/// Unsupported schema keywords anywhere under `components/schemas`, `paths` and
/// `components` (wherever a schema can be): one warning each, naming the place.
pub fn unsupported_keywords(raw: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(raw, |at, m, names| {
        let is_schema = !names
            && (m.contains_key("type")
                || m.contains_key("properties")
                || m.contains_key("items")
                || m.keys().any(|k| UNSUPPORTED.iter().any(|(u, _)| u == k)));
        if !is_schema {
            return;
        }
        for k in m.keys() {
            if let Some((_, what)) = UNSUPPORTED.iter().find(|(u, _)| u == k) {
                // `not: {}`-style placeholders and `contains` in a non-array are rare; warn on all
                out.push(warn(
                    format!("{at}/{}", escape_pointer_token(k)),
                    format!("the schema keyword `{k}` is not supported: {what}"),
                ));
            }
        }
    });
    out
}

/// Where a walk is in the document: the tokens of its JSON pointer, written out only when
/// a finding names the place (`{at}` formats as `#/a/b~1c`). Writing a pointer for every
/// node visited was most of the checks' time.
pub struct Place<'v> {
    tokens: Vec<Token<'v>>,
}

#[derive(Clone, Copy)]
enum Token<'v> {
    Key(&'v str),
    Index(usize),
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("#")?;
        for t in &self.tokens {
            match t {
                Token::Key(k) => write!(f, "/{}", escape_pointer_token(k))?,
                Token::Index(i) => write!(f, "/{i}")?,
            }
        }
        Ok(())
    }
}

/// Calls `f` with every object of the document, its place, and whether it is a map of
/// names (`properties`, `components/schemas`, ...: its keys are names, not keywords), in
/// document order, skipping data (`example`, `default`, `enum`, ...) except where a key
/// is a name.
fn walk<'v>(raw: &'v Value, mut f: impl FnMut(&Place<'v>, &'v Map<String, Value>, bool)) {
    let mut at = Place { tokens: Vec::new() };
    // (length of the parent's place, token from the parent, value, is it a map of names)
    let mut stack: Vec<(usize, Option<Token<'v>>, &'v Value, bool)> = vec![(0, None, raw, false)];
    while let Some((parent, token, v, names)) = stack.pop() {
        at.tokens.truncate(parent);
        at.tokens.extend(token);
        let depth = at.tokens.len();
        match v {
            Value::Object(m) => {
                f(&at, m, names);
                for (k, child) in m.iter().rev() {
                    if names || !is_data(k) {
                        let child_names = !names && SCHEMA_MAPS.contains(&k.as_str());
                        stack.push((depth, Some(Token::Key(k)), child, child_names));
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((depth, Some(Token::Index(i)), child, false));
                }
            }
            _ => {}
        }
    }
}

/// Calls `f` with every object of the document that is not a map of names, and its place,
/// in document order, skipping data (`example`, `default`, `enum`, ...).
pub fn each_object<'v>(raw: &'v Value, mut f: impl FnMut(&Place<'v>, &'v Map<String, Value>)) {
    walk(raw, |at, m, names| {
        if !names {
            f(at, m)
        }
    });
}

/// `enum` values that do not have the schema's type: they would be lost.
pub fn enum_value_types(raw: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    each_object(raw, |ptr, m| {
        let (Some(Value::String(ty)), Some(Value::Array(values))) = (m.get("type"), m.get("enum"))
        else {
            return;
        };
        for (i, value) in values.iter().enumerate() {
            let fits = match (ty.as_str(), value) {
                (_, Value::Null) => true,
                ("string", Value::String(_)) => true,
                ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
                ("number", Value::Number(_)) => true,
                ("boolean", Value::Bool(_)) => true,
                ("array", Value::Array(_)) | ("object", Value::Object(_)) => true,
                _ => false,
            };
            if !fits {
                out.push(warn(
                    format!("{ptr}/enum/{i}"),
                    format!("the enum value {value} is not of the schema's type {ty:?}; it is left out of the generated type"),
                ));
            }
        }
    });
    out
}

/// Discriminator mappings whose target does not exist.
pub fn discriminator_mappings(raw: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    each_object(raw, |ptr, m| {
        let Some(Value::Object(mapping)) = m.get("discriminator").and_then(|d| d.get("mapping"))
        else {
            return;
        };
        for (tag, target) in mapping {
            let Some(target) = target.as_str() else {
                continue;
            };
            let found = match target.strip_prefix('#') {
                Some(pointer) => raw.pointer(pointer).is_some(),
                // a bare schema name
                None if !target.contains('/') => raw
                    .pointer(&format!(
                        "/components/schemas/{}",
                        escape_pointer_token(target)
                    ))
                    .is_some(),
                None => false,
            };
            if !found {
                out.push(Finding {
                    error: true,
                    pointer: format!("{ptr}/discriminator/mapping/{}", escape_pointer_token(tag)),
                    message: format!("the discriminator maps {tag:?} to {target:?}, which does not exist in this document"),
                });
            }
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn findings_name_the_place() {
        let raw = json!({
            "paths": {"users/{id}": {}, "/a": {"get": {}}},
            "webhooks": {"newPet": {}},
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"not": {"type": "string"}, "if": {"type": "string"}}, "patternProperties": {"^x": {}}},
                "B": {"type": "string", "enum": ["a", 1, null]},
                "C": {"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "k", "mapping": {"a": "#/components/schemas/A", "n": "#/components/schemas/Nope"}}},
                "D": {"type": "string", "example": {"not": 1}}
            }}
        });
        let pointers = |f: Vec<Finding>| f.into_iter().map(|f| f.pointer).collect::<Vec<_>>();
        assert_eq!(
            pointers(paths_and_webhooks(&raw)),
            ["#/paths/users~1{id}", "#/webhooks"]
        );
        assert_eq!(
            pointers(unsupported_keywords(&raw)),
            ["#/components/schemas/A/patternProperties"]
        );
        assert_eq!(
            pointers(enum_value_types(&raw)),
            ["#/components/schemas/B/enum/1"]
        );
        assert_eq!(
            pointers(discriminator_mappings(&raw)),
            ["#/components/schemas/C/discriminator/mapping/n"]
        );
        assert_eq!(operations(&raw).len(), 1);
    }
}
