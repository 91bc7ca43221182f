//! The configuration page's reads, all `GET`s that go into one `$batch`, and the readers of
//! their answers.
//!
//! - `systemforms?$filter=objecttypecode eq '<table>'&$select=name,formxml,type`
//!   (systemform table: <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/systemform>)
//! - `RetrieveProvisionedLanguages()`
//!   (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/retrieveprovisionedlanguages>)
//! - `organizations?$select=iscontentsecuritypolicyenabled,contentsecuritypolicyconfiguration`
//!   (organization table: <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/organization>)
//! - `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`
//!   (<https://learn.microsoft.com/en-us/power-apps/developer/data-platform/webapi/reference/retrieveuserprivileges>)
//! - `roles?$select=name&$filter=name eq '…' or …&$expand=roleprivileges_association($select=name)`
//!   (role table and its N:N to privilege: <https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/role>)
//! - the connector's solutions, as the form library reads them ([`queries::solution_version`]).

use crate::prelude::*;

use super::checks::{CspSetting, FormRow, MARKETING_ROLES};
use crate::dataverse::error::ApiError;
use crate::dataverse::guid::Guid;
use crate::dataverse::http::{ApiRequest, ApiResponse};
use crate::dataverse::odata::{literal, Query};
use crate::dataverse::queries::{self, decode_ok, rows};
use crate::domain::json::JsonValue;

/// The table's forms.
pub fn forms(table: &str) -> ApiRequest {
    ApiRequest::get(
        &Query::new("systemforms")
            .filter(["objecttypecode eq ", &literal(table)].concat())
            .select(&["name", "formxml", "type"]),
    )
}

/// Reads [`forms`].
pub fn read_forms(response: &ApiResponse) -> Result<Vec<FormRow>, ApiError> {
    let body = decode_ok(response)?;
    Ok(rows(&body)?
        .iter()
        .map(|row| FormRow {
            name: row.field("name").and_then(|v| v.text()).unwrap_or_default(),
            form_type: row.integer("type").unwrap_or_default(),
            formxml: row
                .field("formxml")
                .and_then(|v| v.text())
                .unwrap_or_default(),
        })
        .collect())
}

/// The org's enabled languages.
pub fn languages() -> ApiRequest {
    ApiRequest::get(&Query::new("RetrieveProvisionedLanguages()"))
}

/// Reads [`languages`].
pub fn read_languages(response: &ApiResponse) -> Result<Vec<u32>, ApiError> {
    let body = decode_ok(response)?;
    let items = body
        .field("RetrieveProvisionedLanguages")
        .and_then(|v| v.items())
        .ok_or_else(|| ApiError::unexpected(response.status, "no languages in the answer"))?;
    Ok(items
        .iter()
        .filter_map(|v| v.number())
        .filter(|n| (0.0..100_000.0).contains(n))
        .map(|n| n as u32)
        .collect())
}

/// The org's Content Security Policy columns.
pub fn organization() -> ApiRequest {
    ApiRequest::get(&Query::new("organizations").select(&[
        "iscontentsecuritypolicyenabled",
        "contentsecuritypolicyconfiguration",
    ]))
}

/// Reads [`organization`].
pub fn read_csp(response: &ApiResponse) -> Result<CspSetting, ApiError> {
    let body = decode_ok(response)?;
    let row = rows(&body)?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::unexpected(response.status, "no organization row"))?;
    Ok(CspSetting {
        enabled: row
            .field("iscontentsecuritypolicyenabled")
            .and_then(|v| v.boolean())
            .unwrap_or(false),
        configuration: row
            .field("contentsecuritypolicyconfiguration")
            .and_then(|v| v.text()),
    })
}

/// The signed-in user's privileges.
pub fn user_privileges(user: &Guid) -> ApiRequest {
    ApiRequest::get(&Query::new(
        [
            "systemusers(",
            user.as_str(),
            ")/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()",
        ]
        .concat(),
    ))
}

