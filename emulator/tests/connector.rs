//! The simulated connector through whole resubscription lifecycles.

mod common;

use common::Harness;
use dataverse_emulator::{connector, seed};
use serde_json::{json, Value};

async fn sync(h: &Harness) -> Value {
    let reply = h.control("POST", "/_emulator/sync", None).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

async fn suppression(h: &Harness, id: &str) -> Value {
    h.get(&format!("esc_emailsuppressions({id})")).await.json()
}

async fn contact(h: &Harness, id: &str) -> Value {
    h.get(&format!("contacts({id})")).await.json()
}

async fn note_subjects(h: &Harness, regarding: &str) -> Vec<String> {
    let body = h
        .get(&format!("annotations?$filter=_objectid_value eq {regarding}&$orderby=createdon desc&$select=subject"))
        .await
        .json();
    body["value"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n["subject"].as_str().unwrap_or("").to_string())
        .collect()
}

fn actions(report: &Value) -> Vec<(String, String)> {
    report["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            (
                a["suppression"].as_str().unwrap_or("").to_string(),
                a["action"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn unsubscribed_contact_goes_from_request_to_bulk_email_allowed() {
    let h = Harness::new();
    let id = seed::SUPPRESSION_PENDING_REQUEST;
    let nancy = seed::CONTACT_NANCY_ANDERSON;
    assert!(note_subjects(&h, nancy).await.is_empty());
    let etag_before = suppression(&h, id).await["@odata.etag"].clone();

    // Sync 1: the confirmation email goes out.
    let first = sync(&h).await;
    assert_eq!(first["sync"], 1);
    assert!(actions(&first).contains(&(id.to_string(), "confirmationEmailSent".to_string())));
    assert_eq!(
        note_subjects(&h, nancy).await,
        vec!["Resubscription confirmation email sent"]
    );
    assert_eq!(
        suppression(&h, id).await["statecode"],
        0,
        "still suppressed"
    );
    assert_eq!(
        suppression(&h, id).await["@odata.etag"],
        etag_before,
        "the suppression itself is untouched"
    );

    // A second sync without confirmation does nothing more.
    assert!(actions(&sync(&h).await).iter().all(|(s, _)| s != id));

    // The contact confirms; nothing changes in Dynamics until the next sync.
    let confirm = h
        .control(
            "POST",
            "/_emulator/contacts/nancy.anderson@fabrikam.com/confirm",
            None,
        )
        .await;
    assert_eq!(confirm.status, 200);
    assert_eq!(confirm.json()["suppression"], id);
    assert_eq!(suppression(&h, id).await["statecode"], 0);

    // Sync 3: removed from the suppression list, note written, request date updated.
    let third = sync(&h).await;
    assert!(actions(&third).contains(&(id.to_string(), "resubscribed".to_string())));
    let after = suppression(&h, id).await;
    assert_eq!(after["statecode"], 1);
    assert_eq!(after["statuscode"], 2);
    assert_ne!(after["esc_resubscriberequestdate"], "2025-03-05T10:20:00Z");
    assert_eq!(after["esc_requestresubscribe"], false);
    assert_eq!(after["_modifiedby_value"], connector::USER);
    assert_ne!(after["@odata.etag"], etag_before);
    assert_eq!(note_subjects(&h, nancy).await[0], "Resubscribed");
    assert_eq!(
        contact(&h, nancy).await["donotbulkemail"],
        true,
        "still restricted until the next sync"
    );

    // Sync 4: the bulk email restriction is lifted.
    let fourth = sync(&h).await;
    assert!(actions(&fourth).contains(&(id.to_string(), "bulkEmailAllowed".to_string())));
    assert_eq!(contact(&h, nancy).await["donotbulkemail"], false);
    assert!(
        actions(&sync(&h).await).iter().all(|(s, _)| s != id),
        "complete: nothing left to do"
    );
}

#[tokio::test]
async fn suppressed_by_the_team_is_resubscribed_at_the_first_sync_without_email() {
    let h = Harness::new();
    let id = seed::SUPPRESSION_SUPPRESSED_BY_TEAM;
    let path = format!("esc_emailsuppressions({id})");
    let etag = h.etag(&path).await;
    let ticked = h
        .api("PATCH", &path, &[("If-Match", &etag)], Some(&json!({"esc_requestresubscribe": true, "esc_resubscriberequestdate": "2025-03-07T09:00:00Z"})))
        .await;
    assert_eq!(ticked.status, 204);
    let report = sync(&h).await;
    assert!(actions(&report).contains(&(id.to_string(), "resubscribed".to_string())));
    assert_eq!(suppression(&h, id).await["statecode"], 1);
    let subjects = note_subjects(&h, seed::CONTACT_RENE_VALDES).await;
    assert_eq!(subjects[0], "Resubscribed");
    assert!(!subjects.iter().any(|s| s.contains("confirmation email")));
}

#[tokio::test]
async fn an_abuse_report_fails_the_resubscription_with_a_note() {
    let h = Harness::new();
    let id = seed::SUPPRESSION_AWAITING_CONFIRMATION;
    let reply = h
        .control(
            "POST",
            "/_emulator/contacts/Paul.Cannon%40adventure-works.com/report-abuse",
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let report = sync(&h).await;
    assert!(actions(&report).contains(&(id.to_string(), "failed".to_string())));
    assert_eq!(
        note_subjects(&h, seed::CONTACT_PAUL_CANNON).await[0],
        "Resubscription failed: abuse reported"
    );
    let after = suppression(&h, id).await;
    assert_eq!(after["statecode"], 0, "the address stays suppressed");
    assert_eq!(after["esc_requestresubscribe"], false);
    let again = h
        .control(
            "POST",
            "/_emulator/contacts/paul.cannon@adventure-works.com/confirm",
            None,
        )
        .await;
    assert_eq!(
        again.status, 409,
        "nothing is awaiting confirmation any more"
    );
}

#[tokio::test]
async fn a_complaint_reason_cannot_be_unsuppressed() {
    let h = Harness::new();
    let id = seed::SUPPRESSION_ISP_COMPLAINED;
    h.api(
        "PATCH",
        &format!("esc_emailsuppressions({id})"),
        &[],
        Some(&json!({"esc_requestresubscribe": true})),
    )
    .await;
    let report = sync(&h).await;
    assert!(actions(&report).contains(&(id.to_string(), "failed".to_string())));
    assert_eq!(
        note_subjects(&h, seed::CONTACT_SIDNEY_HIGA).await[0],
        "Resubscription failed: address cannot be unsuppressed"
    );
}

#[tokio::test]
async fn a_suppression_without_a_contact_gets_its_notes_itself() {
    let h = Harness::new();
    let id = seed::SUPPRESSION_NO_CONTACT;
    h.api(
        "PATCH",
        &format!("esc_emailsuppressions({id})"),
        &[],
        Some(&json!({"esc_requestresubscribe": true})),
    )
    .await;
    sync(&h).await;
    let notes = h
        .api(
            "GET",
            &format!("annotations?$filter=_objectid_value eq {id}"),
            &[("Prefer", "odata.include-annotations=\"*\"")],
            None,
        )
        .await
        .json();
    assert_eq!(
        notes["value"][0]["_objectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"],
        "esc_emailsuppression"
    );
    assert_eq!(notes["value"][0]["objecttypecode"], "esc_emailsuppression");
}

#[tokio::test]
async fn a_sync_changes_the_etag_so_a_stale_form_save_gets_412() {
    let h = Harness::new();
    let id = seed::SUPPRESSION_AWAITING_CONFIRMATION;
    let path = format!("esc_emailsuppressions({id})");
    let loaded = h.etag(&path).await;
    h.control(
        "POST",
        "/_emulator/contacts/paul.cannon@adventure-works.com/confirm",
        None,
    )
    .await;
    sync(&h).await;
    let save = h
        .api(
            "PATCH",
            &path,
            &[("If-Match", &loaded)],
            Some(&json!({"esc_requestresubscribe": true})),
        )
        .await;
    assert_eq!(save.error().0, 412);
}

#[tokio::test]
async fn contact_actions_on_unknown_or_idle_addresses_are_refused() {
    let h = Harness::new();
    let unknown = h
        .control(
            "POST",
            "/_emulator/contacts/nobody@example.com/confirm",
            None,
        )
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"]["code"], "emulator");
    let idle = h
        .control(
            "POST",
            "/_emulator/contacts/maria.campbell@contoso.com/report-abuse",
            None,
        )
        .await;
    assert_eq!(idle.status, 409);
}

#[tokio::test]
async fn configured_note_subjects_are_used() {
    let mut config = dataverse_emulator::EmulatorConfig::default();
    config.notes.confirmation_sent = "Double opt-in email sent".to_string();
    let h = Harness::with_config(config);
    sync(&h).await;
    assert_eq!(
        note_subjects(&h, seed::CONTACT_NANCY_ANDERSON).await,
        vec!["Double opt-in email sent"]
    );
}
