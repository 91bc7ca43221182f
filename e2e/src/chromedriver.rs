//! The one chromedriver process of a test binary, started on first use on a free loopback port
//! and gone when the binary ends — however it ends.
//!
//! Statics are never dropped in Rust, so the guard cannot rely on `Drop` alone. chromedriver
//! runs in its own process group (Chromium joins it), and a tiny watchdog shell holds the read
//! end of a pipe whose write end only this process owns: when the test binary exits, panics,
//! aborts or is killed, the pipe closes and the watchdog kills the whole group, browsers
//! included, and removes the browser profiles. The watchdog ignores SIGINT/SIGTERM/SIGHUP so that a Ctrl-C or `timeout` aimed at
//! `cargo test` still leaves it alive to clean up.

use std::net::{Ipv4Addr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::failure::{Failure, Outcome};

/// How long chromedriver may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Once stdin reaches end of file: kills the process group named by `$0` and removes the
/// browser profiles folder `$1`. (dash's `kill` takes `-<pgid>` without `--`.)
const WATCHDOG: &str = "trap '' INT TERM HUP; cat >/dev/null; \
    kill -TERM -\"$0\" 2>/dev/null; sleep 1; kill -KILL -\"$0\" 2>/dev/null; rm -rf \"$1\"; exit 0";

static SHARED: OnceLock<Result<Chromedriver, String>> = OnceLock::new();

/// A running chromedriver and the watchdog that ends it with the test binary.
pub struct Chromedriver {
    url: String,
    process: Child,
    _watchdog: Watchdog,
}

struct Watchdog {
    _process: Child,
    _pipe: ChildStdin,
}

impl Chromedriver {
    /// `http://127.0.0.1:<port>`, the WebDriver endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The chromedriver executable: `$CHROMEDRIVER`, else `/usr/bin/chromedriver`.
    pub fn executable() -> String {
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_string())
    }

    fn start() -> Result<Chromedriver, String> {
        let executable = Chromedriver::executable();
        let port = free_port().map_err(|e| format!("no free port for chromedriver: {e}"))?;
        let process = Command::new(&executable)
            .arg(format!("--port={port}"))
            .arg("--log-level=SEVERE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start chromedriver `{executable}` (set CHROMEDRIVER to its path): {e}"
                )
            })?;
        let mut driver = Chromedriver {
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
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.process.try_wait() {
                return Err(format!("chromedriver exited at start ({status})"));
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "chromedriver did not listen on port {port} within {} s",
                    START_TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Chromedriver {
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
                format!("cannot start the chromedriver watchdog (sh): {e}")
            })?;
        let pipe = process.stdin.take().ok_or_else(|| {
            kill_group(group);
            "the chromedriver watchdog has no stdin".to_string()
        })?;
        Ok(Watchdog {
            _process: process,
            _pipe: pipe,
        })
    }
}

/// The chromedriver shared by every test of this binary, started on first use.
pub fn shared() -> Outcome<&'static Chromedriver> {
    SHARED
        .get_or_init(Chromedriver::start)
        .as_ref()
        .map_err(|e| Failure::new(e.clone()))
}

/// `<tmp>/e2e-chromium-<pid>`: this binary's browser profiles, removed when it ends.
pub fn profiles_dir() -> PathBuf {
    std::env::temp_dir().join(format!("e2e-chromium-{}", std::process::id()))
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
