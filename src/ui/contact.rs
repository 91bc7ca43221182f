//! The Contact form's history, as the shell's OnLoad asks for it (the loader's `ContactForm`
//! section): [`plan`] says, synchronously, what to read; [`loading`] and [`history`] turn what
//! was read into the panel's JSON text (`ui::wire`). The shell does the waiting (the reads,
//! the pause before "Reading…", reaching the panel's page), so this module holds no future.
//!
//! A plan is a plain object the shell hands back with the answers:
//! `{form, control, strings, english, notes, readingAfterMs, language, version, contact,
//! parameters}` (`form`: the form context the panel's control is on, `Xrm.Page` before 9.0),
//! where `strings` is the URL of the user's RESX to read (before 9.0, see `plugin::strings`),
//! `english` the English one to read instead when that cannot be read, and
//! `notes` the request for the contact's notes (`{url, method, headers}`), each absent when
//! there is nothing to read.

use crate::prelude::*;
use js_sys::Object;
use wasm_bindgen::JsValue;

use super::model::HistoryModel;
use super::{dates, wire, CONTROL, READING_SHOWN_AFTER_MS};
use crate::dataverse::error::ApiError;
use crate::dataverse::guid::Guid;
use crate::dataverse::http::ApiVersion;
use crate::dataverse::queries;
use crate::dataverse::transport::{read_answer, WebApi};
use crate::domain::history;
use crate::domain::mapping::MappingConfig;
use crate::domain::messages::{Message, MessageKey};
use crate::plugin::strings;
use crate::xrm::form::{describe, member, set_member};
use crate::xrm::{Form, GlobalContext};

/// What the shell reads for the history of the contact on the form of `execution_context`;
/// `undefined` on a form without the panel. `parameters` is the handler's parameter text
/// (the same as on the suppression form; only `lifecyclePatterns` is used here).
pub fn plan(execution_context: &JsValue, parameters: Option<String>) -> Result<JsValue, JsValue> {
    let form =
        Form::from_execution_context(execution_context).map_err(|e| JsValue::from(e.describe()))?;
    if !form.has_control(CONTROL) {
        return Ok(JsValue::UNDEFINED);
    }
    let global = GlobalContext::read(execution_context).map_err(|e| JsValue::from(e.describe()))?;
    let contact = form
        .record_id()
        .ok()
        .flatten()
        .and_then(|id| Guid::parse(&id).ok());
    let plan = Object::new();
    if let Some(url) = strings::url_to_read(&global.client_url, global.language) {
        if let Some(english) = crate::domain::resx::english_instead(&url) {
            set_member(&plan, "english", &english.into());
        }
        set_member(&plan, "strings", &url.into());
    }
    if let (Some(contact), Some(version)) = (&contact, ApiVersion::for_org_version(&global.version))
    {
        let api = WebApi {
            client_url: global.client_url.clone(),
            version,
        };
        let request = queries::notes_of(contact, queries::HISTORY_NOTES);
        let (url, headers) = api.prepare(&request);
        let notes = Object::new();
        set_member(&notes, "url", &url.into());
        set_member(&notes, "method", &request.method.as_str().into());
        set_member(&notes, "headers", &headers);
        set_member(&plan, "notes", &notes);
    }
    set_member(&plan, "form", form.context_value());
    set_member(&plan, "control", &CONTROL.into());
    set_member(
        &plan,
        "readingAfterMs",
        &(READING_SHOWN_AFTER_MS as f64).into(),
    );
    set_member(&plan, "language", &global.language.into());
    set_member(&plan, "version", &global.version.into());
    set_member(&plan, "contact", &contact.is_some().into());
    if let Some(parameters) = parameters {
        set_member(&plan, "parameters", &parameters.into());
    }
    Ok(plan.into())
}

/// "Reading the contact's notes…", in the user's words once `strings` (the answer to the
/// plan's `strings`, if any) is in.
pub fn loading(plan: &JsValue, strings: &JsValue) -> String {
    use_strings(plan, strings);
    wire::history(&HistoryModel::loading(strings::text))
}

/// The history from `notes`: the answer to the plan's `notes`, what the read failed with, or
/// `undefined` when the plan read none (a new contact has no notes; an org without the Web
/// API cannot read them).
pub fn history(plan: &JsValue, strings: &JsValue, notes: &JsValue) -> String {
    let language = use_strings(plan, strings);
    let patterns = member(plan, "parameters")
        .as_string()
        .and_then(|text| MappingConfig::parse(&text, crate::dataverse::json::Json::parse).ok())
        .and_then(|config| config.lifecycle_patterns)
        .unwrap_or_default();
    let read = if notes.is_undefined() {
        None
    } else if member(notes, "status").as_f64().is_some() {
        Some(queries::read_notes(&read_answer(notes)))
    } else {
        Some(Err(ApiError::network(&describe(notes))))
    };
    let model = match read {
        Some(Ok(notes)) => HistoryModel::build(
            &history::history(&notes, &patterns),
            strings::text,
            dates::date_formatter(language),
        ),
        Some(Err(error)) => HistoryModel::failed(&strings::text(&error.message()), strings::text),
        None if member(plan, "contact").as_bool() != Some(true) => {
            HistoryModel::build(&[], strings::text, dates::date_formatter(language))
        }
        None => {
            let version = member(plan, "version").as_string().unwrap_or_default();
            let no_web_api = Message::new(MessageKey::PluginNoWebApi).with("version", version);
            HistoryModel::failed(&strings::text(&no_web_api), strings::text)
        }
    };
    wire::history(&model)
}

/// Sets the user's language from the plan and keeps the strings its `strings` read gave (the
/// English file's where the language's could not be read; a failed read: none, each text
/// then names its key; strings already in are not read again); returns the language.
fn use_strings(plan: &JsValue, strings: &JsValue) -> u32 {
    let language = member(plan, "language").as_f64().map_or(1033, |l| l as u32);
    strings::set_language(language);
    let url = member(plan, "strings").as_string();
    if let Some(url) = url.filter(|url| !strings::read_from(url)) {
        let answer = read_answer(strings);
        strings::store(url, answer.is_success().then_some(answer.body.as_str()));
    }
    language
}
