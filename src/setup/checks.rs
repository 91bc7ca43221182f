//! The configuration page's verdicts, from what was read: each a [`Check`] with a status
//! (pass / warning / fail) and a message saying what to do. Pure: the edge reads, this judges.

use crate::prelude::*;

use super::formxml::{self, FormFacts, Handler};
use crate::dataverse::error::ApiError;
use crate::dataverse::json::Json;
use crate::dataverse::queries::{ConnectorPick, SolutionRow};
use crate::domain::compatibility;
use crate::domain::mapping::MappingConfig;
use crate::domain::messages::{Message, MessageKey};
use crate::domain::text::decimal;

/// The form library the Email Suppressions form needs.
pub const FORM_LIBRARY: &str = "rsub_/resubscribe/form.js";
/// The status panel's control and page.
pub const PANEL_CONTROL: &str = "WebResource_rsub_status";
/// The status panel's page.
pub const PANEL_PAGE: &str = "rsub_/resubscribe/status.html";
/// The languages the solution ships strings for.
pub const SHIPPED_LANGUAGES: [u32; 4] = [1033, 1031, 1036, 1043];
/// Roles whose holders usually request resubscriptions: the connector's own role and the
/// marketing roles of Dynamics 365 Marketing, checked when they exist.
pub const MARKETING_ROLES: [&str; 3] = [
    "Email Marketing Manager",
    "Marketing Manager",
    "Marketing Professional",
];
/// Privileges without which a contact's request cannot be recorded as a note on the contact.
pub const NOTE_PRIVILEGES: [&str; 3] = ["prvCreateNote", "prvAppendNote", "prvAppendToContact"];
/// The privilege to read the connector's solution.
pub const SOLUTION_PRIVILEGE: &str = "prvReadSolution";
/// Main forms (`systemform.type` 2).
pub const MAIN_FORM: i64 = 2;

/// A verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Set up right.
    Pass,
    /// Works, but check this (or it could not be checked).
    Warning,
    /// Broken: fix this.
    Fail,
}

impl Status {
    /// Its name on the page (`data-status`).
    pub fn id(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warning => "warning",
            Status::Fail => "fail",
        }
    }

    /// Its label.
    pub fn label(self) -> MessageKey {
        match self {
            Status::Pass => MessageKey::SetupStatusPass,
            Status::Warning => MessageKey::SetupStatusWarning,
            Status::Fail => MessageKey::SetupStatusFail,
        }
    }
}

/// What a check is about: the page's sections, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    /// The connector solution.
    Connector,
    /// The Email Suppressions forms.
    Forms,
    /// The strings against the org's languages.
    Languages,
    /// The Content Security Policy.
    Csp,
    /// Who can record notes and read the connector.
    Privileges,
}

impl Area {
    /// Every area, in page order.
    pub const ALL: [Area; 5] = [
        Area::Connector,
        Area::Forms,
        Area::Languages,
        Area::Csp,
        Area::Privileges,
    ];

    /// Its name on the page (`data-area`).
    pub fn id(self) -> &'static str {
        match self {
            Area::Connector => "connector",
            Area::Forms => "forms",
            Area::Languages => "languages",
            Area::Csp => "csp",
            Area::Privileges => "privileges",
        }
    }

    /// Its heading.
    pub fn label(self) -> MessageKey {
        match self {
            Area::Connector => MessageKey::SetupAreaConnector,
            Area::Forms => MessageKey::SetupAreaForms,
            Area::Languages => MessageKey::SetupAreaLanguages,
            Area::Csp => MessageKey::SetupAreaCsp,
            Area::Privileges => MessageKey::SetupAreaPrivileges,
        }
    }
}

/// What a check is about, for tests and the page (`data-check`), e.g. `form.onSave`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The section.
    pub area: Area,
    /// A stable id within the section.
    pub id: String,
    /// Whom or what it names (a form's name, a role), shown before the message.
    pub subject: Option<String>,
    /// The verdict.
    pub status: Status,
    /// What it found and what to do.
    pub message: Message,
}

fn check(area: Area, id: &str, status: Status, message: Message) -> Check {
    Check {
        area,
        id: id.to_owned(),
        subject: None,
        status,
        message,
    }
}

/// A read that could not be done: a warning saying why.
fn refused(area: Area, id: &str, error: &ApiError) -> Check {
    check(
        area,
        id,
        Status::Warning,
        Message::new(MessageKey::SetupReadRefused).with_part("problem", error.message()),
    )
}

