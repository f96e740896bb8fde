//! The repository's own tooling as a library, for `cargo xtask` and the tests: where
//! gcore-iam's spec, settings and generated code live and how `regen` and `check` treat
//! them ([`project`]), and how generated crates are built here ([`build`]). The generator
//! itself (`codegen`) knows nothing of this repository.

pub mod build;
pub mod project;
