//! Generator settings: everything that is not in the spec but changes the output.

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// How to tell apart `oneOf` variants of identical shape by their content: the string at
/// `pointer` (a JSON pointer into the value; the first array element is taken when it
/// points at an array) selects the variant whose prefix it starts with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentRule {
    pub pointer: String,
    /// (variant title as written in the spec, prefix of the message); in a settings file
    /// `{title: ..., prefix: ...}`.
    #[serde(deserialize_with = "title_prefix_pairs")]
    pub prefixes: Vec<(String, String)>,
}

/// `[{title, prefix}, ...]` as `(title, prefix)` pairs.
fn title_prefix_pairs<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(String, String)>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Prefix {
        title: String,
        prefix: String,
    }
    let prefixes: Vec<Prefix> = serde::Deserialize::deserialize(deserializer)?;
    Ok(prefixes.into_iter().map(|p| (p.title, p.prefix)).collect())
}

/// Functions of the crate's own code (outside the runtime) that the runtime calls through
/// the generated `SERVICE`, each a Rust path such as `crate::auth::explain_auth_failure`:
/// how the runtime learns what one API adds without importing it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Hooks {
    /// `fn(status: u16, body: &[u8]) -> Option<Box<dyn std::error::Error + Send + Sync>>`:
    /// explains a 401 or 403; the explanation's `Display` is shown as a hint.
    #[serde(deserialize_with = "rust_path")]
    pub explain_auth_failure: Option<Vec<String>>,
    /// `fn(&str) -> String`: masks the API's own secret shapes in any text the client
    /// shows from a response, before the generic rules.
    #[serde(deserialize_with = "rust_path")]
    pub mask_text: Option<Vec<String>>,
}

/// A Rust path (`crate::auth::explain`), checked with `syn`, as its segments.
fn rust_path<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    let text: String = serde::Deserialize::deserialize(deserializer)?;
    let path: syn::Path = syn::parse_str(&text)
        .map_err(|e| serde::de::Error::custom(format!("{text:?} is not a Rust path ({e})")))?;
    if path.leading_colon.is_some()
        || path
            .segments
            .iter()
            .any(|s| !matches!(s.arguments, syn::PathArguments::None))
    {
        return Err(serde::de::Error::custom(format!(
            "{text:?}: give a plain path to a function, such as `crate::auth::explain`"
        )));
    }
    Ok(Some(
        path.segments.iter().map(|s| s.ident.to_string()).collect(),
    ))
}

/// Settings for one generation run. A settings file (see [`Settings::from_yaml`]) names
/// the same fields; those it leaves out keep their [`Default`].
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Operation-id prefix to strip from method names; `None` detects a common lower-case
    /// prefix shared by every operationId (`iam` in `iamGetUsers`).
    pub strip_operation_prefix: Option<String>,
    /// Every warning is an error: nothing is generated with a fallback the description
    /// did not ask for. Off by default: a document is refused only when it cannot be read
    /// or has no consistent meaning.
    pub deny_warnings: bool,
    /// Component schemas (names as in the spec) whose variants nothing tells apart, known
    /// and accepted: still a warning (their values decode to `Other`), never an error, even
    /// with [`Settings::deny_warnings`].
    pub ambiguity_accepted: BTreeSet<String>,
    /// Keyed by the component schema name as written in the spec (`CreateTokenError`).
    pub content_rules: BTreeMap<String, ContentRule>,
    /// Variant names to use instead of the one derived from a title, keyed by the title.
    pub variant_names: BTreeMap<String, String>,
    /// `Schema.property` pairs (component names as in the spec) whose string values are
    /// secrets; properties named like `password` or `secret` always are.
    pub secret_fields: BTreeSet<String>,
    /// Further keys whose string values the runtime masks in any text it shows from a
    /// response (beside the generic ones and the names of secret fields): keys of bodies
    /// the description does not model.
    pub secret_keys: Vec<String>,
    /// Functions of the crate's own code the runtime calls (see [`Hooks`]).
    pub hooks: Hooks,
    /// Method names the hand-written client already has.
    pub reserved_methods: Vec<String>,
    /// Descriptions to use instead of the document's, keyed by `Schema.property`
    /// (component names as in the spec): for text the document renders badly and cannot
    /// be fixed at the source.
    pub descriptions: BTreeMap<String, String>,
    /// Generate `Client::new` and `IntoCredentials` for `&str`/`String`, sending the
    /// secret as the API's first security scheme says (on by default: a standalone crate
    /// needs them). Off for gcore-iam, whose runtime defines its own: a Gcore API key is
    /// parsed and checked before it is sent.
    pub client_constructors: bool,
    /// One cargo feature per tag of the description in a standalone crate, `full` (every
    /// tag) the default: a user who turns off default features and enables one tag
    /// compiles that tag's operations and only the types they reach. Off by default.
    pub features_per_tag: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            strip_operation_prefix: None,
            deny_warnings: false,
            ambiguity_accepted: BTreeSet::new(),
            content_rules: BTreeMap::new(),
            variant_names: BTreeMap::new(),
            secret_fields: BTreeSet::new(),
            secret_keys: Vec::new(),
            hooks: Hooks::default(),
            reserved_methods: Vec::new(),
            descriptions: BTreeMap::new(),
            client_constructors: true,
            features_per_tag: false,
        }
    }
}

