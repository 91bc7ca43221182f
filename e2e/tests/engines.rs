//! The smoke subset in the other engines Dynamics 365 supports: Firefox ESR (Gecko) and
//! WebKitGTK (Safari's engine). Chromium (Edge and Chrome's engine) runs the whole suite; here
//! each engine proves the three things a user meets first:
//!
//! 1. the load: the shipped form library runs (its notices appear, the reason it reads decides
//!    the Request Resubscribe box) and nothing fails — no script error, no missing library;
//! 2. the request flow: tick Request Resubscribe, fill the evidence dialog, save: exactly one
//!    note on the contact and the request on the record;
//! 3. a refusal: a request with no evidence behind it is refused with its message, and nothing
//!    is saved.
//!
//! One driver process per engine serves its tests, one session at a time. An engine that is not
//! installed skips its tests with a loud message, unless `CI` is set: then they fail.

use e2e::form::{audit_notes, SUPPRESSION};
use e2e::seed::{CONTACT_MARIA_CAMPBELL, SUPPRESSION_ISP_COMPLAINED, SUPPRESSION_UNSUBSCRIBED};
use e2e::status::PANEL_FRAME;
use e2e::{ensure, run_in, Engine, Outcome};
use serde_json::json;

const FLAG: &str = "esc_requestresubscribe";

/// What a healthy load leaves on the page: the library's messages, errors among them.
const LOAD_FAULTS_JS: &str = r##"
    const banner = document.getElementById("library-banner");
    return {
        banner: banner && !banner.hidden ? banner.textContent.trim() : "",
        errorNotes: Array.from(document.querySelectorAll("#form-notifications .form-note.level-error"))
            .map((n) => n.textContent.trim()),
        errorEvents: Array.from(document.querySelectorAll("#event-log li.log-error"))
            .map((n) => n.textContent.trim()),
        pageMessage: Array.from(document.querySelectorAll(".page-message"))
            .map((n) => n.textContent.trim()).join(" ")
    };
"##;

/// Fails when the page shows a script error, a missing library or a page message.
async fn no_load_faults(t: &e2e::E2e) -> Outcome {
    let faults = t.page.execute(LOAD_FAULTS_JS, vec![]).await?;
    ensure!(faults["banner"] == json!(""), "library banner: {faults:#}");
    ensure!(
        faults["errorNotes"] == json!([]),
        "error notices: {faults:#}"
    );
    ensure!(
        faults["errorEvents"] == json!([]),
        "errors logged: {faults:#}"
    );
    ensure!(
        faults["pageMessage"] == json!(""),
        "page message: {faults:#}"
    );
    Ok(())
}

/// (1) The form library loads and runs: its OnLoad ran, it explains a reason that cannot be
/// resubscribed and disables the box there; where a request may be made its status panel shows
/// what it read at load and the box is enabled; it runs in the form libraries' frame
/// (`ClientApiFrame_0`); nothing failed on the way.
async fn loads_the_form_library(t: &e2e::E2e) -> Outcome {
    t.page
        .open_record(SUPPRESSION, SUPPRESSION_ISP_COMPLAINED)
        .await?;
    t.page
        .wait_for_event("form library /WebResources/rsub_/resubscribe/form.js loaded")
        .await?;
    t.page.wait_for_event("OnLoad").await?;
    let shown =
        e2e::status::wait_for_summary(&t.page, "complained about your email as spam or abuse")
            .await?;
    ensure!(shown.contains("cannot be resubscribed"), "{shown}");
    ensure!(
        e2e::form::flag_disabled(&t.page).await?,
        "Request Resubscribe is enabled"
    );
    no_load_faults(t).await?;

    e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
    // The status panel draws what the library read at load: the request state and the
    // connector's version.
    t.page
        .wait_until_with(
            "the status panel to show the state read at load",
            "const f = document.querySelector(arguments[0]);
             const d = f && f.contentDocument;
             const text = d && d.body ? d.body.innerText : '';
             return text.includes('No resubscribe request is pending')
                 && text.includes('Ready for resubscribe requests') ? text : null;",
            vec![json!(PANEL_FRAME)],
        )
        .await?;
    ensure!(
        !e2e::form::flag_disabled(&t.page).await?,
        "Request Resubscribe is disabled on a record that may be resubscribed"
    );
    // It ran where the platform runs form libraries: in their own frame, with its marks there.
    let handler = t
        .page
        .execute_in_script_frame("return typeof Rsub.EmailSuppressionForm.onLoad;", vec![])
        .await?;
    ensure!(
        handler == json!("function"),
        "the library's OnLoad handler in the script frame is {handler}"
    );
    let marks = t.page.script_frame_marks("rsub:state-rendered").await?;
    ensure!(marks > 0, "no rsub:state-rendered mark in the script frame");
    no_load_faults(t).await
}

/// (2) Tick, evidence, save: the request is on the record and exactly one note on the contact.
async fn records_a_request_with_one_note(t: &e2e::E2e) -> Outcome {
    e2e::status::save_a_request(
        &t.page,
        "phone",
        "Phone call to the service desk, CAS-0042.",
    )
    .await?;
    let text = e2e::form::saved_with_one_note(t)?;
    for expected in [" asked by phone on ", "CAS-0042"] {
        ensure!(
            text.contains(expected),
            "the note lacks {expected:?}:\n{text}"
        );
    }
    no_load_faults(t).await
}

/// (3) A request ticked by a script, with no evidence, is refused with its message; nothing is
/// written.
async fn refuses_a_request_without_evidence(t: &e2e::E2e) -> Outcome {
    e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
    e2e::form::save_ticked_without_evidence(&t.page).await?;
    let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
    ensure!(row[FLAG] == json!(false), "the flag was saved: {row}");
    let patches = t
        .emulator
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count();
    ensure!(patches == 0, "{patches} PATCH request(s) went out");
    let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
    ensure!(notes.is_empty(), "a note was written: {notes:?}");
    Ok(())
}

/// The three smoke tests for one engine, named `<engine>_<step>`.
macro_rules! smoke {
    ($engine:expr, $load:ident, $request:ident, $refusal:ident) => {
        #[tokio::test]
        async fn $load() -> Outcome {
            run_in($engine, stringify!($load), loads_the_form_library).await
        }

        #[tokio::test]
        async fn $request() -> Outcome {
            run_in(
                $engine,
                stringify!($request),
                records_a_request_with_one_note,
            )
            .await
        }

        #[tokio::test]
        async fn $refusal() -> Outcome {
            run_in(
                $engine,
                stringify!($refusal),
                refuses_a_request_without_evidence,
            )
            .await
        }
    };
}

smoke!(
    Engine::Firefox,
    firefox_loads_the_form_library,
    firefox_records_a_request_with_one_note,
    firefox_refuses_a_request_without_evidence
);

smoke!(
    Engine::WebKit,
    webkit_loads_the_form_library,
    webkit_records_a_request_with_one_note,
    webkit_refuses_a_request_without_evidence
);
