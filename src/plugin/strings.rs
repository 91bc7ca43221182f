//! The user's words: messages rendered from the RESX web resource of the user's language, with
//! dates formatted for the user's locale. English is a RESX like the others: the shipped
//! module carries no English table.
//!
//! From Dynamics 9.0 the platform reads the RESX (`Xrm.Utility.getResourceString`). Before
//! it there is no such call (the solution ships the same files as XML web resources): the
//! library reads `<client url>/WebResources/rsub_/strings/Resubscribe.<lcid>.resx` itself,
//! once per page, while the load's `$batch` is out ([`read_by_url`], [`when_ready`]). What the
//! form says before it is in waits for it (`plugin::view`, `load`; anything rendered meanwhile
//! reads "…"); a key
//! the RESX does not give reads as `messages::fallback` says (in the tests' builds, English;
//! in the shipped module, the key and where its words should have come from).

use crate::prelude::*;
use core::cell::{Cell, RefCell};

use crate::domain::messages::{english, fallback, Message, MessageKey};
use crate::domain::resx::{english_instead, Templates};
use crate::domain::time::Timestamp;
use crate::xrm::form::{has_resource_string, resource_string};
use alloc::borrow::Cow;
use alloc::boxed::Box;

crate::local::page_local! {
    static LANGUAGE: Cell<u32> = Cell::new(1033);
}

