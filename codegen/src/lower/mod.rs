//! Stage 2: `openapiv3` document → [`crate::ir::Api`]. Every problem in the spec is found here
//! and collected (not only the first); emission after a successful `lower` cannot fail.

mod checks;
mod schema;
mod security;
mod shape;
mod view;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity, escape_pointer_token};
use crate::ident::{self, Namer};
use crate::ir::{
    Api, Body, BodyEncoding, Deprecation, Docs, ErrorResponse, Operation, Param, ParamLocation,
    ParamStyle, Response, ResponseEncoding, StatusMatch, TypeDef, TypeKind, TypeRef,
};
use crate::load::LoadedSpec;
use crate::settings::Settings;
use indexmap::IndexMap;
use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use schema::{Resolved, Src};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct Lowerer<'a> {
    spec: &'a LoadedSpec,
    settings: &'a Settings,
    diags: Diagnostics,
    current_op: Option<String>,
    type_names: Namer,
    component_names: BTreeMap<String, String>,
    component_types: BTreeMap<String, Resolved>,
    in_progress: Vec<String>,
    inline_cache: BTreeMap<String, Resolved>,
    /// While a union's inline variant is lowered: its pointer and the tag property its
    /// struct leaves out (the union writes it; see [`crate::ir::OneOfVariant::tag_omitted`]).
    omit_tag: Option<(String, String)>,
    types: BTreeMap<String, TypeDef>,
    /// operationId → method name.
    op_methods: BTreeMap<String, String>,
    ref_cycle_reported: bool,
    /// The depth bound of allOf and $ref chains is reported once, not for every schema of
    /// a long chain.
    all_of_depth_reported: bool,
    /// Unions with variants nothing tells apart, reported in [`Lowerer::finish`] once it is
    /// known whether any response decodes them.
    ambiguities: Vec<Ambiguity>,
    /// The settings entries something in the document matched (`content_rules.X`,
    /// `variant_names.T`, ...): the others are errors, since a misspelt name would
    /// otherwise do nothing.
    settings_used: BTreeSet<String>,
}

/// A union whose variants cannot all be told apart.
struct Ambiguity {
    type_name: String,
    pointer: String,
    operation_id: Option<String>,
    message: String,
    /// Listed in [`Settings::ambiguity_accepted`]: a warning even with
    /// [`Settings::deny_warnings`].
    accepted: bool,
}

/// Type names generated code uses unqualified in the `types` module or that would read
/// confusingly beside the client.
const RESERVED_TYPE_NAMES: &[&str] = &[];

/// Lowers a loaded spec. On success returns the API and the warnings.
pub fn lower(spec: &LoadedSpec, settings: &Settings) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut l = Lowerer {
        spec,
        settings,
        diags: spec.warnings.clone(),
        current_op: None,
        type_names: Namer::with_reserved(RESERVED_TYPE_NAMES),
        component_names: BTreeMap::new(),
        component_types: BTreeMap::new(),
        in_progress: Vec::new(),
        inline_cache: BTreeMap::new(),
        omit_tag: None,
        types: BTreeMap::new(),
        op_methods: BTreeMap::new(),
        ref_cycle_reported: false,
        all_of_depth_reported: false,
        ambiguities: Vec::new(),
        settings_used: BTreeSet::new(),
    };
    // The document-wide checks read only the raw document: they run on a second core
    // while the lowering proper runs here, and their findings go where they would have
    // gone had they run first (after the loader's warnings). The links between operations
    // are found there too, and checked once the operations are known.
    let (operations, (findings, links)) = std::thread::scope(|s| {
        let checks = s.spawn(|| {
            let findings = [
                checks::paths_and_webhooks,
                checks::unsupported_keywords,
                checks::enum_value_types,
                checks::discriminator_mappings,
            ]
            .into_iter()
            .flat_map(|check| check(&spec.raw))
            .collect::<Vec<_>>();
            (findings, operation_links_in(&spec.raw))
        });
        l.name_components();
        l.name_operations();
        l.lower_components();
        let operations = l.operations();
        let findings = checks
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (operations, findings)
    });
    let found: Vec<Diagnostic> = findings
        .into_iter()
        .map(|f| Diagnostic {
            severity: if f.error {
                Severity::Error
            } else {
                Severity::Warning
            },
            file: spec.file.clone(),
            location: Location::Pointer(spec.source_pointer(&f.pointer)),
            operation_id: None,
            message: f.message,
        })
        .collect();
    let at = spec.warnings.items.len();
    l.diags.items.splice(at..at, found);
    l.finish(operations, links)
}

impl<'a> Lowerer<'a> {
    fn push(&mut self, severity: Severity, ptr: &str, message: String) {
        self.diags.push(Diagnostic {
            severity,
            file: self.spec.file.clone(),
            location: Location::Pointer(self.spec.source_pointer(ptr)),
            operation_id: self.current_op.clone(),
            message,
        });
    }
    fn error(&mut self, ptr: &str, message: String) {
        self.push(Severity::Error, ptr, message);
    }
    fn warn(&mut self, ptr: &str, message: String) {
        self.push(Severity::Warning, ptr, message);
    }

