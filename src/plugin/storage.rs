//! Browser storage (`sessionStorage`, `localStorage`) as plain get/set; a browser that refuses
//! storage (privacy settings, quota) degrades to "nothing stored" instead of failing.

use crate::prelude::*;
/// Which storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// Lives as long as the tab: caches.
    Session,
    /// Survives reloads and restarts: the note outbox.
    Local,
}

fn storage(store: Store) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match store {
        Store::Session => window.session_storage().ok().flatten(),
        Store::Local => window.local_storage().ok().flatten(),
    }
}

/// The value under `key`.
pub fn get(store: Store, key: &str) -> Option<String> {
    storage(store)?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; returns whether it was stored.
pub fn set(store: Store, key: &str, value: &str) -> bool {
    storage(store).is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Removes `key`.
pub fn remove(store: Store, key: &str) {
    if let Some(s) = storage(store) {
        let _ = s.remove_item(key);
    }
}
