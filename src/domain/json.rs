//! Reading JSON values without a JSON parser in the domain: the edge parses (the browser's
//! `JSON.parse` in the shipped module, `serde_json` natively) and hands in a value that
//! implements [`JsonValue`]. Hand-written readers over it keep serde's generated decoders —
//! about 100 KB of wasm — out of the module.

use crate::prelude::*;
/// A parsed JSON value.
pub trait JsonValue: Sized {
    /// The member `key` of an object; `None` when absent or not an object.
    fn get(&self, key: &str) -> Option<Self>;
    /// The text of a string.
    fn text(&self) -> Option<String>;
    /// A boolean.
    fn boolean(&self) -> Option<bool>;
    /// A number.
    fn number(&self) -> Option<f64>;
    /// The elements of an array.
    fn items(&self) -> Option<Vec<Self>>;
    /// The member names of an object.
    fn keys(&self) -> Option<Vec<String>>;
    /// Whether it is `null`.
    fn is_null(&self) -> bool;

    /// The member `key` when present and not `null`.
    fn field(&self, key: &str) -> Option<Self> {
        self.get(key).filter(|v| !v.is_null())
    }

    /// An integer member (JSON numbers are doubles; fractions are refused).
    fn integer(&self, key: &str) -> Option<i64> {
        let n = self.field(key)?.number()?;
        // `as` saturates and maps NaN to 0, so only whole numbers in range survive the trip.
        ((-9.0e15..9.0e15).contains(&n) && (n as i64) as f64 == n).then_some(n as i64)
    }
}

/// Why a JSON value does not have the expected shape (English, for details and logs).
pub fn wrong_type(key: &str, expected: &str) -> String {
    ["\"", key, "\" must be ", expected].concat()
}

/// An optional text member: absent or `null` is `None`, anything but text is an error.
pub fn optional_text<V: JsonValue>(value: &V, key: &str) -> Result<Option<String>, String> {
    match value.field(key) {
        None => Ok(None),
        Some(v) => v.text().map(Some).ok_or_else(|| wrong_type(key, "text")),
    }
}

/// A list of texts member: absent is `None`.
pub fn optional_texts<V: JsonValue>(value: &V, key: &str) -> Result<Option<Vec<String>>, String> {
    let Some(list) = value.field(key) else {
        return Ok(None);
    };
    let items = list
        .items()
        .ok_or_else(|| wrong_type(key, "a list of texts"))?;
    items
        .iter()
        .map(|item| {
            item.text()
                .ok_or_else(|| wrong_type(key, "a list of texts"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Refuses members other than `known` (a misspelt setting must not pass silently).
pub fn only_known<V: JsonValue>(value: &V, known: &[&str]) -> Result<(), String> {
    let keys = value
        .keys()
        .ok_or_else(|| "expected a JSON object".to_owned())?;
    match keys.iter().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err([
            "unknown field \"",
            unknown,
            "\" (known: ",
            &super::text::join(known, ", "),
            ")",
        ]
        .concat()),
        None => Ok(()),
    }
}
