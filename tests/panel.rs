//! Browser tests of the status panel: the real page (`status.html` with `status.js` inlined)
//! in an iframe of the test page, handed models as JSON (`ui::wire`) as the form library does,
//! and drawing them with its own script; and the shell's `showPanel` (`www/loader/shell.js`,
//! loaded as it is) reaching that page through a form's control, and its `resumeWith` handing
//! answers back to the module (`resubscribe::shell`). Assertions read roles, accessible names
//! and text, never pixels.
//!
//! Run through `cargo xtask test`, which builds the Contact form's library and points
//! `CONTACT_LIBRARY_JS` at it.
#![cfg(target_arch = "wasm32")]

use resubscribe::domain::compatibility::{check, ConnectorReading};
use resubscribe::domain::email::EmailAddress;
use resubscribe::domain::evidence::{Channel, Evidence, UserRef};
use resubscribe::domain::history::{history, RecordedRequest};
use resubscribe::domain::lifecycle::{Lifecycle, LifecyclePatterns, NoteFact, ResubscribePath};
use resubscribe::domain::messages::Message;
use resubscribe::domain::note::{RequestMarker, ResubscribeNote};
use resubscribe::domain::time::Timestamp;
use resubscribe::domain::SuppressionReason;
use resubscribe::ui::model::{
    ContactConsent, HistoryItem, HistoryModel, PanelInputs, PanelModel, Row, Tone,
};
use resubscribe::ui::{dates, panel, wire};
use resubscribe::xrm::Form;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PAGE: &str = include_str!("../www/webresources/rsub_/resubscribe/status.html");
const SCRIPT: &str = include_str!("../www/webresources/rsub_/resubscribe/status.js");
const STYLE: &str = include_str!("../www/webresources/rsub_/resubscribe/status.css");

/// 2026-11-26T14:03:00Z.
const REQUESTED: Timestamp = Timestamp(1_795_701_780_000);
const HOUR: i64 = 3_600_000;
const HOSTILE: &str = "<img src=x onerror=alert(1)> asked by phone";
const RECORD: &str = "8f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e";

