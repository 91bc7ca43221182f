//! `$batch`: GET round trips, atomic change sets, Content-ID references and the request log.

mod common;

use common::{Harness, API};
use dataverse_emulator::seed;
use serde_json::{json, Value};

fn op(method: &str, url: &str, headers: &[&str], body: Option<&Value>) -> String {
    let mut part =
        String::from("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
    let content_id = headers.iter().find_map(|h| h.strip_prefix("Content-ID: "));
    if let Some(id) = content_id {
        part.push_str(&format!("Content-ID: {id}\r\n"));
    }
    part.push_str(&format!("\r\n{method} {url} HTTP/1.1\r\n"));
    for header in headers.iter().filter(|h| !h.starts_with("Content-ID: ")) {
        part.push_str(&format!("{header}\r\n"));
    }
    match body {
        Some(body) => part.push_str(&format!(
            "Content-Type: application/json; type=entry\r\n\r\n{body}\r\n"
        )),
        None => part.push_str("\r\n\r\n"),
    }
    part
}

fn change_set(boundary: &str, ops: &[String]) -> String {
    let mut out = format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n");
    for o in ops {
        out.push_str(&format!("--{boundary}\r\n{o}"));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out
}

fn batch(items: &[String]) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str(&format!("--batch_7f3a\r\n{item}"));
    }
    out.push_str("--batch_7f3a--\r\n");
    out
}

async fn send_batch(h: &Harness, body: &str, extra: &[(&str, &str)]) -> common::Reply {
    let mut headers = vec![
        ("OData-MaxVersion", "4.0"),
        ("OData-Version", "4.0"),
        ("Accept", "application/json"),
        ("Content-Type", "multipart/mixed; boundary=\"batch_7f3a\""),
    ];
    headers.extend_from_slice(extra);
    h.send("POST", &format!("{API}/$batch"), &headers, body.as_bytes())
        .await
}

/// The status line of each `application/http` response, in order.
fn statuses(text: &str) -> Vec<u16> {
    text.lines()
        .filter_map(|l| l.strip_prefix("HTTP/1.1 "))
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect()
}

/// The JSON bodies in the response, in order.
fn json_bodies(text: &str) -> Vec<Value> {
    text.split("\r\n")
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test]
async fn get_parts_come_back_in_order_as_multipart_with_crlf() {
    let h = Harness::new();
    let body = batch(&[
        op("GET", "/api/data/v9.2/RetrieveVersion()", &[], None),
        op(
            "GET",
            &format!(
                "/api/data/v9.2/esc_emailsuppressions({})?$select=esc_emailaddress,esc_reason",
                seed::SUPPRESSION_PENDING_REQUEST
            ),
            &["Prefer: odata.include-annotations=\"*\""],
            None,
        ),
        op(
            "GET",
            "solutions?$filter=uniquename%20eq%20'dotmailerCRMConnector'&$select=version",
            &[],
            None,
        ),
    ]);
    let reply = send_batch(&h, &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let content_type = reply.header("content-type").expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/mixed; boundary=")
        .expect("multipart answer");
    assert!(boundary.starts_with("batchresponse_"));
    let text = reply.text();
    assert!(text.starts_with(&format!("--{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 200 OK\r\n")));
    assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "every line ends with CRLF"
    );
    assert_eq!(statuses(&text), vec![200, 200, 200]);
    let bodies = json_bodies(&text);
    assert_eq!(bodies[0]["Version"], "9.2.25093.00168");
    assert_eq!(bodies[1]["esc_emailaddress"], "nancy.anderson@fabrikam.com");
    assert_eq!(
        bodies[1]["esc_reason@OData.Community.Display.V1.FormattedValue"],
        "Unsubscribed"
    );
    assert_eq!(bodies[2]["value"][0]["version"], "7.0.1.721");
}

