//! The status panel as a user sees it in its frame: the timeline's words and whether the page
//! fits the frame the form gives it (no scrollbar inside the panel), read from the panel's
//! document (same origin) once it is drawn.

use serde_json::{json, Value};

use crate::form::{fill_evidence, open_evidence_dialog, open_loaded, request_with_evidence};
use crate::seed::SUPPRESSION_UNSUBSCRIBED;
use crate::{Outcome, Page};

/// The panel's web resource control on both forms.
pub const PANEL_FRAME: &str = "[data-control=WebResource_rsub_status] iframe";

/// The drawn panel once it shows `data-state` `arguments[1]`: its steps (label, status,
/// whether current), the headings of its history entries, the page's scroll height against
/// the frame's, how far down the panel and the last history heading end; `null` until then.
const LAYOUT_JS: &str = r#"
    const frame = document.querySelector(arguments[0]);
    const d = frame && frame.contentDocument;
    const main = d && d.getElementById('rsub-status');
    if (!main || main.getAttribute('aria-busy') !== 'false'
        || main.getAttribute('data-state') !== arguments[1]) { return null; }
    const text = (n) => n ? n.textContent.trim() : '';
    const headings = Array.from(d.querySelectorAll('ol.history > li h2'));
    const last = headings.length ? headings[headings.length - 1].getBoundingClientRect().bottom : 0;
    return {
        live: text(d.getElementById('rsub-status-live')),
        steps: Array.from(d.querySelectorAll('ol.timeline > li'), (li) => ({
            label: text(li.querySelector('.step-label')),
            status: text(li.querySelector('.step-status')),
            current: li.getAttribute('aria-current') === 'step',
        })),
        history: headings.map(text),
        contentHeight: d.documentElement.scrollHeight,
        usedHeight: Math.ceil(main.getBoundingClientRect().bottom),
        frameHeight: frame.contentWindow.innerHeight,
        lastHeadingBottom: last,
    };
"#;

/// The panel once it shows `state` (see [`LAYOUT_JS`]).
pub async fn layout(page: &Page, state: &str) -> Outcome<Value> {
    page.wait_until_with(
        &format!("the panel in state {state}"),
        LAYOUT_JS,
        vec![json!(PANEL_FRAME), json!(state)],
    )
    .await
}

/// `(label, status)` of each step of a [`layout`].
pub fn steps(layout: &Value) -> Vec<(String, String)> {
    layout["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap_or_default().to_string();
            (text("label"), text("status"))
        })
        .collect()
}

/// Whether the page of a [`layout`] fits its frame (no scrollbar inside the panel).
pub fn fits(layout: &Value) -> bool {
    let number = |k: &str| layout[k].as_f64().unwrap_or(f64::MAX);
    number("contentHeight") <= number("frameHeight")
}

/// Ticks the box, records the contact's request in any language, saves, and waits until the
/// panel shows the request waiting for the sync.
pub async fn request_and_save(page: &Page, channel: &str, details: &str) -> Outcome<Value> {
    open_evidence_dialog(page).await?;
    fill_evidence(page, channel, details).await?;
    page.click("#cmd-save").await?;
    layout(page, "awaitingSync").await
}

/// Waits until the panel's live region (where the resubscription stands, in one sentence)
/// contains `needle`; returns that sentence.
pub async fn wait_for_summary(page: &Page, needle: &str) -> Outcome<String> {
    let found = page
        .wait_until_with(
            &format!("the panel to say {needle:?}"),
            "const f = document.querySelector(arguments[0]);
             const d = f && f.contentDocument;
             const live = d && d.getElementById('rsub-status-live');
             const text = live ? live.textContent : '';
             return text.includes(arguments[1]) ? text : null;",
            vec![json!(PANEL_FRAME), json!(needle)],
        )
        .await?;
    Ok(found.as_str().unwrap_or_default().trim().to_string())
}

/// Opens the unsubscribed suppression, ticks the box, records the contact's request, saves, and
/// waits until the panel shows the saved request; returns the form notifications then.
pub async fn save_a_request(page: &Page, channel: &str, details: &str) -> Outcome<String> {
    open_loaded(page, SUPPRESSION_UNSUBSCRIBED).await?;
    request_with_evidence(page, channel, details).await?;
    crate::form::save(page).await?;
    request_saved(page).await
}

/// Waits until the panel shows a saved request waiting for the sync (the save went through,
/// its note written); returns the form notifications then.
pub async fn request_saved(page: &Page) -> Outcome<String> {
    layout(page, "awaitingSync").await?;
    crate::form::notifications(page).await
}