    /// Every entry of the settings names something of the document.
    fn check_settings_used(&mut self) {
        let s = self.settings;
        let entries = s
            .content_rules
            .keys()
            .map(|k| {
                (
                    "content_rules",
                    k,
                    "no oneOf/anyOf schema of the document has that name",
                )
            })
            .chain(s.ambiguity_accepted.iter().map(|k| {
                (
                    "ambiguity_accepted",
                    k,
                    "no oneOf/anyOf schema of the document has that name",
                )
            }))
            .chain(s.variant_names.keys().map(|k| {
                (
                    "variant_names",
                    k,
                    "no oneOf/anyOf variant of the document has that title",
                )
            }))
            .chain(s.descriptions.keys().map(|k| {
                (
                    "descriptions",
                    k,
                    "no schema of the document has that property (write `Schema.property`)",
                )
            }))
            .chain(s.secret_fields.iter().map(|k| {
                (
                    "secret_fields",
                    k,
                    "no schema of the document has that property (write `Schema.property`)",
                )
            }));
        let mut unused = Vec::new();
        for (kind, name, why) in entries {
            if !self.settings_used.contains(&format!("{kind}.{name}")) {
                unused.push(format!("the settings' {kind} name {name:?}, but {why}"));
            }
        }
        for message in unused {
            self.diags.push(Diagnostic {
                severity: Severity::Error,
                file: self.spec.file.clone(),
                location: Location::Document,
                operation_id: None,
                message,
            });
        }
    }

