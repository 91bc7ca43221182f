//! Draws the checks into the configuration page (`rsub_/resubscribe/setup.html`) with
//! `createElement` and `textContent` only: one section per area (heading, list of checks), each
//! check with its status as a word (not colour alone), what it is about, and what to do.

use crate::prelude::*;

use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

use super::checks::{Area, Check};

/// The page's container.
pub const CONTAINER_ID: &str = "rsub-setup";
/// The polite live region (the summary).
pub const LIVE_ID: &str = "rsub-setup-live";
/// What is redrawn on each run.
pub const BODY_ID: &str = "rsub-setup-body";

/// The page's texts, already in the user's language.
pub struct Texts<'a> {
    /// The heading.
    pub title: &'a str,
    /// The sentence under it.
    pub intro: &'a str,
    /// The "Check again" button.
    pub recheck: &'a str,
}

fn element(
    document: &Document,
    tag: &str,
    class: &str,
    text: Option<&str>,
) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    if !class.is_empty() {
        element.set_class_name(class);
    }
    if let Some(text) = text {
        element.set_text_content(Some(text));
    }
    Ok(element)
}

fn by_id(document: &Document, id: &str) -> Result<Element, JsValue> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| JsValue::from_str(&["the page has no #", id].concat()))
}

/// Sets the fixed texts and says the checks are running.
pub fn start(document: &Document, texts: &Texts<'_>, running: &str) -> Result<(), JsValue> {
    let container = by_id(document, CONTAINER_ID)?;
    container.set_attribute("aria-busy", "true")?;
    by_id(document, "rsub-setup-title")?.set_text_content(Some(texts.title));
    by_id(document, "rsub-setup-intro")?.set_text_content(Some(texts.intro));
    let button = by_id(document, "rsub-setup-recheck")?;
    button.set_text_content(Some(texts.recheck));
    button.set_attribute("disabled", "")?;
    by_id(document, LIVE_ID)?.set_text_content(Some(running));
    document.set_title(texts.title);
    Ok(())
}

/// Shows one message instead of the checks (the page cannot check anything).
pub fn stop(document: &Document, text: &str) -> Result<(), JsValue> {
    by_id(document, LIVE_ID)?.set_text_content(Some(text));
    by_id(document, BODY_ID)?.set_text_content(None);
    finish(document)
}

fn finish(document: &Document) -> Result<(), JsValue> {
    by_id(document, CONTAINER_ID)?.set_attribute("aria-busy", "false")?;
    by_id(document, "rsub-setup-recheck")?.remove_attribute("disabled")?;
    Ok(())
}

/// Draws the checks: `label(area)`, `status(check)` and `text(check)` give the words.
pub fn show(
    document: &Document,
    checks: &[Check],
    summary: &str,
    label: impl Fn(Area) -> String,
    status: impl Fn(&Check) -> String,
    text: impl Fn(&Check) -> String,
) -> Result<(), JsValue> {
    let body = by_id(document, BODY_ID)?;
    body.set_text_content(None);
    for area in Area::ALL {
        let in_area: Vec<&Check> = checks.iter().filter(|c| c.area == area).collect();
        if in_area.is_empty() {
            continue;
        }
        let section = element(document, "section", "area", None)?;
        section.set_attribute("data-area", area.id())?;
        let heading_id = ["rsub-setup-", area.id(), "-title"].concat();
        section.set_attribute("aria-labelledby", &heading_id)?;
        let heading = element(document, "h2", "area-title", Some(&label(area)))?;
        heading.set_id(&heading_id);
        section.append_child(&heading)?;
        let list = element(document, "ul", "checks", None)?;
        for check in in_area {
            let item = element(
                document,
                "li",
                &["check status-", check.status.id()].concat(),
                None,
            )?;
            item.set_attribute("data-check", &check.id)?;
            item.set_attribute("data-status", check.status.id())?;
            let badge = element(document, "span", "badge", Some(&status(check)))?;
            item.append_child(&badge)?;
            if let Some(subject) = &check.subject {
                let named = element(document, "span", "subject", Some(subject))?;
                item.append_child(&named)?;
            }
            let words = element(document, "span", "text", Some(&text(check)))?;
            item.append_child(&words)?;
            list.append_child(&item)?;
        }
        section.append_child(&list)?;
        body.append_child(&section)?;
    }
    by_id(document, LIVE_ID)?.set_text_content(Some(summary));
    finish(document)
}
