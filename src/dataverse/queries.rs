//! The Web API requests the plugin makes, and the readers of their responses.
//!
//! Everything the form needs at load goes into one `$batch` ([`load_batch`]); the note write
//! is a lookup by its id or marker ([`note_lookup`]) followed, only when nothing was found, by a
//! create ([`create_note`]).

use super::batch::BatchPart;
use super::error::ApiError;
use super::guid::Guid;
use super::http::{ApiRequest, ApiResponse};
use super::json::{object, string, Json};
use super::odata::{literal, Query};
use crate::domain::compatibility::ConnectorReading;
use crate::domain::json::JsonValue;
use crate::domain::lifecycle::NoteFact;
use crate::domain::note::ResubscribeNote;
use crate::domain::time::Timestamp;
use crate::prelude::*;

/// How many of the contact's notes are read at load (newest first).
pub const RECENT_NOTES: u32 = 50;
/// How many of the contact's notes the resubscription history on the Contact form reads.
pub const HISTORY_NOTES: u32 = 250;

/// What the form asks for at load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadRequest<'a> {
    /// The suppression table's entity set, e.g. `esc_emailsuppressions`.
    pub entity_set: &'a str,
    /// The suppression record.
    pub record: &'a Guid,
    /// The *Request Resubscribe* and *Resubscribe Request Date* columns.
    pub request_columns: [&'a str; 2],
    /// The linked contact, if any.
    pub contact: Option<&'a Guid>,
    /// The connector solution to look up, unless its version is cached.
    pub connector_solution: Option<&'a str>,
    /// The signed-in user, whose security roles decide who sees administrators' details.
    pub user: Option<&'a Guid>,
}

/// Which response of the load batch answers what, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadPart {
    /// The suppression record's state and creation date.
    Record,
    /// The contact's flags.
    Contact,
    /// The notes on the contact (or on the record when no contact is linked).
    Notes,
    /// The user's security roles.
    Roles,
    /// The connector solution's version.
    Connector,
}

/// The load batch: record, contact, notes and (unless cached) the connector version.
///
/// The connector read comes last: ordinary users may be refused it (403), and nothing else
/// depends on it.
pub fn load_batch(request: &LoadRequest<'_>) -> (Vec<BatchPart>, Vec<LoadPart>) {
    let mut parts = vec![(
        LoadPart::Record,
        record_state(request.entity_set, request.record, request.request_columns),
    )];
    if let Some(contact) = request.contact {
        parts.push((
            LoadPart::Contact,
            ApiRequest::get(
                &Query::new(["contacts(", contact.as_str(), ")"].concat()).select(&[
                    "fullname",
                    "donotbulkemail",
                    "donotemail",
                ]),
            ),
        ));
    }
    let notes_on = request.contact.unwrap_or(request.record);
    parts.push((LoadPart::Notes, notes_of(notes_on, RECENT_NOTES)));
    if let Some(user) = request.user {
        parts.push((LoadPart::Roles, user_roles(user)));
    }
    if let Some(name) = request.connector_solution {
        parts.push((LoadPart::Connector, solution_version(name)));
    }
    parts
        .into_iter()
        .map(|(kind, r)| (BatchPart::Single(r), kind))
        .unzip()
}

/// The newest `top` notes on a record (id, subject, text, creation date), newest first; read
/// with [`read_notes`].
pub fn notes_of(record: &Guid, top: u32) -> ApiRequest {
    ApiRequest::get(
        &Query::new("annotations")
            .filter(["_objectid_value eq ", record.as_str()].concat())
            .select(&["annotationid", "subject", "notetext", "createdon"])
            .order_by("createdon desc")
            .top(top),
    )
}

/// Role templates whose holders administer the org: System Administrator and System
/// Customizer. Template ids are the same in every organization and language, unlike role
/// names, which admins can rename and which 8.x's `getUserRoles()` does not even give.
const ADMIN_ROLE_TEMPLATES: [&str; 2] = [
    "627090ff-40a3-4053-8790-584edc5be201",
    "119f245c-3cc8-4b62-b31c-d1a046ced15d",
];

