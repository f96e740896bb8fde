//! The intermediate representation: a resolved, validated, named view of the API.
//!
//! Invariants: every [`TypeRef::Named`] names a [`TypeDef`] in [`Api::types`]; every name
//! is a valid, unique Rust identifier; nothing here refers to `openapiv3` or to token types.
//! Collections are ordered (`Vec` in a fixed order), so emission is deterministic.

/// The whole API.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    /// `info.version`.
    pub spec_version: String,
    /// The `openapi` field.
    pub openapi_version: String,
    /// sha256 of the spec file.
    pub sha256: String,
    /// The spec file as named on the command line.
    pub source: String,
    /// `servers[0].url`, variables substituted with their defaults.
    pub default_server: Option<String>,
    /// Sorted by name.
    pub types: Vec<TypeDef>,
    /// In document order.
    pub operations: Vec<Operation>,
    /// How many operations the document has: lowering fails unless every one of them is
    /// in [`Api::operations`], so the two are equal.
    pub operations_in_document: usize,
    /// The security schemes a client can send, the ones the document's `security`
    /// requirements name first (top level, then operations, in document order), then the
    /// rest of `components.securitySchemes` in document order. Schemes the runtime cannot
    /// send (cookies, mutual TLS, other HTTP schemes) are left out with a warning.
    pub security_schemes: Vec<SecurityScheme>,
    /// Emit `Client::new` and `IntoCredentials` for strings (see
    /// [`crate::Settings::client_constructors`]).
    pub client_constructors: bool,
    /// One cargo feature per tag (see [`crate::Settings::features_per_tag`]).
    pub features_per_tag: bool,
    /// Keys whose string values the runtime masks for this API: the wire names of its
    /// secret fields (`format: password`, named like a secret, in the settings'
    /// `secret_fields`) and write-only strings, and [`crate::Settings::secret_keys`],
    /// sorted, each once.
    pub secret_keys: Vec<String>,
    /// The runtime's hooks into the crate's own code ([`crate::Settings::hooks`]).
    pub hooks: Hooks,
}

/// Functions of the crate's own code the runtime calls, each as the segments of its
/// Rust path (`["crate", "auth", "explain"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hooks {
    pub explain_auth_failure: Option<Vec<String>>,
    pub mask_text: Option<Vec<String>>,
}

/// One entry of `components.securitySchemes` that the runtime can send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its name in `components.securitySchemes`.
    pub name: String,
    pub kind: SecuritySchemeKind,
    pub description: Option<String>,
    /// JSON pointer of its definition.
    pub pointer: String,
}

/// How a [`SecurityScheme`] sends the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecuritySchemeKind {
    /// `type: apiKey, in: header`: the key is this header's value.
    ApiKeyHeader { header: String },
    /// `type: apiKey, in: query`: the key is this query parameter's value.
    ApiKeyQuery { parameter: String },
    /// `type: http, scheme: bearer`, `oauth2`, `openIdConnect`:
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `type: http, scheme: basic`: `Authorization: Basic base64(user:password)`.
    Basic,
}

/// Documentation carried to the generated item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: String,
    /// JSON pointer of the schema that defines it.
    pub pointer: String,
    pub docs: Docs,
    pub deprecated: bool,
    /// Used in a request (body or parameter): gets a constructor.
    pub is_input: bool,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum; unknown wire values decode to an `Unknown(String)` variant.
    StringEnum(Vec<EnumVariant>),
    /// `oneOf`/`anyOf`.
    OneOf(OneOf),
    /// A named schema that is not an object (an array, a primitive, a map): `pub type`.
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// `additionalProperties` beside declared properties: a flattened map of this type.
    pub additional: Option<TypeRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    pub ty: TypeRef,
    pub presence: Presence,
    pub docs: Docs,
    pub deprecated: bool,
    /// Recursion needs a `Box` here.
    pub boxed: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// A secret only because of its name (`password`, `secret`), not by its format or the
    /// settings: lowering takes that back in error bodies, which carry messages.
    pub secret_by_name: bool,
}

/// Required × nullable, exactly as the spec says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `T`, always sent.
    Required,
    /// `Option<T>`, always sent (`null` when `None`).
    RequiredNullable,
    /// `Option<T>`, omitted when `None`.
    Optional,
    /// `Nullable<T>`: omitted, `null`, or a value.
    OptionalNullable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    pub rust_name: String,
    pub wire: String,
    pub deprecated: bool,
    /// Title and description of the value, when the spec gives one (a `oneOf` of `const`s).
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OneOf {
    pub variants: Vec<OneOfVariant>,
    /// `anyOf`: variants may overlap, and a value several hold goes to the first of
    /// [`OneOf::try_order`]. In a `oneOf`, a value that only loosely fits several variants
    /// is `Other`.
    pub any_of: bool,
    pub how: OneOfDecoding,
    /// Order in which variants are tried when decoding by shape: most specific first
    /// (see `lower::shape::try_order`).
    pub try_order: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OneOfVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    pub docs: Docs,
    /// The value of the tag property that selects this variant: a discriminator's mapping
    /// value (a string), or the one value the variant allows for an implicit tag (a string,
    /// an integer or a boolean).
    pub tag: Option<serde_json::Value>,
    /// The variant's own struct (an inline object) has no field for the tag property,
    /// whose one value `tag` is: encoding writes the tag before the struct's fields, and
    /// users never spell it (`Datum::Bool(DatumBool::new(true))`). With `ty` the empty
    /// tuple, the variant is nothing but its tag: a unit variant (`DiskState::Creating`).
    pub tag_omitted: bool,
    /// A string format the value must have to be this variant (`uuid`, `ipv4`, ...), when
    /// the variant is a string of a format the decoder checks.
    pub format: Option<String>,
    /// What the decoder checks before it tries this variant by shape: values the spec
    /// allows (`enum`, `const`; a string enum keeps unknown values, so decoding alone
    /// would accept any string) and string formats inside the value.
    pub checks: Vec<ValueCheck>,
}

