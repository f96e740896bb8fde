//! Lowering of schemas to [`crate::ir::TypeDef`]s and [`crate::ir::TypeRef`]s.

use super::Lowerer;
use super::shape::{self, Extra, Obj as ShapeObj, Prop as ShapeProp, Shape};
use super::view::{View, view};
use crate::ident::{self, Namer};
use crate::ir::{
    Docs, EnumVariant, Field, OneOf, OneOfDecoding, OneOfVariant, Presence, Struct, TypeDef,
    TypeKind, TypeRef,
};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use std::collections::{BTreeMap, BTreeSet};

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

/// `allOf` parts merged so far.
struct Merged<'a> {
    /// One per wire name, in the order first declared.
    props: Vec<Prop<'a>>,
    required: BTreeSet<String>,
    additional: Option<&'a AdditionalProperties>,
    /// Parts that are not objects, with their pointers.
    others: Vec<(Src<'a>, String)>,
    docs: Docs,
}

impl<'a> Merged<'a> {
    /// Adds one part (already resolved to `schema`, viewed as `pv`): an annotation-only
    /// inline part gives its description, an object its properties (overriding in place),
    /// `required` and `additionalProperties`; anything else but a nested `allOf` is one of
    /// the `others`.
    fn add_part(
        &mut self,
        part: &'a ReferenceOr<Schema>,
        schema: &'a Schema,
        pv: &View<'a>,
        schema_ptr: String,
        part_owner: String,
    ) {
        if pv.is_annotation_only() {
            if matches!(part, ReferenceOr::Item(_))
                && schema.schema_data.description.is_some()
                && self.docs.description.is_none()
            {
                self.docs.description = schema.schema_data.description.clone();
            }
            return;
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
                match self.props.iter_mut().find(|x| &x.wire == k) {
                    Some(existing) => *existing = prop,
                    None => self.props.push(prop),
                }
            }
            self.required.extend(pv.required.iter().cloned());
            if pv.additional.is_some() {
                self.additional = pv.additional;
            }
            if self.docs.description.is_none() {
                self.docs.description = schema.schema_data.description.clone();
            }
        } else if pv.all_of.is_empty() {
            self.others.push((Src::from(part), schema_ptr));
        }
    }

    /// The `allOf` schema's own `properties` (beside its `allOf`) come last and override
    /// the parts', moved to the end; its `required` adds to theirs.
    fn add_own_properties(&mut self, v: &View<'a>, ptr: &str, owner: &str) {
        let Some(extra) = v.properties.filter(|p| !p.is_empty()) else {
            return;
        };
        for (k, p) in extra {
            self.props.retain(|x| &x.wire != k);
            self.props.push(Prop {
                wire: k.clone(),
                src: Src::from(p),
                ptr: format!(
                    "{ptr}/properties/{}",
                    crate::diagnostics::escape_pointer_token(k)
                ),
                owner: owner.to_string(),
            });
        }
        self.required.extend(v.required.iter().cloned());
    }
}

/// Where a union is lowered.
struct UnionSite<'s, 'a> {
    /// `oneOf` or `anyOf`.
    key: &'s str,
    ptr: &'s str,
    type_name: &'s str,
    /// Its name in the document (the component's key), for the settings.
    spec_name: String,
    discriminator: Option<&'a openapiv3::Discriminator>,
}

/// A discriminator's value for a variant: its mapping entry; else the one value the variant
/// allows for the property (real documents rely on that more than on OpenAPI's rule);
/// else, by that rule, the name of the schema it refers to.
fn discriminator_tag(
    d: &openapiv3::Discriminator,
    b: &ReferenceOr<Schema>,
    variant: &Shape,
) -> Option<serde_json::Value> {
    let target = match b {
        ReferenceOr::Reference { reference } => reference.as_str(),
        ReferenceOr::Item(_) => "",
    };
    d.mapping
        .iter()
        .find(|(_, v)| !target.is_empty() && (*v == target || target.ends_with(&format!("/{v}"))))
        .map(|(k, _)| serde_json::Value::String(k.clone()))
        .or_else(|| variant.tag(&d.property_name).cloned())
        .or_else(|| {
            target
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .map(|n| serde_json::Value::String(n.to_string()))
        })
}

/// The tag property of a union and each variant's value of it, before the variants are
/// lowered (they are named and shaped by it): the discriminator's, else the property the
/// spec narrows to one value per variant. A value two variants share tags neither, as in
/// `one_of_decoding`.
fn upfront_tags(
    discriminator: Option<&openapiv3::Discriminator>,
    branches: &[ReferenceOr<Schema>],
    shapes: &[Shape],
) -> Option<(String, Vec<Option<serde_json::Value>>)> {
    let (property, mut tags) = match discriminator {
        Some(d) => (
            d.property_name.clone(),
            branches
                .iter()
                .zip(shapes)
                .map(|(b, s)| discriminator_tag(d, b, s))
                .collect::<Vec<_>>(),
        ),
        None => shape::implicit_tag(shapes)?,
    };
    let all = tags.clone();
    for t in &mut tags {
        if t.is_some() && all.iter().filter(|a| *a == t).count() > 1 {
            *t = None;
        }
    }
    Some((property, tags))
}

