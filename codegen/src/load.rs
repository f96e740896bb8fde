//! Stage 1: read a spec file (YAML or JSON, OpenAPI 3.0 or 3.1) into an
//! [`openapiv3::OpenAPI`] document.
//!
//! `openapiv3` understands 3.0 shapes only, so 3.1 forms are rewritten to their 3.0
//! equivalent first (see [`normalize`]; boolean schemas and `prefixItems` in the
//! `json_schema` module). Before that, every local `$ref` is read as a JSON pointer and
//! what it points at outside `components` is moved there (the `refs` module). The rewrite moves some nodes (`anyOf: [{type:
//! 'null'}, X]` becomes `allOf: [X]`); [`LoadedSpec::source_pointer`] translates a pointer
//! into the rewritten document back to the place in the file. Gcore's quirks (3.0-style
//! `nullable` inside a 3.1 document, JSON-like flow-style YAML) read as they are.
//!
//! # Bounds
//!
//! No input can make loading overflow the stack or exhaust memory. Every bound is checked
//! while the text is read, before anything bigger than the text exists, and the error names
//! the bound, the input's size and the place (line:column):
//!
//! | bound                       | value                | why                                        |
//! |-----------------------------|----------------------|--------------------------------------------|
//! | [`MAX_BYTES`]               | 64 MiB of input      | ~6× GitHub's and Stripe's public specs     |
//! | [`MAX_DEPTH`]               | 100 levels           | real specs nest < 40; below the parsers' 128 |
//! | [`MAX_NODES`]               | 4,000,000 values     | GitHub's spec (~10 MB JSON) has ~1.5M      |
//! | [`MAX_ALIAS_EXPANSION`]     | 10× the input        | YAML aliases may repeat, not explode, text |
//!
//! The expanded size counts one byte per value plus the text of every string and key: a
//! document without aliases is never bigger than its file, so only alias amplification
//! ("billion laughs", or a large anchor reused thousands of times) can reach the bound.
//! serde_yaml also refuses more than 100 alias expansions per YAML event; that error is
//! located here too. Within these bounds the costliest document (4 million values, half of
//! them one-entry objects) takes under 2 GB and 2 s to load (release build).
//!
//! # Errors
//!
//! Syntax errors and bounds carry line:column. When the document does not have the shape
//! `openapiv3` reads, each operation's parameters, request body and responses, the rest of
//! each operation and path item, and each component are checked on their own (`openapiv3`
//! stops at the first problem and its flattened maps hide where it is), and independent
//! problems (unknown parameter locations and `type`s, dangling local
//! `$ref`s, duplicate operationIds) are collected beside them, so one file reports all of
//! them at once, each with its JSON pointer into the file.

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity, parse_pointer, pointer};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;

mod json_schema;
pub use json_schema::MAX_TUPLE;
pub(crate) mod refs;
pub(crate) use refs::why_unresolved;

/// Largest file accepted, in bytes (64 MiB). The biggest public OpenAPI descriptions
/// (GitHub's, Stripe's) are about 10 MB of JSON.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Deepest nesting accepted (objects and lists, the top-level object is level 1); deeper
/// input is refused while it is read, not recursed into. Real specs nest well under 40
/// levels; the bound stays below the 128 levels at which `serde_json` and `serde_yaml`
/// stop on their own with a message that names no bound.
pub const MAX_DEPTH: usize = 100;
/// Most values (objects, lists, strings, numbers, booleans, nulls; keys are not counted)
/// a document may have once YAML aliases are expanded. GitHub's public spec, the largest
/// we know, has about 1.5 million.
pub const MAX_NODES: usize = 4_000_000;
/// YAML aliases may expand a document to at most this many times its file's size (but
/// always to [`MIN_EXPANSION_ALLOWANCE`] and never beyond [`MAX_BYTES`]). The expanded
/// size counts one byte per value plus the bytes of every string and key.
pub const MAX_ALIAS_EXPANSION: usize = 10;
/// Expanded size every document may reach, however small its file (64 KiB).
pub const MIN_EXPANSION_ALLOWANCE: usize = 64 * 1024;

/// A loaded, normalised document and facts about its source.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Name used in diagnostics and in generated headers (the path as given).
    pub file: String,
    /// sha256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// The `openapi` field as written (`3.1.0`).
    pub openapi_version: String,
    /// The document after 3.1 → 3.0 normalisation, as JSON. Pointers into it name places
    /// in the rewritten document: [`LoadedSpec::source_pointer`] maps them to the file.
    pub raw: Value,
    pub document: openapiv3::OpenAPI,
    /// Problems that did not stop loading; their pointers name places in the file.
    pub warnings: Diagnostics,
    /// Schemas that are tuples (`prefixItems` and no further items; see the `json_schema`
    /// module), by their pointer into [`LoadedSpec::raw`]: the schemas of the elements, in
    /// order. `openapiv3` does not read `prefixItems`.
    pub tuples: BTreeMap<String, Vec<openapiv3::ReferenceOr<openapiv3::Schema>>>,
    /// How normalisation moved nodes.
    moves: PointerMap,
}

impl LoadedSpec {
    /// Translates a JSON pointer into [`LoadedSpec::raw`] (the normalised document) to the
    /// pointer of the same node in the file as written:
    /// `#/components/schemas/X/allOf/0` → `#/components/schemas/X/anyOf/1` when the file
    /// says `anyOf: [{type: 'null'}, {$ref: …}]`. Pointers normalisation did not move, and
    /// text that is not a pointer, come back unchanged.
    pub fn source_pointer(&self, normalised: &str) -> String {
        self.moves.source_pointer(normalised)
    }

    /// [`LoadedSpec::source_pointer`] for a diagnostic's location; other locations are
    /// returned as they are.
    pub fn source_location(&self, location: &Location) -> Location {
        match location {
            Location::Pointer(p) => Location::Pointer(self.source_pointer(p)),
            other => other.clone(),
        }
    }
}

/// Where normalisation ([`normalize`]) moved nodes: from a place in the rewritten document
/// to the place in the source document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointerMap {
    /// Rewritten prefix → the source prefix and the length of the schema's own pointer (the
    /// part both share, still in rewritten coordinates for the schema's ancestors).
    moves: BTreeMap<Vec<String>, (Vec<String>, usize)>,
}

impl PointerMap {
    /// Maps a `#/…` pointer into the normalised document to the source document.
    pub fn source_pointer(&self, normalised: &str) -> String {
        match parse_pointer(normalised) {
            Some(tokens) if !self.moves.is_empty() => pointer(self.source_tokens(tokens)),
            _ => normalised.to_string(),
        }
    }

    fn source_tokens(&self, mut tokens: Vec<String>) -> Vec<String> {
        // The deepest move first: it is written in the rewritten coordinates of its
        // ancestors, which the moves of enclosing schemas then translate.
        let mut len = tokens.len();
        while len > 0 {
            if let Some((source, schema_len)) = self.moves.get(&tokens[..len]) {
                tokens.splice(..len, source.iter().cloned());
                len = *schema_len;
            } else {
                len -= 1;
            }
        }
        tokens
    }

    /// Records that `schema + from` in the rewritten document is `schema + to` in the source.
    fn record(&mut self, schema: &[String], from: &[&str], to: &[&str]) {
        let join = |tail: &[&str]| -> Vec<String> {
            schema
                .iter()
                .cloned()
                .chain(tail.iter().map(|t| t.to_string()))
                .collect()
        };
        self.moves.insert(join(from), (join(to), schema.len()));
    }
}

