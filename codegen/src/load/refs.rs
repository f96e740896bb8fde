//! `$ref` to any place of the document. Every local reference is read as a JSON pointer
//! (RFC 6901 `~0`/`~1` escapes, URI percent-encoding such as `%20` or `%7B`). A schema
//! that a reference points at outside `components/schemas` (a property, `items`, a
//! response's schema under `paths`, a `$defs` entry) is moved into `components/schemas`
//! under a name made from its place (`#/components/schemas/Disk/properties/filesystem`
//! → `DiskFilesystem`) and a `$ref` to it is left where it was, so lowering only resolves
//! `#/components/schemas/NAME` and the schema becomes one type, however many places use it.
//! Parameters, responses and request bodies referred to under `paths` move into their
//! `components` section the same way.
//! [`super::PointerMap`] records each move: diagnostics about the moved schema name its
//! place in the file. References that point at nothing stay as written (lowering reports
//! them with their place).

use super::{METHODS, PointerMap, percent_decode};
use crate::diagnostics::{parse_pointer, pointer};
use crate::ident;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Keys of a schema whose value is one schema.
const SCHEMA_KEYS: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "additionalItems",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// Keys of a schema whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems"];
/// Keys of a schema whose value maps names to schemas (their keys are names, not
/// keywords).
pub(crate) const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keys holding data (examples, defaults, enum values): a `$ref` there is not a reference,
/// and no keyword is one either. So do extensions (`x-...`).
pub(crate) const DATA: &[&str] = &["example", "examples", "default", "enum", "const"];

/// What a node of the document is, as far as references care.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pos {
    Schema,
    SchemaList,
    SchemaMap,
    /// The rest of OpenAPI: paths, operations, parameters, components.
    Other,
    /// Examples, defaults, extensions: nothing in there is a reference.
    Data,
}

fn child(path: &[String], parent: Pos, key: &str) -> Pos {
    match parent {
        Pos::Data => Pos::Data,
        Pos::SchemaList | Pos::SchemaMap => Pos::Schema,
        Pos::Schema if SCHEMA_KEYS.contains(&key) => Pos::Schema,
        Pos::Schema if SCHEMA_LISTS.contains(&key) => Pos::SchemaList,
        Pos::Schema if SCHEMA_MAPS.contains(&key) => Pos::SchemaMap,
        // `discriminator`, `xml`, `externalDocs`, extensions: no schemas below
        Pos::Schema => Pos::Data,
        Pos::Other if path.len() == 1 && path[0] == "components" && key == "schemas" => {
            Pos::SchemaMap
        }
        Pos::Other if key == "schema" => Pos::Schema,
        Pos::Other if DATA.contains(&key) || key.starts_with("x-") => Pos::Data,
        Pos::Other => Pos::Other,
    }
}

fn item(parent: Pos) -> Pos {
    match parent {
        Pos::SchemaList => Pos::Schema,
        Pos::Other => Pos::Other,
        _ => Pos::Data,
    }
}

/// What the node at `tokens` is.
fn position_of(tokens: &[String]) -> Pos {
    let mut pos = Pos::Other;
    for (i, t) in tokens.iter().enumerate() {
        pos = match pos {
            Pos::SchemaList => Pos::Schema,
            _ => child(&tokens[..i], pos, t),
        };
    }
    pos
}

/// The `components` section a reference at `path` (the object holding the `$ref`) must
/// point into: `schemas` in a schema position, `parameters`, `responses` or
/// `requestBodies` where OpenAPI has those; `None` elsewhere.
fn section_at(path: &[String], pos: Pos) -> Option<&'static str> {
    if pos == Pos::Schema {
        return Some("schemas");
    }
    if pos != Pos::Other {
        return None;
    }
    let last = |n: usize| path.len().checked_sub(n).map(|i| path[i].as_str());
    match (last(3), last(2), last(1)) {
        (Some("components"), Some("parameters"), Some(_)) => Some("parameters"),
        (Some("components"), Some("requestBodies"), Some(_)) => Some("requestBodies"),
        (_, Some("parameters"), Some(i)) if i.parse::<usize>().is_ok() => Some("parameters"),
        (_, Some("responses"), Some(_)) => Some("responses"),
        (_, _, Some("requestBody")) => Some("requestBodies"),
        _ => None,
    }
}

