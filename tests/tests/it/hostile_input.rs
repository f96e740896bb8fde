//! Hostile documents: none may panic the generator, overflow its stack or exhaust its
//! memory. Each is refused with a located error that names the bound it hit and, where the
//! bound depends on it, the input's size.

use codegen::diagnostics::{Diagnostic, Diagnostics, Location};
use codegen::load::{self, MAX_ALIAS_EXPANSION, MAX_DEPTH, MAX_NODES};

fn generate(name: &str, text: &[u8]) -> Result<codegen::Generated, Diagnostics> {
    load::load_bytes(name, text).and_then(|spec| {
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

/// The one error of a load that must fail.
fn load_error(name: &str, text: &[u8]) -> Diagnostic {
    let e = load::load_bytes(name, text).unwrap_err();
    assert_eq!(e.items.len(), 1, "{e}");
    e.items[0].clone()
}

fn line_of(d: &Diagnostic) -> usize {
    match d.location {
        Location::LineColumn { line, column } => {
            assert!(column >= 1, "{d}");
            line
        }
        _ => panic!("not located by line and column: {d}"),
    }
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

#[test]
fn thousands_of_nesting_levels_are_refused_with_the_bound_and_the_place() {
    let bound = format!("the document nests deeper than {MAX_DEPTH} levels, the bound on nesting");
    let deep_yaml = format!("{HEAD}x: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let e = generate("deep.yaml", deep_yaml.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("error: deep.yaml:4:") && e.contains(&bound),
        "{e}"
    );
    assert!(!e.contains("recursion limit"), "{e}");

    let deep_json = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "x": {}{}}}"#,
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    let e = generate("deep.json", deep_json.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("error: deep.json:1:") && e.contains(&bound),
        "{e}"
    );
    assert!(!e.contains("recursion limit"), "{e}");

    // deep but within the bound: schemas nested through properties
    let mut schema = "{type: string}".to_string();
    for _ in 0..45 {
        schema = format!("{{type: object, properties: {{x: {schema}}}}}");
    }
    let nested = format!("{HEAD}components:\n  schemas:\n    A: {schema}\n");
    let generated = generate("nested.yaml", nested.as_bytes()).unwrap();
    assert!(generated.api.types.len() >= 45);
}

/// `levels` of anchors, each a list of ten aliases of the one before.
fn billion_laughs(levels: usize) -> String {
    let mut text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_string();
    for i in 1..levels {
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    text
}

#[test]
fn a_yaml_alias_bomb_is_refused_with_the_bound_and_the_place() {
    let text = format!("{HEAD}{}", billion_laughs(12));
    let d = load_error("bomb.yaml", text.as_bytes());
    assert!(line_of(&d) >= 4, "{d}");
    assert!(
        d.message.contains(&format!(
            "YAML aliases expand this {}-byte file to more than",
            text.len()
        )) && d
            .message
            .contains(&format!("{MAX_ALIAS_EXPANSION} times the file's size")),
        "{d}"
    );
}

#[test]
fn aliases_beyond_the_yaml_parsers_repetition_limit_are_located() {
    // Much text and few YAML events: serde_yaml's own bound (100 alias expansions per
    // event) comes before ours, and names no place; the loader finds it.
    let filler = "lorem ipsum ".repeat(8_000);
    let text = format!("{HEAD}x-text: '{filler}'\n{}", billion_laughs(12));
    let d = load_error("repeat.yaml", text.as_bytes());
    assert!(line_of(&d) >= 5, "{d}");
    assert!(
        d.message
            .contains("100 alias expansions per YAML event of the file")
            && d.message
                .contains(&format!("this {}-byte file", text.len())),
        "{d}"
    );
}

#[test]
fn a_large_anchor_reused_thousands_of_times_is_refused_before_it_is_expanded() {
    // ~205 KB of YAML that would expand to about half a million schema properties.
    let properties: Vec<String> = (0..300)
        .map(|i| format!("p{i}: {{type: string, description: property {i} of the shape}}"))
        .collect();
    let mut text = format!(
        "{HEAD}components:\n  schemas:\n    Shape: &shape {{type: object, properties: {{{}}}}}\n",
        properties.join(", ")
    );
    for i in 0..1_500 {
        text.push_str(&format!(
            "    Copy{i}: {{description: copy {i} of the shared shape, with some documentation of its own written here, allOf: [*shape]}}\n"
        ));
    }
    assert!((190_000..220_000).contains(&text.len()), "{}", text.len());
    let d = load_error("anchors.yaml", text.as_bytes());
    line_of(&d);
    assert!(
        d.message.contains(&format!(
            "YAML aliases expand this {}-byte file to more than {} bytes",
            text.len(),
            text.len() * MAX_ALIAS_EXPANSION
        )),
        "{d}"
    );
}

#[test]
fn anchors_that_repeat_a_little_still_load() {
    let mut text = format!(
        "{HEAD}x-shared: &page [{{name: page, in: query, schema: {{type: integer}}}}, {{name: size, in: query, schema: {{type: integer}}}}]\n"
    )
    .replace("paths: {}\n", "");
    text.push_str("paths:\n");
    for i in 0..20 {
        text.push_str(&format!(
            "  /list{i}:\n    get: {{operationId: list{i}, parameters: *page, responses: {{'204': {{description: ok}}}}}}\n"
        ));
    }
    let generated = generate("anchors.yaml", text.as_bytes()).unwrap();
    assert_eq!(generated.api.operations.len(), 20);
}

#[test]
fn a_document_with_more_values_than_the_bound_is_refused_and_one_like_github_s_is_read() {
    let doc = |values: usize| {
        format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "x-data": [{}]}}"#,
            vec!["0"; values].join(",")
        )
    };
    let big = doc(MAX_NODES);
    let d = load_error("values.json", big.as_bytes());
    assert_eq!(line_of(&d), 1, "{d}");
    assert!(
        d.message
            .contains(&format!("the document has more than {MAX_NODES} values"))
            && d.message
                .contains(&format!("this file is {} bytes", big.len())),
        "{d}"
    );
    // GitHub's public description has about 1.5 million values
    let spec = load::load_bytes("github-sized.json", doc(1_500_000).as_bytes()).unwrap();
    assert_eq!(spec.raw["x-data"].as_array().unwrap().len(), 1_500_000);
}

