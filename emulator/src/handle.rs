//! The running emulator's public handle, [`Emulator`]: the [`Model`] fixed at start and the
//! [`World`] behind one mutex, seeded at start and on reset. Nothing here speaks HTTP.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};

use crate::clock::Timestamp;
use crate::config::EmulatorConfig;
use crate::faults::Faults;
use crate::model::Model;
use crate::request_log::{LogEntry, RequestLog};
use crate::seed;
use crate::settings::Settings;
use crate::setup;
use crate::state::World;

/// The seeded world of a model: the seed's records, roles and connector progress, the
/// configuration page's rows, the start-up settings; no faults, an empty request log.
fn seeded(model: &Model) -> World {
    let settings = Settings::from_config(&model.config);
    let (mut store, connector) = seed::build(model);
    seed::sync_solution(model, &mut store, &settings, seed::seed_time());
    setup::seed(model, &mut store, &settings);
    World {
        store,
        settings,
        faults: Faults::default(),
        log: RequestLog::default(),
        connector,
        user_roles: seed::user_roles(),
        role_privileges: setup::role_privileges(),
        provisioned_languages: setup::PROVISIONED_LANGUAGES.to_vec(),
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
        let world = seeded(&model);
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
        let fresh = seeded(self.model());
        *self.world() = fresh;
    }

    /// Applies a partial settings update and returns the new settings.
    pub fn apply_settings(&self, update: &Value) -> Result<Settings, String> {
        let mut world = self.world();
        world.settings.apply(update)?;
        let settings = world.settings.clone();
        seed::sync_solution(self.model(), &mut world.store, &settings, Timestamp::now());
        setup::sync_organization(self.model(), &mut world.store, &settings, Timestamp::now());
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
