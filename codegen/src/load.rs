//! Stage 1: read a spec file (YAML or JSON, OpenAPI 3.0 or 3.1) into an
//! [`openapiv3::OpenAPI`] document.
//!
//! `openapiv3` understands 3.0 shapes only, so 3.1 forms are rewritten to their 3.0
//! equivalent first (see [`normalize`]). Gcore's quirks (3.0-style `nullable` inside a 3.1
//! document, JSON-like flow-style YAML) read as they are.

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity, pointer};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Deepest nesting accepted in a document; deeper input is refused, not recursed into.
pub const MAX_DEPTH: usize = 256;
/// Largest document accepted, in bytes.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// A loaded, normalised document and facts about its source.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Name used in diagnostics and in generated headers (the path as given).
    pub file: String,
    /// sha256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// The `openapi` field as written (`3.1.0`).
    pub openapi_version: String,
    /// The document after 3.1 → 3.0 normalisation, as JSON; diagnostics point into it.
    pub raw: Value,
    pub document: openapiv3::OpenAPI,
    /// Problems that did not stop loading.
    pub warnings: Diagnostics,
}

/// Reads and loads a spec file.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Diagnostics> {
    load_file_as(path, &path.display().to_string())
}

/// Reads and loads a spec file, naming it `shown` in diagnostics.
pub fn load_file_as(path: &Path, shown: &str) -> Result<LoadedSpec, Diagnostics> {
    let file = shown.to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostics::single(Diagnostic {
            severity: Severity::Error,
            file: file.clone(),
            location: Location::Document,
            operation_id: None,
            message: format!("cannot read the file: {e}"),
        })
    })?;
    load_bytes(&file, &bytes)
}

/// Loads a spec from bytes; `file` names it in diagnostics.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<LoadedSpec, Diagnostics> {
    let err = |location: Location, message: String| {
        Diagnostics::single(Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            location,
            operation_id: None,
            message,
        })
    };
    if bytes.len() > MAX_BYTES {
        return Err(err(
            Location::Document,
            format!(
                "the document is {} bytes; the limit is {MAX_BYTES}",
                bytes.len()
            ),
        ));
    }
    let sha256 = hex(&Sha256::digest(bytes));
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        err(
            Location::LineColumn { line, column },
            "the file is not valid UTF-8".to_string(),
        )
    })?;
    let mut raw = parse_text(file, text)?;
    check_depth(&raw, 0).map_err(|p| {
        err(
            Location::Pointer(p),
            format!("the document nests deeper than {MAX_DEPTH} levels"),
        )
    })?;

    let openapi_version = check_version(file, &raw)?;
    let mut warnings = Diagnostics::default();
    normalize(file, &mut raw, &mut warnings);

    let document: openapiv3::OpenAPI = match serde_path_to_error::deserialize(&raw) {
        Ok(d) => d,
        Err(e) => {
            let e: serde_path_to_error::Error<serde_json::Error> = e;
            // `openapiv3` flattens its maps, which hides the path below them: look at each
            // path item and component on its own to name the exact place, and every one.
            let mut found = locate_errors(file, &raw);
            if found.is_empty() {
                found.push(Diagnostic {
                    severity: Severity::Error,
                    file: file.to_string(),
                    location: Location::Pointer(path_to_pointer(e.path())),
                    operation_id: None,
                    message: e.inner().to_string(),
                });
            }
            return Err(found);
        }
    };
    Ok(LoadedSpec {
        file: file.to_string(),
        sha256,
        openapi_version,
        raw,
        document,
        warnings,
    })
}

