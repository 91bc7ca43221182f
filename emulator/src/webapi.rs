//! The Web API under `/api/data/vX.Y/`, independent of the HTTP server: an [`ApiRequest`] in, an
//! [`ApiResponse`] out, applied to the [`World`]. The axum edge and `$batch` both call
//! [`handle`]. Serves `RetrieveVersion()`, `WhoAmI()`, `EntityDefinitions(…)` (see
//! [`crate::metadata`]) and, for every table of the schema, collection `GET`/`POST` and
//! single-record `GET`/`PATCH` with Dataverse's shapes, ETags and errors.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::guid::Guid;
use crate::metadata;
use crate::model::Model;
use crate::odata::{
    parse_query, CompareOp, Filter, Literal, Preferences, QueryOptions, StringFunction,
};
use crate::reply::ApiResponse;
use crate::request::ApiRequest;
use crate::schema::{names, Access, Column, Kind, Schema, Table};
use crate::seed;
use crate::state::World;
use crate::store::{Changes, Record};

/// Answers one request (never panics; every failure is a Dataverse error response).
pub fn handle(
    model: &Model,
    world: &mut World,
    request: &ApiRequest,
    now: Timestamp,
) -> ApiResponse {
    match route(model, world, request, now) {
        Ok(response) => response,
        Err(error) => error.into(),
    }
}

fn route(
    model: &Model,
    world: &mut World,
    request: &ApiRequest,
    now: Timestamp,
) -> Result<ApiResponse, ApiError> {
    if !world.settings.serves_api_version(&request.version) {
        return Err(ApiError::segment_not_found(&request.version));
    }
    let pairs = parse_query(&request.query)?;
    let resource = request.resource.as_str();
    match resource {
        "RetrieveVersion()" | "RetrieveVersion" => {
            only_get(request)?;
            Ok(ApiResponse::json(
                200,
                &json!({
                    "@odata.context": format!("{}$metadata#Microsoft.Dynamics.CRM.RetrieveVersionResponse", request.base_url()),
                    "Version": world.settings.org_version,
                }),
            ))
        }
        "WhoAmI()" | "WhoAmI" => {
            only_get(request)?;
            Ok(ApiResponse::json(
                200,
                &json!({
                    "@odata.context": format!("{}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse", request.base_url()),
                    "BusinessUnitId": seed::BUSINESS_UNIT,
                    "UserId": seed::DEMO_USER,
                    "OrganizationId": seed::ORGANIZATION,
                }),
            ))
        }
        "$batch" => Err(ApiError::new(
            400,
            "0x80060888",
            "A $batch request cannot contain another $batch request.",
        )),
        "RetrieveProvisionedLanguages()" | "RetrieveProvisionedLanguages" => {
            only_get(request)?;
            Ok(crate::setup::provisioned_languages(world, request))
        }
        _ if crate::setup::user_privileges_target(resource).is_some() => {
            let user = crate::setup::user_privileges_target(resource).unwrap_or_default();
            crate::setup::user_privileges(world, request, user)
        }
        _ if resource.starts_with("EntityDefinitions") => {
            metadata::handle(model, request, resource, &pairs)
        }
        _ => entity(model, world, request, &pairs, now),
    }
}

fn only_get(request: &ApiRequest) -> Result<(), ApiError> {
    if request.method == "GET" {
        Ok(())
    } else {
        Err(ApiError::method_not_allowed(&request.method))
    }
}

/// Splits `set` / `set(key)`; anything after the key is an unknown segment.
fn parse_entity_path(resource: &str) -> Result<(&str, Option<&str>), ApiError> {
    let Some(open) = resource.find('(') else {
        if resource.is_empty() || resource.contains('/') {
            return Err(ApiError::segment_not_found(resource));
        }
        return Ok((resource, None));
    };
    let set = &resource[..open];
    let rest = &resource[open + 1..];
    let Some(close) = rest.find(')') else {
        return Err(ApiError::query_syntax());
    };
    let tail = &rest[close + 1..];
    if !tail.is_empty() {
        return Err(ApiError::segment_not_found(tail.trim_start_matches('/')));
    }
    Ok((set, Some(&rest[..close])))
}

