//! Safe calls on the Client API: every host exception becomes an [`XrmError`].

use crate::prelude::*;
use core::fmt;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

/// A Client API call that failed, or an object the form does not provide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XrmError {
    /// What was being done, e.g. `getAttribute(esc_reason)`.
    pub call: String,
    /// The host's message.
    pub detail: String,
}

impl XrmError {
    /// `call: detail`, for the log and error details.
    pub fn describe(&self) -> String {
        [self.call.as_str(), ": ", &self.detail].concat()
    }
}

impl fmt::Display for XrmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The message of a JavaScript exception, or its string form. Read by shape, not by
/// `instanceof`: the host's errors may come from another realm (docs/platform.md).
pub fn describe(error: &JsValue) -> String {
    member(error, "message")
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// `object[key]`, or `undefined` when `object` is not an object or the read throws.
pub fn member(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() && !object.is_function() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `object.method()` when `object` has such a function; `None` otherwise or when it
/// throws. Works on objects of any realm.
pub fn call_method(object: &JsValue, method: &str) -> Option<JsValue> {
    invoke(object, method, &[]).ok()
}

/// `object.method(...args)` (up to three), looked up by name on an object of any realm: the
/// Client API's methods are called as JavaScript calls them, with no binding of their own.
/// `Err` names the method when the object lacks it (or reading it throws), the call throws, or
/// it is given more than three arguments.
#[inline(never)]
pub fn invoke(object: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, XrmError> {
    let function = member(object, method);
    let fail = |detail: String| XrmError {
        call: [method, "()"].concat(),
        detail,
    };
    if !function.is_function() {
        return Err(fail("not available".into()));
    }
    let function: &Function = function.unchecked_ref();
    match args {
        [] => function.call0(object),
        [a] => function.call1(object, a),
        [a, b] => function.call2(object, a, b),
        [a, b, c] => function.call3(object, a, b, c),
        _ => return Err(fail("more than three arguments".into())),
    }
    .map_err(|error| fail(describe(&error)))
}

/// Sets `object[key] = value` on a plain object the caller built (which cannot refuse it).
pub fn set_member(object: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}

/// An id as the module keeps it: no braces, lower-case.
fn bare_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

/// The form a handler runs on.
#[derive(Clone)]
pub struct Form {
    context: JsValue,
}

impl Form {
    /// The form of `execution_context` (v9), else `Xrm.Page` (8.x).
    pub fn from_execution_context(execution_context: &JsValue) -> Result<Form, XrmError> {
        if member(execution_context, "getFormContext").is_function() {
            let context = invoke(execution_context, "getFormContext", &[])?;
            return Ok(Form { context });
        }
        Some(member(&xrm(), "Page"))
            .filter(JsValue::is_object)
            .map(|context| Form { context })
            .ok_or_else(|| XrmError {
                call: "Xrm.Page".into(),
                detail: "no form context: register the handler with \"Pass execution context\""
                    .into(),
            })
    }

    /// The save event arguments, when `execution_context` is an OnSave context.
    ///
    /// The context is tested for its shape, never its realm: Unified Interface makes it in the
    /// main window while form libraries may run in a frame of their own.
    pub fn save_args(execution_context: &JsValue) -> Option<SaveArgs> {
        let args = call_method(execution_context, "getEventArgs")?;
        args.is_object().then_some(SaveArgs(args))
    }

    /// `formContext.data`, `formContext.data.entity`, `formContext.ui`.
    fn data(&self) -> JsValue {
        member(&self.context, "data")
    }

    fn entity(&self) -> JsValue {
        member(&self.data(), "entity")
    }

    fn ui(&self) -> JsValue {
        member(&self.context, "ui")
    }

    /// The record id without braces, lower-case; `None` for an unsaved record.
    pub fn record_id(&self) -> Result<Option<String>, XrmError> {
        let id = invoke(&self.entity(), "getId", &[])?;
        let id = bare_id(&id.as_string().unwrap_or_default());
        Ok((!id.is_empty()).then_some(id))
    }

    /// The table's logical name.
    pub fn entity_name(&self) -> Result<String, XrmError> {
        let name = invoke(&self.entity(), "getEntityName", &[])?;
        Ok(name.as_string().unwrap_or_default())
    }

    /// 1 Create, 2 Update, 3 Read Only, 4 Disabled, 6 Bulk Edit (0 when unknown).
    pub fn form_type(&self) -> Result<u32, XrmError> {
        let value = invoke(&self.ui(), "getFormType", &[])?;
        Ok(value.as_f64().map(|n| n as u32).unwrap_or(0))
    }

    /// Every attribute on the form: `(logical name, attribute type, control label)`.
    pub fn attributes(&self) -> Result<Vec<AttributeInfo>, XrmError> {
        let all = invoke(&member(&self.entity(), "attributes"), "get", &[])?;
        let text = |object: &JsValue, method: &str| {
            call_method(object, method)
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        Ok(items(&all)
            .map(|attribute| {
                let control = call_method(&member(&attribute, "controls"), "get")
                    .map(|controls| first(&controls))
                    .unwrap_or(JsValue::UNDEFINED);
                AttributeInfo {
                    name: text(&attribute, "getName"),
                    kind: text(&attribute, "getAttributeType"),
                    label: text(&control, "getLabel"),
                }
            })
            .collect())
    }

    fn attribute(&self, name: &str) -> Result<JsValue, XrmError> {
        Some(invoke(&self.context, "getAttribute", &[&name.into()])?)
            .filter(JsValue::is_object)
            .ok_or_else(|| XrmError {
                call: ["getAttribute(", name, ")"].concat(),
                detail: "not on the form".into(),
            })
    }

    /// The raw value of an attribute.
    pub fn value(&self, name: &str) -> Result<JsValue, XrmError> {
        invoke(&self.attribute(name)?, "getValue", &[])
    }

    /// A two-option (boolean) value; `None` when empty.
    pub fn bool_value(&self, name: &str) -> Result<Option<bool>, XrmError> {
        Ok(self.value(name)?.as_bool())
    }

    /// A text value; `None` when empty.
    pub fn text_value(&self, name: &str) -> Result<Option<String>, XrmError> {
        Ok(self
            .value(name)?
            .as_string()
            .filter(|s| !s.trim().is_empty()))
    }

    /// An option set's value and label; `None` when empty.
    pub fn option_value(&self, name: &str) -> Result<Option<(i64, String)>, XrmError> {
        let attribute = self.attribute(name)?;
        let value = invoke(&attribute, "getValue", &[])?;
        let label = call_method(&attribute, "getText")
            .and_then(|t| t.as_string())
            .unwrap_or_default();
        Ok(value.as_f64().map(|n| (n as i64, label)))
    }

    /// A date value in milliseconds since the epoch; `None` when empty.
    pub fn date_value(&self, name: &str) -> Result<Option<i64>, XrmError> {
        let value = self.value(name)?;
        // A Date of the host's realm: read through its own getTime.
        Ok(call_method(&value, "getTime")
            .and_then(|t| t.as_f64())
            .filter(|t| t.is_finite())
            .map(|t| t as i64))
    }

    /// A lookup's first reference `(id without braces, lower-case; name; table)`.
    pub fn lookup_value(&self, name: &str) -> Result<Option<LookupRef>, XrmError> {
        let value = self.value(name)?;
        let first = first(&value);
        if !first.is_object() {
            return Ok(None);
        }
        let field = |key: &str| member(&first, key).as_string().unwrap_or_default();
        Ok(Some(LookupRef {
            id: bare_id(&field("id")),
            name: field("name"),
            table: field("entityType"),
        }))
    }

    /// Whether the form has the attribute.
    pub fn has(&self, name: &str) -> bool {
        self.attribute(name).is_ok()
    }

    /// Whether the attribute changed since the last save.
    pub fn is_dirty(&self, name: &str) -> Result<bool, XrmError> {
        let dirty = invoke(&self.attribute(name)?, "getIsDirty", &[])?;
        Ok(dirty.as_bool().unwrap_or(false))
    }

    /// Sets a value and makes sure it is submitted with the save.
    pub fn set_value(&self, name: &str, value: &JsValue) -> Result<(), XrmError> {
        let attribute = self.attribute(name)?;
        invoke(&attribute, "setValue", &[value])?;
        invoke(&attribute, "setSubmitMode", &[&"always".into()]).map(drop)
    }

    /// The control named `name`; `None` when the form has none.
    fn control(&self, name: &str) -> Option<JsValue> {
        invoke(&self.context, "getControl", &[&name.into()])
            .ok()
            .filter(JsValue::is_object)
    }

    /// Disables or enables the attribute's control (a missing control is ignored). A control
    /// already enabled is left alone when enabling: setting it again redraws it for nothing.
    /// Disabling always sets it: a read-only form reports its controls disabled for its own
    /// reason, and the library's refusal must hold if the form turns editable.
    pub fn set_disabled(&self, name: &str, disabled: bool) {
        if let Some(control) = self.control(name) {
            let now = call_method(&control, "getDisabled").and_then(|d| d.as_bool());
            if disabled || now != Some(false) {
                let _ = invoke(&control, "setDisabled", &[&disabled.into()]);
            }
        }
    }

    /// Shows (`Some`) or clears (`None`) a control notification; it blocks saving while shown.
    pub fn control_notification(&self, name: &str, id: &str, text: Option<&str>) {
        if let Some(control) = self.control(name) {
            let _ = match text {
                Some(text) => invoke(&control, "setNotification", &[&text.into(), &id.into()]),
                None => invoke(&control, "clearNotification", &[&id.into()]),
            };
        }
    }

    /// Shows (`Some`) or clears (`None`) a recommendation under a control
    /// (`addNotification` at level RECOMMENDATION, which does not block saving). Returns
    /// whether the client could show it: 8.x has no `addNotification`.
    pub fn control_recommendation(&self, name: &str, id: &str, text: Option<&str>) -> bool {
        let Some(control) = self.control(name) else {
            return false;
        };
        let Some(text) = text else {
            let _ = invoke(&control, "clearNotification", &[&id.into()]);
            return true;
        };
        let notification = js_sys::Object::new();
        set_member(
            &notification,
            "messages",
            &js_sys::Array::of1(&text.into()).into(),
        );
        set_member(&notification, "notificationLevel", &"RECOMMENDATION".into());
        set_member(&notification, "uniqueId", &id.into());
        invoke(&control, "addNotification", &[&notification.into()]).is_ok()
    }

    /// Shows (`Some`) or clears (`None`) a form notification at `level`.
    pub fn form_notification(&self, id: &str, level: Level, text: Option<&str>) {
        let ui = self.ui();
        let _ = match text {
            Some(text) => invoke(
                &ui,
                "setFormNotification",
                &[&text.into(), &level.as_str().into(), &id.into()],
            ),
            None => invoke(&ui, "clearFormNotification", &[&id.into()]),
        };
    }

    /// Runs `handler` when the attribute's value changes.
    pub fn add_on_change(&self, name: &str, handler: &Function) -> Result<(), XrmError> {
        invoke(&self.attribute(name)?, "addOnChange", &[handler]).map(drop)
    }

    /// Marks this form (its `data.entity`) with `flag`; returns `false` if it was marked already.
    /// Used to register event handlers once per form, however often OnLoad runs.
    pub fn mark_once(&self, flag: &str) -> bool {
        let entity = self.entity();
        let already = member(&entity, flag).is_truthy();
        if !already && entity.is_object() {
            let _ = js_sys::Reflect::set(&entity, &flag.into(), &JsValue::TRUE);
        }
        !already
    }

    /// Registers a data OnLoad handler (`formContext.data.addOnLoad`).
    pub fn add_on_data_load(&self, handler: &Function) -> Result<(), XrmError> {
        invoke(&self.data(), "addOnLoad", &[handler]).map(drop)
    }

    /// `getDataLoadState()` of a data OnLoad event: 1 initial, 2 save, 3 refresh.
    pub fn data_load_state(execution_context: &JsValue) -> Option<u32> {
        let args = Form::save_args(execution_context)?;
        call_method(&args.0, "getDataLoadState")?
            .as_f64()
            .map(|n| n as u32)
    }

    /// Registers a PostSave handler.
    pub fn add_on_post_save(&self, handler: &Function) -> Result<(), XrmError> {
        invoke(&self.entity(), "addOnPostSave", &[handler]).map(drop)
    }

    /// Whether the client runs PostSave handlers (`data.entity.addOnPostSave`; not on 8.x).
    pub fn has_post_save(&self) -> bool {
        member(&self.entity(), "addOnPostSave").is_function()
    }

    /// Saves the record again (`formContext.data.save()`): its answer, a thenable (8.x's is
    /// not a `Promise`).
    pub fn save(&self) -> Result<Promise, XrmError> {
        invoke(&self.data(), "save", &[]).map(JsCast::unchecked_into)
    }

    /// Closes the form (`formContext.ui.close()`): after `data.save()`, the documented way to
    /// Save & Close from script (`data.entity.save("saveandclose")` is deprecated, and
    /// `data.save({saveMode: 2})` does not close).
    pub fn close(&self) -> Result<(), XrmError> {
        invoke(&self.ui(), "close", &[]).map(drop)
    }

    /// Whether the form has a control named `name` (any kind, e.g. a web resource).
    pub fn has_control(&self, name: &str) -> bool {
        self.control(name).is_some()
    }

    /// The `formContext` object itself (to hand to a web resource's `setClientApiContext`).
    pub fn context_value(&self) -> &JsValue {
        &self.context
    }
}

/// The most items read from one collection: far more than a form has attributes, and a bound
/// on a host object whose `length` is not a real one.
const MOST_ITEMS: f64 = 10_000.0;

/// The items of a Client API collection's `get()` (an array of any realm).
fn items(array: &JsValue) -> impl Iterator<Item = JsValue> + '_ {
    let length = member(array, "length")
        .as_f64()
        .unwrap_or(0.0)
        .clamp(0.0, MOST_ITEMS) as u32;
    (0..length).map(move |index| js_sys::Reflect::get_u32(array, index).unwrap_or_default())
}

/// The first item of an array of any realm (`undefined` when there is none).
fn first(array: &JsValue) -> JsValue {
    items(array).next().unwrap_or_default()
}

/// One attribute of the form, for column discovery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeInfo {
    /// Logical name.
    pub name: String,
    /// `boolean`, `datetime`, `lookup`, `optionset`, `string`, …
    pub kind: String,
    /// The label of its first control (the user's language).
    pub label: String,
}

/// A lookup value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupRef {
    /// Record id, lower-case, no braces.
    pub id: String,
    /// Primary name.
    pub name: String,
    /// Table logical name.
    pub table: String,
}

/// Form notification levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Red.
    Error,
    /// Yellow.
    Warning,
    /// Blue.
    Info,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warning => "WARNING",
            Level::Info => "INFO",
        }
    }
}

