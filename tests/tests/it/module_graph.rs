//! The generator's stages depend on each other in one direction: the graph of codegen's
//! top-level modules (what each file names as `crate::<module>`, `super::<module>` or
//! `use <module>`) has no cycle, `emit` never names `openapiv3`, and `ir` names no token
//! type. The graph is printed, so a failure shows the whole picture. Generated code inside
//! `quote!`, comments and string literals do not count.
//!
//! The same for gcore-iam's runtime (`gcore-iam/src/runtime/`): its modules depend on each
//! other without a cycle, and it imports nothing outside its own tree (not the Gcore
//! layer, not the generated code), which only ever build on it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `text` without comments, string and char literals, and the bodies of `quote!`
/// invocations (the code they write is the generated crate's, not the generator's).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
        } else if let Some(raw) = rest.strip_prefix("r#\"") {
            i += 3 + raw.find("\"#").map_or(raw.len(), |e| e + 2);
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if b[i] == b'\''
            && rest.len() > 2
            && (rest.as_bytes()[2] == b'\'' || rest.as_bytes()[1] == b'\\')
        {
            // a char literal ('a', '\n'); lifetimes ('a) have no closing quote here
            i += rest[1..].find('\'').map_or(1, |e| e + 2);
        } else if rest.starts_with("quote!") {
            let open = rest.find(['{', '(', '[']).unwrap_or(rest.len());
            let mut depth = 0usize;
            let mut j = open;
            for (k, c) in rest[open..].char_indices() {
                match c {
                    '{' | '(' | '[' => depth += 1,
                    '}' | ')' | ']' => {
                        depth -= 1;
                        if depth == 0 {
                            j = open + k + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            i += j.max(1);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Top-level module of a file below `src` (`lower/schema.rs` → `lower`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Module → the other top-level modules and external crates it names.
fn graph(src: &Path, externals: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| module_of(src, f))
        .filter(|m| m != "lib")
        .collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let from = module_of(src, f);
        let code = code_only(&std::fs::read_to_string(f).unwrap());
        let entry = out.entry(from.clone()).or_default();
        // `super::x` names a top-level module only from a top-level module's own file
        let rel: Vec<_> = f.strip_prefix(src).unwrap().components().collect();
        let top_file = rel.len() == 1 || rel.len() == 2 && f.ends_with("mod.rs");
        let words: Vec<&str> = code
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .filter(|w| !w.is_empty())
            .collect();
        for w in words {
            let mut parts = w.split("::");
            let first = parts.next().unwrap_or_default();
            let named = match first {
                "crate" => parts.next(),
                "super" if top_file => parts.next(),
                other if externals.contains(&other) => Some(other),
                _ => None,
            };
            if let Some(n) = named {
                if n != from && (modules.contains(n) || externals.contains(&n)) {
                    entry.insert(n.to_string());
                }
            }
        }
    }
    out.remove("lib");
    out
}

/// A cycle of the graph, if any, as the modules on it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut c = path[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn codegen_stages_depend_on_each_other_in_one_direction() {
    let src = gcore_iam_tests::workspace_root().join("codegen/src");
    let externals = ["openapiv3", "proc_macro2", "quote", "syn", "prettyplease"];
    let g = graph(&src, &externals);
    let internal: BTreeMap<String, BTreeSet<String>> = g
        .iter()
        .map(|(k, v)| {
            let v = v
                .iter()
                .filter(|m| !externals.contains(&m.as_str()))
                .cloned()
                .collect();
            (k.clone(), v)
        })
        .collect();
    println!("codegen's modules and what they use:");
    for (m, uses) in &g {
        println!(
            "  {m} -> {}",
            uses.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    assert_eq!(cycle(&internal), None, "a cycle between codegen's modules");
    assert!(
        !g["emit"].contains("openapiv3"),
        "emit names openapiv3: it works from the IR only"
    );
    for tokens in ["proc_macro2", "quote", "syn"] {
        assert!(!g["ir"].contains(tokens), "ir names {tokens}");
    }
    // the stages are all there, so the checks above are about something
    for stage in ["load", "lower", "ir", "emit", "format", "write"] {
        assert!(g.contains_key(stage), "no module {stage}: {g:?}");
    }
    assert!(
        g["lower"].contains("load") && g["emit"].contains("ir"),
        "{g:?}"
    );
}

#[test]
fn the_graph_reader_sees_a_cycle_and_ignores_generated_code() {
    let code = "use crate::b; fn f() { quote!(crate::c::x()); let s = \"crate::d\"; } // crate::e";
    assert_eq!(
        code_only(code).matches("crate::").count(),
        1,
        "{}",
        code_only(code)
    );
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(
        cycle(&g),
        Some(vec!["a".to_string(), "b".to_string(), "a".to_string()])
    );
}

/// The runtime's modules (`runtime/<module>.rs`) and what each names of the others
/// (`super::x`, `crate::runtime::x`), and, under `"outside"`, every `crate::` path that
/// leaves the runtime.
fn runtime_graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    let module = |f: &Path| module_of(dir, f);
    let modules: BTreeSet<String> = files.iter().map(|f| module(f)).collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let from = module(f);
        let code = code_only(&std::fs::read_to_string(f).unwrap());
        let entry = out.entry(from.clone()).or_default();
        for w in code
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .filter(|w| !w.is_empty())
        {
            let parts: Vec<&str> = w.split("::").collect();
            let named = match parts.as_slice() {
                ["crate", "runtime", m, ..] => Some(m.to_string()),
                ["crate", other, ..] => Some(format!("outside: crate::{other}")),
                ["super", "super", "super", ..] => Some(format!("outside: {w}")),
                ["super", "super", m, ..] => Some(m.to_string()),
                ["super", m, ..] if from != "mod" => Some(m.to_string()),
                ["super", other, ..] => Some(format!("outside: super::{other}")),
                ["self", m, ..] if from == "mod" => Some(m.to_string()),
                [m, ..] if from == "mod" && modules.contains(*m) => Some(m.to_string()),
                _ => None,
            };
            if let Some(n) = named {
                if n != from && (n.starts_with("outside") || modules.contains(&n)) {
                    entry.insert(n);
                }
            }
        }
    }
    out
}

#[test]
fn the_runtime_depends_on_nothing_outside_it_and_its_modules_form_no_cycle() {
    let dir = gcore_iam_tests::workspace_root().join("gcore-iam/src/runtime");
    let g = runtime_graph(&dir);
    println!("the runtime's modules and what they use (mod.rs only declares and re-exports):");
    for (m, uses) in &g {
        println!(
            "  {m} -> {}",
            uses.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let outside: Vec<String> = g
        .iter()
        .flat_map(|(m, uses)| {
            uses.iter()
                .filter(|u| u.starts_with("outside"))
                .map(move |u| format!("{m}: {u}"))
        })
        .collect();
    assert!(
        outside.is_empty(),
        "the runtime imports from outside src/runtime/ (the layer or generated code must plug into it instead): {outside:?}"
    );
    // mod.rs declares every module, so it is left out of the cycle check
    let mut inner = g.clone();
    inner.remove("mod");
    assert_eq!(cycle(&inner), None, "a cycle between the runtime's modules");
    for m in [
        "client",
        "credentials",
        "error",
        "operation",
        "redact",
        "service",
    ] {
        assert!(g.contains_key(m), "no module {m}: {g:?}");
    }
    assert!(
        g["client"].contains("operation") && g["operation"].contains("error"),
        "{g:?}"
    );
}

#[test]
fn the_gcore_layer_and_generated_code_build_on_the_runtime_never_the_reverse() {
    let src = gcore_iam_tests::workspace_root().join("gcore-iam/src");
    let g = graph(&src, &[]);
    println!("gcore-iam's modules and what they use:");
    for (m, uses) in &g {
        println!(
            "  {m} -> {}",
            uses.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    assert_eq!(
        g["runtime"],
        BTreeSet::new(),
        "the runtime names {:?}",
        g["runtime"]
    );
    assert!(
        g["generated"].contains("runtime") && g["generated"].contains("auth"),
        "{g:?}"
    );
}

/// The runtime names no vendor: standalone crates copy it as it is, so a mention of Gcore
/// (in code, docs or tests) would ship in every other API's client.
#[test]
fn the_runtime_never_mentions_gcore() {
    let dir = gcore_iam_tests::workspace_root().join("gcore-iam/src/runtime");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(files.len() >= 5, "{files:?}");
    let mut mentions = Vec::new();
    for f in &files {
        for (i, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            if line.to_ascii_lowercase().contains("gcore") {
                mentions.push(format!("{}:{}: {line}", f.display(), i + 1));
            }
        }
    }
    assert!(mentions.is_empty(), "{}", mentions.join("\n"));
}

#[test]
fn the_runtime_graph_reader_sees_imports_that_leave_the_runtime() {
    let dir = std::env::temp_dir().join(format!("runtime-graph-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("mod.rs"),
        "pub(crate) mod a;\npub(crate) mod b;\npub use a::X;\n",
    )
    .unwrap();
    std::fs::write(dir.join("a.rs"), "use super::b::Y;\nuse crate::auth::Z;\n").unwrap();
    std::fs::write(dir.join("b.rs"), "use crate::runtime::a::X;\n").unwrap();
    let g = runtime_graph(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        g["a"].contains("b") && g["a"].contains("outside: crate::auth"),
        "{g:?}"
    );
    assert!(g["b"].contains("a"), "{g:?}");
    let mut inner = g.clone();
    inner.remove("mod");
    for uses in inner.values_mut() {
        uses.retain(|u| !u.starts_with("outside"));
    }
    assert!(cycle(&inner).is_some(), "{g:?}");
}