fn locate_errors(file: &str, raw: &Value) -> Diagnostics {
    use openapiv3::{
        Example, Header, Parameter, PathItem, RequestBody, Response, Schema, SecurityScheme,
    };
    fn probe<T: serde::de::DeserializeOwned>(
        file: &str,
        v: &Value,
        base: &[&str],
        out: &mut Diagnostics,
    ) {
        // `ReferenceOr` is untagged and hides paths too: a `$ref` is checked by `lower`.
        if v.get("$ref").is_some() {
            return;
        }
        if let Err(e) = serde_path_to_error::deserialize::<_, T>(v) {
            let mut tokens: Vec<String> = base.iter().map(|s| s.to_string()).collect();
            let inner = path_to_pointer(e.path());
            tokens.extend(
                inner
                    .trim_start_matches('#')
                    .split('/')
                    .skip(1)
                    .map(|t| t.replace("~1", "/").replace("~0", "~")),
            );
            let operation_id = if base.first() == Some(&"paths") && tokens.len() > 2 {
                v.get(&tokens[2])
                    .and_then(|op| op.get("operationId"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            } else {
                None
            };
            out.push(Diagnostic {
                severity: Severity::Error,
                file: file.to_string(),
                location: Location::Pointer(pointer(tokens.iter())),
                operation_id,
                message: e.inner().to_string(),
            });
        }
    }
    let mut out = Diagnostics::default();
    if let Some(Value::Object(paths)) = raw.get("paths") {
        for (k, v) in paths {
            if !k.starts_with("x-") {
                probe::<PathItem>(file, v, &["paths", k], &mut out);
            }
        }
    }
    if let Some(Value::Object(comps)) = raw.get("components") {
        for (section, items) in comps {
            let Value::Object(items) = items else {
                continue;
            };
            for (k, v) in items {
                let base = ["components", section.as_str(), k.as_str()];
                match section.as_str() {
                    "schemas" => probe::<Schema>(file, v, &base, &mut out),
                    "parameters" => probe::<Parameter>(file, v, &base, &mut out),
                    "responses" => probe::<Response>(file, v, &base, &mut out),
                    "requestBodies" => probe::<RequestBody>(file, v, &base, &mut out),
                    "headers" => probe::<Header>(file, v, &base, &mut out),
                    "examples" => probe::<Example>(file, v, &base, &mut out),
                    "securitySchemes" => probe::<SecurityScheme>(file, v, &base, &mut out),
                    _ => {}
                }
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, column)
}

/// JSON when the first significant character is `{` or `[` (some JSON is not valid YAML),
/// YAML otherwise.
fn parse_text(file: &str, text: &str) -> Result<Value, Diagnostics> {
    let err = |location: Location, message: String| {
        Diagnostics::single(Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            location,
            operation_id: None,
            message,
        })
    };
    let trimmed = text.trim_start_matches('\u{feff}');
    let looks_json = trimmed.trim_start().starts_with(['{', '[']);
    if looks_json {
        // serde_json refuses nesting deeper than 128 on its own: no stack overflow.
        return serde_json::from_str(trimmed).map_err(|e| {
            err(
                Location::LineColumn {
                    line: e.line(),
                    column: e.column(),
                },
                format!("invalid JSON: {e}"),
            )
        });
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(trimmed).map_err(|e| {
        let location = match e.location() {
            Some(l) => Location::LineColumn {
                line: l.line(),
                column: l.column(),
            },
            None => Location::Document,
        };
        err(location, format!("invalid YAML: {e}"))
    })?;
    yaml_to_json(&yaml, &mut Vec::new()).map_err(|(ptr, msg)| err(Location::Pointer(ptr), msg))
}

/// Converts YAML to JSON: keys become strings (`200:` → `"200"`), tags are dropped.
fn yaml_to_json(v: &serde_yaml::Value, path: &mut Vec<String>) -> Result<Value, (String, String)> {
    if path.len() > MAX_DEPTH {
        return Err((
            pointer(path.iter()),
            format!("the document nests deeper than {MAX_DEPTH} levels"),
        ));
    }
    Ok(match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        (
                            pointer(path.iter()),
                            format!("the number {n} cannot be represented in JSON"),
                        )
                    })?
            }
        }
        serde_yaml::Value::String(s) => Value::String(s.clone()),
        serde_yaml::Value::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                out.push(yaml_to_json(item, path)?);
                path.pop();
            }
            Value::Array(out)
        }
        serde_yaml::Value::Mapping(map) => {
            let mut out = Map::new();
            for (k, val) in map {
                let key = match k {
                    serde_yaml::Value::String(s) => s.clone(),
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    serde_yaml::Value::Null => "null".to_string(),
                    _ => {
                        return Err((
                            pointer(path.iter()),
                            "a mapping key must be a plain scalar".to_string(),
                        ));
                    }
                };
                path.push(key.clone());
                let converted = yaml_to_json(val, path)?;
                path.pop();
                if out.insert(key.clone(), converted).is_some() {
                    let mut p = path.clone();
                    p.push(key);
                    return Err((pointer(p.iter()), "duplicate mapping key".to_string()));
                }
            }
            Value::Object(out)
        }
        serde_yaml::Value::Tagged(t) => yaml_to_json(&t.value, path)?,
    })
}

