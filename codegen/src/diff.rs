//! What changed for the users of a generated crate between two versions of a spec: a
//! machine-readable [`ApiSummary`] of the Rust API surface, and a [`diff`] of two of them
//! whose every line says whether it breaks Rust code that uses the crate.
//!
//! The summary records what the generated code looks like (see `emit/types.rs` and
//! `emit/operations.rs`), not what the spec says, and the classification follows from it:
//!
//! - **Structs** have `pub` fields. A `#[non_exhaustive]` struct (every generated struct
//!   is one) cannot be built with a struct expression outside the crate, not even with
//!   `..Default::default()`, nor destructured without `..`; users get one from a response,
//!   from `Default` when every field is optional, or, for request types, from `new` and the
//!   `with_*` setters. So a new field is additive, whether required or not and whether the
//!   struct is a request or a response type, except where it changes one of those ways in:
//!   - a required field of a request type is a new argument of `new` (breaking);
//!   - a required field added to a struct whose fields were all optional removes its
//!     `Default` (breaking, reported on a line of its own).
//!
//!   A struct without `#[non_exhaustive]` can be built with a struct expression, so any
//!   new field breaks it. Removing or changing a field (its type, presence, nullability or
//!   Rust name) is breaking.
//! - **`new`** takes the required fields of a request type in the spec's property order.
//!   The summary records its parameters in that order: properties reordered in the spec
//!   reorder the arguments, which is breaking, and silently so when the swapped arguments
//!   have the same Rust type (old calls still compile and pass the values to the wrong
//!   fields).
//! - **Enums** (string enums, oneOf enums, error enums, multi-status success enums) are
//!   `#[non_exhaustive]`: a new variant is additive, a removed or renamed one breaking.
//! - **Methods** of `Client` are named from the operationId, matched across versions by
//!   operationId: a new name is a rename (breaking). Without a configured prefix, the
//!   common lower-case prefix of all operationIds (`iam`) is stripped from method names,
//!   so adding or removing an unrelated operation can rename every method; the report
//!   says so. Required parameters are arguments in order (a new, removed, changed or
//!   reordered one is breaking), optional ones builder methods (a new one is additive).
//! - An operation that now sends another method or path keeps its Rust signature: not a
//!   breaking change of the crate's API (the report says what it sends now).
//! - **Deprecations** of types, fields, optional parameters and enum values are
//!   `#[deprecated]` attributes (required parameters, which are arguments, say it in the
//!   method's docs): code that uses them gets a warning, not an error, so a deprecation
//!   that starts or ends is additive. The summary records them only where there are some,
//!   so a summary without any reads and writes as before.

use crate::ir::{self, Presence, TypeKind, TypeRef};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The Rust API surface of a generated crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiSummary {
    pub spec_version: String,
    pub spec_sha256: String,
    /// The operationId prefix stripped from method names (`iam` in `iamGetUsers` →
    /// `get_users`), when one was.
    pub operation_prefix: Option<String>,
    /// Keyed by Rust method name.
    pub operations: BTreeMap<String, OperationSummary>,
    /// Keyed by Rust type name.
    pub types: BTreeMap<String, TypeSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationSummary {
    pub operation_id: String,
    /// `POST /iam/v2/clients/{clientId}/tokens`
    pub endpoint: String,
    /// Method arguments, in order, as the method declares them: `client_id: i64`,
    /// `name: impl Into<String>`, `body: Token2`.
    pub arguments: Vec<Argument>,
    /// Builder methods for optional parameters: `role: impl Into<String>`.
    pub optional: Vec<Argument>,
    /// The success type.
    pub returns: String,
    /// Error variants: `BadRequest(CreateTokenError)`.
    pub errors: Vec<String>,
    pub deprecated: Option<DeprecationSummary>,
    /// Parameters the description marks deprecated, as `role (query)`: the Rust name and
    /// where the parameter goes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deprecated_parameters: Vec<String>,
}

/// An argument of a method or constructor: its Rust name and the type it takes. Written
/// in the summary as the method declares it, `name: Type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Argument {
    pub name: String,
    pub ty: String,
}

impl Argument {
    fn new(name: &str, ty: String) -> Argument {
        Argument {
            name: name.to_string(),
            ty,
        }
    }
}

impl std::fmt::Display for Argument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.ty)
    }
}

impl From<Argument> for String {
    fn from(a: Argument) -> String {
        a.to_string()
    }
}

impl TryFrom<String> for Argument {
    type Error = String;
    fn try_from(text: String) -> Result<Argument, String> {
        match text.split_once(": ") {
            Some((name, ty)) => Ok(Argument::new(name, ty.to_string())),
            None => Err(format!("an argument is `name: Type`, not {text:?}")),
        }
    }
}

