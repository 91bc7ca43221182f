//! The demo's static files.

mod common;

use common::{temp_dir, Harness};
use dataverse_emulator::EmulatorConfig;

fn demo_folders() -> (std::path::PathBuf, std::path::PathBuf) {
    let www = temp_dir("www");
    let built = temp_dir("webresources");
    std::fs::create_dir_all(www.join("demo/css")).expect("dirs");
    std::fs::create_dir_all(www.join("abc_/strings")).expect("dirs");
    std::fs::create_dir_all(www.join("abc_/resubscribe")).expect("dirs");
    std::fs::create_dir_all(built.join("abc_/resubscribe")).expect("dirs");
    std::fs::write(
        www.join("demo/main.html"),
        "<!doctype html><title>Email Suppression</title>",
    )
    .expect("write");
    std::fs::write(www.join("demo/css/form.css"), "body{}").expect("write");
    std::fs::write(www.join("abc_/strings/Resubscribe.1033.resx"), "<root/>").expect("write");
    std::fs::write(www.join("abc_/resubscribe/form.js"), "// stale copy").expect("write");
    std::fs::write(built.join("abc_/resubscribe/form.js"), "// built").expect("write");
    (www, built)
}

fn harness() -> Harness {
    let (www, built) = demo_folders();
    Harness::with_config(EmulatorConfig {
        www_dir: Some(www),
        webresources_dir: Some(built),
        ..EmulatorConfig::default()
    })
}

#[tokio::test]
async fn main_aspx_serves_the_demo_page_whatever_the_query() {
    let h = harness();
    let reply = h
        .send("GET", "/main.aspx?etn=esc_emailsuppression&pagetype=entityrecord&id=7d4c0f0e-1b2a-4f3e-9a10-00000000a002", &[], b"")
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.text().contains("Email Suppression"));
    let css = h.send("GET", "/demo/css/form.css", &[], b"").await;
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
}

#[tokio::test]
async fn web_resources_prefer_the_built_folder_then_fall_back_to_www() {
    let h = harness();
    let built = h
        .send("GET", "/WebResources/abc_/resubscribe/form.js", &[], b"")
        .await;
    assert_eq!(built.text(), "// built");
    assert_eq!(
        built.header("content-type").as_deref(),
        Some("text/javascript; charset=utf-8")
    );
    let resx = h
        .send(
            "GET",
            "/WebResources/abc_/strings/Resubscribe.1033.resx",
            &[],
            b"",
        )
        .await;
    assert_eq!(resx.status, 200);
    assert_eq!(
        resx.header("content-type").as_deref(),
        Some("application/xml")
    );
    assert_eq!(
        h.send("GET", "/WebResources/abc_/missing.js", &[], b"")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn traversal_is_refused_with_400() {
    let h = harness();
    for path in [
        "/demo/../../etc/passwd",
        "/WebResources/abc_/%2e%2e/%2e%2e/secret",
        "/demo/css/..%2F..%2Fmain.html",
    ] {
        let reply = h.send("GET", path, &[], b"").await;
        assert!(
            matches!(reply.status, 400 | 404),
            "{path}: {}",
            reply.status
        );
        assert_ne!(reply.status, 200);
    }
    assert_eq!(
        h.send("GET", "/WebResources/abc_/%2e%2e/%2e%2e/secret", &[], b"")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn missing_www_folder_is_a_404_not_a_crash() {
    let h = Harness::with_config(EmulatorConfig {
        www_dir: Some(std::path::PathBuf::from("/nonexistent/www")),
        webresources_dir: None,
        ..EmulatorConfig::default()
    });
    assert_eq!(h.send("GET", "/main.aspx", &[], b"").await.status, 404);
    assert_eq!(
        Harness::new()
            .send("GET", "/demo/main.html", &[], b"")
            .await
            .status,
        404
    );
    assert_eq!(
        Harness::new()
            .send("GET", "/nothing/here", &[], b"")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn static_requests_are_logged_and_can_fault() {
    let h = harness();
    h.control(
        "POST",
        "/_emulator/faults",
        Some(&serde_json::json!({"path": "/WebResources/*form.js", "fault": {"kind": "status", "status": 503}})),
    )
    .await;
    assert_eq!(
        h.send("GET", "/WebResources/abc_/resubscribe/form.js", &[], b"")
            .await
            .status,
        503
    );
    let log = h.control("GET", "/_emulator/requests", None).await.json();
    assert_eq!(
        log["requests"][0]["path"],
        "/WebResources/abc_/resubscribe/form.js"
    );
    assert_eq!(log["requests"][0]["status"], 503);
}
