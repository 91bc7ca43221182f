//! Which form columns hold the suppression facts, and the customizer's configuration.
//!
//! The connector's logical names are not public (docs/domain.md §4), so each column resolves in this
//! order: an explicit name in the handler's parameter string (JSON, [`MappingConfig`]) →
//! a logical-name pattern among the form's attributes → the label shown on the form. A column
//! that cannot be found is reported by name; the plugin then switches itself off rather than
//! guess. Pure: the edge lists the form's attributes and hands them in.

use crate::prelude::*;

use super::eligibility::SuppressionReason;
use super::json::{only_known, optional_text, optional_texts, wrong_type, JsonValue};
use super::lifecycle::LifecyclePatterns;
use super::messages::{Message, MessageKey};
use super::text::{self, fold_case};

/// The connector solution's unique name (docs/domain.md §4, assumed).
pub const DEFAULT_CONNECTOR_SOLUTION: &str = "dotmailerCRMConnector";

/// The handler's parameter string, as JSON. Every field is optional; unknown fields are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingConfig {
    /// *Request Resubscribe* (two options).
    pub request_resubscribe: Option<String>,
    /// *Resubscribe Request Date* (date and time).
    pub request_date: Option<String>,
    /// The suppressed email address (text).
    pub email: Option<String>,
    /// The suppression reason (option set).
    pub reason: Option<String>,
    /// The lookup to the contact.
    pub contact: Option<String>,
    /// The suppression table's entity set name for Web API URLs (default: logical name + `s`).
    pub entity_set: Option<String>,
    /// Option set value → reason name (`{"100000000": "Unsubscribed"}`), when labels differ,
    /// in the order given (a handful of pairs: a list, not a map, keeps the module small).
    pub reason_values: Vec<(String, String)>,
    /// The connector solution's unique name.
    pub connector_solution: Option<String>,
    /// Which note texts mean which lifecycle step.
    pub lifecycle_patterns: Option<LifecyclePatterns>,
}

impl MappingConfig {
    /// Parses the parameter string with the edge's JSON `parse`; an empty string is the default
    /// configuration.
    pub fn parse<V: JsonValue>(
        text: &str,
        parse: impl Fn(&str) -> Result<V, String>,
    ) -> Result<MappingConfig, Message> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(MappingConfig::default());
        }
        parse(trimmed)
            .and_then(|value| MappingConfig::read(&value))
            .map_err(|why| Message::new(MessageKey::ConfigInvalid).with("detail", why))
    }

    /// Reads the configuration from a JSON object.
    pub fn read<V: JsonValue>(value: &V) -> Result<MappingConfig, String> {
        only_known(
            value,
            &[
                "requestResubscribe",
                "requestDate",
                "email",
                "reason",
                "contact",
                "entitySet",
                "reasonValues",
                "connectorSolution",
                "lifecyclePatterns",
            ],
        )?;
        let mut reason_values: Vec<(String, String)> = Vec::new();
        if let Some(map) = value.field("reasonValues") {
            let keys = map
                .keys()
                .ok_or_else(|| wrong_type("reasonValues", "an object"))?;
            for key in keys {
                let name = map.field(&key).and_then(|v| v.text());
                let name = name.ok_or_else(|| wrong_type("reasonValues", "an object of texts"))?;
                reason_values.push((key, name));
            }
        }
        let lifecycle_patterns = match value.field("lifecyclePatterns") {
            None => None,
            Some(patterns) => {
                only_known(&patterns, &["confirmationSent", "resubscribed", "failed"])?;
                let defaults = LifecyclePatterns::default();
                Some(LifecyclePatterns {
                    confirmation_sent: optional_texts(&patterns, "confirmationSent")?
                        .unwrap_or(defaults.confirmation_sent),
                    resubscribed: optional_texts(&patterns, "resubscribed")?
                        .unwrap_or(defaults.resubscribed),
                    failed: optional_texts(&patterns, "failed")?.unwrap_or(defaults.failed),
                })
            }
        };
        Ok(MappingConfig {
            request_resubscribe: optional_text(value, "requestResubscribe")?,
            request_date: optional_text(value, "requestDate")?,
            email: optional_text(value, "email")?,
            reason: optional_text(value, "reason")?,
            contact: optional_text(value, "contact")?,
            entity_set: optional_text(value, "entitySet")?,
            reason_values,
            connector_solution: optional_text(value, "connectorSolution")?,
            lifecycle_patterns,
        })
    }

    /// The reason for an option set value and its label, using `reason_values` first.
    pub fn reason_of(&self, value: i64, label: &str) -> SuppressionReason {
        let value = text::decimal(value);
        match self.reason_values.iter().find(|(k, _)| *k == value) {
            Some((_, name)) => SuppressionReason::parse(name),
            None => SuppressionReason::parse(label),
        }
    }

    /// The connector solution's unique name.
    pub fn connector_solution(&self) -> &str {
        self.connector_solution
            .as_deref()
            .unwrap_or(DEFAULT_CONNECTOR_SOLUTION)
    }
}