/// `a: A, b: B`.
fn joined(args: &[Argument]) -> String {
    args.iter()
        .map(Argument::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeprecationSummary {
    pub removal_date: Option<String>,
    pub replacement: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeSummary {
    Struct {
        /// Used in requests: has `with_*` setters for its optional fields and, when it has
        /// required fields, `new`.
        input: bool,
        /// `#[non_exhaustive]`: no struct expressions or exhaustive patterns outside the
        /// crate.
        non_exhaustive: bool,
        /// Derives `Default` (when no field is required).
        default: bool,
        /// The parameters of `new`, in order (`name: impl Into<String>`); `None` when the
        /// type has no `new`.
        constructor: Option<Vec<Argument>>,
        /// Keyed by wire name.
        fields: BTreeMap<String, FieldSummary>,
        /// The flattened `additionalProperties` field:
        /// `additional_properties: BTreeMap<String, String>`.
        additional: Option<String>,
        /// `#[deprecated]`: the schema is marked deprecated.
        #[serde(default, skip_serializing_if = "is_false")]
        deprecated: bool,
    },
    Enum {
        non_exhaustive: bool,
        /// Wire values, in order.
        values: Vec<String>,
        /// The Rust variant of each value, in the same order.
        variants: Vec<String>,
        /// `#[deprecated]`: the schema is marked deprecated.
        #[serde(default, skip_serializing_if = "is_false")]
        deprecated: bool,
        /// Wire values whose variant is `#[deprecated]`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        deprecated_values: Vec<String>,
    },
    OneOf {
        non_exhaustive: bool,
        variants: Vec<String>,
        /// `#[deprecated]`: the schema is marked deprecated.
        #[serde(default, skip_serializing_if = "is_false")]
        deprecated: bool,
    },
    Alias {
        target: String,
        /// `#[deprecated]`: the schema is marked deprecated.
        #[serde(default, skip_serializing_if = "is_false")]
        deprecated: bool,
    },
}

/// For `skip_serializing_if`: summaries without deprecations stay as they were.
fn is_false(b: &bool) -> bool {
    !b
}

impl TypeSummary {
    fn kind(&self) -> &'static str {
        match self {
            TypeSummary::Struct { .. } => "struct",
            TypeSummary::Enum { .. } => "string enum",
            TypeSummary::OneOf { .. } => "oneOf enum",
            TypeSummary::Alias { .. } => "type alias",
        }
    }

    /// Whether the type itself is `#[deprecated]`.
    pub fn deprecated(&self) -> bool {
        match self {
            TypeSummary::Struct { deprecated, .. }
            | TypeSummary::Enum { deprecated, .. }
            | TypeSummary::OneOf { deprecated, .. }
            | TypeSummary::Alias { deprecated, .. } => *deprecated,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSummary {
    pub rust_name: String,
    /// The field's Rust type, presence included (`Option<String>`, `Nullable<i64>`,
    /// `Option<Box<Group>>`).
    pub ty: String,
    pub required: bool,
    /// `#[deprecated]`: the property is marked deprecated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
}

fn type_str(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Secret => "SecretString".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::U32 => "u32".into(),
        TypeRef::U64 => "u64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Vec(i) => format!("Vec<{}>", type_str(i)),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", type_str(i)),
        TypeRef::Tuple(elements) => match elements.as_slice() {
            [one] => format!("({},)", type_str(one)),
            _ => format!(
                "({})",
                elements.iter().map(type_str).collect::<Vec<_>>().join(", ")
            ),
        },
    }
}

/// A parameter as the method declares it: required strings are `impl Into<String>`.
fn param_str(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "impl Into<String>".into(),
        t => type_str(t),
    }
}

/// A parameter as the summary names it: `role (query)`.
fn param_label(p: &ir::Param) -> String {
    let location = match p.location {
        ir::ParamLocation::Path => "path",
        ir::ParamLocation::Query => "query",
        ir::ParamLocation::Header => "header",
    };
    format!("{} ({location})", p.rust_name)
}

fn is_required(f: &ir::Field) -> bool {
    matches!(f.presence, Presence::Required | Presence::RequiredNullable)
}

/// The field's type as `emit/types.rs` declares it.
fn field_type(f: &ir::Field) -> String {
    let inner = type_str(&f.ty);
    let inner = if f.boxed {
        format!("Box<{inner}>")
    } else {
        inner
    };
    match f.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::OptionalNullable => format!("Nullable<{inner}>"),
    }
}

/// The parameters of `new` as `emit/types.rs` writes it: request types with required
/// fields get one, taking those fields in property order.
fn constructor(t: &ir::TypeDef, s: &ir::Struct) -> Option<Vec<Argument>> {
    let required: Vec<&ir::Field> = s.fields.iter().filter(|f| is_required(f)).collect();
    if !t.is_input || required.is_empty() {
        return None;
    }
    Some(
        required
            .iter()
            .map(|f| {
                let plain = f.presence == Presence::Required && !f.boxed;
                let ty = match f.ty {
                    TypeRef::String if plain => "impl Into<String>".to_string(),
                    TypeRef::Secret if plain => "impl Into<SecretString>".to_string(),
                    _ => field_type(f),
                };
                Argument::new(&f.rust_name, ty)
            })
            .collect(),
    )
}

/// The operationId prefix the method names were made without: the lower-case first word
/// of an operationId whose method is named after the rest (`iamGetUser` → `get_user`).
fn stripped_prefix(api: &ir::Api) -> Option<String> {
    api.operations.iter().find_map(|op| {
        let id = &op.operation_id;
        let head: String = id.chars().take_while(|c| c.is_ascii_lowercase()).collect();
        let rest = &id[head.len()..];
        if head.is_empty() || !rest.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        let named_after = |base: &str| {
            op.method_name == base
                || op
                    .method_name
                    .strip_prefix(base)
                    .and_then(|s| s.strip_prefix('_'))
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        };
        let full = crate::ident::snake_name(id);
        let short = crate::ident::snake_name(rest);
        (!named_after(&full) && named_after(&short)).then_some(head)
    })
}

impl ApiSummary {
    /// The API surface of the crate generated from `api`: each method, each type.
    pub fn from_api(api: &ir::Api) -> ApiSummary {
        let operations = api
            .operations
            .iter()
            .map(|op| (op.method_name.clone(), OperationSummary::of(op)))
            .collect();
        let types = api
            .types
            .iter()
            .map(|t| (t.name.clone(), TypeSummary::of(t)))
            .collect();
        ApiSummary {
            spec_version: api.spec_version.clone(),
            spec_sha256: api.sha256.clone(),
            operation_prefix: stripped_prefix(api),
            operations,
            types,
        }
    }

    /// Pretty JSON, stable across runs.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn from_json(text: &str) -> Result<ApiSummary, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl OperationSummary {
    /// An operation's method as a user calls it: arguments (required parameters, then the
    /// body), optional setters, what it returns, its error variants, its deprecations.
    fn of(op: &ir::Operation) -> OperationSummary {
        let mut arguments: Vec<Argument> = op
            .required_params()
            .map(|p| Argument::new(&p.rust_name, param_str(&p.ty)))
            .collect();
        if let Some(b) = &op.body {
            arguments.push(Argument::new("body", type_str(&b.ty)));
        }
        let optional = op
            .optional_params()
            .map(|p| Argument::new(&p.rust_name, param_str(&p.ty)))
            .collect();
        let deprecated_parameters = op
            .params
            .iter()
            .filter(|p| p.deprecated)
            .map(param_label)
            .collect();
        let deprecated = op.deprecation.as_ref().map(|d| DeprecationSummary {
            removal_date: d.removal_date.clone(),
            replacement: d.replacement.as_ref().map(|(_, m)| m.clone()),
        });
        OperationSummary {
            operation_id: op.operation_id.clone(),
            endpoint: format!("{} {}", op.http_method, op.path),
            arguments,
            optional,
            returns: returns_of(op),
            errors: error_variants(op),
            deprecated,
            deprecated_parameters,
        }
    }
}

/// What an operation returns: the one type of its successes, or an enum of them
/// (`NameResponse(A | B)`).
fn returns_of(op: &ir::Operation) -> String {
    let types: Vec<String> = op
        .success
        .iter()
        .map(|r| {
            r.ty.as_ref()
                .filter(|_| r.encoding != ir::ResponseEncoding::Empty)
                .map(type_str)
                .unwrap_or_else(|| "()".into())
        })
        .collect();
    let mut unique = types.clone();
    unique.dedup();
    if unique.len() == 1 {
        unique.remove(0)
    } else {
        format!("{}Response({})", op.type_name, types.join(" | "))
    }
}

/// An operation's error enum variants, each with its body's type if it has one.
fn error_variants(op: &ir::Operation) -> Vec<String> {
    op.errors
        .iter()
        .map(|e| match &e.ty {
            Some(t) if e.encoding != ir::ResponseEncoding::Empty => {
                format!("{}({})", e.variant, type_str(t))
            }
            _ => e.variant.clone(),
        })
        .collect()
}

impl TypeSummary {
    /// A generated type as a user sees it, by kind.
    fn of(t: &ir::TypeDef) -> TypeSummary {
        match &t.kind {
            TypeKind::Struct(s) => struct_summary(t, s),
            TypeKind::StringEnum(vs) => TypeSummary::Enum {
                non_exhaustive: true,
                values: vs.iter().map(|v| v.wire.clone()).collect(),
                variants: vs.iter().map(|v| v.rust_name.clone()).collect(),
                deprecated: t.deprecated,
                deprecated_values: vs
                    .iter()
                    .filter(|v| v.deprecated)
                    .map(|v| v.wire.clone())
                    .collect(),
            },
            TypeKind::OneOf(o) => TypeSummary::OneOf {
                non_exhaustive: true,
                variants: o
                    .variants
                    .iter()
                    .map(|v| match v.is_unit() {
                        true => v.rust_name.clone(),
                        false => format!("{}({})", v.rust_name, type_str(&v.ty)),
                    })
                    .collect(),
                deprecated: t.deprecated,
            },
            TypeKind::Alias(target) => TypeSummary::Alias {
                target: type_str(target),
                deprecated: t.deprecated,
            },
        }
    }
}

/// A struct: its fields by wire name, how it is built, the map of other properties (named
/// as the emitter names it, clear of the fields).
fn struct_summary(t: &ir::TypeDef, s: &ir::Struct) -> TypeSummary {
    TypeSummary::Struct {
        input: t.is_input,
        non_exhaustive: true,
        default: !s.fields.iter().any(is_required),
        constructor: constructor(t, s),
        fields: s
            .fields
            .iter()
            .map(|f| {
                (
                    f.wire_name.clone(),
                    FieldSummary {
                        rust_name: f.rust_name.clone(),
                        ty: field_type(f),
                        required: is_required(f),
                        deprecated: f.deprecated,
                    },
                )
            })
            .collect(),
        additional: s.additional.as_ref().map(|v| {
            let mut name = "additional_properties".to_string();
            while s.fields.iter().any(|f| f.rust_name == name) {
                name.push('_');
            }
            format!("{name}: BTreeMap<String, {}>", type_str(v))
        }),
        deprecated: t.deprecated,
    }
}

/// Whether a change breaks code that uses the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    Breaking,
    Additive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub impact: Impact,
    pub text: String,
}

