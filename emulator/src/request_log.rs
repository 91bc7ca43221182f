//! The request log behind `GET /_emulator/requests`: one entry per HTTP request that reached the
//! Web API or the static files (the `/_emulator/` control calls are not logged), so tests can
//! count round trips. A `$batch` is one entry; its operations are listed inside it.

use serde::Serialize;

/// The header the demo host puts on its own Web API requests, so that round-trip counts can
/// leave them out.
pub const HOST_HEADER: &str = "X-Demo-Host";

/// Most entries kept; older ones are dropped first.
pub const CAPACITY: usize = 10_000;

/// One logged request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// HTTP method.
    pub method: String,
    /// Path with query string, as sent.
    pub path: String,
    /// The request's `If-Match` header, if any (optimistic concurrency on writes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub if_match: Option<String>,
    /// Sent by the demo host's own Web API calls (header [`HOST_HEADER`]), not by the plugin.
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    pub demo_host: bool,
    /// Response status; `null` when the connection was dropped.
    pub status: Option<u16>,
    /// When the request arrived (ISO 8601 UTC, milliseconds).
    pub started_at: String,
    /// How long it took to answer, in milliseconds.
    pub duration_ms: u64,
    /// The injected fault, if any (`"status 429"`, `"drop"`, `"delay 500ms"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// For `$batch`: the operations inside, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub batch_parts: Vec<BatchPartEntry>,
}

/// One operation inside a `$batch`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchPartEntry {
    /// HTTP method of the operation.
    pub method: String,
    /// URL of the operation, as written in the part.
    pub path: String,
    /// Its status (`null` when it was not run).
    pub status: Option<u16>,
    /// Index of the change set it belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_set: Option<usize>,
}

/// The log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestLog {
    entries: Vec<LogEntry>,
}

impl RequestLog {
    /// Appends an entry.
    pub fn push(&mut self, entry: LogEntry) {
        if self.entries.len() >= CAPACITY {
            self.entries.remove(0);
        }
        self.entries.push(entry);
    }

    /// All entries, oldest first.
    pub fn entries(&self) -> &[LogEntry] {
        &self.entries
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
