//! What the solution's configuration page (`rsub_/resubscribe/setup.html`) reads, beyond the
//! connector's tables: the Email Suppressions table's forms (`systemform`), the organization's
//! Content Security Policy columns (`organization`), the privileges of security roles
//! (`privilege` and the `roleprivileges_association` N:N), and two functions,
//! `RetrieveProvisionedLanguages()` and `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`.
//!
//! Sources (Microsoft Learn):
//! - systemform table — https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/systemform
//!   (`formxml`, `type` 2 = Main, `objecttypecode` the table's logical name on the Web API)
//! - organization table — https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/organization
//!   (`iscontentsecuritypolicyenabled`, `contentsecuritypolicyconfiguration`), and
//!   Content security policy — https://learn.microsoft.com/en-us/power-platform/admin/content-security-policy
//! - privilege table and the role's `roleprivileges_association` —
//!   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/privilege
//! - RetrieveProvisionedLanguages function —
//!   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/retrieveprovisionedlanguages
//! - RetrieveUserPrivileges function (bound to systemuser; `RolePrivileges` with `Depth`,
//!   `PrivilegeId`, `BusinessUnitId`, `PrivilegeName`) —
//!   https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/retrieveuserprivileges
//!
//! The seeded main form is the demo's form (`www/demo/formxml.js`) written as FormXml. The
//! tables themselves are part of [`crate::schema`].

use std::collections::BTreeMap;

use serde_json::json;

use crate::clock::Timestamp;
use crate::config::EmulatorConfig;
use crate::connector;
use crate::errors::ApiError;
use crate::guid::Guid;
use crate::model::Model;
use crate::reply::ApiResponse;
use crate::request::ApiRequest;
use crate::schema::names;
use crate::seed;
use crate::settings::{Settings, STRICT_CSP};
use crate::state::World;
use crate::store::{Changes, Store};

/// The Email Suppressions table's main form (the demo's `formId`).
pub const FORM_MAIN: &str = "6b1c5d6e-2f43-4c6a-9e1b-7a0c2b9f4d31";
/// The organization row.
pub const ORGANIZATION_ROW: &str = seed::ORGANIZATION;

/// The privileges the seed knows, with fixed ids (*invented for the emulator*: privilege ids are
/// the same in every organization, but these were not checked against a public source).
pub const PRIVILEGES: [(&str, &str); 6] = [
    ("prvCreateNote", "7c4b6e20-0000-4000-8000-0000000a0001"),
    ("prvAppendNote", "7c4b6e20-0000-4000-8000-0000000a0002"),
    ("prvAppendToContact", "7c4b6e20-0000-4000-8000-0000000a0003"),
    ("prvReadSolution", "7c4b6e20-0000-4000-8000-0000000a0004"),
    ("prvReadContact", "7c4b6e20-0000-4000-8000-0000000a0005"),
    ("prvReadRole", "7c4b6e20-0000-4000-8000-0000000a0006"),
];

/// The organization's languages at start and after a reset: the four the solution ships.
pub const PROVISIONED_LANGUAGES: [u32; 4] = [1033, 1031, 1036, 1043];

/// Each seeded role's privileges: System Administrator and Email Marketing Manager hold all of
/// them; Salesperson can read contacts and write notes on them; Email Marketing Viewer reads.
pub fn role_privileges() -> BTreeMap<Guid, Vec<Guid>> {
    let all: Vec<Guid> = PRIVILEGES.iter().map(|(_, id)| seed::id(id)).collect();
    let named = |wanted: &[&str]| -> Vec<Guid> {
        PRIVILEGES
            .iter()
            .filter(|(name, _)| wanted.contains(name))
            .map(|(_, id)| seed::id(id))
            .collect()
    };
    [
        (seed::ROLE_SYSTEM_ADMINISTRATOR, all.clone()),
        (seed::ROLE_EMAIL_MARKETING_MANAGER, all.clone()),
        (seed::ROLE_SYSTEM_CUSTOMIZER, all),
        (
            seed::ROLE_SALESPERSON,
            named(&[
                "prvCreateNote",
                "prvAppendNote",
                "prvAppendToContact",
                "prvReadContact",
            ]),
        ),
        (
            seed::ROLE_EMAIL_MARKETING_VIEWER,
            named(&["prvReadContact", "prvReadSolution"]),
        ),
    ]
    .into_iter()
    .map(|(role, privileges)| (seed::id(role), privileges))
    .collect()
}

/// The privilege id of a name the seed knows.
pub fn privilege_id(name: &str) -> Option<Guid> {
    PRIVILEGES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, id)| seed::id(id))
}