/// OnSave event arguments.
pub struct SaveArgs(JsValue);

impl SaveArgs {
    /// The save mode number (1 when the client does not say).
    pub fn save_mode(&self) -> u32 {
        call_method(&self.0, "getSaveMode")
            .and_then(|v| v.as_f64())
            .map(|n| n as u32)
            .unwrap_or(1)
    }

    /// Cancels the save; must run synchronously inside the OnSave handler.
    pub fn prevent_default(&self) -> Result<(), XrmError> {
        invoke(&self.0, "preventDefault", &[]).map(drop)
    }
}

/// The outcome of a save, from PostSave event arguments: `Ok(())` or `Err((code, message))`.
/// A client that does not say whether the save succeeded (no arguments, no answer) is not
/// taken as success: `Err((0, ""))`, and the caller reads the record to learn what was saved.
pub fn post_save_outcome(execution_context: &JsValue) -> Result<(), (i64, String)> {
    let unknown = || (0, String::new());
    let args = Form::save_args(execution_context).ok_or_else(unknown)?;
    let success = call_method(&args.0, "getIsSaveSuccess")
        .and_then(|v| v.as_bool())
        .ok_or_else(unknown)?;
    if success {
        return Ok(());
    }
    let info = call_method(&args.0, "getSaveErrorInfo").unwrap_or(JsValue::NULL);
    let code = member(&info, "errorCode")
        .as_f64()
        .map(|n| n as i64)
        .unwrap_or(0);
    Err((
        code,
        member(&info, "message").as_string().unwrap_or_default(),
    ))
}

