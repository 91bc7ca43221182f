//! `$batch` stops at its first failure (status 400 or above) unless `Prefer:
//! odata.continue-on-error` is sent to an org that honours it (9.1 and later; 8.x and 9.0 ignore
//! it). Later operations are not run: their side effects never happen.

mod common;

use common::multipart::{batch, change_set, json_bodies, op, send, statuses};
use common::Harness;
use dataverse_emulator::seed;
use serde_json::{json, Value};

const MISSING: &str = "0b0b0b0b-0000-4000-8000-000000000000";
const CONTINUE: (&str, &str) = ("Prefer", "odata.continue-on-error");

async fn org(version: &str) -> Harness {
    let h = Harness::new();
    let reply = h
        .control(
            "POST",
            "/_emulator/settings",
            Some(&json!({ "orgVersion": version })),
        )
        .await;
    assert_eq!(reply.status, 200);
    h
}

fn service(version: &str) -> &'static str {
    if version.starts_with("8.") {
        "/api/data/v8.2"
    } else if version.starts_with("9.0") {
        "/api/data/v9.0"
    } else if version.starts_with("9.1") {
        "/api/data/v9.1"
    } else {
        "/api/data/v9.2"
    }
}

fn note(subject: &str) -> String {
    op(
        "POST",
        "annotations",
        &[],
        Some(&json!({
            "subject": subject,
            "objectid_contact@odata.bind": format!("/contacts({})", seed::CONTACT_MARIA_CAMPBELL),
        })),
    )
}

async fn notes_titled(h: &Harness, service: &str, subject: &str) -> usize {
    h.get(&format!(
        "{service}/annotations?$filter=subject eq '{subject}'&$select=subject"
    ))
    .await
    .json()["value"]
        .as_array()
        .map_or(0, Vec::len)
}

/// A note, a read of a missing contact (404), another note.
fn note_miss_note() -> String {
    batch(&[
        note("before the failure"),
        op("GET", &format!("contacts({MISSING})"), &[], None),
        note("after the failure"),
    ])
}

#[tokio::test]
async fn orgs_before_9_1_stop_at_the_first_failure_with_or_without_the_preference() {
    for version in ["8.2.2.112", "9.0.2.3034"] {
        for prefer in [false, true] {
            let h = org(version).await;
            let extra: &[(&str, &str)] = if prefer { &[CONTINUE] } else { &[] };
            let reply = send(&h, service(version), &note_miss_note(), extra).await;
            assert_eq!(reply.status, 404, "{version} prefer={prefer}");
            assert!(reply
                .header("content-type")
                .is_some_and(|c| c.starts_with("multipart/mixed; boundary=batchresponse_")));
            assert_eq!(reply.header("Preference-Applied"), None);
            let text = reply.text();
            assert_eq!(statuses(&text), vec![204, 404], "{version} prefer={prefer}");
            assert_eq!(json_bodies(&text)[0]["error"]["code"], "0x80040217");
            let s = service(version);
            assert_eq!(notes_titled(&h, s, "before the failure").await, 1);
            assert_eq!(
                notes_titled(&h, s, "after the failure").await,
                0,
                "{version} prefer={prefer}: the operation after the failure must not run"
            );
            let log = h.emulator.requests();
            let parts = &log[0].batch_parts;
            assert_eq!(
                parts.iter().map(|p| p.status).collect::<Vec<_>>(),
                vec![Some(204), Some(404), None]
            );
        }
    }
}

#[tokio::test]
async fn from_9_1_the_preference_is_honoured_and_without_it_the_batch_stops() {
    for version in ["9.1.0.15000", "9.2.25093.00168"] {
        let h = org(version).await;
        let s = service(version);
        let reply = send(&h, s, &note_miss_note(), &[]).await;
        assert_eq!(reply.status, 404, "{version}");
        assert_eq!(statuses(&reply.text()), vec![204, 404]);
        assert_eq!(reply.header("Preference-Applied"), None);
        assert_eq!(notes_titled(&h, s, "after the failure").await, 0);

        let h = org(version).await;
        let reply = send(&h, s, &note_miss_note(), &[CONTINUE]).await;
        assert_eq!(reply.status, 200, "{version}");
        assert_eq!(
            reply.header("Preference-Applied").as_deref(),
            Some("odata.continue-on-error")
        );
        assert_eq!(statuses(&reply.text()), vec![204, 404, 204]);
        assert_eq!(notes_titled(&h, s, "before the failure").await, 1);
        assert_eq!(notes_titled(&h, s, "after the failure").await, 1);
    }
}

