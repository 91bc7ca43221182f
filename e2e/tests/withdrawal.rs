//! A saved request withdrawn (docs/domain.md §8), end to end: the shipped form library in the
//! demo form against the emulator. The box warns before the save, the save clears the request
//! date and says it in the past tense, one note records who withdrew the request and when, the
//! status panel and the contact's history say so, and the request date is the library's alone.

use e2e::form::{audit_notes, stored, FLAG_INPUT, FLAG_NOTE, NOTES, SUPPRESSION};
use e2e::seed::{CONTACT_MARIA_CAMPBELL, SUPPRESSION_UNSUBSCRIBED};
use e2e::status::PANEL_FRAME;
use e2e::{ensure, run, Outcome};
use serde_json::{json, Value};

const FLAG: &str = "esc_requestresubscribe";
const DATE: &str = "esc_resubscriberequestdate";
const WITHDRAWN_SUBJECT: &str = "Resubscribe request withdrawn";

/// The panel once drawn: its state, its summary and the rows of its history entries; `null`
/// until it is drawn (in `arguments[1]`, when given).
const PANEL_JS: &str = r#"
    const frame = document.querySelector(arguments[0]);
    const d = frame && frame.contentDocument;
    const main = d && d.getElementById('rsub-status');
    if (!main || main.getAttribute('aria-busy') !== 'false') { return null; }
    if (arguments[1] && main.getAttribute('data-state') !== arguments[1]) { return null; }
    const text = (n) => n ? n.textContent.trim() : '';
    return {
        state: main.getAttribute('data-state'),
        live: text(d.getElementById('rsub-status-live')),
        history: Array.from(main.querySelectorAll('ol.history > li > article')).map((a) =>
            Array.from(a.querySelectorAll('dl.rows > .row')).map((r) =>
                [text(r.querySelector('dt')), text(r.querySelector('dd'))])),
    };
"#;

/// Waits for the panel to show `state` and reads it.
async fn panel(t: &e2e::E2e, state: &str) -> Outcome<Value> {
    t.page
        .wait_until_with(
            &format!("the status panel to show {state:?}"),
            PANEL_JS,
            vec![json!(PANEL_FRAME), json!(state)],
        )
        .await
}

/// The withdrawal notes on Maria Campbell, as (subject, text).
fn withdrawal_notes(t: &e2e::E2e) -> Vec<(String, String)> {
    audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL)
        .into_iter()
        .filter(|(subject, _)| subject == WITHDRAWN_SUBJECT)
        .collect()
}

/// Whether the input of the Resubscribe Request Date control is disabled.
async fn date_disabled(t: &e2e::E2e) -> Outcome<bool> {
    let v = t
        .page
        .execute(
            "const i = document.querySelector('[data-control=' + arguments[0] + '] input');
             return !!i && i.disabled;",
            vec![json!(DATE)],
        )
        .await?;
    Ok(v == json!(true))
}

/// Saves a request for Maria Campbell and waits until its note is recorded.
async fn saved_request(t: &e2e::E2e) -> Outcome {
    e2e::status::save_a_request(
        &t.page,
        "phone",
        "Asked on the phone to get the newsletter.",
    )
    .await?;
    let row = stored(t, SUPPRESSION_UNSUBSCRIBED);
    ensure!(row[FLAG] == json!(true) && row[DATE].is_string(), "{row}");
    Ok(())
}

