//! The Web API endpoints: success shapes, error shapes and strictness.

mod common;

use common::{Harness, API};
use dataverse_emulator::seed;
use serde_json::json;

fn suppression(id: &str) -> String {
    format!("esc_emailsuppressions({id})")
}

#[tokio::test]
async fn retrieve_version_answers_the_configured_org_version() {
    let h = Harness::new();
    let reply = h.get("RetrieveVersion()").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("odata-version").as_deref(), Some("4.0"));
    let body = reply.json();
    assert_eq!(body["Version"], "9.2.25093.00168");
    assert_eq!(
        body["@odata.context"],
        "http://127.0.0.1:8765/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse"
    );
}

#[tokio::test]
async fn v8_2_endpoint_is_served_and_an_8_2_org_has_no_v9_endpoint() {
    let h = Harness::new();
    assert_eq!(h.get("/api/data/v8.2/RetrieveVersion()").await.status, 200);
    h.control(
        "POST",
        "/_emulator/settings",
        Some(&json!({"orgVersion": "8.2.2.112"})),
    )
    .await;
    let v9 = h.get("RetrieveVersion()").await;
    assert_eq!(v9.error().0, 404);
    assert!(v9.error().2.contains("v9.2"));
    let v8 = h.get("/api/data/v8.2/RetrieveVersion()").await;
    assert_eq!(v8.json()["Version"], "8.2.2.112");
}

#[tokio::test]
async fn who_am_i_names_the_demo_user() {
    let body = Harness::new().get("WhoAmI()").await.json();
    assert_eq!(body["UserId"], seed::DEMO_USER);
    assert_eq!(body["OrganizationId"], seed::ORGANIZATION);
}

#[tokio::test]
async fn missing_odata_version_headers_are_refused_with_an_error_body() {
    let h = Harness::new();
    let no_headers = h
        .send(
            "GET",
            &format!("{API}/RetrieveVersion()"),
            &[("Accept", "application/json")],
            b"",
        )
        .await;
    let (status, code, message) = no_headers.error();
    assert_eq!((status, code.as_str()), (400, "0x80060888"));
    assert!(message.contains("OData-MaxVersion"), "{message}");
    let only_max = h
        .send(
            "GET",
            &format!("{API}/RetrieveVersion()"),
            &[("OData-MaxVersion", "4.0")],
            b"",
        )
        .await;
    assert!(only_max.error().2.contains("'OData-Version: 4.0'"));
    let wrong = h
        .send(
            "GET",
            &format!("{API}/RetrieveVersion()"),
            &[("OData-MaxVersion", "4.0"), ("OData-Version", "3.0")],
            b"",
        )
        .await;
    assert_eq!(wrong.status, 400);
}

#[tokio::test]
async fn installed_connector_is_found_with_an_escaped_literal_and_select() {
    let h = Harness::new();
    let reply = h
        .get("solutions?$filter=uniquename%20eq%20'dotmailerCRMConnector'&$select=uniquename,friendlyname,version")
        .await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(
        body["@odata.context"],
        "http://127.0.0.1:8765/api/data/v9.2/$metadata#solutions(uniquename,friendlyname,version)"
    );
    let rows = body["value"].as_array().expect("value");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["version"], "7.0.1.721");
    assert_eq!(rows[0]["solutionid"], seed::SOLUTION_CONNECTOR);
    assert!(
        rows[0].get("installedon").is_none(),
        "only selected columns and the key"
    );
    let quoted = h.get("solutions?$filter=uniquename eq 'O''Brien'").await;
    assert_eq!(quoted.json()["value"], json!([]));
}

#[tokio::test]
async fn solution_filter_with_an_unterminated_literal_is_a_400() {
    let reply = Harness::new()
        .get("solutions?$filter=uniquename eq 'dotmailerCRMConnector&$select=version")
        .await;
    assert_eq!(reply.error().0, 400);
}

#[tokio::test]
async fn missing_connector_gives_an_empty_list_and_unreadable_solutions_a_403() {
    let h = Harness::new();
    h.control(
        "POST",
        "/_emulator/settings",
        Some(&json!({"connectorVersion": null})),
    )
    .await;
    let reply = h
        .get("solutions?$filter=uniquename eq 'dotmailerCRMConnector'")
        .await;
    assert_eq!(reply.json()["value"], json!([]));
    h.control(
        "POST",
        "/_emulator/settings",
        Some(&json!({"solutionReadable": false})),
    )
    .await;
    let denied = h
        .get("solutions?$filter=uniquename eq 'dotmailerCRMConnector'")
        .await;
    let (status, code, message) = denied.error();
    assert_eq!((status, code.as_str()), (403, "0x80040220"));
    assert!(message.contains("prvReadSolution"));
}

