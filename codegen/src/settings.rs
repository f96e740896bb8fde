//! Generator settings: everything that is not in the spec but changes the output.

use std::collections::{BTreeMap, BTreeSet};

/// How to tell apart `oneOf` variants of identical shape by their content: the string at
/// `pointer` (a JSON pointer into the value; the first array element is taken when it
/// points at an array) selects the variant whose prefix it starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentRule {
    pub pointer: String,
    /// (variant title as written in the spec, prefix of the message).
    pub prefixes: Vec<(String, String)>,
}

/// Settings for one generation run.
#[derive(Debug, Clone)]
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
            reserved_methods: Vec::new(),
            descriptions: BTreeMap::new(),
            client_constructors: true,
        }
    }
}

/// A settings file as written: see [`Settings::from_yaml`].
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    strip_operation_prefix: Option<String>,
    #[serde(default)]
    deny_warnings: bool,
    client_constructors: Option<bool>,
    #[serde(default)]
    content_rules: BTreeMap<String, ContentRuleFile>,
    #[serde(default)]
    variant_names: BTreeMap<String, String>,
    #[serde(default)]
    ambiguity_accepted: BTreeSet<String>,
    #[serde(default)]
    secret_fields: BTreeSet<String>,
    #[serde(default)]
    reserved_methods: Vec<String>,
    #[serde(default)]
    descriptions: BTreeMap<String, String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ContentRuleFile {
    pointer: String,
    prefixes: Vec<PrefixFile>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PrefixFile {
    title: String,
    prefix: String,
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
    /// reserved_methods: [all_users]                  # names your own code gives methods
    /// descriptions: {Group.id: "The role's id."}     # Schema.property → its docs
    /// ```
    ///
    /// `shown` names the file in errors, which carry the line and column. What the keys name (schemas, titles, properties) is
    /// checked against the document when it is generated: a name that matches nothing
    /// there is an error.
    pub fn from_yaml(text: &str, shown: &str) -> Result<Settings, crate::diagnostics::Diagnostics> {
        use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
        let file: SettingsFile = serde_yaml::from_str(text).map_err(|e| {
            let location = match e.location() {
                Some(l) => Location::LineColumn {
                    line: l.line(),
                    column: l.column(),
                },
                None => Location::Document,
            };
            Diagnostics::single(Diagnostic {
                severity: Severity::Error,
                file: shown.to_string(),
                location,
                operation_id: None,
                message: format!("settings: {e}"),
            })
        })?;
        let defaults = Settings::default();
        Ok(Settings {
            strip_operation_prefix: file.strip_operation_prefix,
            deny_warnings: file.deny_warnings,
            ambiguity_accepted: file.ambiguity_accepted,
            content_rules: file
                .content_rules
                .into_iter()
                .map(|(schema, rule)| {
                    (
                        schema,
                        ContentRule {
                            pointer: rule.pointer,
                            prefixes: rule
                                .prefixes
                                .into_iter()
                                .map(|p| (p.title, p.prefix))
                                .collect(),
                        },
                    )
                })
                .collect(),
            variant_names: file.variant_names,
            secret_fields: file.secret_fields,
            reserved_methods: file.reserved_methods,
            descriptions: file.descriptions,
            client_constructors: file
                .client_constructors
                .unwrap_or(defaults.client_constructors),
        })
    }

    /// [`Settings::from_yaml`] on a file.
    pub fn from_file(
        path: &std::path::Path,
        shown: &str,
    ) -> Result<Settings, crate::diagnostics::Diagnostics> {
        use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics::single(Diagnostic {
                severity: Severity::Error,
                file: shown.to_string(),
                location: Location::Document,
                operation_id: None,
                message: format!("cannot read the settings file: {e}"),
            })
        })?;
        Settings::from_yaml(&text, shown)
    }
}
