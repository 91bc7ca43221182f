//! Shared helpers: drive the router in-process (`oneshot`) or a real socket (raw HTTP/1.1).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use axum::Router;
use dataverse_emulator::{app, Emulator, EmulatorConfig};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

pub const API: &str = "/api/data/v9.2";

/// What the emulator answered.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// The Dataverse error `(status, code, message)`.
    pub fn error(&self) -> (u16, String, String) {
        let body = self.json();
        (
            self.status,
            body["error"]["code"].as_str().unwrap_or("").to_string(),
            body["error"]["message"].as_str().unwrap_or("").to_string(),
        )
    }
}

/// An emulator driven without a socket.
pub struct Harness {
    pub emulator: Emulator,
    pub router: Router,
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with_config(EmulatorConfig::default())
    }

    pub fn with_config(config: EmulatorConfig) -> Harness {
        let emulator = Emulator::new(config);
        let router = app(emulator.clone());
        Harness { emulator, router }
    }

    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header("Host", "127.0.0.1:8765");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder
            .body(Body::from(body.to_vec()))
            .expect("a valid request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a readable body")
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A Web API call with the standard headers plus `extra`.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        let mut headers = vec![
            ("Accept", "application/json"),
            ("OData-MaxVersion", "4.0"),
            ("OData-Version", "4.0"),
            ("If-None-Match", "null"),
        ];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        headers.retain(|(name, _)| !extra.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)));
        headers.extend_from_slice(extra);
        let bytes = body
            .map(|b| serde_json::to_vec(b).expect("json"))
            .unwrap_or_default();
        let path = path.replace(' ', "%20");
        let uri = if path.starts_with('/') {
            path
        } else {
            format!("{API}/{path}")
        };
        self.send(method, &uri, &headers, &bytes).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.api("GET", path, &[], None).await
    }

    pub async fn control(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let bytes = body
            .map(|b| serde_json::to_vec(b).expect("json"))
            .unwrap_or_default();
        self.send(
            method,
            path,
            &[("Content-Type", "application/json")],
            &bytes,
        )
        .await
    }

    /// The current ETag of a record.
    pub async fn etag(&self, path: &str) -> String {
        self.get(path).await.json()["@odata.etag"]
            .as_str()
            .expect("an etag")
            .to_string()
    }
}

/// A raw HTTP/1.1 exchange on a real socket: the bytes read until the server closes.
pub async fn raw_http(addr: SocketAddr, request: &str) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut out = Vec::new();
    match stream.read_to_end(&mut out).await {
        Ok(_) => Ok(out),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(out),
        Err(e) => Err(e),
    }
}

/// `GET path` with the OData headers and `Connection: close`.
pub fn raw_get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nOData-MaxVersion: 4.0\r\nOData-Version: 4.0\r\nConnection: close\r\n\r\n")
}

/// A fresh empty folder under the system temp dir.
pub fn temp_dir(label: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "dataverse-emulator-{label}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Builders and readers for `multipart/mixed` `$batch` bodies.
pub mod multipart {
    use serde_json::Value;

    use super::{Harness, Reply};

    /// One `application/http` part. `headers` may hold `Content-ID: n`, which goes on the part.
    pub fn op(method: &str, url: &str, headers: &[&str], body: Option<&Value>) -> String {
        let mut part =
            String::from("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
        if let Some(id) = headers.iter().find_map(|h| h.strip_prefix("Content-ID: ")) {
            part.push_str(&format!("Content-ID: {id}\r\n"));
        }
        part.push_str(&format!("\r\n{method} {url} HTTP/1.1\r\n"));
        for header in headers.iter().filter(|h| !h.starts_with("Content-ID: ")) {
            part.push_str(&format!("{header}\r\n"));
        }
        match body {
            Some(body) => part.push_str(&format!(
                "Content-Type: application/json; type=entry\r\n\r\n{body}\r\n"
            )),
            None => part.push_str("\r\n\r\n"),
        }
        part
    }

    /// A change set holding `ops`.
    pub fn change_set(boundary: &str, ops: &[String]) -> String {
        let mut out = format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n");
        for o in ops {
            out.push_str(&format!("--{boundary}\r\n{o}"));
        }
        out.push_str(&format!("--{boundary}--\r\n"));
        out
    }

    /// A whole batch body with boundary `batch_7f3a`.
    pub fn batch(items: &[String]) -> String {
        let mut out = String::new();
        for item in items {
            out.push_str(&format!("--batch_7f3a\r\n{item}"));
        }
        out.push_str("--batch_7f3a--\r\n");
        out
    }

    /// POSTs a batch body to `<service>/$batch` (`service` like `/api/data/v9.2`).
    pub async fn send(h: &Harness, service: &str, body: &str, extra: &[(&str, &str)]) -> Reply {
        let mut headers = vec![
            ("OData-MaxVersion", "4.0"),
            ("OData-Version", "4.0"),
            ("Accept", "application/json"),
            ("Content-Type", "multipart/mixed; boundary=\"batch_7f3a\""),
        ];
        headers.extend_from_slice(extra);
        h.send(
            "POST",
            &format!("{service}/$batch"),
            &headers,
            body.as_bytes(),
        )
        .await
    }

    /// The status line of each `application/http` response, in order.
    pub fn statuses(text: &str) -> Vec<u16> {
        text.lines()
            .filter_map(|l| l.strip_prefix("HTTP/1.1 "))
            .filter_map(|l| l.split(' ').next()?.parse().ok())
            .collect()
    }

    /// The JSON bodies in the response, in order.
    pub fn json_bodies(text: &str) -> Vec<Value> {
        text.split("\r\n")
            .filter(|l| l.starts_with('{'))
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// The value of a header inside the answer's parts (first occurrence).
    pub fn part_header(text: &str, name: &str) -> Option<String> {
        let prefix = format!("{name}: ");
        text.split("\r\n")
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .map(str::to_string)
    }
}
