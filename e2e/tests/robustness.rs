//! The form when the plugin cannot run (issue 7): an organization whose Content Security Policy
//! refuses WebAssembly. Admins read why; normal edits still save; a resubscribe request is
//! refused rather than slipped through unchecked. And a `$batch` answer that lacks a part, and
//! notes that cannot be read.

use e2e::seed::{CONTACT_MARIA_CAMPBELL, SUPPRESSION_UNSUBSCRIBED};
use e2e::{ensure, run, Outcome};
use serde_json::{json, Value};

const SUPPRESSION: &str = "esc_emailsuppression";
const NOTES: &str = "#form-notifications";

/// Opens the unsubscribed suppression record; returns the form's notifications once they
/// contain `needle`.
async fn open_and_read(t: &e2e::E2e, needle: &str) -> Outcome<String> {
    t.page
        .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
        .await?;
    t.page.wait_for_text(NOTES, needle).await
}

/// Arms `fault` on the notes read inside the load `$batch` for `count` requests, opens the
/// record and returns the notifications once they say the state could not be read.
async fn open_with_notes_unread(t: &e2e::E2e, count: u32, fault: Value) -> Outcome<String> {
    t.emulator
        .arm_fault(&json!({
            "method": "GET", "path": "annotations", "count": count, "inBatch": true,
            "fault": fault
        }))
        .await?;
    open_and_read(t, "Could not read where this resubscription stands").await
}

#[tokio::test]
async fn a_strict_csp_is_explained_normal_edits_save_and_requests_are_refused() -> Outcome {
    run(
        "a_strict_csp_is_explained_normal_edits_save_and_requests_are_refused",
        async |t| {
            t.emulator
                .control_post("settings", &json!({ "strictCsp": true }), 200)
                .await?;
            let shown = open_and_read(t, "Content Security Policy").await?;
            ensure!(
                shown.contains("wasm-unsafe-eval"),
                "the admin is not told what to allow: {shown}"
            );

            e2e::form::save_an_email_edit(t).await?;

            t.page
                .click("[data-control=esc_requestresubscribe] input")
                .await?;
            t.page.click("#cmd-save").await?;
            t.page
                .wait_for_text(NOTES, "cannot be saved while the checks are not running")
                .await?;
            let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(
                row["esc_requestresubscribe"] == json!(false),
                "the unchecked request was saved: {row}"
            );
            Ok(())
        },
    )
    .await
}

/// A `$batch` answer that leaves out a part (as a broken proxy might) is reported as such, not
/// read as if the missing read had found nothing; the next read, whole again, clears it.
#[tokio::test]
async fn a_batch_answer_missing_a_part_is_reported_not_half_read() -> Outcome {
    run(
        "a_batch_answer_missing_a_part_is_reported_not_half_read",
        async |t| {
            let shown = open_with_notes_unread(t, 1, json!({ "kind": "omit" })).await?;
            // Whose roles were in the unread answer is not known: the sentence alone, no
            // internals.
            ensure!(
                shown.contains("Dynamics gave an answer this form cannot read")
                    && !shown.contains("responses to"),
                "the user is not told plainly what was wrong with the answer: {shown}"
            );
            t.page.click("#cmd-refresh").await?;
            t.page
                .wait_until(
                    "the warning to clear once an answer is whole",
                    &format!("return !document.querySelector('{NOTES}').innerText.includes('Could not read where');"),
                )
                .await?;
            Ok(())
        },
    )
    .await
}

/// While the contact's notes cannot be read, whether a request is already pending is unknown:
/// a save that ticks the box reads them again first. Still unreadable, the request is refused
/// with that reason (not let through as if there were none) and nothing reaches the record;
/// readable again, the same request saves on the next try, evidence and all.
#[tokio::test]
async fn a_request_waits_for_notes_that_could_not_be_read() -> Outcome {
    run(
        "a_request_waits_for_notes_that_could_not_be_read",
        async |t| {
            open_with_notes_unread(t, 2, json!({ "kind": "status", "status": 503 })).await?;
            e2e::form::request_with_evidence(&t.page, "phone", "Phone call, ticket CAS-9.").await?;
            t.page.click("#cmd-save").await?;
            t.page
                .wait_for_text(
                    NOTES,
                    "whether a resubscribe request is already pending could not be read",
                )
                .await?;
            let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(
                row["esc_requestresubscribe"] == json!(false),
                "a request was saved without knowing whether one is pending: {row}"
            );

            // The fault is spent: the next save reads the notes again and goes through.
            t.page.click("#cmd-save").await?;
            e2e::status::request_saved(&t.page).await?;
            let notes = e2e::form::audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            ensure!(notes.len() == 1, "{notes:?}");
            Ok(())
        },
    )
    .await
}

/// Save & Close held for notes that could not be read at load: read again, the note written,
/// the request saved, and the form closed as the user asked.
#[tokio::test]
async fn save_and_close_held_for_unread_notes_still_closes() -> Outcome {
    run(
        "save_and_close_held_for_unread_notes_still_closes",
        async |t| {
            open_with_notes_unread(t, 1, json!({ "kind": "status", "status": 503 })).await?;
            e2e::form::request_with_evidence(&t.page, "email", "Email of 26 Nov, ref E-5.").await?;
            t.page.click("#cmd-saveclose").await?;
            t.page.wait_for_event("formContext.ui.close()").await?;
            let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(
                row["esc_requestresubscribe"] == json!(true),
                "the request was not saved: {row}"
            );
            let notes = e2e::form::audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            ensure!(notes.len() == 1, "{notes:?}");
            Ok(())
        },
    )
    .await
}