/// One attribute of the form, as the edge lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormAttribute {
    /// Logical name.
    pub name: String,
    /// Client API type: `boolean`, `datetime`, `string`, `optionset`, `lookup`, …
    pub kind: String,
    /// The label of its control, in the user's language.
    pub label: String,
}

/// The columns the plugin reads and writes, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMapping {
    /// *Request Resubscribe*.
    pub request_resubscribe: String,
    /// *Resubscribe Request Date*.
    pub request_date: String,
    /// The email address.
    pub email: String,
    /// The suppression reason.
    pub reason: String,
    /// The contact lookup (optional: a suppression may have no contact).
    pub contact: Option<String>,
}

impl ColumnMapping {
    /// The request's columns, flag then date, as the record's reads select them.
    pub fn request_columns(&self) -> [String; 2] {
        [self.request_resubscribe.clone(), self.request_date.clone()]
    }
}

/// What each column is, for discovery.
struct Wanted {
    /// The connector's display name of the column (admin-facing, as in the connector's UI).
    role: &'static str,
    kinds: &'static [&'static str],
    name_patterns: &'static [&'static str],
    labels: &'static [&'static str],
}

const REQUEST: Wanted = Wanted {
    role: "Request Resubscribe",
    kinds: &["boolean"],
    name_patterns: &["requestresubscribe", "resubscriberequest"],
    labels: &["request resubscribe"],
};
const DATE: Wanted = Wanted {
    role: "Resubscribe Request Date",
    kinds: &["datetime"],
    name_patterns: &["resubscriberequestdate", "requestdate", "resubscribedate"],
    labels: &["resubscribe request date"],
};
const EMAIL: Wanted = Wanted {
    role: "Email Address",
    kinds: &["string"],
    name_patterns: &["emailaddress", "email"],
    labels: &["email address", "email", "e-mail"],
};
const REASON: Wanted = Wanted {
    role: "Reason",
    kinds: &["optionset"],
    name_patterns: &["reason", "suppressiontype", "suppressionreason"],
    labels: &["reason", "suppression reason"],
};
const CONTACT: Wanted = Wanted {
    role: "Contact",
    kinds: &["lookup"],
    name_patterns: &["contactid", "contact"],
    labels: &["contact"],
};