#[tokio::test]
async fn suppression_get_with_select_returns_only_those_columns_and_the_key() {
    let h = Harness::new();
    let reply = h
        .get(&format!(
            "{}?$select=esc_emailaddress,esc_reason,_esc_contactid_value",
            suppression(seed::SUPPRESSION_PENDING_REQUEST)
        ))
        .await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(
        body["@odata.context"],
        "http://127.0.0.1:8765/api/data/v9.2/$metadata#esc_emailsuppressions(esc_emailaddress,esc_reason,_esc_contactid_value)/$entity"
    );
    assert_eq!(body["esc_emailaddress"], "nancy.anderson@fabrikam.com");
    assert_eq!(body["esc_reason"], 100000000);
    assert_eq!(body["_esc_contactid_value"], seed::CONTACT_NANCY_ANDERSON);
    assert_eq!(
        body["esc_emailsuppressionid"],
        seed::SUPPRESSION_PENDING_REQUEST
    );
    assert!(body["@odata.etag"]
        .as_str()
        .is_some_and(|e| e.starts_with("W/\"")));
    assert!(body.get("esc_requestresubscribe").is_none());
}

#[tokio::test]
async fn include_annotations_adds_formatted_values_and_lookup_names() {
    let h = Harness::new();
    let reply = h
        .api(
            "GET",
            &suppression(seed::SUPPRESSION_PENDING_REQUEST),
            &[("Prefer", "odata.include-annotations=\"*\"")],
            None,
        )
        .await;
    let body = reply.json();
    assert_eq!(
        body["esc_reason@OData.Community.Display.V1.FormattedValue"],
        "Unsubscribed"
    );
    assert_eq!(
        body["esc_requestresubscribe@OData.Community.Display.V1.FormattedValue"],
        "Yes"
    );
    assert_eq!(
        body["esc_resubscriberequestdate@OData.Community.Display.V1.FormattedValue"],
        "3/5/2025 10:20 AM"
    );
    assert_eq!(
        body["_esc_contactid_value@OData.Community.Display.V1.FormattedValue"],
        "Nancy Anderson"
    );
    assert_eq!(
        body["_esc_contactid_value@Microsoft.Dynamics.CRM.lookuplogicalname"],
        "contact"
    );
    assert_eq!(
        body["statecode@OData.Community.Display.V1.FormattedValue"],
        "Active"
    );
    assert!(reply.header("preference-applied").is_some());
    let plain = h
        .get(&suppression(seed::SUPPRESSION_PENDING_REQUEST))
        .await
        .json();
    assert!(plain
        .get("esc_reason@OData.Community.Display.V1.FormattedValue")
        .is_none());
}

#[tokio::test]
async fn reason_labels_cover_the_dotdigital_reasons() {
    let h = Harness::new();
    let prefer = [(
        "Prefer",
        "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"",
    )];
    for (id, label) in [
        (seed::SUPPRESSION_SUPPRESSED_BY_TEAM, "Suppressed"),
        (seed::SUPPRESSION_ISP_COMPLAINED, "ISP complained"),
        (seed::SUPPRESSION_HARD_BOUNCED, "Hard bounced"),
        (seed::SUPPRESSION_NO_CONTACT, "Global suppression"),
    ] {
        let body = h.api("GET", &suppression(id), &prefer, None).await.json();
        assert_eq!(
            body["esc_reason@OData.Community.Display.V1.FormattedValue"],
            label
        );
        assert!(body
            .get("_esc_contactid_value@Microsoft.Dynamics.CRM.lookuplogicalname")
            .is_none());
    }
    let no_contact = h
        .get(&suppression(seed::SUPPRESSION_NO_CONTACT))
        .await
        .json();
    assert_eq!(no_contact["_esc_contactid_value"], serde_json::Value::Null);
}

#[tokio::test]
async fn unknown_select_column_is_named_in_the_error() {
    let reply = Harness::new()
        .get(&format!(
            "{}?$select=esc_emailaddress,esc_contactid",
            suppression(seed::SUPPRESSION_UNSUBSCRIBED)
        ))
        .await;
    assert_eq!(
        reply.error(),
        (
            400,
            "0x80060888".to_string(),
            "Could not find a property named 'esc_contactid' on type 'Microsoft.Dynamics.CRM.esc_emailsuppression'.".to_string()
        )
    );
}

