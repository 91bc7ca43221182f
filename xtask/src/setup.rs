//! `cargo xtask setup`: installs what is missing, and nothing else.
//!
//! Needed: the `wasm32-unknown-unknown` target, `wasm-bindgen-cli` at exactly the version
//! pinned in `Cargo.toml`, Chromium, chromedriver, binaryen (`wasm-opt`) and `xmllint`, and for
//! the end-to-end smoke in the other engines Firefox ESR with geckodriver (built with
//! `cargo install` at [`GECKODRIVER_VERSION`]) and WebKitGTK's WebKitWebDriver (it drives
//! MiniBrowser) with Xvfb (`xvfb-run`: MiniBrowser needs a display).
//! On Debian as root the packages are installed with `apt-get`; elsewhere the exact commands
//! are printed and the task fails. Each piece is checked first, so a machine that has them all
//! is through in well under a second.

use crate::cmd;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The geckodriver built from crates.io (it builds with rustc 1.95 and drives Firefox ESR 153).
const GECKODRIVER_VERSION: &str = "0.37.1";

/// A system tool and the Debian package that provides it.
struct SystemTool {
    command: &'static str,
    package: &'static str,
}

const SYSTEM_TOOLS: [SystemTool; 7] = [
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
    SystemTool {
        command: "firefox-esr",
        package: "firefox-esr",
    },
    // WebKitWebDriver; its dependency libwebkit2gtk-4.1-0 brings MiniBrowser.
    SystemTool {
        command: "WebKitWebDriver",
        package: "webkit2gtk-driver",
    },
    SystemTool {
        command: "xvfb-run",
        package: "xvfb",
    },
];

/// Checks every prerequisite and installs the missing ones.
pub fn ensure() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_system_tools()?;
    ensure_geckodriver()
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

/// geckodriver at [`GECKODRIVER_VERSION`], from crates.io (Debian has no package of it).
fn ensure_geckodriver() -> Result<(), String> {
    let found = cmd::output("geckodriver", &["--version"]);
    let found = found
        .as_deref()
        .and_then(|out| out.lines().next())
        .map(str::trim);
    let wanted = format!("geckodriver {GECKODRIVER_VERSION}");
    // `geckodriver 0.37.1 (<hg revision> <date>)`, or without the parenthesis.
    if found.is_some_and(|line| line == wanted || line.starts_with(&format!("{wanted} "))) {
        return Ok(());
    }
    println!(
        "geckodriver {GECKODRIVER_VERSION} is needed (found: {}); building it, this takes about \
         three minutes",
        found.unwrap_or("none")
    );
    let install = |locked: bool| {
        let mut args = vec![
            "install",
            "geckodriver",
            "--version",
            GECKODRIVER_VERSION,
            "--force",
        ];
        if locked {
            args.push("--locked");
        }
        cmd::run("cargo", &args)
    };
    // Its own lock file first; without it should the registry mirror lack a pinned dependency.
    install(true).or_else(|e| {
        println!("the locked build failed ({e}); building with the newest compatible dependencies");
        install(false)
    })
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
         Fedora:        sudo dnf install -y chromium chromedriver binaryen libxml2 firefox \
         webkit2gtk4.1 xorg-x11-server-Xvfb\n  \
         macOS:         brew install --cask chromium firefox && brew install chromedriver binaryen \
         libxml2 geckodriver (WebKitGTK and Xvfb are Linux-only)",
        missing
            .iter()
            .map(|t| t.command)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
