//! The audit note written on the contact when a resubscribe request is saved (docs/domain.md §7):
//! its subject and English text, within the `annotation` limits (subject ≤ 500, text ≤ 100,000
//! UTF-16 units, as Dataverse counts), and the [`RequestMarker`] that identifies the request so
//! a retry finds the note it already wrote instead of writing a second one.
//!
//! Marker form: `(rsub:<suppression-guid>:<request-ms>)`. Square brackets are avoided on
//! purpose: Dataverse turns `contains()` into SQL `LIKE`, where `[...]` is a wildcard class,
//! `%` and `_` are wildcards too; the marker uses none of them, so
//! `contains(subject,'<marker>')` matches it literally.

use crate::prelude::*;
use core::fmt;

use super::eligibility::SuppressionReason;
use super::email::EmailAddress;
use super::evidence::Evidence;
use super::messages::english;
use super::note_fact::NoteFact;
use super::text::{self, bounded, bounded_utf16, utf16_len};
use super::time::Timestamp;

/// Maximum subject length of an `annotation` (UTF-16 units).
pub const MAX_SUBJECT: usize = 500;
/// Maximum text length of an `annotation` (UTF-16 units).
pub const MAX_TEXT: usize = 100_000;
/// Longest name (who asked, who recorded) written into the note.
const MAX_NAME: usize = 500;

const MARKER_OPEN: &str = "(rsub:";
const MARKER_CLOSE: char = ')';

/// Identifies one resubscribe request: the suppression record and when the request was saved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestMarker {
    /// The suppression record id: lower-case GUID without braces.
    pub suppression_id: String,
    /// When the request was saved (the *Resubscribe Request Date*).
    pub requested_at: Timestamp,
}

/// Why a marker cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteError {
    /// The record id is not a GUID (e.g. empty for an unsaved record).
    InvalidSuppressionId {
        /// The id given (bounded).
        value: String,
    },
}

impl NoteError {
    /// What went wrong, in English (for the log).
    pub fn describe(&self) -> String {
        match self {
            NoteError::InvalidSuppressionId { value } => {
                ["the suppression record id \"", value, "\" is not a GUID"].concat()
            }
        }
    }
}

impl fmt::Display for NoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl core::error::Error for NoteError {}

