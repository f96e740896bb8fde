//! The `operations` module: one request builder and one error enum per operation, and
//! the methods on `Client` that start them.

use super::{Cx, ty};
use crate::ident::{self, to_ident};
use crate::ir::{
    Api, BodyEncoding, Operation, Param, ParamLocation, ParamStyle, ResponseEncoding, StatusMatch,
    TypeRef,
};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The module's inner documentation and what its items name: the runtime's `Sending`,
/// the future every operation returns (re-exported: users name it), and `OperationInfo`
/// as `Info`, whose `const` constructors describe each operation in one line.
pub fn head(api: &Api, cx: &Cx) -> TokenStream {
    // the features enabled may leave no operation to name them
    let unused = cx
        .features
        .is_some()
        .then(|| quote!(#[allow(unused_imports)]));
    let uses = (!api.operations.is_empty()).then(|| {
        quote! {
            pub use crate::runtime::Sending;
            #unused
            use crate::runtime::OperationInfo as Info;
        }
    });
    quote! {
        //! Request builders and documented error responses, one per operation.
        //!
        //! Start a request with the method of the same name on [`crate::Client`], set the
        //! optional parameters, then `.await` it (or call `.send().await`).

        #uses
    }
}

/// `into_future!`, which writes a request builder's `IntoFuture` (its `send`): one line per
/// builder instead of seven. Text, like `string_enum!` in `types` (`prettyplease` prints a
/// macro's body as one run of tokens), written only when some operation has a builder.
pub fn head_text(api: &Api) -> String {
    let builders = api
        .operations
        .iter()
        .any(|op| op.optional_params().next().is_some());
    super::macro_text(INTO_FUTURE_MACRO, builders, api)
}

const INTO_FUTURE_MACRO: &str = r#"/// `.await` on a request builder sends it: its `IntoFuture` is its `send`.
macro_rules! into_future {
    ($builder:ident => $ok:ty, $error:ty) => {
        impl<'a> std::future::IntoFuture for $builder<'a> {
            type Output = Result<$ok, crate::Error<$error>>;
            type IntoFuture = Sending<'a, $ok, $error>;
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}
"#;

/// The operations `range` of `api.operations`: each one's items, then one `impl Client`
/// with their methods.
pub fn items(api: &Api, cx: &Cx, range: std::ops::Range<usize>) -> TokenStream {
    let types = quote!(super::types::);
    let mut methods = TokenStream::new();
    // Items are moved into the part, not interpolated: `quote!` copies every token of a
    // stream it interpolates, and the items are most of a generation's tokens.
    let mut out = TokenStream::new();
    for i in range {
        let (own, error, rest, method) = operation(api, i, cx, &types);
        let f = cx.features.as_ref();
        let own = super::features::each_item(f.and_then(|f| f.operation(i)), own);
        let rest = super::features::each_item(f.and_then(|f| f.operation(i)), rest);
        methods.extend(super::features::each_item(
            f.and_then(|f| f.operation(i)),
            method,
        ));
        let error = super::features::each_item(f.and_then(|f| f.error(i)), error);
        // an alias of a shared enum is the operation's own
        let alias = cx.error_owner[i] != i;
        let error = if alias {
            super::features::each_item(f.and_then(|f| f.operation(i)), error_alias(api, i, cx))
        } else {
            error
        };
        out.extend([own, error, rest]);
    }
    if !methods.is_empty() {
        out.extend(quote!(impl crate::Client));
        out.extend([proc_macro2::TokenTree::Group(proc_macro2::Group::new(
            proc_macro2::Delimiter::Brace,
            methods,
        ))]);
    }
    out
}

/// The list of every operation, after the operations.
pub fn tail(api: &Api, cx: &Cx) -> TokenStream {
    let infos = api.operations.iter().enumerate().map(|(i, op)| {
        let cfg = cx.features.as_ref().and_then(|f| f.operation(i));
        let info = info_ident(op);
        quote!(#cfg &#info)
    });
    quote! {
        /// Every operation of the API, in document order.
        pub static OPERATIONS: &[&crate::runtime::OperationInfo] = &[ #( #infos ),* ];
    }
}

fn info_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}_INFO", ident::const_name(&op.method_name))
}

/// What a parameter's value is, for its serialisation style.
enum Shape<'t> {
    Scalar,
    List(&'t TypeRef),
    Object,
}

fn shape<'t>(t: &'t TypeRef, cx: &Cx) -> Shape<'t> {
    match t {
        TypeRef::Vec(inner) => Shape::List(inner),
        TypeRef::Map(_) | TypeRef::JsonObject => Shape::Object,
        TypeRef::Named(n) if cx.objects.contains(n) => Shape::Object,
        _ => Shape::Scalar,
    }
}

/// Expression for the one string a parameter value is sent as, lists and objects joined
/// with `sep` (`1,2`; `a,1,b,2`): path and header `simple`, query `form` not exploded,
/// `spaceDelimited`, `pipeDelimited`. `v` is a reference.
fn joined(t: &TypeRef, v: TokenStream, sep: &str, cx: &Cx) -> TokenStream {
    match shape(t, cx) {
        Shape::Scalar if has_display(t, cx) => to_wire(t, v, cx),
        Shape::Scalar => quote!(crate::runtime::param_string(#v)),
        Shape::List(inner) => {
            let one = to_wire(inner, quote!(x), cx);
            quote!(#v.iter().map(|x| #one).collect::<Vec<String>>().join(#sep))
        }
        Shape::Object => quote!(crate::runtime::object_entries(#v)
            .into_iter()
            .flat_map(|(k, x)| [k, x])
            .collect::<Vec<String>>()
            .join(#sep)),
    }
}

/// Expression turning `v` into the string sent for a parameter value: `Display` where the
/// type has it (primitives, string enums), the runtime's `param_string` otherwise.
fn to_wire(t: &TypeRef, v: TokenStream, cx: &Cx) -> TokenStream {
    match t {
        TypeRef::DateTime => quote!(#v.to_rfc3339()),
        _ if has_display(t, cx) => quote!(#v.to_string()),
        _ => quote!(crate::runtime::param_string(&#v)),
    }
}

/// Whether the type's `Display` (or `to_rfc3339`) is its wire form.
fn has_display(t: &TypeRef, cx: &Cx) -> bool {
    match t {
        TypeRef::DateTime
        | TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U32
        | TypeRef::U64
        | TypeRef::F32
        | TypeRef::F64
        | TypeRef::Date => true,
        TypeRef::Named(n) => cx.string_enums.contains(n),
        _ => false,
    }
}

/// One operation: its `OperationInfo`, its error enum (or an alias of an identical one),
/// a success enum when statuses carry different types, and the `Client` method. An
/// operation without optional parameters needs no builder: its method builds the request
/// and returns [`Sending`](head), named by an alias. One with optional parameters gets a
/// builder struct with a setter each, whose `send` builds the request.
///
/// Returns the operation's items before its error enum, the error enum's (empty when the
/// enum is another operation's: see [`error_alias`]), which cargo features may compile
/// apart, the operation's items after it, and its `Client` method, which [`items`] puts
/// in one `impl` block with the others of its part.
fn operation(
    api: &Api,
    index: usize,
    cx: &Cx,
    types: &TokenStream,
) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
    let op = &api.operations[index];
    let parts = OperationParts::of(op, cx, types);
    let error_items = if cx.error_owner[index] == index {
        error_enum(api, index, cx, types, &parts.error)
    } else {
        TokenStream::new()
    };
    let (own, method) = if parts.arguments.setters.is_empty() {
        method_only(op, &parts)
    } else {
        with_builder(op, &parts)
    };
    let extra_items = &parts.extra_items;
    (own, error_items, quote!(#( #extra_items )*), method)
}

/// What an operation's items are made of, whether it gets a builder or not.
struct OperationParts {
    builder: Ident,
    error: Ident,
    method: Ident,
    info_static: TokenStream,
    arguments: Arguments,
    /// The expression that starts the request (see [`new_request`]).
    request: TokenStream,
    stmts: Vec<TokenStream>,
    req_mut: TokenStream,
    ok_ty: TokenStream,
    extra_items: Vec<TokenStream>,
    /// The expression that sends `req` and decodes the response: `Sending::json(…)` for
    /// the common operation, a closure over the statuses otherwise.
    send: TokenStream,
    op_docs: TokenStream,
    deprecated_attr: Option<TokenStream>,
    sending: TokenStream,
}

impl OperationParts {
    fn of(op: &Operation, cx: &Cx, types: &TokenStream) -> OperationParts {
        let error = format_ident!("{}Error", op.type_name);
        let info = info_ident(op);
        let arguments = arguments(op, cx, types);
        // a builder's `send` reads the values from `self`, a method from its arguments
        let (on, client) = if arguments.setters.is_empty() {
            (quote!(), quote!(self))
        } else {
            (quote!(self.), quote!(self.client))
        };
        let stmts = request_statements(op, cx, &on);
        let req_mut = if stmts.is_empty() {
            quote!()
        } else {
            quote!(mut)
        };
        let Success {
            ok_ty,
            arms: success_arms,
            extra_items,
            catches_all,
        } = success(op, cx, types);
        let send = match (op.success.as_slice(), catches_all) {
            ([r], false) => match (&r.status, r.encoding) {
                (StatusMatch::Code(c), ResponseEncoding::Json) => {
                    let c = proc_macro2::Literal::u16_unsuffixed(*c);
                    Some(quote!(Sending::json(#client, req, #c)))
                }
                (StatusMatch::Code(c), ResponseEncoding::Empty) => {
                    let c = proc_macro2::Literal::u16_unsuffixed(*c);
                    Some(quote!(Sending::empty(#client, req, #c)))
                }
                _ => None,
            },
            _ => None,
        };
        let send = send.unwrap_or_else(|| {
            let fallback = (!catches_all)
                .then(|| quote!(_ => Err(crate::runtime::ErrorResponse::from_response(resp)),));
            quote! {
                Sending::new(#client, req, |resp, _| match resp.status() {
                    #( #success_arms )*
                    #fallback
                })
            }
        });
        OperationParts {
            builder: to_ident(&op.type_name),
            method: to_ident(&op.method_name),
            info_static: operation_info(op, &info),
            request: new_request(op, cx, &on, &client, &info),
            arguments,
            stmts,
            req_mut,
            sending: quote!(Sending<'a, #ok_ty, #error>),
            ok_ty,
            extra_items,
            send,
            error,
            op_docs: method_docs(op, cx),
            deprecated_attr: deprecated_attr(op),
        }
    }
}

/// An operation without optional parameters: its method builds the request and returns
/// [`Sending`](head), named by an alias. Returns its items and its method.
fn method_only(op: &Operation, p: &OperationParts) -> (TokenStream, TokenStream) {
    let OperationParts {
        builder,
        method,
        info_static,
        request,
        stmts,
        req_mut,
        send,
        op_docs,
        deprecated_attr,
        sending,
        ..
    } = p;
    let Arguments {
        args, conversions, ..
    } = &p.arguments;
    let alias_doc = format!(
        " The request of [`crate::Client::{}`]: `.await` it.",
        op.method_name
    );
    let own = quote! {
        #info_static
        #[doc = #alias_doc]
        pub type #builder<'a> = #sending;
    };
    let method = quote! {
        #op_docs
        #deprecated_attr
        pub fn #method(&self, #( #args ),*) -> #builder<'_> {
            #( #conversions )*
            let #req_mut req = #request;
            #( #stmts )*
            #send
        }
    };
    (own, method)
}

/// An operation with optional parameters: a builder struct with a setter each, whose
/// `send` builds the request. Returns its items and its method.
fn with_builder(op: &Operation, p: &OperationParts) -> (TokenStream, TokenStream) {
    let OperationParts {
        builder,
        error,
        method,
        info_static,
        request,
        stmts,
        req_mut,
        ok_ty,
        send,
        op_docs,
        deprecated_attr,
        sending,
        ..
    } = p;
    let Arguments {
        struct_fields,
        args,
        inits,
        setters,
        ..
    } = &p.arguments;
    let builder_doc = format!(
        " Request builder for [`crate::Client::{}`]: set optional parameters, then `.await` it.",
        op.method_name
    );
    let own = quote! {
        #info_static

        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #builder<'a> {
            client: &'a crate::Client,
            #( #struct_fields )*
        }

        impl<'a> #builder<'a> {
            #( #setters )*

            /// Sends the request.
            pub fn send(self) -> #sending {
                let #req_mut req = #request;
                #( #stmts )*
                #send
            }
        }

        into_future!(#builder => #ok_ty, #error);
    };
    let method = quote! {
        #op_docs
        #deprecated_attr
        pub fn #method(&self, #( #args ),*) -> #builder<'_> {
            #builder { client: self, #( #inits )* }
        }
    };
    (own, method)
}

/// The alias an operation's error type is when an earlier operation documents the same
/// errors: that one's enum.
fn error_alias(api: &Api, index: usize, cx: &Cx) -> TokenStream {
    let op = &api.operations[index];
    let owner = &api.operations[cx.error_owner[index]];
    let error = format_ident!("{}Error", op.type_name);
    let shared = format_ident!("{}Error", owner.type_name);
    let doc = format!(
        " Error responses of [`crate::Client::{}`]: the same as those of [`crate::Client::{}`].",
        op.method_name, owner.method_name
    );
    quote! {
        #[doc = #doc]
        pub type #error = #shared;
    }
}

/// The operation's error enum with the function that decodes an error response into it.
fn error_enum(
    api: &Api,
    index: usize,
    cx: &Cx,
    types: &TokenStream,
    error: &proc_macro2::Ident,
) -> TokenStream {
    let op = &api.operations[index];
    let Errors {
        variants,
        arms,
        fallback,
    } = errors(op, cx, types);
    let also = if cx.error_shared[index] {
        " Operations that document the same errors name this type by an alias."
    } else {
        ""
    };
    let doc = format!(
        " Error responses of [`crate::Client::{}`] that the API description documents; any other status arrives as an [`crate::Error`] without a typed body.{also}",
        op.method_name
    );
    let body = if arms.is_empty() {
        quote!(resp.unexpected())
    } else {
        quote!(match resp.status() { #( #arms )* #fallback })
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #error {
            #( #variants )*
        }
        impl crate::runtime::ErrorResponse for #error {
            fn from_response(resp: crate::runtime::Response) -> crate::Error<Self> {
                #body
            }
        }
    }
}

/// The operation's `static` [`OperationInfo`](crate) for the runtime, built by its
/// `const` constructors: `Info::get(operationId, path)`, then what differs from the
/// common case (the Rust name, a deprecation, no credentials).
fn operation_info(op: &Operation, info: &proc_macro2::Ident) -> TokenStream {
    let op_id = &op.operation_id;
    let path_template = &op.path;
    let mut value = match op.http_method.as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE") => {
            let ctor = format_ident!("{}", m.to_lowercase());
            quote!(Info::#ctor(#op_id, #path_template))
        }
        m => quote!(Info::new(#m, #op_id, #path_template)),
    };
    if op.method_name != op.operation_id {
        let rust_name = &op.method_name;
        value = quote!(#value.named(#rust_name));
    }
    if let Some(d) = &op.deprecation {
        let date = match &d.removal_date {
            Some(x) => quote!(Some(#x)),
            None => quote!(None),
        };
        let repl = match &d.replacement {
            Some((_, m)) => quote!(Some(#m)),
            None => quote!(None),
        };
        value = quote!(#value.deprecated(#date, #repl));
    }
    if !op.authenticated {
        value = quote!(#value.anonymous());
    }
    quote! {
        static #info: Info = #value;
    }
}

/// The builder's fields, the method's arguments and how they initialise the builder, and
/// the setters of optional parameters.
struct Arguments {
    struct_fields: Vec<TokenStream>,
    args: Vec<TokenStream>,
    /// `let name: String = name.into();` for `impl Into<String>` arguments, when there is
    /// no builder to convert them into.
    conversions: Vec<TokenStream>,
    inits: Vec<TokenStream>,
    setters: Vec<TokenStream>,
}

/// Positional: path parameters, required query/header parameters, the body; optional
/// parameters are setters.
fn arguments(op: &Operation, cx: &Cx, types: &TokenStream) -> Arguments {
    let required: Vec<&Param> = op.required_params().collect();
    let optional: Vec<&Param> = op.optional_params().collect();
    let mut struct_fields = Vec::new();
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut conversions = Vec::new();
    for p in &required {
        let n = to_ident(&p.rust_name);
        let t = ty(&p.ty, types);
        struct_fields.push(quote!(#n: #t,));
        if p.ty == TypeRef::String {
            args.push(quote!(#n: impl Into<String>));
            inits.push(quote!(#n: #n.into(),));
            conversions.push(quote!(let #n: String = #n.into();));
        } else {
            args.push(quote!(#n: #t));
            inits.push(quote!(#n,));
        }
    }
    let body_field = op.body.as_ref();
    if let Some(b) = body_field {
        let t = ty(&b.ty, types);
        struct_fields.push(quote!(body: #t,));
        args.push(quote!(body: #t));
        inits.push(quote!(body,));
    }
    let mut setters = Vec::new();
    for p in &optional {
        let n = to_ident(&p.rust_name);
        let t = ty(&p.ty, types);
        struct_fields.push(quote!(#n: Option<#t>,));
        inits.push(quote!(#n: None,));
        let mut d = cx.docs(&p.docs, &format!("`{}`", p.wire_name), &[]);
        if p.deprecated {
            let note = " Deprecated in the API description.";
            d = quote!(#d #[doc = ""] #[doc = #note]);
        }
        let dep = p
            .deprecated
            .then(|| quote!(#[deprecated(note = "deprecated in the API description")]));
        let setter = if p.ty == TypeRef::String {
            quote! {
                #d #dep
                pub fn #n(mut self, value: impl Into<String>) -> Self {
                    self.#n = Some(value.into());
                    self
                }
            }
        } else {
            quote! {
                #d #dep
                pub fn #n(mut self, value: #t) -> Self {
                    self.#n = Some(value);
                    self
                }
            }
        };
        setters.push(setter);
    }

    Arguments {
        struct_fields,
        args,
        conversions,
        inits,
        setters,
    }
}

/// The expression that starts the request on `client`: the operation's path template
/// filled with the path parameters' values (`OperationInfo::path` encodes them), or, when
/// a path parameter is a list or an object, the path built here ([`path_expr`]).
fn new_request(
    op: &Operation,
    cx: &Cx,
    on: &TokenStream,
    client: &TokenStream,
    info: &Ident,
) -> TokenStream {
    match path_values(op, cx, on) {
        Some(values) => quote!(#client.request(&#info, &[ #( #values ),* ])),
        None => {
            let path = path_expr(op, cx, on);
            quote!(#client.request_path(&#info, #path))
        }
    }
}

/// The values of the path template's placeholders in order, each a `&dyn Display`
/// whose text is the wire form; `None` when one is a list or an object, or has no
/// parameter.
fn path_values(op: &Operation, cx: &Cx, on: &TokenStream) -> Option<Vec<TokenStream>> {
    let mut values = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let var = &rest[start + 1..start + end];
        let p = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == var)?;
        let n = to_ident(&p.rust_name);
        values.push(match (&p.ty, shape(&p.ty, cx)) {
            (TypeRef::DateTime, _) => quote!(&#on #n.to_rfc3339()),
            (t, Shape::Scalar) if has_display(t, cx) => quote!(&#on #n),
            (_, Shape::Scalar) => quote!(&crate::runtime::param_string(&#on #n)),
            _ => return None,
        });
        rest = &rest[start + end + 1..];
    }
    Some(values)
}

/// The path, with each parameter percent-encoded; parameters are read from `on` (`self.`
/// in a builder, nothing where they are the method's arguments).
fn path_expr(op: &Operation, cx: &Cx, on: &TokenStream) -> TokenStream {
    let mut pieces: Vec<TokenStream> = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let literal = &rest[..start];
        if !literal.is_empty() {
            pieces.push(quote!(#literal));
        }
        let var = &rest[start + 1..start + end];
        if let Some(p) = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == var)
        {
            let n = to_ident(&p.rust_name);
            // `simple` style: each value encoded, the commas between them not
            pieces.push(match shape(&p.ty, cx) {
                Shape::Scalar => {
                    let s = to_wire(&p.ty, quote!(#on #n), cx);
                    quote!(&crate::runtime::encode_path(&#s))
                }
                Shape::List(inner) => {
                    let one = to_wire(inner, quote!(x), cx);
                    quote!(&#on #n.iter().map(|x| crate::runtime::encode_path(&#one)).collect::<Vec<String>>().join(","))
                }
                Shape::Object => quote!(&crate::runtime::object_entries(&#on #n)
                    .into_iter()
                    .flat_map(|(k, x)| [crate::runtime::encode_path(&k), crate::runtime::encode_path(&x)])
                    .collect::<Vec<String>>()
                    .join(",")),
            });
        }
        rest = &rest[start + end + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote!(#rest));
    }
    if pieces.len() == 1 && !op.path.contains('{') {
        let p = &op.path;
        quote!(#p.to_string())
    } else {
        quote!([#( #pieces ),*].concat())
    }
}

/// The statements that add query and header parameters and the body to `req`, reading
/// them from `on` (see [`path_expr`]).
fn request_statements(op: &Operation, cx: &Cx, on: &TokenStream) -> Vec<TokenStream> {
    let mut stmts = Vec::new();
    for p in op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
    {
        let n = to_ident(&p.rust_name);
        let wire = &p.wire_name;
        // an optional query scalar whose `Display` is its wire form, in any style: one call
        if !p.required
            && p.location == ParamLocation::Query
            && matches!(shape(&p.ty, cx), Shape::Scalar)
            && p.ty != TypeRef::DateTime
            && has_display(&p.ty, cx)
        {
            stmts.push(quote! { req.query_opt(#wire, &#on #n); });
            continue;
        }
        let one = if p.location == ParamLocation::Header {
            let s = joined(&p.ty, quote!(v), ",", cx);
            quote!(req.header(#wire, #s);)
        } else {
            match (p.style, shape(&p.ty, cx)) {
                (ParamStyle::FormExploded | ParamStyle::DeepObject, Shape::List(inner)) => {
                    let one = to_wire(inner, quote!(x), cx);
                    quote!(for x in v { req.query(#wire, #one); })
                }
                (ParamStyle::FormExploded, Shape::Object) => quote! {
                    for (k, x) in crate::runtime::object_entries(v) { req.query(&k, x); }
                },
                (ParamStyle::DeepObject, Shape::Object) => {
                    let key = format!("{wire}[{{k}}]");
                    quote! {
                        for (k, x) in crate::runtime::object_entries(v) { req.query(&format!(#key), x); }
                    }
                }
                (ParamStyle::SpaceDelimited, _) => {
                    let s = joined(&p.ty, quote!(v), " ", cx);
                    quote!(req.query(#wire, #s);)
                }
                (ParamStyle::PipeDelimited, _) => {
                    let s = joined(&p.ty, quote!(v), "|", cx);
                    quote!(req.query(#wire, #s);)
                }
                _ => {
                    let s = joined(&p.ty, quote!(v), ",", cx);
                    quote!(req.query(#wire, #s);)
                }
            }
        };
        if p.required {
            stmts.push(quote! { let v = &#on #n; #one });
        } else {
            stmts.push(quote! { if let Some(v) = &#on #n { #one } });
        }
    }
    if let Some(b) = &op.body {
        let ct = &b.content_type;
        stmts.push(match b.encoding {
            BodyEncoding::Json => quote!(req.json(&#on body);),
            BodyEncoding::Form => quote!(req.form(&#on body);),
            BodyEncoding::Text => quote!(req.bytes(#ct, #on body.into_bytes());),
            BodyEncoding::Bytes => quote!(req.bytes(#ct, #on body);),
        });
    }
    stmts
}

/// The success type, the match arms that decode each success status, and the success
/// enum when statuses carry different types.
struct Success {
    ok_ty: TokenStream,
    arms: Vec<TokenStream>,
    extra_items: Vec<TokenStream>,
    /// A success arm matches every status (`default`): no error arm is reached.
    catches_all: bool,
}

fn success(op: &Operation, cx: &Cx, types: &TokenStream) -> Success {
    let same = op
        .success
        .windows(2)
        .all(|w| w[0].encoding == w[1].encoding && w[0].ty == w[1].ty);
    let success_ty = |r: &crate::ir::Response| match (&r.ty, r.encoding) {
        (_, ResponseEncoding::Empty) | (None, _) => quote!(()),
        (Some(t), _) => ty(t, types),
    };
    let decode_success = |r: &crate::ir::Response| match r.encoding {
        ResponseEncoding::Json => quote!(resp.json()),
        ResponseEncoding::Text => quote!(resp.text()),
        ResponseEncoding::Bytes => quote!(resp.bytes()),
        ResponseEncoding::Empty => quote!(resp.empty()),
    };
    let mut extra_items = Vec::new();
    let (ok_ty, arms): (TokenStream, Vec<TokenStream>) = if same {
        let t = success_ty(&op.success[0]);
        let arms = op.success.iter().map(|r| {
            let p = pat(&r.status);
            let d = decode_success(r);
            quote!(#p => #d,)
        });
        (t, arms.collect())
    } else {
        let enum_name = format_ident!("{}Response", op.type_name);
        let mut variants = Vec::new();
        let mut arms = Vec::new();
        for r in &op.success {
            let token = match &r.status {
                StatusMatch::Code(c) => format!("Status{c}"),
                StatusMatch::Range(x) => format!("Status{x}xx"),
                StatusMatch::Default => "Default".to_string(),
            };
            let vn = format_ident!("{}", token);
            let p = pat(&r.status);
            let d = decode_success(r);
            let vdoc = super::docs::sanitize(&r.description, &cx.ops);
            let vdoc = super::docs::attrs(&vdoc);
            if matches!(r.encoding, ResponseEncoding::Empty) || r.ty.is_none() {
                variants.push(quote!(#vdoc #vn,));
                arms.push(quote!(#p => #d.map(|()| #enum_name::#vn),));
            } else {
                let t = success_ty(r);
                variants.push(quote!(#vdoc #vn(#t),));
                arms.push(quote!(#p => #d.map(#enum_name::#vn),));
            }
        }
        let doc = format!(
            " Success responses of [`crate::Client::{}`].",
            op.method_name
        );
        extra_items.push(quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #enum_name { #( #variants )* }
        });
        (quote!(#enum_name), arms)
    };

    Success {
        ok_ty,
        arms,
        extra_items,
        catches_all: op.success.iter().any(|r| r.status == StatusMatch::Default),
    }
}

/// A status pattern: `404`, `400..=499`, `_`.
fn pat(s: &StatusMatch) -> TokenStream {
    match s {
        StatusMatch::Code(c) => {
            let c = proc_macro2::Literal::u16_unsuffixed(*c);
            quote!(#c)
        }
        StatusMatch::Range(r) => {
            let lo = proc_macro2::Literal::u16_unsuffixed(r * 100);
            let hi = proc_macro2::Literal::u16_unsuffixed(r * 100 + 99);
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// The error enum's variants (in document order), the match arms that decode each error
/// status (exact codes, then ranges, then `default`), and the arm for any other status.
struct Errors {
    variants: Vec<TokenStream>,
    arms: Vec<TokenStream>,
    fallback: Option<TokenStream>,
}

fn errors(op: &Operation, cx: &Cx, types: &TokenStream) -> Errors {
    let mut error_variants = Vec::new();
    let mut error_arms = Vec::new();
    let mut has_default = false;
    let mut sorted_errors: Vec<&crate::ir::ErrorResponse> = op.errors.iter().collect();
    sorted_errors.sort_by_key(|e| match e.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    for e in &op.errors {
        let vn = to_ident(&e.variant);
        let status_text = match &e.status {
            StatusMatch::Code(c) => format!("{c}"),
            StatusMatch::Range(r) => format!("{r}XX"),
            StatusMatch::Default => "Any other status".to_string(),
        };
        let d = format!(
            "{status_text}: {}",
            super::docs::sanitize(e.description.trim(), &cx.ops)
        );
        let d = super::docs::attrs(&d);
        match (&e.ty, e.encoding) {
            (
                Some(t),
                ResponseEncoding::Json | ResponseEncoding::Text | ResponseEncoding::Bytes,
            ) => {
                let t = ty(t, types);
                error_variants.push(quote!(#d #vn(#t),));
            }
            _ => error_variants.push(quote!(#d #vn,)),
        }
    }
    for e in sorted_errors {
        let vn = to_ident(&e.variant);
        let p = pat(&e.status);
        has_default |= e.status == StatusMatch::Default;
        let decode = match (&e.ty, e.encoding) {
            (Some(_), ResponseEncoding::Json) => {
                quote!(|body| serde_json::from_slice(body).map(Self::#vn))
            }
            (Some(_), ResponseEncoding::Text) => {
                quote!(|body| Ok(Self::#vn(String::from_utf8_lossy(body).into_owned())))
            }
            (Some(_), ResponseEncoding::Bytes) => quote!(|body| Ok(Self::#vn(body.to_vec()))),
            _ => quote!(|_| Ok(Self::#vn)),
        };
        error_arms.push(quote!(#p => resp.error(#decode),));
    }
    let fallback = (!has_default).then(|| quote!(_ => resp.unexpected(),));

    Errors {
        variants: error_variants,
        arms: error_arms,
        fallback,
    }
}

/// The method's docs: the operation's, the required parameters' (they are arguments, so
/// their descriptions and deprecations go here), and what it sends.
fn method_docs(op: &Operation, cx: &Cx) -> TokenStream {
    let required: Vec<&Param> = op.required_params().collect();
    let mut extra = Vec::new();
    let described: Vec<String> = required
        .iter()
        .filter(|p| p.deprecated || p.docs.description.is_some() || p.docs.title.is_some())
        .map(|p| {
            let text = [&p.docs.title, &p.docs.description]
                .into_iter()
                .flatten()
                .map(|t| crate::emit::docs::sanitize(t.trim(), &cx.ops).replace('\n', " "))
                .collect::<Vec<_>>()
                .join(" ");
            let dep = if p.deprecated {
                " Deprecated in the API description."
            } else {
                ""
            };
            format!(
                "- `{}` (`{}`):{}{dep}",
                p.rust_name,
                p.wire_name,
                if text.is_empty() {
                    String::new()
                } else {
                    format!(" {text}")
                }
            )
        })
        .collect();
    if !described.is_empty() {
        extra.push(format!("Arguments:\n{}", described.join("\n")));
    }
    extra.push(format!("Sends `{} {}`.", op.http_method, op.path));
    cx.docs(&op.docs, &format!("`{}`", op.operation_id), &extra)
}

/// `#[deprecated]` with the removal date and the replacement, for a deprecated operation.
fn deprecated_attr(op: &Operation) -> Option<TokenStream> {
    op.deprecation.as_ref().map(|d| {
        let mut note = match &d.removal_date {
            Some(date) => format!(
                "`{} {}` is scheduled for removal on {date}",
                op.http_method, op.path
            ),
            None => format!(
                "`{} {}` is deprecated in the API description",
                op.http_method, op.path
            ),
        };
        match &d.replacement {
            Some((_, m)) => note.push_str(&format!("; use `Client::{m}` instead")),
            None => note.push('.'),
        }
        quote!(#[deprecated(note = #note)])
    })
}