#[wasm_bindgen(inline_js = r#"
export function openFrame(html) {
    const frame = document.createElement("iframe");
    frame.title = "Resubscription status";
    frame.style.width = "320px";
    frame.style.height = "600px";
    const loaded = new Promise((resolve) => frame.addEventListener("load", () => resolve(frame), { once: true }));
    frame.srcdoc = html;
    document.body.appendChild(frame);
    return loaded;
}
export function frameWindow(frame) { return frame.contentWindow; }
export function frameDocument(frame) { return frame.contentDocument; }
export function removeFrame(frame) { frame.remove(); }
export function texts(doc, selector) {
    return Array.from(doc.querySelectorAll(selector), (n) => n.textContent);
}
export function attr(doc, selector, name) {
    const node = doc.querySelector(selector);
    return node ? node.getAttribute(name) : null;
}
export function count(doc, selector) { return doc.querySelectorAll(selector).length; }
export function listName(doc, selector) {
    const list = doc.querySelector(selector);
    return list ? list.getAttribute("aria-label") : null;
}
/** The accessible name of a section: the text of the element its aria-labelledby names. */
export function sectionNames(doc) {
    return Array.from(doc.querySelectorAll("section[aria-labelledby], article[aria-labelledby]"),
        (s) => (doc.getElementById(s.getAttribute("aria-labelledby")) || {}).textContent || null);
}
/** Row label → value pairs of every description list, in order. */
export function rows(doc) {
    return Array.from(doc.querySelectorAll("dl > div"), (row) =>
        [row.querySelector("dt").textContent, row.querySelector("dd").textContent]);
}
export function watch(node) {
    const observer = new MutationObserver(() => {});
    observer.observe(node, { childList: true, characterData: true, subtree: true });
    return observer;
}
export function changes(observer) { return observer.takeRecords().length; }
export function trapAlerts(win) { win.__alerts = 0; win.alert = () => { win.__alerts += 1; }; }
export function alerts(win) { return win.__alerts; }
export function setXrm(lcid) {
    globalThis.Xrm = { Utility: { getGlobalContext: () => ({ userSettings: { languageId: lcid } }) } };
}
export function fakeExecutionContext(frame) {
    const formContext = {
        calls: 0,
        getControl(name) {
            if (name !== "WebResource_rsub_status") { return null; }
            return { getContentWindow() { return Promise.resolve(frame.contentWindow); } };
        },
    };
    return { getFormContext() { return formContext; } };
}
export function lang(doc) { return doc.documentElement.lang; }
export function contactHandler(library) {
    if (!(globalThis.Rsub && globalThis.Rsub.ContactForm)) {
        const script = document.createElement("script");
        script.text = library;
        document.head.appendChild(script);
    }
    return globalThis.Rsub && globalThis.Rsub.ContactForm && globalThis.Rsub.ContactForm.onLoad;
}
export function storedContext(win) { return typeof win.setClientApiContext; }
export function drawInto(win, json) { win.drawPanel(json); }
export function loadShell(source) {
    if (!globalThis.RsubShell) {
        const script = document.createElement("script");
        script.text = source;
        document.head.appendChild(script);
    }
}
export function formWithoutPanel() {
    return { getFormContext() { return { getControl() { return null; } }; } };
}
export function installModule(resume) { globalThis.wasm_bindgen = { resume }; }
export function answeringAtOnce(value) { return { then(ok) { ok(value); } }; }
export function throwingThen(reason) { return { then() { throw reason; } }; }
export function rejected(reason) { return Promise.reject(reason); }
export function later(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = openFrame)]
    fn open_frame(html: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = frameWindow)]
    fn frame_window(frame: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = frameDocument)]
    fn frame_document(frame: &JsValue) -> web_sys::Document;
    #[wasm_bindgen(js_name = removeFrame)]
    fn remove_frame(frame: &JsValue);
    fn texts(doc: &web_sys::Document, selector: &str) -> Vec<String>;
    fn attr(doc: &web_sys::Document, selector: &str, name: &str) -> Option<String>;
    fn count(doc: &web_sys::Document, selector: &str) -> u32;
    #[wasm_bindgen(js_name = listName)]
    fn list_name(doc: &web_sys::Document, selector: &str) -> Option<String>;
    #[wasm_bindgen(js_name = sectionNames)]
    fn section_names(doc: &web_sys::Document) -> Vec<JsValue>;
    fn rows(doc: &web_sys::Document) -> js_sys::Array;
    fn watch(node: &web_sys::Element) -> JsValue;
    fn changes(observer: &JsValue) -> u32;
    #[wasm_bindgen(js_name = trapAlerts)]
    fn trap_alerts(win: &JsValue);
    fn alerts(win: &JsValue) -> u32;
    #[wasm_bindgen(js_name = setXrm)]
    fn set_xrm(lcid: u32);
    #[wasm_bindgen(js_name = fakeExecutionContext)]
    fn fake_execution_context(frame: &JsValue) -> JsValue;
    fn lang(doc: &web_sys::Document) -> String;
    #[wasm_bindgen(js_name = contactHandler)]
    fn contact_handler(library: &str) -> JsValue;
    #[wasm_bindgen(js_name = drawInto)]
    fn draw_into(win: &JsValue, json: &str);
    #[wasm_bindgen(js_name = loadShell)]
    fn load_shell(source: &str);
    #[wasm_bindgen(js_name = formWithoutPanel)]
    fn form_without_panel() -> JsValue;
    #[wasm_bindgen(js_name = installModule)]
    fn install_module(resume: &JsValue);
    #[wasm_bindgen(js_name = answeringAtOnce)]
    fn answering_at_once(value: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = throwingThen)]
    fn throwing_then(reason: &str) -> js_sys::Promise;
    fn rejected(reason: &str) -> js_sys::Promise;
    fn later(ms: u32) -> js_sys::Promise;
}

