//! What the Web API answers, independent of the HTTP server: a status, headers and a body.
//! The axum edge and the `$batch` writer both turn an [`ApiResponse`] into bytes.

use crate::errors::ApiError;

/// A Web API response before it is written anywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers, in order (`OData-Version` is added by the writers).
    pub headers: Vec<(String, String)>,
    /// Body bytes (empty for 204).
    pub body: Vec<u8>,
}

/// The content type of JSON answers.
pub const JSON_CONTENT_TYPE: &str = "application/json; odata.metadata=minimal";

impl ApiResponse {
    /// A JSON answer.
    pub fn json(status: u16, value: &serde_json::Value) -> ApiResponse {
        ApiResponse {
            status,
            headers: vec![("Content-Type".to_string(), JSON_CONTENT_TYPE.to_string())],
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    /// `204 No Content`.
    pub fn no_content() -> ApiResponse {
        ApiResponse {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> ApiResponse {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl From<ApiError> for ApiResponse {
    fn from(error: ApiError) -> ApiResponse {
        let mut response = ApiResponse::json(error.status, &error.body());
        response.headers.extend(error.headers);
        response
    }
}

/// The reason phrase of a status, for `$batch` parts.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "",
    }
}
