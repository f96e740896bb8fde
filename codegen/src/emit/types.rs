//! The `types` module: one Rust type per schema that needs a name.

use super::{Cx, ty};
use crate::ident::to_ident;
use crate::ir::{Api, OneOf, OneOfDecoding, Presence, Struct, TypeDef, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};

/// The module's inner documentation.
pub fn head() -> TokenStream {
    quote! {
        //! Types of the API's request and response bodies.
    }
}

/// `string_enum!`, which writes a string enum's impls: one definition instead of five
/// impls spelled out per enum, which were most of the lines of a crate's types. Written
/// as text after the formatted head (`prettyplease` prints a macro's body as one run of
/// tokens), and only when some type is a string enum.
pub fn head_text(api: &Api) -> String {
    let any = api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::StringEnum(_)));
    let objects = api
        .types
        .iter()
        .any(|t| matches!(&t.kind, TypeKind::Struct(s) if s.additional.is_none()));
    super::macro_text(STRING_ENUM_MACRO, any, api)
        + &super::macro_text(DESERIALIZE_OBJECT_MACRO, objects, api)
}

const DESERIALIZE_OBJECT_MACRO: &str = r#"/// serde's `Deserialize` for a struct, from an object only (the derive's also takes an
/// array and writes several times the code): `deserialize_object!(Name { field = "wire"
/// required, other = "other" })`. A missing `required` field is an error; any other
/// missing field takes its default (`None`, `Nullable::Absent`). Its own names start with
/// `__`, which no generated type's does: a struct may be called `A` or `Visitor`.
macro_rules! deserialize_object {
    (@get $f:ident $w:literal) => { $f.unwrap_or_default() };
    (@get $f:ident $w:literal required) => { crate::runtime::required($f, $w)? };
    ($name:ident { $($field:ident = $wire:literal $($req:ident)?),* $(,)? }) => {
        #[allow(deprecated)]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<__A: serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<$name, __A::Error> {
                        $(let mut $field = None;)*
                        while let Some(key) = map.next_key_seed(crate::runtime::Key(&[$($wire),*]))? {
                            match key {
                                $(Some($wire) => crate::runtime::field(&mut map, &mut $field, $wire)?,)*
                                _ => crate::runtime::skip(&mut map)?,
                            }
                        }
                        Ok($name { $($field: deserialize_object!(@get $field $wire $($req)?),)* })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}
"#;

const STRING_ENUM_MACRO: &str = r#"/// `as_str`, `Display`, `FromStr` and serde for a string enum whose `Unknown` variant keeps
/// the values the API description does not list: `string_enum!(Name { Variant => "wire" })`.
macro_rules! string_enum {
    ($name:ident { $($variant:ident => $wire:literal),* $(,)? }) => {
        #[allow(deprecated)]
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other,
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        #[allow(deprecated)]
        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_string()),
                })
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(s.parse().unwrap_or_else(|never: std::convert::Infallible| match never {}))
            }
        }
    };
}
"#;

/// The types `range` of `api.types`.
pub fn items(api: &Api, cx: &Cx, range: std::ops::Range<usize>) -> TokenStream {
    let here = TokenStream::new();
    // moved into the part, not interpolated (see `operations::items`)
    api.types[range]
        .iter()
        .map(|t| {
            let cfg = cx.features.as_ref().and_then(|f| f.of_type(&t.name));
            super::features::each_item(cfg, type_def(t, cx, &here))
        })
        .collect()
}

