//! `EntityDefinitions(LogicalName='…')` and its `Attributes`: the table and column definitions
//! the form library reads to find columns by name and label. Serves the entity, its attribute
//! list, one attribute, and the `PicklistAttributeMetadata` / `StateAttributeMetadata` /
//! `StatusAttributeMetadata` casts with `$expand=OptionSet` for option labels.

use serde_json::{json, Map, Value};

use crate::errors::ApiError;
use crate::guid::Guid;
use crate::model::Model;
use crate::odata::parse_string_literal;
use crate::reply::ApiResponse;
use crate::request::ApiRequest;
use crate::schema::{Access, Column, Kind, Table};

const ENTITY_PROPERTIES: &[&str] = &[
    "LogicalName",
    "EntitySetName",
    "LogicalCollectionName",
    "PrimaryIdAttribute",
    "PrimaryNameAttribute",
    "DisplayName",
    "MetadataId",
];

const ATTRIBUTE_PROPERTIES: &[&str] = &[
    "LogicalName",
    "DisplayName",
    "AttributeType",
    "MetadataId",
    "EntityLogicalName",
    "IsPrimaryId",
    "IsPrimaryName",
    "IsValidForCreate",
    "IsValidForUpdate",
    "AttributeOf",
];

const CASTS: &[&str] = &[
    "Microsoft.Dynamics.CRM.PicklistAttributeMetadata",
    "Microsoft.Dynamics.CRM.StateAttributeMetadata",
    "Microsoft.Dynamics.CRM.StatusAttributeMetadata",
];

/// Answers a request whose resource starts with `EntityDefinitions`.
pub fn handle(
    model: &Model,
    request: &ApiRequest,
    resource: &str,
    pairs: &[(String, String)],
) -> Result<ApiResponse, ApiError> {
    if request.method != "GET" {
        return Err(ApiError::method_not_allowed(&request.method));
    }
    let Some(rest) = resource.strip_prefix("EntityDefinitions(") else {
        return Err(ApiError::not_implemented(
            "Listing EntityDefinitions without a key",
        ));
    };
    let close = rest.find(')').ok_or_else(ApiError::query_syntax)?;
    let table = find_table(model, &rest[..close])?;
    let mut segments: Vec<&str> = rest[close + 1..]
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let base = request.base_url();

    let cast = match segments.last() {
        Some(last) if CASTS.contains(last) => {
            let cast = *last;
            segments.pop();
            Some(cast)
        }
        _ => None,
    };
    let (select, expand) = options(pairs, cast.is_some())?;

    match segments.as_slice() {
        [] if cast.is_none() => {
            check(&select, ENTITY_PROPERTIES, "EntityMetadata")?;
            let mut body = entity_json(table, select.as_deref());
            body.insert(
                "@odata.context".to_string(),
                json!(format!(
                    "{base}$metadata#EntityDefinitions{}/$entity",
                    select_suffix(&select)
                )),
            );
            Ok(ApiResponse::json(200, &Value::Object(body)))
        }
        [attributes] if *attributes == "Attributes" => {
            check(&select, ATTRIBUTE_PROPERTIES, "AttributeMetadata")?;
            let values: Vec<Value> = table
                .columns
                .iter()
                .filter(|c| cast.is_none_or(|cast| c.metadata_type().ends_with(cast)))
                .map(|c| Value::Object(attribute_json(table, c, select.as_deref(), expand)))
                .collect();
            let cast_suffix = cast.map(|c| format!("/{c}")).unwrap_or_default();
            Ok(ApiResponse::json(
                200,
                &json!({
                    "@odata.context": format!(
                        "{base}$metadata#EntityDefinitions('{}')/Attributes{cast_suffix}{}",
                        table.logical_name,
                        select_suffix(&select)
                    ),
                    "value": values,
                }),
            ))
        }
        [attribute] if attribute.starts_with("Attributes(") => {
            check(&select, ATTRIBUTE_PROPERTIES, "AttributeMetadata")?;
            let key = attribute
                .strip_prefix("Attributes(")
                .and_then(|k| k.strip_suffix(')'))
                .ok_or_else(ApiError::query_syntax)?;
            let name = logical_name_key(key).ok_or_else(ApiError::query_syntax)?;
            let column = table
                .column(&name)
                .filter(|c| cast.is_none_or(|cast| c.metadata_type().ends_with(cast)))
                .ok_or_else(|| {
                    ApiError::new(
                        404,
                        "0x80040217",
                        format!(
                            "Could not find attribute '{name}' for entity '{}'.",
                            table.logical_name
                        ),
                    )
                })?;
            let mut body = attribute_json(table, column, select.as_deref(), expand);
            let cast_suffix = cast.map(|c| format!("/{c}")).unwrap_or_default();
            body.insert(
                "@odata.context".to_string(),
                json!(format!(
                    "{base}$metadata#EntityDefinitions('{}')/Attributes{cast_suffix}{}/$entity",
                    table.logical_name,
                    select_suffix(&select)
                )),
            );
            Ok(ApiResponse::json(200, &Value::Object(body)))
        }
        _ => Err(ApiError::segment_not_found(
            segments.first().copied().unwrap_or(""),
        )),
    }
}

