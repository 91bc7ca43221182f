//! Web API failures as typed values: status + Dataverse error body → [`ApiError`].
//!
//! The server's own text is kept as [`ApiError::detail`] for support; the user-facing
//! sentence comes from the message table, chosen by the error's kind.

use super::http::ApiResponse;
use super::json::Json;
use crate::domain::json::JsonValue;
use crate::domain::messages::{Message, MessageKey};
use crate::domain::text::{self, decimal};
use crate::prelude::*;

/// Longest server detail kept (characters).
const MAX_DETAIL: usize = 500;

/// What went wrong with a Web API call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The kind, which decides retrying and the user's message.
    pub kind: ApiErrorKind,
    /// The HTTP status (0 when no response arrived).
    pub status: u16,
    /// Dataverse's error code and message, or the transport's, bounded; for support.
    pub detail: String,
}

/// The kinds of failure the plugin tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// 400: the request was malformed (a bug or a changed schema).
    BadRequest,
    /// 401: the session expired.
    Unauthorized,
    /// 403: the user lacks a privilege.
    Forbidden,
    /// 404: the record or endpoint does not exist.
    NotFound,
    /// 412: someone else changed the record (ETag mismatch).
    Conflict,
    /// 429: service protection limits; `retry_after_secs` from the header.
    Throttled {
        /// Seconds the server asked to wait (`Retry-After`).
        retry_after_secs: Option<u32>,
    },
    /// 5xx: the server failed or is unavailable.
    Server,
    /// No response: the network failed or the connection dropped.
    Network,
    /// A response the plugin cannot read (unexpected status or body).
    Unexpected,
}

impl ApiError {
    /// The error a response stands for, or `None` for a 2xx response.
    pub fn from_response(response: &ApiResponse) -> Option<ApiError> {
        if response.is_success() {
            return None;
        }
        let kind = match response.status {
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            412 => ApiErrorKind::Conflict,
            429 => ApiErrorKind::Throttled {
                retry_after_secs: response.header("Retry-After").and_then(parse_retry_after),
            },
            500..=599 => ApiErrorKind::Server,
            _ => ApiErrorKind::Unexpected,
        };
        Some(ApiError {
            kind,
            status: response.status,
            detail: detail_of(response),
        })
    }

    /// A failure with no response (fetch rejected, connection dropped, aborted).
    pub fn network(detail: &str) -> ApiError {
        ApiError {
            kind: ApiErrorKind::Network,
            status: 0,
            detail: bounded(detail),
        }
    }

    /// A 2xx response whose body the plugin could not read.
    pub fn unexpected(status: u16, detail: &str) -> ApiError {
        ApiError {
            kind: ApiErrorKind::Unexpected,
            status,
            detail: bounded(detail),
        }
    }

    /// Whether trying again later may succeed (throttling, server and network failures).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            ApiErrorKind::Throttled { .. } | ApiErrorKind::Server | ApiErrorKind::Network
        )
    }
}

impl ApiError {
    /// What the user reads; the server's text only as details.
    pub fn message(&self) -> Message {
        let key = match self.kind {
            ApiErrorKind::BadRequest => MessageKey::ApiBadRequest,
            ApiErrorKind::Unauthorized => MessageKey::ApiUnauthorized,
            ApiErrorKind::Forbidden => MessageKey::ApiForbidden,
            ApiErrorKind::NotFound => MessageKey::ApiNotFound,
            ApiErrorKind::Conflict => MessageKey::ApiConflict,
            ApiErrorKind::Throttled { .. } => MessageKey::ApiThrottled,
            ApiErrorKind::Server => MessageKey::ApiServer,
            ApiErrorKind::Network => MessageKey::ApiNetwork,
            ApiErrorKind::Unexpected => MessageKey::ApiUnexpected,
        };
        // Every template may say the detail (a translation too); rendering drops it for users
        // who are not administrators, and a template without the placeholder ignores it.
        Message::new(key).with("detail", self.detail.clone())
    }
}

/// `Retry-After` in seconds (the Web API sends whole seconds; HTTP dates are not used).
fn parse_retry_after(value: &str) -> Option<u32> {
    value.trim().parse::<u32>().ok()
}

/// Dataverse's `{"error":{"code","message"}}`, else the status alone: a body that is not
/// Dataverse's error (an HTML page, a multipart answer) is nothing a reader can act on.
fn detail_of(response: &ApiResponse) -> String {
    let error = Json::parse(&response.body)
        .ok()
        .and_then(|body| body.field("error"));
    let field = |name: &str| {
        error
            .as_ref()
            .and_then(|e| e.field(name))
            .and_then(|v| v.text())
    };
    match (field("code"), field("message")) {
        (code, Some(message)) if !message.is_empty() => {
            // A missing privilege is named alone: the full text lists ids no user can act on.
            let message = missing_privilege(&message)
                .map_or(message.clone(), |p| ["missing privilege ", p].concat());
            bounded(&[&code.unwrap_or_default(), " ", &message].concat())
        }
        _ => ["HTTP ", &decimal(response.status.into())].concat(),
    }
}

