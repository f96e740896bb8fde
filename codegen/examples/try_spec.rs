//! Generates a spec and prints the diagnostics or a summary: `cargo run -p gcore-iam-codegen --example try_spec -- FILE`.
fn main() {
    for path in std::env::args().skip(1) {
        let t = std::time::Instant::now();
        let result = codegen::load::load_file(std::path::Path::new(&path)).and_then(|spec| {
            codegen::generate(
                &spec,
                &codegen::Settings::default(),
                &codegen::Provenance {
                    command: "try".into(),
                    spec_path: path.clone(),
                },
            )
        });
        match result {
            Ok(g) => println!(
                "{path}: ok, {} operations, {} types, {} warnings in {:?}",
                g.api.operations.len(),
                g.api.types.len(),
                g.warnings.warnings().count(),
                t.elapsed()
            ),
            Err(d) => println!("{path}: FAILED in {:?}\n{d}", t.elapsed()),
        }
    }
}
