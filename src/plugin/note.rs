//! Writing the audit note exactly once: look for the request's marker first, create the note
//! only when none exists, retry transient failures within a bounded time, and keep what
//! still fails in the outbox.

use super::outbox::{self, Entry};
use super::session;
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
/// worth one more look: each attempt starts by looking for the note, so trying again can never
/// write a second one.
fn retry_delay(policy: &RetryPolicy, error: &ApiError, attempts: u32, waited: u64) -> Option<u64> {
    let conflict = error.kind == crate::dataverse::error::ApiErrorKind::Conflict;
    policy
        .delay_before_retry(error, attempts, waited)
        .or_else(|| (conflict && attempts < policy.max_attempts).then_some(0))
}

/// Writes the note of the outbox entry under `key`, retrying within the policy's bounds.
pub async fn write(key: String) {
    let Some(mut entry) = outbox::load(&key) else {
        return;
    };
    let Some(api) = session::with(|s| {
        s.writing_note = true;
        view::show(
            s,
            view::NOTE,
            Level::Info,
            &[Message::new(MessageKey::PluginNoteWriting)],
        );
        s.api.clone()
    }) else {
        return;
    };
    let Some(target) = target(&entry) else {
        outbox::clear(&key);
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
            outbox::clear(&key);
            let written = match &target {
                NoteTarget::Contact(_) => {
                    let name = session::with(|s| {
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
            let _ = session::with(|s| {
                s.writing_note = false;
                s.form
                    .control_notification(&s.mapping.request_resubscribe, view::NOTE, None);
                view::show(s, view::NOTE, Level::Info, &[written]);
            });
        }
        Err(error) => {
            entry.attempts += attempts;
            entry.last_error = Some(error.detail.clone());
            outbox::store(&key, &entry);
            let problem = strings::text(&error.message());
            let _ = session::with(|s| {
                s.writing_note = false;
                let failed = Message::new(MessageKey::PluginNoteFailed).with("problem", problem);
                view::show(s, view::NOTE, Level::Error, core::slice::from_ref(&failed));
                let retry = super::handler_for(move |_| {
                    let key = key.clone();
                    wasm_bindgen_futures::spawn_local(write(key));
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
    let key = session::with(|s| {
        let record = s.record.as_ref()?;
        let key = outbox::key(&s.global.client_url, record.as_str());
        let entry = outbox::load(&key)?;
        let facts = s.facts.as_ref()?;
        // A save PostSave confirmed is retried whatever happened since (the connector may
        // have cleared the flag); an unconfirmed one only if its request reached the record.
        if entry.saved || entry.request_is_on_record(facts.saved_flag, facts.saved_date) {
            Some(key)
        } else {
            outbox::clear(&key);
            None
        }
    })
    .flatten();
    if let Some(key) = key {
        write(key).await;
    }
}
