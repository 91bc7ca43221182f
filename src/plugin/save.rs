//! OnSave (a synchronous decision from the facts read at load; a request is held until its
//! note is written) and PostSave (where the note is, or its withdrawal).

use crate::prelude::*;
use wasm_bindgen::JsValue;

use super::note::PendingNote;
use super::session::{self, Session};
use super::{clock, note, view};
use crate::dataverse::guid::Guid;
use crate::dataverse::queries::NoteTarget;
use crate::domain::email::EmailAddress;
use crate::domain::messages::{Message, MessageKey};
use crate::domain::note::{RequestMarker, ResubscribeNote};
use crate::domain::save_check::{
    evaluate, FormFacts, FormType, RequestTransition, SaveDecision, SaveMode,
};
use crate::domain::time::Timestamp;
use crate::xrm::form::{describe, member, post_save_outcome};
use crate::xrm::{Form, Level};

/// Error codes Dynamics reports when the record changed since it was read (412): the
/// Dataverse code (which clients may give as a signed 32-bit number) or the HTTP status.
const CONFLICT_CODES: [i64; 2] = [0x8006_0882, 412];

fn is_conflict(code: i64) -> bool {
    CONFLICT_CODES.contains(&(code & 0xFFFF_FFFF))
}

/// The OnSave handler: decides without waiting.
///
/// Returns `false` when the checks are not running on this form (no usable configuration or
/// Client API): the loader then refuses a save that ticks Request Resubscribe.
pub fn on_save(execution_context: JsValue) -> bool {
    // Without the save's arguments nothing can be held or refused: the loader refuses a save
    // that ticks the box (the handler is registered without "pass execution context").
    let Some(args) = Form::save_args(&execution_context) else {
        return false;
    };
    let save_mode = SaveMode::from(args.save_mode() as i32);
    let closes = save_mode == SaveMode::SaveAndClose;
    session::with(|s| {
        let closes = closes || s.closing;
        let flag = &s.mapping.request_resubscribe;
        let now_ticked = s.form.bool_value(flag).ok().flatten().unwrap_or(false);
        let Some(facts) = s.facts.clone() else {
            if now_ticked && s.form.is_dirty(flag).unwrap_or(false) {
                hold_until_read(s, &args, closes, false);
            }
            return;
        };
        let transition = RequestTransition::between(facts.saved_flag, now_ticked);
        if transition == RequestTransition::Unchanged {
            return;
        }
        if transition == RequestTransition::Ticked && note::under_way(s) {
            let _ = args.prevent_default();
            match s.pending.as_mut() {
                // The same request, its note being written: the save after the note carries it.
                Some(pending) => {
                    pending.close |= closes;
                    let pending = pending.clone();
                    note::show_writing(s, &pending);
                }
                // A note being written for a request dropped meanwhile: wait for it.
                None => view::show(
                    s,
                    view::SAVE,
                    Level::Error,
                    &[Message::new(MessageKey::PluginBusy)],
                ),
            }
            return;
        }
        if transition == RequestTransition::Ticked && !facts.verified {
            // Whether a request is pending was not read: read again, then save (or refuse).
            hold_until_read(s, &args, closes, true);
            return;
        }
        let now = clock::now();
        let reason = s.form_reason().map(|(reason, _)| reason);
        let form_facts = FormFacts {
            form_type: FormType::from(s.form.form_type().unwrap_or(0) as i32),
            request_transition: transition,
            email: s.form.text_value(&s.mapping.email).ok().flatten(),
            reason,
            lifecycle: facts.lifecycle.clone(),
            lifecycle_verified: facts.verified,
            evidence: s.evidence.clone(),
            compatibility: facts.compatibility.clone(),
            can_write: true,
            save_mode,
            now,
            suppressed_on: facts.suppressed_on,
        };
        let decision = evaluate(&form_facts);
        match &decision {
            SaveDecision::Refuse { reasons } => {
                let _ = args.prevent_default();
                view::show(s, view::SAVE, Level::Error, reasons);
                let first = reasons.first().map(|m| view::text(s, m));
                s.form
                    .control_notification(flag, view::SAVE, first.as_deref());
            }
            SaveDecision::Allow | SaveDecision::AllowWithWarning { .. } => {
                // The connector's warning has its own notification already: not said twice.
                let compat = facts.compatibility.message();
                let warnings: Vec<Message> = decision
                    .messages()
                    .iter()
                    .filter(|m| **m != compat)
                    .cloned()
                    .collect();
                view::show(s, view::SAVE, Level::Warning, &warnings);
                s.form.control_notification(flag, view::SAVE, None);
                if transition == RequestTransition::Ticked && !submit_request(s, &form_facts, now) {
                    let _ = args.prevent_default();
                }
            }
        }
    })
    .is_some()
}

