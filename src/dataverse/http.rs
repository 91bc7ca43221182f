//! Requests and responses as plain values, with the headers every Web API call needs.

use super::odata::Query;
use crate::prelude::*;

/// HTTP methods the plugin uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Read.
    Get,
    /// Create (and `$batch`).
    Post,
    /// Update (upsert without `If-Match`).
    Patch,
    /// Delete.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// Which Web API endpoint version the plugin uses: the highest the organization serves.
///
/// An organization serves the versions up to its own major.minor: 8.0 serves v8.0, 8.1 up
/// to v8.1, 8.2 up to v8.2, on-premises 9.0 and 9.1 up to v9.0 and v9.1; v9.2 is Dataverse
/// online (Microsoft Learn, "Web API versions" and "Use the Dataverse Web API"; see
/// `docs/platform.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiVersion {
    /// Dynamics CRM 2016 (8.0).
    V8_0,
    /// Dynamics CRM 2016 Update 1 (8.1).
    V8_1,
    /// Dynamics 365 8.2.
    V8_2,
    /// Dynamics 365 9.0 (on premises).
    V9_0,
    /// Dynamics 365 9.1 (on premises).
    V9_1,
    /// Dataverse online (9.2 and later).
    V9_2,
}

impl ApiVersion {
    /// The endpoint for an organization version's major and minor numbers; `None` before 8.0
    /// (no Web API).
    pub fn for_org(major: u32, minor: u32) -> Option<ApiVersion> {
        match (major, minor) {
            (8, 0) => Some(ApiVersion::V8_0),
            (8, 1) => Some(ApiVersion::V8_1),
            (8, _) => Some(ApiVersion::V8_2),
            (9, 0) => Some(ApiVersion::V9_0),
            (9, 1) => Some(ApiVersion::V9_1),
            (m, _) if m >= 9 => Some(ApiVersion::V9_2),
            _ => None,
        }
    }

    /// The endpoint for an organization version string (`getVersion()`); an unreadable one
    /// gets `v8.0`, which every organization with a Web API serves.
    pub fn for_org_version(version: &str) -> Option<ApiVersion> {
        let (major, minor) = crate::domain::version::Version::parse(version)
            .map(|v| (v.major(), v.minor()))
            .unwrap_or((8, 0));
        ApiVersion::for_org(major, minor)
    }

    /// The path of the service root below the client URL, e.g. `/api/data/v9.2/`.
    pub fn root_path(self) -> &'static str {
        match self {
            ApiVersion::V8_0 => "/api/data/v8.0/",
            ApiVersion::V8_1 => "/api/data/v8.1/",
            ApiVersion::V8_2 => "/api/data/v8.2/",
            ApiVersion::V9_0 => "/api/data/v9.0/",
            ApiVersion::V9_1 => "/api/data/v9.1/",
            ApiVersion::V9_2 => "/api/data/v9.2/",
        }
    }
}

/// `If-Match` on a PATCH: the record's ETag (412 on mismatch) or `*` (update only, never create).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IfMatch {
    /// The `@odata.etag` value read with the record.
    Etag(String),
    /// Update only if the record exists.
    Exists,
}

/// One Web API request, relative to the service root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRequest {
    /// The method.
    pub method: Method,
    /// Path and query relative to the service root, e.g. `contacts(<id>)?$select=fullname`.
    pub path: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// A JSON body, if any.
    pub body: Option<String>,
}

impl ApiRequest {
    /// A GET with the standard headers and formatted values (`odata.include-annotations`).
    pub fn get(query: &Query) -> ApiRequest {
        let mut request = ApiRequest::new(Method::Get, query.text(), None);
        request
            .headers
            .push(("If-None-Match".into(), "null".into()));
        request.headers.push((
            "Prefer".into(),
            "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"".into(),
        ));
        request
    }

    /// A POST of a JSON body.
    pub fn post(path: impl Into<String>, body: String) -> ApiRequest {
        ApiRequest::new(Method::Post, path.into(), Some(body))
    }

    /// A PATCH of a JSON body with `If-Match`.
    pub fn patch(path: impl Into<String>, body: String, if_match: &IfMatch) -> ApiRequest {
        let mut request = ApiRequest::new(Method::Patch, path.into(), Some(body));
        let value = match if_match {
            IfMatch::Etag(etag) => etag.clone(),
            IfMatch::Exists => "*".into(),
        };
        request.headers.push(("If-Match".into(), value));
        request
    }

    /// A DELETE of the record at `path`.
    pub fn delete(path: impl Into<String>) -> ApiRequest {
        ApiRequest::new(Method::Delete, path.into(), None)
    }

