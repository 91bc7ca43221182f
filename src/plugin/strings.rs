//! The user's words: messages rendered from the RESX web resource of the user's language
//! (`Xrm.Utility.getResourceString`), falling back to the English table for a missing key.

use crate::domain::messages::{english, Message, MessageKey};
use crate::xrm::form::resource_string;

/// The RESX web resource, named without its LCID (the platform picks the language).
pub const RESX: &str = "rsub_/strings/Resubscribe";

/// The template of `key` in the user's language.
pub fn template(key: MessageKey) -> String {
    resource_string(RESX, key.id())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| english(key).to_owned())
}

/// `message` in the user's language.
pub fn text(message: &Message) -> String {
    let own = template(message.key);
    message.render(|key| {
        if key == message.key {
            own.as_str()
        } else {
            english(key)
        }
    })
}

/// Several messages as one notification text.
pub fn joined(messages: &[Message]) -> String {
    messages.iter().map(text).collect::<Vec<_>>().join(" ")
}
