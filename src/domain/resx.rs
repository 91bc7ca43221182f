//! A RESX string web resource (`rsub_/strings/Resubscribe.<lcid>.resx`) read as text: its
//! `<data name="…"><value>…</value></data>` entries by [`MessageKey`]. What the configuration
//! page and the form libraries read where `Xrm.Utility.getResourceString` is not theirs (the
//! page) or not there (before Dynamics 9.0). A small scanner, no XML parser in the module.

use crate::prelude::*;

use super::messages::MessageKey;
use super::text::find;

/// The templates a RESX file gives, by key (an entry with an unknown key or an empty value
/// gives none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Templates(Vec<(MessageKey, String)>);

impl Templates {
    /// Reads the entries of `resx`; text that is not a RESX file gives none.
    pub fn parse(resx: &str) -> Templates {
        let mut found = Vec::new();
        let mut rest = resx;
        while let Some(at) = find(rest, "<data ") {
            rest = rest.get(at + 6..).unwrap_or_default();
            let end = find(rest, "</data>").unwrap_or(rest.len());
            let entry = rest.get(..end).unwrap_or_default();
            let name = entry_name(entry);
            let value = between(entry, "<value>", "</value>").map(unescape);
            if let (Some(key), Some(value)) = (name.and_then(|n| MessageKey::from_id(&n)), value) {
                if !value.trim().is_empty() {
                    found.push((key, value));
                }
            }
            rest = rest.get(end..).unwrap_or_default();
        }
        Templates(found)
    }

    /// The template of `key`, if the file gives one.
    pub fn get(&self, key: MessageKey) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, text)| text.as_str())
    }

    /// How many templates the file gives.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the file gives none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The `name` attribute at the start of a RESX `<data …>` entry.
fn entry_name(entry: &str) -> Option<String> {
    let head = entry.get(..find(entry, ">")?)?;
    between(head, "name=\"", "\"").map(unescape)
}

/// The text between the first `open` and the next `close`.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = find(text, open)? + open.len();
    let rest = text.get(start..)?;
    rest.get(..find(rest, close)?)
}

/// XML's five entities and numeric references; anything else stays as written.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at..).unwrap_or_default();
        let end = tail.find(';').filter(|e| *e <= 10);
        let entity = end.and_then(|e| tail.get(1..e)).unwrap_or_default();
        let decoded = match entity {
            "quot" => Some('"'),
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            _ => entity.strip_prefix('#').and_then(reference),
        };
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = tail.get(e + 1..).unwrap_or_default();
            }
            _ => {
                out.push('&');
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of a numeric reference without its `&#` and `;` (`x41` or `65`), if valid.
fn reference(number: &str) -> Option<char> {
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u32 = 0;
    for c in digits.chars() {
        value = value.checked_mul(radix)?.checked_add(c.to_digit(radix)?)?;
    }
    char::from_u32(value)
}

/// The English file beside the RESX file at `url` (`….<lcid>.resx`) when that is another
/// language's: what is read when the language has no file or it cannot be read, as the
/// platform falls back to a base language. `None` for the English file itself.
pub fn english_instead(url: &str) -> Option<String> {
    let (base, lcid) = super::text::rsplit_once(url.strip_suffix(".resx")?, ".")?;
    (lcid != "1033").then(|| [base, ".1033.resx"].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_file_stands_in_for_another_language() {
        assert_eq!(
            english_instead("http://crm/contoso/WebResources/rsub_/strings/Resubscribe.3082.resx")
                .as_deref(),
            Some("http://crm/contoso/WebResources/rsub_/strings/Resubscribe.1033.resx")
        );
        assert_eq!(
            english_instead("../strings/Resubscribe.1031.resx").as_deref(),
            Some("../strings/Resubscribe.1033.resx")
        );
        assert_eq!(english_instead("../strings/Resubscribe.1033.resx"), None);
        assert_eq!(english_instead("../strings/Resubscribe.txt"), None);
    }

    #[test]
    fn reads_the_entries_it_knows_and_skips_the_rest() {
        let resx = r#"<root><data name="setup.title" xml:space="preserve">
            <value>Resubscribe: Konfigurationspr&#252;fung &amp; mehr</value></data>
            <data name="setup.intro"><value>  </value></data>
            <data name="unknown.key"><value>x</value></data><data name="panel.title"><value>Erneut"#;
        let templates = Templates::parse(resx);
        assert_eq!(
            templates.get(MessageKey::SetupTitle),
            Some("Resubscribe: Konfigurationsprüfung & mehr")
        );
        assert_eq!(templates.get(MessageKey::SetupIntro), None);
        assert_eq!(templates.get(MessageKey::PanelTitle), None);
        assert_eq!(templates.len(), 1);
        assert!(Templates::parse("").is_empty());
        assert!(Templates::parse("<html>Not found</html>").is_empty());
    }

    #[test]
    fn unescapes_entities_and_leaves_stray_ampersands() {
        assert_eq!(
            unescape("a &lt;b&gt; &quot;c&apos; &#x41;&#66;"),
            "a <b> \"c' AB"
        );
        assert_eq!(
            unescape("fish & chips &unknown; &#xZZ;"),
            "fish & chips &unknown; &#xZZ;"
        );
    }

    #[test]
    fn every_shipped_resx_gives_every_key() {
        let dir = [
            env!("CARGO_MANIFEST_DIR"),
            "/www/webresources/rsub_/strings/",
        ]
        .concat();
        for lcid in ["1031", "1036", "1043"] {
            let path = [dir.as_str(), "Resubscribe.", lcid, ".resx"].concat();
            let templates = Templates::parse(&std::fs::read_to_string(&path).unwrap());
            for key in MessageKey::ALL {
                assert!(templates.get(*key).is_some(), "{lcid}: {}", key.id());
            }
        }
    }
}