/// A form row of `systemforms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormRow {
    /// `name`.
    pub name: String,
    /// `type` (2 = main).
    pub form_type: i64,
    /// `formxml`.
    pub formxml: String,
}

/// The organization's Content Security Policy columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CspSetting {
    /// `iscontentsecuritypolicyenabled`.
    pub enabled: bool,
    /// `contentsecuritypolicyconfiguration`.
    pub configuration: Option<String>,
}

/// Everything the page read.
#[derive(Clone, Debug)]
pub struct SetupFacts {
    /// The organization's version.
    pub org_version: String,
    /// The signed-in user's name.
    pub user_name: String,
    /// The connector's unique name the forms' mapping configures (or the default).
    pub configured_connector: String,
    /// The solutions that may be the connector.
    pub solutions: Result<Vec<SolutionRow>, ApiError>,
    /// The suppression table's logical name.
    pub table: String,
    /// Its forms.
    pub forms: Result<Vec<FormRow>, ApiError>,
    /// The org's provisioned languages.
    pub languages: Result<Vec<u32>, ApiError>,
    /// The org's Content Security Policy.
    pub csp: Result<CspSetting, ApiError>,
    /// The signed-in user's privilege names.
    pub user_privileges: Result<Vec<String>, ApiError>,
    /// The marketing roles found, with their privilege names.
    pub roles: Result<Vec<(String, Vec<String>)>, ApiError>,
}

/// Every check, in page order.
pub fn report(facts: &SetupFacts) -> Vec<Check> {
    let mut checks = connector(facts);
    checks.extend(forms(&facts.table, &facts.forms));
    checks.push(languages(&facts.languages));
    checks.push(csp(&facts.csp));
    checks.extend(privileges(facts));
    checks
}

/// The connector: installed, its version, the minimum for the org's line; a wrong unique name
/// takes the one likely candidate, or lists several.
pub fn connector(facts: &SetupFacts) -> Vec<Check> {
    let rows = match &facts.solutions {
        Ok(rows) => rows.clone(),
        Err(error) => return vec![refused(Area::Connector, "connector", error)],
    };
    let configured = facts.configured_connector.as_str();
    let pick = crate::dataverse::queries::pick_connector(rows, configured);
    let verdict = compatibility::check(&facts.org_version, &pick.reading());
    let mut checks = Vec::new();
    match &pick {
        ConnectorPick::Taken(row) => checks.push(check(
            Area::Connector,
            "connector.name",
            Status::Warning,
            Message::new(MessageKey::SetupConnectorTaken)
                .with("configured", configured)
                .with("taken", row.unique_name.as_str())
                .with("friendly", row.friendly_name.as_str()),
        )),
        ConnectorPick::Ambiguous(rows) => {
            let list: Vec<String> = rows
                .iter()
                .map(|r| [r.unique_name.as_str(), " (", &r.friendly_name, ")"].concat())
                .collect();
            checks.push(check(
                Area::Connector,
                "connector.name",
                Status::Fail,
                Message::new(MessageKey::SetupConnectorCandidates)
                    .with("configured", configured)
                    .with("candidates", list.join(", ")),
            ));
            return checks;
        }
        ConnectorPick::Configured(_) | ConnectorPick::Missing => {}
    }
    let status = if verdict.blocks_request() {
        Status::Fail
    } else if verdict.is_warning() {
        Status::Warning
    } else {
        Status::Pass
    };
    checks.push(check(
        Area::Connector,
        "connector.version",
        status,
        verdict.message(),
    ));
    checks
}

/// The event of a handler, as the form editor names it.
fn event_label(event: &str, column: &str) -> String {
    match event {
        "onload" => "OnLoad".to_owned(),
        "onsave" => "OnSave".to_owned(),
        _ => ["OnChange (", column, ")"].concat(),
    }
}

/// Every main form of the table: the library, the three handlers, the panel.
pub fn forms(table: &str, forms: &Result<Vec<FormRow>, ApiError>) -> Vec<Check> {
    let rows = match forms {
        Ok(rows) => rows,
        Err(error) => return vec![refused(Area::Forms, "forms", error)],
    };
    let main: Vec<&FormRow> = rows.iter().filter(|r| r.form_type == MAIN_FORM).collect();
    if main.is_empty() {
        return vec![check(
            Area::Forms,
            "forms",
            Status::Fail,
            Message::new(MessageKey::SetupFormsNone).with("table", table),
        )];
    }
    let mut checks = Vec::new();
    for row in main {
        let facts = formxml::scan(&row.formxml);
        let mut form_checks = form(&facts);
        for c in &mut form_checks {
            c.subject = Some(row.name.clone());
        }
        checks.extend(form_checks);
    }
    checks
}