/// A check of part of a value: see [`OneOfVariant::checks`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValueCheck {
    pub at: CheckAt,
    pub rule: CheckRule,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckAt {
    /// The value itself.
    Value,
    /// Every item of the list.
    EveryItem,
    /// The property, when present.
    Property(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckRule {
    /// One of these values (strings, integers or booleans).
    OneOf(Vec<serde_json::Value>),
    /// A string of this format (`runtime::format_matches`).
    Format(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum OneOfDecoding {
    /// `discriminator.propertyName`: internally tagged.
    Tagged { property: String },
    /// No discriminator, but every variant with a `tag` requires `property` with that one
    /// value: the value of `property` picks the variant, as a discriminator would. A value
    /// whose tag matches none (or that its tagged variant cannot hold) is decoded by shape
    /// among the variants without a tag.
    ImplicitTag {
        property: String,
        /// As in [`OneOfDecoding::ByShape`], among the variants without a tag.
        ambiguous: Vec<Vec<usize>>,
    },
    /// By shape: the variant the value matches exactly, else the first it matches at all,
    /// else the fallback variant carrying the raw JSON.
    ByShape {
        /// Groups of variants (indices) that cannot be told apart by shape; they never
        /// decode to a named variant (the value goes to the fallback) unless a rule is set.
        ambiguous: Vec<Vec<usize>>,
    },
    /// A configured content rule: the string at `pointer` selects the variant by prefix.
    ByContent {
        pointer: String,
        prefixes: Vec<(String, usize)>,
    },
}

/// A reference to a Rust type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Named(String),
    String,
    /// A string that must not be printed (`SecretString`).
    Secret,
    Bool,
    I32,
    I64,
    U32,
    U64,
    F32,
    F64,
    DateTime,
    Date,
    /// Free-form JSON.
    Json,
    /// A JSON object of unknown shape.
    JsonObject,
    Bytes,
    Vec(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// A list of fixed length whose elements have these types, in order (`prefixItems`
    /// with no further items): a Rust tuple, at most
    /// [`crate::load::MAX_TUPLE`] elements.
    Tuple(Vec<TypeRef>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub operation_id: String,
    /// `create_api_token_v2`.
    pub method_name: String,
    /// `CreateApiTokenV2`: the request builder; errors are `CreateApiTokenV2Error`.
    pub type_name: String,
    /// `GET`, `POST`, …
    pub http_method: String,
    pub path: String,
    pub pointer: String,
    pub docs: Docs,
    pub deprecation: Option<Deprecation>,
    /// `false` when the description says the operation needs no credentials
    /// (`security: []`): the client then sends none.
    pub authenticated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub success: Vec<Response>,
    pub errors: Vec<ErrorResponse>,
    /// The operation's `tags`, as written.
    pub tags: Vec<String>,
}

impl OneOfVariant {
    /// A variant that is nothing but its tag: no payload in Rust.
    pub fn is_unit(&self) -> bool {
        self.tag_omitted && self.ty == TypeRef::Tuple(Vec::new())
    }
}

impl Operation {
    /// The parameters the method takes as arguments, in order (the body, if any, follows
    /// them): the required ones.
    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.required)
    }

    /// The parameters set with builder methods: the optional ones.
    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| !p.required)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deprecation {
    pub removal_date: Option<String>,
    /// operationId and Rust method name of the replacement.
    pub replacement: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub docs: Docs,
    pub deprecated: bool,
    /// How a list or an object is written (OpenAPI `style` and `explode`).
    pub style: ParamStyle,
}

/// How a parameter value that is a list or an object is serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// Query `form`, exploded (the default): `ids=1&ids=2`, `a=1&b=2`.
    FormExploded,
    /// Query `form` with `explode: false`: `ids=1,2`, `obj=a,1,b,2`.
    Form,
    /// `ids=1%202`.
    SpaceDelimited,
    /// `ids=1|2`.
    PipeDelimited,
    /// `obj[a]=1&obj[b]=2`.
    DeepObject,
    /// Path and header `simple`: `1,2`, `a,1,b,2`.
    Simple,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    Form,
    Text,
    Bytes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    pub content_type: String,
    pub encoding: BodyEncoding,
    pub ty: TypeRef,
    pub required: bool,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX` → 4.
    Range(u16),
    Default,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseEncoding {
    Json,
    Text,
    Bytes,
    Empty,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusMatch,
    pub encoding: ResponseEncoding,
    /// `None` for [`ResponseEncoding::Empty`].
    pub ty: Option<TypeRef>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    pub status: StatusMatch,
    pub variant: String,
    pub encoding: ResponseEncoding,
    pub ty: Option<TypeRef>,
    pub description: String,
}
