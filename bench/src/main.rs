//! Benchmarks of the gcore-iam generator and client, each against a peer measured side by
//! side in the same run: progenitor (as a library, on the same parsed document) for
//! generation and for the compile cost of its output, a hand-written reqwest call for the
//! client's overhead. `cargo xtask bench` runs everything and prints the table that
//! BENCHMARKS.md keeps.
//!
//! Time and peak memory of one generation are measured in a child process of this binary
//! (`child-gen`), so that each figure's peak RSS (VmHWM) is its own.

use std::path::{Path, PathBuf};

/// The allocator `cargo xtask` uses; both generators run with it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::Command;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// One generation measurement, as the child prints it.
#[derive(Debug, Clone)]
struct GenResult {
    outcome: String,
    median_ms: f64,
    peak_mib: f64,
    lines: usize,
}

fn parse_doc(path: &Path, force_version: Option<&str>) -> codegen::load::LoadedSpec {
    let mut spec = codegen::load::load_file(path).unwrap_or_else(|d| panic!("{d}"));
    if let Some(v) = force_version {
        spec.document.openapi = v.to_string();
    }
    spec
}

fn ours(spec: &codegen::load::LoadedSpec, iam: bool) -> Result<usize, String> {
    let settings = if iam {
        xtask::project::iam_settings(&xtask::project::workspace_root())
            .map_err(|d| d.to_string())?
    } else {
        codegen::Settings::default()
    };
    let g = codegen::generate(
        spec,
        &settings,
        &codegen::Provenance {
            command: "bench".into(),
            spec_path: "bench".into(),
        },
    )
    .map_err(|d| d.to_string())?;
    Ok(g.files.iter().map(|f| f.contents.lines().count()).sum())
}

