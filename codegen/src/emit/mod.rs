//! Stage 3: [`crate::ir::Api`] → token streams. Infallible: everything that can be wrong was
//! found by `lower`. This module never looks at `openapiv3`.

pub mod docs;
pub mod features;
mod operations;
mod types;

use crate::ident;
use crate::ir::{Api, Docs, SecuritySchemeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// The generated modules, in the order they are written.
pub const FILES: [&str; 3] = ["types.rs", "operations.rs", "api.rs"];

/// A part of one generated file that is emitted and formatted on its own, so that parts
/// can be made in parallel: a file is its parts' text, concatenated in order (the
/// formatter puts nothing between top-level items, so the result is the same as
/// formatting the file whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Index into [`FILES`].
    pub file: usize,
    kind: PartKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PartKind {
    TypesHead,
    Types(std::ops::Range<usize>),
    TypesTail,
    OperationsHead,
    Operations(std::ops::Range<usize>),
    OperationsTail,
    Api,
}

/// Types, and operations, per part: small enough to spread over threads, large enough that
/// a part is worth a thread's start.
const TYPES_PER_PART: usize = 24;
const OPERATIONS_PER_PART: usize = 12;

/// Everything that is emitted for `api`, in file order.
pub fn parts(api: &Api) -> Vec<Part> {
    fn chunks(n: usize, per: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
        (0..n.div_ceil(per)).map(move |i| i * per..((i + 1) * per).min(n))
    }
    let mut parts = vec![Part {
        file: 0,
        kind: PartKind::TypesHead,
    }];
    parts.extend(chunks(api.types.len(), TYPES_PER_PART).map(|r| Part {
        file: 0,
        kind: PartKind::Types(r),
    }));
    parts.push(Part {
        file: 0,
        kind: PartKind::TypesTail,
    });
    parts.push(Part {
        file: 1,
        kind: PartKind::OperationsHead,
    });
    parts.extend(
        chunks(api.operations.len(), OPERATIONS_PER_PART).map(|r| Part {
            file: 1,
            kind: PartKind::Operations(r),
        }),
    );
    parts.push(Part {
        file: 1,
        kind: PartKind::OperationsTail,
    });
    parts.push(Part {
        file: 2,
        kind: PartKind::Api,
    });
    parts
}

/// What every part needs to know of the whole API.
pub fn context(api: &Api) -> Cx {
    let ops: BTreeMap<String, String> = api
        .operations
        .iter()
        .map(|o| (o.operation_id.clone(), o.method_name.clone()))
        .collect();
    let string_enums = api
        .types
        .iter()
        .filter(|t| matches!(t.kind, crate::ir::TypeKind::StringEnum(_)))
        .map(|t| t.name.clone())
        .collect();
    let objects = api
        .types
        .iter()
        .filter(|t| matches!(t.kind, crate::ir::TypeKind::Struct(_)))
        .map(|t| t.name.clone())
        .collect();
    // operations whose documented errors are the same (statuses, variants, bodies and
    // descriptions) share the first one's error enum: the others name it by an alias
    let mut first_with: BTreeMap<String, usize> = BTreeMap::new();
    let error_owner: Vec<usize> = api
        .operations
        .iter()
        .enumerate()
        .map(|(i, o)| *first_with.entry(format!("{:?}", o.errors)).or_insert(i))
        .collect();
    let mut error_shared = vec![false; error_owner.len()];
    for (i, &owner) in error_owner.iter().enumerate() {
        if owner != i {
            error_shared[owner] = true;
        }
    }
    let features = features::features(api, &error_owner);
    Cx {
        ops,
        string_enums,
        objects,
        error_owner,
        error_shared,
        features,
    }
}

/// The tokens of one part.
pub fn emit_part(api: &Api, cx: &Cx, part: &Part) -> TokenStream {
    match &part.kind {
        PartKind::TypesHead => types::head(),
        PartKind::Types(r) => types::items(api, cx, r.clone()),
        PartKind::TypesTail => types::tail(api, cx),
        PartKind::OperationsHead => operations::head(api, cx),
        PartKind::Operations(r) => operations::items(api, cx, r.clone()),
        PartKind::OperationsTail => operations::tail(api, cx),
        PartKind::Api => emit_api(api),
    }
}

/// Text that follows a part's formatted tokens as it is: definitions that `prettyplease`
/// would print unreadably (a `macro_rules!` body is one run of tokens to it).
pub fn part_text(api: &Api, part: &Part) -> String {
    match &part.kind {
        PartKind::TypesHead => types::head_text(api),
        PartKind::OperationsHead => operations::head_text(api),
        _ => String::new(),
    }
}

/// A `macro_rules!` definition written as text (see [`part_text`]): nothing when no item
/// uses it; allowed to go unused when cargo features may leave out every item that does.
fn macro_text(text: &str, used: bool, api: &Api) -> String {
    if !used {
        String::new()
    } else if api.features_per_tag {
        text.replace("\nmacro_rules!", "\n#[allow(unused_macros)]\nmacro_rules!")
    } else {
        text.to_string()
    }
}

/// What [`emit_part`] needs of the whole API, made once per generation.
pub struct Cx {
    /// operationId → method name, for links.
    pub ops: BTreeMap<String, String>,
    /// String enum types: they implement `Display`.
    pub string_enums: std::collections::BTreeSet<String>,
    /// Struct types: as parameters, serialised property by property.
    pub objects: std::collections::BTreeSet<String>,
    /// For each operation (by index), the operation whose error enum it uses: itself, or
    /// the first one whose documented errors are the same.
    pub error_owner: Vec<usize>,
    /// For each operation, whether other operations use its error enum.
    pub error_shared: Vec<bool>,
    /// Which cargo features compile what, when there is a feature per tag.
    pub features: Option<features::Features>,
}

impl Cx {
    /// Doc attributes for an item: title/summary as the first paragraph, then the description.
    pub fn docs(&self, d: &Docs, fallback: &str, extra: &[String]) -> TokenStream {
        let mut parts: Vec<String> = Vec::new();
        for head in [&d.summary, &d.title].into_iter().flatten() {
            let head = head.trim();
            if !head.is_empty() && !parts.iter().any(|p| p == head) {
                parts.push(docs::sanitize(head, &self.ops));
            }
        }
        if let Some(desc) = &d.description {
            let desc = docs::sanitize(desc.trim(), &self.ops);
            if !desc.is_empty() && !parts.contains(&desc) {
                parts.push(desc);
            }
        }
        if parts.is_empty() && !fallback.is_empty() {
            parts.push(fallback.to_string());
        }
        parts.extend(extra.iter().cloned());
        docs::attrs(&parts.join("\n\n"))
    }
}

/// Tokens for a type reference; `types` is the path to the types module.
pub(crate) fn ty(t: &TypeRef, types: &TokenStream) -> TokenStream {
    match t {
        TypeRef::Named(n) => {
            let id = ident::to_ident(n);
            quote!(#types #id)
        }
        TypeRef::String => quote!(String),
        TypeRef::Secret => quote!(crate::SecretString),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::U32 => quote!(u32),
        TypeRef::U64 => quote!(u64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Bytes => quote!(Vec<u8>),
        TypeRef::Vec(inner) => {
            let inner = ty(inner, types);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty(inner, types);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Tuple(elements) => {
            let elements = elements.iter().map(|e| ty(e, types));
            quote!((#(#elements,)*))
        }
    }
}

/// One entry of the generated `SECURITY_SCHEMES`.
fn security_scheme(s: &crate::ir::SecurityScheme) -> TokenStream {
    let name = &s.name;
    let kind = match &s.kind {
        SecuritySchemeKind::ApiKeyHeader { header } => {
            quote!(crate::runtime::SchemeKind::ApiKeyHeader { header: #header })
        }
        SecuritySchemeKind::ApiKeyQuery { parameter } => {
            quote!(crate::runtime::SchemeKind::ApiKeyQuery { parameter: #parameter })
        }
        SecuritySchemeKind::Bearer => quote!(crate::runtime::SchemeKind::Bearer),
        SecuritySchemeKind::Basic => quote!(crate::runtime::SchemeKind::Basic),
    };
    let description = match &s.description {
        Some(d) => quote!(Some(#d)),
        None => quote!(None),
    };
    quote! {
        crate::runtime::SecurityScheme {
            name: #name,
            kind: #kind,
            description: #description,
        }
    }
}

/// A hook of the generated `SERVICE`: `Some(path::to::function)` or `None`.
fn hook(segments: &Option<Vec<String>>) -> TokenStream {
    match segments {
        Some(segments) => {
            let segments = segments
                .iter()
                .map(|s| proc_macro2::Ident::new(s, proc_macro2::Span::call_site()));
            quote!(Some(#(#segments)::*))
        }
        None => quote!(None),
    }
}

/// `generated/api.rs`: the description's facts as constants, the runtime's `SERVICE`,
/// `Client::builder` (and, for standalone crates, `Client::new`).
fn emit_api(api: &Api) -> TokenStream {
    let version = &api.spec_version;
    let sha = &api.sha256;
    let openapi = &api.openapi_version;
    let title = &api.title;
    let server = match &api.default_server {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let schemes = api.security_schemes.iter().map(security_scheme);
    let secret_keys = &api.secret_keys;
    let explain_auth_failure = hook(&api.hooks.explain_auth_failure);
    let mask_text = hook(&api.hooks.mask_text);
    let constructors = if api.client_constructors {
        client_constructors(api)
    } else {
        TokenStream::new()
    };
    quote! {
        //! Facts about the API description this crate was generated from.

        /// `info.title` of the API description.
        pub const API_TITLE: &str = #title;
        /// `info.version` of the API description this crate was generated from.
        pub const SPEC_VERSION: &str = #version;
        /// sha256 of the API description file this crate was generated from.
        pub const SPEC_SHA256: &str = #sha;
        /// The `openapi` version field of the API description.
        pub const OPENAPI_VERSION: &str = #openapi;
        /// The first server of the API description, if it names one: where a
        /// [`crate::Client`] sends requests unless its builder is given another base URL.
        pub const DEFAULT_SERVER: Option<&str> = #server;
        /// The security schemes of the API description that the client can send, the ones
        /// its security requirements name first. [`crate::Credentials::for_scheme`] makes
        /// credentials for one of them.
        pub const SECURITY_SCHEMES: &[crate::runtime::SecurityScheme] = &[#(#schemes),*];
        /// What the runtime needs to know of this API: its server, the keys whose values it
        /// masks (the description's secret fields), and the crate's own hooks.
        pub(crate) static SERVICE: crate::runtime::Service = crate::runtime::Service {
            default_server: DEFAULT_SERVER,
            redaction: crate::runtime::Redaction {
                secret_keys: &[#(#secret_keys),*],
                mask_text: #mask_text,
            },
            explain_auth_failure: #explain_auth_failure,
        };

        impl crate::Client {
            /// A builder for base URL, timeouts, retries (and their budget), user agent and
            /// HTTP client, with these credentials: [`crate::Credentials`], or anything else
            /// that implements [`crate::IntoCredentials`] (a string, sent as the API
            /// expects a key). A problem with them is reported by
            /// [`crate::ClientBuilder::build`].
            pub fn builder(credentials: impl crate::IntoCredentials) -> crate::ClientBuilder {
                crate::ClientBuilder::new(&SERVICE, credentials)
            }
        }

        #constructors
    }
}

/// `Client::new` and `IntoCredentials` for strings, for a runtime without its own (a
/// standalone crate): a string is sent as the first security scheme says. `new` takes
/// the secret when there is a scheme, and the base URL when the description names no
/// absolute server (the client could not be built without one).
fn client_constructors(api: &Api) -> TokenStream {
    let has_server = api.default_server.as_deref().is_some_and(|url| {
        let lower = url.to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    });
    let (url_param, url_set, url_doc) = if has_server {
        (
            quote!(),
            quote!(),
            "at [`crate::DEFAULT_SERVER`]".to_string(),
        )
    } else {
        (
            quote!(base_url: &str,),
            quote!(.base_url(base_url)),
            "at `base_url` (the API description names no absolute server)".to_string(),
        )
    };
    let builder_doc = "[`crate::Client::builder`] sets other credentials, timeouts and retries.";
    let Some(first) = api.security_schemes.first() else {
        let new_doc = format!(
            "A client for the API {url_doc}, sending no credentials: the API description defines no security scheme the client can send.\n\n{builder_doc}"
        );
        let new_doc = docs::attrs(&new_doc);
        return quote! {
            impl crate::Client {
                #new_doc
                pub fn new(#url_param) -> Result<crate::Client, crate::ConfigError> {
                    crate::Client::builder(crate::Credentials::none())#url_set.build()
                }
            }
        };
    };
    let how = match &first.kind {
        SecuritySchemeKind::ApiKeyHeader { header } => {
            format!("as the value of the {} header", code(header))
        }
        SecuritySchemeKind::ApiKeyQuery { parameter } => {
            format!("as the value of the {} query parameter", code(parameter))
        }
        SecuritySchemeKind::Bearer => "as `Authorization: Bearer <secret>`".to_string(),
        SecuritySchemeKind::Basic => {
            "as `Authorization: Basic …`; the secret is `user:password`".to_string()
        }
    };
    let how = format!("{how} (security scheme {})", code(&first.name));
    let string_doc = format!("A string is sent {how}.");
    let new_doc = docs::attrs(&format!(
        "A client for the API {url_doc}, sending `secret` {how}.\n\n{builder_doc}"
    ));
    let string_doc = docs::attrs(&string_doc);
    quote! {
        #string_doc
        impl crate::IntoCredentials for &str {
            fn into_credentials(self) -> Result<crate::Credentials, crate::ConfigError> {
                crate::IntoCredentials::into_credentials(crate::Credentials::for_scheme(
                    &SECURITY_SCHEMES[0],
                    self,
                ))
            }
        }
        #string_doc
        impl crate::IntoCredentials for &String {
            fn into_credentials(self) -> Result<crate::Credentials, crate::ConfigError> {
                crate::IntoCredentials::into_credentials(self.as_str())
            }
        }
        #string_doc
        impl crate::IntoCredentials for String {
            fn into_credentials(self) -> Result<crate::Credentials, crate::ConfigError> {
                crate::IntoCredentials::into_credentials(self.as_str())
            }
        }
        impl crate::Client {
            #new_doc
            pub fn new(#url_param secret: &str) -> Result<crate::Client, crate::ConfigError> {
                crate::Client::builder(secret)#url_set.build()
            }
        }
    }
}

/// `text` as inline code in rustdoc, whatever backticks it holds.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}