/// The connector's own administrator role (its documentation names it; a custom role has no
/// template, so it is known by its name).
const CONNECTOR_ADMIN_ROLE: &str = "email marketing manager";

/// The user's security roles with their templates:
/// `systemusers(<id>)?$select=systemuserid&$expand=systemuserroles_association($select=name,_roletemplateid_value)`.
pub fn user_roles(user: &Guid) -> ApiRequest {
    ApiRequest::get(
        &Query::new(["systemusers(", user.as_str(), ")"].concat())
            .select(&["systemuserid"])
            .expand("systemuserroles_association($select=name,_roletemplateid_value)"),
    )
}

/// Whether the user's roles make them an administrator here: a role made from the System
/// Administrator or System Customizer template, or the connector's administrator role.
pub fn read_is_admin(response: &ApiResponse) -> Result<bool, ApiError> {
    let user = decode_ok(response)?;
    let roles = user
        .field("systemuserroles_association")
        .and_then(|v| v.items())
        .ok_or_else(|| ApiError::unexpected(response.status, "no security roles in the answer"))?;
    Ok(roles.iter().any(|role| {
        let text = |name: &str| role.field(name).and_then(|v| v.text()).unwrap_or_default();
        let template = text("_roletemplateid_value").to_ascii_lowercase();
        ADMIN_ROLE_TEMPLATES.contains(&template.as_str())
            || crate::domain::fold_case(text("name").trim()) == CONNECTOR_ADMIN_ROLE
    }))
}

/// Words in a solution's unique name that suggest the email-marketing connector (lower case;
/// Dataverse compares text case-insensitively).
pub const CONNECTOR_NAME_HINTS: [&str; 3] = ["dotmailer", "dotdigital", "engagementcloud"];
/// The same in a solution's display name.
pub const CONNECTOR_FRIENDLY_HINTS: [&str; 3] = ["dotmailer", "dotdigital", "engagement cloud"];

/// The configured connector solution or, should its unique name be a wrong guess, the solutions
/// that look like it, in one read:
/// `solutions?$filter=uniquename eq '<name>' or contains(uniquename,'dotmailer') or
/// contains(friendlyname,'dotmailer') or …&$select=uniquename,friendlyname,version`.
pub fn solution_version(unique_name: &str) -> ApiRequest {
    let mut filter = ["uniquename eq ", &literal(unique_name)].concat();
    for (column, hints) in [
        ("uniquename", CONNECTOR_NAME_HINTS),
        ("friendlyname", CONNECTOR_FRIENDLY_HINTS),
    ] {
        for hint in hints {
            filter.push_str(&[" or contains(", column, ",", &literal(hint), ")"].concat());
        }
    }
    ApiRequest::get(&Query::new("solutions").filter(filter).select(&[
        "uniquename",
        "friendlyname",
        "version",
    ]))
}

/// A solution row of [`solution_version`]'s answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolutionRow {
    /// `uniquename`.
    pub unique_name: String,
    /// `friendlyname`.
    pub friendly_name: String,
    /// `version`.
    pub version: Option<String>,
}

/// Which solution is the connector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectorPick {
    /// The solution with the configured unique name.
    Configured(SolutionRow),
    /// No solution has the configured name; this one, the only likely candidate, is taken.
    Taken(SolutionRow),
    /// No solution has the configured name, and several look like the connector.
    Ambiguous(Vec<SolutionRow>),
    /// Neither the configured name nor anything like it.
    Missing,
}

