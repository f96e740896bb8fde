//! Property tests: mutated versions of valid specs (the IAM spec and every fixture) never
//! panic the generator; each either generates or fails with errors that name the file and
//! a place (line:column or JSON pointer).
//!
//! Two kinds of mutation: of the document's values (the JSON as written, before the 3.1 →
//! 3.0 rewrite, re-serialised as block YAML, flow YAML or JSON), and of the file's text
//! (byte flips, deleted, duplicated and moved lines, truncation, inserted `{`, `[`, `:`,
//! anchors and aliases, indentation changes), which reaches syntax errors and flow style.

use codegen::diagnostics::{Diagnostics, Location};
use proptest::prelude::*;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The IAM spec first, then every fixture (valid ones, then invalid ones), sorted.
fn spec_files() -> Vec<PathBuf> {
    let root = gcore_iam_tests::workspace_root();
    let mut paths = vec![root.join("spec/iam_api.yaml")];
    for dir in ["tests/fixtures/valid", "tests/fixtures/invalid"] {
        let mut fixtures: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        fixtures.sort();
        paths.extend(fixtures);
    }
    paths
}

/// The documents as written (valid ones only: the value mutations start from a document).
fn corpus() -> &'static Vec<(String, Value)> {
    static CORPUS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        spec_files()
            .into_iter()
            .filter(|p| !p.to_string_lossy().contains("/invalid/"))
            .map(|p| {
                let name = p.display().to_string();
                let bytes = std::fs::read(&p).unwrap();
                let raw = codegen::load::parse_document(&name, &bytes).unwrap();
                (name, raw)
            })
            .collect()
    })
}

/// Every spec file's text.
fn texts() -> &'static Vec<(String, Vec<u8>)> {
    static TEXTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        spec_files()
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect()
    })
}

/// The messages of problems with the document as a whole, which carry no place.
const WHOLE_DOCUMENT_PROBLEMS: &[&str] = &[
    "no `openapi` field",
    "the document is empty",
    "expected an OpenAPI object at the top level",
];

/// The same cases on every run, so that CI is reproducible; `PROPTEST_RNG_SEED=<n>`
/// explores others (a failure prints the minimal input to turn into a fixture).
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(0x6763_6f72_655f_6961);
    }
    config
}

/// Loads and generates; asserts that a failure is made of located errors for `file`.
fn check_generates_or_fails_located(
    file: &str,
    text: &[u8],
    origin: &str,
) -> Result<(), TestCaseError> {
    let result: Result<_, Diagnostics> = codegen::load::load_bytes(file, text).and_then(|spec| {
        codegen::generate(
            &spec,
            &codegen::Settings::default(),
            &codegen::Provenance {
                command: "test".into(),
                spec_path: file.into(),
            },
        )
    });
    let Err(diags) = result else {
        return Ok(());
    };
    prop_assert!(
        diags.has_errors(),
        "an Err without errors for a mutation of {origin}"
    );
    // YAML breaks lines at "\n", "\r\n" and a lone "\r" alike
    let lines = text
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')))
        .count()
        + 1;
    for d in diags.errors() {
        prop_assert_eq!(&d.file, file);
        let located = match &d.location {
            Location::LineColumn { line, column } => (1..=lines + 1).contains(line) && *column >= 1,
            Location::Pointer(p) => p.starts_with('#'),
            // only whole-document problems carry no place
            Location::Document => WHOLE_DOCUMENT_PROBLEMS
                .iter()
                .any(|m| d.message.starts_with(m)),
        };
        prop_assert!(
            located,
            "unlocated error for a mutation of {}: {}",
            origin,
            d
        );
    }
    Ok(())
}

