//! Time in the browser: now, and waiting without blocking the form.

use wasm_bindgen::prelude::*;

use crate::domain::time::Timestamp;

/// Now, from the browser clock.
pub fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

#[wasm_bindgen(js_namespace = RsubShell)]
extern "C" {
    /// The shell's pause (`www/loader/shell.js`): a promise that resolves after `ms`.
    #[wasm_bindgen(catch, js_name = sleep)]
    fn pause(ms: u32) -> Result<js_sys::Promise, JsValue>;
}

/// Runs `then` after `ms` milliseconds, at most 2³¹−1 (a browser fires a longer timer at
/// once); at once where the shell cannot pause.
pub fn after(ms: u64, then: impl FnOnce() + 'static) {
    crate::shell::then(pause(ms.min(i32::MAX as u64) as u32), move |_| then());
}
