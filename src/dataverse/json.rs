//! JSON at the edge: parsing (the browser's `JSON.parse` in the shipped module, `serde_json`
//! natively) into a [`Json`] value the hand-written readers walk, and [`string`] and
//! [`object`] for the small bodies the plugin writes. No serde decoder is compiled into the
//! module.

use crate::domain::json::JsonValue;
use crate::prelude::*;

/// A parsed JSON value.
#[derive(Clone, Debug)]
pub struct Json(
    #[cfg(target_arch = "wasm32")] wasm_bindgen::JsValue,
    #[cfg(not(target_arch = "wasm32"))] serde_json::Value,
);

impl Json {
    /// Parses JSON text; the error says why, in English.
    pub fn parse(text: &str) -> Result<Json, String> {
        #[cfg(target_arch = "wasm32")]
        {
            js_sys::JSON::parse(text)
                .map(Json)
                .map_err(|_| "the text is not JSON".to_owned())
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            serde_json::from_str(text)
                .map(Json)
                .map_err(|e| e.to_string())
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl JsonValue for Json {
    fn get(&self, key: &str) -> Option<Json> {
        if !self.0.is_object() || js_sys::Array::is_array(&self.0) {
            return None;
        }
        let value = js_sys::Reflect::get(&self.0, &key.into()).ok()?;
        (!value.is_undefined()).then_some(Json(value))
    }
    fn text(&self) -> Option<String> {
        self.0.as_string()
    }
    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn items(&self) -> Option<Vec<Json>> {
        js_sys::Array::is_array(&self.0)
            .then(|| js_sys::Array::from(&self.0).iter().map(Json).collect())
    }
    fn keys(&self) -> Option<Vec<String>> {
        use wasm_bindgen::JsCast;
        // By shape, not `instanceof`: a value of any realm.
        let object = Some(&self.0)
            .filter(|v| v.is_object() && !js_sys::Array::is_array(v))?
            .unchecked_ref::<js_sys::Object>();
        Some(
            js_sys::Object::keys(object)
                .iter()
                .filter_map(|k| k.as_string())
                .collect(),
        )
    }
    fn is_null(&self) -> bool {
        self.0.is_null() || self.0.is_undefined()
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl JsonValue for Json {
    fn get(&self, key: &str) -> Option<Json> {
        self.0.as_object()?.get(key).cloned().map(Json)
    }
    fn text(&self) -> Option<String> {
        self.0.as_str().map(str::to_owned)
    }
    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn items(&self) -> Option<Vec<Json>> {
        Some(self.0.as_array()?.iter().cloned().map(Json).collect())
    }
    fn keys(&self) -> Option<Vec<String>> {
        Some(self.0.as_object()?.keys().cloned().collect())
    }
    fn is_null(&self) -> bool {
        self.0.is_null()
    }
}

/// A JSON string literal for `text`, with the escapes RFC 8259 requires.
pub fn string(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let code = u32::from(c);
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(HEX[((code >> shift) & 0xf) as usize]));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON object of `members`, each a name and a value already written as JSON (a
/// [`string`], a number, `true`, `null`…), in order.
pub fn object(members: &[(&str, &str)]) -> String {
    let mut out = String::from("{");
    for (index, (name, value)) in members.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.extend([&string(name), ":", *value]);
    }
    out.push('}');
    out
}

/// `true` or `false`.
pub fn boolean(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_writes_members_in_order_as_valid_json() {
        let text = object(&[
            ("name", &string("Zoë \"Z\"")),
            ("n", "-12"),
            ("ok", boolean(true)),
            ("none", "null"),
        ]);
        assert_eq!(
            text,
            r#"{"name":"Zoë \"Z\"","n":-12,"ok":true,"none":null}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["name"], "Zoë \"Z\"");
        assert_eq!(object(&[]), "{}");
    }

    #[test]
    fn string_escapes_quotes_controls_and_line_separators() {
        let text = "He said \"resubscribe me\"\n\tC:\\x \u{1} \u{2028}é";
        let encoded = string(text);
        assert_eq!(
            encoded,
            "\"He said \\\"resubscribe me\\\"\\n\\tC:\\\\x \\u0001 \\u2028é\""
        );
        assert_eq!(Json::parse(&encoded).unwrap().text().as_deref(), Some(text));
    }

    #[test]
    fn parse_reports_bad_json_and_reads_members() {
        assert!(Json::parse("{not json").is_err());
        let v = Json::parse(r#"{"a":[1,"x"],"b":null,"c":true}"#).unwrap();
        assert_eq!(v.get("a").and_then(|a| a.items()).map(|i| i.len()), Some(2));
        assert!(v.get("b").is_some_and(|b| b.is_null()) && v.field("b").is_none());
        assert_eq!(v.field("c").and_then(|c| c.boolean()), Some(true));
        assert_eq!(v.keys().map(|k| k.len()), Some(3));
        assert!(v.get("missing").is_none());
    }
}
