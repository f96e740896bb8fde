//! Typed async client for the Gcore IAM API.

// Generated from spec/iam_api.yaml by `cargo xtask regen`; do not edit the files below
// `generated/`. The allowances are the ones generated code needs, named one by one.
#[rustfmt::skip]
#[allow(clippy::large_enum_variant, clippy::too_many_arguments)]
mod generated {
    pub mod api;
    pub mod operations;
    pub mod types;
}

pub use generated::api::{API_TITLE, DEFAULT_SERVER, OPENAPI_VERSION, SPEC_SHA256, SPEC_VERSION};
pub use generated::{operations, types};
