//! The plugin on the Email Suppressions form: OnLoad, OnChange of *Request Resubscribe*,
//! OnSave and PostSave, orchestrating the domain core, the Web API and the Client API.
//!
//! - [`load`]: one round trip at load, then the inline state.
//! - [`evidence`]: capturing the contact's request before the save.
//! - [`save`]: the synchronous save decision and what follows the save.
//! - [`note`]: the audit note, exactly once, written before the request reaches the record.

pub mod cache;
pub mod clock;
pub mod evidence;
pub mod load;
pub mod local;
pub mod note;
pub mod save;
pub mod session;
pub mod storage;
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