/// Holds a save that ticks the box until the facts are read (`read_again`: read them now, as
/// the last read was not whole); the read saves again (`closes`: Save & Close), or says why
/// it cannot.
fn hold_until_read(
    s: &mut Session,
    args: &crate::xrm::form::SaveArgs,
    closes: bool,
    read_again: bool,
) {
    let _ = args.prevent_default();
    view::show(
        s,
        view::SAVE,
        Level::Info,
        &[Message::new(MessageKey::PluginChecking)],
    );
    if read_again && s.held_save.is_none() {
        wasm_bindgen_futures::spawn_local(super::load::refresh(false));
    }
    s.held_save = Some(s.held_save.unwrap_or(false) || closes);
}

/// Makes a held save again (outside the session borrow: saving runs OnSave again, which needs
/// the session) with `data.save()`; Save & Close then closes the form with `ui.close()`, the
/// documented way (Microsoft Learn, "save (Client API reference)": a save mode passed to
/// `data.save` does not take its action). Returns whether the save happened.
pub async fn save_again(form: Form, close: bool) -> bool {
    let _ = session::with(|s| s.closing = close);
    // 8.x answers with an object whose documented use is `then(success, error)` only: awaited
    // through `then`, never as a `Promise` of this realm.
    let answer = match form.save() {
        Ok(saving) => wasm_bindgen_futures::JsFuture::from(saving).await.map(drop),
        Err(_) => Err(JsValue::UNDEFINED),
    };
    let saved = answer.is_ok();
    let _ = session::with(|s| s.closing = false);
    // A client without PostSave (before `addOnPostSave`): the save's own answer tells whether
    // the request reached the record, as PostSave does. A save that failed (its error callback
    // has an error code) is handled as a failed PostSave; a cancelled one (-1: refused by an
    // OnSave handler or the form's own checks) leaves the note for the next save.
    if !form.has_post_save() {
        match answer {
            Ok(()) => after_save(Ok(())),
            Err(error) => {
                let code = member(&error, "errorCode").as_f64().map_or(0, |c| c as i64);
                if code != 0 && code != -1 {
                    after_save(Err((code, describe(&error))));
                }
            }
        }
    }
    if saved && close {
        let _ = form.close();
    }
    saved
}

/// A request reaches the record only after its note: the first save is held while the note
/// is written, and the save made when it is written carries the request and its date (set
/// only then, so a request that is not saved leaves no date behind). Returns whether this save
/// goes ahead.
fn submit_request(s: &mut Session, facts: &FormFacts, now: Timestamp) -> bool {
    if let Some(pending) = s.pending.as_ref().filter(|p| p.written) {
        set_request_date(s, pending.note.marker.requested_at);
        return true;
    }
    // A note not written yet is the same request again (the same marker, so the same note).
    let Some(mut pending) = s.pending.take().or_else(|| compose(s, facts, now)) else {
        return false;
    };
    pending.close = facts.save_mode == SaveMode::SaveAndClose || s.closing;
    note::show_writing(s, &pending);
    s.pending = Some(pending.clone());
    wasm_bindgen_futures::spawn_local(note::record_then_save(pending));
    false
}

fn set_request_date(s: &Session, at: Timestamp) {
    let date = js_sys::Date::new(&JsValue::from_f64(at.millis() as f64));
    let _ = s.form.set_value(&s.mapping.request_date, &date.into());
}