/// The changes between two summaries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub changes: Vec<Change>,
    pub old_version: String,
    pub new_version: String,
}

/// The semver bump for a crate at `crate_version` whose API changed (`any`), in a
/// breaking way or not.
pub fn suggested_bump(any: bool, breaking: bool, crate_version: &str) -> &'static str {
    let pre_1 = crate_version.starts_with("0.");
    match (breaking, any) {
        (_, false) => "none",
        (true, _) if pre_1 => "minor (0.x: a breaking change bumps the minor version)",
        (true, _) => "major",
        (false, _) if pre_1 => "patch (0.x: additions bump the patch version)",
        (false, _) => "minor",
    }
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    /// The semver bump the changes call for, for a crate at `crate_version`.
    pub fn suggested_bump(&self, crate_version: &str) -> &'static str {
        suggested_bump(!self.is_empty(), self.has_breaking(), crate_version)
    }

    /// The report as printed by `cargo xtask regen` and `cargo xtask diff`.
    pub fn render(&self, crate_version: &str) -> String {
        if self.is_empty() {
            return "no API changes\n".to_string();
        }
        let mut out = String::new();
        if self.old_version != self.new_version {
            out.push_str(&format!(
                "spec version {} -> {}\n",
                self.old_version, self.new_version
            ));
        }
        for c in &self.changes {
            let tag = match c.impact {
                Impact::Breaking => "[breaking]",
                Impact::Additive => "[additive]",
            };
            out.push_str(&format!("{tag} {}\n", c.text));
        }
        let breaking = self
            .changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count();
        out.push_str(&format!(
            "{} changes ({breaking} breaking); suggested version bump: {}\n",
            self.changes.len(),
            self.suggested_bump(crate_version)
        ));
        out
    }
}

