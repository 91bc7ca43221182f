//! Driving the plugin on the demo's Email Suppressions form as a user does: ticking Request
//! Resubscribe, answering the evidence dialog, saving, switching the demo's user or language,
//! and reading the audit notes the plugin wrote.

use serde_json::{json, Value};

use crate::{Outcome, Page};

/// The suppression table.
pub const SUPPRESSION: &str = "esc_emailsuppression";
/// The Request Resubscribe check box.
pub const FLAG_INPUT: &str = "[data-control=esc_requestresubscribe] input";
/// The form notification bar.
pub const NOTES: &str = "#form-notifications";

/// Whether the Request Resubscribe box is disabled.
pub async fn flag_disabled(page: &Page) -> Outcome<bool> {
    let disabled = page
        .execute(
            "return document.querySelector(arguments[0]).disabled;",
            vec![json!(FLAG_INPUT)],
        )
        .await?;
    Ok(disabled == json!(true))
}

/// Waits until the Request Resubscribe box can be ticked.
pub async fn wait_flag_enabled(page: &Page) -> Outcome {
    page.wait_until_with(
        "the box to be enabled",
        "return !document.querySelector(arguments[0]).disabled;",
        vec![json!(FLAG_INPUT)],
    )
    .await?;
    Ok(())
}

/// Opens `record` on the Email Suppressions form and waits until its OnLoad has run and the
/// library's module has started.
pub async fn open_loaded(page: &Page, record: &str) -> Outcome {
    page.open_record(SUPPRESSION, record).await?;
    page.wait_for_event("OnLoad").await?;
    module_started(page).await
}

/// Waits until the form library's module has started (off the main thread: a save that ticks
/// the box before then is refused as "still starting").
pub async fn module_started(page: &Page) -> Outcome {
    page.wait_until(
        "the form library's module to start",
        "const w = window.DemoHost && DemoHost.scriptWindow ? DemoHost.scriptWindow() : null;
         return !!w && w.performance.getEntriesByName('rsub:module-started', 'mark').length > 0;",
    )
    .await?;
    Ok(())
}

/// Ticks Request Resubscribe and waits for the evidence dialog's form.
pub async fn open_evidence_dialog(page: &Page) -> Outcome {
    page.click(FLAG_INPUT).await?;
    page.wait_until(
        "the evidence dialog",
        "const f = document.querySelector('dialog[open] iframe');
         const d = f && f.contentDocument;
         const form = d && d.getElementById('evidence-form');
         return !!(form && !form.hidden && d.getElementById('save').textContent.trim());",
    )
    .await?;
    Ok(())
}

/// Fills the open evidence dialog (`channel` is a radio id such as `phone`), presses its Save
/// button and waits for the dialog to close.
pub async fn fill_evidence(page: &Page, channel: &str, details: &str) -> Outcome {
    submit_evidence(page, channel, details).await?;
    page.wait_until(
        "the evidence dialog to close",
        "return !document.querySelector('dialog[open] iframe');",
    )
    .await?;
    Ok(())
}

/// Fills the open evidence dialog and presses its Save button.
pub async fn submit_evidence(page: &Page, channel: &str, details: &str) -> Outcome {
    page.execute(
        "const d = document.querySelector('dialog[open] iframe').contentDocument;
         d.getElementById(arguments[0]).click();
         const details = d.getElementById('details');
         details.value = arguments[1];
         details.dispatchEvent(new Event('input', { bubbles: true }));
         d.getElementById('save').click();
         return true;",
        vec![json!(channel), json!(details)],
    )
    .await?;
    Ok(())
}

/// Ticks the box and records the contact's request; the form then says "Save the record to
/// submit the request" (in English).
pub async fn request_with_evidence(page: &Page, channel: &str, details: &str) -> Outcome {
    open_evidence_dialog(page).await?;
    fill_evidence(page, channel, details).await?;
    page.wait_for_text(NOTES, "Save the record to submit the request")
        .await?;
    Ok(())
}

