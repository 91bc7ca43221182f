//! The emulator's state and its public handle: the [`Model`] fixed at start (configuration and
//! schema) and the [`World`] that changes (records, settings, faults, the request log, the
//! simulated connector's progress), behind one mutex. Nothing here speaks HTTP.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};

use crate::clock::Timestamp;
use crate::config::EmulatorConfig;
use crate::connector::ConnectorState;
use crate::faults::Faults;
use crate::guid::Guid;
use crate::request_log::{LogEntry, RequestLog};
use crate::schema::{names, Kind, Schema, Table};
use crate::seed;
use crate::settings::Settings;
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

    /// Makes the `solution` table agree with the settings: the connector's row exists, with the
    /// configured version, exactly when a connector version is set.
    pub fn sync_solution(&self, store: &mut Store, settings: &Settings, now: Timestamp) {
        let id = seed::id(seed::SOLUTION_CONNECTOR);
        let Some(table) = self.schema.by_logical(names::SOLUTION) else {
            return;
        };
        match &settings.connector_version {
            None => {
                store.remove(names::SOLUTION, id);
            }
            Some(version) => {
                let current = store
                    .get(names::SOLUTION, id)
                    .and_then(|r| r.str("version"))
                    .map(str::to_string);
                if current.as_deref() != Some(version.as_str()) {
                    let changes = Changes::default()
                        .set("uniquename", self.config.connector_solution.clone())
                        .set("friendlyname", self.config.connector_friendly_name.clone())
                        .set("version", version.clone())
                        .set("ismanaged", true)
                        .set("installedon", now.to_iso());
                    self.write(
                        store,
                        table,
                        id,
                        changes,
                        seed::id(seed::CONNECTOR_USER),
                        now,
                    );
                }
            }
        }
    }
}

/// Everything that changes while the emulator runs.
#[derive(Clone, Debug)]
pub struct World {
    /// The records.
    pub store: Store,
    /// The scenario.
    pub settings: Settings,
    /// Armed faults.
    pub faults: Faults,
    /// Requests seen.
    pub log: RequestLog,
    /// Where each resubscription stands in the simulated connector.
    pub connector: ConnectorState,
    /// Each user's security roles (the `systemuserroles_association` N:N), in assignment order.
    pub user_roles: BTreeMap<Guid, Vec<Guid>>,
    /// Each role's privileges (the `roleprivileges_association` N:N).
    pub role_privileges: BTreeMap<Guid, Vec<Guid>>,
    /// What `RetrieveProvisionedLanguages()` answers (LCIDs).
    pub provisioned_languages: Vec<u32>,
}

impl World {
    /// The seeded world of a model.
    pub fn seeded(model: &Model) -> World {
        let settings = Settings::from_config(&model.config);
        let (mut store, connector) = seed::build(model);
        model.sync_solution(&mut store, &settings, seed::seed_time());
        crate::setup::seed(model, &mut store, &settings);
        World {
            store,
            settings,
            faults: Faults::default(),
            log: RequestLog::default(),
            connector,
            user_roles: seed::user_roles(),
            role_privileges: crate::setup::role_privileges(),
            provisioned_languages: crate::setup::PROVISIONED_LANGUAGES.to_vec(),
        }
    }
}

pub(crate) struct Shared {
    pub(crate) model: Model,
    world: Mutex<World>,
}

/// A running emulator's state: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Emulator {
    pub(crate) shared: Arc<Shared>,
}

impl Emulator {
    /// A fresh emulator with the seed data.
    pub fn new(config: EmulatorConfig) -> Emulator {
        let model = Model::new(config);
        let world = World::seeded(&model);
        Emulator {
            shared: Arc::new(Shared {
                model,
                world: Mutex::new(world),
            }),
        }
    }

    /// The configuration and schema.
    pub fn model(&self) -> &Model {
        &self.shared.model
    }

    /// Locks the world (a poisoned lock is recovered: the world is plain data).
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.shared
            .world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Restores the seed, the start-up settings, and clears faults and the request log.
    pub fn reset(&self) {
        let fresh = World::seeded(self.model());
        *self.world() = fresh;
    }

    /// Applies a partial settings update and returns the new settings.
    pub fn apply_settings(&self, update: &Value) -> Result<Settings, String> {
        let mut world = self.world();
        world.settings.apply(update)?;
        let settings = world.settings.clone();
        self.model()
            .sync_solution(&mut world.store, &settings, Timestamp::now());
        crate::setup::sync_organization(
            self.model(),
            &mut world.store,
            &settings,
            Timestamp::now(),
        );
        Ok(settings)
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        self.world().settings.clone()
    }

    /// The request log.
    pub fn requests(&self) -> Vec<LogEntry> {
        self.world().log.entries().to_vec()
    }

    /// Every record, the settings, the armed faults and the connector's progress, as JSON.
    pub fn state_json(&self) -> Value {
        let world = self.world();
        json!({
            "settings": world.settings,
            "tables": world.store.dump(),
            "connector": world.connector,
            "faults": world.faults.rules(),
            "userRoles": world.user_roles,
            "rolePrivileges": world.role_privileges,
            "provisionedLanguages": world.provisioned_languages,
        })
    }
}