impl ColumnMapping {
    /// Resolves every column; on failure, one message per column that could not be found.
    pub fn resolve(
        config: &MappingConfig,
        attributes: &[FormAttribute],
    ) -> Result<ColumnMapping, Vec<Message>> {
        let mut missing = Vec::new();
        let mut find = |explicit: &Option<String>, wanted: &Wanted| {
            let found = resolve_one(explicit.as_deref(), wanted, attributes);
            if found.is_none() {
                let mut message =
                    Message::new(MessageKey::ConfigColumnMissing).with("column", wanted.role);
                if let Some(name) = explicit {
                    message = message.with("name", name.clone());
                    message.key = MessageKey::ConfigColumnNotOnForm;
                }
                missing.push(message);
            }
            found
        };
        let request = find(&config.request_resubscribe, &REQUEST);
        let date = find(&config.request_date, &DATE);
        let email = find(&config.email, &EMAIL);
        let reason = find(&config.reason, &REASON);
        let contact = resolve_one(config.contact.as_deref(), &CONTACT, attributes);
        match (request, date, email, reason) {
            (Some(request_resubscribe), Some(request_date), Some(email), Some(reason))
                if missing.is_empty() =>
            {
                Ok(ColumnMapping {
                    request_resubscribe,
                    request_date,
                    email,
                    reason,
                    contact,
                })
            }
            _ => Err(missing),
        }
    }
}

