//! OnSave (a synchronous decision from the facts read at load; a request is held until its
//! note is written), PostSave, and the OnChange of the columns a refusal may be about: each
//! an event of the request flow ([`super::flow`]).

use crate::prelude::*;
use wasm_bindgen::JsValue;

use super::clock;
use super::flow::{self, Note};
use super::note::RequestNote;
use super::session::{self, Session};
use crate::dataverse::guid::Guid;
use crate::dataverse::queries::NoteTarget;
use crate::domain::email::EmailAddress;
use crate::domain::evidence::{Evidence, UserRef};
use crate::domain::history;
use crate::domain::messages::Message;
use crate::domain::note::{RequestMarker, ResubscribeNote};
use crate::domain::request_flow::{Command, FactsRead, SaveAttempt, Verdict};
use crate::domain::save_check::{
    evaluate, FormFacts, FormType, RequestTransition, SaveDecision, SaveMode,
};
use crate::domain::time::Timestamp;
use crate::xrm::form::post_save_outcome;
use crate::xrm::Form;

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
    let Some(record) = session::with(|s| s.record_key().to_owned()) else {
        return false;
    };
    let evidence = flow::evidence(&record);
    let Some(attempt) = session::with(|s| attempt(s, save_mode, evidence.as_ref())) else {
        return false;
    };
    let commands = flow::dispatch(&record, |f| f.save_attempted(attempt));
    if commands.iter().any(|c| matches!(c, Command::PreventSave)) {
        let _ = args.prevent_default();
    }
    flow::run(&record, commands);
    true
}

/// What this save is to the request flow: how it changes the box, and the save check's verdict.
fn attempt(s: &Session, save_mode: SaveMode, evidence: Option<&Evidence>) -> SaveAttempt<Note> {
    let closes = save_mode == SaveMode::SaveAndClose;
    let flag = &s.mapping.request_resubscribe;
    let now_ticked = s.form.bool_value(flag).ok().flatten().unwrap_or(false);
    // The request date is the library's: set with a request, cleared with its withdrawal.
    let date_edited = s.form.is_dirty(&s.mapping.request_date).unwrap_or(false);
    let post_save = s.form.has_post_save();
    let unjudged = |change, facts| SaveAttempt {
        change,
        closes,
        facts,
        verdict: Verdict::Allow {
            warnings: vec![],
            note: (change == RequestTransition::Unticked)
                .then(|| withdrawal(s))
                .flatten(),
        },
        date_edited,
        post_save,
    };
    let Some(facts) = s.facts.as_ref() else {
        let change = match (now_ticked, s.form.is_dirty(flag).unwrap_or(false)) {
            (true, true) => RequestTransition::Ticked,
            (false, true) => RequestTransition::Unticked,
            _ => RequestTransition::Unchanged,
        };
        return unjudged(change, FactsRead::NotYet);
    };
    let change = RequestTransition::between(facts.saved_flag, now_ticked);
    let read = if facts.verified {
        FactsRead::Whole
    } else {
        FactsRead::Partly
    };
    // Nothing to judge: the box as saved, or a request held until the facts are read whole.
    let held = change == RequestTransition::Ticked && read == FactsRead::Partly;
    if change == RequestTransition::Unchanged || held {
        return unjudged(change, read);
    }
    let now = clock::now();
    let form_facts = FormFacts {
        form_type: FormType::from(s.form.form_type().unwrap_or(0) as i32),
        request_transition: change,
        email: s.form.text_value(&s.mapping.email).ok().flatten(),
        reason: s.form_reason().map(|(reason, _)| reason),
        lifecycle: facts.lifecycle.clone(),
        lifecycle_verified: facts.verified,
        evidence: evidence.cloned(),
        compatibility: facts.compatibility.clone(),
        can_write: true,
        save_mode,
        now,
        suppressed_on: facts.suppressed_on,
    };
    let verdict = match evaluate(&form_facts) {
        SaveDecision::Refuse { reasons } => Verdict::Refuse(reasons),
        decision => {
            // The connector's warning has its own notification already: not said twice.
            let compat = facts.compatibility.message();
            let warnings: Vec<Message> = decision
                .messages()
                .iter()
                .filter(|m| **m != compat)
                .cloned()
                .collect();
            let note = match change {
                RequestTransition::Ticked => compose(s, &form_facts, evidence, now),
                RequestTransition::Unticked => withdrawal(s),
                RequestTransition::Unchanged => None,
            };
            Verdict::Allow { warnings, note }
        }
    };
    SaveAttempt {
        change,
        closes,
        facts: read,
        verdict,
        date_edited,
        post_save,
    }
}

