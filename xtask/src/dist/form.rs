//! Form wiring: the mapping parameter string, and the injection of the form library, its
//! OnLoad/OnSave/OnChange handlers and (optionally) the status panel into a customer's exported
//! form XML.
//!
//! A `systemform` must hold the whole form (tabs, sections, controls: `FormXml.xsd` requires at
//! least one tab), so the wiring edits an exported form rather than inventing one. The text of
//! the form is kept byte for byte; only the new elements are spliced in.

use resubscribe::dataverse::json::Json;
use resubscribe::domain::mapping::MappingConfig;
use serde_json::{Map, Value};

use super::xml;

/// The form library's unique name (the web resource the handlers live in).
pub const LIBRARY: &str = crate::paths::FORM_LIBRARY;

/// The inline panel page and its control.
pub const PANEL_PAGE: &str = "rsub_/resubscribe/status.html";
const PANEL_CONTROL_ID: &str = "WebResource_rsub_status";
const WEB_RESOURCE_CONTROL: &str = "{9FDF5F91-88B1-47F4-AD53-C11EFC01A01D}";

/// Stable ids of what the wiring adds (unique within one form; never regenerated).
const LIBRARY_UNIQUE_ID: &str = "{6c3f0d52-58f4-4b8e-9a51-2f6e1c7a0b11}";
const ONLOAD_HANDLER_ID: &str = "{6c3f0d52-58f4-4b8e-9a51-2f6e1c7a0b12}";
const ONSAVE_HANDLER_ID: &str = "{6c3f0d52-58f4-4b8e-9a51-2f6e1c7a0b13}";
const ONCHANGE_HANDLER_ID: &str = "{6c3f0d52-58f4-4b8e-9a51-2f6e1c7a0b14}";
const PANEL_CELL_ID: &str = "{6c3f0d52-58f4-4b8e-9a51-2f6e1c7a0b15}";

/// The global functions the form library defines (www/loader/form.js).
pub const ON_LOAD: &str = "Rsub.EmailSuppressionForm.onLoad";
/// OnSave handler.
pub const ON_SAVE: &str = "Rsub.EmailSuppressionForm.onSave";
/// OnChange handler of the Request Resubscribe attribute.
pub const ON_CHANGE: &str = "Rsub.EmailSuppressionForm.onRequestResubscribeChange";

/// The mapping of the connector's Email Suppressions form (dotmailer connector attributes).
pub const DEFAULT_MAPPING: &str = r#"{"requestResubscribe":"esc_requestresubscribe","requestDate":"esc_resubscriberequestdate","email":"esc_emailaddress","reason":"esc_reason","contact":"esc_contactid"}"#;

/// The validated attribute mapping the handlers receive.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    object: Map<String, Value>,
}

impl Mapping {
    /// Parses and validates a mapping JSON object: first with the form library's own reader
    /// (so the keys and shapes it accepts are exactly the plugin's), then the stricter rules a
    /// package needs.
    pub fn parse(json: &str) -> Result<Self, String> {
        let parsed = Json::parse(json).map_err(|e| format!("the mapping is not JSON: {e}"))?;
        let config = MappingConfig::read(&parsed)
            .map_err(|why| format!("the mapping is not valid: {why}"))?;
        let Ok(Value::Object(object)) = serde_json::from_str::<Value>(json) else {
            return Err("the mapping must be a JSON object".into());
        };
        let Some(request) = &config.request_resubscribe else {
            return Err("the mapping needs `requestResubscribe`: its OnChange handler is registered on that column".into());
        };
        let names = [
            ("requestResubscribe", Some(request)),
            ("requestDate", config.request_date.as_ref()),
            ("email", config.email.as_ref()),
            ("reason", config.reason.as_ref()),
            ("contact", config.contact.as_ref()),
            ("entitySet", config.entity_set.as_ref()),
        ];
        for (key, name) in names {
            if let Some(name) = name.filter(|n| !is_logical_name(n)) {
                return Err(format!(
                    "mapping `{key}` must be a logical name (lower case), not \"{name}\""
                ));
            }
        }
        if config
            .reason_values
            .iter()
            .any(|(k, _)| k.parse::<i64>().is_err())
        {
            return Err("mapping `reasonValues` must map option values to reason names, e.g. {\"1\":\"HardBounce\"}".into());
        }
        if config
            .connector_solution
            .as_deref()
            .is_some_and(str::is_empty)
        {
            return Err("mapping `connectorSolution` must be a solution unique name".into());
        }
        let patterns = config.lifecycle_patterns.iter();
        let lists = patterns.flat_map(|p| [&p.confirmation_sent, &p.resubscribed, &p.failed]);
        if lists.flatten().any(|s| s.is_empty()) {
            return Err("mapping `lifecyclePatterns` may not hold empty substrings".into());
        }
        let mapping = Self { object };
        if mapping.compact().contains('\'') {
            return Err(
                "the mapping may not contain `'` (the parameter string is single-quoted)".into(),
            );
        }
        Ok(mapping)
    }

