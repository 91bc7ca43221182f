//! One place per fact (`docs/surfaces.md`), end to end: along each main journey every sentence
//! the form shows — form notifications, the notifications on *Request Resubscribe*, the status
//! panel's heading and live region — is said once; the panel follows the form in front of the
//! user (a request captured but not saved, an address that cannot be resubscribed); a conflict
//! leaves only the conflict; codes and privilege names reach administrators only, once; and a
//! record not saved yet refuses the tick on the box.

use e2e::form::{request_with_evidence, save, FLAG_INPUT, NOTES, SUPPRESSION};
use e2e::seed::{
    SUPPRESSION_HARD_BOUNCED, SUPPRESSION_ISP_COMPLAINED, SUPPRESSION_NO_CONTACT,
    SUPPRESSION_UNSUBSCRIBED,
};
use e2e::status::{self, PANEL_FRAME};
use e2e::{ensure, run, Outcome, Page};
use serde_json::{json, Value};

/// Everything the form shows in words, by surface: `form` (each form notification), `control`
/// (each notification on Request Resubscribe), `panel` (the panel's heading and live region),
/// `state` (the panel's `data-state`), `body` (the panel's whole text).
const SURFACES_JS: &str = r#"
    const text = (n) => n ? n.textContent.trim() : '';
    const form = Array.from(document.querySelectorAll('#form-notifications .note-text'), text);
    const control = Array.from(
        document.querySelectorAll('[data-control=esc_requestresubscribe] .ctl-note'),
        (n) => Array.from(n.children)
            .filter((c) => !c.matches('.note-icon, .sr-only, .note-actions'))
            .map(text).join(' '));
    const frame = document.querySelector(arguments[0]);
    const d = frame && frame.contentDocument;
    const main = d && d.getElementById('rsub-status');
    const panel = main ? [text(d.getElementById('rsub-status-title')),
        text(d.getElementById('rsub-status-live'))] : [];
    return {
        form, control, panel,
        state: main ? main.getAttribute('data-state') : null,
        body: main ? main.innerText : '',
    };
"#;

/// What the form shows now (see [`SURFACES_JS`]).
async fn surfaces(page: &Page) -> Outcome<Value> {
    page.execute(SURFACES_JS, vec![json!(PANEL_FRAME)]).await
}

/// The texts of one surface.
fn texts(shown: &Value, surface: &str) -> Vec<String> {
    shown[surface]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// Every text the user reads on the three surfaces.
fn all_texts(shown: &Value) -> Vec<String> {
    ["form", "control", "panel"]
        .iter()
        .flat_map(|surface| texts(shown, surface))
        .collect()
}

/// The sentences of `text`: split after `.`, `!`, `?` or `…` followed by a space.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if matches!(c, '.' | '!' | '?' | '…') && chars.peek().is_none_or(|n| n.is_whitespace()) {
            out.push(current.trim().to_string());
            current.clear();
        }
    }
    out.push(current.trim().to_string());
    out.retain(|s| !s.is_empty());
    out
}

/// Fails when a sentence appears twice among everything the form shows (`when` names the
/// moment); returns what it read.
async fn said_once(page: &Page, when: &str) -> Outcome<Value> {
    let shown = surfaces(page).await?;
    let mut seen: Vec<String> = Vec::new();
    for text in all_texts(&shown) {
        for sentence in sentences(&text) {
            ensure!(
                !seen.contains(&sentence),
                "{when}: “{sentence}” is said twice: {shown:#}"
            );
            seen.push(sentence);
        }
    }
    Ok(shown)
}

/// Whether any form notification contains `needle`.
fn form_says(shown: &Value, needle: &str) -> bool {
    texts(shown, "form").iter().any(|t| t.contains(needle))
}

/// Waits until the form notifications contain `needle`.
async fn wait_for_notice(page: &Page, needle: &str) -> Outcome {
    page.wait_for_text(NOTES, needle).await?;
    Ok(())
}

