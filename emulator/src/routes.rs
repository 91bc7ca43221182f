//! The HTTP edge: the axum [`Router`] with the Web API, the static files and the control
//! surface, and the middleware that applies armed faults and writes the request log around
//! every Web API and static-file request.
//!
//! Organization-scoped paths (`api/data/`, `main.aspx`, `WebResources/`) are served at the site
//! root when the `organization` setting is empty (online) and only under `/<organization>/` when
//! it is set (on premises); anywhere else they answer 404. `/demo/` and `/_emulator/` always stay
//! at the root; `/` redirects to the demo form with a seeded record.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::routing::{any, get};
use axum::Router;
use tokio::sync::Notify;

use crate::batch;
use crate::clock::Timestamp;
use crate::control;
use crate::errors::ApiError;
use crate::faults::Fault;
use crate::handle::Emulator;
use crate::odata::percent_decode;
use crate::reply::ApiResponse;
use crate::request::ApiRequest;
use crate::request_log::{BatchPartEntry, LogEntry, HOST_HEADER};
use crate::settings::{org_relative, org_scoped};
use crate::static_files;
use crate::webapi;

/// Largest request body accepted (Dataverse's own limit is larger; the form sends small bodies).
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Closes the connection a request arrived on (inserted by [`crate::serve`]; absent when the
/// router is driven without a socket, where a `drop` fault answers 500 instead).
#[derive(Clone, Debug, Default)]
pub struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    /// Asks the connection to close.
    pub fn fire(&self) {
        self.0.notify_one();
    }

    /// Resolves once [`ConnectionKill::fire`] was called.
    pub async fn fired(&self) {
        self.0.notified().await;
    }
}

#[derive(Clone, Debug)]
struct BatchParts(Vec<BatchPartEntry>);

/// The whole application: Web API, static files and `/_emulator/` control routes.
pub fn app(emulator: Emulator) -> Router {
    let traffic = Router::new()
        .route("/api/data/{*rest}", any(api))
        .route("/{org}/api/data/{*rest}", any(api))
        .route("/main.aspx", get(main_page))
        .route("/{org}/main.aspx", get(main_page))
        .route("/demo/{*path}", get(demo_file))
        .route("/WebResources/{*name}", get(web_resource))
        .route("/{org}/WebResources/{*name}", get(web_resource))
        .layer(middleware::from_fn_with_state(
            emulator.clone(),
            traffic_layer,
        ));
    traffic
        .merge(control::router())
        .route("/", get(landing))
        .fallback(|| async { static_files::plain(StatusCode::NOT_FOUND, "Not found.") })
        .with_state(emulator)
}

fn api_response(response: ApiResponse) -> Response<Body> {
    let mut out = Response::new(Body::from(response.body));
    *out.status_mut() =
        StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in response.headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            out.headers_mut().append(name, value);
        }
    }
    out.headers_mut()
        .insert("OData-Version", HeaderValue::from_static("4.0"));
    out
}

