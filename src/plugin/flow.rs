//! The shell of the request flow ([`crate::domain::request_flow`]): keeps one flow per record
//! in the page, hands it the handlers' events, runs the commands it returns and hands their
//! outcomes back (a note written, a save answered, facts read).
//!
//! A flow outlives its form: a note being written when the form is loaded again (another
//! record, or this one reloaded) is withdrawn once written. Work that outlives a form reports
//! to that record's form only.

use crate::prelude::*;
use core::cell::RefCell;
use wasm_bindgen::JsValue;

use super::facts::{self, Plan};
use super::note::{self, RequestNote};
use super::session::{self, Session};
use super::{strings, view};
use crate::dataverse::queries::NoteTarget;
use crate::domain::evidence::Evidence;
use crate::domain::messages::{Message, MessageKey};
use crate::domain::request_flow::{Command, Notice, RequestFlow, SaveAnswer};
use crate::domain::time::Timestamp;
use crate::shell::soon;
use crate::xrm::form::member;
use crate::xrm::Level;
use alloc::boxed::Box;
use alloc::rc::Rc;

/// The request flow of one record, its notes those of the Web API.
pub type Flow = RequestFlow<Note>;

/// A request's note as the flow holds it (shared: the flow's commands name it, not copy it).
pub type Note = Rc<RequestNote>;

// The flows of the page, by record (the empty key: a Create form's); the request date a
// withdrawing save cleared, put back if the box is ticked back after that save failed.
crate::local::page_local! {
    static FLOWS: RefCell<Vec<(String, Flow)>> = RefCell::new(Vec::new());
}
crate::local::page_local! {
    static CLEARED_DATE: RefCell<Option<JsValue>> = RefCell::new(None);
}

/// The id of the box's warning that saving will withdraw the saved request.
const WITHDRAW: &str = "rsub.withdraw";

/// Hands `record`'s flow an event (`f`); returns the commands to run. Flows with nothing left
/// to do are forgotten.
pub fn dispatch(
    record: &str,
    f: impl FnOnce(&mut Flow) -> Vec<Command<Note>>,
) -> Vec<Command<Note>> {
    let mut f = Some(f);
    hand(record, &mut |flow| {
        f.take().map_or_else(Vec::new, |f| f(flow))
    })
}

/// [`dispatch`] for any event: one copy in the module.
fn hand(record: &str, f: &mut dyn FnMut(&mut Flow) -> Vec<Command<Note>>) -> Vec<Command<Note>> {
    FLOWS.with(|flows| {
        let Ok(mut flows) = flows.try_borrow_mut() else {
            return vec![];
        };
        let at = match flows.iter().position(|(r, _)| r == record) {
            Some(at) => at,
            None => {
                flows.push((record.to_owned(), Flow::default()));
                flows.len() - 1
            }
        };
        let commands = f(&mut flows[at].1);
        flows.retain(|(_, flow)| !flow.is_idle());
        commands
    })
}

/// The evidence captured on `record`'s form, if any.
pub fn evidence(record: &str) -> Option<Evidence> {
    FLOWS.with(|flows| {
        let flows = flows.try_borrow().ok()?;
        let (_, flow) = flows.iter().find(|(r, _)| r == record)?;
        flow.evidence().cloned()
    })
}

/// A form was loaded: what the forms before held is gone (a note being written is withdrawn
/// once written).
pub fn form_replaced() {
    FLOWS.with(|flows| {
        if let Ok(mut flows) = flows.try_borrow_mut() {
            for (_, flow) in flows.iter_mut() {
                flow.form_replaced();
            }
            flows.retain(|(_, flow)| !flow.is_idle());
        }
    });
}

/// Runs `f` on the session if it is the form of `record` (the flow's key).
fn on_form<R>(record: &str, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    session::with(|s| (s.record_key() == record).then(|| f(s))).flatten()
}

