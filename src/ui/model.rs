//! What the status panel shows, as display-ready texts: built from plain domain values, the
//! user's message table (`text`) and date formatter (`date`), both passed in. Pure: no
//! browser, no Client API, so every state is tested natively. [`super::wire`] only writes
//! these texts down for the page, which copies them into its document.

use crate::domain::compatibility::Compatibility;
use crate::domain::eligibility::Eligibility;
use crate::domain::history::{HistoryEntry, Outcome, RecordedRequest};
use crate::domain::lifecycle::{Actor, Lifecycle, Step, StepKind};
use crate::domain::messages::{Message, MessageKey};
use crate::domain::text::decimal;
use crate::domain::time::Timestamp;
use crate::prelude::*;

/// How a line should look (a CSS class; the words carry the meaning, colour only repeats it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Nothing to report.
    Neutral,
    /// In progress.
    Info,
    /// Done, allowed.
    Success,
    /// Needs attention.
    Warning,
    /// Failed, blocked.
    Error,
}

impl Tone {
    /// The CSS class suffix (`tone-success`, …).
    pub fn name(self) -> &'static str {
        match self {
            Tone::Neutral => "neutral",
            Tone::Info => "info",
            Tone::Success => "success",
            Tone::Warning => "warning",
            Tone::Error => "error",
        }
    }
}

/// Where a timeline step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Happened.
    Done,
    /// The step the process waits for now.
    Current,
    /// Still to come.
    Pending,
    /// The resubscription failed here.
    Failed,
}

impl ItemState {
    /// The CSS class suffix and `data-state` value.
    pub fn name(self) -> &'static str {
        match self {
            ItemState::Done => "done",
            ItemState::Current => "current",
            ItemState::Pending => "pending",
            ItemState::Failed => "failed",
        }
    }
}

/// One step of the timeline, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineItem {
    /// "Confirmation email sent" once done, "Send the confirmation email" before.
    pub label: String,
    /// Which step.
    pub kind: StepKind,
    /// "Done", "Waiting for the next sync", "Not yet", "Failed".
    pub status: String,
    /// The date, for a step that happened on a known date (no line otherwise).
    pub date: Option<String>,
    /// "By the connector sync"; empty for the step being waited for (its status says for
    /// whom).
    pub actor: String,
    /// Where it stands.
    pub state: ItemState,
    /// Whether this is the step the process waits at (`aria-current="step"`); no step once
    /// the last one is done.
    pub current: bool,
}

/// A label and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// "Channel".
    pub label: String,
    /// "Phone".
    pub value: String,
    /// How it looks.
    pub tone: Tone,
}

/// A titled group of rows, or a note when there is nothing to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading.
    pub title: String,
    /// The rows.
    pub rows: Vec<Row>,
    /// Said instead of (or after) the rows.
    pub note: Option<String>,
}

/// The contact's consent flags as read (`None` = could not be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContactConsent {
    /// `donotbulkemail`.
    pub donotbulkemail: Option<bool>,
    /// `donotemail`.
    pub donotemail: Option<bool>,
}

/// What the panel on the suppression form is built from.
#[derive(Debug, Clone, Copy)]
pub struct PanelInputs<'a> {
    /// Where the resubscription stands.
    pub lifecycle: &'a Lifecycle,
    /// Whether the record's state and notes were read: if not, where the resubscription
    /// stands is unknown and the panel says so instead of a state.
    pub verified: bool,
    /// The recorded evidence of the current request, if found.
    pub request: Option<&'a RecordedRequest>,
    /// The connector verdict, if known.
    pub compatibility: Option<&'a Compatibility>,
    /// The linked contact's flags; `None` when no contact is linked.
    pub contact: Option<ContactConsent>,
}

/// The panel on the suppression form, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelModel {
    /// The heading.
    pub title: String,
    /// One sentence for the live region.
    pub summary: String,
    /// The overall tone.
    pub tone: Tone,
    /// A stable name of the state (`awaitingConfirmation`), for `data-state`.
    pub state: &'static str,
    /// The accessible name of the timeline.
    pub timeline_label: String,
    /// The steps (empty when nothing was requested).
    pub timeline: Vec<TimelineItem>,
    /// The contact's request (absent when there is none to show).
    pub evidence: Option<Section>,
    /// The connector line.
    pub compatibility: Option<Row>,
    /// The contact's email preferences (none while the record is read).
    pub consent: Option<Section>,
}

/// One entry of the contact's history, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryItem {
    /// "Request of 26 Nov 2026, 14:03".
    pub heading: String,
    /// The evidence (empty for connector activity this form did not record).
    pub rows: Vec<Row>,
    /// The outcome line.
    pub outcome: Row,
}

/// The contact's resubscription history, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryModel {
    /// The heading.
    pub title: String,
    /// One sentence for the live region: how many entries, or, without any, that nothing was
    /// found or that the notes could not be read (said there once, not again below it).
    pub summary: String,
    /// Newest first.
    pub entries: Vec<HistoryItem>,
    /// The panel's tone: an error when the notes could not be read.
    pub tone: Tone,
    /// What opens an entry's evidence ("Details of the request").
    pub details_label: String,
    /// The notes are still being read: the history says so and is busy.
    pub loading: bool,
}

fn say(text: &impl Fn(&Message) -> String, key: MessageKey) -> String {
    text(&Message::new(key))
}

/// The state's stable name.
fn state_name(lifecycle: &Lifecycle) -> &'static str {
    match lifecycle {
        Lifecycle::NotRequested => "notRequested",
        Lifecycle::AwaitingSync { .. } => "awaitingSync",
        Lifecycle::AwaitingConfirmation { .. } => "awaitingConfirmation",
        Lifecycle::Resubscribed { .. } => "resubscribed",
        Lifecycle::Complete { .. } => "complete",
        Lifecycle::Failed { .. } => "failed",
        Lifecycle::Withdrawn { .. } => "withdrawn",
    }
}