fn entity(
    model: &Model,
    world: &mut World,
    request: &ApiRequest,
    pairs: &[(String, String)],
    now: Timestamp,
) -> Result<ApiResponse, ApiError> {
    if let Some((head, nav)) = request.resource.split_once(")/") {
        return navigation(model, world, request, pairs, &format!("{head})"), nav);
    }
    let (set, key) = parse_entity_path(&request.resource)?;
    let table = model
        .schema
        .by_set(set)
        .ok_or_else(|| ApiError::segment_not_found(set))?;
    if table.logical_name == names::SOLUTION && !world.settings.solution_readable {
        return Err(ApiError::privilege_denied("prvReadSolution"));
    }
    let options = QueryOptions::parse(pairs)?;
    check_expand(model, table, &options, &request.method)?;
    match key {
        None => match request.method.as_str() {
            "GET" => list(model, world, request, table, &options),
            "POST" => create(model, world, request, table, &options, now),
            other => Err(ApiError::method_not_allowed(other)),
        },
        Some(key) => {
            let id = Guid::parse(key).ok_or_else(ApiError::query_syntax)?;
            match request.method.as_str() {
                "GET" => retrieve(model, world, request, table, id, &options),
                "PATCH" => update(model, world, request, table, id, &options, now),
                "DELETE" => delete(world, table, id),
                other => Err(ApiError::method_not_allowed(other)),
            }
        }
    }
}

/// `GET <set>(<id>)/<collection nav>?$select=…`: the related records as a collection (only
/// `systemuserroles_association`); `$filter`, `$orderby`, `$top` and `$expand` there are not
/// implemented (501).
fn navigation(
    model: &Model,
    world: &World,
    request: &ApiRequest,
    pairs: &[(String, String)],
    head: &str,
    nav: &str,
) -> Result<ApiResponse, ApiError> {
    let (set, key) = parse_entity_path(head)?;
    let table = model
        .schema
        .by_set(set)
        .ok_or_else(|| ApiError::segment_not_found(set))?;
    let key = key.ok_or_else(ApiError::query_syntax)?;
    let id = Guid::parse(key).ok_or_else(ApiError::query_syntax)?;
    let Some(target) = collection_nav(model, table, nav) else {
        if table.lookup_by_nav(nav).is_some() {
            return Err(ApiError::not_implemented(&format!(
                "The single-valued navigation path '{nav}'"
            )));
        }
        return Err(ApiError::segment_not_found(nav));
    };
    only_get(request)?;
    let options = QueryOptions::parse(pairs)?;
    if options.filter.is_some()
        || options.top.is_some()
        || !options.orderby.is_empty()
        || options.count
        || !options.expand.is_empty()
    {
        return Err(ApiError::not_implemented(
            "A query option other than $select on a navigation path",
        ));
    }
    check_select(target, &options)?;
    if world.store.get(&table.logical_name, id).is_none() {
        return Err(ApiError::record_not_found(
            &table.logical_name,
            &id.to_string(),
        ));
    }
    let prefs = request.preferences();
    let values: Vec<Value> = related(world, table, id, nav)
        .into_iter()
        .filter_map(|other| world.store.get(&target.logical_name, other))
        .map(|r| {
            Value::Object(project(
                &model.schema,
                world,
                target,
                r,
                options.select.as_deref(),
                &prefs,
            ))
        })
        .collect();
    let body = json!({
        "@odata.context": context_url(&request.base_url(), target, &options, false),
        "value": values,
    });
    Ok(with_annotations_applied(
        ApiResponse::json(200, &body),
        &prefs,
        false,
    ))
}

/// `DELETE <set>(<id>)`: 204, or 404 when there is no such record.
fn delete(world: &mut World, table: &Table, id: Guid) -> Result<ApiResponse, ApiError> {
    if world.store.remove(&table.logical_name, id) {
        Ok(ApiResponse::no_content())
    } else {
        Err(ApiError::record_not_found(
            &table.logical_name,
            &id.to_string(),
        ))
    }
}

fn check_select(table: &Table, options: &QueryOptions) -> Result<(), ApiError> {
    for name in options.select.iter().flatten() {
        if table.column_by_property(name).is_none() {
            return Err(ApiError::property_not_found(name, &table.type_name()));
        }
    }
    Ok(())
}

/// The table a collection-valued navigation property of `table` leads to (only the
/// `systemuserroles_association` and `roleprivileges_association` N:N, from either side).
fn collection_nav<'a>(model: &'a Model, table: &Table, nav: &str) -> Option<&'a Table> {
    match (table.logical_name.as_str(), nav) {
        (names::SYSTEMUSER, names::SYSTEMUSERROLES) => model.schema.by_logical(names::ROLE),
        (names::ROLE, names::SYSTEMUSERROLES) => model.schema.by_logical(names::SYSTEMUSER),
        (names::ROLE, names::ROLEPRIVILEGES) => model.schema.by_logical(names::PRIVILEGE),
        (names::PRIVILEGE, names::ROLEPRIVILEGES) => model.schema.by_logical(names::ROLE),
        _ => None,
    }
}