fn resolve_one(
    explicit: Option<&str>,
    wanted: &Wanted,
    attributes: &[FormAttribute],
) -> Option<String> {
    if let Some(name) = explicit {
        let name = name.trim().to_ascii_lowercase();
        return attributes.iter().any(|a| a.name == name).then_some(name);
    }
    let typed = || {
        attributes
            .iter()
            .filter(|a| wanted.kinds.contains(&a.kind.as_str()))
    };
    for pattern in wanted.name_patterns {
        let mut hits = typed().filter(|a| text::contains(&a.name, pattern));
        if let (Some(hit), None) = (hits.next(), hits.next()) {
            return Some(hit.name.clone());
        }
    }
    let mut by_label = typed().filter(|a| {
        let label = fold_case(a.label.trim());
        wanted.labels.iter().any(|l| label == *l)
    });
    match (by_label.next(), by_label.next()) {
        (Some(hit), None) => Some(hit.name.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(name: &str, kind: &str, label: &str) -> FormAttribute {
        FormAttribute {
            name: name.into(),
            kind: kind.into(),
            label: label.into(),
        }
    }

    /// The emulator's (assumed) connector form.
    fn connector_form() -> Vec<FormAttribute> {
        vec![
            attribute("esc_emailaddress", "string", "Email Address"),
            attribute("esc_reason", "optionset", "Reason"),
            attribute("esc_contactid", "lookup", "Contact"),
            attribute("esc_requestresubscribe", "boolean", "Request Resubscribe"),
            attribute(
                "esc_resubscriberequestdate",
                "datetime",
                "Resubscribe Request Date",
            ),
            attribute("statecode", "optionset", "Status"),
            attribute("ownerid", "lookup", "Owner"),
        ]
    }

    fn json(text: &str) -> Result<crate::dataverse::json::Json, String> {
        crate::dataverse::json::Json::parse(text)
    }

    fn config(text: &str) -> MappingConfig {
        MappingConfig::parse(text, json).unwrap()
    }

    #[test]
    fn discovers_the_connector_columns_by_logical_name() {
        let mapping = ColumnMapping::resolve(&MappingConfig::default(), &connector_form()).unwrap();
        assert_eq!(mapping.request_resubscribe, "esc_requestresubscribe");
        assert_eq!(mapping.request_date, "esc_resubscriberequestdate");
        assert_eq!(mapping.email, "esc_emailaddress");
        assert_eq!(mapping.reason, "esc_reason");
        assert_eq!(mapping.contact.as_deref(), Some("esc_contactid"));
    }

    #[test]
    fn falls_back_to_labels_when_names_are_opaque() {
        let form = vec![
            attribute("new_f1", "string", "Email Address"),
            attribute("new_f2", "optionset", "Reason"),
            attribute("new_f3", "boolean", "Request Resubscribe"),
            attribute("new_f4", "datetime", "Resubscribe Request Date"),
        ];
        let mapping = ColumnMapping::resolve(&MappingConfig::default(), &form).unwrap();
        assert_eq!(mapping.request_resubscribe, "new_f3");
        assert_eq!(mapping.contact, None);
    }

    #[test]
    fn explicit_mapping_wins_and_is_checked_against_the_form() {
        let explicit =
            config(r#"{"requestResubscribe":"ESC_RequestResubscribe","email":"esc_emailaddress"}"#);
        let mapping = ColumnMapping::resolve(&explicit, &connector_form()).unwrap();
        assert_eq!(mapping.request_resubscribe, "esc_requestresubscribe");

        let wrong = config(r#"{"requestDate":"esc_requestedon"}"#);
        let errors = ColumnMapping::resolve(&wrong, &connector_form()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].key, MessageKey::ConfigColumnNotOnForm);
        assert_eq!(errors[0].arg("name"), Some("esc_requestedon"));
    }

    #[test]
    fn names_every_missing_column_instead_of_guessing() {
        let form = vec![
            attribute("esc_emailaddress", "string", "Email Address"),
            attribute("esc_flag1", "boolean", "Flag"),
            attribute("esc_flag2", "boolean", "Other flag"),
        ];
        let errors = ColumnMapping::resolve(&MappingConfig::default(), &form).unwrap_err();
        let columns: Vec<_> = errors.iter().filter_map(|m| m.arg("column")).collect();
        assert_eq!(
            columns,
            vec!["Request Resubscribe", "Resubscribe Request Date", "Reason"]
        );
    }

    #[test]
    fn ambiguous_matches_are_not_guessed() {
        let mut form = connector_form();
        form.push(attribute(
            "esc_requestresubscribe_old",
            "boolean",
            "Request Resubscribe",
        ));
        let errors = ColumnMapping::resolve(&MappingConfig::default(), &form).unwrap_err();
        assert_eq!(errors[0].arg("column"), Some("Request Resubscribe"));
    }

    #[test]
    fn parameter_string_errors_are_readable_and_empty_means_default() {
        assert_eq!(
            MappingConfig::parse("  ", json),
            Ok(MappingConfig::default())
        );
        let err = MappingConfig::parse(r#"{"requestResubscribe": 3}"#, json).unwrap_err();
        assert_eq!(err.key, MessageKey::ConfigInvalid);
        let unknown = MappingConfig::parse(r#"{"requestResubscrib":"x"}"#, json).unwrap_err();
        assert!(unknown
            .arg("detail")
            .unwrap_or_default()
            .contains("requestResubscrib"));
    }

    #[test]
    fn lifecycle_patterns_replace_the_defaults_field_by_field() {
        let c = config(r#"{"lifecyclePatterns":{"failed":["Rückmeldung: Missbrauch"]}}"#);
        let patterns = c.lifecycle_patterns.unwrap();
        assert_eq!(patterns.failed, vec!["Rückmeldung: Missbrauch".to_owned()]);
        assert_eq!(
            patterns.resubscribed,
            LifecyclePatterns::default().resubscribed
        );
        let wrong =
            MappingConfig::parse(r#"{"lifecyclePatterns":{"failed":"x"}}"#, json).unwrap_err();
        assert!(wrong.arg("detail").unwrap_or_default().contains("failed"));
    }

    #[test]
    fn reason_values_map_option_numbers_before_labels() {
        let values = config(r#"{"reasonValues":{"100000001":"Suppressed"}}"#);
        assert_eq!(
            values.reason_of(100000001, "Added by you"),
            SuppressionReason::Suppressed
        );
        assert_eq!(
            values.reason_of(100000000, "Unsubscribed"),
            SuppressionReason::Unsubscribed
        );
        assert_eq!(values.connector_solution(), "dotmailerCRMConnector");
    }

    proptest::proptest! {
        /// Any parameter string gives a configuration or a readable message, never a panic.
        #[test]
        fn any_parameter_string_is_parsed_or_refused(text in "\\PC{0,300}") {
            if let Err(message) = MappingConfig::parse(&text, json) {
                proptest::prop_assert_eq!(message.key, MessageKey::ConfigInvalid);
            }
        }
    }
}
