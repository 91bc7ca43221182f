//! The `/_emulator/` control surface used by tests and the demo's side panel: connector
//! simulation (`sync`, contact `confirm` / `report-abuse`), fault injection, the request log,
//! settings, a user's security roles (`users/<id>/roles`), the configuration page's setup
//! (`systemforms/<id>` FormXml, `privileges` of every role, provisioned `languages`), reset and a
//! state dump. Errors use the same `{"error":{"code","message"}}` shape as
//! the Web API, with code `"emulator"`. These calls are not logged and never fault.

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, Response, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::clock::Timestamp;
use crate::connector::ContactActionError;
use crate::faults::FaultRule;
use crate::guid::Guid;
use crate::handle::Emulator;
use crate::odata::percent_decode;
use crate::schema::names;
use crate::state::World;

/// The control routes.
pub fn router() -> Router<Emulator> {
    Router::new()
        .route("/_emulator/sync", post(sync))
        .route("/_emulator/contacts/{email}/confirm", post(confirm))
        .route(
            "/_emulator/contacts/{email}/report-abuse",
            post(report_abuse),
        )
        .route(
            "/_emulator/faults",
            post(arm_fault).get(list_faults).delete(clear_faults),
        )
        .route(
            "/_emulator/requests",
            get(list_requests).delete(clear_requests),
        )
        .route(
            "/_emulator/users/{id}/roles",
            get(get_user_roles).post(set_user_roles),
        )
        .route("/_emulator/systemforms/{id}", get(get_form).post(set_form))
        .route("/_emulator/privileges", post(set_privilege))
        .route("/_emulator/languages", post(set_languages))
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/settings", get(get_settings).post(set_settings))
        .route("/_emulator/state", get(state))
}

fn json_response(status: StatusCode, value: &Value) -> Response<Body> {
    let mut response = Response::new(Body::from(serde_json::to_vec(value).unwrap_or_default()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

fn error(status: StatusCode, message: impl Into<String>) -> Response<Body> {
    json_response(
        status,
        &json!({ "error": { "code": "emulator", "message": message.into() } }),
    )
}

fn no_content() -> Response<Body> {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

fn parse_json(body: &Bytes) -> Result<Value, Box<Response<Body>>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {e}"),
        ))
    })
}

async fn sync(State(emulator): State<Emulator>) -> Response<Body> {
    let report = {
        let mut guard = emulator.world();
        let world = &mut *guard;
        world
            .connector
            .sync(emulator.model(), &mut world.store, Timestamp::now())
    };
    json_response(StatusCode::OK, &json!(report))
}

async fn confirm(State(emulator): State<Emulator>, Path(email): Path<String>) -> Response<Body> {
    contact_action(&emulator, &email, true)
}

async fn report_abuse(
    State(emulator): State<Emulator>,
    Path(email): Path<String>,
) -> Response<Body> {
    contact_action(&emulator, &email, false)
}

fn contact_action(emulator: &Emulator, email: &str, confirmed: bool) -> Response<Body> {
    let email = percent_decode(email, false).unwrap_or_else(|| email.to_string());
    let result = {
        let mut guard = emulator.world();
        let world = &mut *guard;
        if confirmed {
            world
                .connector
                .confirm(emulator.model(), &world.store, &email)
        } else {
            world
                .connector
                .report_abuse(emulator.model(), &world.store, &email)
        }
    };
    match result {
        Ok(id) => json_response(
            StatusCode::OK,
            &json!({
                "suppression": id,
                "email": email,
                "state": if confirmed { "confirmed" } else { "abuseReported" },
                "appliedAt": "next sync",
            }),
        ),
        Err(ContactActionError::UnknownAddress) => error(
            StatusCode::NOT_FOUND,
            format!("no suppression has the address {email}"),
        ),
        Err(ContactActionError::NothingAwaitingConfirmation) => error(
            StatusCode::CONFLICT,
            format!("no resubscription confirmation email is out for {email}; run a sync after ticking Request Resubscribe"),
        ),
    }
}

