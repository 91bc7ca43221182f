//! Requests on the versions before `Xrm.Navigation.navigateTo` (docs/platform.md): on 9.0
//! the evidence page opens with `Xrm.Navigation.openWebResource`, on 8.x with
//! `Xrm.Utility.openWebResource`, in a window of its own that answers through `localStorage`;
//! 8.x has no PostSave, so the answer of `Xrm.Page.data.save()` tells the outcome. The whole
//! flow (tick, evidence, save, one note before the request, sync, confirm), the same refusals
//! as on 9.2, a pop-up blocker, and a window closed or cancelled mid-way. Before 9.0 there is
//! no `Xrm.Utility.getResourceString`: the library reads the user's RESX by URL, and a German
//! user reads German.

use dataverse_emulator::request_log::LogEntry;
use e2e::demo::{open_demo, open_suppression as open_form};
use e2e::form::{
    audit_notes, back_to_form, demo_setting, open_evidence_window, request_with_evidence_in_window,
    stored, submit_evidence_in_window, FLAG_INPUT, NOTES, SUPPRESSION,
};
use e2e::seed::{CONTACT_MARIA_CAMPBELL, SUPPRESSION_ISP_COMPLAINED, SUPPRESSION_UNSUBSCRIBED};
use e2e::{ensure, run, Outcome};
use serde_json::json;

const FLAG: &str = "esc_requestresubscribe";
const MARIA: &str = "maria.campbell@contoso.com";
const V9_0: &str = "9.0.2.3034";
const V8_2: &str = "8.2.0.749";
const V8_0: &str = "8.0.0.1088";

/// Waits until Request Resubscribe is unticked.
async fn box_unticked(t: &e2e::E2e) -> Outcome {
    t.page
        .wait_until(
            "the box to be unticked",
            &format!("return !document.querySelector('{FLAG_INPUT}').checked;"),
        )
        .await?;
    Ok(())
}

/// [`open_form`] (the request log cleared, OnLoad run), then waits until the box can be ticked.
async fn open(t: &e2e::E2e, version: &str, organization: &str, record: &str) -> Outcome {
    open_form(t, version, organization, record).await?;
    e2e::form::wait_flag_enabled(&t.page).await?;
    Ok(())
}

/// Whether the box is ticked on the form.
async fn ticked(t: &e2e::E2e) -> Outcome<bool> {
    let value = t
        .page
        .execute(
            &format!("return document.querySelector('{FLAG_INPUT}').checked;"),
            vec![],
        )
        .await?;
    Ok(value == json!(true))
}

/// Nothing was written: no note on Maria Campbell, no request on her record, no answer left
/// in `localStorage`.
async fn nothing_written(t: &e2e::E2e, version: &str) -> Outcome {
    let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
    ensure!(notes.is_empty(), "{version}: notes written: {notes:?}");
    let row = stored(t, SUPPRESSION_UNSUBSCRIBED);
    ensure!(row[FLAG] != json!(true), "{version}: request saved: {row}");
    let left = t
        .page
        .execute(
            "return Object.keys(localStorage).filter(k => k.startsWith('rsub.evidence.'));",
            vec![],
        )
        .await?;
    ensure!(left == json!([]), "{version}: answers left behind: {left}");
    Ok(())
}

/// Ticks *Request Resubscribe* through `Xrm.Page` (no OnChange, so no evidence window) and
/// saves the form.
async fn tick_and_save(t: &e2e::E2e) -> Outcome {
    t.page
        .execute(
            "Xrm.Page.getAttribute(arguments[0]).setValue(true); return true;",
            vec![json!(FLAG)],
        )
        .await?;
    e2e::form::save(&t.page).await
}

/// The web requests in the emulator's log, oldest first.
fn requests(t: &e2e::E2e) -> Vec<LogEntry> {
    t.emulator.requests()
}