impl ConnectorPick {
    /// What the compatibility check reads: installed (configured or taken), not installed, or,
    /// for several candidates, unknown (a warning, never a silent "not installed" that blocks
    /// every request).
    pub fn reading(&self) -> ConnectorReading {
        let installed = |row: &SolutionRow| match &row.version {
            Some(version) => ConnectorReading::Installed {
                version: version.clone(),
            },
            None => ConnectorReading::Unreadable {
                why: "the connector solution has no version".into(),
            },
        };
        match self {
            ConnectorPick::Configured(row) | ConnectorPick::Taken(row) => installed(row),
            ConnectorPick::Ambiguous(rows) => ConnectorReading::Unreadable {
                why: [
                    "several solutions look like the connector (",
                    &crate::domain::text::join(rows.iter().map(|r| &r.unique_name), ", "),
                    "); set connectorSolution",
                ]
                .concat(),
            },
            ConnectorPick::Missing => ConnectorReading::NotInstalled,
        }
    }
}

/// Whether a solution's names suggest the connector.
fn looks_like_connector(row: &SolutionRow) -> bool {
    let (unique, friendly) = (
        row.unique_name.to_ascii_lowercase(),
        row.friendly_name.to_ascii_lowercase(),
    );
    // `text::find`, not `str::contains`: the pattern searcher would add kilobytes to the module.
    let has = |text: &str, hints: [&str; 3]| {
        hints
            .iter()
            .any(|hint| crate::domain::text::find(text, hint).is_some())
    };
    has(&unique, CONNECTOR_NAME_HINTS) || has(&friendly, CONNECTOR_FRIENDLY_HINTS)
}

/// Picks the connector among the rows: the configured name (compared as Dataverse does,
/// ignoring case), else the one likely candidate.
pub fn pick_connector(rows: Vec<SolutionRow>, configured: &str) -> ConnectorPick {
    if let Some(row) = rows
        .iter()
        .find(|r| r.unique_name.eq_ignore_ascii_case(configured))
    {
        return ConnectorPick::Configured(row.clone());
    }
    let mut likely: Vec<SolutionRow> = rows.into_iter().filter(looks_like_connector).collect();
    match likely.len() {
        0 => ConnectorPick::Missing,
        1 => likely
            .pop()
            .map_or(ConnectorPick::Missing, ConnectorPick::Taken),
        _ => ConnectorPick::Ambiguous(likely),
    }
}

/// The rows of [`solution_version`]'s answer.
pub fn read_solutions(response: &ApiResponse) -> Result<Vec<SolutionRow>, ApiError> {
    let body = decode_ok(response)?;
    Ok(rows(&body)?
        .iter()
        .map(|row| {
            let text = |name: &str| row.field(name).and_then(|v| v.text());
            SolutionRow {
                unique_name: text("uniquename").unwrap_or_default(),
                friendly_name: text("friendlyname").unwrap_or_default(),
                version: text("version"),
            }
        })
        .collect())
}

/// Reads the connector solution lookup for the `configured` unique name: which solution is
/// the connector (see [`pick_connector`]); a failed read is unreadable.
pub fn read_connector_pick(
    response: &ApiResponse,
    configured: &str,
) -> Result<ConnectorPick, ApiError> {
    read_solutions(response).map(|rows| pick_connector(rows, configured))
}

/// Reads the connector solution lookup: installed with its version, not installed, or
/// unreadable (a refused or broken read, or several candidates and none configured).
pub fn read_connector(response: &ApiResponse, configured: &str) -> ConnectorReading {
    match read_connector_pick(response, configured) {
        Ok(pick) => pick.reading(),
        Err(error) => ConnectorReading::Unreadable { why: error.detail },
    }
}

/// The suppression record as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordState {
    /// `statecode` 0: the address is still suppressed.
    pub active: bool,
    /// When the suppression was created.
    pub created_on: Option<Timestamp>,
    /// *Request Resubscribe* as saved.
    pub request_flag: Option<bool>,
    /// *Resubscribe Request Date* as saved.
    pub request_date: Option<Timestamp>,
}

