//! Dates as the panel and the messages show them: the browser's formatting for the user's
//! locale.

use crate::prelude::*;
use js_sys::{Array, Date, Function, Object};
use wasm_bindgen::JsValue;

use super::model::locale_tag;
use crate::domain::time::Timestamp;
use crate::xrm::form::set_member;

crate::local::page_local! {
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
