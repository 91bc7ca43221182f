//! The form when the plugin cannot run (issue 7): an organization whose Content Security Policy
//! refuses WebAssembly. Admins read why; normal edits still save; a resubscribe request is
//! refused rather than slipped through unchecked.

use e2e::seed::SUPPRESSION_UNSUBSCRIBED;
use e2e::{ensure, run, Outcome};
use serde_json::{json, Value};

const SUPPRESSION: &str = "esc_emailsuppression";
const NOTES: &str = "#form-notifications";

#[tokio::test]
async fn a_strict_csp_is_explained_normal_edits_save_and_requests_are_refused() -> Outcome {
    run(
        "a_strict_csp_is_explained_normal_edits_save_and_requests_are_refused",
        async |t| {
            t.emulator
                .control_post("settings", &json!({ "strictCsp": true }), 200)
                .await?;
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            let shown = t
                .page
                .wait_for_text(NOTES, "Content Security Policy")
                .await?;
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