/// The suppression record's state and request (`request_columns`: the flag and the date), as
/// [`read_record`] reads it.
pub fn record_state(entity_set: &str, record: &Guid, request_columns: [&str; 2]) -> ApiRequest {
    ApiRequest::get(
        &Query::new([entity_set, "(", record.as_str(), ")"].concat()).select(&[
            "statecode",
            "createdon",
            request_columns[0],
            request_columns[1],
        ]),
    )
}

/// Reads the suppression record part; `request_columns` as given to [`load_batch`].
pub fn read_record(
    response: &ApiResponse,
    request_columns: [&str; 2],
) -> Result<RecordState, ApiError> {
    let record = decode_ok(response)?;
    let date = |name: &str| {
        let text = record.field(name).and_then(|v| v.text())?;
        Timestamp::parse_iso(&text).ok()
    };
    Ok(RecordState {
        active: record
            .field("statecode")
            .and_then(|v| v.number())
            .is_none_or(|n| n == 0.0),
        created_on: date("createdon"),
        request_flag: record.field(request_columns[0]).and_then(|v| v.boolean()),
        request_date: date(request_columns[1]),
    })
}

/// The contact's consent flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactFlags {
    /// Full name.
    pub full_name: Option<String>,
    /// Bulk email not allowed.
    pub donotbulkemail: Option<bool>,
    /// Email not allowed.
    pub donotemail: Option<bool>,
}

/// Reads the contact part.
pub fn read_contact(response: &ApiResponse) -> Result<ContactFlags, ApiError> {
    let contact = decode_ok(response)?;
    let flag = |name: &str| contact.field(name).and_then(|v| v.boolean());
    Ok(ContactFlags {
        full_name: contact.field("fullname").and_then(|v| v.text()),
        donotbulkemail: flag("donotbulkemail"),
        donotemail: flag("donotemail"),
    })
}

/// Reads a list of notes (newest first as asked).
pub fn read_notes(response: &ApiResponse) -> Result<Vec<NoteFact>, ApiError> {
    let body = decode_ok(response)?;
    Ok(rows(&body)?
        .into_iter()
        .filter_map(|note| {
            let text = |name: &str| note.field(name).and_then(|v| v.text()).unwrap_or_default();
            Some(NoteFact {
                id: text("annotationid"),
                subject: text("subject"),
                text: text("notetext"),
                created_on: Timestamp::parse_iso(&note.field("createdon")?.text()?).ok()?,
            })
        })
        .collect())
}

/// Where the audit note goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteTarget {
    /// The contact who asked (the normal case).
    Contact(Guid),
    /// The suppression record itself, when no contact is linked.
    Suppression {
        /// Table logical name, e.g. `esc_emailsuppression`.
        table: String,
        /// Entity set, e.g. `esc_emailsuppressions`.
        entity_set: String,
        /// The record.
        id: Guid,
    },
}

impl NoteTarget {
    /// The id the note's `_objectid_value` will hold.
    pub fn id(&self) -> &Guid {
        match self {
            NoteTarget::Contact(id) | NoteTarget::Suppression { id, .. } => id,
        }
    }
}

/// Finds `note` on `target`: by its id, or (the request's note) by the marker in the subject
/// of a note written before the id named the request; a withdrawal by its id only.
pub fn note_lookup(target: &NoteTarget, note: &ResubscribeNote) -> ApiRequest {
    ApiRequest::get(
        &Query::new("annotations")
            .filter(
                [
                    "_objectid_value eq ",
                    target.id().as_str(),
                    " and ",
                    &note.odata_filter(),
                ]
                .concat(),
            )
            .select(&["annotationid"])
            .top(1),
    )
}

/// Whether the marker lookup found a note.
pub fn read_note_found(response: &ApiResponse) -> Result<bool, ApiError> {
    Ok(!rows(&decode_ok(response)?)?.is_empty())
}

