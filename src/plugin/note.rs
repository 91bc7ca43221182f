//! The contact's request recorded in a note before the request reaches the record (docs/domain.md §2,
//! §7: no confirmation email goes out for a request whose evidence is not in Dynamics), exactly
//! once: look for the request's marker first, create the note only when none exists (under an
//! id named by the request, which Dataverse refuses to create twice), and retry transient
//! failures within a bounded time. One write per record at a time in the page; it reports to
//! the form of its record only (the user may have moved on to another).
//!
//! The save that ticks the box is held ([`record_then_save`]); once the note is written the
//! form is saved again and that save carries the request. A save that then fails withdraws
//! the note ([`withdraw`]).

use super::session::{self, Session};
use super::{clock, strings, view};
use crate::dataverse::error::{ApiError, ApiErrorKind};
use crate::dataverse::queries::{self, NoteTarget};
use crate::dataverse::retry::RetryPolicy;
use crate::dataverse::transport::WebApi;
use crate::domain::messages::{Message, MessageKey};
use crate::domain::note::ResubscribeNote;
use crate::prelude::*;
use crate::xrm::Level;
use core::cell::RefCell;

/// A request on its way to the record: its note, where the note goes, and whether it is
/// written (then the next save carries the request).
#[derive(Clone, Debug)]
pub struct PendingNote {
    /// The note (its marker names the request and dates it).
    pub note: ResubscribeNote,
    /// The contact, or the suppression record when no contact is linked.
    pub target: NoteTarget,
    /// Whether the note exists.
    pub written: bool,
    /// Whether the held save was Save & Close (the save made after the note closes too).
    pub close: bool,
}

/// Looks for the note, then creates it if it is not there: one attempt.
async fn attempt(
    api: &WebApi,
    target: &NoteTarget,
    note: &ResubscribeNote,
) -> Result<(), ApiError> {
    let found = api
        .send(&queries::note_by_marker(target, &note.marker))
        .await?;
    if queries::read_note_found(&found)? {
        return Ok(());
    }
    let created = api.send(&queries::create_note(target, note)).await?;
    match ApiError::from_response(&created) {
        None => Ok(()),
        Some(error) => Err(error),
    }
}

/// How long to wait before the next attempt. Besides the policy's transient failures, a 412 is
/// worth one more look: the create is refused with 412 when the note exists already (an
/// earlier attempt went through after its answer was lost), and each attempt starts by looking
/// for the note, so trying again can never write a second one.
fn retry_delay(policy: &RetryPolicy, error: &ApiError, attempts: u32, waited: u64) -> Option<u64> {
    let conflict = error.kind == ApiErrorKind::Conflict;
    policy
        .delay_before_retry(error, attempts, waited)
        .or_else(|| (conflict && attempts < policy.max_attempts).then_some(0))
}

/// Writes `note` on `target`, retrying within the policy's bounds.
async fn write(api: &WebApi, target: &NoteTarget, note: &ResubscribeNote) -> Result<(), ApiError> {
    let policy = RetryPolicy::default();
    let (mut attempts, mut waited) = (0u32, 0u64);
    loop {
        attempts += 1;
        match attempt(api, target, note).await {
            Ok(()) => return Ok(()),
            Err(error) => match retry_delay(&policy, &error, attempts, waited) {
                Some(delay) => {
                    clock::sleep(delay).await;
                    waited += delay;
                }
                None => return Err(error),
            },
        }
    }
}

// The records whose note is being written now.
super::local::page_local! {
    static WRITING: RefCell<Vec<String>> = RefCell::new(Vec::new());
}

/// Marks `record` as being written; `false` when a write for it is already under way.
fn begin(record: &str) -> bool {
    WRITING.with(|w| {
        let mut writing = w.borrow_mut();
        let free = !writing.iter().any(|r| r == record);
        if free {
            writing.push(record.to_owned());
        }
        free
    })
}

fn end(record: &str) {
    WRITING.with(|w| w.borrow_mut().retain(|r| r != record));
}

/// Whether the note of this form's record is being written now (no second request meanwhile).
pub fn under_way(s: &Session) -> bool {
    s.record
        .as_ref()
        .is_some_and(|r| WRITING.with(|w| w.borrow().iter().any(|k| k == r.as_str())))
}