/// The private helpers some of the types need, after the types.
pub fn tail(api: &Api, cx: &Cx) -> TokenStream {
    // the features enabled may leave no union to use them
    let unused = cx.features.is_some().then(|| quote!(#[allow(dead_code)]));
    let uses_shape = api.types.iter().any(|t| match &t.kind {
        TypeKind::OneOf(o) => match o.how {
            OneOfDecoding::ByShape { .. } => true,
            OneOfDecoding::ImplicitTag { .. } => o.variants.iter().any(|v| v.tag.is_none()),
            _ => false,
        },
        _ => false,
    });
    let uses_content = api.types.iter().any(|t| matches!(&t.kind, TypeKind::OneOf(o) if matches!(o.how, OneOfDecoding::ByContent { .. })));
    let shape_helper = uses_shape.then(|| {
        quote! {
            /// Decodes `value` as `T`; `Some((v, true))` when nothing of `value` was lost,
            /// `Some((v, false))` when something was but `v` still holds some of it, `None`
            /// when `T` cannot hold it or keeps none of it (every field optional and absent).
            #unused
            fn one_of_match<T: serde::de::DeserializeOwned + serde::Serialize>(value: &serde_json::Value) -> Option<(T, bool)> {
                fn holds_something(v: &serde_json::Value) -> bool {
                    match v {
                        serde_json::Value::Null => false,
                        serde_json::Value::Object(m) => m.values().any(holds_something),
                        serde_json::Value::Array(items) => items.iter().any(holds_something),
                        _ => true,
                    }
                }
                let v = <T as serde::Deserialize>::deserialize(value).ok()?;
                let back = serde_json::to_value(&v).ok()?;
                if back == *value {
                    return Some((v, true));
                }
                holds_something(&back).then_some((v, false))
            }
        }
    });
    let content_helper = uses_content.then(|| {
        quote! {
            /// The string at `pointer` in `value` (the first element when it is a list).
            #unused
            fn content_key<'v>(value: &'v serde_json::Value, pointer: &str) -> Option<&'v str> {
                match value.pointer(pointer)? {
                    serde_json::Value::String(s) => Some(s),
                    serde_json::Value::Array(items) => items.first()?.as_str(),
                    _ => None,
                }
            }
        }
    });
    quote! {
        #shape_helper
        #content_helper
    }
}

