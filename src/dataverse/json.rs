//! JSON text ⇄ values. The shipped module lets the browser parse and write (`JSON.parse` /
//! `JSON.stringify` through `serde-wasm-bindgen`), which keeps a JSON codec out of the wasm;
//! native builds and tests use `serde_json`.

use serde::de::DeserializeOwned;

/// Parses JSON text into `T`; the error says why, in English, for details and logs.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    #[cfg(target_arch = "wasm32")]
    {
        let value = js_sys::JSON::parse(text).map_err(|_| "the response is not JSON".to_owned())?;
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// Writes `value` as JSON text.
pub fn encode<T: serde::Serialize>(value: &T) -> Result<String, String> {
    #[cfg(target_arch = "wasm32")]
    {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let value = value.serialize(&serializer).map_err(|e| e.to_string())?;
        js_sys::JSON::stringify(&value)
            .map(String::from)
            .map_err(|_| "the value cannot be written as JSON".to_owned())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::to_string(value).map_err(|e| e.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_escapes_quotes_controls_and_line_separators() {
        let text = "He said \"resubscribe me\"\n\tC:\\x \u{1} \u{2028}é";
        let encoded = string(text);
        assert_eq!(
            encoded,
            "\"He said \\\"resubscribe me\\\"\\n\\tC:\\\\x \\u0001 \\u2028é\""
        );
        let back: String = decode(&encoded).unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn decode_reports_bad_json_without_panicking() {
        assert!(decode::<Vec<u32>>("{not json").is_err());
        assert_eq!(decode::<Vec<u32>>("[1,2]"), Ok(vec![1, 2]));
    }
}
