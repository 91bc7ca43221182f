//! `dataverse-emulator [--port N] [--www-dir PATH] [--webresources-dir PATH]`: runs the emulator
//! on 127.0.0.1 until Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use dataverse_emulator::{seed, serve, EmulatorConfig};

const USAGE: &str =
    "usage: dataverse-emulator [--port N] [--www-dir PATH] [--webresources-dir PATH]

  --port N                 port on 127.0.0.1 (default 8765; 0 picks a free one)
  --www-dir PATH           folder with demo/main.html and fallback web resources (default: www)
  --webresources-dir PATH  built web resources (default: target/dist/webresources)";

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
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
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
    println!("Dataverse emulator listening on {url}");
    println!("  Web API:  {url}/api/data/v9.2/");
    println!(
        "  Demo:     {url}/main.aspx?etn=esc_emailsuppression&pagetype=entityrecord&id={}",
        seed::SUPPRESSION_PENDING_REQUEST
    );
    println!("  Control:  {url}/_emulator/state  (Ctrl-C to stop)");
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await;
    ExitCode::SUCCESS
}
