//! What the Web API is asked, independent of the HTTP server: the axum edge and the `$batch`
//! reader both build an [`ApiRequest`]; [`crate::webapi`] answers it.

use crate::odata::Preferences;

/// One Web API request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRequest {
    /// Upper-case HTTP method.
    pub method: String,
    /// API version segment, e.g. `v9.2`.
    pub version: String,
    /// Percent-decoded resource path after the version, e.g. `contacts(…)`.
    pub resource: String,
    /// Raw query string (without `?`).
    pub query: String,
    /// Headers (names compared case-insensitively).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Scheme and authority the client used, e.g. `http://127.0.0.1:8765`.
    pub origin: String,
    /// The organization path the service lives under: `""` online, `/contoso` on premises.
    pub root: String,
}

impl ApiRequest {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `<origin><root>/api/data/<version>/` (the service root every URL the emulator writes
    /// starts with).
    pub fn base_url(&self) -> String {
        format!("{}{}/api/data/{}/", self.origin, self.root, self.version)
    }

    /// What the `Prefer` headers ask for.
    pub fn preferences(&self) -> Preferences {
        Preferences::parse(self.headers_named("prefer"))
    }
}
