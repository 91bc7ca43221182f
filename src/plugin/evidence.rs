//! OnChange of *Request Resubscribe*: ticking opens the evidence page (an HTML web resource);
//! cancelling unticks the box. On 9.1 and later it is a dialog (`Xrm.Navigation.navigateTo`
//! target 2) that hands its result back through `sessionStorage` under a key unique to this
//! request; before that it opens in a window of its own (9.0 `Xrm.Navigation.openWebResource`,
//! 8.x `Xrm.Utility.openWebResource`) that answers through `localStorage`: a blocked pop-up or
//! a window closed unanswered unticks the box. The shell opens the page and waits for its
//! answer (`askEvidence` in `www/loader/shell.js`); this module decides what the answer means.

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use super::{clock, strings, view};
use super::{flow, session};
use crate::dataverse::json::{self, Json};
use crate::domain::evidence::{Channel, Evidence, UserRef};
use crate::domain::json::JsonValue;
use crate::domain::messages::{Message, MessageKey, EVIDENCE_DIALOG};
use crate::domain::request_flow::{Command, DialogAnswer};
use crate::domain::save_check::pending_refusal;
use crate::domain::text::decimal;
use crate::domain::time::Timestamp;
use crate::xrm::form::{describe, has_navigate_to, member};
use crate::xrm::Level;

#[wasm_bindgen(js_namespace = RsubShell)]
extern "C" {
    /// The shell's `askEvidence(dialog, data, title, key, inPage)`: opens the evidence page and
    /// resolves with how it answered (`{stored, failed}`, `{blocked}` or `{superseded}`).
    #[wasm_bindgen(catch, js_name = askEvidence)]
    fn ask_evidence(
        dialog: &str,
        data: &str,
        title: &str,
        key: &str,
        in_page: bool,
    ) -> Result<js_sys::Promise, JsValue>;
    /// The shell's `forgetEvidence()`: gives up the window the form waits for.
    #[wasm_bindgen(catch, js_name = forgetEvidence)]
    fn forget_evidence() -> Result<(), JsValue>;
}

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
pub fn on_change(_execution_context: JsValue) {
    // Before 9.0, a tick in the moment the user's strings are being read waits for them: what
    // the box says and the evidence page's words are in those strings.
    if strings::reading() {
        return strings::when_ready(|| on_change(JsValue::UNDEFINED));
    }
    // A window still open for an earlier tick is given up: this change supersedes it.
    let _ = forget_evidence();
    let in_page = has_navigate_to();
    let Some((record, ticked, saved, refusal)) = session::with(|s| {
        let flag = &s.mapping.request_resubscribe;
        view::box_says(s, None);
        view::show(s, view::SAVE, Level::Error, &[]);
        let ticked = s.form.bool_value(flag).ok().flatten().unwrap_or(false);
        if ticked && s.record.is_none() {
            // A record not saved yet has nothing to request for: said on the box, at once.
            let _ = s.form.set_value(flag, &JsValue::FALSE);
            view::box_says(s, Some(Message::new(MessageKey::SaveRefusedNotSaved)));
            return None;
        }
        let facts = s.facts.as_ref();
        let saved = facts.is_some_and(|f| f.saved_flag);
        let refusal = facts
            .filter(|f| f.verified)
            .and_then(|f| pending_refusal(&f.lifecycle));
        Some((s.record_key().to_owned(), ticked, saved, refusal))
    })
    .flatten() else {
        return;
    };
    let commands = flow::dispatch(&record, |f| {
        if ticked {
            f.ticked(saved, refusal)
        } else {
            f.unticked(saved)
        }
    });
    let open = commands.iter().any(|c| matches!(c, Command::OpenDialog));
    flow::run(&record, commands);
    if !open {
        return;
    }
    let Some(((request_id, data, title), site)) =
        session::with(|s| (dialog_data(s, in_page), s.global.client_url.clone()))
    else {
        return;
    };
    let key = [RESULT_PREFIX, &request_id].concat();
    // The shell resolves with how the page answered; a call that failed says why.
    let asking = ask_evidence(DIALOG, &data, &title, &key, in_page);
    crate::shell::then(asking, move |asked| answered(&record, &site, asked));
}

/// The evidence page answered (`asked`: the shell's answer) for `record`'s form.
fn answered(record: &str, site: &str, asked: Result<JsValue, JsValue>) {
    let failed =
        |detail: String| Message::new(MessageKey::PluginDialogFailed).with("detail", detail);
    let outcome = match asked {
        Err(error) => Err(failed(["askEvidence(): ", &describe(&error)].concat())),
        Ok(asked) if member(&asked, "superseded").is_truthy() => return,
        Ok(asked) => match (
            member(&asked, "stored")
                .as_string()
                .and_then(|stored| DialogResult::decode(&stored)),
            member(&asked, "failed").as_string(),
        ) {
            (Some(result), _) => Ok(Some(result)),
            (None, Some(detail)) => Err(failed(detail)),
            (None, None) if member(&asked, "blocked").is_truthy() => {
                Err(Message::new(MessageKey::PluginPopupBlocked).with("site", site.to_owned()))
            }
            (None, None) => Ok(None),
        },
    };
    // A window may have stayed open while the user went to another record: its answer
    // belongs to the record it was opened for.
    let Some(answer) =
        session::with(|s| (s.record_key() == record).then(|| answer(s, outcome))).flatten()
    else {
        return;
    };
    let commands = flow::dispatch(record, |f| f.dialog_answered(answer));
    flow::run(record, commands);
}

/// The page's answer: its evidence, or why there is none.
fn answer(s: &session::Session, outcome: Result<Option<DialogResult>, Message>) -> DialogAnswer {
    let result = match outcome {
        Err(failed) => return DialogAnswer::Failed(failed),
        Ok(result) => result,
    };
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
    match evidence {
        Some(evidence) => DialogAnswer::Captured(evidence),
        None => DialogAnswer::Cancelled,
    }
}

/// Where the evidence page leaves its answer; the request id follows.
const RESULT_PREFIX: &str = "rsub.evidence.";

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
