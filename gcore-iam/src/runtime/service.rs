//! [`Service`]: what the generated code tells the runtime about its API (the default
//! server, how its secrets are masked, how its authentication failures are explained).

use super::redact::Redaction;

/// Explains an authentication failure (a 401 or 403) from its status and body, when the
/// API's layer recognises it: the explanation's `Display` is a hint for the user, shown by
/// the error, and the layer reads its own type back from the error.
pub(crate) type ExplainAuthFailure =
    fn(status: u16, body: &[u8]) -> Option<Box<dyn std::error::Error + Send + Sync>>;

/// The facts of one API the runtime needs: the generated `api.rs` defines one `static`
/// of it, named from the API description and the generator's settings, and every
/// client of the crate is built with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Service {
    /// Where requests go unless the client's builder is given another base URL.
    pub(crate) default_server: Option<&'static str>,
    /// How the API's secrets are masked in everything the client shows.
    pub(crate) redaction: Redaction,
    /// The API's explanation of its authentication failures, if it has one.
    pub(crate) explain_auth_failure: Option<ExplainAuthFailure>,
}