/// The date the state's one-line message talks about.
fn message_date(lifecycle: &Lifecycle) -> Option<Timestamp> {
    match lifecycle {
        Lifecycle::NotRequested => None,
        Lifecycle::AwaitingSync { requested_on, .. } => *requested_on,
        Lifecycle::AwaitingConfirmation { email_sent_on, .. } => Some(*email_sent_on),
        Lifecycle::Resubscribed { confirmed_on, .. } | Lifecycle::Complete { confirmed_on, .. } => {
            *confirmed_on
        }
        Lifecycle::Failed { on, .. } | Lifecycle::Withdrawn { on, .. } => Some(*on),
    }
}

fn date_or_unknown(
    on: Option<Timestamp>,
    text: &impl Fn(&Message) -> String,
    date: &impl Fn(Timestamp) -> String,
) -> String {
    on.map_or_else(|| say(text, MessageKey::DateUnknown), date)
}

/// The state's one-line message ([`Lifecycle::message`]) with its date in the user's format,
/// for the panel's summary and the form notification alike.
pub fn lifecycle_message(
    lifecycle: &Lifecycle,
    text: &impl Fn(&Message) -> String,
    date: &impl Fn(Timestamp) -> String,
) -> Message {
    let mut message = lifecycle.message();
    let localized = date_or_unknown(message_date(lifecycle), text, date);
    for (name, value) in message.args.iter_mut() {
        if name == "date" {
            value.clone_from(&localized);
        }
    }
    message
}

/// The state's one-line message with its date in the user's format.
fn summary(
    lifecycle: &Lifecycle,
    text: &impl Fn(&Message) -> String,
    date: &impl Fn(Timestamp) -> String,
) -> String {
    text(&lifecycle_message(lifecycle, text, date))
}

fn timeline(
    steps: &[Step],
    request: Option<&RecordedRequest>,
    text: &impl Fn(&Message) -> String,
    date: &impl Fn(Timestamp) -> String,
) -> Vec<TimelineItem> {
    // The step waited for; a failure is where the process stopped; a finished process has none.
    let current = steps
        .iter()
        .position(|s| !s.done || s.kind == StepKind::Failed);
    let email_sent = steps
        .iter()
        .find(|s| s.kind == StepKind::ConfirmationSent && s.done)
        .and_then(|s| s.date);
    steps
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let is_current = current == Some(index);
            let state = if step.kind == StepKind::Failed {
                ItemState::Failed
            } else if step.done {
                ItemState::Done
            } else if is_current {
                ItemState::Current
            } else {
                ItemState::Pending
            };
            let recorder = request
                .map(|r| r.recorded_by.trim())
                .filter(|name| step.by == Actor::User && !name.is_empty());
            let actor = match recorder {
                Some(name) => name.to_owned(),
                None => say(text, step.by.label_key()),
            };
            let status = match state {
                ItemState::Done => MessageKey::PanelStateDone,
                ItemState::Current => step.by.waiting_key(),
                ItemState::Pending => MessageKey::PanelStatePending,
                ItemState::Failed => MessageKey::PanelStateFailed,
            };
            TimelineItem {
                kind: step.kind,
                label: say(
                    text,
                    if step.done {
                        step.kind.label_key()
                    } else {
                        step.kind.todo_key()
                    },
                ),
                status: say(text, status),
                date: step
                    .done
                    .then(|| step_date(step, request, email_sent))
                    .flatten()
                    .map(date),
                actor: if state == ItemState::Current {
                    String::new()
                } else {
                    text(&Message::new(MessageKey::PanelStepBy).with("actor", actor))
                },
                state,
                current: is_current,
            }
        })
        .collect()
}

/// A step's date; the request step takes the recorded request's own time when known. The
/// connector replaces the record's request date with its own when the contact confirms, so
/// without a recorded request a date after the confirmation email is not the request's.
fn step_date(
    step: &Step,
    request: Option<&RecordedRequest>,
    email_sent: Option<Timestamp>,
) -> Option<Timestamp> {
    match (step.kind, request) {
        (StepKind::Requested, Some(request)) => Some(request.key.requested_at),
        (StepKind::Requested, None) => step.date.filter(|on| email_sent.is_none_or(|s| *on <= s)),
        _ => step.date,
    }
}

fn row(label: String, value: String, tone: Tone) -> Row {
    Row { label, value, tone }
}

/// The evidence rows of a recorded request.
fn evidence_rows(
    request: &RecordedRequest,
    with_address: bool,
    text: &impl Fn(&Message) -> String,
    date: &impl Fn(Timestamp) -> String,
) -> Vec<Row> {
    let label = |key| say(text, key);
    let or_not_given = |value: &str| {
        if value.trim().is_empty() {
            say(text, MessageKey::PanelEvidenceNotGiven)
        } else {
            value.to_owned()
        }
    };
    let channel = match request.channel {
        Some(channel) => say(text, channel.label_key()),
        None => or_not_given(&request.channel_text),
    };
    let asked = request
        .asked_at
        .map_or_else(|| say(text, MessageKey::PanelEvidenceNotGiven), date);
    let recorded = text(
        &Message::new(MessageKey::PanelEvidenceRecordedByOn)
            .with("name", or_not_given(&request.recorded_by))
            .with("date", date(request.noted_on)),
    );
    let neutral = Tone::Neutral;
    let mut rows = vec![
        row(
            label(MessageKey::PanelEvidenceWho),
            or_not_given(&request.who),
            neutral,
        ),
        row(label(MessageKey::PanelEvidenceChannel), channel, neutral),
        row(label(MessageKey::PanelEvidenceWhen), asked, neutral),
        row(
            label(MessageKey::PanelEvidenceDetails),
            or_not_given(&request.details),
            neutral,
        ),
        row(
            label(MessageKey::PanelEvidenceRecordedBy),
            recorded,
            neutral,
        ),
    ];
    if with_address && !request.email.trim().is_empty() {
        rows.insert(
            1,
            row(
                label(MessageKey::PanelEvidenceAddress),
                request.email.clone(),
                neutral,
            ),
        );
    }
    rows
}

