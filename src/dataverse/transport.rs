//! The one part of the Web API layer that touches the network: `fetch` through `gloo-net`,
//! with a timeout, turning every outcome into an [`ApiResponse`] or an [`ApiError`].

use gloo_net::http::{Method as FetchMethod, RequestBuilder};
use wasm_bindgen::JsCast;

use super::batch::{self, BatchPart};
use super::error::ApiError;
use super::http::{ApiRequest, ApiResponse, ApiVersion, Method};
use crate::xrm::form::describe;

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
    /// Sends one request.
    pub async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let url = format!(
            "{}{}{}",
            self.client_url,
            self.version.root_path(),
            request.path
        );
        let method = match request.method {
            Method::Get => FetchMethod::GET,
            Method::Post => FetchMethod::POST,
            Method::Patch => FetchMethod::PATCH,
        };
        let mut builder = RequestBuilder::new(&url).method(method);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        fetch(builder, request.body.as_deref()).await
    }

    /// Sends `parts` as one `$batch` and returns one response per request, in order.
    pub async fn send_batch(
        &self,
        parts: &[BatchPart],
        id: &str,
    ) -> Result<Vec<ApiResponse>, ApiError> {
        let encoded = batch::encode(parts, self.version, id)
            .map_err(|e| ApiError::unexpected(0, &format!("cannot build the batch: {e}")))?;
        let request = ApiRequest::post("$batch", encoded.body)
            .with_header("Prefer", "odata.continue-on-error");
        let mut request = request;
        for (name, value) in request.headers.iter_mut() {
            if name == "Content-Type" {
                *value = encoded.content_type.clone();
            }
        }
        let response = self.send(&request).await?;
        if let Some(error) = ApiError::from_response(&response) {
            return Err(error);
        }
        let content_type = response.header("content-type").unwrap_or_default();
        batch::decode(content_type, &response.body).map_err(|e| {
            ApiError::unexpected(response.status, &format!("unreadable batch response: {e}"))
        })
    }
}

async fn fetch(builder: RequestBuilder, body: Option<&str>) -> Result<ApiResponse, ApiError> {
    let controller =
        web_sys::AbortController::new().map_err(|e| ApiError::network(&describe(&e)))?;
    let builder = builder.abort_signal(Some(&controller.signal()));
    let request = match body {
        Some(text) => builder.body(text),
        None => builder.build(),
    }
    .map_err(|e| ApiError::network(&e.to_string()))?;
    let timer = Timeout::start(&controller);
    let response = request.send().await;
    let timed_out = timer.finish();
    let response = response.map_err(|e| {
        if timed_out {
            ApiError::network("no answer within 15 seconds")
        } else {
            ApiError::network(&e.to_string())
        }
    })?;
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            response
                .headers()
                .get(name)
                .map(|v| ((*name).to_owned(), v))
        })
        .collect();
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| ApiError::network(&e.to_string()))?;
    Ok(ApiResponse {
        status,
        headers,
        body,
    })
}

/// Aborts a fetch after [`TIMEOUT_MS`].
struct Timeout {
    handle: Option<i32>,
    fired: std::rc::Rc<std::cell::Cell<bool>>,
    _callback: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

impl Timeout {
    fn start(controller: &web_sys::AbortController) -> Timeout {
        let fired = std::rc::Rc::new(std::cell::Cell::new(false));
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