/// Seeds the forms, the organization row and the privileges.
pub fn seed(model: &Model, store: &mut Store, settings: &Settings) {
    let bot = connector::user();
    if let Some(forms) = model.schema.by_logical(names::SYSTEMFORM) {
        let changes = Changes::default()
            .set("name", "Information")
            .set("formxml", main_form_xml(&model.config))
            .set("type", 2)
            .set("objecttypecode", model.config.suppression.table.clone());
        model.write(
            store,
            forms,
            seed::id(FORM_MAIN),
            changes,
            bot,
            seed::seed_time(),
        );
    }
    if let Some(privileges) = model.schema.by_logical(names::PRIVILEGE) {
        for (name, id) in PRIVILEGES {
            let changes = Changes::default().set("name", name);
            model.write(
                store,
                privileges,
                seed::id(id),
                changes,
                bot,
                seed::seed_time(),
            );
        }
    }
    sync_organization(model, store, settings, seed::seed_time());
}

/// Keeps the organization row's policy columns in line with the `strictCsp` setting: off, or
/// on with the strict policy the demo page is then served with.
pub fn sync_organization(model: &Model, store: &mut Store, settings: &Settings, now: Timestamp) {
    let Some(organizations) = model.schema.by_logical(names::ORGANIZATION) else {
        return;
    };
    let changes = Changes::default()
        .set("name", "contoso")
        .set("iscontentsecuritypolicyenabled", settings.strict_csp)
        .set(
            "contentsecuritypolicyconfiguration",
            if settings.strict_csp {
                serde_json::Value::String(STRICT_CSP.to_string())
            } else {
                serde_json::Value::Null
            },
        );
    model.write(
        store,
        organizations,
        seed::id(ORGANIZATION_ROW),
        changes,
        connector::user(),
        now,
    );
}

/// `RetrieveProvisionedLanguages()`.
pub fn provisioned_languages(world: &World, request: &ApiRequest) -> ApiResponse {
    ApiResponse::json(
        200,
        &json!({
            "@odata.context": format!("{}$metadata#Microsoft.Dynamics.CRM.RetrieveProvisionedLanguagesResponse", request.base_url()),
            "RetrieveProvisionedLanguages": world.provisioned_languages,
        }),
    )
}

/// `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()` (with or without the
/// parentheses): the privileges of the user's roles, each once, at Global depth. An unknown
/// user is a 404 like Dataverse's.
pub fn user_privileges(
    world: &World,
    request: &ApiRequest,
    user: &str,
) -> Result<ApiResponse, ApiError> {
    if request.method != "GET" {
        return Err(ApiError::method_not_allowed(&request.method));
    }
    let id = Guid::parse(user).ok_or_else(ApiError::query_syntax)?;
    if world.store.get(names::SYSTEMUSER, id).is_none() {
        return Err(ApiError::new(
            404,
            "0x80040217",
            format!("systemuser With Id = {id} Does Not Exist"),
        ));
    }
    let mut seen: Vec<Guid> = Vec::new();
    for role in world.user_roles.get(&id).into_iter().flatten() {
        for privilege in world.role_privileges.get(role).into_iter().flatten() {
            if !seen.contains(privilege) {
                seen.push(*privilege);
            }
        }
    }
    let privileges: Vec<_> = seen
        .iter()
        .map(|privilege| {
            let name = world
                .store
                .get(names::PRIVILEGE, *privilege)
                .and_then(|r| r.str("name").map(str::to_string))
                .unwrap_or_default();
            json!({
                "Depth": "Global",
                "PrivilegeId": privilege.to_string(),
                "BusinessUnitId": seed::BUSINESS_UNIT,
                "PrivilegeName": name,
            })
        })
        .collect();
    Ok(ApiResponse::json(
        200,
        &json!({
            "@odata.context": format!("{}$metadata#Microsoft.Dynamics.CRM.RetrieveUserPrivilegesResponse", request.base_url()),
            "RolePrivileges": privileges,
        }),
    ))
}

/// The user of `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`.
pub fn user_privileges_target(resource: &str) -> Option<&str> {
    let rest = resource.strip_prefix("systemusers(")?;
    let (id, function) = rest.split_once(")/")?;
    matches!(
        function,
        "Microsoft.Dynamics.CRM.RetrieveUserPrivileges()"
            | "Microsoft.Dynamics.CRM.RetrieveUserPrivileges"
    )
    .then_some(id)
}

