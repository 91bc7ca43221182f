//! Serving over a real socket: loopback only, port 0, shutdown.

mod common;

use common::{raw_get, raw_http, API};
use dataverse_emulator::{serve, EmulatorConfig};

#[tokio::test]
async fn serves_on_a_free_loopback_port_and_stops() {
    let running = serve(
        "127.0.0.1:0".parse().expect("addr"),
        EmulatorConfig::default(),
    )
    .await
    .expect("bind");
    let addr = running.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(running.url(), format!("http://{addr}"));
    let answer = raw_http(addr, &raw_get(&format!("{API}/RetrieveVersion()")))
        .await
        .expect("served");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
    assert!(text.contains(
        "\"@odata.context\":\"http://127.0.0.1/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse\""
    ));
    running.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn refuses_to_listen_on_a_non_loopback_address() {
    let result = serve(
        "0.0.0.0:0".parse().expect("addr"),
        EmulatorConfig::default(),
    )
    .await;
    let error = result.err().expect("refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}
