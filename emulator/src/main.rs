//! `dataverse-emulator [--port N] [--www-dir PATH] [--webresources-dir PATH] [--org-version V]
//! [--organization NAME]`: runs the emulator on 127.0.0.1 until Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use dataverse_emulator::{seed, serve, EmulatorConfig, Settings};

const USAGE: &str =
    "usage: dataverse-emulator [--port N] [--www-dir PATH] [--webresources-dir PATH] [--org-version V] [--organization NAME]

  --port N                 port on 127.0.0.1 (default 8765; 0 picks a free one)
  --www-dir PATH           folder with demo/main.html and fallback web resources (default: www)
  --webresources-dir PATH  built web resources (default: target/dist/webresources)
  --org-version V          organization version, e.g. 9.1.0.15000 (default 9.2.25093.00168)
  --organization NAME      on-premises organization name: serve everything org-scoped under
                           /NAME/ (needs an org version up to 9.1; default: online, at the root)";

fn parse_args(args: &[String]) -> Result<(u16, EmulatorConfig), String> {
    let mut port = 8765;
    let mut config = EmulatorConfig {
        www_dir: Some(PathBuf::from("www")),
        webresources_dir: Some(PathBuf::from("target/dist/webresources")),
        ..EmulatorConfig::default()
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--port" => {
                let text = value("--port")?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port needs a number from 0 to 65535, got '{text}'"))?;
            }
            "--www-dir" => config.www_dir = Some(PathBuf::from(value("--www-dir")?)),
            "--webresources-dir" => {
                config.webresources_dir = Some(PathBuf::from(value("--webresources-dir")?))
            }
            "--org-version" => {
                let text = value("--org-version")?;
                if !dataverse_emulator::settings::is_version(&text) {
                    return Err(format!(
                        "--org-version needs a version like 9.1.0.15000, got '{text}'"
                    ));
                }
                config.org_version = text;
            }
            "--organization" => {
                let text = value("--organization")?;
                dataverse_emulator::settings::check_organization(&text)?;
                config.organization = text;
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Settings::from_config(&config).check_combination()?;
    Ok((port, config))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (port, config) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("{message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let running = match serve(addr, config).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("could not listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let url = running.url();
    let settings = running.emulator().settings();
    let org = format!("{url}{}", settings.org_root());
    let newest = settings
        .api_versions()
        .last()
        .cloned()
        .unwrap_or_else(|| "none".to_string());
    println!("Dataverse emulator listening on {url}");
    println!("  Web API:  {org}/api/data/{newest}/");
    println!(
        "  Demo:     {org}/main.aspx?etn=esc_emailsuppression&pagetype=entityrecord&id={}",
        seed::SUPPRESSION_PENDING_REQUEST
    );
    println!("  Control:  {url}/_emulator/state  (Ctrl-C to stop)");
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn organization_and_org_version_flags() {
        let parsed = parse_args(&args(&[
            "--org-version",
            "9.1.0.15000",
            "--organization",
            "contoso",
        ]));
        let Ok((_, config)) = parsed else {
            panic!("flags should parse: {parsed:?}");
        };
        assert_eq!(config.organization, "contoso");
        assert_eq!(config.org_version, "9.1.0.15000");
        assert!(parse_args(&args(&["--organization", "contoso"])).is_err());
        assert!(parse_args(&args(&[
            "--organization",
            "con/toso",
            "--org-version",
            "9.0"
        ]))
        .is_err());
        assert!(parse_args(&args(&["--org-version", "nine"])).is_err());
    }
}