/// The note recording the withdrawal of the request saved on the record, by the user, now
/// (docs/domain.md §8): named by that request (its note's time when the contact's notes hold
/// it, else the saved date), on the same contact (or record) as the request's note.
fn withdrawal(s: &Session) -> Option<Note> {
    let record = s.record.as_ref()?;
    let facts = s.facts.as_ref();
    let saved_date = match facts {
        Some(facts) => facts.saved_date,
        None => s
            .form
            .date_value(&s.mapping.request_date)
            .ok()
            .flatten()
            .map(Timestamp),
    };
    // The record's latest recorded request, when it is the one on the record (the date to
    // the second, or the day of a date-only column).
    let recorded = facts
        .and_then(|f| history::latest_request(&f.notes, record.as_str(), None))
        .map(|r| r.key.requested_at)
        .filter(|at| {
            RequestMarker::new(record.as_str(), *at).is_ok_and(|m| m.is_on_record(true, saved_date))
        });
    let marker = RequestMarker::new(record.as_str(), recorded.or(saved_date)?).ok()?;
    let by = UserRef {
        id: s.global.user_id.clone(),
        name: s.global.user_name.clone(),
    };
    let note = ResubscribeNote::withdrawal(&marker, &by, clock::now());
    Some(Note::new(RequestNote {
        note,
        target: target(s, record),
    }))
}

/// Where a note of this record's requests goes: the contact, or the record without one.
fn target(s: &Session, record: &Guid) -> NoteTarget {
    let contact = s.facts.as_ref().and_then(|f| f.contact.as_ref());
    match contact.and_then(|c| Guid::parse(&c.id).ok()) {
        Some(id) => NoteTarget::Contact(id),
        None => NoteTarget::Suppression {
            table: s.table.clone(),
            entity_set: s.entity_set.clone(),
            id: record.clone(),
        },
    }
}

/// The note of a request made now: on the contact, or on the record without one.
fn compose(
    s: &Session,
    facts: &FormFacts,
    evidence: Option<&Evidence>,
    now: Timestamp,
) -> Option<Note> {
    let evidence = evidence?;
    let requested_at = Timestamp(now.millis() / 1000 * 1000);
    let record = s.record.as_ref()?;
    let marker = RequestMarker::new(record.as_str(), requested_at).ok()?;
    let email = EmailAddress::parse(facts.email.as_deref()?).ok()?;
    let note = ResubscribeNote::compose(evidence, &email, facts.reason.as_ref()?, &marker);
    Some(Note::new(RequestNote {
        note,
        target: target(s, record),
    }))
}

/// PostSave: a save that carried a request says where its note is; a failed one withdraws the
/// note and, when someone else changed the record, reads the facts again and says so.
pub fn on_post_save(execution_context: JsValue) {
    let outcome = post_save_outcome(&execution_context).map_err(|(code, _)| code);
    let Some((record, ticked)) = session::with(|s| {
        let ticked = s
            .form
            .bool_value(&s.mapping.request_resubscribe)
            .ok()
            .flatten()
            .unwrap_or(false);
        (s.record_key().to_owned(), ticked)
    }) else {
        return;
    };
    let commands = flow::dispatch(&record, |f| f.post_save(outcome, ticked));
    flow::run(&record, commands);
}

/// OnChange of email or reason: a refusal about them may no longer hold, and what a captured
/// request leads to may have changed with the reason.
pub fn on_fact_change(_execution_context: JsValue) {
    let Some(record) = session::with(|s| s.record_key().to_owned()) else {
        return;
    };
    let commands = flow::dispatch(&record, |f| f.facts_changed());
    flow::run(&record, commands);
}
