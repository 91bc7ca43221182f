//! `cargo xtask bench`: sizes here, timings in the browser.
//!
//! 1. builds the web resources (`build::web_resources`, the bytes the solution ships),
//! 2. measures every shipped web resource under `target/dist/webresources/` (files whose name
//!    starts with the publisher prefix, as the package takes them): bytes and gzip -9 bytes,
//! 3. measures the reference point: the minified browser bundle of `dynamics-web-api` from npm
//!    (`tools/bench/`, lock file committed, `npm ci` on first use); the binary also times it
//!    loading as a form library,
//! 4. writes them to `target/bench/sizes.json` and runs the benchmark binary of the e2e crate
//!    (`e2e/src/bin/bench.rs`), which times the demo form in headless Chromium against the
//!    emulator (and the library's start in Firefox and WebKit where they are installed), prints
//!    the table and writes `target/bench/report.json`.
//!
//! The binary is built with `--release`: the emulator runs inside it and answers the plugin's
//! `$batch` within the timed interval, so an unoptimised emulator would add its own slowness
//! to the plugin's figure. Extra arguments go to the binary (`--loads N`, `--save-calls N`).
//!
//! A missed target is reported, not an error: this fails only when something cannot be measured.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::{build, bundle, cmd, paths};

/// The reference library a JavaScript customizer would otherwise ship.
const REFERENCE_PACKAGE: &str = "dynamics-web-api";
/// Its minified browser bundle, inside the package.
const REFERENCE_FILE: &str = "dist/dynamics-web-api.min.js";
/// The publisher prefix every shipped web resource name starts with.
const PREFIX: &str = "rsub_";

/// Runs the whole benchmark; `args` go to the benchmark binary.
pub fn run(args: &[String]) -> Result<(), String> {
    let libraries = build::web_resources()?;
    let parts = libraries.first().ok_or("no form library was built")?;
    let webresources = shipped_sizes(&paths::webresources())?;
    if !webresources
        .iter()
        .any(|r| r["name"].as_str() == Some(paths::FORM_LIBRARY))
    {
        return Err(format!(
            "the build did not write {}",
            paths::form_library().display()
        ));
    }
    let reference = reference_size()?;
    let sizes = json!({
        "form_library": paths::FORM_LIBRARY,
        "contact_library": paths::CONTACT_LIBRARY,
        "form_library_parts": {
            "module_bytes": parts.module_bytes,
            "module_compressed_bytes": parts.module_compressed_bytes,
            "script_gzip_bytes": parts.script_gzip_bytes,
        },
        "webresources": webresources,
        "reference": reference,
    });
    let dir = paths::target().join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let sizes_file = dir.join("sizes.json");
    let text = serde_json::to_string_pretty(&sizes).map_err(|e| e.to_string())?;
    std::fs::write(&sizes_file, text)
        .map_err(|e| format!("cannot write {}: {e}", sizes_file.display()))?;

    let mut bench = Command::new("cargo");
    bench
        .args([
            "run",
            "--release",
            "--package",
            "e2e",
            "--bin",
            "bench",
            "--",
        ])
        .arg("--sizes")
        .arg(&sizes_file)
        .args(args);
    cmd::run_with(&mut bench).map_err(|e| format!("benchmark: {e}"))
}

/// Bytes and gzip -9 bytes of every shipped web resource under `dir`, by name, sorted.
fn shipped_sizes(dir: &Path) -> Result<Vec<Value>, String> {
    let mut files = Vec::new();
    files_under(dir, &mut files)?;
    let mut out = Vec::new();
    for file in files {
        let name = file
            .strip_prefix(dir)
            .map_err(|_| format!("{} is outside {}", file.display(), dir.display()))?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if !name.starts_with(PREFIX) {
            continue; // not a web resource the package ships (a stray README)
        }
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        out.push(json!({
            "name": name,
            "bytes": bytes.len(),
            "gzip_bytes": bundle::gzip_size(&bytes),
        }));
    }
    out.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    Ok(out)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// `tools/bench/`, the npm project holding the reference library (lock file committed).
fn tools_dir() -> PathBuf {
    paths::root().join("tools").join("bench")
}

/// Installs the reference with `npm ci` when `node_modules` is missing or the lock changed
/// (as `tools/lint/` is installed).
fn ensure_reference() -> Result<PathBuf, String> {
    let dir = tools_dir();
    let lock = std::fs::read(dir.join("package-lock.json"))
        .map_err(|e| format!("cannot read tools/bench/package-lock.json: {e}"))?;
    let modules = dir.join("node_modules");
    let stamp = modules.join(".rsub-installed-lock.json");
    let package = modules.join(REFERENCE_PACKAGE);
    if package.join(REFERENCE_FILE).is_file()
        && std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice())
    {
        return Ok(package);
    }
    if !cmd::exists("npm") {
        return Err(
            "npm is missing: the bench's reference point (dynamics-web-api) needs Node.js 20 \
             and npm (Debian/Ubuntu: sudo apt-get install -y nodejs npm; macOS: brew install node)"
                .into(),
        );
    }
    let mut ci = Command::new("npm");
    ci.args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir);
    cmd::run_with(&mut ci).map_err(|e| format!("installing the bench reference: {e}"))?;
    std::fs::write(&stamp, &lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(package)
}

/// The reference bundle's name, version, path (from the workspace root, for the benchmark
/// binary to load it), bytes and gzip -9 bytes.
fn reference_size() -> Result<Value, String> {
    let package = ensure_reference()?;
    let manifest = package.join("package.json");
    let manifest: Value = std::fs::read(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))?;
    let file = package.join(REFERENCE_FILE);
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let path = file
        .strip_prefix(paths::root())
        .unwrap_or(&file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    Ok(json!({
        "package": REFERENCE_PACKAGE,
        "version": manifest["version"],
        "file": REFERENCE_FILE,
        "path": path,
        "bytes": bytes.len(),
        "gzip_bytes": bundle::gzip_size(&bytes),
    }))
}