/// The privilege a Dataverse "Principal user (…) is missing prvX privilege (…)" text names.
fn missing_privilege(message: &str) -> Option<&str> {
    let (_, after) = text::split_once(message, "is missing ")?;
    let (name, _) = text::split_once(after, " privilege")?;
    let plain = name.len() > 3 && name.bytes().all(|b| b.is_ascii_alphanumeric());
    (name.starts_with("prv") && plain).then_some(name)
}

fn bounded(text: &str) -> String {
    text.trim().chars().take(MAX_DETAIL).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> ApiResponse {
        ApiResponse {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }

    #[test]
    fn users_read_a_sentence_and_the_server_text_only_as_details() {
        let body = r#"{"error":{"code":"0x80040220","message":"Principal user is missing prvReadSolution privilege."}}"#;
        let err = ApiError::from_response(&response(403, &[], body)).unwrap();
        let text = err.message().render_english();
        assert!(
            text.starts_with("You do not have the permission this needs"),
            "{text}"
        );
        assert!(text.ends_with("(details: 0x80040220 missing privilege prvReadSolution)."));
        let long = r#"{"error":{"code":"0x80040220","message":"Principal user (Id=5d2c1b0a-0000-4000-8000-000000000001, type=8, roleCount=1, privilegeCount=310, accessMode=0), is missing prvReadSolution privilege (Id=a6fe7d8c-0000-4000-8000-000000000002) on OTC=7100 for entityName=solution."}}"#;
        let named = ApiError::from_response(&response(403, &[], long)).unwrap();
        assert_eq!(named.detail, "0x80040220 missing privilege prvReadSolution");
        let other = r#"{"error":{"code":"0x1","message":"The user is missing some rights."}}"#;
        let kept = ApiError::from_response(&response(403, &[], other)).unwrap();
        assert_eq!(kept.detail, "0x1 The user is missing some rights.");
        let session = ApiError::from_response(&response(401, &[], body)).unwrap();
        assert!(!session.message().render_english().contains("0x8004"));
    }

    #[test]
    fn success_is_not_an_error() {
        assert_eq!(ApiError::from_response(&response(204, &[], "")), None);
    }

    #[test]
    fn precondition_failed_keeps_the_dataverse_message_as_detail() {
        let body = r#"{"error":{"code":"0x80060882","message":"The version of the existing record doesn't match the RowVersion property provided."}}"#;
        let err = ApiError::from_response(&response(412, &[], body)).unwrap();
        assert_eq!(err.kind, ApiErrorKind::Conflict);
        assert_eq!(
            err.detail,
            "0x80060882 The version of the existing record doesn't match the RowVersion property provided."
        );
        assert!(!err.is_transient());
    }

    #[test]
    fn throttling_reads_retry_after_and_is_transient() {
        let body = r#"{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}"#;
        let err = ApiError::from_response(&response(429, &[("retry-after", "7")], body)).unwrap();
        assert_eq!(
            err.kind,
            ApiErrorKind::Throttled {
                retry_after_secs: Some(7)
            }
        );
        assert!(err.is_transient());
    }

    #[test]
    fn maps_each_status_to_its_kind() {
        for (status, kind) in [
            (400, ApiErrorKind::BadRequest),
            (401, ApiErrorKind::Unauthorized),
            (403, ApiErrorKind::Forbidden),
            (404, ApiErrorKind::NotFound),
            (500, ApiErrorKind::Server),
            (503, ApiErrorKind::Server),
            (418, ApiErrorKind::Unexpected),
        ] {
            assert_eq!(
                ApiError::from_response(&response(status, &[], ""))
                    .unwrap()
                    .kind,
                kind
            );
        }
    }

    #[test]
    fn a_body_that_is_not_dataverses_error_gives_the_status_alone() {
        let html = "<html>".repeat(500);
        let err = ApiError::from_response(&response(503, &[], &html)).unwrap();
        assert_eq!(err.detail, "HTTP 503");
        assert!(err.is_transient());
        let multipart = "--batchresponse_1\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 403";
        let err = ApiError::from_response(&response(403, &[], multipart)).unwrap();
        assert_eq!(err.detail, "HTTP 403");
    }

    proptest::proptest! {
        /// Any status and body give a typed error (or none for 2xx) with a bounded detail.
        #[test]
        fn error_bodies_never_panic(status in 0u16..1000, body in "\\PC{0,2000}", retry in "\\PC{0,8}") {
            let r = response(status, &[("Retry-After", &retry)], &body);
            if let Some(error) = ApiError::from_response(&r) {
                proptest::prop_assert!(error.detail.chars().count() <= MAX_DETAIL);
                let _ = error.message().render_english();
            }
        }
    }
}
