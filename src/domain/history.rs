//! The contact's resubscription history, read back from notes: our audit notes (written by
//! [`super::note::ResubscribeNote::compose`], recognised by [`RequestKey::of`], including notes
//! in the earlier layout with the marker in the subject) give each request and its evidence; the connector's notes after a request give its outcome.
//! Owns the reading only; fetching the notes is the edge's job.
//!
//! Decisions **(assumed)**:
//! - A request's outcome is read from the connector notes made on or after its request time
//!   and before the next request (the same reading [`super::lifecycle::derive`] does).
//! - Connector notes older than the first recorded request (or with no recorded request at
//!   all) form one entry without evidence: a resubscription this form did not record.
//! - The same marker found twice (a retried write) counts once, the earliest note.
//! - Note text is data: it is kept as written (bounded), never interpreted as markup.
//! - A request with a withdrawal note ([`Withdrawal`]) was withdrawn, unless the connector
//!   had resubscribed the address or failed before: then that outcome stands.

use crate::prelude::*;

use super::eligibility::SuppressionReason;
use super::evidence::Channel;
use super::lifecycle::{derive, Lifecycle, LifecycleFacts, LifecyclePatterns, NoteFact};
use super::messages::english;
use super::note::{self as audit, normalize_guid, RequestKey, RequestMarker, Withdrawal};
use super::text::{self, bounded};
use super::time::Timestamp;

/// Longest name (who asked, who recorded) kept from a note.
const MAX_NAME: usize = 500;
/// Longest details text kept from a note (the dialog allows 2,000 characters).
const MAX_DETAILS: usize = 4_000;

const WHO: &str = "Who asked: ";
const CHANNEL: &str = "Channel: ";
const WHEN: &str = "When they asked: ";
const DETAILS: &str = "Details / reference: ";
const RECORDED_BY: &str = "\nRecorded by: ";
const EMAIL: &str = "Email address: ";
const REASON: &str = "Suppression reason: ";

/// A resubscribe request as recorded in our audit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Which request (suppression record and request time).
    pub key: RequestKey,
    /// When the note was created.
    pub noted_on: Timestamp,
    /// Who asked (empty when the note does not say).
    pub who: String,
    /// The channel, when it is one of ours.
    pub channel: Option<Channel>,
    /// The channel as written (for a channel this version does not know).
    pub channel_text: String,
    /// When the contact asked.
    pub asked_at: Option<Timestamp>,
    /// What they said, and/or a reference.
    pub details: String,
    /// The Dynamics user who recorded it (name, or id when the name was unknown).
    pub recorded_by: String,
    /// The suppressed address.
    pub email: String,
    /// The suppression reason at the time of the request.
    pub reason: Option<SuppressionReason>,
}

/// The value after `prefix` on the line that starts with it, if any.
fn line_value<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|line| line.strip_prefix(prefix))
        .map(str::trim)
}

/// "Sam Agent (0b5a…)" → "Sam Agent"; a bare id stays as it is.
fn recorder_name(written: &str) -> String {
    let written = written.trim();
    let name = written
        .strip_suffix(')')
        .and_then(|rest| text::rsplit_once(rest, " ("))
        .filter(|(_, id)| normalize_guid(id).is_some())
        .map_or(written, |(name, _)| name);
    bounded(name.trim(), MAX_NAME)
}

fn channel_of(label: &str) -> Option<Channel> {
    Channel::ALL
        .into_iter()
        .find(|channel| english(channel.label_key()).eq_ignore_ascii_case(label.trim()))
}

impl RecordedRequest {
    /// Reads one of our audit notes back; `None` for any other note.
    pub fn from_note(note: &NoteFact) -> Option<RecordedRequest> {
        let key = RequestKey::of(note)?;
        if RequestMarker::find_in(&note.subject).is_some() {
            Some(Self::from_labelled_lines(note, key))
        } else {
            Some(Self::from_sentences(note, key))
        }
    }

