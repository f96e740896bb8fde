//! A generated client as a crate of its own: `Cargo.toml`, a README, the runtime copied
//! from gcore-iam (one source for both) without its Gcore-only parts, a `lib.rs`, and the
//! generated modules. Used by `cargo xtask generate`, `cargo xtask corpus` and the fixture
//! compile test.

use crate::ir::{Api, SecuritySchemeKind};
use crate::{Generated, GeneratedFile};
use std::collections::BTreeMap;
use std::path::Path;

/// Marks lines of gcore-iam's runtime (any of its files) that only gcore-iam has: Gcore's
/// key format, its 401 messages, its environment variables. A standalone crate leaves
/// them out; the marker lines are matched trimmed, so regions can be indented.
pub const IAM_ONLY_START: &str = "// region: gcore-iam only";
pub const IAM_ONLY_END: &str = "// endregion: gcore-iam only";

/// Runtime modules of gcore-iam that are specific to Gcore's APIs and not copied:
/// `auth.rs` (Gcore API keys, `Client::new`/`from_env`, 401 hints), `pagination.rs`
/// (IAM's user listing) and the layer that speaks Gcore's vocabulary over the generated
/// types: `roles.rs`, `dates.rs`, `tokens.rs`, `rotation.rs`.
pub const IAM_ONLY_MODULES: &[&str] = &[
    "auth.rs",
    "pagination.rs",
    "roles.rs",
    "dates.rs",
    "tokens.rs",
    "rotation.rs",
];

/// The runtime's dependencies, as a standalone `Cargo.toml` writes them. Kept equal to
/// gcore-iam's `[dependencies]` by a test.
pub const RUNTIME_DEPENDENCIES: &[(&str, &str)] = &[
    (
        "reqwest",
        r#"{ version = "0.12", default-features = false, features = ["json", "rustls-tls", "http2"] }"#,
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

/// The hand-written runtime, read from gcore-iam's `src/`.
#[derive(Debug, Clone)]
pub struct Runtime {
    /// `(file name, contents)` of each runtime module a standalone crate copies, its
    /// gcore-iam-only regions already left out.
    pub modules: Vec<(String, String)>,
    /// gcore-iam's `lib.rs`, as it is (see [`standalone_lib_rs`]).
    pub lib_rs: String,
}

impl Runtime {
    /// Reads the runtime from `src` (gcore-iam's `src/` directory). Fails on a file
    /// whose gcore-iam-only regions do not pair up.
    pub fn read(src: &Path) -> std::io::Result<Runtime> {
        let mut modules = Vec::new();
        for entry in std::fs::read_dir(src)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_file()
                && name.ends_with(".rs")
                && name != "lib.rs"
                && !IAM_ONLY_MODULES.contains(&name.as_str())
            {
                let text = std::fs::read_to_string(entry.path())?;
                let stripped = strip_iam_only(&text).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: {e}", entry.path().display()),
                    )
                })?;
                modules.push((name, stripped));
            }
        }
        modules.sort();
        let lib_rs = std::fs::read_to_string(src.join("lib.rs"))?;
        strip_iam_only(&lib_rs).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", src.join("lib.rs").display()),
            )
        })?;
        Ok(Runtime { modules, lib_rs })
    }
}

/// A region marker without its pair, by 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("line {line}: {IAM_ONLY_START} inside the region opened on line {opened}")]
    Nested { line: usize, opened: usize },
    #[error("line {line}: {IAM_ONLY_END} without a region to close")]
    NotOpen { line: usize },
    #[error("line {line}: {IAM_ONLY_START} is never closed")]
    NeverClosed { line: usize },
}

/// `text` without its gcore-iam-only regions (marker lines included), or which line
/// leaves a region unpaired.
pub fn strip_iam_only(text: &str) -> Result<String, RegionError> {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed == IAM_ONLY_START {
            if let Some(start) = open {
                return Err(RegionError::Nested {
                    line: i + 1,
                    opened: start + 1,
                });
            }
            open = Some(i);
        } else if trimmed == IAM_ONLY_END {
            if open.take().is_none() {
                return Err(RegionError::NotOpen { line: i + 1 });
            }
        } else if open.is_none() {
            out.push_str(line);
            out.push('\n');
        }
    }
    match open {
        Some(start) => Err(RegionError::NeverClosed { line: start + 1 }),
        None => Ok(out),
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
        contents: standalone_lib_rs(&runtime.lib_rs, &generated.api),
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

/// gcore-iam's `lib.rs` without its gcore-iam-only regions and with crate docs of its
/// own: the API's title, how to authenticate, where requests go.
pub fn standalone_lib_rs(lib_rs: &str, api: &Api) -> String {
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
    let body: String = lib_rs
        .lines()
        .skip_while(|l| l.starts_with("//!"))
        .skip_while(|l| l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    // regions paired up when the runtime was read
    out.push_str(&strip_iam_only(&body).unwrap_or(body));
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