async fn traffic_layer(
    State(emulator): State<Emulator>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let started_at = Timestamp::now();
    let clock = Instant::now();
    let method = request.method().to_string();
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".to_string());
    let fault = {
        let mut world = emulator.world();
        let root = world.settings.org_root();
        let relative = org_relative(&path, &root).to_string();
        world
            .faults
            .take_any(&method, &[path.as_str(), relative.as_str()], false)
    };
    let if_match = request
        .headers()
        .get("If-Match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let demo_host = request.headers().contains_key(HOST_HEADER);
    let mut entry = LogEntry {
        method,
        path,
        if_match,
        demo_host,
        status: None,
        started_at: started_at.to_iso_millis(),
        duration_ms: 0,
        fault: fault.as_ref().map(Fault::label),
        batch_parts: Vec::new(),
    };
    let response = match fault {
        Some(Fault::Drop) => {
            let kill = request.extensions().get::<ConnectionKill>().cloned();
            match kill {
                Some(kill) => {
                    entry.duration_ms = clock.elapsed().as_millis() as u64;
                    emulator.world().log.push(entry);
                    kill.fire();
                    std::future::pending::<()>().await;
                    return static_files::plain(StatusCode::INTERNAL_SERVER_ERROR, "unreachable");
                }
                None => api_response(
                    ApiError::new(500, "emulator", "A drop fault needs a real connection; this request was not served over a socket.").into(),
                ),
            }
        }
        Some(Fault::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        Some(status_fault) => match status_fault.error() {
            Some(error) => api_response(error.into()),
            None => next.run(request).await,
        },
        None => next.run(request).await,
    };
    entry.status = Some(response.status().as_u16());
    entry.duration_ms = clock.elapsed().as_millis() as u64;
    if let Some(BatchParts(parts)) = response.extensions().get::<BatchParts>() {
        entry.batch_parts = parts.clone();
    }
    emulator.world().log.push(entry);
    response
}

/// The 404 for a Web API path outside the organization.
fn outside_organization(path: &str, root: &str) -> ApiError {
    let segment = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let hint = if root.is_empty() {
        "this organization is online: the Web API is at /api/data/".to_string()
    } else {
        format!("this organization's Web API is at {root}/api/data/")
    };
    ApiError::new(
        404,
        "0x8006088a",
        format!("Resource not found for the segment '{segment}' ({hint})."),
    )
}

/// The `OData-MaxVersion` / `OData-Version` check. Real Dataverse tolerates requests without
/// these headers; the emulator deliberately refuses them so a client that forgets them fails
/// here, not later against an org that changes its defaults.
fn check_odata_headers(headers: &[(String, String)]) -> Result<(), ApiError> {
    for name in ["OData-MaxVersion", "OData-Version"] {
        let value = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim());
        match value {
            Some("4.0") => {}
            Some(other) => {
                return Err(ApiError::new(
                    400,
                    "0x80060888",
                    format!("The {name} header value '{other}' is not supported; send '{name}: 4.0'."),
                ))
            }
            None => {
                return Err(ApiError::new(
                    400,
                    "0x80060888",
                    format!("The request has no '{name}: 4.0' header. The Dataverse emulator requires OData-MaxVersion: 4.0 and OData-Version: 4.0 on every Web API request (stricter than Dataverse, which tolerates their absence)."),
                ))
            }
        }
    }
    Ok(())
}

async fn api(State(emulator): State<Emulator>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let root = emulator.world().settings.org_root();
    let Some(raw) = org_scoped(parts.uri.path(), &root, "/api/data/") else {
        return api_response(outside_organization(parts.uri.path(), &root).into());
    };
    let raw = raw.to_string();
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return api_response(
                ApiError::new(413, "0x80040216", "The request body is too large.").into(),
            )
        }
    };
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    if let Err(error) = check_odata_headers(&headers) {
        return api_response(error.into());
    }
    let (version, raw_resource) = raw.split_once('/').unwrap_or((raw.as_str(), ""));
    let Some(resource) = percent_decode(raw_resource, false) else {
        return api_response(ApiError::query_syntax().into());
    };
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let request = ApiRequest {
        method: parts.method.as_str().to_ascii_uppercase(),
        version: version.to_string(),
        resource,
        query: parts.uri.query().unwrap_or("").to_string(),
        headers,
        body: body.to_vec(),
        origin: format!("http://{host}"),
        root,
    };
    let now = Timestamp::now();
    let model = emulator.model();
    if request.resource == "$batch" {
        let outcome = {
            let mut world = emulator.world();
            batch::execute(model, &mut world, &request, now)
        };
        let mut response = api_response(outcome.response);
        response.extensions_mut().insert(BatchParts(outcome.parts));
        return response;
    }
    let response = {
        let mut world = emulator.world();
        webapi::handle(model, &mut world, &request, now)
    };
    api_response(response)
}

fn www(emulator: &Emulator) -> Option<PathBuf> {
    emulator.model().config.www_dir.clone()
}

async fn main_page(State(emulator): State<Emulator>, request: Request) -> Response<Body> {
    let (strict, root) = {
        let world = emulator.world();
        (world.settings.strict_csp, world.settings.org_root())
    };
    if org_scoped(request.uri().path(), &root, "/main.aspx") != Some("") {
        return static_files::plain(StatusCode::NOT_FOUND, "Not found.");
    }
    let roots: Vec<PathBuf> = www(&emulator).map(|w| w.join("demo")).into_iter().collect();
    let mut response = static_files::serve(&roots, "main.html").await;
    if strict {
        response.headers_mut().insert(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(crate::settings::STRICT_CSP),
        );
    }
    response
}

/// `/`: the demo's front door. Redirects (302) to the Email Suppressions form showing a seeded
/// record, [`crate::seed::SUPPRESSION_UNSUBSCRIBED`] (unsubscribed, nothing requested yet: the
/// record a newcomer can tick Request Resubscribe on), under the organization's path when one
/// is set.
async fn landing(State(emulator): State<Emulator>) -> Response<Body> {
    let root = emulator.world().settings.org_root();
    let table = &emulator.model().config.suppression.table;
    let location = format!(
        "{root}/main.aspx?etn={table}&pagetype=entityrecord&id={}",
        crate::seed::SUPPRESSION_UNSUBSCRIBED
    );
    let mut response = static_files::plain(StatusCode::FOUND, "Found: the demo form.");
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn demo_file(State(emulator): State<Emulator>, request: Request) -> Response<Body> {
    let raw = request.uri().path().strip_prefix("/demo/").unwrap_or("");
    let roots: Vec<PathBuf> = www(&emulator).map(|w| w.join("demo")).into_iter().collect();
    static_files::serve(&roots, raw).await
}

async fn web_resource(State(emulator): State<Emulator>, request: Request) -> Response<Body> {
    let root = emulator.world().settings.org_root();
    let Some(raw) = org_scoped(request.uri().path(), &root, "/WebResources/") else {
        return static_files::plain(StatusCode::NOT_FOUND, "Not found.");
    };
    let config = &emulator.model().config;
    let roots: Vec<PathBuf> = config
        .webresources_dir
        .iter()
        .chain(config.www_dir.iter())
        .cloned()
        .collect();
    static_files::serve(&roots, raw).await
}
