//! What the form shows: notifications and the state of the *Request Resubscribe* box,
//! derived from the session's facts. One id per concern, so each message replaces its own.

use super::session::Session;
use super::strings;
use crate::domain::compatibility::Compatibility;
use crate::domain::eligibility::SuppressionReason;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::messages::{Message, MessageKey};
use crate::prelude::*;
use crate::xrm::Level;

/// The User Timing mark put when [`render_decision`] has drawn the first decision at OnLoad
/// (from the form's own values) — what `cargo xtask bench` measures OnLoad to.
pub const FIRST_DECISION_MARK: &str = "rsub:first-decision";
/// The User Timing mark put when [`render_state`] has drawn the state read at load (after the
/// Web API round trip).
pub const STATE_RENDERED_MARK: &str = "rsub:state-rendered";
/// The User Timing mark put when the Contact form's history is drawn in its panel.
pub const HISTORY_RENDERED_MARK: &str = "rsub:history-rendered";

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `performance.mark(name)`; throws nothing out (a page without User Timing is ignored).
    #[wasm_bindgen(js_namespace = performance, js_name = mark, catch)]
    fn performance_mark(name: &str) -> Result<(), wasm_bindgen::JsValue>;
}

/// Puts `name` on the page's performance timeline (no allocation, no panic).
pub(crate) fn mark(name: &str) {
    #[cfg(target_arch = "wasm32")]
    let _ = performance_mark(name);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}

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
    let text = (!messages.is_empty()).then(|| {
        let texts: Vec<String> = messages.iter().map(|m| text(session, m)).collect();
        texts.join(" ")
    });
    session.form.form_notification(id, level, text.as_deref());
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
    let reason_messages: Vec<Message> = refused
        .filter(|_| !ticked)
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
    mark(FIRST_DECISION_MARK);
}

/// Refreshes the compatibility, eligibility and lifecycle notifications and the box's state
/// from the facts read at load.
pub fn render_state(session: &Session) {
    let Some(facts) = &session.facts else { return };
    render_gate(
        session,
        facts.reason.as_ref(),
        Some(&facts.compatibility),
        facts.saved_flag,
    );

    // The same sentence as the panel's summary, its date formatted for the user's locale;
    // nothing when the state was not read (the load warning says so).
    let lifecycle = match facts.lifecycle {
        _ if !facts.verified => vec![],
        Lifecycle::NotRequested => vec![],
        ref other => vec![crate::ui::model::lifecycle_message(
            other,
            &strings::text,
            &crate::ui::frame::date_formatter(session.global.language),
        )],
    };
    let level = if matches!(facts.lifecycle, Lifecycle::Failed { .. }) {
        Level::Warning
    } else {
        Level::Info
    };
    show(session, LIFECYCLE, level, &lifecycle);
    crate::ui::show_panel(session);
    mark(STATE_RENDERED_MARK);
}
