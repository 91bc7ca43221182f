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

/// Resolves after `ms` milliseconds, at most 2³¹−1 (a browser fires a longer timer at once),
/// and at once where the shell cannot pause.
pub async fn sleep(ms: u64) {
    if let Ok(promise) = pause(ms.min(i32::MAX as u64) as u32) {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}