    /// A note in the current layout: sentences with the user's words in fixed places
    /// ([`super::note::ResubscribeNote::compose`]); the details come last, after the first blank
    /// line, so nothing typed there is read as anything else.
    fn from_sentences(note: &NoteFact, key: RequestKey) -> RecordedRequest {
        let lead = ["\n\n", audit::DETAILS_LEAD].concat();
        let text = note.text.as_str();
        let (head, details) = text::split_once(text, &lead).unwrap_or((text, ""));
        let mut lines = head.lines();
        let asked = lines.next().unwrap_or_default();
        let (rest, email) = asked
            .strip_suffix('.')
            .and_then(|a| text::rsplit_once(a, audit::TO_RECEIVE))
            .unwrap_or_default();
        let (rest, when) = text::rsplit_once(rest, audit::ON).unwrap_or_default();
        let (who, how) = text::rsplit_once(rest, audit::ASKED).unwrap_or_default();
        let channel = Channel::ALL
            .into_iter()
            .find(|c| audit::channel_phrase(*c) == how);
        let reason = lines
            .next()
            .and_then(|l| l.strip_prefix(audit::REASON_OPEN))
            .and_then(|l| l.strip_suffix(audit::REASON_CLOSE))
            .filter(|r| !r.is_empty());
        let recorded = lines.next().unwrap_or_default();
        let recorded_by = text::rsplit_once(recorded, audit::RECORDED_BY_ID)
            .map(|(_, id)| id.strip_suffix('.').unwrap_or(id))
            .or_else(|| text::rsplit_once(recorded, audit::RECORDED).map(|(name, _)| name))
            .unwrap_or_default();
        RecordedRequest {
            noted_on: note.created_on,
            who: bounded(who, MAX_NAME),
            channel,
            channel_text: bounded(channel.map_or(how, |c| english(c.label_key())), MAX_NAME),
            asked_at: Timestamp::parse_display_utc(when),
            details: bounded(details.trim(), MAX_DETAILS),
            recorded_by: bounded(recorded_by, MAX_NAME),
            email: bounded(email, MAX_NAME),
            reason: reason.map(SuppressionReason::parse),
            key,
        }
    }

    /// A note in the earlier layout: one labelled line per fact, the marker in the subject.
    fn from_labelled_lines(note: &NoteFact, key: RequestKey) -> RecordedRequest {
        let text = note.text.as_str();
        // The tail is fixed; details typed by the user may hold anything, even "Recorded by:".
        // `get` instead of indexing: the cuts are at found text, so they always succeed, and
        // the module keeps no string-slicing panic path.
        let (head, tail) = text::rfind(text, RECORDED_BY)
            .and_then(|at| Some((text.get(..at)?, text.get(at + 1..)?)))
            .unwrap_or((text, ""));
        let details = text::find(head, DETAILS)
            .and_then(|at| head.get(at + DETAILS.len()..))
            .unwrap_or_default();
        let channel_text = line_value(head, CHANNEL).unwrap_or_default();
        RecordedRequest {
            noted_on: note.created_on,
            who: bounded(line_value(head, WHO).unwrap_or_default(), MAX_NAME),
            channel: channel_of(channel_text),
            channel_text: bounded(channel_text, MAX_NAME),
            asked_at: line_value(head, WHEN).and_then(|d| Timestamp::parse_iso(d).ok()),
            details: bounded(details.trim(), MAX_DETAILS),
            recorded_by: line_value(tail, RECORDED_BY.trim_start())
                .map(recorder_name)
                .unwrap_or_default(),
            email: bounded(line_value(tail, EMAIL).unwrap_or_default(), MAX_NAME),
            reason: line_value(tail, REASON)
                .filter(|r| !r.is_empty())
                .map(SuppressionReason::parse),
            key,
        }
    }
}

/// The recorded request for suppression record `suppression_id` (braces and case ignored)
/// made at `requested_at` (to the second, as Dataverse stores it), or else its latest one.
pub fn request_for(
    notes: &[NoteFact],
    suppression_id: &str,
    requested_at: Option<Timestamp>,
) -> Option<RecordedRequest> {
    normalize_guid(suppression_id)?;
    let mut ours: Vec<RecordedRequest> = notes
        .iter()
        .filter_map(RecordedRequest::from_note)
        .filter(|r| r.key.is_for(suppression_id))
        .collect();
    sort_by_key(&mut ours, |r| r.key.requested_at);
    let second = |t: Timestamp| t.millis().div_euclid(1000);
    match requested_at {
        Some(at) => ours
            .iter()
            .rfind(|r| second(r.key.requested_at) == second(at))
            .cloned(),
        None => ours.pop(),
    }
}