/// Collects the lines of a report.
#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, impact: Impact, text: String) {
        self.0.push(Change { impact, text });
    }
    fn breaking(&mut self, text: String) {
        self.push(Impact::Breaking, text);
    }
    fn additive(&mut self, text: String) {
        self.push(Impact::Additive, text);
    }
    /// Additive when the type is `#[non_exhaustive]`, breaking otherwise.
    fn added_to(&mut self, non_exhaustive: bool, text: String) {
        if non_exhaustive {
            self.additive(text);
        } else {
            self.breaking(format!(
                "{text} (not #[non_exhaustive]: exhaustive code stops compiling)"
            ));
        }
    }
}

/// Compares two API summaries.
pub fn diff(old: &ApiSummary, new: &ApiSummary) -> Report {
    let mut changes = Changes::default();
    diff_operations(old, new, &mut changes);
    for (name, o) in &old.types {
        match new.types.get(name) {
            None => changes.breaking(format!("type removed: types::{name} ({})", o.kind())),
            Some(n) => diff_type(name, o, n, &mut changes),
        }
    }
    for (name, n) in &new.types {
        if !old.types.contains_key(name) {
            changes.additive(format!("type added: types::{name} ({})", n.kind()));
        }
    }
    let mut changes = changes.0;
    changes.sort_by_key(|c| c.impact);
    Report {
        changes,
        old_version: old.spec_version.clone(),
        new_version: new.spec_version.clone(),
    }
}

