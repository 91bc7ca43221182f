//! Fault injection: each kind, counts, patterns, and the ones that need a real socket.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{raw_get, raw_http, Harness, API};
use dataverse_emulator::{seed, serve, EmulatorConfig};
use serde_json::json;

async fn arm(h: &Harness, rule: serde_json::Value) {
    let reply = h.control("POST", "/_emulator/faults", Some(&rule)).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_for_the_next_n_matching_requests() {
    let h = Harness::new();
    arm(&h, json!({"method": "POST", "path": "annotations", "count": 2, "fault": {"kind": "status", "status": 429, "retryAfter": 2}})).await;
    let note = json!({"subject": "x"});
    assert_eq!(
        h.get("annotations").await.status,
        200,
        "GET does not match a POST rule"
    );
    for _ in 0..2 {
        let reply = h.api("POST", "annotations", &[], Some(&note)).await;
        assert_eq!(reply.header("retry-after").as_deref(), Some("2"));
        assert_eq!(
            reply.error(),
            (
                429,
                "0x80072322".to_string(),
                "Number of requests exceeded the limit of 6000 over time window of 300 seconds."
                    .to_string()
            )
        );
    }
    assert_eq!(
        h.api("POST", "annotations", &[], Some(&note)).await.status,
        204
    );
    let log = h.control("GET", "/_emulator/requests", None).await.json();
    let faults: Vec<_> = log["requests"]
        .as_array()
        .expect("log")
        .iter()
        .map(|e| e["fault"].clone())
        .collect();
    assert_eq!(
        faults,
        vec![
            json!(null),
            json!("status 429"),
            json!("status 429"),
            json!(null)
        ]
    );
}

#[tokio::test]
async fn each_status_fault_has_a_dataverse_error_body() {
    let h = Harness::new();
    for (status, code) in [
        (503, "0x80040216"),
        (500, "0x80040216"),
        (412, "0x80060882"),
        (401, "0x80072560"),
        (403, "0x80040220"),
    ] {
        arm(
            &h,
            json!({"path": "RetrieveVersion", "fault": {"kind": "status", "status": status}}),
        )
        .await;
        let reply = h.get("RetrieveVersion()").await;
        let (got, got_code, message) = reply.error();
        assert_eq!((got, got_code.as_str()), (status, code));
        assert!(!message.is_empty());
        assert_eq!(reply.header("odata-version").as_deref(), Some("4.0"));
        if status == 401 {
            assert!(reply.header("www-authenticate").is_some());
        }
    }
    assert_eq!(
        h.get("RetrieveVersion()").await.status,
        200,
        "count defaults to 1"
    );
}

#[tokio::test]
async fn glob_patterns_match_the_whole_path_and_query() {
    let h = Harness::new();
    arm(&h, json!({"method": "get", "path": "/api/data/*/contacts(*)?$select=*", "count": 5, "fault": {"kind": "status", "status": 503}})).await;
    let contact = format!("contacts({})", seed::CONTACT_MARIA_CAMPBELL);
    assert_eq!(
        h.get(&contact).await.status,
        200,
        "no query string, no match"
    );
    assert_eq!(
        h.get(&format!("{contact}?$select=fullname")).await.status,
        503
    );
}

#[tokio::test]
async fn code_and_message_can_be_overridden_and_faults_cleared() {
    let h = Harness::new();
    arm(&h, json!({"path": "", "count": 3, "fault": {"kind": "status", "status": 500, "code": "0x80040265", "message": "Plug-in failed."}})).await;
    let reply = h.get("RetrieveVersion()").await;
    assert_eq!(
        reply.error(),
        (500, "0x80040265".to_string(), "Plug-in failed.".to_string())
    );
    let listed = h.control("GET", "/_emulator/faults", None).await.json();
    assert_eq!(listed["faults"][0]["count"], 2);
    assert_eq!(
        h.control("DELETE", "/_emulator/faults", None).await.status,
        204
    );
    assert_eq!(h.get("RetrieveVersion()").await.status, 200);
}

#[tokio::test]
async fn invalid_fault_rules_are_refused() {
    let h = Harness::new();
    for rule in [
        json!({"path": "x", "fault": {"kind": "status", "status": 418}}),
        json!({"path": "x", "count": 0, "fault": {"kind": "drop"}}),
        json!({"path": "x", "fault": {"kind": "explode"}}),
        json!({"path": "x", "inBatch": true, "fault": {"kind": "drop"}}),
        json!({"path": "x", "fault": {"kind": "omit"}}),
        json!({"path": "x"}),
    ] {
        let reply = h.control("POST", "/_emulator/faults", Some(&rule)).await;
        assert_eq!(reply.status, 400, "{rule}");
        assert_eq!(reply.json()["error"]["code"], "emulator");
    }
    assert_eq!(
        h.send("POST", "/_emulator/faults", &[], b"{not json")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn in_batch_faults_fail_the_matching_operation_inside_a_change_set() {
    let h = Harness::new();
    arm(&h, json!({"method": "POST", "path": "annotations", "inBatch": true, "fault": {"kind": "status", "status": 503}})).await;
    let body = format!(
        "--batch_1\r\nContent-Type: multipart/mixed; boundary=cs_1\r\n\r\n--cs_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 1\r\n\r\nPATCH /api/data/v9.2/esc_emailsuppressions({}) HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{{\"esc_requestresubscribe\":true}}\r\n--cs_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: 2\r\n\r\nPOST /api/data/v9.2/annotations HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{{\"subject\":\"x\"}}\r\n--cs_1--\r\n--batch_1--\r\n",
        seed::SUPPRESSION_UNSUBSCRIBED
    );
    let reply = h
        .send(
            "POST",
            &format!("{API}/$batch"),
            &[
                ("OData-MaxVersion", "4.0"),
                ("OData-Version", "4.0"),
                ("Content-Type", "multipart/mixed;boundary=batch_1"),
            ],
            body.as_bytes(),
        )
        .await;
    assert_eq!(reply.status, 503, "{}", reply.text());
    let suppression = h
        .get(&format!(
            "esc_emailsuppressions({})",
            seed::SUPPRESSION_UNSUBSCRIBED
        ))
        .await
        .json();
    assert_eq!(
        suppression["esc_requestresubscribe"], false,
        "the PATCH before it was rolled back"
    );
}

#[tokio::test]
async fn an_omit_fault_leaves_one_operation_s_response_out_of_the_batch_answer() {
    let h = Harness::new();
    arm(
        &h,
        json!({"method": "GET", "path": "contacts", "inBatch": true, "fault": {"kind": "omit"}}),
    )
    .await;
    let get = |path: &str| {
        format!("--batch_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET /api/data/v9.2/{path} HTTP/1.1\r\nAccept: application/json\r\n\r\n")
    };
    let body = [
        get("contacts?$select=fullname&$top=1"),
        get("esc_emailsuppressions?$select=esc_emailaddress&$top=1"),
        "--batch_1--\r\n".to_string(),
    ]
    .concat();
    let uri = format!("{API}/$batch");
    let headers = [
        ("OData-MaxVersion", "4.0"),
        ("OData-Version", "4.0"),
        ("Content-Type", "multipart/mixed;boundary=batch_1"),
    ];
    let send = || h.send("POST", &uri, &headers, body.as_bytes());
    let answer = send().await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let text = answer.text();
    assert_eq!(text.matches("HTTP/1.1 200").count(), 1, "{text}");
    assert!(
        text.contains("esc_emailaddress") && !text.contains("fullname"),
        "{text}"
    );
    // The rule was for one request: the next batch is answered whole.
    let again = send().await.text();
    assert_eq!(again.matches("HTTP/1.1 200").count(), 2, "{again}");
}

async fn running() -> (dataverse_emulator::RunningEmulator, SocketAddr) {
    let running = serve(
        "127.0.0.1:0".parse().expect("addr"),
        EmulatorConfig::default(),
    )
    .await
    .expect("bind");
    let addr = running.addr();
    (running, addr)
}

async fn arm_over_socket(addr: SocketAddr, rule: &serde_json::Value) {
    let body = rule.to_string();
    let request = format!(
        "POST /_emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = raw_http(addr, &request).await.expect("arm");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 201"));
}

#[tokio::test]
async fn drop_closes_the_connection_without_an_answer() {
    let (running, addr) = running().await;
    arm_over_socket(
        addr,
        &json!({"path": "RetrieveVersion", "fault": {"kind": "drop"}}),
    )
    .await;
    let dropped = tokio::time::timeout(
        Duration::from_secs(5),
        raw_http(addr, &raw_get(&format!("{API}/RetrieveVersion()"))),
    )
    .await
    .expect("the server closes the connection promptly");
    assert!(
        dropped.map(|bytes| bytes.is_empty()).unwrap_or(true),
        "no response bytes"
    );
    let next = raw_http(addr, &raw_get(&format!("{API}/RetrieveVersion()")))
        .await
        .expect("served");
    assert!(String::from_utf8_lossy(&next).starts_with("HTTP/1.1 200"));
    let log = running.emulator().requests();
    assert_eq!(log[0].status, None);
    assert_eq!(log[0].fault.as_deref(), Some("drop"));
    assert_eq!(log[1].status, Some(200));
    running.shutdown().await;
}

#[tokio::test]
async fn drop_without_a_socket_answers_500_explaining_why() {
    let h = Harness::new();
    arm(
        &h,
        json!({"path": "RetrieveVersion", "fault": {"kind": "drop"}}),
    )
    .await;
    let reply = h.get("RetrieveVersion()").await;
    assert_eq!(reply.status, 500);
    assert!(reply.error().2.contains("real connection"));
}

#[tokio::test]
async fn delay_waits_then_answers_normally() {
    let (running, addr) = running().await;
    arm_over_socket(
        addr,
        &json!({"path": "RetrieveVersion", "fault": {"kind": "delay", "ms": 300}}),
    )
    .await;
    let started = Instant::now();
    let answer = raw_http(addr, &raw_get(&format!("{API}/RetrieveVersion()")))
        .await
        .expect("served");
    let waited = started.elapsed();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    let log = running.emulator().requests();
    assert!(log[0].duration_ms >= 300);
    assert_eq!(log[0].fault.as_deref(), Some("delay 300ms"));
    running.shutdown().await;
}

#[tokio::test]
async fn retry_after_reaches_a_real_client() {
    let (running, addr) = running().await;
    arm_over_socket(addr, &json!({"path": "annotations", "fault": {"kind": "status", "status": 429, "retryAfter": 7}})).await;
    let answer = raw_http(addr, &raw_get(&format!("{API}/annotations?$top=1")))
        .await
        .expect("served");
    let text = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 429"), "{text}");
    assert!(text.contains("retry-after: 7\r\n"), "{text}");
    running.shutdown().await;
}
