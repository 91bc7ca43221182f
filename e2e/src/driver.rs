//! The WebDriver processes of a test binary, one per browser engine: chromedriver (Chromium),
//! geckodriver (Firefox ESR) and WebKitWebDriver (WebKitGTK's MiniBrowser, under `xvfb-run`
//! since MiniBrowser needs a display). Each starts on first use on a free loopback port and is
//! gone when the binary ends — however it ends.
//!
//! Statics are never dropped in Rust, so the guard cannot rely on `Drop` alone. The driver runs
//! in its own process group (the browsers, and Xvfb for WebKit, join it), and a tiny watchdog
//! shell holds the read end of a pipe whose write end only this process owns: when the test
//! binary exits, panics, aborts or is killed, the pipe closes and the watchdog kills the whole
//! group, browsers included, and removes the browser profiles. The watchdog ignores
//! SIGINT/SIGTERM/SIGHUP so that a Ctrl-C or `timeout` aimed at `cargo test` still leaves it
//! alive to clean up.
//!
//! geckodriver and WebKitWebDriver serve one session at a time, so [`Engine::exclusive`] lets
//! one test at a time use them; chromedriver serves every test at once.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::failure::{Failure, Outcome};

/// How long a driver may take to start listening (xvfb-run first waits for its X server).
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Once stdin reaches end of file: kills the process group named by `$0` and removes the
/// browser profiles folder `$1`. (dash's `kill` takes `-<pgid>` without `--`.)
const WATCHDOG: &str = "trap '' INT TERM HUP; cat >/dev/null; \
    kill -TERM -\"$0\" 2>/dev/null; sleep 1; kill -KILL -\"$0\" 2>/dev/null; rm -rf \"$1\"; exit 0";

/// A browser engine the end-to-end tests drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Chromium through chromedriver (Edge and Chrome's engine): the full suite.
    Chromium,
    /// Firefox ESR through geckodriver, headless.
    Firefox,
    /// WebKitGTK's MiniBrowser through WebKitWebDriver, on a virtual display (Safari's engine).
    WebKit,
}