fn diff_operations(old: &ApiSummary, new: &ApiSummary, changes: &mut Changes) {
    if old.operation_prefix != new.operation_prefix {
        let quoted = |p: &Option<String>| p.as_ref().map(|p| format!("{p:?}"));
        let text = match (quoted(&old.operation_prefix), quoted(&new.operation_prefix)) {
            (Some(o), None) => format!(
                "method names changed: the operationIds no longer all start with {o}, so it is no longer stripped from method names (renames below)"
            ),
            (None, Some(n)) => format!(
                "method names changed: every operationId now starts with {n}, which is stripped from method names (renames below)"
            ),
            (o, n) => format!(
                "method names changed: the operationId prefix stripped from method names is {} (was {}) (renames below)",
                n.unwrap_or_default(),
                o.unwrap_or_default()
            ),
        };
        changes.breaking(text);
    }
    // Operations are the same operation when their operationId is; failing that, when
    // their method name is (an operationId changed without changing the method).
    let new_by_id: BTreeMap<&str, &str> = new
        .operations
        .iter()
        .map(|(name, n)| (n.operation_id.as_str(), name.as_str()))
        .collect();
    let old_ids: BTreeSet<&str> = old
        .operations
        .values()
        .map(|o| o.operation_id.as_str())
        .collect();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for (name, o) in &old.operations {
        let counterpart = match new_by_id.get(o.operation_id.as_str()) {
            Some(new_name) => Some(*new_name),
            None => new
                .operations
                .get(name)
                .filter(|n| !old_ids.contains(n.operation_id.as_str()))
                .map(|_| name.as_str()),
        };
        match counterpart {
            None => changes.breaking(format!(
                "operation removed: Client::{name} ({})",
                o.endpoint
            )),
            Some(new_name) => {
                matched.insert(new_name);
                if new_name != name {
                    changes.breaking(format!(
                        "operation renamed: Client::{name} -> Client::{new_name} (operationId {})",
                        o.operation_id
                    ));
                }
                diff_operation(new_name, o, &new.operations[new_name], changes);
            }
        }
    }
    for (name, n) in &new.operations {
        if !matched.contains(name.as_str()) {
            changes.additive(format!("operation added: Client::{name} ({})", n.endpoint));
        }
    }
}

/// One operation in both versions (`name` is its new method name): arguments, optional
/// setters, return type, error variants, endpoint, deprecations.
fn diff_operation(name: &str, o: &OperationSummary, n: &OperationSummary, changes: &mut Changes) {
    if o.arguments != n.arguments {
        let mut text = format!(
            "operation signature changed: Client::{name}({}) -> Client::{name}({})",
            joined(&o.arguments),
            joined(&n.arguments)
        );
        match reorder_note(&o.arguments, &n.arguments) {
            Some(note) if note.is_empty() => text.push_str("; arguments reordered"),
            Some(note) => text.push_str(&format!("; arguments reordered: {note}")),
            None => {}
        }
        changes.breaking(text);
    }
    for opt in &o.optional {
        if !n.optional.contains(opt) {
            changes.breaking(format!(
                "optional parameter removed or changed: Client::{name} .{opt}"
            ));
        }
    }
    for opt in &n.optional {
        if !o.optional.contains(opt) {
            changes.additive(format!("optional parameter added: Client::{name} .{opt}"));
        }
    }
    if o.returns != n.returns {
        changes.breaking(format!(
            "return type changed: Client::{name} returns {} instead of {}",
            n.returns, o.returns
        ));
    }
    let error_enum = format!("{}Error", crate::ident::type_name(name));
    for e in &n.errors {
        if !o.errors.contains(e) {
            changes.additive(format!("new error variant: {error_enum}::{e}"));
        }
    }
    for e in &o.errors {
        if !n.errors.contains(e) {
            changes.breaking(format!(
                "error variant removed or changed: {error_enum}::{e}"
            ));
        }
    }
    if o.endpoint != n.endpoint {
        changes.additive(format!(
            "endpoint changed: Client::{name} now sends {} (was {}); its Rust signature is unchanged",
            n.endpoint, o.endpoint
        ));
    }
    diff_deprecations(name, o, n, changes);
}