async fn arm_fault(State(emulator): State<Emulator>, body: Bytes) -> Response<Body> {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(response) => return *response,
    };
    let rule: FaultRule = match serde_json::from_value(value) {
        Ok(rule) => rule,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("not a fault rule: {e} (expected {{\"method\":\"POST\",\"path\":\"annotations\",\"count\":2,\"fault\":{{\"kind\":\"status\",\"status\":429,\"retryAfter\":2}}}})"),
            )
        }
    };
    if let Err(message) = rule.validate() {
        return error(StatusCode::BAD_REQUEST, message);
    }
    emulator.world().faults.arm(rule.clone());
    json_response(StatusCode::CREATED, &json!({ "armed": rule }))
}

async fn list_faults(State(emulator): State<Emulator>) -> Response<Body> {
    let rules = emulator.world().faults.rules().to_vec();
    json_response(StatusCode::OK, &json!({ "faults": rules }))
}

async fn clear_faults(State(emulator): State<Emulator>) -> Response<Body> {
    emulator.world().faults.clear();
    no_content()
}

async fn list_requests(State(emulator): State<Emulator>) -> Response<Body> {
    json_response(StatusCode::OK, &json!({ "requests": emulator.requests() }))
}

async fn clear_requests(State(emulator): State<Emulator>) -> Response<Body> {
    emulator.world().log.clear();
    no_content()
}

/// `{"user": <id>, "roles": [{"roleid", "name", "_roletemplateid_value"}]}` for a user.
fn user_roles_json(world: &World, user: Guid) -> Value {
    let roles: Vec<Value> = world
        .user_roles
        .get(&user)
        .into_iter()
        .flatten()
        .filter_map(|role| world.store.get(names::ROLE, *role))
        .map(|r| {
            json!({
                "roleid": r.get("roleid"),
                "name": r.get("name"),
                "_roletemplateid_value": r.get("_roletemplateid_value"),
            })
        })
        .collect();
    json!({ "user": user, "roles": roles })
}

fn known_user(world: &World, text: &str) -> Result<Guid, Box<Response<Body>>> {
    let text = text.trim_start_matches('{').trim_end_matches('}');
    match Guid::parse(text) {
        Some(id) if world.store.get(names::SYSTEMUSER, id).is_some() => Ok(id),
        Some(_) => Err(Box::new(error(
            StatusCode::NOT_FOUND,
            format!("no systemuser has the id {text}"),
        ))),
        None => Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            format!("'{text}' is not a GUID"),
        ))),
    }
}

async fn get_user_roles(
    State(emulator): State<Emulator>,
    Path(id): Path<String>,
) -> Response<Body> {
    let world = emulator.world();
    match known_user(&world, &id) {
        Ok(user) => json_response(StatusCode::OK, &user_roles_json(&world, user)),
        Err(response) => *response,
    }
}

/// Replaces a user's roles: `{"roles": [<role id>, …]}` (order kept, duplicates refused).
async fn set_user_roles(
    State(emulator): State<Emulator>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response<Body> {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(response) => return *response,
    };
    let mut world = emulator.world();
    let user = match known_user(&world, &id) {
        Ok(user) => user,
        Err(response) => return *response,
    };
    let Some(items) = value.get("roles").and_then(Value::as_array) else {
        return error(
            StatusCode::BAD_REQUEST,
            "expected {\"roles\": [\"<role id>\", …]}",
        );
    };
    let mut roles = Vec::new();
    for item in items {
        let text = item
            .as_str()
            .unwrap_or("")
            .trim_start_matches('{')
            .trim_end_matches('}');
        let Some(role) = Guid::parse(text) else {
            return error(
                StatusCode::BAD_REQUEST,
                format!("role ids must be GUID strings, got {item}"),
            );
        };
        if world.store.get(names::ROLE, role).is_none() {
            return error(StatusCode::NOT_FOUND, format!("no role has the id {role}"));
        }
        if roles.contains(&role) {
            return error(
                StatusCode::BAD_REQUEST,
                format!("the role {role} is listed twice"),
            );
        }
        roles.push(role);
    }
    world.user_roles.insert(user, roles);
    json_response(StatusCode::OK, &user_roles_json(&world, user))
}

async fn reset(State(emulator): State<Emulator>) -> Response<Body> {
    emulator.reset();
    no_content()
}

async fn get_settings(State(emulator): State<Emulator>) -> Response<Body> {
    json_response(StatusCode::OK, &json!(emulator.settings()))
}