fn compatibility_row(compatibility: &Compatibility, text: &impl Fn(&Message) -> String) -> Row {
    let (value, tone) = match compatibility {
        // The version is an administrator's detail, said in their notification only.
        Compatibility::Ok { .. } => (say(text, MessageKey::PanelCompatOk), Tone::Success),
        Compatibility::Unknown { .. } => (say(text, MessageKey::PanelCompatUnknown), Tone::Warning),
        Compatibility::TooOld { .. }
        | Compatibility::LineMismatch { .. }
        | Compatibility::NotInstalled { .. } => {
            (say(text, MessageKey::PanelCompatBlocked), Tone::Error)
        }
    };
    row(say(text, MessageKey::PanelCompatLabel), value, tone)
}

fn consent_value(blocked: Option<bool>, text: &impl Fn(&Message) -> String) -> (String, Tone) {
    match blocked {
        Some(true) => (say(text, MessageKey::PanelConsentBlocked), Tone::Warning),
        Some(false) => (say(text, MessageKey::PanelConsentAllowed), Tone::Success),
        None => (say(text, MessageKey::PanelConsentUnknown), Tone::Neutral),
    }
}

fn consent(contact: Option<ContactConsent>, text: &impl Fn(&Message) -> String) -> Section {
    let title = say(text, MessageKey::PanelConsentTitle);
    let Some(flags) = contact else {
        return Section {
            title,
            rows: Vec::new(),
            note: Some(say(text, MessageKey::PanelConsentNoContact)),
        };
    };
    let line = |key, flag| {
        let (value, tone) = consent_value(flag, text);
        row(say(text, key), value, tone)
    };
    Section {
        title,
        rows: vec![
            line(MessageKey::PanelConsentBulk, flags.donotbulkemail),
            line(MessageKey::PanelConsentEmail, flags.donotemail),
        ],
        note: None,
    }
}

impl PanelModel {
    /// Builds the panel; `text` renders a message in the user's language, `date` formats an
    /// instant for the user's locale.
    pub fn build(
        inputs: &PanelInputs<'_>,
        text: impl Fn(&Message) -> String,
        date: impl Fn(Timestamp) -> String,
    ) -> PanelModel {
        let lifecycle = inputs.lifecycle;
        if !inputs.verified {
            return PanelModel {
                title: say(&text, MessageKey::PanelTitle),
                summary: say(&text, MessageKey::PanelUnread),
                tone: Tone::Warning,
                state: "unread",
                timeline_label: say(&text, MessageKey::PanelTimeline),
                timeline: Vec::new(),
                evidence: None,
                compatibility: inputs.compatibility.map(|c| compatibility_row(c, &text)),
                consent: Some(consent(inputs.contact, &text)),
            };
        }
        let tone = match lifecycle {
            Lifecycle::NotRequested | Lifecycle::Withdrawn { .. } => Tone::Neutral,
            Lifecycle::AwaitingSync { .. }
            | Lifecycle::AwaitingConfirmation { .. }
            | Lifecycle::Resubscribed { .. } => Tone::Info,
            Lifecycle::Complete { .. } => Tone::Success,
            Lifecycle::Failed { .. } => Tone::Error,
        };
        let steps = lifecycle.steps();
        // A staff request has evidence to show; a signup-form resubscription has none.
        let requested = steps
            .iter()
            .any(|s| s.kind == StepKind::Requested && s.done);
        let evidence = requested.then(|| match inputs.request {
            Some(request) => Section {
                title: say(&text, MessageKey::PanelEvidenceTitle),
                rows: evidence_rows(request, false, &text, &date),
                note: None,
            },
            None => Section {
                title: say(&text, MessageKey::PanelEvidenceTitle),
                rows: Vec::new(),
                note: Some(say(&text, MessageKey::PanelEvidenceMissing)),
            },
        });
        PanelModel {
            title: say(&text, MessageKey::PanelTitle),
            summary: summary(lifecycle, &text, &date),
            tone,
            state: state_name(lifecycle),
            timeline_label: say(&text, MessageKey::PanelTimeline),
            timeline: timeline(&steps, inputs.request, &text, &date),
            evidence,
            compatibility: inputs.compatibility.map(|c| compatibility_row(c, &text)),
            consent: Some(consent(inputs.contact, &text)),
        }
    }

    /// The panel while the record is being read ("Reading the record…"): what the shell shows
    /// before the facts are in, instead of an empty frame.
    pub fn loading(text: impl Fn(&Message) -> String) -> PanelModel {
        PanelModel {
            title: say(&text, MessageKey::PanelTitle),
            summary: say(&text, MessageKey::PanelLoading),
            tone: Tone::Neutral,
            state: "loading",
            timeline_label: say(&text, MessageKey::PanelTimeline),
            timeline: Vec::new(),
            evidence: None,
            compatibility: None,
            consent: None,
        }
    }

    /// The panel for the record's suppression reason: when the address cannot be resubscribed
    /// (an ISP complaint, a global suppression, a hard bounce…) and nothing was requested (or
    /// the record is still being read), the refusal ("This address cannot be resubscribed: …")
    /// is said instead of "No resubscribe request is pending", and the connector is not said
    /// to be ready for a request that cannot be made. Otherwise the panel is kept as built (a
    /// request under way or its outcome says more than the reason).
    pub fn with_eligibility(
        self,
        eligibility: &Eligibility,
        text: impl Fn(&Message) -> String,
    ) -> PanelModel {
        if eligibility.is_allowed() || !matches!(self.state, "notRequested" | "loading") {
            return self;
        }
        let why = eligibility.message();
        PanelModel {
            summary: text(&why),
            tone: Tone::Warning,
            state: "cannotResubscribe",
            compatibility: None,
            ..self
        }
    }