/// Parameters and the operation itself newly deprecated, no longer deprecated, or with
/// another removal date or replacement.
fn diff_deprecations(
    name: &str,
    o: &OperationSummary,
    n: &OperationSummary,
    changes: &mut Changes,
) {
    let deprecation = |d: &DeprecationSummary| {
        let mut text = String::new();
        if let Some(date) = &d.removal_date {
            text.push_str(&format!(", removal on {date}"));
        }
        if let Some(r) = &d.replacement {
            text.push_str(&format!(", use Client::{r}"));
        }
        text
    };
    for p in &n.deprecated_parameters {
        if !o.deprecated_parameters.contains(p) {
            changes.additive(format!("parameter deprecated: Client::{name} {p}"));
        }
    }
    for p in &o.deprecated_parameters {
        if !n.deprecated_parameters.contains(p) {
            changes.additive(format!(
                "parameter no longer deprecated: Client::{name} {p}"
            ));
        }
    }
    match (&o.deprecated, &n.deprecated) {
        (None, Some(d)) => changes.additive(format!(
            "operation newly deprecated: Client::{name} ({}){}",
            n.endpoint,
            deprecation(d)
        )),
        (Some(_), None) => {
            changes.additive(format!("operation no longer deprecated: Client::{name}"))
        }
        (Some(a), Some(b)) if a != b => changes.additive(format!(
            "deprecation changed: Client::{name}{} (was{})",
            deprecation(b),
            deprecation(a).trim_start_matches(',')
        )),
        _ => {}
    }
}

/// When the parameters both lists have changed their relative order: what that does to
/// calls written for the old order (empty when the number of arguments changed too, which
/// no old call survives). `None` when they did not.
fn reorder_note(old: &[Argument], new: &[Argument]) -> Option<String> {
    let old_names: Vec<&str> = old.iter().map(|a| a.name.as_str()).collect();
    let new_names: Vec<&str> = new.iter().map(|a| a.name.as_str()).collect();
    let common_old: Vec<&str> = old_names
        .iter()
        .copied()
        .filter(|n| new_names.contains(n))
        .collect();
    let common_new: Vec<&str> = new_names
        .iter()
        .copied()
        .filter(|n| old_names.contains(n))
        .collect();
    if common_old == common_new {
        return None;
    }
    if old.len() != new.len() {
        return Some(String::new());
    }
    // `impl Into<String>` and `impl Into<SecretString>` take the same values.
    let takes = |arg: &Argument| arg.ty.replace("Into<SecretString>", "Into<String>");
    let same_types = old.iter().zip(new).all(|(a, b)| takes(a) == takes(b));
    let moved: Vec<String> = old_names
        .iter()
        .zip(&new_names)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("the value for `{a}` now goes to `{b}`"))
        .collect();
    let moved = moved.join(", ");
    Some(if same_types {
        format!(
            "they take the same types, so calls written for the old order still compile and are silently wrong ({moved})"
        )
    } else {
        format!(
            "calls written for the old order stop compiling unless their values fit both types, like `None` or an integer literal ({moved})"
        )
    })
}

/// Two types of the same name: deprecation, `#[non_exhaustive]`, then by kind (a changed
/// kind is one breaking change).
fn diff_type(name: &str, o: &TypeSummary, n: &TypeSummary, changes: &mut Changes) {
    match (o.deprecated(), n.deprecated()) {
        (false, true) => changes.additive(format!("type deprecated: types::{name}")),
        (true, false) => changes.additive(format!("type no longer deprecated: types::{name}")),
        _ => {}
    }
    match (o, n) {
        (
            TypeSummary::Struct {
                non_exhaustive: o_ne,
                ..
            },
            TypeSummary::Struct {
                non_exhaustive: n_ne,
                ..
            },
        ) => {
            diff_non_exhaustive(name, *o_ne, *n_ne, changes);
            diff_struct(name, o, n, changes);
        }
        (
            TypeSummary::Enum {
                non_exhaustive: o_ne,
                ..
            },
            TypeSummary::Enum {
                non_exhaustive: n_ne,
                ..
            },
        ) => {
            diff_non_exhaustive(name, *o_ne, *n_ne, changes);
            diff_enum(name, o, n, changes);
        }
        (
            TypeSummary::OneOf {
                non_exhaustive: o_ne,
                variants: ov,
                ..
            },
            TypeSummary::OneOf {
                non_exhaustive: n_ne,
                variants: nv,
                ..
            },
        ) => {
            diff_non_exhaustive(name, *o_ne, *n_ne, changes);
            for v in nv {
                if !ov.contains(v) {
                    changes.added_to(*n_ne, format!("new variant: types::{name}::{v}"));
                }
            }
            for v in ov {
                if !nv.contains(v) {
                    changes.breaking(format!("variant removed or changed: types::{name}::{v}"));
                }
            }
        }
        (TypeSummary::Alias { target: ot, .. }, TypeSummary::Alias { target: nt, .. }) => {
            if ot != nt {
                changes.breaking(format!("type changed: types::{name} = {nt} (was {ot})"));
            }
        }
        _ => changes.breaking(format!(
            "type changed kind: types::{name} is a {} (was a {})",
            n.kind(),
            o.kind()
        )),
    }
}

