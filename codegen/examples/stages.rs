//! Times each stage on one spec: `cargo run --release -p gcore-iam-codegen --example stages -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let t = std::time::Instant::now();
    let spec = codegen::load::load_file(std::path::Path::new(&path)).unwrap();
    let load = t.elapsed();
    let mut settings = codegen::Settings::default();
    settings.ambiguous_one_of = codegen::settings::AmbiguityPolicy::Warn;
    let t = std::time::Instant::now();
    let (api, _) = codegen::lower::lower(&spec, &settings).unwrap();
    let lower = t.elapsed();
    let t = std::time::Instant::now();
    let e = codegen::emit::emit(&api);
    let emit = t.elapsed();
    let t = std::time::Instant::now();
    let mut n = 0;
    for ts in [e.types, e.operations, e.api] {
        n += codegen::format::format_file("", ts).unwrap().len();
    }
    let format = t.elapsed();
    println!("load {load:?} lower {lower:?} emit {emit:?} format {format:?} ({n} bytes)");
}
