//! The plugin on the Email Suppressions form: OnLoad, OnChange of *Request Resubscribe*,
//! OnSave and PostSave, orchestrating the domain core, the Web API and the Client API.
//!
//! The handlers turn Client API events into events of the request flow
//! ([`crate::domain::request_flow`]); [`flow`] runs what it answers. Imports go one way:
//! handlers → flow → facts, note, view → session.
//!
//! - [`load`]: OnLoad, its synchronous half and the read that follows.
//! - [`evidence`]: OnChange of the box: capturing the contact's request before the save.
//! - [`save`]: OnSave (the synchronous decision), PostSave, OnChange of email and reason.
//! - [`flow`]: one request flow per record; runs its commands, hands their outcomes back.
//! - [`facts`]: the record's facts, read in one Web API round trip.
//! - [`note`]: the audit note on the Web API (written once, withdrawn).
//! - [`view`]: the form's notifications and the status panel.

pub mod cache;
pub mod clock;
pub mod evidence;
pub mod facts;
pub mod flow;
pub mod load;
pub mod note;
pub mod save;
pub mod session;
pub mod strings;
pub mod view;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript function that calls `f` with its first argument (the execution context).
/// The closure lives as long as the page (form handlers are registered for its lifetime).
pub fn handler(f: fn(JsValue)) -> js_sys::Function {
    handler_for(f)
}

/// Like [`handler`], for a capturing closure.
pub fn handler_for(f: impl FnMut(JsValue) + 'static) -> js_sys::Function {
    Closure::<dyn FnMut(JsValue)>::new(f)
        .into_js_value()
        .unchecked_into()
}
