//! The simulated email-marketing connector (DOMAIN §1, §6). A suppression sync reads the
//! suppressions whose *Request Resubscribe* is ticked and moves each along:
//!
//! - reason Unsubscribed → a confirmation email goes out (note on the contact), then waits for
//!   the contact (`POST /_emulator/contacts/<email>/confirm` or `/report-abuse`);
//! - reason Suppressed → resubscribed at once, no email;
//! - any other reason → fails: the address cannot be unsuppressed.
//!
//! What the contact did is applied at the next sync: a confirmation deactivates the suppression
//! (`statecode` 1), writes the resubscription note on the contact and updates the request date;
//! an abuse report writes the failure note. The sync after a resubscription clears the contact's
//! `donotbulkemail`. When the outcome is final the connector clears *Request Resubscribe*
//! (assumed: the real connector's marks are not public). Notes go on the suppression itself when
//! it has no contact. Every write bumps the record's ETag, as a real sync would.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::clock::Timestamp;
use crate::config::Reason;
use crate::guid::Guid;
use crate::model::Model;
use crate::schema::names;
use crate::store::{Changes, Store};

/// The connector's application user: the author of its notes and writes (a `systemuser` of the
/// seed).
pub const USER: &str = "9f8e7d6c-5b4a-4392-8a1b-00000000d002";

/// Where one resubscription stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Progress {
    /// The confirmation email is out.
    AwaitingConfirmation,
    /// The contact confirmed; applied at the next sync.
    Confirmed,
    /// The contact reported abuse; applied at the next sync.
    AbuseReported,
    /// Removed from the suppression list at sync number `sync`; bulk email still restricted.
    Resubscribed {
        /// The sync that resubscribed it.
        sync: u64,
    },
    /// Resubscribed and the bulk email restriction lifted.
    Complete,
    /// The resubscription failed.
    Failed {
        /// Why.
        reason: String,
    },
}

/// The connector's memory between syncs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConnectorState {
    /// How many syncs have run.
    pub syncs: u64,
    /// Progress by suppression id.
    pub progress: BTreeMap<Guid, Progress>,
}

/// One thing a sync did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncAction {
    /// The suppression.
    pub suppression: Guid,
    /// Its address.
    pub email: String,
    /// `confirmationEmailSent`, `resubscribed`, `failed` or `bulkEmailAllowed`.
    pub action: &'static str,
}

/// What a sync did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// The sync's number (1 for the first).
    pub sync: u64,
    /// What changed.
    pub actions: Vec<SyncAction>,
}

/// Why a contact action was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactActionError {
    /// No suppression has this address.
    UnknownAddress,
    /// No confirmation email is out for this address.
    NothingAwaitingConfirmation,
}

struct Suppression {
    id: Guid,
    email: String,
    reason: Option<Reason>,
    active: bool,
    requested: bool,
    contact: Option<Guid>,
}

fn suppressions(model: &Model, store: &Store) -> Vec<Suppression> {
    let n = &model.config.suppression;
    let contact_property = format!("_{}_value", n.contact);
    store
        .all(&n.table)
        .map(|(id, record)| {
            let reason_value = record.get(&n.reason).as_i64();
            Suppression {
                id,
                email: record.str(&n.email).unwrap_or("").to_string(),
                reason: model
                    .config
                    .reasons
                    .iter()
                    .find(|r| Some(r.value) == reason_value)
                    .map(|r| r.reason),
                active: record.get("statecode").as_i64() == Some(0),
                requested: record.flag(&n.request_resubscribe),
                contact: record.lookup(&contact_property),
            }
        })
        .collect()
}

impl ConnectorState {
    /// Runs one suppression sync.
    pub fn sync(&mut self, model: &Model, store: &mut Store, now: Timestamp) -> SyncReport {
        self.syncs += 1;
        let this_sync = self.syncs;
        let mut actions = Vec::new();
        let all = suppressions(model, store);

        for s in &all {
            let progress = self.progress.get(&s.id).cloned();
            match progress {
                Some(Progress::Resubscribed { sync }) if sync < this_sync => {
                    if let Some(contact) = s.contact {
                        allow_bulk_email(model, store, contact, now);
                    }
                    self.progress.insert(s.id, Progress::Complete);
                    actions.push(action(s, "bulkEmailAllowed"));
                }
                Some(Progress::Confirmed) => {
                    self.resubscribe(model, store, s, this_sync, now, true);
                    actions.push(action(s, "resubscribed"));
                }
                Some(Progress::AbuseReported) => {
                    let subject = model.config.notes.abuse_reported.clone();
                    let text = format!(
                    "{} reported the resubscription confirmation email as abuse. The resubscription failed and the address stays suppressed; the report counts against the sending account.",
                    s.email
                );
                    self.fail(model, store, s, &subject, &text, "abuse reported", now);
                    actions.push(action(s, "failed"));
                }
                None | Some(Progress::Failed { .. }) if s.active && s.requested => match s.reason {
                    Some(Reason::Unsubscribed) => {
                        let text = format!(
                        "A resubscription confirmation email was sent to {}. The address is removed from the suppression list when the contact confirms.",
                        s.email
                    );
                        let subject = model.config.notes.confirmation_sent.clone();
                        note(model, store, s, &subject, &text, now);
                        self.progress.insert(s.id, Progress::AwaitingConfirmation);
                        actions.push(action(s, "confirmationEmailSent"));
                    }
                    Some(Reason::Suppressed) => {
                        self.resubscribe(model, store, s, this_sync, now, false);
                        actions.push(action(s, "resubscribed"));
                    }
                    other => {
                        let label = other
                            .and_then(|r| model.config.reasons.iter().find(|o| o.reason == r))
                            .map(|o| o.label.clone())
                            .unwrap_or_else(|| "an unknown reason".to_string());
                        let subject = model.config.notes.cannot_unsuppress.clone();
                        let text = format!(
                        "{} is suppressed because of {label}; the email service does not allow it to be resubscribed.",
                        s.email
                    );
                        self.fail(
                            model,
                            store,
                            s,
                            &subject,
                            &text,
                            "cannot be unsuppressed",
                            now,
                        );
                        actions.push(action(s, "failed"));
                    }
                },
                _ => {}
            }
        }
        SyncReport {
            sync: this_sync,
            actions,
        }
    }

