//! What people read, end to end: the audit note on the contact reads as sentences (and the
//! history still knows it, and notes written in the earlier layout), the panel's steps say what
//! waits in German, French and Dutch, the panel and the history fit the frames the form gives
//! them, and the evidence dialog's date follows the user's Dynamics language, not the
//! browser's.

use std::time::{SystemTime, UNIX_EPOCH};

use e2e::a11y;
use e2e::form::{audit_notes, note_rows, open_evidence_dialog, open_with_setting, SUPPRESSION};
use e2e::seed::{CONTACT_MARIA_CAMPBELL, SUPPRESSION_SUPPRESSED_BY_TEAM, SUPPRESSION_UNSUBSCRIBED};
use e2e::status::{self, PANEL_FRAME};
use e2e::{ensure, run, Failure, Method, Outcome};
use serde_json::{json, Value};

const DIALOG_FRAME: &str = "dialog[open] iframe";

/// Writes a note on Maria Campbell in the layout the form library wrote before the note's id
/// named the request (the marker in the subject, labelled lines), for a request `days` ago.
async fn seed_earlier_note(t: &e2e::E2e, days: u64) -> Outcome {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| Failure::new(e.to_string()))?
        .as_millis() as u64;
    let at = now - days * 86_400_000;
    let marker = format!("(rsub:{SUPPRESSION_UNSUBSCRIBED}:{at})");
    let body = json!({
        "subject": format!("Resubscribe request: maria.campbell@contoso.com {marker}"),
        "notetext": format!(
            "Resubscribe requested on the contact's explicit request.\nWho asked: Maria Campbell\n\
             Channel: Letter\nWhen they asked: 2026-01-05T09:00:00Z\n\
             Details / reference: Earlier letter, ref L-1.\n\
             Recorded by: Sam Agent (0b5a3c1e-7f2d-4e8a-9c6b-1d2e3f4a5b6c)\n\
             Email address: maria.campbell@contoso.com\nSuppression reason: Unsubscribed\n\
             Requested at: 2026-01-05T09:30:00Z\nSuppression record: {SUPPRESSION_UNSUBSCRIBED}\n\
             Request marker: {marker}"
        ),
        "objectid_contact@odata.bind": format!("/contacts({CONTACT_MARIA_CAMPBELL})"),
    });
    t.emulator
        .web_api(Method::POST, "annotations", &[], Some(&body))
        .await?
        .expect_status(204)?;
    Ok(())
}