fn progenitor(doc: openapiv3::OpenAPI) -> Result<usize, String> {
    let result = std::panic::catch_unwind(move || {
        let mut generator =
            progenitor_impl::Generator::new(&progenitor_impl::GenerationSettings::default());
        let tokens = generator
            .generate_tokens(&doc)
            .map_err(|e| format!("refused: {e}"))?;
        let file: syn3::File = syn3::parse2(tokens).map_err(|e| format!("invalid output: {e}"))?;
        Ok::<_, String>(prettyplease3::unparse(&file).lines().count())
    });
    match result {
        Ok(r) => r,
        Err(p) => Err(format!(
            "panicked: {}",
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
    }
}

/// `child-gen GENERATOR FILE RUNS [VERSION]`: runs one generator RUNS times (after an
/// untimed warm-up run, except for `ours-full`) and prints
/// `outcome|median_ms|peak_kib|lines`.
fn child_gen(args: &[String]) {
    let which = args[0].as_str();
    let path = PathBuf::from(&args[1]);
    let runs: usize = args[2].parse().unwrap();
    let version = args.get(3).map(String::as_str);
    let iam = path.ends_with("iam_api.yaml");
    // silence progenitor's panic message; the outcome says it
    std::panic::set_hook(Box::new(|_| {}));
    let mut times = Vec::new();
    let mut outcome = "ok".to_string();
    let mut lines = 0;
    // Both generators get the same parsed document; parsing is not timed.
    let spec = parse_doc(&path, version);
    // one untimed run first, for both generators compared: the first run pays for the
    // allocator's first touch of its memory and cold caches, which no later run does (a
    // user's run, `ours-full`, is timed cold)
    let warm_up = usize::from(which != "ours-full");
    for run in 0..runs + warm_up {
        let doc = spec.document.clone();
        let started = Instant::now();
        let r = match which {
            "ours" => ours(&spec, iam),
            // what a user waits for: reading the file included
            "ours-full" => ours(&parse_doc(&path, version), iam),
            _ => progenitor(doc),
        };
        // a failure ends the runs; its time is the one reported
        if run >= warm_up || r.is_err() {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        match r {
            Ok(l) => lines = l,
            Err(e) => {
                outcome = e
                    .lines()
                    .next()
                    .unwrap_or("failed")
                    .chars()
                    .take(120)
                    .collect();
                break;
            }
        }
    }
    println!("{outcome}|{}|{}|{lines}", median(times), peak_rss_kib());
}

fn measure(which: &str, path: &Path, runs: usize, version: Option<&str>) -> GenResult {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    cmd.arg("child-gen")
        .arg(which)
        .arg(path)
        .arg(runs.to_string());
    if let Some(v) = version {
        cmd.arg(v);
    }
    let out = cmd.output().expect("run child");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or("child failed|NaN|0|0");
    let parts: Vec<&str> = line.split('|').collect();
    GenResult {
        outcome: if out.status.success() {
            parts[0].to_string()
        } else {
            format!("crashed: {}", out.status)
        },
        median_ms: parts
            .get(1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN),
        peak_mib: parts
            .get(2)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0,
        lines: parts.get(3).and_then(|v| v.parse().ok()).unwrap_or(0),
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// CPU time (user + system, seconds) of this process's waited-for children so far:
/// `cargo` and the `rustc`s it waited for. Steadier than wall time on a shared machine.
fn children_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the command name in parentheses: state is field 3, cutime 16, cstime 17
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(16) + ticks(17)) / 100.0
}

/// Median and range of `v`, as `median (min–max)` with `unit`.
fn spread(v: &[f64], unit: &str, digits: usize) -> String {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    format!(
        "{:.d$}{unit} ({:.d$}–{:.d$})",
        median(s.clone()),
        s.first().copied().unwrap_or(f64::NAN),
        s.last().copied().unwrap_or(f64::NAN),
        d = digits
    )
}

struct Table(Vec<String>);

impl Table {
    fn row(&mut self, cells: &[String]) {
        self.0.push(format!("| {} |", cells.join(" | ")));
    }
}

/// Pairs of generation runs on nexus, whose ratio has a goal.
const GEN_PAIRS: usize = 5;

fn generation(table: &mut Table) {
    let iam = root().join("spec/iam_api.yaml");
    let nexus = root().join("../shared/corpus/progenitor-nexus.json");
    let cases: [(&str, &Path, Option<&str>, usize); 3] = [
        ("IAM spec (3.1.0)", &iam, None, 15),
        (
            "IAM spec, version field set to 3.0.3",
            &iam,
            Some("3.0.3"),
            15,
        ),
        ("nexus.json (193 operations)", &nexus, None, 15),
    ];
    for (label, path, version, runs) in cases {
        let nexus = label.starts_with("nexus");
        // nexus, whose ratio has a goal: pairs of children, ours then progenitor's, a ratio
        // per pair. Ours runs on both cores, progenitor's on one, so a neighbour's load on
        // this shared machine moves ours more; the pairs show how much.
        let pairs = if nexus { GEN_PAIRS } else { 1 };
        let runs: Vec<(GenResult, GenResult)> = (0..pairs)
            .map(|_| {
                (
                    measure("ours", path, runs, version),
                    measure("progenitor", path, runs, version),
                )
            })
            .collect();
        let ratios: Vec<f64> = runs
            .iter()
            .filter(|(o, p)| o.outcome == "ok" && p.outcome == "ok")
            .map(|(o, p)| o.median_ms / p.median_ms)
            .collect();
        let ms = |pick: fn(&(GenResult, GenResult)) -> f64| median(runs.iter().map(pick).collect());
        let (o, p) = &runs[0];
        let (o_ms, p_ms) = (ms(|r| r.0.median_ms), ms(|r| r.1.median_ms));
        let ratio = match ratios.as_slice() {
            [] => "-".to_string(),
            [r] => format!("{r:.2}x"),
            many => {
                let r = median(many.to_vec());
                format!(
                    "{} over {pairs} pairs of runs (goal ≤ 0.5x: {})",
                    spread(many, "x", 2),
                    verdict(r <= 0.5)
                )
            }
        };
        table.row(&[
            format!("generate {label}"),
            format!(
                "{o_ms:.1} ms, {:.0} MiB peak, {} lines ({})",
                o.peak_mib, o.lines, o.outcome
            ),
            format!(
                "{p_ms:.1} ms, {:.0} MiB peak, {} lines ({})",
                p.peak_mib, p.lines, p.outcome
            ),
            ratio,
        ]);
    }
}

/// A synthetic spec in Gcore's style: `n` operations and `n` schemas.
fn synthetic(n: usize) -> String {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    for i in 0..n {
        paths.insert(
            format!("/iam/resources{i}/{{resourceId}}"),
            serde_json::json!({"get": {"operationId": format!("iamGetResource{i}"), "tags": ["Resources"], "summary": format!("Get resource {i}"),
                "parameters": [{"name": "resourceId", "in": "path", "required": true, "schema": {"type": "integer"}},
                               {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "OK.", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Resource{i}")}}}},
                              "400": {"description": "Bad.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationError"}}}},
                              "401": {"description": "No credentials."}}}}),
        );
        let mut props = serde_json::json!({"id": {"type": "integer"}, "name": {"type": "string", "nullable": true},
            "state": {"type": "string", "enum": ["new", "active", "deleted"]}, "created": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}}});
        if i > 0 {
            props["parent"] =
                serde_json::json!({"$ref": format!("#/components/schemas/Resource{}", i - 1)});
        }
        schemas.insert(
            format!("Resource{i}"),
            serde_json::json!({"type": "object", "required": ["id", "name"], "properties": props}),
        );
    }
    schemas.insert(
        "ValidationError".into(),
        serde_json::json!({"type": "object", "properties": {"errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}),
    );
    serde_json::to_string(&serde_json::json!({"openapi": "3.1.0", "info": {"title": "synthetic", "version": "1"}, "paths": paths, "components": {"schemas": schemas}}))
        .unwrap()
}

fn scaling(table: &mut Table) {
    let dir = std::env::temp_dir().join("gcore-iam-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let mut points = Vec::new();
    for n in [10usize, 100, 1000, 5000] {
        let path = dir.join(format!("synthetic-{n}.json"));
        std::fs::write(&path, synthetic(n)).unwrap();
        let runs = if n >= 1000 { 3 } else { 7 };
        let o = measure("ours-full", &path, runs, None);
        points.push((n as f64, o.median_ms, o.peak_mib));
        table.row(&[
            format!("generate synthetic spec, {n} operations"),
            format!(
                "{:.1} ms ({:.3} ms/op), {:.0} MiB peak ({:.1} KiB/op), {}",
                o.median_ms,
                o.median_ms / n as f64,
                o.peak_mib,
                o.peak_mib * 1024.0 / n as f64,
                o.outcome
            ),
            "-".into(),
            if n == 5000 {
                format!(
                    "goal < 2000 ms: {}",
                    if o.median_ms < 2000.0 {
                        "met"
                    } else {
                        "MISSED"
                    }
                )
            } else {
                "-".into()
            },
        ]);
    }
    // least squares on log-log: y ~ n^b
    let fit = |pts: &[(f64, f64)]| {
        let xs: Vec<f64> = pts.iter().map(|(n, _)| n.ln()).collect();
        let ys: Vec<f64> = pts.iter().map(|(_, y)| y.ln()).collect();
        let mx = xs.iter().sum::<f64>() / xs.len() as f64;
        let my = ys.iter().sum::<f64>() / ys.len() as f64;
        xs.iter()
            .zip(&ys)
            .map(|(x, y)| (x - mx) * (y - my))
            .sum::<f64>()
            / xs.iter().map(|x| (x - mx).powi(2)).sum::<f64>()
    };
    let time: Vec<(f64, f64)> = points.iter().map(|&(n, t, _)| (n, t)).collect();
    let mem: Vec<(f64, f64)> = points.iter().map(|&(n, _, m)| (n, m)).collect();
    table.row(&[
        "scaling exponent (y ~ operations^b)".into(),
        format!(
            "time: b = {:.2} over 10..5000, {:.2} over 1000..5000; peak memory: b = {:.2} over 1000..5000",
            fit(&time),
            fit(&time[2..]),
            fit(&mem[2..])
        ),
        "-".into(),
        "linear is b = 1".into(),
    ]);
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    for v in ["RUSTFLAGS", "CARGO_TARGET_DIR", "CARGO_MANIFEST_DIR"] {
        c.env_remove(v);
    }
    c
}

/// One build of the crate alone (touched first: dependencies stay built) with `args`:
/// (wall seconds, CPU seconds).
fn timed_build(
    dir: &Path,
    crate_dir: &str,
    package: &str,
    args: &[&str],
) -> Result<(f64, f64), String> {
    timed_build_with(dir, crate_dir, package, args, None)
}

/// [`timed_build`] with `CARGO_INCREMENTAL` set to `incremental` when it is given.
fn timed_build_with(
    dir: &Path,
    crate_dir: &str,
    package: &str,
    args: &[&str],
    incremental: Option<&str>,
) -> Result<(f64, f64), String> {
    let lib = dir.join(crate_dir).join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).map_err(|e| e.to_string())?;
    std::fs::write(&lib, text).map_err(|e| e.to_string())?;
    let cpu = children_cpu_s();
    let started = Instant::now();
    let mut build = cargo();
    if let Some(value) = incremental {
        build.env("CARGO_INCREMENTAL", value);
    }
    let out = build
        .current_dir(dir)
        .args(["build", "--quiet", "-p", package])
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .find(|l| l.contains("error"))
            .unwrap_or("build failed")
            .to_string());
    }
    Ok((wall, children_cpu_s() - cpu))
}

