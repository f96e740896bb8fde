//! Lowering of schemas to [`crate::ir::TypeDef`]s and [`crate::ir::TypeRef`]s.

use super::Lowerer;
use super::view::{View, view};
use crate::ident::{self, Namer};
use crate::ir::{
    Docs, EnumVariant, Field, OneOf, OneOfDecoding, OneOfVariant, Presence, Struct, TypeDef,
    TypeKind, TypeRef,
};
use crate::settings::AmbiguityPolicy;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use std::collections::BTreeSet;

/// A schema or a reference to one, wherever it came from.
#[derive(Clone, Copy)]
pub enum Src<'a> {
    Ref(&'a str),
    Schema(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Src<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Src::Ref(reference),
            ReferenceOr::Item(s) => Src::Schema(s),
        }
    }
}
impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Src<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Src::Ref(reference),
            ReferenceOr::Item(s) => Src::Schema(s),
        }
    }
}

/// The lowered form of a schema where it is used.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub ty: TypeRef,
    pub nullable: bool,
    pub docs: Docs,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
}

impl Resolved {
    fn plain(ty: TypeRef) -> Self {
        Resolved {
            ty,
            nullable: false,
            docs: Docs::default(),
            deprecated: false,
            read_only: false,
            write_only: false,
        }
    }
}

struct Prop<'a> {
    wire: String,
    src: Src<'a>,
    ptr: String,
    /// Component the property was declared in (for `secret_fields`).
    owner: String,
}

const COMPONENT_PREFIX: &str = "#/components/schemas/";
/// Longest chain of references followed before giving up.
const MAX_REF_CHAIN: usize = 128;

fn docs_of(s: &Schema) -> Docs {
    Docs {
        title: s.schema_data.title.clone(),
        summary: None,
        description: s.schema_data.description.clone(),
    }
}

fn upper_first(wire: &str) -> String {
    ident::type_name(wire)
}