#[tokio::test]
async fn the_note_reads_as_sentences_and_the_history_still_knows_it_and_earlier_notes() -> Outcome {
    run(
        "the_note_reads_as_sentences_and_the_history_still_knows_it_and_earlier_notes",
        async |t| {
            seed_earlier_note(t, 30).await?;
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            status::layout(&t.page, "notRequested").await?;
            let shown = status::request_and_save(&t.page, "phone", "Called: please resubscribe. CAS-9").await?;
            ensure!(status::fits(&shown), "the panel scrolls inside its frame: {shown}");

            let state = t.emulator.state();
            let rows = note_rows(&state, CONTACT_MARIA_CAMPBELL, "Resubscribe request from ");
            ensure!(rows.len() == 1, "one note for one request: {rows:#?}");
            let id = rows[0]["annotationid"].as_str().unwrap_or_default();
            ensure!(id.starts_with("5eb5"), "the note's id names the request: {id}");
            let notes = audit_notes(&state, CONTACT_MARIA_CAMPBELL);
            ensure!(notes.len() == 2, "the earlier note and the new one: {notes:#?}");
            let (subject, text) = notes
                .iter()
                .find(|(s, _)| s.starts_with("Resubscribe request from "))
                .ok_or_else(|| Failure::new("no note in the new layout"))?;
            ensure!(subject == "Resubscribe request from Maria Campbell, by phone", "{subject}");
            ensure!(
                text.starts_with("Maria Campbell asked by phone on ")
                    && text.contains(" to receive email again at maria.campbell@contoso.com.\n")
                    && text.contains("\nThe address had been suppressed (Unsubscribed).\n")
                    && text.contains("\nAlex Admin recorded the request on ")
                    && text.ends_with("\n\nDetails: Called: please resubscribe. CAS-9"),
                "{text}"
            );
            // Nothing technical where people read: no marker, no ids, no ISO timestamps.
            let technical = t
                .page
                .execute(
                    "return /rsub|[0-9a-f]{8}-[0-9a-f]{4}-|\\d{2}:\\d{2}:\\d{2}|marker/i.test(arguments[0]);",
                    vec![json!(format!("{subject}\n{text}"))],
                )
                .await?;
            ensure!(technical == json!(false), "technical detail in the note:\n{subject}\n{text}");

            // The contact's history knows both requests, newest first, and shows both in its
            // frame.
            t.page.open_record("contact", CONTACT_MARIA_CAMPBELL).await?;
            let history = status::layout(&t.page, "entries").await?;
            let headings: Vec<&str> = history["history"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            ensure!(
                headings.len() == 2 && headings.iter().all(|h| h.starts_with("Request of ")),
                "{history}"
            );
            ensure!(
                history["live"] == json!("This contact's notes record 2 resubscriptions, newest first."),
                "{history}"
            );
            ensure!(
                status::fits(&history)
                    && history["lastHeadingBottom"].as_f64() <= history["frameHeight"].as_f64(),
                "the second request is hidden below the history's frame: {history}"
            );
            // The evidence is one click away, and the opened history still passes axe.
            let evidence = t
                .page
                .execute(
                    "const d = document.querySelector(arguments[0]).contentDocument;
                     const all = Array.from(d.querySelectorAll('ol.history details'));
                     all.forEach((x) => { x.open = true; });
                     return all.map((x) => x.innerText);",
                    vec![json!(PANEL_FRAME)],
                )
                .await?;
            let texts = evidence.to_string();
            ensure!(
                texts.contains("Maria Campbell")
                    && texts.contains("Earlier letter, ref L-1.")
                    && texts.contains("Called: please resubscribe. CAS-9")
                    && texts.contains("Sam Agent on ")
                    && texts.contains("Alex Admin on "),
                "{texts}"
            );
            a11y::assert_no_axe_violations(&t.page, PANEL_FRAME, "the history, details open").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn the_panel_fits_its_frame_and_passes_axe_with_the_request_open() -> Outcome {
    run(
        "the_panel_fits_its_frame_and_passes_axe_with_the_request_open",
        async |t| {
            t.page
                .open_record(SUPPRESSION, SUPPRESSION_UNSUBSCRIBED)
                .await?;
            status::layout(&t.page, "notRequested").await?;
            let shown = status::request_and_save(&t.page, "letter", "A letter, ref L-7.").await?;
            ensure!(
                status::fits(&shown),
                "the panel scrolls inside its frame: {} px of content in {} px",
                shown["usedHeight"],
                shown["frameHeight"]
            );
            ensure!(
                status::steps(&shown)
                    == [
                        ("Resubscribe requested", "Done"),
                        ("Send the confirmation email", "Waiting for the next sync"),
                        ("Resubscribe the address", "Not yet"),
                        ("Lift the bulk email restriction", "Not yet"),
                    ]
                    .map(|(l, s)| (l.to_string(), s.to_string())),
                "{shown}"
            );
            let opened = t
                .page
                .execute(
                    "const d = document.querySelector(arguments[0]).contentDocument;
                     const more = d.querySelector('section details');
                     if (!more) { return null; }
                     more.open = true;
                     return more.innerText;",
                    vec![json!(PANEL_FRAME)],
                )
                .await?;
            ensure!(
                opened
                    .as_str()
                    .is_some_and(|s| s.contains("A letter, ref L-7.")),
                "the contact's request is not in a section that opens: {opened}"
            );
            a11y::assert_no_axe_violations(&t.page, PANEL_FRAME, "the panel, request open").await?;
            Ok(())
        },
    )
    .await
}

#[tokio::test]
async fn in_french_and_dutch_the_steps_say_what_waits_in_one_term() -> Outcome {
    run(
        "in_french_and_dutch_the_steps_say_what_waits_in_one_term",
        async |t| {
            open_with_setting(&t.page, "lcid", json!(1036), SUPPRESSION_UNSUBSCRIBED).await?;
            status::layout(&t.page, "notRequested").await?;
            let french = status::request_and_save(&t.page, "phone", "Appel, ticket CAS-5.").await?;
            ensure!(
                status::steps(&french)
                    == [
                        ("Réabonnement demandé", "Terminé"),
                        (
                            "Envoyer l’e-mail de confirmation",
                            "En attente de la prochaine synchronisation"
                        ),
                        ("Réabonner l’adresse", "Pas encore"),
                        ("Lever la restriction des e-mails en nombre", "Pas encore"),
                    ]
                    .map(|(l, s)| (l.to_string(), s.to_string())),
                "{french}"
            );

            open_with_setting(&t.page, "lcid", json!(1043), SUPPRESSION_SUPPRESSED_BY_TEAM).await?;
            status::layout(&t.page, "notRequested").await?;
            let dutch =
                status::request_and_save(&t.page, "email", "Mail van Rene, ref M-3.").await?;
            ensure!(
                status::steps(&dutch)
                    == [
                        ("Herinschrijving aangevraagd", "Voltooid"),
                        (
                            "Adres herinschrijven",
                            "Wacht op de volgende synchronisatie"
                        ),
                        ("Beperking voor bulk-e-mail opheffen", "Nog niet"),
                    ]
                    .map(|(l, s)| (l.to_string(), s.to_string())),
                "{dutch}"
            );
            let live = dutch["live"].as_str().unwrap_or_default();
            ensure!(
                live.contains("heringeschreven") && !live.contains("opnieuw ingeschreven"),
                "one Dutch term: {live}"
            );
            Ok(())
        },
    )
    .await
}

/// The evidence dialog's date field as shown, after the dialog opened.
async fn date_field(t: &e2e::E2e) -> Outcome<String> {
    open_evidence_dialog(&t.page).await?;
    let value = t
        .page
        .execute(
            "return document.querySelector(arguments[0]).contentDocument.getElementById('requestedAt').value;",
            vec![json!(DIALOG_FRAME)],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_string())
}

/// Whether `text` matches the JavaScript regular expression `pattern`.
async fn matches(t: &e2e::E2e, pattern: &str, text: &str) -> Outcome<bool> {
    let matched = t
        .page
        .execute(
            "return new RegExp(arguments[0]).test(arguments[1]);",
            vec![json!(pattern), json!(text)],
        )
        .await?;
    Ok(matched == json!(true))
}

#[tokio::test]
async fn the_date_field_follows_the_users_dynamics_language_not_the_browsers() -> Outcome {
    run(
        "the_date_field_follows_the_users_dynamics_language_not_the_browsers",
        async |t| {
            // English (United States): month first, hours to 12.
            open_with_setting(&t.page, "lcid", json!(1033), SUPPRESSION_UNSUBSCRIBED).await?;
            status::layout(&t.page, "notRequested").await?;
            let english = date_field(t).await?;
            ensure!(
                matches(t, r"^\d{2}/\d{2}/\d{4}, \d{2}:\d{2}\s(AM|PM)$", &english).await?,
                "en-US: {english:?}"
            );
            t.page
                .execute(
                    "document.querySelector(arguments[0]).contentDocument.getElementById('cancel').click();
                     return true;",
                    vec![json!(DIALOG_FRAME)],
                )
                .await?;
            t.page
                .wait_until(
                    "the evidence dialog to close",
                    "return !document.querySelector('dialog[open] iframe');",
                )
                .await?;

            // German, in the same (English) browser: day first, dotted, 24 hours.
            open_with_setting(&t.page, "lcid", json!(1031), SUPPRESSION_UNSUBSCRIBED).await?;
            status::layout(&t.page, "notRequested").await?;
            let german = date_field(t).await?;
            ensure!(
                matches(t, r"^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$", &german).await?,
                "de-DE: {german:?}"
            );
            // A German date typed as Germans write it (without the comma) is read as such.
            let expected = t
                .page
                .execute(
                    "const y = new Date(Date.now() - 86400000);
                     const at = new Date(y.getFullYear(), y.getMonth(), y.getDate(), 9, 15);
                     const p = (x) => String(x).padStart(2, '0');
                     const typed = p(at.getDate()) + '.' + p(at.getMonth() + 1) + '.' + at.getFullYear() + ' 09:15';
                     const d = document.querySelector(arguments[0]).contentDocument;
                     d.getElementById('requestedAt').value = typed;
                     const iso = at.toISOString();
                     return iso.slice(0, 10) + ' ' + iso.slice(11, 16) + ' UTC';",
                    vec![json!(DIALOG_FRAME)],
                )
                .await?;
            let expected = expected.as_str().unwrap_or_default().to_string();
            e2e::form::fill_evidence(&t.page, "phone", "Anruf, Ticket CAS-8.").await?;
            t.page.click("#cmd-save").await?;
            status::layout(&t.page, "awaitingSync").await?;
            let notes = audit_notes(&t.emulator.state(), CONTACT_MARIA_CAMPBELL);
            ensure!(notes.len() == 1, "{notes:#?}");
            ensure!(
                notes[0].1.contains(&format!(" asked by phone on {expected} to receive ")),
                "the typed German date is not the one recorded ({expected}):\n{}",
                notes[0].1
            );
            Ok(())
        },
    )
    .await
}