/// Reads [`user_privileges`]: the privilege names.
pub fn read_user_privileges(response: &ApiResponse) -> Result<Vec<String>, ApiError> {
    let body = decode_ok(response)?;
    let items = body
        .field("RolePrivileges")
        .and_then(|v| v.items())
        .ok_or_else(|| ApiError::unexpected(response.status, "no privileges in the answer"))?;
    Ok(items
        .iter()
        .filter_map(|p| p.field("PrivilegeName").and_then(|v| v.text()))
        .collect())
}

/// The usual marketing roles, with their privileges.
pub fn roles() -> ApiRequest {
    let filter: Vec<String> = MARKETING_ROLES
        .iter()
        .map(|role| ["name eq ", &literal(role)].concat())
        .collect();
    ApiRequest::get(
        &Query::new("roles")
            .select(&["name"])
            .filter(filter.join(" or "))
            .expand("roleprivileges_association($select=name)"),
    )
}

/// Reads [`roles`]: each role once (a role exists once per business unit), with the privilege
/// names of its first row.
pub fn read_roles(response: &ApiResponse) -> Result<Vec<(String, Vec<String>)>, ApiError> {
    let body = decode_ok(response)?;
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    for row in rows(&body)? {
        let name = row.field("name").and_then(|v| v.text()).unwrap_or_default();
        if found.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let privileges = row
            .field("roleprivileges_association")
            .and_then(|v| v.items())
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.field("name").and_then(|v| v.text()))
            .collect();
        found.push((name, privileges));
    }
    Ok(found)
}

/// The connector's solutions (the configured unique name, or what looks like the connector).
pub fn solutions(configured: &str) -> ApiRequest {
    queries::solution_version(configured)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> ApiResponse {
        ApiResponse {
            status: 200,
            headers: vec![],
            body: body.into(),
        }
    }

    #[test]
    fn requests_are_the_documented_reads() {
        assert_eq!(
            forms("esc_emailsuppression").path,
            "systemforms?$filter=objecttypecode%20eq%20'esc_emailsuppression'&$select=name,formxml,type"
        );
        assert_eq!(languages().path, "RetrieveProvisionedLanguages()");
        assert_eq!(
            organization().path,
            "organizations?$select=iscontentsecuritypolicyenabled,contentsecuritypolicyconfiguration"
        );
        assert!(roles().path.contains("roleprivileges_association"));
    }

    #[test]
    fn reads_every_answer_and_refuses_a_wrong_shape() {
        assert_eq!(
            read_languages(&ok(r#"{"RetrieveProvisionedLanguages":[1033,1031]}"#)).unwrap(),
            vec![1033, 1031]
        );
        assert!(read_languages(&ok("{}")).is_err());
        let csp = read_csp(&ok(
            r#"{"value":[{"iscontentsecuritypolicyenabled":true,"contentsecuritypolicyconfiguration":"script-src 'self'"}]}"#,
        ))
        .unwrap();
        assert!(csp.enabled);
        assert_eq!(
            read_user_privileges(&ok(
                r#"{"RolePrivileges":[{"Depth":"Global","PrivilegeName":"prvCreateNote"}]}"#
            ))
            .unwrap(),
            vec!["prvCreateNote"]
        );
        let roles = read_roles(&ok(
            r#"{"value":[{"name":"Email Marketing Manager","roleprivileges_association":[{"name":"prvCreateNote"}]},{"name":"Email Marketing Manager","roleprivileges_association":[]}]}"#,
        ))
        .unwrap();
        assert_eq!(roles.len(), 1);
        let forms = read_forms(&ok(
            r#"{"value":[{"name":"Information","type":2,"formxml":"<form/>"}]}"#,
        ))
        .unwrap();
        assert_eq!(forms[0].form_type, 2);
        let refused = ApiResponse {
            status: 403,
            headers: vec![],
            body: r#"{"error":{"code":"0x80040220","message":"missing prvReadRole"}}"#.into(),
        };
        assert!(read_roles(&refused).is_err());
    }
}