/// Runs the commands of `record`'s flow (the save's own cancel is OnSave's).
pub fn run(record: &str, commands: Vec<Command<Note>>) {
    for command in commands {
        match command {
            Command::PreventSave | Command::OpenDialog => {}
            Command::Show(notice) => {
                let _ = on_form(record, |s| show(s, record, &notice));
            }
            Command::ReadFacts { conflict } => soon(move || refresh(conflict)),
            Command::WriteNote(request) => {
                let record = record.to_owned();
                soon(move || write(record, request));
            }
            Command::SetRequestDate(request) => {
                let _ = on_form(record, |s| {
                    let at = request.note.marker.requested_at;
                    let date = js_sys::Date::new(&JsValue::from_f64(at.millis() as f64));
                    let _ = s.form.set_value(&s.mapping.request_date, &date.into());
                });
            }
            Command::ClearRequestDate => {
                let _ = on_form(record, |s| {
                    let date = &s.mapping.request_date;
                    if let Ok(value) = s.form.value(date) {
                        CLEARED_DATE.with(|c| *c.borrow_mut() = Some(value));
                    }
                    let _ = s.form.set_value(date, &JsValue::NULL);
                });
            }
            Command::RestoreRequestDate => {
                let _ = on_form(record, |s| {
                    if let Some(value) = CLEARED_DATE.with(|c| c.borrow_mut().take()) {
                        let _ = s.form.set_value(&s.mapping.request_date, &value);
                    }
                });
            }
            Command::RecordWithdrawal(request) => {
                let record = record.to_owned();
                soon(move || write(record, request));
            }
            Command::SaveAgain { close, after_note } => {
                let record = record.to_owned();
                soon(move || save_again(record, close, after_note));
            }
            Command::Close => {
                let _ = on_form(record, |s| s.form.close());
            }
            Command::Withdraw(request) => soon(move || withdraw(request)),
            Command::WithdrawUnlessSaved(request) => {
                let record = record.to_owned();
                soon(move || withdraw_unless_saved(record, request));
            }
            Command::Saved { kept } => {
                let _ = on_form(record, |s| saved(s, kept));
            }
            Command::Untick => {
                let _ = on_form(record, |s| {
                    s.form
                        .set_value(&s.mapping.request_resubscribe, &JsValue::FALSE)
                });
            }
        }
    }
}