/// `$expand` is served for collection-valued navigation properties on `GET`; a single-valued
/// one (a lookup) is not implemented (501); an unknown name is a 400 like Dataverse's.
fn check_expand(
    model: &Model,
    table: &Table,
    options: &QueryOptions,
    method: &str,
) -> Result<(), ApiError> {
    for item in &options.expand {
        if method != "GET" {
            return Err(ApiError::not_implemented(&format!(
                "$expand on {method} requests"
            )));
        }
        match collection_nav(model, table, &item.nav) {
            Some(target) => {
                for name in item.select.iter().flatten() {
                    if target.column_by_property(name).is_none() {
                        return Err(ApiError::property_not_found(name, &target.type_name()));
                    }
                }
            }
            None if table.lookup_by_nav(&item.nav).is_some() => {
                return Err(ApiError::not_implemented(&format!(
                    "$expand of the single-valued navigation property '{}'",
                    item.nav
                )))
            }
            None => return Err(ApiError::property_not_found(&item.nav, &table.type_name())),
        }
    }
    Ok(())
}

/// The records related to `id` through a collection-valued navigation property.
fn related(world: &World, table: &Table, id: Guid, nav: &str) -> Vec<Guid> {
    match (table.logical_name.as_str(), nav) {
        (names::SYSTEMUSER, names::SYSTEMUSERROLES) => {
            world.user_roles.get(&id).cloned().unwrap_or_default()
        }
        (names::ROLE, names::SYSTEMUSERROLES) => world
            .user_roles
            .iter()
            .filter(|(_, roles)| roles.contains(&id))
            .map(|(user, _)| *user)
            .collect(),
        (names::ROLE, names::ROLEPRIVILEGES) => {
            world.role_privileges.get(&id).cloned().unwrap_or_default()
        }
        (names::PRIVILEGE, names::ROLEPRIVILEGES) => world
            .role_privileges
            .iter()
            .filter(|(_, privileges)| privileges.contains(&id))
            .map(|(role, _)| *role)
            .collect(),
        _ => Vec::new(),
    }
}

/// Adds each `$expand`ed collection to a projected record.
fn add_expansions(
    model: &Model,
    world: &World,
    table: &Table,
    record: &Record,
    options: &QueryOptions,
    prefs: &Preferences,
    body: &mut Map<String, Value>,
) {
    let Some(id) = record.lookup(&table.primary_key) else {
        return;
    };
    for item in &options.expand {
        let Some(target) = collection_nav(model, table, &item.nav) else {
            continue;
        };
        let rows: Vec<Value> = related(world, table, id, &item.nav)
            .into_iter()
            .filter_map(|other| world.store.get(&target.logical_name, other))
            .map(|r| {
                Value::Object(project(
                    &model.schema,
                    world,
                    target,
                    r,
                    item.select.as_deref(),
                    prefs,
                ))
            })
            .collect();
        body.insert(item.nav.clone(), Value::Array(rows));
    }
}

fn context_url(base: &str, table: &Table, options: &QueryOptions, single: bool) -> String {
    let mut items: Vec<String> = options.select.clone().unwrap_or_default();
    for item in &options.expand {
        items.push(format!(
            "{}({})",
            item.nav,
            item.select
                .as_ref()
                .map(|s| s.join(","))
                .unwrap_or_default()
        ));
    }
    let select = if items.is_empty() {
        String::new()
    } else {
        format!("({})", items.join(","))
    };
    let entity = if single { "/$entity" } else { "" };
    format!("{base}$metadata#{}{select}{entity}", table.entity_set)
}

fn retrieve(
    model: &Model,
    world: &World,
    request: &ApiRequest,
    table: &Table,
    id: Guid,
    options: &QueryOptions,
) -> Result<ApiResponse, ApiError> {
    check_select(table, options)?;
    if options.filter.is_some() || options.top.is_some() || !options.orderby.is_empty() {
        return Err(ApiError::new(
            400,
            "0x80060888",
            "The query options $filter, $orderby and $top apply to collections, not to a single record.",
        ));
    }
    let record = world
        .store
        .get(&table.logical_name, id)
        .ok_or_else(|| ApiError::record_not_found(&table.logical_name, &id.to_string()))?;
    if request.header("if-none-match") == Some(record.etag().as_str()) {
        return Ok(ApiResponse {
            status: 304,
            headers: Vec::new(),
            body: Vec::new(),
        });
    }
    let prefs = request.preferences();
    let mut body = project(
        &model.schema,
        world,
        table,
        record,
        options.select.as_deref(),
        &prefs,
    );
    add_expansions(model, world, table, record, options, &prefs, &mut body);
    body.insert(
        "@odata.context".to_string(),
        Value::String(context_url(&request.base_url(), table, options, true)),
    );
    Ok(with_annotations_applied(
        ApiResponse::json(200, &Value::Object(body)),
        &prefs,
        false,
    ))
}

