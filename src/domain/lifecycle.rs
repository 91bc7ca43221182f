//! Where a resubscription stands (docs/domain.md §6), derived from the suppression record, the
//! contact's notes and the contact's bulk-email flag, with the date of each step and who or
//! what moved it there. Owns the derivation only; reading the records is the edge's job.
//!
//! ```text
//! NotRequested → AwaitingSync → AwaitingConfirmation → Resubscribed → Complete
//!                     │ (Suppressed: no email)  └──────→ Failed
//!                     └──────────────────────────────→ Resubscribed
//! ```
//!
//! Decisions where the sources are silent **(assumed)**:
//! - Which notes mean "confirmation sent", "resubscribed" and "failed" comes from
//!   [`LifecyclePatterns`] (case-insensitive substrings of subject or text). A note matching
//!   several kinds counts as failed before resubscribed before confirmation sent.
//! - Only notes created on or after the request date count; without a request date no note
//!   counts (it could belong to an earlier request). Our own audit notes (recognised by
//!   [`RequestKey::of`]) never count.
//! - An inactive suppression record means the address left the list: resubscribed (by the
//!   contact through a signup form when no request was made), unless a failure note is the
//!   latest outcome. Between a failure and a resubscribed note, the later one wins.
//! - A ticked *Request Resubscribe* without progress notes is waiting for the sync; an
//!   unticked one with a date but no progress is treated as withdrawn (NotRequested).
//! - An unticked box whose latest recorded request on this record has a withdrawal note
//!   ([`Withdrawal`]) is *Withdrawn*, with who and when, unless the record's date names a
//!   later request or the address left the list (docs/domain.md §8).
//! - *Complete* needs the contact's `donotbulkemail` read as `false`; when it could not be
//!   read the state stays *Resubscribed* with `bulk_restriction_on: false`.

use crate::prelude::*;

use super::eligibility::SuppressionReason;
use super::messages::{date_arg, Message, MessageKey};
use super::note::{RequestKey, Withdrawal};
pub use super::note_fact::NoteFact;
use super::text::{self, bounded, fold_case};
use super::time::Timestamp;

/// Longest failure explanation kept from a note.
const MAX_WHY: usize = 200;

/// What the records say, as read at form load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleFacts {
    /// *Request Resubscribe* as saved.
    pub request_flag: bool,
    /// *Resubscribe Request Date* as saved.
    pub request_date: Option<Timestamp>,
    /// Whether the suppression record is still active (the address is still suppressed).
    pub suppression_active: bool,
    /// The suppression reason.
    pub reason: SuppressionReason,
    /// The contact's notes.
    pub notes: Vec<NoteFact>,
    /// The contact's `donotbulkemail`, if it could be read.
    pub contact_donotbulkemail: Option<bool>,
    /// The suppression record's id, when known: which of the contact's recorded requests are
    /// this record's (a withdrawal is read from them).
    pub record: Option<String>,
}

/// Which note substrings mean what (configuration; defaults are assumed, see [`Default`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecyclePatterns {
    /// The connector sent the confirmation email.
    pub confirmation_sent: Vec<String>,
    /// The contact is resubscribed.
    pub resubscribed: Vec<String>,
    /// The resubscription failed (e.g. abuse report).
    pub failed: Vec<String>,
}

impl Default for LifecyclePatterns {
    /// Assumed defaults: the connector's note wording is not public.
    fn default() -> LifecyclePatterns {
        let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        LifecyclePatterns {
            confirmation_sent: list(&[
                "Resubscription confirmation email sent",
                "Resubscribe confirmation email sent",
                "Confirmation email sent",
            ]),
            resubscribed: list(&["Resubscribed", "Resubscription confirmed"]),
            failed: list(&[
                "Resubscription failed",
                "Resubscribe failed",
                "Resubscription unsuccessful",
                "Not resubscribed",
                "abuse",
                "ContactCannotBeUnsuppressed",
                "cannot be unsuppressed",
            ]),
        }
    }
}

/// How the address left (or will leave) the suppression list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResubscribePath {
    /// Staff request, then the contact confirmed the email.
    Confirmation,
    /// Staff request for an address suppressed by your team: no email.
    Immediate,
    /// The contact resubscribed through a signup form.
    Contact,
}

