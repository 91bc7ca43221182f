//! Dataverse-shaped errors: `{"error":{"code":"0x…","message":"…"}}` with the status, code and
//! wording the real service uses where known (codes and messages noted in each constructor; the
//! ones marked *emulator* have no public source and are the emulator's own).

use serde_json::json;

/// An error the Web API answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Dataverse error code (hex string, may be empty).
    pub code: String,
    /// Message.
    pub message: String,
    /// Extra response headers (e.g. `Retry-After`).
    pub headers: Vec<(String, String)>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> ApiError {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }

    /// 400 for a URL Dataverse cannot parse (malformed key, bad literal).
    pub fn query_syntax() -> ApiError {
        ApiError::new(400, "0x80060888", "Bad Request - Error in query syntax.")
    }

    /// 400 for a property the type does not have (`$select`, `$filter`, `$orderby`).
    pub fn property_not_found(property: &str, type_name: &str) -> ApiError {
        ApiError::new(
            400,
            "0x80060888",
            format!("Could not find a property named '{property}' on type '{type_name}'."),
        )
    }

    /// 400 for an unknown property in a request body.
    pub fn body_property_not_found(property: &str, type_name: &str, entity_set: &str) -> ApiError {
        ApiError::new(
            400,
            "0x80048d19",
            format!(
                "Error identified in Payload provided by the user for Entity :'{entity_set}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : Microsoft.OData.ODataException: The property '{property}' does not exist on type '{type_name}'. Make sure to only use property names that are defined by the type or mark the type as open type."
            ),
        )
    }

    /// 400 for a body that is not JSON or not an object.
    pub fn malformed_body(detail: &str) -> ApiError {
        ApiError::new(
            400,
            "0x80048d19",
            format!("Error identified in Payload provided by the user: the request body is not a valid JSON object ({detail})."),
        )
    }

    /// 400 for a value of the wrong type in a body.
    pub fn invalid_value(property: &str, expected: &str) -> ApiError {
        ApiError::new(
            400,
            "0x80048d19",
            format!("Cannot convert the value of property '{property}' to the expected type '{expected}'."),
        )
    }

    /// 400 for a general validation failure (length, range).
    pub fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "0x80044331", message)
    }

    /// 404 for a record that does not exist.
    pub fn record_not_found(logical_name: &str, id: &str) -> ApiError {
        ApiError::new(
            404,
            "0x80040217",
            format!("Entity '{logical_name}' With Id = {id} Does Not Exist"),
        )
    }

    /// 404 for a URL segment the service does not know.
    pub fn segment_not_found(segment: &str) -> ApiError {
        ApiError::new(
            404,
            "0x8006088a",
            format!("Resource not found for the segment '{segment}'."),
        )
    }

    /// 405 for a method the resource does not support.
    pub fn method_not_allowed(method: &str) -> ApiError {
        ApiError::new(
            405,
            "0x80060888",
            format!("The requested resource does not support http method '{method}'."),
        )
    }

    /// 412 for an `If-Match` ETag that is not the record's current one.
    pub fn version_mismatch() -> ApiError {
        ApiError::new(
            412,
            "0x80060882",
            "The version of the existing record doesn't match the RowVersion property provided.",
        )
    }

    /// 412 for `If-None-Match: *` on a record that exists.
    pub fn duplicate_record() -> ApiError {
        ApiError::new(
            412,
            "0x80040237",
            "A record with matching key values already exists.",
        )
    }

    /// 403 for a missing read privilege.
    pub fn privilege_denied(privilege: &str) -> ApiError {
        ApiError::new(
            403,
            "0x80040220",
            format!(
                "Principal user (Id=5d2c1b4a-0f3e-4d2c-9b8a-7f6e5d4c3b2a, type=8, roleCount=1, privilegeCount=310, accessMode=0), is missing {privilege} privilege (Id=a6fe7d8c-5e2a-4ad1-8f5c-0b9d3e1e9f12) on OTC=7100 for entity 'solution'. Consider adding privilege {privilege} to the role of the user."
            ),
        )
    }

    /// 429 from service protection, with `Retry-After` seconds.
    pub fn too_many_requests(retry_after_seconds: u64) -> ApiError {
        ApiError::new(
            429,
            "0x80072322",
            "Number of requests exceeded the limit of 6000 over time window of 300 seconds.",
        )
        .with_header("Retry-After", retry_after_seconds.to_string())
    }

    /// 500 (emulator wording).
    pub fn unexpected() -> ApiError {
        ApiError::new(500, "0x80040216", "An unexpected error occurred.")
    }

    /// 503 (emulator wording).
    pub fn unavailable() -> ApiError {
        ApiError::new(
            503,
            "0x80040216",
            "The service is temporarily unavailable. Try again later.",
        )
    }

    /// 401 (emulator wording; real Dataverse sends a `WWW-Authenticate` challenge).
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            401,
            "0x80072560",
            "The access token is missing, expired or not valid for this organization.",
        )
        .with_header(
            "WWW-Authenticate",
            "Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize",
        )
    }

    /// 501 for a query feature the emulator does not implement (emulator).
    pub fn not_implemented(what: &str) -> ApiError {
        ApiError::new(
            501,
            "0x80060888",
            format!("{what} is not supported by the Dataverse emulator."),
        )
    }
}
