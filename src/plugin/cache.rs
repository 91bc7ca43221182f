//! The connector version, cached per organization in `sessionStorage` for a bounded time so a
//! warm form load does not ask for it again. Only definite answers are cached (installed with
//! a version, or not installed); "could not read" is asked again next time.

use super::storage;
use crate::dataverse::json::{self, Json};
use crate::domain::compatibility::ConnectorReading;
use crate::domain::json::JsonValue;
use crate::domain::text::decimal;
use crate::domain::time::Timestamp;
use crate::prelude::*;

/// How long a cached reading is trusted.
pub const LIFETIME_MS: i64 = 10 * 60 * 1000;

fn key(client_url: &str, solution: &str) -> String {
    [
        "rsub.connector.",
        &client_url.to_ascii_lowercase(),
        ".",
        solution,
    ]
    .concat()
}

/// Whether a reading taken at `read_at` may still be used at `now`.
pub fn is_fresh(read_at: Timestamp, now: Timestamp) -> bool {
    let age = now.millis() - read_at.millis();
    (0..LIFETIME_MS).contains(&age)
}

/// The cached reading, if fresh.
pub fn get(client_url: &str, solution: &str, now: Timestamp) -> Option<ConnectorReading> {
    let text = storage::get(&key(client_url, solution))?;
    let (reading, read_at) = decode(&text)?;
    is_fresh(read_at, now).then_some(reading)
}

/// Caches a definite reading.
pub fn put(client_url: &str, solution: &str, reading: &ConnectorReading, now: Timestamp) {
    if let Some(text) = encode(reading, now) {
        storage::set(&key(client_url, solution), &text);
    }
}

/// `{"version": "7.0.1.721" | null, "readAt": ms}`; `None` for a reading not worth caching.
fn encode(reading: &ConnectorReading, read_at: Timestamp) -> Option<String> {
    let version = match reading {
        ConnectorReading::Installed { version } => json::string(version),
        ConnectorReading::NotInstalled => "null".to_owned(),
        ConnectorReading::Unreadable { .. } => return None,
    };
    Some(json::object(&[
        ("version", &version),
        ("readAt", &decimal(read_at.millis())),
    ]))
}

fn decode(text: &str) -> Option<(ConnectorReading, Timestamp)> {
    let value = Json::parse(text).ok()?;
    let read_at = Timestamp(value.integer("readAt")?);
    let reading = match value.field("version") {
        Some(version) => ConnectorReading::Installed {
            version: version.text()?,
        },
        None => ConnectorReading::NotInstalled,
    };
    Some((reading, read_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_readings_round_trip_and_unreadable_ones_are_not_cached() {
        let at = Timestamp(1_795_701_780_000);
        for reading in [
            ConnectorReading::installed("7.0.1.721"),
            ConnectorReading::NotInstalled,
        ] {
            let text = encode(&reading, at).unwrap();
            assert_eq!(decode(&text), Some((reading, at)));
        }
        assert_eq!(
            encode(&ConnectorReading::Unreadable { why: "403".into() }, at),
            None
        );
        assert_eq!(decode("{}"), None);
    }

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