    /// Iterates operations in document order with their pointers.
    fn each_operation(
        &self,
    ) -> Vec<(
        &'a str,
        &'a str,
        &'a openapiv3::Operation,
        &'a openapiv3::PathItem,
        String,
    )> {
        let mut out = Vec::new();
        for (path, item) in &self.spec.document.paths.paths {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, op) in item.iter() {
                let ptr = format!("#/paths/{}/{method}", escape_pointer_token(path));
                out.push((path.as_str(), method, op, item, ptr));
            }
        }
        out
    }

    /// Names every operation first, so that links between operations resolve.
    fn name_operations(&mut self) {
        for (path, item) in &self.spec.document.paths.paths {
            if let ReferenceOr::Reference { .. } = item {
                self.error(
                    &format!("#/paths/{}", escape_pointer_token(path)),
                    "a path item given as $ref is not supported".to_string(),
                );
            }
        }
        let ops = self.each_operation();
        let prefix = match &self.settings.strip_operation_prefix {
            Some(p) => Some(p.clone()),
            None => ident::common_operation_prefix(
                ops.iter()
                    .filter_map(|(_, _, op, _, _)| op.operation_id.as_deref()),
            ),
        };
        let mut reserved: Vec<&str> = crate::RUNTIME_CLIENT_METHODS.to_vec();
        reserved.extend(self.settings.reserved_methods.iter().map(String::as_str));
        let mut namer = Namer::with_reserved(&reserved);
        let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
        for (path, method, op, _, ptr) in ops {
            let base = match &op.operation_id {
                Some(id) => {
                    if let Some(first) = seen_ids.insert(id.clone(), ptr.clone()) {
                        self.current_op = Some(id.clone());
                        self.error(
                            &format!("{ptr}/operationId"),
                            format!("duplicate operationId {id:?}; first used at {first}"),
                        );
                        self.current_op = None;
                    }
                    let stripped = match &prefix {
                        Some(p)
                            if id.len() > p.len()
                                && id.starts_with(p.as_str())
                                && id[p.len()..].starts_with(|c: char| c.is_ascii_uppercase()) =>
                        {
                            &id[p.len()..]
                        }
                        _ => id.as_str(),
                    };
                    ident::snake_name(stripped)
                }
                None => ident::snake_name(&format!("{method} {path}")),
            };
            let name = ident::claim_snake(&mut namer, &base);
            let key = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method} {path}"));
            self.op_methods.entry(key).or_insert(name);
        }
    }

    fn operations(&mut self) -> Vec<Operation> {
        let mut out = Vec::new();
        let mut type_namer_ops = Namer::with_reserved(ident::OPERATIONS_MODULE_TYPES);
        for (path, method, op, item, ptr) in self.each_operation() {
            let key = op
                .operation_id
                .clone()
                .unwrap_or_else(|| format!("{method} {path}"));
            self.current_op = Some(key.clone());
            let method_name = self
                .op_methods
                .get(&key)
                .cloned()
                .unwrap_or_else(|| ident::snake_name(&key));
            let type_name = type_namer_ops.claim(&ident::type_name(&method_name));
            let mut params = self.params(path, item, op, &ptr, &type_name);
            let body = self.body(op, &ptr, &type_name);
            let (success, errors) = self.responses(op, &ptr, &type_name);
            let deprecation = if op.deprecated {
                Some(self.deprecation(op))
            } else {
                None
            };
            // path parameters in template order, then the rest in spec order
            let order: Vec<String> = path_vars(path);
            params.sort_by_key(|p| match p.location {
                ParamLocation::Path => order.iter().position(|v| *v == p.wire_name).unwrap_or(0),
                _ => usize::MAX,
            });
            out.push(Operation {
                operation_id: key,
                method_name,
                type_name,
                http_method: method.to_ascii_uppercase(),
                path: path.to_string(),
                pointer: ptr,
                docs: Docs {
                    title: None,
                    summary: op.summary.clone(),
                    description: op.description.clone(),
                },
                deprecation,
                // `security: []` on the operation, or on the document when the operation
                // says nothing: no credentials
                authenticated: !match &op.security {
                    Some(reqs) => reqs.is_empty(),
                    None => self
                        .spec
                        .document
                        .security
                        .as_ref()
                        .is_some_and(|r| r.is_empty()),
                },
                params,
                body,
                success,
                errors,
                tags: op.tags.clone(),
            });
            self.current_op = None;
        }
        out
    }

    fn deprecation(&self, op: &openapiv3::Operation) -> Deprecation {
        let text = op.description.clone().unwrap_or_default();
        let removal_date = find_date(&text);
        let replacement = match find_operation_links(&text).first() {
            Some(target) => {
                // a link to a missing operation is reported with every other link
                self.op_methods
                    .get(target)
                    .map(|m| (target.clone(), m.clone()))
            }
            None => None,
        };
        Deprecation {
            removal_date,
            replacement,
        }
    }

    /// An object given in place at `ptr`, or the one a `$ref` names in
    /// `components/<section>` (`items`), with its pointer; `None`, with an error, for a
    /// reference that resolves to nothing (`what` names the kind of object).
    fn resolve_component<T>(
        &mut self,
        r: &'a ReferenceOr<T>,
        ptr: String,
        section: &str,
        items: Option<&'a IndexMap<String, ReferenceOr<T>>>,
        what: &str,
    ) -> Option<(&'a T, String)> {
        let reference = match r {
            ReferenceOr::Item(item) => return Some((item, ptr)),
            ReferenceOr::Reference { reference } => reference,
        };
        let found = component_key(reference, section).and_then(|k| match items?.get(&k)? {
            ReferenceOr::Item(item) => Some((
                item,
                format!("#/components/{section}/{}", escape_pointer_token(&k)),
            )),
            ReferenceOr::Reference { .. } => None,
        });
        if found.is_none() {
            self.error(&ptr, format!("cannot resolve {what} $ref {reference:?}"));
        }
        found
    }

    /// A parameter (see [`Self::resolve_component`]).
    fn resolve_parameter(
        &mut self,
        p: &'a ReferenceOr<Parameter>,
        ptr: &str,
    ) -> Option<(&'a Parameter, String)> {
        let items = self
            .spec
            .document
            .components
            .as_ref()
            .map(|c| &c.parameters);
        self.resolve_component(p, ptr.to_string(), "parameters", items, "parameter")
    }

    /// The operation's parameters, lowered in the order they are declared (path-level ones
    /// first), then any `{var}` of the path that no parameter declares.
    fn params(
        &mut self,
        path: &str,
        item: &'a openapiv3::PathItem,
        op: &'a openapiv3::Operation,
        ptr: &str,
        type_name: &str,
    ) -> Vec<Param> {
        let merged = self.merged_parameters(item, op, ptr);
        let mut namer = Namer::default();
        let vars = path_vars(path);
        let mut out = Vec::new();
        for (p, pptr) in merged {
            if let Some(param) = self.param(p, &pptr, path, &vars, type_name, &mut namer) {
                out.push(param);
            }
        }
        self.add_undeclared_path_vars(path, ptr, &vars, &mut namer, &mut out);
        out
    }

    /// The path item's parameters, then the operation's: one of the operation's replaces
    /// a path-level one of the same name and location. Each with its pointer.
    fn merged_parameters(
        &mut self,
        item: &'a openapiv3::PathItem,
        op: &'a openapiv3::Operation,
        ptr: &str,
    ) -> Vec<(&'a Parameter, String)> {
        let mut merged: Vec<(&'a Parameter, String)> = Vec::new();
        let item_ptr = ptr
            .rsplit_once('/')
            .map(|(a, _)| a.to_string())
            .unwrap_or_default();
        for (i, p) in item.parameters.iter().enumerate() {
            if let Some(r) = self.resolve_parameter(p, &format!("{item_ptr}/parameters/{i}")) {
                merged.push(r);
            }
        }
        for (i, p) in op.parameters.iter().enumerate() {
            if let Some((p, pptr)) = self.resolve_parameter(p, &format!("{ptr}/parameters/{i}")) {
                let d = p.parameter_data_ref();
                merged.retain(|(q, _)| {
                    let e = q.parameter_data_ref();
                    !(e.name == d.name && std::mem::discriminant(*q) == std::mem::discriminant(p))
                });
                merged.push((p, pptr));
            }
        }
        merged
    }

    /// One parameter as the method takes it; `None` (with a warning) for one it cannot
    /// send: a cookie, or a path parameter the path does not use.
    fn param(
        &mut self,
        p: &'a Parameter,
        pptr: &str,
        path: &str,
        vars: &[String],
        type_name: &str,
        namer: &mut Namer,
    ) -> Option<Param> {
        let data = p.parameter_data_ref();
        let (location, style) = self.param_location(p, pptr)?;
        if location == ParamLocation::Path && !vars.contains(&data.name) {
            self.warn(
                pptr,
                format!(
                    "path parameter {:?} does not appear in the path {path:?}: it has nowhere to go and is left out of the method",
                    data.name
                ),
            );
            return None;
        }
        let ty = self.param_type(data, pptr, type_name);
        Some(Param {
            wire_name: data.name.clone(),
            rust_name: ident::claim_snake(namer, &ident::snake_name(&data.name)),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            docs: Docs {
                title: None,
                summary: None,
                description: data.description.clone(),
            },
            deprecated: data.deprecated.unwrap_or(false),
            style,
        })
    }

    /// Where a parameter goes and how it is written there; `None` (with a warning) for a
    /// cookie.
    fn param_location(&mut self, p: &Parameter, pptr: &str) -> Option<(ParamLocation, ParamStyle)> {
        let data = p.parameter_data_ref();
        match p {
            Parameter::Path { .. } => Some((ParamLocation::Path, ParamStyle::Simple)),
            Parameter::Query { style, .. } => {
                let style = match style {
                    openapiv3::QueryStyle::Form if data.explode == Some(false) => ParamStyle::Form,
                    openapiv3::QueryStyle::Form => ParamStyle::FormExploded,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                };
                Some((ParamLocation::Query, style))
            }
            Parameter::Header { .. } => Some((ParamLocation::Header, ParamStyle::Simple)),
            Parameter::Cookie { .. } => {
                self.warn(
                    pptr,
                    format!(
                        "cookie parameter {:?} is not supported and is left out of the method",
                        data.name
                    ),
                );
                None
            }
        }
    }

    /// A parameter's type: its schema's (a secret is sent as a plain string), or a string
    /// (with a warning) for one described with `content`.
    fn param_type(
        &mut self,
        data: &'a openapiv3::ParameterData,
        pptr: &str,
        type_name: &str,
    ) -> TypeRef {
        let hint = format!("{type_name}{}", ident::type_name(&data.name));
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                self.src(Src::from(s), &format!("{pptr}/schema"), &hint).ty
            }
            ParameterSchemaOrContent::Content(_) => {
                self.warn(
                    pptr,
                    format!(
                        "parameter {:?} is described with `content`; it is sent as a JSON string",
                        data.name
                    ),
                );
                TypeRef::String
            }
        };
        match ty {
            TypeRef::Secret => TypeRef::String,
            t => t,
        }
    }

    /// Every `{var}` of the path that no path parameter declares becomes a required string
    /// parameter (with a warning).
    fn add_undeclared_path_vars(
        &mut self,
        path: &str,
        ptr: &str,
        vars: &[String],
        namer: &mut Namer,
        out: &mut Vec<Param>,
    ) {
        for v in vars {
            if !out
                .iter()
                .any(|p| p.location == ParamLocation::Path && &p.wire_name == v)
            {
                self.warn(
                    ptr,
                    format!(
                        "the path {path:?} uses {{{v}}}, but no path parameter {v:?} is declared: the method takes it as a required string"
                    ),
                );
                out.push(Param {
                    wire_name: v.clone(),
                    rust_name: ident::claim_snake(namer, &ident::snake_name(v)),
                    location: ParamLocation::Path,
                    required: true,
                    ty: TypeRef::String,
                    docs: Docs {
                        title: None,
                        summary: None,
                        description: Some(format!(
                            "`{{{v}}}` in the path; the description declares no parameter for it."
                        )),
                    },
                    deprecated: false,
                    style: ParamStyle::Simple,
                });
            }
        }
    }

    fn body(&mut self, op: &'a openapiv3::Operation, ptr: &str, type_name: &str) -> Option<Body> {
        let rb = op.request_body.as_ref()?;
        let items = self.spec.document.components.as_ref();
        let (rb, bptr) = self.resolve_component(
            rb,
            format!("{ptr}/requestBody"),
            "requestBodies",
            items.map(|c| &c.request_bodies),
            "requestBody",
        )?;
        let (ct, media) = pick_content(&rb.content)?;
        let mptr = format!("{bptr}/content/{}", escape_pointer_token(ct));
        let encoding = encoding_of(ct);
        let hint = format!("{type_name}Body");
        let ty = match (&media.schema, encoding) {
            (_, BodyEncoding::Text) => TypeRef::String,
            (Some(s), BodyEncoding::Json | BodyEncoding::Form) => {
                self.src(Src::from(s), &format!("{mptr}/schema"), &hint).ty
            }
            (None, BodyEncoding::Json) => TypeRef::Json,
            (None, BodyEncoding::Form) => TypeRef::JsonObject,
            (_, BodyEncoding::Bytes) => {
                if ct.starts_with("multipart/") {
                    self.warn(&mptr, format!("{ct} bodies are not encoded by the generator: the method takes the encoded bytes, sent with Content-Type {ct}"));
                }
                TypeRef::Bytes
            }
        };
        Some(Body {
            content_type: ct.to_string(),
            encoding,
            ty,
            required: rb.required,
            docs: Docs {
                title: None,
                summary: None,
                description: rb.description.clone(),
            },
        })
    }

    /// The operation's responses, typed per status: the successes, and the errors (each a
    /// variant of the operation's error enum); a raw-bytes success when none is documented.
    fn responses(
        &mut self,
        op: &'a openapiv3::Operation,
        ptr: &str,
        type_name: &str,
    ) -> (Vec<Response>, Vec<ErrorResponse>) {
        let entries = response_entries(op, ptr);
        let success_count = entries.iter().filter(|(s, _, _)| is_success(s)).count();
        let mut success = Vec::new();
        let mut errors = Vec::new();
        let mut variant_namer = Namer::default();
        for (status, r, rptr) in entries {
            let Some((resp, rptr)) = self.resolve_response(r, rptr) else {
                continue;
            };
            let ok = is_success(&status);
            let variant = variant_namer.claim(&status_variant(&status));
            let hint = if ok {
                if success_count > 1 {
                    format!("{type_name}Response{}", status_token(&status))
                } else {
                    format!("{type_name}Response")
                }
            } else {
                format!("{type_name}{variant}Body")
            };
            let (encoding, ty) = self.response_body(resp, &rptr, &hint);
            if ok {
                success.push(Response {
                    status,
                    encoding,
                    ty,
                    description: resp.description.clone(),
                });
            } else {
                errors.push(ErrorResponse {
                    status,
                    variant,
                    encoding,
                    ty,
                    description: resp.description.clone(),
                });
            }
        }
        if success.is_empty() {
            self.warn(ptr, "no success response is documented: the method returns the raw body of any 2xx response".to_string());
            success.push(Response {
                status: StatusMatch::Range(2),
                encoding: ResponseEncoding::Bytes,
                ty: Some(TypeRef::Bytes),
                description: "Any success response, undocumented: the raw body.".to_string(),
            });
        }
        (success, errors)
    }

    /// A response given in place, or the one a `$ref` names in `components/responses`, with
    /// its pointer; `None` (with an error) for a reference that resolves to nothing.
    fn resolve_response(
        &mut self,
        r: &'a ReferenceOr<openapiv3::Response>,
        rptr: String,
    ) -> Option<(&'a openapiv3::Response, String)> {
        let items = self.spec.document.components.as_ref().map(|c| &c.responses);
        self.resolve_component(r, rptr, "responses", items, "response")
    }

    /// How a response's body is decoded, from the content type picked, and its type (`None`
    /// for no content).
    fn response_body(
        &mut self,
        resp: &'a openapiv3::Response,
        rptr: &str,
        hint: &str,
    ) -> (ResponseEncoding, Option<TypeRef>) {
        let Some((ct, media)) = pick_content(&resp.content) else {
            return (ResponseEncoding::Empty, None);
        };
        let mptr = format!("{rptr}/content/{}", escape_pointer_token(ct));
        match encoding_of(ct) {
            BodyEncoding::Json => {
                let ty = match &media.schema {
                    Some(s) => self.src(Src::from(s), &format!("{mptr}/schema"), hint).ty,
                    None => TypeRef::Json,
                };
                (ResponseEncoding::Json, Some(ty))
            }
            BodyEncoding::Text => (ResponseEncoding::Text, Some(TypeRef::String)),
            BodyEncoding::Form | BodyEncoding::Bytes => {
                (ResponseEncoding::Bytes, Some(TypeRef::Bytes))
            }
        }
    }

    /// Marks input types, boxes recursive fields, checks that every name resolves.
    /// The passes over the whole API once every operation and type is lowered, then the
    /// API itself, or every problem found.
    /// `links`: every `#operation/<id>` link in the document, with the pointer of its text.
    fn finish(
        mut self,
        operations: Vec<Operation>,
        links: Vec<(String, String)>,
    ) -> Result<(Api, Diagnostics), Diagnostics> {
        let operations_in_document = self.check_nothing_dropped(&operations);
        let roots = Roots::of(&operations);
        let inputs = reachable(roots.inputs.clone(), &self.types);
        let accepted = self.report_ambiguities(&roots, &inputs);
        self.mark_inputs(&inputs);
        self.unsecret_error_only_fields(&roots, &inputs);
        self.box_recursive_fields();
        self.check_unions_on_cycles();
        self.check_alias_cycles();
        self.check_names_resolve(&operations);
        self.check_operation_links(links);
        let security_schemes = self.security_schemes();
        self.check_settings_used();
        if self.settings.deny_warnings {
            for d in &mut self.diags.items {
                d.severity = Severity::Error;
            }
        }
        // Accepted by the settings: told, never refused.
        for (ptr, message) in accepted {
            self.warn(&ptr, message);
        }

        if self.diags.has_errors() {
            return Err(self.diags);
        }
        let doc = &self.spec.document;
        let default_server = doc.servers.first().map(|s| {
            let mut url = s.url.clone();
            for (k, v) in s.variables.iter().flatten() {
                url = url.replace(&format!("{{{k}}}"), &v.default);
            }
            url
        });
        let mut secret_keys: BTreeSet<String> = self.settings.secret_keys.iter().cloned().collect();
        for t in self.types.values() {
            if let TypeKind::Struct(s) = &t.kind {
                secret_keys.extend(
                    s.fields
                        .iter()
                        .filter(|f| f.ty.holds_secret() || f.write_only && f.ty == TypeRef::String)
                        .map(|f| f.wire_name.clone()),
                );
            }
        }
        let secret_keys = secret_keys.into_iter().collect();
        let api = Api {
            title: doc.info.title.clone(),
            spec_version: doc.info.version.clone(),
            openapi_version: self.spec.openapi_version.clone(),
            sha256: self.spec.sha256.clone(),
            source: self.spec.file.clone(),
            default_server,
            types: self.types.into_values().collect(),
            operations_in_document,
            operations,
            security_schemes,
            client_constructors: self.settings.client_constructors,
            secret_keys,
            hooks: crate::ir::Hooks {
                explain_auth_failure: self.settings.hooks.explain_auth_failure.clone(),
                mask_text: self.settings.hooks.mask_text.clone(),
            },
            features_per_tag: self.settings.features_per_tag,
        };
        Ok((api, self.diags))
    }

    /// Nothing dropped: every operation of the document is one of the API's. Returns how
    /// many the document has.
    fn check_nothing_dropped(&mut self, operations: &[Operation]) -> usize {
        // Nothing dropped: every operation of the document is one of the API's.
        let lowered: BTreeSet<&str> = operations.iter().map(|o| o.pointer.as_str()).collect();
        let in_document = checks::operations(&self.spec.raw);
        let operations_in_document = in_document.len();
        for (ptr, path, method) in in_document {
            if !lowered.contains(ptr.as_str()) && path.starts_with('/') {
                self.error(
                    &ptr,
                    format!(
                        "internal error: the operation {} {path} was not generated",
                        method.to_uppercase()
                    ),
                );
            }
        }
        operations_in_document
    }

    /// Reports the unions whose variants nothing tells apart, unless only requests use
    /// them: a union only requests use is only serialised, and needs no telling apart. One
    /// that no operation uses (webhook payloads, shared schemas) may still be decoded.
    /// Returns the ones the settings accept, reported after `deny_warnings` applies.
    fn report_ambiguities(
        &mut self,
        roots: &Roots,
        inputs: &BTreeSet<String>,
    ) -> Vec<(String, String)> {
        let mut accepted = Vec::new();
        let decoded = reachable(
            roots.data.iter().chain(&roots.errors).cloned().collect(),
            &self.types,
        );
        let requests_only: BTreeSet<String> = inputs
            .iter()
            .filter(|n| !decoded.contains(*n))
            .cloned()
            .collect();
        for a in std::mem::take(&mut self.ambiguities) {
            if !requests_only.contains(&a.type_name) {
                self.current_op = a.operation_id;
                if a.accepted {
                    accepted.push((a.pointer, a.message));
                } else {
                    self.warn(&a.pointer, a.message);
                }
                self.current_op = None;
            }
        }
        accepted
    }

    /// Marks what bodies and parameters reach (`inputs`) as input types: they get
    /// constructors.
    fn mark_inputs(&mut self, inputs: &BTreeSet<String>) {
        for n in inputs {
            if let Some(t) = self.types.get_mut(n) {
                t.is_input = true;
            }
        }
    }

    /// Error bodies carry messages about fields, not their values: a `password` key of an
    /// error body says "Wrong password.". In types only error responses use, a field that
    /// is secret only by its name is a plain string.
    fn unsecret_error_only_fields(&mut self, roots: &Roots, inputs: &BTreeSet<String>) {
        let mut data_roots = roots.data.clone();
        data_roots.extend(inputs.iter().cloned());
        let data = reachable(data_roots, &self.types);
        let errors_only: BTreeSet<String> = reachable(roots.errors.clone(), &self.types)
            .into_iter()
            .filter(|n| !data.contains(n))
            .collect();
        for n in &errors_only {
            if let Some(TypeDef {
                kind: TypeKind::Struct(s),
                ..
            }) = self.types.get_mut(n)
            {
                for f in s.fields.iter_mut().filter(|f| f.secret_by_name) {
                    f.ty = TypeRef::String;
                }
            }
        }
    }

    /// Boxes the fields that lead back to their own struct without a `Vec` or map in
    /// between.
    fn box_recursive_fields(&mut self) {
        let direct: BTreeMap<String, Vec<String>> = self
            .types
            .iter()
            .map(|(n, t)| {
                let mut out = Vec::new();
                match &t.kind {
                    TypeKind::Struct(s) => {
                        for f in &s.fields {
                            f.ty.held(&mut out);
                        }
                    }
                    TypeKind::OneOf(o) => {
                        for v in &o.variants {
                            v.ty.held(&mut out);
                        }
                    }
                    TypeKind::Alias(TypeRef::Named(x)) => out.push(x.clone()),
                    _ => {}
                }
                (n.clone(), out)
            })
            .collect();
        // A field (or variant) needs a Box when its target lies on a cycle through its own
        // type: the two are in the same strongly connected component.
        let scc = strongly_connected(&direct);
        let reaches = |from: &str, to: &str| -> bool {
            scc.get(from).is_some_and(|c| Some(c) == scc.get(to))
        };
        let names: Vec<String> = self.types.keys().cloned().collect();
        for n in &names {
            let mut boxes = Vec::new();
            if let Some(TypeKind::Struct(s)) = self.types.get(n).map(|t| &t.kind) {
                for (i, f) in s.fields.iter().enumerate() {
                    let mut held = Vec::new();
                    f.ty.held(&mut held);
                    if held.iter().any(|x| reaches(x, n)) {
                        boxes.push(i);
                    }
                }
            }
            if let Some(TypeDef {
                kind: TypeKind::Struct(s),
                ..
            }) = self.types.get_mut(n)
            {
                for i in boxes {
                    s.fields[i].boxed = true;
                }
            }
        }
    }

    /// Struct fields on cycles are boxed, which breaks every cycle through a struct
    /// (`Expr = oneOf[Lit, Add{left: Expr, right: Expr}]`). What remains are cycles made
    /// only of oneOf variants and aliases: a value that would contain itself directly.
    fn check_unions_on_cycles(&mut self) {
        let unboxed: BTreeMap<String, Vec<String>> = self
            .types
            .iter()
            .map(|(n, t)| {
                let out = match &t.kind {
                    TypeKind::OneOf(o) => {
                        let mut held = Vec::new();
                        for v in &o.variants {
                            v.ty.held(&mut held);
                        }
                        held
                    }
                    TypeKind::Alias(TypeRef::Named(x)) => vec![x.clone()],
                    _ => Vec::new(),
                };
                (n.clone(), out)
            })
            .collect();
        let direct_scc = strongly_connected(&unboxed);
        for (n, t) in &self.types {
            let TypeKind::OneOf(o) = &t.kind else {
                continue;
            };
            let on_cycle = o.variants.iter().any(|v| {
                let mut held = Vec::new();
                v.ty.held(&mut held);
                held.iter().any(|x| {
                    direct_scc
                        .get(x)
                        .is_some_and(|c| Some(c) == direct_scc.get(n))
                })
            });
            if on_cycle {
                let (ptr, message) = (
                    t.pointer.clone(),
                    format!(
                        "oneOf {n} contains itself through its variants alone (no object in between), so a value of it would be infinite"
                    ),
                );
                self.diags.push(Diagnostic {
                    severity: Severity::Error,
                    file: self.spec.file.clone(),
                    location: Location::Pointer(self.spec.source_pointer(&ptr)),
                    operation_id: None,
                    message,
                });
            }
        }
    }

    /// Aliases that lead back to themselves: a cycle made only of `$ref`.
    fn check_alias_cycles(&mut self) {
        let mut alias_cycles = Vec::new();
        for (name, t) in &self.types {
            let mut seen = vec![name.clone()];
            let mut cur = &t.kind;
            while let TypeKind::Alias(TypeRef::Named(next)) = cur {
                if seen.contains(next) {
                    if next == name {
                        alias_cycles.push((t.pointer.clone(), seen.join(" → ") + " → " + next));
                    }
                    break;
                }
                seen.push(next.clone());
                match self.types.get(next) {
                    Some(n) => cur = &n.kind,
                    None => break,
                }
            }
        }
        if self.ref_cycle_reported {
            alias_cycles.clear();
        }
        for (ptr, chain) in alias_cycles {
            self.error(
                &ptr,
                format!("a cycle made only of $ref cannot be represented: {chain}"),
            );
        }
    }

    /// Every `Named` type the types and operations refer to exists.
    fn check_names_resolve(&mut self, operations: &[Operation]) {
        let mut dangling = Vec::new();
        {
            let mut check = |t: &TypeRef, ptr: &str| {
                let mut names = Vec::new();
                t.named(&mut names);
                for n in names {
                    if !self.types.contains_key(&n) {
                        dangling.push((ptr.to_string(), n));
                    }
                }
            };
            for t in self.types.values() {
                let mut names = Vec::new();
                t.kind.named(&mut names);
                for n in names {
                    check(&TypeRef::Named(n), &t.pointer);
                }
            }
            for op in operations {
                for p in &op.params {
                    check(&p.ty, &op.pointer);
                }
                if let Some(b) = &op.body {
                    check(&b.ty, &op.pointer);
                }
                for r in &op.success {
                    if let Some(t) = &r.ty {
                        check(t, &op.pointer);
                    }
                }
                for r in &op.errors {
                    if let Some(t) = &r.ty {
                        check(t, &op.pointer);
                    }
                }
            }
        }
        for (ptr, n) in dangling {
            self.error(&ptr, format!("the type {n} cannot be resolved: the schema is a cycle made only of $ref, or refers to a schema that failed"));
        }
    }

    /// Links between operations, in every description, summary and title of the document
    /// (found by [`operation_links_in`]).
    fn check_operation_links(&mut self, links: Vec<(String, String)>) {
        for (ptr, target) in links {
            if !self.op_methods.contains_key(&target) {
                self.current_op = crate::load::operation_at_pointer(&self.spec.raw, &ptr);
                self.warn(
                    &ptr,
                    format!("links to #operation/{target}, but no operation has that operationId: the link is rendered as its text"),
                );
                self.current_op = None;
            }
        }
    }
}