/// Ticks the box by script, without the evidence dialog (`setValue` fires no OnChange), saves,
/// and returns the box's notification (why, said on the box) once it refuses the request for
/// its missing evidence, then the form notifications.
pub async fn save_ticked_without_evidence(page: &Page) -> Outcome<String> {
    module_started(page).await?;
    page.execute(
        "Xrm.Page.getAttribute(arguments[0]).setValue(true); return true;",
        vec![json!("esc_requestresubscribe")],
    )
    .await?;
    save(page).await?;
    let on_box = page
        .wait_for_text(FLAG_NOTE, "Record who asked to be resubscribed")
        .await?;
    Ok([on_box, notifications(page).await?].join("\n"))
}

/// The notifications on the Request Resubscribe box.
pub const FLAG_NOTE: &str = "[data-control=esc_requestresubscribe] .ctl-note";

/// The request, with its date, is on the unsubscribed record (Maria Campbell), with exactly
/// one note on her contact; returns that note's text.
pub fn saved_with_one_note(t: &crate::E2e) -> Outcome<String> {
    let notes = audit_notes(&t.emulator.state(), crate::seed::CONTACT_MARIA_CAMPBELL);
    crate::ensure!(notes.len() == 1, "expected one note, found {notes:?}");
    let row = stored(t, crate::seed::SUPPRESSION_UNSUBSCRIBED);
    crate::ensure!(
        row["esc_requestresubscribe"] == json!(true),
        "the request was not saved: {row}"
    );
    crate::ensure!(
        row["esc_resubscriberequestdate"].is_string(),
        "the request date was not saved: {row}"
    );
    Ok(notes
        .into_iter()
        .next()
        .map(|(_, text)| text)
        .unwrap_or_default())
}

/// Saves with the command bar.
pub async fn save(page: &Page) -> Outcome {
    page.click("#cmd-save").await
}

/// Saves with the command bar and waits until the form says it is saved.
pub async fn save_and_wait(page: &Page) -> Outcome {
    save(page).await?;
    page.wait_until(
        "the edit to be saved",
        "return document.body.innerText.includes('- Saved');",
    )
    .await?;
    Ok(())
}

/// Sets one of the demo's settings for this tab (`user`: `admin`/`user`, `lcid`: a number,
/// `popupsBlocked`: a boolean); the next form opened in the tab starts with it.
pub async fn demo_setting(page: &Page, key: &str, value: Value) -> Outcome {
    page.execute(
        "const s = JSON.parse(sessionStorage.getItem('rsub-demo-settings') || '{}');
         s[arguments[0]] = arguments[1];
         sessionStorage.setItem('rsub-demo-settings', JSON.stringify(s));
         return true;",
        vec![json!(key), value],
    )
    .await?;
    Ok(())
}

/// Sets one of the demo's settings for this tab ([`demo_setting`]), then opens `record` so
/// the form starts with it.
pub async fn open_with_setting(page: &Page, key: &str, value: Value, record: &str) -> Outcome {
    page.open_record(SUPPRESSION, record).await?;
    demo_setting(page, key, value).await?;
    page.open_record(SUPPRESSION, record).await
}

/// The form notifications' text.
pub async fn notifications(page: &Page) -> Outcome<String> {
    let text = page
        .execute(
            "const n = document.querySelector('#form-notifications'); return n ? n.innerText : '';",
            vec![],
        )
        .await?;
    Ok(text.as_str().unwrap_or_default().to_string())
}

/// Edits the email address of the unsubscribed record (Maria Campbell) and saves, as a normal
/// edit that no check stands in the way of; returns the stored row after checking the edit.
pub async fn save_an_email_edit(t: &crate::E2e) -> Outcome<Value> {
    t.page
        .fill(
            "[data-control=esc_emailaddress] input",
            "maria.c@contoso.com",
        )
        .await?;
    save_and_wait(&t.page).await?;
    let row = stored(t, crate::seed::SUPPRESSION_UNSUBSCRIBED);
    crate::ensure!(
        row["esc_emailaddress"] == json!("maria.c@contoso.com"),
        "the edit was not saved: {row}"
    );
    Ok(row)
}