/// The demo's Email Suppressions main form (`www/demo/formxml.js`) as FormXml: the form library,
/// the three handlers with the mapping parameter, the fields and the status panel.
pub fn main_form_xml(config: &EmulatorConfig) -> String {
    let n = &config.suppression;
    let library = "rsub_/resubscribe/form.js";
    let mapping = format!(
        "'{{&quot;email&quot;:&quot;{}&quot;,&quot;reason&quot;:&quot;{}&quot;,&quot;requestResubscribe&quot;:&quot;{}&quot;,&quot;requestDate&quot;:&quot;{}&quot;,&quot;contact&quot;:&quot;{}&quot;}}'",
        n.email, n.reason, n.request_resubscribe, n.request_date, n.contact
    );
    let handler = |function: &str, id: &str| {
        format!(
            "<Handlers><Handler functionName=\"{function}\" libraryName=\"{library}\" handlerUniqueId=\"{id}\" enabled=\"true\" parameters=\"{mapping}\" passExecutionContext=\"true\" /></Handlers>"
        )
    };
    let field = |name: &str, label: &str| {
        format!(
            "<row><cell id=\"{{{}}}\"><labels><label description=\"{label}\" languagecode=\"1033\" /></labels><control id=\"{name}\" classid=\"{{4273EDBD-AC1D-40d3-9FB2-095C621B552D}}\" datafieldname=\"{name}\" /></cell></row>",
            Guid::from_name(name)
        )
    };
    format!(
        concat!(
            "<form><tabs><tab name=\"tab_general\" id=\"{{9C2D4E60-3B1A-4F58-8E7D-6A5B4C3D2E10}}\">",
            "<labels><label description=\"General\" languagecode=\"1033\" /></labels><columns><column width=\"100%\"><sections>",
            "<section name=\"section_general\" id=\"{{1A2B3C4D-5E6F-4A7B-8C9D-0E1F2A3B4C5D}}\"><labels><label description=\"General\" languagecode=\"1033\" /></labels><rows>{}{}{}{}{}</rows></section>",
            "<section name=\"section_resubscription\" id=\"{{2B3C4D5E-6F7A-4B8C-9D0E-1F2A3B4C5D6E}}\"><labels><label description=\"Resubscription\" languagecode=\"1033\" /></labels><rows>",
            "<row><cell id=\"{{3C4D5E6F-7A8B-4C9D-8E1F-2A3B4C5D6E7F}}\" rowspan=\"20\"><labels><label description=\"Resubscription status\" languagecode=\"1033\" /></labels>",
            "<control id=\"WebResource_rsub_status\" classid=\"{{9FDF5F91-88B1-47f4-AD53-C11EFC01A01D}}\"><parameters><Url>rsub_/resubscribe/status.html</Url><PassParameters>false</PassParameters><Security>false</Security><Scrolling>auto</Scrolling><Border>false</Border></parameters></control></cell></row>",
            "</rows></section></sections></column></columns></tab></tabs>",
            "<formLibraries><Library name=\"{}\" libraryUniqueId=\"{{0C8A2E61-5B7D-4F39-A1C4-3E9D7B5F2A80}}\" /></formLibraries>",
            "<events>",
            "<event name=\"onload\" application=\"false\" active=\"false\">{}</event>",
            "<event name=\"onsave\" application=\"false\" active=\"false\">{}</event>",
            "<event name=\"onchange\" application=\"false\" active=\"false\" attribute=\"{}\">{}</event>",
            "</events></form>"
        ),
        field(&n.email, "Email Address"),
        field(&n.reason, "Reason"),
        field(&n.contact, "Contact"),
        field(&n.request_resubscribe, "Request Resubscribe"),
        field(&n.request_date, "Resubscribe Request Date"),
        library,
        handler(
            "Rsub.EmailSuppressionForm.onLoad",
            "{3F6E0B2A-8C1D-4E57-9A6B-D2C4F1E8B705}"
        ),
        handler(
            "Rsub.EmailSuppressionForm.onSave",
            "{A7D94C13-6E2B-4F80-B5C1-09E3D8F6A214}"
        ),
        n.request_resubscribe,
        handler(
            "Rsub.EmailSuppressionForm.onRequestResubscribeChange",
            "{5E2B8D70-1A4C-4B96-8F3E-C7A05D9B6E12}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeded_form_has_the_library_the_three_handlers_and_the_panel() {
        let xml = main_form_xml(&EmulatorConfig::default());
        assert!(xml.contains("<Library name=\"rsub_/resubscribe/form.js\""));
        for function in ["onLoad", "onSave", "onRequestResubscribeChange"] {
            assert!(xml.contains(&format!("Rsub.EmailSuppressionForm.{function}")));
        }
        assert!(xml.contains("WebResource_rsub_status"));
        assert_eq!(xml.matches("<event ").count(), 3);
    }

    #[test]
    fn the_privileges_function_is_recognised_only_on_users() {
        assert_eq!(
            user_privileges_target(
                "systemusers(abc)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()"
            ),
            Some("abc")
        );
        assert_eq!(
            user_privileges_target("roles(abc)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()"),
            None
        );
    }
}
