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

use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_namespace = RsubShell)]
extern "C" {
    /// The shell's `handler(name)`: a function that calls the module's export `name` with its
    /// first argument (the execution context), as one measured slice.
    #[wasm_bindgen(catch, js_name = handler)]
    fn shell_handler(name: &str) -> Result<js_sys::Function, JsValue>;
}

/// A form event handler that calls the module's export `export` (one of `js_api`'s
/// handlers); `None` where the shell cannot make one. The module holds no closure: the shell's
/// function lives as long as the page, as a form's handlers do.
pub fn handler(export: &str) -> Option<js_sys::Function> {
    shell_handler(export).ok()
}
