//! The demo form on the emulator (issue 3): the page loads the shipped form library, saves
//! through the Web API with optimistic concurrency, drives the simulated connector and the
//! scenario from its side panel, opens contacts by deep link and shows faults instead of a
//! blank form. The plugin's own rules on the form are tested elsewhere.

use e2e::seed::{
    CONTACT_NANCY_ANDERSON, CONTACT_PAUL_CANNON, SUPPRESSION_AWAITING_CONFIRMATION,
    SUPPRESSION_PENDING_REQUEST, SUPPRESSION_UNSUBSCRIBED,
};
use e2e::{ensure, run, Method, Outcome};
use serde_json::{json, Value};

const SUPPRESSION: &str = "esc_emailsuppression";

/// Notes on `contact` in the emulator state, as their subjects.
fn note_subjects(state: &Value, contact: &str) -> Vec<String> {
    state["tables"]["annotation"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|note| note["_objectid_value"].as_str() == Some(contact))
        .filter_map(|note| note["subject"].as_str().map(str::to_string))
        .collect()
}

fn field<'a>(row: &'a Option<Value>, name: &str) -> &'a Value {
    row.as_ref().map_or(&Value::Null, |r| &r[name])
}

#[tokio::test]
async fn demo_runs_the_shipped_form_library_on_the_seed_record() -> Outcome {
    run(
        "demo_runs_the_shipped_form_library_on_the_seed_record",
        async |t| {
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            t.page
                .wait_for_event("form library /WebResources/rsub_/resubscribe/form.js loaded")
                .await?;

            let banner_hidden = t
                .page
                .execute(
                    "return document.getElementById('library-banner').hidden;",
                    vec![],
                )
                .await?;
            ensure!(
                banner_hidden == json!(true),
                "the 'library missing' banner is shown"
            );
            let errors = t
                .page
                .texts("#form-notifications .form-note.level-error")
                .await?;
            ensure!(
                errors.is_empty(),
                "error notifications on a healthy load: {errors:?}"
            );

            let globals = t
                .page
                .execute(
                    "return {
                    xrm: typeof window.Xrm,
                    pageId: Xrm.Page.data.entity.getId(),
                    pageEmail: Xrm.Page.getAttribute('esc_emailaddress').getValue(),
                    contextUrl: Xrm.Page.context.getClientUrl(),
                    onLoad: typeof DemoHost.scriptWindow().Rsub.EmailSuppressionForm.onLoad
                };",
                    vec![],
                )
                .await?;
            ensure!(
                globals["xrm"] == "object",
                "window.Xrm is {}",
                globals["xrm"]
            );
            ensure!(
                globals["pageId"]
                    == json!(format!("{{{}}}", SUPPRESSION_UNSUBSCRIBED.to_uppercase())),
                "Xrm.Page.data.entity.getId() is {}",
                globals["pageId"]
            );
            ensure!(
                globals["pageEmail"] == "maria.campbell@contoso.com",
                "Xrm.Page email: {}",
                globals["pageEmail"]
            );
            ensure!(
                globals["contextUrl"] == json!(t.emulator.url()),
                "getClientUrl(): {}",
                globals["contextUrl"]
            );
            ensure!(
                globals["onLoad"] == "function",
                "the library's OnLoad handler is {}",
                globals["onLoad"]
            );

            let email = t.page.control_value("esc_emailaddress").await?;
            let reason = t.page.control_value("esc_reason").await?;
            let contact = t.page.control_value("esc_contactid").await?;
            ensure!(
                email == "maria.campbell@contoso.com",
                "email shows {email:?}"
            );
            ensure!(reason == "Unsubscribed", "reason shows {reason:?}");
            ensure!(contact == "Maria Campbell", "contact shows {contact:?}");
            let title = t.page.text("#record-header .record-title").await?;
            ensure!(
                title.contains("maria.campbell@contoso.com"),
                "header title {title:?}"
            );

            let served = t
                .emulator
                .send(
                    Method::GET,
                    "/WebResources/rsub_/resubscribe/form.js",
                    &[],
                    None,
                )
                .await?
                .expect_status(200)?;
            let built = std::fs::read(e2e::paths::built_form_library()?)?;
            ensure!(
                served.body.as_ref() == built.as_slice(),
                "the page was served other bytes than the build wrote"
            );
            let loaded = t.emulator.requests().iter().any(|r| {
                r.method == "GET"
                    && r.path
                        .starts_with("/WebResources/rsub_/resubscribe/form.js")
                    && r.status == Some(200)
            });
            ensure!(loaded, "the request log has no GET of the form library");
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn saving_an_edit_patches_the_record_with_its_etag() -> Outcome {
    run(
        "saving_an_edit_patches_the_record_with_its_etag",
        async |t| {
            let before = t.emulator.row(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED);
            let etag_before = field(&before, "@odata.etag")
                .as_str()
                .unwrap_or_default()
                .to_string();
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            t.page
                .wait_for_event("form library /WebResources/rsub_/resubscribe/form.js loaded")
                .await?;

            t.page
                .fill(
                    "[data-control=esc_emailaddress] input",
                    "maria.campbell@contoso.co.uk",
                )
                .await?;
            t.page
                .wait_for_text("#record-header .dirty-state", "Unsaved")
                .await?;
            t.page.click("#cmd-save").await?;
            t.page.wait_for_event("save completed").await?;
            let header = t
                .page
                .wait_for_text("#record-header .dirty-state", "Saved")
                .await?;
            ensure!(!header.contains("Unsaved"), "header still says {header:?}");

            let after = t.emulator.row(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED);
            ensure!(
                field(&after, "esc_emailaddress") == "maria.campbell@contoso.co.uk",
                "the emulator holds {}",
                field(&after, "esc_emailaddress")
            );
            ensure!(
                field(&after, "@odata.etag") != &json!(etag_before),
                "the etag did not change ({etag_before})"
            );
            let patches: Vec<_> = t
                .emulator
                .requests()
                .into_iter()
                .filter(|r| r.method == "PATCH")
                .collect();
            ensure!(
                patches.len() == 1,
                "expected one PATCH, the log has {patches:?}"
            );
            ensure!(
                patches[0].path.contains(&format!(
                    "esc_emailsuppressions({SUPPRESSION_UNSUBSCRIBED})"
                )) && patches[0].status == Some(204),
                "unexpected PATCH {:?}",
                patches[0]
            );
            ensure!(
                patches[0].if_match.as_deref() == Some(etag_before.as_str()),
                "the PATCH was sent with If-Match {:?}, the record's etag was {etag_before}",
                patches[0].if_match
            );
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn concurrent_change_fails_the_save_with_412_and_overwrites_nothing() -> Outcome {
    run("concurrent_change_fails_the_save_with_412_and_overwrites_nothing", async |t| {
        t.page.open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED).await?;
        t.page.wait_for_event("form library /WebResources/rsub_/resubscribe/form.js loaded").await?;
        t.page.fill("[data-control=esc_emailaddress] input", "m.campbell@contoso.com").await?;

        // Another user changes the reason meanwhile.
        let current = t.emulator.row(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED);
        let etag = field(&current, "@odata.etag").as_str().unwrap_or_default().to_string();
        t.emulator
            .web_api(
                Method::PATCH,
                &format!("esc_emailsuppressions({SUPPRESSION_UNSUBSCRIBED})"),
                &[("If-Match", &etag)],
                Some(&json!({ "esc_reason": 100000001 })),
            )
            .await?
            .expect_status(204)?;
        let bumped = t.emulator.row(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED);

        t.page.click("#cmd-save").await?;
        let dialog = t.page.wait_for_text("dialog.dlg-error", "Unable to save").await?;
        ensure!(
            dialog.contains("The version of the existing record doesn't match the RowVersion property provided."),
            "the error dialog says {dialog:?}"
        );
        ensure!(dialog.contains("0x80060882"), "the error dialog has no Dataverse code: {dialog:?}");
        let failed = t.page.wait_for_event("PATCH failed: HTTP 412").await?;
        ensure!(failed.contains("0x80060882"), "event log: {failed}");

        let after = t.emulator.row(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED);
        ensure!(after == bumped, "the record changed after the refused save:\n{after:#?}\nwas\n{bumped:#?}");
        ensure!(field(&after, "esc_emailaddress") == "maria.campbell@contoso.com", "email overwritten");
        ensure!(field(&after, "esc_reason") == 100000001, "the other user's reason was lost");
        let refused = t
            .emulator
            .requests()
            .into_iter()
            .filter(|r| r.method == "PATCH" && r.status == Some(412))
            .count();
        ensure!(refused == 1, "expected one PATCH answered 412, got {refused}");
        let header = t.page.text("#record-header .dirty-state").await?;
        ensure!(header.contains("Unsaved"), "the form lost the user's edit: header {header:?}");
        Ok(())
    })
    .await
}

/// Clicks a "Connector simulation" button and waits for the panel to report its answer.
async fn panel_action(t: &e2e::E2e, label: &str) -> Outcome<String> {
    t.page.click_button(label).await?;
    let outcome = t
        .page
        .wait_until_with(
            &format!("the panel to report the outcome of {label:?}"),
            "const text = document.getElementById('panel-outcome').textContent;
             return text.startsWith(arguments[0] + ':') || text.startsWith(arguments[0] + ' failed') ? text : null;",
            vec![json!(label)],
        )
        .await?;
    let outcome = outcome.as_str().unwrap_or_default().to_string();
    ensure!(
        !outcome.starts_with(&format!("{label} failed")),
        "{outcome}"
    );
    Ok(outcome)
}

#[tokio::test]
async fn side_panel_drives_the_connector_through_a_resubscription_and_reset_restores_the_seed(
) -> Outcome {
    run(
        "side_panel_drives_the_connector_through_a_resubscription_and_reset_restores_the_seed",
        async |t| {
            let seed = t.emulator.control_get("state").await?;
            t.page.open_record(SUPPRESSION, SUPPRESSION_PENDING_REQUEST).await?;
            let email = t.page.execute("return document.getElementById('demo-email').value;", vec![]).await?;
            ensure!(email == "nancy.anderson@fabrikam.com", "the panel's contact address is {email}");

            panel_action(t, "Run sync").await?;
            let notes = t
                .emulator
                .web_api(
                    Method::GET,
                    &format!("annotations?$select=subject&$filter=_objectid_value eq {CONTACT_NANCY_ANDERSON}"),
                    &[],
                    None,
                )
                .await?
                .expect_status(200)?
                .json()?;
            let subjects: Vec<&str> = notes["value"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n["subject"].as_str())
                .collect();
            ensure!(
                subjects == ["Resubscription confirmation email sent"],
                "Nancy's notes after the first sync: {subjects:?}"
            );

            panel_action(t, "Contact confirms").await?;
            panel_action(t, "Run sync").await?;
            let state = t.emulator.control_get("state").await?;
            let row = t.emulator.row(SUPPRESSION, SUPPRESSION_PENDING_REQUEST);
            ensure!(field(&row, "statecode") == 1, "the suppression is still active: {row:#?}");
            ensure!(field(&row, "esc_requestresubscribe") == false, "the request flag was not cleared");
            let subjects = note_subjects(&state, CONTACT_NANCY_ANDERSON);
            ensure!(subjects.iter().any(|s| s == "Resubscribed"), "no 'Resubscribed' note: {subjects:?}");

            // As a Dynamics user would: Refresh shows the connector's change.
            t.page.click("#cmd-refresh").await?;
            t.page
                .wait_for_text("#form-notifications", "Read-only: this record's status is Inactive.")
                .await?;
            let status = t.page.text("#record-header .header-fields").await?;
            ensure!(status.contains("Inactive"), "the header shows {status:?}");

            t.page.click_button("Reset data").await?;
            t.page.wait_for_text("dialog[open]", "Restore the seed records and scenario?").await?;
            t.page.click_button("Reset").await?;
            t.page
                .wait_for_text("#panel-outcome", "Reset: the emulator is back to its seed data.")
                .await?;
            t.page.wait_until_page_settled().await?;
            let reset = t.emulator.control_get("state").await?;
            ensure!(reset["tables"] == seed["tables"], "the records differ from the seed after Reset");
            ensure!(reset["connector"] == seed["connector"], "connector progress after Reset: {}", reset["connector"]);
            ensure!(note_subjects(&reset, CONTACT_NANCY_ANDERSON).is_empty(), "Nancy still has notes");
            let notes = t.page.texts("#form-notifications .form-note").await?;
            ensure!(
                !notes.iter().any(|n| n.contains("Inactive")),
                "the reloaded form still says inactive: {notes:?}"
            );
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn scenario_panel_changes_the_emulator_settings_and_reloads_the_form() -> Outcome {
    run("scenario_panel_changes_the_emulator_settings_and_reloads_the_form", async |t| {
        t.page.open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED).await?;
        t.page.wait_for_text("#demo-panel", "Current emulator scenario shown.").await?;

        t.page.click("#demo-not-installed").await?;
        t.page.click_button("Apply connector").await?;
        t.page
            .wait_for_text("#panel-outcome", "Connector not installed applied")
            .await?;
        let settings = t.emulator.control_get("settings").await?;
        ensure!(settings["connectorVersion"].is_null(), "connector after 'not installed': {settings}");
        ensure!(settings["solutionReadable"] == true, "solution readability changed: {settings}");
        let solutions = t
            .emulator
            .web_api(
                Method::GET,
                "solutions?$filter=uniquename eq 'dotmailerCRMConnector'&$select=uniquename,version",
                &[],
                None,
            )
            .await?
            .expect_status(200)?
            .json()?;
        ensure!(solutions["value"] == json!([]), "the solution table still lists the connector: {solutions}");
        t.page.wait_for_text("#demo-panel", "Current emulator scenario shown.").await?;
        let ticked = t.page.execute("return document.getElementById('demo-not-installed').checked;", vec![]).await?;
        ensure!(ticked == true, "the reloaded panel does not show 'not installed'");

        t.page.fill("#demo-org-version", "8.2.28.10").await?;
        t.page.click_button("Apply org version").await?;
        t.page.wait_for_text("#panel-outcome", "Org version 8.2.28.10 applied").await?;
        t.page.wait_until_page_settled().await?;
        let settings = t.emulator.control_get("settings").await?;
        ensure!(settings["orgVersion"] == "8.2.28.10", "org version: {settings}");
        ensure!(settings["connectorVersion"].is_null(), "the connector came back: {settings}");
        let version = t
            .page
            .wait_until(
                "Xrm to report the new org version",
                "return window.Xrm && Xrm.Page && Xrm.Page.context.getVersion();",
            )
            .await?;
        ensure!(version == "8.2.28.10", "getVersion() is {version}");
        let email = t.page.control_value("esc_emailaddress").await?;
        ensure!(email == "maria.campbell@contoso.com", "the form did not load on 8.2: {email:?}");
        let via_v82 = t.emulator.requests().iter().any(|r| {
            r.path.starts_with(&format!("/api/data/v8.2/esc_emailsuppressions({SUPPRESSION_UNSUBSCRIBED})"))
                && r.status == Some(200)
        });
        ensure!(via_v82, "the record was not read through /api/data/v8.2/ on an 8.2 org");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn contact_deep_link_opens_the_contact_with_its_notes() -> Outcome {
    run(
        "contact_deep_link_opens_the_contact_with_its_notes",
        async |t| {
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_AWAITING_CONFIRMATION)
                .await?;
            t.page
                .click("[data-control=esc_contactid] a.lookup-link")
                .await?;
            t.page
                .wait_until(
                    "the contact page",
                    "return location.search.includes('etn=contact');",
                )
                .await?;
            t.page.wait_until_page_settled().await?;
            let url = t.page.client().current_url().await?;
            let expected =
                format!("/main.aspx?etn=contact&pagetype=entityrecord&id={CONTACT_PAUL_CANNON}");
            ensure!(
                format!("{}?{}", url.path(), url.query().unwrap_or_default()) == expected,
                "the lookup opened {url}"
            );
            let title = t.page.text("#record-header .record-title-text").await?;
            ensure!(title == "Paul Cannon", "contact title {title:?}");
            let email = t.page.control_value("emailaddress1").await?;
            ensure!(
                email == "paul.cannon@adventure-works.com",
                "contact email {email:?}"
            );
            t.page.wait_for("#notes-list .note").await?;
            let subjects = t.page.texts("#notes-list .note .note-subject").await?;
            ensure!(
                subjects
                    == [
                        "Resubscription confirmation email sent",
                        "Phone call: asked to receive the newsletter again"
                    ],
                "Paul's notes, newest first: {subjects:?}"
            );

            t.page
                .open_record("contact", CONTACT_NANCY_ANDERSON)
                .await?;
            let title = t.page.text("#record-header .record-title-text").await?;
            ensure!(title == "Nancy Anderson", "contact title {title:?}");
            t.page.wait_for_text("#notes-list", "No notes.").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn armed_503_on_the_record_read_shows_an_error_instead_of_a_blank_form() -> Outcome {
    run(
        "armed_503_on_the_record_read_shows_an_error_instead_of_a_blank_form",
        async |t| {
            t.emulator
                .arm_fault(&json!({
                    "method": "GET",
                    "path": format!("esc_emailsuppressions({SUPPRESSION_UNSUBSCRIBED})"),
                    "count": 1,
                    "fault": { "kind": "status", "status": 503 }
                }))
                .await?;
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            let message = t.page.text(".page-message").await?;
            ensure!(
                message.contains("The record could not be opened"),
                "page message {message:?}"
            );
            ensure!(
                message.contains("The service is temporarily unavailable. Try again later."),
                "the message does not carry Dataverse's error: {message:?}"
            );
            let controls = t.page.texts("#form-body [data-control]").await?;
            ensure!(
                controls.is_empty(),
                "form controls drawn from a failed read: {controls:?}"
            );
            let faulted: Vec<_> = t
                .emulator
                .requests()
                .into_iter()
                .filter(|r| r.fault.as_deref() == Some("status 503"))
                .collect();
            ensure!(
                faulted.len() == 1 && faulted[0].method == "GET" && faulted[0].status == Some(503),
                "the request log shows {faulted:?}"
            );

            t.screenshot_as("error").await?;

            // The fault was armed for one request: Refresh opens the record.
            t.page.click("#cmd-refresh").await?;
            t.page
            .wait_until(
                "the form after Refresh",
                "return document.querySelector('[data-control=esc_emailaddress] input') !== null;",
            )
            .await?;
            let email = t.page.control_value("esc_emailaddress").await?;
            ensure!(
                email == "maria.campbell@contoso.com",
                "after Refresh the email shows {email:?}"
            );
            Ok(())
        },
    )
    .await
}