/// Calls `f` with every reference of the document (the `$ref` of schemas and of other
/// OpenAPI objects, and the values of discriminator mappings) and the `components`
/// section it must point into, if any (see [`section_at`]).
fn each_reference(
    v: &mut Value,
    path: &mut Vec<String>,
    pos: Pos,
    f: &mut dyn FnMut(&mut String, Option<&'static str>),
) {
    match v {
        Value::Object(map) => {
            if pos == Pos::Schema {
                if let Some(Value::Object(mapping)) = map
                    .get_mut("discriminator")
                    .and_then(|d| d.get_mut("mapping"))
                {
                    for target in mapping.values_mut() {
                        if let Value::String(s) = target {
                            f(s, Some("schemas"));
                        }
                    }
                }
            }
            let section = section_at(path, pos);
            for (k, child_value) in map.iter_mut() {
                if k == "$ref" && matches!(pos, Pos::Schema | Pos::Other) {
                    if let Value::String(s) = child_value {
                        f(s, section);
                    }
                    continue;
                }
                let child_pos = child(path, pos, k);
                if child_pos == Pos::Data {
                    continue;
                }
                path.push(k.clone());
                each_reference(child_value, path, child_pos, f);
                path.pop();
            }
        }
        Value::Array(items) => {
            let child_pos = item(pos);
            if child_pos == Pos::Data {
                return;
            }
            for (i, x) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                each_reference(x, path, child_pos, f);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The tokens of the place a local reference points at, if something is there: the
/// fragment percent-decoded, or (for a key that holds a `%` itself) as written.
fn target(doc: &Value, reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment);
    [decoded.as_str(), fragment]
        .into_iter()
        .filter(|f| f.is_empty() || f.starts_with('/'))
        .find(|f| doc.pointer(f).is_some())
        .and_then(|f| parse_pointer(&format!("#{f}")))
}

fn at_mut<'v>(mut v: &'v mut Value, tokens: &[String]) -> Option<&'v mut Value> {
    for t in tokens {
        v = match v {
            Value::Object(m) => m.get_mut(t)?,
            Value::Array(a) => a.get_mut(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// Reads every local reference as a pointer and moves what references point at outside
/// their `components` section into it (see the module's documentation); records the moves.
pub(super) fn resolve(doc: &mut Value, moves: &mut PointerMap) {
    if !doc.is_object() {
        return;
    }
    let Plan { mut rewrite, hoist } = plan(doc);
    if hoist.is_empty() && rewrite.is_empty() {
        return;
    }
    let keys = hoisted_names(doc, &hoist);
    // The deepest places first: a place inside another that moves is still where the
    // references say when it moves.
    let mut order: Vec<&Vec<String>> = hoist.keys().collect();
    order.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    for tokens in order {
        let (section, written) = &hoist[tokens];
        let key = &keys[tokens];
        if let Some(reference) = move_into_section(doc, tokens, section, key, moves) {
            for w in written {
                rewrite.insert(w.clone(), reference.clone());
            }
        }
    }
    each_reference(doc, &mut Vec::new(), Pos::Other, &mut |r, _| {
        if let Some(new) = rewrite.get(r.as_str()) {
            *r = new.clone();
        }
    });
}

/// What [`resolve`] does to the references of a document.
struct Plan {
    /// Reference as written → as it is to be written (its canonical pointer).
    rewrite: BTreeMap<String, String>,
    /// Place to move → (the section it moves into, the references to it as written).
    hoist: BTreeMap<Vec<String>, (&'static str, Vec<String>)>,
}

/// Each distinct reference that resolves: its place moves into the section it must point
/// into, or, when it need not move, the reference is written as its canonical pointer.
fn plan(doc: &mut Value) -> Plan {
    // Every distinct reference as written, with the section it must point into.
    let mut written: BTreeSet<(String, Option<&'static str>)> = BTreeSet::new();
    each_reference(doc, &mut Vec::new(), Pos::Other, &mut |r, section| {
        written.insert((r.clone(), section));
    });
    let mut plan = Plan {
        rewrite: BTreeMap::new(),
        hoist: BTreeMap::new(),
    };
    for (reference, section) in written {
        let Some(tokens) = target(doc, &reference) else {
            continue;
        };
        let in_section = |s: &str| tokens.len() == 3 && tokens[0] == "components" && tokens[1] == s;
        let movable = section.filter(|s| {
            !in_section(s) && {
                let pos = position_of(&tokens);
                section_at(&tokens, pos) == Some(s) || (*s == "schemas" && pos == Pos::Schema)
            }
        });
        match movable {
            Some(s) => plan
                .hoist
                .entry(tokens)
                .or_insert_with(|| (s, Vec::new()))
                .1
                .push(reference),
            None if !tokens.is_empty() => {
                let canonical = pointer(&tokens);
                if canonical != reference {
                    plan.rewrite.insert(reference, canonical);
                }
            }
            None => {}
        }
    }
    plan
}

/// The key each place to move gets in its section: made from its place ([`name_for`]),
/// in the order of the places (stable whatever the order of the references), never one
/// the section has already; for schemas, never the Rust name of one.
fn hoisted_names(
    doc: &Value,
    hoist: &BTreeMap<Vec<String>, (&'static str, Vec<String>)>,
) -> BTreeMap<Vec<String>, String> {
    let same = |section: &str, name: &str| {
        if section == "schemas" {
            ident::type_name(name)
        } else {
            name.to_string()
        }
    };
    let mut taken: BTreeSet<(&'static str, String)> = BTreeSet::new();
    for section in ["schemas", "parameters", "responses", "requestBodies"] {
        let existing = doc
            .get("components")
            .and_then(|c| c.get(section))
            .and_then(Value::as_object);
        for k in existing.into_iter().flat_map(|m| m.keys()) {
            taken.insert((section, same(section, k)));
        }
    }
    let mut keys: BTreeMap<Vec<String>, String> = BTreeMap::new();
    // the next number to try per name: many places of one name stay linear
    let mut next: BTreeMap<(&'static str, String), usize> = BTreeMap::new();
    for (tokens, (section, _)) in hoist {
        let base = name_for(doc, tokens);
        let mut name = base.clone();
        let n = next.entry((section, base.clone())).or_insert(2);
        while !taken.insert((section, same(section, &name))) {
            name = format!("{base}{n}");
            *n += 1;
        }
        keys.insert(tokens.clone(), name);
    }
    keys
}

/// Moves the node at `tokens` to `components/<section>/<key>`, leaves a `$ref` to it
/// behind and records the move; the new reference, or `None` when nothing could move (the
/// `components` or the section is not an object, which `openapiv3` refuses anyway).
fn move_into_section(
    doc: &mut Value,
    tokens: &[String],
    section: &'static str,
    key: &str,
    moves: &mut PointerMap,
) -> Option<String> {
    let reference = pointer(["components", section, key]);
    let section_ok = match doc {
        Value::Object(root) => {
            let components = root
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            match components {
                Value::Object(c) => c
                    .entry(section)
                    .or_insert_with(|| Value::Object(Map::new()))
                    .is_object(),
                _ => false,
            }
        }
        _ => false,
    };
    if !section_ok {
        return None;
    }
    let slot = at_mut(doc, tokens)?;
    let mut left = Map::new();
    left.insert("$ref".into(), Value::String(reference.clone()));
    let moved = std::mem::replace(slot, Value::Object(left));
    if let Some(Value::Object(entries)) = doc.get_mut("components").and_then(|c| c.get_mut(section))
    {
        entries.insert(key.to_string(), moved);
    }
    let to: Vec<&str> = tokens.iter().map(String::as_str).collect();
    moves.record(&[], &["components", section, key], &to);
    Some(reference)
}

/// Why a reference that lowering could not resolve does not resolve (loading moved every
/// schema a local reference points at into `components/schemas`): the deepest place of
/// its pointer that exists and the key it lacks, or what else is wrong.
pub(crate) fn why_unresolved(doc: &Value, reference: &str) -> String {
    let Some(fragment) = reference.strip_prefix('#') else {
        return "references to other files are not supported".to_string();
    };
    if let Some(key) = reference.strip_prefix("#/components/schemas/") {
        if !key.contains('/') && doc.pointer(&percent_decode(fragment)).is_none() {
            return "no such schema in components/schemas".to_string();
        }
    }
    let decoded = percent_decode(fragment);
    let Some(tokens) = parse_pointer(&format!("#{decoded}")) else {
        return "the part after # is not a JSON pointer (it starts with #/)".to_string();
    };
    let mut cur = Some(doc);
    for (i, t) in tokens.iter().enumerate() {
        cur = get(cur, t);
        if cur.is_none() {
            return format!(
                "nothing is at that place in this document: {} has no {t:?}",
                pointer(&tokens[..i])
            );
        }
    }
    "what is at that place is not a schema".to_string()
}

/// A type name for the schema at `tokens`, made from its place: the component, schema or
/// operation it belongs to, then each step into it (`properties/filesystem` →
/// `Filesystem`, `items` → `Item`, `additionalProperties` → `Value`, a response →
/// `Response` or `Response404`, a request body → `Body`, a parameter → its name).
fn name_for(doc: &Value, tokens: &[String]) -> String {
    let (mut parts, mut cur, mut i) = name_root(doc, tokens);
    while i < tokens.len() {
        let (part, step) = step_name(&tokens[i], tokens.get(i + 1).map(String::as_str), cur);
        parts.extend(part);
        for t in &tokens[i..(i + step).min(tokens.len())] {
            cur = get(cur, t);
        }
        i += step;
    }
    let name = parts.concat();
    if name.is_empty() {
        "Schema".to_string()
    } else {
        name
    }
}

/// The start of a name: the component's name, the operation's (its operationId, or the
/// method and path) or the path's; with the node reached and how many tokens that took.
fn name_root<'v>(doc: &'v Value, tokens: &[String]) -> (Vec<String>, Option<&'v Value>, usize) {
    let cur = Some(doc);
    let next = tokens.get(1).map(String::as_str);
    match (tokens.first().map(String::as_str), next) {
        (Some("components"), Some(_)) if tokens.len() > 2 => (
            vec![ident::type_name(&tokens[2])],
            get(get(get(cur, &tokens[0]), &tokens[1]), &tokens[2]),
            3,
        ),
        (Some("paths"), Some(path)) => {
            let item = get(get(cur, "paths"), path);
            match tokens.get(2).map(String::as_str) {
                Some(method) if METHODS.contains(&method) => {
                    let op = get(item, method);
                    let id = op
                        .and_then(|o| o.get("operationId"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{method} {path}"));
                    (vec![ident::type_name(&id)], op, 3)
                }
                _ => (vec![ident::type_name(path)], item, 2),
            }
        }
        _ => (Vec::new(), cur, 0),
    }
}

/// The part of a name one step into a schema adds (`t`, with its argument `arg` when
/// the step takes one; `cur` is the node the step starts from), and how many tokens the
/// step is.
fn step_name(t: &str, arg: Option<&str>, cur: Option<&Value>) -> (Option<String>, usize) {
    let part = match (t, arg) {
        (
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas"
            | "headers",
            Some(k),
        ) => ident::type_name(k),
        ("prefixItems", Some(n)) => format!("Item{n}"),
        ("allOf", Some(n)) => format!("Part{}", index_plus_one(n)),
        ("oneOf" | "anyOf", Some(n)) => format!("Variant{}", index_plus_one(n)),
        ("responses", Some("200")) => "Response".to_string(),
        // `404`, `4XX` → `Response404`, `Response4xx` (no `N` after `Response`)
        ("responses", Some(code)) if code.starts_with(|c: char| c.is_ascii_digit()) => {
            let code: String = code
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            format!("Response{code}")
        }
        ("responses", Some(code)) => format!("Response{}", ident::type_name(code)),
        ("parameters", Some(n)) => get(get(cur, t), n)
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .map(ident::type_name)
            .unwrap_or_else(|| format!("Parameter{}", index_plus_one(n))),
        // the media type and `schema` add nothing to the name
        ("content", Some(_)) => return (None, 2),
        _ => {
            let part = match t {
                "items" => Some("Item".to_string()),
                "additionalProperties" => Some("Value".to_string()),
                "requestBody" => Some("Body".to_string()),
                "schema" => None,
                other => Some(ident::type_name(other)),
            };
            return (part, 1);
        }
    };
    (Some(part), 2)
}

fn get<'v>(v: Option<&'v Value>, t: &str) -> Option<&'v Value> {
    match v? {
        Value::Object(m) => m.get(t),
        Value::Array(a) => a.get(t.parse::<usize>().ok()?),
        _ => None,
    }
}

fn index_plus_one(n: &str) -> String {
    n.parse::<usize>()
        .map(|n| (n + 1).to_string())
        .unwrap_or_else(|_| ident::type_name(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resolved(mut doc: Value) -> (Value, PointerMap) {
        let mut moves = PointerMap::default();
        resolve(&mut doc, &mut moves);
        (doc, moves)
    }

    #[test]
    fn a_property_referred_to_moves_into_components_named_after_its_place() {
        let (doc, moves) = resolved(json!({
            "paths": {},
            "components": {"schemas": {
                "Disk": {"type": "object", "properties": {
                    "filesystem": {"type": "object", "properties": {"kind": {"type": "string"}}}
                }},
                "Volume": {"type": "object", "properties": {
                    "fs": {"$ref": "#/components/schemas/Disk/properties/filesystem"}
                }}
            }}
        }));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["DiskFilesystem"]["properties"]["kind"]["type"],
            "string"
        );
        assert_eq!(
            schemas["Disk"]["properties"]["filesystem"]["$ref"],
            "#/components/schemas/DiskFilesystem"
        );
        assert_eq!(
            schemas["Volume"]["properties"]["fs"]["$ref"],
            "#/components/schemas/DiskFilesystem"
        );
        assert_eq!(
            moves.source_pointer("#/components/schemas/DiskFilesystem/properties/kind"),
            "#/components/schemas/Disk/properties/filesystem/properties/kind"
        );
    }

    #[test]
    fn escapes_and_percent_encoding_are_read_and_written_canonically() {
        let (doc, _) = resolved(json!({
            "paths": {"/pets/{id}": {"get": {"operationId": "getPet", "responses": {"200": {
                "content": {"application/json": {"schema": {"type": "object", "properties": {"a~b": {"type": "integer"}}}}}
            }}}}},
            "components": {"schemas": {
                "Pet Name": {"type": "string"},
                "Uses": {"type": "object", "properties": {
                    "name": {"$ref": "#/components/schemas/Pet%20Name"},
                    "body": {"$ref": "#/paths/~1pets~1%7Bid%7D/get/responses/200/content/application~1json/schema"},
                    "ab": {"$ref": "#/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema/properties/a~0b"},
                    "gone": {"$ref": "#/components/schemas/Nope%20Here"}
                }}
            }}
        }));
        let uses = &doc["components"]["schemas"]["Uses"]["properties"];
        assert_eq!(uses["name"]["$ref"], "#/components/schemas/Pet Name");
        assert_eq!(uses["body"]["$ref"], "#/components/schemas/GetPetResponse");
        assert_eq!(uses["ab"]["$ref"], "#/components/schemas/GetPetResponseAB");
        // a reference to nothing stays as written, for lowering to report
        assert_eq!(uses["gone"]["$ref"], "#/components/schemas/Nope%20Here");
        let moved = &doc["components"]["schemas"]["GetPetResponse"];
        assert_eq!(
            moved["properties"]["a~b"]["$ref"],
            "#/components/schemas/GetPetResponseAB"
        );
    }

    #[test]
    fn names_never_take_an_existing_schemas_name_and_refs_in_data_stay() {
        let (doc, _) = resolved(json!({
            "paths": {},
            "components": {"schemas": {
                "disk_filesystem": {"type": "string"},
                "Disk": {"type": "object", "properties": {"filesystem": {"type": "integer"}},
                         "example": {"$ref": "#/components/schemas/Disk/properties/filesystem"}},
                "X": {"type": "array", "items": {"$ref": "#/components/schemas/Disk/properties/filesystem"}}
            }}
        }));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["DiskFilesystem2"]["type"], "integer");
        assert_eq!(
            schemas["Disk"]["example"]["$ref"],
            "#/components/schemas/Disk/properties/filesystem"
        );
        assert_eq!(
            schemas["X"]["items"]["$ref"],
            "#/components/schemas/DiskFilesystem2"
        );
    }

    #[test]
    fn parameters_responses_and_bodies_under_paths_move_into_their_sections() {
        let op = |extra: Value| {
            let mut o = json!({"responses": {"404": {"description": "gone"}}, "parameters": [{"name": "q", "in": "query"}], "requestBody": {"content": {}}});
            o.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            o
        };
        let (doc, moves) = resolved(json!({
            "paths": {
                "/a": {"get": op(json!({"operationId": "getA"}))},
                "/b": {"get": {
                    "parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}],
                    "requestBody": {"$ref": "#/paths/~1a/get/requestBody"},
                    "responses": {"404": {"$ref": "#/paths/~1a/get/responses/404"}}
                }}
            },
            "components": {"parameters": {"GetAQ": {"name": "taken", "in": "query"}}}
        }));
        let b = &doc["paths"]["/b"]["get"];
        assert_eq!(b["parameters"][0]["$ref"], "#/components/parameters/GetAQ2");
        assert_eq!(
            b["requestBody"]["$ref"],
            "#/components/requestBodies/GetABody"
        );
        assert_eq!(
            b["responses"]["404"]["$ref"],
            "#/components/responses/GetAResponse404"
        );
        assert_eq!(doc["components"]["parameters"]["GetAQ2"]["name"], "q");
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["$ref"],
            "#/components/parameters/GetAQ2"
        );
        assert_eq!(
            moves.source_pointer("#/components/responses/GetAResponse404/description"),
            "#/paths/~1a/get/responses/404/description"
        );
    }

    #[test]
    fn positions_follow_the_schema_keywords() {
        let p = |s: &str| position_of(&parse_pointer(s).unwrap());
        assert_eq!(p("#/components/schemas/A"), Pos::Schema);
        assert_eq!(p("#/components/schemas/A/properties/x/items"), Pos::Schema);
        assert_eq!(p("#/components/schemas/A/oneOf/1"), Pos::Schema);
        assert_eq!(p("#/components/schemas/A/$defs/B"), Pos::Schema);
        assert_eq!(
            p("#/paths/~1a/get/responses/200/content/application~1json/schema"),
            Pos::Schema
        );
        assert_eq!(p("#/paths/~1a/get/parameters/0/schema"), Pos::Schema);
        assert_eq!(p("#/paths/~1a/get/parameters/0"), Pos::Other);
        assert_eq!(p("#/info"), Pos::Other);
        assert_eq!(p("#/components/schemas/A/example"), Pos::Data);
        assert_eq!(p("#/components/schemas/A/properties"), Pos::SchemaMap);
    }
}