/// A GUID as Dataverse ids are written, normalized: braces stripped, lower case.
pub fn normalize_guid(text: &str) -> Option<String> {
    let text = text.trim();
    let inner = text
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or(text);
    let well_formed = inner.len() == 36
        && inner.char_indices().all(|(index, c)| match index {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    well_formed.then(|| inner.to_ascii_lowercase())
}

impl RequestMarker {
    /// The marker for the request on suppression record `suppression_id` (`{GUID}` accepted).
    pub fn new(suppression_id: &str, requested_at: Timestamp) -> Result<RequestMarker, NoteError> {
        let suppression_id =
            normalize_guid(suppression_id).ok_or_else(|| NoteError::InvalidSuppressionId {
                value: bounded(suppression_id, 60),
            })?;
        Ok(RequestMarker {
            suppression_id,
            requested_at,
        })
    }

    /// The first well-formed marker in `haystack`, if any.
    pub fn find_in(haystack: &str) -> Option<RequestMarker> {
        let mut rest = haystack;
        while let Some((_, after)) = text::split_once(rest, MARKER_OPEN) {
            rest = after;
            if let Some(marker) = Self::read_inside(after) {
                return Some(marker);
            }
        }
        None
    }

    /// The marker that `after` (the text after an opening `MARKER_OPEN`) starts with.
    fn read_inside(after: &str) -> Option<RequestMarker> {
        let (inside, _) = after.split_once(MARKER_CLOSE)?;
        let (guid, millis) = inside.split_once(':')?;
        let digits = millis.strip_prefix('-').unwrap_or(millis);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let millis = millis.parse::<i64>().ok()?;
        // Only the canonical (lower-case, brace-less) form is ours.
        let suppression_id = normalize_guid(guid).filter(|normal| normal == guid)?;
        Some(RequestMarker {
            suppression_id,
            requested_at: Timestamp(millis),
        })
    }

    /// The OData filter that finds notes carrying this marker.
    pub fn odata_filter(&self) -> String {
        // The marker holds no quote, so no OData escaping is needed.
        ["contains(subject,'", &self.text(), "')"].concat()
    }

    /// The id of the note this request's note is created with: a name-based UUID (version 8,
    /// RFC 9562) hashed from the marker, so every attempt for one request names the same note
    /// and Dataverse refuses a second create of it (`If-None-Match: *`) even when an earlier
    /// attempt went through after its answer was lost.
    pub fn note_id(&self) -> String {
        let marker = self.text();
        // FNV-1a, twice with different bases: 128 bits from the marker.
        let hash = |basis: u64| {
            marker.bytes().fold(basis, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            })
        };
        let high = (hash(0xcbf2_9ce4_8422_2325) & !0xf000) | 0x8000;
        let low = (hash(0x6c62_272e_07bb_0142) & !(0b11 << 62)) | (0b10 << 62);
        let mut id = String::with_capacity(36);
        for (i, nibble) in (0..32)
            .rev()
            .map(|n| {
                let word = if n >= 16 { high } else { low };
                (word >> ((n % 16) * 4)) & 0xf
            })
            .enumerate()
        {
            if matches!(i, 8 | 12 | 16 | 20) {
                id.push('-');
            }
            id.push(char::from(b"0123456789abcdef"[nibble as usize & 0xf]));
        }
        id
    }

    /// Whether a record with this *Request Resubscribe* flag and *Resubscribe Request Date*
    /// holds this request: the flag set and the date to the second (Dataverse keeps seconds),
    /// or a whole day (a date-only column keeps the user's calendar day, at most a day from the
    /// UTC one), or no readable date.
    pub fn is_on_record(&self, flag: bool, date: Option<Timestamp>) -> bool {
        const DAY: i64 = 86_400_000;
        let ours = self.requested_at.millis();
        flag && date.is_none_or(|d| {
            let d = d.millis();
            d.div_euclid(1000) == ours.div_euclid(1000)
                || (d.rem_euclid(DAY) == 0 && (d.div_euclid(DAY) - ours.div_euclid(DAY)).abs() <= 1)
        })
    }

    /// The marker as written in a note's subject: `(rsub:<guid>:<millis>)`.
    pub fn text(&self) -> String {
        let millis = text::decimal(self.requested_at.millis());
        let mut out = String::with_capacity(self.suppression_id.len() + millis.len() + 8);
        out.extend([MARKER_OPEN, &self.suppression_id, ":", &millis]);
        out.push(MARKER_CLOSE);
        out
    }
}

impl fmt::Display for RequestMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// The audit note to write on the contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResubscribeNote {
    /// `annotation.subject`, ending with the marker.
    pub subject: String,
    /// `annotation.notetext`, English (an audit record, not UI).
    pub text: String,
    /// The marker in the subject.
    pub marker: RequestMarker,
}

impl ResubscribeNote {
    /// The note as read back from Dynamics (created when its request was made).
    pub fn as_fact(&self) -> NoteFact {
        NoteFact {
            subject: self.subject.clone(),
            text: self.text.clone(),
            created_on: self.marker.requested_at,
        }
    }