/// What the global context says about the org and the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlobalContext {
    /// The org's base URL (no trailing slash); on premises it ends with the organization's
    /// name (`http://server/contoso`).
    pub client_url: String,
    /// The organization version string.
    pub version: String,
    /// The user's id, lower-case without braces.
    pub user_id: String,
    /// The user's name.
    pub user_name: String,
    /// The user's language (LCID), 1033 when unknown.
    pub language: u32,
}

impl GlobalContext {
    /// Reads the global context from the surface the client's version documents:
    /// `Xrm.Utility.getGlobalContext()` (9.0 and later), else `executionContext.getContext()`
    /// or `Xrm.Page.context` (8.x). Every object is read by shape, whatever realm made it.
    pub fn read(execution_context: &JsValue) -> Result<GlobalContext, XrmError> {
        let xrm = xrm();
        let context = call_method(&member(&xrm, "Utility"), "getGlobalContext")
            .filter(JsValue::is_object)
            .or_else(|| call_method(execution_context, "getContext").filter(JsValue::is_object))
            .or_else(|| Some(member(&member(&xrm, "Page"), "context")).filter(JsValue::is_object))
            .ok_or_else(|| XrmError {
                call: "Xrm.Utility.getGlobalContext(), executionContext.getContext(), Xrm.Page.context"
                    .into(),
                detail: "none is available".into(),
            })?;
        let text = |v: Option<JsValue>| v.and_then(|v| v.as_string()).unwrap_or_default();
        let client_url = text(call_method(&context, "getClientUrl"));
        if client_url.is_empty() {
            return Err(XrmError {
                call: "getClientUrl()".into(),
                detail: "no organization URL".into(),
            });
        }
        // 9.x: userSettings; 8.x: the context's own getters.
        let settings = member(&context, "userSettings");
        let setting = |name: &str, getter: &str| {
            Some(member(&settings, name))
                .filter(|v| !v.is_undefined() && !v.is_null())
                .or_else(|| call_method(&context, getter))
        };
        Ok(GlobalContext {
            client_url: client_url.trim_end_matches('/').to_owned(),
            // `getVersion()` arrived with 8.1 (CRM 2016 Update 1): a context without it is 8.0.
            version: match member(&context, "getVersion").is_function() {
                true => text(call_method(&context, "getVersion")),
                false => "8.0".into(),
            },
            user_id: bare_id(&text(setting("userId", "getUserId"))),
            user_name: text(setting("userName", "getUserName")),
            language: setting("languageId", "getUserLcid")
                .and_then(|v| v.as_f64())
                .map(|n| n as u32)
                .unwrap_or(1033),
        })
    }
}