#[tokio::test]
async fn a_failing_change_set_is_rolled_back_and_stops_the_batch() {
    for version in ["8.2.2.112", "9.0.2.3034", "9.1.0.15000", "9.2.25093.00168"] {
        let h = org(version).await;
        let s = service(version);
        let body = batch(&[
            op("GET", "WhoAmI()", &[], None),
            change_set(
                "changeset_1",
                &[
                    note("inside the change set"),
                    op(
                        "PATCH",
                        &format!("esc_emailsuppressions({})", seed::SUPPRESSION_UNSUBSCRIBED),
                        &["If-Match: W/\"1\""],
                        Some(&json!({"esc_requestresubscribe": true})),
                    ),
                ],
            ),
            note("after the change set"),
        ]);
        let reply = send(&h, s, &body, &[]).await;
        assert_eq!(reply.status, 412, "{version}: {}", reply.text());
        assert_eq!(statuses(&reply.text()), vec![200, 412]);
        assert_eq!(notes_titled(&h, s, "inside the change set").await, 0);
        assert_eq!(notes_titled(&h, s, "after the change set").await, 0);
        let suppression: Value = h
            .get(&format!(
                "{s}/esc_emailsuppressions({})",
                seed::SUPPRESSION_UNSUBSCRIBED
            ))
            .await
            .json();
        assert_eq!(suppression["esc_requestresubscribe"], false);

        let reply = send(&h, s, &body, &[CONTINUE]).await;
        let honoured = !version.starts_with("8.") && !version.starts_with("9.0");
        if honoured {
            assert_eq!(reply.status, 200, "{version}");
            assert_eq!(statuses(&reply.text()), vec![200, 412, 204]);
            assert_eq!(notes_titled(&h, s, "after the change set").await, 1);
        } else {
            assert_eq!(reply.status, 412, "{version}");
            assert_eq!(notes_titled(&h, s, "after the change set").await, 0);
        }
        assert_eq!(notes_titled(&h, s, "inside the change set").await, 0);
    }
}

#[tokio::test]
async fn an_injected_failure_inside_a_batch_stops_it_too() {
    for version in ["9.0.2.3034", "9.2.25093.00168"] {
        let h = org(version).await;
        let s = service(version);
        let rule = json!({"method": "POST", "path": "annotations", "inBatch": true, "count": 1,
            "fault": {"kind": "status", "status": 429, "retryAfter": 3}});
        assert_eq!(
            h.control("POST", "/_emulator/faults", Some(&rule))
                .await
                .status,
            201
        );
        let body = batch(&[
            op("GET", "RetrieveVersion()", &[], None),
            note("throttled"),
            note("never sent"),
        ]);
        let reply = send(&h, s, &body, &[]).await;
        assert_eq!(reply.status, 429, "{version}");
        let text = reply.text();
        assert_eq!(statuses(&text), vec![200, 429]);
        assert!(text.contains("Retry-After: 3\r\n"));
        assert_eq!(notes_titled(&h, s, "throttled").await, 0);
        assert_eq!(notes_titled(&h, s, "never sent").await, 0);
    }
}

#[tokio::test]
async fn a_304_is_not_a_failure() {
    let h = org("9.0.2.3034").await;
    let path = format!("contacts({})?$select=fullname", seed::CONTACT_RENE_VALDES);
    let etag = h.etag(&format!("/api/data/v9.0/{path}")).await;
    let if_none_match = format!("If-None-Match: {etag}");
    let body = batch(&[
        op("GET", &path, &[if_none_match.as_str()], None),
        note("after a 304"),
    ]);
    let reply = send(&h, "/api/data/v9.0", &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(statuses(&reply.text()), vec![304, 204]);
    assert_eq!(notes_titled(&h, "/api/data/v9.0", "after a 304").await, 1);
}
