//! Draws a [`PanelModel`] or [`HistoryModel`] into the panel page's document (the HTML web
//! resource `rsub_/resubscribe/status.html`), with `createElement` and `textContent` only:
//! every text from a note stays text. The page's container keeps its live region between
//! renders; the region's text changes only when the summary does, so a re-render after a
//! save that changed nothing announces nothing.
//!
//! Works on a document of another window (the panel's iframe): no `instanceof` checks
//! (`dyn_into`) on its nodes, which belong to another JavaScript realm.

use crate::domain::text::decimal;
use crate::prelude::*;
use core::fmt;

use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

use super::model::{HistoryModel, PanelModel, Row, Section, Tone};
use crate::xrm::form::describe;

/// The container the page provides (`<main id="rsub-status">`).
pub const CONTAINER_ID: &str = "rsub-status";
/// The heading inside it.
pub const TITLE_ID: &str = "rsub-status-title";
/// The polite live region inside it.
pub const LIVE_ID: &str = "rsub-status-live";
/// What is redrawn on each render.
pub const BODY_ID: &str = "rsub-status-body";

/// Why the panel could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelError {
    /// The document has no element with id [`CONTAINER_ID`] (not our page, or not loaded).
    NoContainer,
    /// A DOM call failed.
    Dom(String),
}

impl PanelError {
    /// What went wrong, in English (for the log).
    pub fn describe(&self) -> String {
        match self {
            PanelError::NoContainer => ["the page has no #", CONTAINER_ID, " container"].concat(),
            PanelError::Dom(detail) => ["the panel could not be drawn: ", detail].concat(),
        }
    }
}

impl fmt::Display for PanelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl core::error::Error for PanelError {}

impl From<JsValue> for PanelError {
    fn from(error: JsValue) -> PanelError {
        PanelError::Dom(describe(&error))
    }
}

type Drawn<T = ()> = Result<T, PanelError>;

/// Builds elements in one document.
struct Builder<'a> {
    document: &'a Document,
}

impl Builder<'_> {
    /// `<tag class="…">` with optional text.
    fn el(&self, tag: &str, class: &str, text: Option<&str>) -> Drawn<Element> {
        let element = self.document.create_element(tag)?;
        if !class.is_empty() {
            element.set_class_name(class);
        }
        if let Some(text) = text {
            element.set_text_content(Some(text));
        }
        Ok(element)
    }

    /// Appends `<tag class="…">text</tag>` to `parent`.
    fn add(&self, parent: &Element, tag: &str, class: &str, text: Option<&str>) -> Drawn<Element> {
        let child = self.el(tag, class, text)?;
        parent.append_child(&child)?;
        Ok(child)
    }

    /// The element with `id` inside the container, created (appended) when missing.
    fn part(&self, container: &Element, id: &str, tag: &str, class: &str) -> Drawn<Element> {
        if let Some(found) = self.document.get_element_by_id(id) {
            return Ok(found);
        }
        let created = self.add(container, tag, class, None)?;
        created.set_id(id);
        Ok(created)
    }

    /// A `<dl>` of rows; each value carries its tone.
    fn rows(&self, parent: &Element, rows: &[Row]) -> Drawn {
        if rows.is_empty() {
            return Ok(());
        }
        let list = self.add(parent, "dl", "rows", None)?;
        for row in rows {
            let pair = self.add(&list, "div", "row", None)?;
            self.add(&pair, "dt", "row-label", Some(&row.label))?;
            let value = self.add(&pair, "dd", &tone_class("row-value", row.tone), None)?;
            value.set_text_content(Some(&row.value));
        }
        Ok(())
    }

    /// A `<details>` (closed) whose `<summary>` is `title`, holding `rows`: a longer part that
    /// only who wants it opens, so the frame fits its content without a scrollbar. Returns the
    /// summary (to name a section by).
    fn collapsed(&self, parent: &Element, title: &str, rows: &[Row]) -> Drawn<Element> {
        let block = self.add(parent, "details", "more", None)?;
        let summary = self.add(&block, "summary", "more-title", Some(title))?;
        self.rows(&block, rows)?;
        Ok(summary)
    }

    /// A `<section>` with its heading (labelling it), rows and note.
    fn section(&self, parent: &Element, id: &str, section: &Section) -> Drawn {
        let block = self.add(parent, "section", "section", None)?;
        let heading_id = [id, "-title"].concat();
        block.set_attribute("aria-labelledby", &heading_id)?;
        let heading = self.add(&block, "h2", "section-title", Some(&section.title))?;
        heading.set_id(&heading_id);
        self.rows(&block, &section.rows)?;
        if let Some(note) = &section.note {
            self.add(&block, "p", "note", Some(note))?;
        }
        Ok(())
    }
}

fn tone_class(base: &str, tone: Tone) -> String {
    let mut class = String::with_capacity(base.len() + 14);
    class.push_str(base);
    class.push_str(" tone-");
    class.push_str(tone.name());
    class
}