/// Writes the note of the held request, then saves the form again (that save carries the
/// request); says why the request was not saved when the note cannot be written.
pub async fn record_then_save(pending: PendingNote) {
    let record = pending.note.marker.suppression_id.clone();
    let Some(api) = session::with(|s| s.api.clone()) else {
        return;
    };
    if !begin(&record) {
        return;
    }
    let result = write(&api, &pending.target, &pending.note).await;
    end(&record);
    let written = result.is_ok();
    let next = session::with_record(&record, |s| match result {
        Ok(()) => match s.pending.as_mut() {
            Some(held) if held.note.marker == pending.note.marker => {
                held.written = true;
                Some(Ok((s.form.clone(), held.close)))
            }
            _ => Some(Err(())),
        },
        Err(error) => {
            // Said only while the request is still the one the user is making.
            let current = s
                .pending
                .as_ref()
                .is_some_and(|held| held.note.marker == pending.note.marker);
            if current {
                let problem = strings::text(&error.message());
                let failed =
                    Message::new(MessageKey::PluginNoteNotRecorded).with("problem", problem);
                view::show(s, view::NOTE, Level::Error, &[failed]);
            }
            None
        }
    })
    .flatten();
    // Outside the session borrow: saving runs OnSave again, which needs the session.
    match next {
        Some(Ok((form, close))) => {
            // A save that does not happen (refused, invalid, cancelled) leaves the note for the
            // next save; "Recording…" is over either way.
            let saved = super::save::save_again(form, close).await;
            if !saved {
                let _ = session::with_record(&record, |s| {
                    view::show(s, view::NOTE, Level::Info, &[]);
                });
            }
        }
        // Withdrawn meanwhile, or the form moved on: no save will carry this request.
        Some(Err(())) => withdraw(pending).await,
        None if written => withdraw(pending).await,
        None => {}
    }
}

/// Says where the note of the held request is being written.
pub fn show_writing(s: &Session, pending: &PendingNote) {
    let key = match pending.target {
        NoteTarget::Contact(_) => MessageKey::PluginNoteWriting,
        NoteTarget::Suppression { .. } => MessageKey::PluginNoteWritingRecord,
    };
    view::show(s, view::NOTE, Level::Info, &[Message::new(key)]);
}

/// Says where the note of a request the save put on the record is.
pub fn show_recorded(s: &Session, pending: &PendingNote) {
    let recorded = match &pending.target {
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
    view::show(s, view::NOTE, Level::Info, &[recorded]);
}

/// Removes the note of a request that will not be saved, so no note records a request that is
/// not on the record (one attempt; a note that stays still records that the contact asked).
pub async fn withdraw(pending: PendingNote) {
    if let Some(api) = session::with(|s| s.api.clone()) {
        let _ = api.send(&queries::delete_note(&pending.note.marker)).await;
    }
}

/// After a save that reported a failure: removes the note only if its request is not on the
/// record (a save can go through although its answer was lost; the record may hold someone
/// else's request).
pub async fn withdraw_unless_saved(pending: PendingNote) {
    let Some((api, read, columns)) = session::with(|s| {
        let record = s.record.as_ref()?;
        let columns = s.mapping.request_columns();
        let read = queries::record_state(&s.entity_set, record, [&columns[0], &columns[1]]);
        Some((s.api.clone(), read, columns))
    })
    .flatten() else {
        return;
    };
    let marker = &pending.note.marker;
    let saved = match api.send(&read).await {
        Ok(response) => queries::read_record(&response, [&columns[0], &columns[1]])
            .ok()
            .map(|state| marker.is_on_record(state.request_flag == Some(true), state.request_date)),
        Err(_) => None,
    };
    match saved {
        Some(false) => withdraw(pending).await,
        // The request arrived after all: the form learns it, so it is not made twice.
        Some(true) => {
            let record = &pending.note.marker.suppression_id;
            let _ = session::with_record(record, |s| {
                s.evidence = None;
                show_recorded(s, &pending);
            });
            super::load::refresh(false).await;
        }
        // Not known (the read failed too): the note stays, as the request may be on the record.
        None => {}
    }
}

/// Drops the request being prepared (unticked, other evidence, another address or reason);
/// a note already written for it is withdrawn.
pub fn drop_pending(s: &mut Session) {
    if let Some(pending) = s.pending.take() {
        view::show(s, view::NOTE, Level::Info, &[]);
        if pending.written {
            wasm_bindgen_futures::spawn_local(withdraw(pending));
        }
    }
}
