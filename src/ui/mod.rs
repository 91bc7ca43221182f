//! The inline status panel: an HTML web resource on the form (`rsub_/resubscribe/status.html`,
//! control [`CONTROL`]) that draws what the form library hands it. On the Email Suppressions
//! form it shows where the resubscription stands; on the Contact form, the contact's history.
//!
//! - [`model`]: what to show, as texts (pure, tested natively).
//! - [`wire`]: a model as one JSON text for the page (pure, tested natively).
//! - [`panel`]: handing it to the shell's `showPanel`, which reaches the page and has its
//!   `drawPanel` (`status.js`) draw it (text only).
//! - [`dates`]: dates in the user's locale.
//! - [`contact`]: the Contact form's history, for the shell's OnLoad.
//!
//! The form library's handlers decide what to show (`plugin::view`); this module owns no
//! business rule and never blocks the form: a page that cannot be reached is left
//! alone (the form notifications say the same in words).

pub mod contact;
pub mod dates;
pub mod model;
pub mod panel;
pub mod wire;

/// The name of the panel's web resource control on both forms.
pub const CONTROL: &str = "WebResource_rsub_status";

/// How long a read may take before the panel says it is reading: a read that answers sooner
/// goes straight to its answer, so the panel does not flash "Reading…" (nor its live region
/// announce it) for a few milliseconds, and the form's load draws the panel once.
pub const READING_SHOWN_AFTER_MS: u64 = 200;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `performance.mark(name)`; throws nothing out (a page without User Timing is ignored).
    #[wasm_bindgen(js_namespace = performance, js_name = mark, catch)]
    fn performance_mark(name: &str) -> Result<(), wasm_bindgen::JsValue>;
}

/// Puts `name` on the page's performance timeline (no allocation, no panic): what
/// `cargo xtask bench` measures to.
pub(crate) fn mark(name: &str) {
    #[cfg(target_arch = "wasm32")]
    let _ = performance_mark(name);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}
