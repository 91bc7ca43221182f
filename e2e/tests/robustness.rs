//! The form when the plugin cannot run (issue 7): an organization whose Content Security Policy
//! refuses WebAssembly. Admins read why; normal edits still save; a resubscribe request is
//! refused rather than slipped through unchecked. And a `$batch` answer that lacks a part.

use e2e::seed::SUPPRESSION_UNSUBSCRIBED;
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

            t.page
                .fill(
                    "[data-control=esc_emailaddress] input",
                    "maria.c@contoso.com",
                )
                .await?;
            t.page.click("#cmd-save").await?;
            t.page
                .wait_until(
                    "the edit to be saved",
                    "return document.body.innerText.includes('- Saved');",
                )
                .await?;
            let row = t
                .emulator
                .row(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .unwrap_or(Value::Null);
            ensure!(
                row["esc_emailaddress"] == json!("maria.c@contoso.com"),
                "the edit was not saved: {row}"
            );

            t.page
                .click("[data-control=esc_requestresubscribe] input")
                .await?;
            t.page.click("#cmd-save").await?;
            t.page
                .wait_for_text(NOTES, "cannot be saved while the checks are not running")
                .await?;
            let row = t
                .emulator
                .row(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .unwrap_or(Value::Null);
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
            t.emulator
                .arm_fault(&json!({
                    "method": "GET", "path": "annotations", "count": 1, "inBatch": true,
                    "fault": { "kind": "omit" }
                }))
                .await?;
            let shown = open_and_read(t, "Could not read where this resubscription stands").await?;
            ensure!(
                shown.contains("Dynamics gave an answer this form cannot read")
                    && shown.contains("3 responses to 4 requests"),
                "the user is not told what was wrong with the answer: {shown}"
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
