//! Has the panel page (the HTML web resource `rsub_/resubscribe/status.html`) draw a
//! [`PanelModel`] or [`HistoryModel`]: the model goes over as one JSON text ([`super::wire`])
//! to the page's [`DRAW`] function (`status.js`), which builds the panel with
//! `createElement` and `textContent` only: every text from a note stays text. The page's
//! container keeps its live region between renders; the region's text changes only when the
//! summary does, so a re-render after a save that changed nothing announces nothing.
//!
//! The page is another window (the panel's iframe), another JavaScript realm: its function is
//! found by shape, never by `instanceof` (`dyn_into`).

use crate::prelude::*;
use core::fmt;

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use super::model::{HistoryModel, PanelModel};
use super::wire;
use crate::xrm::form::{describe, member};

/// The container the page provides (`<main id="rsub-status">`).
pub const CONTAINER_ID: &str = "rsub-status";
/// The heading inside it.
pub const TITLE_ID: &str = "rsub-status-title";
/// The polite live region inside it.
pub const LIVE_ID: &str = "rsub-status-live";
/// What is redrawn on each render.
pub const BODY_ID: &str = "rsub-status-body";
/// The page's function that draws a model given as JSON text (`window.drawPanel(json)`).
pub const DRAW: &str = "drawPanel";

/// Why the panel could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelError {
    /// The document has no element with id [`CONTAINER_ID`] (not our page, or not loaded).
    NoContainer,
    /// The page has no [`DRAW`] function (an older page, still cached by the browser).
    NoDrawing,
    /// A DOM call failed.
    Dom(String),
}

impl PanelError {
    /// What went wrong, in English (for the log).
    pub fn describe(&self) -> String {
        match self {
            PanelError::NoContainer => ["the page has no #", CONTAINER_ID, " container"].concat(),
            PanelError::NoDrawing => [
                "the page has no ",
                DRAW,
                " function (an older status page is still cached)",
            ]
            .concat(),
            PanelError::Dom(detail) => ["the panel could not be drawn: ", detail].concat(),
        }
    }
}

impl fmt::Display for PanelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl core::error::Error for PanelError {}

impl From<JsValue> for PanelError {
    fn from(error: JsValue) -> PanelError {
        PanelError::Dom(describe(&error))
    }
}

/// Draws the status panel of the suppression form in the page `window`.
pub fn render(window: &JsValue, model: &PanelModel) -> Result<(), PanelError> {
    draw(window, &wire::panel(model))
}

/// Draws the contact's resubscription history in the page `window`.
pub fn render_history(window: &JsValue, model: &HistoryModel) -> Result<(), PanelError> {
    draw(window, &wire::history(model))
}

/// One call: `window.drawPanel(json)`.
fn draw(window: &JsValue, json: &str) -> Result<(), PanelError> {
    let function = member(window, DRAW);
    if !function.is_function() {
        return Err(PanelError::NoDrawing);
    }
    function
        .unchecked_ref::<Function>()
        .call1(window, &JsValue::from_str(json))?;
    Ok(())
}
