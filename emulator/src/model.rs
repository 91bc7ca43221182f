//! What does not change while the emulator runs: the [`Model`], the configuration it started with
//! and the schema built from it, and how a record is written under that schema.

use serde_json::{json, Value};

use crate::clock::Timestamp;
use crate::config::EmulatorConfig;
use crate::guid::Guid;
use crate::schema::{names, Kind, Schema, Table};
use crate::store::{Changes, Store, Written};

/// What does not change while the emulator runs.
#[derive(Clone, Debug)]
pub struct Model {
    /// The configuration it started with.
    pub config: EmulatorConfig,
    /// The tables built from it.
    pub schema: Schema,
}

impl Model {
    /// The model for a configuration.
    pub fn new(config: EmulatorConfig) -> Model {
        let schema = Schema::new(&config);
        Model { config, schema }
    }

    /// The Email Suppression table.
    pub fn suppression_table(&self) -> Option<&Table> {
        self.schema.by_logical(&self.config.suppression.table)
    }

    /// Creates or updates a record as `caller`, keeping `createdby`/`modifiedby`, defaults for a
    /// new record (`statecode` 0, `statuscode` 1, two-option columns `false`) and `fullname`.
    pub fn write(
        &self,
        store: &mut Store,
        table: &Table,
        id: Guid,
        mut changes: Changes,
        caller: Guid,
        now: Timestamp,
    ) -> Written {
        let exists = store.get(&table.logical_name, id).is_some();
        let has_audit = table.column("modifiedby").is_some();
        if has_audit {
            changes = changes.link("_modifiedby_value", names::SYSTEMUSER, caller);
            if !exists {
                changes = changes.link("_createdby_value", names::SYSTEMUSER, caller);
            }
        }
        if !exists {
            for column in &table.columns {
                let property = column.property();
                if changes.values.contains_key(&property) {
                    continue;
                }
                let default = match (&column.kind, property.as_str()) {
                    (Kind::Boolean { .. }, _) => json!(false),
                    (Kind::State(_), _) => json!(0),
                    (Kind::Status(_), _) => json!(1),
                    _ => continue,
                };
                changes.values.insert(property, default);
            }
        }
        if table.logical_name == names::CONTACT
            && (changes.values.contains_key("firstname") || changes.values.contains_key("lastname"))
        {
            let current = store.get(&table.logical_name, id);
            let pick = |name: &str| {
                changes
                    .values
                    .get(name)
                    .or_else(|| current.map(|r| r.get(name)))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let full = format!("{} {}", pick("firstname"), pick("lastname"));
            changes = changes.set("fullname", full.trim());
        }
        let columns: Vec<String> = table.columns.iter().map(|c| c.property()).collect();
        store.write(
            &table.logical_name,
            &table.primary_key,
            &columns,
            id,
            changes,
            now,
        )
    }
}
