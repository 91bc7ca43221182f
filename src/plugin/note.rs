//! Writing the audit note exactly once: look for the request's marker first, create the note
//! only when none exists (under an id named by the request, which Dataverse refuses to create
//! twice), retry transient failures within a bounded time, and keep what still fails in the
//! outbox. One write per request at a time in the page; it reports to the form of its record
//! only (the user may have moved on to another).

use super::outbox::{self, Entry};
use super::session::{self, Session};
use super::{clock, strings, view};
use crate::dataverse::error::ApiError;
use crate::dataverse::guid::Guid;
use crate::dataverse::queries::{self, NoteTarget};
use crate::dataverse::retry::RetryPolicy;
use crate::dataverse::transport::WebApi;
use crate::domain::messages::{Message, MessageKey};
use crate::domain::note::ResubscribeNote;
use crate::prelude::*;
use crate::xrm::Level;
use core::cell::RefCell;

/// The target of an outbox entry.
fn target(entry: &Entry) -> Option<NoteTarget> {
    let id = Guid::parse(&entry.target_id).ok()?;
    Some(if entry.target_table == "contact" {
        NoteTarget::Contact(id)
    } else {
        NoteTarget::Suppression {
            table: entry.target_table.clone(),
            entity_set: entry.target_set.clone(),
            id,
        }
    })
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
    let conflict = error.kind == crate::dataverse::error::ApiErrorKind::Conflict;
    policy
        .delay_before_retry(error, attempts, waited)
        .or_else(|| (conflict && attempts < policy.max_attempts).then_some(0))
}

// The outbox keys whose note is being written now.
super::local::page_local! {
    static WRITING: RefCell<Vec<String>> = RefCell::new(Vec::new());
}

/// Marks `key` as being written; `false` when a write of it is already under way.
fn begin(key: &str) -> bool {
    WRITING.with(|w| {
        let mut writing = w.borrow_mut();
        let free = !writing.iter().any(|k| k == key);
        if free {
            writing.push(key.to_owned());
        }
        free
    })
}

fn end(key: &str) {
    WRITING.with(|w| w.borrow_mut().retain(|k| k != key));
}

/// Whether the note of this form's record is being written now (no second request meanwhile).
pub fn under_way(s: &Session) -> bool {
    let Some(record) = s.record.as_ref() else {
        return false;
    };
    let key = outbox::key(&s.global.client_url, record.as_str());
    WRITING.with(|w| w.borrow().contains(&key))
}

/// Writes the note of `entry` (stored in the outbox under `key`), retrying within the policy's
/// bounds; nothing when a write of it is already under way.
pub async fn write(key: String, entry: Entry) {
    if !begin(&key) {
        return;
    }
    write_once(&key, entry).await;
    end(&key);
}

async fn write_once(key: &str, mut entry: Entry) {
    let record = entry.marker.suppression_id.clone();
    let api = session::with(|s| s.api.clone());
    let _ = session::with_record(&record, |s| {
        // A Retry offered before is this write now.
        s.form
            .control_notification(&s.mapping.request_resubscribe, view::NOTE, None);
        view::show(
            s,
            view::NOTE,
            Level::Info,
            &[Message::new(MessageKey::PluginNoteWriting)],
        );
    });
    let Some(api) = api else {
        return;
    };
    let Some(target) = target(&entry) else {
        outbox::clear(key);
        return;
    };
    let note = ResubscribeNote {
        subject: entry.subject.clone(),
        text: entry.text.clone(),
        marker: entry.marker.clone(),
    };
    let policy = RetryPolicy::default();
    let (mut attempts, mut waited) = (0u32, 0u64);
    let outcome = loop {
        attempts += 1;
        match attempt(&api, &target, &note).await {
            Ok(()) => break Ok(()),
            Err(error) => match retry_delay(&policy, &error, attempts, waited) {
                Some(delay) => {
                    clock::sleep(delay).await;
                    waited += delay;
                }
                None => break Err(error),
            },
        }
    };
    match outcome {
        Ok(()) => {
            outbox::clear(key);
            let written = match &target {
                NoteTarget::Contact(_) => {
                    let name = session::with_record(&record, |s| {
                        s.facts
                            .as_ref()
                            .and_then(|f| f.contact.as_ref().map(|c| c.name.clone()))
                    })
                    .flatten()
                    .unwrap_or_default();
                    Message::new(MessageKey::PluginNoteWrittenContact).with("name", name)
                }
                NoteTarget::Suppression { .. } => Message::new(MessageKey::PluginNoteWrittenRecord),
            };
            let _ = session::with_record(&record, |s| {
                view::show(s, view::NOTE, Level::Info, &[written]);
            });
        }
        Err(error) => {
            entry.attempts += attempts;
            entry.last_error = Some(error.detail.clone());
            outbox::store(key, &entry);
            let problem = strings::text(&error.message());
            let _ = session::with_record(&record, |s| {
                let failed = Message::new(MessageKey::PluginNoteFailed).with("problem", problem);
                view::show(s, view::NOTE, Level::Error, core::slice::from_ref(&failed));
                let key = key.to_owned();
                let retry = super::handler_for(move |_| {
                    // The outbox holds the latest attempts; memory serves where it cannot.
                    let entry = outbox::load(&key).unwrap_or_else(|| entry.clone());
                    wasm_bindgen_futures::spawn_local(write(key.clone(), entry));
                });
                let label = strings::text(&Message::new(MessageKey::PluginRetryNow));
                let text = strings::text(&failed);
                s.form.action_notification(
                    &s.mapping.request_resubscribe,
                    view::NOTE,
                    &text,
                    &label,
                    &retry,
                );
            });
        }
    }
}

/// On load: retry this record's outbox entry if its save happened; drop it if it never did.
pub async fn retry_outbox() {
    let pending = session::with(|s| {
        let record = s.record.as_ref()?;
        let key = outbox::key(&s.global.client_url, record.as_str());
        let entry = outbox::load(&key)?;
        let facts = s.facts.as_ref()?;
        // A save PostSave confirmed is retried whatever happened since (the connector may
        // have cleared the flag); an unconfirmed one only if its request reached the record.
        if entry.saved || entry.request_is_on_record(facts.saved_flag, facts.saved_date) {
            Some((key, entry))
        } else {
            outbox::clear(&key);
            None
        }
    })
    .flatten();
    if let Some((key, entry)) = pending {
        write(key, entry).await;
    }
}
