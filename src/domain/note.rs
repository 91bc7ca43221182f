//! The audit note written on the contact when a resubscribe request is saved (docs/domain.md §7):
//! its subject and English text, read by people in the contact's timeline, within the
//! `annotation` limits (subject ≤ 500, text ≤ 100,000 UTF-16 units, as Dataverse counts); the
//! [`RequestMarker`] that identifies the request; and [`RequestKey`], which recognises our
//! notes when they are read back.
//!
//! The request is named where people do not read it: in the note's id ([`RequestMarker::note_id`]),
//! which holds a tag, the request's time and a hash of the suppression record id. A retry
//! creates the same id, which Dataverse refuses to create twice.
//!
//! Notes written before carry the marker in their subject, `(rsub:<suppression-guid>:<request-ms>)`;
//! they are still recognised ([`RequestMarker::find_in`]). Square brackets are avoided on
//! purpose: Dataverse turns `contains()` into SQL `LIKE`, where `[...]` is a wildcard class,
//! `%` and `_` are wildcards too; the marker uses none of them, so
//! `contains(subject,'<marker>')` matches it literally.

use crate::prelude::*;
use core::fmt;

use super::eligibility::SuppressionReason;
use super::email::EmailAddress;
use super::evidence::{Channel, Evidence, UserRef};
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

/// The first 16 bits of a note id named by its request.
const ID_TAG: u64 = 0x5eb5;
/// The first 16 bits of the id of the note that records the request's withdrawal.
const WITHDRAWAL_TAG: u64 = 0x5eb6;
/// Request times up to 2^44 ms after 1970 (the year 2527) fit in a note id.
const TIME_BITS: u32 = 44;
/// The hash of the suppression record id kept in a note id (the low word less the variant).
const HASH_MASK: u64 = (1 << 62) - 1;

/// How every subject we write starts (a note recognised by its id must also start so).
pub(crate) const SUBJECT_LEAD: &str = "Resubscribe request";
/// The note's text: the fixed words around what the user typed (read back by the history).
pub(crate) const ASKED: &str = " asked ";
pub(crate) const ON: &str = " on ";
pub(crate) const TO_RECEIVE: &str = " to receive email again at ";
pub(crate) const REASON_OPEN: &str = "The address had been suppressed (";
pub(crate) const REASON_CLOSE: &str = ").";
pub(crate) const RECORDED: &str = " recorded the request on ";
pub(crate) const RECORDED_BY_ID: &str = " by the user with id ";
pub(crate) const DETAILS_LEAD: &str = "Details: ";
/// The subject of the note that records a withdrawal (a note recognised as one by its id must
/// also start so).
pub(crate) const WITHDRAWN_SUBJECT: &str = "Resubscribe request withdrawn";
/// The withdrawal note's text: "<user> withdrew the resubscribe request of <date> on <date>."
pub(crate) const WITHDREW: &str = " withdrew the resubscribe request of ";

/// How a channel reads inside the note's sentence ("Jane Doe asked by phone on …").
pub(crate) fn channel_phrase(channel: Channel) -> &'static str {
    match channel {
        Channel::Phone => "by phone",
        Channel::Email => "by email",
        Channel::Letter => "by letter",
        Channel::InPerson => "in person",
        Channel::WebForm => "through a web form",
        Channel::Other => "in another way",
    }
}