fn list(
    model: &Model,
    world: &World,
    request: &ApiRequest,
    table: &Table,
    options: &QueryOptions,
) -> Result<ApiResponse, ApiError> {
    check_select(table, options)?;
    if let Some(filter) = &options.filter {
        check_filter(table, filter)?;
    }
    for (property, _) in &options.orderby {
        if table.column_by_property(property).is_none() {
            return Err(ApiError::property_not_found(property, &table.type_name()));
        }
    }
    let mut rows: Vec<&Record> = world
        .store
        .all(&table.logical_name)
        .map(|(_, r)| r)
        .filter(|r| options.filter.as_ref().is_none_or(|f| matches(f, r)))
        .collect();
    if !options.orderby.is_empty() {
        let newest_first = options.orderby.first().is_some_and(|(_, desc)| *desc);
        rows.sort_by(|a, b| {
            for (property, descending) in &options.orderby {
                let order = compare_values(a.get(property), b.get(property));
                let order = if *descending { order.reverse() } else { order };
                if order != Ordering::Equal {
                    return order;
                }
            }
            let tie = a.version.cmp(&b.version);
            if newest_first {
                tie.reverse()
            } else {
                tie
            }
        });
    }
    let total = rows.len();
    if let Some(top) = options.top {
        rows.truncate(top);
    }
    let prefs = request.preferences();
    let values: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            let mut row = project(
                &model.schema,
                world,
                table,
                r,
                options.select.as_deref(),
                &prefs,
            );
            add_expansions(model, world, table, r, options, &prefs, &mut row);
            Value::Object(row)
        })
        .collect();
    let mut body = Map::new();
    body.insert(
        "@odata.context".to_string(),
        Value::String(context_url(&request.base_url(), table, options, false)),
    );
    if options.count {
        body.insert("@odata.count".to_string(), json!(total));
    }
    body.insert("value".to_string(), Value::Array(values));
    Ok(with_annotations_applied(
        ApiResponse::json(200, &Value::Object(body)),
        &prefs,
        false,
    ))
}

fn with_annotations_applied(
    response: ApiResponse,
    prefs: &Preferences,
    representation: bool,
) -> ApiResponse {
    let mut applied = Vec::new();
    if representation {
        applied.push("return=representation".to_string());
    }
    if prefs.formatted_values || prefs.lookup_annotations {
        applied.push("odata.include-annotations=\"*\"".to_string());
    }
    if applied.is_empty() {
        response
    } else {
        response.with_header("Preference-Applied", applied.join(","))
    }
}

fn create(
    model: &Model,
    world: &mut World,
    request: &ApiRequest,
    table: &Table,
    options: &QueryOptions,
    now: Timestamp,
) -> Result<ApiResponse, ApiError> {
    check_select(table, options)?;
    let body = json_body(request)?;
    let (mut changes, given_id) = body_changes(&model.schema, world, table, &body)?;
    let id = given_id.unwrap_or_else(Guid::generate);
    if world.store.get(&table.logical_name, id).is_some() {
        return Err(ApiError::duplicate_record());
    }
    reconcile_state(table, &mut changes, None)?;
    model.write(
        &mut world.store,
        table,
        id,
        changes,
        seed::id(seed::DEMO_USER),
        now,
    );
    written(model, world, request, table, id, options, true)
}

fn update(
    model: &Model,
    world: &mut World,
    request: &ApiRequest,
    table: &Table,
    id: Guid,
    options: &QueryOptions,
    now: Timestamp,
) -> Result<ApiResponse, ApiError> {
    check_select(table, options)?;
    let body = json_body(request)?;
    let (mut changes, body_id) = body_changes(&model.schema, world, table, &body)?;
    if body_id.is_some_and(|b| b != id) {
        return Err(ApiError::validation(format!(
            "The value of '{}' in the request body does not match the key in the URL.",
            table.primary_key
        )));
    }
    let existing = world.store.get(&table.logical_name, id);
    match (existing, request.header("if-match")) {
        (None, Some(_)) => {
            return Err(ApiError::record_not_found(
                &table.logical_name,
                &id.to_string(),
            ))
        }
        (Some(record), Some(tag)) if tag != "*" && tag != record.etag() => {
            return Err(ApiError::version_mismatch())
        }
        _ => {}
    }
    if existing.is_some() && request.header("if-none-match") == Some("*") {
        return Err(ApiError::duplicate_record());
    }
    let created = existing.is_none();
    reconcile_state(table, &mut changes, existing)?;
    model.write(
        &mut world.store,
        table,
        id,
        changes,
        seed::id(seed::DEMO_USER),
        now,
    );
    written(model, world, request, table, id, options, created)
}