/// Creates the note on `target` under its own id ([`ResubscribeNote::id`]: named by its
/// request): a PATCH that only creates (`If-None-Match: *`), so a second create of the same
/// note is refused with 412 instead of writing a second note.
pub fn create_note(target: &NoteTarget, note: &ResubscribeNote) -> ApiRequest {
    let (property, path) = match target {
        NoteTarget::Contact(id) => (
            "objectid_contact@odata.bind".to_owned(),
            ["/contacts(", id.as_str(), ")"].concat(),
        ),
        NoteTarget::Suppression {
            table,
            entity_set,
            id,
        } => (
            ["objectid_", table, "@odata.bind"].concat(),
            ["/", entity_set, "(", id.as_str(), ")"].concat(),
        ),
    };
    let body = object(&[
        ("subject", &string(&note.subject)),
        ("notetext", &string(&note.text)),
        (&property, &string(&path)),
    ]);
    ApiRequest::create_at(["annotations(", &note.id(), ")"].concat(), body)
}

/// Deletes the note of the request `marker` (created under [`RequestMarker::note_id`]).
///
/// [`RequestMarker::note_id`]: crate::domain::note::RequestMarker::note_id
pub fn delete_note(marker: &crate::domain::note::RequestMarker) -> ApiRequest {
    ApiRequest::delete(["annotations(", &marker.note_id(), ")"].concat())
}

/// The JSON body of a successful response.
pub(crate) fn decode_ok(response: &ApiResponse) -> Result<Json, ApiError> {
    if let Some(error) = ApiError::from_response(response) {
        return Err(error);
    }
    Json::parse(&response.body).map_err(|why| ApiError::unexpected(response.status, &why))
}