fn check_depth(v: &Value, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("#".to_string());
    }
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_depth(item, depth + 1).map_err(|p| format!("#/{i}{}", &p[1..]))?;
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                check_depth(item, depth + 1).map_err(|p| {
                    format!(
                        "#/{}{}",
                        crate::diagnostics::escape_pointer_token(k),
                        &p[1..]
                    )
                })?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_version(file: &str, raw: &Value) -> Result<String, Diagnostics> {
    let err = |location: Location, message: String| {
        Diagnostics::single(Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            location,
            operation_id: None,
            message,
        })
    };
    let obj = match raw {
        Value::Object(o) => o,
        Value::Null => {
            return Err(err(
                Location::Document,
                "the document is empty (or only `null`); expected an OpenAPI 3.0 or 3.1 object"
                    .to_string(),
            ));
        }
        other => {
            return Err(err(
                Location::Document,
                format!(
                    "expected an OpenAPI object at the top level, found {}",
                    kind_of(other)
                ),
            ));
        }
    };
    if let Some(v) = obj.get("swagger") {
        return Err(err(
            Location::Pointer("#/swagger".into()),
            format!(
                "Swagger {} is not supported; convert the document to OpenAPI 3 first \
                 (for example with swagger2openapi)",
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            ),
        ));
    }
    let version = match obj.get("openapi") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(err(
                Location::Pointer("#/openapi".into()),
                format!("`openapi` must be a string such as \"3.1.0\", found {other}"),
            ));
        }
        None => {
            return Err(err(
                Location::Document,
                "no `openapi` field: this is not an OpenAPI 3 document".to_string(),
            ));
        }
    };
    if !(version.starts_with("3.0.")
        || version.starts_with("3.1.")
        || version == "3.0"
        || version == "3.1")
    {
        return Err(err(
            Location::Pointer("#/openapi".into()),
            format!("OpenAPI version {version:?} is not supported; supported are 3.0.x and 3.1.x"),
        ));
    }
    Ok(version)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut tokens = Vec::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => tokens.push(index.to_string()),
            Segment::Map { key } => tokens.push(key.clone()),
            Segment::Enum { variant } => tokens.push(variant.clone()),
            Segment::Unknown => {}
        }
    }
    pointer(tokens)
}

/// Rewrites 3.1 forms into the 3.0 shapes `openapiv3` reads:
/// - `type: [T, "null"]` → `type: T, nullable: true`; `type: "null"` → `nullable: true`;
/// - `oneOf`/`anyOf` with a `{type: "null"}` branch → the other branches, `nullable: true`;
/// - `const: v` → `enum: [v]`; `examples: [...]` → `example: <first>`;
/// - numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` + boolean flag;
/// - `$ref` with `nullable`/`deprecated` siblings → `allOf: [{$ref}]` keeping the siblings;
/// - a missing `paths` (webhook-only 3.1 documents) → `paths: {}`.
///
/// 3.0 documents go through the same rewrite: all of it is a no-op on valid 3.0.
pub fn normalize(file: &str, doc: &mut Value, warnings: &mut Diagnostics) {
    let Value::Object(root) = doc else { return };
    if !root.contains_key("paths") {
        root.insert("paths".to_string(), Value::Object(Map::new()));
    }
    // 3.1 made `responses` optional; `openapiv3` needs the key.
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                let is_method = matches!(
                    method.as_str(),
                    "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
                );
                if let (true, Value::Object(op)) = (is_method, op) {
                    op.entry("responses")
                        .or_insert_with(|| Value::Object(Map::new()));
                }
            }
        }
    }
    let mut path = Vec::new();
    walk(file, doc, &mut path, warnings, false);
}

