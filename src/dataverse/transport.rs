//! The one part of the Web API layer that touches the network: the shell's `fetchAnswer`
//! (the browser's `fetch` with a timeout, `www/loader/shell.js`), every outcome turned into an
//! [`ApiResponse`] or an [`ApiError`].

use crate::prelude::*;
use alloc::boxed::Box;
use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;

use super::batch::{self, BatchPart};
use super::error::ApiError;
use super::http::{ApiRequest, ApiResponse, ApiVersion};
use crate::xrm::form::{describe, member, set_member as set};

/// Response headers the plugin reads (of those the shell's answer carries).
const KEPT_HEADERS: [&str; 3] = ["content-type", "retry-after", "odata-entityid"];

/// The organization's Web API: `<client url><root path>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebApi {
    /// The client URL without a trailing slash.
    pub client_url: String,
    /// The endpoint version.
    pub version: ApiVersion,
}

impl WebApi {
    /// The service root, e.g. `https://org.crm.dynamics.com/api/data/v9.2/` or, on premises,
    /// `http://server/contoso/api/data/v9.1/` (every URL starts from the client URL).
    pub fn service_root(&self) -> String {
        [self.client_url.as_str(), self.version.root_path()].concat()
    }

    /// The URL and headers of `request`, as the shell's `fetchAnswer` takes them.
    pub fn prepare(&self, request: &ApiRequest) -> (String, Object) {
        let url = [self.service_root().as_str(), &request.path].concat();
        let headers = Object::new();
        for (name, value) in &request.headers {
            set(&headers, name, &JsValue::from_str(value));
        }
        (url, headers)
    }

    /// Sends one request; `then` reads its answer (after this call returns).
    pub fn send(
        &self,
        request: &ApiRequest,
        then: impl FnOnce(Result<ApiResponse, ApiError>) + 'static,
    ) {
        self.sent(request, Box::new(then));
    }

    /// [`WebApi::send`] for any caller: one copy in the module.
    #[inline(never)]
    fn sent(&self, request: &ApiRequest, then: Box<dyn FnOnce(Result<ApiResponse, ApiError>)>) {
        crate::shell::then(self.ask(request), move |answer| then(read(answer)));
    }

    /// Sends `parts` as one `$batch`; `then` reads the responses, in order: one per request,
    /// or those up to the failure that stopped the batch (see [`batch::one_per_request`]).
    pub fn send_batch(
        &self,
        parts: Vec<BatchPart>,
        id: &str,
        then: impl FnOnce(Result<Vec<ApiResponse>, ApiError>) + 'static,
    ) {
        // A batch that cannot be built is no network failure: it would fail again (not retried).
        let request = match self.batch_request(&parts, id) {
            Ok(request) => request,
            Err(error) => return crate::shell::soon(move || then(Err(error))),
        };
        crate::shell::then(self.ask(&request), move |answer| {
            then(read(answer).and_then(|response| read_batch(&parts, &response)))
        });
    }

    /// The shell's `fetchAnswer` for `request`.
    fn ask(&self, request: &ApiRequest) -> Result<Promise, JsValue> {
        let (url, headers) = self.prepare(request);
        fetch_answer(
            &url,
            request.method.as_str(),
            &headers,
            request.body.as_deref(),
        )
    }

    /// The `$batch` request of `parts`; the error says why it cannot be built.
    fn batch_request(&self, parts: &[BatchPart], id: &str) -> Result<ApiRequest, ApiError> {
        let encoded = batch::encode(parts, &self.service_root(), id).map_err(|e| {
            ApiError::unexpected(0, &["cannot build the batch: ", &e.describe()].concat())
        })?;
        let mut request = ApiRequest::post("$batch", encoded.body)
            .with_header("Prefer", "odata.continue-on-error");
        for (name, value) in request.headers.iter_mut() {
            if name == "Content-Type" {
                *value = encoded.content_type.clone();
            }
        }
        Ok(request)
    }
}

/// The responses of a `$batch` answer, one per part of `parts` (or up to the failure that
/// stopped the batch). An answer with a failure status but a multipart body is read part by
/// part (Dataverse answers a stopped batch with the failed operation's status).
fn read_batch(parts: &[BatchPart], response: &ApiResponse) -> Result<Vec<ApiResponse>, ApiError> {
    let content_type = response.header("content-type").unwrap_or_default();
    let multipart = content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/mixed");
    if let Some(error) = ApiError::from_response(response).filter(|_| !multipart) {
        return Err(error);
    }
    batch::decode(content_type, &response.body)
        .and_then(|responses| batch::one_per_request(parts, responses))
        .map_err(|e| {
            ApiError::unexpected(
                response.status,
                &["unreadable batch response: ", &e.describe()].concat(),
            )
        })
}

/// Reads a web resource of the organization by a URL relative to the page (the user's RESX
/// strings); `then` gets its text, `None` when it cannot be read.
pub fn read_web_resource(url: &str, then: impl FnOnce(Option<String>) + 'static) {
    crate::shell::then(
        fetch_answer(url, "GET", &Object::new(), None),
        move |answer| then(text_of(read(answer))),
    );
}

/// The body of a successful answer.
fn text_of(answer: Result<ApiResponse, ApiError>) -> Option<String> {
    answer.ok().filter(ApiResponse::is_success).map(|r| r.body)
}

/// An error of the shell's call as a network failure.
fn error(error: JsValue) -> ApiError {
    ApiError::network(&describe(&error))
}

/// The shell's answer read into an [`ApiResponse`]; an answer that never came (or could not
/// be read) is a network failure.
fn read(answer: Result<JsValue, JsValue>) -> Result<ApiResponse, ApiError> {
    answer.map(|answer| read_answer(&answer)).map_err(error)
}

#[wasm_bindgen(js_namespace = RsubShell)]
extern "C" {
    /// The shell's one request (`www/loader/shell.js`): the browser's `fetch` with its timeout,
    /// resolving with `{status, headers, body}` (the body's bytes as an `ArrayBuffer`).
    #[wasm_bindgen(catch, js_name = fetchAnswer)]
    fn fetch_answer(
        url: &str,
        method: &str,
        headers: &Object,
        body: Option<&str>,
    ) -> Result<Promise, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// A view of an `ArrayBuffer`'s bytes.
    #[wasm_bindgen(js_name = Uint8Array)]
    type ByteView;
    #[wasm_bindgen(constructor, js_class = "Uint8Array")]
    fn new(buffer: &JsValue) -> ByteView;
    /// The view's bytes copied into the module (`subarray()`: the whole view, not a copy;
    /// `js_sys`'s `to_vec` would bring a formatted assertion).
    #[wasm_bindgen(method, js_name = subarray)]
    fn bytes(this: &ByteView) -> Vec<u8>;
}

/// An answer of the shell's `fetchAnswer` as an [`ApiResponse`]: its status, the headers the
/// plugin reads and its body decoded as the module decodes every body
/// ([`super::http::body_text`]).
pub fn read_answer(answer: &JsValue) -> ApiResponse {
    let headers = member(answer, "headers");
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), member(&headers, name).as_string()?)))
        .collect();
    let body = member(answer, "body");
    let body = if body.is_object() {
        super::http::body_text(&ByteView::new(&body).bytes())
    } else {
        String::new()
    };
    ApiResponse {
        status: member(answer, "status")
            .as_f64()
            .map_or(0, |status| status as u16),
        headers,
        body,
    }
}