/// The checks of one form.
pub fn form(facts: &FormFacts) -> Vec<Check> {
    let mut checks = Vec::new();
    let has_library = facts
        .libraries
        .iter()
        .any(|l| l.eq_ignore_ascii_case(FORM_LIBRARY));
    checks.push(check(
        Area::Forms,
        "form.library",
        if has_library {
            Status::Pass
        } else {
            Status::Fail
        },
        Message::new(if has_library {
            MessageKey::SetupFormLibraryOk
        } else {
            MessageKey::SetupFormLibraryMissing
        })
        .with("library", FORM_LIBRARY),
    ));
    // The Request Resubscribe column: from the OnLoad mapping, else the connector's name.
    let load_mapping = find(facts, "onload", "onLoad")
        .and_then(|h| mapping_of(h).ok())
        .and_then(|m| m.request_resubscribe);
    let request_column = load_mapping
        .unwrap_or_else(|| "esc_requestresubscribe".to_owned())
        .to_ascii_lowercase();
    for (event, function, id) in [
        ("onload", "onLoad", "form.onLoad"),
        ("onsave", "onSave", "form.onSave"),
        (
            "onchange",
            "onRequestResubscribeChange",
            "form.onRequestResubscribeChange",
        ),
    ] {
        let label = event_label(event, &request_column);
        let full = ["Rsub.EmailSuppressionForm.", function].concat();
        let handler = find(facts, event, function).filter(|h| {
            event != "onchange" || h.attribute.as_deref() == Some(request_column.as_str())
        });
        let message = |key: MessageKey| {
            Message::new(key)
                .with("event", label.as_str())
                .with("function", full.as_str())
        };
        let (status, message) = match handler {
            None => (
                Status::Fail,
                message(MessageKey::SetupFormHandlerMissing).with("library", FORM_LIBRARY),
            ),
            Some(h) if !h.library.eq_ignore_ascii_case(FORM_LIBRARY) => (
                Status::Fail,
                message(MessageKey::SetupFormHandlerWrongLibrary)
                    .with("found", h.library.as_str())
                    .with("library", FORM_LIBRARY),
            ),
            Some(h) if !h.enabled => (Status::Fail, message(MessageKey::SetupFormHandlerDisabled)),
            Some(h) if !h.pass_context => {
                (Status::Fail, message(MessageKey::SetupFormHandlerNoContext))
            }
            Some(h) => match mapping_of(h) {
                Err(problem) => (
                    Status::Fail,
                    message(MessageKey::SetupFormMappingInvalid).with_part("problem", problem),
                ),
                Ok(mapping) => match missing_column(&mapping, &facts.columns) {
                    Some((role, column)) => (
                        Status::Fail,
                        message(MessageKey::SetupFormMappingColumn)
                            .with("column", column)
                            .with("role", role),
                    ),
                    None => (Status::Pass, message(MessageKey::SetupFormHandlerOk)),
                },
            },
        };
        checks.push(check(Area::Forms, id, status, message));
    }
    let panel = facts.controls.iter().any(|c| c == PANEL_CONTROL);
    checks.push(check(
        Area::Forms,
        "form.panel",
        if panel { Status::Pass } else { Status::Warning },
        Message::new(if panel {
            MessageKey::SetupFormPanelOk
        } else {
            MessageKey::SetupFormPanelMissing
        })
        .with("control", PANEL_CONTROL)
        .with_if(!panel, "page", PANEL_PAGE),
    ));
    checks
}

trait WithIf {
    fn with_if(self, condition: bool, name: &str, value: &str) -> Self;
}

impl WithIf for Message {
    fn with_if(self, condition: bool, name: &str, value: &str) -> Message {
        if condition {
            self.with(name, value)
        } else {
            self
        }
    }
}

/// The handler of `function` (`Rsub.EmailSuppressionForm.<function>`) on `event`.
fn find<'a>(facts: &'a FormFacts, event: &str, function: &str) -> Option<&'a Handler> {
    let full = ["Rsub.EmailSuppressionForm.", function].concat();
    facts
        .handlers
        .iter()
        .find(|h| h.event == event && h.function.trim() == full)
}