/// The note of a request made now: on the contact, or on the record without one.
fn compose(s: &Session, facts: &FormFacts, now: Timestamp) -> Option<PendingNote> {
    let requested_at = Timestamp(now.millis() / 1000 * 1000);
    let record = s.record.as_ref()?;
    let marker = RequestMarker::new(record.as_str(), requested_at).ok()?;
    let email = EmailAddress::parse(facts.email.as_deref()?).ok()?;
    let note = ResubscribeNote::compose(
        s.evidence.as_ref()?,
        &email,
        facts.reason.as_ref()?,
        &marker,
    );
    let contact = s.facts.as_ref().and_then(|f| f.contact.as_ref());
    let target = match contact.and_then(|c| Guid::parse(&c.id).ok()) {
        Some(id) => NoteTarget::Contact(id),
        None => NoteTarget::Suppression {
            table: s.table.clone(),
            entity_set: s.entity_set.clone(),
            id: record.clone(),
        },
    };
    Some(PendingNote {
        note,
        target,
        written: false,
        close: false,
    })
}

/// PostSave: a save that carried a request says where its note is; a failed one withdraws the
/// note and, when someone else changed the record, reloads the facts and says so.
pub fn on_post_save(execution_context: JsValue) {
    after_save(post_save_outcome(&execution_context));
}

/// What follows a save whose outcome is known: `Ok`, or `Err((code, message))` (code 0 when
/// the client did not say).
fn after_save(outcome: Result<(), (i64, String)>) {
    let pending = session::with(|s| s.pending.take_if(|p| p.written)).flatten();
    match outcome {
        Ok(()) => {
            let withdrawn = session::with(|s| {
                let flag = s
                    .form
                    .bool_value(&s.mapping.request_resubscribe)
                    .ok()
                    .flatten()
                    .unwrap_or(false);
                let date = s
                    .form
                    .date_value(&s.mapping.request_date)
                    .ok()
                    .flatten()
                    .map(Timestamp);
                // A save that put the request on the record keeps its note (the date may come
                // back rounded, so the flag decides).
                let (kept, withdrawn) = match pending {
                    Some(p) if flag => (Some(p), None),
                    other => (None, other),
                };
                let patterns = s.config.lifecycle_patterns.clone().unwrap_or_default();
                if let Some(facts) = s.facts.as_mut() {
                    facts.saved_flag = flag;
                    facts.saved_date = date;
                    facts.notes.extend(kept.as_ref().map(|p| p.note.as_fact()));
                    facts.derive_lifecycle(&patterns);
                }
                s.evidence = None;
                view::show(s, view::REQUEST, Level::Info, &[]);
                view::render_state(s);
                if let Some(p) = kept.as_ref() {
                    note::show_recorded(s, p);
                }
                withdrawn
            })
            .flatten();
            if let Some(p) = withdrawn {
                wasm_bindgen_futures::spawn_local(note::withdraw(p));
            }
        }
        Err((code, _)) => {
            if let Some(p) = pending {
                let _ = session::with(|s| view::show(s, view::NOTE, Level::Info, &[]));
                wasm_bindgen_futures::spawn_local(note::withdraw_unless_saved(p));
            }
            if is_conflict(code) {
                wasm_bindgen_futures::spawn_local(super::load::refresh(true));
            }
        }
    }
}

/// OnChange of email or reason: a refusal about them may no longer hold, and what a captured
/// request leads to may have changed with the reason.
pub fn on_fact_change(_execution_context: JsValue) {
    let _ = session::with(|s| {
        s.form
            .control_notification(&s.mapping.request_resubscribe, view::SAVE, None);
        view::show(s, view::SAVE, Level::Error, &[]);
        // A request prepared for other values is prepared again at the next save.
        note::drop_pending(s);
        super::evidence::show_notice(s);
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn conflict_codes_match_signed_and_unsigned_forms() {
        assert!(super::is_conflict(0x8006_0882));
        assert!(super::is_conflict(-2_147_088_254));
        assert!(super::is_conflict(412));
        assert!(!super::is_conflict(-2_147_220_969));
    }
}
