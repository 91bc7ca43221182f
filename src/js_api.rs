//! The surface JavaScript sees: the form handlers and the pure decisions behind them (and,
//! in `crate::shell`, `resume`, through which the shell hands the module its answers).
//!
//! The loader (`www/loader/form.js`) wraps these in the `Rsub` namespace. Values cross as
//! strings and plain objects read and written by hand (camelCase fields); bad input becomes a
//! JavaScript `Error` with a readable message, never a panic.
//!
//! Each form has its own library: a shipped module exports the handlers of the form its Cargo
//! feature names (`suppression-form`, `contact-form`, `setup-page`); tests build every handler.

#[cfg(any(
    not(feature = "module"),
    feature = "suppression-form",
    feature = "contact-form"
))]
use crate::prelude::*;
use wasm_bindgen::prelude::*;

/// A handler parameter as text: a string as it is, an object as its JSON.
#[cfg(any(
    not(feature = "module"),
    feature = "suppression-form",
    feature = "contact-form"
))]
fn parameter_text(parameters: &JsValue) -> Option<String> {
    if parameters.is_object() {
        js_sys::JSON::stringify(parameters).ok().map(String::from)
    } else {
        parameters.as_string()
    }
}

#[cfg(any(not(feature = "module"), feature = "suppression-form"))]
mod email_suppression_form {
    use super::*;
    use crate::domain::compatibility::{self, ConnectorReading};
    use crate::plugin;
    use crate::xrm::form::set_member;

    /// OnLoad: `parameters` is the handler's parameter string (mapping JSON) or an object.
    /// Configures the plugin synchronously, then reads the record in the background: the returned
    /// promise resolves at once, so an org with asynchronous OnLoad handlers never waits on the
    /// network (nor hits the 10-second limit when Dynamics is slow).
    #[wasm_bindgen(js_name = onLoad)]
    pub fn on_load(
        execution_context: JsValue,
        parameters: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let parameters = parameter_text(&parameters);
        if let Some(plan) = plugin::load::start(&execution_context, parameters.as_deref())? {
            plugin::load::finish(plan);
        }
        Ok(js_sys::Promise::resolve(&JsValue::UNDEFINED))
    }

    /// OnSave: decides synchronously (cancels the save when a request must be refused). Returns
    /// `false` when the checks are not running on this form, so the loader can refuse a request.
    #[wasm_bindgen(js_name = onSave)]
    pub fn on_save(execution_context: JsValue) -> bool {
        plugin::save::on_save(execution_context)
    }

    /// PostSave, registered by OnLoad through the shell (`plugin::load`).
    #[wasm_bindgen(js_name = onPostSave)]
    pub fn on_post_save(execution_context: JsValue) {
        plugin::save::on_post_save(execution_context);
    }

    /// Data OnLoad (a refresh), registered by OnLoad through the shell.
    #[wasm_bindgen(js_name = onDataLoad)]
    pub fn on_data_load(execution_context: JsValue) {
        plugin::load::on_data_load(execution_context);
    }

    /// OnChange of email and reason, registered by OnLoad through the shell.
    #[wasm_bindgen(js_name = onFactChange)]
    pub fn on_fact_change(execution_context: JsValue) {
        plugin::save::on_fact_change(execution_context);
    }

    /// OnChange of *Request Resubscribe*: opens the evidence dialog when ticked (its answer
    /// comes later: the platform waits for no OnChange handler).
    #[wasm_bindgen(js_name = onRequestResubscribeChange)]
    pub fn on_request_resubscribe_change(execution_context: JsValue) {
        // After every OnChange handler of the box has run: the box as they left it.
        crate::shell::soon(move || plugin::evidence::on_change(execution_context));
    }

    /// Checks a connector version (`null`/`undefined` = not installed) against the org version:
    /// `{kind: "ok" | "tooOld" | "lineMismatch" | "notInstalled" | "unknown", key, message}`:
    /// the message's RESX key, and the message in the user's words (details only for an
    /// administrator the form has recognised; where no words can be read, what
    /// `messages::fallback` says).
    #[wasm_bindgen(js_name = checkCompatibility)]
    pub fn check_compatibility(org_version: &str, connector_version: Option<String>) -> JsValue {
        let reading = match connector_version {
            Some(version) => ConnectorReading::Installed { version },
            None => ConnectorReading::NotInstalled,
        };
        let verdict = compatibility::check(org_version, &reading);
        let result = js_sys::Object::new();
        set_member(&result, "kind", &verdict.kind().into());
        let message = verdict.message();
        set_member(&result, "key", &message.key.id().into());
        set_member(&result, "message", &plugin::strings::text(&message).into());
        result.into()
    }
}

#[cfg(any(not(feature = "module"), feature = "contact-form"))]
mod contact_form {
    use super::*;
    use crate::ui::contact;

    /// OnLoad of the Contact form, what the shell reads (`ui::contact`): a plan, or
    /// `undefined` on a form without the panel. `parameters` is the optional mapping JSON
    /// (string or object) for note patterns.
    #[wasm_bindgen(js_name = contactPlan)]
    pub fn contact_plan(
        execution_context: JsValue,
        parameters: JsValue,
    ) -> Result<JsValue, JsValue> {
        contact::plan(&execution_context, parameter_text(&parameters))
    }

    /// The panel's "Reading the contact's notes…", as JSON for `drawPanel`.
    #[wasm_bindgen(js_name = contactLoading)]
    pub fn contact_loading(plan: JsValue, strings: JsValue) -> String {
        contact::loading(&plan, &strings)
    }

    /// The contact's history from the answers to the plan's reads, as JSON for `drawPanel`.
    #[wasm_bindgen(js_name = contactHistory)]
    pub fn contact_history(plan: JsValue, strings: JsValue, notes: JsValue) -> String {
        contact::history(&plan, &strings, &notes)
    }
}

#[cfg(any(not(feature = "module"), feature = "setup-page"))]
mod setup_page {
    use super::*;

    /// The configuration page: runs every check and draws it into `document` (the page's) in
    /// the language `lcid`.
    #[wasm_bindgen(js_name = runSetupPage)]
    pub fn run_setup_page(document: JsValue, lcid: u32) -> js_sys::Promise {
        use wasm_bindgen::JsCast;
        // The page's own document, used without an `instanceof` check.
        crate::setup::run(document.unchecked_into::<web_sys::Document>(), lcid)
    }
}
