//! Prism (`@stoplight/prism-cli`, pinned by tools/prism/package-lock.json) as a mock server on
//! 127.0.0.1 for the contract tests. Its output goes to a log file; when it cannot be
//! installed, exits, or never listens, [`PrismServer::start`] returns an error with the end
//! of that log and how to install Prism. Callers fail on it: a missing judge is not a pass.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What to do when Prism is missing or broken.
pub const INSTALL_HINT: &str = "install Prism with `bash scripts/install-prism.sh` (needs Node.js and npm; the version is pinned by tools/prism/package-lock.json)";

/// How long Prism may take to load the description and listen.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);

/// A running Prism; killed when dropped.
#[derive(Debug)]
pub struct PrismServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for PrismServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How to start Prism; see [`PrismServer::start`].
#[derive(Debug, Clone)]
pub struct PrismOptions {
    /// The Prism executable.
    pub binary: PathBuf,
    /// The API description it serves.
    pub document: PathBuf,
    /// `--errors`: answer a request or response that violates the description with an
    /// error status instead of the mock.
    pub errors: bool,
    /// Where Prism's stdout and stderr go.
    pub log: PathBuf,
    /// How long to wait for it to listen.
    pub startup_timeout: Duration,
}

impl PrismOptions {
    /// The pinned Prism of tools/prism serving `document`, logging to `log`.
    pub fn new(document: impl Into<PathBuf>, errors: bool, log: impl Into<PathBuf>) -> Self {
        PrismOptions {
            binary: pinned_binary(),
            document: document.into(),
            errors,
            log: log.into(),
            startup_timeout: STARTUP_TIMEOUT,
        }
    }
}

/// tools/prism/node_modules/.bin/prism.
pub fn pinned_binary() -> PathBuf {
    crate::workspace_root().join("tools/prism/node_modules/.bin/prism")
}

/// Installs the pinned Prism with scripts/install-prism.sh unless it is there already (a
/// fresh clone); one installation at a time. The error carries the script's output.
pub fn ensure_installed() -> Result<PathBuf, String> {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let bin = pinned_binary();
    if bin.exists() {
        return Ok(bin);
    }
    let script = crate::workspace_root().join("scripts/install-prism.sh");
    let output = Command::new("bash").arg(&script).output().map_err(|e| {
        format!(
            "Prism is not installed at {} and {} could not be run: {e}; {INSTALL_HINT}",
            bin.display(),
            script.display()
        )
    })?;
    if !output.status.success() || !bin.exists() {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        return Err(format!(
            "Prism is not installed at {} and scripts/install-prism.sh failed ({}); its output ends with:\n{}\n{INSTALL_HINT}",
            bin.display(),
            output.status,
            tail(&text, 20)
        ));
    }
    Ok(bin)
}

impl PrismServer {
    /// Starts Prism on a free port of 127.0.0.1 and waits until it listens. The port is
    /// free when chosen; should another process take it before Prism binds it, Prism is
    /// started again on another one.
    pub fn start(options: &PrismOptions) -> Result<PrismServer, String> {
        let mut attempt = 1;
        loop {
            match PrismServer::start_once(options) {
                Err(e) if e.contains("EADDRINUSE") && attempt < 3 => attempt += 1,
                other => return other,
            }
        }
    }

    fn start_once(options: &PrismOptions) -> Result<PrismServer, String> {
        if let Some(dir) = options.log.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let log = File::create(&options.log)
            .map_err(|e| format!("cannot create {}: {e}", options.log.display()))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", options.log.display()))?;
        let port = free_port()?;
        let mut args = vec![
            "mock".to_string(),
            options.document.display().to_string(),
            "-h".to_string(),
            "127.0.0.1".to_string(),
            "-p".to_string(),
            port.to_string(),
        ];
        if options.errors {
            args.push("--errors".to_string());
        }
        let child = Command::new(&options.binary)
            .args(&args)
            .current_dir(crate::workspace_root())
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start Prism ({}): {e}; {INSTALL_HINT}",
                    options.binary.display()
                )
            })?;
        let mut prism = PrismServer {
            child,
            port,
            log: options.log.clone(),
        };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = prism.child.try_wait() {
                return Err(format!(
                    "Prism ({} mock {}) exited with {status} before listening on 127.0.0.1:{port}; the end of its log ({}):\n{}\n{INSTALL_HINT}",
                    options.binary.display(),
                    options.document.display(),
                    prism.log.display(),
                    prism.log_tail(30)
                ));
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(prism);
            }
            if started.elapsed() > options.startup_timeout {
                let _ = prism.child.kill();
                let _ = prism.child.wait();
                return Err(format!(
                    "Prism ({} mock {}) did not listen on 127.0.0.1:{port} within {} s; the end of its log ({}):\n{}\n{INSTALL_HINT}",
                    options.binary.display(),
                    options.document.display(),
                    options.startup_timeout.as_secs(),
                    prism.log.display(),
                    prism.log_tail(30)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Its log file.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last `lines` lines of its log.
    pub fn log_tail(&self, lines: usize) -> String {
        tail(
            &std::fs::read_to_string(&self.log).unwrap_or_default(),
            lines,
        )
    }
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// The last `lines` lines of `text`, after the fatal ones that scrolled out of them (Prism
/// prints its usage after the reason it stopped); a note when it is empty.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    if all.is_empty() {
        return "(empty)".to_string();
    }
    let start = all.len().saturating_sub(lines);
    let mut out: Vec<&str> = Vec::new();
    for (i, line) in all[..start].iter().enumerate() {
        if line.contains("fatal") {
            out.push(line);
            // the message continues on the next line
            if let Some(next) = all.get(i + 1).filter(|_| i + 1 < start) {
                out.push(next);
            }
            out.push("…");
        }
    }
    out.extend_from_slice(&all[start..]);
    out.join("\n")
}