/// Where the types the operations use start: parameters and bodies (inputs), success
/// bodies (data), error bodies.
struct Roots {
    inputs: Vec<String>,
    data: Vec<String>,
    errors: Vec<String>,
}

impl Roots {
    fn of(operations: &[Operation]) -> Roots {
        let (mut input_roots, mut data_roots, mut error_roots) =
            (Vec::new(), Vec::new(), Vec::new());
        for op in operations {
            for p in &op.params {
                p.ty.named(&mut input_roots);
            }
            if let Some(b) = &op.body {
                b.ty.named(&mut input_roots);
            }
            for t in op.success.iter().filter_map(|r| r.ty.as_ref()) {
                t.named(&mut data_roots);
            }
            for t in op.errors.iter().filter_map(|r| r.ty.as_ref()) {
                t.named(&mut error_roots);
            }
        }
        Roots {
            inputs: input_roots,
            data: data_roots,
            errors: error_roots,
        }
    }
}

impl TypeRef {
    fn named(&self, out: &mut Vec<String>) {
        match self {
            TypeRef::Named(n) => out.push(n.clone()),
            TypeRef::Vec(i) | TypeRef::Map(i) => i.named(out),
            TypeRef::Tuple(elements) => {
                for e in elements {
                    e.named(out);
                }
            }
            _ => {}
        }
    }

