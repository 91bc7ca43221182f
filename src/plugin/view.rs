//! What the form shows: notifications and the state of the *Request Resubscribe* box,
//! derived from the session's facts. One id per concern, so each message replaces its own.

use super::session::Session;
use super::strings;
use crate::domain::compatibility::Compatibility;
use crate::domain::eligibility::SuppressionReason;
use crate::domain::evidence::Evidence;
use crate::domain::history::{self, RecordedRequest};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::messages::{Message, MessageKey};
use crate::prelude::*;
use crate::ui::mark;
use crate::ui::model::{ContactConsent, PanelInputs, PanelModel};
use crate::ui::{dates, panel, CONTROL};
use crate::xrm::Level;

/// The User Timing mark put when [`render_decision`] has drawn the first decision at OnLoad
/// (from the form's own values) — what `cargo xtask bench` measures OnLoad to.
pub const FIRST_DECISION_MARK: &str = "rsub:first-decision";
/// The User Timing mark put when [`render_state`] has drawn the state read at load (after the
/// Web API round trip).
pub const STATE_RENDERED_MARK: &str = "rsub:state-rendered";

/// Configuration problems (admin-facing).
pub const CONFIG: &str = "rsub.config";
/// Connector compatibility.
pub const COMPAT: &str = "rsub.compat";
/// Eligibility of the suppression reason.
pub const ELIGIBILITY: &str = "rsub.eligibility";
/// Where the resubscription stands.
pub const LIFECYCLE: &str = "rsub.lifecycle";
/// Reading the state failed.
pub const LOAD: &str = "rsub.load";
/// The last save decision.
pub const SAVE: &str = "rsub.save";
/// The request being prepared (evidence captured).
pub const REQUEST: &str = "rsub.request";
/// The audit note.
pub const NOTE: &str = "rsub.note";

/// Shows `messages` under `id` at `level`, or clears it when there are none.
pub fn show(session: &Session, id: &str, level: Level, messages: &[Message]) {
    let (id, messages) = (id.to_owned(), messages.to_vec());
    once_worded(session, move |s| {
        let text = (!messages.is_empty())
            .then(|| crate::domain::text::join(messages.iter().map(|m| text(s, m)), " "));
        s.form.form_notification(&id, level, text.as_deref());
    });
}

/// Shows `message` under the *Request Resubscribe* box (it blocks saving while shown), or
/// clears what the box says.
pub fn box_says(session: &Session, message: Option<Message>) {
    once_worded(session, move |s| {
        let text = message.map(|m| text(s, &m));
        s.form
            .control_notification(&s.mapping.request_resubscribe, SAVE, text.as_deref());
    });
}

/// Runs `say` now or, while the user's strings are being read by URL (before 9.0: the module
/// has no English table), once they are in (or have failed), if the session is still this
/// form's. What the form says waits for the user's words, in the order it was said, so the
/// last word on each notification stays the last.
fn once_worded(session: &Session, say: impl FnOnce(&Session) + 'static) {
    if !strings::reading() {
        say(session);
        return;
    }
    let form = session.form.context_value().clone();
    strings::when_ready(move || {
        let _ = super::session::with(|s| {
            if *s.form.context_value() == form {
                say(s);
            }
        });
    });
}

/// `message` in the user's language, naming the suppression reason as the form labels it (in
/// the user's language, in the organization's words) rather than by the connector's name.
pub fn text(session: &Session, message: &Message) -> String {
    let named = message.arg("reason").and_then(|_| {
        let (_, label) = session.form_reason()?;
        let label = label.trim();
        let mut named = message.clone();
        for (name, value) in named.args.iter_mut() {
            if name == "reason" && !label.is_empty() {
                label.clone_into(value);
            }
        }
        Some(named)
    });
    strings::text(named.as_ref().unwrap_or(message))
}

