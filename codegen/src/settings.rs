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
            client_constructors: true,
        }
    }
}

impl Settings {
    /// The settings gcore-iam is generated with.
    pub fn gcore_iam() -> Settings {
        let mut s = Settings {
            strip_operation_prefix: Some("iam".to_string()),
            // a published client: anything the generator would have to fall back on for
            // this description is a change to look at before it ships
            deny_warnings: true,
            // gcore-iam's runtime has Client::new and a Gcore key parser of its own
            client_constructors: false,
            ..Settings::default()
        };
        s.content_rules.insert(
            "CreateTokenError".to_string(),
            ContentRule {
                pointer: "/errors/client_user/role".to_string(),
                prefixes: vec![
                    ("Invalid role".to_string(), "Invalid role".to_string()),
                    (
                        "You can't create an API token with the specified role.".to_string(),
                        "Can't create token with role".to_string(),
                    ),
                ],
            },
        );
        s.variant_names.insert(
            "You can't create an API token with the specified role.".to_string(),
            "RoleTooHigh".to_string(),
        );
        // The two 403s of revoking a user's access, told apart by the examples' messages.
        s.content_rules.insert(
            "RevokeUserAccessForbiddenError".to_string(),
            ContentRule {
                pointer: "/message".to_string(),
                prefixes: vec![
                    (
                        "You do not have permission for the specified account to perform this action."
                            .to_string(),
                        "You do not have permission".to_string(),
                    ),
                    (
                        "The specified user has API tokens.".to_string(),
                        "The user cannot be removed".to_string(),
                    ),
                ],
            },
        );
        s.variant_names.insert(
            "You do not have permission for the specified account to perform this action."
                .to_string(),
            "NoPermission".to_string(),
        );
        s.variant_names.insert(
            "The specified user has API tokens.".to_string(),
            "UserHasApiTokens".to_string(),
        );
        // Identical shapes Gcore documents without any text that would tell them apart:
        // such bodies decode to the fallback variant, never to a guessed one.
        s.ambiguity_accepted
            .insert("UpdateUserEmailError".to_string());
        for f in [
            "CreateTokenResponse.token",
            "CreateTokenResponseV2.token",
            "Token.access",
            "Token.refresh",
            "RefreshRequest.refresh",
            "ChangePasswordRequest.old",
            "ChangePasswordRequest.new",
            "ChangePasswordRequest.double",
            "LoginRequest.one_time_password",
        ] {
            s.secret_fields.insert(f.to_string());
        }
        s
    }
}