#[tokio::test]
async fn the_whole_request_flow_passes_on_9_0_and_8_x() -> Outcome {
    run("the_whole_request_flow_passes_on_9_0_and_8_x", async |t| {
        for (version, organization, root) in [
            (V9_0, "contoso", "/contoso/api/data/v9.0/"),
            (V8_2, "contoso", "/contoso/api/data/v8.2/"),
            (V8_0, "", "/api/data/v8.0/"),
        ] {
            t.emulator.control_post("reset", &json!({}), 204).await?;
            open(t, version, organization, SUPPRESSION_UNSUBSCRIBED).await?;
            request_with_evidence_in_window(&t.page, "phone", "Called on 3 Dec, case CAS-7.")
                .await?;
            let opener = if version == V9_0 {
                "Xrm.Navigation.openWebResource"
            } else {
                "Xrm.Utility.openWebResource"
            };
            t.page.wait_for_event(opener).await?;
            e2e::form::save(&t.page).await?;
            e2e::status::request_saved(&t.page).await?;
            let note = e2e::form::saved_with_one_note(t)?;
            ensure!(note.contains("CAS-7"), "{version}: the note: {note}");

            // The note exists before the save that carries the request.
            let log = requests(t);
            let note_at = log
                .iter()
                .position(|r| r.method != "GET" && r.path.contains("annotations"));
            let request_at = log
                .iter()
                .position(|r| r.method == "PATCH" && r.path.contains("esc_emailsuppressions("));
            ensure!(
                matches!((note_at, request_at), (Some(n), Some(p)) if n < p),
                "{version}: note at {note_at:?}, request at {request_at:?}"
            );
            for r in log
                .iter()
                .filter(|r| !r.demo_host && r.path.contains("/api/data/"))
            {
                ensure!(
                    r.path.starts_with(root),
                    "{version}: {} {}",
                    r.method,
                    r.path
                );
            }

            // The connector sends the confirmation email, the contact confirms, a sync.
            t.emulator.control_post("sync", &json!({}), 200).await?;
            t.emulator
                .control_post(&format!("contacts/{MARIA}/confirm"), &json!({}), 200)
                .await?;
            t.emulator.control_post("sync", &json!({}), 200).await?;
            open_form(t, version, organization, SUPPRESSION_UNSUBSCRIBED).await?;
            e2e::status::wait_for_summary(&t.page, "Resubscribed on").await?;
            let deprecated = t.page.deprecated_calls().await?;
            ensure!(deprecated.is_empty(), "{version}: {deprecated:?}");
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn the_same_refusals_as_on_9_2() -> Outcome {
    run("the_same_refusals_as_on_9_2", async |t| {
        for (version, organization) in [(V9_0, "contoso"), (V8_2, "contoso")] {
            t.emulator.control_post("reset", &json!({}), 204).await?;
            // Ticked without the contact's request recorded: refused for that reason.
            open(t, version, organization, SUPPRESSION_UNSUBSCRIBED).await?;
            e2e::form::save_ticked_without_evidence(&t.page).await?;
            nothing_written(t, version).await?;

            // A reason that cannot be resubscribed: said at load, and the box cannot be ticked.
            open_form(t, version, organization, SUPPRESSION_ISP_COMPLAINED).await?;
            e2e::status::wait_for_summary(&t.page, "cannot be resubscribed").await?;
            let disabled = e2e::form::flag_disabled(&t.page).await?;
            ensure!(disabled, "{version}: the box can be ticked");
            let row = stored(t, SUPPRESSION_ISP_COMPLAINED);
            ensure!(row[FLAG] != json!(true), "{version}: {row}");
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_blocked_popup_unticks_the_box_and_says_to_allow_popups() -> Outcome {
    run(
        "a_blocked_popup_unticks_the_box_and_says_to_allow_popups",
        async |t| {
            for (version, organization) in [(V8_2, "contoso"), (V9_0, "contoso")] {
                t.emulator.control_post("reset", &json!({}), 204).await?;
                open_demo(
                    t,
                    version,
                    organization,
                    SUPPRESSION,
                    SUPPRESSION_UNSUBSCRIBED,
                )
                .await?;
                demo_setting(&t.page, "popupsBlocked", json!(true)).await?;
                open(t, version, organization, SUPPRESSION_UNSUBSCRIBED).await?;
                t.page.click(FLAG_INPUT).await?;
                if version == V9_0 {
                    // Xrm.Navigation.openWebResource answers nothing either way: the library
                    // waits for the page to say it opened.
                    tokio::time::sleep(std::time::Duration::from_secs(12)).await;
                }
                let said = t.page.wait_for_text(NOTES, "Allow pop-ups for").await?;
                ensure!(
                    said.contains("/contoso"),
                    "{version}: the organization is not named: {said}"
                );
                ensure!(!ticked(t).await?, "{version}: the box stayed ticked");
                let windows = t.page.client().windows().await?;
                ensure!(windows.len() == 1, "{version}: {} windows", windows.len());
                nothing_written(t, version).await?;
                demo_setting(&t.page, "popupsBlocked", json!(false)).await?;
            }
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn a_window_closed_or_cancelled_mid_way_unticks_the_box_and_writes_nothing() -> Outcome {
    run(
        "a_window_closed_or_cancelled_mid_way_unticks_the_box_and_writes_nothing",
        async |t| {
            for (version, organization) in [(V9_0, "contoso"), (V8_2, "contoso")] {
                t.emulator.control_post("reset", &json!({}), 204).await?;
                open(t, version, organization, SUPPRESSION_UNSUBSCRIBED).await?;

                // Closed with details typed but not saved.
                let form = open_evidence_window(&t.page).await?;
                t.page
                    .execute(
                        "document.getElementById('phone').click();
                         document.getElementById('details').value = 'Half typed';
                         return true;",
                        vec![],
                    )
                    .await?;
                t.page.client().close_window().await?;
                back_to_form(&t.page, form).await?;
                box_unticked(t).await?;
                let shown = e2e::form::notifications(&t.page).await?;
                ensure!(
                    !shown.contains("Save the record to submit the request")
                        && !shown.contains("could not"),
                    "{version}: {shown}"
                );
                nothing_written(t, version).await?;

                // Cancelled with the page's own button.
                let form = open_evidence_window(&t.page).await?;
                t.page
                    .execute(
                        "document.getElementById('cancel').click(); return true;",
                        vec![],
                    )
                    .await?;
                back_to_form(&t.page, form).await?;
                box_unticked(t).await?;
                nothing_written(t, version).await?;

                // Evidence that fails the page's rules is not accepted there: the window stays.
                let form = open_evidence_window(&t.page).await?;
                submit_evidence_in_window(&t.page, "phone", "").await?;
                t.page
                    .wait_until(
                        "the page to refuse empty details",
                        "return !document.getElementById('details-error').hidden;",
                    )
                    .await?;
                t.page.client().close_window().await?;
                back_to_form(&t.page, form).await?;
                box_unticked(t).await?;
                nothing_written(t, version).await?;
            }
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn on_8_x_a_save_that_fails_after_the_note_withdraws_it() -> Outcome {
    run(
        "on_8_x_a_save_that_fails_after_the_note_withdraws_it",
        async |t| {
            open(t, V8_2, "contoso", SUPPRESSION_UNSUBSCRIBED).await?;
            request_with_evidence_in_window(&t.page, "letter", "Letter of 25 Nov, ref L-3.")
                .await?;
            t.emulator
                .control_post(
                    "faults",
                    &json!({ "method": "PATCH", "path": "esc_emailsuppressions(", "count": 1,
                             "fault": { "kind": "status", "status": 500 } }),
                    201,
                )
                .await?;
            e2e::form::save(&t.page).await?;
            t.page.wait_for_event("PATCH failed").await?;
            // Xrm.Page.data.save() answered through its error callback: the note is withdrawn
            // because the request is not on the record.
            let started = std::time::Instant::now();
            loop {
                let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
                if notes.is_empty() {
                    break;
                }
                ensure!(
                    started.elapsed() < std::time::Duration::from_secs(10),
                    "the note stayed: {notes:?}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            let row = stored(t, SUPPRESSION_UNSUBSCRIBED);
            ensure!(row[FLAG] != json!(true), "saved: {row}");
            let deleted = requests(t)
                .iter()
                .any(|r| r.method == "DELETE" && r.path.contains("annotations"));
            ensure!(deleted, "no DELETE of the note");
            Ok(())
        },
    )
    .await
}

/// The status panel's title and live sentence once it has been drawn in `view` (`status` on
/// the Email Suppressions form, `history` on the Contact form) and its sentence is not the
/// one said while reading; `null` until then.
const PANEL_JS: &str = r#"
    const frame = document.querySelector('[data-control=WebResource_rsub_status] iframe');
    const d = frame && frame.contentDocument;
    const main = d && d.getElementById('rsub-status');
    if (!main || main.getAttribute('aria-busy') !== 'false') { return null; }
    if (main.getAttribute('data-view') !== arguments[0]) { return null; }
    const live = d.getElementById('rsub-status-live').textContent.trim();
    if (arguments[1].includes(live)) { return null; }
    return { lang: d.documentElement.lang,
             title: d.getElementById('rsub-status-title').textContent.trim(), live: live };
"#;

/// The panel's `(title, sentence)` once drawn in `view` with a sentence other than `loading`.
async fn panel_text(t: &e2e::E2e, view: &str, loading: &[&str]) -> Outcome<(String, String)> {
    let p = t
        .page
        .wait_until_with(
            &format!("the {view} panel to be drawn"),
            PANEL_JS,
            vec![json!(view), json!(loading)],
        )
        .await?;
    Ok((
        p["title"].as_str().unwrap_or_default().to_owned(),
        p["live"].as_str().unwrap_or_default().to_owned(),
    ))
}

#[tokio::test]
async fn a_german_user_on_8_x_reads_refusals_notifications_and_the_panel_in_german() -> Outcome {
    run(
        "a_german_user_on_8_x_reads_refusals_notifications_and_the_panel_in_german",
        async |t| {
            let loading = ["Reading the record…", "Der Datensatz wird gelesen…"];
            let history_loading = [
                "Reading the contact's notes…",
                "Die Notizen des Kontakts werden gelesen…",
            ];
            for (version, organization) in [(V8_2, "contoso"), (V8_0, "")] {
                t.emulator.control_post("reset", &json!({}), 204).await?;
                open_demo(
                    t,
                    version,
                    organization,
                    SUPPRESSION,
                    SUPPRESSION_ISP_COMPLAINED,
                )
                .await?;
                demo_setting(&t.page, "lcid", json!(1031)).await?;

                // A reason that cannot be resubscribed: said by the panel at load, in German.
                open_form(t, version, organization, SUPPRESSION_ISP_COMPLAINED).await?;
                e2e::status::wait_for_summary(
                    &t.page,
                    "Diese Adresse kann nicht wieder angemeldet werden",
                )
                .await?;
                let (title, said) = panel_text(t, "status", &loading).await?;
                ensure!(
                    title == "Status der Wiederanmeldung",
                    "{version}: the panel's title: {title}"
                );
                // Nothing requested, or why nothing can be.
                ensure!(
                    said == "Es liegt keine offene Anfrage zur Wiederanmeldung vor."
                        || said.starts_with("Diese Adresse kann nicht wieder angemeldet werden"),
                    "{version}: the panel says: {said}"
                );
                let shown = e2e::form::notifications(&t.page).await?;
                ensure!(
                    !shown.contains("cannot be resubscribed"),
                    "{version}: English left on the form: {shown}"
                );
                // The platform has no getResourceString: the library read the German RESX by
                // URL, under the organization's path, once.
                let prefix = if organization.is_empty() {
                    String::new()
                } else {
                    format!("/{organization}")
                };
                let resx = format!("{prefix}/WebResources/rsub_/strings/Resubscribe.1031.resx");
                let reads: Vec<LogEntry> = requests(t)
                    .into_iter()
                    .filter(|r| r.path.contains("/strings/Resubscribe."))
                    .collect();
                ensure!(
                    reads.len() == 1
                        && reads[0].path == resx
                        && reads[0].method == "GET"
                        && reads[0].status == Some(200)
                        && !reads[0].demo_host,
                    "{version}: the strings were read as {reads:?}, expected one GET {resx}"
                );
                let kind = t
                    .page
                    .execute("return typeof Xrm.Utility.getResourceString;", vec![])
                    .await?;
                ensure!(
                    kind == json!("undefined"),
                    "{version}: getResourceString is {kind}"
                );

                // A request saved without the contact's request recorded: refused in German.
                open(t, version, organization, SUPPRESSION_UNSUBSCRIBED).await?;
                let (_, said) = panel_text(t, "status", &loading).await?;
                ensure!(
                    said == "Es liegt keine offene Anfrage zur Wiederanmeldung vor.",
                    "{version}: the panel says: {said}"
                );
                tick_and_save(t).await?;
                t.page
                    .wait_for_text(
                        e2e::form::FLAG_NOTE,
                        "Erfassen Sie vor dem Speichern, wer wann",
                    )
                    .await?;
                nothing_written(t, version).await?;

                // The Contact form's history.
                open_demo(t, version, organization, "contact", CONTACT_MARIA_CAMPBELL).await?;
                let (title, said) = panel_text(t, "history", &history_loading).await?;
                ensure!(
                    title == "Bisherige Wiederanmeldungen",
                    "{version}: the history's title: {title}"
                );
                ensure!(
                    said == "In den Notizen dieses Kontakts sind keine Anfragen zur \
                             Wiederanmeldung festgehalten.",
                    "{version}: the history says: {said}"
                );
                demo_setting(&t.page, "lcid", json!(1033)).await?;
            }
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn on_8_x_strings_that_cannot_be_read_are_named_and_the_checks_still_run() -> Outcome {
    run(
        "on_8_x_strings_that_cannot_be_read_are_named_and_the_checks_still_run",
        async |t| {
            open_demo(t, V8_2, "contoso", SUPPRESSION, SUPPRESSION_ISP_COMPLAINED).await?;
            t.emulator
                .control_post(
                    "faults",
                    &json!({ "method": "GET", "path": "/WebResources/rsub_/strings/", "count": 50,
                             "fault": { "kind": "status", "status": 503 } }),
                    201,
                )
                .await?;
            // The module has no English table: English is a RESX like the others, and when it
            // cannot be read each text says which it is and where its words should come from.
            const UNREAD: &str = "This text could not be read from the solution's strings";
            open_form(t, V8_2, "contoso", SUPPRESSION_ISP_COMPLAINED).await?;
            // Why the reason cannot be resubscribed: the verdict, named.
            let said =
                e2e::status::wait_for_summary(&t.page, "[eligibility.refused.complaint]").await?;
            ensure!(said.contains(UNREAD), "the panel says: {said}");
            let (title, _) = panel_text(t, "status", &[]).await?;
            ensure!(
                title.starts_with("[panel.title]") && title.contains(UNREAD),
                "the panel's title: {title}"
            );
            let failed = requests(t).iter().any(|r| {
                r.path.contains("/strings/Resubscribe.1033.resx") && r.status == Some(503)
            });
            ensure!(failed, "the strings were not read: {:?}", requests(t));

            // The checks still run: a request saved without the contact's request recorded is
            // refused, and says so on the box, naming the text.
            open(t, V8_2, "contoso", SUPPRESSION_UNSUBSCRIBED).await?;
            tick_and_save(t).await?;
            t.page.wait_for_text(e2e::form::FLAG_NOTE, UNREAD).await?;
            nothing_written(t, V8_2).await?;

            // A language the solution has no file for (Spanish): the English file stands in, as
            // the platform falls back to a base language.
            t.emulator.control_post("reset", &json!({}), 204).await?;
            demo_setting(&t.page, "lcid", json!(3082)).await?;
            open_form(t, V8_2, "contoso", SUPPRESSION_ISP_COMPLAINED).await?;
            e2e::status::wait_for_summary(&t.page, "This address cannot be resubscribed").await?;
            let reads: Vec<(String, Option<u16>)> = requests(t)
                .into_iter()
                .filter(|r| r.path.contains("/strings/Resubscribe."))
                .map(|r| (r.path, r.status))
                .collect();
            ensure!(
                reads
                    == [
                        (
                            "/contoso/WebResources/rsub_/strings/Resubscribe.3082.resx".to_owned(),
                            Some(404)
                        ),
                        (
                            "/contoso/WebResources/rsub_/strings/Resubscribe.1033.resx".to_owned(),
                            Some(200)
                        )
                    ],
                "the strings were read as {reads:?}"
            );
            // The Contact form's history too (its shell reads the English file instead).
            open_demo(t, V8_2, "contoso", "contact", CONTACT_MARIA_CAMPBELL).await?;
            let (title, _) = panel_text(t, "history", &["…"]).await?;
            ensure!(
                title == "Resubscription history",
                "the history's title: {title}"
            );
            let spanish = requests(t)
                .iter()
                .filter(|r| r.path.ends_with("/Resubscribe.3082.resx"))
                .count();
            ensure!(
                spanish >= 2,
                "the Contact form did not ask for Spanish first: {spanish}"
            );
            demo_setting(&t.page, "lcid", json!(1033)).await?;
            Ok(())
        },
    )
    .await
}