/// Reads and loads a spec file.
pub fn load_file(path: &Path) -> Result<LoadedSpec, Diagnostics> {
    load_file_as(path, &path.display().to_string())
}

/// Reads and loads a spec file, naming it `shown` in diagnostics.
pub fn load_file_as(path: &Path, shown: &str) -> Result<LoadedSpec, Diagnostics> {
    let file = shown.to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostics::single(error(
            &file,
            Location::Document,
            format!("cannot read the file: {e}"),
        ))
    })?;
    load_bytes(&file, &bytes)
}

fn error(file: &str, location: Location, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: file.to_string(),
        location,
        operation_id: None,
        message,
    }
}

/// Loads a spec from bytes; `file` names it in diagnostics.
pub fn load_bytes(file: &str, bytes: &[u8]) -> Result<LoadedSpec, Diagnostics> {
    let mut raw = parse_document(file, bytes)?;
    let sha256 = hex(&Sha256::digest(bytes));
    let openapi_version = check_version(file, &raw)?;
    let mut warnings = Diagnostics::default();
    let mut moves = PointerMap::default();
    refs::resolve(&mut raw, &mut moves);
    let mut tuple_paths = Vec::new();
    normalize_into(file, &mut raw, &mut warnings, &mut moves, &mut tuple_paths);
    let (tuples, tuple_errors) = read_tuples(file, &raw, &moves, &tuple_paths);

    // `openapiv3` knows no `mutualTLS` security scheme (3.1): it reads the document
    // without them; `raw` keeps them, and lowering warns that they are not sent.
    let schemes = raw
        .pointer_mut("/components/securitySchemes")
        .map(Value::take);
    if let Some(Value::Object(all)) = &schemes {
        let known = all
            .iter()
            .filter(|(_, v)| v.get("type").and_then(Value::as_str) != Some("mutualTLS"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(slot) = raw.pointer_mut("/components/securitySchemes") {
            *slot = Value::Object(known);
        }
    }
    // Without the path first: tracking it costs a seventh of this step on a valid document
    // (5,000 operations: 139 -> 120 ms); only a document that fails is read again for it.
    let parsed = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&raw)
        .or_else(|_| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw));
    if let (Some(all), Some(slot)) = (schemes, raw.pointer_mut("/components/securitySchemes")) {
        *slot = all;
    }
    match parsed {
        Ok(_) if tuple_errors.has_errors() => Err(tuple_errors),
        Ok(document) => Ok(LoadedSpec {
            file: file.to_string(),
            sha256,
            openapi_version,
            raw,
            document,
            warnings,
            tuples,
            moves,
        }),
        Err(e) => {
            let mut all = structure_errors(file, &raw, &moves, &e);
            all.items.extend(tuple_errors.items);
            Err(all)
        }
    }
}

/// The element schemas of each tuple (`openapiv3` does not read `prefixItems`), and an
/// error for each element that is not a schema.
fn read_tuples(
    file: &str,
    raw: &Value,
    moves: &PointerMap,
    paths: &[Vec<String>],
) -> (
    BTreeMap<String, Vec<openapiv3::ReferenceOr<openapiv3::Schema>>>,
    Diagnostics,
) {
    let mut tuples = BTreeMap::new();
    let mut errors = Diagnostics::default();
    for path in paths {
        let at = pointer(path);
        let Some(Value::Array(items)) = raw
            .pointer(&at[1..])
            .and_then(|schema| schema.get("prefixItems"))
        else {
            continue;
        };
        let mut elements = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match serde_path_to_error::deserialize::<_, openapiv3::ReferenceOr<openapiv3::Schema>>(
                item,
            ) {
                Ok(schema) => elements.push(schema),
                Err(e) => {
                    let mut tokens = path.clone();
                    tokens.extend(["prefixItems".to_string(), i.to_string()]);
                    tokens.extend(path_tokens(e.path()));
                    errors.push(Diagnostic {
                        severity: Severity::Error,
                        file: file.to_string(),
                        operation_id: operation_at(raw, &tokens),
                        location: Location::Pointer(pointer(moves.source_tokens(tokens))),
                        message: e.inner().to_string(),
                    });
                }
            }
        }
        if elements.len() == items.len() {
            tuples.insert(at, elements);
        }
    }
    (tuples, errors)
}