/// The shell, as the build puts it into each library.
const SHELL: &str = include_str!("../www/loader/shell.js");

/// Has the page draw the status panel's model, as `showPanel` does once it has the page.
fn draw_panel(win: &JsValue, model: &PanelModel) {
    draw_into(win, &wire::panel(model));
}

/// Has the page draw the history's model.
fn draw_history(win: &JsValue, model: &HistoryModel) {
    draw_into(win, &wire::history(model));
}

/// What the shell's `showPanel` (loaded first) resolved with for a drawing the module asked
/// for: `true`, `false` or the reason, a string.
async fn shown(drawing: Option<js_sys::Promise>) -> JsValue {
    JsFuture::from(drawing.expect("the shell is loaded"))
        .await
        .expect("showPanel never rejects")
}

/// The Contact form's shipped library.
const CONTACT_LIBRARY: &str = include_str!(env!("CONTACT_LIBRARY_JS"));

/// The shipped page with its script and style inlined (a `srcdoc` frame cannot fetch them).
fn page() -> String {
    PAGE.replace(
        r#"<script src="status.js"></script>"#,
        &format!("<script>{SCRIPT}</script>"),
    )
    .replace(
        r#"<link rel="stylesheet" href="status.css">"#,
        &format!("<style>{STYLE}</style>"),
    )
}

async fn frame() -> JsValue {
    JsFuture::from(open_frame(&page()))
        .await
        .expect("the panel page loads")
}

fn at(hours: i64) -> Timestamp {
    Timestamp(REQUESTED.0 + hours * HOUR)
}

fn english(message: &Message) -> String {
    message.render_english()
}

fn utc(on: Timestamp) -> String {
    on.to_display_utc()
}

fn audit_note(hours: i64, details: &str) -> NoteFact {
    let evidence = Evidence {
        contact_name: "Jane Doe".into(),
        channel: Channel::Phone,
        requested_at: Timestamp(at(hours).0 - HOUR / 2),
        details: details.into(),
        recorded_by: UserRef {
            id: "0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c".into(),
            name: "Sam Agent".into(),
        },
    };
    let marker = RequestMarker::new(RECORD, at(hours)).unwrap();
    let note = ResubscribeNote::compose(
        &evidence,
        &EmailAddress::parse("jane.doe@example.com").unwrap(),
        &SuppressionReason::Unsubscribed,
        &marker,
    );
    note.as_fact()
}

fn model(lifecycle: &Lifecycle, request: Option<&RecordedRequest>) -> PanelModel {
    let compatibility = check("9.2.25093.00168", &ConnectorReading::installed("7.0.1.721"));
    PanelModel::build(
        &PanelInputs {
            lifecycle,
            verified: true,
            request,
            compatibility: Some(&compatibility),
            contact: Some(ContactConsent {
                donotbulkemail: Some(true),
                donotemail: Some(false),
            }),
        },
        english,
        utc,
    )
}

fn states() -> Vec<(&'static str, Lifecycle, Option<&'static str>)> {
    vec![
        ("notRequested", Lifecycle::NotRequested, None),
        (
            "awaitingSync",
            Lifecycle::AwaitingSync {
                requested_on: Some(REQUESTED),
                confirmation_email: true,
            },
            Some("Send the confirmation email"),
        ),
        (
            "awaitingConfirmation",
            Lifecycle::AwaitingConfirmation {
                requested_on: Some(REQUESTED),
                email_sent_on: at(12),
            },
            Some("Resubscribe the address"),
        ),
        (
            "resubscribed",
            Lifecycle::Resubscribed {
                requested_on: Some(REQUESTED),
                email_sent_on: Some(at(12)),
                confirmed_on: Some(at(30)),
                bulk_restriction_on: true,
                path: ResubscribePath::Confirmation,
            },
            Some("Lift the bulk email restriction"),
        ),
        (
            "complete",
            Lifecycle::Complete {
                requested_on: Some(REQUESTED),
                email_sent_on: Some(at(12)),
                confirmed_on: Some(at(30)),
                path: ResubscribePath::Confirmation,
            },
            // Finished: every step done, none is waited for.
            None,
        ),
        (
            "failed",
            Lifecycle::Failed {
                requested_on: Some(REQUESTED),
                email_sent_on: Some(at(12)),
                on: at(20),
                why: "Resubscription failed: abuse reported".into(),
            },
            Some("Resubscription failed"),
        ),
    ]
}