fn written(
    model: &Model,
    world: &World,
    request: &ApiRequest,
    table: &Table,
    id: Guid,
    options: &QueryOptions,
    created: bool,
) -> Result<ApiResponse, ApiError> {
    let entity_url = format!("{}{}({id})", request.base_url(), table.entity_set);
    let prefs = request.preferences();
    let response = if prefs.return_representation {
        let record = world
            .store
            .get(&table.logical_name, id)
            .ok_or_else(ApiError::unexpected)?;
        let mut body = project(
            &model.schema,
            world,
            table,
            record,
            options.select.as_deref(),
            &prefs,
        );
        body.insert(
            "@odata.context".to_string(),
            Value::String(context_url(&request.base_url(), table, options, true)),
        );
        let status = if created { 201 } else { 200 };
        with_annotations_applied(
            ApiResponse::json(status, &Value::Object(body)),
            &prefs,
            true,
        )
    } else {
        ApiResponse::no_content()
    };
    Ok(response
        .with_header("Location", entity_url.clone())
        .with_header("OData-EntityId", entity_url))
}

fn json_body(request: &ApiRequest) -> Result<Map<String, Value>, ApiError> {
    let content_type = request.header("content-type").unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ApiError::new(
            415,
            "0x80048d19",
            format!("The content type '{content_type}' is not supported; send the body as 'Content-Type: application/json'."),
        ));
    }
    let value: Value = serde_json::from_slice(&request.body)
        .map_err(|e| ApiError::malformed_body(&e.to_string()))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::malformed_body(&format!(
            "expected an object, found {}",
            json_type(&other)
        ))),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `/contacts(<id>)`, `contacts(<id>)` or an absolute `…/api/data/vX.Y/contacts(<id>)`.
pub fn parse_reference(text: &str) -> Option<(&str, Guid)> {
    let path = match text.find("/api/data/") {
        Some(index) => {
            let after = &text[index + "/api/data/".len()..];
            &after[after.find('/')? + 1..]
        }
        None => text.trim_start_matches('/'),
    };
    let open = path.find('(')?;
    let key = path[open + 1..].strip_suffix(')')?;
    Some((&path[..open], Guid::parse(key)?))
}

fn body_changes(
    schema: &Schema,
    world: &World,
    table: &Table,
    body: &Map<String, Value>,
) -> Result<(Changes, Option<Guid>), ApiError> {
    let mut changes = Changes::default();
    let mut id = None;
    for (key, value) in body {
        if key.starts_with('@') {
            continue;
        }
        if let Some(nav) = key.strip_suffix("@odata.bind") {
            let Some((column, target)) = table.lookup_by_nav(nav) else {
                return Err(ApiError::new(
                    400,
                    "0x80048d19",
                    format!("An undeclared property '{nav}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values."),
                ));
            };
            let property = column.property();
            if value.is_null() {
                changes.values.insert(property, Value::Null);
                continue;
            }
            let reference = value.as_str().and_then(parse_reference).ok_or_else(|| {
                ApiError::new(
                    400,
                    "0x80048d19",
                    format!("The value {value} of '{key}' is not a valid entity reference; expected a URL such as '/{}(<guid>)'.", schema.by_logical(&target.table).map(|t| t.entity_set.as_str()).unwrap_or("contacts")),
                )
            })?;
            let (set, target_id) = reference;
            let target_table = schema.by_logical(&target.table);
            if target_table.map(|t| t.entity_set.as_str()) != Some(set) {
                return Err(ApiError::new(
                    400,
                    "0x80048d19",
                    format!("The entity set '{set}' in '{key}' does not match the navigation property '{nav}', which points at '{}'.", target.table),
                ));
            }
            if world.store.get(&target.table, target_id).is_none() {
                return Err(ApiError::record_not_found(
                    &target.table,
                    &target_id.to_string(),
                ));
            }
            changes = changes.link(&property, &target.table, target_id);
            if table.logical_name == names::ANNOTATION && column.logical_name == "objectid" {
                changes = changes.set("objecttypecode", target.table.clone());
            }
            continue;
        }
        if key.contains('@') {
            continue; // property annotations such as formatted values are ignored
        }
        let column = table.column_by_property(key).ok_or_else(|| {
            ApiError::body_property_not_found(key, &table.type_name(), &table.entity_set)
        })?;
        if let Kind::Lookup(_) = column.kind {
            return Err(ApiError::new(
                400,
                "0x80060888",
                "CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.",
            ));
        }
        if column.logical_name == table.primary_key {
            let parsed = value
                .as_str()
                .and_then(Guid::parse)
                .ok_or_else(|| ApiError::invalid_value(key, "Edm.Guid"))?;
            id = Some(parsed);
            continue;
        }
        if column.access == Access::System {
            continue; // Dataverse ignores values for columns it maintains
        }
        let value = checked_value(table, column, value)?;
        changes.values.insert(key.clone(), value);
    }
    Ok((changes, id))
}

