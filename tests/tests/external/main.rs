//! The integration tests that run other programs: `cargo` (generated crates, the
//! examples, a consumer crate outside the workspace) and Prism. Grouped into one binary
//! of their own so that their builds never run beside the timing-sensitive tests of
//! `it/` (the test harness runs the tests of one binary in parallel, binaries one after
//! another).

mod consumer;
mod example_expiring_tokens;
mod example_rotate_token;
mod example_verify_token;
mod fixtures_compile;
mod prism_contract;
mod standalone_e2e;
