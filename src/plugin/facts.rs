//! The record's facts: what the form needs from the Web API, read in one round trip (the
//! record's saved state, the contact, the notes, the user's roles, the connector; before 9.0
//! the user's strings beside it), and the problems of that read shown on the form.

use crate::prelude::*;

use super::session::{self, Facts, Session};
use super::{cache, clock, view};
use crate::dataverse::batch::BatchPart;
use crate::dataverse::error::ApiError;
use crate::dataverse::guid::Guid;
use crate::dataverse::http::ApiResponse;
use crate::dataverse::queries::{self, LoadPart, LoadRequest, RecordState};
use crate::dataverse::retry::{BatchRounds, NextRound, RetryPolicy};
use crate::dataverse::transport::WebApi;
use crate::domain::compatibility::{check, ConnectorReading};
use crate::domain::messages::{Message, MessageKey};
use crate::domain::text::decimal;
use crate::xrm::Level;
use alloc::boxed::Box;

/// What the load batch needs from the session, owned (the session is not borrowed across the
/// wait).
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

/// What the load read, gathered as its answers come in.
struct Gathered {
    state: RecordState,
    contact_flags: Option<queries::ContactFlags>,
    is_admin: Option<bool>,
    notes: Vec<crate::domain::lifecycle::NoteFact>,
    reading: Option<ConnectorReading>,
    /// A solution taken for the connector because none has the configured name (admins are
    /// told).
    taken: Option<queries::SolutionRow>,
    problems: Vec<Message>,
    /// Whether the record's state and the notes were read (a pending request is seen).
    verified: bool,
}

impl Gathered {
    /// The answers of the load batch, part by part.
    fn batch(
        &mut self,
        plan: &Plan,
        kinds: &[LoadPart],
        answer: Result<Vec<ApiResponse>, ApiError>,
    ) {
        let request_columns = [
            plan.request_columns[0].as_str(),
            plan.request_columns[1].as_str(),
        ];
        let responses = match answer {
            Ok(responses) => responses,
            Err(error) => {
                self.verified = false;
                self.reading = self.reading.take().or(Some(ConnectorReading::Unreadable {
                    why: error.detail.clone(),
                }));
                self.problems.push(error.message());
                return;
            }
        };
        for (kind, response) in kinds.iter().zip(responses.iter()) {
            match kind {
                LoadPart::Record => match queries::read_record(response, request_columns) {
                    Ok(state) => self.state = state,
                    Err(e) => {
                        self.verified = false;
                        self.problems.push(if response.status == 404 {
                            Message::new(MessageKey::PluginEntitySetWrong)
                                .with("set", plan.entity_set.clone())
                        } else {
                            e.message()
                        });
                    }
                },
                LoadPart::Contact => self.contact_flags = queries::read_contact(response).ok(),
                LoadPart::Notes => match queries::read_notes(response) {
                    Ok(notes) => self.notes = notes,
                    Err(e) => {
                        self.verified = false;
                        self.problems.push(e.message());
                    }
                },
                LoadPart::Roles => self.is_admin = queries::read_is_admin(response).ok(),
                LoadPart::Connector => {
                    let (read, took) = connector_reading(response, &plan.solution);
                    (self.reading, self.taken) = (Some(read), took);
                }
            }
        }
    }
}

/// One round trip: record state, contact flags, notes and (unless cached) the connector;
/// `then` gets the facts (after this call returns).
pub fn read(plan: Plan, then: impl FnOnce(Facts) + 'static) {
    let mut gathered = Gathered {
        state: RecordState {
            active: true,
            ..RecordState::default()
        },
        contact_flags: None,
        is_admin: None,
        notes: Vec::new(),
        reading: plan.cached.clone(),
        taken: None,
        problems: Vec::new(),
        verified: true,
    };
    let connector = gathered.reading.is_none().then(|| plan.solution.clone());
    if let Some(record) = &plan.record {
        let (parts, kinds) = queries::load_batch(&LoadRequest {
            entity_set: &plan.entity_set,
            record,
            request_columns: [
                plan.request_columns[0].as_str(),
                plan.request_columns[1].as_str(),
            ],
            contact: plan.contact.as_ref(),
            connector_solution: connector.as_deref(),
            user: plan.user.as_ref(),
        });
        let api = plan.api.clone();
        send_load_batch(
            api,
            parts,
            Box::new(move |answer| {
                gathered.batch(&plan, &kinds, answer);
                finish(plan, gathered, then);
            }),
        );
    } else if let Some(name) = connector {
        let api = plan.api.clone();
        api.send(&queries::solution_version(&name), move |answer| {
            gathered.reading = Some(match answer {
                Ok(response) => {
                    let (read, took) = connector_reading(&response, &name);
                    gathered.taken = took;
                    read
                }
                Err(error) => ConnectorReading::Unreadable { why: error.detail },
            });
            finish(plan, gathered, then);
        });
    } else {
        crate::shell::soon(move || finish(plan, gathered, then));
    }
}