fn checked_value(table: &Table, column: &Column, value: &Value) -> Result<Value, ApiError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let name = &column.logical_name;
    match &column.kind {
        Kind::String { max_len } | Kind::Memo { max_len } => {
            let text = value
                .as_str()
                .ok_or_else(|| ApiError::invalid_value(name, "Edm.String"))?;
            if text.chars().count() > *max_len {
                return Err(ApiError::validation(format!(
                    "A validation error occurred.  The length of the '{name}' attribute of the '{}' entity exceeded the maximum allowed length of '{max_len}'.",
                    table.logical_name
                )));
            }
            Ok(Value::String(text.to_string()))
        }
        Kind::Boolean { .. } => value
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| ApiError::invalid_value(name, "Edm.Boolean")),
        Kind::DateTime => value
            .as_str()
            .and_then(Timestamp::parse)
            .map(|t| Value::String(t.to_iso()))
            .ok_or_else(|| ApiError::invalid_value(name, "Edm.DateTimeOffset")),
        Kind::Integer => value
            .as_i64()
            .map(Value::from)
            .ok_or_else(|| ApiError::invalid_value(name, "Edm.Int32")),
        Kind::Picklist(_) | Kind::State(_) | Kind::Status(_) => {
            let number = value
                .as_i64()
                .ok_or_else(|| ApiError::invalid_value(name, "Edm.Int32"))?;
            if column.option_label(number).is_none() {
                let accepted: Vec<String> = match &column.kind {
                    Kind::Picklist(o) | Kind::State(o) => {
                        o.iter().map(|(v, _)| v.to_string()).collect()
                    }
                    Kind::Status(o) => o.iter().map(|(v, _, _)| v.to_string()).collect(),
                    _ => Vec::new(),
                };
                return Err(ApiError::validation(format!(
                    "A validation error occurred.  The value {number} of '{name}' on record of type '{}' is outside the valid range. Accepted Values: {}",
                    table.logical_name,
                    accepted.join(",")
                )));
            }
            Ok(Value::from(number))
        }
        Kind::Uniqueidentifier => value
            .as_str()
            .and_then(Guid::parse)
            .map(|g| Value::String(g.to_string()))
            .ok_or_else(|| ApiError::invalid_value(name, "Edm.Guid")),
        Kind::Lookup(_) => Err(ApiError::invalid_value(name, "Edm.Guid")),
    }
}

/// Keeps `statecode` and `statuscode` consistent, as Dataverse does.
fn reconcile_state(
    table: &Table,
    changes: &mut Changes,
    existing: Option<&Record>,
) -> Result<(), ApiError> {
    let Some(Column {
        kind: Kind::Status(statuses),
        ..
    }) = table.column("statuscode")
    else {
        return Ok(());
    };
    let state = changes.values.get("statecode").and_then(Value::as_i64);
    let status = changes.values.get("statuscode").and_then(Value::as_i64);
    match (state, status) {
        (Some(state), Some(status)) => {
            if !statuses.iter().any(|(v, _, s)| *v == status && *s == state) {
                return Err(ApiError::validation(format!(
                    "{status} is not a valid status code for state code {}State.{} on {}.",
                    table.logical_name,
                    if state == 0 { "Active" } else { "Inactive" },
                    table.logical_name
                )));
            }
        }
        (Some(state), None) => {
            if let Some((v, _, _)) = statuses.iter().find(|(_, _, s)| *s == state) {
                changes.values.insert("statuscode".to_string(), json!(v));
            }
        }
        (None, Some(status)) => {
            if let Some((_, _, s)) = statuses.iter().find(|(v, _, _)| *v == status) {
                let current = existing.and_then(|r| r.get("statecode").as_i64());
                if current != Some(*s) {
                    changes.values.insert("statecode".to_string(), json!(s));
                }
            }
        }
        (None, None) => {}
    }
    Ok(())
}