/// What the reason and the connector verdict decide: their notifications and whether the
/// *Request Resubscribe* box can be ticked. `compat` is `None` while the connector version is
/// not known yet (its notification is left as it is, and it blocks nothing).
fn render_gate(
    session: &Session,
    reason: Option<&SuppressionReason>,
    compat: Option<&Compatibility>,
    ticked: bool,
) {
    let flag = &session.mapping.request_resubscribe;
    if let Some(compat) = compat {
        let (level, compat_messages) = match (compat, session.is_admin) {
            (Compatibility::Ok { .. }, _) => (Level::Info, vec![]),
            (Compatibility::Unknown { .. }, true) => (Level::Warning, vec![compat.message()]),
            (Compatibility::Unknown { .. }, false) => (Level::Info, vec![compat.message()]),
            (_, true) => (Level::Warning, vec![compat.message()]),
            (_, false) => (
                Level::Warning,
                vec![Message::new(MessageKey::PluginUnavailable)],
            ),
        };
        show(session, COMPAT, level, &compat_messages);
    }
    let blocks = compat.is_some_and(Compatibility::blocks_request);

    let eligibility = reason.map(SuppressionReason::eligibility);
    let refused = eligibility.as_ref().filter(|e| !e.is_allowed());
    // The panel says why an address cannot be resubscribed; without it, this notification.
    let reason_messages: Vec<Message> = refused
        .filter(|_| !ticked && !session.form.has_control(CONTROL))
        .map(|e| vec![e.message()])
        .unwrap_or_default();
    show(session, ELIGIBILITY, Level::Warning, &reason_messages);

    // Nobody can save a request the connector cannot process; admins read why above.
    let disable = !ticked && (refused.is_some() || blocks);
    session.form.set_disabled(flag, disable);
}

/// The first decision at OnLoad, before any Web API call: what the form's saved values (the
/// reason, the box) and a cached connector verdict decide. Where the resubscription stands
/// needs the record's notes and waits for [`render_state`].
pub fn render_decision(
    session: &Session,
    reason: Option<&SuppressionReason>,
    compat: Option<&Compatibility>,
    ticked: bool,
) {
    render_gate(session, reason, compat, ticked);
    if session.form.has_control(CONTROL) {
        // "Reading the record…", with why the reason on the form cannot be resubscribed: in
        // the user's words (after the strings read by URL where the platform has no RESX,
        // which are read beside the load), once the read has taken longer than
        // `READING_SHOWN_AFTER_MS`, unless what the load read is drawn already.
        let reason = reason.filter(|_| !ticked).cloned();
        let form = session.form.clone();
        strings::when_ready(move || {
            super::clock::after(crate::ui::READING_SHOWN_AFTER_MS, move || {
                let _ = super::session::with(|s| {
                    if s.facts.is_some() || s.form.context_value() != form.context_value() {
                        return;
                    }
                    let mut model = PanelModel::loading(strings::text);
                    if let Some(reason) = &reason {
                        model = model.with_eligibility(&reason.eligibility(), |m| text(s, m));
                    }
                    draw(s, model);
                });
            });
        });
    }
    mark(FIRST_DECISION_MARK);
}

/// Refreshes the compatibility, eligibility and lifecycle notifications and the box's state
/// from the facts read at load; `captured`: the form holds a request captured for its save.
pub fn render_state(session: &Session, captured: bool) {
    let Some(facts) = &session.facts else { return };
    render_gate(
        session,
        facts.reason.as_ref(),
        Some(&facts.compatibility),
        facts.saved_flag,
    );

    // The panel's summary, said here only on a form without the panel (its date formatted for
    // the user's locale); nothing when the state was not read (the load warning says so).
    let lifecycle = match facts.lifecycle {
        _ if !facts.verified || session.form.has_control(CONTROL) => vec![],
        Lifecycle::NotRequested => vec![],
        ref other => vec![crate::ui::model::lifecycle_message(
            other,
            &strings::text,
            &crate::ui::dates::date_formatter(session.global.language),
        )],
    };
    let level = if matches!(facts.lifecycle, Lifecycle::Failed { .. }) {
        Level::Warning
    } else {
        Level::Info
    };
    show(session, LIFECYCLE, level, &lifecycle);
    show_panel(session, captured);
    mark(STATE_RENDERED_MARK);
}

/// The recorded evidence of the request on the record, from the contact's notes (with the note
/// of a request saved in this session): the request of the saved date, or for a processed
/// record its latest one.
fn current_request(session: &Session) -> Option<RecordedRequest> {
    let facts = session.facts.as_ref()?;
    let record = session.record.as_ref()?;
    if let Some(found) = history::request_for(&facts.notes, record.as_str(), facts.saved_date) {
        return Some(found);
    }
    if facts.saved_flag || facts.lifecycle.is_pending() {
        return None;
    }
    // Processed: the connector may have replaced the request date with its own.
    history::latest_request(&facts.notes, record.as_str(), facts.saved_date)
}

