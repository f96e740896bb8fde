//! What changed for the users of a generated crate between two versions of a spec: a
//! machine-readable [`ApiSummary`] of the Rust API surface, and a [`diff`] of two of them
//! whose every line says whether it breaks Rust code that uses the crate.
//!
//! Classification follows what the generated code looks like: structs, string enums,
//! oneOf enums and error enums are `#[non_exhaustive]` (new fields and variants are
//! additive); request types are built with `new(required…)` (a new required field breaks
//! it); required parameters are method arguments (a new one breaks callers), optional ones
//! builder methods (additive).

use crate::ir::{self, Presence, TypeKind, TypeRef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The Rust API surface of a generated crate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiSummary {
    pub spec_version: String,
    pub spec_sha256: String,
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
    /// Method arguments, in order: `client_id: i64`, `body: Token2`.
    pub arguments: Vec<String>,
    /// Builder methods for optional parameters: `role: String`.
    pub optional: Vec<String>,
    /// The success type.
    pub returns: String,
    /// Error variants: `BadRequest(CreateTokenError)`.
    pub errors: Vec<String>,
    pub deprecated: Option<DeprecationSummary>,
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
        /// Used in requests: built with `new(required fields)`.
        input: bool,
        /// Keyed by wire name: `Option<String>` etc. as the field's Rust type.
        fields: BTreeMap<String, FieldSummary>,
    },
    Enum {
        values: Vec<String>,
    },
    OneOf {
        variants: Vec<String>,
    },
    Alias {
        target: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSummary {
    pub rust_name: String,
    /// The field's Rust type, presence included (`Option<String>`, `Nullable<i64>`).
    pub ty: String,
    pub required: bool,
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
        TypeRef::JsonObject => "serde_json::Map".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Vec(i) => format!("Vec<{}>", type_str(i)),
        TypeRef::Map(i) => format!("BTreeMap<String, {}>", type_str(i)),
    }
}

impl ApiSummary {
    pub fn from_api(api: &ir::Api) -> ApiSummary {
        let mut operations = BTreeMap::new();
        for op in &api.operations {
            let mut arguments: Vec<String> = op
                .params
                .iter()
                .filter(|p| p.required)
                .map(|p| format!("{}: {}", p.rust_name, type_str(&p.ty)))
                .collect();
            if let Some(b) = &op.body {
                arguments.push(format!("body: {}", type_str(&b.ty)));
            }
            let optional = op
                .params
                .iter()
                .filter(|p| !p.required)
                .map(|p| format!("{}: {}", p.rust_name, type_str(&p.ty)))
                .collect();
            let returns = {
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
            };
            let errors = op
                .errors
                .iter()
                .map(|e| match &e.ty {
                    Some(t) if e.encoding != ir::ResponseEncoding::Empty => {
                        format!("{}({})", e.variant, type_str(t))
                    }
                    _ => e.variant.clone(),
                })
                .collect();
            let deprecated = op.deprecation.as_ref().map(|d| DeprecationSummary {
                removal_date: d.removal_date.clone(),
                replacement: d.replacement.as_ref().map(|(_, m)| m.clone()),
            });
            operations.insert(
                op.method_name.clone(),
                OperationSummary {
                    operation_id: op.operation_id.clone(),
                    endpoint: format!("{} {}", op.http_method, op.path),
                    arguments,
                    optional,
                    returns,
                    errors,
                    deprecated,
                },
            );
        }
        let mut types = BTreeMap::new();
        for t in &api.types {
            let summary = match &t.kind {
                TypeKind::Struct(s) => TypeSummary::Struct {
                    input: t.is_input,
                    fields: s
                        .fields
                        .iter()
                        .map(|f| {
                            let inner = type_str(&f.ty);
                            let ty = match f.presence {
                                Presence::Required => inner,
                                Presence::RequiredNullable | Presence::Optional => {
                                    format!("Option<{inner}>")
                                }
                                Presence::OptionalNullable => format!("Nullable<{inner}>"),
                            };
                            let required = matches!(
                                f.presence,
                                Presence::Required | Presence::RequiredNullable
                            );
                            (
                                f.wire_name.clone(),
                                FieldSummary {
                                    rust_name: f.rust_name.clone(),
                                    ty,
                                    required,
                                },
                            )
                        })
                        .collect(),
                },
                TypeKind::StringEnum(vs) => TypeSummary::Enum {
                    values: vs.iter().map(|v| v.wire.clone()).collect(),
                },
                TypeKind::OneOf(o) => TypeSummary::OneOf {
                    variants: o
                        .variants
                        .iter()
                        .map(|v| format!("{}({})", v.rust_name, type_str(&v.ty)))
                        .collect(),
                },
                TypeKind::Alias(target) => TypeSummary::Alias {
                    target: type_str(target),
                },
            };
            types.insert(t.name.clone(), summary);
        }
        ApiSummary {
            spec_version: api.spec_version.clone(),
            spec_sha256: api.sha256.clone(),
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

    pub fn from_json(text: &str) -> Result<ApiSummary, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
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

impl Report {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    /// The semver bump the changes call for, for a crate at `crate_version`.
    pub fn suggested_bump(&self, crate_version: &str) -> &'static str {
        let pre_1 = crate_version.starts_with("0.");
        match (self.has_breaking(), self.is_empty()) {
            (_, true) => "none",
            (true, _) if pre_1 => "minor (0.x: a breaking change bumps the minor version)",
            (true, _) => "major",
            (false, _) if pre_1 => "patch (0.x: additions bump the patch version)",
            (false, _) => "minor",
        }
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

/// Compares two API summaries.
pub fn diff(old: &ApiSummary, new: &ApiSummary) -> Report {
    let mut changes = Vec::new();
    let mut push = |impact: Impact, text: String| changes.push(Change { impact, text });

    for (name, o) in &old.operations {
        match new.operations.get(name) {
            None => push(
                Impact::Breaking,
                format!("operation removed: Client::{name} ({})", o.endpoint),
            ),
            Some(n) => {
                if o.arguments != n.arguments {
                    push(
                        Impact::Breaking,
                        format!(
                            "operation signature changed: Client::{name}({}) -> Client::{name}({})",
                            o.arguments.join(", "),
                            n.arguments.join(", ")
                        ),
                    );
                }
                for opt in &o.optional {
                    if !n.optional.contains(opt) {
                        push(
                            Impact::Breaking,
                            format!("optional parameter removed or changed: Client::{name} .{opt}"),
                        );
                    }
                }
                for opt in &n.optional {
                    if !o.optional.contains(opt) {
                        push(
                            Impact::Additive,
                            format!("optional parameter added: Client::{name} .{opt}"),
                        );
                    }
                }
                if o.returns != n.returns {
                    push(
                        Impact::Breaking,
                        format!(
                            "return type changed: Client::{name} returns {} instead of {}",
                            n.returns, o.returns
                        ),
                    );
                }
                for e in &n.errors {
                    if !o.errors.contains(e) {
                        push(
                            Impact::Additive,
                            format!("new error variant: {}Error::{e}", upper(name)),
                        );
                    }
                }
                for e in &o.errors {
                    if !n.errors.contains(e) {
                        push(
                            Impact::Breaking,
                            format!(
                                "error variant removed or changed: {}Error::{e}",
                                upper(name)
                            ),
                        );
                    }
                }
                if o.endpoint != n.endpoint {
                    push(
                        Impact::Additive,
                        format!(
                            "Client::{name} now sends {} (was {})",
                            n.endpoint, o.endpoint
                        ),
                    );
                }
                match (&o.deprecated, &n.deprecated) {
                    (None, Some(d)) => {
                        let mut text = format!(
                            "operation newly deprecated: Client::{name} ({})",
                            n.endpoint
                        );
                        if let Some(date) = &d.removal_date {
                            text.push_str(&format!(", removal on {date}"));
                        }
                        if let Some(r) = &d.replacement {
                            text.push_str(&format!(", use Client::{r}"));
                        }
                        push(Impact::Additive, text);
                    }
                    (Some(_), None) => push(
                        Impact::Additive,
                        format!("operation no longer deprecated: Client::{name}"),
                    ),
                    _ => {}
                }
            }
        }
    }
    for (name, n) in &new.operations {
        if !old.operations.contains_key(name) {
            push(
                Impact::Additive,
                format!("operation added: Client::{name} ({})", n.endpoint),
            );
        }
    }

    for (name, o) in &old.types {
        let Some(n) = new.types.get(name) else {
            push(Impact::Breaking, format!("type removed: types::{name}"));
            continue;
        };
        match (o, n) {
            (TypeSummary::Struct { fields: of, .. }, TypeSummary::Struct { fields: nf, input }) => {
                for (wire, f) in of {
                    match nf.get(wire) {
                        None => push(
                            Impact::Breaking,
                            format!("field removed: types::{name}.{} ({wire})", f.rust_name),
                        ),
                        Some(g) if g.ty != f.ty || g.rust_name != f.rust_name => push(
                            Impact::Breaking,
                            format!(
                                "field changed: types::{name}.{}: {} -> {}",
                                f.rust_name, f.ty, g.ty
                            ),
                        ),
                        Some(g) if *input && g.required && !f.required => push(
                            Impact::Breaking,
                            format!(
                                "request field now required: types::{name}.{} ({name}::new takes it)",
                                g.rust_name
                            ),
                        ),
                        _ => {}
                    }
                }
                for (wire, g) in nf {
                    if !of.contains_key(wire) {
                        if *input && g.required {
                            push(
                                Impact::Breaking,
                                format!(
                                    "new required request field: types::{name}.{}: {} ({name}::new takes it)",
                                    g.rust_name, g.ty
                                ),
                            );
                        } else {
                            push(
                                Impact::Additive,
                                format!("field added: types::{name}.{}: {}", g.rust_name, g.ty),
                            );
                        }
                    }
                }
            }
            (TypeSummary::Enum { values: ov }, TypeSummary::Enum { values: nv }) => {
                for v in nv {
                    if !ov.contains(v) {
                        push(
                            Impact::Additive,
                            format!("new enum value: types::{name} {v:?}"),
                        );
                    }
                }
                for v in ov {
                    if !nv.contains(v) {
                        push(
                            Impact::Breaking,
                            format!("enum value removed: types::{name} {v:?}"),
                        );
                    }
                }
            }
            (TypeSummary::OneOf { variants: ov }, TypeSummary::OneOf { variants: nv }) => {
                for v in nv {
                    if !ov.contains(v) {
                        push(Impact::Additive, format!("new variant: types::{name}::{v}"));
                    }
                }
                for v in ov {
                    if !nv.contains(v) {
                        push(
                            Impact::Breaking,
                            format!("variant removed or changed: types::{name}::{v}"),
                        );
                    }
                }
            }
            (TypeSummary::Alias { target: ot }, TypeSummary::Alias { target: nt }) if ot != nt => {
                push(
                    Impact::Breaking,
                    format!("type changed: types::{name} = {nt} (was {ot})"),
                );
            }
            (TypeSummary::Alias { .. }, TypeSummary::Alias { .. }) => {}
            _ => push(
                Impact::Breaking,
                format!("type changed kind: types::{name}"),
            ),
        }
    }
    for (name, n) in &new.types {
        if !old.types.contains_key(name) {
            let kind = match n {
                TypeSummary::Struct { .. } => "struct",
                TypeSummary::Enum { .. } => "enum",
                TypeSummary::OneOf { .. } => "enum",
                TypeSummary::Alias { .. } => "type alias",
            };
            push(
                Impact::Additive,
                format!("type added: types::{name} ({kind})"),
            );
        }
    }
    changes.sort_by_key(|c| c.impact);
    Report {
        changes,
        old_version: old.spec_version.clone(),
        new_version: new.spec_version.clone(),
    }
}

fn upper(method: &str) -> String {
    crate::ident::type_name(method)
}