fn find_table<'a>(model: &'a Model, key: &str) -> Result<&'a Table, ApiError> {
    if let Some(id) = Guid::parse(key) {
        return model
            .schema
            .tables
            .iter()
            .find(|t| entity_metadata_id(t) == id)
            .ok_or_else(|| ApiError::record_not_found("EntityMetadata", &id.to_string()));
    }
    let name = logical_name_key(key).ok_or_else(ApiError::query_syntax)?;
    model.schema.by_logical(&name).ok_or_else(|| {
        ApiError::new(
            404,
            "0x80040217",
            format!("Could not find an entity with logical name '{name}'."),
        )
    })
}

fn logical_name_key(key: &str) -> Option<String> {
    parse_string_literal(key.strip_prefix("LogicalName=")?)
}

fn options(
    pairs: &[(String, String)],
    expand_allowed: bool,
) -> Result<(Option<Vec<String>>, bool), ApiError> {
    let mut select = None;
    let mut expand = false;
    for (name, value) in pairs {
        match name.as_str() {
            "$select" => {
                select = Some(value.split(',').map(|s| s.trim().to_string()).collect());
            }
            "$expand"
                if expand_allowed && (value == "OptionSet" || value.starts_with("OptionSet(")) =>
            {
                expand = true;
            }
            "$expand" => {
                return Err(ApiError::not_implemented(&format!(
                    "$expand={value} on metadata"
                )))
            }
            "$filter" => return Err(ApiError::not_implemented("$filter on metadata")),
            other if other.starts_with('$') => {
                return Err(ApiError::new(
                    400,
                    "0x80060888",
                    format!("The query parameter {other} is not supported"),
                ))
            }
            _ => {}
        }
    }
    Ok((select, expand))
}

fn check(select: &Option<Vec<String>>, allowed: &[&str], type_name: &str) -> Result<(), ApiError> {
    for name in select.iter().flatten() {
        if !allowed.contains(&name.as_str()) {
            return Err(ApiError::property_not_found(
                name,
                &format!("Microsoft.Dynamics.CRM.{type_name}"),
            ));
        }
    }
    Ok(())
}

fn select_suffix(select: &Option<Vec<String>>) -> String {
    select
        .as_ref()
        .map(|s| format!("({})", s.join(",")))
        .unwrap_or_default()
}

fn entity_metadata_id(table: &Table) -> Guid {
    Guid::from_name(&format!("entity:{}", table.logical_name))
}

/// A `Label` complex value in the org's base language (1033).
pub fn label_json(text: &str, owner: &str) -> Value {
    let localized = json!({
        "Label": text,
        "LanguageCode": 1033,
        "IsManaged": true,
        "MetadataId": Guid::from_name(&format!("label:{owner}")),
        "HasChanged": null,
    });
    json!({ "LocalizedLabels": [localized.clone()], "UserLocalizedLabel": localized })
}

fn keep(select: Option<&[String]>, property: &str) -> bool {
    select.is_none_or(|s| s.iter().any(|p| p == property))
}

fn entity_json(table: &Table, select: Option<&[String]>) -> Map<String, Value> {
    let all = [
        ("LogicalName", json!(table.logical_name)),
        ("EntitySetName", json!(table.entity_set)),
        ("LogicalCollectionName", json!(table.entity_set)),
        ("PrimaryIdAttribute", json!(table.primary_key)),
        ("PrimaryNameAttribute", json!(table.primary_name)),
        ("DisplayName", label_json(&table.label, &table.logical_name)),
    ];
    let mut out = Map::new();
    for (name, value) in all {
        if keep(select, name) {
            out.insert(name.to_string(), value);
        }
    }
    out.insert("MetadataId".to_string(), json!(entity_metadata_id(table)));
    out
}

fn attribute_json(
    table: &Table,
    column: &Column,
    select: Option<&[String]>,
    expand: bool,
) -> Map<String, Value> {
    let owner = format!("{}.{}", table.logical_name, column.logical_name);
    let is_key = column.logical_name == table.primary_key;
    let all = [
        ("LogicalName", json!(column.logical_name)),
        ("DisplayName", label_json(&column.label, &owner)),
        ("AttributeType", json!(column.attribute_type())),
        ("EntityLogicalName", json!(table.logical_name)),
        ("IsPrimaryId", json!(is_key)),
        (
            "IsPrimaryName",
            json!(column.logical_name == table.primary_name),
        ),
        (
            "IsValidForCreate",
            json!(column.access == Access::Writable || is_key),
        ),
        ("IsValidForUpdate", json!(column.access == Access::Writable)),
        ("AttributeOf", Value::Null),
    ];
    let mut out = Map::new();
    out.insert("@odata.type".to_string(), json!(column.metadata_type()));
    for (name, value) in all {
        if keep(select, name) {
            out.insert(name.to_string(), value);
        }
    }
    out.insert(
        "MetadataId".to_string(),
        json!(Guid::from_name(&format!("attribute:{owner}"))),
    );
    if expand {
        let options: Vec<(i64, &str)> = match &column.kind {
            Kind::Picklist(o) | Kind::State(o) => o.iter().map(|(v, l)| (*v, l.as_str())).collect(),
            Kind::Status(o) => o.iter().map(|(v, l, _)| (*v, l.as_str())).collect(),
            _ => Vec::new(),
        };
        let options: Vec<Value> = options
            .into_iter()
            .map(|(value, label)| {
                json!({ "Value": value, "Label": label_json(label, &format!("{owner}.{value}")) })
            })
            .collect();
        out.insert(
            "OptionSet".to_string(),
            json!({
                "MetadataId": Guid::from_name(&format!("optionset:{owner}")),
                "Name": format!("{}_{}", table.logical_name, column.logical_name),
                "Options": options,
            }),
        );
    }
    out
}
