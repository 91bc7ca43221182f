//! OnChange of *Request Resubscribe*: ticking opens the evidence dialog (an HTML web resource,
//! `Xrm.Navigation.navigateTo` target 2); cancelling unticks the box. The dialog hands its
//! result back through `sessionStorage` under a key unique to this request.

use crate::prelude::*;
use wasm_bindgen::JsValue;

use super::session;
use super::storage;
use super::{clock, strings, view};
use crate::dataverse::json::{self, Json};
use crate::domain::evidence::{Channel, Evidence, UserRef};
use crate::domain::json::JsonValue;
use crate::domain::messages::{Message, MessageKey, EVIDENCE_DIALOG};
use crate::domain::save_check::pending_refusal;
use crate::domain::text::decimal;
use crate::domain::time::Timestamp;
use crate::xrm::form::open_dialog;
use crate::xrm::Level;

/// The dialog page.
pub const DIALOG: &str = "rsub_/resubscribe/evidence.html";

/// What the dialog stored.
struct DialogResult {
    outcome: String,
    contact_name: Option<String>,
    channel: Option<Channel>,
    requested_at: Option<i64>,
    details: Option<String>,
}

impl DialogResult {
    fn decode(stored: &str) -> Option<DialogResult> {
        let value = Json::parse(stored).ok()?;
        let text = |name: &str| value.field(name).and_then(|v| v.text());
        Some(DialogResult {
            outcome: text("outcome")?,
            contact_name: text("contactName"),
            channel: text("channel").and_then(|id| Channel::from_id(&id)),
            requested_at: value.integer("requestedAt"),
            details: text("details"),
        })
    }
}

/// The OnChange handler of *Request Resubscribe*.
pub async fn on_change(_execution_context: JsValue) -> Result<(), JsValue> {
    let Some(opening) = session::with(|s| {
        let flag = s.mapping.request_resubscribe.clone();
        s.form.control_notification(&flag, view::SAVE, None);
        view::show(s, view::SAVE, Level::Error, &[]);
        let ticked = s.form.bool_value(&flag).ok().flatten().unwrap_or(false);
        if !ticked {
            s.evidence = None;
            super::note::drop_pending(s);
            view::show(s, view::REQUEST, Level::Info, &[]);
            return None;
        }
        let facts = s.facts.as_ref();
        if facts.is_some_and(|f| f.saved_flag) {
            // Ticked back to what is saved: that request stands, there is nothing to capture.
            view::show(s, view::REQUEST, Level::Info, &[]);
            return None;
        }
        // A request under way is said now, before the user fills in the dialog for nothing.
        let refusal = if super::note::under_way(s) {
            Some(Message::new(MessageKey::PluginBusy))
        } else {
            facts
                .filter(|f| f.verified)
                .and_then(|f| pending_refusal(&f.lifecycle))
        };
        if let Some(refusal) = refusal {
            let _ = s.form.set_value(&flag, &JsValue::FALSE);
            view::show(s, view::REQUEST, Level::Warning, &[refusal]);
            return None;
        }
        Some(dialog_data(s))
    })
    .flatten() else {
        return Ok(());
    };
    let (request_id, data, title) = opening;
    let opened = open_dialog(DIALOG, &data, &title, 520, 640).await;
    let key = ["rsub.evidence.", &request_id].concat();
    let stored = storage::get(&key);
    storage::remove(&key);
    let result = stored.as_deref().and_then(DialogResult::decode);
    let _ = session::with(|s| {
        let flag = s.mapping.request_resubscribe.clone();
        let evidence = result.filter(|r| r.outcome == "saved").and_then(|r| {
            Some(Evidence {
                contact_name: r.contact_name.unwrap_or_default(),
                channel: r.channel?,
                requested_at: Timestamp(r.requested_at?),
                details: r.details.unwrap_or_default(),
                recorded_by: UserRef {
                    id: s.global.user_id.clone(),
                    name: s.global.user_name.clone(),
                },
            })
        });
        match (evidence, opened) {
            (Some(evidence), _) => {
                s.evidence = Some(evidence);
                super::note::drop_pending(s);
                show_notice(s);
            }
            (None, Err(error)) => {
                let _ = s.form.set_value(&flag, &JsValue::FALSE);
                let failed =
                    Message::new(MessageKey::PluginDialogFailed).with("detail", error.describe());
                view::show(s, view::REQUEST, Level::Error, &[failed]);
            }
            (None, Ok(())) => {
                let _ = s.form.set_value(&flag, &JsValue::FALSE);
                s.evidence = None;
                view::show(s, view::REQUEST, Level::Info, &[]);
            }
        }
    });
    Ok(())
}

/// Shows what the captured request leads to with the reason now on the form: what happens
/// next and "save to submit it", or, for a reason that cannot be resubscribed, only why.
pub fn show_notice(s: &session::Session) {
    let Some(evidence) = s.evidence.as_ref() else {
        return;
    };
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
    view::show(s, view::REQUEST, level, &[notice]);
}

/// The request id, the dialog's `data` (JSON) and its title.
fn dialog_data(s: &session::Session) -> (String, String, String) {
    let now = clock::now();
    let record = s.record.as_ref().map_or("", |r| r.as_str());
    let request_id = [record, ".", &decimal(now.millis())].concat();
    let facts = s.facts.as_ref();
    let contact_name = facts
        .and_then(|f| f.contact.as_ref().map(|c| c.name.clone()))
        .or_else(|| s.form.text_value(&s.mapping.email).ok().flatten())
        .unwrap_or_default();
    let email = s
        .form
        .text_value(&s.mapping.email)
        .ok()
        .flatten()
        .unwrap_or_default();
    let earliest = facts
        .and_then(|f| f.suppressed_on)
        .map(|t| decimal(t.millis()))
        .unwrap_or_else(|| "null".into());
    let texts: Vec<(&str, String)> = EVIDENCE_DIALOG
        .iter()
        .map(|key| (key.id(), json::string(&strings::template(*key))))
        .collect();
    let texts: Vec<(&str, &str)> = texts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let data = json::object(&[
        ("v", "1"),
        ("requestId", &json::string(&request_id)),
        ("contactName", &json::string(&contact_name)),
        ("email", &json::string(&email)),
        ("recordedBy", &json::string(&s.global.user_name)),
        ("now", &decimal(now.millis())),
        ("earliest", &earliest),
        ("lcid", &decimal(s.global.language.into())),
        ("strings", &json::object(&texts)),
    ]);
    (
        request_id,
        data,
        strings::template(MessageKey::EvidenceTitle),
    )
}