/// Where the resubscription stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lifecycle {
    /// No request.
    NotRequested,
    /// Requested; the next suppression sync will act on it.
    AwaitingSync {
        /// The request date.
        requested_on: Option<Timestamp>,
        /// Whether the sync will send a confirmation email (not for "suppressed by you").
        confirmation_email: bool,
    },
    /// The confirmation email is out; waiting for the contact.
    AwaitingConfirmation {
        /// The request date.
        requested_on: Option<Timestamp>,
        /// When the email was sent (the note's date).
        email_sent_on: Timestamp,
    },
    /// Off the suppression list; bulk email may still be restricted until the next sync.
    Resubscribed {
        /// The request date.
        requested_on: Option<Timestamp>,
        /// When the confirmation email was sent, if known.
        email_sent_on: Option<Timestamp>,
        /// When it was confirmed, if known.
        confirmed_on: Option<Timestamp>,
        /// Whether the contact still has `donotbulkemail = true`.
        bulk_restriction_on: bool,
        /// How it happened.
        path: ResubscribePath,
    },
    /// Resubscribed and the bulk email restriction is lifted.
    Complete {
        /// The request date.
        requested_on: Option<Timestamp>,
        /// When the confirmation email was sent, if known.
        email_sent_on: Option<Timestamp>,
        /// When it was confirmed, if known.
        confirmed_on: Option<Timestamp>,
        /// How it happened.
        path: ResubscribePath,
    },
    /// The request was withdrawn (the box unticked and saved); a withdrawal note says who
    /// withdrew it and when.
    Withdrawn {
        /// The withdrawn request's date.
        requested_on: Timestamp,
        /// When it was withdrawn.
        on: Timestamp,
        /// Who withdrew it.
        by: String,
    },
    /// The resubscription failed (abuse report, cannot be unsuppressed).
    Failed {
        /// The request date.
        requested_on: Option<Timestamp>,
        /// When the confirmation email was sent, if known.
        email_sent_on: Option<Timestamp>,
        /// When the failure was recorded.
        on: Timestamp,
        /// The connector's note subject (or text), bounded.
        why: String,
    },
}

/// A step of the lifecycle shown inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A user requested the resubscribe.
    Requested,
    /// The sync sent the confirmation email.
    ConfirmationSent,
    /// The address left the suppression list.
    Resubscribed,
    /// The sync lifted `donotbulkemail`.
    BulkRestrictionLifted,
    /// The resubscription failed.
    Failed,
}

/// Who or what moves a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A Dynamics user (the UI may say "you" or the user's name).
    User,
    /// The connector's suppression sync.
    ConnectorSync,
    /// The contact.
    Contact,
}

/// One step: what, when (if known), by whom, and whether it has happened yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Which step.
    pub kind: StepKind,
    /// When it happened, if known.
    pub date: Option<Timestamp>,
    /// Who or what moves it.
    pub by: Actor,
    /// Whether it has happened.
    pub done: bool,
}

impl StepKind {
    /// The key of the step's label.
    pub fn label_key(self) -> MessageKey {
        match self {
            StepKind::Requested => MessageKey::StepRequested,
            StepKind::ConfirmationSent => MessageKey::StepConfirmationSent,
            StepKind::Resubscribed => MessageKey::StepResubscribed,
            StepKind::BulkRestrictionLifted => MessageKey::StepBulkRestrictionLifted,
            StepKind::Failed => MessageKey::StepFailed,
        }
    }

    /// The key of the step's label while it is still to come: what is to be done, not a past
    /// tense ("Send the confirmation email"); the request and a failure are only ever shown
    /// done.
    pub fn todo_key(self) -> MessageKey {
        match self {
            StepKind::ConfirmationSent => MessageKey::StepToSendConfirmation,
            StepKind::Resubscribed => MessageKey::StepToResubscribe,
            StepKind::BulkRestrictionLifted => MessageKey::StepToLiftBulkRestriction,
            StepKind::Requested | StepKind::Failed => self.label_key(),
        }
    }
}

impl Actor {
    /// The key of the actor's label.
    pub fn label_key(self) -> MessageKey {
        match self {
            Actor::User => MessageKey::ActorUser,
            Actor::ConnectorSync => MessageKey::ActorConnectorSync,
            Actor::Contact => MessageKey::ActorContact,
        }
    }

