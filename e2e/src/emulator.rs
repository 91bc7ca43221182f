//! The emulator side of a test: an in-process Dataverse emulator on a free loopback port,
//! serving the demo and the built web resources, with direct reads of its state and request
//! log and a small HTTP client for its Web API and `/_emulator/` control surface (what another
//! user, the connector or a test script would send).

use std::net::{Ipv4Addr, SocketAddr};

use dataverse_emulator::request_log::LogEntry;
use dataverse_emulator::{serve, EmulatorConfig, RunningEmulator};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::HeaderMap;
use hyper::{Method, Request};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::failure::{Failure, Outcome};
use crate::paths;

/// The Web API root the demo uses on a 9.x org.
pub const WEB_API: &str = "/api/data/v9.2/";

/// A running emulator owned by one test.
pub struct LocalEmulator {
    running: RunningEmulator,
    http: Client<HttpConnector, Full<Bytes>>,
}

/// An HTTP answer: status, headers and the raw body.
#[derive(Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON (`null` when empty).
    pub fn json(&self) -> Outcome<Value> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            Failure::new(format!(
                "the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            ))
        })
    }

    /// Fails unless the status is `expected`, showing the body.
    pub fn expect_status(self, expected: u16) -> Outcome<Reply> {
        if self.status == expected {
            Ok(self)
        } else {
            Err(Failure::new(format!(
                "expected HTTP {expected}, got {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )))
        }
    }
}

impl LocalEmulator {
    /// Starts an emulator with the demo configuration on `127.0.0.1:0`, serving `<root>/www`
    /// and `<target>/dist/webresources`; fails when the form library has not been built.
    pub async fn start() -> Outcome<LocalEmulator> {
        paths::built_form_library()?;
        let config = EmulatorConfig {
            www_dir: Some(paths::www_dir()),
            webresources_dir: Some(paths::webresources_dir()),
            ..EmulatorConfig::default()
        };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let running = serve(address, config)
            .await
            .map_err(|e| Failure::new(format!("cannot start the emulator: {e}")))?;
        let http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
        Ok(LocalEmulator { running, http })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        self.running.url()
    }

    /// The request log, oldest first (Web API and static files; not `/_emulator/`).
    pub fn requests(&self) -> Vec<LogEntry> {
        self.running.emulator().requests()
    }

    /// Every record, the settings, the armed faults and the connector's progress (in-process).
    pub fn state(&self) -> Value {
        self.running.emulator().state_json()
    }

    /// One row of `table` (logical name) by its primary key, from the in-process state.
    pub fn row(&self, table: &str, id: &str) -> Option<Value> {
        let state = self.state();
        let rows = state.get("tables")?.get(table)?.as_array()?.clone();
        let key = format!("{table}id");
        rows.into_iter().find(|row| {
            row.get(&key)
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case(id))
        })
    }

    /// Sends `method path` with `headers` and an optional JSON body to the emulator.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Outcome<Reply> {
        let url = format!("{}{}", self.url(), encode_path(path));
        let mut request = Request::builder().method(method.clone()).uri(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let payload = match body {
            Some(json) => {
                request = request.header("Content-Type", "application/json; charset=utf-8");
                Bytes::from(serde_json::to_vec(json)?)
            }
            None => Bytes::new(),
        };
        let request = request
            .body(Full::new(payload))
            .map_err(|e| Failure::new(format!("bad request {method} {url}: {e}")))?;
        let response = self
            .http
            .request(request)
            .await
            .map_err(|e| Failure::new(format!("{method} {url} failed: {e}")))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| Failure::new(format!("{method} {url}: cannot read the body: {e}")))?
            .to_bytes();
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// A Web API call (`path` relative to `/api/data/v9.2/`) with the OData headers Dataverse
    /// requires, plus `headers`.
    pub async fn web_api(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Outcome<Reply> {
        let mut all = vec![
            ("Accept", "application/json"),
            ("OData-MaxVersion", "4.0"),
            ("OData-Version", "4.0"),
        ];
        all.extend_from_slice(headers);
        self.send(method, &format!("{WEB_API}{path}"), &all, body)
            .await
    }

    /// `GET /_emulator/<path>` as JSON.
    pub async fn control_get(&self, path: &str) -> Outcome<Value> {
        self.send(Method::GET, &format!("/_emulator/{path}"), &[], None)
            .await?
            .expect_status(200)?
            .json()
    }

    /// `POST /_emulator/<path>` with a JSON body; fails unless the status is `expected`.
    pub async fn control_post(&self, path: &str, body: &Value, expected: u16) -> Outcome<Value> {
        self.send(Method::POST, &format!("/_emulator/{path}"), &[], Some(body))
            .await?
            .expect_status(expected)?
            .json()
    }

    /// Arms a fault (`POST /_emulator/faults`), e.g.
    /// `{"method":"GET","path":"esc_emailsuppressions(","count":1,"fault":{"kind":"status","status":503}}`.
    pub async fn arm_fault(&self, rule: &Value) -> Outcome<Value> {
        self.control_post("faults", rule, 201).await
    }

    /// Stops the emulator.
    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }
}

/// Percent-encodes what a URI may not contain but OData URLs are written with (spaces in
/// `$filter`, double quotes), as a browser's `fetch` does.
fn encode_path(path: &str) -> String {
    path.replace(' ', "%20").replace('"', "%22")
}