/// A mutation: where (a walk choosing children by these numbers) and what.
#[derive(Debug, Clone)]
enum Change {
    Replace(Value),
    Remove,
    /// Replace with a copy of another node (a deep copy of something nearby).
    Duplicate(Vec<usize>),
    /// Rename an object key.
    Rename(String),
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        "[a-z{}/#$ ._-]{0,12}".prop_map(Value::String),
        Just(Value::String("#/components/schemas/Nope".into())),
        Just(serde_json::json!({"$ref": "#/components/schemas/Token-2"})),
        Just(serde_json::json!({"$ref": "#/components/schemas/Group"})),
        Just(serde_json::json!({"type": ["string", "null"]})),
        Just(serde_json::json!({"oneOf": [{"type": "null"}, {"type": "integer"}]})),
        Just(serde_json::json!({"allOf": []})),
        Just(serde_json::json!({"type": "object", "required": ["ghost"]})),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ]
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        4 => leaf().prop_map(Change::Replace),
        2 => Just(Change::Remove),
        1 => proptest::collection::vec(any::<usize>(), 0..6).prop_map(Change::Duplicate),
        1 => "[a-zA-Z{}$_-]{0,8}".prop_map(Change::Rename),
    ]
}

fn node_at<'v>(v: &'v Value, path: &[usize]) -> &'v Value {
    let mut cur = v;
    for &i in path {
        cur = match cur {
            Value::Object(m) if !m.is_empty() => m.values().nth(i % m.len()).unwrap(),
            Value::Array(a) if !a.is_empty() => &a[i % a.len()],
            _ => return cur,
        };
    }
    cur
}

fn apply(doc: &mut Value, path: &[usize], change: Change, donor: &Value) {
    // descend to the parent of the target
    let mut cur = doc;
    for (depth, &i) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        let next_is_container = |v: &Value| {
            matches!(v, Value::Object(m) if !m.is_empty())
                || matches!(v, Value::Array(a) if !a.is_empty())
        };
        match cur {
            Value::Object(m) if !m.is_empty() => {
                let key = m.keys().nth(i % m.len()).unwrap().clone();
                if last || !next_is_container(&m[&key]) {
                    match change {
                        Change::Replace(v) => {
                            m.insert(key, v);
                        }
                        Change::Remove => {
                            m.remove(&key);
                        }
                        Change::Duplicate(_) => {
                            m.insert(key, donor.clone());
                        }
                        Change::Rename(new) => {
                            if let Some(v) = m.remove(&key) {
                                m.insert(new, v);
                            }
                        }
                    }
                    return;
                }
                cur = m.get_mut(&key).unwrap();
            }
            Value::Array(a) if !a.is_empty() => {
                let idx = i % a.len();
                if last || !next_is_container(&a[idx]) {
                    match change {
                        Change::Replace(v) => a[idx] = v,
                        Change::Remove => {
                            a.remove(idx);
                        }
                        Change::Duplicate(_) => a[idx] = donor.clone(),
                        Change::Rename(_) => {}
                    }
                    return;
                }
                cur = &mut a[idx];
            }
            _ => return,
        }
    }
}

/// How a mutated document is written out.
#[derive(Debug, Clone, Copy)]
enum Format {
    BlockYaml,
    /// JSON behind a comment: YAML's flow style.
    FlowYaml,
    Json,
}

/// A change to a file's text; positions wrap around the text's length.
#[derive(Debug, Clone)]
enum Edit {
    FlipByte {
        at: usize,
        mask: u8,
    },
    DeleteLine(usize),
    DuplicateLine(usize),
    MoveLine {
        from: usize,
        to: usize,
    },
    Truncate(usize),
    Insert {
        at: usize,
        text: &'static str,
    },
    /// Adds (or with a negative count removes) spaces at the start of a line.
    Indent {
        line: usize,
        by: i8,
    },
}

const INSERTIONS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ": ",
    ",",
    "- ",
    "&a ",
    "*a",
    "*a ",
    "&a [x, *a]",
    "<<: *a\n",
    "!tag ",
    "'",
    "\"",
    "#",
    "\n",
    "\t",
    "---\n",
    "? ",
    "|\n",
    ">",
    "~",
    "\u{feff}",
    "\\u0000",
    "\"\\ud800\"",
    "{\"a\": 1, \"a\": 2}",
    "  ",
    "0x",
    "1e999",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => (any::<usize>(), 1..=255u8).prop_map(|(at, mask)| Edit::FlipByte { at, mask }),
        2 => any::<usize>().prop_map(Edit::DeleteLine),
        1 => any::<usize>().prop_map(Edit::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(from, to)| Edit::MoveLine { from, to }),
        1 => any::<usize>().prop_map(Edit::Truncate),
        4 => (any::<usize>(), proptest::sample::select(INSERTIONS))
            .prop_map(|(at, text)| Edit::Insert { at, text }),
        2 => (any::<usize>(), -4..=4i8).prop_map(|(line, by)| Edit::Indent { line, by }),
    ]
}

