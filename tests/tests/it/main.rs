//! The integration tests that run in-process (the generator, the runtime against servers
//! on 127.0.0.1, the fake), grouped into one binary so that codegen, the runtime, axum
//! and reqwest are linked once. Tests that need a process of their own are beside this
//! directory: `env.rs` sets environment variables, `runtime_observability.rs` captures
//! `tracing` output, and `external/` runs other programs (cargo, Prism): see
//! ARCHITECTURE.md.

mod client_runtime;
mod diff;
mod generated_types;
mod hostile_input;
mod invalid_specs;
mod load;
mod module_graph;
mod mutated_specs;
mod regen;
mod rotation;
mod runtime_redaction;
mod runtime_resilience;
mod scenarios;
mod snapshots;
mod token_vocabulary;
