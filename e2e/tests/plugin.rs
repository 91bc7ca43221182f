//! The plugin on the Email Suppressions form (issue 4), end to end: the shipped form library in
//! the demo form against the emulator. Ineligible reasons, refusals, the evidence dialog, the
//! note written exactly once through faults and reloads, connector checks, and the one Web API
//! round trip at load.

use e2e::seed::{
    CONTACT_MARIA_CAMPBELL, CONTACT_PAUL_CANNON, SUPPRESSION_AWAITING_CONFIRMATION,
    SUPPRESSION_HARD_BOUNCED, SUPPRESSION_ISP_COMPLAINED, SUPPRESSION_NO_CONTACT,
    SUPPRESSION_PENDING_REQUEST, SUPPRESSION_UNSUBSCRIBED,
};
use e2e::{ensure, run, Method, Outcome};
use serde_json::{json, Value};

use e2e::form::{
    audit_notes, open_with_setting, request_with_evidence, FLAG_INPUT, NOTES, SUPPRESSION,
};

const FLAG: &str = "esc_requestresubscribe";

/// The request is on the unsubscribed record, with exactly one note on its contact.
fn saved_with_one_note(t: &e2e::E2e) -> Outcome {
    e2e::form::saved_with_one_note(t).map(drop)
}

/// Whether the Request Resubscribe check box has `property` (`disabled`, `checked`) set.
async fn flag_is(t: &e2e::E2e, property: &str) -> Outcome<bool> {
    let v = t
        .page
        .execute(
            "return document.querySelector(arguments[0])[arguments[1]];",
            vec![json!(FLAG_INPUT), json!(property)],
        )
        .await?;
    Ok(v == json!(true))
}

/// Whether the Request Resubscribe check box is disabled.
async fn flag_disabled(t: &e2e::E2e) -> Outcome<bool> {
    flag_is(t, "disabled").await
}

/// The plugin's round trips in the request log: every Web API request that is not the demo
/// host's own.
fn plugin_round_trips(t: &e2e::E2e) -> usize {
    t.emulator
        .requests()
        .iter()
        .filter(|r| r.path.contains("/api/data/") && !r.demo_host)
        .count()
}

#[tokio::test]
async fn ineligible_reasons_disable_the_box_and_say_why() -> Outcome {
    run(
        "ineligible_reasons_disable_the_box_and_say_why",
        async |t| {
            // The reason is named as the form labels it.
            for (record, words, label) in [
                (
                    SUPPRESSION_ISP_COMPLAINED,
                    "complained about your email as spam or abuse",
                    "(ISP complained)",
                ),
                (
                    SUPPRESSION_HARD_BOUNCED,
                    "it cannot receive email",
                    "(Hard bounced)",
                ),
                (
                    SUPPRESSION_NO_CONTACT,
                    "Contact dotdigital support",
                    "(Global suppression)",
                ),
            ] {
                t.page.open_record(SUPPRESSION, record).await?;
                // Said where the state is: the panel.
                let shown = e2e::status::wait_for_summary(&t.page, words).await?;
                ensure!(shown.contains("cannot be resubscribed"), "{shown}");
                ensure!(
                    shown.contains(label),
                    "the reason is not named {label}: {shown}"
                );
                ensure!(
                    flag_disabled(t).await?,
                    "Request Resubscribe is enabled on {record}"
                );
            }
            Ok(())
        },
    )
    .await
}

/// Whether the evidence dialog is open.
async fn dialog_open(t: &e2e::E2e) -> Outcome<bool> {
    let open = t
        .page
        .execute("return !!document.querySelector('dialog[open]');", vec![])
        .await?;
    Ok(open == json!(true))
}

