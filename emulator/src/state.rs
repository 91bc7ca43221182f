//! Everything that changes while the emulator runs, the [`World`]: records, settings, faults, the
//! request log, the simulated connector's progress, roles and languages. Plain data: the
//! [`crate::handle`] seeds it and keeps it behind one mutex. Nothing here speaks HTTP.

use std::collections::BTreeMap;

use crate::connector::ConnectorState;
use crate::faults::Faults;
use crate::guid::Guid;
use crate::request_log::RequestLog;
use crate::settings::Settings;
use crate::store::Store;

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
