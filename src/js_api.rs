//! The surface JavaScript sees: a few `#[wasm_bindgen]` functions over the domain core.
//!
//! The loader (`www/loader/form.js`) wraps them in the `Rsub` namespace. Values cross as
//! plain JSON-shaped objects (camelCase fields), converted with `serde-wasm-bindgen`;
//! bad input becomes a JavaScript `Error` with a readable message, never a panic.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::domain::compatibility::{self, ConnectorReading};
use crate::domain::save_check::{self, FormFacts};

/// Decides a save from the form facts: `{"kind":"allow"|"allowWithWarning"|"refuse", …}`.
#[wasm_bindgen(js_name = evaluateSave)]
pub fn evaluate_save(facts: JsValue) -> Result<JsValue, JsError> {
    let facts: FormFacts = serde_wasm_bindgen::from_value(facts)
        .map_err(|e| JsError::new(&format!("The form facts are not valid: {e}")))?;
    to_js(&save_check::evaluate(&facts))
}

/// Checks a connector version (`null`/`undefined` = not installed) against the org version.
#[wasm_bindgen(js_name = checkCompatibility)]
pub fn check_compatibility(
    org_version: &str,
    connector_version: Option<String>,
) -> Result<JsValue, JsError> {
    let reading = match connector_version {
        Some(version) => ConnectorReading::Installed { version },
        None => ConnectorReading::NotInstalled,
    };
    to_js(&compatibility::check(org_version, &reading))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("Cannot convert the result for JavaScript: {e}")))
}
