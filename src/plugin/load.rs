//! OnLoad: read the form, fetch what it needs in one Web API round trip, and show where things
//! stand.

use crate::prelude::*;
use wasm_bindgen::JsValue;

use super::facts::{self, Plan};
use super::session::{self, Session};
use super::{flow, view};
use crate::dataverse::guid::Guid;
use crate::dataverse::http::ApiVersion;
use crate::dataverse::transport::WebApi;
use crate::domain::mapping::{ColumnMapping, FormAttribute, MappingConfig};
use crate::domain::messages::{Message, MessageKey};
use crate::xrm::{Form, GlobalContext, Level};

/// The synchronous half of OnLoad: reads configuration and form, starts the session (so an
/// OnSave right after can already hold a request back) and returns what the asynchronous half
/// reads. `None` when the library cannot run here (the reason is shown on the form).
pub fn start(
    execution_context: &JsValue,
    parameters: Option<&str>,
) -> Result<Option<Plan>, JsValue> {
    let form =
        Form::from_execution_context(execution_context).map_err(|e| JsValue::from(e.describe()))?;
    let Some(session) = configure(&form, execution_context, parameters) else {
        return Ok(None);
    };
    let plan = facts::plan(&session);
    view::render_decision(&session, plan.reason(), plan.cached().as_ref(), plan.flag());
    session::start(session);
    flow::form_replaced();
    Ok(Some(plan))
}

/// The asynchronous half of OnLoad, started once OnLoad has returned (the handler stays
/// short): one Web API round trip, then the inline state (and a save held for it made again).
pub fn finish(plan: Plan) {
    crate::shell::soon(move || flow::read(plan, false, false));
}

/// Shows the configuration problems `messages` on `form` (none: clears them) in the user's
/// words: at once, or, while they are being read by URL (before 9.0), once they are in, in
/// the order said (so a later OnLoad's clearing stays the last word).
fn say_config(form: &Form, messages: Vec<Message>) {
    let form = form.clone();
    super::strings::when_ready(move || {
        let text = (!messages.is_empty()).then(|| super::strings::joined(&messages));
        form.form_notification(view::CONFIG, Level::Error, text.as_deref());
    });
}

/// Reads configuration, columns and context; shows what is wrong and returns `None` when the
/// plugin cannot run on this form.
fn configure(
    form: &Form,
    execution_context: &JsValue,
    parameters: Option<&str>,
) -> Option<Session> {
    let problem = |messages: &[Message]| say_config(form, messages.to_vec());
    let global = match GlobalContext::read(execution_context) {
        Ok(global) => global,
        Err(e) => {
            problem(&[Message::new(MessageKey::PluginNoClientApi).with("detail", e.describe())]);
            return None;
        }
    };
    super::strings::read_by_url(&global.client_url, global.language);
    let config = match MappingConfig::parse(
        parameters.unwrap_or_default(),
        crate::dataverse::json::Json::parse,
    ) {
        Ok(config) => config,
        Err(message) => {
            problem(&[message]);
            return None;
        }
    };
    let attributes: Vec<FormAttribute> = form
        .attributes()
        .unwrap_or_default()
        .into_iter()
        .map(|a| FormAttribute {
            name: a.name,
            kind: a.kind,
            label: a.label,
        })
        .collect();
    let mapping = match ColumnMapping::resolve(&config, &attributes) {
        Ok(mapping) => mapping,
        Err(messages) => {
            problem(&messages);
            return None;
        }
    };
    let Some(version) = ApiVersion::for_org_version(&global.version) else {
        problem(
            &[Message::new(MessageKey::PluginNoWebApi).with("version", global.version.clone())],
        );
        return None;
    };
    say_config(form, Vec::new());
    let table = form.entity_name().unwrap_or_default();
    let entity_set = config
        .entity_set
        .clone()
        .unwrap_or_else(|| [table.as_str(), "s"].concat());
    let record = form
        .record_id()
        .ok()
        .flatten()
        .and_then(|id| Guid::parse(&id).ok());
    hook_events(form, &mapping);
    Some(Session {
        api: WebApi {
            client_url: global.client_url.clone(),
            version,
        },
        form: form.clone(),
        global,
        config,
        mapping,
        table,
        entity_set,
        record,
        // Known from the user's security roles, read with the load batch.
        is_admin: false,
        facts: None,
    })
}

/// PostSave and the OnChange of the columns a refusal may be about, registered once per form.
fn hook_events(form: &Form, mapping: &ColumnMapping) {
    // The exports of `js_api` (named as there); none registered, and tried again at the next
    // OnLoad, where the shell cannot make them.
    let (Some(post_save), Some(data_load), Some(changed)) = (
        super::handler("onPostSave"),
        super::handler("onDataLoad"),
        super::handler("onFactChange"),
    ) else {
        return;
    };
    if !form.mark_once("rsubHooked") {
        return;
    }
    let _ = form.add_on_post_save(&post_save);
    let _ = form.add_on_data_load(&data_load);
    for column in [&mapping.email, &mapping.reason] {
        let _ = form.add_on_change(column, &changed);
    }
}

/// Data OnLoad: after a refresh (`getDataLoadState()` 3) the record may have moved on (a sync,
/// a colleague): read the facts again and redraw, without reloading the form.
pub fn on_data_load(execution_context: JsValue) {
    if Form::data_load_state(&execution_context) == Some(3) {
        // After every data OnLoad handler has run: the form as they left it.
        crate::shell::soon(|| flow::refresh(false));
    }
}
