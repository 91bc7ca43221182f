//! Raw `#[wasm_bindgen]` declarations of the Client API objects the plugin uses.
//!
//! Every host call is `catch`: a customised or older client may lack a method or throw.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The execution context passed to a handler registered with `passExecutionContext`.
    pub type ExecutionContext;
    /// `executionContext.getFormContext()` (v9).
    #[wasm_bindgen(method, catch, js_name = getFormContext)]
    pub fn get_form_context(this: &ExecutionContext) -> Result<FormContext, JsValue>;
    /// `executionContext.getEventArgs()` (save event arguments during OnSave).
    #[wasm_bindgen(method, catch, js_name = getEventArgs)]
    pub fn get_event_args(this: &ExecutionContext) -> Result<JsValue, JsValue>;

    /// OnSave event arguments.
    pub type SaveEventArgs;
    /// 1 Save, 2 Save & Close, 59 Save & New, 70 AutoSave, …
    #[wasm_bindgen(method, catch, js_name = getSaveMode)]
    pub fn get_save_mode(this: &SaveEventArgs) -> Result<JsValue, JsValue>;
    /// Cancels the save (only when called synchronously inside the handler).
    #[wasm_bindgen(method, catch, js_name = preventDefault)]
    pub fn prevent_default(this: &SaveEventArgs) -> Result<(), JsValue>;

    /// PostSave event arguments.
    pub type PostSaveEventArgs;
    /// Whether the save succeeded.
    #[wasm_bindgen(method, catch, js_name = getIsSaveSuccess)]
    pub fn get_is_save_success(this: &PostSaveEventArgs) -> Result<JsValue, JsValue>;
    /// `{errorCode, message}` of a failed save.
    #[wasm_bindgen(method, catch, js_name = getSaveErrorInfo)]
    pub fn get_save_error_info(this: &PostSaveEventArgs) -> Result<JsValue, JsValue>;

    /// `formContext`.
    #[derive(Clone)]
    pub type FormContext;
    /// `formContext.data`.
    #[wasm_bindgen(method, getter)]
    pub fn data(this: &FormContext) -> FormData;
    /// `formContext.ui`.
    #[wasm_bindgen(method, getter)]
    pub fn ui(this: &FormContext) -> FormUi;
    /// `formContext.getAttribute(name)`; `null` when the form has no such attribute.
    #[wasm_bindgen(method, catch, js_name = getAttribute)]
    pub fn get_attribute(this: &FormContext, name: &str) -> Result<Option<Attribute>, JsValue>;
    /// `formContext.getControl(name)`; `null` when absent.
    #[wasm_bindgen(method, catch, js_name = getControl)]
    pub fn get_control(this: &FormContext, name: &str) -> Result<Option<Control>, JsValue>;

    /// `formContext.data`.
    pub type FormData;
    /// `formContext.data.entity`.
    #[wasm_bindgen(method, getter)]
    pub fn entity(this: &FormData) -> Entity;
    /// Runs `handler` after the form's data loads (first load, after a save, after a refresh).
    #[wasm_bindgen(method, catch, js_name = addOnLoad)]
    pub fn add_on_load(this: &FormData, handler: &Function) -> Result<(), JsValue>;
    /// `formContext.data.save(options)`.
    #[wasm_bindgen(method, catch)]
    pub fn save(this: &FormData) -> Result<Promise, JsValue>;

    /// `formContext.data.entity`.
    pub type Entity;
    /// `{GUID}` with braces; empty for an unsaved record.
    #[wasm_bindgen(method, catch, js_name = getId)]
    pub fn get_id(this: &Entity) -> Result<JsValue, JsValue>;
    /// The table's logical name.
    #[wasm_bindgen(method, catch, js_name = getEntityName)]
    pub fn get_entity_name(this: &Entity) -> Result<JsValue, JsValue>;
    /// Runs `handler` after each save (v9.0+).
    #[wasm_bindgen(method, catch, js_name = addOnPostSave)]
    pub fn add_on_post_save(this: &Entity, handler: &Function) -> Result<(), JsValue>;
    /// `formContext.data.entity.attributes` (a collection).
    #[wasm_bindgen(method, getter)]
    pub fn attributes(this: &Entity) -> Collection;

    /// A Client API collection (`attributes`, `controls`, `roles`).
    pub type Collection;
    /// `collection.get()`: every item.
    #[wasm_bindgen(method, catch, js_name = get)]
    pub fn all(this: &Collection) -> Result<Array, JsValue>;

    /// `formContext.ui`.
    pub type FormUi;
    /// 1 Create, 2 Update, 3 Read Only, 4 Disabled, 6 Bulk Edit.
    #[wasm_bindgen(method, catch, js_name = getFormType)]
    pub fn get_form_type(this: &FormUi) -> Result<JsValue, JsValue>;
    /// Shows a form-level notification ("ERROR", "WARNING", "INFO").
    #[wasm_bindgen(method, catch, js_name = setFormNotification)]
    pub fn set_form_notification(
        this: &FormUi,
        text: &str,
        level: &str,
        id: &str,
    ) -> Result<JsValue, JsValue>;
    /// Closes the form (asks about unsaved changes as the platform does).
    #[wasm_bindgen(method, catch)]
    pub fn close(this: &FormUi) -> Result<(), JsValue>;
    /// Removes a form-level notification.
    #[wasm_bindgen(method, catch, js_name = clearFormNotification)]
    pub fn clear_form_notification(this: &FormUi, id: &str) -> Result<JsValue, JsValue>;

    /// A form attribute (column).
    pub type Attribute;
    /// The logical name.
    #[wasm_bindgen(method, catch, js_name = getName)]
    pub fn get_name(this: &Attribute) -> Result<JsValue, JsValue>;
    /// `"boolean"`, `"datetime"`, `"lookup"`, `"optionset"`, `"string"`, …
    #[wasm_bindgen(method, catch, js_name = getAttributeType)]
    pub fn get_attribute_type(this: &Attribute) -> Result<JsValue, JsValue>;
    /// The current value.
    #[wasm_bindgen(method, catch, js_name = getValue)]
    pub fn get_value(this: &Attribute) -> Result<JsValue, JsValue>;
    /// Sets the value (does not fire OnChange).
    #[wasm_bindgen(method, catch, js_name = setValue)]
    pub fn set_value(this: &Attribute, value: &JsValue) -> Result<(), JsValue>;
    /// Whether the value changed since the last save.
    #[wasm_bindgen(method, catch, js_name = getIsDirty)]
    pub fn get_is_dirty(this: &Attribute) -> Result<JsValue, JsValue>;
    /// `"always"`, `"never"` or `"dirty"`.
    #[wasm_bindgen(method, catch, js_name = setSubmitMode)]
    pub fn set_submit_mode(this: &Attribute, mode: &str) -> Result<(), JsValue>;
    /// Runs `handler` when the value changes (user edits and `fireOnChange`).
    #[wasm_bindgen(method, catch, js_name = addOnChange)]
    pub fn add_on_change(this: &Attribute, handler: &Function) -> Result<(), JsValue>;
    /// The selected option's label (option sets).
    #[wasm_bindgen(method, catch, js_name = getText)]
    pub fn get_text(this: &Attribute) -> Result<JsValue, JsValue>;
    /// The attribute's controls.
    #[wasm_bindgen(method, getter)]
    pub fn controls(this: &Attribute) -> Collection;

    /// A form control.
    pub type Control;
    /// The label shown on the form.
    #[wasm_bindgen(method, catch, js_name = getLabel)]
    pub fn get_label(this: &Control) -> Result<JsValue, JsValue>;
    /// Whether the control is disabled.
    #[wasm_bindgen(method, catch, js_name = getDisabled)]
    pub fn get_disabled(this: &Control) -> Result<JsValue, JsValue>;
    /// Disables or enables the control.
    #[wasm_bindgen(method, catch, js_name = setDisabled)]
    pub fn set_disabled(this: &Control, disabled: bool) -> Result<(), JsValue>;
    /// Shows an error under the control (blocks saving until cleared).
    #[wasm_bindgen(method, catch, js_name = setNotification)]
    pub fn set_notification(this: &Control, text: &str, id: &str) -> Result<JsValue, JsValue>;
    /// Adds a notification under the control (9.0 onwards): `{messages, notificationLevel,
    /// uniqueId}`; a RECOMMENDATION does not block saving.
    #[wasm_bindgen(method, catch, js_name = addNotification)]
    pub fn add_notification(this: &Control, notification: &JsValue) -> Result<JsValue, JsValue>;
    /// Removes a control notification.
    #[wasm_bindgen(method, catch, js_name = clearNotification)]
    pub fn clear_notification(this: &Control, id: &str) -> Result<JsValue, JsValue>;
    /// The window of a web resource control (a promise).
    #[wasm_bindgen(method, catch, js_name = getContentWindow)]
    pub fn get_content_window(this: &Control) -> Result<Promise, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// The `Xrm` namespace object.
    pub type XrmNamespace;
    /// `window.Xrm`, absent outside Dynamics.
    #[wasm_bindgen(thread_local_v2, js_name = Xrm)]
    pub static XRM: Option<XrmNamespace>;
    /// `Xrm.Utility`.
    #[wasm_bindgen(method, getter, js_name = Utility)]
    pub fn utility(this: &XrmNamespace) -> Option<Utility>;
    /// `Xrm.Page`: deprecated in v9, the only form API on 8.x.
    #[wasm_bindgen(method, getter, js_name = Page)]
    pub fn page(this: &XrmNamespace) -> Option<FormContext>;

    /// `Xrm.Utility`.
    pub type Utility;
    /// `Xrm.Utility.getResourceString(webResourceName, key)`; `null` for a missing key.
    #[wasm_bindgen(method, catch, js_name = getResourceString)]
    pub fn get_resource_string(
        this: &Utility,
        web_resource: &str,
        key: &str,
    ) -> Result<JsValue, JsValue>;
}
