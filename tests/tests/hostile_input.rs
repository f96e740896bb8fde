//! Hostile documents: none may panic the generator, overflow its stack or exhaust its
//! memory. Each is refused with a located error that says what limit it hit.

use codegen::diagnostics::Location;

fn generate(
    name: &str,
    text: &[u8],
) -> Result<codegen::Generated, codegen::diagnostics::Diagnostics> {
    codegen::load::load_bytes(name, text).and_then(|spec| {
        codegen::generate(
            &spec,
            &codegen::Settings::default(),
            &codegen::Provenance {
                command: "test".into(),
                spec_path: name.into(),
            },
        )
    })
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

#[test]
fn thousands_of_nesting_levels_are_refused_without_overflowing_the_stack() {
    let deep_yaml = format!("{HEAD}x: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let e = generate("deep.yaml", deep_yaml.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("deep.yaml:4:") && e.contains("recursion limit"),
        "{e}"
    );

    let deep_json = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "x": {}{}}}"#,
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let e = generate("deep.json", deep_json.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("deep.json:1:") && e.contains("recursion limit"),
        "{e}"
    );

    // deep but within the parser's limits: schemas nested through properties
    let mut schema = "{type: string}".to_string();
    for _ in 0..60 {
        schema = format!("{{type: object, properties: {{x: {schema}}}}}");
    }
    let nested = format!("{HEAD}components:\n  schemas:\n    A: {schema}\n");
    let generated = generate("nested.yaml", nested.as_bytes()).unwrap();
    assert!(generated.api.types.len() >= 60);
}

#[test]
fn a_yaml_alias_bomb_is_refused() {
    let mut text = format!("{HEAD}a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let e = generate("bomb.yaml", text.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("repetition limit exceeded"), "{e}");
}

#[test]
fn a_huge_document_is_refused_before_parsing() {
    let mut text = HEAD.as_bytes().to_vec();
    text.resize(codegen::load::MAX_BYTES + 1, b' ');
    let e = generate("huge.yaml", &text).unwrap_err();
    assert!(e.to_string().contains("the limit is"), "{e}");
}

#[test]
fn reference_chains_and_cycles_end_in_errors_not_recursion() {
    // a chain of 1000 aliases, each a $ref to the next, ending in a cycle
    let mut text = format!("{HEAD}components:\n  schemas:\n");
    for i in 0..1000 {
        text.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
            (i + 1) % 1000
        ));
    }
    let e = generate("chain.yaml", text.as_bytes()).unwrap_err();
    assert!(
        e.items
            .iter()
            .all(|d| matches!(d.location, Location::Pointer(_))),
        "{e}"
    );
    assert!(
        e.to_string().contains("references nest deeper than")
            || e.to_string().contains("cycle made only of $ref"),
        "{e}"
    );
}