/// Walks the document; `is_schema` says whether `v` sits in a schema position.
fn walk(
    file: &str,
    v: &mut Value,
    path: &mut Vec<String>,
    warnings: &mut Diagnostics,
    is_schema: bool,
) {
    if is_schema {
        normalize_schema(file, v, path, warnings);
    }
    match v {
        Value::Object(map) => {
            let in_schemas_map = path.len() == 2 && path[0] == "components" && path[1] == "schemas";
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let child_is_schema = in_schemas_map
                    || k == "schema"
                    || (is_schema
                        && matches!(
                            k.as_str(),
                            "items" | "additionalProperties" | "not" | "contains" | "propertyNames"
                        ));
                let child_holds_schemas = is_schema
                    && matches!(
                        k.as_str(),
                        "properties"
                            | "allOf"
                            | "oneOf"
                            | "anyOf"
                            | "patternProperties"
                            | "prefixItems"
                    );
                let Some(child) = map.get_mut(&k) else {
                    continue;
                };
                path.push(k.clone());
                if child_holds_schemas {
                    match child {
                        Value::Object(props) => {
                            for (pk, pv) in props.iter_mut() {
                                path.push(pk.clone());
                                walk(file, pv, path, warnings, true);
                                path.pop();
                            }
                        }
                        Value::Array(items) => {
                            for (i, item) in items.iter_mut().enumerate() {
                                path.push(i.to_string());
                                walk(file, item, path, warnings, true);
                                path.pop();
                            }
                        }
                        _ => {}
                    }
                } else if is_schema
                    && matches!(
                        k.as_str(),
                        "example" | "examples" | "default" | "enum" | "const"
                    )
                {
                    // literal data, not schemas
                } else {
                    walk(file, child, path, warnings, child_is_schema);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                walk(file, item, path, warnings, false);
                path.pop();
            }
        }
        _ => {}
    }
}

fn normalize_schema(file: &str, v: &mut Value, path: &[String], warnings: &mut Diagnostics) {
    let Value::Object(map) = v else { return };
    let warn = |warnings: &mut Diagnostics, message: String| {
        warnings.push(Diagnostic {
            severity: Severity::Warning,
            file: file.to_string(),
            location: Location::Pointer(pointer(path.iter())),
            operation_id: None,
            message,
        })
    };

    // `type: [T, "null"]`
    if let Some(Value::Array(types)) = map.get("type").cloned() {
        let mut nullable = false;
        let mut rest = Vec::new();
        for t in &types {
            match t.as_str() {
                Some("null") => nullable = true,
                Some(s) => rest.push(s.to_string()),
                None => {}
            }
        }
        map.remove("type");
        match rest.len() {
            0 => {}
            1 => {
                map.insert("type".into(), Value::String(rest.remove(0)));
            }
            _ => warn(
                warnings,
                format!(
                    "a schema of several types ({}) is generated as free-form JSON (serde_json::Value)",
                    rest.join(", ")
                ),
            ),
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
    } else if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert("nullable".into(), Value::Bool(true));
    }

    // oneOf/anyOf with a null branch
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            let before = branches.len();
            branches.retain(|b| !is_null_schema(b));
            if branches.len() != before {
                map.insert("nullable".into(), Value::Bool(true));
                let branches = match map.get(key) {
                    Some(Value::Array(b)) => b.clone(),
                    _ => Vec::new(),
                };
                if branches.len() == 1 {
                    map.remove(key);
                    map.insert("allOf".into(), Value::Array(branches));
                } else if branches.is_empty() {
                    map.remove(key);
                }
            }
        }
    }

    if let Some(c) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![c]));
    }
    if let Some(Value::Array(items)) = map.remove("examples") {
        if let (false, Some(first)) = (map.contains_key("example"), items.into_iter().next()) {
            map.insert("example".into(), first);
        }
    }

    for (excl, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(excl).cloned() {
            map.insert(bound.into(), Value::Number(n));
            map.insert(excl.into(), Value::Bool(true));
        }
    }
    // `$ref` with siblings that matter: keep them by wrapping the reference.
    if map.contains_key("$ref")
        && (map.contains_key("nullable")
            || map.contains_key("deprecated")
            || map.contains_key("description"))
        && map.len() > 1
    {
        let reference = map.remove("$ref").unwrap_or(Value::Null);
        let mut only_ref = Map::new();
        only_ref.insert("$ref".into(), reference);
        map.insert("allOf".into(), Value::Array(vec![Value::Object(only_ref)]));
    }
}

