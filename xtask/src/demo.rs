//! `cargo xtask demo [--port N]`: builds the form library and serves the demo Email
//! Suppressions form against the local Dataverse emulator until Ctrl-C.

use crate::{build, cmd, paths};

/// The port the emulator listens on when none is given.
const DEFAULT_PORT: &str = "8765";

/// Builds, then runs the emulator in the foreground with the demo pages and the built library.
pub fn run(args: &[String]) -> Result<(), String> {
    let port = match args {
        [] => DEFAULT_PORT.to_owned(),
        [flag, port] if flag == "--port" && port.parse::<u16>().is_ok() => port.clone(),
        _ => return Err("usage: cargo xtask demo [--port N]".into()),
    };
    build::web_resources()?;
    let www = paths::root().join("www");
    let webresources = paths::webresources();
    println!("\nStarting the demo on http://127.0.0.1:{port}/ (Ctrl-C to stop)\n");
    cmd::run(
        "cargo",
        &[
            "run",
            "--quiet",
            "--package",
            "dataverse-emulator",
            "--",
            "--port",
            &port,
            "--www-dir",
            &www.to_string_lossy(),
            "--webresources-dir",
            &webresources.to_string_lossy(),
        ],
    )
}
