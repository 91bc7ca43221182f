//! `cargo xtask setup`: installs what is missing, and nothing else.
//!
//! Needed: the `wasm32-unknown-unknown` target, `wasm-bindgen-cli` at exactly the version
//! pinned in `Cargo.toml`, and Chromium, chromedriver, binaryen (`wasm-opt`) and `xmllint`.
//! On Debian as root the packages are installed with `apt-get`; elsewhere the exact commands
//! are printed and the task fails.

use crate::cmd;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// A system tool and the Debian package that provides it.
struct SystemTool {
    command: &'static str,
    package: &'static str,
}

const SYSTEM_TOOLS: [SystemTool; 4] = [
    SystemTool {
        command: "chromium",
        package: "chromium",
    },
    SystemTool {
        command: "chromedriver",
        package: "chromium-driver",
    },
    SystemTool {
        command: "wasm-opt",
        package: "binaryen",
    },
    SystemTool {
        command: "xmllint",
        package: "libxml2-utils",
    },
];

/// Checks every prerequisite and installs the missing ones.
pub fn ensure() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_system_tools()
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = cmd::output("rustup", &["target", "list", "--installed"]);
    match installed {
        Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => Ok(()),
        Some(_) => cmd::run("rustup", &["target", "add", WASM_TARGET]),
        None => Err(format!(
            "rustup was not found; install the target with your toolchain manager \
             (rustup target add {WASM_TARGET})"
        )),
    }
}

fn ensure_wasm_bindgen() -> Result<(), String> {
    let pinned = crate::manifest::pinned_wasm_bindgen()?;
    let found = cmd::output("wasm-bindgen", &["--version"]);
    let wanted = format!("wasm-bindgen {pinned}");
    if found.as_deref().map(str::trim) == Some(wanted.as_str())
        && cmd::exists("wasm-bindgen-test-runner")
    {
        return Ok(());
    }
    println!(
        "wasm-bindgen-cli {pinned} is needed (found: {}); installing, this takes a few minutes",
        found.as_deref().map(str::trim).unwrap_or("none")
    );
    // Not `--locked`: the registry mirror lacks one of the CLI's pinned dependencies.
    cmd::run(
        "cargo",
        &[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &pinned,
            "--force",
        ],
    )
}

fn ensure_system_tools() -> Result<(), String> {
    let missing: Vec<&SystemTool> = SYSTEM_TOOLS
        .iter()
        .filter(|t| !cmd::exists(t.command))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = missing.iter().map(|t| t.package).collect();
    let is_debian = std::path::Path::new("/etc/debian_version").exists();
    let is_root = cmd::output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    if is_debian && is_root {
        cmd::run("apt-get", &["update", "-q"])?;
        let mut install = std::process::Command::new("apt-get");
        install
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&packages)
            .env("DEBIAN_FRONTEND", "noninteractive");
        return cmd::run_with(&mut install);
    }
    let list = packages.join(" ");
    Err(format!(
        "missing tools: {}.\nInstall them, then run the task again:\n  \
         Debian/Ubuntu: sudo apt-get install -y {list}\n  \
         Fedora:        sudo dnf install -y chromium chromedriver binaryen libxml2\n  \
         macOS:         brew install --cask chromium && brew install chromedriver binaryen libxml2",
        missing
            .iter()
            .map(|t| t.command)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
