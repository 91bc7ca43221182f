//! The record's facts: what the form needs from the Web API, read in one round trip (the
//! record's saved state, the contact, the notes, the user's roles, the connector; before 9.0
//! the user's strings beside it), and the problems of that read shown on the form.

use crate::prelude::*;

use super::session::{self, Facts, Session};
use super::{cache, clock, view};
use crate::dataverse::batch::BatchPart;
use crate::dataverse::error::ApiError;
use crate::dataverse::guid::Guid;
use crate::dataverse::queries::{self, LoadPart, LoadRequest, RecordState};
use crate::dataverse::transport::WebApi;
use crate::domain::compatibility::{check, ConnectorReading};
use crate::domain::messages::{Message, MessageKey};
use crate::domain::text::decimal;
use crate::xrm::Level;

/// What the load batch needs from the session, owned (the session is not borrowed across the
/// await).
pub struct Plan {
    record: Option<Guid>,
    api: WebApi,
    entity_set: String,
    contact: Option<Guid>,
    user: Option<Guid>,
    solution: String,
    cached: Option<ConnectorReading>,
    org_version: String,
    request_columns: [String; 2],
    form_values: FormValues,
    patterns: crate::domain::lifecycle::LifecyclePatterns,
}

impl Plan {
    /// The cached connector verdict, if any: what OnLoad decides before the round trip.
    pub fn cached(&self) -> Option<crate::domain::compatibility::Compatibility> {
        self.cached
            .as_ref()
            .map(|reading| check(&self.org_version, reading))
    }

    /// The box as the form shows it at load.
    pub fn flag(&self) -> bool {
        self.form_values.flag
    }

    /// The reason on the form.
    pub fn reason(&self) -> Option<&crate::domain::eligibility::SuppressionReason> {
        self.form_values.reason.as_ref()
    }
}

/// The saved values the form shows at load (after it, the saved values read before).
struct FormValues {
    flag: bool,
    date: Option<crate::domain::time::Timestamp>,
    reason: Option<crate::domain::eligibility::SuppressionReason>,
    contact: Option<crate::xrm::form::LookupRef>,
}

/// What reading the facts of the session's form needs.
pub fn plan(session: &Session) -> Plan {
    let form = &session.form;
    let mapping = &session.mapping;
    let contact = mapping
        .contact
        .as_ref()
        .and_then(|c| form.lookup_value(c).ok().flatten());
    let reason = session.form_reason().map(|(reason, _)| reason);
    let solution = session.config.connector_solution().to_owned();
    // At load the form shows the saved request; on a refresh it may hold unsaved edits, so the
    // saved values read before stand in for a record that cannot be read again.
    let (flag, date) = match &session.facts {
        Some(facts) => (facts.saved_flag, facts.saved_date),
        None => (
            form.bool_value(&mapping.request_resubscribe)
                .ok()
                .flatten()
                .unwrap_or(false),
            form.date_value(&mapping.request_date)
                .ok()
                .flatten()
                .map(crate::domain::time::Timestamp),
        ),
    };
    Plan {
        record: session.record.clone(),
        api: session.api.clone(),
        entity_set: session.entity_set.clone(),
        contact: contact.as_ref().and_then(|c| Guid::parse(&c.id).ok()),
        user: Guid::parse(&session.global.user_id).ok(),
        cached: cache::get(&session.global.client_url, &solution, clock::now()),
        solution,
        org_version: session.global.version.clone(),
        request_columns: mapping.request_columns(),
        form_values: FormValues {
            flag,
            date,
            reason,
            contact,
        },
        patterns: session
            .config
            .lifecycle_patterns
            .clone()
            .unwrap_or_default(),
    }
}

/// The notification telling administrators which solution was taken for the connector.
const CONNECTOR_TAKEN: &str = "rsub.connectorTaken";

/// The connector reading of the solutions read, and the solution taken when none has the
/// configured name but one looks like the connector.
fn connector_reading(
    response: &crate::dataverse::http::ApiResponse,
    configured: &str,
) -> (ConnectorReading, Option<queries::SolutionRow>) {
    match queries::read_connector_pick(response, configured) {
        Ok(pick) => {
            let reading = pick.reading();
            match pick {
                queries::ConnectorPick::Taken(row) => (reading, Some(row)),
                _ => (reading, None),
            }
        }
        Err(error) => (ConnectorReading::Unreadable { why: error.detail }, None),
    }
}

