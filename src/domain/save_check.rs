//! The OnSave decision for the Email Suppressions form: from what the form knows (form type,
//! the *Request Resubscribe* transition, email, reason, pending request, evidence, connector
//! compatibility, privilege, save mode) decide allow, allow with warnings, or refuse — with
//! **every** reason that applies. Pure: the edge gathers the facts and applies the decision.
//!
//! Rules:
//! - A save that does not tick the box is not interfered with. Unticking while the request
//!   waits for the sync withdraws it (allowed, with a warning); unticking after the
//!   confirmation email went out is allowed with a warning that the email is not recalled.
//! - Ticking is refused on a Create form (the record must exist), Read Only, Disabled, Bulk
//!   Edit and unknown form types (conservative: a new form type must be reviewed first).
//! - Save & Close and Save & New behave like Save; AutoSave never submits a request without
//!   evidence. Other save modes (deactivate, assign, …) are checked like Save.
//! - `lifecycle` must be derived from the *saved* record, not the dirty form values.
//! - A previous failed resubscription does not block a new request but warns.

use crate::prelude::*;

use super::compatibility::Compatibility;
use super::eligibility::SuppressionReason;
use super::email::EmailAddress;
use super::evidence::Evidence;
use super::lifecycle::Lifecycle;
use super::messages::{date_arg, Message, MessageKey};
use super::time::Timestamp;

/// `formContext.ui.getFormType()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormType {
    /// 1: a new, unsaved record.
    Create,
    /// 2: an existing record.
    Update,
    /// 3: read-only.
    ReadOnly,
    /// 4: disabled.
    Disabled,
    /// 6: bulk edit of several records.
    BulkEdit,
    /// Any other number (0 undefined, deprecated quick create, …).
    Other(i32),
}

impl From<i32> for FormType {
    fn from(code: i32) -> FormType {
        match code {
            1 => FormType::Create,
            2 => FormType::Update,
            3 => FormType::ReadOnly,
            4 => FormType::Disabled,
            6 => FormType::BulkEdit,
            other => FormType::Other(other),
        }
    }
}

impl FormType {
    /// The Client API number.
    pub fn code(self) -> i32 {
        match self {
            FormType::Create => 1,
            FormType::Update => 2,
            FormType::ReadOnly => 3,
            FormType::Disabled => 4,
            FormType::BulkEdit => 6,
            FormType::Other(code) => code,
        }
    }
}

/// `executionContext.getEventArgs().getSaveMode()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    /// 1: Save.
    Save,
    /// 2: Save & Close (also reported when navigating away with autosave on).
    SaveAndClose,
    /// 59: Save & New.
    SaveAndNew,
    /// 70: AutoSave.
    AutoSave,
    /// Any other number (5/6 (de)activate, 47 assign, …), kept as given.
    Other(i32),
}

impl From<i32> for SaveMode {
    fn from(code: i32) -> SaveMode {
        match code {
            1 => SaveMode::Save,
            2 => SaveMode::SaveAndClose,
            59 => SaveMode::SaveAndNew,
            70 => SaveMode::AutoSave,
            other => SaveMode::Other(other),
        }
    }
}

impl SaveMode {
    /// The Client API number.
    pub fn code(self) -> i32 {
        match self {
            SaveMode::Save => 1,
            SaveMode::SaveAndClose => 2,
            SaveMode::SaveAndNew => 59,
            SaveMode::AutoSave => 70,
            SaveMode::Other(code) => code,
        }
    }
}

/// How *Request Resubscribe* changed between the saved record and this save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestTransition {
    /// Same value as saved.
    Unchanged,
    /// From unticked to ticked: a new request.
    Ticked,
    /// From ticked to unticked: withdrawing.
    Unticked,
}

impl RequestTransition {
    /// The transition from the saved value to the value being saved.
    pub fn between(saved: bool, current: bool) -> RequestTransition {
        match (saved, current) {
            (false, true) => RequestTransition::Ticked,
            (true, false) => RequestTransition::Unticked,
            _ => RequestTransition::Unchanged,
        }
    }
}

