//! OnSave (a synchronous decision from the facts read at load) and PostSave (the note).

use crate::prelude::*;
use wasm_bindgen::JsValue;

use super::outbox::{self, Entry};
use super::session::{self, Session};
use super::{clock, note, view};
use crate::domain::email::EmailAddress;
use crate::domain::messages::{Message, MessageKey};
use crate::domain::note::{RequestMarker, ResubscribeNote};
use crate::domain::save_check::{
    evaluate, FormFacts, FormType, RequestTransition, SaveDecision, SaveMode,
};
use crate::domain::time::Timestamp;
use crate::xrm::form::post_save_outcome;
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
    let args = Form::save_args(&execution_context);
    session::with(|s| {
        let Some(args) = args else {
            return;
        };
        let flag = &s.mapping.request_resubscribe;
        let now_ticked = s.form.bool_value(flag).ok().flatten().unwrap_or(false);
        let Some(facts) = s.facts.clone() else {
            if now_ticked && s.form.is_dirty(flag).unwrap_or(false) {
                hold_until_read(s, &args, false);
            }
            return;
        };
        let transition = RequestTransition::between(facts.saved_flag, now_ticked);
        if transition == RequestTransition::Unchanged {
            return;
        }
        if transition == RequestTransition::Ticked && !facts.verified {
            // Whether a request is pending was not read: read again, then save (or refuse).
            hold_until_read(s, &args, true);
            return;
        }
        let now = clock::now();
        let reason = s
            .form
            .option_value(&s.mapping.reason)
            .ok()
            .flatten()
            .map(|(value, label)| s.config.reason_of(value, &label));
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
            save_mode: SaveMode::from(args.save_mode() as i32),
            now,
            suppressed_on: facts.suppressed_on,
        };
        let mut decision = evaluate(&form_facts);
        if note::under_way(s) && transition == RequestTransition::Ticked {
            let busy = Message::new(MessageKey::PluginBusy);
            decision = match decision {
                SaveDecision::Refuse { mut reasons } => {
                    reasons.push(busy);
                    SaveDecision::Refuse { reasons }
                }
                _ => SaveDecision::Refuse {
                    reasons: vec![busy],
                },
            };
        }
        match &decision {
            SaveDecision::Refuse { reasons } => {
                let _ = args.prevent_default();
                view::show(s, view::SAVE, Level::Error, reasons);
                let first = reasons.first().map(|m| view::text(s, m));
                s.form
                    .control_notification(flag, view::SAVE, first.as_deref());
            }
            SaveDecision::Allow | SaveDecision::AllowWithWarning { .. } => {
                view::show(s, view::SAVE, Level::Warning, decision.messages());
                s.form.control_notification(flag, view::SAVE, None);
                if transition == RequestTransition::Ticked {
                    submit_request(s, &form_facts, now);
                }
            }
        }
    })
    .is_some()
}

/// Holds a save that ticks the box until the facts are read (`read_again`: read them now, as
/// the last read was not whole); the read saves again, or says why it cannot.
fn hold_until_read(s: &mut Session, args: &crate::xrm::form::SaveArgs, read_again: bool) {
    let _ = args.prevent_default();
    view::show(
        s,
        view::SAVE,
        Level::Info,
        &[Message::new(MessageKey::PluginChecking)],
    );
    if read_again && !s.resave_when_loaded {
        wasm_bindgen_futures::spawn_local(super::load::refresh(false));
    }
    s.resave_when_loaded = true;
}

/// Sets the request date in the same save and queues the note in the outbox.
fn submit_request(s: &mut Session, facts: &FormFacts, now: Timestamp) {
    let requested_at = Timestamp(now.millis() / 1000 * 1000);
    let date = js_sys::Date::new(&JsValue::from_f64(requested_at.millis() as f64));
    let _ = s.form.set_value(&s.mapping.request_date, &date.into());
    let (Some(record), Some(evidence)) = (s.record.as_ref(), s.evidence.as_ref()) else {
        return;
    };
    let (Ok(marker), Some(Ok(email)), Some(reason)) = (
        RequestMarker::new(record.as_str(), requested_at),
        facts.email.as_deref().map(EmailAddress::parse),
        facts.reason.as_ref(),
    ) else {
        return;
    };
    let note = ResubscribeNote::compose(evidence, &email, reason, &marker);
    let contact = s.facts.as_ref().and_then(|f| f.contact.clone());
    let (target_table, target_set, target_id) = match contact {
        Some(c) => ("contact".to_owned(), "contacts".to_owned(), c.id),
        None => (
            s.table.clone(),
            s.entity_set.clone(),
            record.as_str().to_owned(),
        ),
    };
    let entry = Entry {
        marker,
        target_table,
        target_set,
        target_id,
        subject: note.subject,
        text: note.text,
        saved: false,
        attempts: 0,
        last_error: None,
    };
    let key = outbox::key(&s.global.client_url, record.as_str());
    // Kept in the session as well: a browser that refuses storage still gets its note written
    // while the form is open.
    outbox::store(&key, &entry);
    s.pending_note = Some((key, entry));
}

/// PostSave: on success write the note of the request the save carried; on failure drop the
/// queued note and, when someone else changed the record, reload the facts and say so.
pub fn on_post_save(execution_context: JsValue) {
    let outcome = post_save_outcome(&execution_context);
    let pending = session::with(|s| s.pending_note.take()).flatten();
    match outcome {
        Ok(()) => {
            let saved = session::with(|s| {
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
                s.evidence = None;
                view::show(s, view::REQUEST, Level::Info, &[]);
                let patterns = s.config.lifecycle_patterns.clone().unwrap_or_default();
                if let Some(facts) = s.facts.as_mut() {
                    facts.saved_flag = flag;
                    facts.saved_date = date;
                    facts.derive_lifecycle(&patterns);
                }
                view::render_state(s);
                (flag, date)
            });
            if let Some((key, mut entry)) = pending {
                // Only a request this save put on the record gets its note: a save OnSave let
                // through but another handler cancelled leaves a stale entry behind.
                let (flag, date) = saved.unwrap_or((false, None));
                if entry.request_is_on_record(flag, date) {
                    entry.saved = true;
                    outbox::store(&key, &entry);
                    wasm_bindgen_futures::spawn_local(note::write(key, entry));
                } else {
                    outbox::clear(&key);
                }
            }
        }
        Err((code, _)) => {
            if let Some((key, _)) = pending {
                outbox::clear(&key);
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