    /// Whether a value of this type is or holds a secret string (a list of them, say).
    fn holds_secret(&self) -> bool {
        match self {
            TypeRef::Secret => true,
            TypeRef::Vec(i) | TypeRef::Map(i) => i.holds_secret(),
            TypeRef::Tuple(elements) => elements.iter().any(TypeRef::holds_secret),
            _ => false,
        }
    }

    /// The named types a value of this type holds in itself, not behind a `Vec` or a map
    /// (a value that holds its own type needs a `Box`).
    fn held(&self, out: &mut Vec<String>) {
        match self {
            TypeRef::Named(n) => out.push(n.clone()),
            TypeRef::Tuple(elements) => {
                for e in elements {
                    e.held(out);
                }
            }
            _ => {}
        }
    }
}

impl TypeKind {
    fn named(&self, out: &mut Vec<String>) {
        match self {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    f.ty.named(out);
                }
                if let Some(a) = &s.additional {
                    a.named(out);
                }
            }
            TypeKind::OneOf(o) => {
                for v in &o.variants {
                    v.ty.named(out);
                }
            }
            TypeKind::Alias(t) => t.named(out),
            TypeKind::StringEnum(_) => {}
        }
    }
}

/// The named types `roots` lead to, through fields, variants, items and aliases.
fn reachable(roots: Vec<String>, types: &BTreeMap<String, TypeDef>) -> BTreeSet<String> {
    let mut stack = roots;
    let mut seen = BTreeSet::new();
    while let Some(n) = stack.pop() {
        if seen.insert(n.clone()) {
            if let Some(t) = types.get(&n) {
                t.kind.named(&mut stack);
            }
        }
    }
    seen
}

