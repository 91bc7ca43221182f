//! The inline status panel: an HTML web resource on the form (`rsub_/resubscribe/status.html`,
//! control [`CONTROL`]) that the form library draws into. On the Email Suppressions form it
//! shows where the resubscription stands; on the Contact form, the contact's history.
//!
//! - [`model`]: what to show, as texts (pure, tested natively).
//! - [`panel`]: drawing a model into the page's document (web-sys, text only).
//! - [`frame`]: reaching the page (`getContentWindow`, `setClientApiContext`) and dates.
//!
//! Owns no business rule and never blocks the form: a page that cannot be reached is left
//! alone (the form notifications say the same in words).

use crate::prelude::*;
pub mod frame;
pub mod model;
pub mod panel;

use wasm_bindgen::JsValue;

use crate::dataverse::guid::Guid;
use crate::dataverse::http::ApiVersion;
use crate::dataverse::queries;
use crate::dataverse::transport::WebApi;
use crate::domain::history::{self, RecordedRequest};
use crate::domain::mapping::MappingConfig;
use crate::domain::messages::{Message, MessageKey};
use crate::plugin::session::Session;
use crate::plugin::strings;
use crate::xrm::{Form, GlobalContext};
use model::{ContactConsent, HistoryModel, PanelInputs, PanelModel};

/// The name of the panel's web resource control on both forms.
pub const CONTROL: &str = "WebResource_rsub_status";

/// The recorded evidence of the request on the record, from the contact's notes (with the note
/// of a request saved in this session): the request of the saved date, or for a processed
/// record its latest one.
fn current_request(session: &Session) -> Option<RecordedRequest> {
    let facts = session.facts.as_ref()?;
    let record = session.record.as_ref()?;
    if let Some(found) = history::request_for(&facts.notes, record.as_str(), facts.saved_date) {
        return Some(found);
    }
    if facts.saved_flag || facts.lifecycle.is_pending() {
        return None;
    }
    // Processed: the connector may have replaced the request date with its own.
    history::latest_request(&facts.notes, record.as_str(), facts.saved_date)
}

/// Draws the status panel from the session's facts, if the form has the panel control.
/// Builds the model now and draws later: the session is not borrowed across the wait.
pub fn show_panel(session: &Session) {
    let Some(facts) = &session.facts else { return };
    if !session.form.has_control(CONTROL) {
        return;
    }
    let request = current_request(session);
    let contact = facts.contact.as_ref().map(|_| {
        facts
            .contact_flags
            .as_ref()
            .map_or_else(ContactConsent::default, |flags| ContactConsent {
                donotbulkemail: flags.donotbulkemail,
                donotemail: flags.donotemail,
            })
    });
    let model = PanelModel::build(
        &PanelInputs {
            lifecycle: &facts.lifecycle,
            verified: facts.verified,
            request: request.as_ref(),
            compatibility: Some(&facts.compatibility),
            contact,
        },
        strings::text,
        frame::date_formatter(session.global.language),
    );
    let form = session.form.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(Some(document)) = frame::connect(&form, CONTROL).await {
            let _ = panel::render(&document, &model);
        }
    });
}

/// OnLoad of the Contact form: reads the contact's notes (one request) and draws the
/// resubscription history into the panel. `parameters` is the same handler parameter as on
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
    let model = match (contact, ApiVersion::for_org_version(&global.version)) {
        (Some(contact), Some(version)) => {
            let api = WebApi {
                client_url: global.client_url.clone(),
                version,
            };
            let request = queries::notes_of(&contact, queries::HISTORY_NOTES);
            match api
                .send(&request)
                .await
                .and_then(|response| queries::read_notes(&response))
            {
                Ok(notes) => {
                    HistoryModel::build(&history::history(&notes, &patterns), strings::text, date)
                }
                Err(error) => HistoryModel::failed(&strings::text(&error.message()), strings::text),
            }
        }
        // A new contact has no notes; an org without the Web API cannot read them.
        (None, _) => HistoryModel::build(&[], strings::text, date),
        (Some(_), None) => {
            let no_web_api =
                Message::new(MessageKey::PluginNoWebApi).with("version", global.version.clone());
            HistoryModel::failed(&strings::text(&no_web_api), strings::text)
        }
    };
    if let Ok(Some(document)) = frame::connect(&form, CONTROL).await {
        panel::render_history(&document, &model).map_err(|e| JsValue::from(e.describe()))?;
        crate::plugin::view::mark(crate::plugin::view::HISTORY_RENDERED_MARK);
    }
    Ok(())
}
