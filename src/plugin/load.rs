//! OnLoad: read the form, fetch what it needs in one Web API round trip, and show where things
//! stand.

use crate::prelude::*;
use wasm_bindgen::JsValue;

use super::session::{self, Facts, Session};
use super::{cache, clock, view};
use crate::dataverse::batch::BatchPart;
use crate::dataverse::error::ApiError;
use crate::dataverse::guid::Guid;
use crate::dataverse::http::ApiVersion;
use crate::dataverse::queries::{self, LoadPart, LoadRequest, RecordState};
use crate::dataverse::transport::WebApi;
use crate::domain::compatibility::{check, ConnectorReading};
use crate::domain::mapping::{ColumnMapping, FormAttribute, MappingConfig};
use crate::domain::messages::{Message, MessageKey};
use crate::domain::text::decimal;
use crate::xrm::{Form, GlobalContext, Level};

/// What the asynchronous half of OnLoad needs.
pub struct Pending {
    record: Option<Guid>,
    plan: Plan,
}

/// The synchronous half of OnLoad: reads configuration and form, starts the session (so an
/// OnSave right after can already hold a request back). `None` when the plugin cannot run
/// here (the reason is shown on the form).
pub fn start(
    execution_context: &JsValue,
    parameters: Option<&str>,
) -> Result<Option<Pending>, JsValue> {
    let form =
        Form::from_execution_context(execution_context).map_err(|e| JsValue::from(e.describe()))?;
    let Some(session) = configure(&form, execution_context, parameters) else {
        return Ok(None);
    };
    let plan = session_request(&session);
    let cached = plan
        .cached
        .as_ref()
        .map(|reading| check(&plan.org_version, reading));
    view::render_decision(
        &session,
        plan.form_values.reason.as_ref(),
        cached.as_ref(),
        plan.form_values.flag,
    );
    let pending = Pending {
        record: session.record.clone(),
        plan,
    };
    session::start(session);
    Ok(Some(pending))
}

/// The asynchronous half of OnLoad: one Web API round trip, then the inline state.
pub async fn finish(pending: Pending) {
    let facts = read_facts(pending.record.as_ref(), pending.plan).await;
    let resave = session::with(|s| {
        s.facts = Some(facts);
        view::render_state(s);
        take_held_save(s)
    });
    if let Some((form, close)) = resave.flatten() {
        super::save::save_again(form, close).await;
    }
}

/// The save held until the facts were read, if any: the form and whether it was Save & Close.
fn take_held_save(s: &mut Session) -> Option<(Form, bool)> {
    s.held_save.take().map(|close| (s.form.clone(), close))
}

/// Reads configuration, columns and context; shows what is wrong and returns `None` when the
/// plugin cannot run on this form.
fn configure(
    form: &Form,
    execution_context: &JsValue,
    parameters: Option<&str>,
) -> Option<Session> {
    let problem = |messages: &[Message]| {
        let text = super::strings::joined(messages);
        form.form_notification(view::CONFIG, Level::Error, Some(&text));
    };
    let global = match GlobalContext::read(execution_context) {
        Ok(global) => global,
        Err(e) => {
            problem(&[Message::new(MessageKey::PluginNoClientApi).with("detail", e.describe())]);
            return None;
        }
    };
    super::strings::set_language(global.language);
    let config = match MappingConfig::parse(
        parameters.unwrap_or_default(),
        crate::dataverse::json::Json::parse,
    ) {
        Ok(config) => config,
        Err(message) => {
            problem(&[message]);
            return None;
        }
    };
    let attributes: Vec<FormAttribute> = form
        .attributes()
        .unwrap_or_default()
        .into_iter()
        .map(|a| FormAttribute {
            name: a.name,
            kind: a.kind,
            label: a.label,
        })
        .collect();
    let mapping = match ColumnMapping::resolve(&config, &attributes) {
        Ok(mapping) => mapping,
        Err(messages) => {
            problem(&messages);
            return None;
        }
    };
    let Some(version) = ApiVersion::for_org_version(&global.version) else {
        problem(
            &[Message::new(MessageKey::PluginNoWebApi).with("version", global.version.clone())],
        );
        return None;
    };
    form.form_notification(view::CONFIG, Level::Error, None);
    let table = form.entity_name().unwrap_or_default();
    let entity_set = config
        .entity_set
        .clone()
        .unwrap_or_else(|| [table.as_str(), "s"].concat());
    let record = form
        .record_id()
        .ok()
        .flatten()
        .and_then(|id| Guid::parse(&id).ok());
    hook_events(form, &mapping);
    Some(Session {
        api: WebApi {
            client_url: global.client_url.clone(),
            version,
        },
        form: form.clone(),
        global,
        config,
        mapping,
        table,
        entity_set,
        record,
        // Known from the user's security roles, read with the load batch.
        is_admin: false,
        facts: None,
        held_save: None,
        closing: false,
        evidence: None,
        pending: None,
    })
}