/// Ticking back a request that is already saved (after unticking it) asks for nothing: that
/// request stands, so no dialog opens and no "save to submit it" promises a second one.
#[tokio::test]
async fn ticking_back_a_saved_request_asks_for_nothing() -> Outcome {
    run("ticking_back_a_saved_request_asks_for_nothing", async |t| {
        for (record, loaded) in [
            (SUPPRESSION_PENDING_REQUEST, "Resubscribe requested on"),
            (
                SUPPRESSION_AWAITING_CONFIRMATION,
                "waiting for the contact to confirm",
            ),
        ] {
            t.page.open_record(SUPPRESSION, record).await?;
            e2e::status::wait_for_summary(&t.page, loaded).await?;
            t.page.click(FLAG_INPUT).await?;
            t.page.click(FLAG_INPUT).await?;
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            ensure!(!dialog_open(t).await?, "{record}: the dialog asks again");
            let shown = e2e::form::notifications(&t.page).await?;
            ensure!(
                !shown.contains("Save the record to submit the request"),
                "{record}: {shown}"
            );
            let ticked = flag_is(t, "checked").await?;
            ensure!(ticked, "{record}: the box is not ticked back");
        }
        Ok(())
    })
    .await
}

/// Recording a request and then changing the reason to one that cannot be resubscribed leaves
/// no "save to submit it" behind: the notice says why instead.
#[tokio::test]
async fn a_reason_changed_after_the_request_was_noted_updates_the_notice() -> Outcome {
    run(
        "a_reason_changed_after_the_request_was_noted_updates_the_notice",
        async |t| {
            e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
            request_with_evidence(&t.page, "phone", "Phone call, ticket CAS-11.").await?;
            t.page
                .execute(
                    "const s = document.querySelector('[data-control=esc_reason] select');
                     s.value = '100000004';
                     s.dispatchEvent(new Event('change', { bubbles: true }));
                     return true;",
                    vec![],
                )
                .await?;
            let shown = t
                .page
                .wait_for_text(NOTES, "complained about your email as spam or abuse")
                .await?;
            ensure!(
                !shown.contains("Save the record to submit the request"),
                "{shown}"
            );
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn the_reason_decides_the_box_at_once_while_the_web_api_is_slow() -> Outcome {
    run(
        "the_reason_decides_the_box_at_once_while_the_web_api_is_slow",
        async |t| {
            // The load batch waits 4 s: what the form's own values decide is drawn before it.
            t.emulator
                .arm_fault(&json!({ "method": "POST", "path": "$batch", "count": 1,
                    "fault": { "kind": "delay", "ms": 4000 } }))
                .await?;
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_ISP_COMPLAINED)
                .await?;
            let shown = e2e::status::wait_for_summary(
                &t.page,
                "complained about your email as spam or abuse",
            )
            .await?;
            ensure!(shown.contains("cannot be resubscribed"), "{shown}");
            ensure!(flag_disabled(t).await?, "Request Resubscribe is enabled");
            let verified = t
                .page
                .execute(
                    "return DemoHost.scriptWindow().performance.getEntriesByName('rsub:state-rendered', 'mark').length;",
                    vec![],
                )
                .await?;
            ensure!(
                verified == json!(0),
                "the batch had already answered, so this proves nothing"
            );
            // Then the batch answers and the state read from it replaces the first decision.
            t.page
                .wait_until(
                    "the state read at load",
                    "return DemoHost.scriptWindow().performance.getEntriesByName('rsub:state-rendered', 'mark').length > 0;",
                )
                .await?;
            ensure!(flag_disabled(t).await?, "Request Resubscribe is enabled");
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn a_request_without_evidence_is_refused_and_nothing_is_saved() -> Outcome {
    run("a_request_without_evidence_is_refused_and_nothing_is_saved", async |t| {
        e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
        // Cancelling the dialog unticks the box.
        t.page.click(FLAG_INPUT).await?;
        t.page
            .wait_until("the evidence dialog", "return !!document.querySelector('dialog[open] iframe');")
            .await?;
        t.page
            .wait_until(
                "the dialog's Cancel",
                "const d = document.querySelector('dialog[open] iframe').contentDocument;
                 const b = d && d.getElementById('cancel');
                 if (!b || d.getElementById('evidence-form').hidden) return false;
                 b.click(); return true;",
            )
            .await?;
        t.page
            .wait_until("the box unticked", "return !document.querySelector('[data-control=esc_requestresubscribe] input').checked;")
            .await?;
        // A script ticks it without the dialog (setValue fires no OnChange): the save is refused.
        e2e::form::save_ticked_without_evidence(&t.page).await?;
        let control = t.page.text("[data-control=esc_requestresubscribe] .ctl-note").await?;
        ensure!(control.contains("Record who asked"), "control notification: {control:?}");
        let row = t.emulator.row(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED);
        ensure!(row.as_ref().is_some_and(|r| r[FLAG] == json!(false)), "the flag was saved: {row:?}");
        let patches = t.emulator.requests().iter().filter(|r| r.method == "PATCH").count();
        ensure!(patches == 0, "{patches} PATCH request(s) went out");
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_request_with_evidence_saves_flag_and_date_and_exactly_one_note() -> Outcome {
    run(
        "a_request_with_evidence_saves_flag_and_date_and_exactly_one_note",
        async |t| {
            e2e::status::save_a_request(
                &t.page,
                "phone",
                "Called the service desk: <b>please</b> send the newsletter again. CAS-0042",
            )
            .await?;

            let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(row[FLAG] == json!(true), "flag not saved: {row}");
            ensure!(
                row["esc_resubscriberequestdate"].is_string(),
                "date not saved: {row}"
            );
            let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            ensure!(notes.len() == 1, "expected one audit note, found {notes:?}");
            let (subject, text) = &notes[0];
            ensure!(
                subject.ends_with(", by phone") && !subject.contains("rsub"),
                "{subject}"
            );
            for expected in [
                " asked by phone on ",
                "to receive email again at maria.campbell@contoso.com.",
                "CAS-0042",
                "<b>please</b>",
                "Alex Admin recorded the request on ",
            ] {
                ensure!(text.contains(expected), "note lacks {expected:?}:\n{text}");
            }
            Ok(())
        },
    )
    .await
}

/// A host that ignores `window.close()` in a navigateTo dialog (the Client API documents no way
/// for the page to close its dialog): the dialog says what to do, Escape no longer cancels, its
/// X closes it, and the evidence still counts.
#[tokio::test]
async fn a_dialog_the_host_does_not_close_says_so_and_its_evidence_still_counts() -> Outcome {
    run(
        "a_dialog_the_host_does_not_close_says_so_and_its_evidence_still_counts",
        async |t| {
            open_with_setting(
                &t.page,
                "dialogCloses",
                json!(false),
                SUPPRESSION_UNSUBSCRIBED,
            )
            .await?;
            t.page.wait_for_event("OnLoad").await?;
            e2e::form::open_evidence_dialog(&t.page).await?;
            e2e::form::submit_evidence(&t.page, "letter", "Letter of 20 Nov, ref L-88.").await?;
            let said = t
                .page
                .wait_until(
                    "the dialog to say it must be closed",
                    "const f = document.querySelector('dialog[open] iframe');
                     const d = f && f.contentDocument;
                     const done = d && d.getElementById('done');
                     if (!done || done.hidden || !d.getElementById('evidence-form').hidden) return false;
                     return d.activeElement === d.getElementById('done-message')
                         && d.getElementById('done-message').textContent;",
                )
                .await?;
            let said = said.as_str().unwrap_or_default();
            ensure!(
                said == "Close this dialog, then save the record to submit the request.",
                "{said}"
            );
            // Escape now must not turn the stored request into a cancellation.
            t.page
                .execute(
                    "const d = document.querySelector('dialog[open] iframe').contentDocument;
                     d.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
                     return true;",
                    vec![],
                )
                .await?;
            tokio::time::sleep(std::time::Duration::from_millis(600)).await;
            let after = t
                .page
                .execute(
                    "return document.querySelector('dialog[open] iframe').contentDocument
                         .getElementById('done-message').textContent;",
                    vec![],
                )
                .await?;
            ensure!(after.as_str() == Some(said), "after Escape: {after}");
            t.page.click("dialog[open] .dlg-x").await?;
            t.page.wait_for_text(NOTES, "Save the record to submit the request").await?;
            e2e::form::save(&t.page).await?;
            e2e::status::request_saved(&t.page).await?;
            let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            ensure!(notes.len() == 1, "expected one audit note, found {notes:?}");
            ensure!(notes[0].1.contains("L-88"), "{}", notes[0].1);
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn a_second_request_while_the_confirmation_email_is_out_is_refused_with_its_date() -> Outcome
{
    run(
        "a_second_request_while_the_confirmation_email_is_out_is_refused_with_its_date",
        async |t| {
            // The connector cleared the flag after sending the confirmation email.
            t.emulator
                .web_api(
                    Method::PATCH,
                    &format!("esc_emailsuppressions({SUPPRESSION_AWAITING_CONFIRMATION})"),
                    &[("Content-Type", "application/json")],
                    Some(&json!({ FLAG: false })),
                )
                .await?
                .expect_status(204)?;
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_AWAITING_CONFIRMATION)
                .await?;
            e2e::status::wait_for_summary(&t.page, "waiting for the contact to confirm").await?;
            // Said when the box is ticked, before the user fills in the dialog for nothing.
            t.page.click(FLAG_INPUT).await?;
            let refused = t
                .page
                .wait_for_text(NOTES, "Wait for the contact to confirm before asking again")
                .await?;
            ensure!(
                refused.contains("the request of Mar 3, 2025"),
                "the first request's date is missing: {refused}"
            );
            ensure!(
                !dialog_open(t).await?,
                "the dialog opened for a refused request"
            );
            let ticked = flag_is(t, "checked").await?;
            ensure!(!ticked, "the box stays ticked");
            let notes = audit_notes(&t.emulator.state(), CONTACT_PAUL_CANNON);
            ensure!(notes.is_empty(), "a note was written: {notes:?}");
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn an_old_connector_warns_admins_and_disables_the_box_for_everyone() -> Outcome {
    run(
        "an_old_connector_warns_admins_and_disables_the_box_for_everyone",
        async |t| {
            t.emulator
                .control_post("settings", &json!({ "connectorVersion": "7.0.1.129" }), 200)
                .await?;
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            let warning = t.page.wait_for_text(NOTES, "7.0.1.129").await?;
            for expected in [
                "older than 7.0.1.721",
                "Dynamics 365",
                "Upgrade the connector",
            ] {
                ensure!(
                    warning.contains(expected),
                    "admin warning lacks {expected:?}: {warning}"
                );
            }
            ensure!(
                flag_disabled(t).await?,
                "Request Resubscribe is enabled for an admin although no request can be saved"
            );
            open_with_setting(&t.page, "user", json!("user"), SUPPRESSION_UNSUBSCRIBED).await?;
            let plain = t
                .page
                .wait_for_text(NOTES, "Ask your administrator")
                .await?;
            ensure!(
                !plain.contains("7.0.1.129"),
                "ordinary users see version details: {plain}"
            );
            ensure!(
                flag_disabled(t).await?,
                "Request Resubscribe is enabled for an ordinary user"
            );
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn an_unreadable_connector_version_is_could_not_verify_and_does_not_block() -> Outcome {
    run(
        "an_unreadable_connector_version_is_could_not_verify_and_does_not_block",
        async |t| {
            t.emulator
                .control_post("settings", &json!({ "solutionReadable": false }), 200)
                .await?;
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            t.page
                .wait_for_text(NOTES, "Could not verify the connector version")
                .await?;
            ensure!(
                !flag_disabled(t).await?,
                "the box is disabled although nothing blocks"
            );
            request_with_evidence(&t.page, "phone", "Letter received, ref L-77.").await?;
            e2e::form::save(&t.page).await?;
            let shown = e2e::status::request_saved(&t.page).await?;
            let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            ensure!(notes.len() == 1, "{notes:?}");
            // Said once: the save does not repeat the connector's own notification.
            let said = shown
                .matches("Could not verify the connector version")
                .count();
            ensure!(said == 1, "said {said} times: {shown}");
            Ok(())
        },
    )
    .await
}

/// One note write through an armed fault: the result is exactly one note and a clear message.
async fn note_survives_fault(t: &e2e::E2e, fault: Value, count: u32, method: &str) -> Outcome {
    e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
    request_with_evidence(&t.page, "phone", "In person at the fair, form F-12.").await?;
    t.emulator
        .arm_fault(
            &json!({ "method": method, "path": "annotations", "count": count, "fault": fault }),
        )
        .await?;
    e2e::form::save(&t.page).await?;
    e2e::status::request_saved(&t.page).await?;
    let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
    ensure!(
        notes.len() == 1,
        "expected exactly one note, found {}: {notes:?}",
        notes.len()
    );
    let faulted = t
        .emulator
        .requests()
        .iter()
        .filter(|r| r.fault.is_some())
        .count();
    ensure!(
        faulted as u32 == count,
        "{faulted} request(s) hit the fault, armed {count}"
    );
    Ok(())
}

#[tokio::test]
async fn throttling_with_retry_after_still_writes_one_note() -> Outcome {
    run(
        "throttling_with_retry_after_still_writes_one_note",
        async |t| {
            note_survives_fault(
                t,
                json!({ "kind": "status", "status": 429, "retryAfter": 1 }),
                1,
                "PATCH",
            )
            .await
        },
    )
    .await
}

#[tokio::test]
async fn service_unavailable_twice_still_writes_one_note() -> Outcome {
    run(
        "service_unavailable_twice_still_writes_one_note",
        async |t| {
            note_survives_fault(t, json!({ "kind": "status", "status": 503 }), 2, "PATCH").await
        },
    )
    .await
}

#[tokio::test]
async fn a_dropped_connection_on_the_lookup_still_writes_one_note() -> Outcome {
    run(
        "a_dropped_connection_on_the_lookup_still_writes_one_note",
        async |t| note_survives_fault(t, json!({ "kind": "drop" }), 1, "GET").await,
    )
    .await
}

#[tokio::test]
async fn a_412_on_the_note_write_still_writes_one_note() -> Outcome {
    run("a_412_on_the_note_write_still_writes_one_note", async |t| {
        note_survives_fault(t, json!({ "kind": "status", "status": 412 }), 1, "PATCH").await
    })
    .await
}

#[tokio::test]
async fn a_save_over_someone_elses_change_is_not_forced_and_says_what_changed() -> Outcome {
    run(
        "a_save_over_someone_elses_change_is_not_forced_and_says_what_changed",
        async |t| {
            e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
            request_with_evidence(&t.page, "phone", "Phone call, ticket CAS-7.").await?;
            // Meanwhile a colleague requested resubscription on the same record.
            t.emulator
                .web_api(
                    Method::PATCH,
                    &format!("esc_emailsuppressions({SUPPRESSION_UNSUBSCRIBED})"),
                    &[("Content-Type", "application/json")],
                    Some(&json!({ FLAG: true, "esc_resubscriberequestdate": "2026-11-26T09:15:00Z" })),
                )
                .await?
                .expect_status(204)?;
            e2e::form::save(&t.page).await?;
            t.page.click_button("OK").await?;
            let told = t.page.wait_for_text(NOTES, "someone else changed this record").await?;
            ensure!(
                told.contains("It now holds a resubscribe request from Nov 26, 2026, 9:15"),
                "the colleague's request is not named: {told}"
            );
            // The note written before the save is withdrawn when the save fails.
            let started = std::time::Instant::now();
            let mut notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            while !notes.is_empty() && started.elapsed() < std::time::Duration::from_secs(10) {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            }
            ensure!(notes.is_empty(), "a note stays for a save that failed: {notes:?}");
            let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(
                row["esc_resubscriberequestdate"] == json!("2026-11-26T09:15:00Z"),
                "the colleague's request was overwritten: {row}"
            );
            Ok(())
        },
    )
    .await
}

/// The note comes first: while it cannot be written, the request does not reach the record
/// (no confirmation email for a request whose evidence is not in Dynamics), the user is told
/// in the plugin's own words, and the evidence stays on the form, so saving again once
/// Dynamics answers saves the request with exactly one note.
#[tokio::test]
async fn a_request_whose_note_cannot_be_written_is_not_saved_until_it_is() -> Outcome {
    run(
        "a_request_whose_note_cannot_be_written_is_not_saved_until_it_is",
        async |t| {
            e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
            request_with_evidence(&t.page, "phone", "Email from the contact, 26 Nov.").await?;
            t.emulator
                .arm_fault(
                    &json!({ "method": "PATCH", "path": "annotations", "count": 50,
                    "fault": { "kind": "status", "status": 500 } }),
                )
                .await?;
            e2e::form::save(&t.page).await?;
            let failed = t
                .page
                .wait_for_text(NOTES, "could not be recorded in a note")
                .await?;
            let main = failed.split("(details:").next().unwrap_or_default();
            ensure!(
                main.contains("so the resubscribe request was not saved") && !main.contains("0x8"),
                "the main text is not ours, or shows the server's text: {failed}"
            );
            ensure!(
                audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL).is_empty(),
                "a note exists"
            );
            let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(
                row[FLAG] == json!(false),
                "the request reached the record without its note: {row}"
            );

            t.emulator
                .send(Method::DELETE, "/_emulator/faults", &[], None)
                .await?;
            e2e::form::save(&t.page).await?;
            e2e::status::request_saved(&t.page).await?;
            saved_with_one_note(t)
        },
    )
    .await
}

/// A request given up after its note could not be written (the box unticked, then saved)
/// leaves nothing behind: no flag, no request date, no note.
#[tokio::test]
async fn a_request_given_up_after_its_note_failed_leaves_no_date_behind() -> Outcome {
    run(
        "a_request_given_up_after_its_note_failed_leaves_no_date_behind",
        async |t| {
            e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
            request_with_evidence(&t.page, "phone", "Phone call, ticket CAS-12.").await?;
            t.emulator
                .arm_fault(
                    &json!({ "method": "PATCH", "path": "annotations", "count": 50,
                    "fault": { "kind": "status", "status": 503 } }),
                )
                .await?;
            e2e::form::save(&t.page).await?;
            t.page
                .wait_for_text(NOTES, "could not be recorded in a note")
                .await?;
            t.page.click(FLAG_INPUT).await?;
            let row = e2e::form::save_an_email_edit(t).await?;
            ensure!(
                row[FLAG] == json!(false) && row["esc_resubscriberequestdate"].is_null(),
                "a given-up request left a flag or date: {row}"
            );
            let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            ensure!(notes.is_empty(), "{notes:?}");
            Ok(())
        },
    )
    .await
}

/// Save & Close on a request: the save is held for the note, and the save made after it
/// closes the form as the user asked.
#[tokio::test]
async fn save_and_close_on_a_request_records_the_note_saves_and_closes() -> Outcome {
    run(
        "save_and_close_on_a_request_records_the_note_saves_and_closes",
        async |t| {
            e2e::form::open_loaded(&t.page, SUPPRESSION_UNSUBSCRIBED).await?;
            request_with_evidence(&t.page, "letter", "Letter of 25 Nov, ref L-3.").await?;
            t.page.click("#cmd-saveclose").await?;
            t.page.wait_for_event("formContext.ui.close()").await?;
            saved_with_one_note(t)
        },
    )
    .await
}

/// Each navigation loads the library into a new frame, and the library keeps the connector's
/// version in memory only (no storage touched at load), so the warm load reads it again: one
/// round trip of five parts each time.
#[tokio::test]
async fn loading_the_form_takes_one_web_api_round_trip_cold_and_warm() -> Outcome {
    run("loading_the_form_takes_one_web_api_round_trip_cold_and_warm", async |t| {
        for (pass, parts) in [("cold", 5), ("warm", 5)] {
            t.emulator.send(Method::DELETE, "/_emulator/requests", &[], None).await?;
            t.page.open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED).await?;
            t.page
                .wait_until("the plugin's load", "return !!document.querySelector('[data-control=esc_requestresubscribe] input');")
                .await?;
            t.page.wait_for_event("OnLoad").await?;
            let log = t.emulator.requests();
            let started = std::time::Instant::now();
            let mut batches = plugin_round_trips(t);
            while batches == 0 && started.elapsed() < std::time::Duration::from_secs(10) {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                batches = plugin_round_trips(t);
            }
            ensure!(batches == 1, "{pass}: {batches} plugin Web API requests: {log:?}");
            let batch = t
                .emulator
                .requests()
                .into_iter()
                .find(|r| r.path.contains("$batch"))
                .map(|r| r.batch_parts.len());
            ensure!(batch == Some(parts), "{pass}: the batch had {batch:?} parts, expected {parts}");
        }
        Ok(())
    })
    .await
}