/// Along a request from the form to the contact's confirmation email: the panel says where it
/// stands, the form notifications only what asks for action, and nothing twice. Once the
/// request is captured the panel says it is ready to send, not that none is pending.
#[tokio::test]
async fn each_fact_is_said_once_along_a_request() -> Outcome {
    run("each_fact_is_said_once_along_a_request", async |t| {
        t.page
            .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
            .await?;
        status::layout(&t.page, "notRequested").await?;
        let opened = said_once(&t.page, "an eligible record opened").await?;
        ensure!(
            !form_says(&opened, "No resubscribe request is pending"),
            "the state is a form notification too: {opened:#}"
        );

        request_with_evidence(&t.page, "phone", "Phone call, ticket CAS-31.").await?;
        let ready = status::layout(&t.page, "readyToSend").await?;
        ensure!(
            ready["live"] == json!("Ready to send: save the record."),
            "the panel does not follow the form: {ready:#}"
        );
        let captured = said_once(&t.page, "the request captured").await?;
        ensure!(
            !all_texts(&captured)
                .iter()
                .any(|t| t.contains("No resubscribe request is pending")),
            "the panel says none is pending while the form holds one: {captured:#}"
        );

        save(&t.page).await?;
        status::layout(&t.page, "awaitingSync").await?;
        t.page
            .wait_until(
                "the note's notification to go",
                "return !document.querySelector('#form-notifications').innerText.includes('Recording');",
            )
            .await?;
        let saved = said_once(&t.page, "the request saved").await?;
        ensure!(
            texts(&saved, "form").is_empty(),
            "the saved request is repeated in the form notifications: {saved:#}"
        );

        t.emulator.control_post("sync", &json!({}), 200).await?;
        t.page
            .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
            .await?;
        status::layout(&t.page, "awaitingConfirmation").await?;
        let synced = said_once(&t.page, "after the sync").await?;
        ensure!(
            !form_says(&synced, "Confirmation email sent on"),
            "the state after the sync is a form notification too: {synced:#}"
        );
        Ok(())
    })
    .await
}