fn is_null_schema(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.get("type").and_then(Value::as_str) == Some("null")
                || m.get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.len() == 1 && e[0].is_null())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LoadedSpec, Diagnostics> {
        load_bytes("spec.yaml", text.as_bytes())
    }

    #[test]
    fn flow_style_sequence_of_single_pair_maps_reads_as_list_of_maps() {
        let spec = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a/{x}:\n    get: {\"operationId\": \"a\", \"parameters\": [\"$ref\": \"#/components/parameters/X\", \"$ref\": \"#/components/parameters/Y\"], \"responses\": {\"204\": {\"description\": \"ok\"}}}\ncomponents:\n  parameters:\n    X: {name: x, in: path, required: true, schema: {type: string}}\n    Y: {name: y, in: query, schema: {type: string}}\n",
        )
        .unwrap();
        let params = &spec.raw["paths"]["/a/{x}"]["get"]["parameters"];
        assert_eq!(params.as_array().unwrap().len(), 2);
        assert_eq!(params[1]["$ref"], "#/components/parameters/Y");
    }

    #[test]
    fn refuses_swagger_empty_and_null_with_clear_messages() {
        let e = load("swagger: '2.0'\ninfo: {title: t, version: '1'}\n").unwrap_err();
        assert!(
            e.to_string().contains("Swagger 2.0 is not supported"),
            "{e}"
        );
        let e = load("").unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        let e = load("null\n").unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        let e = load("openapi: 4.0.0\ninfo: {title: t, version: '1'}\n").unwrap_err();
        assert!(e.to_string().contains("\"4.0.0\" is not supported"), "{e}");
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = load("openapi: 3.0.0\ninfo: {title: t\n").unwrap_err();
        let d = &e.items[0];
        assert!(matches!(d.location, Location::LineColumn { .. }), "{e}");
        let e = load_bytes("spec.json", b"{\"openapi\": \"3.0.0\",\n \"info\": }").unwrap_err();
        assert_eq!(
            e.items[0].location,
            Location::LineColumn {
                line: 2,
                column: 10
            }
        );
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        let spec = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {type: [string, 'null']}, y: {oneOf: [{$ref: '#/components/schemas/B'}, {type: 'null'}]}, c: {const: 5}}}\n    B: {type: string}\n",
        )
        .unwrap();
        let x = &spec.raw["components"]["schemas"]["A"]["properties"]["x"];
        assert_eq!(x["type"], "string");
        assert_eq!(x["nullable"], true);
        let y = &spec.raw["components"]["schemas"]["A"]["properties"]["y"];
        assert_eq!(y["nullable"], true);
        assert_eq!(y["allOf"][0]["$ref"], "#/components/schemas/B");
        assert_eq!(
            spec.raw["components"]["schemas"]["A"]["properties"]["c"]["enum"][0],
            5
        );
        // webhook-only documents get empty paths
        assert!(spec.document.paths.paths.is_empty());
    }

    #[test]
    fn semantic_errors_name_a_json_pointer() {
        let e = load("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: {'200': {description: 5}}\n").unwrap_err();
        let d = &e.items[0];
        assert!(
            matches!(&d.location, Location::Pointer(p) if p.starts_with("#/paths/~1a/get")),
            "{e}"
        );
    }
}