/// Draws the status panel from the session's facts and the form in front of the user (a
/// request `captured` but not saved yet, the record's suppression reason), if the form has the
/// panel control.
fn show_panel(session: &Session, captured: bool) {
    let Some(facts) = &session.facts else { return };
    if !session.form.has_control(CONTROL) {
        return;
    }
    let request = current_request(session);
    let contact = facts.contact.as_ref().map(|_| {
        facts
            .contact_flags
            .as_ref()
            .map_or_else(ContactConsent::default, |flags| ContactConsent {
                donotbulkemail: flags.donotbulkemail,
                donotemail: flags.donotemail,
            })
    });
    let model = PanelModel::build(
        &PanelInputs {
            lifecycle: &facts.lifecycle,
            verified: facts.verified,
            request: request.as_ref(),
            compatibility: Some(&facts.compatibility),
            contact,
        },
        strings::text,
        dates::date_formatter(session.global.language),
    );
    let model = match facts.reason.as_ref() {
        Some(reason) => model.with_eligibility(&reason.eligibility(), |m| text(session, m)),
        None => model,
    };
    // A request captured for a reason the form now refuses is said by the request's notice.
    let allowed = session
        .form_reason()
        .is_none_or(|(reason, _)| reason.eligibility().is_allowed());
    let captured = captured && allowed && !facts.saved_flag;
    draw(session, model.with_captured(captured, strings::text));
}

/// Draws `model` into the panel once its page answers (the shell drops a drawing still
/// waiting when a newer one starts, so the panel shows the latest state).
fn draw(session: &Session, model: PanelModel) {
    let _ = panel::render(&session.form, &model);
}

/// The note of a saved request is written: where (`recorded`) is said on a form without the
/// panel; with it, the panel shows the request and its evidence, and "Recording…" just goes.
pub fn recorded(s: &Session, recorded: Message) {
    let told = if s.form.has_control(CONTROL) {
        vec![]
    } else {
        vec![recorded]
    };
    show(s, NOTE, Level::Info, &told);
}

/// The request being prepared is gone (unticked, cancelled, saved): its notice is cleared and
/// the panel follows the form.
pub fn request_cleared(s: &Session) {
    show(s, REQUEST, Level::Info, &[]);
    show_panel(s, false);
}

/// A save refused for `reasons`: the first is said on the box it is about, the others on the
/// form, or, when there are none, that the box says why (each reason said once).
pub fn refused(s: &Session, reasons: &[Message]) {
    box_says(s, reasons.first().cloned());
    let others = reasons.get(1..).unwrap_or_default();
    if others.is_empty() && !reasons.is_empty() {
        let at_box = Message::new(MessageKey::PluginRefusedAtBox);
        show(s, SAVE, Level::Error, &[at_box]);
    } else {
        show(s, SAVE, Level::Error, others);
    }
}

/// A save refused for someone else's change: `told` says so, and the notices about the request
/// this form was preparing (now stale) are removed with the box's own message.
pub fn conflict(s: &Session, told: Message) {
    show(s, REQUEST, Level::Info, &[]);
    show(s, NOTE, Level::Info, &[]);
    box_says(s, None);
    show(s, SAVE, Level::Error, &[told]);
}

/// Shows what the captured request leads to with the reason now on the form: what happens
/// next and "save to submit it", or, for a reason that cannot be resubscribed, only why.
pub fn captured(s: &Session, evidence: &Evidence) {
    let eligibility = s.form_reason().map(|(reason, _)| reason.eligibility());
    let (level, notice) = match eligibility {
        Some(refused) if !refused.is_allowed() => (Level::Warning, refused.message()),
        allowed => {
            let next = allowed
                .map(|e| strings::text(&e.message()))
                .unwrap_or_default();
            let noted = Message::new(MessageKey::PluginEvidenceRecorded)
                .with("date", evidence.requested_at.to_display_utc())
                .with(
                    "channel",
                    strings::text(&Message::new(evidence.channel.label_key())),
                )
                .with("next", next);
            (Level::Info, noted)
        }
    };
    show(s, REQUEST, level, &[notice]);
    show_panel(s, true);
}