/// PostSave and the OnChange of the columns a refusal may be about, registered once per form.
fn hook_events(form: &Form, mapping: &ColumnMapping) {
    if !form.mark_once("rsubHooked") {
        return;
    }
    let _ = form.add_on_post_save(&super::handler(super::save::on_post_save));
    let _ = form.add_on_data_load(&super::handler(on_data_load));
    let clear = super::handler(super::save::on_fact_change);
    for column in [&mapping.email, &mapping.reason] {
        let _ = form.add_on_change(column, &clear);
    }
}

/// What the load batch needs from the session, owned (the session is not borrowed across the
/// await).
struct Plan {
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

/// The saved values the form shows at load (after it, the saved values read before).
struct FormValues {
    flag: bool,
    date: Option<crate::domain::time::Timestamp>,
    reason: Option<crate::domain::eligibility::SuppressionReason>,
    contact: Option<crate::xrm::form::LookupRef>,
}

fn session_request(session: &Session) -> Plan {
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
async fn read_facts(record: Option<&Guid>, plan: Plan) -> Facts {
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

/// Data OnLoad: after a refresh (`getDataLoadState()` 3) the record may have moved on (a sync,
/// a colleague): read the facts again and redraw, without reloading the form.
fn on_data_load(execution_context: JsValue) {
    if Form::data_load_state(&execution_context) == Some(3) {
        wasm_bindgen_futures::spawn_local(refresh(false));
    }
}

/// Reads the facts again and redraws. After a save that failed because someone else changed
/// the record (`conflict`), also says what is on the record now. A save held for the read
/// goes on once the read is whole, and is refused with the reason otherwise.
pub async fn refresh(conflict: bool) {
    let Some((record, plan)) = session::with(|s| (s.record.clone(), session_request(s))) else {
        return;
    };
    let facts = read_facts(record.as_ref(), plan).await;
    let resave = session::with(|s| {
        let pending_date = facts
            .lifecycle
            .is_pending()
            .then_some(facts.saved_date)
            .flatten();
        let verified = facts.verified;
        s.facts = Some(facts);
        view::render_state(s);
        if conflict {
            let what = pending_date
                .map(|d| {
                    let requested = Message::new(MessageKey::PluginConflictRequested)
                        .with("date", d.to_display_utc());
                    super::strings::text(&requested)
                })
                .unwrap_or_default();
            let told = Message::new(MessageKey::PluginConflict).with("what", what);
            view::show(s, view::SAVE, Level::Error, &[told]);
        }
        let resave = take_held_save(s);
        if resave.is_some() && !verified {
            let unread = Message::new(MessageKey::SaveRefusedUnverified);
            view::show(s, view::SAVE, Level::Error, &[unread]);
            return None;
        }
        resave
    });
    if let Some((form, close)) = resave.flatten() {
        super::save::save_again(form, close).await;
    }
}