impl Settings {
    /// Reads a settings file (`--settings FILE`): YAML (JSON is YAML too), every key
    /// optional and none unknown, each the [`Settings`] field of the same name:
    ///
    /// ```yaml
    /// strip_operation_prefix: iam          # the operationId prefix methods leave out
    /// deny_warnings: true                  # every fallback is an error
    /// client_constructors: true            # Client::new and IntoCredentials for strings
    /// content_rules:                       # unions of same-shape variants, by message
    ///   CreateTokenError:                  # the schema, as named in components/schemas
    ///     pointer: /errors/client_user/role
    ///     prefixes:
    ///       - {title: Invalid role, prefix: Invalid role}
    /// variant_names: {"Invalid role": InvalidRole}   # variant title → Rust name
    /// ambiguity_accepted: [UpdateUserEmailError]     # warned about, never refused
    /// secret_fields: [Token.access]                  # Schema.property holding a secret
    /// secret_keys: [jwt]                             # other keys whose values are masked
    /// hooks:                                         # functions the runtime calls
    ///   explain_auth_failure: crate::auth::explain   #   fn(u16, &[u8]) -> Option<Box<dyn Error + Send + Sync>>
    ///   mask_text: crate::auth::mask                 #   fn(&str) -> String
    /// reserved_methods: [all_users]                  # names your own code gives methods
    /// descriptions: {Group.id: "The role's id."}     # Schema.property → its docs
    /// features_per_tag: true               # a cargo feature per tag, `full` the default
    /// ```
    ///
    /// `shown` names the file in errors, which carry the line and column. What the keys
    /// name (schemas, titles, properties) is checked against the document when it is
    /// generated: a name that matches nothing there is an error.
    pub fn from_yaml(text: &str, shown: &str) -> Result<Settings, Diagnostics> {
        serde_yaml::from_str(text).map_err(|e| {
            let location = match e.location() {
                Some(l) => Location::LineColumn {
                    line: l.line(),
                    column: l.column(),
                },
                None => Location::Document,
            };
            settings_error(shown, location, format!("settings: {e}"))
        })
    }

    /// [`Settings::from_yaml`] on a file.
    pub fn from_file(path: &std::path::Path, shown: &str) -> Result<Settings, Diagnostics> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            settings_error(
                shown,
                Location::Document,
                format!("cannot read the settings file: {e}"),
            )
        })?;
        Settings::from_yaml(&text, shown)
    }
}

/// A problem with the settings file `shown`.
fn settings_error(shown: &str, location: Location, message: String) -> Diagnostics {
    Diagnostics::single(Diagnostic {
        severity: Severity::Error,
        file: shown.to_string(),
        location,
        operation_id: None,
        message,
    })
}
