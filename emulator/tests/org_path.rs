//! Web API versions by organization version, and the on-premises organization path: which
//! prefixes answer, the URLs the emulator writes, `$batch` request lines, the request log and
//! fault patterns under `/<org>/`.

mod common;

use common::multipart::{batch, change_set, json_bodies, op, part_header, send, statuses};
use common::{temp_dir, Harness};
use dataverse_emulator::{seed, EmulatorConfig};
use serde_json::json;

const VERSIONS: [&str; 6] = ["v8.0", "v8.1", "v8.2", "v9.0", "v9.1", "v9.2"];

async fn settings(h: &Harness, update: serde_json::Value) {
    let reply = h
        .control("POST", "/_emulator/settings", Some(&update))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

/// An on-premises 9.1 org named `contoso`.
async fn contoso() -> Harness {
    let h = Harness::new();
    settings(
        &h,
        json!({"orgVersion": "9.1.0.15000", "organization": "contoso"}),
    )
    .await;
    h
}

#[tokio::test]
async fn each_org_version_serves_the_web_api_versions_up_to_its_own() {
    let h = Harness::new();
    for (org, served) in [
        ("8.0.1.79", 1),
        ("8.1.0.359", 2),
        ("8.2.2.112", 3),
        ("9.0.2.3034", 4),
        ("9.1.0.15000", 5),
        ("9.2.25093.00168", 6),
        ("7.0.0.3543", 0),
    ] {
        settings(&h, json!({ "orgVersion": org })).await;
        for (index, version) in VERSIONS.iter().enumerate() {
            let reply = h
                .get(&format!("/api/data/{version}/RetrieveVersion()"))
                .await;
            if index < served {
                assert_eq!(reply.status, 200, "org {org} should serve {version}");
                assert_eq!(reply.json()["Version"], org);
            } else {
                let (status, code, message) = reply.error();
                assert_eq!(status, 404, "org {org} should not serve {version}");
                assert_eq!(code, "0x8006088a");
                assert_eq!(
                    message,
                    format!("Resource not found for the segment '{version}'.")
                );
            }
        }
    }
    for bogus in ["v9.3", "v08.2", "v9", "9.2", "v10.0"] {
        let reply = h.get(&format!("/api/data/{bogus}/RetrieveVersion()")).await;
        assert_eq!(reply.error().0, 404, "{bogus}");
    }
}

#[tokio::test]
async fn a_batch_at_an_unserved_version_or_with_an_unserved_operation_is_404() {
    let h = Harness::new();
    settings(&h, json!({"orgVersion": "9.0.2.3034"})).await;
    let body = batch(&[op("GET", "RetrieveVersion()", &[], None)]);
    let reply = send(&h, "/api/data/v9.1", &body, &[]).await;
    assert_eq!(reply.error().0, 404);
    let body = batch(&[
        op("GET", "/api/data/v8.0/RetrieveVersion()", &[], None),
        op("GET", "/api/data/v9.1/RetrieveVersion()", &[], None),
        op("GET", "/api/data/v9.0/RetrieveVersion()", &[], None),
    ]);
    let reply = send(&h, "/api/data/v9.0", &body, &[]).await;
    assert_eq!(reply.status, 404, "{}", reply.text());
    assert_eq!(statuses(&reply.text()), vec![200, 404]);
}

#[tokio::test]
async fn organization_is_a_setting_shown_refused_with_an_online_version_and_reset() {
    let h = Harness::new();
    let refused = h
        .control(
            "POST",
            "/_emulator/settings",
            Some(&json!({"organization": "contoso"})),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.text().contains("online only"), "{}", refused.text());
    for bad in [json!("con toso"), json!("9org"), json!("demo"), json!(7)] {
        let reply = h
            .control(
                "POST",
                "/_emulator/settings",
                Some(&json!({"organization": bad, "orgVersion": "9.1.0.15000"})),
            )
            .await;
        assert_eq!(reply.status, 400, "{bad}");
    }
    assert_eq!(
        h.control("GET", "/_emulator/settings", None).await.json()["organization"],
        ""
    );
    settings(
        &h,
        json!({"organization": "contoso", "orgVersion": "9.1.0.15000"}),
    )
    .await;
    let shown = h.control("GET", "/_emulator/settings", None).await.json();
    assert_eq!(shown["organization"], "contoso");
    assert_eq!(shown["orgVersion"], "9.1.0.15000");
    assert_eq!(
        h.control("POST", "/_emulator/reset", None).await.status,
        204
    );
    assert_eq!(
        h.control("GET", "/_emulator/settings", None).await.json()["organization"],
        ""
    );
    let config = EmulatorConfig {
        organization: "fabrikam".to_string(),
        org_version: "8.2.2.112".to_string(),
        ..EmulatorConfig::default()
    };
    let h = Harness::with_config(config);
    assert_eq!(
        h.get("/fabrikam/api/data/v8.2/RetrieveVersion()")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn on_premises_the_web_api_answers_only_under_the_organization() {
    let h = contoso().await;
    let reply = h.get("/contoso/api/data/v9.1/RetrieveVersion()").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(
        reply.json()["@odata.context"],
        "http://127.0.0.1:8765/contoso/api/data/v9.1/$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse"
    );
    assert_eq!(h.get("/contoso/api/data/v8.0/WhoAmI()").await.status, 200);
    for path in [
        "/api/data/v9.1/RetrieveVersion()",
        "/fabrikam/api/data/v9.1/RetrieveVersion()",
        "/Contoso/api/data/v9.1/RetrieveVersion()",
        "/contoso/api/data/v9.2/RetrieveVersion()",
    ] {
        let (status, code, _) = h.get(path).await.error();
        assert_eq!((status, code.as_str()), (404, "0x8006088a"), "{path}");
    }
    assert_eq!(
        h.get("/contoso/contoso/api/data/v9.1/RetrieveVersion()")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn online_an_organization_prefix_is_404() {
    let h = Harness::new();
    assert_eq!(h.get("/api/data/v9.2/RetrieveVersion()").await.status, 200);
    let (status, _, _) = h
        .get("/contoso/api/data/v9.2/RetrieveVersion()")
        .await
        .error();
    assert_eq!(status, 404);
}

#[tokio::test]
async fn urls_the_emulator_writes_carry_the_organization() {
    let h = contoso().await;
    let created = h
        .api(
            "POST",
            "/contoso/api/data/v9.1/annotations",
            &[],
            Some(&json!({
                "subject": "on premises",
                "objectid_contact@odata.bind": format!("/contacts({})", seed::CONTACT_MARIA_CAMPBELL),
            })),
        )
        .await;
    assert_eq!(created.status, 204, "{}", created.text());
    let entity = created.header("OData-EntityId").expect("entity id");
    assert!(
        entity.starts_with("http://127.0.0.1:8765/contoso/api/data/v9.1/annotations("),
        "{entity}"
    );
    let record = h
        .get(&format!(
            "/contoso/api/data/v9.1/contacts({})?$select=fullname",
            seed::CONTACT_MARIA_CAMPBELL
        ))
        .await
        .json();
    assert_eq!(
        record["@odata.context"],
        "http://127.0.0.1:8765/contoso/api/data/v9.1/$metadata#contacts(fullname)/$entity"
    );
    let list = h
        .get("/contoso/api/data/v9.1/annotations?$select=subject&$top=1")
        .await
        .json();
    assert_eq!(
        list["@odata.context"],
        "http://127.0.0.1:8765/contoso/api/data/v9.1/$metadata#annotations(subject)"
    );
    let absolute_bind = h
        .api(
            "PATCH",
            &format!(
                "/contoso/api/data/v9.1/esc_emailsuppressions({})",
                seed::SUPPRESSION_NO_CONTACT
            ),
            &[],
            Some(&json!({
                "esc_contactid@odata.bind": format!("http://127.0.0.1:8765/contoso/api/data/v9.1/contacts({})", seed::CONTACT_MARIA_CAMPBELL),
            })),
        )
        .await;
    assert_eq!(absolute_bind.status, 204, "{}", absolute_bind.text());
}

#[tokio::test]
async fn demo_page_and_web_resources_move_under_the_organization_but_demo_files_and_control_do_not()
{
    let www = temp_dir("org-www");
    std::fs::create_dir_all(www.join("demo")).expect("demo dir");
    std::fs::write(www.join("demo/main.html"), "<html>demo</html>").expect("main");
    std::fs::write(www.join("demo/xrm.js"), "var x;").expect("xrm");
    std::fs::write(www.join("form.js"), "// form").expect("form");
    let config = EmulatorConfig {
        www_dir: Some(www),
        ..EmulatorConfig::default()
    };
    let h = Harness::with_config(config);
    assert_eq!(
        h.send("GET", "/main.aspx?etn=x", &[], b"").await.status,
        200
    );
    assert_eq!(
        h.send("GET", "/WebResources/form.js", &[], b"")
            .await
            .status,
        200
    );
    assert_eq!(
        h.send("GET", "/contoso/main.aspx", &[], b"").await.status,
        404
    );
    assert_eq!(
        h.send("GET", "/contoso/WebResources/form.js", &[], b"")
            .await
            .status,
        404
    );
    settings(
        &h,
        json!({"orgVersion": "9.0.2.3034", "organization": "contoso"}),
    )
    .await;
    let page = h
        .send(
            "GET",
            "/contoso/main.aspx?etn=esc_emailsuppression",
            &[],
            b"",
        )
        .await;
    assert_eq!(
        (page.status, page.text().as_str()),
        (200, "<html>demo</html>")
    );
    assert_eq!(
        h.send("GET", "/contoso/WebResources/form.js", &[], b"")
            .await
            .status,
        200
    );
    for path in [
        "/main.aspx",
        "/WebResources/form.js",
        "/fabrikam/main.aspx",
        "/fabrikam/WebResources/form.js",
        "/contoso/demo/xrm.js",
        "/contoso/_emulator/settings",
    ] {
        assert_eq!(h.send("GET", path, &[], b"").await.status, 404, "{path}");
    }
    assert_eq!(h.send("GET", "/demo/xrm.js", &[], b"").await.status, 200);
    assert_eq!(
        h.control("GET", "/_emulator/settings", None).await.status,
        200
    );
}

#[tokio::test]
async fn batch_request_lines_may_be_absolute_urls_absolute_paths_or_relative() {
    let h = contoso().await;
    let contact = format!("contacts({})?$select=fullname", seed::CONTACT_PAUL_CANNON);
    let body = batch(&[
        op(
            "GET",
            &format!("http://127.0.0.1:8765/contoso/api/data/v9.1/{contact}"),
            &[],
            None,
        ),
        op(
            "GET",
            &format!("/contoso/api/data/v9.0/{contact}"),
            &[],
            None,
        ),
        op("GET", &contact, &[], None),
        change_set(
            "changeset_1",
            &[
                op(
                    "POST",
                    "http://127.0.0.1:8765/contoso/api/data/v9.1/annotations",
                    &["Content-ID: 1"],
                    Some(&json!({
                        "subject": "in a change set",
                        "objectid_contact@odata.bind": format!("/contacts({})", seed::CONTACT_PAUL_CANNON),
                    })),
                ),
                op(
                    "PATCH",
                    "$1",
                    &["Content-ID: 2"],
                    Some(&json!({"notetext": "via $1"})),
                ),
            ],
        ),
    ]);
    let reply = send(&h, "/contoso/api/data/v9.1", &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert_eq!(statuses(&text), vec![200, 200, 200, 204, 204]);
    let bodies = json_bodies(&text);
    assert_eq!(bodies[0]["fullname"], "Paul Cannon");
    assert_eq!(
        bodies[1]["@odata.context"],
        "http://127.0.0.1:8765/contoso/api/data/v9.0/$metadata#contacts(fullname)/$entity"
    );
    let entity = part_header(&text, "OData-EntityId").expect("entity id");
    assert!(
        entity.starts_with("http://127.0.0.1:8765/contoso/api/data/v9.1/annotations("),
        "{entity}"
    );
    let notes = h
        .get("/contoso/api/data/v9.1/annotations?$filter=subject eq 'in a change set'&$select=notetext")
        .await
        .json();
    assert_eq!(notes["value"][0]["notetext"], "via $1");

    let log = h.emulator.requests();
    let last = log
        .iter()
        .find(|e| e.path.ends_with("$batch"))
        .expect("the batch is logged");
    assert_eq!(last.path, "/contoso/api/data/v9.1/$batch");
    assert_eq!(
        last.batch_parts[0].path,
        format!("http://127.0.0.1:8765/contoso/api/data/v9.1/{contact}")
    );
    assert_eq!(last.batch_parts[4].path, "$1");
    assert!(log
        .iter()
        .any(|e| e.path.starts_with("/contoso/api/data/v9.1/annotations?")));
}

#[tokio::test]
async fn a_batch_operation_that_leaves_the_organization_is_404_and_stops_the_batch() {
    let h = contoso().await;
    for outside in [
        "/api/data/v9.1/RetrieveVersion()".to_string(),
        "/fabrikam/api/data/v9.1/RetrieveVersion()".to_string(),
        "http://127.0.0.1:8765/api/data/v9.1/RetrieveVersion()".to_string(),
        "http://another-server/contoso/api/data/v9.1/RetrieveVersion()".to_string(),
        "/contoso/api/data/v9.2/RetrieveVersion()".to_string(),
        "/contoso/WebResources/form.js".to_string(),
    ] {
        let body = batch(&[
            op("GET", "RetrieveVersion()", &[], None),
            op("GET", &outside, &[], None),
            op(
                "POST",
                "annotations",
                &[],
                Some(&json!({"subject": "after the stray operation"})),
            ),
        ]);
        let reply = send(&h, "/contoso/api/data/v9.1", &body, &[]).await;
        assert_eq!(reply.status, 404, "{outside}: {}", reply.text());
        let text = reply.text();
        assert_eq!(statuses(&text), vec![200, 404], "{outside}");
        assert_eq!(json_bodies(&text)[1]["error"]["code"], "0x8006088a");
    }
    let notes = h
        .get("/contoso/api/data/v9.1/annotations?$filter=subject eq 'after the stray operation'")
        .await
        .json();
    assert_eq!(notes["value"], json!([]));

    let online = Harness::new();
    let body = batch(&[op(
        "GET",
        "/contoso/api/data/v9.2/RetrieveVersion()",
        &[],
        None,
    )]);
    let reply = send(&online, "/api/data/v9.2", &body, &[]).await;
    assert_eq!(reply.status, 404);
    assert_eq!(statuses(&reply.text()), vec![404]);
}

#[tokio::test]
async fn fault_patterns_match_with_or_without_the_organization_prefix() {
    let h = contoso().await;
    let arm = |rule: serde_json::Value| {
        let h = &h;
        async move {
            assert_eq!(
                h.control("POST", "/_emulator/faults", Some(&rule))
                    .await
                    .status,
                201
            );
        }
    };
    arm(
        json!({"path": "/api/data/*/RetrieveVersion*", "fault": {"kind": "status", "status": 503}}),
    )
    .await;
    arm(json!({"path": "/contoso/api/data/*/WhoAmI*", "fault": {"kind": "status", "status": 429}}))
        .await;
    assert_eq!(
        h.get("/contoso/api/data/v9.1/RetrieveVersion()")
            .await
            .status,
        503
    );
    assert_eq!(h.get("/contoso/api/data/v9.1/WhoAmI()").await.status, 429);
    arm(json!({"path": "/api/data/*/annotations", "inBatch": true, "fault": {"kind": "status", "status": 500}})).await;
    let body = batch(&[op(
        "POST",
        "annotations",
        &[],
        Some(&json!({"subject": "x"})),
    )]);
    let reply = send(&h, "/contoso/api/data/v9.1", &body, &[]).await;
    assert_eq!(reply.status, 500, "{}", reply.text());
}
