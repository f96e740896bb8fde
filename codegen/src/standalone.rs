//! A generated client as a crate of its own: `Cargo.toml`, a README, the runtime copied
//! whole from gcore-iam (`gcore-iam/src/runtime/`, every file as it is: one source for
//! both), a `lib.rs`, and the generated modules. Used by `cargo xtask generate`,
//! `cargo xtask corpus` and the fixture compile test.

use crate::ir::{Api, SecuritySchemeKind};
use crate::{Generated, GeneratedFile};
use std::collections::BTreeMap;
use std::path::Path;

/// The runtime's directory below a crate's `src/`: what a standalone crate copies.
pub const RUNTIME_DIR: &str = "runtime";

/// A standalone crate's `lib.rs` after its docs: the runtime, the generated modules and
/// the names users reach. gcore-iam's `lib.rs` holds the same text (a test checks it),
/// so both crates show the same paths.
pub const LIB_RS_BODY: &str = "\
// The generic runtime (names no API; standalone crates copy it whole) and the code
// generated from the API description, which calls it.
pub mod runtime;

// Generated from the API description by the generator; do not edit the files below
// `generated/`. The allowances are the ones generated code needs, named one by one:
// builders of deprecated operations and types refer to them.
#[rustfmt::skip]
#[allow(clippy::large_enum_variant, clippy::too_many_arguments, deprecated)]
mod generated {
    pub mod api;
    pub mod operations;
    pub mod types;
}

pub use generated::api::{
    API_TITLE, DEFAULT_SERVER, OPENAPI_VERSION, SECURITY_SCHEMES, SPEC_SHA256, SPEC_VERSION,
};
pub use generated::{operations, types};
pub use runtime::client::{Client, ClientBuilder, RetryBudget, RetryPolicy};
pub use runtime::credentials::{Credentials, IntoCredentials};
pub use runtime::error::{ApiError, ConfigError, DecodeError, Error};
pub use runtime::nullable::Nullable;
pub use runtime::secret::SecretString;
";