/// A handler's mapping (an empty parameter is the default mapping).
fn mapping_of(handler: &Handler) -> Result<MappingConfig, Message> {
    MappingConfig::parse(&formxml::parameter_text(&handler.parameters), Json::parse)
}

/// The first column the mapping names that is not on the form: (its role, the column).
fn missing_column(mapping: &MappingConfig, columns: &[String]) -> Option<(&'static str, String)> {
    [
        ("email", &mapping.email),
        ("reason", &mapping.reason),
        ("requestResubscribe", &mapping.request_resubscribe),
        ("requestDate", &mapping.request_date),
        ("contact", &mapping.contact),
    ]
    .into_iter()
    .find_map(|(role, column)| {
        let column = column.as_ref()?;
        let folded = column.trim().to_ascii_lowercase();
        (!columns.contains(&folded)).then(|| (role, column.clone()))
    })
}

/// The org's enabled languages against the strings shipped.
pub fn languages(languages: &Result<Vec<u32>, ApiError>) -> Check {
    let enabled = match languages {
        Ok(enabled) => enabled,
        Err(error) => return refused(Area::Languages, "languages", error),
    };
    let list = |lcids: &[u32]| {
        lcids
            .iter()
            .map(|l| decimal((*l).into()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let missing: Vec<u32> = enabled
        .iter()
        .copied()
        .filter(|l| !SHIPPED_LANGUAGES.contains(l))
        .collect();
    if missing.is_empty() {
        check(
            Area::Languages,
            "languages",
            Status::Pass,
            Message::new(MessageKey::SetupLanguagesOk).with("languages", list(enabled)),
        )
    } else {
        check(
            Area::Languages,
            "languages",
            Status::Warning,
            Message::new(MessageKey::SetupLanguagesMissing).with("languages", list(&missing)),
        )
    }
}

/// The sources of the policy's `script-src`, if it names one: the text after the directive up
/// to the next `;`, quote-delimited JSON value or line end.
fn script_sources(configuration: &str) -> Option<String> {
    let lower = configuration.to_ascii_lowercase();
    let at = crate::domain::text::find(&lower, "script-src")?;
    let rest = configuration.get(at + "script-src".len()..)?;
    let rest = rest.trim_start_matches(|c: char| c == '"' || c == ':' || c.is_whitespace());
    let end = rest.find([';', '"', '\n', '}']).unwrap_or(rest.len());
    Some(rest.get(..end).unwrap_or_default().trim().to_owned())
}

/// Whether the org's Content Security Policy lets WebAssembly compile.
pub fn csp(setting: &Result<CspSetting, ApiError>) -> Check {
    let setting = match setting {
        Ok(setting) => setting,
        Err(error) => return refused(Area::Csp, "csp", error),
    };
    if !setting.enabled {
        return check(
            Area::Csp,
            "csp",
            Status::Pass,
            Message::new(MessageKey::SetupCspOff),
        );
    }
    // Enforced without its own script-src: the platform's default, which allows 'unsafe-eval'.
    let sources = setting
        .configuration
        .as_deref()
        .and_then(script_sources)
        .unwrap_or_else(|| "* 'unsafe-inline' 'unsafe-eval' blob:".to_owned());
    let allows = crate::domain::text::contains(&sources.to_ascii_lowercase(), "unsafe-eval");
    check(
        Area::Csp,
        "csp",
        if allows { Status::Pass } else { Status::Fail },
        Message::new(if allows {
            MessageKey::SetupCspAllows
        } else {
            MessageKey::SetupCspBlocks
        })
        .with("sources", sources),
    )
}

/// The privileges a holder lacks, as checks about `who`.
fn privilege_checks(id: &str, who: Message, held: &[String]) -> Vec<Check> {
    let has = |name: &str| held.iter().any(|h| h.eq_ignore_ascii_case(name));
    let notes: Vec<&str> = NOTE_PRIVILEGES.into_iter().filter(|p| !has(p)).collect();
    let mut checks = Vec::new();
    if !notes.is_empty() {
        checks.push(check(
            Area::Privileges,
            &[id, ".notes"].concat(),
            Status::Fail,
            Message::new(MessageKey::SetupPrivilegesNotes)
                .with_part("who", who.clone())
                .with("privileges", notes.join(", ")),
        ));
    }
    if !has(SOLUTION_PRIVILEGE) {
        checks.push(check(
            Area::Privileges,
            &[id, ".solution"].concat(),
            Status::Warning,
            Message::new(MessageKey::SetupPrivilegesSolution).with_part("who", who.clone()),
        ));
    }
    if checks.is_empty() {
        checks.push(check(
            Area::Privileges,
            id,
            Status::Pass,
            Message::new(MessageKey::SetupPrivilegesOk).with_part("who", who),
        ));
    }
    checks
}

/// The signed-in user's and the marketing roles' privileges.
pub fn privileges(facts: &SetupFacts) -> Vec<Check> {
    let mut checks = match &facts.user_privileges {
        Ok(held) => privilege_checks(
            "privileges.user",
            Message::new(MessageKey::SetupWhoYou).with("user", facts.user_name.as_str()),
            held,
        ),
        Err(error) => vec![refused(Area::Privileges, "privileges.user", error)],
    };
    match &facts.roles {
        Ok(roles) if roles.is_empty() => checks.push(check(
            Area::Privileges,
            "privileges.roles",
            Status::Warning,
            Message::new(MessageKey::SetupRolesNone).with("roles", MARKETING_ROLES.join(", ")),
        )),
        Ok(roles) => {
            for (role, held) in roles {
                checks.extend(privilege_checks(
                    "privileges.role",
                    Message::new(MessageKey::SetupWhoRole).with("role", role.as_str()),
                    held,
                ));
            }
        }
        Err(error) => checks.push(refused(Area::Privileges, "privileges.roles", error)),
    }
    checks
}

/// The summary line: how many checks failed, warned and passed.
pub fn summary(checks: &[Check]) -> Message {
    let count =
        |status: Status| decimal(checks.iter().filter(|c| c.status == status).count() as i64);
    Message::new(MessageKey::SetupSummary)
        .with("fail", count(Status::Fail))
        .with("warning", count(Status::Warning))
        .with("pass", count(Status::Pass))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::messages::tests::assert_complete;

    const MAPPING: &str = "'{&quot;email&quot;:&quot;esc_emailaddress&quot;,&quot;requestResubscribe&quot;:&quot;esc_requestresubscribe&quot;}'";

    fn form_xml(without: &str) -> String {
        let handler = |event: &str, function: &str, attribute: &str| {
            if event == without || function == without {
                return String::new();
            }
            format!(
                "<event name=\"{event}\" application=\"false\"{attribute}><Handlers><Handler functionName=\"Rsub.EmailSuppressionForm.{function}\" libraryName=\"rsub_/resubscribe/form.js\" enabled=\"true\" parameters=\"{MAPPING}\" passExecutionContext=\"true\" /></Handlers></event>"
            )
        };
        let library = if without == "library" {
            ""
        } else {
            "<Library name=\"rsub_/resubscribe/form.js\" libraryUniqueId=\"{1}\" />"
        };
        format!(
            "<form><tabs><tab><columns><column><sections><section><rows><row><cell><control id=\"esc_emailaddress\" datafieldname=\"esc_emailaddress\" /></cell></row><row><cell><control id=\"esc_requestresubscribe\" datafieldname=\"esc_requestresubscribe\" /></cell></row><row><cell><control id=\"WebResource_rsub_status\" /></cell></row></rows></section></sections></column></columns></tab></tabs><formLibraries>{library}</formLibraries><events>{}{}{}</events></form>",
            handler("onload", "onLoad", ""),
            handler("onsave", "onSave", ""),
            handler(
                "onchange",
                "onRequestResubscribeChange",
                " attribute=\"esc_requestresubscribe\""
            ),
        )
    }

    fn facts() -> SetupFacts {
        SetupFacts {
            org_version: "9.2.25093.00168".into(),
            user_name: "Alex Wu".into(),
            configured_connector: "dotmailerCRMConnector".into(),
            solutions: Ok(vec![SolutionRow {
                unique_name: "dotmailerCRMConnector".into(),
                friendly_name: "dotmailer CRM Connector".into(),
                version: Some("7.0.1.721".into()),
            }]),
            table: "esc_emailsuppression".into(),
            forms: Ok(vec![FormRow {
                name: "Information".into(),
                form_type: 2,
                formxml: form_xml(""),
            }]),
            languages: Ok(vec![1033, 1031]),
            csp: Ok(CspSetting {
                enabled: false,
                configuration: None,
            }),
            user_privileges: Ok(vec![
                "prvCreateNote".into(),
                "prvAppendNote".into(),
                "prvAppendToContact".into(),
                "prvReadSolution".into(),
            ]),
            roles: Ok(vec![(
                "Email Marketing Manager".into(),
                vec![
                    "prvCreateNote".into(),
                    "prvAppendNote".into(),
                    "prvAppendToContact".into(),
                    "prvReadSolution".into(),
                ],
            )]),
        }
    }

    fn failing(checks: &[Check]) -> Vec<String> {
        checks
            .iter()
            .filter(|c| c.status != Status::Pass)
            .map(|c| c.id.clone())
            .collect()
    }

    #[test]
    fn a_set_up_org_passes_every_check() {
        let checks = report(&facts());
        assert_eq!(failing(&checks), Vec::<String>::new(), "{checks:#?}");
        assert_eq!(checks.len(), 10);
        for c in &checks {
            assert_complete(&c.message);
        }
    }

    #[test]
    fn each_fault_fails_its_own_check_only() {
        for (without, id) in [
            ("onsave", "form.onSave"),
            ("onload", "form.onLoad"),
            (
                "onRequestResubscribeChange",
                "form.onRequestResubscribeChange",
            ),
            ("library", "form.library"),
        ] {
            let mut f = facts();
            f.forms = Ok(vec![FormRow {
                name: "Information".into(),
                form_type: 2,
                formxml: form_xml(without),
            }]);
            assert_eq!(failing(&report(&f)), vec![id.to_owned()], "{without}");
        }
        let mut old = facts();
        old.solutions = Ok(vec![SolutionRow {
            unique_name: "dotmailerCRMConnector".into(),
            friendly_name: "x".into(),
            version: Some("7.0.1.129".into()),
        }]);
        assert_eq!(failing(&report(&old)), vec!["connector.version"]);

        let mut strict = facts();
        strict.csp = Ok(CspSetting {
            enabled: true,
            configuration: Some("script-src 'self'; object-src 'none'".into()),
        });
        let checks = report(&strict);
        assert_eq!(failing(&checks), vec!["csp"]);
        assert!(checks
            .iter()
            .any(|c| c.id == "csp" && c.message.arg("sources") == Some("'self'")));

        let mut allowed = facts();
        allowed.csp = Ok(CspSetting {
            enabled: true,
            configuration: Some(r#"{"script-src":"'self' 'wasm-unsafe-eval'"}"#.into()),
        });
        assert!(failing(&report(&allowed)).is_empty());

        let mut no_notes = facts();
        no_notes.user_privileges = Ok(vec!["prvReadSolution".into()]);
        assert_eq!(failing(&report(&no_notes)), vec!["privileges.user.notes"]);
    }

    #[test]
    fn refused_reads_warn_and_a_wrong_connector_name_lists_the_candidates() {
        let mut f = facts();
        let refusal = ApiError::unexpected(403, "missing prvReadSolution");
        f.solutions = Err(refusal.clone());
        f.roles = Err(refusal);
        f.languages = Ok(vec![1033, 1041]);
        let checks = report(&f);
        assert_eq!(
            failing(&checks),
            vec!["connector", "languages", "privileges.roles"]
        );
        assert!(checks.iter().all(|c| c.status != Status::Fail));

        let mut wrong = facts();
        wrong.configured_connector = "other".into();
        assert_eq!(failing(&report(&wrong)), vec!["connector.name"]);
        wrong.solutions = Ok(vec![
            SolutionRow {
                unique_name: "dotdigitalA".into(),
                friendly_name: "A".into(),
                version: Some("7.0.1.721".into()),
            },
            SolutionRow {
                unique_name: "dotdigitalB".into(),
                friendly_name: "B".into(),
                version: Some("7.0.1.721".into()),
            },
        ]);
        let checks = report(&wrong);
        let named = checks.iter().find(|c| c.id == "connector.name").unwrap();
        assert_eq!(named.status, Status::Fail);
        assert!(named
            .message
            .arg("candidates")
            .unwrap()
            .contains("dotdigitalB (B)"));
        for c in &checks {
            assert_complete(&c.message);
        }
    }

    #[test]
    fn a_mapping_naming_a_column_not_on_the_form_fails_that_handler() {
        let xml = form_xml("").replace(
            "esc_requestresubscribe&quot;}",
            "esc_requestresubscribe&quot;,&quot;requestDate&quot;:&quot;esc_nothere&quot;}",
        );
        let checks = form(&formxml::scan(&xml));
        let failed: Vec<&Check> = checks.iter().filter(|c| c.status == Status::Fail).collect();
        assert_eq!(failed.len(), 3);
        assert!(failed
            .iter()
            .all(|c| c.message.arg("column") == Some("esc_nothere")));
    }
}