/// The rows of a collection response (`{"value": [...]}`).
pub(crate) fn rows(body: &Json) -> Result<Vec<Json>, ApiError> {
    body.field("value")
        .and_then(|v| v.items())
        .ok_or_else(|| ApiError::unexpected(200, "the response has no \"value\" list"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataverse::error::ApiErrorKind;
    use crate::dataverse::http::Method;
    use crate::domain::note::RequestMarker;

    fn ok(body: &str) -> ApiResponse {
        ApiResponse {
            status: 200,
            headers: vec![],
            body: body.into(),
        }
    }

    fn guid(text: &str) -> Guid {
        Guid::parse(text).unwrap()
    }

    const RECORD: &str = "7d4c0f0e-1b2a-4f3e-9a10-00000000a002";
    const CONTACT: &str = "3c2b1a00-9e8d-4c7b-8a6f-00000000c002";
    const USER: &str = "7d5e8b2c-4a1f-4e6b-9c3d-2f8a6b0e1d47";

    #[test]
    fn load_batch_asks_for_record_contact_notes_roles_and_connector_in_one_request() {
        let (record, contact, user) = (guid(RECORD), guid(CONTACT), guid(USER));
        let (parts, kinds) = load_batch(&LoadRequest {
            entity_set: "esc_emailsuppressions",
            record: &record,
            request_columns: ["esc_requestresubscribe", "esc_resubscriberequestdate"],
            contact: Some(&contact),
            connector_solution: Some("dotmailerCRMConnector"),
            user: Some(&user),
        });
        // The reads ordinary users may be refused come last: a batch that stops at its first
        // failure has answered everything before them.
        assert_eq!(
            kinds,
            vec![
                LoadPart::Record,
                LoadPart::Contact,
                LoadPart::Notes,
                LoadPart::Roles,
                LoadPart::Connector
            ]
        );
        let paths: Vec<String> = parts
            .iter()
            .map(|p| match p {
                BatchPart::Single(r) => r.path.clone(),
                BatchPart::ChangeSet(_) => String::new(),
            })
            .collect();
        assert_eq!(
            paths[0],
            format!(
                "esc_emailsuppressions({RECORD})?$select=statecode,createdon,\
                 esc_requestresubscribe,esc_resubscriberequestdate"
            )
        );
        assert_eq!(
            paths[1],
            format!("contacts({CONTACT})?$select=fullname,donotbulkemail,donotemail")
        );
        assert_eq!(
            paths[2],
            format!(
                "annotations?$filter=_objectid_value%20eq%20{CONTACT}\
                 &$select=annotationid,subject,notetext,createdon&$orderby=createdon%20desc&$top=50"
            )
        );
        assert_eq!(
            paths[3],
            format!(
                "systemusers({USER})?$select=systemuserid\
                 &$expand=systemuserroles_association(%24select%3Dname,_roletemplateid_value)"
            )
        );
        assert_eq!(
            paths[4],
            "solutions?$filter=uniquename%20eq%20'dotmailerCRMConnector'\
             %20or%20contains(uniquename,'dotmailer')%20or%20contains(uniquename,'dotdigital')\
             %20or%20contains(uniquename,'engagementcloud')%20or%20contains(friendlyname,'dotmailer')\
             %20or%20contains(friendlyname,'dotdigital')%20or%20contains(friendlyname,'engagement%20cloud')\
             &$select=uniquename,friendlyname,version"
        );
    }

    #[test]
    fn administrators_are_known_by_role_template_or_the_connector_role_never_by_a_role_name() {
        let roles = |list: &str| {
            ok(&format!(
                r#"{{"systemuserid":"x","systemuserroles_association":[{list}]}}"#
            ))
        };
        let role = |name: &str, template: &str| {
            format!(r#"{{"roleid":"r","name":"{name}","_roletemplateid_value":{template}}}"#)
        };
        // Renamed or translated, the System Administrator role is still its template.
        let renamed = role(
            "Beheerders (Contoso)",
            "\"627090FF-40A3-4053-8790-584EDC5BE201\"",
        );
        assert_eq!(read_is_admin(&roles(&renamed)), Ok(true));
        let customizer = role("Systemanpasser", "\"119f245c-3cc8-4b62-b31c-d1a046ced15d\"");
        assert_eq!(read_is_admin(&roles(&customizer)), Ok(true));
        let connector = role("Email Marketing Manager", "null");
        assert_eq!(read_is_admin(&roles(&connector)), Ok(true));
        // A role merely named like an administrator's is not one.
        let named = role("System Administrator", "null");
        let seller = role("Salesperson", "\"ac8a2e1e-a7c9-4e6b-8d1f-2f0b4f4b7e51\"");
        assert_eq!(read_is_admin(&roles(&[named, seller].join(","))), Ok(false));
        assert_eq!(read_is_admin(&roles("")), Ok(false));
        let refused = ApiResponse {
            status: 403,
            headers: vec![],
            body: r#"{"error":{"code":"0x80040220","message":"missing prvReadUser"}}"#.into(),
        };
        assert!(read_is_admin(&refused).is_err());
    }

    #[test]
    fn cached_connector_and_missing_contact_shrink_the_batch_and_notes_go_to_the_record() {
        let record = guid(RECORD);
        let (_, kinds) = load_batch(&LoadRequest {
            entity_set: "esc_emailsuppressions",
            record: &record,
            request_columns: ["esc_requestresubscribe", "esc_resubscriberequestdate"],
            contact: None,
            connector_solution: None,
            user: None,
        });
        assert_eq!(kinds, vec![LoadPart::Record, LoadPart::Notes]);
    }

    #[test]
    fn reads_the_connector_version_absence_and_refusal() {
        let installed = ok(
            r#"{"@odata.context":"x","value":[{"uniquename":"dotmailerCRMConnector","version":"7.0.1.721"}]}"#,
        );
        assert_eq!(
            read_connector(&installed, "dotmailerCRMConnector"),
            ConnectorReading::Installed {
                version: "7.0.1.721".into()
            }
        );
        assert_eq!(
            read_connector(&ok(r#"{"value":[]}"#), "dotmailerCRMConnector"),
            ConnectorReading::NotInstalled
        );
        let forbidden = ApiResponse {
            status: 403,
            headers: vec![],
            body: r#"{"error":{"code":"0x80040220","message":"Principal user is missing prvReadSolution privilege."}}"#.into(),
        };
        assert!(
            matches!(read_connector(&forbidden, "x"), ConnectorReading::Unreadable { why } if why.contains("prvReadSolution"))
        );
        assert!(matches!(
            read_connector(&ok("<html>"), "x"),
            ConnectorReading::Unreadable { .. }
        ));
    }

    #[test]
    fn a_wrong_connector_name_takes_the_one_likely_candidate_and_never_guesses_between_several() {
        let rows = |json: &str| read_solutions(&ok(json)).unwrap();
        let one = rows(
            r#"{"value":[{"uniquename":"DotdigitalForDynamics","friendlyname":"dotdigital for Dynamics","version":"7.1.0.5"}]}"#,
        );
        let pick = pick_connector(one.clone(), "dotmailerCRMConnector");
        assert!(
            matches!(&pick, ConnectorPick::Taken(row) if row.unique_name == "DotdigitalForDynamics")
        );
        assert_eq!(pick.reading(), ConnectorReading::installed("7.1.0.5"));
        assert!(matches!(
            pick_connector(one, "dotdigitalfordynamics"),
            ConnectorPick::Configured(_)
        ));
        let two = rows(
            r#"{"value":[{"uniquename":"dotmailerSurveys","friendlyname":"Surveys","version":"1.0"},{"uniquename":"ecConnector","friendlyname":"Engagement Cloud for Dynamics","version":"7.0.1.721"}]}"#,
        );
        let pick = pick_connector(two, "dotmailerCRMConnector");
        assert!(matches!(&pick, ConnectorPick::Ambiguous(rows) if rows.len() == 2));
        assert!(
            matches!(pick.reading(), ConnectorReading::Unreadable { why } if why.contains("ecConnector"))
        );
        let unrelated =
            rows(r#"{"value":[{"uniquename":"Other","friendlyname":"Other","version":"1.0"}]}"#);
        assert_eq!(
            pick_connector(unrelated, "dotmailerCRMConnector").reading(),
            ConnectorReading::NotInstalled
        );
    }

    #[test]
    fn reads_record_contact_and_notes() {
        let columns = ["esc_requestresubscribe", "esc_resubscriberequestdate"];
        let record = read_record(
            &ok(r#"{"@odata.etag":"W/\"12\"","statecode":1,"createdon":"2024-12-09T08:41:00Z","esc_requestresubscribe":true,"esc_resubscriberequestdate":"2025-03-05T10:20:00Z","esc_emailsuppressionid":"x"}"#),
            columns,
        )
        .unwrap();
        assert!(!record.active);
        assert_eq!(record.request_flag, Some(true));
        assert_eq!(
            record.request_date.map(|t| t.to_iso()).as_deref(),
            Some("2025-03-05T10:20:00Z")
        );
        let fresh = read_record(
            &ok(r#"{"statecode":0,"esc_requestresubscribe":null}"#),
            columns,
        )
        .unwrap();
        assert!(fresh.active);
        assert_eq!(fresh.request_flag, None);
        assert_eq!(
            record.created_on.map(|t| t.to_iso()).as_deref(),
            Some("2024-12-09T08:41:00Z")
        );
        let contact = read_contact(&ok(
            r#"{"fullname":"Nancy Anderson","donotbulkemail":true,"donotemail":false}"#,
        ))
        .unwrap();
        assert_eq!(contact.donotbulkemail, Some(true));
        let notes = read_notes(&ok(
            r#"{"value":[{"subject":"Resubscription confirmation email sent","notetext":null,"createdon":"2025-03-06T09:00:00Z"},{"subject":"x","createdon":null}]}"#,
        ))
        .unwrap();
        assert_eq!(notes.len(), 1, "a note without a date is skipped");
        assert_eq!(notes[0].text, "");
    }

    #[test]
    fn a_failed_part_is_a_typed_error() {
        let missing = ApiResponse {
            status: 404,
            headers: vec![],
            body: r#"{"error":{"code":"0x80040217","message":"Entity 'contact' With Id = x Does Not Exist"}}"#.into(),
        };
        assert_eq!(
            read_contact(&missing).unwrap_err().kind,
            ApiErrorKind::NotFound
        );
        assert_eq!(
            read_record(&ok("not json"), ["a", "b"]).unwrap_err().kind,
            ApiErrorKind::Unexpected
        );
    }

    #[test]
    fn note_lookup_and_create_use_the_marker_and_the_right_binding() {
        let marker = RequestMarker::new(RECORD, Timestamp(1_795_701_780_000)).unwrap();
        let contact = NoteTarget::Contact(guid(CONTACT));
        let note = ResubscribeNote {
            subject: "S \"1\"".into(),
            text: "line\nline".into(),
            marker: marker.clone(),
            withdrawn_at: None,
        };
        let lookup = note_lookup(&contact, &note);
        assert_eq!(
            lookup.path,
            format!(
                "annotations?$filter=_objectid_value%20eq%20{CONTACT}%20and%20(annotationid%20eq%20\
                 {}%20or%20contains(subject,'(rsub:{RECORD}:1795701780000)'))\
                 &$select=annotationid&$top=1",
                marker.note_id()
            )
        );
        assert!(read_note_found(&ok(r#"{"value":[{"annotationid":"a"}]}"#)).unwrap());
        assert!(!read_note_found(&ok(r#"{"value":[]}"#)).unwrap());

        let create = create_note(&contact, &note);
        assert_eq!(create.method, Method::Patch);
        assert_eq!(create.path, format!("annotations({})", marker.note_id()));
        assert_eq!(create.header("If-None-Match"), Some("*"));
        assert_eq!(create.header("If-Match"), None);
        let delete = delete_note(&marker);
        assert_eq!(delete.method, Method::Delete);
        assert_eq!(delete.path, create.path);
        assert_eq!(delete.body, None);
        assert_eq!(
            create.body.as_deref(),
            Some(format!(r#"{{"subject":"S \"1\"","notetext":"line\nline","objectid_contact@odata.bind":"/contacts({CONTACT})"}}"#).as_str())
        );
        let on_record = NoteTarget::Suppression {
            table: "esc_emailsuppression".into(),
            entity_set: "esc_emailsuppressions".into(),
            id: guid(RECORD),
        };
        let body = create_note(&on_record, &note).body.unwrap_or_default();
        assert!(body.ends_with(&format!(
            r#""objectid_esc_emailsuppression@odata.bind":"/esc_emailsuppressions({RECORD})"}}"#
        )));
    }

    #[test]
    fn a_withdrawal_is_looked_up_and_created_under_its_own_id_once() {
        let marker = RequestMarker::new(RECORD, Timestamp(1_795_701_780_000)).unwrap();
        let user = crate::domain::evidence::UserRef {
            id: "u".into(),
            name: "Sam Agent".into(),
        };
        let note = ResubscribeNote::withdrawal(&marker, &user, Timestamp(1_795_788_180_000));
        let contact = NoteTarget::Contact(guid(CONTACT));
        let id = marker.withdrawal_id();
        assert_ne!(id, marker.note_id());
        assert_eq!(
            note_lookup(&contact, &note).path,
            format!(
                "annotations?$filter=_objectid_value%20eq%20{CONTACT}%20and%20annotationid%20eq%20\
                 {id}&$select=annotationid&$top=1"
            )
        );
        let create = create_note(&contact, &note);
        assert_eq!(create.path, format!("annotations({id})"));
        assert_eq!(create.header("If-None-Match"), Some("*"));
    }
}