/// One round trip: record state, contact flags, notes and (unless cached) the connector.
pub async fn read(plan: Plan) -> Facts {
    let record = plan.record.as_ref();
    let mut state = RecordState {
        active: true,
        ..RecordState::default()
    };
    let mut contact_flags = None;
    let mut is_admin = None;
    let mut notes = Vec::new();
    let mut reading = plan.cached.clone();
    // A solution taken for the connector because none has the configured name (admins are told).
    let mut taken: Option<queries::SolutionRow> = None;
    let mut problems: Vec<Message> = Vec::new();
    // Whether the record's state and the notes were read (a pending request is seen).
    let mut verified = true;

    let connector = reading.is_none().then_some(plan.solution.as_str());
    let request_columns = [
        plan.request_columns[0].as_str(),
        plan.request_columns[1].as_str(),
    ];
    if let Some(record) = record {
        let (parts, kinds) = queries::load_batch(&LoadRequest {
            entity_set: &plan.entity_set,
            record,
            request_columns,
            contact: plan.contact.as_ref(),
            connector_solution: connector,
            user: plan.user.as_ref(),
        });
        match send_load_batch(&plan.api, &parts).await {
            Ok(responses) => {
                for (kind, response) in kinds.iter().zip(responses.iter()) {
                    match kind {
                        LoadPart::Record => match queries::read_record(response, request_columns) {
                            Ok(s) => state = s,
                            Err(e) => {
                                verified = false;
                                problems.push(if response.status == 404 {
                                    Message::new(MessageKey::PluginEntitySetWrong)
                                        .with("set", plan.entity_set.clone())
                                } else {
                                    e.message()
                                });
                            }
                        },
                        LoadPart::Contact => contact_flags = queries::read_contact(response).ok(),
                        LoadPart::Notes => match queries::read_notes(response) {
                            Ok(n) => notes = n,
                            Err(e) => {
                                verified = false;
                                problems.push(e.message());
                            }
                        },
                        LoadPart::Roles => is_admin = queries::read_is_admin(response).ok(),
                        LoadPart::Connector => {
                            let (read, took) = connector_reading(response, &plan.solution);
                            (reading, taken) = (Some(read), took);
                        }
                    }
                }
            }
            Err(error) => {
                verified = false;
                reading = reading.or(Some(ConnectorReading::Unreadable {
                    why: error.detail.clone(),
                }));
                problems.push(error.message());
            }
        }
    } else if let Some(name) = connector {
        reading = Some(
            match plan.api.send(&queries::solution_version(name)).await {
                Ok(response) => {
                    let (read, took) = connector_reading(&response, name);
                    taken = took;
                    read
                }
                Err(error) => ConnectorReading::Unreadable { why: error.detail },
            },
        );
    }
    let reading = reading.unwrap_or(ConnectorReading::Unreadable {
        why: "no answer".into(),
    });
    // Only a reading taken now is cached: writing back a cached one would renew its date, and
    // a session that keeps loading forms would never read the connector again.
    if plan.cached.is_none() {
        cache::put(&plan.api.client_url, &plan.solution, &reading, clock::now());
    }
    // Before 9.0 the user's strings are read by URL beside the batch: what follows is said with
    // them (or in English if they could not be read).
    super::strings::ready().await;
    let _ = session::with(|s| {
        // Roles that could not be read leave what was known (a non-administrator at first).
        if let Some(admin) = is_admin {
            s.is_admin = admin;
            super::strings::set_admin(admin);
        }
        let shown: Vec<Message> = problems
            .iter()
            .map(|p| {
                Message::new(MessageKey::PluginLoadFailed).with("problem", super::strings::text(p))
            })
            .collect();
        view::show(s, view::LOAD, Level::Warning, &shown);
        if let Some(row) = taken.as_ref().filter(|_| s.is_admin) {
            let notice = Message::new(MessageKey::SetupConnectorTaken)
                .with("configured", plan.solution.clone())
                .with("taken", row.unique_name.clone())
                .with("friendly", row.friendly_name.clone());
            view::show(s, CONNECTOR_TAKEN, Level::Info, &[notice]);
        }
    });
    let values = plan.form_values;
    let mut facts = Facts {
        // The record as stored wins over the form, which may hold unsaved edits.
        saved_flag: state.request_flag.unwrap_or(values.flag),
        saved_date: state.request_date.or(values.date),
        reason: values.reason,
        suppressed_on: state.created_on,
        active: state.active,
        contact: values.contact,
        contact_flags,
        notes,
        verified,
        compatibility: check(&plan.org_version, &reading),
        lifecycle: crate::domain::lifecycle::Lifecycle::NotRequested,
        record: plan.record.clone(),
    };
    facts.derive_lifecycle(&plan.patterns);
    facts
}

/// Sends the load batch and returns one response per part, trying again within a few seconds
/// when Dynamics is busy or the network failed (the form stays usable meanwhile: a save waits
/// for the facts). A batch that stopped at a failed part (Dataverse without
/// `odata.continue-on-error`, and 8.2 and 9.0 always) has answered the parts up to it: the
/// parts after it are sent again, so one refused read costs the others nothing.
async fn send_load_batch(
    api: &WebApi,
    parts: &[BatchPart],
) -> Result<Vec<crate::dataverse::http::ApiResponse>, ApiError> {
    let policy = crate::dataverse::retry::RetryPolicy {
        max_attempts: 3,
        budget_ms: 6_000,
        ..Default::default()
    };
    let (mut attempts, mut waited) = (0, 0);
    let mut answered = Vec::with_capacity(parts.len());
    loop {
        let rest = &parts[answered.len()..];
        let batch_id = ["rsub", &decimal(clock::now().millis())].concat();
        match api.send_batch(rest, &batch_id).await {
            Ok(responses) if responses.is_empty() => {
                return Err(ApiError::unexpected(200, "an empty batch answer"));
            }
            Ok(responses) => {
                answered.extend(responses);
                if answered.len() >= parts.len() {
                    return Ok(answered);
                }
            }
            Err(error) => {
                attempts += 1;
                match policy.delay_before_retry(&error, attempts, waited) {
                    Some(delay) => {
                        clock::sleep(delay).await;
                        waited += delay;
                    }
                    None => return Err(error),
                }
            }
        }
    }
}
