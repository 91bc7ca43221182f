//! OnChange of *Request Resubscribe*: ticking opens the evidence page (an HTML web resource);
//! cancelling unticks the box. On 9.1 and later it is a dialog (`Xrm.Navigation.navigateTo`
//! target 2) that hands its result back through `sessionStorage` under a key unique to this
//! request; before that it opens in a window of its own (9.0 `Xrm.Navigation.openWebResource`,
//! 8.x `Xrm.Utility.openWebResource`) that answers through `localStorage` ([`in_window`]): a
//! blocked pop-up or a window closed unanswered unticks the box.

use crate::prelude::*;
use wasm_bindgen::JsValue;

use core::cell::RefCell;

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
use crate::xrm::form::{
    close_window, has_navigate_to, open_dialog, open_window, window_closed, OpenedWindow,
};
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
    // A window still open for an earlier tick is given up: this change supersedes it.
    WAITING.with(|w| w.borrow_mut().take());
    let in_page = has_navigate_to();
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
        let site = s.global.client_url.clone();
        Some((dialog_data(s, in_page), s.record.clone(), site))
    })
    .flatten() else {
        return Ok(());
    };
    let ((request_id, data, title), record, site) = opening;
    let key = [RESULT_PREFIX, &request_id].concat();
    let outcome = if in_page {
        let opened = open_dialog(DIALOG, &data, &title, 520, 640).await;
        let stored = storage::get(&key);
        storage::remove(&key);
        match (stored.as_deref().and_then(DialogResult::decode), opened) {
            (Some(result), _) => Ok(Some(result)),
            (None, Err(error)) => Err(dialog_failed(&error)),
            (None, Ok(())) => Ok(None),
        }
    } else {
        match in_window(&request_id, &key, &data).await {
            Waited::Done(result) => Ok(result),
            Waited::Failed(error) => Err(dialog_failed(&error)),
            Waited::Blocked => Err(Message::new(MessageKey::PluginPopupBlocked).with("site", site)),
            Waited::Superseded => return Ok(()),
        }
    };
    // A window may have stayed open while the user went to another record: its answer
    // belongs to the record it was opened for.
    let _ = match record {
        Some(record) => session::with_record(record.as_str(), |s| apply(s, &outcome)),
        None => session::with(|s| apply(s, &outcome)),
    };
    Ok(())
}

/// Takes the page's answer: its evidence, or the box unticked (cancelled, or why it failed).
fn apply(s: &mut session::Session, outcome: &Result<Option<DialogResult>, Message>) {
    let flag = s.mapping.request_resubscribe.clone();
    let evidence = outcome
        .as_ref()
        .ok()
        .and_then(Option::as_ref)
        .filter(|r| r.outcome == "saved")
        .and_then(|r| {
            Some(Evidence {
                contact_name: r.contact_name.clone().unwrap_or_default(),
                channel: r.channel?,
                requested_at: Timestamp(r.requested_at?),
                details: r.details.clone().unwrap_or_default(),
                recorded_by: UserRef {
                    id: s.global.user_id.clone(),
                    name: s.global.user_name.clone(),
                },
            })
        });
    match (evidence, outcome) {
        (Some(evidence), _) => {
            s.evidence = Some(evidence);
            super::note::drop_pending(s);
            show_notice(s);
        }
        (None, Err(failed)) => {
            let _ = s.form.set_value(&flag, &JsValue::FALSE);
            view::show(
                s,
                view::REQUEST,
                Level::Error,
                core::slice::from_ref(failed),
            );
        }
        (None, Ok(_)) => {
            let _ = s.form.set_value(&flag, &JsValue::FALSE);
            s.evidence = None;
            view::show(s, view::REQUEST, Level::Info, &[]);
        }
    }
}

fn dialog_failed(error: &crate::xrm::form::XrmError) -> Message {
    Message::new(MessageKey::PluginDialogFailed).with("detail", error.describe())
}

/// Where the evidence page leaves its answer; the request id follows.
const RESULT_PREFIX: &str = "rsub.evidence.";
/// How often the form looks for the window's answer, in milliseconds.
const POLL_MS: u64 = 250;
/// How long a window the client gives no handle for has to say it opened (else: blocked).
const OPENED_WITHIN_MS: u64 = 15_000;

// The request whose window the form waits for; another change of the box gives it up.
super::local::page_local! {
    static WAITING: RefCell<Option<String>> = RefCell::new(None);
}

/// How waiting for the evidence window ended.
enum Waited {
    /// Its answer (`None`: closed without one, a cancelled dialog).
    Done(Option<DialogResult>),
    /// The client could not open it.
    Failed(crate::xrm::form::XrmError),
    /// The pop-up blocker refused it.
    Blocked,
    /// The box changed meanwhile: the answer no longer matters.
    Superseded,
}

/// The evidence page in a window of its own (9.0: `Xrm.Navigation.openWebResource`, 8.x:
/// `Xrm.Utility.openWebResource`). A new window does not share the form's `sessionStorage`,
/// so the page answers in `localStorage` under the request's key: `opened` when it starts,
/// then `saved` or `cancelled` (also when it is closed). The form reads the key until it has
/// an answer, the window it was given is closed, or the box changes; then removes it.
async fn in_window(request_id: &str, key: &str, data: &str) -> Waited {
    remove_answer(key);
    let window = match open_window(DIALOG, data, 560, 720) {
        Err(error) => return Waited::Failed(error),
        Ok(OpenedWindow::Blocked) => return Waited::Blocked,
        Ok(OpenedWindow::Window(window)) => Some(window),
        Ok(OpenedWindow::Unknown) => None,
    };
    WAITING.with(|w| *w.borrow_mut() = Some(request_id.to_owned()));
    let mut polls = 0;
    let mut opened = false;
    let waited = loop {
        clock::sleep(POLL_MS).await;
        if !WAITING.with(|w| w.borrow().as_deref() == Some(request_id)) {
            if let Some(window) = window.as_ref() {
                close_window(window);
            }
            break Waited::Superseded;
        }
        let closed = window.as_ref().is_some_and(window_closed);
        let answer = local_storage()
            .and_then(|s| s.get_item(key).ok().flatten())
            .and_then(|stored| DialogResult::decode(&stored));
        match answer {
            Some(answer) if answer.outcome != "opened" => break Waited::Done(Some(answer)),
            Some(_) => opened = true,
            None => {}
        }
        if closed {
            break Waited::Done(None);
        }
        polls += 1;
        if window.is_none() && !opened && polls > OPENED_WITHIN_MS / POLL_MS {
            break Waited::Blocked;
        }
    };
    WAITING.with(|w| {
        let mut waiting = w.borrow_mut();
        if waiting.as_deref() == Some(request_id) {
            *waiting = None;
        }
    });
    remove_answer(key);
    waited
}

/// The origin's `localStorage`; `None` when the browser refuses storage.
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Removes the answer under `key`.
fn remove_answer(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
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

/// The request id, the dialog's `data` (JSON) and its title. `in_page`: a `navigateTo`
/// dialog, which answers in `sessionStorage`; else a window, which answers in `localStorage`.
fn dialog_data(s: &session::Session, in_page: bool) -> (String, String, String) {
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
        ("via", if in_page { "\"dialog\"" } else { "\"window\"" }),
    ]);
    (
        request_id,
        data,
        strings::template(MessageKey::EvidenceTitle),
    )
}
