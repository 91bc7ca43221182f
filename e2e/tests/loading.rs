//! The status panel while the form's read is out: "Reading the record…" on the Email
//! Suppressions form while the load's `$batch` is out, "Reading the contact's notes…" on the
//! Contact form while the notes are read, each replaced by what the answer says. The
//! emulator's fault injection holds the read back (a `delay` rule).

use e2e::demo::open_demo;
use e2e::form::{demo_setting, SUPPRESSION};
use e2e::seed::{CONTACT_MARIA_CAMPBELL, SUPPRESSION_UNSUBSCRIBED};
use e2e::{ensure, run, Method, Outcome};
use serde_json::{json, Value};

/// How long the read is held back.
const DELAY_MS: u64 = 4_000;

/// The panel as drawn by the library in `arguments[0]` (`status` or `history`), busy or not:
/// `{state, busy, title, live}`; `null` until then.
const PANEL_JS: &str = r#"
    const frame = document.querySelector('[data-control=WebResource_rsub_status] iframe');
    const d = frame && frame.contentDocument;
    const main = d && d.getElementById('rsub-status');
    if (!main || main.getAttribute('data-view') !== arguments[0]) { return null; }
    const live = d.getElementById('rsub-status-live').textContent.trim();
    if (arguments[1] !== null && live !== arguments[1]) { return null; }
    if (arguments[1] === null && main.getAttribute('aria-busy') !== 'false') { return null; }
    return { state: main.getAttribute('data-state'), busy: main.getAttribute('aria-busy'),
             live: live, title: d.getElementById('rsub-status-title').textContent.trim() };
"#;

/// Waits until the panel of `view` says `live` (any sentence when `None`).
async fn panel(t: &e2e::E2e, view: &str, live: Option<&str>) -> Outcome<Value> {
    t.page
        .wait_until_with(
            &format!("the {view} panel to say {live:?}"),
            PANEL_JS,
            vec![json!(view), json!(live)],
        )
        .await
}

/// Holds the next plugin request whose path contains `path` back for [`DELAY_MS`].
async fn delay(t: &e2e::E2e, method: &str, path: &str) -> Outcome {
    t.emulator
        .control_post(
            "faults",
            &json!({ "method": method, "path": path, "count": 1,
                     "fault": { "kind": "delay", "ms": DELAY_MS } }),
            201,
        )
        .await?;
    Ok(())
}

/// Whether the request whose path contains `path` has been answered.
fn answered(t: &e2e::E2e, path: &str) -> bool {
    t.emulator
        .requests()
        .iter()
        .any(|r| r.path.contains(path) && r.status.is_some())
}

#[tokio::test]
async fn the_suppression_panel_says_it_reads_the_record_until_the_batch_answers() -> Outcome {
    run(
        "the_suppression_panel_says_it_reads_the_record_until_the_batch_answers",
        async |t| {
            for (version, organization, lcid, reading, nothing) in [
                (
                    "9.2.25093.00168",
                    "",
                    1033,
                    "Reading the record…",
                    "No resubscribe request is pending.",
                ),
                // Before 9.0 the German strings are read by URL beside the batch: the
                // panel says it in German while the batch is still out.
                (
                    "8.2.0.749",
                    "contoso",
                    1031,
                    "Der Datensatz wird gelesen…",
                    "Es liegt keine offene Anfrage zur Wiederanmeldung vor.",
                ),
            ] {
                open_demo(
                    t,
                    version,
                    organization,
                    SUPPRESSION,
                    SUPPRESSION_UNSUBSCRIBED,
                )
                .await?;
                demo_setting(&t.page, "lcid", json!(lcid)).await?;
                t.emulator
                    .send(Method::DELETE, "/_emulator/requests", &[], None)
                    .await?;
                delay(t, "POST", "$batch").await?;
                t.page
                    .execute("location.reload(); return true;", vec![])
                    .await?;

                let loading = panel(t, "status", Some(reading)).await?;
                ensure!(
                    loading["state"] == "loading" && loading["busy"] == "true",
                    "{version}: {loading}"
                );
                ensure!(
                    !answered(t, "$batch"),
                    "{version}: the batch had answered: {:?}",
                    t.emulator.requests()
                );
                let read = panel(t, "status", Some(nothing)).await?;
                ensure!(
                    read["state"] == "notRequested" && read["busy"] == "false",
                    "{version}: {read}"
                );
                let held = t
                    .emulator
                    .requests()
                    .into_iter()
                    .find(|r| r.path.contains("$batch"));
                ensure!(
                    held.as_ref().and_then(|r| r.fault.as_deref()) == Some("delay 4000ms"),
                    "{version}: the batch was not held back: {held:?}"
                );
            }
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn the_contact_history_says_it_reads_the_notes_until_they_answer() -> Outcome {
    run(
        "the_contact_history_says_it_reads_the_notes_until_they_answer",
        async |t| {
            open_demo(t, "9.2.25093.00168", "", "contact", CONTACT_MARIA_CAMPBELL).await?;
            panel(t, "history", None).await?;
            t.emulator
                .send(Method::DELETE, "/_emulator/requests", &[], None)
                .await?;
            // The history's read of the notes (the host reads them without `annotationid`).
            delay(t, "GET", "annotationid").await?;
            t.page
                .execute("location.reload(); return true;", vec![])
                .await?;
            let loading = panel(t, "history", Some("Reading the contact's notes…")).await?;
            ensure!(
                loading["title"] == "Resubscription history"
                    && loading["state"] == "loading"
                    && loading["busy"] == "true",
                "the history while loading: {loading}"
            );
            ensure!(
                !answered(t, "annotationid"),
                "the notes had answered: {:?}",
                t.emulator.requests()
            );
            panel(
                t,
                "history",
                Some("No resubscribe requests are recorded in this contact's notes."),
            )
            .await?;
            Ok(())
        },
    )
    .await
}