/// Tarjan's algorithm, iterative (no recursion on deep graphs): the component index of
/// every node.
fn strongly_connected(graph: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, usize> {
    let names: Vec<&String> = graph.keys().collect();
    let index_of: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            graph[*n]
                .iter()
                .filter_map(|t| index_of.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let n = names.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut comp, mut next_index, mut next_comp) =
        (Vec::new(), vec![usize::MAX; n], 0, 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *edge < edges[v].len() {
                let w = edges[v][*edge];
                *edge += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = next_comp;
                    if w == v {
                        break;
                    }
                }
                next_comp += 1;
            }
        }
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), comp[i]))
        .collect()
}

/// The key a `#/components/<section>/KEY` reference names in that section, its JSON
/// pointer escapes undone (`~1` is `/`, `~0` is `~`); `None` for a reference elsewhere.
pub(super) fn component_key(reference: &str, section: &str) -> Option<String> {
    let key = reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')?;
    Some(key.replace("~1", "/").replace("~0", "~"))
}

/// An operation's responses in document order, the default last: status, response (or
/// reference) and pointer.
fn response_entries<'a>(
    op: &'a openapiv3::Operation,
    ptr: &str,
) -> Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> {
    let mut entries = Vec::new();
    for (code, r) in &op.responses.responses {
        let (status, tok) = match code {
            StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
            StatusCode::Range(r) => (StatusMatch::Range(*r), format!("{r}XX")),
        };
        entries.push((status, r, format!("{ptr}/responses/{tok}")));
    }
    if let Some(d) = &op.responses.default {
        entries.push((StatusMatch::Default, d, format!("{ptr}/responses/default")));
    }
    entries
}