    /// The contact confirmed the resubscription email for `email` (applied at the next sync).
    pub fn confirm(
        &mut self,
        model: &Model,
        store: &Store,
        email: &str,
    ) -> Result<Guid, ContactActionError> {
        self.contact_action(model, store, email, Progress::Confirmed)
    }

    /// The contact reported the confirmation email for `email` as abuse (applied at the next sync).
    pub fn report_abuse(
        &mut self,
        model: &Model,
        store: &Store,
        email: &str,
    ) -> Result<Guid, ContactActionError> {
        self.contact_action(model, store, email, Progress::AbuseReported)
    }

    fn contact_action(
        &mut self,
        model: &Model,
        store: &Store,
        email: &str,
        next: Progress,
    ) -> Result<Guid, ContactActionError> {
        let matching: Vec<Guid> = suppressions(model, store)
            .into_iter()
            .filter(|s| s.email.eq_ignore_ascii_case(email))
            .map(|s| s.id)
            .collect();
        if matching.is_empty() {
            return Err(ContactActionError::UnknownAddress);
        }
        let awaiting = matching
            .into_iter()
            .find(|id| self.progress.get(id) == Some(&Progress::AwaitingConfirmation));
        let id = awaiting.ok_or(ContactActionError::NothingAwaitingConfirmation)?;
        self.progress.insert(id, next);
        Ok(id)
    }

    fn resubscribe(
        &mut self,
        model: &Model,
        store: &mut Store,
        s: &Suppression,
        this_sync: u64,
        now: Timestamp,
        confirmed: bool,
    ) {
        let n = &model.config.suppression;
        if let Some(table) = model.suppression_table() {
            let changes = Changes::default()
                .set("statecode", 1)
                .set("statuscode", 2)
                .set(&n.request_resubscribe, false)
                .set(&n.request_date, now.to_iso());
            model.write(store, table, s.id, changes, user(), now);
        }
        let how = if confirmed {
            "after the contact confirmed the resubscription email"
        } else {
            "at once: it had been suppressed by your team, so no confirmation email was needed"
        };
        let text = format!(
        "{} was removed from the suppression list {how}. Bulk email restrictions are lifted at the next sync.",
        s.email
    );
        let subject = model.config.notes.resubscribed.clone();
        note(model, store, s, &subject, &text, now);
        self.progress
            .insert(s.id, Progress::Resubscribed { sync: this_sync });
    }

    #[allow(clippy::too_many_arguments)]
    fn fail(
        &mut self,
        model: &Model,
        store: &mut Store,
        s: &Suppression,
        subject: &str,
        text: &str,
        reason: &str,
        now: Timestamp,
    ) {
        let n = &model.config.suppression;
        if let Some(table) = model.suppression_table() {
            let changes = Changes::default().set(&n.request_resubscribe, false);
            model.write(store, table, s.id, changes, user(), now);
        }
        note(model, store, s, subject, text, now);
        self.progress.insert(
            s.id,
            Progress::Failed {
                reason: reason.to_string(),
            },
        );
    }
}

fn action(s: &Suppression, action: &'static str) -> SyncAction {
    SyncAction {
        suppression: s.id,
        email: s.email.clone(),
        action,
    }
}

fn allow_bulk_email(model: &Model, store: &mut Store, contact: Guid, now: Timestamp) {
    if store.get(names::CONTACT, contact).is_none() {
        return;
    }
    if let Some(table) = model.schema.by_logical(names::CONTACT) {
        let changes = Changes::default().set("donotbulkemail", false);
        model.write(store, table, contact, changes, user(), now);
    }
}

fn note(
    model: &Model,
    store: &mut Store,
    s: &Suppression,
    subject: &str,
    text: &str,
    now: Timestamp,
) {
    let (table, id) = match s.contact {
        Some(contact) if store.get(names::CONTACT, contact).is_some() => {
            (names::CONTACT.to_string(), contact)
        }
        _ => (model.config.suppression.table.clone(), s.id),
    };
    write_note(
        model,
        store,
        Guid::generate(),
        &table,
        id,
        subject,
        text,
        user(),
        now,
    );
}

/// Writes a note regarding a record.
#[allow(clippy::too_many_arguments)]
pub fn write_note(
    model: &Model,
    store: &mut Store,
    id: Guid,
    regarding_table: &str,
    regarding: Guid,
    subject: &str,
    text: &str,
    author: Guid,
    now: Timestamp,
) -> Guid {
    if let Some(table) = model.schema.by_logical(names::ANNOTATION) {
        let changes = Changes::default()
            .set("subject", subject)
            .set("notetext", text)
            .set("objecttypecode", Value::String(regarding_table.to_string()))
            .link("_objectid_value", regarding_table, regarding);
        model.write(store, table, id, changes, author, now);
    }
    id
}

/// The connector's application user as a [`Guid`].
pub fn user() -> Guid {
    Guid::parse(USER).unwrap_or(Guid::NIL)
}
