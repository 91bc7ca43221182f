//! The note outbox: a request whose audit note is not written yet survives reloads here
//! (`localStorage`, keyed by organization + record) until the note exists.
//!
//! An entry is written when OnSave lets a request through (before the save happens), dropped
//! when the save fails, and dropped when the note is found or created. On the next load of
//! the record, an entry whose request is on the saved record is retried; one whose request
//! never reached the record (the save did not happen) is dropped.

use super::storage::{self, Store};
use crate::dataverse::json::{self, Json};
use crate::domain::json::JsonValue;
use crate::domain::note::RequestMarker;
use crate::domain::text::decimal;
use crate::domain::time::Timestamp;
use crate::prelude::*;

/// One pending note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The request the note records.
    pub marker: RequestMarker,
    /// Where the note goes: `contact` or the suppression table's logical name.
    pub target_table: String,
    /// The entity set of the target (`contacts`, `esc_emailsuppressions`).
    pub target_set: String,
    /// The target record id.
    pub target_id: String,
    /// Note subject.
    pub subject: String,
    /// Note text.
    pub text: String,
    /// Whether the form save carrying the request succeeded.
    pub saved: bool,
    /// Attempts made so far (across loads).
    pub attempts: u32,
    /// The last failure, for support.
    pub last_error: Option<String>,
}

impl Entry {
    /// The entry as stored (JSON).
    pub fn encode(&self) -> String {
        let text = |t: &str| json::string(t);
        json::object(&[
            ("suppressionId", &text(&self.marker.suppression_id)),
            ("requestedAt", &decimal(self.marker.requested_at.millis())),
            ("targetTable", &text(&self.target_table)),
            ("targetSet", &text(&self.target_set)),
            ("targetId", &text(&self.target_id)),
            ("subject", &text(&self.subject)),
            ("text", &text(&self.text)),
            ("saved", json::boolean(self.saved)),
            ("attempts", &decimal(self.attempts.into())),
            (
                "lastError",
                &self
                    .last_error
                    .as_deref()
                    .map_or_else(|| "null".to_owned(), text),
            ),
        ])
    }

    /// Reads a stored entry; `None` for anything that is not one.
    pub fn decode(stored: &str) -> Option<Entry> {
        let value = Json::parse(stored).ok()?;
        let text = |name: &str| value.field(name).and_then(|v| v.text());
        let marker = RequestMarker::new(
            &text("suppressionId")?,
            Timestamp(value.integer("requestedAt")?),
        )
        .ok()?;
        Some(Entry {
            marker,
            target_table: text("targetTable")?,
            target_set: text("targetSet")?,
            target_id: text("targetId")?,
            subject: text("subject")?,
            text: text("text")?,
            saved: value.field("saved").and_then(|v| v.boolean())?,
            attempts: u32::try_from(value.integer("attempts")?).ok()?,
            last_error: text("lastError"),
        })
    }

    /// Whether the saved record carries this entry's request (flag set, same request date,
    /// to the second: Dataverse stores seconds).
    pub fn request_is_on_record(&self, flag: bool, request_date: Option<Timestamp>) -> bool {
        flag && request_date
            .is_some_and(|d| d.millis() / 1000 == self.marker.requested_at.millis() / 1000)
    }
}

/// The storage key for a record of an organization.
pub fn key(client_url: &str, record_id: &str) -> String {
    [
        "rsub.outbox.",
        &client_url.to_ascii_lowercase(),
        ".",
        record_id,
    ]
    .concat()
}

/// The entry for a record, if any (an unreadable entry is dropped).
pub fn load(key: &str) -> Option<Entry> {
    let text = storage::get(Store::Local, key)?;
    let entry = Entry::decode(&text);
    if entry.is_none() {
        storage::remove(Store::Local, key);
    }
    entry
}

/// Stores the entry; returns whether the browser kept it.
pub fn store(key: &str, entry: &Entry) -> bool {
    storage::set(Store::Local, key, &entry.encode())
}

/// Removes the entry.
pub fn clear(key: &str) {
    storage::remove(Store::Local, key);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            marker: RequestMarker::new(
                "7d4c0f0e-1b2a-4f3e-9a10-00000000a001",
                Timestamp(1_795_701_780_000),
            )
            .unwrap(),
            target_table: "contact".into(),
            target_set: "contacts".into(),
            target_id: "3c2b1a00-9e8d-4c7b-8a6f-00000000c001".into(),
            subject: "Resubscribe request: maria@contoso.com (rsub:…)".into(),
            text: "Who asked: \"Maria\"\nChannel: Phone".into(),
            saved: false,
            attempts: 2,
            last_error: Some("503 Service Unavailable".into()),
        }
    }

    #[test]
    fn entries_round_trip_through_their_stored_text() {
        assert_eq!(Entry::decode(&entry().encode()), Some(entry()));
        let without = Entry {
            last_error: None,
            ..entry()
        };
        assert_eq!(Entry::decode(&without.encode()), Some(without));
        assert_eq!(Entry::decode(r#"{"suppressionId":"x"}"#), None);
    }

    #[test]
    fn the_request_is_on_the_record_only_with_the_flag_and_the_same_second() {
        let e = entry();
        let at = e.marker.requested_at;
        assert!(e.request_is_on_record(true, Some(at)));
        assert!(e.request_is_on_record(true, Some(Timestamp(at.millis() + 999))));
        assert!(!e.request_is_on_record(false, Some(at)));
        assert!(!e.request_is_on_record(true, None));
        assert!(!e.request_is_on_record(true, Some(Timestamp(at.millis() + 60_000))));
    }

    #[test]
    fn keys_separate_organizations_and_records() {
        assert_eq!(
            key("https://Contoso.crm4.dynamics.com", "abc"),
            "rsub.outbox.https://contoso.crm4.dynamics.com.abc"
        );
        assert_ne!(key("https://a", "r"), key("https://b", "r"));
    }
}
