//! The one part of the Web API layer that touches the network: the browser's `fetch`, with a
//! timeout, turning every outcome into an [`ApiResponse`] or an [`ApiError`].

use crate::prelude::*;
use js_sys::{Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::batch::{self, BatchPart};
use super::error::ApiError;
use super::http::{ApiRequest, ApiResponse, ApiVersion};
use crate::xrm::form::{describe, set_member as set};

/// Response headers the plugin reads.
const KEPT_HEADERS: [&str; 3] = ["content-type", "retry-after", "odata-entityid"];

/// How long one request may take before it is abandoned (and counted as a network failure).
pub const TIMEOUT_MS: i32 = 15_000;

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

    /// Sends one request.
    pub async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let url = [self.service_root().as_str(), &request.path].concat();
        let headers = Object::new();
        for (name, value) in &request.headers {
            set(&headers, name, &JsValue::from_str(value));
        }
        fetch(
            &url,
            request.method.as_str(),
            &headers,
            request.body.as_deref(),
        )
        .await
    }

    /// Sends `parts` as one `$batch` and returns the responses, in order: one per request, or
    /// those up to the failure that stopped the batch (see [`batch::one_per_request`]). A batch
    /// answered with a failure status but a multipart body is read part by part (Dataverse
    /// answers a stopped batch with the failed operation's status).
    pub async fn send_batch(
        &self,
        parts: &[BatchPart],
        id: &str,
    ) -> Result<Vec<ApiResponse>, ApiError> {
        let encoded = batch::encode(parts, &self.service_root(), id).map_err(|e| {
            ApiError::unexpected(0, &["cannot build the batch: ", &e.describe()].concat())
        })?;
        let request = ApiRequest::post("$batch", encoded.body)
            .with_header("Prefer", "odata.continue-on-error");
        let mut request = request;
        for (name, value) in request.headers.iter_mut() {
            if name == "Content-Type" {
                *value = encoded.content_type.clone();
            }
        }
        let response = self.send(&request).await?;
        let content_type = response.header("content-type").unwrap_or_default();
        let multipart = content_type
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/mixed");
        if let Some(error) = ApiError::from_response(&response).filter(|_| !multipart) {
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
}

/// Reads a web resource of the organization by a URL relative to the page (the configuration
/// page's RESX strings); `None` when it cannot be read.
pub async fn read_web_resource(url: &str) -> Option<String> {
    let response = fetch(url, "GET", &Object::new(), None).await.ok()?;
    response.is_success().then_some(response.body)
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(url, init)`.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_with_init(url: &str, init: &Object) -> Result<Promise, JsValue>;

    /// A `fetch` response.
    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchResponse) -> FetchHeaders;
    #[wasm_bindgen(method, catch, js_name = arrayBuffer)]
    fn array_buffer(this: &FetchResponse) -> Result<Promise, JsValue>;

    /// A view of an `ArrayBuffer`'s bytes.
    #[wasm_bindgen(js_name = Uint8Array)]
    type ByteView;
    #[wasm_bindgen(constructor, js_class = "Uint8Array")]
    fn new(buffer: &JsValue) -> ByteView;
    /// The view's bytes copied into the module (`subarray()`: the whole view, not a copy).
    #[wasm_bindgen(method, js_name = subarray)]
    fn bytes(this: &ByteView) -> Vec<u8>;

    /// A response's headers.
    type FetchHeaders;
    #[wasm_bindgen(method, catch)]
    fn get(this: &FetchHeaders, name: &str) -> Result<Option<String>, JsValue>;
}

/// Waits for a promise a binding returned, or passes on what it threw.
async fn settle(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

async fn fetch(
    url: &str,
    method: &str,
    headers: &Object,
    body: Option<&str>,
) -> Result<ApiResponse, ApiError> {
    let controller =
        web_sys::AbortController::new().map_err(|e| ApiError::network(&describe(&e)))?;
    let init = Object::new();
    set(&init, "method", &JsValue::from_str(method));
    set(&init, "headers", headers);
    set(&init, "signal", &controller.signal());
    if let Some(text) = body {
        set(&init, "body", &JsValue::from_str(text));
    }
    let timer = Timeout::start(&controller);
    let response = settle(fetch_with_init(url, &init)).await;
    let timed_out = timer.finish();
    let response: FetchResponse = response
        .map_err(|e| {
            if timed_out {
                ApiError::network("no answer within 15 seconds")
            } else {
                ApiError::network(&describe(&e))
            }
        })?
        .unchecked_into();
    let found = response.headers();
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = found.get(name).ok().flatten()?;
            Some(((*name).to_owned(), value))
        })
        .collect();
    let status = response.status();
    // The body's bytes, copied once into the module: read as text, the browser would decode
    // it and the glue encode it back to UTF-8 on the main thread.
    let bytes = settle(response.array_buffer())
        .await
        .map_err(|e| ApiError::network(&describe(&e)))?;
    let body = super::http::body_text(&ByteView::new(&bytes).bytes());
    Ok(ApiResponse {
        status,
        headers,
        body,
    })
}

/// Aborts a fetch after [`TIMEOUT_MS`].
struct Timeout {
    handle: Option<i32>,
    fired: alloc::rc::Rc<core::cell::Cell<bool>>,
    _callback: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

impl Timeout {
    fn start(controller: &web_sys::AbortController) -> Timeout {
        let fired = alloc::rc::Rc::new(core::cell::Cell::new(false));
        let (controller, flag) = (controller.clone(), fired.clone());
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            flag.set(true);
            controller.abort();
        });
        let handle = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                TIMEOUT_MS,
            )
            .ok()
        });
        Timeout {
            handle,
            fired,
            _callback: Some(callback),
        }
    }

    /// Cancels the timer; returns whether it had fired.
    fn finish(mut self) -> bool {
        if let (Some(handle), Some(window)) = (self.handle.take(), web_sys::window()) {
            window.clear_timeout_with_handle(handle);
        }
        self.fired.get()
    }
}
