//! Project automation, run as `cargo xtask <task>` (see `.cargo/config.toml`).
//!
//! Every task first runs [`setup::ensure`], so a fresh machine needs no manual step.

mod bench;
mod budget;
mod build;
mod bundle;
mod cmd;
mod compact;
mod demo;
mod dist;
mod manifest;
mod module_rules;
mod paths;
mod resx;
mod setup;
mod table_slots;
mod test;
mod tidy;
mod wasm_bin;
mod wasm_fix;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  setup   install what is missing (wasm target, wasm-bindgen-cli, Chromium, chromedriver, binaryen, xmllint)
  build   build the form library into target/dist/webresources/
  dist    build, then pack the unmanaged and managed solution zips into target/dist/ and check them
          [--platform 8.0|8.1|8.2|9.0|9.1|9.2]: for that Dynamics version (default 9.0)
          [--form-xml FILE] [--form ENTITY:FORM_ID] [--mapping JSON|FILE] [--panel]: wire an exported form
  demo    build, then run the demo form against the local Dataverse emulator [--port N]
  test    run every test suite (format, tidy, lints, native, browser)
  tidy    check the code's boundaries: a pure domain, only the transport fetches, no import circles
          [--graph]: print the module graph of src/ first
  bench   build, then measure sizes and timings in headless Chromium [--loads N] [--save-calls N]
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::ensure(),
        Some("build") => setup::ensure().and_then(|()| build::web_resources().map(drop)),
        Some("dist") => setup::ensure().and_then(|()| dist::run(&args[1..])),
        Some("demo") => setup::ensure().and_then(|()| demo::run(&args[1..])),
        Some("tidy") => tidy::run(&args[1..]),
        Some("test") => setup::ensure().and_then(|()| test::all()),
        Some("bench") => setup::ensure().and_then(|()| bench::run(&args[1..])),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