/// Shows a notice of the flow on its form.
fn show(s: &Session, record: &str, notice: &Notice<Note>) {
    let flag = &s.mapping.request_resubscribe;
    let save = |level, messages: &[Message]| view::show(s, view::SAVE, level, messages);
    let note = |level, messages: &[Message]| view::show(s, view::NOTE, level, messages);
    let request = |level, messages: &[Message]| view::show(s, view::REQUEST, level, messages);
    match notice {
        Notice::Checking => save(Level::Info, &[Message::new(MessageKey::PluginChecking)]),
        Notice::Busy => save(Level::Error, &[Message::new(MessageKey::PluginBusy)]),
        Notice::Refused(reasons) => view::refused(s, reasons),
        Notice::Allowed(warnings) => {
            save(Level::Warning, warnings);
            view::box_says(s, None);
        }
        Notice::SaveCleared => {
            view::box_says(s, None);
            save(Level::Error, &[]);
        }
        Notice::Unverified => save(
            Level::Error,
            &[Message::new(MessageKey::SaveRefusedUnverified)],
        ),
        Notice::Writing(request) => {
            let key = match request.target {
                NoteTarget::Contact(_) => MessageKey::PluginNoteWriting,
                NoteTarget::Suppression { .. } => MessageKey::PluginNoteWritingRecord,
            };
            note(Level::Info, &[Message::new(key)]);
        }
        Notice::NotRecorded(problem) => {
            let failed = Message::new(MessageKey::PluginNoteNotRecorded)
                .with("problem", strings::text(problem));
            note(Level::Error, &[failed]);
        }
        Notice::Recorded(request) => {
            let recorded = match &request.target {
                NoteTarget::Contact(_) => {
                    let name = s
                        .facts
                        .as_ref()
                        .and_then(|f| f.contact.as_ref().map(|c| c.name.clone()))
                        .unwrap_or_default();
                    Message::new(MessageKey::PluginNoteWrittenContact).with("name", name)
                }
                NoteTarget::Suppression { .. } => Message::new(MessageKey::PluginNoteWrittenRecord),
            };
            view::recorded(s, recorded);
        }
        Notice::NoteCleared => note(Level::Info, &[]),
        Notice::Captured => {
            if let Some(evidence) = evidence(record) {
                view::captured(s, &evidence);
            }
        }
        Notice::RequestRefused { message, refusal } => {
            let level = if *refusal {
                Level::Warning
            } else {
                Level::Error
            };
            request(level, core::slice::from_ref(message));
        }
        Notice::RequestCleared => view::request_cleared(s),
        Notice::WillWithdraw => {
            let date = s.facts.as_ref().and_then(|f| f.saved_date);
            let warning = Message::new(MessageKey::PluginWithdrawWarning)
                .with("date", date.map(|d| d.to_display_utc()).unwrap_or_default());
            let text = view::text(s, &warning);
            // 8.x has no recommendation under a control (and an error there blocks the save).
            if !s.form.control_recommendation(flag, WITHDRAW, Some(&text)) {
                view::show(s, WITHDRAW, Level::Warning, &[warning]);
            }
        }
        Notice::WithdrawCleared => clear_withdraw_warning(s),
        Notice::Withdrawn(request) => {
            clear_withdraw_warning(s);
            save(Level::Info, &[]);
            let done = Message::new(MessageKey::PluginWithdrawn)
                .with("date", request.note.marker.requested_at.to_display_utc());
            note(Level::Info, &[done]);
        }
        Notice::WithdrawalNotRecorded {
            note: request,
            problem,
        } => {
            clear_withdraw_warning(s);
            save(Level::Info, &[]);
            let failed = Message::new(MessageKey::PluginWithdrawalNotRecorded)
                .with("date", request.note.marker.requested_at.to_display_utc())
                .with("problem", strings::text(problem));
            note(Level::Error, &[failed]);
        }
    }
}

/// Clears the box's warning that saving will withdraw the saved request.
fn clear_withdraw_warning(s: &Session) {
    s.form
        .control_recommendation(&s.mapping.request_resubscribe, WITHDRAW, None);
    view::show(s, WITHDRAW, Level::Warning, &[]);
}

/// A save went through: the saved values are the form's now; the note of the request it
/// carried is one of the contact's notes.
fn saved(s: &mut Session, kept: Option<Note>) {
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
    let patterns = s.config.lifecycle_patterns.clone().unwrap_or_default();
    if let Some(facts) = s.facts.as_mut() {
        facts.saved_flag = flag;
        facts.saved_date = date;
        facts.notes.extend(kept.as_ref().map(|k| k.note.as_fact()));
        facts.derive_lifecycle(&patterns);
    }
    view::render_state(s, evidence(s.record_key()).is_some());
    if let Some(kept) = kept {
        show(s, s.record_key(), &Notice::Recorded(kept));
    }
}

/// Writes the note of the held request, or the note recording a withdrawal (then adds it to
/// the contact's notes the form knows), and hands the outcome to the flow. One path for
/// both: the write's retries are in the module once.
fn write(record: String, request: Note) {
    let Some(api) = session::with(|s| s.api.clone()) else {
        return;
    };
    let written = request.clone();
    note::write(
        api,
        written,
        Box::new(move |result| {
            let result = result.map_err(|error| error.message());
            let withdrawal = request.note.withdrawn_at.is_some();
            if withdrawal && result.is_ok() {
                let _ = on_form(&record, |s| {
                    let patterns = s.config.lifecycle_patterns.clone().unwrap_or_default();
                    if let Some(facts) = s.facts.as_mut() {
                        facts.notes.push(request.note.as_fact());
                        facts.derive_lifecycle(&patterns);
                    }
                    view::render_state(s, evidence(s.record_key()).is_some());
                });
            }
            let commands = dispatch(&record, |flow| {
                if withdrawal {
                    flow.withdrawal_written(request, result)
                } else {
                    flow.note_written(request, result)
                }
            });
            run(&record, commands);
        }),
    );
}