    /// The attribute whose OnChange gets the handler.
    pub fn request_attribute(&self) -> &str {
        self.object
            .get("requestResubscribe")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The JSON on one line.
    pub fn compact(&self) -> String {
        Value::Object(self.object.clone()).to_string()
    }

    /// The handler `parameters` value: the JSON as one single-quoted string literal.
    pub fn parameters(&self) -> String {
        format!("'{}'", self.compact())
    }
}

fn is_logical_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// What to add to a form.
pub struct Wiring<'a> {
    /// The validated mapping.
    pub mapping: &'a Mapping,
    /// The status page's web resource id, when the panel is to be placed.
    pub panel: Option<&'a str>,
}

/// Adds the library, the handlers and the optional panel to a `<systemform>` (its exact text);
/// what is already there (a previous wiring) is updated, not duplicated.
pub fn inject(systemform: &str, wiring: &Wiring) -> Result<String, String> {
    let mut text = systemform.to_owned();
    text = add_library(&text)?;
    let attribute = wiring.mapping.request_attribute().to_owned();
    let parameters = wiring.mapping.parameters();
    for (event, attr, function, id) in [
        ("onload", None, ON_LOAD, ONLOAD_HANDLER_ID),
        ("onsave", None, ON_SAVE, ONSAVE_HANDLER_ID),
        (
            "onchange",
            Some(attribute.as_str()),
            ON_CHANGE,
            ONCHANGE_HANDLER_ID,
        ),
    ] {
        let handler = handler_xml(function, id, &parameters);
        text = add_handler(&text, event, attr, function, &handler)?;
    }
    if let Some(page_id) = wiring.panel {
        text = add_panel(&text, &attribute, page_id)?;
    }
    Ok(text)
}

fn handler_xml(function: &str, id: &str, parameters: &str) -> String {
    format!(
        "<Handler functionName=\"{function}\" libraryName=\"{LIBRARY}\" handlerUniqueId=\"{id}\" enabled=\"true\" parameters=\"{}\" passExecutionContext=\"true\" />",
        xml::escape(parameters)
    )
}

/// Parses a `<systemform>` fragment (which may use `xsi:` without declaring it).
fn with_fragment<T>(
    text: &str,
    f: impl FnOnce(roxmltree::Node, usize) -> Result<T, String>,
) -> Result<T, String> {
    const OPEN: &str = "<fragment xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
    let wrapped = format!("{OPEN}{text}</fragment>");
    let doc = xml::parse("the form XML", &wrapped)?;
    let systemform =
        xml::child(doc.root_element(), "systemform").ok_or("the form XML has no <systemform>")?;
    let form = xml::child(systemform, "form").ok_or("the <systemform> has no <form>")?;
    f(form, OPEN.len())
}

/// Byte offset of the start of the closing tag of `node` (in the unwrapped text).
fn closing_tag_start(node: roxmltree::Node, text: &str, shift: usize) -> Result<usize, String> {
    let end = node.range().end - shift;
    let name = node.tag_name().name();
    let close = format!("</{name}>");
    if text[..end].ends_with(&close) {
        Ok(end - close.len())
    } else {
        Err(format!(
            "<{name}> is empty (self-closing); cannot add to it"
        ))
    }
}

fn indent_at(text: &str, position: usize) -> String {
    let line_start = text[..position].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..position]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Inserts `block` (lines joined by `\n`) just before the closing tag of `parent`, indented one
/// level deeper than that tag.
fn insert_before_close(text: &str, position: usize, block: &str) -> String {
    let indent = indent_at(text, position);
    let inner = format!("{indent}  ");
    let mut out = String::with_capacity(text.len() + block.len() + 64);
    let head = &text[..position];
    let head_trimmed = head.trim_end_matches([' ', '\t']);
    out.push_str(head_trimmed);
    if !head_trimmed.ends_with('\n') {
        out.push('\n');
    }
    for line in block.lines() {
        out.push_str(&inner);
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&indent);
    out.push_str(&text[position..]);
    out
}