#[tokio::test]
async fn a_saved_request_unticked_is_withdrawn_once_and_said_everywhere() -> Outcome {
    run(
        "a_saved_request_unticked_is_withdrawn_once_and_said_everywhere",
        async |t| {
            saved_request(t).await?;
            ensure!(date_disabled(t).await?, "the request date can be edited");

            // Unticked: the box says what saving will do, before anything is saved.
            t.page.click(FLAG_INPUT).await?;
            let warning = t
                .page
                .wait_for_text(FLAG_NOTE, "Saving will withdraw the resubscribe request of")
                .await?;
            ensure!(
                warning.contains("will be cleared") && warning.contains("who withdrew it"),
                "{warning}"
            );
            let row = stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(row[FLAG] == json!(true), "saved before the save: {row}");
            ensure!(withdrawal_notes(t).is_empty(), "recorded before the save");

            // Saved twice in a row: one withdrawal, said in the past tense.
            t.page.click("#cmd-save").await?;
            t.page.click("#cmd-save").await?;
            let done = t
                .page
                .wait_for_text(NOTES, "was withdrawn: its Resubscribe Request Date was cleared")
                .await?;
            ensure!(!done.contains("Saving will withdraw"), "{done}");
            let row = stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(row[FLAG] == json!(false), "flag still set: {row}");
            ensure!(row[DATE].is_null(), "request date not cleared: {row}");
            let under_box = t
                .page
                .execute(
                    "return Array.from(document.querySelectorAll(arguments[0])).map((n) => n.textContent).join(' ');",
                    vec![json!(FLAG_NOTE)],
                )
                .await?;
            ensure!(
                !under_box.as_str().unwrap_or_default().contains("Saving will"),
                "the future tense stays on the box: {under_box}"
            );

            // The request's note stays as written; one note records the withdrawal.
            let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            let requests = notes.iter().filter(|(s, _)| s != WITHDRAWN_SUBJECT).count();
            ensure!(requests == 1, "{notes:?}");
            let withdrawals = withdrawal_notes(t);
            ensure!(withdrawals.len() == 1, "{withdrawals:?}");
            let text = &withdrawals[0].1;
            ensure!(
                text.starts_with("Alex Admin withdrew the resubscribe request of ")
                    && text.contains("Resubscribe Request Date was cleared"),
                "{text}"
            );

            let p = panel(t, "withdrawn").await?;
            let live = p["live"].as_str().unwrap_or_default();
            ensure!(live.starts_with("Withdrawn by Alex Admin on "), "{live}");

            // Saved again (and the form loaded again): nothing more is written.
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            let p = panel(t, "withdrawn").await?;
            ensure!(
                p["live"].as_str().unwrap_or_default().starts_with("Withdrawn by Alex Admin on "),
                "{p}"
            );
            ensure!(date_disabled(t).await?, "the request date can be edited");
            e2e::form::save(&t.page).await?;
            tokio::time::sleep(std::time::Duration::from_millis(800)).await;
            ensure!(withdrawal_notes(t).len() == 1, "{:?}", withdrawal_notes(t));

            // The contact's history says it.
            t.page.open_record("contact", CONTACT_MARIA_CAMPBELL).await?;
            let history = panel(t, "entries").await?;
            let entries = history["history"].as_array().cloned().unwrap_or_default();
            ensure!(entries.len() == 1, "{history}");
            let outcome = entries[0]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r[0] == json!("Outcome"))
                .and_then(|r| r[1].as_str())
                .unwrap_or_default()
                .to_string();
            ensure!(outcome.starts_with("Withdrawn by Alex Admin on "), "{history}");
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn a_request_date_set_without_a_request_is_refused() -> Outcome {
    run("a_request_date_set_without_a_request_is_refused", async |t| {
        e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
        t.page
            .wait_until(
                "the request date to be read-only",
                "const i = document.querySelector('[data-control=esc_resubscriberequestdate] input');
                 return !!i && i.disabled;",
            )
            .await?;
        // A script sets the date; the box stays unticked.
        t.page
            .execute(
                "Xrm.Page.getAttribute(arguments[0]).setValue(new Date()); return true;",
                vec![json!(DATE)],
            )
            .await?;
        e2e::form::save(&t.page).await?;
        t.page
            .wait_for_text(FLAG_NOTE, "Undo the change to Resubscribe Request Date")
            .await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let row = stored(t, SUPPRESSION_UNSUBSCRIBED);
        ensure!(row[DATE].is_null(), "the date reached the record: {row}");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_withdrawal_written_through_failures_is_recorded_once() -> Outcome {
    run(
        "a_withdrawal_written_through_failures_is_recorded_once",
        async |t| {
            saved_request(t).await?;
            t.page.click(FLAG_INPUT).await?;
            t.page
                .wait_for_text(FLAG_NOTE, "Saving will withdraw")
                .await?;
            // The withdrawal note's create answers 503 twice, then goes through.
            t.emulator
                .arm_fault(&json!({
                    "method": "PATCH", "path": "annotations", "count": 2,
                    "fault": { "kind": "status", "status": 503 }
                }))
                .await?;
            e2e::form::save(&t.page).await?;
            t.page
                .wait_for_text(
                    NOTES,
                    "was withdrawn: its Resubscribe Request Date was cleared",
                )
                .await?;
            let faulted = t
                .emulator
                .requests()
                .iter()
                .filter(|r| r.fault.is_some())
                .count();
            ensure!(faulted == 2, "{faulted} request(s) hit the fault, armed 2");
            let withdrawals = withdrawal_notes(t);
            ensure!(withdrawals.len() == 1, "{withdrawals:?}");
            let row = stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(row[FLAG] == json!(false) && row[DATE].is_null(), "{row}");
            Ok(())
        },
    )
    .await
}