#[test]
fn a_huge_document_is_refused_before_parsing() {
    let mut text = HEAD.as_bytes().to_vec();
    text.resize(load::MAX_BYTES + 1, b' ');
    let e = generate("huge.yaml", &text).unwrap_err();
    assert!(
        e.to_string().contains(&format!(
            "the document is {} bytes; the limit is {}",
            load::MAX_BYTES + 1,
            load::MAX_BYTES
        )),
        "{e}"
    );
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

/// A chain thousands of schemas long hits the depth bound once: one error naming the
/// bound, not one per schema of the chain.
#[test]
fn long_chains_report_their_bound_once() {
    for (what, schema) in [
        ("$ref", "{$ref: '#/components/schemas/S{next}'}"),
        (
            "allOf",
            "{allOf: [{$ref: '#/components/schemas/S{next}'}, {type: object, properties: {p{i}: {type: string}}}]}",
        ),
    ] {
        let mut text = format!("{HEAD}components:\n  schemas:\n");
        for i in 0..3000 {
            let s = schema
                .replace("{next}", &(i + 1).to_string())
                .replace("{i}", &i.to_string());
            text.push_str(&format!("    S{i}: {s}\n"));
        }
        text.push_str("    S3000: {type: object, properties: {x: {type: string}}}\n");
        let e = generate("chain.yaml", text.as_bytes()).unwrap_err();
        let errors: Vec<String> = e.errors().map(|d| d.to_string()).collect();
        assert_eq!(errors.len(), 1, "{what}: {errors:#?}");
        assert!(
            errors[0].contains("deeper than 128"),
            "{what}: {}",
            errors[0]
        );
    }
}

#[test]
fn duplicate_keys_are_refused_at_their_line_and_column() {
    // top level: serde_yaml alone says 1:1
    let d = load_error(
        "dup.yaml",
        format!("{HEAD}components: {{}}\npaths: {{}}\n").as_bytes(),
    );
    assert_eq!(
        d.location,
        Location::LineColumn { line: 5, column: 1 },
        "{d}"
    );
    assert!(d.message.contains("duplicate key \"paths\""), "{d}");
    // nested, in flow style
    let d = load_error(
        "dup.yaml",
        b"openapi: 3.0.3\ninfo: {title: t, version: '1', title: u}\npaths: {}\n",
    );
    assert_eq!(
        d.location,
        Location::LineColumn {
            line: 2,
            column: 32
        },
        "{d}"
    );
    // JSON: serde_json alone keeps the last one silently
    let d = load_error(
        "dup.json",
        b"{\"openapi\": \"3.0.3\",\n \"info\": {\"title\": \"t\", \"version\": \"1\"},\n \"paths\": {},\n \"openapi\": \"3.1.0\"}",
    );
    assert!(
        matches!(d.location, Location::LineColumn { line: 4, .. }),
        "{d}"
    );
    assert!(d.message.contains("duplicate key \"openapi\""), "{d}");
}

#[test]
fn independent_problems_are_reported_together() {
    let text = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: dup
      parameters: [{name: q, in: querry, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}}
  /b:
    get: {operationId: dup, responses: {'204': {description: ok}}}
    put: {operationId: putB, parameters: [{name: h, in: heder, schema: {type: string}}], responses: {'204': {description: 7}}}
components:
  schemas:
    T: {type: strng}
";
    let e = load::load_bytes("many.yaml", text.as_bytes()).unwrap_err();
    let found: Vec<(String, &str)> = e
        .items
        .iter()
        .map(|d| match &d.location {
            Location::Pointer(p) => (p.clone(), d.message.as_str()),
            _ => panic!("not a pointer: {d}"),
        })
        .collect();
    let expect = [
        ("#/paths/~1a/get/parameters/0", "`querry`"),
        (
            "#/paths/~1a/get/responses/200/content/application~1json/schema",
            "\"#/components/schemas/Nope\"",
        ),
        (
            "#/paths/~1b/get/operationId",
            "duplicate operationId \"dup\"",
        ),
        // two problems in one operation: `openapiv3` stops at the first
        ("#/paths/~1b/put/parameters/0", "heder"),
        ("#/paths/~1b/put/responses", "integer `7`"),
        ("#/components/schemas/T", "\"strng\""),
    ];
    assert_eq!(found.len(), expect.len(), "{e}");
    for ((pointer, message), (want_pointer, want_value)) in found.iter().zip(expect) {
        assert_eq!(pointer, want_pointer, "{e}");
        assert!(message.contains(want_value), "{e}");
    }
    assert!(e.items.iter().all(|d| d.file == "many.yaml"));
    assert_eq!(e.items[2].operation_id.as_deref(), Some("dup"));
}

#[test]
fn pointers_into_rewritten_3_1_forms_name_the_place_in_the_file() {
    let text = "openapi: 3.1.0
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    X:
      type: object
      properties:
        a:
          anyOf: [{type: 'null'}, {$ref: '#/components/schemas/Missing'}]
        b:
          oneOf: [{type: 'null'}, {type: strin}]
";
    let spec = load::load_bytes("forms.yaml", text.as_bytes()).unwrap();
    // the unknown type is a warning by default: an error here, to check both places
    let settings = codegen::Settings {
        deny_warnings: true,
        ..codegen::Settings::default()
    };
    let provenance = codegen::Provenance {
        command: "test".into(),
        spec_path: "forms.yaml".into(),
    };
    let e = codegen::generate(&spec, &settings, &provenance).unwrap_err();
    // lowering's diagnostics point into the file as written, not the rewritten document
    let mapped: Vec<String> = e
        .errors()
        .map(|d| match &d.location {
            Location::Pointer(p) => format!("{p}: {}", d.message),
            _ => panic!("not a pointer: {d}"),
        })
        .collect();
    let at = |place: &str, value: &str| {
        mapped.iter().any(|m| {
            m.starts_with(&format!("#/components/schemas/X/properties/{place}: "))
                && m.contains(value)
        })
    };
    assert!(
        at("a/anyOf/1", "\"#/components/schemas/Missing\""),
        "{mapped:#?}"
    );
    assert!(at("b/oneOf/1", "\"strin\""), "{mapped:#?}");
    assert_eq!(mapped.len(), 2, "{mapped:#?}");
}

#[test]
fn several_yaml_documents_are_refused_at_the_second() {
    let d = load_error("two.yaml", format!("{HEAD}---\n{HEAD}").as_bytes());
    assert_eq!(
        d.location,
        Location::LineColumn { line: 5, column: 1 },
        "{d}"
    );
    assert!(d.message.contains("more than one YAML document"), "{d}");
}