/// Everything the save check needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormFacts {
    /// The form type.
    pub form_type: FormType,
    /// How *Request Resubscribe* changes with this save.
    pub request_transition: RequestTransition,
    /// The record's email address, raw.
    pub email: Option<String>,
    /// The suppression reason, parsed from its label.
    pub reason: Option<SuppressionReason>,
    /// Where the current request stands (derived from the saved record).
    pub lifecycle: Lifecycle,
    /// Whether the record's state and the contact's notes were read: if not, a request may
    /// be pending unseen, and a new one is refused.
    pub lifecycle_verified: bool,
    /// The evidence captured for this request, if any.
    pub evidence: Option<Evidence>,
    /// The connector verdict.
    pub compatibility: Compatibility,
    /// Whether the user may write the suppression record.
    pub can_write: bool,
    /// The save mode.
    pub save_mode: SaveMode,
    /// Now.
    pub now: Timestamp,
    /// When the suppression record was created.
    pub suppressed_on: Option<Timestamp>,
}

/// What the OnSave handler should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveDecision {
    /// Let the save go ahead.
    Allow,
    /// Let it go ahead and show these warnings.
    AllowWithWarning {
        /// What to show.
        warnings: Vec<Message>,
    },
    /// Cancel the save and show every reason.
    Refuse {
        /// Why.
        reasons: Vec<Message>,
    },
}

impl SaveDecision {
    /// Whether the save must be cancelled.
    pub fn is_refused(&self) -> bool {
        matches!(self, SaveDecision::Refuse { .. })
    }

    /// The messages to show (warnings or reasons; none for a plain allow).
    pub fn messages(&self) -> &[Message] {
        match self {
            SaveDecision::Allow => &[],
            SaveDecision::AllowWithWarning { warnings } => warnings,
            SaveDecision::Refuse { reasons } => reasons,
        }
    }
}

/// Decides the save (see the module rules).
pub fn evaluate(facts: &FormFacts) -> SaveDecision {
    match facts.request_transition {
        RequestTransition::Unchanged => SaveDecision::Allow,
        RequestTransition::Unticked => withdrawal(&facts.lifecycle),
        RequestTransition::Ticked => new_request(facts),
    }
}

fn withdrawal(lifecycle: &Lifecycle) -> SaveDecision {
    let warning = match lifecycle {
        Lifecycle::AwaitingSync { requested_on, .. } => {
            Message::new(MessageKey::SaveWarningRequestWithdrawn)
                .with("date", date_arg(*requested_on))
        }
        Lifecycle::AwaitingConfirmation { email_sent_on, .. } => {
            Message::new(MessageKey::SaveWarningConfirmationAlreadySent)
                .with("date", date_arg(Some(*email_sent_on)))
        }
        _ => return SaveDecision::Allow,
    };
    SaveDecision::AllowWithWarning {
        warnings: vec![warning],
    }
}

/// Why a new request is refused while `lifecycle` has one under way (docs/domain.md §5: the date of
/// the first is quoted); `None` when nothing is under way.
pub fn pending_refusal(lifecycle: &Lifecycle) -> Option<Message> {
    match lifecycle {
        Lifecycle::AwaitingSync { requested_on, .. } => Some(
            Message::new(MessageKey::SaveRefusedPendingRequest)
                .with("date", date_arg(*requested_on)),
        ),
        Lifecycle::AwaitingConfirmation {
            requested_on,
            email_sent_on,
        } => Some(
            Message::new(MessageKey::SaveRefusedConfirmationPending)
                .with("date", date_arg(*requested_on))
                .with("sentOn", date_arg(Some(*email_sent_on))),
        ),
        _ => None,
    }
}

