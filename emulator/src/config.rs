//! What the emulator is told at start-up: the connector's (assumed) logical names, the scenario
//! defaults (org and connector versions), the note subjects the simulated connector writes, and
//! where the demo's static files live. Owns no state; [`crate::Emulator`] reads it.

use std::path::PathBuf;

/// Everything that can be chosen when an emulator starts. `Default` gives the demo scenario.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Logical names of the connector's Email Suppression table and its columns.
    pub suppression: SuppressionNames,
    /// Option-set values and labels of the suppression reason column.
    pub reasons: Vec<ReasonOption>,
    /// Unique name of the connector's solution in the `solution` table.
    pub connector_solution: String,
    /// Friendly name of the connector's solution.
    pub connector_friendly_name: String,
    /// Connector version installed at start and after a reset (`None` = not installed).
    pub connector_version: Option<String>,
    /// Organization version answered by `RetrieveVersion()` at start and after a reset.
    pub org_version: String,
    /// On-premises organization name at start and after a reset (`""` = online, service at the
    /// site root); see [`crate::Settings::organization`].
    pub organization: String,
    /// Subjects of the notes the simulated connector writes.
    pub notes: NoteSubjects,
    /// Folder holding the demo (`<www_dir>/demo/main.html`) and fallback web resources.
    pub www_dir: Option<PathBuf>,
    /// Folder holding the built web resources (`target/dist/webresources`).
    pub webresources_dir: Option<PathBuf>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            suppression: SuppressionNames::default(),
            reasons: ReasonOption::defaults(),
            connector_solution: "dotmailerCRMConnector".to_string(),
            connector_friendly_name: "dotmailer CRM Connector".to_string(),
            connector_version: Some("7.0.1.721".to_string()),
            org_version: "9.2.25093.00168".to_string(),
            organization: String::new(),
            notes: NoteSubjects::default(),
            www_dir: None,
            webresources_dir: None,
        }
    }
}

/// Logical names of the Email Suppression table (assumed: the connector's real names are not public).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionNames {
    /// Table logical name, e.g. `esc_emailsuppression`.
    pub table: String,
    /// Entity set name used in URLs, e.g. `esc_emailsuppressions`.
    pub entity_set: String,
    /// Primary key column, e.g. `esc_emailsuppressionid`.
    pub primary_key: String,
    /// The suppressed address (primary name column).
    pub email: String,
    /// The suppression reason option set.
    pub reason: String,
    /// The *Request Resubscribe* check box.
    pub request_resubscribe: String,
    /// The *Resubscribe Request Date* column.
    pub request_date: String,
    /// The lookup to `contact`: the attribute's logical name and its navigation property
    /// (read as `_<contact>_value`, written as `<contact>@odata.bind`).
    pub contact: String,
}

impl Default for SuppressionNames {
    fn default() -> Self {
        SuppressionNames {
            table: "esc_emailsuppression".to_string(),
            entity_set: "esc_emailsuppressions".to_string(),
            primary_key: "esc_emailsuppressionid".to_string(),
            email: "esc_emailaddress".to_string(),
            reason: "esc_reason".to_string(),
            request_resubscribe: "esc_requestresubscribe".to_string(),
            request_date: "esc_resubscriberequestdate".to_string(),
            contact: "esc_contactid".to_string(),
        }
    }
}

/// Why an address is suppressed, as dotdigital names it (DOMAIN §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Reason {
    /// The contact unsubscribed: resubscribable after a confirmation email.
    Unsubscribed,
    /// Suppressed by the account's own team: resubscribed at once, no email.
    Suppressed,
    /// Hard bounce.
    HardBounced,
    /// Soft bounce.
    SoftBounced,
    /// Spam complaint through the ISP.
    IspComplained,
    /// Complaint made directly.
    DirectComplaint,
    /// Mail blocked.
    MailBlocked,
    /// On dotdigital's global suppression list.
    GlobalSuppression,
    /// The whole domain is suppressed.
    DomainSuppression,
    /// Not allowed.
    NotAllowed,
    /// The domain has no MX record.
    NoMxRecord,
}

/// One option of the reason option set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonOption {
    /// What the option means.
    pub reason: Reason,
    /// The option value stored in Dataverse.
    pub value: i64,
    /// The label Dataverse shows (the formatted value).
    pub label: String,
}

impl ReasonOption {
    /// The demo option set: values from 100000000 in dotdigital's order.
    pub fn defaults() -> Vec<ReasonOption> {
        [
            (Reason::Unsubscribed, "Unsubscribed"),
            (Reason::Suppressed, "Suppressed"),
            (Reason::HardBounced, "Hard bounced"),
            (Reason::SoftBounced, "Soft bounced"),
            (Reason::IspComplained, "ISP complained"),
            (Reason::DirectComplaint, "Direct complaint"),
            (Reason::MailBlocked, "Mail blocked"),
            (Reason::GlobalSuppression, "Global suppression"),
            (Reason::DomainSuppression, "Domain suppression"),
            (Reason::NotAllowed, "Not allowed"),
            (Reason::NoMxRecord, "No MX record"),
        ]
        .into_iter()
        .zip(100_000_000_i64..)
        .map(|((reason, label), value)| ReasonOption {
            reason,
            value,
            label: label.to_string(),
        })
        .collect()
    }
}

/// Subjects of the notes the simulated connector writes on contacts (assumed: not public).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSubjects {
    /// Written when the confirmation email goes out.
    pub confirmation_sent: String,
    /// Written when the address is removed from the suppression list.
    pub resubscribed: String,
    /// Written when the contact reports abuse from the confirmation email.
    pub abuse_reported: String,
    /// Written when the reason does not allow a resubscription.
    pub cannot_unsuppress: String,
}

impl Default for NoteSubjects {
    fn default() -> Self {
        NoteSubjects {
            confirmation_sent: "Resubscription confirmation email sent".to_string(),
            resubscribed: "Resubscribed".to_string(),
            abuse_reported: "Resubscription failed: abuse reported".to_string(),
            cannot_unsuppress: "Resubscription failed: address cannot be unsuppressed".to_string(),
        }
    }
}
