//! What a form's FormXml says about the library: its form libraries, its event handlers, the
//! columns and controls on it. A small tag scanner (no XML parser in the module): it reads
//! start tags and their attributes, skips comments, CDATA and processing instructions, and
//! treats a node a differential form marks `solutionaction="Removed"` as absent, as Dynamics does
//! when it merges the form.

use crate::domain::resx::unescape;
use crate::domain::text;
use crate::prelude::*;

/// One `<Handler>` of an `<event>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    /// The event's `name` (`onload`, `onsave`, `onchange`), lower case.
    pub event: String,
    /// The event's `attribute` (for `onchange`), lower case.
    pub attribute: Option<String>,
    /// `functionName`.
    pub function: String,
    /// `libraryName`.
    pub library: String,
    /// `enabled` (absent = enabled).
    pub enabled: bool,
    /// `passExecutionContext` (absent = not passed).
    pub pass_context: bool,
    /// `parameters`, unescaped.
    pub parameters: String,
}

/// What the checks need of a form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormFacts {
    /// `<formLibraries><Library name>`.
    pub libraries: Vec<String>,
    /// Every handler of every customer event (`application="true"` events hold the platform's
    /// own handlers and are skipped only when they name no library of ours: customer handlers
    /// can share them, so all are read).
    pub handlers: Vec<Handler>,
    /// `datafieldname` of every control, lower case.
    pub columns: Vec<String>,
    /// `id` of every control.
    pub controls: Vec<String>,
}

/// A start (or empty-element) tag.
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    empty: bool,
    body: &'a str,
}

impl Tag<'_> {
    fn attribute(&self, wanted: &str) -> Option<String> {
        attributes(self.body)
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| unescape(value))
    }

    fn removed(&self) -> bool {
        self.attribute("solutionaction")
            .is_some_and(|a| a.eq_ignore_ascii_case("removed"))
    }
}

/// The `name="value"` pairs of a tag body (single or double quotes).
fn attributes(body: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = body;
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let name = rest.get(..eq).unwrap_or_default().trim();
        let after = rest.get(eq + 1..).unwrap_or_default().trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let inner = after.get(1..).unwrap_or_default();
        let Some(end) = inner.find(quote) else { break };
        // A name is the last word before `=` (what precedes it was a valueless token).
        let name = name.rsplit(char::is_whitespace).next().unwrap_or(name);
        found.push((name, inner.get(..end).unwrap_or_default()));
        rest = inner.get(end + 1..).unwrap_or_default();
    }
    found
}

/// The tags of a document, in order.
fn tags(xml: &str) -> Vec<Tag<'_>> {
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let tail = rest.get(open..).unwrap_or_default();
        let skip = |end: &str| text::find(tail, end).map(|e| e + end.len());
        let consumed = if tail.starts_with("<!--") {
            skip("-->")
        } else if tail.starts_with("<![CDATA[") {
            skip("]]>")
        } else if tail.starts_with("<?") || tail.starts_with("<!") {
            skip(">")
        } else {
            let end = tag_end(tail);
            if let Some(end) = end {
                let inner = tail.get(1..end).unwrap_or_default();
                let closing = inner.starts_with('/');
                let inner = inner.trim_start_matches('/');
                let empty = inner.ends_with('/');
                let inner = inner.trim_end_matches('/');
                let name_end = inner
                    .find(|c: char| c.is_whitespace())
                    .unwrap_or(inner.len());
                found.push(Tag {
                    name: inner.get(..name_end).unwrap_or_default(),
                    closing,
                    empty,
                    body: inner.get(name_end..).unwrap_or_default(),
                });
            }
            end.map(|e| e + 1)
        };
        match consumed {
            Some(n) => rest = tail.get(n..).unwrap_or_default(),
            None => break,
        }
    }
    found
}

/// Where a tag that starts `text` ends (`>` outside quotes).
fn tag_end(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(at),
            _ => {}
        }
    }
    None
}