/// The runtime's dependencies, as a standalone `Cargo.toml` writes them. Kept equal to
/// gcore-iam's `[dependencies]` by a test.
pub const RUNTIME_DEPENDENCIES: &[(&str, &str)] = &[
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["json", "rustls", "http2", "query", "form"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    (
        "serde_json",
        r#"{ version = "1", features = ["preserve_order"] }"#,
    ),
    ("tokio", r#"{ version = "1", features = ["time"] }"#),
    ("tracing", r#""0.1""#),
    (
        "chrono",
        r#"{ version = "0.4", default-features = false, features = ["serde", "std", "clock"] }"#,
    ),
    ("percent-encoding", r#""2""#),
    ("futures-core", r#""0.3""#),
    (
        "futures-util",
        r#"{ version = "0.3", default-features = false, features = ["std"] }"#,
    ),
    ("fastrand", r#""2""#),
    ("serde_urlencoded", r#""0.7""#),
    ("url", r#""2""#),
];

/// The generic runtime, read from gcore-iam's `src/runtime/`.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// `(path below src/, contents)` of every file of the runtime, sorted by path: what
    /// a standalone crate copies, byte for byte.
    pub modules: Vec<(String, String)>,
}

impl Runtime {
    /// Reads the runtime from `src` (gcore-iam's `src/` directory): every file below
    /// `src/runtime/`.
    pub fn read(src: &Path) -> std::io::Result<Runtime> {
        fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, String)>) -> std::io::Result<()> {
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = format!("{rel}/{name}");
                if entry.file_type()?.is_dir() {
                    walk(&entry.path(), &path, out)?;
                } else {
                    out.push((path, std::fs::read_to_string(entry.path())?));
                }
            }
            Ok(())
        }
        let mut modules = Vec::new();
        walk(&src.join(RUNTIME_DIR), RUNTIME_DIR, &mut modules)?;
        modules.sort();
        Ok(Runtime { modules })
    }
}

/// Options for [`crate_files`].
#[derive(Debug, Clone)]
pub struct CrateOptions {
    /// The package name.
    pub name: String,
    /// Add an empty `[workspace]` table, so the crate builds on its own even inside
    /// another workspace's directory.
    pub own_workspace: bool,
}

/// Every file of a standalone crate for `generated`.
pub fn crate_files(
    generated: &Generated,
    runtime: &Runtime,
    options: &CrateOptions,
) -> Vec<GeneratedFile> {
    let mut files = Vec::new();
    let mut toml = format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\nrust-version = \"1.85\"\npublish = false\ndescription = \"Client for {}, generated from its OpenAPI description\"\nreadme = \"README.md\"\n\n[dependencies]\n",
        options.name,
        generated
            .api
            .title
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace(['\n', '\r', '\t'], " ")
    );
    for (dep, spec) in RUNTIME_DEPENDENCIES {
        toml.push_str(&format!("{dep} = {spec}\n"));
    }
    toml.push_str(&features_table(&generated.api));
    if options.own_workspace {
        toml.push_str("\n[workspace]\n");
    }
    files.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: toml,
    });
    files.push(GeneratedFile {
        path: "README.md".into(),
        contents: readme(&generated.api, &options.name),
    });
    files.push(GeneratedFile {
        path: "src/lib.rs".into(),
        contents: standalone_lib_rs(&generated.api),
    });
    for (name, contents) in &runtime.modules {
        files.push(GeneratedFile {
            path: format!("src/{name}"),
            contents: contents.clone(),
        });
    }
    for f in &generated.files {
        files.push(GeneratedFile {
            path: format!("src/generated/{}", f.path),
            contents: f.contents.clone(),
        });
    }
    files
}

/// The `[features]` table of a crate generated with a feature per tag: one per tag, `full`
/// (all of them) the default; empty otherwise.
fn features_table(api: &Api) -> String {
    let names = match crate::emit::context(api).features {
        Some(f) => f.names,
        None => return String::new(),
    };
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let mut table = format!(
        "\n[features]\ndefault = [\"{full}\"]\n{full} = [{}]\n",
        quoted.join(", "),
        full = crate::emit::features::FULL
    );
    for n in &names {
        table.push_str(&format!("{n} = []\n"));
    }
    table
}

/// The crate's `lib.rs`: docs of its own (the API's title, how to authenticate, where
/// requests go), then [`LIB_RS_BODY`].
pub fn standalone_lib_rs(api: &Api) -> String {
    let title = crate::emit::docs::sanitize(&one_line(&api.title), &BTreeMap::new());
    let mut docs = vec![
        format!("Client for {title}, generated from its OpenAPI description."),
        String::new(),
        "Every operation of the API is a method on [`Client`] returning a request builder:"
            .to_string(),
        "required parameters are arguments, optional ones builder methods, and `.await` sends it."
            .to_string(),
        "Errors are [`Error`]s whose HTTP case carries the operation's documented error body."
            .to_string(),
        String::new(),
    ];
    docs.extend(usage(api, &|item: &str| format!("[`{item}`]")));
    let mut out: String = docs
        .iter()
        .map(|l| {
            if l.is_empty() {
                "//!\n".to_string()
            } else {
                format!("//! {l}\n")
            }
        })
        .collect();
    out.push('\n');
    out.push_str(LIB_RS_BODY);
    out
}

/// The crate's README: what it is, how to make a client, where requests go.
pub fn readme(api: &Api, crate_name: &str) -> String {
    let mut out = format!(
        "# {crate_name}\n\nA typed async Rust client for {} (version {}), generated from its OpenAPI\ndescription ({}).\n\n",
        one_line(&api.title),
        one_line(&api.spec_version),
        one_line(&api.source)
    );
    for line in usage(api, &|item: &str| format!("`{item}`")) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(
        "\nEvery operation is a method on `Client` returning a request builder: required\nparameters are arguments, optional ones builder methods, and `.await` sends it.\n\nThe code is generated: regenerate it from the description rather than editing it.\n",
    );
    out
}

/// How to make a client, as markdown lines; `item` renders a reference to a crate item.
fn usage(api: &Api, item: &dyn Fn(&str) -> String) -> Vec<String> {
    let absolute = api.default_server.as_deref().filter(|url| {
        let lower = url.to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    });
    let new = item("Client::new");
    let base = if absolute.is_some() {
        ""
    } else {
        " the base URL and"
    };
    let mut out = Vec::new();
    match api.security_schemes.first() {
        Some(first) => {
            out.push(format!(
                "{new} takes{base} a secret and makes a client that sends it {} (security scheme `{}`);",
                how(&first.kind),
                first.name.replace('`', "'"),
            ));
            out.push(format!(
                "{} takes a string the same way, or {} for any scheme of {}:",
                item("Client::builder"),
                item("Credentials"),
                item("SECURITY_SCHEMES")
            ));
            out.push(String::new());
            for s in &api.security_schemes {
                out.push(format!(
                    "- `{}`: {}",
                    s.name.replace('`', "'"),
                    how(&s.kind)
                ));
            }
        }
        None => {
            let takes = if absolute.is_some() {
                String::new()
            } else {
                " takes the base URL and".to_string()
            };
            out.push(format!(
                "The API description defines no security scheme the client can send: {new}{takes} makes"
            ));
            out.push(format!(
                "a client that sends no credentials, and {} takes {} should the API need some.",
                item("Client::builder"),
                item("Credentials")
            ));
        }
    }
    out.push(String::new());
    match (&api.default_server, absolute) {
        (Some(url), Some(_)) => out.push(format!(
            "Requests go to `{}` ({}) unless {} sets another URL.",
            url.replace('`', "%60"),
            item("DEFAULT_SERVER"),
            item("ClientBuilder::base_url")
        )),
        (Some(url), None) => out.push(format!(
            "The API description's server `{}` is relative: give the full URL.",
            url.replace('`', "%60"),
        )),
        (None, _) => out.push("The API description names no server: give one.".to_string()),
    }
    out
}

fn how(kind: &SecuritySchemeKind) -> String {
    match kind {
        SecuritySchemeKind::ApiKeyHeader { header } => {
            format!("in the `{}` header", header.replace('`', "%60"))
        }
        SecuritySchemeKind::ApiKeyQuery { parameter } => {
            format!("as the query parameter `{}`", parameter.replace('`', "%60"))
        }
        SecuritySchemeKind::Bearer => "as `Authorization: Bearer <token>`".to_string(),
        SecuritySchemeKind::Basic => {
            "as `Authorization: Basic …`, the secret being `<user>:<password>`".to_string()
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