#[wasm_bindgen]
extern "C" {
    /// `window.Xrm`, absent outside Dynamics.
    #[wasm_bindgen(thread_local_v2, js_name = Xrm)]
    static XRM: Option<js_sys::Object>;
}

/// The `Xrm` namespace object; `undefined` outside Dynamics.
fn xrm() -> JsValue {
    XRM.with(|xrm| xrm.clone().map(JsValue::from))
        .unwrap_or(JsValue::UNDEFINED)
}

/// `Xrm.Utility.getResourceString(webResource, key)`; `None` when missing or unavailable.
pub fn resource_string(web_resource: &str, key: &str) -> Option<String> {
    let utility = member(&xrm(), "Utility");
    invoke(
        &utility,
        "getResourceString",
        &[&web_resource.into(), &key.into()],
    )
    .ok()
    .and_then(|v| v.as_string())
}

/// Whether `Xrm.Utility.getResourceString` exists (9.0 and later: before it, the strings are
/// read by URL).
pub fn has_resource_string() -> bool {
    member(&member(&xrm(), "Utility"), "getResourceString").is_function()
}

/// Whether `Xrm.Navigation.navigateTo` exists (9.1 and later): the evidence dialog opens
/// in the page; earlier versions open it in a window of its own.
pub fn has_navigate_to() -> bool {
    member(&member(&xrm(), "Navigation"), "navigateTo").is_function()
}
