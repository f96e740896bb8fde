//! JSON Schema forms of 3.1 that have no 3.0 shape: boolean schemas and `prefixItems`.
//!
//! - `true` (and `{}`) accepts any value: it becomes `{}`, free-form JSON
//!   (`serde_json::Value`).
//! - `false` accepts no value. Where that has a meaning it is kept: a property that is
//!   `false` can never be present and is left out (warning); a `oneOf`/`anyOf` branch that
//!   is `false` never matches and is dropped; `not: false` excludes nothing and is dropped;
//!   `additionalProperties: false` stays (a closed object: `openapiv3` reads it). Elsewhere
//!   (a component, an `allOf` part, a body) it becomes `{}` with a warning.
//! - `prefixItems` with no further items allowed (`items: false`, or `maxItems` equal to
//!   the number of prefix items) is a tuple: the schema is recorded for lowering (see
//!   [`super::LoadedSpec::tuples`]) and its `items` removed. Other `prefixItems` (further
//!   items allowed, a `false` element, more than 12 elements) are a list of JSON values,
//!   with a warning saying why. `items: false` without `prefixItems` is the empty list.

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity, pointer};
use serde_json::{Map, Value};

/// Most elements a tuple may have: Rust implements `Debug`, `Clone`, `PartialEq` and
/// `Default` for tuples of up to 12 elements.
pub const MAX_TUPLE: usize = 12;

pub(super) struct Forms<'w> {
    pub file: &'w str,
    pub warnings: &'w mut Diagnostics,
    /// Schemas that are tuples, by their tokens in the rewritten document.
    pub tuples: &'w mut Vec<Vec<String>>,
}