    /// A PATCH that creates the record at the id in `path` and never updates one: with
    /// `If-None-Match: *` Dataverse answers 412 when the record exists ("Limit upsert
    /// operations", perform-conditional-operations-using-web-api).
    pub fn create_at(path: impl Into<String>, body: String) -> ApiRequest {
        ApiRequest::new(Method::Patch, path.into(), Some(body)).with_header("If-None-Match", "*")
    }

    fn new(method: Method, path: String, body: Option<String>) -> ApiRequest {
        let mut headers = vec![
            ("Accept".to_owned(), "application/json".to_owned()),
            ("OData-MaxVersion".to_owned(), "4.0".to_owned()),
            ("OData-Version".to_owned(), "4.0".to_owned()),
        ];
        if body.is_some() {
            headers.push((
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            ));
        }
        ApiRequest {
            method,
            path,
            headers,
            body,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> ApiRequest {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first value of a header (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// One Web API response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiResponse {
    /// The HTTP status.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body text (empty for 204).
    pub body: String,
}

impl ApiResponse {
    /// The first value of a header (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A response body's `bytes` as `Response.text()` reads them: UTF-8, a leading byte order
/// mark dropped, each invalid sequence as U+FFFD.
pub fn body_text(bytes: &[u8]) -> String {
    let mut rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut text = String::with_capacity(rest.len());
    // By hand rather than `String::from_utf8_lossy`, which brings `core::fmt` into the module.
    loop {
        match core::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                return text;
            }
            Err(error) => {
                let valid = rest.get(..error.valid_up_to()).unwrap_or_default();
                text.push_str(core::str::from_utf8(valid).unwrap_or_default());
                text.push('\u{FFFD}');
                let skipped = error.valid_up_to() + error.error_len().unwrap_or(rest.len());
                rest = rest.get(skipped..).unwrap_or_default();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_carries_the_odata_version_headers() {
        let get = ApiRequest::get(&Query::new("RetrieveVersion()"));
        assert_eq!(get.header("odata-maxversion"), Some("4.0"));
        assert_eq!(get.header("OData-Version"), Some("4.0"));
        assert_eq!(get.header("Accept"), Some("application/json"));
        assert_eq!(get.header("If-None-Match"), Some("null"));
        assert_eq!(get.header("Content-Type"), None);
        let post = ApiRequest::post("annotations", "{}".into());
        assert_eq!(
            post.header("Content-Type"),
            Some("application/json; charset=utf-8")
        );
    }

    #[test]
    fn patch_sends_the_etag_or_star() {
        let etag = ApiRequest::patch(
            "contacts(x)",
            "{}".into(),
            &IfMatch::Etag("W/\"468026\"".into()),
        );
        assert_eq!(etag.header("If-Match"), Some("W/\"468026\""));
        let exists = ApiRequest::patch("contacts(x)", "{}".into(), &IfMatch::Exists);
        assert_eq!(exists.header("If-Match"), Some("*"));
    }

    #[test]
    fn api_version_is_the_highest_the_org_serves() {
        let root = |major, minor| ApiVersion::for_org(major, minor).map(ApiVersion::root_path);
        assert_eq!(root(7, 0), None);
        assert_eq!(root(8, 0), Some("/api/data/v8.0/"));
        assert_eq!(root(8, 1), Some("/api/data/v8.1/"));
        assert_eq!(root(8, 2), Some("/api/data/v8.2/"));
        assert_eq!(root(9, 0), Some("/api/data/v9.0/"));
        assert_eq!(root(9, 1), Some("/api/data/v9.1/"));
        assert_eq!(root(9, 2), Some("/api/data/v9.2/"));
        assert_eq!(root(10, 0), Some("/api/data/v9.2/"));
        let of = |text| ApiVersion::for_org_version(text).map(ApiVersion::root_path);
        assert_eq!(of("8.1.0.359"), Some("/api/data/v8.1/"));
        assert_eq!(of("9.1.0.15000"), Some("/api/data/v9.1/"));
        assert_eq!(of("7.0.1.721"), None);
        assert_eq!(of(""), Some("/api/data/v8.0/"));
    }

    #[test]
    fn reads_a_body_as_the_browser_reads_text() {
        assert_eq!(body_text("Zoë {\"a\":1}".as_bytes()), "Zoë {\"a\":1}");
        assert_eq!(body_text(b"\xEF\xBB\xBF<root/>"), "<root/>");
        assert_eq!(body_text(b"a\xFFb\xC3"), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(body_text(b""), "");
    }

    proptest::proptest! {
        #[test]
        fn decodes_as_the_standard_library_does(bytes in proptest::collection::vec(
            proptest::prelude::any::<u8>(), 0..24,
        )) {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            proptest::prop_assert_eq!(body_text(bytes), String::from_utf8_lossy(bytes));
        }
    }
}
