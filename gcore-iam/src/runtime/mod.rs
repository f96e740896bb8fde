//! The generic runtime: everything a generated client calls, for any API. It names no
//! API and imports nothing outside this directory; what one API adds (its default server,
//! its secret field names, its explanation of authentication failures) reaches it as a
//! `Service` value from the generated code (`service.rs`). Standalone crates copy
//! this directory whole.
//!
//! Its public items here are the contract generated code calls; users do not need them.
//! The types users see (`Client`, `Error`, `Credentials`, …) are re-exported at the crate
//! root.

pub(crate) mod client;
pub(crate) mod credentials;
pub(crate) mod error;
pub(crate) mod nullable;
pub(crate) mod object;
pub(crate) mod operation;
pub(crate) mod paginate;
pub(crate) mod redact;
pub(crate) mod secret;
pub(crate) mod sending;
pub(crate) mod service;

pub use credentials::{SchemeKind, SecurityScheme};
pub use object::{Key, field, required, serialize_tagged, skip};
pub use operation::{
    Deprecation, Failure, OperationInfo, Request, Response, encode_path, format_matches,
    json_path_at, object_entries, param_string,
};
pub use paginate::{Page, offset_stream};
pub(crate) use redact::Redaction;
pub use sending::{ErrorResponse, Sending};
pub(crate) use service::Service;
