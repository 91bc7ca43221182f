//! `cargo xtask test`: every test suite of the project, cheapest first.
//!
//! 1. formatting, the code's boundaries and lints (`cargo fmt --check`, `cargo xtask tidy`,
//!    `cargo clippy -D warnings`, native),
//! 2. native tests of the whole workspace (domain core, Web API layer, xtask, emulator),
//! 3. the form library build (the exact bytes the solution ships) and its size budgets
//!    (`budget`), then the solution package
//!    checks (zip structure, content types, schema order and `xmllint` against Microsoft's
//!    schema, unpack → pack round trip) of the default 9.0 package and of the 8.2 one
//!    (`--platform 8.2`: its version rules), plain and with fixture forms wired, and ESLint with
//!    the Solution Checker rules on every shipped script,
//! 4. lints of the browser-only code, then the browser suites: `wasm-bindgen-test` in headless
//!    Chromium against that build (`tests/browser.rs`) and the status panel (`tests/panel.rs`),
//! 5. the end-to-end suite (`e2e/`): the demo form on the emulator, driven through chromedriver,
//! 6. its smoke subset in the other engines (`e2e/tests/engines.rs`): Firefox ESR through
//!    geckodriver and WebKitGTK through WebKitWebDriver (under Xvfb). `CI` passes through, so
//!    under `CI=true` an engine that is not installed fails the run instead of being skipped.

use std::process::Command;

use crate::{budget, build, cmd, dist, tidy};

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// How long the browser test runner may take before it is stopped (it can hang).
const BROWSER_TIMEOUT_SECS: &str = "600";

/// How long the end-to-end suite may take before it is stopped.
const E2E_TIMEOUT_SECS: &str = "900";

/// How long the smoke in Firefox and WebKit may take before it is stopped (it takes 12–40 s;
/// a test whose every wait times out still ends within a minute).
const ENGINES_TIMEOUT_SECS: &str = "300";

/// The end-to-end test target that runs in Firefox and WebKit; every other one runs in Chromium.
const ENGINES_TEST: &str = "engines";

const DENY_WARNINGS: [&str; 3] = ["--", "-D", "warnings"];

/// Runs every suite; stops at the first failure.
pub fn all() -> Result<(), String> {
    cmd::run("cargo", &["fmt", "--all", "--check"])?;
    tidy::run(&[])?;
    let native_lints = ["clippy", "--workspace", "--all-targets", "--quiet"];
    cmd::run("cargo", &[&native_lints[..], &DENY_WARNINGS[..]].concat())?;
    cmd::run("cargo", &["test", "--workspace", "--exclude", "e2e"])?;
    let libraries = build::web_resources()?;
    let sizes: Vec<(&str, usize)> = libraries
        .iter()
        .map(|l| (l.name, l.library_gzip_bytes))
        .collect();
    budget::check(&sizes, &budget::BUDGETS)?;
    dist::verify()?;
    browser(&libraries)?;
    end_to_end()?;
    engines()
}

/// The end-to-end suite in Chromium: every target of `e2e` but the engines smoke, and its doc
/// tests; it needs the build above (the demo loads it).
fn end_to_end() -> Result<(), String> {
    let mut targets = vec!["--lib".to_string(), "--bins".to_string()];
    for test in e2e_tests()? {
        if test != ENGINES_TEST {
            targets.extend(["--test".to_string(), test]);
        }
    }
    let mut tests = Command::new("timeout");
    tests
        .args([E2E_TIMEOUT_SECS, "cargo", "test", "-p", "e2e"])
        .args(&targets)
        .args(["--", "--test-threads=2"])
        .env("CHROMEDRIVER", chromedriver());
    cmd::run_with(&mut tests).map_err(|e| format!("end-to-end tests: {e}"))?;
    cmd::run("cargo", &["test", "--quiet", "-p", "e2e", "--doc"])
        .map_err(|e| format!("end-to-end doc tests: {e}"))
}

/// The smoke subset in Firefox and WebKit, one session per engine at a time, both engines at
/// once.
fn engines() -> Result<(), String> {
    let mut tests = Command::new("timeout");
    tests
        .args([ENGINES_TIMEOUT_SECS, "cargo", "test", "-p", "e2e"])
        .args(["--test", ENGINES_TEST, "--", "--test-threads=2"]);
    cmd::run_with(&mut tests).map_err(|e| format!("end-to-end tests in Firefox and WebKit: {e}"))
}

/// The names of the `e2e/tests/*.rs` targets, sorted.
fn e2e_tests() -> Result<Vec<String>, String> {
    let dir = crate::paths::root().join("e2e").join("tests");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_string()))
        .collect();
    names.sort();
    Ok(names)
}

/// The browser-only code paths: lints for `wasm32`, then the browser tests against the built
/// libraries (`FORM_LIBRARY_JS`, `CONTACT_LIBRARY_JS`).
fn browser(libraries: &[build::FormLibraryParts]) -> Result<(), String> {
    let [form, contact, ..] = libraries else {
        return Err("expected the two form libraries".into());
    };
    let wasm_lints = [
        "clippy",
        "--quiet",
        "--package",
        "resubscribe",
        "--lib",
        "--test",
        "browser",
        "--test",
        "panel",
        "--target",
        WASM_TARGET,
    ];
    let mut lints = Command::new("cargo");
    lints
        .args([&wasm_lints[..], &DENY_WARNINGS[..]].concat())
        .env("FORM_LIBRARY_JS", &form.path)
        .env("CONTACT_LIBRARY_JS", &contact.path);
    cmd::run_with(&mut lints)?;
    // The shipped modules (no `std`, one form's handlers each) exist only in wasm32 builds.
    let modules = build::LIBRARIES
        .iter()
        .map(|l| vec!["--package", "resubscribe", "--lib", "--features", l.form]);
    for shipped in modules {
        let target = ["clippy", "--quiet", "--target", WASM_TARGET];
        cmd::run(
            "cargo",
            &[&target[..], &shipped, &DENY_WARNINGS[..]].concat(),
        )?;
    }

    let mut tests = Command::new("timeout");
    tests
        .args([
            BROWSER_TIMEOUT_SECS,
            "cargo",
            "test",
            "--target",
            WASM_TARGET,
            "--test",
            "browser",
            "--test",
            "panel",
        ])
        .env("CHROMEDRIVER", chromedriver())
        .env("FORM_LIBRARY_JS", &form.path)
        .env("CONTACT_LIBRARY_JS", &contact.path)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    cmd::run_with(&mut tests).map_err(|e| format!("browser tests: {e}"))
}

fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}