/// The suppression record `record` as stored in the emulator (`null` when there is none).
pub fn stored(t: &crate::E2e, record: &str) -> Value {
    t.emulator.row(SUPPRESSION, record).unwrap_or(Value::Null)
}

/// The annotation rows on `object` in the emulator `state` whose subject starts with `subject`.
pub fn note_rows(state: &Value, object: &str, subject: &str) -> Vec<Value> {
    state["tables"]["annotation"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["_objectid_value"].as_str() == Some(object))
        .filter(|n| {
            n["subject"]
                .as_str()
                .is_some_and(|s| s.starts_with(subject))
        })
        .cloned()
        .collect()
}

/// The plugin's audit notes (the subject starts "Resubscribe request") on `object` in the
/// emulator `state`, as (subject, text).
pub fn audit_notes(state: &Value, object: &str) -> Vec<(String, String)> {
    note_rows(state, object, "Resubscribe request")
        .iter()
        .map(|n| {
            let text = |k: &str| n[k].as_str().unwrap_or_default().to_string();
            (text("subject"), text("notetext"))
        })
        .collect()
}

/// Ticks Request Resubscribe where the evidence page opens in a window of its own (9.0:
/// `Xrm.Navigation.openWebResource`, 8.x: `Xrm.Utility.openWebResource`), waits for that
/// window, switches WebDriver to it and waits for its form; returns the form's window handle
/// (to switch back with [`back_to_form`]).
pub async fn open_evidence_window(page: &Page) -> Outcome<fantoccini::wd::WindowHandle> {
    let client = page.client();
    let form = client.window().await?;
    let before = client.windows().await?;
    page.click(FLAG_INPUT).await?;
    let started = std::time::Instant::now();
    let evidence = loop {
        let now = client.windows().await?;
        if let Some(handle) = now.into_iter().find(|h| !before.contains(h)) {
            break handle;
        }
        crate::ensure!(
            started.elapsed() < crate::page::WAIT_TIMEOUT,
            "no evidence window opened after ticking the box"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    client.switch_to_window(evidence).await?;
    page.wait_until(
        "the evidence window's form",
        "const form = document.getElementById('evidence-form');
         return !!(form && !form.hidden && document.getElementById('save').textContent.trim());",
    )
    .await?;
    Ok(form)
}

/// In the evidence window (WebDriver is in it): picks `channel`, fills the details and presses
/// Save.
pub async fn submit_evidence_in_window(page: &Page, channel: &str, details: &str) -> Outcome {
    page.execute(
        "document.getElementById(arguments[0]).click();
         const details = document.getElementById('details');
         details.value = arguments[1];
         details.dispatchEvent(new Event('input', { bubbles: true }));
         document.getElementById('save').click();
         return true;",
        vec![json!(channel), json!(details)],
    )
    .await?;
    Ok(())
}

/// Waits until only the form's window is left (the evidence window closed itself or was
/// closed), then switches WebDriver back to `form`.
pub async fn back_to_form(page: &Page, form: fantoccini::wd::WindowHandle) -> Outcome {
    let client = page.client();
    let started = std::time::Instant::now();
    while client.windows().await?.len() > 1 {
        crate::ensure!(
            started.elapsed() < crate::page::WAIT_TIMEOUT,
            "the evidence window did not close"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    client.switch_to_window(form).await?;
    Ok(())
}

/// Ticks the box and records the contact's request in the evidence window; the form then says
/// "Save the record to submit the request" (in English).
pub async fn request_with_evidence_in_window(page: &Page, channel: &str, details: &str) -> Outcome {
    let form = open_evidence_window(page).await?;
    submit_evidence_in_window(page, channel, details).await?;
    back_to_form(page, form).await?;
    page.wait_for_text(NOTES, "Save the record to submit the request")
        .await?;
    Ok(())
}
