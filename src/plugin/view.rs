//! What the form shows: notifications and the state of the *Request Resubscribe* box,
//! derived from the session's facts. One id per concern, so each message replaces its own.

use super::session::Session;
use super::strings;
use crate::domain::compatibility::Compatibility;
use crate::domain::lifecycle::Lifecycle;
use crate::domain::messages::{Message, MessageKey};
use crate::xrm::Level;

/// The User Timing mark put when [`render_state`] has drawn the state (notifications and the
/// box) — what `cargo xtask bench` measures OnLoad to.
pub const STATE_RENDERED_MARK: &str = "rsub:state-rendered";

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `performance.mark(name)`; throws nothing out (a page without User Timing is ignored).
    #[wasm_bindgen(js_namespace = performance, js_name = mark, catch)]
    fn performance_mark(name: &str) -> Result<(), wasm_bindgen::JsValue>;
}

/// Puts [`STATE_RENDERED_MARK`] on the page's performance timeline (no allocation, no panic).
fn mark_state_rendered() {
    #[cfg(target_arch = "wasm32")]
    let _ = performance_mark(STATE_RENDERED_MARK);
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
    let text = (!messages.is_empty()).then(|| strings::joined(messages));
    session.form.form_notification(id, level, text.as_deref());
}

/// Refreshes the compatibility, eligibility and lifecycle notifications and the box's state.
pub fn render_state(session: &Session) {
    let Some(facts) = &session.facts else { return };
    let flag = &session.mapping.request_resubscribe;

    let compat = &facts.compatibility;
    let blocks = compat.blocks_request();
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

    let eligibility = facts.reason.as_ref().map(|r| r.eligibility());
    let refused = eligibility.as_ref().filter(|e| !e.is_allowed());
    let ticked = facts.saved_flag;
    let reason_messages: Vec<Message> = refused
        .filter(|_| !ticked)
        .map(|e| vec![e.message()])
        .unwrap_or_default();
    show(session, ELIGIBILITY, Level::Warning, &reason_messages);

    let disable = !ticked && (refused.is_some() || (blocks && !session.is_admin));
    session.form.set_disabled(flag, disable);

    // The same sentence as the panel's summary, its date formatted for the user's locale.
    let lifecycle = match facts.lifecycle {
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
    mark_state_rendered();
}
