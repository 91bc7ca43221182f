//! Has the panel page (the HTML web resource `rsub_/resubscribe/status.html`) draw a
//! [`PanelModel`] or a history (`ui::wire`): the model goes over as one JSON text ([`super::wire`])
//! to the shell's `showPanel` (`www/loader/shell.js`), which reaches the page through the
//! form's control (the page may still be loading), hands it the form's Client API context and
//! calls the page's `drawPanel` (`status.js`). The page builds the panel with `createElement`
//! and `textContent` only: every text from a note stays text. Its container keeps its live
//! region between renders; the region's text changes only when the summary does, so a
//! re-render after a save that changed nothing announces nothing.
//!
//! A drawing still waiting for the page when a newer one starts is dropped by the shell, so
//! the panel shows the latest state. Nothing here blocks the form or fails it: the returned
//! promise resolves with `true` once drawn, `false` when the form has no panel or a newer
//! drawing took over, or the reason the panel could not be drawn (a string).

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use super::model::PanelModel;
use super::{wire, CONTROL};
use crate::xrm::Form;

#[wasm_bindgen(js_namespace = RsubShell)]
extern "C" {
    #[wasm_bindgen(catch, js_name = showPanel)]
    fn show_panel(form_context: &JsValue, control: &str, json: &str) -> Result<Promise, JsValue>;
}

/// Draws the status panel of the suppression form.
pub fn render(form: &Form, model: &PanelModel) -> Option<Promise> {
    show(form, &wire::panel(model))
}

/// Draws a model as `ui::wire` writes it: `RsubShell.showPanel(formContext, CONTROL, json)`;
/// `None` where the shell is missing.
pub fn show(form: &Form, json: &str) -> Option<Promise> {
    show_panel(form.context_value(), CONTROL, json).ok()
}