    /// The key of "Waiting for …" while the process waits for this actor.
    pub fn waiting_key(self) -> MessageKey {
        match self {
            Actor::User => MessageKey::PanelWaitingUser,
            Actor::ConnectorSync => MessageKey::PanelWaitingSync,
            Actor::Contact => MessageKey::PanelWaitingContact,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NoteKind {
    Failed,
    Resubscribed,
    ConfirmationSent,
}

fn matches_any(haystack: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|pattern| {
        let pattern = pattern.trim();
        !pattern.is_empty() && text::contains(haystack, &fold_case(pattern))
    })
}

fn classify(note: &NoteFact, patterns: &LifecyclePatterns) -> Option<NoteKind> {
    if RequestKey::of(note).is_some() || Withdrawal::of(note).is_some() {
        return None;
    }
    let haystack = fold_case(&[note.subject.as_str(), "\n", &note.text].concat());
    if matches_any(&haystack, &patterns.failed) {
        Some(NoteKind::Failed)
    } else if matches_any(&haystack, &patterns.resubscribed) {
        Some(NoteKind::Resubscribed)
    } else if matches_any(&haystack, &patterns.confirmation_sent) {
        Some(NoteKind::ConfirmationSent)
    } else {
        None
    }
}

/// When the current request was made. When the contact confirms, the connector takes the
/// address off the list (the record becomes inactive) and moves *Resubscribe Request Date*; the
/// request's own time is then taken from our audit note of it (the latest marker not after the
/// record's date). While the record is active its date is the request's own.
fn request_start(facts: &LifecycleFacts) -> Option<Timestamp> {
    let date = facts.request_date?;
    if facts.suppression_active {
        return Some(date);
    }
    let recorded = facts
        .notes
        .iter()
        .filter_map(RequestKey::of)
        .map(|key| key.requested_at)
        .filter(|at| *at <= date)
        .max();
    Some(recorded.unwrap_or(date))
}

/// The earliest note of `kind` made on or after the current request.
fn first_note<'a>(
    facts: &'a LifecycleFacts,
    patterns: &LifecyclePatterns,
    kind: NoteKind,
) -> Option<&'a NoteFact> {
    let since = request_start(facts)?;
    facts
        .notes
        .iter()
        .filter(|note| note.created_on >= since)
        .filter(|note| classify(note, patterns) == Some(kind))
        .min_by_key(|note| note.created_on)
}

/// Derives the state from the facts, reading notes with `patterns`.
pub fn derive(facts: &LifecycleFacts, patterns: &LifecyclePatterns) -> Lifecycle {
    let requested_on = facts.request_date;
    let requested = facts.request_flag || requested_on.is_some();
    let with_email = facts.reason != SuppressionReason::Suppressed;

    let first = |kind| first_note(facts, patterns, kind);
    let failed = first(NoteKind::Failed);
    let resubscribed = first(NoteKind::Resubscribed);
    // Without our audit note the confirmation email of a completed resubscription may predate
    // the (moved) request date: then it is the latest one before the resubscribed note.
    let confirmation_before = |done: &NoteFact| {
        facts
            .notes
            .iter()
            .filter(|note| note.created_on <= done.created_on)
            .filter(|note| classify(note, patterns) == Some(NoteKind::ConfirmationSent))
            .map(|note| note.created_on)
            .max()
    };
    let email_sent_on = if with_email {
        first(NoteKind::ConfirmationSent)
            .map(|note| note.created_on)
            .or_else(|| resubscribed.and_then(confirmation_before))
    } else {
        None
    };

    if let Some(failure) = failed {
        let later_success = resubscribed.is_some_and(|note| note.created_on > failure.created_on);
        if !later_success {
            let why = if failure.subject.trim().is_empty() {
                &failure.text
            } else {
                &failure.subject
            };
            return Lifecycle::Failed {
                requested_on,
                email_sent_on,
                on: failure.created_on,
                why: bounded(why, MAX_WHY),
            };
        }
    }

    if resubscribed.is_some() || !facts.suppression_active {
        let path = if !requested {
            ResubscribePath::Contact
        } else if with_email {
            ResubscribePath::Confirmation
        } else {
            ResubscribePath::Immediate
        };
        let confirmed_on = resubscribed.map(|note| note.created_on);
        return match facts.contact_donotbulkemail {
            Some(false) => Lifecycle::Complete {
                requested_on,
                email_sent_on,
                confirmed_on,
                path,
            },
            flag => Lifecycle::Resubscribed {
                requested_on,
                email_sent_on,
                confirmed_on,
                bulk_restriction_on: flag == Some(true),
                path,
            },
        };
    }

    if let Some(email_sent_on) = email_sent_on {
        return Lifecycle::AwaitingConfirmation {
            requested_on,
            email_sent_on,
        };
    }

    if facts.request_flag {
        return Lifecycle::AwaitingSync {
            requested_on,
            confirmation_email: with_email,
        };
    }
    withdrawn(facts).unwrap_or(Lifecycle::NotRequested)
}