/// Whether a variant's type leaves out the tag property: the variant is an object
/// written inline in the union (its struct belongs to the union alone), the property is
/// required with `tag` as its one value, and no `additionalProperties` would keep the tag
/// as an extra field. The union writes the tag when it encodes the variant.
fn omits_tag(b: &ReferenceOr<Schema>, shape: &Shape, property: &str, tag: &str) -> TagOmitted {
    let ReferenceOr::Item(s) = b else {
        return TagOmitted::No;
    };
    let v = view(s);
    let omitted = v.all_of.is_empty()
        && v.one_of.is_empty()
        && v.any_of.is_empty()
        && v.is_object_like()
        && matches!(v.additional, None | Some(AdditionalProperties::Any(false)))
        && v.properties.is_some_and(|p| p.contains_key(property))
        && shape.tag(property).and_then(serde_json::Value::as_str) == Some(tag);
    if !omitted {
        TagOmitted::No
    } else if v.properties.is_some_and(|p| p.len() == 1) {
        TagOmitted::Whole
    } else {
        TagOmitted::Field
    }
}

/// What of a union's variant the tag property leaves out of its Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagOmitted {
    /// Nothing: the variant's type has the property as a field, or is not a struct.
    No,
    /// The field: the struct has the variant's other properties.
    Field,
    /// The whole variant: it is nothing but its tag, a unit variant (`DiskState::Creating`).
    Whole,
}

/// Longest chain of references followed before giving up.
const MAX_REF_CHAIN: usize = 128;

fn docs_of(s: &Schema) -> Docs {
    Docs {
        title: s.schema_data.title.clone(),
        summary: None,
        description: s.schema_data.description.clone(),
    }
}

/// `ty` with a schema's flags (nullable, deprecated, read-only, write-only) and `docs`.
fn resolved(s: &Schema, ty: TypeRef, docs: Docs) -> Resolved {
    Resolved {
        ty,
        nullable: s.schema_data.nullable,
        docs,
        deprecated: s.schema_data.deprecated,
        read_only: s.schema_data.read_only,
        write_only: s.schema_data.write_only,
    }
}

