//! The user's words: messages rendered from the RESX web resource of the user's language
//! (`Xrm.Utility.getResourceString`), falling back to the English table for a missing key,
//! with dates formatted for the user's locale.

use crate::prelude::*;
use core::cell::Cell;

use crate::domain::messages::{english, Message, MessageKey};
use crate::domain::time::Timestamp;
use crate::xrm::form::resource_string;
use alloc::borrow::Cow;

super::local::page_local! {
    static LANGUAGE: Cell<u32> = Cell::new(1033);
}

super::local::page_local! {
    static ADMIN: Cell<bool> = Cell::new(false);
}

/// Whether the user administers the org: only administrators read the technical details of a
/// failure (codes, privileges, the server's words); others read the sentence alone.
pub fn set_admin(admin: bool) {
    ADMIN.with(|a| a.set(admin));
}

/// Sets the user's language (LCID) for dates in messages.
pub fn set_language(lcid: u32) {
    LANGUAGE.with(|l| l.set(lcid));
}

/// A date argument the domain wrote in UTC (`2026-11-26 14:03 UTC`, or the English "unknown
/// date"), in the user's language and locale; `None` for any other argument.
fn localized_date(value: &str) -> Option<String> {
    if value == english(MessageKey::DateUnknown) {
        return Some(template(MessageKey::DateUnknown));
    }
    let iso = [&value.strip_suffix(" UTC")?.replacen(' ', "T", 1), ":00Z"].concat();
    let at = Timestamp::parse_iso(&iso).ok()?;
    Some(crate::ui::frame::date_formatter(LANGUAGE.with(Cell::get))(
        at,
    ))
}

/// The RESX web resource, named without its LCID (the platform picks the language).
pub const RESX: &str = "rsub_/strings/Resubscribe";

/// The template of `key` in the user's language; for a user who is not an administrator,
/// without its technical details.
pub fn template(key: MessageKey) -> String {
    let template = resource_string(RESX, key.id())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| english(key).to_owned());
    if ADMIN.with(Cell::get) {
        template
    } else {
        crate::domain::messages::without_detail(&template)
    }
}

/// `message` in the user's language, its dates in the user's locale.
pub fn text(message: &Message) -> String {
    message.render_each(&|key| Cow::Owned(template(key)), &localized_date)
}

/// Several messages as one notification text.
pub fn joined(messages: &[Message]) -> String {
    messages.iter().map(text).collect::<Vec<_>>().join(" ")
}