/// Builds of the crate alone per generator, interleaved (ours first, then progenitor's,
/// `RUNS` times): per run (wall, CPU) of each.
const RUNS: usize = 5;

fn compile_cost(table: &mut Table) {
    let nexus = root().join("../shared/corpus/progenitor-nexus.json");
    let dir = std::env::temp_dir().join("gcore-iam-bench/compile");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = parse_doc(&nexus, None);
    // ours, as `cargo xtask generate` writes it
    let settings = codegen::Settings::default();
    let generated = codegen::generate(
        &spec,
        &settings,
        &codegen::Provenance {
            command: "bench".into(),
            spec_path: "nexus.json".into(),
        },
    )
    .unwrap();
    let runtime = codegen::standalone::Runtime::read(&root().join("gcore-iam/src")).unwrap();
    let files = codegen::standalone::crate_files(
        &generated,
        &runtime,
        &codegen::standalone::CrateOptions {
            name: "ours".into(),
            own_workspace: false,
        },
    );
    xtask::build::write_files(&dir.join("ours"), &files).unwrap();
    let our_lines: usize = files
        .iter()
        .filter(|f| f.path.starts_with("src/generated"))
        .map(|f| f.contents.lines().count())
        .sum();
    // progenitor's output with the dependencies its README lists
    let mut generator =
        progenitor_impl::Generator::new(&progenitor_impl::GenerationSettings::default());
    let tokens = generator.generate_tokens(&spec.document).unwrap();
    let text = prettyplease3::unparse(&syn3::parse2::<syn3::File>(tokens).unwrap());
    let their_lines = text.lines().count();
    std::fs::create_dir_all(dir.join("progenitor/src")).unwrap();
    std::fs::write(
        dir.join("progenitor/src/lib.rs"),
        format!("#![allow(warnings)]\n{text}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("progenitor/Cargo.toml"),
        "[package]\nname = \"progenitor-out\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\nprogenitor-client = \"=0.15.1\"\nreqwest = { version = \"0.13\", features = [\"json\", \"query\", \"form\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\nserde_urlencoded = \"0.7\"\nchrono = { version = \"0.4\", features = [\"serde\"] }\nuuid = { version = \"1\", features = [\"serde\", \"v4\"] }\nbytes = \"1\"\nfutures-core = \"0.3\"\nregress = \"0.10\"\nfutures = \"0.3\"\nbase64 = \"0.22\"\nrand = \"0.9\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"ours\", \"progenitor\"]\n\n[profile.dev]\ndebug = false\n").unwrap();
    let ops = generated.api.operations.len();
    let ratio = our_lines as f64 / their_lines as f64;
    table.row(&[
        format!("generated lines per operation, nexus.json ({ops} operations)"),
        format!("{:.1} ({our_lines} lines)", our_lines as f64 / ops as f64),
        format!(
            "{:.1} ({their_lines} lines)",
            their_lines as f64 / ops as f64
        ),
        format!("{ratio:.2}x (goal ≤ 1x: {})", verdict(ratio <= 1.0)),
    ]);
    // debug as a dependency is built (cargo compiles a dependency without incremental
    // state: what a user of the crate pays once), debug as a workspace member rebuilt
    // unchanged (incremental state kept: what is left is mostly expanding the derive
    // macros again), release
    let kinds = [
        ("debug", "as a dependency (no incremental state)", Some("0")),
        ("debug", "touched in a workspace (incremental)", Some("1")),
        ("release", "as a dependency", Some("0")),
    ];
    for (profile, how, incremental) in kinds {
        let release = profile == "release";
        let args: &[&str] = if release { &["--release"] } else { &[] };
        // dependencies first, untimed, for each package alone: built with the workspace,
        // the dependencies get the union of both crates' features, and the first timed
        // build of each would rebuild them with its own
        let pre_ok = ["ours", "progenitor-out"].iter().all(|package| {
            let mut build = cargo();
            if let Some(value) = incremental {
                build.env("CARGO_INCREMENTAL", value);
            }
            build
                .current_dir(&dir)
                .args(["build", "--quiet", "-p", package])
                .args(args)
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
        });
        let mut runs: Vec<((f64, f64), (f64, f64))> = Vec::new();
        let mut failed = None;
        for _ in 0..RUNS {
            if !pre_ok {
                failed = Some("dependencies or output did not build".to_string());
                break;
            }
            match (
                timed_build_with(&dir, "ours", "ours", args, incremental),
                timed_build_with(&dir, "progenitor", "progenitor-out", args, incremental),
            ) {
                (Ok(o), Ok(p)) => runs.push((o, p)),
                (Err(e), _) | (_, Err(e)) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failed {
            table.row(&[
                format!("cargo build --{profile} of the nexus client crate alone, {how}"),
                format!("failed: {}", e.chars().take(100).collect::<String>()),
                "-".into(),
                "-".into(),
            ]);
            continue;
        }
        let pick =
            |f: fn(&((f64, f64), (f64, f64))) -> f64| runs.iter().map(f).collect::<Vec<f64>>();
        let wall_ratio = pick(|((o, _), (p, _))| o / p);
        let cpu_ratio = pick(|((_, o), (_, p))| o / p);
        let (w, c) = (median(wall_ratio.clone()), median(cpu_ratio.clone()));
        table.row(&[
            format!("cargo build --{profile} of the nexus client crate alone, {how}, {RUNS} runs interleaved: median (range)"),
            format!(
                "wall {}, CPU {}",
                spread(&pick(|((o, _), _)| *o), " s", 1),
                spread(&pick(|((_, o), _)| *o), " s", 1)
            ),
            format!(
                "wall {}, CPU {}",
                spread(&pick(|(_, (p, _))| *p), " s", 1),
                spread(&pick(|(_, (_, p))| *p), " s", 1)
            ),
            format!(
                "wall {}, CPU {} (goal ≤ 0.8x: wall {}, CPU {})",
                spread(&wall_ratio, "x", 2),
                spread(&cpu_ratio, "x", 2),
                verdict(w <= 0.8),
                verdict(c <= 0.8)
            ),
        ]);
    }
}

/// OpenAI's description generated with a cargo feature per tag: a debug build of the
/// crate alone with every feature (the default), then with one tag's feature alone.
const ONE_TAG: &str = "chat";

fn one_tag(table: &mut Table) {
    let openai = root().join("../shared/corpus-hard/openai-openapi.yaml");
    let dir = std::env::temp_dir().join("gcore-iam-bench/tags");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = parse_doc(&openai, None);
    let settings = codegen::Settings {
        features_per_tag: true,
        ..codegen::Settings::default()
    };
    let generated = codegen::generate(
        &spec,
        &settings,
        &codegen::Provenance {
            command: "bench".into(),
            spec_path: "openai-openapi.yaml".into(),
        },
    )
    .unwrap();
    let features = codegen::emit::context(&generated.api)
        .features
        .map(|f| f.names.len())
        .unwrap_or(0);
    let runtime = codegen::standalone::Runtime::read(&root().join("gcore-iam/src")).unwrap();
    let files = codegen::standalone::crate_files(
        &generated,
        &runtime,
        &codegen::standalone::CrateOptions {
            name: "openai".into(),
            own_workspace: false,
        },
    );
    xtask::build::write_files(&dir.join("openai"), &files).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"openai\"]\n\n[profile.dev]\ndebug = false\n",
    )
    .unwrap();
    // dependencies first, untimed (the crate with no feature is almost empty)
    let _ = cargo()
        .current_dir(&dir)
        .args(["build", "--quiet", "--no-default-features"])
        .status();
    let full = timed_build(&dir, "openai", "openai", &[]);
    let tag = timed_build(
        &dir,
        "openai",
        "openai",
        &["--no-default-features", "--features", ONE_TAG],
    );
    let label = format!(
        "cargo build --debug of OpenAI's client ({} operations, {features} tag features) with one tag (`{ONE_TAG}`) vs all",
        generated.api.operations.len()
    );
    match (full, tag) {
        (Ok((fw, fc)), Ok((tw, tc))) => table.row(&[
            label,
            format!("`{ONE_TAG}` alone: wall {tw:.1} s, CPU {tc:.1} s"),
            format!("all (`full`): wall {fw:.1} s, CPU {fc:.1} s"),
            format!(
                "wall {:.0}%, CPU {:.0}% of the full build (goal ≤ 20%: {})",
                tw / fw * 100.0,
                tc / fc * 100.0,
                verdict(tw / fw <= 0.2 && tc / fc <= 0.2)
            ),
        ]),
        (a, b) => table.row(&[
            label,
            format!("{:?}", b.err()),
            format!("{:?}", a.err()),
            "-".into(),
        ]),
    }
}

/// `cargo xtask generate` on OpenAI's description as a user types it: the dev profile,
/// through cargo (after one untimed run that builds xtask if needed).
fn default_command(table: &mut Table) {
    let openai = root().join("../shared/corpus-hard/openai-openapi.yaml");
    let out = std::env::temp_dir().join("gcore-iam-bench/default-command");
    let run = || {
        let cpu = children_cpu_s();
        let started = Instant::now();
        let ok = cargo()
            .current_dir(root())
            .args(["xtask", "generate", "--force", "--spec"])
            .arg(&openai)
            .arg("--out")
            .arg(&out)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        (started.elapsed().as_secs_f64(), children_cpu_s() - cpu, ok)
    };
    let warm = run();
    let runs: Vec<(f64, f64, bool)> = (0..3).map(|_| run()).collect();
    if !warm.2 || runs.iter().any(|r| !r.2) {
        table.row(&[
            "cargo xtask generate, OpenAI (3 MB), dev profile".into(),
            "failed".into(),
            "-".into(),
            "-".into(),
        ]);
        return;
    }
    let wall: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let cpu: Vec<f64> = runs.iter().map(|r| r.1).collect();
    let w = median(wall.clone());
    table.row(&[
        "cargo xtask generate, OpenAI's description (3 MB), as typed (dev profile), 3 runs".into(),
        format!(
            "wall {}, CPU {}",
            spread(&wall, " s", 2),
            spread(&cpu, " s", 2)
        ),
        "-".into(),
        format!("goal ≤ 2 s wall: {}", verdict(w <= 2.0)),
    ]);
}

fn runtime_overhead(table: &mut Table) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let body = serde_json::json!({"id": 7350925, "email": "ops@example.com", "name": null, "status": "active", "companyName": "Example",
            "deleted": false, "is_test": false, "has_active_admin": true, "currentUser": 1, "capabilities": ["CDN", "CLOUD"],
            "serviceStatuses": {"CDN": {"status": "active", "enabled": true}}, "paidFeatures": {}, "freeFeatures": {},
            "entryBaseDomain": null, "bill_type": "postpay", "users": [{"id": 1, "email": "a@example.com", "name": "A"}]});
        let app = axum::Router::new().route("/iam/clients/me", axum::routing::get(move || { let b = body.clone(); async move { axum::Json(b) } }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let base = format!("http://{addr}");
        let key = "42_a1b2c3d4e5f6a7b8";
        let client = gcore_iam::Client::builder(key).base_url(&base).build().unwrap();
        let http = reqwest::Client::new();
        let url = format!("{base}/iam/clients/me");
        // a hand-written call as a user would write it; `timeout` adds the same 30 s
        // per-request timeout the client sets by default (reqwest has none), which arms a
        // timer per request
        let hand = |timeout: bool| {
            let (http, url) = (&http, &url);
            async move {
                let mut rb = http
                    .get(url)
                    .header("authorization", format!("APIKey {key}"))
                    .header("accept", "application/json");
                if timeout {
                    rb = rb.timeout(std::time::Duration::from_secs(30));
                }
                let resp = rb.send().await.unwrap();
                let status = resp.status();
                let bytes = resp.bytes().await.unwrap();
                assert!(status.is_success());
                serde_json::from_slice::<gcore_iam::types::ClientBase>(&bytes).unwrap()
            }
        };
        // the same client without its default timeout, to compare with the plain call
        let untimed = gcore_iam::Client::builder(key).base_url(&base).without_timeout().build().unwrap();
        for _ in 0..300 {
            client.get_account_details().await.unwrap();
            untimed.get_account_details().await.unwrap();
            hand(false).await;
            hand(true).await;
        }
        // rounds of calls interleaved four ways, in a shuffled order each time (a fixed
        // rotation gives each kind the same predecessor, whose connection's after-work
        // then always lands on it); ratios per round:
        // the client as built by default against the call with the same timeout, and the
        // client without a timeout against the plain call
        let mut all: [Vec<f64>; 4] = Default::default();
        let (mut timed_ratios, mut plain_ratios) = (Vec::new(), Vec::new());
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..RUNTIME_ROUNDS {
            let mut t: [Vec<f64>; 4] = Default::default();
            for _ in 0..RUNTIME_CALLS_PER_ROUND {
                let mut order = [0usize, 1, 2, 3];
                for i in (1..order.len()).rev() {
                    // xorshift64: deterministic, and enough to shuffle four items
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    order.swap(i, (seed % (i as u64 + 1)) as usize);
                }
                for which in order {
                    let started = Instant::now();
                    match which {
                        0 => drop(client.get_account_details().await.unwrap()),
                        1 => drop(hand(true).await),
                        2 => drop(untimed.get_account_details().await.unwrap()),
                        _ => drop(hand(false).await),
                    }
                    t[which].push(started.elapsed().as_secs_f64() * 1e6);
                }
            }
            let m: Vec<f64> = t.iter().map(|v| median(v.clone())).collect();
            timed_ratios.push(m[0] / m[1]);
            plain_ratios.push(m[2] / m[3]);
            for (a, v) in all.iter_mut().zip(t) {
                a.extend(v);
            }
        }
        let calls = RUNTIME_ROUNDS * RUNTIME_CALLS_PER_ROUND;
        let [ours, hand_timed, ours_untimed, hand_plain] = all.map(median);
        let (timed, plain) = (median(timed_ratios.clone()), median(plain_ratios.clone()));
        table.row(&[
            format!("per-request latency, GET /iam/clients/me on 127.0.0.1: {RUNTIME_ROUNDS} rounds of {RUNTIME_CALLS_PER_ROUND} calls of each kind, interleaved; median of the {calls} calls, ratio per round: median (range)"),
            format!("{ours:.0} µs (default: 30 s timeout); {ours_untimed:.0} µs (`without_timeout`)"),
            format!("{hand_timed:.0} µs (hand-written reqwest, 30 s timeout); {hand_plain:.0} µs (no timeout)"),
            format!(
                "{} with the timeout, {} without (goal ≤ 1.05x: {})",
                spread(&timed_ratios, "x", 3),
                spread(&plain_ratios, "x", 3),
                verdict(timed <= 1.05 && plain <= 1.05)
            ),
        ]);
    });
}

/// The per-request benchmark: rounds, and calls of each kind per round.
const RUNTIME_ROUNDS: usize = 5;
const RUNTIME_CALLS_PER_ROUND: usize = 1000;

fn regen_wait(table: &mut Table) {
    let dir = std::env::temp_dir().join("gcore-iam-bench/clone");
    let _ = std::fs::remove_dir_all(&dir);
    let ok = Command::new("git")
        .args(["clone", "--quiet"])
        .arg(root())
        .arg(&dir)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        table.row(&[
            "cargo xtask regen".into(),
            "git clone failed".into(),
            "-".into(),
            "-".into(),
        ]);
        return;
    }
    let run = || {
        let started = Instant::now();
        let ok = cargo()
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .args(["xtask", "regen"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        (started.elapsed(), ok)
    };
    let (cold, ok1) = run();
    let (warm, ok2) = run();
    let fmt = |d: Duration, ok: bool| {
        if ok {
            format!("{:.1} s", d.as_secs_f64())
        } else {
            "failed".into()
        }
    };
    table.row(&[
        "cargo xtask regen, fresh clone (builds xtask)".into(),
        fmt(cold, ok1),
        "-".into(),
        "-".into(),
    ]);
    table.row(&[
        "cargo xtask regen, warm (after editing the spec)".into(),
        fmt(warm, ok2),
        "-".into(),
        "-".into(),
    ]);
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cores} cores, {cpu}, {rustc}, release build")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child-gen") {
        child_gen(&args[1..]);
        return;
    }
    let which: Vec<&str> = if args.is_empty() || args[0] == "all" {
        vec![
            "gen", "scale", "runtime", "compile", "tags", "default", "regen",
        ]
    } else {
        args.iter().map(String::as_str).collect()
    };
    let mut table = Table(vec![
        "| measurement | gcore-iam | peer | ratio / goal |".into(),
        "|---|---|---|---|".into(),
    ]);
    for w in which {
        eprintln!("bench: {w} …");
        match w {
            "gen" => generation(&mut table),
            "scale" => scaling(&mut table),
            "runtime" => runtime_overhead(&mut table),
            "compile" => compile_cost(&mut table),
            "tags" => one_tag(&mut table),
            "default" => default_command(&mut table),
            "regen" => regen_wait(&mut table),
            other => eprintln!("unknown benchmark {other:?}"),
        }
    }
    println!("Machine: {}\n", machine());
    println!("{}", table.0.join("\n"));
}