/// What the load read, said on the form and turned into the facts, once the user's strings
/// read by URL beside the batch are in (before 9.0; the English file's if the language's could
/// not be read; each text naming its key if neither could).
fn finish(plan: Plan, gathered: Gathered, then: impl FnOnce(Facts) + 'static) {
    let reading = gathered
        .reading
        .clone()
        .unwrap_or(ConnectorReading::Unreadable {
            why: "no answer".into(),
        });
    // Only a reading taken now is cached: writing back a cached one would renew its date, and
    // a session that keeps loading forms would never read the connector again.
    if plan.cached.is_none() {
        cache::put(&plan.api.client_url, &plan.solution, &reading, clock::now());
    }
    super::strings::when_ready(move || {
        let _ = session::with(|s| {
            // Roles that could not be read leave what was known (a non-administrator at first).
            if let Some(admin) = gathered.is_admin {
                s.is_admin = admin;
                super::strings::set_admin(admin);
            }
            let shown: Vec<Message> = gathered
                .problems
                .iter()
                .map(|p| {
                    Message::new(MessageKey::PluginLoadFailed)
                        .with("problem", super::strings::text(p))
                })
                .collect();
            view::show(s, view::LOAD, Level::Warning, &shown);
            if let Some(row) = gathered.taken.as_ref().filter(|_| s.is_admin) {
                let notice = Message::new(MessageKey::SetupConnectorTaken)
                    .with("configured", plan.solution.clone())
                    .with("taken", row.unique_name.clone())
                    .with("friendly", row.friendly_name.clone());
                view::show(s, CONNECTOR_TAKEN, Level::Info, &[notice]);
            }
        });
        let values = plan.form_values;
        let state = gathered.state;
        let mut facts = Facts {
            // The record as stored wins over the form, which may hold unsaved edits.
            saved_flag: state.request_flag.unwrap_or(values.flag),
            saved_date: state.request_date.or(values.date),
            reason: values.reason,
            suppressed_on: state.created_on,
            active: state.active,
            contact: values.contact,
            contact_flags: gathered.contact_flags,
            notes: gathered.notes,
            verified: gathered.verified,
            compatibility: check(&plan.org_version, &reading),
            lifecycle: crate::domain::lifecycle::Lifecycle::NotRequested,
            record: plan.record.clone(),
        };
        facts.derive_lifecycle(&plan.patterns);
        then(facts);
    });
}

/// What the load batch's answers go to.
type Answered = Box<dyn FnOnce(Result<Vec<ApiResponse>, ApiError>)>;

/// Sends the load batch and hands `then` one response per part, trying again within a few
/// seconds when Dynamics is busy or the network failed (the form stays usable meanwhile: a
/// save waits for the facts); the parts after one that stopped the batch are sent again
/// ([`BatchRounds`]), so one refused read costs the others nothing.
fn send_load_batch(api: WebApi, parts: Vec<BatchPart>, then: Answered) {
    let policy = RetryPolicy {
        max_attempts: 3,
        budget_ms: 6_000,
        ..Default::default()
    };
    let rounds = BatchRounds::new(parts.len(), policy);
    send_round(api, parts, rounds, then);
}

/// One round of the load batch: the parts not answered yet.
fn send_round(api: WebApi, parts: Vec<BatchPart>, mut rounds: BatchRounds, then: Answered) {
    let batch_id = ["rsub", &decimal(clock::now().millis())].concat();
    let rest = parts[rounds.unanswered()..].to_vec();
    let sender = api.clone();
    sender.send_batch(rest, &batch_id, move |answer| {
        match rounds.answered(answer) {
            NextRound::Send => send_round(api, parts, rounds, then),
            NextRound::Wait(delay) => {
                clock::after(delay, move || send_round(api, parts, rounds, then))
            }
            NextRound::Done(answer) => then(answer),
        }
    });
}
