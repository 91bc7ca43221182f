//! The connector version, cached per organization in `sessionStorage` for a bounded time so a
//! warm form load does not ask for it again. Only definite answers are cached (installed with
//! a version, or not installed); "could not read" is asked again next time.

use serde::{Deserialize, Serialize};

use super::storage::{self, Store};
use crate::dataverse::json;
use crate::domain::compatibility::ConnectorReading;
use crate::domain::time::Timestamp;

/// How long a cached reading is trusted.
pub const LIFETIME_MS: i64 = 10 * 60 * 1000;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cached {
    reading: ConnectorReading,
    read_at: Timestamp,
}

fn key(client_url: &str, solution: &str) -> String {
    format!(
        "rsub.connector.{}.{}",
        client_url.to_ascii_lowercase(),
        solution
    )
}

/// Whether a reading taken at `read_at` may still be used at `now`.
pub fn is_fresh(read_at: Timestamp, now: Timestamp) -> bool {
    let age = now.millis() - read_at.millis();
    (0..LIFETIME_MS).contains(&age)
}

/// The cached reading, if fresh.
pub fn get(client_url: &str, solution: &str, now: Timestamp) -> Option<ConnectorReading> {
    let text = storage::get(Store::Session, &key(client_url, solution))?;
    let cached: Cached = json::decode(&text).ok()?;
    is_fresh(cached.read_at, now).then_some(cached.reading)
}

/// Caches a definite reading.
pub fn put(client_url: &str, solution: &str, reading: &ConnectorReading, now: Timestamp) {
    if matches!(reading, ConnectorReading::Unreadable { .. }) {
        return;
    }
    let cached = Cached {
        reading: reading.clone(),
        read_at: now,
    };
    if let Ok(text) = json::encode(&cached) {
        storage::set(Store::Session, &key(client_url, solution), &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reading_is_fresh_for_ten_minutes_and_never_from_the_future() {
        let at = Timestamp(1_795_701_780_000);
        assert!(is_fresh(at, at));
        assert!(is_fresh(at, Timestamp(at.millis() + LIFETIME_MS - 1)));
        assert!(!is_fresh(at, Timestamp(at.millis() + LIFETIME_MS)));
        assert!(
            !is_fresh(at, Timestamp(at.millis() - 1)),
            "a clock moved back invalidates"
        );
    }
}