/// Reads a form's FormXml.
pub fn scan(xml: &str) -> FormFacts {
    let mut facts = FormFacts::default();
    // The current event (name, attribute), unless it was removed.
    let mut event: Option<(String, Option<String>)> = None;
    let mut removed_event = false;
    for tag in tags(xml) {
        let name = tag.name.to_ascii_lowercase();
        match (name.as_str(), tag.closing) {
            ("event", true) => {
                event = None;
                removed_event = false;
            }
            ("event", false) => {
                removed_event = tag.removed();
                event = (!tag.empty).then(|| {
                    (
                        tag.attribute("name")
                            .unwrap_or_default()
                            .to_ascii_lowercase(),
                        tag.attribute("attribute").map(|a| a.to_ascii_lowercase()),
                    )
                });
            }
            ("handler", false) if !removed_event && !tag.removed() => {
                if let Some((event_name, attribute)) = &event {
                    let flag = |name: &str, absent: bool| {
                        tag.attribute(name)
                            .map_or(absent, |v| v.trim().eq_ignore_ascii_case("true"))
                    };
                    facts.handlers.push(Handler {
                        event: event_name.clone(),
                        attribute: attribute.clone(),
                        function: tag.attribute("functionName").unwrap_or_default(),
                        library: tag.attribute("libraryName").unwrap_or_default(),
                        enabled: flag("enabled", true),
                        pass_context: flag("passExecutionContext", false),
                        parameters: tag.attribute("parameters").unwrap_or_default(),
                    });
                }
            }
            ("library", false) if !tag.removed() => {
                if let Some(library) = tag.attribute("name") {
                    facts.libraries.push(library);
                }
            }
            ("control", false) if !tag.removed() => {
                if let Some(id) = tag.attribute("id") {
                    facts.controls.push(id);
                }
                if let Some(column) = tag.attribute("datafieldname") {
                    facts.columns.push(column.to_ascii_lowercase());
                }
            }
            _ => {}
        }
    }
    facts
}

/// The mapping JSON a handler's `parameters` string carries: Dynamics evaluates the parameter
/// list as JavaScript literals, so a single- or double-quoted string is unquoted (with `\'`
/// and `\"` unescaped); anything else is returned trimmed.
pub fn parameter_text(parameters: &str) -> String {
    let trimmed = parameters.trim();
    for quote in ['\'', '"'] {
        if let Some(inner) = trimmed
            .strip_prefix(quote)
            .and_then(|t| t.strip_suffix(quote))
        {
            let unquoted = text::replace(inner, "\\'", "'");
            return text::replace(&unquoted, "\\\"", "\"");
        }
    }
    trimmed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = r#"<?xml version="1.0"?><form><!-- <Library name="commented.js"/> -->
      <tabs><tab><columns><column><sections><section><rows>
        <row><cell><control id="esc_emailaddress" classid="{x}" datafieldname="esc_EmailAddress" /></cell></row>
        <row><cell><control id="WebResource_rsub_status" classid="{y}"><parameters><Url>rsub_/resubscribe/status.html</Url></parameters></control></cell></row>
      </rows></section></sections></column></columns></tab></tabs>
      <formLibraries><Library name="rsub_/resubscribe/form.js" libraryUniqueId="{1}" /><Library name="old.js" solutionaction="Removed" /></formLibraries>
      <events>
        <event name="onload" application="false" active="false"><Handlers>
          <Handler functionName="Rsub.EmailSuppressionForm.onLoad" libraryName="rsub_/resubscribe/form.js" handlerUniqueId="{2}" enabled="true" parameters="'{&quot;email&quot;:&quot;esc_emailaddress&quot;}'" passExecutionContext="true" />
        </Handlers></event>
        <event name="OnSave" application="false" active="false" solutionaction="Removed"><Handlers>
          <Handler functionName="Rsub.EmailSuppressionForm.onSave" libraryName="rsub_/resubscribe/form.js" enabled="true" passExecutionContext="true" />
        </Handlers></event>
        <event name="onchange" attribute="esc_RequestResubscribe"><Handlers>
          <Handler functionName='Rsub.EmailSuppressionForm.onRequestResubscribeChange' libraryName="rsub_/resubscribe/form.js" enabled="false" />
        </Handlers></event>
      </events></form>"#;

    #[test]
    fn reads_libraries_handlers_columns_and_controls_and_skips_removed_nodes() {
        let facts = scan(FORM);
        assert_eq!(facts.libraries, vec!["rsub_/resubscribe/form.js"]);
        assert_eq!(facts.columns, vec!["esc_emailaddress"]);
        assert_eq!(
            facts.controls,
            vec!["esc_emailaddress", "WebResource_rsub_status"]
        );
        assert_eq!(facts.handlers.len(), 2);
        let load = &facts.handlers[0];
        assert_eq!(load.event, "onload");
        assert!(load.enabled && load.pass_context);
        assert_eq!(
            parameter_text(&load.parameters),
            r#"{"email":"esc_emailaddress"}"#
        );
        let change = &facts.handlers[1];
        assert_eq!(change.attribute.as_deref(), Some("esc_requestresubscribe"));
        assert!(!change.enabled && !change.pass_context);
    }

    #[test]
    fn broken_text_gives_what_could_be_read_without_panicking() {
        for text in [
            "",
            "<",
            "<form",
            "<form a=\"1",
            "&",
            "&#xZZ;",
            "<Library name=\"a&b.js\"/>",
        ] {
            let _ = scan(text);
        }
        assert_eq!(
            scan("<Library name=\"a&amp;b.js\"/>").libraries,
            vec!["a&b.js"]
        );
        assert_eq!(unescape("&#65;&#x42;&bogus;&"), "AB&bogus;&");
    }
}