impl<'a> Lowerer<'a> {
    /// Looks up `#/components/schemas/NAME`.
    pub(super) fn component_schema(
        &self,
        reference: &str,
    ) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let key = reference.strip_prefix(COMPONENT_PREFIX)?;
        let key = key.replace("~1", "/").replace("~0", "~");
        let comps = self.spec.document.components.as_ref()?;
        comps
            .schemas
            .get_key_value(&key)
            .map(|(k, v)| (k.as_str(), v))
    }

    /// Pre-assigns Rust names to every component schema, sorted by spec name, so names do
    /// not depend on the order in which schemas are reached.
    pub(super) fn name_components(&mut self) {
        let Some(comps) = self.spec.document.components.as_ref() else {
            return;
        };
        let mut keys: Vec<&String> = comps.schemas.keys().collect();
        keys.sort();
        // Exact spellings first, so `Token2` keeps its name and `Token_2` gets a suffix.
        keys.sort_by_key(|k| ident::type_name(k) != **k);
        for k in keys {
            let name = self.type_names.claim(&ident::type_name(k));
            self.component_names.insert(k.clone(), name);
        }
    }

    pub(super) fn lower_components(&mut self) {
        let Some(comps) = self.spec.document.components.as_ref() else {
            return;
        };
        let mut keys: Vec<&String> = comps.schemas.keys().collect();
        keys.sort();
        for k in keys {
            self.component(k);
        }
    }

    /// The lowered type of a component schema (memoised).
    fn component(&mut self, key: &str) -> Resolved {
        if let Some(r) = self.component_types.get(key) {
            return r.clone();
        }
        let name = self
            .component_names
            .get(key)
            .cloned()
            .unwrap_or_else(|| ident::type_name(key));
        // A component that becomes a named type needs no lowering to be referred to: its
        // name is known. It is lowered in its own turn, so long chains of references do
        // not recurse.
        if !self.in_progress.is_empty() {
            if let Some(ReferenceOr::Item(s)) = self
                .spec
                .document
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(key))
            {
                if becomes_named_type(s) {
                    let mut r = Resolved::plain(TypeRef::Named(name));
                    r.nullable = s.schema_data.nullable;
                    r.deprecated = s.schema_data.deprecated;
                    r.read_only = s.schema_data.read_only;
                    r.write_only = s.schema_data.write_only;
                    r.docs = docs_of(s);
                    return r;
                }
            }
        }
        if let Some(pos) = self.in_progress.iter().position(|k| k == key) {
            // Every schema on the cycle only refers on (a `$ref`, a one-branch oneOf, an
            // allOf of one reference): nothing would ever hold a value.
            let comps = self.spec.document.components.as_ref();
            let bare_ref = self.in_progress[pos..].iter().all(|k| {
                comps
                    .and_then(|c| c.schemas.get(k))
                    .is_some_and(only_refers)
            });
            if bare_ref {
                let mut chain = self.in_progress[pos..].to_vec();
                chain.push(key.to_string());
                // a schema moved into components for a pointer `$ref` is named by its place
                for k in &mut chain {
                    let at = crate::diagnostics::pointer(["components", "schemas", k.as_str()]);
                    let source = self.spec.source_pointer(&at);
                    if source != at {
                        *k = source;
                    }
                }
                let ptr = crate::diagnostics::pointer(["components", "schemas", key]);
                self.error(
                    &ptr,
                    format!(
                        "a cycle made only of $ref cannot be represented: {}",
                        chain.join(" → ")
                    ),
                );
                self.ref_cycle_reported = true;
                return Resolved::plain(TypeRef::Json);
            }
            // Recursion through a named type: the name is enough here; `finish` checks
            // that the type really exists.
            return Resolved::plain(TypeRef::Named(name));
        }
        let ptr = crate::diagnostics::pointer(["components", "schemas", key]);
        if self.in_progress.len() >= MAX_REF_CHAIN {
            if !self.all_of_depth_reported {
                self.all_of_depth_reported = true;
                self.error(
                    &ptr,
                    format!("references nest deeper than {MAX_REF_CHAIN} schemas (a chain of $ref from {} on); flatten the chain", self.in_progress[0]),
                );
            }
            return Resolved::plain(TypeRef::Json);
        }
        let Some(comps) = self.spec.document.components.as_ref() else {
            return Resolved::plain(TypeRef::Json);
        };
        let Some(schema) = comps.schemas.get(key) else {
            return Resolved::plain(TypeRef::Json);
        };
        self.in_progress.push(key.to_string());
        let resolved = match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.reference(reference, &ptr);
                if self.type_names.is_taken(&name) && !self.types.contains_key(&name) {
                    self.add_type(TypeDef {
                        name: name.clone(),
                        pointer: ptr.clone(),
                        docs: Docs::default(),
                        deprecated: false,
                        is_input: false,
                        kind: TypeKind::Alias(target.ty.clone()),
                    });
                }
                target
            }
            ReferenceOr::Item(s) => self.schema(s, &ptr, &name, Some(key)),
        };
        self.in_progress.pop();
        self.component_types
            .insert(key.to_string(), resolved.clone());
        resolved
    }

    /// Resolves a `$ref` to a schema.
    fn reference(&mut self, reference: &str, at: &str) -> Resolved {
        match self.component_schema(reference) {
            Some((key, _)) => self.component(key),
            None => {
                let why = crate::load::why_unresolved(&self.spec.raw, reference);
                self.error(at, format!("cannot resolve $ref {reference:?}: {why}"));
                Resolved::plain(TypeRef::Json)
            }
        }
    }

    /// Lowers a schema or reference found at `ptr`; inline named types are called `hint`.
    pub(super) fn src(&mut self, src: Src<'a>, ptr: &str, hint: &str) -> Resolved {
        match src {
            Src::Ref(r) => self.reference(r, ptr),
            Src::Schema(s) => {
                if let Some(r) = self.inline_cache.get(ptr) {
                    return r.clone();
                }
                let r = self.schema(s, ptr, hint, None);
                self.inline_cache.insert(ptr.to_string(), r.clone());
                r
            }
        }
    }

    fn add_type(&mut self, t: TypeDef) {
        self.types.insert(t.name.clone(), t);
    }

    fn inline_name(&mut self, hint: &str) -> String {
        self.type_names.claim(&ident::type_name(hint))
    }

    /// Lowers one schema. `component` is its key when it is a component schema, in which
    /// case `name` is already claimed for it.
    fn schema(
        &mut self,
        s: &'a Schema,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let v = view(s);
        let docs = docs_of(s);
        let nullable = s.schema_data.nullable;
        let deprecated = s.schema_data.deprecated;
        let out = |ty: TypeRef, docs: Docs| Resolved {
            ty,
            nullable,
            docs,
            deprecated,
            read_only: s.schema_data.read_only,
            write_only: s.schema_data.write_only,
        };

        if !v.all_of.is_empty() {
            let mut r = self.all_of(s, &v, ptr, name, component);
            r.nullable |= nullable;
            r.deprecated |= deprecated;
            r.read_only |= s.schema_data.read_only;
            if docs.description.is_some() {
                r.docs.description = docs.description.clone();
            }
            return r;
        }
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let (branches, key) = if v.one_of.is_empty() {
                (v.any_of, "anyOf")
            } else {
                (v.one_of, "oneOf")
            };
            if branches.len() == 1 {
                let mut r = self.src(Src::from(&branches[0]), &format!("{ptr}/{key}/0"), name);
                r.nullable |= nullable;
                if docs.description.is_some() {
                    r.docs.description = docs.description.clone();
                }
                if let Some(c) = component {
                    self.alias_if_unnamed(c, name, ptr, &r, &docs, deprecated);
                }
                return r;
            }
            let type_name = match component {
                Some(_) => name.to_string(),
                None => self.inline_name(name),
            };
            // The 3.1 way of documenting (and deprecating) enum values one by one.
            if let Some(variants) = string_constants(branches) {
                self.add_type(TypeDef {
                    name: type_name.clone(),
                    pointer: ptr.to_string(),
                    docs: docs.clone(),
                    deprecated,
                    is_input: false,
                    kind: TypeKind::StringEnum(variants),
                });
                return out(TypeRef::Named(type_name), docs);
            }
            self.one_of(s, branches, key, ptr, &type_name, component);
            return out(TypeRef::Named(type_name), docs);
        }
        if !v.enumeration.is_empty()
            && (v.ty == Some("string")
                || v.ty.is_none() && v.enumeration.iter().all(|e| e.is_string() || e.is_null()))
        {
            let type_name = match component {
                Some(_) => name.to_string(),
                None => self.inline_name(name),
            };
            let has_null = v.enumeration.iter().any(|e| e.is_null());
            let mut variants = Vec::new();
            let mut namer = Namer::with_reserved(&["Unknown"]);
            let mut seen = BTreeSet::new();
            for e in &v.enumeration {
                let Some(wire) = e.as_str() else { continue };
                if !seen.insert(wire.to_string()) {
                    continue;
                }
                variants.push(EnumVariant {
                    rust_name: namer.claim(&ident::type_name(wire)),
                    wire: wire.to_string(),
                    deprecated: false,
                    docs: Docs::default(),
                });
            }
            self.add_type(TypeDef {
                name: type_name.clone(),
                pointer: ptr.to_string(),
                docs: docs.clone(),
                deprecated,
                is_input: false,
                kind: TypeKind::StringEnum(variants),
            });
            let mut r = out(TypeRef::Named(type_name), docs);
            r.nullable |= has_null;
            return r;
        }
        if v.is_object_like() {
            let has_props = v.properties.is_some_and(|p| !p.is_empty());
            if has_props {
                let type_name = match component {
                    Some(_) => name.to_string(),
                    None => self.inline_name(name),
                };
                let owner = component
                    .map(str::to_string)
                    .unwrap_or_else(|| type_name.clone());
                let props = v
                    .properties
                    .into_iter()
                    .flatten()
                    .map(|(k, p)| Prop {
                        wire: k.clone(),
                        src: Src::from(p),
                        ptr: format!(
                            "{ptr}/properties/{}",
                            crate::diagnostics::escape_pointer_token(k)
                        ),
                        owner: owner.clone(),
                    })
                    .collect();
                let required = v.required.iter().cloned().collect();
                self.build_struct(
                    &type_name,
                    ptr,
                    props,
                    required,
                    v.additional,
                    docs.clone(),
                    deprecated,
                );
                return out(TypeRef::Named(type_name), docs);
            }
            let ty = match v.additional {
                Some(AdditionalProperties::Schema(inner)) => {
                    let inner_ptr = format!("{ptr}/additionalProperties");
                    let r = self.src(Src::from(&**inner), &inner_ptr, &format!("{name}Value"));
                    TypeRef::Map(Box::new(r.ty))
                }
                _ => TypeRef::JsonObject,
            };
            let r = out(ty, docs.clone());
            if let Some(c) = component {
                self.alias_if_unnamed(c, name, ptr, &r, &docs, deprecated);
            }
            return r;
        }
        let ty = match v.ty {
            // `prefixItems` with no further items: a tuple (see `load::json_schema`)
            Some("array") if self.spec.tuples.contains_key(ptr) => {
                let spec = self.spec;
                let elements = &spec.tuples[ptr];
                TypeRef::Tuple(
                    elements
                        .iter()
                        .enumerate()
                        .map(|(i, e)| {
                            let at = format!("{ptr}/prefixItems/{i}");
                            self.src(Src::from(e), &at, &format!("{name}Item{i}")).ty
                        })
                        .collect(),
                )
            }
            Some("array") => {
                let item = match v.items {
                    Some(items) => {
                        self.src(
                            Src::from(items),
                            &format!("{ptr}/items"),
                            &format!("{name}Item"),
                        )
                        .ty
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Vec(Box::new(item))
            }
            Some("string") => match v.format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some("binary") => TypeRef::Bytes,
                Some("password") => TypeRef::Secret,
                _ => TypeRef::String,
            },
            Some("integer") => match v.format.as_deref() {
                Some("int32") => TypeRef::I32,
                Some("uint32") => TypeRef::U32,
                Some("uint64") => TypeRef::U64,
                Some("int64") | None => TypeRef::I64,
                Some("uint8" | "uint16") => TypeRef::U32,
                Some("int8" | "int16") => TypeRef::I32,
                Some(other) => {
                    self.warn(
                        ptr,
                        format!("unknown integer format {other:?}: generated as i64"),
                    );
                    TypeRef::I64
                }
            },
            Some("number") => match v.format.as_deref() {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Some("boolean") => TypeRef::Bool,
            Some("null") | None => TypeRef::Json,
            Some(other) => {
                self.error(ptr, format!("unknown type {other:?}; expected one of string, integer, number, boolean, array, object"));
                TypeRef::Json
            }
        };
        let r = out(ty, docs.clone());
        if let Some(c) = component {
            self.alias_if_unnamed(c, name, ptr, &r, &docs, deprecated);
        }
        r
    }

    /// A component schema that lowers to an unnamed type still gets a `pub type` alias,
    /// so every component schema has its name in the generated crate.
    fn alias_if_unnamed(
        &mut self,
        _key: &str,
        name: &str,
        ptr: &str,
        r: &Resolved,
        docs: &Docs,
        deprecated: bool,
    ) {
        if matches!(&r.ty, TypeRef::Named(n) if n == name) || self.types.contains_key(name) {
            return;
        }
        if r.ty.mentions(name) {
            self.error(
                ptr,
                "a schema that contains itself without an object in between cannot be represented"
                    .to_string(),
            );
            return;
        }
        let ty = r.ty.clone();
        self.add_type(TypeDef {
            name: name.to_string(),
            pointer: ptr.to_string(),
            docs: docs.clone(),
            deprecated,
            is_input: false,
            kind: TypeKind::Alias(ty),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn build_struct(
        &mut self,
        type_name: &str,
        ptr: &str,
        props: Vec<Prop<'a>>,
        required: BTreeSet<String>,
        additional: Option<&'a AdditionalProperties>,
        docs: Docs,
        deprecated: bool,
    ) {
        // Reserve the name before descending so that recursion finds it.
        self.types
            .entry(type_name.to_string())
            .or_insert_with(|| TypeDef {
                name: type_name.to_string(),
                pointer: ptr.to_string(),
                docs: docs.clone(),
                deprecated,
                is_input: false,
                kind: TypeKind::Struct(Struct {
                    fields: Vec::new(),
                    additional: None,
                }),
            });
        let mut namer = Namer::default();
        let mut fields = Vec::new();
        for p in props {
            let hint = format!("{type_name}{}", upper_first(&p.wire));
            let mut r = self.src(p.src, &p.ptr, &hint);
            let is_required = required.contains(&p.wire);
            // A required write-only value never comes back: responses decode it with its
            // `Default`, or, for types without one, it is optional.
            let defaultable = !matches!(r.ty, TypeRef::Named(_) | TypeRef::Tuple(_));
            let presence = match (is_required, r.nullable) {
                (true, false) if r.write_only && !defaultable => Presence::Optional,
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let lowered = p.wire.to_ascii_lowercase();
            let configured = self
                .settings
                .secret_fields
                .contains(&format!("{}.{}", p.owner, p.wire))
                || self
                    .settings
                    .secret_fields
                    .contains(&format!("{type_name}.{}", p.wire));
            let named = lowered.contains("password") || lowered.contains("secret");
            let secret_by_name = r.ty == TypeRef::String && named && !configured;
            if r.ty == TypeRef::String && (configured || named) {
                r.ty = TypeRef::Secret;
            }
            let mut field_docs = r.docs.clone();
            field_docs.title = None;
            if let Src::Schema(s) = p.src {
                if s.schema_data.description.is_some() {
                    field_docs.description = s.schema_data.description.clone();
                }
            }
            fields.push(Field {
                rust_name: ident::claim_snake(&mut namer, &ident::snake_name(&p.wire)),
                wire_name: p.wire,
                ty: r.ty,
                presence,
                docs: field_docs,
                deprecated: r.deprecated,
                boxed: false,
                read_only: r.read_only,
                write_only: r.write_only,
                secret_by_name,
            });
        }
        let additional = match additional {
            Some(AdditionalProperties::Schema(inner)) => {
                let r = self.src(
                    Src::from(&**inner),
                    &format!("{ptr}/additionalProperties"),
                    &format!("{type_name}Value"),
                );
                Some(r.ty)
            }
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        };
        for req in &required {
            if !fields.iter().any(|f| &f.wire_name == req) {
                self.warn(
                    ptr,
                    format!(
                        "`required` lists {req:?}, which is not among the properties; it is ignored"
                    ),
                );
            }
        }
        self.types.insert(
            type_name.to_string(),
            TypeDef {
                name: type_name.to_string(),
                pointer: ptr.to_string(),
                docs,
                deprecated,
                is_input: false,
                kind: TypeKind::Struct(Struct { fields, additional }),
            },
        );
    }

    /// Merges `allOf` parts: later parts override earlier ones property by property, so
    /// every wire name appears once (Gcore's `TokenResponse` redefines `client_user`).
    fn all_of(
        &mut self,
        s: &'a Schema,
        v: &View<'a>,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        // `allOf: [$ref, {example: …}]` only annotates one schema: it is that schema.
        if let (Some((i, reference)), None) =
            (single_ref(v), v.properties.filter(|p| !p.is_empty()))
        {
            let mut r = self.reference(reference, &format!("{ptr}/allOf/{i}"));
            if let Some(d) = &s.schema_data.description {
                r.docs.description = Some(d.clone());
            }
            if let Some(c) = component {
                let docs = r.docs.clone();
                self.alias_if_unnamed(c, name, ptr, &r, &docs, s.schema_data.deprecated);
            }
            return r;
        }
        let mut props: Vec<Prop<'a>> = Vec::new();
        let mut required = BTreeSet::new();
        let mut additional = None;
        let mut others: Vec<(Src<'a>, String)> = Vec::new();
        let mut docs = docs_of(s);
        let owner = component
            .map(str::to_string)
            .unwrap_or_else(|| name.to_string());
        let mut seen_refs = BTreeSet::new();
        self.collect_all_of(
            v.all_of,
            ptr,
            &owner,
            &mut props,
            &mut required,
            &mut additional,
            &mut others,
            &mut docs,
            &mut seen_refs,
            0,
        );
        if let Some(extra) = v.properties.filter(|p| !p.is_empty()) {
            for (k, p) in extra {
                props.retain(|x| &x.wire != k);
                props.push(Prop {
                    wire: k.clone(),
                    src: Src::from(p),
                    ptr: format!(
                        "{ptr}/properties/{}",
                        crate::diagnostics::escape_pointer_token(k)
                    ),
                    owner: owner.clone(),
                });
            }
            required.extend(v.required.iter().cloned());
        }
        if props.is_empty() && others.len() == 1 {
            let (src, p) = others.remove(0);
            let mut r = self.src(src, &p, name);
            if docs.description.is_some() {
                r.docs.description = docs.description.clone();
            }
            if let Some(c) = component {
                self.alias_if_unnamed(c, name, ptr, &r, &docs, s.schema_data.deprecated);
            }
            return r;
        }
        if !others.is_empty() {
            self.warn(
                ptr,
                "allOf mixes an object with a non-object schema; only the object properties are generated".to_string(),
            );
        }
        let type_name = match component {
            Some(_) => name.to_string(),
            None => self.inline_name(name),
        };
        if props.is_empty() && additional.is_none() {
            let r = Resolved {
                docs: docs.clone(),
                ..Resolved::plain(TypeRef::JsonObject)
            };
            if let Some(c) = component {
                self.alias_if_unnamed(c, name, ptr, &r, &docs, s.schema_data.deprecated);
            }
            return r;
        }
        self.build_struct(
            &type_name,
            ptr,
            props,
            required,
            additional,
            docs.clone(),
            s.schema_data.deprecated,
        );
        Resolved {
            docs,
            ..Resolved::plain(TypeRef::Named(type_name))
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_all_of(
        &mut self,
        parts: &'a [ReferenceOr<Schema>],
        ptr: &str,
        owner: &str,
        props: &mut Vec<Prop<'a>>,
        required: &mut BTreeSet<String>,
        additional: &mut Option<&'a AdditionalProperties>,
        others: &mut Vec<(Src<'a>, String)>,
        docs: &mut Docs,
        seen_refs: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > MAX_REF_CHAIN {
            // once: every schema of a long chain would hit the same bound
            if !self.all_of_depth_reported {
                self.all_of_depth_reported = true;
                self.error(
                    ptr,
                    format!("allOf nests deeper than {MAX_REF_CHAIN} levels (through $ref or inline parts); flatten the chain"),
                );
            }
            return;
        }
        for (i, part) in parts.iter().enumerate() {
            let part_ptr = format!("{ptr}/allOf/{i}");
            let (schema, schema_ptr, part_owner) = match part {
                ReferenceOr::Reference { reference } => match self.component_schema(reference) {
                    Some((key, ReferenceOr::Item(target))) => {
                        if !seen_refs.insert(key.to_string()) {
                            self.error(
                                &part_ptr,
                                format!("allOf includes {reference:?} in a cycle"),
                            );
                            continue;
                        }
                        let target_view = view(target);
                        if !target_view.is_object_like() && target_view.all_of.is_empty() {
                            others.push((Src::Ref(reference), part_ptr));
                            seen_refs.remove(key);
                            continue;
                        }
                        (
                            target,
                            crate::diagnostics::pointer(["components", "schemas", key]),
                            key.to_string(),
                        )
                    }
                    _ => {
                        others.push((Src::Ref(reference), part_ptr));
                        continue;
                    }
                },
                ReferenceOr::Item(s) => (s, part_ptr.clone(), owner.to_string()),
            };
            let pv = view(schema);
            if !pv.all_of.is_empty() {
                self.collect_all_of(
                    pv.all_of,
                    &schema_ptr,
                    &part_owner,
                    props,
                    required,
                    additional,
                    others,
                    docs,
                    seen_refs,
                    depth + 1,
                );
            }
            if pv.is_annotation_only() {
                if matches!(part, ReferenceOr::Item(_))
                    && schema.schema_data.description.is_some()
                    && docs.description.is_none()
                {
                    docs.description = schema.schema_data.description.clone();
                }
                continue;
            }
            if pv.is_object_like() {
                for (k, p) in pv.properties.into_iter().flatten() {
                    let prop = Prop {
                        wire: k.clone(),
                        src: Src::from(p),
                        ptr: format!(
                            "{schema_ptr}/properties/{}",
                            crate::diagnostics::escape_pointer_token(k)
                        ),
                        owner: part_owner.clone(),
                    };
                    // A later part overrides in place: one field per wire name.
                    match props.iter_mut().find(|x| &x.wire == k) {
                        Some(existing) => *existing = prop,
                        None => props.push(prop),
                    }
                }
                required.extend(pv.required.iter().cloned());
                if pv.additional.is_some() {
                    *additional = pv.additional;
                }
                if docs.description.is_none() {
                    docs.description = schema.schema_data.description.clone();
                }
            } else if pv.all_of.is_empty() {
                others.push((
                    match part {
                        ReferenceOr::Reference { reference } => Src::Ref(reference),
                        ReferenceOr::Item(s) => Src::Schema(s),
                    },
                    schema_ptr,
                ));
            }
            if let ReferenceOr::Reference { reference } = part {
                if let Some((key, _)) = self.component_schema(reference) {
                    seen_refs.remove(key);
                }
            }
        }
    }

    fn one_of(
        &mut self,
        s: &'a Schema,
        branches: &'a [ReferenceOr<Schema>],
        key: &str,
        ptr: &str,
        type_name: &str,
        component: Option<&str>,
    ) {
        self.types
            .entry(type_name.to_string())
            .or_insert_with(|| TypeDef {
                name: type_name.to_string(),
                pointer: ptr.to_string(),
                docs: docs_of(s),
                deprecated: s.schema_data.deprecated,
                is_input: false,
                kind: TypeKind::OneOf(OneOf {
                    variants: Vec::new(),
                    how: OneOfDecoding::ByShape {
                        ambiguous: Vec::new(),
                    },
                    try_order: Vec::new(),
                }),
            });
        let mut namer = Namer::with_reserved(&["Other"]);
        let mut variants = Vec::new();
        let mut shapes = Vec::new();
        let mut titles = Vec::new();
        let discriminator = s.schema_data.discriminator.as_ref();
        for (i, b) in branches.iter().enumerate() {
            let bptr = format!("{ptr}/{key}/{i}");
            // A title written on the branch itself names the variant before the name of
            // the schema it refers to: `{title: Invalid role, allOf: [$ref: FieldErrors]}`.
            let own_title = match b {
                ReferenceOr::Item(s) => s.schema_data.title.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            let (title, ref_name) = match b {
                ReferenceOr::Reference { reference } => {
                    let target = self.component_schema(reference);
                    let title = target.and_then(|(_, t)| match t {
                        ReferenceOr::Item(t) => t.schema_data.title.clone(),
                        _ => None,
                    });
                    (
                        title,
                        target.and_then(|(k, _)| self.component_names.get(k).cloned()),
                    )
                }
                ReferenceOr::Item(s) => match single_ref(&view(s)) {
                    Some((_, reference)) => {
                        let target = self.component_schema(reference);
                        let title = s.schema_data.title.clone().or_else(|| {
                            target.and_then(|(_, t)| match t {
                                ReferenceOr::Item(t) => t.schema_data.title.clone(),
                                _ => None,
                            })
                        });
                        (
                            title,
                            target.and_then(|(k, _)| self.component_names.get(k).cloned()),
                        )
                    }
                    None => (s.schema_data.title.clone(), None),
                },
            };
            let base = match (&title, &ref_name) {
                (Some(t), _) if self.settings.variant_names.contains_key(t) => {
                    self.settings.variant_names[t].clone()
                }
                (Some(t), _) if own_title.is_some() => ident::type_name(t),
                (_, Some(r)) => r.clone(),
                (Some(t), None) => ident::type_name(t),
                (None, None) => format!("Variant{}", i + 1),
            };
            let rust_name = namer.claim(&base);
            let r = self.src(Src::from(b), &bptr, &format!("{type_name}{rust_name}"));
            let tag = discriminator.map(|d| {
                let target = match b {
                    ReferenceOr::Reference { reference } => reference.clone(),
                    ReferenceOr::Item(_) => String::new(),
                };
                d.mapping
                    .iter()
                    .find(|(_, v)| **v == target || target.ends_with(&format!("/{v}")))
                    .map(|(k, _)| k.clone())
                    .unwrap_or_else(|| target.rsplit('/').next().unwrap_or_default().to_string())
            });
            // Strings of a checked format (`uuid` beside a free-form name) are told apart
            // by checking the format when decoding.
            let format = self.checked_format(Src::from(b), 0);
            let shape = self.shape(Src::from(b), 0);
            shapes.push(match &format {
                Some(f) => format!("{shape}:{f}"),
                None => shape,
            });
            titles.push(title.clone().unwrap_or_else(|| rust_name.clone()));
            variants.push(OneOfVariant {
                rust_name,
                ty: r.ty,
                docs: Docs {
                    title: None,
                    summary: title,
                    description: r.docs.description,
                },
                tag,
                format,
            });
        }
        // Most specific first.
        let mut try_order: Vec<usize> = (0..variants.len()).collect();
        try_order.sort_by_key(|&i| std::cmp::Reverse(specificity(&shapes[i])));

        let how = if let Some(d) = discriminator {
            OneOfDecoding::Tagged {
                property: d.property_name.clone(),
            }
        } else {
            let groups = ambiguous_groups(&shapes);
            let spec_name = component.unwrap_or(type_name);
            if groups.is_empty() {
                OneOfDecoding::ByShape {
                    ambiguous: Vec::new(),
                }
            } else if let Some(rule) = self.settings.content_rules.get(spec_name) {
                let mut prefixes = Vec::new();
                for (title, prefix) in &rule.prefixes {
                    match titles.iter().position(|t| t == title) {
                        Some(i) => prefixes.push((prefix.clone(), i)),
                        None => self.error(
                            ptr,
                            format!("the content rule names a variant titled {title:?}, but the oneOf has only {titles:?}"),
                        ),
                    }
                }
                OneOfDecoding::ByContent {
                    pointer: rule.pointer.clone(),
                    prefixes,
                }
            } else {
                let described: Vec<String> = groups
                    .iter()
                    .map(|g| {
                        g.iter()
                            .map(|&i| format!("{:?}", titles[i]))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    })
                    .collect();
                let message = format!(
                    "oneOf variants {} have the same shape, so a response cannot be told apart by its structure; \
                     configure a content rule for {spec_name:?} in the generator settings",
                    described.join("; ")
                );
                if self.settings.ambiguous_one_of == AmbiguityPolicy::Error
                    && !self.settings.ambiguity_accepted.contains(spec_name)
                {
                    self.error(ptr, message);
                } else {
                    self.warn(
                        ptr,
                        format!("{message}; such values decode to `{type_name}::Other`"),
                    );
                }
                OneOfDecoding::ByShape { ambiguous: groups }
            }
        };
        self.types.insert(
            type_name.to_string(),
            TypeDef {
                name: type_name.to_string(),
                pointer: ptr.to_string(),
                docs: docs_of(s),
                deprecated: s.schema_data.deprecated,
                is_input: false,
                kind: TypeKind::OneOf(OneOf {
                    variants,
                    how,
                    try_order,
                }),
            },
        );
    }

    /// A canonical description of what values a schema accepts, without docs, titles or
    /// examples: equal shapes cannot be told apart.
    /// The format of a variant that is a string of a format the generated decoder checks
    /// (through `$ref`s and one-part `allOf`s, not inside objects or lists).
    fn checked_format(&self, src: Src<'a>, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        let s = match src {
            Src::Ref(r) => {
                return self.checked_format(Src::from(self.component_schema(r)?.1), depth + 1);
            }
            Src::Schema(s) => s,
        };
        let v = view(s);
        let typed: Vec<&ReferenceOr<Schema>> = v
            .all_of
            .iter()
            .filter(|p| match p {
                ReferenceOr::Item(s) => !view(s).is_annotation_only(),
                _ => true,
            })
            .collect();
        if let [only] = typed.as_slice() {
            return self.checked_format(Src::from(*only), depth + 1);
        }
        match (v.ty, v.format.as_deref()) {
            (Some("string"), Some(f)) if CHECKED_FORMATS.contains(&f) => Some(f.to_string()),
            _ => None,
        }
    }

    fn shape(&self, src: Src<'a>, depth: usize) -> String {
        if depth > 8 {
            return "…".to_string();
        }
        let s = match src {
            Src::Ref(r) => match self.component_schema(r) {
                Some((_, target)) => return self.shape(Src::from(target), depth + 1),
                None => return "any".to_string(),
            },
            Src::Schema(s) => s,
        };
        let v = view(s);
        if !v.all_of.is_empty() {
            let parts: Vec<String> = v
                .all_of
                .iter()
                .filter(|p| match p {
                    ReferenceOr::Item(s) => !view(s).is_annotation_only(),
                    _ => true,
                })
                .map(|p| self.shape(Src::from(p), depth + 1))
                .collect();
            return if parts.len() == 1 {
                parts[0].clone()
            } else {
                format!("all({})", parts.join(","))
            };
        }
        let branches = if v.one_of.is_empty() {
            v.any_of
        } else {
            v.one_of
        };
        if !branches.is_empty() {
            let parts: Vec<String> = branches
                .iter()
                .map(|p| self.shape(Src::from(p), depth + 1))
                .collect();
            return format!("one({})", parts.join(","));
        }
        if !v.enumeration.is_empty() {
            let mut vals: Vec<String> = v.enumeration.iter().map(|e| e.to_string()).collect();
            vals.sort();
            return format!("enum({})", vals.join(","));
        }
        if v.is_object_like() {
            let props = v.properties.filter(|p| !p.is_empty());
            return match (props, v.additional) {
                (Some(props), _) => {
                    let mut parts: Vec<String> = props
                        .iter()
                        .map(|(k, p)| format!("{k}:{}", self.shape(Src::from(p), depth + 1)))
                        .collect();
                    parts.sort();
                    format!("obj{{{}}}", parts.join(","))
                }
                (None, Some(AdditionalProperties::Schema(inner))) => {
                    format!("map({})", self.shape(Src::from(&**inner), depth + 1))
                }
                _ => "obj*".to_string(),
            };
        }
        match v.ty {
            Some("array") => format!(
                "arr({})",
                v.items
                    .map(|i| self.shape(Src::from(i), depth + 1))
                    .unwrap_or_else(|| "any".into())
            ),
            Some("string") => "str".into(),
            Some("integer") => "int".into(),
            Some("number") => "num".into(),
            Some("boolean") => "bool".into(),
            _ => "any".into(),
        }
    }
}

/// String formats the generated `oneOf` decoders check (`runtime::format_matches`).
const CHECKED_FORMATS: &[&str] = &["uuid", "ipv4", "ipv6", "date-time", "date"];

/// Whether [`Lowerer::schema`] turns this schema into a named type (struct, enum, oneOf)
/// rather than a primitive, list, map or alias. Conservative: `false` only costs recursion.
fn becomes_named_type(s: &Schema) -> bool {
    let v = view(s);
    if !v.all_of.is_empty() {
        return false;
    }
    let branches = if v.one_of.is_empty() {
        v.any_of
    } else {
        v.one_of
    };
    if !branches.is_empty() {
        return branches.len() > 1;
    }
    if !v.enumeration.is_empty() {
        return v.ty == Some("string")
            || v.ty.is_none() && v.enumeration.iter().all(|e| e.is_string() || e.is_null());
    }
    v.is_object_like() && v.properties.is_some_and(|p| !p.is_empty())
}

/// A schema that only refers to another: `$ref`, a `oneOf`/`anyOf` of one branch, an `allOf`
/// of one reference, with no properties of its own.
fn only_refers(s: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(s) = s else { return true };
    let v = view(s);
    if v.properties.is_some_and(|p| !p.is_empty()) {
        return false;
    }
    v.one_of.len() == 1 && v.any_of.is_empty()
        || v.any_of.len() == 1 && v.one_of.is_empty()
        || v.one_of.is_empty()
            && v.any_of.is_empty()
            && single_ref(&v).is_some()
            && v.all_of.len() == 1
}

/// `oneOf: [{const: "a", title, deprecated}, …]` (every branch an inline string constant,
/// `const` already read as a one-value `enum`) → the variants of a string enum.
fn string_constants(branches: &[ReferenceOr<Schema>]) -> Option<Vec<EnumVariant>> {
    let mut namer = Namer::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for b in branches {
        let ReferenceOr::Item(b) = b else { return None };
        let v = view(b);
        let [serde_json::Value::String(wire)] = v.enumeration.as_slice() else {
            return None;
        };
        if !matches!(v.ty, None | Some("string")) || !seen.insert(wire.clone()) {
            return None;
        }
        variants.push(EnumVariant {
            rust_name: namer.claim(&ident::type_name(wire)),
            wire: wire.clone(),
            deprecated: b.schema_data.deprecated,
            docs: docs_of(b),
        });
    }
    Some(variants)
}

/// `allOf` whose only typed part is one `$ref` (the others only annotate): that reference.
fn single_ref<'v>(v: &View<'v>) -> Option<(usize, &'v str)> {
    let mut typed = v.all_of.iter().enumerate().filter(|(_, p)| match p {
        ReferenceOr::Item(s) => !view(s).is_annotation_only(),
        ReferenceOr::Reference { .. } => true,
    });
    let first = typed.next()?;
    if typed.next().is_some() {
        return None;
    }
    match first.1 {
        ReferenceOr::Reference { reference } => Some((first.0, reference.as_str())),
        ReferenceOr::Item(_) => None,
    }
}

fn specificity(shape: &str) -> i64 {
    let count = |pat: &str| shape.matches(pat).count() as i64;
    count("enum(") * 4 + count(":") * 2 - count("map(") - count("obj*") * 3 - count("any") * 3
}

/// Groups of variant indices whose shapes cannot be told apart: equal shapes, or a
/// free-form object/any beside another object.
fn ambiguous_groups(shapes: &[String]) -> Vec<Vec<usize>> {
    let overlaps = |a: &str, b: &str| {
        a == b
            || a == "any"
            || b == "any"
            || (a == "obj*" && (b.starts_with("obj") || b.starts_with("map(")))
            || (b == "obj*" && (a.starts_with("obj") || a.starts_with("map(")))
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..shapes.len() {
        for j in (i + 1)..shapes.len() {
            if overlaps(&shapes[i], &shapes[j]) {
                match groups.iter_mut().find(|g| g.contains(&i) || g.contains(&j)) {
                    Some(g) => {
                        for k in [i, j] {
                            if !g.contains(&k) {
                                g.push(k);
                            }
                        }
                    }
                    None => groups.push(vec![i, j]),
                }
            }
        }
    }
    for g in &mut groups {
        g.sort();
    }
    groups
}

impl TypeRef {
    /// Whether this type mentions the named type anywhere.
    pub fn mentions(&self, name: &str) -> bool {
        match self {
            TypeRef::Named(n) => n == name,
            TypeRef::Vec(inner) | TypeRef::Map(inner) => inner.mentions(name),
            TypeRef::Tuple(elements) => elements.iter().any(|e| e.mentions(name)),
            _ => false,
        }
    }
}