fn is_success(s: &StatusMatch) -> bool {
    match s {
        StatusMatch::Code(c) => (200..300).contains(c),
        StatusMatch::Range(r) => *r == 2,
        StatusMatch::Default => false,
    }
}

fn status_token(s: &StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "Default".to_string(),
    }
}

/// `BadRequest` for 400 and so on; `Status418` for codes without a common name.
fn status_variant(s: &StatusMatch) -> String {
    match s {
        StatusMatch::Code(c) => match c {
            400 => "BadRequest".into(),
            401 => "Unauthorized".into(),
            402 => "PaymentRequired".into(),
            403 => "Forbidden".into(),
            404 => "NotFound".into(),
            405 => "MethodNotAllowed".into(),
            406 => "NotAcceptable".into(),
            409 => "Conflict".into(),
            410 => "Gone".into(),
            412 => "PreconditionFailed".into(),
            413 => "PayloadTooLarge".into(),
            415 => "UnsupportedMediaType".into(),
            422 => "UnprocessableEntity".into(),
            429 => "TooManyRequests".into(),
            500 => "InternalServerError".into(),
            501 => "NotImplemented".into(),
            502 => "BadGateway".into(),
            503 => "ServiceUnavailable".into(),
            504 => "GatewayTimeout".into(),
            c => format!("Status{c}"),
        },
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(r) => format!("Status{r}xx"),
        StatusMatch::Default => "Default".into(),
    }
}