/// Whether a field must be present and may be `null`, from `required` and its type.
fn presence(is_required: bool, r: &Resolved) -> Presence {
    // A required write-only value never comes back: responses decode it with its
    // `Default`, or, for types without one, it is optional.
    let defaultable = !matches!(r.ty, TypeRef::Named(_) | TypeRef::Tuple(_));
    match (is_required, r.nullable) {
        (true, false) if r.write_only && !defaultable => Presence::Optional,
        (true, false) => Presence::Required,
        (true, true) => Presence::RequiredNullable,
        (false, false) => Presence::Optional,
        (false, true) => Presence::OptionalNullable,
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
        let key = super::component_key(reference, "schemas")?;
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
        if let Some(r) = self.named_before_lowering(key, &name) {
            return r;
        }
        if let Some(pos) = self.in_progress.iter().position(|k| k == key) {
            return self.component_on_cycle(key, pos, name);
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
        let resolved = self.lower_component(schema, key, &name, &ptr);
        self.in_progress.pop();
        self.component_types
            .insert(key.to_string(), resolved.clone());
        resolved
    }

    /// A component that becomes a named type needs no lowering to be referred to from
    /// inside another: its name is known. It is lowered in its own turn, so long chains of
    /// references do not recurse. `None` for any other.
    fn named_before_lowering(&self, key: &str, name: &str) -> Option<Resolved> {
        if self.in_progress.is_empty() {
            return None;
        }
        let comps = self.spec.document.components.as_ref()?;
        match comps.schemas.get(key)? {
            ReferenceOr::Item(s) if becomes_named_type(s) => {
                Some(resolved(s, TypeRef::Named(name.to_string()), docs_of(s)))
            }
            _ => None,
        }
    }

    /// A component reached again while it is being lowered (`in_progress[pos]`): its name,
    /// unless the cycle is made only of references (an error: nothing would hold a value).
    fn component_on_cycle(&mut self, key: &str, pos: usize, name: String) -> Resolved {
        // Every schema on the cycle only refers on (a `$ref`, a one-branch oneOf, an
        // allOf of one reference): nothing would ever hold a value.
        let comps = self.spec.document.components.as_ref();
        let bare_ref = self.in_progress[pos..].iter().all(|k| {
            comps
                .and_then(|c| c.schemas.get(k))
                .is_some_and(only_refers)
        });
        if bare_ref {
            self.report_ref_cycle(key, pos);
            return Resolved::plain(TypeRef::Json);
        }
        // Recursion through a named type: the name is enough here; `finish` checks
        // that the type really exists.
        Resolved::plain(TypeRef::Named(name))
    }

    /// The error for a cycle made only of `$ref`, the chain named by places in the file.
    fn report_ref_cycle(&mut self, key: &str, pos: usize) {
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
    }

    /// Lowers the component `key` named `name`: its schema, or for a component that is a
    /// `$ref`, the target's type (an alias if the name was claimed and no type holds it).
    fn lower_component(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        key: &str,
        name: &str,
        ptr: &str,
    ) -> Resolved {
        match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.reference(reference, ptr);
                if self.type_names.is_taken(name) && !self.types.contains_key(name) {
                    self.add_type(TypeDef {
                        name: name.to_string(),
                        pointer: ptr.to_string(),
                        docs: Docs::default(),
                        deprecated: false,
                        is_input: false,
                        kind: TypeKind::Alias(target.ty.clone()),
                    });
                }
                target
            }
            ReferenceOr::Item(s) => self.schema(s, ptr, name, Some(key)),
        }
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
    /// case `name` is already claimed for it. The first kind that applies decides: an
    /// `allOf`, a `oneOf`/`anyOf`, a string enum, an object, else a scalar or an array.
    fn schema(
        &mut self,
        s: &'a Schema,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let v = view(s);
        if !v.all_of.is_empty() {
            return self.all_of_schema(s, &v, ptr, name, component);
        }
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            return self.union_schema(s, &v, ptr, name, component);
        }
        if !v.enumeration.is_empty()
            && (v.ty == Some("string")
                || v.ty.is_none() && v.enumeration.iter().all(|e| e.is_string() || e.is_null()))
        {
            return self.string_enum_schema(s, &v, ptr, name, component);
        }
        if v.is_object_like() {
            return self.object_schema(s, v, ptr, name, component);
        }
        let ty = self.scalar_or_array(&v, ptr, name);
        self.unnamed(s, ty, ptr, name, component)
    }

    /// The name of the type a schema becomes: its component's, or a new one from `hint`.
    fn own_name(&mut self, hint: &str, component: Option<&str>) -> String {
        match component {
            Some(_) => hint.to_string(),
            None => self.inline_name(hint),
        }
    }

    /// A schema that becomes no type of its own: `ty` with the schema's flags and docs (a
    /// component still gets an alias, see [`Self::alias_if_unnamed`]).
    fn unnamed(
        &mut self,
        s: &Schema,
        ty: TypeRef,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let docs = docs_of(s);
        let r = resolved(s, ty, docs.clone());
        if let Some(c) = component {
            self.alias_if_unnamed(c, name, ptr, &r, &docs, s.schema_data.deprecated);
        }
        r
    }

    /// An `allOf` schema: the merge (see [`Self::all_of`]) with this schema's own flags and
    /// description on top.
    fn all_of_schema(
        &mut self,
        s: &'a Schema,
        v: &View<'a>,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let docs = docs_of(s);
        let mut r = self.all_of(s, v, ptr, name, component);
        r.nullable |= s.schema_data.nullable;
        r.deprecated |= s.schema_data.deprecated;
        r.read_only |= s.schema_data.read_only;
        if docs.description.is_some() {
            r.docs.description = docs.description.clone();
        }
        r
    }

    /// A `oneOf` (or else `anyOf`) schema: its one branch's type, a string enum when every
    /// branch is a documented string constant, else a union type.
    fn union_schema(
        &mut self,
        s: &'a Schema,
        v: &View<'a>,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let docs = docs_of(s);
        let (branches, key) = if v.one_of.is_empty() {
            (v.any_of, "anyOf")
        } else {
            (v.one_of, "oneOf")
        };
        if branches.len() == 1 {
            let mut r = self.src(Src::from(&branches[0]), &format!("{ptr}/{key}/0"), name);
            r.nullable |= s.schema_data.nullable;
            if docs.description.is_some() {
                r.docs.description = docs.description.clone();
            }
            if let Some(c) = component {
                self.alias_if_unnamed(c, name, ptr, &r, &docs, s.schema_data.deprecated);
            }
            return r;
        }
        let type_name = self.own_name(name, component);
        // The 3.1 way of documenting (and deprecating) enum values one by one.
        if let Some(variants) = string_constants(branches) {
            self.add_type(TypeDef {
                name: type_name.clone(),
                pointer: ptr.to_string(),
                docs: docs.clone(),
                deprecated: s.schema_data.deprecated,
                is_input: false,
                kind: TypeKind::StringEnum(variants),
            });
            return resolved(s, TypeRef::Named(type_name), docs);
        }
        self.one_of(s, branches, key, ptr, &type_name, component);
        resolved(s, TypeRef::Named(type_name), docs)
    }

    /// A string `enum`: a string enum type of its distinct values (a `null` among them
    /// makes it nullable).
    fn string_enum_schema(
        &mut self,
        s: &'a Schema,
        v: &View<'a>,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let docs = docs_of(s);
        let type_name = self.own_name(name, component);
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
            deprecated: s.schema_data.deprecated,
            is_input: false,
            kind: TypeKind::StringEnum(variants),
        });
        let mut r = resolved(s, TypeRef::Named(type_name), docs);
        r.nullable |= has_null;
        r
    }

    /// An object: a struct when it has properties, else a map of its
    /// `additionalProperties` schema, else a free-form JSON object.
    fn object_schema(
        &mut self,
        s: &'a Schema,
        v: View<'a>,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let has_props = v.properties.is_some_and(|p| !p.is_empty());
        if !has_props {
            let ty = match v.additional {
                Some(AdditionalProperties::Schema(inner)) => {
                    let inner_ptr = format!("{ptr}/additionalProperties");
                    let r = self.src(Src::from(&**inner), &inner_ptr, &format!("{name}Value"));
                    TypeRef::Map(Box::new(r.ty))
                }
                _ => TypeRef::JsonObject,
            };
            return self.unnamed(s, ty, ptr, name, component);
        }
        let docs = docs_of(s);
        let type_name = self.own_name(name, component);
        let owner = component
            .map(str::to_string)
            .unwrap_or_else(|| type_name.clone());
        let omitted = match &self.omit_tag {
            Some((at, property)) if at == ptr => Some(property.clone()),
            _ => None,
        };
        let props = v
            .properties
            .into_iter()
            .flatten()
            .filter(|(k, _)| omitted.as_ref() != Some(*k))
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
        let required = v
            .required
            .iter()
            .filter(|k| omitted.as_ref() != Some(*k))
            .cloned()
            .collect();
        self.build_struct(
            &type_name,
            ptr,
            props,
            required,
            v.additional,
            docs.clone(),
            s.schema_data.deprecated,
        );
        resolved(s, TypeRef::Named(type_name), docs)
    }

    /// The type of a schema that is neither a union, an enum nor an object: an array (a
    /// tuple for closed `prefixItems`), a scalar by `type` and `format`, or free-form JSON
    /// (with a warning for a `type` or integer `format` it does not know).
    fn scalar_or_array(&mut self, v: &View<'a>, ptr: &str, name: &str) -> TypeRef {
        match v.ty {
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
                self.warn(ptr, format!("unknown type {other:?}; expected one of string, integer, number, boolean, array, object: generated as free-form JSON"));
                TypeRef::Json
            }
        }
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
        let ty = if r.ty.mentions(name) {
            self.warn(
                ptr,
                "a schema that contains itself without an object in between has no Rust type: generated as free-form JSON"
                    .to_string(),
            );
            TypeRef::Json
        } else {
            r.ty.clone()
        };
        self.add_type(TypeDef {
            name: name.to_string(),
            pointer: ptr.to_string(),
            docs: docs.clone(),
            deprecated,
            is_input: false,
            kind: TypeKind::Alias(ty),
        });
    }

    /// A struct type of `props` (each lowered in turn), its `additionalProperties`, and a
    /// warning for each `required` name that is not a property.
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
        let fields: Vec<Field> = props
            .into_iter()
            .map(|p| self.field(type_name, p, &required, &mut namer))
            .collect();
        let additional = self.struct_additional(additional, ptr, type_name);
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

    /// One property of the struct `type_name` as a field: its type (a string made secret
    /// by the settings or by its name), presence and docs.
    fn field(
        &mut self,
        type_name: &str,
        p: Prop<'a>,
        required: &BTreeSet<String>,
        namer: &mut Namer,
    ) -> Field {
        let hint = format!("{type_name}{}", upper_first(&p.wire));
        let mut r = self.src(p.src, &p.ptr, &hint);
        let presence = presence(required.contains(&p.wire), &r);
        let lowered = p.wire.to_ascii_lowercase();
        let configured = self.secret_configured(type_name, &p);
        let named = lowered.contains("password") || lowered.contains("secret");
        let secret_by_name = r.ty == TypeRef::String && named && !configured;
        if r.ty == TypeRef::String && (configured || named) {
            r.ty = TypeRef::Secret;
        }
        let docs = self.field_docs(type_name, &p, &r);
        Field {
            rust_name: ident::claim_snake(namer, &ident::snake_name(&p.wire)),
            wire_name: p.wire,
            ty: r.ty,
            presence,
            docs,
            deprecated: r.deprecated,
            boxed: false,
            read_only: r.read_only,
            write_only: r.write_only,
            secret_by_name,
        }
    }

    /// Whether the settings' `secret_fields` name the property (as `Owner.wire`, where it
    /// was declared, or `Struct.wire`); marks the entries used.
    fn secret_configured(&mut self, type_name: &str, p: &Prop<'a>) -> bool {
        let mut configured = false;
        for key in [
            format!("{}.{}", p.owner, p.wire),
            format!("{type_name}.{}", p.wire),
        ] {
            if self.settings.secret_fields.contains(&key) {
                configured = true;
                self.settings_used.insert(format!("secret_fields.{key}"));
            }
        }
        configured
    }

    /// A field's docs: its type's without the title, the property's own description over
    /// the type's, a description the settings give over both (marked used).
    fn field_docs(&mut self, type_name: &str, p: &Prop<'a>, r: &Resolved) -> Docs {
        let mut field_docs = r.docs.clone();
        field_docs.title = None;
        if let Src::Schema(s) = p.src {
            if s.schema_data.description.is_some() {
                field_docs.description = s.schema_data.description.clone();
            }
        }
        // a description the settings give instead of the document's
        for key in [
            format!("{}.{}", p.owner, p.wire),
            format!("{type_name}.{}", p.wire),
        ] {
            if let Some(text) = self.settings.descriptions.get(&key) {
                field_docs.description = Some(text.clone());
                self.settings_used.insert(format!("descriptions.{key}"));
            }
        }
        field_docs
    }

    /// The type of a struct's other properties: its `additionalProperties` schema's, any
    /// JSON for `true`, none (not kept) otherwise.
    fn struct_additional(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        ptr: &str,
        type_name: &str,
    ) -> Option<TypeRef> {
        match additional {
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
        }
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
            return self.annotated_reference(s, reference, i, ptr, name, component);
        }
        let owner = component
            .map(str::to_string)
            .unwrap_or_else(|| name.to_string());
        let mut merged = Merged {
            props: Vec::new(),
            required: BTreeSet::new(),
            additional: None,
            others: Vec::new(),
            docs: docs_of(s),
        };
        let mut seen_refs = BTreeSet::new();
        self.collect_all_of(v.all_of, ptr, &owner, &mut merged, &mut seen_refs, 0);
        merged.add_own_properties(v, ptr, &owner);
        self.merged_type(s, merged, ptr, name, component)
    }

    /// `allOf: [$ref, {annotations}]`: the referenced schema, with this schema's
    /// description.
    fn annotated_reference(
        &mut self,
        s: &'a Schema,
        reference: &str,
        i: usize,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let mut r = self.reference(reference, &format!("{ptr}/allOf/{i}"));
        if let Some(d) = &s.schema_data.description {
            r.docs.description = Some(d.clone());
        }
        if let Some(c) = component {
            let docs = r.docs.clone();
            self.alias_if_unnamed(c, name, ptr, &r, &docs, s.schema_data.deprecated);
        }
        r
    }

    /// What merged `allOf` parts become: the one non-object part alone, a free-form object
    /// when nothing is declared, else a struct (non-object parts beside object ones are
    /// left out, with a warning).
    fn merged_type(
        &mut self,
        s: &'a Schema,
        mut merged: Merged<'a>,
        ptr: &str,
        name: &str,
        component: Option<&str>,
    ) -> Resolved {
        let docs = merged.docs;
        if merged.props.is_empty() && merged.others.len() == 1 {
            let (src, p) = merged.others.remove(0);
            let mut r = self.src(src, &p, name);
            if docs.description.is_some() {
                r.docs.description = docs.description.clone();
            }
            if let Some(c) = component {
                self.alias_if_unnamed(c, name, ptr, &r, &docs, s.schema_data.deprecated);
            }
            return r;
        }
        if !merged.others.is_empty() {
            self.warn(
                ptr,
                "allOf mixes an object with a non-object schema; only the object properties are generated".to_string(),
            );
        }
        let type_name = self.own_name(name, component);
        if merged.props.is_empty() && merged.additional.is_none() {
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
            merged.props,
            merged.required,
            merged.additional,
            docs.clone(),
            s.schema_data.deprecated,
        );
        Resolved {
            docs,
            ..Resolved::plain(TypeRef::Named(type_name))
        }
    }

    /// Merges `parts` into `merged`, parts nested in parts (inline or referenced) first;
    /// a reference already being merged is a cycle and left out (with a warning).
    fn collect_all_of(
        &mut self,
        parts: &'a [ReferenceOr<Schema>],
        ptr: &str,
        owner: &str,
        merged: &mut Merged<'a>,
        seen_refs: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > MAX_REF_CHAIN {
            self.report_all_of_depth(ptr);
            return;
        }
        for (i, part) in parts.iter().enumerate() {
            let part_ptr = format!("{ptr}/allOf/{i}");
            let Some((schema, schema_ptr, part_owner)) =
                self.all_of_part(part, part_ptr, owner, merged, seen_refs)
            else {
                continue;
            };
            let pv = view(schema);
            if !pv.all_of.is_empty() {
                self.collect_all_of(
                    pv.all_of,
                    &schema_ptr,
                    &part_owner,
                    merged,
                    seen_refs,
                    depth + 1,
                );
            }
            merged.add_part(part, schema, &pv, schema_ptr, part_owner);
            if let ReferenceOr::Reference { reference } = part {
                if let Some((key, _)) = self.component_schema(reference) {
                    seen_refs.remove(key);
                }
            }
        }
    }

    /// The `allOf` depth bound was passed: an error, once (every schema of a long chain
    /// would hit the same bound).
    fn report_all_of_depth(&mut self, ptr: &str) {
        if !self.all_of_depth_reported {
            self.all_of_depth_reported = true;
            self.error(
                ptr,
                format!("allOf nests deeper than {MAX_REF_CHAIN} levels (through $ref or inline parts); flatten the chain"),
            );
        }
    }

    /// One `allOf` part as a schema to merge, with its pointer and the component its
    /// properties are declared in; `None` for a part that is not merged: a reference in a
    /// cycle (with a warning), or one to a non-object schema or to nothing (kept in
    /// `merged.others`). A referenced part stays in `seen_refs` while it is merged.
    fn all_of_part(
        &mut self,
        part: &'a ReferenceOr<Schema>,
        part_ptr: String,
        owner: &str,
        merged: &mut Merged<'a>,
        seen_refs: &mut BTreeSet<String>,
    ) -> Option<(&'a Schema, String, String)> {
        let reference = match part {
            ReferenceOr::Item(s) => return Some((s, part_ptr, owner.to_string())),
            ReferenceOr::Reference { reference } => reference,
        };
        let Some((key, ReferenceOr::Item(target))) = self.component_schema(reference) else {
            merged.others.push((Src::Ref(reference), part_ptr));
            return None;
        };
        if !seen_refs.insert(key.to_string()) {
            self.warn(
                &part_ptr,
                format!("allOf includes {reference:?} in a cycle: the repeated part adds nothing and is left out"),
            );
            return None;
        }
        let target_view = view(target);
        if !target_view.is_object_like() && target_view.all_of.is_empty() {
            merged.others.push((Src::Ref(reference), part_ptr));
            seen_refs.remove(key);
            return None;
        }
        Some((
            target,
            crate::diagnostics::pointer(["components", "schemas", key]),
            key.to_string(),
        ))
    }

    /// Lowers a `oneOf`/`anyOf` (`key`) into the union `type_name`: its variants, then how
    /// they are told apart.
    fn one_of(
        &mut self,
        s: &'a Schema,
        branches: &'a [ReferenceOr<Schema>],
        key: &str,
        ptr: &str,
        type_name: &str,
        component: Option<&str>,
    ) {
        let def = |kind: TypeKind| TypeDef {
            name: type_name.to_string(),
            pointer: ptr.to_string(),
            docs: docs_of(s),
            deprecated: s.schema_data.deprecated,
            is_input: false,
            kind,
        };
        let union = |variants, how, try_order| {
            TypeKind::OneOf(OneOf {
                variants,
                any_of: key == "anyOf",
                how,
                try_order,
            })
        };
        // A placeholder while the variants are lowered: recursion through them finds it.
        let placeholder = union(
            Vec::new(),
            OneOfDecoding::ByShape {
                ambiguous: Vec::new(),
            },
            Vec::new(),
        );
        self.types
            .entry(type_name.to_string())
            .or_insert_with(|| def(placeholder));
        let site = UnionSite {
            key,
            ptr,
            type_name,
            spec_name: component.unwrap_or(type_name).to_string(),
            discriminator: s.schema_data.discriminator.as_ref(),
        };
        let mut namer = Namer::with_reserved(&["Other"]);
        let mut variants = Vec::new();
        let shapes: Vec<Shape> = branches
            .iter()
            .map(|b| self.shape(Src::from(b), 0))
            .collect();
        let (property, tags) = match upfront_tags(site.discriminator, branches, &shapes) {
            Some((property, tags)) => (Some(property), tags),
            None => (None, vec![None; branches.len()]),
        };
        let mut titles = Vec::new();
        for ((i, b), tag) in branches.iter().enumerate().zip(tags) {
            let tag = property.as_deref().zip(tag);
            let (variant, title) = self.one_of_variant(&site, i, b, &shapes[i], tag, &mut namer);
            titles.push(title.unwrap_or_else(|| variant.rust_name.clone()));
            variants.push(variant);
        }
        let checked: Vec<Shape> = shapes.iter().map(Shape::checked).collect();
        let try_order = shape::try_order(&checked);
        let kind = match self.one_of_decoding(&site, property, &variants, &checked, &titles) {
            Some(how) => union(variants, how, try_order),
            // Strings that only formats or patterns the decoder cannot check tell apart
            // (`ipvanyaddress` beside `uri`): the value is a string.
            None => TypeKind::Alias(TypeRef::String),
        };
        self.types.insert(type_name.to_string(), def(kind));
    }

    /// The `i`th variant of a union: its name (settings, its own title, the schema it
    /// refers to, that schema's title, the tag that selects it, `VariantN`), its lowered
    /// type, the tag value that selects it, what the decoder checks; also its title.
    /// `tag`: the union's tag property and this variant's value of it; a string value may
    /// leave the property out of the variant's type ([`omits_tag`]).
    fn one_of_variant(
        &mut self,
        site: &UnionSite<'_, 'a>,
        i: usize,
        b: &'a ReferenceOr<Schema>,
        variant_shape: &Shape,
        tag: Option<(&str, serde_json::Value)>,
        namer: &mut Namer,
    ) -> (OneOfVariant, Option<String>) {
        let string_tag = tag.as_ref().and_then(|(p, v)| Some((*p, v.as_str()?)));
        let (title, own_title, ref_name) = self.variant_title(b);
        if let Some(t) = &title {
            if self.settings.variant_names.contains_key(t) {
                self.settings_used.insert(format!("variant_names.{t}"));
            }
        }
        let base = match (&title, &ref_name) {
            (Some(t), _) if self.settings.variant_names.contains_key(t) => {
                self.settings.variant_names[t].clone()
            }
            (Some(t), _) if own_title => ident::type_name(t),
            (_, Some(r)) => r.clone(),
            (Some(t), None) => ident::type_name(t),
            // the value that selects it, as typify names them: `Datum::Bool`, not `Variant1`
            (None, None) => match string_tag {
                Some((_, value)) => ident::type_name(value),
                None => format!("Variant{}", i + 1),
            },
        };
        let rust_name = namer.claim(&base);
        let bptr = format!("{}/{}/{i}", site.ptr, site.key);
        let omitted = string_tag.map_or(TagOmitted::No, |(property, value)| {
            omits_tag(b, variant_shape, property, value)
        });
        let r = match (omitted, b) {
            // nothing but its tag: a unit variant, no type of its own
            (TagOmitted::Whole, ReferenceOr::Item(s)) => {
                resolved(s, TypeRef::Tuple(Vec::new()), docs_of(s))
            }
            _ => {
                if let (Some((property, _)), TagOmitted::Field) = (string_tag, omitted) {
                    self.omit_tag = Some((bptr.clone(), property.to_string()));
                }
                let r = self.src(
                    Src::from(b),
                    &bptr,
                    &format!("{}{rust_name}", site.type_name),
                );
                self.omit_tag = None;
                r
            }
        };
        let tag_omitted = omitted != TagOmitted::No;
        let tag = tag.map(|(_, value)| value);
        let variant = OneOfVariant {
            rust_name,
            ty: r.ty,
            docs: Docs {
                title: None,
                summary: title.clone(),
                description: r.docs.description,
            },
            tag,
            tag_omitted,
            // Strings of a checked format (`uuid` beside a free-form name) are told apart
            // by checking the format when decoding.
            format: variant_shape.format().map(str::to_string),
            checks: variant_shape.checked().checks(),
        };
        (variant, title)
    }

    /// A variant's title, whether the branch itself carries it (a title written on the
    /// branch names the variant before the schema it refers to:
    /// `{title: Invalid role, allOf: [$ref: FieldErrors]}`), and the Rust name of the
    /// component it refers to.
    fn variant_title(&self, b: &'a ReferenceOr<Schema>) -> (Option<String>, bool, Option<String>) {
        let reference = match b {
            ReferenceOr::Reference { reference } => Some(reference.as_str()),
            ReferenceOr::Item(s) => single_ref(&view(s)).map(|(_, r)| r),
        };
        let own = match b {
            ReferenceOr::Item(s) => s.schema_data.title.clone(),
            ReferenceOr::Reference { .. } => None,
        };
        let target = reference.and_then(|r| self.component_schema(r));
        let target_title = target.and_then(|(_, t)| match t {
            ReferenceOr::Item(t) => t.schema_data.title.clone(),
            _ => None,
        });
        let ref_name = target.and_then(|(k, _)| self.component_names.get(k).cloned());
        (own.clone().or(target_title), own.is_some(), ref_name)
    }

    /// How a union's variants are told apart: a discriminator, an implicit tag, a content
    /// rule, or shape (reporting the groups nothing tells apart). `property` and each
    /// variant's `tag` are [`upfront_tags`]'. `None`: every variant is a string the
    /// decoder cannot tell apart from the others, so the union is a `String`.
    fn one_of_decoding(
        &mut self,
        site: &UnionSite<'_, 'a>,
        property: Option<String>,
        variants: &[OneOfVariant],
        checked: &[Shape],
        titles: &[String],
    ) -> Option<OneOfDecoding> {
        for kind in ["content_rules", "ambiguity_accepted"] {
            self.settings_used
                .insert(format!("{kind}.{}", site.spec_name));
        }
        // A discriminator that tags every variant decodes by it alone; any other tag
        // property picks the variants it tags, and the rest are told apart by shape.
        if site.discriminator.is_some()
            && variants
                .iter()
                .all(|v| v.tag.as_ref().is_some_and(serde_json::Value::is_string))
            && let Some(property) = property
        {
            return Some(OneOfDecoding::Tagged { property });
        }
        // Variants the tag does not pick are told apart by shape.
        let untagged: Vec<usize> = (0..variants.len())
            .filter(|&i| variants[i].tag.is_none())
            .collect();
        let untagged_shapes: Vec<Shape> = untagged.iter().map(|&i| checked[i].clone()).collect();
        let groups: Vec<Vec<usize>> =
            shape::ambiguous_groups(&untagged_shapes, site.key == "anyOf")
                .into_iter()
                .map(|g| g.into_iter().map(|k| untagged[k]).collect())
                .collect();
        if !groups.is_empty() && property.is_none() {
            if let Some(rule) = self.settings.content_rules.get(&site.spec_name) {
                return Some(self.content_rule(site, rule, titles));
            }
            if checked.iter().all(Shape::is_string) {
                return None;
            }
        }
        if !groups.is_empty() {
            self.report_ambiguity(site, &groups, titles);
        }
        Some(match property {
            Some(property) => OneOfDecoding::ImplicitTag {
                property,
                ambiguous: groups,
            },
            None => OneOfDecoding::ByShape { ambiguous: groups },
        })
    }

    /// Decoding by a configured content rule, whose prefixes name variants by title.
    fn content_rule(
        &mut self,
        site: &UnionSite<'_, 'a>,
        rule: &crate::settings::ContentRule,
        titles: &[String],
    ) -> OneOfDecoding {
        let mut prefixes = Vec::new();
        for (title, prefix) in &rule.prefixes {
            match titles.iter().position(|t| t == title) {
                Some(i) => prefixes.push((prefix.clone(), i)),
                None => self.error(
                    site.ptr,
                    format!("the content rule names a variant titled {title:?}, but the oneOf has only {titles:?}"),
                ),
            }
        }
        OneOfDecoding::ByContent {
            pointer: rule.pointer.clone(),
            prefixes,
        }
    }

    /// Records variants nothing tells apart; [`Lowerer::finish`] reports them where a
    /// response may hold the union.
    fn report_ambiguity(
        &mut self,
        site: &UnionSite<'_, 'a>,
        groups: &[Vec<usize>],
        titles: &[String],
    ) {
        let described: Vec<String> = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|&i| format!("{:?}", titles[i]))
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        let (key, type_name, spec_name) = (site.key, site.type_name, &site.spec_name);
        self.ambiguities.push(super::Ambiguity {
            type_name: type_name.to_string(),
            pointer: site.ptr.to_string(),
            operation_id: self.current_op.clone(),
            message: format!(
                "{key} variants {} have the same shape and no property tells them apart, so a response \
                 cannot be told apart by its structure: such values decode to `{type_name}::Other`; \
                 a content rule for {spec_name:?} in the generator settings can tell them apart by a message",
                described.join("; ")
            ),
            accepted: self.settings.ambiguity_accepted.contains(spec_name),
        });
    }

    /// What values a schema accepts ([`Shape`]), through `$ref`s and `allOf`s; nesting
    /// deeper than 8 levels is [`Shape::Any`].
    fn shape(&self, src: Src<'a>, depth: usize) -> Shape {
        if depth > 8 {
            return Shape::Any;
        }
        let s = match src {
            Src::Ref(r) => match self.component_schema(r) {
                Some((_, target)) => return self.shape(Src::from(target), depth + 1),
                None => return Shape::Any,
            },
            Src::Schema(s) => s,
        };
        let v = view(s);
        let mut shape = self.own_shape(&v, depth);
        for part in v.all_of {
            if let ReferenceOr::Item(p) = part {
                if view(p).is_annotation_only() {
                    continue;
                }
            }
            shape = shape.intersect(self.shape(Src::from(part), depth + 1));
        }
        shape
    }

    /// The shape a schema's own keywords give, without its `allOf`.
    fn own_shape(&self, v: &View<'a>, depth: usize) -> Shape {
        let values: Vec<serde_json::Value> = v
            .enumeration
            .iter()
            .filter(|e| !e.is_null())
            .cloned()
            .collect();
        if !values.is_empty() {
            let mut values = values;
            values.sort_by_key(|e| e.to_string());
            values.dedup();
            return Shape::Const(values);
        }
        let branches = if v.one_of.is_empty() {
            v.any_of
        } else {
            v.one_of
        };
        if !branches.is_empty() {
            let mut parts: Vec<Shape> = branches
                .iter()
                .map(|p| self.shape(Src::from(p), depth + 1))
                .collect();
            return if parts.len() == 1 {
                parts.remove(0)
            } else {
                Shape::Union(parts)
            };
        }
        if v.is_object_like() || !v.required.is_empty() {
            let mut props = BTreeMap::new();
            for (k, p) in v.properties.into_iter().flatten() {
                props.insert(
                    k.clone(),
                    ShapeProp {
                        shape: self.shape(Src::from(p), depth + 1),
                        required: v.required.contains(k),
                    },
                );
            }
            for k in v.required {
                props.entry(k.clone()).or_insert(ShapeProp {
                    shape: Shape::Any,
                    required: true,
                });
            }
            let extra = match v.additional {
                Some(AdditionalProperties::Any(false)) => Extra::Closed,
                Some(AdditionalProperties::Schema(inner)) => {
                    Extra::Map(Box::new(self.shape(Src::from(&**inner), depth + 1)))
                }
                Some(AdditionalProperties::Any(true)) | None => Extra::Open,
            };
            return Shape::Obj(ShapeObj { props, extra });
        }
        match v.ty {
            Some("array") => Shape::Arr(Box::new(
                v.items
                    .map(|i| self.shape(Src::from(i), depth + 1))
                    .unwrap_or(Shape::Any),
            )),
            Some("string") => Shape::Str {
                format: v
                    .format
                    .clone()
                    .filter(|f| CHECKED_FORMATS.contains(&f.as_str())),
            },
            Some("integer") => Shape::Int,
            Some("number") => Shape::Num,
            Some("boolean") => Shape::Bool,
            _ => Shape::Any,
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