#[wasm_bindgen_test]
async fn each_lifecycle_state_renders_its_timeline_and_current_step() {
    let frame = frame().await;
    let doc = frame_document(&frame);
    let win = frame_window(&frame);
    for (state, lifecycle, current) in states() {
        let model = model(&lifecycle, None);
        draw_panel(&win, &model);
        assert_eq!(
            attr(&doc, "#rsub-status", "data-state").as_deref(),
            Some(state)
        );
        assert_eq!(
            attr(&doc, "#rsub-status", "aria-busy").as_deref(),
            Some("false")
        );
        assert_eq!(texts(&doc, "h1"), vec!["Resubscription status".to_owned()]);
        assert_eq!(
            texts(&doc, "[role=status]"),
            vec![model.summary.clone()],
            "{state}"
        );
        let steps = texts(&doc, "ol.timeline > li .step-label");
        assert_eq!(steps.len(), model.timeline.len(), "{state}");
        match current {
            None if !steps.is_empty() => {
                assert_eq!(count(&doc, "[aria-current]"), 0, "{state}");
            }
            None => {
                assert_eq!(
                    count(&doc, "ol"),
                    0,
                    "no timeline when nothing was requested"
                );
            }
            Some(label) => {
                assert_eq!(list_name(&doc, "ol.timeline").as_deref(), Some("Progress"));
                assert_eq!(
                    texts(&doc, "[aria-current=step] .step-label"),
                    vec![label.to_owned()],
                    "{state}"
                );
                assert_eq!(count(&doc, "[aria-current]"), 1, "{state}");
                // Each step says its state in words, not only by colour.
                let words = texts(&doc, "ol.timeline > li .step-status");
                assert!(
                    words.iter().all(|w| [
                        "Done",
                        "Waiting for the next sync",
                        "Waiting for the contact to confirm",
                        "Not yet",
                        "Failed"
                    ]
                    .contains(&w.as_str())),
                    "{state}: {words:?}"
                );
                assert_eq!(
                    count(&doc, ".step-marker[aria-hidden=true]"),
                    steps.len() as u32
                );
            }
        }
    }
    let names: Vec<Option<String>> = section_names(&doc).iter().map(|v| v.as_string()).collect();
    assert!(
        names.contains(&Some("The contact's email preferences".to_owned())),
        "{names:?}"
    );
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn suppressed_by_you_shows_no_email_step() {
    let frame = frame().await;
    let doc = frame_document(&frame);
    let win = frame_window(&frame);
    let lifecycle = Lifecycle::AwaitingSync {
        requested_on: Some(REQUESTED),
        confirmation_email: false,
    };
    draw_panel(&win, &model(&lifecycle, None));
    assert_eq!(
        texts(&doc, "ol.timeline .step-label"),
        vec![
            "Resubscribe requested".to_owned(),
            "Resubscribe the address".to_owned(),
            "Lift the bulk email restriction".to_owned()
        ]
    );
    assert_eq!(
        texts(&doc, "[aria-current=step] .step-status"),
        vec!["Waiting for the next sync".to_owned()]
    );
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn live_region_changes_only_when_the_state_does() {
    let frame = frame().await;
    let doc = frame_document(&frame);
    let win = frame_window(&frame);
    let waiting = Lifecycle::AwaitingSync {
        requested_on: Some(REQUESTED),
        confirmation_email: true,
    };
    draw_panel(&win, &model(&waiting, None));
    let live = doc
        .get_element_by_id("rsub-status-live")
        .expect("live region");
    assert_eq!(live.get_attribute("aria-live").as_deref(), Some("polite"));
    let first = live.text_content().unwrap_or_default();
    assert!(first.starts_with("Resubscribe requested on "), "{first}");

    let observer = watch(&live);
    draw_panel(&win, &model(&waiting, None));
    assert_eq!(
        changes(&observer),
        0,
        "a re-render of the same state is silent"
    );

    let sent = Lifecycle::AwaitingConfirmation {
        requested_on: Some(REQUESTED),
        email_sent_on: at(12),
    };
    draw_panel(&win, &model(&sent, None));
    assert!(changes(&observer) > 0);
    assert_eq!(
        live.text_content().as_deref(),
        Some(
            "Confirmation email sent on 2026-11-27 02:03 UTC; waiting for the contact to confirm."
        )
    );
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn evidence_markup_is_shown_as_text_never_parsed() {
    let frame = frame().await;
    let doc = frame_document(&frame);
    let win = frame_window(&frame);
    trap_alerts(&win);
    let request = RecordedRequest::from_note(&audit_note(0, HOSTILE)).expect("our note");
    let lifecycle = Lifecycle::AwaitingSync {
        requested_on: Some(REQUESTED),
        confirmation_email: true,
    };
    draw_panel(&win, &model(&lifecycle, Some(&request)));
    assert_eq!(count(&doc, "img"), 0, "no element was made from the text");
    let pairs: Vec<(String, String)> = rows(&doc)
        .iter()
        .map(|pair| {
            let pair = js_sys::Array::from(&pair);
            (
                pair.get(0).as_string().unwrap_or_default(),
                pair.get(1).as_string().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        pairs.contains(&("What they said".to_owned(), HOSTILE.to_owned())),
        "{pairs:?}"
    );
    assert!(pairs.contains(&("Who asked".to_owned(), "Jane Doe".to_owned())));
    assert!(pairs.contains(&("Channel".to_owned(), "Phone".to_owned())));
    assert!(pairs.contains(&(
        "Recorded by".to_owned(),
        "Sam Agent on 2026-11-26 14:03 UTC".to_owned()
    )));
    assert!(pairs.contains(&("Bulk email".to_owned(), "Not allowed".to_owned())));
    assert!(pairs.contains(&(
        "Connector".to_owned(),
        "Ready for resubscribe requests".to_owned()
    )));
    assert_eq!(
        texts(&doc, "[aria-current=step] .step-status"),
        vec!["Waiting for the next sync".to_owned()]
    );
    assert_eq!(
        texts(&doc, "ol.timeline > li:first-child .step-actor"),
        vec!["By Sam Agent".to_owned()]
    );
    // The request's details are collapsed in a section its summary names.
    assert_eq!(
        count(
            &doc,
            "section[aria-labelledby=rsub-evidence-title] > details.more:not([open]) > summary#rsub-evidence-title"
        ),
        1
    );
    assert_eq!(
        attr(&doc, "ol.timeline > li:first-child", "data-step").as_deref(),
        Some("requested")
    );
    // Give an error handler a chance to run, had an <img> been created.
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL))
        .await
        .unwrap();
    assert_eq!(alerts(&win), 0);
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn history_lists_requests_newest_first_with_outcomes() {
    let frame = frame().await;
    let doc = frame_document(&frame);
    let win = frame_window(&frame);
    let connector = |subject: &str, hours| NoteFact {
        id: String::new(),
        subject: subject.into(),
        text: String::new(),
        created_on: at(hours),
    };
    let notes = vec![
        audit_note(0, "first"),
        connector("Resubscription failed: abuse reported", 5),
        audit_note(100, HOSTILE),
        connector("Resubscription confirmation email sent", 101),
    ];
    let entries = history(&notes, &LifecyclePatterns::default());
    draw_history(&win, &HistoryModel::build(&entries, english, utc));
    assert_eq!(texts(&doc, "h1"), vec!["Resubscription history".to_owned()]);
    assert_eq!(
        attr(&doc, "#rsub-status", "data-view").as_deref(),
        Some("history")
    );
    let names: Vec<String> = section_names(&doc)
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert_eq!(
        names,
        vec![
            "Request of 2026-11-30 18:03 UTC".to_owned(),
            "Request of 2026-11-26 14:03 UTC".to_owned()
        ]
    );
    let outcomes = texts(&doc, "article dd.tone-info, article dd.tone-error");
    assert_eq!(
        outcomes,
        vec![
            "Confirmation email sent on 2026-11-30 19:03 UTC; not confirmed yet".to_owned(),
            "Failed on 2026-11-26 19:03 UTC: abuse reported".to_owned()
        ]
    );
    assert_eq!(count(&doc, "img"), 0);
    assert!(texts(&doc, "dd").contains(&HOSTILE.to_owned()));
    assert_eq!(
        texts(&doc, "[role=status]"),
        vec!["This contact's notes record 2 resubscriptions, newest first.".to_owned()]
    );

    draw_history(&win, &HistoryModel::build(&[], english, utc));
    assert_eq!(count(&doc, "article"), 0);
    assert_eq!(
        texts(&doc, "[role=status]"),
        vec!["No resubscribe requests are recorded in this contact's notes.".to_owned()]
    );
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn the_form_hands_the_page_its_context_and_draws_into_it() {
    load_shell(SHELL);
    let frame = frame().await;
    set_xrm(1031);
    let form = Form::from_execution_context(&fake_execution_context(&frame)).expect("form");
    let doc = frame_document(&frame);
    let empty = HistoryModel::build(&[], english, utc);
    let drawn = shown(panel::show(&form, &wire::history(&empty))).await;
    assert_eq!(drawn.as_bool(), Some(true), "{drawn:?}");
    assert_eq!(lang(&doc), "de", "setClientApiContext set the language");
    assert_eq!(texts(&doc, "h1"), vec!["Resubscription history".to_owned()]);
    // Drawn again (a tab switch recreates the page; a re-render hands the context again): no
    // harm.
    let again = shown(panel::show(&form, &wire::history(&empty))).await;
    assert_eq!(again.as_bool(), Some(true));
    assert_eq!(lang(&doc), "de");
    // Two drawings at once: the newer one shows, the older one is dropped.
    let older = panel::render(&form, &PanelModel::loading(english));
    let newer = panel::show(&form, &wire::history(&empty));
    assert_eq!(shown(older).await.as_bool(), Some(false));
    assert_eq!(shown(newer).await.as_bool(), Some(true));
    assert_eq!(
        attr(&doc, "#rsub-status", "data-view").as_deref(),
        Some("history")
    );
    // A form without the panel: nothing to draw, not an error.
    let elsewhere = Form::from_execution_context(&form_without_panel()).expect("form");
    let none = shown(panel::show(&elsewhere, &wire::history(&empty))).await;
    assert_eq!(none.as_bool(), Some(false));
    set_xrm(1033);
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn the_panel_is_busy_only_while_the_record_is_read() {
    let frame = frame().await;
    let doc = frame_document(&frame);
    let win = frame_window(&frame);
    draw_panel(&win, &PanelModel::loading(english));
    assert_eq!(
        attr(&doc, "#rsub-status", "data-state").as_deref(),
        Some("loading")
    );
    assert_eq!(
        attr(&doc, "#rsub-status", "aria-busy").as_deref(),
        Some("true")
    );
    assert_eq!(count(&doc, "ol"), 0);
    draw_panel(&win, &model(&Lifecycle::NotRequested, None));
    assert_eq!(
        attr(&doc, "#rsub-status", "aria-busy").as_deref(),
        Some("false")
    );

    draw_history(&win, &HistoryModel::loading(english));
    assert_eq!(
        attr(&doc, "#rsub-status", "data-view").as_deref(),
        Some("history")
    );
    assert_eq!(
        attr(&doc, "#rsub-status", "aria-busy").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&doc, "#rsub-status", "class").as_deref(),
        Some("panel tone-neutral")
    );
    remove_frame(&frame);
}

/// Texts a note may hold that JSON must carry: quotes, backslashes, markup, line breaks, a
/// control character, a line separator, an astral character.
const AWKWARD: &str = " He said \"no\" \\ <b onclick=alert(1)>x</b>\n\t\u{1}\u{2028}é 😀\n";

#[wasm_bindgen_test]
async fn every_text_arrives_as_it_was_and_stays_text() {
    let frame = frame().await;
    let doc = frame_document(&frame);
    let win = frame_window(&frame);
    trap_alerts(&win);
    let row = |tone| Row {
        label: AWKWARD.into(),
        value: AWKWARD.into(),
        tone,
    };
    let model = HistoryModel {
        title: AWKWARD.into(),
        summary: AWKWARD.into(),
        entries: vec![HistoryItem {
            heading: AWKWARD.into(),
            rows: vec![row(Tone::Neutral)],
            outcome: row(Tone::Warning),
        }],
        tone: Tone::Warning,
        details_label: AWKWARD.into(),
        loading: false,
    };
    draw_history(&win, &model);
    assert_eq!(texts(&doc, "h1"), vec![AWKWARD.to_owned()]);
    assert_eq!(texts(&doc, "[role=status]"), vec![AWKWARD.to_owned()]);
    assert_eq!(texts(&doc, "article h2"), vec![AWKWARD.to_owned()]);
    assert_eq!(texts(&doc, "details > summary"), vec![AWKWARD.to_owned()]);
    assert_eq!(
        texts(&doc, "dd"),
        vec![AWKWARD.to_owned(), AWKWARD.to_owned()]
    );
    assert_eq!(texts(&doc, "dd.tone-warning"), vec![AWKWARD.to_owned()]);
    assert_eq!(count(&doc, "b"), 0, "no element was made from the text");
    assert_eq!(count(&doc, "details[open]"), 0, "details start closed");
    assert_eq!(
        attr(&doc, "#rsub-status", "class").as_deref(),
        Some("panel tone-warning")
    );
    assert_eq!(alerts(&win), 0);
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn an_older_page_without_the_drawing_function_is_reported_and_left_alone() {
    // The page as shipped before it drew itself: only setClientApiContext.
    let older = PAGE.replace(
        r#"<script src="status.js"></script>"#,
        "<script>window.setClientApiContext = function () {};</script>",
    );
    let frame = JsFuture::from(open_frame(&older)).await.unwrap();
    let doc = frame_document(&frame);
    load_shell(SHELL);
    let form = Form::from_execution_context(&fake_execution_context(&frame)).expect("form");
    let error = shown(panel::render(&form, &model(&Lifecycle::NotRequested, None))).await;
    let error = error.as_string().expect("a reason");
    assert!(error.contains("drawPanel"), "{error}");
    assert_eq!(texts(&doc, "h1"), vec![String::new()], "nothing was drawn");
    assert_eq!(
        attr(&doc, "#rsub-status", "aria-busy").as_deref(),
        Some("true")
    );
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn a_page_without_the_container_says_so() {
    let bare =
        format!("<!DOCTYPE html><html><head><script>{SCRIPT}</script></head><body></body></html>");
    let frame = JsFuture::from(open_frame(&bare)).await.unwrap();
    let doc = frame_document(&frame);
    load_shell(SHELL);
    let form = Form::from_execution_context(&fake_execution_context(&frame)).expect("form");
    // Asked for 8 times, 250 ms apart (the control may still be loading), then given up.
    let error = shown(panel::render(&form, &PanelModel::loading(english))).await;
    assert_eq!(
        error.as_string().as_deref(),
        Some("the page has no #rsub-status container")
    );
    assert_eq!(count(&doc, "h1"), 0, "nothing was drawn elsewhere");
    remove_frame(&frame);
}

#[wasm_bindgen_test]
async fn the_shell_hands_each_answer_back_once_and_never_inside_the_call() {
    use std::cell::RefCell;
    use std::rc::Rc;
    load_shell(SHELL);
    // The shell calls the module's `resume` export, here this test's copy of it.
    let resume = Closure::<dyn FnMut(u32, bool, JsValue)>::new(resubscribe::shell::resume);
    install_module(resume.as_ref());
    /// What each wait was answered with: its label, whether it succeeded, the value as text.
    type Answers = Rc<RefCell<Vec<(&'static str, bool, String)>>>;
    let answers: Answers = Rc::default();
    let wait = |label: &'static str, promise: Result<js_sys::Promise, JsValue>| {
        let answers = answers.clone();
        resubscribe::shell::then(promise, move |answer| {
            let (ok, value) = match answer {
                Ok(value) => (true, value),
                Err(reason) => (false, reason),
            };
            let text = value
                .as_string()
                .or_else(|| value.as_f64().map(|n| n.to_string()))
                .unwrap_or_default();
            answers.borrow_mut().push((label, ok, text));
        });
    };
    wait("a thenable answering at once", Ok(answering_at_once(42)));
    wait("a then that throws", Ok(throwing_then("thrown")));
    wait(
        "a value without then",
        Ok(JsValue::from(7).unchecked_into()),
    );
    wait("a call that failed", Err(JsValue::from("refused")));
    wait("a rejected promise", Ok(rejected("no")));
    assert!(
        answers.borrow().is_empty(),
        "nothing answers inside the call"
    );
    JsFuture::from(later(20)).await.unwrap();
    let mut answered = answers.borrow().clone();
    answered.sort();
    let expected = [
        ("a call that failed", false, "refused"),
        ("a rejected promise", false, "no"),
        ("a then that throws", false, "thrown"),
        ("a thenable answering at once", true, "42"),
        ("a value without then", true, "7"),
    ]
    .map(|(label, ok, text)| (label, ok, text.to_owned()));
    assert_eq!(answered, expected, "each answered once, with its outcome");
    // An answer for a wait already answered (or never made) is ignored.
    resubscribe::shell::resume(1, true, JsValue::NULL);
    JsFuture::from(later(5)).await.unwrap();
    assert_eq!(answers.borrow().len(), 5);
}

#[wasm_bindgen_test]
fn dates_follow_the_users_language() {
    let on = Timestamp(1_795_701_780_000);
    let german = dates::date_formatter(1031)(on);
    let english = dates::date_formatter(1033)(on);
    let unknown = dates::date_formatter(9999)(on);
    assert!(
        german.contains("2026") && german.contains("Nov"),
        "{german}"
    );
    assert!(
        english.contains("2026") && english.contains("Nov"),
        "{english}"
    );
    assert_ne!(german, english);
    assert!(unknown.contains("2026"), "{unknown}");
}

#[wasm_bindgen_test]
fn the_contact_library_registers_the_contact_form_handler_only() {
    assert!(
        contact_handler(CONTACT_LIBRARY).is_function(),
        "Rsub.ContactForm.onLoad is a function"
    );
    let rsub = js_sys::Reflect::get(&js_sys::global(), &"Rsub".into()).unwrap();
    for absent in ["EmailSuppressionForm", "diagnostics"] {
        assert!(
            js_sys::Reflect::get(&rsub, &absent.into())
                .unwrap()
                .is_undefined(),
            "Rsub.{absent} belongs to the Email Suppressions form's library"
        );
    }
}