    /// The panel while the form holds a request captured but not saved yet: "Ready to send:
    /// save the record" instead of "No resubscribe request is pending", so the panel follows
    /// the form in front of the user. A request already on the record keeps its state.
    pub fn with_captured(self, captured: bool, text: impl Fn(&Message) -> String) -> PanelModel {
        if !captured || !matches!(self.state, "notRequested" | "complete" | "failed") {
            return self;
        }
        PanelModel {
            summary: say(&text, MessageKey::PanelReadyToSend),
            tone: Tone::Info,
            state: "readyToSend",
            ..self
        }
    }
}

fn outcome_row(
    outcome: &Outcome,
    text: &impl Fn(&Message) -> String,
    date: &impl Fn(Timestamp) -> String,
) -> Row {
    let (message, tone) = match outcome {
        Outcome::NoneYet => (Message::new(MessageKey::PanelOutcomeNone), Tone::Neutral),
        Outcome::ConfirmationSent { on } => (
            Message::new(MessageKey::PanelOutcomeConfirmationSent).with("date", date(*on)),
            Tone::Info,
        ),
        Outcome::Resubscribed { on } => (
            Message::new(MessageKey::PanelOutcomeResubscribed)
                .with("date", date_or_unknown(*on, text, date)),
            Tone::Success,
        ),
        Outcome::Withdrawn { by, on } => (
            Message::new(MessageKey::PanelOutcomeWithdrawn)
                .with("name", by.as_str())
                .with("date", date(*on)),
            Tone::Neutral,
        ),
        Outcome::Failed { on, why } => (
            Message::new(MessageKey::PanelOutcomeFailed)
                .with("date", date(*on))
                .with("why", crate::domain::lifecycle::failure_cause(why)),
            Tone::Error,
        ),
    };
    row(
        say(text, MessageKey::PanelHistoryOutcome),
        text(&message),
        tone,
    )
}

impl HistoryModel {
    /// Builds the history (entries newest first, as [`crate::domain::history::history`]
    /// gives them).
    pub fn build(
        entries: &[HistoryEntry],
        text: impl Fn(&Message) -> String,
        date: impl Fn(Timestamp) -> String,
    ) -> HistoryModel {
        let items: Vec<HistoryItem> = entries
            .iter()
            .map(|entry| {
                let started = date(entry.started_on);
                let (heading, rows) = match &entry.request {
                    Some(request) => (
                        text(&Message::new(MessageKey::PanelHistoryRequest).with("date", started)),
                        evidence_rows(request, true, &text, &date),
                    ),
                    None => (
                        text(
                            &Message::new(MessageKey::PanelHistoryUnrecorded).with("date", started),
                        ),
                        Vec::new(),
                    ),
                };
                HistoryItem {
                    heading,
                    rows,
                    outcome: outcome_row(&entry.outcome, &text, &date),
                }
            })
            .collect();
        let summary = match items.len() {
            0 => say(&text, MessageKey::PanelHistoryEmpty),
            1 => say(&text, MessageKey::PanelHistorySummaryOne),
            count => text(
                &Message::new(MessageKey::PanelHistorySummary).with("count", decimal(count as i64)),
            ),
        };
        HistoryModel {
            title: say(&text, MessageKey::PanelHistoryTitle),
            summary,
            entries: items,
            tone: Tone::Neutral,
            details_label: say(&text, MessageKey::PanelEvidenceOpen),
            loading: false,
        }
    }

    /// The history while the contact's notes are being read.
    pub fn loading(text: impl Fn(&Message) -> String) -> HistoryModel {
        HistoryModel {
            title: say(&text, MessageKey::PanelHistoryTitle),
            summary: say(&text, MessageKey::PanelHistoryLoading),
            entries: Vec::new(),
            tone: Tone::Neutral,
            details_label: say(&text, MessageKey::PanelEvidenceOpen),
            loading: true,
        }
    }

    /// The history when the notes could not be read: says why.
    pub fn failed(problem: &str, text: impl Fn(&Message) -> String) -> HistoryModel {
        let message =
            text(&Message::new(MessageKey::PanelHistoryLoadFailed).with("problem", problem));
        HistoryModel {
            title: say(&text, MessageKey::PanelHistoryTitle),
            summary: message,
            entries: Vec::new(),
            tone: Tone::Error,
            details_label: say(&text, MessageKey::PanelEvidenceOpen),
            loading: false,
        }
    }

    /// A stable name of what the history shows (`loading`, `empty`, `entries`), for
    /// `data-state`.
    pub fn state(&self) -> &'static str {
        if self.loading {
            "loading"
        } else if self.entries.is_empty() {
            "empty"
        } else {
            "entries"
        }
    }
}