/// `text` with line breaks and other control characters as spaces: a name stays on its line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// FNV-1a (64 bits) of `text`.
fn fnv1a(text: &str, basis: u64) -> u64 {
    text.bytes().fold(basis, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The suppression record's hash kept in a note id.
fn record_hash(suppression_id: &str) -> u64 {
    fnv1a(suppression_id, 0xcbf2_9ce4_8422_2325) & HASH_MASK
}

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
    /// The request time is before 1970 or after 2527 (a clock that is far off).
    TimeOutOfRange,
}

impl NoteError {
    /// What went wrong, in English (for the log).
    pub fn describe(&self) -> String {
        match self {
            NoteError::InvalidSuppressionId { value } => {
                ["the suppression record id \"", value, "\" is not a GUID"].concat()
            }
            NoteError::TimeOutOfRange => "the request time is before 1970 or after 2527".into(),
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
        if !(0..1 << TIME_BITS).contains(&requested_at.millis()) {
            return Err(NoteError::TimeOutOfRange);
        }
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

    /// The OData filter that finds this request's note: by its id, or (written before the id
    /// named the request) by the marker in its subject.
    pub fn odata_filter(&self) -> String {
        // Neither the id nor the marker holds a quote, so no OData escaping is needed.
        [
            "(annotationid eq ",
            &self.note_id(),
            " or contains(subject,'",
            &self.text(),
            "'))",
        ]
        .concat()
    }

    /// The id of the note this request's note is created with, so every attempt for one
    /// request names the same note and Dataverse refuses a second create of it
    /// (`If-None-Match: *`) even when an earlier attempt went through after its answer was
    /// lost. A version 8 UUID (RFC 9562) that holds the request where people do not read it:
    /// a 16-bit tag, the request time in milliseconds (44 bits) and a 62-bit hash of the
    /// suppression record id (read back by [`RequestKey::of`]).
    pub fn note_id(&self) -> String {
        self.id_tagged(ID_TAG)
    }

    /// The id of the note that records this request's withdrawal: the request's id with
    /// another tag, so every attempt (a retried write, a second PostSave, another tab) names
    /// the same note and Dataverse creates it once.
    pub fn withdrawal_id(&self) -> String {
        self.id_tagged(WITHDRAWAL_TAG)
    }

    fn id_tagged(&self, tag: u64) -> String {
        let millis = self.requested_at.millis().rem_euclid(1 << TIME_BITS) as u64;
        let high = (tag << 48) | ((millis >> 12) << 16) | 0x8000 | (millis & 0xfff);
        let low = (0b10 << 62) | record_hash(&self.suppression_id);
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

/// Which suppression record a recognised note names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RecordKey {
    /// The record id, from a marker in the subject (notes written before the id named the
    /// request).
    Id(String),
    /// The hash of the record id, from the note's id.
    Hash(u64),
}

/// The request one of our notes records, as read back from the note: its time and which
/// suppression record it was made on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    /// When the request was saved.
    pub requested_at: Timestamp,
    record: RecordKey,
}

impl RequestKey {
    /// The request `note` records, when it is one of our audit notes: its id names the request
    /// and its subject starts as ours do, or (an older note) its subject carries the marker.
    pub fn of(note: &NoteFact) -> Option<RequestKey> {
        if let Some(marker) = RequestMarker::find_in(&note.subject) {
            return Some(RequestKey {
                requested_at: marker.requested_at,
                record: RecordKey::Id(marker.suppression_id),
            });
        }
        if !note.subject.starts_with(SUBJECT_LEAD) {
            return None;
        }
        Self::in_id(&note.id, ID_TAG)
    }

    /// The request whose withdrawal `note` records (its id names the request under the
    /// withdrawal tag, its subject starts as ours do).
    pub fn withdrawn_by(note: &NoteFact) -> Option<RequestKey> {
        if !note.subject.starts_with(WITHDRAWN_SUBJECT) {
            return None;
        }
        Self::in_id(&note.id, WITHDRAWAL_TAG)
    }

    /// The request an id made by [`RequestMarker::id_tagged`] with `tag` names.
    fn in_id(id: &str, tag: u64) -> Option<RequestKey> {
        let id = normalize_guid(id)?;
        let mut words = [0u64; 2];
        for (index, digit) in id.bytes().filter(|b| *b != b'-').enumerate() {
            let value = u64::from(char::from(digit).to_digit(16)?);
            let word = words.get_mut(index / 16)?;
            *word = (*word << 4) | value;
        }
        let [high, low] = words;
        let ours = high >> 48 == tag && (high >> 12) & 0xf == 8 && low >> 62 == 0b10;
        ours.then_some(RequestKey {
            requested_at: Timestamp((((high >> 16) & 0xffff_ffff) << 12 | (high & 0xfff)) as i64),
            record: RecordKey::Hash(low & HASH_MASK),
        })
    }

    /// Whether `self` and `other` name the same request (the same time, the same record).
    pub fn same_request(&self, other: &RequestKey) -> bool {
        let hash = |record: &RecordKey| match record {
            RecordKey::Id(id) => record_hash(id),
            RecordKey::Hash(hash) => *hash,
        };
        self.requested_at == other.requested_at && hash(&self.record) == hash(&other.record)
    }

    /// Whether the request was made on suppression record `suppression_id` (`{GUID}` and
    /// upper case accepted).
    pub fn is_for(&self, suppression_id: &str) -> bool {
        let Some(record) = normalize_guid(suppression_id) else {
            return false;
        };
        match &self.record {
            RecordKey::Id(id) => *id == record,
            RecordKey::Hash(hash) => *hash == record_hash(&record),
        }
    }
}

/// A withdrawal as read back from the note that records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    /// The request withdrawn.
    pub key: RequestKey,
    /// Who withdrew it (the name the note gives, or "The user with id …").
    pub by: String,
    /// When (the note's creation).
    pub on: Timestamp,
}

impl Withdrawal {
    /// The withdrawal `note` records, when it is one of ours.
    pub fn of(note: &NoteFact) -> Option<Withdrawal> {
        let key = RequestKey::withdrawn_by(note)?;
        let by = text::split_once(&note.text, WITHDREW).map_or("", |(by, _)| by);
        Some(Withdrawal {
            key,
            by: bounded(by.trim(), MAX_NAME),
            on: note.created_on,
        })
    }

    /// The latest withdrawal among `notes` of a request `request` names.
    pub fn of_request(notes: &[NoteFact], request: &RequestKey) -> Option<Withdrawal> {
        notes
            .iter()
            .filter_map(Withdrawal::of)
            .filter(|w| w.key.same_request(request))
            .max_by_key(|w| w.on)
    }
}

/// The audit note to write on the contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResubscribeNote {
    /// `annotation.subject`: who asked and how.
    pub subject: String,
    /// `annotation.notetext`, English (an audit record, not UI): sentences that say who asked,
    /// how, when, who recorded it, and what they said.
    pub text: String,
    /// The request (it names the note's id).
    pub marker: RequestMarker,
    /// `None`: the note of the request; `Some(at)`: the note recording that the request was
    /// withdrawn at `at`.
    pub withdrawn_at: Option<Timestamp>,
}

impl ResubscribeNote {
    /// The note's id: named by its request ([`RequestMarker::note_id`], or
    /// [`RequestMarker::withdrawal_id`] for a withdrawal).
    pub fn id(&self) -> String {
        match self.withdrawn_at {
            None => self.marker.note_id(),
            Some(_) => self.marker.withdrawal_id(),
        }
    }

    /// The OData filter that finds this note if it was written already.
    pub fn odata_filter(&self) -> String {
        match self.withdrawn_at {
            None => self.marker.odata_filter(),
            Some(_) => ["annotationid eq ", &self.marker.withdrawal_id()].concat(),
        }
    }

    /// The note as read back from Dynamics (created when its request was made, or withdrawn).
    pub fn as_fact(&self) -> NoteFact {
        NoteFact {
            id: self.id(),
            subject: self.subject.clone(),
            text: self.text.clone(),
            created_on: self.withdrawn_at.unwrap_or(self.marker.requested_at),
        }
    }

    /// The note that records the withdrawal of the request `marker` names, by `by` at `at`
    /// (docs/domain.md §8): "Sam Agent withdrew the resubscribe request of 2026-11-26 14:03
    /// UTC on 2026-11-27 09:12 UTC. Its Resubscribe Request Date was cleared, so the connector
    /// does not act on it." The request's own note is left as it was written.
    pub fn withdrawal(marker: &RequestMarker, by: &UserRef, at: Timestamp) -> ResubscribeNote {
        let name = one_line(&bounded(&by.name, MAX_NAME));
        let who = if name.trim().is_empty() {
            let id = normalize_guid(&by.id).unwrap_or_else(|| one_line(&bounded(&by.id, 60)));
            ["The user with id ", &id].concat()
        } else {
            name
        };
        let text = [
            who.as_str(),
            WITHDREW,
            &marker.requested_at.to_display_utc(),
            ON,
            &at.to_display_utc(),
            ".\nIts Resubscribe Request Date was cleared, so the connector does not act on it.",
        ]
        .concat();
        ResubscribeNote {
            subject: WITHDRAWN_SUBJECT.to_owned(),
            text: bounded_utf16(&text, MAX_TEXT),
            marker: marker.clone(),
            withdrawn_at: Some(at),
        }
    }

    /// Composes the note for a request identified by `marker`.
    pub fn compose(
        evidence: &Evidence,
        email: &EmailAddress,
        reason: &SuppressionReason,
        marker: &RequestMarker,
    ) -> ResubscribeNote {
        let who = one_line(&bounded(&evidence.contact_name, MAX_NAME));
        let how = channel_phrase(evidence.channel);
        let subject = bounded_utf16(
            &[SUBJECT_LEAD, " from ", &who, ", ", how].concat(),
            MAX_SUBJECT,
        );

        let recorded_on = marker.requested_at.to_display_utc();
        let recorder_name = one_line(&bounded(&evidence.recorded_by.name, MAX_NAME));
        let recorded = if recorder_name.is_empty() {
            let id = normalize_guid(&evidence.recorded_by.id)
                .unwrap_or_else(|| one_line(&bounded(&evidence.recorded_by.id, 60)));
            [
                "The request was recorded on ",
                &recorded_on,
                RECORDED_BY_ID,
                &id,
                ".",
            ]
            .concat()
        } else {
            [recorder_name.as_str(), RECORDED, &recorded_on, "."].concat()
        };
        let head = [
            &who,
            ASKED,
            how,
            ON,
            &evidence.requested_at.to_display_utc(),
            TO_RECEIVE,
            email.as_str(),
            ".\n",
            REASON_OPEN,
            reason.label(),
            REASON_CLOSE,
            "\n",
            &recorded,
            "\n\n",
            DETAILS_LEAD,
        ]
        .concat();
        let head = bounded_utf16(&head, MAX_TEXT);
        let details = bounded_utf16(
            evidence.details_trimmed(),
            MAX_TEXT.saturating_sub(utf16_len(&head)),
        );
        ResubscribeNote {
            subject,
            text: [head.as_str(), &details].concat(),
            marker: marker.clone(),
            withdrawn_at: None,
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
            format!(
                "(annotationid eq {} or contains(subject,\
                 '(rsub:8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e:1795701780000)'))",
                marker().note_id()
            )
        );
    }

    #[test]
    fn the_note_id_is_a_version_8_uuid_named_by_the_request() {
        let id = marker().note_id();
        // Pinned: a request held across an upgrade must name the same note after it.
        assert_eq!(id, "5eb51a21-82aa-8e20-b2ef-867ae619ee93");
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

    fn fact(id: &str, subject: &str) -> NoteFact {
        NoteFact {
            id: id.into(),
            subject: subject.into(),
            text: String::new(),
            created_on: NOW,
        }
    }

    #[test]
    fn the_note_id_is_read_back_as_the_request() {
        let key = RequestKey::of(&fact(
            &marker().note_id(),
            "Resubscribe request from Jane Doe",
        ))
        .expect("our note");
        assert_eq!(key.requested_at, NOW);
        assert!(key.is_for(RECORD));
        assert!(key.is_for("8F1C2D3E-4A5B-4C6D-8E7F-901A2B3C4D5E"));
        assert!(!key.is_for("8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5f"));
        assert!(!key.is_for("not a guid"));
        // Someone else's note: another id, or our id under a subject we never write.
        let dataverse_id = "0d7e3a52-6b8f-4c1e-9f20-3a4b5c6d7e8f";
        assert_eq!(
            RequestKey::of(&fact(dataverse_id, "Resubscribe request")),
            None
        );
        assert_eq!(
            RequestKey::of(&fact(&marker().note_id(), "Resubscribed")),
            None
        );
        assert_eq!(RequestKey::of(&fact("", "Resubscribe request")), None);
        // A note in the earlier layout: the marker in the subject, any id.
        let old = fact(
            dataverse_id,
            &format!("Resubscribe request: a@b.com {}", marker()),
        );
        let old_key = RequestKey::of(&old).expect("an earlier note");
        assert_eq!(old_key.requested_at, NOW);
        assert!(old_key.is_for(RECORD));
    }

    #[test]
    fn a_time_a_note_id_cannot_hold_is_refused() {
        assert_eq!(
            RequestMarker::new(RECORD, Timestamp(-1)),
            Err(NoteError::TimeOutOfRange)
        );
        assert_eq!(
            RequestMarker::new(RECORD, Timestamp(1 << 44)),
            Err(NoteError::TimeOutOfRange)
        );
        assert!(RequestMarker::new(RECORD, Timestamp((1 << 44) - 1)).is_ok());
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
    fn note_says_who_asked_how_and_when_and_who_recorded_it_in_sentences() {
        let note = ResubscribeNote::compose(
            &phone_call(),
            &email(),
            &SuppressionReason::Unsubscribed,
            &marker(),
        );
        assert_eq!(note.subject, "Resubscribe request from Jane Doe, by phone");
        assert_eq!(
            note.text,
            "Jane Doe asked by phone on 2026-11-26 13:33 UTC to receive email again at \
             jane.doe@example.com.\n\
             The address had been suppressed (Unsubscribed).\n\
             Sam Agent recorded the request on 2026-11-26 14:03 UTC.\n\
             \n\
             Details: Called the service desk and asked to get the newsletter again. \
             Ticket CAS-01234."
        );
        for technical in ["rsub", "8f1c2d3e", "0b5a3c1e", "T13:33", ":00Z", "marker"] {
            assert!(
                !note.subject.contains(technical),
                "{technical} in the subject"
            );
            assert!(!note.text.contains(technical), "{technical} in the text");
        }
        let key = RequestKey::of(&note.as_fact()).expect("recognised by its id");
        assert_eq!(key.requested_at, marker().requested_at);
    }

    #[test]
    fn an_unknown_recorder_is_named_by_id_and_a_name_stays_on_its_line() {
        let mut evidence = phone_call();
        evidence.recorded_by.name = String::new();
        evidence.contact_name = "Jane\nDoe".into();
        let note = ResubscribeNote::compose(
            &evidence,
            &email(),
            &SuppressionReason::Unsubscribed,
            &marker(),
        );
        assert!(note.text.starts_with("Jane Doe asked by phone"));
        assert!(note.text.contains(
            "The request was recorded on 2026-11-26 14:03 UTC by the user with id \
             0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c."
        ));
    }

    #[test]
    fn stays_within_annotation_limits() {
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
        assert!(note.text.ends_with('…'));
        assert!(RequestKey::of(&note.as_fact()).is_some());
    }

    proptest! {
        /// Any evidence text (HTML, scripts, control characters, any length) validates to a
        /// typed answer and composes a note within the annotation limits that is recognised as
        /// the request's.
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
            let key = RequestKey::of(&note.as_fact());
            prop_assert_eq!(key.map(|k| k.requested_at), Some(marker.requested_at));
        }

        #[test]
        fn find_in_never_panics(text in any::<String>()) {
            let _ = RequestMarker::find_in(&text);
        }

        #[test]
        fn marker_roundtrips_through_find_in(
            guid in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            ms in 0i64..1 << 44,
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