/// An ISP complaint, a global suppression and a hard bounce: the panel says the address cannot
/// be resubscribed and why, with no "ready for resubscribe requests" line, and the form does not
/// say it again.
#[tokio::test]
async fn an_address_that_cannot_be_resubscribed_is_said_once_in_the_panel() -> Outcome {
    run(
        "an_address_that_cannot_be_resubscribed_is_said_once_in_the_panel",
        async |t| {
            for (record, why) in [
                (
                    SUPPRESSION_ISP_COMPLAINED,
                    "complained about your email as spam or abuse",
                ),
                (SUPPRESSION_NO_CONTACT, "it is blocked by dotdigital"),
                (SUPPRESSION_HARD_BOUNCED, "it cannot receive email"),
            ] {
                t.page.open_record(SUPPRESSION, record).await?;
                let panel = status::layout(&t.page, "cannotResubscribe").await?;
                let live = panel["live"].as_str().unwrap_or_default();
                ensure!(
                    live.starts_with("This address cannot be resubscribed: ") && live.contains(why),
                    "{record}: {panel:#}"
                );
                // The state read at load, not only the first decision.
                t.page
                    .wait_until(
                        "the state read at load",
                        "return DemoHost.scriptWindow().performance.getEntriesByName('rsub:state-rendered', 'mark').length > 0;",
                    )
                    .await?;
                let shown = said_once(&t.page, record).await?;
                ensure!(
                    shown["state"] == json!("cannotResubscribe"),
                    "{record}: {shown:#}"
                );
                ensure!(
                    !shown["body"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("Ready for resubscribe requests"),
                    "{record}: the panel says the connector is ready: {shown:#}"
                );
                ensure!(
                    !form_says(&shown, "cannot be resubscribed"),
                    "{record}: said in a form notification too: {shown:#}"
                );
                let disabled = e2e::form::flag_disabled(&t.page).await?;
                ensure!(disabled, "{record}: the box can be ticked");
            }
            Ok(())
        },
    )
    .await
}

/// A save ticked without the contact's request: why is said on the box, and the form says only
/// that the save was refused there.
#[tokio::test]
async fn a_refused_save_says_why_once_on_the_box() -> Outcome {
    run("a_refused_save_says_why_once_on_the_box", async |t| {
        t.page
            .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
            .await?;
        status::layout(&t.page, "notRequested").await?;
        e2e::form::save_ticked_without_evidence(&t.page).await?;
        wait_for_notice(&t.page, "Check Request Resubscribe").await?;
        let shown = said_once(&t.page, "a save refused without evidence").await?;
        ensure!(
            texts(&shown, "control")
                .iter()
                .any(|t| t.contains("Record who asked to be resubscribed")),
            "the box does not say why: {shown:#}"
        );
        ensure!(
            !form_says(&shown, "Record who asked"),
            "the box's reason is a form notification too: {shown:#}"
        );
        let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
        ensure!(
            row["esc_requestresubscribe"] != json!(true),
            "the request was saved: {row}"
        );
        Ok(())
    })
    .await
}

/// Two tabs on one record: the first saves a request; the second, which had captured its own,
/// saves over it. The second tab's notices about its own request go when the conflict is found:
/// only the conflict is left, said once.
#[tokio::test]
async fn a_conflict_between_two_tabs_leaves_only_the_conflict() -> Outcome {
    run(
        "a_conflict_between_two_tabs_leaves_only_the_conflict",
        async |t| {
            let driver = e2e::driver::shared(e2e::Engine::Chromium)?;
            let first = Page::open(driver.url(), &t.emulator.url()).await?;
            let outcome = async {
                first
                    .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                    .await?;
                status::layout(&first, "notRequested").await?;
                t.page
                    .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                    .await?;
                status::layout(&t.page, "notRequested").await?;

                request_with_evidence(&first, "phone", "Phone call, ticket CAS-40.").await?;
                request_with_evidence(&t.page, "email", "Email of the contact, ref E-41.").await?;
                save(&first).await?;
                status::layout(&first, "awaitingSync").await?;

                save(&t.page).await?;
                // The client reports the failed save in a dialog of its own.
                t.page.click_button("OK").await?;
                wait_for_notice(&t.page, "someone else changed this record").await?;
                t.page
                    .wait_until(
                        "the stale request notice to go",
                        "return !document.querySelector('#form-notifications').innerText
                             .includes('Save the record to submit');",
                    )
                    .await?;
                let shown = said_once(&t.page, "the conflict").await?;
                let form = texts(&shown, "form");
                ensure!(
                    form.len() == 1 && form[0].contains("someone else changed this record"),
                    "more than the conflict is left: {shown:#}"
                );
                ensure!(
                    texts(&shown, "control").is_empty(),
                    "the box still speaks of the stale request: {shown:#}"
                );
                ensure!(
                    !all_texts(&shown)
                        .iter()
                        .any(|t| t.contains("Ready to send")),
                    "the panel still offers the stale request: {shown:#}"
                );
                Ok(())
            }
            .await;
            let closed = first.close().await;
            outcome.and(closed)
        },
    )
    .await
}

/// Fails when a text a user who is not an administrator reads carries a code, a privilege
/// name or an HTTP status.
fn plain_for_users(shown: &Value, when: &str) -> Outcome {
    let mut read = all_texts(shown);
    read.push(shown["body"].as_str().unwrap_or_default().to_string());
    for text in read {
        let technical = text.contains("0x")
            || text.contains("prv")
            || text.contains("HTTP")
            || text.contains("403");
        ensure!(!technical, "{when}: “{text}” is not for users: {shown:#}");
    }
    Ok(())
}

/// How many times `needle` appears in everything the form shows.
fn times(shown: &Value, needle: &str) -> usize {
    let mut read = all_texts(shown);
    read.push(shown["body"].as_str().unwrap_or_default().to_string());
    read.iter().map(|t| t.matches(needle).count()).sum()
}

/// Opens the unsubscribed record as `user` (`admin` or `user`, the demo's setting).
async fn open_as(t: &e2e::E2e, user: &str) -> Outcome {
    e2e::form::open_with_setting(&t.page, "user", json!(user), SUPPRESSION_UNSUBSCRIBED).await
}

/// The connector's version cannot be read (the solutions read is refused, 0x80040220 for
/// prvReadSolution): a user who is not an administrator reads no code, no privilege and no
/// HTTP status; the administrator reads the detail once.
#[tokio::test]
async fn an_unreadable_connector_version_shows_its_detail_to_administrators_only() -> Outcome {
    run(
        "an_unreadable_connector_version_shows_its_detail_to_administrators_only",
        async |t| {
            t.emulator
                .control_post("settings", &json!({ "solutionReadable": false }), 200)
                .await?;
            open_as(t, "user").await?;
            status::layout(&t.page, "notRequested").await?;
            wait_for_notice(&t.page, "Could not verify the connector version").await?;
            let shown = said_once(&t.page, "a user, the connector unreadable").await?;
            plain_for_users(&shown, "a user, the connector unreadable")?;

            open_as(t, "admin").await?;
            status::layout(&t.page, "notRequested").await?;
            wait_for_notice(&t.page, "prvReadSolution").await?;
            let shown = said_once(&t.page, "an administrator, the connector unreadable").await?;
            ensure!(
                times(&shown, "prvReadSolution") == 1,
                "the administrator's detail is not said exactly once: {shown:#}"
            );
            Ok(())
        },
    )
    .await
}

/// The note cannot be written (the server refuses prvCreateNote): a user who is not an
/// administrator reads why in plain words; the administrator reads the detail once.
#[tokio::test]
async fn a_refused_note_shows_its_detail_to_administrators_only() -> Outcome {
    run(
        "a_refused_note_shows_its_detail_to_administrators_only",
        async |t| {
            let refuse_notes = json!({
                "method": "PATCH", "path": "annotations", "count": 50,
                "fault": { "kind": "status", "status": 403,
                    "message": "Principal user (Id=5d2c1b4a-0f3e-4d2c-9b8a-7f6e5d4c3b2a, type=8) is missing prvCreateNote privilege (Id=7c4b6e20-0000-4000-8000-0000000a0001) on OTC=5 for entity 'annotation'." }
            });
            for user in ["user", "admin"] {
                t.emulator.control_post("reset", &json!({}), 204).await?;
                open_as(t, user).await?;
                status::layout(&t.page, "notRequested").await?;
                request_with_evidence(&t.page, "phone", "Phone call, ticket CAS-52.").await?;
                t.emulator.arm_fault(&refuse_notes).await?;
                save(&t.page).await?;
                wait_for_notice(&t.page, "could not be recorded in a note").await?;
                let shown = said_once(&t.page, user).await?;
                if user == "user" {
                    plain_for_users(&shown, "a user, the note refused")?;
                } else {
                    ensure!(
                        times(&shown, "prvCreateNote") == 1,
                        "the administrator's detail is not said exactly once: {shown:#}"
                    );
                }
                let row = e2e::form::stored(t, SUPPRESSION_UNSUBSCRIBED);
                ensure!(
                    row["esc_requestresubscribe"] != json!(true),
                    "{user}: the request was saved without its note: {row}"
                );
            }
            Ok(())
        },
    )
    .await
}

/// A suppression record not saved yet: ticking Request Resubscribe is refused at the tick, on
/// the box; no evidence dialog opens and nothing promises a request to save.
#[tokio::test]
async fn a_new_record_refuses_the_tick_on_the_box() -> Outcome {
    run("a_new_record_refuses_the_tick_on_the_box", async |t| {
        t.page
            .goto("/main.aspx?etn=esc_emailsuppression&pagetype=entityrecord")
            .await?;
        t.page.wait_for_event("OnLoad").await?;
        e2e::form::wait_flag_enabled(&t.page).await?;
        t.page.click(FLAG_INPUT).await?;
        t.page
            .wait_for_text(
                "[data-control=esc_requestresubscribe] .ctl-note",
                "Save the suppression record first, then tick Request Resubscribe",
            )
            .await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let dialog = t
            .page
            .execute("return !!document.querySelector('dialog[open]');", vec![])
            .await?;
        ensure!(dialog == json!(false), "the evidence dialog opened");
        let ticked = t
            .page
            .execute(
                &format!("return document.querySelector('{FLAG_INPUT}').checked;"),
                vec![],
            )
            .await?;
        ensure!(ticked == json!(false), "the box stays ticked");
        let shown = said_once(&t.page, "a new record ticked").await?;
        ensure!(
            !form_says(&shown, "Save the record to submit") && !form_says(&shown, "noted"),
            "a request is promised: {shown:#}"
        );
        Ok(())
    })
    .await
}

#[test]
fn sentences_split_after_their_end() {
    assert_eq!(
        sentences("Resubscribe requested on 1 Dec. A confirmation email will be sent… Later"),
        vec![
            "Resubscribe requested on 1 Dec.",
            "A confirmation email will be sent…",
            "Later"
        ]
    );
    assert_eq!(
        sentences("version 9.2.1 works."),
        vec!["version 9.2.1 works."]
    );
}
