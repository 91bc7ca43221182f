//! What the form library knows about the form it runs on, between handler calls (the
//! request being made is the flow's: [`super::flow`]).
//!
//! One form per page: the session is replaced on each OnLoad. Borrows never span a wait
//! (every access goes through [`with`], and what follows a wait runs in a call of its own).

use crate::prelude::*;
use core::cell::RefCell;

use crate::dataverse::guid::Guid;
use crate::dataverse::queries::ContactFlags;
use crate::dataverse::transport::WebApi;
use crate::domain::compatibility::Compatibility;
use crate::domain::eligibility::SuppressionReason;
use crate::domain::lifecycle::{derive, Lifecycle, LifecycleFacts, LifecyclePatterns};
use crate::domain::mapping::{ColumnMapping, MappingConfig};
use crate::domain::time::Timestamp;
use crate::xrm::form::LookupRef;
use crate::xrm::{Form, GlobalContext};

/// The plugin's state for the current form.
pub struct Session {
    /// The form.
    pub form: Form,
    /// Org and user.
    pub global: GlobalContext,
    /// The customizer's configuration.
    pub config: MappingConfig,
    /// The resolved columns.
    pub mapping: ColumnMapping,
    /// The suppression table's logical name.
    pub table: String,
    /// Its entity set.
    pub entity_set: String,
    /// The record (none on a Create form).
    pub record: Option<Guid>,
    /// The Web API.
    pub api: WebApi,
    /// Whether the user administers the org (sees version details).
    pub is_admin: bool,
    /// What was read at load; `None` until the load finished.
    pub facts: Option<Facts>,
}

impl Session {
    /// The record's id as the request flows know it (empty on a Create form).
    pub fn record_key(&self) -> &str {
        self.record.as_ref().map_or("", |r| r.as_str())
    }

    /// The suppression reason on the form now (its value mapped by the configuration) and its
    /// label as the form shows it.
    pub fn form_reason(&self) -> Option<(SuppressionReason, String)> {
        let (value, label) = self
            .form
            .option_value(&self.mapping.reason)
            .ok()
            .flatten()?;
        Some((self.config.reason_of(value, &label), label))
    }
}

/// What the form and the Web API said at load (the *saved* state of the record).
#[derive(Clone, Debug)]
pub struct Facts {
    /// *Request Resubscribe* as saved.
    pub saved_flag: bool,
    /// *Resubscribe Request Date* as saved.
    pub saved_date: Option<Timestamp>,
    /// The suppression reason.
    pub reason: Option<SuppressionReason>,
    /// When the suppression record was created.
    pub suppressed_on: Option<Timestamp>,
    /// Whether the address is still suppressed.
    pub active: bool,
    /// The linked contact.
    pub contact: Option<LookupRef>,
    /// The contact's flags, if read.
    pub contact_flags: Option<ContactFlags>,
    /// The contact's recent notes.
    pub notes: Vec<crate::domain::lifecycle::NoteFact>,
    /// Whether the record's state and the notes were read: if not, a request may be pending
    /// unseen.
    pub verified: bool,
    /// The connector verdict.
    pub compatibility: Compatibility,
    /// Where the resubscription stands.
    pub lifecycle: Lifecycle,
    /// The record these facts are of (none on a Create form).
    pub record: Option<Guid>,
}

impl Facts {
    /// Derives where the resubscription stands from these facts.
    pub fn derive_lifecycle(&mut self, patterns: &LifecyclePatterns) {
        self.lifecycle = derive(
            &LifecycleFacts {
                request_flag: self.saved_flag,
                request_date: self.saved_date,
                suppression_active: self.active,
                reason: self
                    .reason
                    .clone()
                    .unwrap_or_else(|| SuppressionReason::parse("")),
                notes: self.notes.clone(),
                contact_donotbulkemail: self.contact_flags.as_ref().and_then(|c| c.donotbulkemail),
                record: self.record.as_ref().map(|r| r.as_str().to_owned()),
            },
            patterns,
        );
    }
}

crate::local::page_local! {
    static SESSION: RefCell<Option<Session>> = RefCell::new(None);
}

/// Replaces the session (a new form load). *Resubscribe Request Date* is read-only while the
/// library runs: a request sets it and its withdrawal clears it (docs/domain.md §8).
pub fn start(session: Session) {
    session
        .form
        .set_disabled(&session.mapping.request_date, true);
    SESSION.with(|s| *s.borrow_mut() = Some(session));
}

/// Runs `f` on the session, if there is one.
pub fn with<R>(f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    SESSION.with(|s| s.try_borrow_mut().ok()?.as_mut().map(f))
}

/// Runs `f` on the session if it is the form of `record` (canonical GUID): work that outlives
/// a form reports to that record's form only.
pub fn with_record<R>(record: &str, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    with(|s| {
        let here = s.record.as_ref().is_some_and(|r| r.as_str() == record);
        here.then(|| f(s))
    })
    .flatten()
}
