//! The resubscription domain: pure business rules, no browser and no I/O (a sans-IO core).
//!
//! The edges (Client API, Web API, the inline panel) gather facts and hand them in; these
//! modules hand decisions and texts back. Nothing here imports wasm-bindgen, web-sys or
//! js-sys, nothing panics on outside data, and every user-facing text is a [`Message`].
//!
//! - [`version`]: version numbers and the Dynamics [`ReleaseLine`].
//! - [`compatibility`]: minimum connector versions and the [`Compatibility`] verdict.
//! - [`eligibility`]: [`SuppressionReason`] and whether a resubscribe can work.
//! - [`email`]: [`EmailAddress`] validation.
//! - [`time`]: [`Timestamp`] (epoch milliseconds) and ISO 8601 UTC.
//! - [`evidence`]: the contact's explicit request, [`Evidence`], and its validation.
//! - [`note`]: the audit [`ResubscribeNote`] and its [`RequestMarker`].
//! - [`note_fact`]: a note on the contact as read, [`NoteFact`](note_fact::NoteFact).
//! - [`history`]: requests and outcomes read back from the contact's notes.
//! - [`lifecycle`]: where the resubscription stands, [`Lifecycle`].
//! - [`mapping`]: which form columns hold the facts, and the customizer's configuration.
//! - [`save_check`]: the OnSave [`SaveDecision`].
//! - [`request_flow`]: a request's way to the record (held save, note, save again), as a
//!   state machine.
//! - [`messages`]: [`MessageKey`]s, the English table and the renderer.
//! - [`resx`]: the templates a RESX string web resource gives, read as text.

pub mod compatibility;
pub mod eligibility;
pub mod email;
pub mod evidence;
pub mod history;
pub mod json;
pub mod lifecycle;
pub mod mapping;
pub mod messages;
pub mod note;
pub mod note_fact;
pub mod request_flow;
pub mod resx;
pub mod save_check;
pub mod time;
pub mod version;

pub(crate) mod text;

pub use compatibility::{check, Compatibility, ConnectorReading};
pub use eligibility::{Eligibility, SuppressionReason};
pub use email::EmailAddress;
pub use evidence::{Channel, Evidence, UserRef};
pub use lifecycle::{Lifecycle, LifecycleFacts, LifecyclePatterns};
pub use messages::{english, Message, MessageKey};
pub use note::{RequestMarker, ResubscribeNote};
pub use save_check::{FormFacts, SaveDecision};
pub use text::fold_case;
pub use time::Timestamp;
pub use version::{ReleaseLine, Version};

#[cfg(test)]
mod message_coverage;