/// The BCP 47 tag for a Dynamics language (LCID) to format dates with; `None` for an LCID
/// not listed (the browser's own locale is used then).
pub fn locale_tag(lcid: u32) -> Option<&'static str> {
    Some(match lcid {
        1025 => "ar-SA",
        1028 => "zh-TW",
        1029 => "cs-CZ",
        1030 => "da-DK",
        1031 => "de-DE",
        1032 => "el-GR",
        1033 => "en-US",
        1035 => "fi-FI",
        1036 => "fr-FR",
        1037 => "he-IL",
        1038 => "hu-HU",
        1040 => "it-IT",
        1041 => "ja-JP",
        1042 => "ko-KR",
        1043 => "nl-NL",
        1044 => "nb-NO",
        1045 => "pl-PL",
        1046 => "pt-BR",
        1049 => "ru-RU",
        1053 => "sv-SE",
        1055 => "tr-TR",
        2052 => "zh-CN",
        2055 => "de-CH",
        2057 => "en-GB",
        2067 => "nl-BE",
        2070 => "pt-PT",
        3079 => "de-AT",
        3081 => "en-AU",
        3082 => "es-ES",
        3084 => "fr-CA",
        4105 => "en-CA",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::compatibility::{check, ConnectorReading};
    use crate::domain::eligibility::SuppressionReason;
    use crate::domain::history::{history, tests::audit_note};
    use crate::domain::lifecycle::{
        derive, LifecycleFacts, LifecyclePatterns, NoteFact, ResubscribePath,
    };
    use crate::domain::messages::english;
    use crate::domain::messages::tests::assert_complete;
    use core::cell::RefCell;

    /// 2026-11-26T14:03:00Z.
    const REQUESTED: Timestamp = Timestamp(1_795_701_780_000);
    const HOUR: i64 = 3_600_000;

    fn at(hours: i64) -> Timestamp {
        Timestamp(REQUESTED.0 + hours * HOUR)
    }

    fn english_text(message: &Message) -> String {
        message.render_english()
    }

    fn utc(on: Timestamp) -> String {
        on.to_display_utc()
    }

    fn panel(lifecycle: &Lifecycle, request: Option<&RecordedRequest>) -> PanelModel {
        let compatibility = check("9.2.25093.00168", &ConnectorReading::installed("7.0.1.721"));
        PanelModel::build(
            &PanelInputs {
                lifecycle,
                verified: true,
                request,
                compatibility: Some(&compatibility),
                contact: Some(ContactConsent {
                    donotbulkemail: Some(true),
                    donotemail: Some(false),
                }),
            },
            english_text,
            utc,
        )
    }

    fn items(model: &PanelModel) -> Vec<(StepKind, ItemState, bool)> {
        model
            .timeline
            .iter()
            .map(|i| (i.kind, i.state, i.current))
            .collect()
    }

    fn recorded() -> RecordedRequest {
        RecordedRequest::from_note(&audit_note(0, "Called the service desk. Ticket CAS-01234."))
            .unwrap()
    }

    #[test]
    fn an_unread_state_is_said_as_such_not_drawn_as_a_state() {
        let compatibility = check("9.2.25093.00168", &ConnectorReading::installed("7.0.1.721"));
        let pending = Lifecycle::AwaitingSync {
            requested_on: Some(at(0)),
            confirmation_email: true,
        };
        let unread = PanelModel::build(
            &PanelInputs {
                lifecycle: &pending,
                verified: false,
                request: None,
                compatibility: Some(&compatibility),
                contact: None,
            },
            english_text,
            utc,
        );
        assert_eq!(
            unread.summary,
            "Refresh the form to try again: where this resubscription stands could not be read."
        );
        assert_eq!((unread.tone, unread.state), (Tone::Warning, "unread"));
        assert!(unread.timeline.is_empty() && unread.evidence.is_none());
        assert!(
            unread.compatibility.is_some(),
            "the connector line still shows"
        );
    }

    #[test]
    fn while_the_record_is_read_the_panel_says_so() {
        let loading = PanelModel::loading(english_text);
        assert_eq!(loading.summary, "Reading the record…");
        assert_eq!((loading.state, loading.tone), ("loading", Tone::Neutral));
        assert!(loading.timeline.is_empty() && loading.evidence.is_none());
        assert!(loading.consent.is_none() && loading.compatibility.is_none());
        let history = HistoryModel::loading(english_text);
        assert_eq!(history.summary, "Reading the contact's notes…");
        assert!(history.entries.is_empty());
    }

    #[test]
    fn an_address_that_cannot_be_resubscribed_says_why_instead_of_ready() {
        for (label, why) in [
            (
                "IspComplained",
                "complained about your email as spam or abuse",
            ),
            ("GlobalSuppression", "it is blocked by dotdigital"),
            ("HardBounced", "it cannot receive email"),
        ] {
            let reason = SuppressionReason::parse(label);
            let model = panel(&Lifecycle::NotRequested, None)
                .with_eligibility(&reason.eligibility(), english_text);
            assert!(
                model
                    .summary
                    .starts_with("This address cannot be resubscribed: ")
                    && model.summary.contains(why),
                "{label}: {}",
                model.summary
            );
            assert_eq!(
                (model.state, model.tone),
                ("cannotResubscribe", Tone::Warning)
            );
            assert_eq!(
                model.compatibility, None,
                "{label}: no 'ready for requests'"
            );
            assert!(!model.summary.contains("pending"));
        }
        let allowed = panel(&Lifecycle::NotRequested, None)
            .with_eligibility(&SuppressionReason::Unsubscribed.eligibility(), english_text);
        assert_eq!(allowed, panel(&Lifecycle::NotRequested, None));
        // A request under way on a record whose reason changed since: its state says more.
        let waiting = Lifecycle::AwaitingSync {
            requested_on: Some(REQUESTED),
            confirmation_email: true,
        };
        let under_way = panel(&waiting, None).with_eligibility(
            &SuppressionReason::parse("HardBounced").eligibility(),
            english_text,
        );
        assert_eq!(under_way, panel(&waiting, None));
        // While the record is read, the reason on the form already says it.
        let loading = PanelModel::loading(english_text).with_eligibility(
            &SuppressionReason::parse("HardBounced").eligibility(),
            english_text,
        );
        assert_eq!(loading.state, "cannotResubscribe");
        assert!(loading.summary.contains("it cannot receive email"));
    }

    #[test]
    fn a_captured_request_not_saved_yet_is_ready_to_send() {
        let ready = panel(&Lifecycle::NotRequested, None).with_captured(true, english_text);
        assert_eq!(
            (ready.summary.as_str(), ready.state, ready.tone),
            ("Ready to send: save the record.", "readyToSend", Tone::Info)
        );
        assert!(!ready.summary.contains("pending"));
        let none = panel(&Lifecycle::NotRequested, None).with_captured(false, english_text);
        assert_eq!(none, panel(&Lifecycle::NotRequested, None));
        // A request on the record keeps its state: the form cannot send a second one.
        let waiting = Lifecycle::AwaitingSync {
            requested_on: Some(REQUESTED),
            confirmation_email: true,
        };
        let under_way = panel(&waiting, None).with_captured(true, english_text);
        assert_eq!(under_way, panel(&waiting, None));
    }

    #[test]
    fn a_failure_is_the_step_the_process_stopped_at() {
        let failed = Lifecycle::Failed {
            requested_on: Some(REQUESTED),
            email_sent_on: Some(at(1)),
            on: at(5),
            why: "Abuse reported".into(),
        };
        let model = panel(&failed, None);
        let current: Vec<_> = model.timeline.iter().filter(|i| i.current).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].state, ItemState::Failed);
    }

    #[test]
    fn one_history_entry_is_said_in_the_singular() {
        let notes = vec![audit_note(0, "Asked by phone.")];
        let model = HistoryModel::build(
            &history(&notes, &LifecyclePatterns::default()),
            english_text,
            utc,
        );
        assert_eq!(
            model.summary,
            "This contact's notes record one resubscription."
        );
        assert_eq!(model.details_label, "Details of the request");
        assert!(!model.entries[0].rows.is_empty());
    }

    #[test]
    fn nothing_requested_shows_no_timeline_and_no_evidence() {
        let model = panel(&Lifecycle::NotRequested, None);
        assert!(model.timeline.is_empty());
        assert_eq!(model.evidence, None);
        assert_eq!(model.summary, "No resubscribe request is pending.");
        assert_eq!(model.state, "notRequested");
        assert_eq!(model.tone, Tone::Neutral);
        assert_eq!(model.title, "Resubscription status");
    }

    #[test]
    fn awaiting_sync_waits_for_the_connector_sync_to_send_the_email() {
        let lifecycle = Lifecycle::AwaitingSync {
            requested_on: Some(REQUESTED),
            confirmation_email: true,
        };
        let model = panel(&lifecycle, Some(&recorded()));
        use ItemState::*;
        use StepKind::*;
        assert_eq!(
            items(&model),
            vec![
                (Requested, Done, false),
                (ConfirmationSent, Current, true),
                (StepKind::Resubscribed, Pending, false),
                (BulkRestrictionLifted, Pending, false),
            ]
        );
        let requested = &model.timeline[0];
        assert_eq!(requested.label, "Resubscribe requested");
        assert_eq!(requested.status, "Done");
        assert_eq!(requested.date.as_deref(), Some("2026-11-26 14:03 UTC"));
        assert_eq!(
            requested.actor, "By Sam Agent",
            "the recorder's name is known"
        );
        let sent = &model.timeline[1];
        assert_eq!(
            (sent.label.as_str(), sent.status.as_str()),
            ("Send the confirmation email", "Waiting for the next sync"),
            "a step not done is named by what is to be done, with what it waits for"
        );
        assert_eq!(sent.actor, "", "the status says whom it waits for");
        assert_eq!(sent.date, None);
        assert_eq!(model.timeline[2].label, "Resubscribe the address");
        assert_eq!(model.timeline[2].actor, "By the contact");
        assert_eq!(model.timeline[2].status, "Not yet");
        assert_eq!(model.timeline[3].label, "Lift the bulk email restriction");
        assert_eq!(
            model.summary,
            "Resubscribe requested on 2026-11-26 14:03 UTC. A confirmation email will be sent \
             at the next sync."
        );
        assert_eq!(model.tone, Tone::Info);
    }

    #[test]
    fn awaiting_confirmation_highlights_the_contacts_step() {
        let lifecycle = Lifecycle::AwaitingConfirmation {
            requested_on: Some(REQUESTED),
            email_sent_on: at(12),
        };
        let model = panel(&lifecycle, None);
        let current: Vec<_> = model.timeline.iter().filter(|i| i.current).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].kind, StepKind::Resubscribed);
        assert_eq!(current[0].status, "Waiting for the contact to confirm");
        assert_eq!(current[0].label, "Resubscribe the address");
        assert_eq!(model.timeline[1].label, "Confirmation email sent");
        assert_eq!(
            model.timeline[1].date.as_deref(),
            Some("2026-11-27 02:03 UTC")
        );
        assert_eq!(model.timeline[0].actor, "By a Dynamics user");
        assert_eq!(
            model.summary,
            "Confirmation email sent on 2026-11-27 02:03 UTC; waiting for the contact to confirm."
        );
        assert_eq!(model.state, "awaitingConfirmation");
    }

    #[test]
    fn resubscribed_waits_for_the_bulk_restriction_to_lift() {
        let lifecycle = Lifecycle::Resubscribed {
            requested_on: Some(REQUESTED),
            email_sent_on: Some(at(1)),
            confirmed_on: Some(at(30)),
            bulk_restriction_on: true,
            path: ResubscribePath::Confirmation,
        };
        let model = panel(&lifecycle, None);
        let last = model.timeline.last().unwrap();
        assert_eq!(last.kind, StepKind::BulkRestrictionLifted);
        assert_eq!((last.state, last.current), (ItemState::Current, true));
        assert!(model
            .summary
            .contains("until the next sync lifts the restriction"));
    }

    #[test]
    fn complete_marks_everything_done_and_no_step_current() {
        let lifecycle = Lifecycle::Complete {
            requested_on: Some(REQUESTED),
            email_sent_on: None,
            confirmed_on: Some(at(30)),
            path: ResubscribePath::Confirmation,
        };
        let model = panel(&lifecycle, None);
        assert!(model.timeline.iter().all(|i| i.state == ItemState::Done));
        assert!(
            model.timeline.iter().all(|i| !i.current),
            "a finished process waits at no step"
        );
        assert_eq!(
            model.timeline[1].date, None,
            "the email step happened but its note is missing: no date line"
        );
        assert_eq!(model.timeline[1].label, "Confirmation email sent");
        assert_eq!(model.tone, Tone::Success);
    }

    #[test]
    fn suppressed_by_you_shows_the_shorter_path_without_an_email_step() {
        let waiting = Lifecycle::AwaitingSync {
            requested_on: Some(REQUESTED),
            confirmation_email: false,
        };
        let model = panel(&waiting, None);
        assert_eq!(
            items(&model),
            vec![
                (StepKind::Requested, ItemState::Done, false),
                (StepKind::Resubscribed, ItemState::Current, true),
                (StepKind::BulkRestrictionLifted, ItemState::Pending, false),
            ]
        );
        assert_eq!(model.timeline[1].status, "Waiting for the next sync");
        assert!(model.summary.contains("no email is sent"));
        let done = Lifecycle::Resubscribed {
            requested_on: Some(REQUESTED),
            email_sent_on: None,
            confirmed_on: None,
            bulk_restriction_on: true,
            path: ResubscribePath::Immediate,
        };
        assert!(!panel(&done, None)
            .timeline
            .iter()
            .any(|i| i.kind == StepKind::ConfirmationSent));
    }

    #[test]
    fn failed_path_ends_in_a_failed_step_and_says_why() {
        let lifecycle = Lifecycle::Failed {
            requested_on: Some(REQUESTED),
            email_sent_on: Some(at(1)),
            on: at(20),
            why: "Resubscription failed: abuse reported".into(),
        };
        let model = panel(&lifecycle, None);
        let last = model.timeline.last().unwrap();
        assert_eq!(
            (last.kind, last.state, last.current),
            (StepKind::Failed, ItemState::Failed, true)
        );
        assert_eq!(last.status, "Failed");
        assert_eq!(last.date.as_deref(), Some("2026-11-27 10:03 UTC"));
        assert_eq!(model.tone, Tone::Error);
        assert!(
            model
                .summary
                .contains("failed on 2026-11-27 10:03 UTC: abuse reported."),
            "{}",
            model.summary
        );
    }

    #[test]
    fn signup_form_resubscription_has_no_request_evidence_section() {
        let lifecycle = Lifecycle::Complete {
            requested_on: None,
            email_sent_on: None,
            confirmed_on: None,
            path: ResubscribePath::Contact,
        };
        let model = panel(&lifecycle, None);
        assert_eq!(model.evidence, None);
        assert!(model.summary.contains("an unknown date"));
    }

    #[test]
    fn evidence_rows_list_who_channel_when_what_and_who_recorded_it() {
        let lifecycle = Lifecycle::AwaitingSync {
            requested_on: Some(REQUESTED),
            confirmation_email: true,
        };
        let model = panel(&lifecycle, Some(&recorded()));
        let evidence = model.evidence.unwrap();
        let rows: Vec<(&str, &str)> = evidence
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("Who asked", "Jane Doe"),
                ("Channel", "Phone"),
                ("When they asked", "2026-11-26 13:33 UTC"),
                (
                    "What they said",
                    "Called the service desk. Ticket CAS-01234."
                ),
                ("Recorded by", "Sam Agent on 2026-11-26 14:03 UTC"),
            ]
        );
        let missing = panel(&lifecycle, None).evidence.unwrap();
        assert!(missing.rows.is_empty());
        assert_eq!(
            missing.note.as_deref(),
            Some("No note recording the contact's request was found for this request.")
        );
    }

    #[test]
    fn the_request_step_shows_the_recorded_request_time_not_the_connectors() {
        // The connector replaced the record's request date with the time it resubscribed.
        let lifecycle = Lifecycle::Resubscribed {
            requested_on: Some(at(48)),
            email_sent_on: None,
            confirmed_on: Some(at(48)),
            bulk_restriction_on: true,
            path: ResubscribePath::Immediate,
        };
        let model = panel(&lifecycle, Some(&recorded()));
        assert_eq!(
            model.timeline[0].date.as_deref(),
            Some("2026-11-26 14:03 UTC")
        );
        assert_eq!(
            model.timeline[1].date.as_deref(),
            Some("2026-11-28 14:03 UTC")
        );
    }

    #[test]
    fn markup_in_the_evidence_stays_plain_text() {
        let hostile = "<img src=x onerror=alert(1)> & <script>alert(2)</script>";
        let request = RecordedRequest::from_note(&audit_note(0, hostile)).unwrap();
        let lifecycle = Lifecycle::AwaitingSync {
            requested_on: Some(REQUESTED),
            confirmation_email: true,
        };
        let model = panel(&lifecycle, Some(&request));
        let details = &model.evidence.unwrap().rows[3];
        assert_eq!(
            details.value, hostile,
            "no escaping, no stripping: the DOM gets text"
        );
    }

    #[test]
    fn compatibility_and_consent_lines() {
        let model = panel(&Lifecycle::NotRequested, None);
        let compat = model.compatibility.unwrap();
        assert_eq!(compat.label, "Connector");
        assert_eq!(compat.value, "Ready for resubscribe requests");
        assert_eq!(compat.tone, Tone::Success);
        let consent: Vec<(&str, &str, Tone)> = model
            .consent
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.value.as_str(), r.tone))
            .collect();
        assert_eq!(
            consent,
            vec![
                ("Bulk email", "Not allowed", Tone::Warning),
                ("Email", "Allowed", Tone::Success)
            ]
        );
        let old = check("9.2.25093.00168", &ConnectorReading::installed("7.0.1.129"));
        let no_contact = PanelModel::build(
            &PanelInputs {
                lifecycle: &Lifecycle::NotRequested,
                verified: true,
                request: None,
                compatibility: Some(&old),
                contact: None,
            },
            english_text,
            utc,
        );
        assert_eq!(no_contact.compatibility.clone().unwrap().tone, Tone::Error);
        let no_contact = no_contact.consent.unwrap();
        assert!(no_contact.rows.is_empty());
        assert_eq!(
            no_contact.note.as_deref(),
            Some("No contact is linked to this suppression.")
        );
    }

    #[test]
    fn a_request_date_the_connector_replaced_is_not_shown_as_the_request() {
        let processed = Lifecycle::Complete {
            requested_on: Some(at(30)),
            email_sent_on: Some(at(2)),
            confirmed_on: Some(at(30)),
            path: ResubscribePath::Confirmation,
        };
        let requested = |model: &PanelModel| {
            model
                .timeline
                .iter()
                .find(|i| i.kind == StepKind::Requested)
                .and_then(|i| i.date.clone())
        };
        assert_eq!(
            requested(&panel(&processed, None)).as_deref(),
            None,
            "a date after the confirmation email it caused"
        );
        let recorded = recorded();
        assert_eq!(
            requested(&panel(&processed, Some(&recorded))),
            Some(utc(recorded.key.requested_at)),
            "the recorded request knows its own date"
        );
        let in_order = Lifecycle::Complete {
            requested_on: Some(at(1)),
            email_sent_on: Some(at(2)),
            confirmed_on: Some(at(30)),
            path: ResubscribePath::Confirmation,
        };
        assert_eq!(requested(&panel(&in_order, None)), Some(utc(at(1))));
    }

    #[test]
    fn every_panel_message_fills_its_placeholders() {
        let seen = RefCell::new(Vec::new());
        let recording = |message: &Message| {
            seen.borrow_mut().push(message.clone());
            message.render_english()
        };
        let facts = |notes: Vec<NoteFact>, active| LifecycleFacts {
            request_flag: true,
            request_date: Some(REQUESTED),
            suppression_active: active,
            reason: SuppressionReason::Unsubscribed,
            notes,
            contact_donotbulkemail: Some(true),
            record: None,
        };
        let patterns = LifecyclePatterns::default();
        let note = |subject: &str, hours| NoteFact {
            id: String::new(),
            subject: subject.into(),
            text: String::new(),
            created_on: at(hours),
        };
        let states = [
            derive(&facts(vec![], true), &patterns),
            derive(
                &facts(vec![note("Confirmation email sent", 1)], true),
                &patterns,
            ),
            derive(&facts(vec![note("Resubscribed", 2)], false), &patterns),
            derive(
                &facts(vec![note("Resubscription failed", 2)], true),
                &patterns,
            ),
        ];
        let request = recorded();
        for (lifecycle, verified) in states.iter().flat_map(|l| [(l, true), (l, false)]) {
            let _ = PanelModel::build(
                &PanelInputs {
                    lifecycle,
                    verified,
                    request: Some(&request),
                    compatibility: None,
                    contact: None,
                },
                recording,
                utc,
            );
        }
        let notes = vec![
            note("Confirmation email sent", -3),
            audit_note(0, "first"),
            note("Resubscription failed", 1),
            audit_note(10, "second"),
            note("Resubscribed", 11),
            audit_note(20, "third"),
            note("Confirmation email sent", 21),
        ];
        let _ = HistoryModel::build(&history(&notes, &patterns), recording, utc);
        let _ = HistoryModel::build(&[], recording, utc);
        let _ = HistoryModel::failed("HTTP 403", recording);
        for message in seen.borrow().iter() {
            assert_complete(message);
        }
    }

    #[test]
    fn history_lists_each_request_with_evidence_and_outcome_newest_first() {
        let patterns = LifecyclePatterns::default();
        let note = |subject: &str, hours| NoteFact {
            id: String::new(),
            subject: subject.into(),
            text: String::new(),
            created_on: at(hours),
        };
        let notes = vec![
            audit_note(0, "first"),
            note("Resubscription failed: abuse reported", 5),
            audit_note(100, "second"),
        ];
        let model = HistoryModel::build(&history(&notes, &patterns), english_text, utc);
        assert_eq!(model.title, "Resubscription history");
        assert_eq!(model.tone, Tone::Neutral);
        assert_eq!(model.entries.len(), 2);
        let newest = &model.entries[0];
        assert!(newest.heading.starts_with("Request of "));
        assert_eq!(newest.outcome.value, "No connector note yet");
        assert!(newest.rows.iter().any(|r| r.value == "second"));
        assert!(newest
            .rows
            .iter()
            .any(|r| r.label == "Email address" && r.value == "jane.doe@example.com"));
        let oldest = &model.entries[1];
        assert_eq!(oldest.outcome.tone, Tone::Error);
        assert!(oldest.outcome.value.starts_with("Failed on "));
        assert!(oldest.outcome.value.ends_with(": abuse reported"));
        assert_eq!(
            model.summary,
            "This contact's notes record 2 resubscriptions, newest first."
        );
    }

    #[test]
    fn empty_and_unreadable_history_say_so() {
        let empty = HistoryModel::build(&[], english_text, utc);
        assert!(empty.entries.is_empty());
        assert_eq!(empty.summary, english(MessageKey::PanelHistoryEmpty));
        assert_eq!(empty.tone, Tone::Neutral);
        let failed = HistoryModel::failed("HTTP 403", english_text);
        assert_eq!(failed.tone, Tone::Error);
        assert_eq!(
            failed.summary,
            "The contact's notes could not be read: HTTP 403"
        );
    }

    #[test]
    fn connector_activity_without_our_note_is_shown_as_unrecorded() {
        let notes = vec![NoteFact {
            id: String::new(),
            subject: "Resubscription confirmation email sent".into(),
            text: String::new(),
            created_on: at(-10),
        }];
        let model = HistoryModel::build(
            &history(&notes, &LifecyclePatterns::default()),
            english_text,
            utc,
        );
        assert_eq!(model.entries.len(), 1);
        assert_eq!(
            model.entries[0].heading,
            "Resubscription of 2026-11-26 04:03 UTC, not requested through this form"
        );
        assert!(model.entries[0].rows.is_empty());
        assert_eq!(model.entries[0].outcome.tone, Tone::Info);
    }

    #[test]
    fn locale_tags_for_shipped_languages_and_none_for_unknown() {
        assert_eq!(locale_tag(1031), Some("de-DE"));
        assert_eq!(locale_tag(1036), Some("fr-FR"));
        assert_eq!(locale_tag(1043), Some("nl-NL"));
        assert_eq!(locale_tag(1033), Some("en-US"));
        assert_eq!(locale_tag(9999), None);
    }
}
