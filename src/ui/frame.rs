//! The panel page as the form sees it: a web resource control whose window comes from
//! `getContentWindow()` (docs/platform.md). The form hands the page its Client API context through
//! the page's `setClientApiContext(Xrm, formContext)`, then has the page draw the panel
//! ([`super::panel`]). Also the browser's date formatting for the user's locale.

use crate::prelude::*;
use js_sys::{Array, Date, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::model::locale_tag;
use super::panel::{PanelError, CONTAINER_ID};
use crate::domain::time::Timestamp;
use crate::plugin::clock;
use crate::xrm::form::set_member;
use crate::xrm::Form;

/// How often the page is asked for before giving up (the control may still be loading).
const ATTEMPTS: u32 = 8;
/// The pause between attempts.
const PAUSE_MS: u64 = 250;

/// The panel page's window, once its document holds the panel's container and after
/// `setClientApiContext` ran; `Ok(None)` when the form has no such control.
pub async fn connect(form: &Form, control: &str) -> Result<Option<JsValue>, PanelError> {
    let mut last = PanelError::NoContainer;
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            clock::sleep(PAUSE_MS).await;
        }
        let Some(promise) = form.content_window(control) else {
            return Ok(None);
        };
        let window = match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(window) if window.is_object() => window,
            Ok(_) => continue,
            Err(error) => {
                last = PanelError::from(error);
                continue;
            }
        };
        hand_over_context(&window, form.context_value());
        // Another realm's window: no instanceof check.
        let Some(document) = window.unchecked_ref::<web_sys::Window>().document() else {
            continue;
        };
        if document.get_element_by_id(CONTAINER_ID).is_some() {
            return Ok(Some(window));
        }
        last = PanelError::NoContainer;
    }
    Err(last)
}

/// Calls the page's `setClientApiContext(Xrm, formContext)`, if it has one (idempotent on
/// the page's side; called on every render since tab switches recreate the page).
fn hand_over_context(window: &JsValue, form_context: &JsValue) {
    // The page's function belongs to another realm: `instanceof Function` would be false.
    let setter = Reflect::get(window, &"setClientApiContext".into()).ok();
    let Some(setter) = setter.filter(JsValue::is_function) else {
        return;
    };
    let setter: Function = setter.unchecked_into();
    let xrm = Reflect::get(&js_sys::global(), &"Xrm".into()).unwrap_or(JsValue::UNDEFINED);
    let _ = setter.call2(window, &xrm, form_context);
}

crate::plugin::local::page_local! {
    static FORMATS: core::cell::RefCell<Option<(u32, Function)>> = core::cell::RefCell::new(None);
}

/// Formats instants for the user's language (LCID) with the browser's `Intl.DateTimeFormat`:
/// day, abbreviated month, year, hours and minutes, and the time zone's short name (the
/// browser's zone, so a date is never ambiguous). One formatter serves the page per language,
/// made when the first date is formatted: making one costs more than formatting with it.
pub fn date_formatter(lcid: u32) -> impl Fn(Timestamp) -> String {
    move |on: Timestamp| {
        let date = Date::new(&JsValue::from_f64(on.millis() as f64));
        format_for(lcid)
            .call1(&JsValue::UNDEFINED, &date)
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_else(|| on.to_display_utc())
    }
}

/// The page's formatter for `lcid`, made on first use (a form that shows no date makes none).
fn format_for(lcid: u32) -> Function {
    let cached = FORMATS.with(|cached| match cached.try_borrow().as_deref() {
        Ok(Some((language, format))) if *language == lcid => Some(format.clone()),
        _ => None,
    });
    cached.unwrap_or_else(|| {
        let format = new_format(lcid);
        FORMATS.with(|cached| {
            if let Ok(mut cached) = cached.try_borrow_mut() {
                *cached = Some((lcid, format.clone()));
            }
        });
        format
    })
}

/// A new `Intl.DateTimeFormat(…).format` for `lcid`.
fn new_format(lcid: u32) -> Function {
    let locales = Array::new();
    if let Some(tag) = locale_tag(lcid) {
        locales.push(&tag.into());
    }
    let options = Object::new();
    for (key, value) in [
        ("year", "numeric"),
        ("month", "short"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
        ("timeZoneName", "short"),
    ] {
        set_member(&options, key, &value.into());
    }
    js_sys::Intl::DateTimeFormat::new(&locales, &options).format()
}