fn replace_range(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    format!("{}{with}{}", &text[..range.start], &text[range.end..])
}

fn add_library(text: &str) -> Result<String, String> {
    let library = format!("<Library name=\"{LIBRARY}\" libraryUniqueId=\"{LIBRARY_UNIQUE_ID}\" />");
    with_fragment(text, |form, shift| {
        match xml::child(form, "formLibraries") {
            Some(libraries) => {
                if xml::elements(libraries).any(|l| l.attribute("name") == Some(LIBRARY)) {
                    return Ok(text.to_owned());
                }
                let at = closing_tag_start(libraries, text, shift)?;
                Ok(insert_before_close(text, at, &library))
            }
            None => {
                let at = closing_tag_start(form, text, shift)?;
                Ok(insert_before_close(
                    text,
                    at,
                    &format!("<formLibraries>\n  {library}\n</formLibraries>"),
                ))
            }
        }
    })
}

fn add_handler(
    text: &str,
    event: &str,
    attribute: Option<&str>,
    function: &str,
    handler: &str,
) -> Result<String, String> {
    let attribute_xml = attribute.map_or(String::new(), |a| format!(" attribute=\"{a}\""));
    let new_event = format!(
        "<event name=\"{event}\" application=\"false\" active=\"false\"{attribute_xml}>\n  <Handlers>\n    {handler}\n  </Handlers>\n</event>"
    );
    with_fragment(text, |form, shift| {
        let Some(events) = xml::child(form, "events") else {
            let at = closing_tag_start(form, text, shift)?;
            return Ok(insert_before_close(
                text,
                at,
                &format!("<events>\n{}\n</events>", indent_lines(&new_event)),
            ));
        };
        let matching = xml::elements(events).find(|e| {
            e.has_tag_name("event")
                && e.attribute("name") == Some(event)
                && e.attribute("attribute").map(str::to_ascii_lowercase)
                    == attribute.map(str::to_ascii_lowercase)
        });
        let Some(existing) = matching else {
            let at = closing_tag_start(events, text, shift)?;
            return Ok(insert_before_close(text, at, &new_event));
        };
        let Some(handlers) = xml::child(existing, "Handlers") else {
            return match closing_tag_start(existing, text, shift) {
                Ok(at) => Ok(insert_before_close(
                    text,
                    at,
                    &format!("<Handlers>\n  {handler}\n</Handlers>"),
                )),
                Err(_) => {
                    let range = existing.range();
                    Ok(replace_range(
                        text,
                        range.start - shift..range.end - shift,
                        &new_event,
                    ))
                }
            };
        };
        if let Some(old) = xml::elements(handlers).find(|h| {
            h.attribute("functionName") == Some(function)
                && h.attribute("libraryName") == Some(LIBRARY)
        }) {
            let range = old.range();
            return Ok(replace_range(
                text,
                range.start - shift..range.end - shift,
                handler,
            ));
        }
        match closing_tag_start(handlers, text, shift) {
            Ok(at) => Ok(insert_before_close(text, at, handler)),
            Err(_) => {
                let range = handlers.range();
                Ok(replace_range(
                    text,
                    range.start - shift..range.end - shift,
                    &format!("<Handlers>{handler}</Handlers>"),
                ))
            }
        }
    })
}

fn add_panel(text: &str, attribute: &str, page_id: &str) -> Result<String, String> {
    with_fragment(text, |form, shift| {
        if form
            .descendants()
            .any(|n| n.has_tag_name("control") && n.attribute("id") == Some(PANEL_CONTROL_ID))
        {
            return Ok(text.to_owned());
        }
        let row = form
            .descendants()
            .find(|n| {
                n.has_tag_name("control")
                    && n.attribute("datafieldname")
                        .is_some_and(|d| d.eq_ignore_ascii_case(attribute))
                    && n.ancestors().any(|a| a.has_tag_name("tabs"))
            })
            .and_then(|control| control.ancestors().find(|a| a.has_tag_name("row")))
            .ok_or_else(|| {
                format!(
                    "cannot place the panel: the form has no control for `{attribute}` in its tabs"
                )
            })?;
        let end = row.range().end - shift;
        let indent = indent_at(text, row.range().start - shift);
        let panel = format!(
            "<row>\n  <cell id=\"{PANEL_CELL_ID}\" showlabel=\"false\" rowspan=\"6\" colspan=\"1\" auto=\"false\">\n    <labels>\n      <label description=\"Resubscription\" languagecode=\"1033\" />\n    </labels>\n    <control id=\"{PANEL_CONTROL_ID}\" classid=\"{WEB_RESOURCE_CONTROL}\">\n      <parameters>\n        <Url>{PANEL_PAGE}</Url>\n        <PassParameters>false</PassParameters>\n        <Security>false</Security>\n        <Scrolling>auto</Scrolling>\n        <Border>false</Border>\n        <ShowOnMobileClient>false</ShowOnMobileClient>\n        <WebResourceId>{page_id}</WebResourceId>\n      </parameters>\n    </control>\n  </cell>\n</row>"
        );
        let mut block = String::new();
        for line in panel.lines() {
            block.push('\n');
            block.push_str(&indent);
            block.push_str(line);
        }
        Ok(format!("{}{block}{}", &text[..end], &text[end..]))
    })
}