/// The latest recorded request for suppression record `suppression_id` made at or before
/// `until`: for a record the connector already processed, which may have overwritten the
/// request date with the time it acted **(assumed, as the emulator does)**.
pub fn latest_request(
    notes: &[NoteFact],
    suppression_id: &str,
    until: Option<Timestamp>,
) -> Option<RecordedRequest> {
    normalize_guid(suppression_id)?;
    notes
        .iter()
        .filter_map(RecordedRequest::from_note)
        .filter(|r| r.key.is_for(suppression_id))
        .filter(|r| until.is_none_or(|end| r.key.requested_at <= end))
        .max_by_key(|r| r.key.requested_at)
}

/// What became of a request, as far as the notes tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// No connector note yet (waiting for the sync, or never processed).
    NoneYet,
    /// The confirmation email went out; the contact has not confirmed (yet).
    ConfirmationSent {
        /// When.
        on: Timestamp,
    },
    /// Resubscribed.
    Resubscribed {
        /// When, if a note says so.
        on: Option<Timestamp>,
    },
    /// Withdrawn before the connector resubscribed the address or failed to: a withdrawal
    /// note says who and when.
    Withdrawn {
        /// Who withdrew it.
        by: String,
        /// When.
        on: Timestamp,
    },
    /// Failed (abuse report, cannot be unsuppressed).
    Failed {
        /// When.
        on: Timestamp,
        /// The connector's note subject or text, bounded.
        why: String,
    },
}

/// One entry of the history: a request (or connector activity without one) and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The recorded request; `None` for connector activity this form did not record.
    pub request: Option<RecordedRequest>,
    /// When it started: the request time, or the first connector note.
    pub started_on: Timestamp,
    /// What became of it.
    pub outcome: Outcome,
}

fn outcome_of(lifecycle: Lifecycle) -> Outcome {
    match lifecycle {
        Lifecycle::Failed { on, why, .. } => Outcome::Failed { on, why },
        Lifecycle::Resubscribed { confirmed_on, .. } | Lifecycle::Complete { confirmed_on, .. } => {
            Outcome::Resubscribed { on: confirmed_on }
        }
        Lifecycle::AwaitingConfirmation { email_sent_on, .. } => {
            Outcome::ConfirmationSent { on: email_sent_on }
        }
        Lifecycle::Withdrawn { on, by, .. } => Outcome::Withdrawn { by, on },
        Lifecycle::AwaitingSync { .. } | Lifecycle::NotRequested => Outcome::NoneYet,
    }
}

/// The outcome of a request made at `since` with `reason`, from the notes before `until`.
fn outcome_between(
    notes: &[NoteFact],
    since: Timestamp,
    until: Option<Timestamp>,
    reason: SuppressionReason,
    patterns: &LifecyclePatterns,
) -> Outcome {
    let window: Vec<NoteFact> = notes
        .iter()
        .filter(|n| until.is_none_or(|end| n.created_on < end))
        .cloned()
        .collect();
    outcome_of(derive(
        &LifecycleFacts {
            request_flag: true,
            request_date: Some(since),
            suppression_active: true,
            reason,
            notes: window,
            contact_donotbulkemail: None,
            record: None,
        },
        patterns,
    ))
}

/// A stable sort by key for the few dozen notes a contact's history holds: an insertion sort,
/// a fraction of the shipped size of `slice::sort_by_key`'s merge sorts.
fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for end in 1..items.len() {
        let mut at = end;
        // `get_mut` and a slice pattern rather than indexing: no bounds-check panic path.
        while let Some([before, item]) = at.checked_sub(1).and_then(|b| items.get_mut(b..=at)) {
            if key(before) <= key(item) {
                break;
            }
            core::mem::swap(before, item);
            at -= 1;
        }
    }
}

