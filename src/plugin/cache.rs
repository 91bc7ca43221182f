//! The connector version, kept for the page's life for a bounded time so a form loaded again
//! in the same frame does not ask for it again. Only definite answers are kept (installed with
//! a version, or not installed); "could not read" is asked again next time.
//!
//! It lives in memory, not in `sessionStorage`: the first touch of a frame's storage is a
//! synchronous trip to the browser's storage (0.4–4 ms on the main thread, measured on every
//! load, cached or not), while the reading it saves is one part of the load's single `$batch`.

use crate::domain::compatibility::ConnectorReading;
use crate::domain::time::Timestamp;
use crate::prelude::*;
use core::cell::RefCell;

/// How long a kept reading is trusted.
pub const LIFETIME_MS: i64 = 10 * 60 * 1000;

/// A reading kept for an organization (its client URL, lower case) and connector solution.
struct Kept {
    key: String,
    reading: ConnectorReading,
    read_at: Timestamp,
}

crate::local::page_local! {
    static KEPT: RefCell<Vec<Kept>> = RefCell::new(Vec::new());
}

fn key(client_url: &str, solution: &str) -> String {
    [&client_url.to_ascii_lowercase(), " ", solution].concat()
}

/// Whether a reading taken at `read_at` may still be used at `now`.
pub fn is_fresh(read_at: Timestamp, now: Timestamp) -> bool {
    let age = now.millis() - read_at.millis();
    (0..LIFETIME_MS).contains(&age)
}

/// The kept reading, if fresh.
pub fn get(client_url: &str, solution: &str, now: Timestamp) -> Option<ConnectorReading> {
    let key = key(client_url, solution);
    KEPT.with(|kept| {
        let kept = kept.try_borrow().ok()?;
        let found = kept.iter().find(|k| k.key == key)?;
        is_fresh(found.read_at, now).then(|| found.reading.clone())
    })
}

/// Keeps a definite reading.
pub fn put(client_url: &str, solution: &str, reading: &ConnectorReading, now: Timestamp) {
    if matches!(reading, ConnectorReading::Unreadable { .. }) {
        return;
    }
    let key = key(client_url, solution);
    KEPT.with(|kept| {
        let Ok(mut kept) = kept.try_borrow_mut() else {
            return;
        };
        kept.retain(|k| k.key != key);
        kept.push(Kept {
            key,
            reading: reading.clone(),
            read_at: now,
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_readings_are_kept_per_organization_and_unreadable_ones_are_not() {
        let at = Timestamp(1_795_701_780_000);
        let url = "https://Contoso.crm.dynamics.com";
        put(
            url,
            "dotmailer",
            &ConnectorReading::installed("7.0.1.721"),
            at,
        );
        assert_eq!(
            get("https://contoso.crm.dynamics.com", "dotmailer", at),
            Some(ConnectorReading::installed("7.0.1.721"))
        );
        assert_eq!(
            get("https://fabrikam.crm.dynamics.com", "dotmailer", at),
            None
        );
        put(url, "dotmailer", &ConnectorReading::NotInstalled, at);
        assert_eq!(
            get(url, "dotmailer", at),
            Some(ConnectorReading::NotInstalled)
        );
        put(
            url,
            "dotmailer",
            &ConnectorReading::Unreadable { why: "403".into() },
            at,
        );
        assert_eq!(
            get(url, "dotmailer", at),
            Some(ConnectorReading::NotInstalled),
            "an unreadable answer replaces nothing"
        );
        assert_eq!(
            get(url, "dotmailer", Timestamp(at.millis() + LIFETIME_MS)),
            None,
            "a kept reading expires"
        );
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
