//! What the solution's configuration page reads beyond the connector's tables, through the Web
//! API: the suppression table's forms, the organization's policy columns, the provisioned
//! languages and a user's privileges (unknown columns and users refused).

mod common;

use common::Harness;
use dataverse_emulator::{seed, setup};
use serde_json::json;

#[tokio::test]
async fn serves_forms_languages_policy_and_privileges_strictly() {
    let h = Harness::new();
    let forms = h
        .get("systemforms?$filter=objecttypecode%20eq%20'esc_emailsuppression'&$select=name,formxml,type")
        .await
        .json();
    assert_eq!(forms["value"][0]["type"], 2, "{forms}");
    let unknown = h.get("systemforms?$select=nosuchcolumn").await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert!(unknown.json()["error"]["message"].is_string());
    let languages = h.get("RetrieveProvisionedLanguages()").await.json();
    assert_eq!(
        languages["RetrieveProvisionedLanguages"],
        json!([1033, 1031, 1036, 1043])
    );
    let policy = h
        .get("organizations?$select=iscontentsecuritypolicyenabled,contentsecuritypolicyconfiguration")
        .await
        .json();
    assert_eq!(policy["value"][0]["iscontentsecuritypolicyenabled"], false);
    let privileges = h
        .get(&format!(
            "systemusers({})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()",
            seed::USER_SAM_SELLER
        ))
        .await
        .json();
    let names: Vec<&str> = privileges["RolePrivileges"]
        .as_array()
        .expect("RolePrivileges")
        .iter()
        .filter_map(|p| p["PrivilegeName"].as_str())
        .collect();
    assert!(names.contains(&"prvCreateNote") && names.contains(&"prvReadSolution"));
    let nobody = h
        .get("systemusers(00000000-0000-4000-8000-000000000000)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()")
        .await;
    assert_eq!(nobody.status, 404, "{}", nobody.text());
    let roles = h
        .get("roles?$select=name&$filter=name%20eq%20'Email%20Marketing%20Manager'&$expand=roleprivileges_association($select=name)")
        .await
        .json();
    assert_eq!(
        roles["value"][0]["roleprivileges_association"]
            .as_array()
            .map(Vec::len),
        Some(setup::PRIVILEGES.len()),
        "{roles}"
    );
}