async fn set_settings(State(emulator): State<Emulator>, body: Bytes) -> Response<Body> {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(response) => return *response,
    };
    match emulator.apply_settings(&value) {
        Ok(settings) => json_response(StatusCode::OK, &json!(settings)),
        Err(message) => error(StatusCode::BAD_REQUEST, message),
    }
}

async fn state(State(emulator): State<Emulator>) -> Response<Body> {
    json_response(StatusCode::OK, &emulator.state_json())
}

/// `GET /_emulator/systemforms/<id>`: `{"name", "formxml"}` of a form.
async fn get_form(State(emulator): State<Emulator>, Path(id): Path<String>) -> Response<Body> {
    let Some(id) = Guid::parse(&id) else {
        return error(StatusCode::BAD_REQUEST, format!("'{id}' is not a form id"));
    };
    let world = emulator.world();
    match world.store.get(names::SYSTEMFORM, id) {
        Some(form) => json_response(
            StatusCode::OK,
            &json!({ "name": form.str("name"), "formxml": form.str("formxml") }),
        ),
        None => error(StatusCode::NOT_FOUND, format!("no form {id}")),
    }
}

/// `POST /_emulator/systemforms/<id>` with `{"formxml": "…"}`: replaces the form's FormXml, as a
/// customizer's publish would.
async fn set_form(
    State(emulator): State<Emulator>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response<Body> {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(response) => return *response,
    };
    let Some(id) = Guid::parse(&id) else {
        return error(StatusCode::BAD_REQUEST, format!("'{id}' is not a form id"));
    };
    let Some(formxml) = value.get("formxml").and_then(Value::as_str) else {
        return error(
            StatusCode::BAD_REQUEST,
            "expected {\"formxml\": \"<form>…</form>\"}",
        );
    };
    let model = emulator.model();
    let mut world = emulator.world();
    if world.store.get(names::SYSTEMFORM, id).is_none() {
        return error(StatusCode::NOT_FOUND, format!("no form {id}"));
    }
    let Some(table) = model.schema.by_logical(names::SYSTEMFORM) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "no systemform table");
    };
    let changes = crate::store::Changes::default().set("formxml", formxml);
    model.write(
        &mut world.store,
        table,
        id,
        changes,
        crate::seed::id(crate::seed::DEMO_USER),
        Timestamp::now(),
    );
    no_content()
}

/// `POST /_emulator/privileges` with `{"privilege": "prvCreateNote", "granted": false}`: takes
/// the privilege from (or gives it to) every role.
async fn set_privilege(State(emulator): State<Emulator>, body: Bytes) -> Response<Body> {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(response) => return *response,
    };
    let (Some(name), Some(granted)) = (
        value.get("privilege").and_then(Value::as_str),
        value.get("granted").and_then(Value::as_bool),
    ) else {
        return error(
            StatusCode::BAD_REQUEST,
            "expected {\"privilege\": \"prvCreateNote\", \"granted\": true|false}",
        );
    };
    let Some(privilege) = crate::setup::privilege_id(name) else {
        let known: Vec<&str> = crate::setup::PRIVILEGES.iter().map(|(n, _)| *n).collect();
        return error(
            StatusCode::BAD_REQUEST,
            format!("unknown privilege '{name}' (known: {})", known.join(", ")),
        );
    };
    let mut world = emulator.world();
    for privileges in world.role_privileges.values_mut() {
        privileges.retain(|p| *p != privilege);
        if granted {
            privileges.push(privilege);
        }
    }
    no_content()
}

/// `POST /_emulator/languages` with `[1033, 1031]`: what `RetrieveProvisionedLanguages()`
/// answers.
async fn set_languages(State(emulator): State<Emulator>, body: Bytes) -> Response<Body> {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(response) => return *response,
    };
    let languages: Option<Vec<u32>> = value.as_array().and_then(|items| {
        items
            .iter()
            .map(|v| v.as_u64().and_then(|n| u32::try_from(n).ok()))
            .collect()
    });
    match languages {
        Some(languages) if !languages.is_empty() => {
            emulator.world().provisioned_languages = languages;
            no_content()
        }
        _ => error(
            StatusCode::BAD_REQUEST,
            "expected a non-empty list of LCIDs, e.g. [1033, 1031]",
        ),
    }
}
