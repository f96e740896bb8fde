//! `components.securitySchemes` → [`SecurityScheme`]s the runtime can send.
//!
//! Read from the raw JSON rather than `openapiv3`'s types, so that 3.1's `mutualTLS` and
//! a misspelt `type` become a warning, not a failed document.

use super::Lowerer;
use crate::diagnostics::escape_pointer_token;
use crate::ir::{SecurityScheme, SecuritySchemeKind};
use serde_json::Value;

/// How many `$ref` hops a security scheme may take before it is given up on.
const MAX_REF_HOPS: usize = 8;

impl Lowerer<'_> {
    /// The schemes a client can send, in the order of [`crate::ir::Api::security_schemes`];
    /// a warning naming the place for each one that cannot be sent or does not exist.
    pub(super) fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let spec = self.spec;
        let raw = &spec.raw;
        let defined = raw
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object);
        let (order, undefined) = scheme_order(defined, requirements(raw));
        let mut out = Vec::new();
        let mut problems = Vec::new();
        for name in order {
            let ptr = format!(
                "#/components/securitySchemes/{}",
                escape_pointer_token(&name)
            );
            match scheme(raw, &ptr) {
                Ok((kind, description)) => out.push(SecurityScheme {
                    name,
                    kind,
                    description,
                    pointer: ptr,
                }),
                Err(why) => problems.push((
                    ptr,
                    format!("security scheme {name:?}: {why}; the client does not send it"),
                )),
            }
        }

        self.current_op = None;
        for (ptr, message) in problems {
            self.warn(&ptr, message);
        }
        for Requirement {
            ptr,
            name,
            operation,
        } in undefined
        {
            self.current_op = operation;
            self.warn(
                &ptr,
                format!(
                    "the security requirement names {name:?}, which components.securitySchemes does not define; the client does not send it"
                ),
            );
        }
        self.current_op = None;
        out
    }
}

/// One scheme named in a security requirement.
struct Requirement {
    /// Where the name is.
    ptr: String,
    name: String,
    /// The operationId of the operation it is in (`None` at the top level).
    operation: Option<String>,
}

/// The schemes security requirements name, in order: top level, then each operation.
fn requirements(raw: &Value) -> Vec<Requirement> {
    let mut requirements = Vec::new();
    let mut collect = |ptr: &str, operation: Option<String>| {
        let Some(list) = raw
            .pointer(ptr.trim_start_matches('#'))
            .and_then(Value::as_array)
        else {
            return;
        };
        for (i, requirement) in list.iter().enumerate() {
            for name in requirement.as_object().into_iter().flat_map(|o| o.keys()) {
                requirements.push(Requirement {
                    ptr: format!("{ptr}/{i}/{}", escape_pointer_token(name)),
                    name: name.clone(),
                    operation: operation.clone(),
                });
            }
        }
    };
    collect("#/security", None);
    for (ptr, _, _) in super::checks::operations(raw) {
        let operation = crate::load::operation_at_pointer(raw, &ptr);
        collect(&format!("{ptr}/security"), operation);
    }
    requirements
}

/// The defined schemes, those requirements name first (in the order they name them),
/// then the rest; and the requirements that name no defined scheme.
fn scheme_order(
    defined: Option<&serde_json::Map<String, Value>>,
    requirements: Vec<Requirement>,
) -> (Vec<String>, Vec<Requirement>) {
    let mut order: Vec<String> = Vec::new();
    let mut undefined = Vec::new();
    for r in requirements {
        if defined.is_some_and(|d| d.contains_key(&r.name)) {
            if !order.contains(&r.name) {
                order.push(r.name);
            }
        } else {
            undefined.push(r);
        }
    }
    for name in defined.into_iter().flat_map(|d| d.keys()) {
        if !order.contains(name) {
            order.push(name.clone());
        }
    }
    (order, undefined)
}

/// One scheme at `ptr` (following `$ref`s inside the document), or why it cannot be sent.
fn scheme(raw: &Value, ptr: &str) -> Result<(SecuritySchemeKind, Option<String>), String> {
    let value = follow_refs(raw, ptr)?;
    let description = value
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string);
    Ok((scheme_kind(value)?, description))
}

/// The object at `ptr`, through at most [`MAX_REF_HOPS`] `$ref`s inside the document.
fn follow_refs<'v>(
    raw: &'v Value,
    ptr: &str,
) -> Result<&'v serde_json::Map<String, Value>, String> {
    let mut at = ptr.to_string();
    let mut value = raw.pointer(ptr.trim_start_matches('#'));
    for _ in 0..MAX_REF_HOPS {
        let Some(target) = value.and_then(|v| v.get("$ref")).and_then(Value::as_str) else {
            break;
        };
        if !target.starts_with("#/") {
            return Err(format!(
                "$ref {target:?} points outside the document, which is not supported"
            ));
        }
        at = target.to_string();
        value = raw.pointer(&target[1..]);
        if value.is_none() {
            return Err(format!("cannot resolve $ref {target:?}"));
        }
    }
    let Some(value) = value.and_then(Value::as_object) else {
        return Err(format!("{at} is not a security scheme object"));
    };
    if value.contains_key("$ref") {
        return Err(format!("more than {MAX_REF_HOPS} $ref hops"));
    }
    Ok(value)
}

/// What the client sends for a scheme, by its `type`, or why it cannot.
fn scheme_kind(value: &serde_json::Map<String, Value>) -> Result<SecuritySchemeKind, String> {
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    match text("type") {
        Some("apiKey") => {
            let Some(name) = text("name").filter(|n| !n.is_empty()) else {
                return Err("an apiKey scheme needs a `name`".to_string());
            };
            api_key(name, text("in"))
        }
        Some("http") => match text("scheme").map(str::to_ascii_lowercase).as_deref() {
            Some("bearer") => Ok(SecuritySchemeKind::Bearer),
            Some("basic") => Ok(SecuritySchemeKind::Basic),
            other => Err(format!(
                "the HTTP authentication scheme {} is not supported (only bearer and basic)",
                shown(other)
            )),
        },
        // The client sends an access token obtained elsewhere.
        Some("oauth2") | Some("openIdConnect") => Ok(SecuritySchemeKind::Bearer),
        Some("mutualTLS") => Err(
            "mutual TLS is not supported (configure the client certificate on your own HTTP client, ClientBuilder::http_client)"
                .to_string(),
        ),
        other => Err(format!(
            "the type {} is not one of apiKey, http, oauth2, openIdConnect, mutualTLS",
            shown(other)
        )),
    }
}

/// An API key `name` sent in a header or the query (`location`, the scheme's `in`).
fn api_key(name: &str, location: Option<&str>) -> Result<SecuritySchemeKind, String> {
    match location {
        Some("header") if is_header_name(name) => Ok(SecuritySchemeKind::ApiKeyHeader {
            header: name.to_string(),
        }),
        Some("header") => Err(format!("{name:?} is not a valid HTTP header name")),
        Some("query") => Ok(SecuritySchemeKind::ApiKeyQuery {
            parameter: name.to_string(),
        }),
        Some("cookie") => Err(format!(
            "an API key in the cookie {name:?} is not supported (send it through your own HTTP client, ClientBuilder::http_client)"
        )),
        other => Err(format!(
            "`in` must be header, query or cookie, not {}",
            shown(other)
        )),
    }
}

fn shown(value: Option<&str>) -> String {
    value.map_or_else(|| "(missing)".to_string(), |v| format!("{v:?}"))
}

/// An RFC 9110 field name: one or more `tchar`s.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
