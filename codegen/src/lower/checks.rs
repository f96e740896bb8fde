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
    // (pointer, value, is the object a map of names)
    let mut stack: Vec<(String, &Value, bool)> = vec![("#".to_string(), raw, false)];
    while let Some((ptr, v, names)) = stack.pop() {
        match v {
            Value::Object(m) => {
                let is_schema = !names
                    && (m.contains_key("type")
                        || m.contains_key("properties")
                        || m.contains_key("items")
                        || m.keys().any(|k| UNSUPPORTED.iter().any(|(u, _)| u == k)));
                for (k, child) in m.iter().rev() {
                    let child_ptr = format!("{ptr}/{}", escape_pointer_token(k));
                    if !names && is_data(k) {
                        continue;
                    }
                    if is_schema {
                        if let Some((_, what)) = UNSUPPORTED.iter().find(|(u, _)| u == k) {
                            // `not: {}`-style placeholders and `contains` in a non-array are rare; warn on all
                            out.push(warn(
                                child_ptr.clone(),
                                format!("the schema keyword `{k}` is not supported: {what}"),
                            ));
                        }
                    }
                    stack.push((
                        child_ptr,
                        child,
                        !names && SCHEMA_MAPS.contains(&k.as_str()),
                    ));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{ptr}/{i}"), child, false));
                }
            }
            _ => {}
        }
    }
    out
}

/// Calls `f` with every object of the document and its pointer, in document order,
/// skipping data (`example`, `default`, `enum`, ...).
pub fn each_object<'v>(raw: &'v Value, mut f: impl FnMut(&str, &'v Map<String, Value>)) {
    let mut stack: Vec<(String, &Value)> = vec![("#".to_string(), raw)];
    while let Some((ptr, v)) = stack.pop() {
        match v {
            Value::Object(m) => {
                f(&ptr, m);
                for (k, child) in m.iter().rev() {
                    if !is_data(k) {
                        stack.push((format!("{ptr}/{}", escape_pointer_token(k)), child));
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{ptr}/{i}"), child));
                }
            }
            _ => {}
        }
    }
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
