//! The inline status panel: an HTML web resource on the form (`rsub_/resubscribe/status.html`,
//! control [`CONTROL`]) that draws what the form library hands it. On the Email Suppressions
//! form it shows where the resubscription stands; on the Contact form, the contact's history.
//!
//! - [`model`]: what to show, as texts (pure, tested natively).
//! - [`wire`]: a model as one JSON text for the page (pure, tested natively).
//! - [`panel`]: handing it to the page's `drawPanel` (`status.js`), which draws it (text only).
//! - [`frame`]: reaching the page (`getContentWindow`, `setClientApiContext`) and dates.
//!
//! The form library's handlers decide what to show (`plugin::view`); this module owns no
//! business rule and never blocks the form: a page that cannot be reached is left
//! alone (the form notifications say the same in words).

use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::Cell;
pub mod frame;
pub mod model;
pub mod panel;
pub mod wire;

use wasm_bindgen::JsValue;

use crate::dataverse::guid::Guid;
use crate::dataverse::http::ApiVersion;
use crate::dataverse::queries;
use crate::dataverse::transport::WebApi;
use crate::domain::history;
use crate::domain::mapping::MappingConfig;
use crate::domain::messages::{Message, MessageKey};
use crate::plugin::strings;
use crate::xrm::{Form, GlobalContext};
use model::HistoryModel;

/// The name of the panel's web resource control on both forms.
pub const CONTROL: &str = "WebResource_rsub_status";

/// How long a read may take before the panel says it is reading: a read that answers sooner
/// goes straight to its answer, so the panel does not flash "Reading…" (nor its live region
/// announce it) for a few milliseconds, and the form's load draws the panel once.
pub const READING_SHOWN_AFTER_MS: u64 = 200;

/// The User Timing mark put when the Contact form's history is drawn in its panel.
pub const HISTORY_RENDERED_MARK: &str = "rsub:history-rendered";

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

/// OnLoad of the Contact form: reads the contact's notes (one request; before 9.0 the user's
/// strings beside it) and draws the resubscription history into the panel, "Reading the
/// contact's notes…" meanwhile. `parameters` is the same handler parameter as on
/// the suppression form (only `lifecyclePatterns` is used here).
pub async fn on_contact_load(
    execution_context: JsValue,
    parameters: Option<String>,
) -> Result<(), JsValue> {
    let form = Form::from_execution_context(&execution_context)
        .map_err(|e| JsValue::from(e.describe()))?;
    if !form.has_control(CONTROL) {
        return Ok(());
    }
    let global =
        GlobalContext::read(&execution_context).map_err(|e| JsValue::from(e.describe()))?;
    strings::read_by_url(&global.client_url, global.language);
    // "Reading the contact's notes…" once the read has taken `READING_SHOWN_AFTER_MS`; the
    // history replaces it.
    let answered = Rc::new(Cell::new(false));
    let loading = (form.clone(), answered.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let (form, answered) = loading;
        strings::ready().await;
        crate::plugin::clock::sleep(READING_SHOWN_AFTER_MS).await;
        if answered.get() {
            return;
        }
        if let Ok(Some(page)) = frame::connect(&form, CONTROL).await {
            if !answered.get() {
                let _ = panel::render_history(&page, &HistoryModel::loading(strings::text));
            }
        }
    });
    let patterns = MappingConfig::parse(
        parameters.as_deref().unwrap_or_default(),
        crate::dataverse::json::Json::parse,
    )
    .ok()
    .and_then(|config| config.lifecycle_patterns)
    .unwrap_or_default();
    let date = frame::date_formatter(global.language);
    let contact = form
        .record_id()
        .ok()
        .flatten()
        .and_then(|id| Guid::parse(&id).ok());
    let version = ApiVersion::for_org_version(&global.version);
    let read = match (&contact, version) {
        (Some(contact), Some(version)) => {
            let api = WebApi {
                client_url: global.client_url.clone(),
                version,
            };
            let request = queries::notes_of(contact, queries::HISTORY_NOTES);
            Some(
                api.send(&request)
                    .await
                    .and_then(|response| queries::read_notes(&response)),
            )
        }
        _ => None,
    };
    // Before 9.0 the user's strings are read by URL beside the notes.
    strings::ready().await;
    let model = match (read, contact) {
        (Some(Ok(notes)), _) => {
            HistoryModel::build(&history::history(&notes, &patterns), strings::text, date)
        }
        (Some(Err(error)), _) => {
            HistoryModel::failed(&strings::text(&error.message()), strings::text)
        }
        // A new contact has no notes; an org without the Web API cannot read them.
        (None, None) => HistoryModel::build(&[], strings::text, date),
        (None, Some(_)) => {
            let no_web_api =
                Message::new(MessageKey::PluginNoWebApi).with("version", global.version.clone());
            HistoryModel::failed(&strings::text(&no_web_api), strings::text)
        }
    };
    answered.set(true);
    if let Ok(Some(page)) = frame::connect(&form, CONTROL).await {
        panel::render_history(&page, &model).map_err(|e| JsValue::from(e.describe()))?;
        mark(HISTORY_RENDERED_MARK);
    }
    Ok(())
}