/// Saves the form again with `data.save()` (Save & Close then closes it with `ui.close()`, the
/// documented way: Microsoft Learn, "save (Client API reference)": a save mode passed to
/// `data.save` does not take its action), and hands the answer to the flow.
fn save_again(record: String, close: bool, after_note: bool) {
    let Some(form) = on_form(&record, |s| s.form.clone()) else {
        return;
    };
    // 8.x answers with an object whose documented use is `then(success, error)` only: the
    // shell waits for it through `then`, never as a `Promise` of this realm.
    let saving = form.save();
    let refused = saving.is_err();
    crate::shell::then(saving.map_err(|_| JsValue::NULL), move |answered| {
        let answer = match answered {
            Ok(_) => SaveAnswer::Saved,
            Err(_) if refused => SaveAnswer::Cancelled,
            Err(error) => {
                let code = member(&error, "errorCode").as_f64().map_or(0, |c| c as i64);
                SaveAnswer::Failed(code)
            }
        };
        let ticked = session::with(|s| {
            s.form
                .bool_value(&s.mapping.request_resubscribe)
                .ok()
                .flatten()
                .unwrap_or(false)
        })
        .unwrap_or(false);
        let post_save = form.has_post_save();
        let commands = dispatch(&record, |flow| {
            flow.saved_again(answer, close, after_note, post_save, ticked)
        });
        run(&record, commands);
    });
}

/// Removes a note (one attempt).
fn withdraw(request: Note) {
    if let Some(api) = session::with(|s| s.api.clone()) {
        note::withdraw(&api, &request);
    }
}

/// After a save that reported a failure: reads whether the note's request is on the record,
/// and hands that to the flow.
fn withdraw_unless_saved(record: String, request: Note) {
    let Some((api, entity_set, id, columns)) = on_form(&record, |s| {
        let id = s.record.clone()?;
        Some((
            s.api.clone(),
            s.entity_set.clone(),
            id,
            s.mapping.request_columns(),
        ))
    })
    .flatten() else {
        return;
    };
    let asked = request.clone();
    note::on_record(&api, &entity_set, &id, columns, &asked, move |on_record| {
        let commands = dispatch(&record, |flow| flow.record_read(request, on_record));
        run(&record, commands);
    });
}

/// Reads the facts, shows them, and hands the read to the flow (`again`: a read after load;
/// `conflict`: after a save someone else's change refused, which says what is on the record
/// now).
pub fn read(plan: Plan, again: bool, conflict: bool) {
    facts::read(plan, move |facts| {
        let Some((record, whole)) = session::with(|s| {
            let pending_date = facts
                .lifecycle
                .is_pending()
                .then_some(facts.saved_date)
                .flatten();
            let whole = facts.verified;
            s.facts = Some(facts);
            view::render_state(s, evidence(s.record_key()).is_some());
            if conflict {
                let what = pending_date
                    .map(|d| {
                        let requested = Message::new(MessageKey::PluginConflictRequested)
                            .with("date", d.to_display_utc());
                        strings::text(&requested)
                    })
                    .unwrap_or_default();
                let told = Message::new(MessageKey::PluginConflict).with("what", what);
                view::conflict(s, told);
            }
            (s.record_key().to_owned(), whole)
        }) else {
            return;
        };
        let commands = dispatch(&record, |flow| flow.facts_read(whole, again));
        run(&record, commands);
    });
}

/// Reads the facts again and redraws; a save held for the read goes on once the read is
/// whole, and is refused with the reason otherwise.
pub fn refresh(conflict: bool) {
    if let Some(plan) = session::with(|s| facts::plan(s)) {
        read(plan, true, conflict);
    }
}