impl Forms<'_> {
    fn warn(&mut self, path: &[String], tail: &[&str], message: String) {
        let tokens = path.iter().map(String::as_str).chain(tail.iter().copied());
        self.warnings.push(Diagnostic {
            severity: Severity::Warning,
            file: self.file.to_string(),
            location: Location::Pointer(pointer(tokens)),
            operation_id: None,
            message,
        });
    }

    /// A boolean where a schema is: `true` → `{}`; `false` → `{}` with a warning (places
    /// where `false` means something are handled by their parent, [`Forms::object`]).
    pub fn boolean(&mut self, v: &mut Value, path: &[String]) {
        let Value::Bool(accepts) = *v else { return };
        if !accepts {
            self.warn(
                path,
                &[],
                "the schema `false` accepts no value at all; generated as free-form JSON (serde_json::Value)"
                    .to_string(),
            );
        }
        *v = Value::Object(Map::new());
    }

    /// The boolean forms inside one schema object, and its `prefixItems`.
    pub fn object(&mut self, map: &mut Map<String, Value>, path: &[String]) {
        self.false_properties(map, path);
        self.false_all_of_parts(map, path);
        if map.get("not").is_some_and(is_false) {
            // excludes nothing
            map.shift_remove("not");
        }
        self.items(map, path);
    }

    /// Properties that are `false` are left out (and out of `required`), with a warning
    /// each. One pass each over properties and `required`, however many are `false`.
    fn false_properties(&mut self, map: &mut Map<String, Value>, path: &[String]) {
        let mut never = Vec::new();
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            props.retain(|k, v| {
                if is_false(v) {
                    never.push(k.clone());
                }
                !is_false(v)
            });
        }
        let mut was_required = std::collections::BTreeSet::new();
        if !never.is_empty() {
            if let Some(Value::Array(names)) = map.get_mut("required") {
                let never: std::collections::BTreeSet<&str> =
                    never.iter().map(String::as_str).collect();
                names.retain(|n| match n.as_str() {
                    Some(n) if never.contains(n) => {
                        was_required.insert(n.to_string());
                        false
                    }
                    _ => true,
                });
            }
        }
        for k in never {
            let required = was_required.contains(&k);
            let also = if required {
                " (`required` lists it too, so no value of this object is valid; it is not required in the generated type)"
            } else {
                ""
            };
            self.warn(
                path,
                &["properties", &k],
                format!(
                    "the property {k:?} is `false`: it can never be present, so it is left out of the generated type{also}"
                ),
            );
        }
    }

    /// `allOf` parts that are `false` become `{}`, with a warning each.
    fn false_all_of_parts(&mut self, map: &mut Map<String, Value>, path: &[String]) {
        let Some(Value::Array(parts)) = map.get_mut("allOf") else {
            return;
        };
        let mut falses = Vec::new();
        for (i, part) in parts.iter_mut().enumerate() {
            if is_false(part) {
                *part = Value::Object(Map::new());
                falses.push(i);
            }
        }
        for i in falses {
            self.warn(
                path,
                &["allOf", &i.to_string()],
                "this allOf part is `false`, so no value is valid; the part is ignored".to_string(),
            );
        }
    }

    /// `prefixItems` (see [`Forms::tuple`]; an empty list goes), and `items: false`
    /// without them (the empty list only: a list of JSON values, with a warning).
    fn items(&mut self, map: &mut Map<String, Value>, path: &[String]) {
        let prefix_len = match map.get("prefixItems") {
            Some(Value::Array(p)) => Some(p.len()),
            _ => None,
        };
        match prefix_len {
            Some(n) if n > 0 => self.tuple(map, path, n),
            _ => {
                if prefix_len == Some(0) {
                    map.shift_remove("prefixItems");
                }
                if map.get("items").is_some_and(is_false) {
                    map.shift_remove("items");
                    self.warn(
                        path,
                        &["items"],
                        "`items: false` without `prefixItems`: only the empty list is valid; generated as a list of JSON values (Vec<serde_json::Value>)"
                            .to_string(),
                    );
                }
            }
        }
    }

    /// `prefixItems` of `n` elements: a tuple when no further items are allowed and Rust
    /// can have it (recorded in `tuples`), else a list of JSON values with a warning why.
    fn tuple(&mut self, map: &mut Map<String, Value>, path: &[String], n: usize) {
        let closed_by_items = map.get("items") == Some(&Value::Bool(false));
        let max = map.get("maxItems").and_then(Value::as_u64);
        let min = map.get("minItems").and_then(Value::as_u64).unwrap_or(0);
        let has_false = matches!(map.get("prefixItems"), Some(Value::Array(p)) if p.iter().any(|e| *e == Value::Bool(false)));
        let why_not = if !closed_by_items && max != Some(n as u64) {
            Some(match map.get("items") {
                Some(Value::Bool(true)) | None => format!(
                    "more items may follow the {n} of `prefixItems` (neither `items: false` nor `maxItems: {n}`)"
                ),
                Some(_) => {
                    format!("more items of the `items` schema may follow the {n} of `prefixItems`")
                }
            })
        } else if has_false {
            Some("an element of `prefixItems` is `false`".to_string())
        } else if n > MAX_TUPLE {
            Some(format!(
                "{n} elements are more than a Rust tuple of {MAX_TUPLE} can derive Debug, Clone and PartialEq for"
            ))
        } else if max.is_some_and(|m| m < n as u64) {
            Some(format!(
                "`maxItems` is below the {n} elements of `prefixItems`"
            ))
        } else {
            None
        };
        map.shift_remove("items");
        if !map.contains_key("type") {
            map.insert("type".into(), Value::String("array".into()));
        }
        match why_not {
            Some(why) => {
                map.shift_remove("prefixItems");
                self.warn(
                    path,
                    &["prefixItems"],
                    format!(
                        "this tuple is not expressible as a Rust tuple: {why}; generated as a list of JSON values (Vec<serde_json::Value>)"
                    ),
                );
            }
            None => {
                self.tuples.push(path.to_vec());
                if min < n as u64 {
                    self.warn(
                        path,
                        &[],
                        format!(
                            "a tuple of {n} elements: a shorter list, which this schema allows (`minItems` is {min}, not {n}), fails to decode"
                        ),
                    );
                }
            }
        }
    }
}

/// The schema `false`, which accepts no value.
fn is_false(v: &Value) -> bool {
    *v == Value::Bool(false)
}