fn apply_edit(text: &mut Vec<u8>, edit: &Edit) {
    // line spans, each with its '\n'
    let mut lines: Vec<Vec<u8>> = text
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    match *edit {
        Edit::FlipByte { at, mask } => {
            if !text.is_empty() {
                let i = at % text.len();
                text[i] ^= mask;
            }
            return;
        }
        Edit::Truncate(at) => {
            text.truncate(at % (text.len() + 1));
            return;
        }
        Edit::Insert { at, text: inserted } => {
            let i = at % (text.len() + 1);
            text.splice(i..i, inserted.bytes());
            return;
        }
        _ if lines.is_empty() => return,
        Edit::DeleteLine(i) => {
            let i = i % lines.len();
            lines.remove(i);
        }
        Edit::DuplicateLine(i) => {
            let i = i % lines.len();
            let copy = lines[i].clone();
            lines.insert(i, copy);
        }
        Edit::MoveLine { from, to } => {
            let line = lines.remove(from % lines.len());
            let to = to % (lines.len() + 1);
            lines.insert(to, line);
        }
        Edit::Indent { line, by } => {
            let i = line % lines.len();
            if by >= 0 {
                lines[i].splice(0..0, std::iter::repeat_n(b' ', by as usize));
            } else {
                let spaces = lines[i].iter().take_while(|&&b| b == b' ').count();
                lines[i].drain(..spaces.min(by.unsigned_abs() as usize));
            }
        }
    }
    *text = lines.concat();
}

proptest! {
    #![proptest_config(config(2500))]

    #[test]
    fn mutated_specs_generate_or_fail_with_located_errors(
        which in any::<usize>(),
        edits in proptest::collection::vec((proptest::collection::vec(any::<usize>(), 1..9), change()), 1..4),
        format in prop_oneof![Just(Format::BlockYaml), Just(Format::FlowYaml), Just(Format::Json)],
    ) {
        let corpus = corpus();
        // the IAM spec one time in eight (it is the largest), fixtures otherwise
        let idx = if which % 8 == 0 { 0 } else { 1 + which % (corpus.len() - 1) };
        let (name, original) = &corpus[idx];
        let mut doc = original.clone();
        for (path, change) in edits {
            let donor = match &change {
                Change::Duplicate(p) => node_at(original, p).clone(),
                _ => Value::Null,
            };
            apply(&mut doc, &path, change, &donor);
        }
        let (text, file) = match format {
            Format::BlockYaml => (serde_yaml::to_string(&doc).unwrap(), "mutated.yaml"),
            Format::FlowYaml => (format!("# flow style\n{}", serde_json::to_string_pretty(&doc).unwrap()), "mutated.yaml"),
            Format::Json => (serde_json::to_string_pretty(&doc).unwrap(), "mutated.json"),
        };
        check_generates_or_fails_located(file, text.as_bytes(), name)?;
    }
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn files_with_mutated_text_generate_or_fail_with_located_errors(
        which in any::<usize>(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let texts = texts();
        // the IAM spec one time in eight (it is the largest), fixtures otherwise
        let idx = if which % 8 == 0 { 0 } else { 1 + which % (texts.len() - 1) };
        let (name, original) = &texts[idx];
        let mut text = original.clone();
        for edit in &edits {
            apply_edit(&mut text, edit);
        }
        let file = if name.ends_with(".json") { "mutated.json" } else { "mutated.yaml" };
        check_generates_or_fails_located(file, &text, name)?;
    }
}
