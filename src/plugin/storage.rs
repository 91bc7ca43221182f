//! The tab's storage (`sessionStorage`), where the evidence dialog leaves its answer, as plain
//! get/remove; a browser that refuses storage (privacy settings, quota) degrades to "nothing
//! stored" instead of failing.

use crate::prelude::*;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The value under `key`.
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Removes `key`.
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}