#[tokio::test]
async fn change_set_creates_a_note_and_patches_it_through_a_content_id_reference() {
    let h = Harness::new();
    let body = batch(&[change_set(
        "changeset_1",
        &[
            op(
                "POST",
                "/api/data/v9.2/annotations",
                &["Content-ID: 1"],
                Some(&json!({
                    "subject": "Resubscribe requested",
                    "objectid_contact@odata.bind": format!("/contacts({})", seed::CONTACT_MARIA_CAMPBELL),
                })),
            ),
            op(
                "PATCH",
                "$1",
                &["Content-ID: 2"],
                Some(&json!({"notetext": "Consent by phone."})),
            ),
            op(
                "PATCH",
                &format!(
                    "/api/data/v9.2/esc_emailsuppressions({})",
                    seed::SUPPRESSION_UNSUBSCRIBED
                ),
                &["Content-ID: 3"],
                Some(&json!({"esc_requestresubscribe": true})),
            ),
        ],
    )]);
    let reply = send_batch(&h, &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert_eq!(statuses(&text), vec![204, 204, 204]);
    assert!(text.contains("Content-Type: multipart/mixed; boundary=changesetresponse_"));
    assert!(text.contains("Content-ID: 1\r\n") && text.contains("Content-ID: 3\r\n"));
    let notes = h
        .get(&format!(
            "annotations?$filter=_objectid_value eq {}&$select=subject,notetext",
            seed::CONTACT_MARIA_CAMPBELL
        ))
        .await
        .json();
    assert_eq!(notes["value"][0]["notetext"], "Consent by phone.");
    let suppression = h
        .get(&format!(
            "esc_emailsuppressions({})",
            seed::SUPPRESSION_UNSUBSCRIBED
        ))
        .await
        .json();
    assert_eq!(suppression["esc_requestresubscribe"], true);
}

#[tokio::test]
async fn a_failing_operation_rolls_back_the_whole_change_set() {
    let h = Harness::new();
    let body = batch(&[change_set(
        "changeset_1",
        &[
            op(
                "POST",
                "annotations",
                &["Content-ID: 1"],
                Some(&json!({
                    "subject": "Should be rolled back",
                    "objectid_contact@odata.bind": format!("/contacts({})", seed::CONTACT_MARIA_CAMPBELL),
                })),
            ),
            op(
                "PATCH",
                &format!(
                    "/api/data/v9.2/esc_emailsuppressions({})",
                    seed::SUPPRESSION_UNSUBSCRIBED
                ),
                &["Content-ID: 2", "If-Match: W/\"1\""],
                Some(&json!({"esc_requestresubscribe": true})),
            ),
        ],
    )]);
    let before = h.emulator.state_json();
    let reply = send_batch(&h, &body, &[]).await;
    assert_eq!(reply.status, 412, "{}", reply.text());
    let text = reply.text();
    assert_eq!(statuses(&text), vec![412]);
    assert_eq!(json_bodies(&text)[0]["error"]["code"], "0x80060882");
    assert_eq!(
        h.emulator.state_json()["tables"],
        before["tables"],
        "nothing was written"
    );
}

#[tokio::test]
async fn get_inside_a_change_set_is_refused() {
    let h = Harness::new();
    let body = batch(&[change_set(
        "changeset_1",
        &[op(
            "GET",
            "/api/data/v9.2/RetrieveVersion()",
            &["Content-ID: 1"],
            None,
        )],
    )]);
    let reply = send_batch(&h, &body, &[]).await;
    let (status, _, message) = reply.error();
    assert_eq!(status, 400);
    assert!(
        message.contains("GET requests are not allowed inside a change set"),
        "{message}"
    );
}

#[tokio::test]
async fn an_undeclared_content_id_reference_fails_the_change_set() {
    let h = Harness::new();
    let body = batch(&[change_set(
        "changeset_1",
        &[op(
            "POST",
            "annotations",
            &["Content-ID: 2"],
            Some(&json!({"subject": "x", "objectid_contact@odata.bind": "$1"})),
        )],
    )]);
    let reply = send_batch(&h, &body, &[]).await;
    assert_eq!(reply.status, 400);
    assert!(reply
        .text()
        .contains("Content-ID Reference: '$1' does not exist in the batch context."));
}

#[tokio::test]
async fn without_continue_on_error_the_batch_stops_at_the_first_failure() {
    let h = Harness::new();
    let missing = "0b0b0b0b-0000-4000-8000-000000000000";
    let body = batch(&[
        op("GET", "RetrieveVersion()", &[], None),
        op("GET", &format!("contacts({missing})"), &[], None),
        op(
            "POST",
            "annotations",
            &[],
            Some(&json!({"subject": "never written"})),
        ),
    ]);
    let reply = send_batch(&h, &body, &[]).await;
    assert_eq!(reply.status, 404);
    assert_eq!(statuses(&reply.text()), vec![200, 404]);
    let notes = h
        .get("annotations?$filter=subject eq 'never written'")
        .await
        .json();
    assert_eq!(notes["value"], json!([]));

    let reply = send_batch(&h, &body, &[("Prefer", "odata.continue-on-error")]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(statuses(&reply.text()), vec![200, 404, 204]);
}

#[tokio::test]
async fn a_batch_is_one_request_in_the_log_with_its_parts() {
    let h = Harness::new();
    let body = batch(&[
        op("GET", "RetrieveVersion()", &[], None),
        change_set(
            "changeset_9",
            &[op(
                "POST",
                "annotations",
                &["Content-ID: 1"],
                Some(&json!({"subject": "logged"})),
            )],
        ),
    ]);
    assert_eq!(send_batch(&h, &body, &[]).await.status, 200);
    let log = h.control("GET", "/_emulator/requests", None).await.json();
    let entries = log["requests"].as_array().expect("requests");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["path"], "/api/data/v9.2/$batch");
    assert_eq!(entries[0]["status"], 200);
    let parts = entries[0]["batchParts"].as_array().expect("parts");
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["path"], "RetrieveVersion()");
    assert_eq!(parts[1]["method"], "POST");
    assert_eq!(parts[1]["status"], 204);
    assert_eq!(parts[1]["changeSet"], 1);
}

#[tokio::test]
async fn malformed_batches_are_400_json_errors() {
    let h = Harness::new();
    let unterminated = "--batch_7f3a\r\nContent-Type: application/http\r\n\r\nGET RetrieveVersion() HTTP/1.1\r\n\r\n";
    assert_eq!(send_batch(&h, unterminated, &[]).await.error().0, 400);
    let not_http = "--batch_7f3a\r\nContent-Type: application/json\r\n\r\n{}\r\n--batch_7f3a--\r\n";
    assert_eq!(send_batch(&h, not_http, &[]).await.error().0, 400);
    let no_boundary = h
        .send(
            "POST",
            &format!("{API}/$batch"),
            &[
                ("OData-MaxVersion", "4.0"),
                ("OData-Version", "4.0"),
                ("Content-Type", "multipart/mixed"),
            ],
            b"",
        )
        .await;
    assert_eq!(no_boundary.error().0, 400);
    let nested = batch(&[op("POST", "$batch", &[], Some(&json!({})))]);
    assert_eq!(
        statuses(&send_batch(&h, &nested, &[]).await.text()),
        vec![400]
    );
}