/// A record as the Web API shows it: `@odata.etag`, the selected columns (the primary key always)
/// and, when asked for, formatted values and lookup annotations.
fn project(
    schema: &Schema,
    world: &World,
    table: &Table,
    record: &Record,
    select: Option<&[String]>,
    prefs: &Preferences,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("@odata.etag".to_string(), Value::String(record.etag()));
    for column in &table.columns {
        let property = column.property();
        let selected = select.is_none_or(|s| s.contains(&property));
        if !selected && column.logical_name != table.primary_key {
            continue;
        }
        let value = record.get(&property).clone();
        if !value.is_null() {
            if prefs.formatted_values {
                if let Some(text) = formatted(schema, world, column, record, &value) {
                    out.insert(
                        format!("{property}@OData.Community.Display.V1.FormattedValue"),
                        Value::String(text),
                    );
                }
            }
            if prefs.lookup_annotations {
                if let Kind::Lookup(targets) = &column.kind {
                    let target_table = record
                        .lookup_targets
                        .get(&property)
                        .cloned()
                        .or_else(|| targets.first().map(|t| t.table.clone()));
                    if let Some(target_table) = target_table {
                        let nav = targets
                            .iter()
                            .find(|t| t.table == target_table)
                            .map(|t| t.nav.clone())
                            .unwrap_or_default();
                        out.insert(
                            format!(
                                "{property}@Microsoft.Dynamics.CRM.associatednavigationproperty"
                            ),
                            Value::String(nav),
                        );
                        out.insert(
                            format!("{property}@Microsoft.Dynamics.CRM.lookuplogicalname"),
                            Value::String(target_table),
                        );
                    }
                }
            }
        }
        out.insert(property, value);
    }
    out
}

fn formatted(
    schema: &Schema,
    world: &World,
    column: &Column,
    record: &Record,
    value: &Value,
) -> Option<String> {
    match &column.kind {
        Kind::Boolean { yes, no } => value
            .as_bool()
            .map(|b| if b { yes.clone() } else { no.clone() }),
        Kind::Picklist(_) | Kind::State(_) | Kind::Status(_) => value
            .as_i64()
            .and_then(|v| column.option_label(v))
            .map(str::to_string),
        Kind::DateTime => value
            .as_str()
            .and_then(Timestamp::parse)
            .map(Timestamp::to_formatted),
        Kind::Integer => value.as_i64().map(group_thousands),
        Kind::Lookup(targets) => {
            let property = column.property();
            let target_table = record
                .lookup_targets
                .get(&property)
                .map(String::as_str)
                .or_else(|| targets.first().map(|t| t.table.as_str()))?;
            let target = schema.by_logical(target_table)?;
            let id = value.as_str().and_then(Guid::parse)?;
            world
                .store
                .get(target_table, id)
                .and_then(|r| r.str(&target.primary_name))
                .map(str::to_string)
        }
        _ => None,
    }
}

fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn edm_type(kind: &Kind) -> &'static str {
    match kind {
        Kind::Uniqueidentifier | Kind::Lookup(_) => "Edm.Guid",
        Kind::String { .. } | Kind::Memo { .. } => "Edm.String",
        Kind::Boolean { .. } => "Edm.Boolean",
        Kind::DateTime => "Edm.DateTimeOffset",
        Kind::Integer | Kind::Picklist(_) | Kind::State(_) | Kind::Status(_) => "Edm.Int32",
    }
}