crate::local::page_local! {
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

/// The strings read by URL (before 9.0).
enum ByUrl {
    /// None read: the platform has `getResourceString`, or no form has loaded yet.
    Unread,
    /// Being read from `url`; `waiting`: what runs once it is in or has failed.
    Reading {
        url: String,
        waiting: Vec<Box<dyn FnOnce()>>,
    },
    /// Read from `url` (none when the read failed).
    Read { url: String, templates: Templates },
}

crate::local::page_local! {
    static BY_URL: RefCell<ByUrl> = RefCell::new(ByUrl::Unread);
}

/// The URL of the user's RESX web resource where the module reads it itself: where the
/// platform cannot (`Xrm.Utility.getResourceString` is missing: before Dynamics 9.0), in
/// every language, English too.
pub fn url_to_read(client_url: &str, lcid: u32) -> Option<String> {
    if has_resource_string() {
        return None;
    }
    Some(
        [
            client_url,
            "/WebResources/",
            RESX,
            ".",
            &crate::domain::text::decimal(lcid.into()),
            ".resx",
        ]
        .concat(),
    )
}

/// Sets the user's language (LCID) and, where the module reads the RESX itself
/// ([`url_to_read`]), starts reading it through the one transport: once per page (again
/// after a read that failed, or for another language), the English file when the language's
/// cannot be read. [`template`] uses it once it is in;
/// [`when_ready`] waits for it.
pub fn read_by_url(client_url: &str, lcid: u32) {
    set_language(lcid);
    let Some(url) = url_to_read(client_url, lcid) else {
        return;
    };
    let started = BY_URL.with(|state| {
        let Ok(mut state) = state.try_borrow_mut() else {
            return false;
        };
        let waiting = match &mut *state {
            ByUrl::Reading { url: read, .. } if *read == url => return false,
            // In already: this language's file, or the English one that stood in for it.
            ByUrl::Read {
                url: read,
                templates,
            } if (*read == url || english_instead(&url).as_ref() == Some(read))
                && !templates.is_empty() =>
            {
                return false;
            }
            ByUrl::Reading { waiting, .. } => core::mem::take(waiting),
            _ => Vec::new(),
        };
        *state = ByUrl::Reading {
            url: url.clone(),
            waiting,
        };
        true
    });
    if started {
        // Sent once the handler has returned (it stays short), before the load's `$batch`.
        crate::shell::soon(move || send(url));
    }
}

/// Reads `url` through the one transport and keeps what it gives ([`store`]).
fn send(url: String) {
    let read = url.clone();
    crate::dataverse::transport::read_web_resource(&read, move |text| store(url, text.as_deref()));
}

/// Whether the strings of `url` are in already (read, and not empty).
pub fn read_from(url: &str) -> bool {
    BY_URL.with(|state| {
        matches!(state.try_borrow().as_deref(),
            Ok(ByUrl::Read { url: read, templates }) if read == url && !templates.is_empty())
    })
}

/// Keeps the strings read from `url` (`None`: the read failed) and runs what waited for them.
/// A language's file that failed is followed by the English one, for the same waiters; an
/// answer for a read given up since (another language asked for) is dropped.
pub fn store(url: String, text: Option<&str>) {
    let (current, english) = BY_URL.with(|state| match state.try_borrow_mut().as_deref_mut() {
        Ok(ByUrl::Reading { url: read, .. }) if *read != url => (false, None),
        Ok(ByUrl::Reading { url: read, .. }) => {
            let english = english_instead(&url).filter(|_| text.is_none());
            if let Some(english) = &english {
                english.clone_into(read);
            }
            (true, english)
        }
        _ => (true, None),
    });
    if !current {
        return;
    }
    if let Some(english) = english {
        return send(english);
    }
    let templates = text.map(Templates::parse).unwrap_or_default();
    let read = ByUrl::Read { url, templates };
    let waiting = BY_URL.with(|state| match state.try_borrow_mut() {
        Ok(mut state) => match core::mem::replace(&mut *state, read) {
            ByUrl::Reading { waiting, .. } => waiting,
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    });
    for then in waiting {
        then();
    }
}

/// Runs `then` once the strings being read by URL are in (or have failed); at once, inside
/// this call, when none are being read.
pub fn when_ready(then: impl FnOnce() + 'static) {
    let then = BY_URL.with(|state| match state.try_borrow_mut().as_deref_mut() {
        Ok(ByUrl::Reading { waiting, .. }) => {
            waiting.push(Box::new(then));
            None
        }
        _ => Some(then),
    });
    if let Some(then) = then {
        then();
    }
}

/// Whether strings are being read by URL (what is shown now is said again once they are in).
pub fn reading() -> bool {
    BY_URL.with(|state| matches!(state.try_borrow().as_deref(), Ok(ByUrl::Reading { .. })))
}

/// The template of `key` read by URL, if any.
fn read_template(key: MessageKey) -> Option<String> {
    BY_URL.with(|state| match state.try_borrow().as_deref() {
        Ok(ByUrl::Read { templates, .. }) => templates.get(key).map(ToOwned::to_owned),
        _ => None,
    })
}

/// A date argument the domain wrote in UTC (`2026-11-26 14:03 UTC`, or the English "unknown
/// date"), in the user's language and locale; `None` for any other argument.
fn localized_date(value: &str) -> Option<String> {
    if value == english(MessageKey::DateUnknown) {
        return Some(template(MessageKey::DateUnknown));
    }
    let iso = [&value.strip_suffix(" UTC")?.replacen(' ', "T", 1), ":00Z"].concat();
    let at = Timestamp::parse_iso(&iso).ok()?;
    Some(crate::ui::dates::date_formatter(LANGUAGE.with(Cell::get))(
        at,
    ))
}

/// The RESX web resource, named without its LCID (the platform picks the language).
pub const RESX: &str = "rsub_/strings/Resubscribe";

/// What stands for a template while the strings are being read by URL: said again once they
/// are in.
const WAITING: &str = "…";

/// The template of `key` in the user's language; for a user who is not an administrator,
/// without its technical details.
pub fn template(key: MessageKey) -> String {
    let template = resource_string(RESX, key.id())
        .filter(|t| !t.trim().is_empty())
        .or_else(|| read_template(key))
        .unwrap_or_else(|| match english(key) {
            "" if reading() => WAITING.to_owned(),
            _ => fallback(key).into_owned(),
        });
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
    crate::domain::text::join(messages.iter().map(text), " ")
}
