//! Times each stage on one spec: `cargo run --release -p gcore-iam-codegen --example stages -- FILE`.
//! Emit and format are timed on one thread here; `codegen::generate` spreads them over cores.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let t = std::time::Instant::now();
    let spec = codegen::load::load_file(std::path::Path::new(&path)).unwrap();
    let load = t.elapsed();
    let settings = codegen::Settings::default();
    let t = std::time::Instant::now();
    let (api, _) = codegen::lower::lower(&spec, &settings).unwrap();
    let lower = t.elapsed();
    let t = std::time::Instant::now();
    let cx = codegen::emit::context(&api);
    let tokens: Vec<_> = codegen::emit::parts(&api)
        .iter()
        .map(|p| codegen::emit::emit_part(&api, &cx, p))
        .collect();
    let emit = t.elapsed();
    let t = std::time::Instant::now();
    let n: usize = tokens
        .into_iter()
        .map(|ts| codegen::format::format_tokens(ts).unwrap().len())
        .sum();
    let format = t.elapsed();
    let t = std::time::Instant::now();
    codegen::format::render(&api).unwrap();
    let parallel = t.elapsed();
    println!(
        "load {load:?} lower {lower:?} emit {emit:?} format {format:?} ({n} bytes); emit+format on all cores {parallel:?}"
    );
}