/// A type that becomes `#[non_exhaustive]` (breaking) or stops being one.
fn diff_non_exhaustive(name: &str, o: bool, n: bool, changes: &mut Changes) {
    match (o, n) {
        (false, true) => changes.breaking(format!(
            "types::{name} is now #[non_exhaustive]: struct expressions and exhaustive matches outside the crate stop compiling"
        )),
        (true, false) => changes.additive(format!("types::{name} is no longer #[non_exhaustive]")),
        _ => {}
    }
}

/// Two string enums of the same name; `o` and `n` are [`TypeSummary::Enum`]: values
/// deprecated or not, added, removed, or whose variant was renamed.
fn diff_enum(name: &str, o: &TypeSummary, n: &TypeSummary, changes: &mut Changes) {
    let (
        TypeSummary::Enum {
            values: ov,
            variants: o_vars,
            deprecated_values: o_dep,
            ..
        },
        TypeSummary::Enum {
            non_exhaustive: n_ne,
            values: nv,
            variants: n_vars,
            deprecated_values: n_dep,
            ..
        },
    ) = (o, n)
    else {
        return;
    };
    // values in both versions whose deprecation started or ended
    for v in n_dep {
        if ov.contains(v) && !o_dep.contains(v) {
            changes.additive(format!("enum value deprecated: types::{name} {v:?}"));
        }
    }
    for v in o_dep {
        if nv.contains(v) && !n_dep.contains(v) {
            changes.additive(format!(
                "enum value no longer deprecated: types::{name} {v:?}"
            ));
        }
    }
    let variant = |values: &[String], vars: &[String], v: &String| {
        values
            .iter()
            .position(|x| x == v)
            .and_then(|i| vars.get(i).cloned())
            .unwrap_or_default()
    };
    for v in nv {
        if !ov.contains(v) {
            changes.added_to(*n_ne, format!("new enum value: types::{name} {v:?}"));
        }
    }
    for v in ov {
        let before = variant(ov, o_vars, v);
        if !nv.contains(v) {
            changes.breaking(format!(
                "enum value removed: types::{name} {v:?} ({name}::{before})"
            ));
        } else {
            let after = variant(nv, n_vars, v);
            if after != before {
                changes.breaking(format!(
                    "enum variant renamed: types::{name}::{before} -> types::{name}::{after} ({v:?})"
                ));
            }
        }
    }
}

/// The parts of a [`TypeSummary::Struct`] a comparison reads.
struct StructSide<'s> {
    input: bool,
    non_exhaustive: bool,
    default: bool,
    constructor: &'s Option<Vec<Argument>>,
    fields: &'s BTreeMap<String, FieldSummary>,
    additional: &'s Option<String>,
}

