//! Settings, reset, the state dump and the request log.

mod common;

use common::Harness;
use dataverse_emulator::seed;
use serde_json::json;

#[tokio::test]
async fn settings_read_back_and_change_the_scenario() {
    let h = Harness::new();
    let initial = h.control("GET", "/_emulator/settings", None).await.json();
    assert_eq!(
        initial,
        json!({"orgVersion": "9.2.25093.00168", "organization": "", "connectorVersion": "7.0.1.721", "solutionReadable": true, "strictCsp": false})
    );
    let changed = h
        .control(
            "POST",
            "/_emulator/settings",
            Some(&json!({"orgVersion": "9.1.0.14134", "connectorVersion": "6.0.1.719"})),
        )
        .await
        .json();
    assert_eq!(changed["connectorVersion"], "6.0.1.719");
    assert_eq!(
        h.get("/api/data/v9.1/RetrieveVersion()").await.json()["Version"],
        "9.1.0.14134"
    );
    let solution = h
        .get("/api/data/v9.1/solutions?$filter=uniquename eq 'dotmailerCRMConnector'&$select=version")
        .await
        .json();
    assert_eq!(solution["value"][0]["version"], "6.0.1.719");
}

#[tokio::test]
async fn strict_csp_serves_the_demo_page_with_a_policy_that_refuses_webassembly() {
    let h = Harness::new();
    let relaxed = h.control("GET", "/main.aspx", None).await;
    assert!(relaxed.headers.get("content-security-policy").is_none());
    h.control(
        "POST",
        "/_emulator/settings",
        Some(&json!({"strictCsp": true})),
    )
    .await;
    let strict = h.control("GET", "/main.aspx", None).await;
    let policy = strict
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(policy.starts_with("script-src 'self'"), "{policy}");
    assert!(!policy.contains("wasm-unsafe-eval"), "{policy}");
}

#[tokio::test]
async fn bad_settings_are_refused_and_change_nothing() {
    let h = Harness::new();
    for body in [
        json!({"orgVersion": "latest"}),
        json!({"connectorVersion": 7}),
        json!({"solutionReadable": "no"}),
        json!({"strictCsp": 1}),
        json!({"orgversion": "9.2"}),
        json!([1]),
    ] {
        let reply = h.control("POST", "/_emulator/settings", Some(&body)).await;
        assert_eq!(reply.status, 400, "{body}");
    }
    assert_eq!(
        h.control("GET", "/_emulator/settings", None).await.json()["orgVersion"],
        "9.2.25093.00168"
    );
}

#[tokio::test]
async fn reset_restores_the_seed_settings_and_clears_faults_and_log() {
    let h = Harness::new();
    let pristine = h.emulator.state_json();
    let path = format!("esc_emailsuppressions({})", seed::SUPPRESSION_UNSUBSCRIBED);
    h.api(
        "PATCH",
        &path,
        &[],
        Some(&json!({"esc_requestresubscribe": true})),
    )
    .await;
    h.api(
        "POST",
        "annotations",
        &[],
        Some(&json!({"subject": "temp"})),
    )
    .await;
    h.control(
        "POST",
        "/_emulator/settings",
        Some(&json!({"connectorVersion": null})),
    )
    .await;
    h.control("POST", "/_emulator/sync", None).await;
    h.control(
        "POST",
        "/_emulator/faults",
        Some(&json!({"path": "x", "count": 9, "fault": {"kind": "drop"}})),
    )
    .await;
    assert_ne!(h.emulator.state_json(), pristine);

    assert_eq!(
        h.control("POST", "/_emulator/reset", None).await.status,
        204
    );
    let state = h.emulator.state_json();
    assert_eq!(state["tables"], pristine["tables"]);
    assert_eq!(state["settings"], pristine["settings"]);
    assert_eq!(state["connector"], pristine["connector"]);
    assert_eq!(state["faults"], json!([]));
    assert_eq!(
        h.control("GET", "/_emulator/requests", None).await.json()["requests"],
        json!([])
    );
}

#[tokio::test]
async fn state_dump_lists_every_table_with_etags() {
    let h = Harness::new();
    let state = h.control("GET", "/_emulator/state", None).await.json();
    let tables = &state["tables"];
    assert_eq!(
        tables["esc_emailsuppression"].as_array().map(Vec::len),
        Some(8)
    );
    assert_eq!(tables["contact"].as_array().map(Vec::len), Some(7));
    assert_eq!(tables["annotation"].as_array().map(Vec::len), Some(5));
    assert!(tables["contact"][0]["@odata.etag"].as_str().is_some());
    assert_eq!(
        state["connector"]["progress"][seed::SUPPRESSION_AWAITING_CONFIRMATION]["state"],
        "awaitingConfirmation"
    );
}

#[tokio::test]
async fn request_log_records_method_path_status_timing_and_the_demo_host_but_not_control_calls() {
    let h = Harness::new();
    h.get("RetrieveVersion()").await;
    h.get(&format!(
        "contacts({})?$select=fullname",
        seed::CONTACT_MARIA_CAMPBELL
    ))
    .await;
    h.get("contacts(nope)").await;
    h.api("GET", "RetrieveVersion()", &[("X-Demo-Host", "1")], None)
        .await;
    h.control("GET", "/_emulator/state", None).await;
    let log = h.control("GET", "/_emulator/requests", None).await.json();
    let entries = log["requests"].as_array().expect("entries");
    assert_eq!(entries.len(), 4);
    assert_eq!(
        entries
            .iter()
            .map(|e| e.get("demoHost").is_some())
            .collect::<Vec<_>>(),
        [false, false, false, true],
        "only the request with X-Demo-Host is the host's"
    );
    assert!(h.emulator.requests()[3].demo_host);
    assert_eq!(entries[1]["method"], "GET");
    assert_eq!(
        entries[1]["path"],
        format!(
            "/api/data/v9.2/contacts({})?$select=fullname",
            seed::CONTACT_MARIA_CAMPBELL
        )
    );
    assert_eq!(entries[2]["status"], 400);
    assert!(entries[0]["startedAt"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z') && t.contains('T')));
    assert!(entries[0]["durationMs"].is_u64());
    assert!(
        entries[0].get("ifMatch").is_none(),
        "a GET sends no If-Match"
    );
    assert_eq!(
        h.control("DELETE", "/_emulator/requests", None)
            .await
            .status,
        204
    );
    assert_eq!(
        h.control("GET", "/_emulator/requests", None).await.json()["requests"],
        json!([])
    );
}
