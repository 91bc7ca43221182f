//! The module's side of the shell's waits (`www/loader/shell.js`). The module holds no future:
//! what it does once a promise settles (a request answered, a pause over, a dialog closed, a
//! save answered) is a Rust closure kept under a number, and the shell's `resumeWith` hands
//! that number and the answer back to [`resume`], as one measured main-thread slice.
//!
//! A wait's closure runs once, after the call that started it has returned (never inside
//! it), so it may borrow what that call borrowed.

use crate::prelude::*;
use alloc::boxed::Box;
use core::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

/// What to do with a settled promise: `Ok` with its value, `Err` with its reason.
type Then = Box<dyn FnOnce(Result<JsValue, JsValue>)>;

crate::local::page_local! {
    static WAITING: RefCell<Vec<(u32, Then)>> = RefCell::new(Vec::new());
}
crate::local::page_local! {
    static LAST: Cell<u32> = Cell::new(0);
}

#[wasm_bindgen(js_namespace = RsubShell)]
extern "C" {
    /// The shell's `resumeWith(promise, token)`: calls the module's `resume` with the token
    /// and the promise's answer once it settles (any object with `then`: 8.x's save answers
    /// with one that is not a `Promise`).
    #[wasm_bindgen(catch, js_name = resumeWith)]
    fn resume_with(promise: &JsValue, token: u32) -> Result<(), JsValue>;
}

/// Runs `then` with the answer of `promise` once it settles; a promise that could not be
/// made (`Err`: what the call threw) is answered with that reason, after this call too.
pub fn then(
    promise: Result<js_sys::Promise, JsValue>,
    then: impl FnOnce(Result<JsValue, JsValue>) + 'static,
) {
    wait(promise, Box::new(then));
}

/// [`then`] for any closure: one copy in the module, not one per caller.
#[inline(never)]
fn wait(promise: Result<js_sys::Promise, JsValue>, then: Then) {
    let token = LAST.with(|last| {
        let token = last.get().wrapping_add(1);
        last.set(token);
        token
    });
    let promise: JsValue = match promise {
        Ok(promise) => promise.into(),
        Err(error) => js_sys::Promise::reject(&error).into(),
    };
    let kept = WAITING.with(|waiting| match waiting.try_borrow_mut() {
        Ok(mut waiting) => {
            waiting.push((token, then));
            true
        }
        Err(_) => false,
    });
    // Without the shell nothing would ever answer: the wait is dropped (the libraries always
    // carry the shell).
    if kept && resume_with(&promise, token).is_err() {
        let _ = take(token);
    }
}

/// Runs `then` after this call returns (in a microtask, as a measured slice).
pub fn soon(then: impl FnOnce() + 'static) {
    later(Box::new(then));
}

/// [`soon`] for any closure: one copy in the module.
#[inline(never)]
fn later(then: Box<dyn FnOnce()>) {
    let settled = js_sys::Promise::resolve(&JsValue::UNDEFINED);
    wait(Ok(settled), Box::new(move |_| then()));
}

/// The closure kept under `token`, taken out.
fn take(token: u32) -> Option<Then> {
    WAITING.with(|waiting| {
        let mut waiting = waiting.try_borrow_mut().ok()?;
        let at = waiting.iter().position(|(t, _)| *t == token)?;
        Some(waiting.swap_remove(at).1)
    })
}

/// Called by the shell when the promise of `token` settled: `ok` and its value, or its
/// reason. An unknown token (answered already) is ignored.
#[cfg(any(
    not(feature = "module"),
    feature = "suppression-form",
    feature = "setup-page"
))]
#[wasm_bindgen]
pub fn resume(token: u32, ok: bool, value: JsValue) {
    if let Some(then) = take(token) {
        then(if ok { Ok(value) } else { Err(value) });
    }
}
