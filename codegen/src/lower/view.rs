//! A uniform read-only view over `openapiv3::Schema`, whose typed variants and `AnySchema`
//! catch-all describe the same things in different places.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

pub struct View<'a> {
    #[allow(dead_code)]
    pub schema: &'a Schema,
    pub ty: Option<&'a str>,
    pub format: Option<String>,
    pub properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub enumeration: Vec<Value>,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
}

const EMPTY: &[ReferenceOr<Schema>] = &[];
const NO_REQUIRED: &[String] = &[];

fn fmt_of<T: std::fmt::Debug>(
    f: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(&T) -> &'static str,
) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(i) => Some(known(i).to_string()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// A typed schema's `enum` as JSON values (`None` is `null`).
fn values<T: Clone + Into<Value>>(enumeration: &[Option<T>]) -> Vec<Value> {
    enumeration
        .iter()
        .map(|e| e.clone().map_or(Value::Null, Into::into))
        .collect()
}

/// The view of a schema, from whichever of `openapiv3`'s typed kinds or its `AnySchema`
/// holds it.
pub fn view(schema: &Schema) -> View<'_> {
    let mut v = View {
        schema,
        ty: None,
        format: None,
        properties: None,
        required: NO_REQUIRED,
        additional: None,
        items: None,
        enumeration: Vec::new(),
        one_of: EMPTY,
        any_of: EMPTY,
        all_of: EMPTY,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            v.ty = Some("string");
            v.format = fmt_of(&s.format, |f| match f {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            });
            v.enumeration = values(&s.enumeration);
        }
        SchemaKind::Type(Type::Number(n)) => {
            v.ty = Some("number");
            v.format = fmt_of(&n.format, |f| match f {
                openapiv3::NumberFormat::Float => "float",
                openapiv3::NumberFormat::Double => "double",
            });
            v.enumeration = values(&n.enumeration);
        }
        SchemaKind::Type(Type::Integer(n)) => {
            v.ty = Some("integer");
            v.format = fmt_of(&n.format, |f| match f {
                openapiv3::IntegerFormat::Int32 => "int32",
                openapiv3::IntegerFormat::Int64 => "int64",
            });
            v.enumeration = values(&n.enumeration);
        }
        SchemaKind::Type(Type::Boolean(b)) => {
            v.ty = Some("boolean");
            v.enumeration = values(&b.enumeration);
        }
        SchemaKind::Type(Type::Object(o)) => {
            v.ty = Some("object");
            v.properties = Some(&o.properties);
            v.required = &o.required;
            v.additional = o.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(a)) => {
            v.ty = Some("array");
            v.items = a.items.as_ref();
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::Not { .. } => {}
        SchemaKind::Any(a) => view_any(&mut v, a),
    }
    v
}

/// `openapiv3`'s catch-all `AnySchema` read into `v`; an untyped schema with properties is
/// an object, one with `items` an array.
fn view_any<'a>(v: &mut View<'a>, a: &'a AnySchema) {
    v.ty = a.typ.as_deref();
    v.format = a.format.clone();
    if !a.properties.is_empty() || v.ty == Some("object") {
        v.properties = Some(&a.properties);
    }
    v.required = &a.required;
    v.additional = a.additional_properties.as_ref();
    v.items = a.items.as_ref();
    v.enumeration = a.enumeration.clone();
    v.one_of = &a.one_of;
    v.any_of = &a.any_of;
    v.all_of = &a.all_of;
    if v.ty.is_none() && v.properties.is_some() {
        v.ty = Some("object");
    }
    if v.ty.is_none() && v.items.is_some() {
        v.ty = Some("array");
    }
}

impl View<'_> {
    /// Only annotations (description, nullable, example, …): no type information.
    pub fn is_annotation_only(&self) -> bool {
        self.ty.is_none()
            && self.properties.is_none()
            && self.items.is_none()
            && self.additional.is_none()
            && self.enumeration.is_empty()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
    }
    pub fn is_object_like(&self) -> bool {
        self.ty == Some("object") || self.properties.is_some()
    }
}
