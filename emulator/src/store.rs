//! The records: one map per table, each record with its column values (Web API property names),
//! the target table of each lookup, and a row version that becomes `@odata.etag`. Every write goes
//! through [`Store::write`] so the version is bumped and `modifiedon` kept. No HTTP here.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::guid::Guid;

/// One record.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Column values by Web API property name (`_x_value` for lookups); unset columns are `null`.
    pub values: Map<String, Value>,
    /// For each lookup property, the logical name of the table it points at.
    pub lookup_targets: BTreeMap<String, String>,
    /// Row version: the number in `@odata.etag`.
    pub version: u64,
}

impl Record {
    /// The ETag: `W/"<version>"`.
    pub fn etag(&self) -> String {
        format!("W/\"{}\"", self.version)
    }

    /// A value, `Null` when absent.
    pub fn get(&self, property: &str) -> &Value {
        self.values.get(property).unwrap_or(&Value::Null)
    }

    /// A string value.
    pub fn str(&self, property: &str) -> Option<&str> {
        self.get(property).as_str()
    }

    /// A boolean value (`false` when unset).
    pub fn flag(&self, property: &str) -> bool {
        self.get(property).as_bool().unwrap_or(false)
    }

    /// A lookup's id.
    pub fn lookup(&self, property: &str) -> Option<Guid> {
        self.str(property).and_then(Guid::parse)
    }
}

/// Changes to apply to one record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// New values by property name.
    pub values: Map<String, Value>,
    /// New lookup targets by property name.
    pub lookup_targets: BTreeMap<String, String>,
}

impl Changes {
    /// Sets a value.
    pub fn set(mut self, property: &str, value: impl Into<Value>) -> Changes {
        self.values.insert(property.to_string(), value.into());
        self
    }

    /// Points a lookup at a record of a table.
    pub fn link(mut self, property: &str, table: &str, id: Guid) -> Changes {
        self.values
            .insert(property.to_string(), Value::String(id.to_string()));
        self.lookup_targets
            .insert(property.to_string(), table.to_string());
        self
    }
}

/// All records of all tables.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    tables: BTreeMap<String, BTreeMap<Guid, Record>>,
    last_version: u64,
}

/// Whether a write created or updated a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A new record.
    Created,
    /// An existing record.
    Updated,
}

impl Store {
    /// An empty store whose first row version is `first_version`.
    pub fn new(first_version: u64) -> Store {
        Store {
            tables: BTreeMap::new(),
            last_version: first_version.saturating_sub(1),
        }
    }

    /// A record.
    pub fn get(&self, table: &str, id: Guid) -> Option<&Record> {
        self.tables.get(table).and_then(|t| t.get(&id))
    }

    /// All records of a table, by id.
    pub fn all(&self, table: &str) -> impl Iterator<Item = (Guid, &Record)> {
        self.tables
            .get(table)
            .into_iter()
            .flat_map(|t| t.iter().map(|(id, r)| (*id, r)))
    }

    /// Creates or updates a record, bumping its version and stamping `modifiedon`/`createdon`.
    /// `columns` lists every property of the table so new records carry explicit nulls.
    pub fn write(
        &mut self,
        table: &str,
        primary_key: &str,
        columns: &[String],
        id: Guid,
        changes: Changes,
        now: Timestamp,
    ) -> Written {
        self.last_version += 1;
        let version = self.last_version;
        let records = self.tables.entry(table.to_string()).or_default();
        let stamp = Value::String(now.to_iso());
        let has_audit = columns.iter().any(|c| c == "modifiedon");
        match records.get_mut(&id) {
            Some(record) => {
                record.values.extend(changes.values);
                record.lookup_targets.extend(changes.lookup_targets);
                if has_audit {
                    record.values.insert("modifiedon".to_string(), stamp);
                }
                record.version = version;
                Written::Updated
            }
            None => {
                let mut values: Map<String, Value> =
                    columns.iter().map(|c| (c.clone(), Value::Null)).collect();
                values.insert(primary_key.to_string(), Value::String(id.to_string()));
                if has_audit {
                    values.insert("createdon".to_string(), stamp.clone());
                    values.insert("modifiedon".to_string(), stamp);
                }
                values.extend(changes.values);
                records.insert(
                    id,
                    Record {
                        values,
                        lookup_targets: changes.lookup_targets,
                        version,
                    },
                );
                Written::Created
            }
        }
    }

    /// Deletes a record; `true` if it existed.
    pub fn remove(&mut self, table: &str, id: Guid) -> bool {
        self.tables
            .get_mut(table)
            .is_some_and(|t| t.remove(&id).is_some())
    }

    /// Every table's records as JSON (for `/_emulator/state`).
    pub fn dump(&self) -> Value {
        let mut out = Map::new();
        for (table, records) in &self.tables {
            let rows: Vec<Value> = records
                .values()
                .map(|r| {
                    let mut row = r.values.clone();
                    row.insert("@odata.etag".to_string(), Value::String(r.etag()));
                    Value::Object(row)
                })
                .collect();
            out.insert(table.clone(), Value::Array(rows));
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_bumps_the_version() {
        let mut store = Store::new(1000);
        let id = Guid::from_u128(7);
        let columns = vec!["subject".to_string(), "modifiedon".to_string()];
        let now = Timestamp::now();
        let first = store.write(
            "annotation",
            "annotationid",
            &columns,
            id,
            Changes::default().set("subject", "a"),
            now,
        );
        let v1 = store.get("annotation", id).map(|r| r.version);
        let second = store.write(
            "annotation",
            "annotationid",
            &columns,
            id,
            Changes::default().set("subject", "b"),
            now,
        );
        let record = store.get("annotation", id);
        assert_eq!((first, second), (Written::Created, Written::Updated));
        assert_eq!(v1, Some(1000));
        assert_eq!(record.map(Record::etag).as_deref(), Some("W/\"1001\""));
        assert_eq!(record.and_then(|r| r.str("subject")), Some("b"));
    }
}