fn type_def(t: &TypeDef, cx: &Cx, here: &TokenStream) -> TokenStream {
    let name = to_ident(&t.name);
    let docs = cx.docs(
        &t.docs,
        &format!("`{}` of the API description.", t.name),
        &[],
    );
    let deprecated = t
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
    match &t.kind {
        TypeKind::Struct(s) => struct_def(t, s, cx, here, docs, deprecated),
        TypeKind::StringEnum(variants) => {
            let idents: Vec<_> = variants.iter().map(|v| to_ident(&v.rust_name)).collect();
            let wires: Vec<_> = variants.iter().map(|v| v.wire.as_str()).collect();
            let vdocs = variants.iter().map(|v| {
                let wire = format!("`{}`", v.wire.replace('`', "'"));
                let mut d = v.docs.clone();
                d.title = Some(match d.title.take().or(d.summary.take()) {
                    Some(title) => format!("{wire}: {title}"),
                    None => wire,
                });
                let d = cx.docs(&d, "", &[]);
                let dep = v
                    .deprecated
                    .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
                quote!(#d #dep)
            });
            quote! {
                #docs
                ///
                /// Values the API description does not list yet decode to `Unknown`, so a
                /// new server-side value never breaks decoding.
                #deprecated
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                #[non_exhaustive]
                pub enum #name {
                    #( #vdocs #idents, )*
                    /// A value this version of the crate does not know, as sent.
                    Unknown(String),
                }
                string_enum!(#name { #( #idents => #wires ),* });
            }
        }
        TypeKind::OneOf(o) => one_of_def(t, o, cx, here, docs, deprecated),
        TypeKind::Alias(target) => {
            let target = ty(target, here);
            quote! {
                #docs
                #deprecated
                pub type #name = #target;
            }
        }
    }
}

fn field_type(f: &crate::ir::Field, here: &TokenStream) -> TokenStream {
    let inner = ty(&f.ty, here);
    let inner = if f.boxed { quote!(Box<#inner>) } else { inner };
    match f.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(crate::Nullable<#inner>),
    }
}

/// A struct: its fields, a constructor taking the required fields of a request type, and
/// setters for its optional fields.
fn struct_def(
    t: &TypeDef,
    s: &Struct,
    cx: &Cx,
    here: &TokenStream,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let name = to_ident(&t.name);
    // decoded from an object only, by `deserialize_object!`; a struct with a flattened
    // map of further properties keeps the derive, which collects them
    let object_only = s.additional.is_none();
    let mut fields: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| field(f, object_only, cx, here))
        .collect();
    if let Some(extra) = &s.additional {
        let vty = ty(extra, here);
        let fname = additional_name(s);
        fields.push(quote! {
            /// Properties beyond the declared ones (`additionalProperties`).
            #[serde(flatten)]
            pub #fname: std::collections::BTreeMap<String, #vty>,
        });
    }
    let required: Vec<&crate::ir::Field> = s
        .fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Required | Presence::RequiredNullable))
        .collect();
    let derive_default = required.is_empty().then(|| quote!(Default,));
    let any_deprecated = s.fields.iter().any(|f| f.deprecated);
    let allow = any_deprecated.then(|| quote!(#[allow(deprecated)]));
    let ctor = (t.is_input && !required.is_empty())
        .then(|| constructor(t, s, &required, here, allow.as_ref()));
    let setters_impl = t
        .is_input
        .then(|| setters(&name, s, here, allow.as_ref()))
        .flatten();
    let derive_deserialize = (!object_only).then(|| quote!(, serde::Deserialize));
    let deserialize = object_only.then(|| {
        let entries = s.fields.iter().map(|f| {
            let fname = to_ident(&f.rust_name);
            let wire = &f.wire_name;
            let required = (f.presence == Presence::Required && !write_only_default(f))
                .then(|| quote!(required));
            quote!(#fname = #wire #required)
        });
        quote!(deserialize_object!(#name { #( #entries ),* });)
    });
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize #derive_deserialize)]
        #[non_exhaustive]
        #allow
        pub struct #name {
            #( #fields )*
        }
        #deserialize
        #ctor
        #setters_impl
    }
}

/// Decoding a response must not fail for the absence of a write-only field that is
/// required when sent: it takes its default (lowering made the non-defaultable ones
/// optional).
fn write_only_default(f: &crate::ir::Field) -> bool {
    f.write_only && f.presence == Presence::Required
}

/// One field: docs (presence, read/write-only), deprecation, wire name, serde presence
/// (only how it is encoded when `deserialize_object!` decodes the struct).
fn field(f: &crate::ir::Field, object_only: bool, cx: &Cx, here: &TokenStream) -> TokenStream {
    let fname = to_ident(&f.rust_name);
    let wire = &f.wire_name;
    let rename = (f.rust_name.trim_start_matches("r#") != f.wire_name)
        .then(|| quote!(#[serde(rename = #wire)]));
    // `deserialize_object!` takes a missing property's default unless it is `required`;
    // the derive needs `default` said
    let skip = match f.presence {
        Presence::Optional => Some("Option::is_none"),
        Presence::OptionalNullable => Some("crate::Nullable::is_absent"),
        Presence::Required | Presence::RequiredNullable => None,
    };
    let default = !object_only && (skip.is_some() || write_only_default(f));
    let presence = match (default, skip) {
        (true, Some(skip)) => quote!(#[serde(default, skip_serializing_if = #skip)]),
        (false, Some(skip)) => quote!(#[serde(skip_serializing_if = #skip)]),
        (true, None) => quote!(#[serde(default)]),
        (false, None) => quote!(),
    };
    let note = match f.presence {
        Presence::Required => None,
        Presence::RequiredNullable => {
            Some("Required, may be `null`: `None` is sent as `null`.".to_string())
        }
        Presence::Optional => None,
        Presence::OptionalNullable => Some(
            "Optional and nullable: left out when `Absent`, sent as `null` when `Null`."
                .to_string(),
        ),
    };
    let mut extra: Vec<String> = note.into_iter().collect();
    if f.read_only {
        extra.push("Read-only: set by the server.".to_string());
    }
    if f.write_only {
        extra.push("Write-only: sent to the server, never returned by it.".to_string());
    }
    let fdocs = cx.docs(&f.docs, &format!("`{wire}`"), &extra);
    let dep = f
        .deprecated
        .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
    let fty = field_type(f, here);
    quote! {
            #fdocs
            #dep
            #rename
            #presence
            pub #fname: #fty,
    }
}

/// `new` with the required fields; optional fields start unset.
fn constructor(
    t: &TypeDef,
    s: &Struct,
    required: &[&crate::ir::Field],
    here: &TokenStream,
    allow: Option<&TokenStream>,
) -> TokenStream {
    let name = to_ident(&t.name);
    let params = required.iter().map(|f| {
        let n = to_ident(&f.rust_name);
        let fty = field_type(f, here);
        if f.ty == TypeRef::String && f.presence == Presence::Required && !f.boxed {
            quote!(#n: impl Into<String>)
        } else if f.ty == TypeRef::Secret && f.presence == Presence::Required && !f.boxed {
            quote!(#n: impl Into<crate::SecretString>)
        } else {
            quote!(#n: #fty)
        }
    });
    let inits = s.fields.iter().map(|f| {
        let n = to_ident(&f.rust_name);
        match f.presence {
            Presence::Required if matches!(f.ty, TypeRef::String | TypeRef::Secret) && !f.boxed => {
                quote!(#n: #n.into())
            }
            Presence::Required | Presence::RequiredNullable => quote!(#n),
            Presence::Optional => quote!(#n: None),
            Presence::OptionalNullable => quote!(#n: crate::Nullable::Absent),
        }
    });
    let extra_init = s.additional.as_ref().map(|_| {
        let fname = additional_name(s);
        quote!(#fname: Default::default(),)
    });
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let doc = format!(
        " A `{}` with its required fields; optional fields start unset.",
        t.name
    );
    quote! {
        #allow
        impl #name {
            #[doc = #doc]
            #many
            pub fn new(#( #params ),*) -> Self {
                Self { #( #inits, )* #extra_init }
            }
        }
    }
}

/// Fluent setters for the optional fields of request types: `#[non_exhaustive]` structs
/// cannot be built with a struct expression outside this crate.
fn setters(
    name: &proc_macro2::Ident,
    s: &Struct,
    here: &TokenStream,
    allow: Option<&TokenStream>,
) -> Option<TokenStream> {
    let setters: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable))
        .map(|f| {
            let n = to_ident(&f.rust_name);
            let setter = format_ident!("with_{}", f.rust_name.trim_start_matches("r#"));
            let inner = ty(&f.ty, here);
            let (arg, value) = if f.ty == TypeRef::String && !f.boxed {
                (quote!(impl Into<String>), quote!(value.into()))
            } else if f.ty == TypeRef::Secret && !f.boxed {
                (quote!(impl Into<crate::SecretString>), quote!(value.into()))
            } else if f.boxed {
                (quote!(#inner), quote!(Box::new(value)))
            } else {
                (quote!(#inner), quote!(value))
            };
            let wrapped = match f.presence {
                Presence::OptionalNullable => quote!(crate::Nullable::Value(#value)),
                _ => quote!(Some(#value)),
            };
            let doc = format!(" Sets `{}`.", f.wire_name);
            let dep = f
                .deprecated
                .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
            quote! {
                #[doc = #doc]
                #dep
                pub fn #setter(mut self, value: #arg) -> Self {
                    self.#n = #wrapped;
                    self
                }
            }
        })
        .collect();
    (!setters.is_empty()).then(|| {
        quote! {
            #allow
            impl #name {
                #( #setters )*
            }
        }
    })
}

fn additional_name(s: &Struct) -> proc_macro2::Ident {
    let mut n = "additional_properties".to_string();
    while s.fields.iter().any(|f| f.rust_name == n) {
        n.push('_');
    }
    format_ident!("{}", n)
}

/// The arms that pick a variant by the value of its implicit tag property; a variant that
/// cannot hold the value falls through to the untagged variants.
fn implicit_tag_arms(o: &OneOf, property: &str, here: &TokenStream) -> TokenStream {
    let arm = |v: &crate::ir::OneOfVariant, pattern: TokenStream| {
        let vn = to_ident(&v.rust_name);
        if v.is_unit() {
            return quote!(Some(#pattern) => return Self::#vn,);
        }
        let vty = ty(&v.ty, here);
        quote! {
            Some(#pattern) => {
                if let Ok(v) = serde_json::from_value::<#vty>(value.clone()) {
                    return Self::#vn(v);
                }
            }
        }
    };
    // one `match` per kind of tag value: how to read the property, how to write a value
    type Pattern = fn(&serde_json::Value) -> Option<TokenStream>;
    let kinds: [(TokenStream, Pattern); 3] = [
        (quote!(serde_json::Value::as_str), |t| {
            t.as_str().map(|s| quote!(#s))
        }),
        (quote!(serde_json::Value::as_i64), |t| {
            t.as_i64()
                .map(|n| proc_macro2::Literal::i64_unsuffixed(n).into_token_stream())
        }),
        (quote!(serde_json::Value::as_bool), |t| {
            t.as_bool().map(|b| quote!(#b))
        }),
    ];
    let matches = kinds.iter().filter_map(|(accessor, pattern)| {
        let arms: Vec<TokenStream> = o
            .variants
            .iter()
            .filter_map(|v| Some(arm(v, pattern(v.tag.as_ref()?)?)))
            .collect();
        (!arms.is_empty()).then(|| {
            quote! {
                match value.get(#property).and_then(#accessor) {
                    #( #arms )*
                    _ => {}
                }
            }
        })
    });
    quote!(#( #matches )*)
}

/// An expression that is true when `value` passes `checks`. Parentheses only where `||`
/// meets `&&`: rustc warns about any others.
fn checks_hold(checks: &[crate::ir::ValueCheck]) -> Option<TokenStream> {
    use crate::ir::{CheckAt, CheckRule};
    // the value at `by_ref` (a `&serde_json::Value`; `by_value` is the same, dereferenced)
    // passes `rule`: `(expression, whether it is an `||` of several)`
    let passes = |by_ref: TokenStream, x: TokenStream, rule: &CheckRule| match rule {
        CheckRule::Format(f) => (quote!(crate::runtime::format_matches(#by_ref, #f)), false),
        CheckRule::OneOf(values) => {
            let alternatives: Vec<TokenStream> = values
                .iter()
                .filter_map(|v| match v {
                    serde_json::Value::String(s) => Some(quote!(#x == #s)),
                    serde_json::Value::Bool(b) => Some(quote!(#x == #b)),
                    v => {
                        let n = proc_macro2::Literal::i64_suffixed(v.as_i64()?);
                        Some(quote!(#x == #n))
                    }
                })
                .collect();
            (quote!(#( #alternatives )||*), alternatives.len() > 1)
        }
    };
    let parts: Vec<(TokenStream, bool)> = checks
        .iter()
        .map(|c| match &c.at {
            CheckAt::Value => passes(quote!(&value), quote!(value), &c.rule),
            CheckAt::EveryItem => {
                let (item, _) = passes(quote!(item), quote!(*item), &c.rule);
                (
                    quote!(value.as_array().is_some_and(|items| items.iter().all(|item| #item))),
                    false,
                )
            }
            CheckAt::Property(p) => {
                let (x, _) = passes(quote!(x), quote!(*x), &c.rule);
                (quote!(value.get(#p).is_none_or(|x| #x)), false)
            }
        })
        .collect();
    match parts.as_slice() {
        [] => None,
        [(only, _)] => Some(only.clone()),
        several => {
            let joined = several
                .iter()
                .map(|(e, or)| if *or { quote!((#e)) } else { e.clone() });
            Some(quote!(#( #joined )&&*))
        }
    }
}

/// Decoding by shape among `candidates` (in the order they are tried): the first variant
/// that holds the whole value; else, in an `anyOf`, the first that holds some of it, and
/// in a `oneOf` the only one that does; else `Other`. A value that one of an `ambiguous`
/// group holds is `Other`.
fn by_shape(
    o: &OneOf,
    candidates: &[usize],
    ambiguous: &[Vec<usize>],
    here: &TokenStream,
) -> TokenStream {
    // One variant of each group that cannot be told apart: a value it holds is
    // one of the group's, so never a lossy fit of another variant.
    let groups = ambiguous.iter().filter_map(|g| g.first()).map(|&i| {
        let vty = ty(&o.variants[i].ty, here);
        quote! {
            if let Some((_, exact)) = one_of_match::<#vty>(&value) {
                if exact {
                    return Self::Other(value);
                }
                ambiguous += 1;
            }
        }
    });
    let count_groups =
        (!ambiguous.is_empty()).then(|| quote!(let mut ambiguous = 0usize; #( #groups )*));
    let no_group = (!ambiguous.is_empty()).then(|| quote!(&&ambiguous == 0));
    let tries = candidates
        .iter()
        .filter(|i| !ambiguous.iter().any(|g| g.contains(i)))
        .map(|&i| {
            let v = &o.variants[i];
            let vn = to_ident(&v.rust_name);
            let vty = ty(&v.ty, here);
            let try_it = quote! {
                if let Some((v, exact)) = one_of_match::<#vty>(&value) {
                    if exact {
                        return Self::#vn(v);
                    }
                    loose.push(Self::#vn(v));
                }
            };
            let try_it = match checks_hold(&v.checks) {
                Some(check) => quote!(if #check { #try_it }),
                None => try_it,
            };
            match &v.format {
                Some(f) => quote! {
                    if crate::runtime::format_matches(&value, #f) { #try_it }
                },
                None => try_it,
            }
        });
    let take_loose = if o.any_of {
        quote! {
            if !loose.is_empty() #no_group {
                return loose.swap_remove(0);
            }
        }
    } else {
        quote! {
            if loose.len() == 1 #no_group {
                if let Some(only) = loose.pop() {
                    return only;
                }
            }
        }
    };
    quote! {
        #count_groups
        let mut loose: Vec<Self> = Vec::new();
        #( #tries )*
        #take_loose
        Self::Other(value)
    }
}

/// The body of a union's `from_json`: by tag, content rule or shape.
fn decoder(o: &OneOf, here: &TokenStream) -> TokenStream {
    match &o.how {
        OneOfDecoding::Tagged { property } => {
            let arms = o.variants.iter().filter_map(|v| {
                let vn = to_ident(&v.rust_name);
                let tag = v.tag.as_ref()?.as_str()?;
                if v.is_unit() {
                    return Some(quote!(Some(#tag) => Self::#vn,));
                }
                let vty = ty(&v.ty, here);
                Some(quote!(Some(#tag) => serde_json::from_value::<#vty>(value.clone()).map(Self::#vn).unwrap_or(Self::Other(value)),))
            });
            quote! {
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #( #arms )*
                    _ => Self::Other(value),
                }
            }
        }
        OneOfDecoding::ImplicitTag {
            property,
            ambiguous,
        } => {
            let tagged = implicit_tag_arms(o, property, here);
            let untagged: Vec<usize> = o
                .try_order
                .iter()
                .copied()
                .filter(|&i| o.variants[i].tag.is_none())
                .collect();
            let rest = if untagged.is_empty() {
                quote!(Self::Other(value))
            } else {
                by_shape(o, &untagged, ambiguous, here)
            };
            quote! {
                #tagged
                #rest
            }
        }
        OneOfDecoding::ByContent { pointer, prefixes } => {
            let arms = prefixes.iter().map(|(prefix, i)| {
                let v = &o.variants[*i];
                let vn = to_ident(&v.rust_name);
                let vty = ty(&v.ty, here);
                quote!(Some(key) if key.starts_with(#prefix) => serde_json::from_value::<#vty>(value.clone()).map(Self::#vn).unwrap_or(Self::Other(value)),)
            });
            quote! {
                match content_key(&value, #pointer) {
                    #( #arms )*
                    _ => Self::Other(value),
                }
            }
        }
        OneOfDecoding::ByShape { ambiguous } => by_shape(o, &o.try_order, ambiguous, here),
    }
}

/// What a union's docs say about how it is decoded.
fn decoding_doc(o: &OneOf) -> String {
    let order = o
        .try_order
        .iter()
        .map(|&i| format!("`{}`", o.variants[i].rust_name))
        .collect::<Vec<_>>()
        .join(", ");
    let overlap = if o.any_of {
        format!(
            " Variants may overlap (`anyOf`): a value goes to the first of {order} that holds all of it, else to the first that holds some of it."
        )
    } else {
        format!(
            " Variants are tried in this order: {order}; a value that several hold only in part decodes to `Other`."
        )
    };
    match &o.how {
        OneOfDecoding::Tagged { property } => format!(" Decoded by the `{property}` property."),
        OneOfDecoding::ImplicitTag { property, ambiguous } => {
            let tags = o
                .variants
                .iter()
                .filter_map(|v| Some(format!("`{}` → `{}`", v.tag.as_ref()?, v.rust_name)))
                .collect::<Vec<_>>()
                .join(", ");
            let rest = if o.variants.iter().all(|v| v.tag.is_some()) {
                " Any other value decodes to `Other`.".to_string()
            } else if ambiguous.is_empty() {
                format!(" Other values are decoded by shape.{overlap}")
            } else {
                " Other values are decoded by shape; some variants have the same shape and no tag, and such values decode to `Other`, never to a guessed variant.".to_string()
            };
            format!(" Decoded by the value of the `{property}` property ({tags}).{rest}")
        }
        OneOfDecoding::ByContent { pointer, .. } => format!(" Decoded by the message at `{pointer}`, since the variants have the same shape."),
        OneOfDecoding::ByShape { ambiguous } if !ambiguous.is_empty() => " Decoded by shape. Some variants have the same shape and cannot be told apart: such values decode to `Other`, never to a guessed variant.".to_string(),
        OneOfDecoding::ByShape { .. } => format!(" Decoded by shape: the variant that holds the whole value; a value that fits none decodes to `Other`.{overlap}"),
    }
}

fn one_of_def(
    t: &TypeDef,
    o: &OneOf,
    cx: &Cx,
    here: &TokenStream,
    docs: TokenStream,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let name = to_ident(&t.name);
    let tag_property = match &o.how {
        OneOfDecoding::Tagged { property } | OneOfDecoding::ImplicitTag { property, .. } => {
            Some(property.as_str())
        }
        _ => None,
    };
    let variants = o.variants.iter().map(|v| {
        let vn = to_ident(&v.rust_name);
        let fallback = match (tag_property, &v.tag) {
            (Some(property), Some(tag)) => format!("The value whose `{property}` is `{tag}`."),
            _ => format!("The `{}` variant.", v.rust_name),
        };
        let vdocs = cx.docs(&v.docs, &fallback, &[]);
        if v.is_unit() {
            return quote!(#vdocs #vn,);
        }
        let vty = ty(&v.ty, here);
        quote!(#vdocs #vn(#vty),)
    });
    let ser_arms = o.variants.iter().map(|v| {
        let vn = to_ident(&v.rust_name);
        let tag = v.tag.as_ref().and_then(serde_json::Value::as_str);
        match (tag_property, tag) {
            // the variant's struct has no field for the tag: write it first
            (Some(property), Some(tag)) if v.is_unit() => quote! {
                Self::#vn => crate::runtime::serialize_tagged(serializer, #property, #tag, &()),
            },
            (Some(property), Some(tag)) if v.tag_omitted => quote! {
                Self::#vn(v) => crate::runtime::serialize_tagged(serializer, #property, #tag, v),
            },
            _ => quote!(Self::#vn(v) => serde::Serialize::serialize(v, serializer),),
        }
    });
    let decode = decoder(o, here);
    let how_doc = decoding_doc(o);
    let from_json_body = decode;
    quote! {
        #docs
        ///
        #[doc = #how_doc]
        #deprecated
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variants )*
            /// A value that matches no documented variant (or several that cannot be told
            /// apart), kept as JSON.
            Other(serde_json::Value),
        }
        impl #name {
            /// Decodes a JSON value; never fails, see the type's documentation.
            pub fn from_json(value: serde_json::Value) -> Self {
                #from_json_body
            }
        }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( #ser_arms )*
                    Self::Other(v) => serde::Serialize::serialize(v, serializer),
                }
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_json(value))
            }
        }
    }
}