/// Every request in `notes` with its outcome, newest first.
pub fn history(notes: &[NoteFact], patterns: &LifecyclePatterns) -> Vec<HistoryEntry> {
    let mut requests: Vec<RecordedRequest> = Vec::new();
    let mut sorted: Vec<&NoteFact> = notes.iter().collect();
    sort_by_key(&mut sorted, |n| n.created_on);
    for request in sorted.iter().filter_map(|n| RecordedRequest::from_note(n)) {
        if !requests.iter().any(|r| r.key == request.key) {
            requests.push(request);
        }
    }
    sort_by_key(&mut requests, |r| r.key.requested_at);

    let mut entries = Vec::with_capacity(requests.len() + 1);
    let first_request = requests.first().map(|r| r.key.requested_at);
    // Connector activity before the first recorded request (or with none at all).
    let unrecorded = notes
        .iter()
        .filter(|n| first_request.is_none_or(|first| n.created_on < first))
        .filter(|n| {
            let probe = [(*n).clone()];
            outcome_between(
                &probe,
                n.created_on,
                None,
                SuppressionReason::Unsubscribed,
                patterns,
            ) != Outcome::NoneYet
        })
        .map(|n| n.created_on)
        .min();
    if let Some(started_on) = unrecorded {
        entries.push(HistoryEntry {
            request: None,
            started_on,
            outcome: outcome_between(
                notes,
                started_on,
                first_request,
                SuppressionReason::Unsubscribed,
                patterns,
            ),
        });
    }
    for (index, request) in requests.iter().enumerate() {
        let since = request.key.requested_at;
        let until = requests.get(index + 1).map(|next| next.key.requested_at);
        let reason = request
            .reason
            .clone()
            .unwrap_or(SuppressionReason::Unsubscribed);
        let outcome = outcome_between(notes, since, until, reason, patterns);
        // A withdrawal ends a request the connector had not finished.
        let outcome = match (&outcome, Withdrawal::of_request(notes, &request.key)) {
            (Outcome::NoneYet | Outcome::ConfirmationSent { .. }, Some(w)) => {
                Outcome::Withdrawn { by: w.by, on: w.on }
            }
            _ => outcome,
        };
        entries.push(HistoryEntry {
            request: Some(request.clone()),
            started_on: since,
            outcome,
        });
    }
    entries.reverse();
    entries
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::email::EmailAddress;
    use crate::domain::evidence::tests::{phone_call, NOW};
    use crate::domain::note::ResubscribeNote;

    pub(crate) const RECORD: &str = "8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e";
    const HOUR: i64 = 3_600_000;

    proptest::proptest! {
        #[test]
        fn the_small_sort_orders_like_the_standard_stable_sort(
            items in proptest::collection::vec((0u8..6, proptest::prelude::any::<u16>()), 0..40)
        ) {
            let mut ours = items.clone();
            sort_by_key(&mut ours, |&(key, _)| key);
            let mut standard = items;
            standard.sort_by_key(|&(key, _)| key);
            proptest::prop_assert_eq!(ours, standard);
        }
    }

    fn at(hours: i64) -> Timestamp {
        Timestamp(NOW.millis() + hours * HOUR)
    }

    /// Our audit note for a request at `hours`, with `details`, as the note would be read.
    pub(crate) fn audit_note(hours: i64, details: &str) -> NoteFact {
        let mut evidence = phone_call();
        evidence.details = details.into();
        let marker = RequestMarker::new(RECORD, at(hours)).unwrap();
        let note = ResubscribeNote::compose(
            &evidence,
            &EmailAddress::parse("jane.doe@example.com").unwrap(),
            &SuppressionReason::Unsubscribed,
            &marker,
        );
        note.as_fact()
    }

    fn connector(subject: &str, hours: i64) -> NoteFact {
        NoteFact {
            id: String::new(),
            subject: subject.into(),
            text: String::new(),
            created_on: at(hours),
        }
    }

    #[test]
    fn reads_the_evidence_back_from_our_audit_note() {
        let note = audit_note(0, "Called the service desk.\nTicket CAS-01234.");
        let request = RecordedRequest::from_note(&note).unwrap();
        assert_eq!(request.key.requested_at, NOW);
        assert!(request.key.is_for(RECORD));
        assert!(!request.key.is_for("8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5f"));
        assert_eq!(request.who, "Jane Doe");
        assert_eq!(request.channel, Some(Channel::Phone));
        assert_eq!(
            request.asked_at.map(|t| t.to_iso()).as_deref(),
            Some("2026-11-26T13:33:00Z")
        );
        assert_eq!(
            request.details,
            "Called the service desk.\nTicket CAS-01234."
        );
        assert_eq!(request.recorded_by, "Sam Agent");
        assert_eq!(request.email, "jane.doe@example.com");
        assert_eq!(request.reason, Some(SuppressionReason::Unsubscribed));
        assert_eq!(request.noted_on, NOW);
    }

    #[test]
    fn reads_a_note_in_the_earlier_layout_with_the_marker_in_its_subject() {
        let note = NoteFact {
            id: "0d7e3a52-6b8f-4c1e-9f20-3a4b5c6d7e8f".into(),
            subject: format!(
                "Resubscribe request: jane.doe@example.com {}",
                RequestMarker::new(RECORD, NOW).unwrap()
            ),
            text: "Resubscribe requested on the contact's explicit request.\n\
                   Who asked: Jane Doe\n\
                   Channel: Phone\n\
                   When they asked: 2026-11-26T13:33:00Z\n\
                   Details / reference: Ticket CAS-01234.\n\
                   Recorded by: Sam Agent (0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c)\n\
                   Email address: jane.doe@example.com\n\
                   Suppression reason: Unsubscribed\n\
                   Requested at: 2026-11-26T14:03:00Z"
                .into(),
            created_on: NOW,
        };
        let request = RecordedRequest::from_note(&note).unwrap();
        assert_eq!(request.key.requested_at, NOW);
        assert!(request.key.is_for(RECORD));
        assert_eq!(request.who, "Jane Doe");
        assert_eq!(request.channel, Some(Channel::Phone));
        assert_eq!(
            request.asked_at,
            Some(Timestamp(NOW.millis() - 30 * 60_000))
        );
        assert_eq!(request.details, "Ticket CAS-01234.");
        assert_eq!(request.recorded_by, "Sam Agent");
        assert_eq!(request.email, "jane.doe@example.com");
        assert_eq!(request.reason, Some(SuppressionReason::Unsubscribed));
        assert_eq!(
            request_for(&[note], RECORD, Some(NOW))
                .map(|r| r.who)
                .as_deref(),
            Some("Jane Doe")
        );
    }

    #[test]
    fn details_that_mimic_the_note_layout_stay_details() {
        let sneaky = "Asked again.\nRecorded by: Mallory\nChannel: Letter <b>bold</b>\n\n\
                      Details: x\nMallory recorded the request on 2026-01-01 00:00 UTC.";
        let request = RecordedRequest::from_note(&audit_note(0, sneaky)).unwrap();
        assert_eq!(request.details, sneaky);
        assert_eq!(request.recorded_by, "Sam Agent");
        assert_eq!(request.channel, Some(Channel::Phone));
    }

    #[test]
    fn other_notes_are_not_requests() {
        assert_eq!(
            RecordedRequest::from_note(&connector("Resubscribed", 1)),
            None
        );
        let unknown_layout = NoteFact {
            id: String::new(),
            subject: format!("Something {}", RequestMarker::new(RECORD, NOW).unwrap()),
            text: "free text".into(),
            created_on: NOW,
        };
        let request = RecordedRequest::from_note(&unknown_layout).unwrap();
        assert_eq!(request.who, "");
        assert_eq!(request.channel, None);
        assert_eq!(request.details, "");
    }

    #[test]
    fn finds_the_request_of_the_saved_date_to_the_second() {
        let notes = vec![audit_note(-48, "first"), audit_note(0, "second")];
        let found = request_for(&notes, &RECORD.to_uppercase(), Some(Timestamp(NOW.0 + 400)));
        assert_eq!(found.map(|r| r.details).as_deref(), Some("second"));
        let latest = request_for(&notes, RECORD, None);
        assert_eq!(latest.map(|r| r.details).as_deref(), Some("second"));
        assert_eq!(request_for(&notes, RECORD, Some(at(5))), None);
        assert_eq!(request_for(&notes, "not a guid", None), None);
    }

    #[test]
    fn latest_request_before_a_date_for_a_processed_record() {
        let notes = vec![audit_note(-48, "first"), audit_note(0, "second")];
        let found = latest_request(&notes, RECORD, Some(at(30)));
        assert_eq!(found.map(|r| r.details).as_deref(), Some("second"));
        let earlier = latest_request(&notes, RECORD, Some(at(-1)));
        assert_eq!(earlier.map(|r| r.details).as_deref(), Some("first"));
        assert_eq!(latest_request(&notes, RECORD, Some(at(-49))), None);
        let other = "0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c";
        assert_eq!(latest_request(&notes, other, None), None);
    }

    #[test]
    fn pairs_each_request_with_the_connector_notes_after_it_newest_first() {
        let notes = vec![
            connector("Resubscription confirmation email sent", 2),
            audit_note(0, "first"),
            connector("Resubscription failed: abuse reported", 5),
            audit_note(100, "second"),
            connector("Resubscription confirmation email sent", 101),
            connector("Resubscribed", 120),
            audit_note(200, "third"),
        ];
        let entries = history(&notes, &LifecyclePatterns::default());
        let summary: Vec<(Option<String>, Outcome)> = entries
            .iter()
            .map(|e| {
                (
                    e.request.as_ref().map(|r| r.details.clone()),
                    e.outcome.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (Some("third".into()), Outcome::NoneYet),
                (
                    Some("second".into()),
                    Outcome::Resubscribed { on: Some(at(120)) }
                ),
                (
                    Some("first".into()),
                    Outcome::Failed {
                        on: at(5),
                        why: "Resubscription failed: abuse reported".into()
                    }
                ),
            ]
        );
    }

    #[test]
    fn connector_activity_without_a_recorded_request_is_its_own_entry() {
        let notes = vec![
            connector("Phone call: asked to receive the newsletter again", -30),
            connector("Resubscription confirmation email sent", -20),
            audit_note(0, "recorded"),
        ];
        let entries = history(&notes, &LifecyclePatterns::default());
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].request, None);
        assert_eq!(entries[1].started_on, at(-20));
        assert_eq!(
            entries[1].outcome,
            Outcome::ConfirmationSent { on: at(-20) }
        );
        assert!(history(
            &[connector("Renewal call", 1)],
            &LifecyclePatterns::default()
        )
        .is_empty());
    }

    #[test]
    fn a_retried_note_counts_once() {
        let mut again = audit_note(0, "first");
        again.created_on = at(1);
        let entries = history(
            &[audit_note(0, "first"), again],
            &LifecyclePatterns::default(),
        );
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].request.as_ref().map(|r| r.noted_on), Some(NOW));
    }

    #[test]
    fn a_withdrawn_request_shows_who_withdrew_it_and_when_once() {
        use crate::domain::evidence::UserRef;
        use crate::domain::note::ResubscribeNote;
        let by = UserRef {
            id: "u".into(),
            name: "Sam Agent".into(),
        };
        let marker = RequestMarker::new(RECORD, NOW).unwrap();
        let withdrawal = ResubscribeNote::withdrawal(&marker, &by, at(3)).as_fact();
        let notes = vec![
            audit_note(-48, "first"),
            connector("Resubscription confirmation email sent", -47),
            connector("Resubscribed", -46),
            audit_note(0, "second"),
            withdrawal.clone(),
            withdrawal,
        ];
        let entries = history(&notes, &LifecyclePatterns::default());
        let outcomes: Vec<Outcome> = entries.iter().map(|e| e.outcome.clone()).collect();
        assert_eq!(
            outcomes,
            vec![
                Outcome::Withdrawn {
                    by: "Sam Agent".into(),
                    on: at(3)
                },
                Outcome::Resubscribed { on: Some(at(-46)) },
            ],
            "one entry per request, the withdrawal not an entry of its own"
        );
        // A withdrawal does not undo what the connector finished.
        let late = ResubscribeNote::withdrawal(
            &RequestMarker::new(RECORD, at(-48)).unwrap(),
            &by,
            at(-40),
        );
        let mut with_late = notes.clone();
        with_late.push(late.as_fact());
        assert_eq!(
            history(&with_late, &LifecyclePatterns::default())[1].outcome,
            Outcome::Resubscribed { on: Some(at(-46)) }
        );
        // A user known only by id is named so.
        let anonymous = UserRef {
            id: "0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c".into(),
            name: String::new(),
        };
        let note = ResubscribeNote::withdrawal(&marker, &anonymous, at(3));
        assert_eq!(
            note.text,
            "The user with id 0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c withdrew the resubscribe \
             request of 2026-11-26 14:03 UTC on 2026-11-26 17:03 UTC.\n\
             Its Resubscribe Request Date was cleared, so the connector does not act on it."
        );
        assert_eq!(note.subject, "Resubscribe request withdrawn");
        assert_eq!(RequestKey::of(&note.as_fact()), None, "not a request");
    }
}