/// The withdrawal of this record's latest recorded request, when the record holds no later
/// request (its date cleared, or the withdrawn request's own).
fn withdrawn(facts: &LifecycleFacts) -> Option<Lifecycle> {
    let record = facts.record.as_deref()?;
    let latest = facts
        .notes
        .iter()
        .filter_map(RequestKey::of)
        .filter(|key| key.is_for(record))
        .max_by_key(|key| key.requested_at)?;
    let second = |t: Timestamp| t.millis().div_euclid(1000);
    if facts
        .request_date
        .is_some_and(|d| second(d) != second(latest.requested_at))
    {
        return None;
    }
    let withdrawal = Withdrawal::of_request(&facts.notes, &latest)?;
    Some(Lifecycle::Withdrawn {
        requested_on: latest.requested_at,
        on: withdrawal.on,
        by: withdrawal.by,
    })
}

impl Lifecycle {
    /// Derives the state (same as [`derive()`]).
    pub fn derive(facts: &LifecycleFacts, patterns: &LifecyclePatterns) -> Lifecycle {
        derive(facts, patterns)
    }

    /// Whether a request is in flight (waiting for the sync or for the contact's confirmation).
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Lifecycle::AwaitingSync { .. } | Lifecycle::AwaitingConfirmation { .. }
        )
    }

    /// The timeline to show: steps done (with dates) and the ones still to come.
    pub fn steps(&self) -> Vec<Step> {
        let step = |kind, date, by, done| Step {
            kind,
            date,
            by,
            done,
        };
        let requested = |date| step(StepKind::Requested, date, Actor::User, true);
        match *self {
            Lifecycle::NotRequested => Vec::new(),
            Lifecycle::Withdrawn { requested_on, .. } => vec![requested(Some(requested_on))],
            Lifecycle::AwaitingSync {
                requested_on,
                confirmation_email,
            } => {
                let mut steps = vec![requested(requested_on)];
                if confirmation_email {
                    steps.push(step(
                        StepKind::ConfirmationSent,
                        None,
                        Actor::ConnectorSync,
                        false,
                    ));
                    steps.push(step(StepKind::Resubscribed, None, Actor::Contact, false));
                } else {
                    steps.push(step(
                        StepKind::Resubscribed,
                        None,
                        Actor::ConnectorSync,
                        false,
                    ));
                }
                steps.push(step(
                    StepKind::BulkRestrictionLifted,
                    None,
                    Actor::ConnectorSync,
                    false,
                ));
                steps
            }
            Lifecycle::AwaitingConfirmation {
                requested_on,
                email_sent_on,
            } => vec![
                requested(requested_on),
                step(
                    StepKind::ConfirmationSent,
                    Some(email_sent_on),
                    Actor::ConnectorSync,
                    true,
                ),
                step(StepKind::Resubscribed, None, Actor::Contact, false),
                step(
                    StepKind::BulkRestrictionLifted,
                    None,
                    Actor::ConnectorSync,
                    false,
                ),
            ],
            Lifecycle::Resubscribed {
                requested_on,
                email_sent_on,
                confirmed_on,
                path,
                ..
            } => {
                let mut steps = resubscribed_steps(requested_on, email_sent_on, confirmed_on, path);
                steps.push(step(
                    StepKind::BulkRestrictionLifted,
                    None,
                    Actor::ConnectorSync,
                    false,
                ));
                steps
            }
            Lifecycle::Complete {
                requested_on,
                email_sent_on,
                confirmed_on,
                path,
            } => {
                let mut steps = resubscribed_steps(requested_on, email_sent_on, confirmed_on, path);
                steps.push(step(
                    StepKind::BulkRestrictionLifted,
                    None,
                    Actor::ConnectorSync,
                    true,
                ));
                steps
            }
            Lifecycle::Failed {
                requested_on,
                email_sent_on,
                on,
                ..
            } => {
                let mut steps = vec![requested(requested_on)];
                if let Some(sent) = email_sent_on {
                    steps.push(step(
                        StepKind::ConfirmationSent,
                        Some(sent),
                        Actor::ConnectorSync,
                        true,
                    ));
                }
                steps.push(step(StepKind::Failed, Some(on), Actor::ConnectorSync, true));
                steps
            }
        }
    }

    /// The one-line status to show inline.
    pub fn message(&self) -> Message {
        let date = date_arg;
        match self {
            Lifecycle::NotRequested => Message::new(MessageKey::LifecycleNotRequested),
            Lifecycle::AwaitingSync {
                requested_on,
                confirmation_email,
            } => Message::new(if *confirmation_email {
                MessageKey::LifecycleAwaitingSync
            } else {
                MessageKey::LifecycleAwaitingSyncNoEmail
            })
            .with("date", date(*requested_on)),
            Lifecycle::AwaitingConfirmation { email_sent_on, .. } => {
                Message::new(MessageKey::LifecycleAwaitingConfirmation)
                    .with("date", date(Some(*email_sent_on)))
            }
            Lifecycle::Resubscribed {
                confirmed_on,
                bulk_restriction_on,
                ..
            } => Message::new(if *bulk_restriction_on {
                MessageKey::LifecycleResubscribedBulkOn
            } else {
                MessageKey::LifecycleResubscribed
            })
            .with("date", date(*confirmed_on)),
            Lifecycle::Complete { confirmed_on, .. } => {
                Message::new(MessageKey::LifecycleComplete).with("date", date(*confirmed_on))
            }
            Lifecycle::Withdrawn { on, by, .. } => Message::new(MessageKey::LifecycleWithdrawn)
                .with("name", by.as_str())
                .with("date", date(Some(*on))),
            Lifecycle::Failed { on, why, .. } => Message::new(MessageKey::LifecycleFailed)
                .with("date", date(Some(*on)))
                .with("why", failure_cause(why)),
        }
    }
}