fn check_filter(table: &Table, filter: &Filter) -> Result<(), ApiError> {
    match filter {
        Filter::And(a, b) | Filter::Or(a, b) => {
            check_filter(table, a)?;
            check_filter(table, b)
        }
        Filter::Not(inner) => check_filter(table, inner),
        Filter::Compare(property, op, literal) => {
            let column = table
                .column_by_property(property)
                .ok_or_else(|| ApiError::property_not_found(property, &table.type_name()))?;
            let compatible = matches!(
                (&column.kind, literal),
                (_, Literal::Null)
                    | (Kind::Uniqueidentifier | Kind::Lookup(_), Literal::Guid(_))
                    | (Kind::String { .. } | Kind::Memo { .. }, Literal::String(_))
                    | (Kind::Boolean { .. }, Literal::Bool(_))
                    | (Kind::DateTime, Literal::DateTime(_))
                    | (
                        Kind::Integer | Kind::Picklist(_) | Kind::State(_) | Kind::Status(_),
                        Literal::Number(_)
                    )
            );
            if compatible {
                Ok(())
            } else {
                let op_name = match op {
                    CompareOp::Eq => "Equal",
                    CompareOp::Ne => "NotEqual",
                    CompareOp::Gt => "GreaterThan",
                    CompareOp::Ge => "GreaterThanOrEqual",
                    CompareOp::Lt => "LessThan",
                    CompareOp::Le => "LessThanOrEqual",
                };
                Err(ApiError::new(
                    400,
                    "0x80060888",
                    format!(
                        "A binary operator with incompatible types was detected. Found operand types '{}' and '{}' for operator kind '{op_name}'.",
                        edm_type(&column.kind),
                        literal.type_name()
                    ),
                ))
            }
        }
        Filter::Function(function, property, _) => {
            let column = table
                .column_by_property(property)
                .ok_or_else(|| ApiError::property_not_found(property, &table.type_name()))?;
            if matches!(column.kind, Kind::String { .. } | Kind::Memo { .. }) {
                Ok(())
            } else {
                let name = match function {
                    StringFunction::Contains => "contains",
                    StringFunction::StartsWith => "startswith",
                    StringFunction::EndsWith => "endswith",
                };
                Err(ApiError::new(
                    400,
                    "0x80060888",
                    format!("No function signature for the function with name '{name}' matches the specified arguments. The function signatures considered are: {name}(Edm.String Nullable=true, Edm.String Nullable=true)."),
                ))
            }
        }
    }
}

fn matches(filter: &Filter, record: &Record) -> bool {
    match filter {
        Filter::And(a, b) => matches(a, record) && matches(b, record),
        Filter::Or(a, b) => matches(a, record) || matches(b, record),
        Filter::Not(inner) => !matches(inner, record),
        Filter::Compare(property, op, literal) => {
            let value = record.get(property);
            if *literal == Literal::Null {
                return match op {
                    CompareOp::Eq => value.is_null(),
                    CompareOp::Ne => !value.is_null(),
                    _ => false,
                };
            }
            let Some(order) = compare_literal(value, literal) else {
                return false;
            };
            match op {
                CompareOp::Eq => order == Ordering::Equal,
                CompareOp::Ne => order != Ordering::Equal,
                CompareOp::Gt => order == Ordering::Greater,
                CompareOp::Ge => order != Ordering::Less,
                CompareOp::Lt => order == Ordering::Less,
                CompareOp::Le => order != Ordering::Greater,
            }
        }
        Filter::Function(function, property, text) => {
            let Some(value) = record.get(property).as_str() else {
                return false;
            };
            let value = value.to_lowercase();
            let text = text.to_lowercase();
            match function {
                StringFunction::Contains => value.contains(&text),
                StringFunction::StartsWith => value.starts_with(&text),
                StringFunction::EndsWith => value.ends_with(&text),
            }
        }
    }
}

/// Compares a stored value with a literal; `None` when either side is null or they differ in type.
/// Text compares case-insensitively, like Dataverse's default collation.
fn compare_literal(value: &Value, literal: &Literal) -> Option<Ordering> {
    match literal {
        Literal::String(text) => Some(value.as_str()?.to_lowercase().cmp(&text.to_lowercase())),
        Literal::Guid(guid) => Some(Guid::parse(value.as_str()?)?.cmp(guid)),
        Literal::Number(number) => value.as_f64()?.partial_cmp(number),
        Literal::Bool(flag) => Some(value.as_bool()?.cmp(flag)),
        Literal::DateTime(time) => Some(Timestamp::parse(value.as_str()?)?.cmp(time)),
        Literal::Null => None,
    }
}

/// Orders two stored values for `$orderby` (nulls first, text case-insensitive).
fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_in_every_form_dataverse_accepts() {
        let id = "3c2b1a00-9e8d-4c7b-8a6f-00000000c001";
        for text in [
            format!("/contacts({id})"),
            format!("contacts({id})"),
            format!("http://127.0.0.1:8765/api/data/v9.2/contacts({id})"),
        ] {
            assert_eq!(
                parse_reference(&text).map(|(set, g)| (set.to_string(), g.to_string())),
                Some(("contacts".to_string(), id.to_string()))
            );
        }
        assert_eq!(parse_reference("/contacts(nope)"), None);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(1_234_567), "1,234,567");
        assert_eq!(group_thousands(-1000), "-1,000");
        assert_eq!(group_thousands(12), "12");
    }
}
