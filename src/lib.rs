//! Resubscribe: the Email Suppressions form library.
//!
//! When a contact who unsubscribed asks to be resubscribed, a Dynamics user ticks
//! *Request Resubscribe* on the suppression record and saves. This crate validates that save,
//! checks the connector version against the organization's release line, records the
//! contact's request as an audited note and shows where the resubscription stands.
//!
//! - [`domain`]: the pure business core (no browser, no I/O), tested natively.
//! - [`dataverse`]: the Web API as plain values (requests, `$batch`, errors, retries).
//! - [`xrm`]: safe bindings to the Dynamics Client API.
//! - [`plugin`]: the form handlers (load, evidence, save, note) that tie the others together.
//! - [`ui`]: the inline status panel (an HTML web resource the form library draws into).
//! - [`js_api`]: the small surface JavaScript sees (form handlers and diagnostics).

pub mod dataverse;
pub mod domain;
pub mod js_api;
pub mod plugin;
pub mod ui;
pub mod xrm;