fn resubscribed_steps(
    requested_on: Option<Timestamp>,
    email_sent_on: Option<Timestamp>,
    confirmed_on: Option<Timestamp>,
    path: ResubscribePath,
) -> Vec<Step> {
    let step = |kind, date, by| Step {
        kind,
        date,
        by,
        done: true,
    };
    match path {
        ResubscribePath::Contact => {
            vec![step(StepKind::Resubscribed, confirmed_on, Actor::Contact)]
        }
        ResubscribePath::Immediate => vec![
            step(StepKind::Requested, requested_on, Actor::User),
            step(StepKind::Resubscribed, confirmed_on, Actor::ConnectorSync),
        ],
        ResubscribePath::Confirmation => vec![
            step(StepKind::Requested, requested_on, Actor::User),
            step(
                StepKind::ConfirmationSent,
                email_sent_on,
                Actor::ConnectorSync,
            ),
            step(StepKind::Resubscribed, confirmed_on, Actor::Contact),
        ],
    }
}

/// What a failure note says went wrong, without the "Resubscription failed:" its subject
/// starts with (the sentence around it says that already); the whole text when that is all.
pub fn failure_cause(why: &str) -> &str {
    let folded = super::text::fold_case(why);
    let rest = ["resubscription failed", "resubscribe failed"]
        .iter()
        .find(|lead| folded.starts_with(*lead))
        .and_then(|lead| why.get(lead.len()..))
        .map(|rest| {
            rest.trim_start_matches([':', '-', '\u{2013}', ' '])
                .trim_end()
        });
    match rest {
        Some(cause) if !cause.is_empty() => cause,
        _ => why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;
    /// 2026-11-26T14:03:00Z.
    const REQUESTED: Timestamp = Timestamp(1_795_701_780_000);

    fn at(hours: i64) -> Timestamp {
        Timestamp(REQUESTED.0 + hours * HOUR)
    }

    fn note(subject: &str, hours: i64) -> NoteFact {
        NoteFact {
            id: String::new(),
            subject: subject.into(),
            text: String::new(),
            created_on: at(hours),
        }
    }

    fn requested(reason: SuppressionReason, notes: Vec<NoteFact>) -> LifecycleFacts {
        LifecycleFacts {
            request_flag: true,
            request_date: Some(REQUESTED),
            suppression_active: true,
            reason,
            notes,
            contact_donotbulkemail: Some(true),
            record: None,
        }
    }

    fn state(facts: &LifecycleFacts) -> Lifecycle {
        derive(facts, &LifecyclePatterns::default())
    }

    #[test]
    fn a_failure_is_said_once_with_its_cause() {
        for (why, cause) in [
            (
                "Resubscription failed: contact reported abuse",
                "contact reported abuse",
            ),
            (
                "resubscribe failed - Cannot be unsuppressed",
                "Cannot be unsuppressed",
            ),
            ("Resubscription failed", "Resubscription failed"),
            ("Abuse reported", "Abuse reported"),
            ("", ""),
        ] {
            assert_eq!(failure_cause(why), cause, "{why:?}");
        }
    }

    #[test]
    fn nothing_ticked_is_not_requested() {
        let facts = LifecycleFacts {
            request_flag: false,
            request_date: None,
            ..requested(
                SuppressionReason::Unsubscribed,
                vec![note("Resubscribed", -100)],
            )
        };
        assert_eq!(state(&facts), Lifecycle::NotRequested);
        assert!(state(&facts).steps().is_empty());
    }

    #[test]
    fn ticked_request_waits_for_the_sync() {
        let facts = requested(SuppressionReason::Unsubscribed, vec![]);
        let lifecycle = state(&facts);
        assert_eq!(
            lifecycle,
            Lifecycle::AwaitingSync {
                requested_on: Some(REQUESTED),
                confirmation_email: true
            }
        );
        assert!(lifecycle.is_pending());
        assert_eq!(
            lifecycle.message().render_english(),
            "Resubscribe requested on 2026-11-26 14:03 UTC. A confirmation email will be sent at \
             the next sync."
        );
        let kinds: Vec<_> = lifecycle.steps().iter().map(|s| (s.kind, s.done)).collect();
        assert_eq!(
            kinds,
            vec![
                (StepKind::Requested, true),
                (StepKind::ConfirmationSent, false),
                (StepKind::Resubscribed, false),
                (StepKind::BulkRestrictionLifted, false),
            ]
        );
    }

    #[test]
    fn confirmation_note_after_the_request_means_awaiting_confirmation() {
        let facts = requested(
            SuppressionReason::Unsubscribed,
            vec![note("Resubscription confirmation email sent", 3)],
        );
        assert_eq!(
            state(&facts),
            Lifecycle::AwaitingConfirmation {
                requested_on: Some(REQUESTED),
                email_sent_on: at(3)
            }
        );
        let sent = state(&facts).steps()[1];
        assert_eq!(
            sent,
            Step {
                kind: StepKind::ConfirmationSent,
                date: Some(at(3)),
                by: Actor::ConnectorSync,
                done: true
            }
        );
    }

    #[test]
    fn connector_may_clear_the_flag_once_the_email_is_out() {
        let facts = LifecycleFacts {
            request_flag: false,
            ..requested(
                SuppressionReason::Unsubscribed,
                vec![note("Confirmation email sent", 1)],
            )
        };
        assert!(matches!(
            state(&facts),
            Lifecycle::AwaitingConfirmation { .. }
        ));
    }

    #[test]
    fn ignores_notes_from_before_the_request_and_our_own_audit_note() {
        let facts = requested(
            SuppressionReason::Unsubscribed,
            vec![
                note("Resubscribed", -24),
                note("Resubscription failed: abuse reported", -48),
                note(
                    "Resubscribe request: jane@example.com \
                     (rsub:8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e:1795701780000)",
                    0,
                ),
            ],
        );
        assert!(matches!(state(&facts), Lifecycle::AwaitingSync { .. }));
    }

    #[test]
    fn resubscribed_contact_keeps_bulk_restriction_until_next_sync() {
        let facts = LifecycleFacts {
            suppression_active: false,
            ..requested(
                SuppressionReason::Unsubscribed,
                vec![note("Confirmation email sent", 2), note("Resubscribed", 30)],
            )
        };
        let lifecycle = state(&facts);
        assert_eq!(
            lifecycle,
            Lifecycle::Resubscribed {
                requested_on: Some(REQUESTED),
                email_sent_on: Some(at(2)),
                confirmed_on: Some(at(30)),
                bulk_restriction_on: true,
                path: ResubscribePath::Confirmation
            }
        );
        assert!(lifecycle
            .message()
            .render_english()
            .contains("until the next sync lifts the restriction"));
        let done: Vec<_> = lifecycle.steps().iter().map(|s| s.done).collect();
        assert_eq!(done, vec![true, true, true, false]);
        assert_eq!(lifecycle.steps()[2].by, Actor::Contact);
    }

    #[test]
    fn lifted_bulk_restriction_completes_the_resubscription() {
        let facts = LifecycleFacts {
            contact_donotbulkemail: Some(false),
            record: None,
            ..requested(
                SuppressionReason::Unsubscribed,
                vec![note("Resubscribed", 30)],
            )
        };
        let lifecycle = state(&facts);
        assert!(matches!(lifecycle, Lifecycle::Complete { .. }));
        assert!(lifecycle.steps().iter().all(|s| s.done));
    }

    #[test]
    fn unknown_bulk_flag_stops_at_resubscribed() {
        let facts = LifecycleFacts {
            contact_donotbulkemail: None,
            record: None,
            ..requested(
                SuppressionReason::Unsubscribed,
                vec![note("Resubscribed", 30)],
            )
        };
        assert!(matches!(
            state(&facts),
            Lifecycle::Resubscribed {
                bulk_restriction_on: false,
                ..
            }
        ));
    }

    #[test]
    fn suppressed_by_you_goes_from_sync_to_resubscribed_without_email() {
        let waiting = requested(
            SuppressionReason::Suppressed,
            vec![note("Confirmation email sent", 1)],
        );
        assert_eq!(
            state(&waiting),
            Lifecycle::AwaitingSync {
                requested_on: Some(REQUESTED),
                confirmation_email: false
            }
        );
        assert!(!state(&waiting)
            .steps()
            .iter()
            .any(|s| s.kind == StepKind::ConfirmationSent));
        let done = LifecycleFacts {
            suppression_active: false,
            ..waiting
        };
        let lifecycle = state(&done);
        assert!(matches!(
            lifecycle,
            Lifecycle::Resubscribed {
                path: ResubscribePath::Immediate,
                email_sent_on: None,
                ..
            }
        ));
        let kinds: Vec<_> = lifecycle.steps().iter().map(|s| (s.kind, s.by)).collect();
        assert_eq!(
            kinds,
            vec![
                (StepKind::Requested, Actor::User),
                (StepKind::Resubscribed, Actor::ConnectorSync),
                (StepKind::BulkRestrictionLifted, Actor::ConnectorSync),
            ]
        );
    }

    #[test]
    fn abuse_report_fails_the_resubscription() {
        let facts = requested(
            SuppressionReason::Unsubscribed,
            vec![
                note("Confirmation email sent", 1),
                note("Resubscription failed: contact reported abuse", 20),
            ],
        );
        let lifecycle = state(&facts);
        assert_eq!(
            lifecycle,
            Lifecycle::Failed {
                requested_on: Some(REQUESTED),
                email_sent_on: Some(at(1)),
                on: at(20),
                why: "Resubscription failed: contact reported abuse".into()
            }
        );
        assert!(!lifecycle.is_pending());
        assert_eq!(
            lifecycle.steps().last().map(|s| s.kind),
            Some(StepKind::Failed)
        );
    }

    #[test]
    fn the_confirmation_email_date_survives_the_connector_moving_the_request_date() {
        // Our audit note records the request at REQUESTED; the connector later moved the
        // record's request date to the confirmation (hour 5).
        let marker = crate::domain::note::RequestMarker::new(
            "7d4c0f0e-1b2a-4f3e-9a10-00000000a001",
            REQUESTED,
        )
        .unwrap();
        let facts = LifecycleFacts {
            request_date: Some(at(5)),
            suppression_active: false,
            ..requested(
                SuppressionReason::Unsubscribed,
                vec![
                    note(&format!("Resubscribe request: a@b.com {marker}"), 0),
                    note("Resubscription confirmation email sent", 1),
                    note("Resubscribed", 5),
                ],
            )
        };
        match state(&facts) {
            Lifecycle::Resubscribed {
                email_sent_on,
                confirmed_on,
                ..
            } => {
                assert_eq!(email_sent_on, Some(at(1)));
                assert_eq!(confirmed_on, Some(at(5)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn our_note_recognised_by_its_id_gives_the_request_time_and_never_counts_as_progress() {
        use crate::domain::evidence::tests::phone_call;
        let marker = crate::domain::note::RequestMarker::new(
            "7d4c0f0e-1b2a-4f3e-9a10-00000000a001",
            REQUESTED,
        )
        .unwrap();
        let mut evidence = phone_call();
        evidence.details = "Resubscribed? Confirmation email sent? Failed before.".into();
        let ours = crate::domain::note::ResubscribeNote::compose(
            &evidence,
            &crate::domain::email::EmailAddress::parse("a@b.com").unwrap(),
            &SuppressionReason::Unsubscribed,
            &marker,
        )
        .as_fact();
        let waiting = requested(SuppressionReason::Unsubscribed, vec![ours.clone()]);
        assert!(
            matches!(state(&waiting), Lifecycle::AwaitingSync { .. }),
            "{:?}",
            state(&waiting)
        );
        let moved = LifecycleFacts {
            request_date: Some(at(5)),
            suppression_active: false,
            ..requested(
                SuppressionReason::Unsubscribed,
                vec![
                    ours,
                    note("Resubscription confirmation email sent", 1),
                    note("Resubscribed", 5),
                ],
            )
        };
        match state(&moved) {
            Lifecycle::Resubscribed { email_sent_on, .. } => {
                assert_eq!(email_sent_on, Some(at(1)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_completed_resubscription_without_our_note_finds_its_confirmation_email() {
        let facts = LifecycleFacts {
            request_date: Some(at(5)),
            suppression_active: false,
            ..requested(
                SuppressionReason::Unsubscribed,
                vec![
                    note("Resubscription confirmation email sent", -30),
                    note("Resubscription confirmation email sent", 1),
                    note("Resubscribed", 5),
                ],
            )
        };
        match state(&facts) {
            Lifecycle::Resubscribed { email_sent_on, .. } => assert_eq!(email_sent_on, Some(at(1))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn later_resubscribed_note_wins_over_an_earlier_failure() {
        let facts = requested(
            SuppressionReason::Unsubscribed,
            vec![
                note("Resubscribe failed, retrying", 1),
                note("Resubscribed", 5),
            ],
        );
        assert!(matches!(state(&facts), Lifecycle::Resubscribed { .. }));
    }

    #[test]
    fn signup_form_resubscription_is_credited_to_the_contact() {
        let facts = LifecycleFacts {
            request_flag: false,
            request_date: None,
            suppression_active: false,
            ..requested(SuppressionReason::Unsubscribed, vec![])
        };
        let lifecycle = state(&facts);
        assert!(matches!(
            lifecycle,
            Lifecycle::Resubscribed {
                path: ResubscribePath::Contact,
                ..
            }
        ));
        assert_eq!(lifecycle.steps()[0].by, Actor::Contact);
    }

    #[test]
    fn patterns_come_from_configuration_case_insensitively() {
        let patterns = LifecyclePatterns {
            confirmation_sent: vec!["Double opt-in mail versendet".into(), "  ".into()],
            resubscribed: vec![],
            failed: vec![],
        };
        let facts = requested(
            SuppressionReason::Unsubscribed,
            vec![NoteFact {
                id: String::new(),
                subject: String::new(),
                text: "Status: DOUBLE OPT-IN MAIL VERSENDET".into(),
                created_on: at(1),
            }],
        );
        assert!(matches!(
            derive(&facts, &patterns),
            Lifecycle::AwaitingConfirmation { .. }
        ));
        // A blank pattern must not match every note.
        let blank = LifecyclePatterns {
            confirmation_sent: vec![String::new()],
            resubscribed: vec![String::new()],
            failed: vec![String::new()],
        };
        assert!(matches!(
            derive(&facts, &blank),
            Lifecycle::AwaitingSync { .. }
        ));
    }

    #[test]
    fn a_withdrawn_request_says_who_withdrew_it_and_when() {
        use crate::domain::evidence::UserRef;
        use crate::domain::note::{RequestMarker, ResubscribeNote};
        const RECORD: &str = "8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e";
        let by = UserRef {
            id: "u".into(),
            name: "Sam Agent".into(),
        };
        let marker = RequestMarker::new(RECORD, REQUESTED).unwrap();
        let withdrawal = ResubscribeNote::withdrawal(&marker, &by, at(2)).as_fact();
        let request = NoteFact {
            id: marker.note_id(),
            subject: "Resubscribe request from Jane Doe, by phone".into(),
            text: String::new(),
            created_on: REQUESTED,
        };
        let facts = LifecycleFacts {
            request_flag: false,
            request_date: None,
            notes: vec![request.clone(), withdrawal.clone()],
            record: Some(RECORD.into()),
            ..requested(SuppressionReason::Unsubscribed, vec![])
        };
        let withdrawn = state(&facts);
        assert_eq!(
            withdrawn,
            Lifecycle::Withdrawn {
                requested_on: REQUESTED,
                on: at(2),
                by: "Sam Agent".into()
            }
        );
        assert_eq!(
            crate::domain::messages::english(withdrawn.message().key),
            "Withdrawn by {name} on {date}."
        );
        assert_eq!(withdrawn.message().arg("name"), Some("Sam Agent"));
        assert!(!withdrawn.is_pending(), "a new request can be made");
        // Another record of the same contact has nothing withdrawn.
        let other = LifecycleFacts {
            record: Some("0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c".into()),
            ..facts.clone()
        };
        assert_eq!(state(&other), Lifecycle::NotRequested);
        // Ticked again (a new request): the withdrawal is of the one before.
        let again = LifecycleFacts {
            request_flag: true,
            request_date: Some(at(5)),
            ..facts.clone()
        };
        assert!(state(&again).is_pending());
        // Without the withdrawal note: nothing is said that is not known.
        let unrecorded = LifecycleFacts {
            notes: vec![request],
            ..facts.clone()
        };
        assert_eq!(state(&unrecorded), Lifecycle::NotRequested);
        // A withdrawal note never counts as the connector's progress.
        let worded = NoteFact {
            text: "abuse Resubscribed".into(),
            ..withdrawal
        };
        assert!(
            classify(&worded, &LifecyclePatterns::default()).is_none(),
            "our own note"
        );
    }
}