impl<'s> StructSide<'s> {
    /// `None` for a summary that is not a struct.
    fn of(t: &'s TypeSummary) -> Option<StructSide<'s>> {
        match t {
            TypeSummary::Struct {
                input,
                non_exhaustive,
                default,
                constructor,
                fields,
                additional,
                ..
            } => Some(StructSide {
                input: *input,
                non_exhaustive: *non_exhaustive,
                default: *default,
                constructor,
                fields,
                additional,
            }),
            _ => None,
        }
    }

    /// `Name::new(arguments)`, when the struct has `new`.
    fn signature(&self, name: &str) -> Option<String> {
        self.constructor
            .as_ref()
            .map(|args| format!("{name}::new({})", joined(args)))
    }

    /// Whether `new` takes the field.
    fn new_takes(&self, field: &str) -> bool {
        self.constructor
            .as_ref()
            .is_some_and(|args| args.iter().any(|a| a.name == field))
    }
}

/// Two structs of the same name; `o` and `n` are [`TypeSummary::Struct`].
fn diff_struct(name: &str, o: &TypeSummary, n: &TypeSummary, changes: &mut Changes) {
    let (Some(o), Some(n)) = (StructSide::of(o), StructSide::of(n)) else {
        return;
    };
    diff_request_use(name, &o, &n, changes);
    // Whether `new` takes a field is compared when the type is a request type before and
    // after (otherwise the line about the type becoming or ceasing to be one says it all).
    let both_input = o.input && n.input;
    for (wire, f) in o.fields {
        let Some(g) = n.fields.get(wire) else {
            changes.breaking(format!(
                "field removed: types::{name}.{} ({wire})",
                f.rust_name
            ));
            continue;
        };
        let ctor = match (
            both_input && o.new_takes(&f.rust_name),
            both_input && n.new_takes(&g.rust_name),
        ) {
            (false, true) => Some(format!("{name}::new takes it")),
            (true, false) => Some(format!("{name}::new no longer takes it")),
            _ => None,
        };
        diff_field(name, wire, f, g, ctor, changes);
    }
    for (wire, g) in n.fields {
        if o.fields.contains_key(wire) {
            continue;
        }
        if both_input && n.new_takes(&g.rust_name) {
            changes.breaking(format!(
                "new required request field: types::{name}.{}: {} ({name}::new takes it)",
                g.rust_name, g.ty
            ));
        } else {
            changes.added_to(
                n.non_exhaustive,
                format!("field added: types::{name}.{}: {}", g.rust_name, g.ty),
            );
        }
    }
    match (o.additional, n.additional) {
        (None, Some(x)) => {
            changes.added_to(n.non_exhaustive, format!("field added: types::{name}.{x}"))
        }
        (Some(x), None) => changes.breaking(format!("field removed: types::{name}.{x}")),
        (Some(a), Some(b)) if a != b => {
            changes.breaking(format!("field changed: types::{name}.{a} -> {b}"))
        }
        _ => {}
    }
    diff_default(name, &o, &n, changes);
}

/// A struct becoming or ceasing to be a request type, and, while it stays one, its `new`
/// removed or its arguments reordered.
fn diff_request_use(name: &str, o: &StructSide, n: &StructSide, changes: &mut Changes) {
    match (o.input, n.input) {
        (false, true) => changes.additive(format!(
            "types::{name} is now used in requests: {}",
            match n.signature(name) {
                Some(sig) => format!("built with {sig} and with_* setters"),
                None => "with_* setters for its optional fields".to_string(),
            }
        )),
        (true, false) => changes.breaking(format!(
            "types::{name} is no longer used in requests: its new() and with_* setters are gone"
        )),
        _ => {}
    }
    if !(o.input && n.input) {
        return;
    }
    if let (Some(_), None) = (o.constructor, n.constructor) {
        changes.breaking(format!(
            "constructor removed: types::{name}::new ({name} has no required fields any more: use {name}::default() and the with_* setters)"
        ));
    }
    let reordered = match (o.constructor, n.constructor) {
        (Some(a), Some(b)) => reorder_note(a, b),
        _ => None,
    };
    if let Some(note) = reordered {
        let note = if note.is_empty() {
            note
        } else {
            format!("; {note}")
        };
        changes.breaking(format!(
            "constructor arguments reordered: types::{} -> types::{}{note}",
            o.signature(name).unwrap_or_default(),
            n.signature(name).unwrap_or_default()
        ));
    }
}

/// A field in both versions: renamed, deprecated or not, its type changed (why, when it is
/// now optional or nullable), or only whether `new` takes it (`ctor`).
fn diff_field(
    name: &str,
    wire: &str,
    f: &FieldSummary,
    g: &FieldSummary,
    ctor: Option<String>,
    changes: &mut Changes,
) {
    if g.rust_name != f.rust_name {
        changes.breaking(format!(
            "field renamed: types::{name}.{} -> types::{name}.{} ({wire})",
            f.rust_name, g.rust_name
        ));
    }
    match (f.deprecated, g.deprecated) {
        (false, true) => {
            changes.additive(format!("field deprecated: types::{name}.{}", g.rust_name))
        }
        (true, false) => changes.additive(format!(
            "field no longer deprecated: types::{name}.{}",
            g.rust_name
        )),
        _ => {}
    }
    if g.ty != f.ty {
        let why = if f.required && !g.required {
            Some("now optional")
        } else if g.ty == format!("Option<{}>", f.ty)
            || f.ty
                .strip_prefix("Option<")
                .is_some_and(|inner| g.ty.strip_prefix("Nullable<") == Some(inner))
        {
            Some("now nullable")
        } else {
            None
        };
        let notes: Vec<&str> = why.into_iter().chain(ctor.as_deref()).collect();
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        changes.breaking(format!(
            "field changed: types::{name}.{}: {} -> {}{notes}",
            g.rust_name, f.ty, g.ty
        ));
    } else if let Some(ctor) = ctor {
        let what = if g.required {
            "now required"
        } else {
            "no longer required"
        };
        changes.breaking(format!(
            "request field {what}: types::{name}.{} ({ctor})",
            g.rust_name
        ));
    }
}

/// A struct that stops or starts deriving `Default` (it gained or lost required fields).
fn diff_default(name: &str, o: &StructSide, n: &StructSide, changes: &mut Changes) {
    match (o.default, n.default) {
        (true, false) => {
            let required: Vec<&str> = n
                .fields
                .values()
                .filter(|f| f.required)
                .map(|f| f.rust_name.as_str())
                .collect();
            changes.breaking(format!(
                "types::{name} no longer implements Default: it has required fields now ({})",
                required.join(", ")
            ));
        }
        (false, true) => changes.additive(format!("types::{name} now implements Default")),
        _ => {}
    }
}