#[tokio::test]
async fn malformed_guids_are_400_and_missing_records_404() {
    let h = Harness::new();
    for bad in [
        "esc_emailsuppressions(not-a-guid)",
        "esc_emailsuppressions({7d4c0f0e-1b2a-4f3e-9a10-00000000a001})",
        "contacts(3c2b1a00-9e8d-4c7b-8a6f-00000000c00)",
    ] {
        let (status, code, message) = h.get(bad).await.error();
        assert_eq!(
            (status, code.as_str(), message.as_str()),
            (400, "0x80060888", "Bad Request - Error in query syntax."),
            "{bad}"
        );
    }
    let missing = "0b0b0b0b-0000-4000-8000-000000000000";
    let (status, code, message) = h.get(&format!("contacts({missing})")).await.error();
    assert_eq!((status, code.as_str()), (404, "0x80040217"));
    assert_eq!(
        message,
        format!("Entity 'contact' With Id = {missing} Does Not Exist")
    );
    assert_eq!(h.get("frobnications").await.error().0, 404);
}

#[tokio::test]
async fn patch_with_the_current_etag_updates_and_bumps_the_etag() {
    let h = Harness::new();
    let path = suppression(seed::SUPPRESSION_UNSUBSCRIBED);
    let before = h.etag(&path).await;
    let reply = h
        .api(
            "PATCH",
            &path,
            &[("If-Match", &before)],
            Some(&json!({"esc_requestresubscribe": true, "esc_resubscriberequestdate": "2025-03-07T09:30:00Z"})),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    assert_eq!(
        reply.header("odata-entityid").as_deref(),
        Some(format!("http://127.0.0.1:8765/api/data/v9.2/{path}").as_str())
    );
    let after = h.get(&path).await.json();
    assert_ne!(after["@odata.etag"], before.as_str());
    assert_eq!(after["esc_requestresubscribe"], true);
    assert_eq!(after["esc_resubscriberequestdate"], "2025-03-07T09:30:00Z");
    assert_eq!(after["_modifiedby_value"], seed::DEMO_USER);
}

#[tokio::test]
async fn patch_with_a_stale_etag_is_412_and_changes_nothing() {
    let h = Harness::new();
    let path = suppression(seed::SUPPRESSION_UNSUBSCRIBED);
    let stale = h.etag(&path).await;
    h.api(
        "PATCH",
        &path,
        &[],
        Some(&json!({"esc_emailaddress": "maria.c@contoso.com"})),
    )
    .await;
    let reply = h
        .api(
            "PATCH",
            &path,
            &[("If-Match", &stale)],
            Some(&json!({"esc_requestresubscribe": true})),
        )
        .await;
    assert_eq!(
        reply.error(),
        (
            412,
            "0x80060882".to_string(),
            "The version of the existing record doesn't match the RowVersion property provided."
                .to_string()
        )
    );
    assert_eq!(h.get(&path).await.json()["esc_requestresubscribe"], false);
    let log = h.emulator.requests();
    let refused = log.iter().rev().find(|r| r.status == Some(412));
    assert_eq!(
        refused.and_then(|r| r.if_match.as_deref()),
        Some(stale.as_str())
    );
}

#[tokio::test]
async fn if_match_star_refuses_to_create_and_plain_patch_upserts() {
    let h = Harness::new();
    let id = "1e1e1e1e-2f2f-4a4a-8b8b-000000000123";
    let path = suppression(id);
    let refused = h
        .api(
            "PATCH",
            &path,
            &[("If-Match", "*")],
            Some(&json!({"esc_emailaddress": "new@contoso.com"})),
        )
        .await;
    assert_eq!(refused.error().0, 404);
    assert_eq!(h.get(&path).await.status, 404);
    let created = h
        .api(
            "PATCH",
            &path,
            &[("Prefer", "return=representation")],
            Some(&json!({"esc_emailaddress": "new@contoso.com", "esc_reason": 100000001})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["esc_emailsuppressionid"], id);
    assert_eq!(created.json()["statecode"], 0);
    let updated = h
        .api(
            "PATCH",
            &path,
            &[("If-Match", "*"), ("Prefer", "return=representation")],
            Some(&json!({"esc_reason": 100000000})),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json()["esc_reason"], 100000000);
}

#[tokio::test]
async fn if_none_match_star_creates_a_note_at_its_id_once_then_412_and_delete_removes_it() {
    let h = Harness::new();
    let id = "183203d8-c9dc-8d6f-9345-58c59cd901ba";
    let note = json!({
        "subject": "Resubscribe request (rsub:x)",
        "notetext": "first",
        "objectid_contact@odata.bind": format!("/contacts({})", seed::CONTACT_MARIA_CAMPBELL),
    });
    let path = format!("annotations({id})");
    let created = h
        .api("PATCH", &path, &[("If-None-Match", "*")], Some(&note))
        .await;
    assert_eq!(created.status, 204, "{}", created.text());
    let mut again = note.clone();
    again["notetext"] = json!("second");
    let refused = h
        .api("PATCH", &path, &[("If-None-Match", "*")], Some(&again))
        .await;
    assert_eq!(refused.error().0, 412);
    let read = h
        .get(&format!("{path}?$select=notetext,_objectid_value"))
        .await
        .json();
    assert_eq!(
        read["notetext"], "first",
        "the refused PATCH changed nothing"
    );
    assert_eq!(read["_objectid_value"], seed::CONTACT_MARIA_CAMPBELL);
    // Withdrawn: gone, and a second delete finds nothing.
    assert_eq!(h.api("DELETE", &path, &[], None).await.status, 204);
    assert_eq!(h.get(&path).await.status, 404);
    assert_eq!(h.api("DELETE", &path, &[], None).await.error().0, 404);
}

#[tokio::test]
async fn patch_rejects_unknown_columns_bad_types_and_direct_lookup_writes() {
    let h = Harness::new();
    let path = suppression(seed::SUPPRESSION_UNSUBSCRIBED);
    let unknown = h
        .api(
            "PATCH",
            &path,
            &[],
            Some(&json!({"esc_requestresubscribed": true})),
        )
        .await;
    let (status, code, message) = unknown.error();
    assert_eq!((status, code.as_str()), (400, "0x80048d19"));
    assert!(message.contains("The property 'esc_requestresubscribed' does not exist on type 'Microsoft.Dynamics.CRM.esc_emailsuppression'"), "{message}");
    let wrong_type = h
        .api(
            "PATCH",
            &path,
            &[],
            Some(&json!({"esc_requestresubscribe": "yes"})),
        )
        .await;
    assert_eq!(wrong_type.error().0, 400);
    let bad_date = h
        .api(
            "PATCH",
            &path,
            &[],
            Some(&json!({"esc_resubscriberequestdate": "yesterday"})),
        )
        .await;
    assert_eq!(bad_date.error().0, 400);
    let out_of_range = h
        .api("PATCH", &path, &[], Some(&json!({"esc_reason": 42})))
        .await;
    assert!(out_of_range.error().2.contains("outside the valid range"));
    let direct = h
        .api(
            "PATCH",
            &path,
            &[],
            Some(&json!({"_esc_contactid_value": seed::CONTACT_NANCY_ANDERSON})),
        )
        .await;
    assert!(direct
        .error()
        .2
        .contains("Use Navigation properties instead"));
    let stale_state = h
        .api(
            "PATCH",
            &path,
            &[],
            Some(&json!({"statecode": 1, "statuscode": 1})),
        )
        .await;
    assert_eq!(stale_state.error().0, 400);
}

#[tokio::test]
async fn malformed_json_and_wrong_content_type_are_refused() {
    let h = Harness::new();
    let uri = format!("{API}/{}", suppression(seed::SUPPRESSION_UNSUBSCRIBED));
    let headers = [
        ("OData-MaxVersion", "4.0"),
        ("OData-Version", "4.0"),
        ("Content-Type", "application/json"),
    ];
    let broken = h
        .send("PATCH", &uri, &headers, b"{\"esc_requestresubscribe\": tru")
        .await;
    assert_eq!(broken.error().1, "0x80048d19");
    assert_eq!(broken.status, 400);
    let array = h.send("PATCH", &uri, &headers, b"[1,2]").await;
    assert_eq!(array.status, 400);
    let text = h
        .send(
            "PATCH",
            &uri,
            &[
                ("OData-MaxVersion", "4.0"),
                ("OData-Version", "4.0"),
                ("Content-Type", "text/plain"),
            ],
            b"{}",
        )
        .await;
    assert_eq!(text.status, 415);
}

#[tokio::test]
async fn contact_lookup_is_written_through_odata_bind() {
    let h = Harness::new();
    let path = suppression(seed::SUPPRESSION_NO_CONTACT);
    let bound = h
        .api(
            "PATCH",
            &path,
            &[],
            Some(&json!({"esc_contactid@odata.bind": format!("/contacts({})", seed::CONTACT_MARIA_CAMPBELL)})),
        )
        .await;
    assert_eq!(bound.status, 204, "{}", bound.text());
    assert_eq!(
        h.get(&path).await.json()["_esc_contactid_value"],
        seed::CONTACT_MARIA_CAMPBELL
    );
    let missing = h
        .api("PATCH", &path, &[], Some(&json!({"esc_contactid@odata.bind": "/contacts(0b0b0b0b-0000-4000-8000-000000000000)"})))
        .await;
    assert_eq!(missing.error().0, 404);
    let wrong_set = h
        .api("PATCH", &path, &[], Some(&json!({"esc_contactid@odata.bind": format!("/annotations({})", seed::NOTE_RENE_RENEWAL)})))
        .await;
    assert_eq!(wrong_set.error().0, 400);
    let unknown_nav = h
        .api("PATCH", &path, &[], Some(&json!({"esc_contact@odata.bind": format!("/contacts({})", seed::CONTACT_MARIA_CAMPBELL)})))
        .await;
    assert!(unknown_nav
        .error()
        .2
        .contains("undeclared property 'esc_contact'"));
}

#[tokio::test]
async fn contacts_get_and_patch() {
    let h = Harness::new();
    let path = format!("contacts({})", seed::CONTACT_MARIA_CAMPBELL);
    let body = h
        .api(
            "GET",
            &format!("{path}?$select=fullname,emailaddress1,donotbulkemail"),
            &[("Prefer", "odata.include-annotations=\"*\"")],
            None,
        )
        .await
        .json();
    assert_eq!(body["fullname"], "Maria Campbell");
    assert_eq!(body["donotbulkemail"], true);
    assert_eq!(
        body["donotbulkemail@OData.Community.Display.V1.FormattedValue"],
        "Do Not Allow"
    );
    let etag = body["@odata.etag"].as_str().expect("etag").to_string();
    let patched = h
        .api(
            "PATCH",
            &path,
            &[("If-Match", &etag), ("Prefer", "return=representation")],
            Some(&json!({"lastname": "Campbell-Reyes"})),
        )
        .await;
    assert_eq!(patched.status, 200);
    assert_eq!(patched.json()["fullname"], "Maria Campbell-Reyes");
    let stale = h
        .api(
            "PATCH",
            &path,
            &[("If-Match", &etag)],
            Some(&json!({"donotemail": true})),
        )
        .await;
    assert_eq!(stale.error().0, 412);
}

#[tokio::test]
async fn get_with_a_matching_if_none_match_is_304() {
    let h = Harness::new();
    let path = format!("contacts({})", seed::CONTACT_MARIA_CAMPBELL);
    let etag = h.etag(&path).await;
    let reply = h.api("GET", &path, &[("If-None-Match", &etag)], None).await;
    assert_eq!(reply.status, 304);
}

#[tokio::test]
async fn posting_a_note_answers_204_with_the_entity_id() {
    let h = Harness::new();
    let reply = h
        .api(
            "POST",
            "annotations",
            &[],
            Some(&json!({
                "subject": "Resubscribe requested",
                "notetext": "Asked by phone on 7 March 2025.",
                "objectid_contact@odata.bind": format!("/contacts({})", seed::CONTACT_MARIA_CAMPBELL),
            })),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    let entity = reply.header("odata-entityid").expect("OData-EntityId");
    let prefix = "http://127.0.0.1:8765/api/data/v9.2/annotations(";
    assert!(entity.starts_with(prefix), "{entity}");
    let id = entity.trim_start_matches(prefix).trim_end_matches(')');
    let note = h
        .api(
            "GET",
            &format!("annotations({id})"),
            &[("Prefer", "odata.include-annotations=\"*\"")],
            None,
        )
        .await
        .json();
    assert_eq!(note["_objectid_value"], seed::CONTACT_MARIA_CAMPBELL);
    assert_eq!(
        note["_objectid_value@Microsoft.Dynamics.CRM.lookuplogicalname"],
        "contact"
    );
    assert_eq!(
        note["_objectid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"],
        "objectid_contact"
    );
    assert_eq!(note["objecttypecode"], "contact");
    assert_eq!(
        note["_createdby_value@OData.Community.Display.V1.FormattedValue"],
        "Alex Wu"
    );
}

#[tokio::test]
async fn posting_a_note_with_return_representation_answers_201_with_the_record() {
    let h = Harness::new();
    let reply = h
        .api(
            "POST",
            "annotations?$select=subject,_objectid_value",
            &[("Prefer", "return=representation")],
            Some(&json!({
                "subject": "Suppression note",
                "objectid_esc_emailsuppression@odata.bind": format!("/esc_emailsuppressions({})", seed::SUPPRESSION_NO_CONTACT),
            })),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["subject"], "Suppression note");
    assert_eq!(body["_objectid_value"], seed::SUPPRESSION_NO_CONTACT);
    assert!(body.get("notetext").is_none());
    assert_eq!(
        body["@odata.context"],
        "http://127.0.0.1:8765/api/data/v9.2/$metadata#annotations(subject,_objectid_value)/$entity"
    );
}

#[tokio::test]
async fn note_subject_longer_than_500_characters_is_a_validation_error() {
    let long = "x".repeat(501);
    let reply = Harness::new()
        .api("POST", "annotations", &[], Some(&json!({"subject": long})))
        .await;
    let (status, code, message) = reply.error();
    assert_eq!((status, code.as_str()), (400, "0x80044331"));
    assert!(message.contains("maximum allowed length of '500'"));
}

#[tokio::test]
async fn notes_of_a_contact_are_filtered_ordered_and_limited() {
    let h = Harness::new();
    let base = format!(
        "annotations?$filter=_objectid_value eq {}",
        seed::CONTACT_PAUL_CANNON
    );
    let newest = h
        .get(&format!(
            "{base}&$orderby=createdon desc&$top=1&$select=subject,createdon"
        ))
        .await
        .json();
    let rows = newest["value"].as_array().expect("value");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "Resubscription confirmation email sent");
    assert_eq!(rows[0]["annotationid"], seed::NOTE_PAUL_CONFIRMATION_SENT);
    let oldest_first = h
        .get(&format!("{base}&$orderby=createdon asc"))
        .await
        .json();
    assert_eq!(
        oldest_first["value"][0]["annotationid"],
        seed::NOTE_PAUL_PHONE_CALL
    );
    let contains = h
        .get(&format!(
            "{base} and contains(subject,'resubscription')&$select=subject&$count=true"
        ))
        .await
        .json();
    assert_eq!(contains["@odata.count"], 1);
    assert_eq!(
        contains["value"][0]["subject"],
        "Resubscription confirmation email sent"
    );
    let none = h
        .get(&format!(
            "annotations?$filter=_objectid_value eq {}",
            seed::CONTACT_MARIA_CAMPBELL
        ))
        .await
        .json();
    assert_eq!(none["value"], json!([]));
}

#[tokio::test]
async fn filter_type_mismatches_and_unknown_properties_are_400() {
    let h = Harness::new();
    let quoted_guid = h
        .get(&format!(
            "annotations?$filter=_objectid_value eq '{}'",
            seed::CONTACT_PAUL_CANNON
        ))
        .await;
    assert!(
        quoted_guid.error().2.contains("incompatible types"),
        "{}",
        quoted_guid.text()
    );
    let unknown = h.get("annotations?$filter=objectid eq null").await;
    assert_eq!(
        unknown.error().2,
        "Could not find a property named 'objectid' on type 'Microsoft.Dynamics.CRM.annotation'."
    );
    assert_eq!(
        h.get("annotations?$orderby=created desc").await.error().0,
        400
    );
    assert_eq!(h.get("annotations?$top=many").await.error().0, 400);
    assert_eq!(
        h.get("annotations?$expand=objectid_contact")
            .await
            .error()
            .0,
        501
    );
}

#[tokio::test]
async fn attribute_metadata_lists_names_labels_and_types() {
    let h = Harness::new();
    let reply = h
        .get("EntityDefinitions(LogicalName='esc_emailsuppression')/Attributes?$select=LogicalName,DisplayName,AttributeType")
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let body = reply.json();
    assert_eq!(
        body["@odata.context"],
        "http://127.0.0.1:8765/api/data/v9.2/$metadata#EntityDefinitions('esc_emailsuppression')/Attributes(LogicalName,DisplayName,AttributeType)"
    );
    let attributes = body["value"].as_array().expect("value");
    let find = |name: &str| {
        attributes
            .iter()
            .find(|a| a["LogicalName"] == name)
            .unwrap_or_else(|| panic!("no attribute {name}"))
    };
    let request = find("esc_requestresubscribe");
    assert_eq!(request["AttributeType"], "Boolean");
    assert_eq!(
        request["DisplayName"]["UserLocalizedLabel"]["Label"],
        "Request Resubscribe"
    );
    assert_eq!(
        find("esc_resubscriberequestdate")["DisplayName"]["LocalizedLabels"][0]["Label"],
        "Resubscribe Request Date"
    );
    assert_eq!(find("esc_reason")["AttributeType"], "Picklist");
    assert_eq!(find("esc_contactid")["AttributeType"], "Lookup");
    assert!(request.get("IsValidForUpdate").is_none());
    let bad = h.get("EntityDefinitions(LogicalName='esc_emailsuppression')/Attributes?$select=LogicalName,Label").await;
    assert_eq!(bad.error().2, "Could not find a property named 'Label' on type 'Microsoft.Dynamics.CRM.AttributeMetadata'.");
    assert_eq!(
        h.get("EntityDefinitions(LogicalName='esc_nothing')/Attributes")
            .await
            .error()
            .0,
        404
    );
}

#[tokio::test]
async fn entity_metadata_and_option_set_labels() {
    let h = Harness::new();
    let entity = h
        .get("EntityDefinitions(LogicalName='esc_emailsuppression')?$select=EntitySetName,PrimaryIdAttribute")
        .await
        .json();
    assert_eq!(entity["EntitySetName"], "esc_emailsuppressions");
    assert_eq!(entity["PrimaryIdAttribute"], "esc_emailsuppressionid");
    let options = h
        .get("EntityDefinitions(LogicalName='esc_emailsuppression')/Attributes(LogicalName='esc_reason')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)")
        .await;
    assert_eq!(options.status, 200, "{}", options.text());
    let list = options.json()["OptionSet"]["Options"]
        .as_array()
        .cloned()
        .expect("options");
    assert_eq!(list.len(), 11);
    assert_eq!(list[4]["Value"], 100000004);
    assert_eq!(
        list[4]["Label"]["UserLocalizedLabel"]["Label"],
        "ISP complained"
    );
}

#[tokio::test]
async fn configured_names_replace_the_assumed_ones() {
    let mut config = dataverse_emulator::EmulatorConfig::default();
    config.suppression.entity_set = "dm_suppressions".to_string();
    config.suppression.table = "dm_suppression".to_string();
    config.suppression.primary_key = "dm_suppressionid".to_string();
    config.suppression.request_resubscribe = "dm_resubscribe".to_string();
    config.org_version = "9.1.0.14134".to_string();
    let h = Harness::with_config(config);
    let body = h
        .get(&format!(
            "/api/data/v9.1/dm_suppressions({})?$select=dm_resubscribe",
            seed::SUPPRESSION_PENDING_REQUEST
        ))
        .await
        .json();
    assert_eq!(body["dm_resubscribe"], true);
    assert_eq!(body["dm_suppressionid"], seed::SUPPRESSION_PENDING_REQUEST);
    let old_name = format!(
        "/api/data/v9.1/{}",
        suppression(seed::SUPPRESSION_PENDING_REQUEST)
    );
    assert_eq!(h.get(&old_name).await.status, 404);
    assert_eq!(
        h.get("/api/data/v9.1/RetrieveVersion()").await.json()["Version"],
        "9.1.0.14134"
    );
    assert_eq!(h.get("RetrieveVersion()").await.status, 404);
}

#[tokio::test]
async fn unsupported_methods_are_405() {
    let h = Harness::new();
    let reply = h
        .api(
            "PUT",
            &format!("contacts({})", seed::CONTACT_MARIA_CAMPBELL),
            &[],
            None,
        )
        .await;
    assert_eq!(reply.error().0, 405);
    let collection = h.api("DELETE", "contacts", &[], None).await;
    assert_eq!(collection.error().0, 405);
    assert_eq!(
        h.api("POST", "RetrieveVersion()", &[], Some(&json!({})))
            .await
            .error()
            .0,
        405
    );
}