    /// Composes the note for a request identified by `marker`.
    pub fn compose(
        evidence: &Evidence,
        email: &EmailAddress,
        reason: &SuppressionReason,
        marker: &RequestMarker,
    ) -> ResubscribeNote {
        let marker_text = marker.text();
        let prefix = ["Resubscribe request: ", email.as_str(), " "].concat();
        let prefix = bounded_utf16(&prefix, MAX_SUBJECT.saturating_sub(utf16_len(&marker_text)));
        let subject = [prefix.as_str(), &marker_text].concat();

        let recorder_id = normalize_guid(&evidence.recorded_by.id)
            .unwrap_or_else(|| bounded(&evidence.recorded_by.id, 60));
        let recorder_name = bounded(&evidence.recorded_by.name, MAX_NAME);
        let recorder = if recorder_name.is_empty() {
            recorder_id
        } else {
            [recorder_name.as_str(), " (", &recorder_id, ")"].concat()
        };
        let head = [
            "Resubscribe requested on the contact's explicit request.\n",
            "Who asked: ",
            &bounded(&evidence.contact_name, MAX_NAME),
            "\nChannel: ",
            english(evidence.channel.label_key()),
            "\nWhen they asked: ",
            &evidence.requested_at.to_iso(),
            "\nDetails / reference: ",
        ]
        .concat();
        let tail = [
            "\nRecorded by: ",
            &recorder,
            "\nEmail address: ",
            email.as_str(),
            "\nSuppression reason: ",
            reason.label(),
            "\nRequested at: ",
            &marker.requested_at.to_iso(),
            "\nSuppression record: ",
            &marker.suppression_id,
            "\nRequest marker: ",
            &marker_text,
        ]
        .concat();
        let budget = MAX_TEXT.saturating_sub(utf16_len(&head) + utf16_len(&tail));
        let details = bounded_utf16(evidence.details_trimmed(), budget);
        ResubscribeNote {
            subject,
            text: [head.as_str(), &details, &tail].concat(),
            marker: marker.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence::tests::{phone_call, NOW};
    use crate::domain::evidence::UserRef;
    use proptest::prelude::*;

    const RECORD: &str = "{8F1C2D3E-4A5B-4C6D-8E7F-901A2B3C4D5E}";

    fn marker() -> RequestMarker {
        RequestMarker::new(RECORD, NOW).unwrap()
    }

    fn email() -> EmailAddress {
        EmailAddress::parse("jane.doe@example.com").unwrap()
    }

    #[test]
    fn marker_is_stable_lower_case_and_free_of_like_wildcards() {
        let text = marker().to_string();
        assert_eq!(
            text,
            "(rsub:8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e:1795701780000)"
        );
        assert!(!text.contains(['[', ']', '%', '_', '\'']));
        assert_eq!(
            marker().odata_filter(),
            "contains(subject,'(rsub:8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e:1795701780000)')"
        );
    }

    #[test]
    fn the_note_id_is_a_version_8_uuid_named_by_the_request() {
        let id = marker().note_id();
        // Pinned: a request held across an upgrade must name the same note after it.
        assert_eq!(id, "183203d8-c9dc-8d6f-9345-58c59cd901ba");
        assert_eq!(
            crate::domain::note::normalize_guid(&id).as_deref(),
            Some(id.as_str()),
            "{id} is a canonical GUID"
        );
        assert_eq!(&id[14..15], "8", "version 8: {id}");
        assert!(
            matches!(&id[19..20], "8" | "9" | "a" | "b"),
            "RFC variant: {id}"
        );
        let later = RequestMarker::new(RECORD, Timestamp(NOW.millis() + 1000)).unwrap();
        let other = RequestMarker::new("8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5f", NOW).unwrap();
        assert_ne!(later.note_id(), id);
        assert_ne!(other.note_id(), id);
        assert_ne!(later.note_id(), other.note_id());
    }

    #[test]
    fn a_request_is_on_the_record_with_the_flag_and_its_date() {
        let m = marker();
        let at = m.requested_at.millis();
        assert!(m.is_on_record(true, Some(Timestamp(at + 999))));
        assert!(m.is_on_record(true, None), "no readable date: kept");
        let midnight = Timestamp(at.div_euclid(86_400_000) * 86_400_000);
        assert!(m.is_on_record(true, Some(midnight)), "a date-only column");
        // The user's calendar day east (+11 h) and west (−8 h) of UTC.
        let day = |offset_hours: i64| {
            let local = at + offset_hours * 3_600_000;
            Timestamp(local.div_euclid(86_400_000) * 86_400_000)
        };
        assert!(m.is_on_record(true, Some(day(11))));
        assert!(m.is_on_record(true, Some(day(-8))));
        assert!(!m.is_on_record(false, Some(m.requested_at)));
        assert!(
            !m.is_on_record(true, Some(Timestamp(at - 3_600_000))),
            "another request"
        );
        let two_days_before = Timestamp(midnight.millis() - 2 * 86_400_000);
        assert!(!m.is_on_record(true, Some(two_days_before)));
    }

    #[test]
    fn refuses_a_marker_for_an_unsaved_record() {
        assert!(matches!(
            RequestMarker::new("", NOW),
            Err(NoteError::InvalidSuppressionId { .. })
        ));
        assert!(RequestMarker::new("8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5", NOW).is_err());
    }

    #[test]
    fn finds_the_marker_in_a_retrieved_subject() {
        let subject = "Resubscribe request: jane.doe@example.com \
                       (rsub:8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e:1795701780000)";
        assert_eq!(RequestMarker::find_in(subject), Some(marker()));
        assert_eq!(RequestMarker::find_in("Resubscribed"), None);
        assert_eq!(RequestMarker::find_in("(rsub:not-a-guid:1)(rsub:"), None);
        let after_junk = format!("(rsub:x:1) {}", marker());
        assert_eq!(RequestMarker::find_in(&after_junk), Some(marker()));
    }

    #[test]
    fn note_lists_who_how_when_what_and_who_recorded_it() {
        let note = ResubscribeNote::compose(
            &phone_call(),
            &email(),
            &SuppressionReason::Unsubscribed,
            &marker(),
        );
        assert_eq!(
            note.subject,
            "Resubscribe request: jane.doe@example.com \
             (rsub:8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e:1795701780000)"
        );
        assert_eq!(
            note.text,
            "Resubscribe requested on the contact's explicit request.\n\
             Who asked: Jane Doe\n\
             Channel: Phone\n\
             When they asked: 2026-11-26T13:33:00Z\n\
             Details / reference: Called the service desk and asked to get the newsletter again. \
             Ticket CAS-01234.\n\
             Recorded by: Sam Agent (0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c)\n\
             Email address: jane.doe@example.com\n\
             Suppression reason: Unsubscribed\n\
             Requested at: 2026-11-26T14:03:00Z\n\
             Suppression record: 8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e\n\
             Request marker: (rsub:8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e:1795701780000)"
        );
        assert_eq!(RequestMarker::find_in(&note.subject), Some(marker()));
    }

    #[test]
    fn stays_within_annotation_limits_without_splitting_the_marker() {
        let mut evidence = phone_call();
        evidence.details = "😀".repeat(60_000);
        evidence.contact_name = "N".repeat(5_000);
        evidence.recorded_by = UserRef {
            id: "not a guid".into(),
            name: "R".repeat(5_000),
        };
        let note = ResubscribeNote::compose(
            &evidence,
            &email(),
            &SuppressionReason::Unknown("x".repeat(100)),
            &marker(),
        );
        assert!(utf16_len(&note.subject) <= MAX_SUBJECT);
        assert!(utf16_len(&note.text) <= MAX_TEXT);
        assert!(note.text.ends_with(&marker().to_string()));
        assert!(note.text.contains("…\nRecorded by: "));
    }

    proptest! {
        /// Any evidence text (HTML, scripts, control characters, any length) validates to a
        /// typed answer and composes a note within the annotation limits whose subject still
        /// carries the marker.
        #[test]
        fn any_evidence_text_gives_a_bounded_note_with_its_marker(
            who in any::<String>(),
            details in ".{0,3000}",
            recorder in any::<String>(),
            asked in any::<i64>(),
        ) {
            let evidence = crate::domain::evidence::Evidence {
                contact_name: who,
                channel: crate::domain::evidence::Channel::Other,
                requested_at: Timestamp(asked),
                details,
                recorded_by: crate::domain::evidence::UserRef { id: recorder.clone(), name: recorder },
            };
            let _ = evidence.validate(Timestamp(1_795_701_780_000), Some(Timestamp(0)));
            let marker = RequestMarker::new("7d4c0f0e-1b2a-4f3e-9a10-00000000a001", Timestamp(1_795_701_780_000)).unwrap();
            let email = crate::domain::email::EmailAddress::parse("jane.doe@example.com").unwrap();
            let note = ResubscribeNote::compose(&evidence, &email, &SuppressionReason::Unsubscribed, &marker);
            prop_assert!(crate::domain::text::utf16_len(&note.subject) <= MAX_SUBJECT);
            prop_assert!(crate::domain::text::utf16_len(&note.text) <= MAX_TEXT);
            prop_assert_eq!(RequestMarker::find_in(&note.subject), Some(marker));
        }

        #[test]
        fn find_in_never_panics(text in any::<String>()) {
            let _ = RequestMarker::find_in(&text);
        }

        #[test]
        fn marker_roundtrips_through_find_in(
            guid in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            ms in any::<i64>(),
            before in ".{0,20}",
            after in ".{0,20}",
        ) {
            let marker = RequestMarker::new(&guid, Timestamp(ms)).unwrap();
            let found = RequestMarker::find_in(&format!("{before}{marker}{after}"));
            // Text before may itself hold a well-formed marker only by astronomically small chance.
            prop_assert_eq!(found, Some(marker));
        }
    }
}