/// The container, its heading, live region and (emptied) body; sets the heading and the
/// view's name and tone.
fn prepare(
    builder: &Builder<'_>,
    view: &str,
    title: &str,
    tone: Tone,
    state: &str,
) -> Drawn<(Element, Element)> {
    let container = builder
        .document
        .get_element_by_id(CONTAINER_ID)
        .ok_or(PanelError::NoContainer)?;
    let heading = builder.part(&container, TITLE_ID, "h1", "title")?;
    let live = builder.part(&container, LIVE_ID, "p", "summary")?;
    if live.get_attribute("aria-live").is_none() {
        live.set_attribute("role", "status")?;
        live.set_attribute("aria-live", "polite")?;
        live.set_attribute("aria-atomic", "true")?;
    }
    let body = builder.part(&container, BODY_ID, "div", "body")?;
    if heading.text_content().as_deref() != Some(title) {
        heading.set_text_content(Some(title));
        builder.document.set_title(title);
    }
    container.set_class_name(&tone_class("panel", tone));
    container.set_attribute("data-view", view)?;
    container.set_attribute("data-state", state)?;
    container.set_attribute("aria-labelledby", TITLE_ID)?;
    body.set_text_content(None);
    Ok((live, body))
}

/// Announces `summary` (politely) unless the live region says it already.
fn announce(live: &Element, summary: &str) {
    if live.text_content().as_deref() != Some(summary) {
        live.set_text_content(Some(summary));
    }
}

/// Draws the status panel of the suppression form into `document`.
pub fn render(document: &Document, model: &PanelModel) -> Result<(), PanelError> {
    let builder = Builder { document };
    let (live, body) = prepare(&builder, "status", &model.title, model.tone, model.state)?;

    if !model.timeline.is_empty() {
        let list = builder.add(&body, "ol", "timeline", None)?;
        list.set_attribute("aria-label", &model.timeline_label)?;
        for item in &model.timeline {
            let state = item.state.name();
            let step = builder.add(&list, "li", &["step step-", state].concat(), None)?;
            step.set_attribute("data-state", state)?;
            step.set_attribute("data-step", step_name(item.kind))?;
            if item.current {
                step.set_attribute("aria-current", "step")?;
            }
            let marker = builder.add(&step, "span", "step-marker", None)?;
            marker.set_attribute("aria-hidden", "true")?;
            let text = builder.add(&step, "div", "step-text", None)?;
            let head = builder.add(&text, "div", "step-head", None)?;
            builder.add(&head, "span", "step-label", Some(&item.label))?;
            builder.add(&head, "span", "step-status", Some(&item.status))?;
            // Date and actor share one line: the timeline stays short.
            if item.date.is_some() || !item.actor.is_empty() {
                let meta = builder.add(&text, "div", "step-meta", None)?;
                if let Some(date) = &item.date {
                    builder.add(&meta, "span", "step-date", Some(date))?;
                }
                if !item.actor.is_empty() {
                    builder.add(&meta, "span", "step-actor", Some(&item.actor))?;
                }
            }
        }
    }
    if let Some(evidence) = &model.evidence {
        if evidence.rows.is_empty() {
            builder.section(&body, "rsub-evidence", evidence)?;
        } else {
            // A section named by its summary, the request's details collapsed inside it.
            let block = builder.add(&body, "section", "section", None)?;
            let summary = builder.collapsed(&block, &evidence.title, &evidence.rows)?;
            summary.set_id("rsub-evidence-title");
            block.set_attribute("aria-labelledby", "rsub-evidence-title")?;
        }
    }
    if let Some(consent) = &model.consent {
        builder.section(&body, "rsub-consent", consent)?;
    }
    if let Some(compatibility) = &model.compatibility {
        builder.rows(&body, core::slice::from_ref(compatibility))?;
    }
    container_ready(document, model.state == "loading")?;
    announce(&live, &model.summary);
    Ok(())
}

/// Draws the contact's resubscription history into `document`.
pub fn render_history(document: &Document, model: &HistoryModel) -> Result<(), PanelError> {
    let builder = Builder { document };
    let state = if model.loading {
        "loading"
    } else if model.entries.is_empty() {
        "empty"
    } else {
        "entries"
    };
    let (live, body) = prepare(&builder, "history", &model.title, model.tone, state)?;
    if !model.entries.is_empty() {
        let list = builder.add(&body, "ol", "history", None)?;
        list.set_attribute("aria-label", &model.title)?;
        for (index, entry) in model.entries.iter().enumerate() {
            let item = builder.add(&list, "li", "entry", None)?;
            let heading_id = ["rsub-history-", &decimal(index as i64)].concat();
            let article = builder.add(&item, "article", "entry-body", None)?;
            article.set_attribute("aria-labelledby", &heading_id)?;
            let heading = builder.add(&article, "h2", "section-title", Some(&entry.heading))?;
            heading.set_id(&heading_id);
            builder.rows(&article, core::slice::from_ref(&entry.outcome))?;
            if !entry.rows.is_empty() {
                builder.collapsed(&article, &model.details_label, &entry.rows)?;
            }
        }
    }
    container_ready(document, model.loading)?;
    announce(&live, &model.summary);
    Ok(())
}

/// Tells assistive technology whether the panel has finished drawing (`busy`: it shows that
/// the record is still being read).
fn container_ready(document: &Document, busy: bool) -> Drawn {
    if let Some(container) = document.get_element_by_id(CONTAINER_ID) {
        container.set_attribute("aria-busy", if busy { "true" } else { "false" })?;
    }
    Ok(())
}

fn step_name(kind: crate::domain::lifecycle::StepKind) -> &'static str {
    use crate::domain::lifecycle::StepKind;
    match kind {
        StepKind::Requested => "requested",
        StepKind::ConfirmationSent => "confirmationSent",
        StepKind::Resubscribed => "resubscribed",
        StepKind::BulkRestrictionLifted => "bulkRestrictionLifted",
        StepKind::Failed => "failed",
    }
}