fn new_request(facts: &FormFacts) -> SaveDecision {
    let mut reasons = Vec::new();
    let mut warnings = Vec::new();

    match facts.form_type {
        FormType::Update => {}
        FormType::Create => reasons.push(Message::new(MessageKey::SaveRefusedNotSaved)),
        FormType::ReadOnly | FormType::Disabled => {
            reasons.push(Message::new(MessageKey::SaveRefusedReadOnly))
        }
        FormType::BulkEdit => reasons.push(Message::new(MessageKey::SaveRefusedBulkEdit)),
        FormType::Other(code) => reasons.push(
            Message::new(MessageKey::SaveRefusedUnsupportedForm)
                .with("code", super::text::decimal(code.into())),
        ),
    }
    if !facts.can_write {
        reasons.push(Message::new(MessageKey::SaveRefusedNoPrivilege));
    }

    match facts.email.as_deref().map(str::trim) {
        None | Some("") => reasons.push(Message::new(MessageKey::SaveRefusedEmailMissing)),
        Some(raw) => {
            if let Err(error) = EmailAddress::parse(raw) {
                reasons.push(error.message());
            }
        }
    }

    match &facts.reason {
        None => reasons.push(Message::new(MessageKey::SaveRefusedReasonMissing)),
        Some(SuppressionReason::Unknown(raw)) if raw.trim().is_empty() => {
            reasons.push(Message::new(MessageKey::SaveRefusedReasonMissing))
        }
        Some(reason) => {
            let eligibility = reason.eligibility();
            if !eligibility.is_allowed() {
                reasons.push(eligibility.message());
            }
        }
    }

    match &facts.lifecycle {
        pending @ (Lifecycle::AwaitingSync { .. } | Lifecycle::AwaitingConfirmation { .. }) => {
            reasons.extend(pending_refusal(pending))
        }
        _ if !facts.lifecycle_verified => {
            reasons.push(Message::new(MessageKey::SaveRefusedUnverified))
        }
        Lifecycle::Failed { on, why, .. } => warnings.push(
            Message::new(MessageKey::SaveWarningPreviousFailed)
                .with("date", date_arg(Some(*on)))
                .with("why", why.as_str()),
        ),
        Lifecycle::NotRequested
        | Lifecycle::Withdrawn { .. }
        | Lifecycle::Resubscribed { .. }
        | Lifecycle::Complete { .. } => {}
    }

    match &facts.evidence {
        None if facts.save_mode == SaveMode::AutoSave => {
            reasons.push(Message::new(MessageKey::SaveRefusedAutoSave))
        }
        None => reasons.push(Message::new(MessageKey::SaveRefusedEvidenceMissing)),
        Some(evidence) => {
            if let Err(problems) = evidence.validate(facts.now, facts.suppressed_on) {
                reasons.extend(problems.iter().map(|problem| problem.message()));
            }
        }
    }

    if facts.compatibility.blocks_request() {
        reasons.push(facts.compatibility.message());
    } else if facts.compatibility.is_warning() {
        warnings.push(facts.compatibility.message());
    }

    if !reasons.is_empty() {
        SaveDecision::Refuse { reasons }
    } else if !warnings.is_empty() {
        SaveDecision::AllowWithWarning { warnings }
    } else {
        SaveDecision::Allow
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::compatibility::{check, ConnectorReading};
    use crate::domain::evidence::tests::{phone_call, NOW};

    const HOUR: i64 = 3_600_000;

    fn ticking() -> FormFacts {
        FormFacts {
            form_type: FormType::Update,
            request_transition: RequestTransition::Ticked,
            email: Some("jane.doe@example.com".into()),
            reason: Some(SuppressionReason::Unsubscribed),
            lifecycle: Lifecycle::NotRequested,
            lifecycle_verified: true,
            evidence: Some(phone_call()),
            compatibility: check("9.2.25093.00168", &ConnectorReading::installed("7.0.1.721")),
            can_write: true,
            save_mode: SaveMode::Save,
            now: NOW,
            suppressed_on: Some(Timestamp(NOW.0 - 24 * 30 * HOUR)),
        }
    }

    fn keys(decision: &SaveDecision) -> Vec<MessageKey> {
        decision.messages().iter().map(|m| m.key).collect()
    }

    #[test]
    fn allows_a_complete_request_on_a_compatible_org() {
        assert_eq!(evaluate(&ticking()), SaveDecision::Allow);
    }

    #[test]
    fn a_request_is_refused_while_whether_one_is_pending_is_unknown() {
        let unread = FormFacts {
            lifecycle_verified: false,
            ..ticking()
        };
        assert_eq!(
            keys(&evaluate(&unread)),
            [MessageKey::SaveRefusedUnverified]
        );
        // What was read still speaks for itself: a pending request is named with its date.
        let pending = FormFacts {
            lifecycle: Lifecycle::AwaitingSync {
                requested_on: Some(Timestamp(NOW.0 - HOUR)),
                confirmation_email: true,
            },
            ..unread.clone()
        };
        assert_eq!(
            keys(&evaluate(&pending)),
            [MessageKey::SaveRefusedPendingRequest]
        );
        let unticked = FormFacts {
            request_transition: RequestTransition::Unticked,
            ..unread
        };
        assert!(
            !evaluate(&unticked).is_refused(),
            "withdrawing stays allowed"
        );
    }

    #[test]
    fn does_not_interfere_with_saves_that_leave_the_box_alone() {
        let facts = FormFacts {
            request_transition: RequestTransition::Unchanged,
            form_type: FormType::ReadOnly,
            email: None,
            evidence: None,
            can_write: false,
            compatibility: check("7.0.1.129", &ConnectorReading::NotInstalled),
            ..ticking()
        };
        assert_eq!(evaluate(&facts), SaveDecision::Allow);
    }

    #[test]
    fn unticking_before_the_sync_withdraws_with_a_warning() {
        let facts = FormFacts {
            request_transition: RequestTransition::Unticked,
            lifecycle: Lifecycle::AwaitingSync {
                requested_on: Some(Timestamp(NOW.0 - 2 * HOUR)),
                confirmation_email: true,
            },
            ..ticking()
        };
        let decision = evaluate(&facts);
        assert_eq!(
            keys(&decision),
            vec![MessageKey::SaveWarningRequestWithdrawn]
        );
        assert!(!decision.is_refused());
        assert_eq!(
            decision.messages()[0].render_english(),
            "Unticking Request Resubscribe withdraws the request of 2026-11-26 12:03 UTC; no \
             confirmation email will be sent."
        );
    }

    #[test]
    fn refuses_second_request_while_confirmation_pending() {
        let facts = FormFacts {
            lifecycle: Lifecycle::AwaitingConfirmation {
                requested_on: Some(Timestamp(NOW.0 - 48 * HOUR)),
                email_sent_on: Timestamp(NOW.0 - 40 * HOUR),
            },
            ..ticking()
        };
        let decision = evaluate(&facts);
        assert_eq!(
            decision,
            SaveDecision::Refuse {
                reasons: vec![Message::new(MessageKey::SaveRefusedConfirmationPending)
                    .with("date", "2026-11-24 14:03 UTC")
                    .with("sentOn", "2026-11-24 22:03 UTC")]
            }
        );
    }

    #[test]
    fn refuses_second_request_while_first_waits_for_sync() {
        let facts = FormFacts {
            lifecycle: Lifecycle::AwaitingSync {
                requested_on: Some(Timestamp(NOW.0 - HOUR)),
                confirmation_email: true,
            },
            ..ticking()
        };
        let decision = evaluate(&facts);
        assert_eq!(keys(&decision), vec![MessageKey::SaveRefusedPendingRequest]);
        assert!(decision.messages()[0]
            .render_english()
            .contains("from 2026-11-26 13:03 UTC"));
    }

    #[test]
    fn collects_every_reason_not_only_the_first() {
        let facts = FormFacts {
            form_type: FormType::Create,
            can_write: false,
            email: Some("jane.doe@localhost".into()),
            reason: Some(SuppressionReason::parse("ISP complained")),
            evidence: Some(Evidence {
                details: String::new(),
                ..phone_call()
            }),
            compatibility: check("7.0.1.129", &ConnectorReading::installed("7.0.1.129")),
            ..ticking()
        };
        assert_eq!(
            keys(&evaluate(&facts)),
            vec![
                MessageKey::SaveRefusedNotSaved,
                MessageKey::SaveRefusedNoPrivilege,
                MessageKey::EmailDomainWithoutDot,
                MessageKey::RefusedComplaint,
                MessageKey::EvidenceMissingDetails,
                MessageKey::CompatTooOld,
            ]
        );
    }

    #[test]
    fn refuses_ticking_on_forms_that_cannot_hold_a_request() {
        for (code, key) in [
            (3, MessageKey::SaveRefusedReadOnly),
            (4, MessageKey::SaveRefusedReadOnly),
            (6, MessageKey::SaveRefusedBulkEdit),
            (0, MessageKey::SaveRefusedUnsupportedForm),
        ] {
            let facts = FormFacts {
                form_type: FormType::from(code),
                ..ticking()
            };
            assert_eq!(keys(&evaluate(&facts)), vec![key], "form type {code}");
        }
    }

    #[test]
    fn refuses_missing_email_and_missing_reason() {
        let facts = FormFacts {
            email: Some("   ".into()),
            reason: Some(SuppressionReason::parse("  ")),
            ..ticking()
        };
        assert_eq!(
            keys(&evaluate(&facts)),
            vec![
                MessageKey::SaveRefusedEmailMissing,
                MessageKey::SaveRefusedReasonMissing
            ]
        );
    }

    #[test]
    fn autosave_never_submits_a_request_without_evidence() {
        let facts = FormFacts {
            save_mode: SaveMode::from(70),
            evidence: None,
            ..ticking()
        };
        assert_eq!(
            keys(&evaluate(&facts)),
            vec![MessageKey::SaveRefusedAutoSave]
        );
        let manual = FormFacts {
            save_mode: SaveMode::Save,
            ..facts
        };
        assert_eq!(
            keys(&evaluate(&manual)),
            vec![MessageKey::SaveRefusedEvidenceMissing]
        );
    }

    #[test]
    fn save_and_close_and_save_and_new_behave_like_save() {
        for code in [2, 59] {
            let facts = FormFacts {
                save_mode: SaveMode::from(code),
                ..ticking()
            };
            assert_eq!(evaluate(&facts), SaveDecision::Allow);
            let without = FormFacts {
                evidence: None,
                ..facts
            };
            assert_eq!(
                keys(&evaluate(&without)),
                vec![MessageKey::SaveRefusedEvidenceMissing]
            );
        }
    }

    #[test]
    fn reports_each_evidence_problem() {
        let facts = FormFacts {
            evidence: Some(Evidence {
                contact_name: String::new(),
                requested_at: Timestamp(NOW.0 + HOUR),
                ..phone_call()
            }),
            ..ticking()
        };
        assert_eq!(
            keys(&evaluate(&facts)),
            vec![
                MessageKey::EvidenceMissingRequester,
                MessageKey::EvidenceRequestedInFuture
            ]
        );
    }

    #[test]
    fn unverifiable_connector_allows_with_a_could_not_verify_warning() {
        let facts = FormFacts {
            compatibility: check(
                "9.2.25093.00168",
                &ConnectorReading::Unreadable {
                    why: "HTTP 403".into(),
                },
            ),
            ..ticking()
        };
        let decision = evaluate(&facts);
        assert_eq!(keys(&decision), vec![MessageKey::CompatUnknownUnreadable]);
        assert!(decision.messages()[0]
            .render_english()
            .starts_with("Could not verify"));
    }

    #[test]
    fn blocking_connector_refuses() {
        for reading in [
            ConnectorReading::NotInstalled,
            ConnectorReading::installed("5.0.9690.2538"),
        ] {
            let facts = FormFacts {
                compatibility: check("8.2.2.112", &reading),
                ..ticking()
            };
            assert!(evaluate(&facts).is_refused());
        }
    }

    #[test]
    fn previous_failure_warns_but_allows_a_new_explicit_request() {
        let facts = FormFacts {
            lifecycle: Lifecycle::Failed {
                requested_on: Some(Timestamp(NOW.0 - 72 * HOUR)),
                email_sent_on: None,
                on: Timestamp(NOW.0 - 48 * HOUR),
                why: "Resubscription failed: abuse reported".into(),
            },
            ..ticking()
        };
        assert_eq!(
            keys(&evaluate(&facts)),
            vec![MessageKey::SaveWarningPreviousFailed]
        );
    }

    #[test]
    fn suppressed_by_you_is_allowed() {
        let facts = FormFacts {
            reason: Some(SuppressionReason::parse("Suppressed by you")),
            ..ticking()
        };
        assert_eq!(evaluate(&facts), SaveDecision::Allow);
    }
}