/// Parses a file's text (YAML or JSON) into JSON, as written: no OpenAPI checks, no
/// normalisation. Every bound of this module applies; errors carry line:column.
pub fn parse_document(file: &str, bytes: &[u8]) -> Result<Value, Diagnostics> {
    if bytes.len() > MAX_BYTES {
        return Err(Diagnostics::single(error(
            file,
            Location::Document,
            format!(
                "the document is {} bytes; the limit is {MAX_BYTES} bytes (64 MiB)",
                bytes.len()
            ),
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        Diagnostics::single(error(
            file,
            Location::LineColumn { line, column },
            "the file is not valid UTF-8".to_string(),
        ))
    })?;
    parse_text(text)
        .map_err(|(location, message)| Diagnostics::single(error(file, location, message)))
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

// ---------------------------------------------------------------------------------------
// Text → JSON, bounded

/// JSON when the first significant character is `{` or `[` (some JSON is not valid YAML),
/// YAML otherwise.
fn parse_text(text: &str) -> Result<Value, (Location, String)> {
    let trimmed = text.trim_start_matches('\u{feff}');
    if trimmed.trim_start().starts_with(['{', '[']) {
        parse_json(trimmed)
    } else {
        parse_yaml(trimmed)
    }
}

fn parse_json(text: &str) -> Result<Value, (Location, String)> {
    let budget = Budget::new(false, text.len(), None);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Node::root(&budget)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    parsed.map_err(|e| {
        let mut message = match budget.failure.take() {
            Some(ours) => ours,
            None => format!("invalid JSON: {e}"),
        };
        let (line, column) = (e.line(), e.column());
        let location = match (line, column) {
            (0, _) => Location::Document,
            // serde_json's column 0 is the line break ending the line before
            (1, 0) => Location::LineColumn { line: 1, column: 1 },
            (line, 0) => {
                let before = text.lines().nth(line - 2).unwrap_or("");
                let at = (line - 1, before.chars().count() + 1);
                message = message.replace(
                    &format!(" at line {line} column 0"),
                    &format!(" at line {} column {}", at.0, at.1),
                );
                Location::LineColumn {
                    line: at.0,
                    column: at.1,
                }
            }
            (line, column) => Location::LineColumn { line, column },
        };
        (location, message)
    })
}

fn parse_yaml(text: &str) -> Result<Value, (Location, String)> {
    let yaml_location = |e: &serde_yaml::Error| match e.location() {
        Some(l) => Location::LineColumn {
            line: l.line(),
            column: l.column(),
        },
        None => Location::Document,
    };
    let budget = Budget::new(true, text.len(), None);
    let e = match Node::root(&budget).deserialize(serde_yaml::Deserializer::from_str(text)) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    if let Some(ours) = budget.failure.take() {
        return Err((yaml_location(&e), ours));
    }
    let shown = e.to_string();
    if e.location().is_none() && shown == "repetition limit exceeded" {
        // serde_yaml names no place: read again and stop at the last value the first
        // reading reached, where the parser's error carries the line and column.
        let reached = budget.nodes.get().max(1);
        let again = Budget::new(true, text.len(), Some(reached));
        let location =
            match Node::root(&again).deserialize(serde_yaml::Deserializer::from_str(text)) {
                Err(e) if again.failure.take().is_some() => yaml_location(&e),
                _ => Location::Document,
            };
        return Err((
            location,
            format!(
                "invalid YAML: aliases repeat content more often than the YAML parser allows \
                 (serde_yaml's bound: 100 alias expansions per YAML event of the file); this \
                 {}-byte file had expanded to {reached} values when it stopped here, \
                 repeating this part for an alias",
                text.len()
            ),
        ));
    }
    if e.location().is_none() && shown.contains("more than one document") {
        return Err((
            second_document(text),
            "invalid YAML: the file holds more than one YAML document (the second one's first \
             value is here); an OpenAPI description is a single document"
                .to_string(),
        ));
    }
    Err((yaml_location(&e), format!("invalid YAML: {e}")))
}

/// Where the second document of a multi-document YAML stream starts: the place of its
/// first value, found by reading it and stopping there.
fn second_document(text: &str) -> Location {
    let Some(second) = serde_yaml::Deserializer::from_str(text).nth(1) else {
        return Location::Document;
    };
    let budget = Budget::new(true, text.len(), Some(1));
    match Node::root(&budget).deserialize(second) {
        Err(e) => match e.location() {
            Some(l) => Location::LineColumn {
                line: l.line(),
                column: l.column(),
            },
            None => Location::Document,
        },
        Ok(_) => Location::Document,
    }
}

/// What reading a document has used so far, and the bounds it may not pass.
struct Budget {
    yaml: bool,
    input_len: usize,
    max_size: usize,
    nodes: Cell<usize>,
    size: Cell<usize>,
    /// Fail at this value (to locate an error the parser reports without a place).
    stop_at: Option<usize>,
    /// The message of a bound or check of ours that stopped the reading; the parser's
    /// error then only supplies the place.
    failure: RefCell<Option<String>>,
}

impl Budget {
    fn new(yaml: bool, input_len: usize, stop_at: Option<usize>) -> Self {
        let max_size = input_len
            .saturating_mul(MAX_ALIAS_EXPANSION)
            .clamp(MIN_EXPANSION_ALLOWANCE, MAX_BYTES);
        Budget {
            yaml,
            input_len,
            max_size,
            nodes: Cell::new(0),
            size: Cell::new(0),
            stop_at,
            failure: RefCell::new(None),
        }
    }

    fn fail<E: de::Error>(&self, message: String) -> E {
        let error = E::custom(&message);
        *self.failure.borrow_mut() = Some(message);
        error
    }

    /// Accounts for `nodes` values of `size` expanded bytes.
    fn take<E: de::Error>(&self, nodes: usize, size: usize) -> Result<(), E> {
        let count = self.nodes.get() + nodes;
        self.nodes.set(count);
        if nodes > 0 && self.stop_at == Some(count) {
            return Err(self.fail("stopped to locate the parser's error".to_string()));
        }
        if count > MAX_NODES {
            let aliases = if self.yaml {
                " (counting what YAML aliases repeat)"
            } else {
                ""
            };
            return Err(self.fail(format!(
                "the document has more than {MAX_NODES} values{aliases}, the bound on a \
                 document's size (GitHub's public spec, about 10 MB, has 1.5 million); this \
                 file is {} bytes; reading stopped here",
                self.input_len
            )));
        }
        let size = self.size.get().saturating_add(size);
        self.size.set(size);
        if size > self.max_size {
            return Err(self.fail(format!(
                "YAML aliases expand this {}-byte file to more than {} bytes; the bound on \
                 expansion is {MAX_ALIAS_EXPANSION} times the file's size (at least \
                 {MIN_EXPANSION_ALLOWANCE}, at most {MAX_BYTES} bytes), so that aliases \
                 cannot multiply the work; reading stopped here, repeating this part for an \
                 alias",
                self.input_len, self.max_size
            )));
        }
        Ok(())
    }
}

/// Builds one JSON value from the parser's events (YAML or JSON), within the budget.
#[derive(Clone, Copy)]
struct Node<'b> {
    budget: &'b Budget,
    depth: usize,
}

impl<'b> Node<'b> {
    fn root(budget: &'b Budget) -> Self {
        Node { budget, depth: 0 }
    }

    fn enter<E: de::Error>(self) -> Result<Node<'b>, E> {
        if self.depth >= MAX_DEPTH {
            return Err(self.budget.fail(format!(
                "the document nests deeper than {MAX_DEPTH} levels, the bound on nesting; \
                 reading stopped here"
            )));
        }
        self.budget.take(1, 1)?;
        Ok(Node {
            budget: self.budget,
            depth: self.depth + 1,
        })
    }

    fn scalar<E: de::Error>(self, value: Value) -> Result<Value, E> {
        let text = match &value {
            Value::String(s) => s.len(),
            _ => 0,
        };
        self.budget.take(1, 1 + text)?;
        Ok(value)
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.scalar(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.scalar(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.scalar(Value::from(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        match serde_json::Number::from_f64(v) {
            Some(n) => self.scalar(Value::Number(n)),
            None => Err(self.budget.fail(format!(
                "the number {} cannot be represented in JSON",
                float_text(v)
            ))),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.scalar(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.scalar(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.scalar(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.scalar(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let child = self.enter()?;
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(child)? {
            out.push(item);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let child = self.enter()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key {
            budget: self.budget,
            existing: &out,
        })? {
            let value = map.next_value_seed(child)?;
            out.insert(key, value);
        }
        // exactly as big as it is: a map grown entry by entry keeps room for more
        Ok(Value::Object(out.into_iter().collect()))
    }
    /// A YAML tag (`!foo value`): the tag is dropped, the value kept.
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (IgnoredAny, content) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(content, self)
    }
}

fn float_text(v: f64) -> String {
    if v.is_nan() {
        ".nan".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else {
        serde_json::Number::from_f64(v)
            .map(|n| n.to_string())
            .unwrap_or_else(|| v.to_string())
    }
}

/// Reads a mapping key as a string (`200:` → `"200"`) and refuses duplicates, which
/// serde would otherwise let the last one win silently.
struct Key<'a> {
    budget: &'a Budget,
    existing: &'a Map<String, Value>,
}

impl Key<'_> {
    fn accept<E: de::Error>(self, key: String) -> Result<String, E> {
        self.budget.take(0, key.len() + 1)?;
        if self.existing.contains_key(&key) {
            let (format, container) = if self.budget.yaml {
                ("YAML", " mapping")
            } else {
                ("JSON", "n object")
            };
            return Err(self.budget.fail(format!(
                "invalid {format}: duplicate key {key:?}: a{container} may name each key once \
                 (otherwise the last one would win silently)"
            )));
        }
        Ok(key)
    }
    fn not_scalar<E: de::Error>(self, found: &str) -> E {
        self.budget.fail(format!(
            "a mapping key must be a plain scalar (text, a number or a boolean), found {found}"
        ))
    }
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.accept(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.accept(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.accept(v.to_string())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        self.accept(v.to_string())
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        self.accept(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.accept(float_text(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.accept(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        self.accept(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.accept("null".to_string())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        self.accept("null".to_string())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self.not_scalar("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(self.not_scalar("a mapping"))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        let (IgnoredAny, content) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(content, self)
    }
}

// ---------------------------------------------------------------------------------------
// OpenAPI version

fn check_version(file: &str, raw: &Value) -> Result<String, Diagnostics> {
    let err =
        |location: Location, message: String| Diagnostics::single(error(file, location, message));
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

// ---------------------------------------------------------------------------------------
// Structure errors: everything found at once

/// HTTP methods a path item can hold.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One problem with the document's shape, its pointer into the normalised document as
/// tokens.
struct ShapeProblem {
    tokens: Vec<String>,
    message: String,
    /// A parameter's `in`: `openapiv3` reports the same problem at the same place.
    parameter_location: bool,
}

/// The document does not have the shape `openapiv3` reads (`whole` is its error): find
/// such problems part by part, and the independent problems beside them; all of it in
/// document order, pointing into the file.
fn structure_errors(
    file: &str,
    raw: &Value,
    moves: &PointerMap,
    whole: &serde_path_to_error::Error<serde_json::Error>,
) -> Diagnostics {
    let mut found = shape_errors(raw);
    if found.is_empty() {
        found.push(ShapeProblem {
            tokens: path_tokens(whole.path()),
            message: whole.inner().to_string(),
            parameter_location: false,
        });
    }
    let shape_pointers: HashSet<Vec<String>> = found.iter().map(|f| f.tokens.clone()).collect();
    found.extend(
        independent_problems(raw)
            .into_iter()
            .filter(|f| !(f.parameter_location && shape_pointers.contains(&f.tokens))),
    );
    // stable: at one place, the shape error first
    found.sort_by_cached_key(|f| document_position(raw, &f.tokens));
    let mut out = Diagnostics::default();
    for f in found {
        out.push(Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            operation_id: operation_at(raw, &f.tokens),
            location: Location::Pointer(pointer(moves.source_tokens(f.tokens))),
            message: f.message,
        });
    }
    out
}

/// `openapiv3` on each part of the document on its own: its flattened maps and untagged
/// enums hide the path below them, and it stops at the first problem.
fn shape_errors(raw: &Value) -> Vec<ShapeProblem> {
    use openapiv3::{ExternalDocumentation, Info, SecurityRequirement, Server, Tag};
    let tokens = |parts: &[&str]| parts.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut out = Vec::new();
    let Value::Object(root) = raw else {
        return out;
    };
    for (key, v) in root {
        match key.as_str() {
            "info" => probe::<Info>(v, tokens(&["info"]), &mut out),
            "externalDocs" => {
                probe::<ExternalDocumentation>(v, tokens(&["externalDocs"]), &mut out)
            }
            "servers" => probe_each::<Server>(v, key, &mut out),
            "security" => probe_each::<SecurityRequirement>(v, key, &mut out),
            "tags" => probe_each::<Tag>(v, key, &mut out),
            "paths" => {
                let Value::Object(paths) = v else { continue };
                for (path, item) in paths.iter().filter(|(k, _)| !k.starts_with("x-")) {
                    probe_path_item(path, item, &mut out);
                }
            }
            "components" => {
                let Value::Object(components) = v else {
                    continue;
                };
                probe_components(components, &mut out);
            }
            _ => {}
        }
    }
    out
}

/// `openapiv3` reading `v` as a `T`; its problem, if any, with its place under `base`.
fn probe<T: serde::de::DeserializeOwned>(
    v: &Value,
    base: Vec<String>,
    out: &mut Vec<ShapeProblem>,
) {
    // `ReferenceOr` hides paths too: a `$ref` is checked on its own.
    if v.get("$ref").is_some() {
        return;
    }
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(v) {
        let mut tokens = base;
        tokens.extend(path_tokens(e.path()));
        out.push(ShapeProblem {
            tokens,
            message: e.inner().to_string(),
            parameter_location: false,
        });
    }
}

/// Probes each item of the list at the top-level `key` (the whole list when it is not one).
fn probe_each<T: serde::de::DeserializeOwned>(v: &Value, key: &str, out: &mut Vec<ShapeProblem>) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                probe::<T>(item, vec![key.to_string(), i.to_string()], out);
            }
        }
        _ => probe::<Vec<T>>(v, vec![key.to_string()], out),
    }
}

/// Probes each parameter of a `parameters` list; false when `v` is not a list.
fn probe_parameters(v: &Value, base: Vec<String>, out: &mut Vec<ShapeProblem>) -> bool {
    let (Some("parameters"), Value::Array(items)) = (base.last().map(String::as_str), v) else {
        return false;
    };
    for (i, item) in items.iter().enumerate() {
        let mut at = base.clone();
        at.push(i.to_string());
        // (as `ReferenceOr`, like `openapiv3` reads it: the problem is the parameter's)
        probe::<openapiv3::ReferenceOr<openapiv3::Parameter>>(item, at, out);
    }
    true
}

/// Each operation and parameter of a path item on its own, then the rest of the item.
fn probe_path_item(path: &str, item: &Value, out: &mut Vec<ShapeProblem>) {
    let item_tokens = vec!["paths".to_string(), path.to_string()];
    let Value::Object(item) = item else {
        return probe::<openapiv3::PathItem>(item, item_tokens, out);
    };
    let mut rest = Map::new();
    for (k, op) in item {
        let mut base = item_tokens.clone();
        base.push(k.clone());
        if METHODS.contains(&k.as_str()) {
            probe_operation(op, base, out);
        } else if !probe_parameters(op, base, out) {
            rest.insert(k.clone(), op.clone());
        }
    }
    probe::<openapiv3::PathItem>(&Value::Object(rest), item_tokens, out);
}

/// Parameters, request body and responses on their own, then the rest of the operation.
fn probe_operation(v: &Value, base: Vec<String>, out: &mut Vec<ShapeProblem>) {
    use openapiv3::{Operation, RequestBody, Responses};
    let Value::Object(op) = v else {
        return probe::<Operation>(v, base, out);
    };
    let mut rest = Map::new();
    for (k, part) in op {
        let mut at = base.clone();
        at.push(k.clone());
        match k.as_str() {
            "parameters" if probe_parameters(part, at.clone(), out) => {}
            "requestBody" => probe::<RequestBody>(part, at, out),
            "responses" => {
                probe::<Responses>(part, at, out);
                rest.insert(k.clone(), Value::Object(Map::new()));
            }
            _ => {
                rest.insert(k.clone(), part.clone());
            }
        }
    }
    probe::<Operation>(&Value::Object(rest), base, out);
}

/// Each entry of each `components` section `openapiv3` reads, as that section's type.
fn probe_components(components: &Map<String, Value>, out: &mut Vec<ShapeProblem>) {
    use openapiv3::{Example, Header, Parameter, RequestBody, Response, Schema, SecurityScheme};
    for (section, items) in components {
        let Value::Object(items) = items else {
            continue;
        };
        for (k, v) in items {
            let base = vec!["components".to_string(), section.clone(), k.clone()];
            match section.as_str() {
                "schemas" => probe::<Schema>(v, base, out),
                "parameters" => probe::<Parameter>(v, base, out),
                "responses" => probe::<Response>(v, base, out),
                "requestBodies" => probe::<RequestBody>(v, base, out),
                "headers" => probe::<Header>(v, base, out),
                "examples" => probe::<Example>(v, base, out),
                "securitySchemes" => probe::<SecurityScheme>(v, base, out),
                _ => {}
            }
        }
    }
}

/// Problems `openapiv3` does not see or stops before: unknown parameter locations,
/// unknown `type`s, local `$ref`s to nothing and references to other files, duplicate
/// operationIds. Found in one walk over the (normalised) document.
fn independent_problems(raw: &Value) -> Vec<ShapeProblem> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    check_node(raw, raw, &mut path, Position::Other, &mut out);

    // duplicate operationIds, in document order
    let mut first: HashMap<&str, String> = HashMap::new();
    if let Some(Value::Object(paths)) = raw.get("paths") {
        for (p, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter().filter(|(m, _)| METHODS.contains(&m.as_str())) {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let here = vec!["paths".to_string(), p.clone(), method.clone()];
                match first.get(id) {
                    Some(at) => out.push(ShapeProblem {
                        tokens: [here, vec!["operationId".to_string()]].concat(),
                        message: format!("duplicate operationId {id:?}; first used at {at}"),
                        parameter_location: false,
                    }),
                    None => {
                        first.insert(id, pointer(&here));
                    }
                }
            }
        }
    }
    out
}

/// What a node is, as far as the checks care.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    Schema,
    /// A map or list of schemas (`properties`, `allOf`).
    Schemas,
    Parameter,
    Parameters,
    /// Example data, defaults, enum values: not OpenAPI.
    Literal,
    Other,
}

fn child_position(path: &[String], parent: Position, key: &str) -> Position {
    match parent {
        Position::Literal => Position::Literal,
        Position::Schemas => Position::Schema,
        Position::Parameters => Position::Parameter,
        Position::Schema => match key {
            "properties" | "allOf" | "oneOf" | "anyOf" | "patternProperties" | "prefixItems" => {
                Position::Schemas
            }
            "items" | "additionalProperties" | "not" | "contains" | "propertyNames" => {
                Position::Schema
            }
            "example" | "examples" | "default" | "enum" | "const" => Position::Literal,
            _ => Position::Other,
        },
        Position::Parameter | Position::Other => {
            let grandparent = path.len().checked_sub(2).map(|i| path[i].as_str());
            let at = |p: &[&str]| path.len() == p.len() && path.iter().zip(p).all(|(a, b)| a == b);
            let in_paths = path.first().map(String::as_str) == Some("paths");
            if at(&["components", "schemas"]) {
                Position::Schema
            } else if key.starts_with("x-") {
                // extensions hold anything
                Position::Literal
            } else if key == "schema" {
                Position::Schema
            } else if key == "example" || (key == "value" && grandparent == Some("examples")) {
                Position::Literal
            } else if key == "parameters"
                && ((in_paths
                    && (path.len() == 2 || path.len() == 3 && METHODS.contains(&path[2].as_str())))
                    || at(&["components"]))
            {
                Position::Parameters
            } else {
                Position::Other
            }
        }
    }
}

fn check_node(
    root: &Value,
    v: &Value,
    path: &mut Vec<String>,
    position: Position,
    out: &mut Vec<ShapeProblem>,
) {
    if position == Position::Literal {
        return;
    }
    if let Value::Object(map) = v {
        if let Some(Value::String(reference)) = map.get("$ref") {
            if let Some(why) = unresolved(root, reference) {
                out.push(ShapeProblem {
                    tokens: path.clone(),
                    message: format!("cannot resolve $ref {reference:?}: {why}"),
                    parameter_location: false,
                });
            }
        } else if position == Position::Parameter {
            match map.get("in") {
                Some(Value::String(s)) if ["query", "header", "path", "cookie"].contains(&s.as_str()) => {}
                Some(other) => out.push(ShapeProblem {
                    tokens: path.clone(),
                    message: format!(
                        "unknown parameter location `in: {}`; expected one of query, header, path, cookie",
                        other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string())
                    ),
                    parameter_location: true,
                }),
                None => out.push(ShapeProblem {
                    tokens: path.clone(),
                    message: "a parameter needs `in` (query, header, path or cookie)".to_string(),
                    parameter_location: true,
                }),
            }
        }
        if position == Position::Schema {
            if let Some(Value::String(t)) = map.get("type") {
                if ![
                    "string", "integer", "number", "boolean", "array", "object", "null",
                ]
                .contains(&t.as_str())
                {
                    out.push(ShapeProblem {
                        tokens: path.clone(),
                        message: format!(
                            "unknown type {t:?}; expected one of string, integer, number, boolean, array, object"
                        ),
                        parameter_location: false,
                    });
                }
            }
        }
    }
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let position = child_position(path, position, k);
                path.push(k.clone());
                check_node(root, child, path, position, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            let position = match position {
                Position::Schemas => Position::Schema,
                Position::Parameters => Position::Parameter,
                _ => Position::Other,
            };
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                check_node(root, item, path, position, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Why a `$ref` does not resolve within the document, if it does not.
fn unresolved(root: &Value, reference: &str) -> Option<&'static str> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Some("references to other files are not supported");
    };
    let decoded = percent_decode(fragment);
    if decoded.is_empty() || root.pointer(&decoded).is_some() {
        None
    } else {
        Some("nothing is at that place in this document")
    }
}

/// Decodes the URI percent-encoding of a `$ref` fragment (`%20` → ` `, `%7B` → `{`).
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The operationId of the operation a JSON pointer (`#/paths/~1a/get/...`) lies in, if any.
pub(crate) fn operation_at_pointer(raw: &Value, ptr: &str) -> Option<String> {
    operation_at(raw, &parse_pointer(ptr)?)
}

/// The operationId of the operation a pointer (as tokens) lies in, if any.
fn operation_at(raw: &Value, tokens: &[String]) -> Option<String> {
    match tokens {
        [paths, path, method, ..] if paths == "paths" && METHODS.contains(&method.as_str()) => raw
            .get("paths")?
            .get(path)?
            .get(method)?
            .get("operationId")?
            .as_str()
            .map(str::to_string),
        _ => None,
    }
}

/// Sort key: the index of each token among its siblings, so that document order sorts first.
fn document_position(raw: &Value, tokens: &[String]) -> Vec<usize> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut cur = Some(raw);
    for t in tokens {
        let (index, next) = match cur {
            Some(Value::Object(m)) => match m.keys().position(|k| k == t) {
                Some(i) => (i, m.get(t)),
                None => (usize::MAX, None),
            },
            Some(Value::Array(a)) => match t.parse::<usize>() {
                Ok(i) if i < a.len() => (i, a.get(i)),
                _ => (usize::MAX, None),
            },
            _ => (usize::MAX, None),
        };
        out.push(index);
        cur = next;
    }
    out
}

fn path_tokens(path: &serde_path_to_error::Path) -> Vec<String> {
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
    tokens
}

// ---------------------------------------------------------------------------------------
// 3.1 → 3.0

/// Rewrites 3.1 forms into the 3.0 shapes `openapiv3` reads:
/// - `type: [T, "null"]` → `type: T, nullable: true`; `type: "null"` → `nullable: true`;
/// - `oneOf`/`anyOf` with a `{type: "null"}` branch → the other branches, `nullable: true`
///   (a single remaining branch joins `allOf`);
/// - `const: v` → `enum: [v]`; `examples: [...]` → `example: <first>`;
/// - numeric `exclusiveMinimum`/`exclusiveMaximum` → `minimum`/`maximum` + boolean flag;
/// - `$ref` with `nullable`/`deprecated`/`description` siblings → `allOf: [{$ref}]` keeping
///   the siblings;
/// - a missing `paths` (webhook-only 3.1 documents) → `paths: {}`;
/// - boolean schemas and `prefixItems` (see the `json_schema` module).
///
/// 3.0 documents go through the same rewrite: all of it is a no-op on valid 3.0. Returns
/// where nodes moved; `warnings` get pointers into the source document.
pub fn normalize(file: &str, doc: &mut Value, warnings: &mut Diagnostics) -> PointerMap {
    let mut moves = PointerMap::default();
    normalize_into(file, doc, warnings, &mut moves, &mut Vec::new());
    moves
}

/// [`normalize`], adding to moves recorded before (by [`refs::resolve`]).
/// Records in `tuples` the schemas that are tuples (see [`json_schema`]).
fn normalize_into(
    file: &str,
    doc: &mut Value,
    warnings: &mut Diagnostics,
    moves: &mut PointerMap,
    tuples: &mut Vec<Vec<String>>,
) {
    let Value::Object(root) = doc else {
        return;
    };
    if !root.contains_key("paths") {
        root.insert("paths".to_string(), Value::Object(Map::new()));
    }
    // 3.1 made `responses` optional; `openapiv3` needs the key.
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                if let (true, Value::Object(op)) = (METHODS.contains(&method.as_str()), op) {
                    op.entry("responses")
                        .or_insert_with(|| Value::Object(Map::new()));
                }
            }
        }
    }
    let first_new = warnings.items.len();
    let mut path = Vec::new();
    walk(file, doc, &mut path, warnings, moves, false, tuples);
    for w in &mut warnings.items[first_new..] {
        if let Location::Pointer(p) = &w.location {
            w.location = Location::Pointer(moves.source_pointer(p));
        }
    }
}

/// Walks the document; `is_schema` says whether `v` sits in a schema position.
fn walk(
    file: &str,
    v: &mut Value,
    path: &mut Vec<String>,
    warnings: &mut Diagnostics,
    moves: &mut PointerMap,
    is_schema: bool,
    tuples: &mut Vec<Vec<String>>,
) {
    if is_schema {
        normalize_schema(file, v, path, warnings, moves, tuples);
    }
    match v {
        Value::Object(map) => {
            let in_schemas_map = path.len() == 2 && path[0] == "components" && path[1] == "schemas";
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let Some(child) = map.get_mut(&k) else {
                    continue;
                };
                // `additionalProperties: false` is a closed object (`openapiv3` reads
                // booleans there); `contains`/`propertyNames` are not read at all
                if child.is_boolean()
                    && matches!(
                        k.as_str(),
                        "additionalProperties" | "contains" | "propertyNames"
                    )
                {
                    continue;
                }
                path.push(k.clone());
                match child_of(&k, is_schema, in_schemas_map) {
                    Child::Schemas => walk_schemas(file, child, path, warnings, moves, tuples),
                    Child::Literal => {}
                    Child::Schema => walk(file, child, path, warnings, moves, true, tuples),
                    Child::Other => walk(file, child, path, warnings, moves, false, tuples),
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                walk(file, item, path, warnings, moves, false, tuples);
                path.pop();
            }
        }
        _ => {}
    }
}

/// What the value of an object's key is, as far as the walk cares.
enum Child {
    /// A schema.
    Schema,
    /// Schemas by name or in a list (`properties`, `allOf`, ...).
    Schemas,
    /// Literal data in a schema (`example`, `enum`, ...), not schemas.
    Literal,
    /// Anything else: walked, not a schema itself.
    Other,
}

/// The kind of value under `key` of an object that is a schema (`is_schema`), or is
/// `components/schemas` (`in_schemas_map`), or neither.
fn child_of(key: &str, is_schema: bool, in_schemas_map: bool) -> Child {
    let holds_schemas = matches!(
        key,
        "properties" | "allOf" | "oneOf" | "anyOf" | "patternProperties" | "prefixItems"
    );
    let literal = matches!(key, "example" | "examples" | "default" | "enum" | "const");
    let schema_keyword = matches!(
        key,
        "items" | "additionalProperties" | "not" | "contains" | "propertyNames"
    );
    if is_schema && holds_schemas {
        Child::Schemas
    } else if is_schema && literal {
        Child::Literal
    } else if in_schemas_map || key == "schema" || (is_schema && schema_keyword) {
        Child::Schema
    } else {
        Child::Other
    }
}

/// Walks each schema of a map or list of schemas.
fn walk_schemas(
    file: &str,
    v: &mut Value,
    path: &mut Vec<String>,
    warnings: &mut Diagnostics,
    moves: &mut PointerMap,
    tuples: &mut Vec<Vec<String>>,
) {
    match v {
        Value::Object(props) => {
            for (pk, pv) in props.iter_mut() {
                path.push(pk.clone());
                walk(file, pv, path, warnings, moves, true, tuples);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                walk(file, item, path, warnings, moves, true, tuples);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Appends `part` to the schema's `allOf` (creating it); its index, or `None` when an
/// `allOf` that is not a list is in the way.
fn append_all_of(map: &mut Map<String, Value>, part: Value) -> Option<(usize, bool)> {
    match map.get_mut("allOf") {
        None => {
            map.insert("allOf".into(), Value::Array(vec![part]));
            Some((0, true))
        }
        Some(Value::Array(parts)) => {
            parts.push(part);
            Some((parts.len() - 1, false))
        }
        Some(_) => None,
    }
}

/// Rewrites one schema's 3.1 forms into the 3.0 shapes `openapiv3` reads, in this order:
/// boolean schemas, a list of types, JSON Schema object forms, null and `false` union
/// branches, `const` and `examples`, numeric exclusive bounds, `$ref` with siblings. Every
/// move is recorded in `moves`.
fn normalize_schema(
    file: &str,
    v: &mut Value,
    path: &[String],
    warnings: &mut Diagnostics,
    moves: &mut PointerMap,
    tuples: &mut Vec<Vec<String>>,
) {
    json_schema::Forms {
        file,
        warnings,
        tuples,
    }
    .boolean(v, path);
    let Value::Object(map) = v else { return };
    if let Some(message) = type_list(map) {
        warnings.push(schema_warning(file, path, message));
    }
    json_schema::Forms {
        file,
        warnings,
        tuples,
    }
    .object(map, path);
    for key in ["oneOf", "anyOf"] {
        if let Some(message) = drop_null_branches(map, key, path, moves) {
            warnings.push(schema_warning(file, path, message));
        }
    }
    const_and_examples(map, path, moves);
    numeric_exclusive_bounds(map, path, moves);
    wrap_ref_with_siblings(map, path, moves);
}

/// A warning about the schema at `path`.
fn schema_warning(file: &str, path: &[String], message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        file: file.to_string(),
        location: Location::Pointer(pointer(path.iter())),
        operation_id: None,
        message,
    }
}

/// `type: [T, "null"]` becomes `type: T, nullable: true`, `type: "null"` only `nullable`;
/// the warning for a list of several types (left without a `type`: free-form JSON).
fn type_list(map: &mut Map<String, Value>) -> Option<String> {
    let Some(Value::Array(types)) = map.get("type").cloned() else {
        if map.get("type").and_then(Value::as_str) == Some("null") {
            map.remove("type");
            map.insert("nullable".into(), Value::Bool(true));
        }
        return None;
    };
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
    let mut warning = None;
    match rest.len() {
        0 => {}
        1 => {
            map.insert("type".into(), Value::String(rest.remove(0)));
        }
        _ => {
            warning = Some(format!(
                "a schema of several types ({}) is generated as free-form JSON (serde_json::Value)",
                rest.join(", ")
            ))
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    warning
}

/// The null branches of a `oneOf`/`anyOf` (`key`) make it `nullable`, and its `false`
/// branches (which never match) go; one branch left moves into `allOf`. The warning when
/// every branch was `false`.
fn drop_null_branches(
    map: &mut Map<String, Value>,
    key: &str,
    path: &[String],
    moves: &mut PointerMap,
) -> Option<String> {
    let Some(Value::Array(branches)) = map.get_mut(key) else {
        return None;
    };
    let never = |b: &Value| *b == Value::Bool(false);
    if !branches.iter().any(|b| is_null_schema(b) || never(b)) {
        return None;
    }
    let nullable = branches.iter().any(is_null_schema);
    let mut kept: Vec<(usize, Value)> = std::mem::take(branches)
        .into_iter()
        .enumerate()
        .filter(|(_, b)| !is_null_schema(b) && !never(b))
        .collect();
    let mut warning = None;
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    } else if kept.is_empty() {
        warning = Some(format!(
            "every branch of this {key} is `false`: no value is valid; generated as free-form JSON (serde_json::Value)"
        ));
    }
    if kept.len() == 1 {
        let (source, branch) = kept.remove(0);
        map.remove(key);
        let source = source.to_string();
        match append_all_of(map, branch.clone()) {
            Some((at, created)) => {
                moves.record(path, &["allOf", &at.to_string()], &[key, &source]);
                if created {
                    moves.record(path, &["allOf"], &[key]);
                }
            }
            None => {
                map.insert(key.into(), Value::Array(vec![branch]));
                moves.record(path, &[key, "0"], &[key, &source]);
            }
        }
    } else if kept.is_empty() {
        map.remove(key);
    } else {
        for (now, (source, _)) in kept.iter().enumerate() {
            if now != *source {
                moves.record(path, &[key, &now.to_string()], &[key, &source.to_string()]);
            }
        }
        map.insert(
            key.into(),
            Value::Array(kept.into_iter().map(|(_, b)| b).collect()),
        );
    }
    warning
}

/// `const: X` becomes `enum: [X]`; `examples: [X, ...]` becomes `example: X` (unless there
/// is one).
fn const_and_examples(map: &mut Map<String, Value>, path: &[String], moves: &mut PointerMap) {
    if let Some(c) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![c]));
        moves.record(path, &["enum", "0"], &["const"]);
        moves.record(path, &["enum"], &["const"]);
    }
    if let Some(Value::Array(items)) = map.remove("examples") {
        if let (false, Some(first)) = (map.contains_key("example"), items.into_iter().next()) {
            map.insert("example".into(), first);
            moves.record(path, &["example"], &["examples", "0"]);
        }
    }
}

/// `exclusiveMinimum: N` (3.1) becomes `minimum: N, exclusiveMinimum: true` (3.0); the
/// same for the maximum.
fn numeric_exclusive_bounds(map: &mut Map<String, Value>, path: &[String], moves: &mut PointerMap) {
    for (excl, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(excl).cloned() {
            map.insert(bound.into(), Value::Number(n));
            map.insert(excl.into(), Value::Bool(true));
            moves.record(path, &[bound], &[excl]);
        }
    }
}

/// `$ref` with siblings that matter (`nullable`, `deprecated`, `description`): keep them
/// by moving the reference into `allOf`.
fn wrap_ref_with_siblings(map: &mut Map<String, Value>, path: &[String], moves: &mut PointerMap) {
    if map.contains_key("$ref")
        && (map.contains_key("nullable")
            || map.contains_key("deprecated")
            || map.contains_key("description"))
        && map.len() > 1
    {
        let reference = map.remove("$ref").unwrap_or(Value::Null);
        let mut only_ref = Map::new();
        only_ref.insert("$ref".into(), reference);
        match append_all_of(map, Value::Object(only_ref.clone())) {
            Some((at, created)) => {
                moves.record(path, &["allOf", &at.to_string()], &[]);
                if created {
                    moves.record(path, &["allOf"], &[]);
                }
            }
            // an `allOf` that is not a list: `openapiv3` reports it; keep the `$ref`
            None => map.extend(only_ref),
        }
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
    fn a_mutual_tls_scheme_is_kept_in_raw_and_does_not_stop_loading() {
        let spec = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n    mtls: {type: mutualTLS}\n    key: {type: apiKey, in: header, name: X-Key}\n",
        )
        .unwrap();
        let schemes = &spec.raw["components"]["securitySchemes"];
        assert_eq!(schemes["mtls"]["type"], "mutualTLS");
        let keys: Vec<&String> = schemes.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["mtls", "key"]);
        let parsed = &spec.document.components.as_ref().unwrap().security_schemes;
        assert_eq!(parsed.keys().collect::<Vec<_>>(), ["key"]);
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

    fn schema_pointer(spec: &LoadedSpec, normalised: &str) -> String {
        spec.source_pointer(&format!("#/components/schemas/{normalised}"))
    }

    #[test]
    fn pointers_into_rewritten_3_1_forms_map_back_to_the_file() {
        let spec = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    \
             A: {anyOf: [{type: 'null'}, {$ref: '#/components/schemas/B'}]}\n    \
             B: {oneOf: [{type: 'null'}, {type: string}, {type: integer, const: 3}]}\n    \
             C: {$ref: '#/components/schemas/B', description: d}\n    \
             D: {allOf: [{type: object}], oneOf: [{type: object, properties: {p: {anyOf: [{type: integer}, {type: 'null'}, {type: string, examples: [x]}]}}}, {type: 'null'}]}\n    \
             E: {type: number, exclusiveMinimum: 0}\n",
        )
        .unwrap();
        // the rewrite happened …
        assert_eq!(
            spec.raw["components"]["schemas"]["A"]["allOf"][0]["$ref"],
            "#/components/schemas/B"
        );
        assert_eq!(
            spec.raw["components"]["schemas"]["D"]["allOf"][1]["type"],
            "object"
        );
        // … and every pointer into it names the place in the file
        for (normalised, source) in [
            ("A/allOf/0", "A/anyOf/1"),
            ("A/allOf/0/$ref", "A/anyOf/1/$ref"),
            ("A/allOf", "A/anyOf"),
            ("A", "A"),
            ("B/oneOf/0", "B/oneOf/1"),
            ("B/oneOf/1", "B/oneOf/2"),
            ("B/oneOf/1/enum/0", "B/oneOf/2/const"),
            ("B/oneOf/1/enum", "B/oneOf/2/const"),
            ("B/oneOf/1/type", "B/oneOf/2/type"),
            ("C/allOf/0", "C"),
            ("C/allOf/0/$ref", "C/$ref"),
            ("C/description", "C/description"),
            // an allOf that was there keeps its parts; the moved branch is appended
            ("D/allOf/0", "D/allOf/0"),
            ("D/allOf/1", "D/oneOf/0"),
            (
                "D/allOf/1/properties/p/anyOf/0",
                "D/oneOf/0/properties/p/anyOf/0",
            ),
            (
                "D/allOf/1/properties/p/anyOf/1",
                "D/oneOf/0/properties/p/anyOf/2",
            ),
            (
                "D/allOf/1/properties/p/anyOf/1/example",
                "D/oneOf/0/properties/p/anyOf/2/examples/0",
            ),
            ("E/minimum", "E/exclusiveMinimum"),
            ("E/type", "E/type"),
        ] {
            assert_eq!(
                schema_pointer(&spec, normalised),
                format!("#/components/schemas/{source}"),
                "{normalised}"
            );
        }
        assert_eq!(spec.source_pointer("#"), "#");
        assert_eq!(spec.source_pointer("not a pointer"), "not a pointer");
        assert_eq!(
            spec.source_location(&Location::LineColumn { line: 1, column: 2 }),
            Location::LineColumn { line: 1, column: 2 }
        );
    }

    #[test]
    fn pointers_into_a_schema_moved_for_a_ref_map_back_to_its_place_in_the_file() {
        let spec = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    \
             A: {type: object, properties: {p: {anyOf: [{type: 'null'}, {type: [string, integer]}]}}}\n    \
             B: {type: object, properties: {q: {$ref: '#/components/schemas/A/properties/p'}}}\n",
        )
        .unwrap();
        assert_eq!(
            spec.raw["components"]["schemas"]["B"]["properties"]["q"]["$ref"],
            "#/components/schemas/AP"
        );
        assert_eq!(
            spec.source_pointer("#/components/schemas/AP/allOf/0"),
            "#/components/schemas/A/properties/p/anyOf/1"
        );
        // the rewrite's warning names the place in the file
        let w = &spec.warnings.items[0];
        assert_eq!(
            w.location,
            Location::Pointer("#/components/schemas/A/properties/p/anyOf/1".into()),
            "{w}"
        );
    }

    #[test]
    fn tuples_are_recorded_with_their_elements_and_a_bad_element_is_located() {
        let spec = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    \
             P: {prefixItems: [{type: integer}, {$ref: '#/components/schemas/Q'}], items: false, minItems: 2}\n    \
             Q: {type: string}\n",
        )
        .unwrap();
        assert_eq!(spec.tuples["#/components/schemas/P"].len(), 2);
        let p = &spec.raw["components"]["schemas"]["P"];
        assert_eq!(p["type"], "array");
        assert!(p.get("items").is_none(), "{p}");
        assert!(spec.warnings.items.is_empty(), "{}", spec.warnings);

        let e = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    \
             P: {prefixItems: [{type: integer}, {required: 5}], items: false, minItems: 2}\n",
        )
        .unwrap_err();
        assert_eq!(
            e.items[0].location,
            // (`openapiv3`'s untagged schema kinds hide the path below the element)
            Location::Pointer("#/components/schemas/P/prefixItems/1".into()),
            "{e}"
        );
        assert!(e.to_string().contains("expected a sequence"), "{e}");
    }

    #[test]
    fn boolean_schemas_become_the_shapes_openapiv3_reads() {
        let spec = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    \
             T: true\n    \
             F: false\n    \
             O: {type: object, required: [gone], additionalProperties: false, properties: {a: true, gone: false, b: {oneOf: [false, {type: string}, {type: 'null'}]}}}\n",
        )
        .unwrap();
        let schemas = &spec.raw["components"]["schemas"];
        assert_eq!(schemas["T"], serde_json::json!({}));
        assert_eq!(schemas["F"], serde_json::json!({}));
        let o = &schemas["O"];
        assert_eq!(o["properties"]["a"], serde_json::json!({}));
        assert!(o["properties"].get("gone").is_none());
        assert_eq!(o["required"], serde_json::json!([]));
        assert_eq!(o["additionalProperties"], false);
        assert_eq!(o["properties"]["b"]["nullable"], true);
        assert_eq!(o["properties"]["b"]["allOf"][0]["type"], "string");
        assert_eq!(
            spec.source_pointer("#/components/schemas/O/properties/b/allOf/0"),
            "#/components/schemas/O/properties/b/oneOf/1"
        );
        let warned: Vec<String> = spec
            .warnings
            .items
            .iter()
            .map(|w| match &w.location {
                Location::Pointer(p) => p.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            warned,
            [
                "#/components/schemas/F",
                "#/components/schemas/O/properties/gone"
            ]
        );
    }

    #[test]
    fn rewrite_warnings_point_into_the_file() {
        let spec = load(
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    \
             A: {oneOf: [{type: 'null'}, {type: [string, integer]}]}\n",
        )
        .unwrap();
        let w = &spec.warnings.items[0];
        assert_eq!(
            w.location,
            Location::Pointer("#/components/schemas/A/oneOf/1".into()),
            "{w}"
        );
    }

    #[test]
    fn duplicate_keys_are_refused_where_they_are_written() {
        let e = load("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ninfo: {title: u, version: '2'}\n")
            .unwrap_err();
        assert_eq!(
            e.items[0].location,
            Location::LineColumn { line: 4, column: 1 },
            "{e}"
        );
        assert!(e.to_string().contains("duplicate key \"info\""), "{e}");
        // 200 and '200' are the same key once read
        let e = load("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: a}\n        '200': {description: b}\n")
            .unwrap_err();
        assert_eq!(
            e.items[0].location,
            Location::LineColumn { line: 8, column: 9 },
            "{e}"
        );
        let e = load_bytes(
            "spec.json",
            b"{\"openapi\": \"3.0.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"},\n\"paths\": {}, \"paths\": {}}",
        )
        .unwrap_err();
        assert!(
            matches!(e.items[0].location, Location::LineColumn { line: 2, .. }),
            "{e}"
        );
        assert!(
            e.to_string()
                .contains("invalid JSON: duplicate key \"paths\""),
            "{e}"
        );
    }

    #[test]
    fn yaml_keys_and_tags_read_as_before() {
        let raw = parse_document(
            "spec.yaml",
            b"a: !custom {x: 1}\n200: ok\ntrue: yes\n~: n\n1.5: f\nb: !!str 7\nc: .inf_not\n",
        )
        .unwrap();
        assert_eq!(
            raw,
            serde_json::json!({"a": {"x": 1}, "200": "ok", "true": "yes", "null": "n", "1.5": "f", "b": "7", "c": ".inf_not"})
        );
        let e = parse_document("spec.yaml", b"a: .nan\n").unwrap_err();
        assert_eq!(
            e.items[0].location,
            Location::LineColumn { line: 1, column: 4 },
            "{e}"
        );
        let e = parse_document("spec.yaml", b"? [a]\n: b\n").unwrap_err();
        assert!(e.to_string().contains("plain scalar"), "{e}");
    }

    #[test]
    fn nesting_up_to_the_bound_is_read_and_beyond_it_refused_with_the_place() {
        let nested = |levels: usize| {
            // the top-level object is level 1
            format!("x: {}{}\n", "[".repeat(levels - 1), "]".repeat(levels - 1))
        };
        parse_document("spec.yaml", nested(MAX_DEPTH).as_bytes()).unwrap();
        let e = parse_document("spec.yaml", nested(MAX_DEPTH + 1).as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("nests deeper than {MAX_DEPTH} levels")),
            "{e}"
        );
        assert!(
            matches!(e.items[0].location, Location::LineColumn { line: 1, .. }),
            "{e}"
        );
        let json = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        parse_document("spec.json", json(MAX_DEPTH).as_bytes()).unwrap();
        let e = parse_document("spec.json", json(MAX_DEPTH + 1).as_bytes()).unwrap_err();
        assert!(e.to_string().contains("nests deeper than"), "{e}");
    }

    #[test]
    fn documents_without_aliases_never_reach_the_expansion_bound() {
        // the expanded size is at most the file's size without aliases, even for the
        // densest flow style (the IAM spec: 0.8 times its size)
        let dense = format!("x: [{}]\n", vec!["{a, b}"; 40_000].join(","));
        let raw = parse_document("dense.yaml", dense.as_bytes()).unwrap();
        assert_eq!(raw["x"].as_array().unwrap().len(), 40_000);
        let budget = Budget::new(true, dense.len(), None);
        Node::root(&budget)
            .deserialize(serde_yaml::Deserializer::from_str(&dense))
            .unwrap();
        assert!(budget.size.get() <= dense.len(), "{}", budget.size.get());
    }
}
