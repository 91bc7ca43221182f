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
use alloc::boxed::Box;
use alloc::rc::Rc;

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

/// What the outcome of writing a note goes to.
pub type Written = Box<dyn FnOnce(Result<(), ApiError>)>;

/// Looks for the note, then creates it if it is not there: one attempt.
fn attempt(api: &WebApi, request: &RequestNote, then: Written) {
    let (target, note) = (&request.target, &request.note);
    let create = queries::create_note(target, note);
    let creator = api.clone();
    api.send(
        &queries::note_lookup(target, note),
        move |found| match found.and_then(|found| queries::read_note_found(&found)) {
            Err(error) => then(Err(error)),
            Ok(true) => then(Ok(())),
            Ok(false) => creator.send(&create, move |created| {
                then(
                    created.and_then(|created| match ApiError::from_response(&created) {
                        None => Ok(()),
                        Some(error) => Err(error),
                    }),
                )
            }),
        },
    );
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

/// Writes the note, retrying within the policy's bounds; `then` gets the outcome.
pub fn write(api: WebApi, request: Rc<RequestNote>, then: Written) {
    try_write(api, request, 0, 0, then);
}

/// The next attempt at writing the note, after `attempts` attempts and `waited` ms of waits.
fn try_write(api: WebApi, request: Rc<RequestNote>, attempts: u32, waited: u64, then: Written) {
    let writer = api.clone();
    let note = request.clone();
    attempt(
        &writer,
        &note,
        Box::new(move |outcome| {
            let attempts = attempts + 1;
            let error = match outcome {
                Ok(()) => return then(Ok(())),
                Err(error) => error,
            };
            match retry_delay(&RetryPolicy::default(), &error, attempts, waited) {
                Some(delay) => clock::after(delay, move || {
                    try_write(api, request, attempts, waited + delay, then)
                }),
                None => then(Err(error)),
            }
        }),
    );
}

/// Removes the note of a request that will not be saved, so no note records a request that is
/// not on the record (one attempt; a note that stays still records that the contact asked).
pub fn withdraw(api: &WebApi, request: &RequestNote) {
    api.send(&queries::delete_note(&request.note.marker), |_| {});
}

/// Whether the note's request is on the record (a save can go through although its answer
/// was lost; the record may hold someone else's request), handed to `then`; `None` when it
/// could not be read.
pub fn on_record(
    api: &WebApi,
    entity_set: &str,
    record: &Guid,
    columns: [String; 2],
    request: &RequestNote,
    then: impl FnOnce(Option<bool>) + 'static,
) {
    let marker = request.note.marker.clone();
    let read = [columns[0].as_str(), columns[1].as_str()];
    api.send(
        &queries::record_state(entity_set, record, read),
        move |response| {
            let columns = [columns[0].as_str(), columns[1].as_str()];
            let state = response.and_then(|response| queries::read_record(&response, columns));
            then(state.ok().map(|state| {
                marker.is_on_record(state.request_flag == Some(true), state.request_date)
            }))
        },
    );
}