fn pick_content(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, &openapiv3::MediaType)> {
    if content.is_empty() {
        return None;
    }
    let rank = |ct: &str| {
        let ct = ct.to_ascii_lowercase();
        if ct == "application/json" {
            0
        } else if ct.ends_with("+json") || ct.contains("json") {
            1
        } else if ct == "application/x-www-form-urlencoded" {
            2
        } else if ct.starts_with("text/") {
            3
        } else {
            4
        }
    };
    content
        .iter()
        .min_by_key(|(ct, _)| rank(ct))
        .map(|(ct, m)| (ct.as_str(), m))
}

fn encoding_of(ct: &str) -> BodyEncoding {
    let ct = ct.to_ascii_lowercase();
    if ct.contains("json") || ct == "*/*" {
        BodyEncoding::Json
    } else if ct == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if ct.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Bytes
    }
}

/// `{clientId}` names in a path template, in order.
pub fn path_vars(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + end].to_string());
        rest = &rest[start + end + 1..];
    }
    out
}

/// The first `YYYY-MM-DD` in a text.
pub fn find_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = &b[i..i + 10];
        let ok = s.iter().enumerate().all(|(j, c)| {
            if j == 4 || j == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        let bounded = (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
        (ok && bounded).then(|| text[i..i + 10].to_string())
    })
}

/// operationIds linked as `#operation/<id>`.
/// Every `#operation/<id>` link in a `description`, `summary` or `title` anywhere in the
/// document, with the pointer of the text. Walks with a stack: nesting depth is no risk.
fn operation_links_in(raw: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    checks::each_object(raw, |ptr, m| {
        for key in ["description", "summary", "title"] {
            if let Some(serde_json::Value::String(text)) = m.get(key) {
                for target in find_operation_links(text) {
                    out.push((format!("{ptr}/{key}"), target));
                }
            }
        }
    });
    out
}

pub fn find_operation_links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("#operation/") {
        let after = &rest[i + "#operation/".len()..];
        let id: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
            .collect();
        if !id.is_empty() {
            out.push(id);
        }
        rest = after;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dates_and_links() {
        assert_eq!(
            find_date("removed on **2026-07-17**.").as_deref(),
            Some("2026-07-17")
        );
        assert_eq!(find_date("no date 12026-07-170"), None);
        assert_eq!(
            find_operation_links("Use [x](#operation/iamGetApiTokensV2) instead."),
            vec!["iamGetApiTokensV2"]
        );
        assert_eq!(path_vars("/a/{b}/c/{d}"), vec!["b", "d"]);
    }

    /// Keys with `/` or `~` are written `~1` and `~0` in a `$ref` (RFC 6901).
    #[test]
    fn component_references_with_pointer_escapes_resolve() {
        let spec = crate::load::load_bytes(
            "escapes.json",
            serde_json::json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1"},
                "paths": {"/a": {"post": {
                    "operationId": "postA",
                    "parameters": [{"$ref": "#/components/parameters/page~1size"}],
                    "requestBody": {"$ref": "#/components/requestBodies/new~0thing"},
                    "responses": {"200": {"$ref": "#/components/responses/ok~1done"}}
                }}},
                "components": {
                    "parameters": {"page/size": {
                        "name": "page_size", "in": "query", "schema": {"type": "integer"}
                    }},
                    "requestBodies": {"new~thing": {
                        "content": {"text/plain": {"schema": {"type": "string"}}}
                    }},
                    "responses": {"ok/done": {
                        "description": "done",
                        "content": {"text/plain": {"schema": {"type": "string"}}}
                    }}
                }
            })
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let (api, warnings) = lower(&spec, &Settings::default()).unwrap();
        assert_eq!(warnings.items.len(), 0, "{warnings}");
        let op = &api.operations[0];
        assert_eq!(op.params[0].wire_name, "page_size");
        assert_eq!(op.body.as_ref().unwrap().content_type, "text/plain");
        assert_eq!(op.success[0].description, "done");
    }
}
