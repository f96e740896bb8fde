//! Property test: mutated versions of valid specs (the IAM spec and every valid fixture)
//! never panic the generator; each either generates or fails with located errors.

use codegen::diagnostics::Location;
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;

fn corpus() -> &'static Vec<(String, Value)> {
    static CORPUS: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = gcore_iam_tests::workspace_root();
        let mut paths = vec![root.join("spec/iam_api.yaml")];
        let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/valid"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        fixtures.sort();
        paths.extend(fixtures);
        paths
            .into_iter()
            .map(|p| {
                let spec = codegen::load::load_file(&p).unwrap();
                (p.display().to_string(), spec.raw)
            })
            .collect()
    })
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 2500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_generate_or_fail_with_located_errors(
        which in any::<usize>(),
        edits in proptest::collection::vec((proptest::collection::vec(any::<usize>(), 1..9), change()), 1..4),
        as_yaml in any::<bool>(),
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
        let text = if as_yaml { serde_yaml::to_string(&doc).unwrap() } else { serde_json::to_string_pretty(&doc).unwrap() };
        let file = if as_yaml { "mutated.yaml" } else { "mutated.json" };
        let result = codegen::load::load_bytes(file, text.as_bytes()).and_then(|spec| {
            codegen::generate(&spec, &codegen::Settings::default(), &codegen::Provenance { command: "test".into(), spec_path: file.into() })
        });
        if let Err(diags) = result {
            prop_assert!(diags.has_errors(), "an Err without errors for a mutation of {name}");
            for d in diags.errors() {
                prop_assert_eq!(&d.file, file);
                let located = match &d.location {
                    Location::LineColumn { .. } => true,
                    Location::Pointer(p) => p.starts_with('#'),
                    // only whole-document problems carry no place
                    Location::Document => d.message.contains("document") || d.message.contains("openapi") || d.message.contains("OpenAPI"),
                };
                prop_assert!(located, "unlocated error for a mutation of {}: {}", name, d);
            }
        }
    }
}
