//! The audit note on the Web API: written exactly once, withdrawn when its request will not be
//! saved (docs/domain.md §2, §7: no confirmation email goes out for a request whose evidence is
//! not in Dynamics). Look for the request's marker first, create the note only when none
//! exists (under an id named by the request, which Dataverse refuses to create twice), and
//! retry transient failures within a bounded time.
//!
//! Only the calls: when to write and withdraw is the request flow's
//! ([`crate::domain::request_flow`]).

use super::clock;
use crate::dataverse::error::{ApiError, ApiErrorKind};
use crate::dataverse::guid::Guid;
use crate::dataverse::queries::{self, NoteTarget};
use crate::dataverse::retry::RetryPolicy;
use crate::dataverse::transport::WebApi;
use crate::domain::note::ResubscribeNote;
use crate::prelude::*;

/// The note of a request (or of its withdrawal) and where it goes; one note is another when
/// their ids are (named by the record, the moment of the request and the kind of note).
#[derive(Clone, Debug)]
pub struct RequestNote {
    /// The note (its marker names the request and dates it).
    pub note: ResubscribeNote,
    /// The contact, or the suppression record when no contact is linked.
    pub target: NoteTarget,
}

impl PartialEq for RequestNote {
    fn eq(&self, other: &RequestNote) -> bool {
        self.note.id() == other.note.id()
    }
}

/// Looks for the note, then creates it if it is not there: one attempt.
async fn attempt(api: &WebApi, request: &RequestNote) -> Result<(), ApiError> {
    let (target, note) = (&request.target, &request.note);
    let found = api.send(&queries::note_lookup(target, note)).await?;
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

/// Writes the note, retrying within the policy's bounds.
pub async fn write(api: &WebApi, request: &RequestNote) -> Result<(), ApiError> {
    let policy = RetryPolicy::default();
    let (mut attempts, mut waited) = (0u32, 0u64);
    loop {
        attempts += 1;
        match attempt(api, request).await {
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

/// Removes the note of a request that will not be saved, so no note records a request that is
/// not on the record (one attempt; a note that stays still records that the contact asked).
pub async fn withdraw(api: &WebApi, request: &RequestNote) {
    let _ = api.send(&queries::delete_note(&request.note.marker)).await;
}

/// Whether the note's request is on the record (a save can go through although its answer
/// was lost; the record may hold someone else's request); `None` when it could not be read.
pub async fn on_record(
    api: &WebApi,
    entity_set: &str,
    record: &Guid,
    columns: &[String; 2],
    request: &RequestNote,
) -> Option<bool> {
    let columns = [columns[0].as_str(), columns[1].as_str()];
    let response = api
        .send(&queries::record_state(entity_set, record, columns))
        .await
        .ok()?;
    let state = queries::read_record(&response, columns).ok()?;
    let marker = &request.note.marker;
    Some(marker.is_on_record(state.request_flag == Some(true), state.request_date))
}