impl Engine {
    /// Every engine, Chromium first.
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// The engine's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
            Engine::WebKit => "WebKit",
        }
    }

    /// The WebDriver executable: `$CHROMEDRIVER` (else `/usr/bin/chromedriver`),
    /// `$GECKODRIVER` (else `geckodriver` on `PATH`, then `~/.cargo/bin/geckodriver`) or
    /// `$WEBKITWEBDRIVER` (else `WebKitWebDriver` on `PATH`).
    pub fn driver_executable(self) -> String {
        let (variable, fallback) = match self {
            Engine::Chromium => ("CHROMEDRIVER", "/usr/bin/chromedriver"),
            Engine::Firefox => ("GECKODRIVER", "geckodriver"),
            Engine::WebKit => ("WEBKITWEBDRIVER", "WebKitWebDriver"),
        };
        if let Some(set) = std::env::var_os(variable).filter(|v| !v.is_empty()) {
            return set.to_string_lossy().into_owned();
        }
        if fallback.starts_with('/') {
            return fallback.to_string();
        }
        if let Some(found) = on_path(fallback) {
            return found.display().to_string();
        }
        if self == Engine::Firefox {
            if let Some(home) = std::env::var_os("HOME") {
                let cargo_bin = Path::new(&home).join(".cargo/bin/geckodriver");
                if cargo_bin.is_file() {
                    return cargo_bin.display().to_string();
                }
            }
        }
        fallback.to_string()
    }

    /// The browser executable: `$CHROME` (else `/usr/bin/chromium`), `$FIREFOX` (else
    /// `firefox-esr`, then `firefox`, on `PATH`) or `$MINIBROWSER` (else WebKitGTK's
    /// MiniBrowser in its library folder).
    pub fn browser_executable(self) -> String {
        let variable = match self {
            Engine::Chromium => "CHROME",
            Engine::Firefox => "FIREFOX",
            Engine::WebKit => "MINIBROWSER",
        };
        if let Some(set) = std::env::var_os(variable).filter(|v| !v.is_empty()) {
            return set.to_string_lossy().into_owned();
        }
        match self {
            Engine::Chromium => "/usr/bin/chromium".to_string(),
            Engine::Firefox => ["firefox-esr", "firefox"]
                .into_iter()
                .find_map(on_path)
                .map_or_else(|| "firefox-esr".to_string(), |p| p.display().to_string()),
            Engine::WebKit => minibrowser().map_or_else(
                || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser".to_string(),
                |p| p.display().to_string(),
            ),
        }
    }

    /// What is missing to run this engine (driver, browser, `xvfb-run`), as a sentence; `None`
    /// when it is installed.
    pub fn missing(self) -> Option<String> {
        let mut missing = Vec::new();
        for executable in [self.driver_executable(), self.browser_executable()] {
            if !is_executable(&executable) {
                missing.push(executable);
            }
        }
        if self == Engine::WebKit && on_path("xvfb-run").is_none() {
            missing.push("xvfb-run".to_string());
        }
        (!missing.is_empty()).then(|| {
            format!(
                "{} is not installed (missing: {}); `cargo xtask setup` installs it",
                self.name(),
                missing.join(", ")
            )
        })
    }

    /// The new-session capabilities for a headless session of this engine; `profile` is a fresh
    /// folder the session may use as its browser profile (Chromium does).
    pub fn capabilities(self, profile: &Path) -> Map<String, Value> {
        let mut capabilities = Map::new();
        match self {
            Engine::Chromium => {
                let mut args: Vec<String> = CHROME_ARGS.iter().map(|a| a.to_string()).collect();
                args.push(format!("--user-data-dir={}", profile.display()));
                capabilities.insert("browserName".into(), json!("chrome"));
                capabilities.insert(
                    "goog:chromeOptions".into(),
                    json!({ "binary": self.browser_executable(), "args": args }),
                );
            }
            Engine::Firefox => {
                capabilities.insert("browserName".into(), json!("firefox"));
                capabilities.insert(
                    "moz:firefoxOptions".into(),
                    json!({
                        "binary": self.browser_executable(),
                        "args": ["-headless", "-width", "1400", "-height", "1000"],
                        "prefs": {
                            "intl.accept_languages": "en-US",
                            "intl.locale.requested": "en-US",
                            "app.update.enabled": false,
                            "browser.shell.checkDefaultBrowser": false,
                            "datareporting.policy.dataSubmissionEnabled": false,
                            "toolkit.telemetry.enabled": false
                        }
                    }),
                );
            }
            Engine::WebKit => {
                capabilities.insert(
                    "webkitgtk:browserOptions".into(),
                    json!({
                        "binary": self.browser_executable(),
                        "args": ["--automation"]
                    }),
                );
            }
        }
        capabilities
    }

    /// Whether the driver serves one session at a time (geckodriver, WebKitWebDriver).
    pub fn one_session_at_a_time(self) -> bool {
        self != Engine::Chromium
    }

    /// Waits until this test may open a session on the engine's driver: at once for Chromium,
    /// one test at a time for the others. Keep the guard for the session's life.
    pub async fn exclusive(self) -> Option<tokio::sync::MutexGuard<'static, ()>> {
        static FIREFOX: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        static WEBKIT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        match self {
            Engine::Chromium => None,
            Engine::Firefox => Some(FIREFOX.lock().await),
            Engine::WebKit => Some(WEBKIT.lock().await),
        }
    }

    fn command(self, port: u16) -> Command {
        let driver = self.driver_executable();
        match self {
            Engine::Chromium => {
                let mut command = Command::new(driver);
                command
                    .arg(format!("--port={port}"))
                    .arg("--log-level=SEVERE");
                command
            }
            Engine::Firefox => {
                let mut command = Command::new(driver);
                command
                    .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                    .args(["--log", "error"])
                    // geckodriver writes each session's profile to the temporary folder: this
                    // binary's profiles folder, which the watchdog removes.
                    .env("TMPDIR", profiles_dir());
                command
            }
            Engine::WebKit => {
                let mut command = Command::new("xvfb-run");
                command
                    .args(["-a", "-s", "-screen 0 1400x1000x24"])
                    .arg(driver)
                    .arg(format!("--port={port}"))
                    .env("TMPDIR", profiles_dir());
                command
            }
        }
    }
}

/// Chromium's switches: headless, no sandbox (containers), nothing that phones home.
const CHROME_ARGS: [&str; 10] = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--window-size=1400,1000",
    "--lang=en-US",
];

/// A running WebDriver process and the watchdog that ends it with the test binary.
pub struct Driver {
    engine: Engine,
    url: String,
    process: Child,
    _watchdog: Watchdog,
}

struct Watchdog {
    _process: Child,
    _pipe: ChildStdin,
}