fn indent_lines(block: &str) -> String {
    block
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A form taken from an export: which entity and form, and the exact `<systemform>` text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedForm {
    /// The entity's `<Name …>…</Name>` element as the export wrote it (or made from the name).
    pub entity_name_element: String,
    /// The entity name (the text of that element).
    pub entity: String,
    /// `main`, `quickCreate`, …
    pub form_type: String,
    /// `{lower-case GUID}`.
    pub form_id: String,
    /// The `<systemform>…</systemform>` text.
    pub systemform: String,
}

/// Finds the form in an exported file: a whole `customizations.xml`, an unpacked
/// `Entities/<entity>/FormXml/<type>/{id}.xml`, or a bare `<systemform>`. `wanted` is the
/// `--form <entity>:<form id>` choice; `path_hint` the file's path (the unpacked layout names
/// the entity and form type in it).
pub fn find_form(
    text: &str,
    wanted: Option<(&str, &str)>,
    path_hint: &str,
) -> Result<ExportedForm, String> {
    let doc = xml::parse("the exported form file", text)?;
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = doc.root_element();
    let wanted_id = match wanted {
        Some((_, id)) => Some(
            super::names::braced_guid(id)
                .ok_or_else(|| format!("`{id}` is not a form id (GUID)"))?,
        ),
        None => None,
    };
    let slice = |n: roxmltree::Node| body[n.range()].to_owned();
    let form_id_of =
        |s: roxmltree::Node| xml::child_text(s, "formid").and_then(super::names::braced_guid);
    let mut candidates: Vec<ExportedForm> = Vec::new();
    match root.tag_name().name() {
        "ImportExportXml" => {
            for entity in root.descendants().filter(|n| n.has_tag_name("Entity")) {
                let Some(name) = xml::child(entity, "Name") else { continue };
                for forms in entity.descendants().filter(|n| n.has_tag_name("forms")) {
                    for systemform in xml::elements(forms).filter(|n| n.has_tag_name("systemform")) {
                        candidates.push(ExportedForm {
                            entity_name_element: slice(name),
                            entity: name.text().unwrap_or_default().to_owned(),
                            form_type: forms.attribute("type").unwrap_or("main").to_owned(),
                            form_id: form_id_of(systemform).unwrap_or_default(),
                            systemform: slice(systemform),
                        });
                    }
                }
            }
        }
        "forms" | "systemform" => {
            let (entity_from_path, type_from_path) = entity_from_path(path_hint);
            let entity = wanted
                .map(|(e, _)| e.to_owned())
                .or(entity_from_path)
                .ok_or("this form file does not name its entity: pass --form <entity>:<form id>")?;
            let systemforms: Vec<roxmltree::Node> = if root.has_tag_name("systemform") {
                vec![root]
            } else {
                xml::elements(root).filter(|n| n.has_tag_name("systemform")).collect()
            };
            for systemform in systemforms {
                candidates.push(ExportedForm {
                    entity_name_element: format!(
                        "<Name LocalizedName=\"{0}\" OriginalName=\"{0}\">{0}</Name>",
                        xml::escape(&entity)
                    ),
                    entity: entity.clone(),
                    form_type: type_from_path.clone().unwrap_or_else(|| "main".into()),
                    form_id: form_id_of(systemform).unwrap_or_default(),
                    systemform: slice(systemform),
                });
            }
        }
        other => return Err(format!("the exported form file starts with <{other}>, not a form or a solution's customizations.xml")),
    }
    let chosen: Vec<ExportedForm> = candidates
        .into_iter()
        .filter(|c| wanted_id.as_ref().is_none_or(|id| &c.form_id == id))
        .filter(|c| wanted.is_none_or(|(e, _)| c.entity.eq_ignore_ascii_case(e)))
        .filter(|c| wanted_id.is_some() || c.form_type == "main")
        .collect();
    match chosen.len() {
        1 => chosen.into_iter().next().ok_or_else(|| "no form".into()),
        0 => Err("the exported file has no such form (check --form <entity>:<form id>)".into()),
        n => Err(format!(
            "the exported file has {n} main forms: choose one with --form <entity>:<form id>"
        )),
    }
}

/// `…/Entities/<entity>/FormXml/<type>/{id}.xml` → (entity, type).
fn entity_from_path(path: &str) -> (Option<String>, Option<String>) {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    let Some(i) = parts.iter().rposition(|p| *p == "FormXml") else {
        return (None, None);
    };
    let entity = i
        .checked_sub(1)
        .and_then(|j| parts.get(j))
        .filter(|_| i >= 2 && parts[i - 2] == "Entities")
        .map(|s| (*s).to_owned());
    (entity, parts.get(i + 1).map(|s| (*s).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = r#"<systemform>
            <formid>{0f7ca1b0-be13-4b18-aa02-1c7f3a058116}</formid>
            <form>
              <tabs>
                <tab id="{d5f316ac-16ca-418a-aa2b-14cab8c7bc97}">
                  <columns>
                    <column width="100%">
                      <sections>
                        <section id="{6400e4ab-c246-49c2-bf4e-8b5f0a913d70}">
                          <rows>
                            <row>
                              <cell id="{920bcbbe-fb95-4f3f-887e-4187cf014757}">
                                <control id="esc_requestresubscribe" classid="{67FAC785-CD58-4F9F-ABB3-4B7DDC6ED5ED}" datafieldname="esc_requestresubscribe" />
                              </cell>
                            </row>
                          </rows>
                        </section>
                      </sections>
                    </column>
                  </columns>
                </tab>
              </tabs>
              <events>
                <event name="onload" application="false" active="false">
                  <Handlers>
                    <Handler functionName="Contoso.onLoad" libraryName="new_contoso.js" handlerUniqueId="{a7002a24-25a3-480e-993a-c8bbb67054b5}" enabled="true" parameters="" passExecutionContext="true" />
                  </Handlers>
                </event>
              </events>
            </form>
            <LocalizedNames>
              <LocalizedName description="Email Suppression" languagecode="1033" />
            </LocalizedNames>
          </systemform>"#;

    fn mapping() -> Mapping {
        Mapping::parse(DEFAULT_MAPPING).unwrap()
    }

    #[test]
    fn builds_the_single_quoted_parameter_string() {
        let m = mapping();
        assert_eq!(m.request_attribute(), "esc_requestresubscribe");
        let p = m.parameters();
        assert!(p.starts_with("'{") && p.ends_with("}'"), "{p}");
        assert!(p.contains(r#""email":"esc_emailaddress""#), "{p}");
        let full = r#"{"requestResubscribe":"esc_requestresubscribe","requestDate":"esc_resubscriberequestdate","email":"esc_emailaddress","reason":"esc_reason","contact":"esc_contactid","reasonValues":{"1":"HardBounce","2":"Unsubscribed"},"connectorSolution":"dotmailerCRMConnector","lifecyclePatterns":{"confirmationSent":["confirmation email sent"],"resubscribed":["resubscribed"],"failed":["failed"]}}"#;
        assert!(Mapping::parse(full).is_ok());
        assert!(Mapping::parse(
            r#"{"requestResubscribe":"esc_requestresubscribe","entitySet":"esc_emailsuppressions"}"#
        )
        .is_ok());
    }

    #[test]
    fn refuses_mappings_the_handlers_cannot_use() {
        for bad in [
            "[]",
            r#"{"email":"esc_emailaddress"}"#,
            r#"{"requestResubscribe":"Esc_Request","requestDate":"a","email":"b","reason":"c","contact":"d"}"#,
            r#"{"requestResubscribe":"a","requestDate":"a","email":"b","reason":"c","contact":"d","colour":"red"}"#,
            r#"{"requestResubscribe":"a","requestDate":"a","email":"b","reason":"c","contact":"d","reasonValues":{"x":"y"}}"#,
            r#"{"requestResubscribe":"a","requestDate":"a","email":"b","reason":"c","contact":"d","connectorSolution":"it's"}"#,
            r#"{"requestResubscribe":"a","requestDate":"a","email":"b","reason":"c","contact":"d","lifecyclePatterns":{"sent":["x"]}}"#,
        ] {
            assert!(Mapping::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn adds_library_and_three_handlers_keeping_the_customers_handler() {
        let m = mapping();
        let wired = inject(
            FORM,
            &Wiring {
                mapping: &m,
                panel: None,
            },
        )
        .unwrap();
        with_fragment(&wired, |form, _| {
            let libs = xml::child(form, "formLibraries").unwrap();
            assert_eq!(xml::elements(libs).count(), 1);
            let events: Vec<_> = xml::elements(xml::child(form, "events").unwrap()).collect();
            assert_eq!(events.len(), 3);
            let onload = xml::child(events[0], "Handlers").unwrap();
            let names: Vec<_> = xml::elements(onload)
                .filter_map(|h| h.attribute("functionName"))
                .collect();
            assert_eq!(names, ["Contoso.onLoad", ON_LOAD]);
            assert_eq!(
                events[2].attribute("attribute"),
                Some("esc_requestresubscribe")
            );
            let change = xml::elements(xml::child(events[2], "Handlers").unwrap())
                .next()
                .unwrap();
            assert_eq!(change.attribute("functionName"), Some(ON_CHANGE));
            assert_eq!(change.attribute("passExecutionContext"), Some("true"));
            assert_eq!(
                change.attribute("parameters"),
                Some(m.parameters().as_str())
            );
            Ok(())
        })
        .unwrap();
        assert!(wired.starts_with("<systemform>\n            <formid>"));
    }

    #[test]
    fn wiring_twice_changes_nothing_more() {
        let m = mapping();
        let w = Wiring {
            mapping: &m,
            panel: Some("{3f1d1a2b-6b55-4c1e-8f0e-5b1f2a9c0002}"),
        };
        let once = inject(FORM, &w).unwrap();
        assert_eq!(inject(&once, &w).unwrap(), once);
    }

    #[test]
    fn places_the_panel_below_the_request_resubscribe_row() {
        let m = mapping();
        let wired = inject(
            FORM,
            &Wiring {
                mapping: &m,
                panel: Some("{3f1d1a2b-6b55-4c1e-8f0e-5b1f2a9c0002}"),
            },
        )
        .unwrap();
        let request = wired
            .find("datafieldname=\"esc_requestresubscribe\"")
            .unwrap();
        let panel = wired.find(PANEL_CONTROL_ID).unwrap();
        assert!(request < panel);
        assert!(
            wired.contains("<WebResourceId>{3f1d1a2b-6b55-4c1e-8f0e-5b1f2a9c0002}</WebResourceId>")
        );
        let other =
            Mapping::parse(&DEFAULT_MAPPING.replace("esc_requestresubscribe", "new_request"))
                .unwrap();
        let err = inject(
            FORM,
            &Wiring {
                mapping: &other,
                panel: Some("{3f1d1a2b-6b55-4c1e-8f0e-5b1f2a9c0002}"),
            },
        )
        .unwrap_err();
        assert!(err.contains("new_request"), "{err}");
    }

    #[test]
    fn finds_the_form_in_each_export_shape() {
        let id = "{0f7ca1b0-be13-4b18-aa02-1c7f3a058116}";
        let unpacked = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<forms xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  {FORM}\n</forms>");
        let found = find_form(&unpacked, None, "x/Entities/esc_emailsuppression/FormXml/main/{0f7ca1b0-be13-4b18-aa02-1c7f3a058116}.xml").unwrap();
        assert_eq!(found.entity, "esc_emailsuppression");
        assert_eq!(found.form_id, id);
        assert_eq!(found.systemform, FORM);
        assert!(find_form(&unpacked, None, "form.xml").is_err());
        let export = format!("<ImportExportXml><Entities><Entity><Name LocalizedName=\"Email Suppression\" OriginalName=\"Email Suppression\">esc_emailsuppression</Name><FormXml><forms type=\"main\">{FORM}</forms></FormXml></Entity></Entities></ImportExportXml>");
        let found = find_form(
            &export,
            Some(("esc_emailsuppression", id)),
            "customizations.xml",
        )
        .unwrap();
        assert_eq!(found.entity_name_element, "<Name LocalizedName=\"Email Suppression\" OriginalName=\"Email Suppression\">esc_emailsuppression</Name>");
        assert!(find_form(
            &export,
            Some((
                "esc_emailsuppression",
                "{00000000-0000-0000-0000-000000000000}"
            )),
            "c.xml"
        )
        .is_err());
    }
}
