//! Users and security roles: `systemusers(<id>)?$expand=systemuserroles_association(…)` as a
//! request and as a `$batch` part, role renames through the Web API, and role assignment through
//! `/_emulator/users/<id>/roles`.

mod common;

use common::multipart::{batch, json_bodies, op, send, statuses};
use common::Harness;
use dataverse_emulator::seed;
use serde_json::{json, Value};

fn roles_query(user: &str) -> String {
    format!("systemusers({user})?$select=systemuserid&$expand=systemuserroles_association($select=name,_roletemplateid_value)")
}

/// `(name, template)` of each expanded role.
fn roles(body: &Value) -> Vec<(String, Value)> {
    body["systemuserroles_association"]
        .as_array()
        .expect("expanded roles")
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or("").to_string(),
                r["_roletemplateid_value"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_user_s_roles_come_back_with_names_and_template_ids() {
    let h = Harness::new();
    let reply = h.get(&roles_query(seed::USER_ALEX_ADMIN)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    let keys: Vec<&str> = body
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        vec![
            "@odata.context",
            "@odata.etag",
            "systemuserid",
            "systemuserroles_association"
        ]
    );
    assert_eq!(body["systemuserid"], seed::USER_ALEX_ADMIN);
    assert!(body["@odata.etag"]
        .as_str()
        .is_some_and(|e| e.starts_with("W/\"")));
    assert_eq!(
        body["@odata.context"],
        "http://127.0.0.1:8765/api/data/v9.2/$metadata#systemusers(systemuserid,systemuserroles_association(name,_roletemplateid_value))/$entity"
    );
    assert_eq!(
        roles(&body),
        vec![
            (
                "System Administrator".to_string(),
                json!(seed::ROLE_TEMPLATE_SYSTEM_ADMINISTRATOR)
            ),
            ("Email Marketing Manager".to_string(), Value::Null),
        ]
    );
    let first = &body["systemuserroles_association"][0];
    assert_eq!(first["roleid"], seed::ROLE_SYSTEM_ADMINISTRATOR);
    let mut role_keys: Vec<&str> = first
        .as_object()
        .expect("role")
        .keys()
        .map(String::as_str)
        .collect();
    role_keys.sort_unstable();
    assert_eq!(
        role_keys,
        vec!["@odata.etag", "_roletemplateid_value", "name", "roleid"]
    );

    let sam = h.get(&roles_query(seed::USER_SAM_SELLER)).await.json();
    assert_eq!(
        roles(&sam),
        vec![
            (
                "Salesperson".to_string(),
                json!(seed::ROLE_TEMPLATE_SALESPERSON)
            ),
            ("Email Marketing Viewer".to_string(), Value::Null),
        ]
    );
}

#[tokio::test]
async fn an_unknown_user_is_404_and_bad_expands_are_refused() {
    let h = Harness::new();
    let (status, code, _) = h
        .get(&roles_query("0b0b0b0b-0000-4000-8000-000000000000"))
        .await
        .error();
    assert_eq!((status, code.as_str()), (404, "0x80040217"));
    let user = seed::USER_SAM_SELLER;
    let (status, _, message) = h
        .get(&format!("systemusers({user})?$expand=roles"))
        .await
        .error();
    assert_eq!(status, 400);
    assert_eq!(
        message,
        "Could not find a property named 'roles' on type 'Microsoft.Dynamics.CRM.systemuser'."
    );
    let (status, _, message) = h
        .get(&format!(
            "systemusers({user})?$expand=systemuserroles_association($select=rolename)"
        ))
        .await
        .error();
    assert_eq!(status, 400);
    assert!(
        message.contains("'rolename' on type 'Microsoft.Dynamics.CRM.role'"),
        "{message}"
    );
    assert_eq!(
        h.get(&format!(
            "systemusers({user})?$expand=systemuserroles_association($top=1)"
        ))
        .await
        .error()
        .0,
        501
    );
}

#[tokio::test]
async fn roles_expand_inside_a_batch_and_on_premises() {
    let h = Harness::new();
    let settings = json!({"orgVersion": "9.1.0.15000", "organization": "contoso"});
    assert_eq!(
        h.control("POST", "/_emulator/settings", Some(&settings))
            .await
            .status,
        200
    );
    let body = batch(&[
        op("GET", "WhoAmI()", &[], None),
        op("GET", &roles_query(seed::USER_SAM_SELLER), &[], None),
        op(
            "GET",
            &format!(
                "/contoso/api/data/v9.1/{}",
                roles_query(seed::USER_ALEX_ADMIN)
            ),
            &[],
            None,
        ),
    ]);
    let reply = send(&h, "/contoso/api/data/v9.1", &body, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert_eq!(statuses(&text), vec![200, 200, 200]);
    let bodies = json_bodies(&text);
    assert_eq!(roles(&bodies[1])[0].0, "Salesperson");
    assert_eq!(
        roles(&bodies[2])[0].1,
        json!(seed::ROLE_TEMPLATE_SYSTEM_ADMINISTRATOR)
    );
    assert!(bodies[2]["@odata.context"].as_str().is_some_and(
        |c| c.starts_with("http://127.0.0.1:8765/contoso/api/data/v9.1/$metadata#systemusers(")
    ));
}

#[tokio::test]
async fn a_renamed_role_keeps_its_template() {
    let h = Harness::new();
    let renamed = h
        .api(
            "PATCH",
            &format!("roles({})", seed::ROLE_SYSTEM_ADMINISTRATOR),
            &[("If-Match", "*")],
            Some(&json!({"name": "Systemadministrator"})),
        )
        .await;
    assert_eq!(renamed.status, 204, "{}", renamed.text());
    let body = h.get(&roles_query(seed::USER_ALEX_ADMIN)).await.json();
    assert_eq!(
        roles(&body)[0],
        (
            "Systemadministrator".to_string(),
            json!(seed::ROLE_TEMPLATE_SYSTEM_ADMINISTRATOR)
        )
    );
    let refused = h
        .api(
            "PATCH",
            &format!("roles({})", seed::ROLE_SYSTEM_ADMINISTRATOR),
            &[],
            Some(&json!({"_roletemplateid_value": seed::ROLE_TEMPLATE_SYSTEM_CUSTOMIZER})),
        )
        .await;
    assert_eq!(refused.error().0, 400);
    let admins = h
        .get(&format!(
            "roles?$select=name&$filter=_roletemplateid_value eq {}",
            seed::ROLE_TEMPLATE_SYSTEM_ADMINISTRATOR
        ))
        .await
        .json();
    assert_eq!(admins["value"].as_array().map(Vec::len), Some(1));
    assert_eq!(admins["value"][0]["name"], "Systemadministrator");
    let customizer = h
        .get(&format!(
            "roles({})?$select=name,_roletemplateid_value",
            seed::ROLE_SYSTEM_CUSTOMIZER
        ))
        .await
        .json();
    assert_eq!(customizer["name"], "System Customizer");
    assert_eq!(
        customizer["_roletemplateid_value"],
        seed::ROLE_TEMPLATE_SYSTEM_CUSTOMIZER
    );
}

#[tokio::test]
async fn the_control_api_reassigns_roles_until_a_reset() {
    let h = Harness::new();
    let path = format!("/_emulator/users/{}/roles", seed::USER_SAM_SELLER);
    let current = h.control("GET", &path, None).await.json();
    assert_eq!(current["roles"][0]["name"], "Salesperson");
    let changed = h
        .control(
            "POST",
            &path,
            Some(&json!({"roles": [seed::ROLE_SYSTEM_CUSTOMIZER, seed::ROLE_EMAIL_MARKETING_VIEWER]})),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(
        changed.json(),
        json!({"user": seed::USER_SAM_SELLER, "roles": [
            {"roleid": seed::ROLE_SYSTEM_CUSTOMIZER, "name": "System Customizer", "_roletemplateid_value": seed::ROLE_TEMPLATE_SYSTEM_CUSTOMIZER},
            {"roleid": seed::ROLE_EMAIL_MARKETING_VIEWER, "name": "Email Marketing Viewer", "_roletemplateid_value": null},
        ]})
    );
    let body = h.get(&roles_query(seed::USER_SAM_SELLER)).await.json();
    assert_eq!(roles(&body)[0].0, "System Customizer");
    let braces = format!("{{{}}}", seed::ROLE_SALESPERSON.to_uppercase());
    assert_eq!(
        h.control("POST", &path, Some(&json!({"roles": [braces]})))
            .await
            .status,
        200
    );
    assert_eq!(
        h.control("POST", &path, Some(&json!({"roles": []})))
            .await
            .status,
        200
    );
    assert_eq!(
        h.get(&roles_query(seed::USER_SAM_SELLER)).await.json()["systemuserroles_association"],
        json!([])
    );
    for (target, body, status) in [
        (
            path.clone(),
            json!({"roles": ["0b0b0b0b-0000-4000-8000-000000000000"]}),
            404,
        ),
        (path.clone(), json!({"roles": ["nope"]}), 400),
        (
            path.clone(),
            json!({"roles": [seed::ROLE_SALESPERSON, seed::ROLE_SALESPERSON]}),
            400,
        ),
        (path.clone(), json!({"role": []}), 400),
        (
            "/_emulator/users/0b0b0b0b-0000-4000-8000-000000000000/roles".to_string(),
            json!({"roles": []}),
            404,
        ),
    ] {
        assert_eq!(
            h.control("POST", &target, Some(&body)).await.status,
            status,
            "{body}"
        );
    }
    assert_eq!(
        h.control("POST", "/_emulator/reset", None).await.status,
        204
    );
    let body = h.get(&roles_query(seed::USER_SAM_SELLER)).await.json();
    assert_eq!(roles(&body)[0].0, "Salesperson");
    let state = h.control("GET", "/_emulator/state", None).await.json();
    assert_eq!(
        state["userRoles"][seed::USER_ALEX_ADMIN],
        json!([
            seed::ROLE_SYSTEM_ADMINISTRATOR,
            seed::ROLE_EMAIL_MARKETING_MANAGER
        ])
    );
    assert_eq!(state["tables"]["role"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn the_navigation_path_lists_a_user_s_roles() {
    let h = Harness::new();
    let reply = h
        .get(&format!(
            "systemusers({})/systemuserroles_association?$select=name,_roletemplateid_value",
            seed::USER_ALEX_ADMIN
        ))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(
        body["@odata.context"],
        "http://127.0.0.1:8765/api/data/v9.2/$metadata#roles(name,_roletemplateid_value)"
    );
    assert_eq!(body["value"][0]["roleid"], seed::ROLE_SYSTEM_ADMINISTRATOR);
    assert_eq!(
        body["value"][0]["_roletemplateid_value"],
        seed::ROLE_TEMPLATE_SYSTEM_ADMINISTRATOR
    );
    assert_eq!(body["value"].as_array().map(Vec::len), Some(2));
    let missing = "0b0b0b0b-0000-4000-8000-000000000000";
    assert_eq!(
        h.get(&format!(
            "systemusers({missing})/systemuserroles_association"
        ))
        .await
        .error()
        .0,
        404
    );
    assert_eq!(
        h.get(&format!("systemusers({})/roles", seed::USER_ALEX_ADMIN))
            .await
            .error()
            .0,
        404
    );
    assert_eq!(
        h.get(&format!(
            "systemusers({})/systemuserroles_association?$top=1",
            seed::USER_ALEX_ADMIN
        ))
        .await
        .error()
        .0,
        501
    );
}