impl Driver {
    /// `http://127.0.0.1:<port>`, the WebDriver endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The engine this driver serves.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    fn start(engine: Engine) -> Result<Driver, String> {
        let executable = engine.driver_executable();
        let port = free_port().map_err(|e| format!("no free port for {executable}: {e}"))?;
        std::fs::create_dir_all(profiles_dir())
            .map_err(|e| format!("cannot create {}: {e}", profiles_dir().display()))?;
        let process = engine
            .command(port)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start the {} driver `{executable}`: {e}\n{}",
                    engine.name(),
                    engine.missing().unwrap_or_default()
                )
            })?;
        let mut driver = Driver {
            engine,
            url: format!("http://127.0.0.1:{port}"),
            _watchdog: Watchdog::guard(process.id())?,
            process,
        };
        driver.wait_until_listening(port)?;
        Ok(driver)
    }

    fn wait_until_listening(&mut self, port: u16) -> Result<(), String> {
        let address = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port).into();
        let started = Instant::now();
        let name = self.engine.driver_executable();
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.process.try_wait() {
                return Err(format!("{name} exited at start ({status})"));
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "{name} did not listen on port {port} within {} s",
                    START_TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    /// Kills the group now (the watchdog would do it at exit anyway).
    fn drop(&mut self) {
        kill_group(self.process.id());
        let _ = self.process.wait();
    }
}

impl Watchdog {
    fn guard(group: u32) -> Result<Watchdog, String> {
        let mut process = Command::new("sh")
            .args(["-c", WATCHDOG, &group.to_string()])
            .arg(profiles_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| {
                kill_group(group);
                format!("cannot start the driver watchdog (sh): {e}")
            })?;
        let pipe = process.stdin.take().ok_or_else(|| {
            kill_group(group);
            "the driver watchdog has no stdin".to_string()
        })?;
        Ok(Watchdog {
            _process: process,
            _pipe: pipe,
        })
    }
}

/// The driver of `engine` shared by every test of this binary, started on first use.
pub fn shared(engine: Engine) -> Outcome<&'static Driver> {
    static CHROMIUM: OnceLock<Result<Driver, String>> = OnceLock::new();
    static FIREFOX: OnceLock<Result<Driver, String>> = OnceLock::new();
    static WEBKIT: OnceLock<Result<Driver, String>> = OnceLock::new();
    let slot = match engine {
        Engine::Chromium => &CHROMIUM,
        Engine::Firefox => &FIREFOX,
        Engine::WebKit => &WEBKIT,
    };
    slot.get_or_init(|| Driver::start(engine))
        .as_ref()
        .map_err(|e| Failure::new(e.clone()))
}

/// Whether a test on `engine` should run. `Ok(true)`: it is installed. `Ok(false)`: it is not,
/// and `CI` is unset: the test is skipped, loudly on stderr. `Err`: it is not, under `CI`,
/// where a missing engine is a failure.
pub fn installed_or_skip(engine: Engine, test: &str) -> Outcome<bool> {
    let Some(missing) = engine.missing() else {
        return Ok(true);
    };
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    if ci {
        return Err(Failure::new(format!(
            "{test}: {missing} (CI is set, so a missing engine fails the run)"
        )));
    }
    // Straight to the process's stderr: the test harness captures `eprintln!`, and a skip must
    // not pass unseen.
    let banner = "!".repeat(76);
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n{banner}\n!! SKIPPED {test}: {missing}.\n\
         !! This test did NOT run; under CI=true it fails instead.\n{banner}\n"
    );
    Ok(false)
}

/// `<tmp>/e2e-browsers-<pid>`: this binary's browser profiles (every engine's), removed when it
/// ends.
pub fn profiles_dir() -> PathBuf {
    std::env::temp_dir().join(format!("e2e-browsers-{}", std::process::id()))
}

/// WebKitGTK's MiniBrowser: `<libdir>/webkit2gtk-4.1/MiniBrowser` (Debian's multiarch folders),
/// or `/usr/libexec/webkit2gtk-4.1/MiniBrowser` (Fedora).
fn minibrowser() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from("/usr/libexec/webkit2gtk-4.1/MiniBrowser")];
    if let Ok(entries) = std::fs::read_dir("/usr/lib") {
        for entry in entries.flatten() {
            candidates.push(entry.path().join("webkit2gtk-4.1/MiniBrowser"));
        }
    }
    candidates.push(PathBuf::from("/usr/lib/webkit2gtk-4.1/MiniBrowser"));
    candidates.into_iter().find(|p| p.is_file())
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn is_executable(program: &str) -> bool {
    let path = Path::new(program);
    if path.components().count() > 1 {
        path.is_file()
    } else {
        on_path(program).is_some()
    }
}

fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

fn kill_group(group: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
