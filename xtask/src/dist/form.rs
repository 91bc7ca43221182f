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
/// The panel control's id (the library looks for exactly this name).
pub const PANEL_CONTROL_ID: &str = "WebResource_rsub_status";
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

/// How an exported form is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// The whole form, plain nodes (a form the solution's publisher owns, or `pac` output).
    Full,
    /// A difference against a managed form: nodes carry `solutionaction` and `ordinalvalue`,
    /// and Dynamics merges only what is marked.
    Differential,
}

/// The dialect of a `<systemform>`: differential when any node of its `<form>` carries
/// `solutionaction` or `ordinalvalue` (real exports write `ordinalvalue` on every tab,
/// section and cell of a differential form, even one without changes).
pub fn dialect(systemform: &str) -> Result<Dialect, String> {
    with_fragment(systemform, |form, _| {
        let marked = form.descendants().any(|n| {
            n.attribute("solutionaction").is_some() || n.attribute("ordinalvalue").is_some()
        });
        Ok(if marked {
            Dialect::Differential
        } else {
            Dialect::Full
        })
    })
}

/// Adds the library, the handlers and the optional panel to a `<systemform>` (its exact text),
/// in the form's own dialect, and removes the `unmodified` flag `pac solution unpack` writes on
/// untouched forms. What is already there is kept: a handler of ours is not added twice (its
/// parameters are updated when the mapping changed), so wiring a wired form changes nothing.
pub fn inject(systemform: &str, wiring: &Wiring) -> Result<String, String> {
    let crlf = systemform.contains("\r\n");
    let mut text = systemform.replace("\r\n", "\n");
    let dialect = dialect(&text)?;
    text = drop_unmodified(&text)?;
    text = add_library(&text, dialect)?;
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
        let ours = Ours {
            event,
            attribute: attr,
            function,
            id,
            parameters: &parameters,
        };
        text = add_handler(&text, dialect, &ours)?;
    }
    if let Some(page_id) = wiring.panel {
        text = add_panel(&text, dialect, &attribute, page_id)?;
    }
    if crlf {
        text = text.replace('\n', "\r\n");
    }
    Ok(text)
}

/// One handler of ours.
struct Ours<'a> {
    event: &'a str,
    attribute: Option<&'a str>,
    function: &'a str,
    id: &'a str,
    parameters: &'a str,
}

fn handler_xml(ours: &Ours, marks: &str) -> String {
    format!(
        "<Handler functionName=\"{}\" libraryName=\"{LIBRARY}\" handlerUniqueId=\"{}\" enabled=\"true\" parameters=\"{}\" passExecutionContext=\"true\"{marks} />",
        ours.function,
        ours.id,
        xml::escape(ours.parameters)
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

fn indent_at(text: &str, position: usize) -> String {
    let line_start = text[..position].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..position]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Inserts `block` (lines joined by `\n`) as the last child of `parent`, indented one level
/// deeper than the parent's tag; a self-closing parent (`<Handlers />`) is opened first.
fn insert_child(
    text: &str,
    parent: roxmltree::Node,
    shift: usize,
    block: &str,
) -> Result<String, String> {
    let range = parent.range().start - shift..parent.range().end - shift;
    let name = parent.tag_name().name();
    let indent = indent_at(text, range.start);
    let inner = format!("{indent}  ");
    let mut lines = String::new();
    for line in block.lines() {
        lines.push_str(&inner);
        lines.push_str(line);
        lines.push('\n');
    }
    let close = format!("</{name}>");
    let element = &text[range.clone()];
    if element.ends_with(&close) {
        let position = range.end - close.len();
        let head = text[..position].trim_end_matches([' ', '\t']);
        let newline = if head.ends_with('\n') { "" } else { "\n" };
        return Ok(format!(
            "{head}{newline}{lines}{indent}{}",
            &text[position..]
        ));
    }
    let open = element
        .strip_suffix("/>")
        .ok_or_else(|| format!("<{name}> has no closing tag"))?
        .trim_end();
    Ok(format!(
        "{}{open}>\n{lines}{indent}{close}{}",
        &text[..range.start],
        &text[range.end..]
    ))
}

/// `solutionaction` of a node.
fn action<'a>(node: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    node.attribute("solutionaction")
}

fn is_removed(node: roxmltree::Node) -> bool {
    action(node) == Some("Removed")
}

/// Whether the node or one of its ancestors is marked `Added` (its whole subtree is new, so
/// what goes inside it stays unmarked, as real exports write it).
fn in_added(node: roxmltree::Node) -> bool {
    node.ancestors().any(|a| action(a) == Some("Added"))
}

/// How a new element is numbered among its siblings.
#[derive(Clone, Copy)]
enum Ordinal {
    /// Only when siblings of the same name carry `ordinalvalue` (max + 1).
    IfSiblings,
    /// Always (max + 1, or 0 alone): real differential exports number every `Handler`.
    Always,
    /// This value.
    Value(u32),
}

/// The attributes a new element placed in `parent` carries in the form's dialect: nothing in a
/// full form; in a differential one its `ordinalvalue`, then `solutionaction="Added"` unless it
/// lands inside an element already marked `Added`.
fn marks(dialect: Dialect, parent: roxmltree::Node, tag: &str, ordinal: Ordinal) -> String {
    if dialect == Dialect::Full {
        return String::new();
    }
    let highest = xml::elements(parent)
        .filter(|n| n.has_tag_name(tag))
        .filter_map(|n| n.attribute("ordinalvalue")?.parse::<u32>().ok())
        .max();
    let value = match ordinal {
        Ordinal::IfSiblings => highest.map(|h| h + 1),
        Ordinal::Always => Some(highest.map_or(0, |h| h + 1)),
        Ordinal::Value(v) => Some(v),
    };
    let mut out = value.map_or(String::new(), |v| format!(" ordinalvalue=\"{v}\""));
    if !in_added(parent) {
        out.push_str(" solutionaction=\"Added\"");
    }
    out
}

/// The `ordinalvalue` a child of a new element carries (real exports number a lone handler 0).
fn inner_ordinal(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Full => "",
        Dialect::Differential => " ordinalvalue=\"0\"",
    }
}

/// Removes `unmodified="…"` from the `<systemform>` tag.
fn drop_unmodified(text: &str) -> Result<String, String> {
    let flagged = with_fragment(text, |form, _| {
        Ok(form
            .parent_element()
            .is_some_and(|s| s.attribute("unmodified").is_some()))
    })?;
    if !flagged {
        return Ok(text.to_owned());
    }
    let start = text.find("<systemform").ok_or("no <systemform> tag")?;
    let end = start
        + text[start..]
            .find('>')
            .ok_or("unterminated <systemform> tag")?;
    let tag = &text[start..end];
    let at = tag
        .find(" unmodified=")
        .ok_or("cannot find the unmodified attribute")?;
    let rest = &tag[at + " unmodified=".len()..];
    let quote = rest
        .chars()
        .next()
        .ok_or("malformed unmodified attribute")?;
    let close = rest[1..]
        .find(quote)
        .ok_or("malformed unmodified attribute")?;
    let cut = start + at..start + at + " unmodified=".len() + close + 2;
    Ok(format!("{}{}", &text[..cut.start], &text[cut.end..]))
}

fn add_library(text: &str, dialect: Dialect) -> Result<String, String> {
    with_fragment(text, |form, shift| {
        let libraries =
            xml::elements(form).find(|n| n.has_tag_name("formLibraries") && !is_removed(*n));
        match libraries {
            Some(libraries) => {
                if xml::elements(libraries)
                    .any(|l| l.attribute("name") == Some(LIBRARY) && !is_removed(l))
                {
                    return Ok(text.to_owned());
                }
                let m = marks(dialect, libraries, "Library", Ordinal::IfSiblings);
                insert_child(
                    text,
                    libraries,
                    shift,
                    &format!(
                        "<Library name=\"{LIBRARY}\" libraryUniqueId=\"{LIBRARY_UNIQUE_ID}\"{m} />"
                    ),
                )
            }
            None => {
                let m = marks(dialect, form, "formLibraries", Ordinal::IfSiblings);
                insert_child(
                    text,
                    form,
                    shift,
                    &format!("<formLibraries{m}>\n  <Library name=\"{LIBRARY}\" libraryUniqueId=\"{LIBRARY_UNIQUE_ID}\" />\n</formLibraries>"),
                )
            }
        }
    })
}

fn event_matches(e: roxmltree::Node, ours: &Ours) -> bool {
    e.has_tag_name("event")
        && e.attribute("name")
            .is_some_and(|n| n.eq_ignore_ascii_case(ours.event))
        && e.attribute("attribute").map(str::to_ascii_lowercase)
            == ours.attribute.map(str::to_ascii_lowercase)
}

fn add_handler(text: &str, dialect: Dialect, ours: &Ours) -> Result<String, String> {
    with_fragment(text, |form, shift| {
        let Some(events) =
            xml::elements(form).find(|n| n.has_tag_name("events") && !is_removed(*n))
        else {
            let m = marks(dialect, form, "events", Ordinal::IfSiblings);
            let event = new_event(ours, "", inner_ordinal(dialect));
            return insert_child(
                text,
                form,
                shift,
                &format!("<events{m}>\n{}\n</events>", indent_lines(&event)),
            );
        };
        let matching: Vec<roxmltree::Node> = xml::elements(events)
            .filter(|e| event_matches(*e, ours))
            .collect();
        for event in &matching {
            for handlers in xml::elements(*event).filter(|n| n.has_tag_name("Handlers")) {
                if let Some(existing) = xml::elements(handlers).find(|h| {
                    h.attribute("functionName") == Some(ours.function)
                        && h.attribute("libraryName") == Some(LIBRARY)
                        && !is_removed(*h)
                }) {
                    return update_parameters(text, dialect, existing, shift, ours.parameters);
                }
            }
        }
        let target = matching.iter().copied().find(|e| !is_removed(*e));
        let Some(event) = target else {
            if !matching.is_empty() {
                return Err(format!(
                    "the form removes its {} event (solutionaction=\"Removed\"): wire this form by hand (docs/customizing.md, 2a)",
                    ours.event
                ));
            }
            let m = marks(dialect, events, "event", Ordinal::IfSiblings);
            return insert_child(
                text,
                events,
                shift,
                &new_event(ours, &m, inner_ordinal(dialect)),
            );
        };
        match xml::elements(event).find(|n| n.has_tag_name("Handlers") && !is_removed(*n)) {
            Some(handlers) => {
                let m = marks(dialect, handlers, "Handler", Ordinal::Always);
                insert_child(text, handlers, shift, &handler_xml(ours, &m))
            }
            None => {
                let m = marks(dialect, event, "Handlers", Ordinal::IfSiblings);
                let handler = handler_xml(ours, inner_ordinal(dialect));
                insert_child(
                    text,
                    event,
                    shift,
                    &format!("<Handlers{m}>\n  {handler}\n</Handlers>"),
                )
            }
        }
    })
}

fn new_event(ours: &Ours, marks: &str, handler_marks: &str) -> String {
    let attribute_xml = ours
        .attribute
        .map_or(String::new(), |a| format!(" attribute=\"{a}\""));
    format!(
        "<event name=\"{}\" application=\"false\" active=\"false\"{attribute_xml}{marks}>\n  <Handlers>\n    {}\n  </Handlers>\n</event>",
        ours.event,
        handler_xml(ours, handler_marks)
    )
}

/// A handler of ours is already there: keep it; only a changed mapping rewrites its
/// `parameters` (a differential form marks a handler it modifies `Modified`).
fn update_parameters(
    text: &str,
    dialect: Dialect,
    handler: roxmltree::Node,
    shift: usize,
    parameters: &str,
) -> Result<String, String> {
    if handler.attribute("parameters") == Some(parameters) {
        return Ok(text.to_owned());
    }
    let range = handler.range().start - shift..handler.range().end - shift;
    let tag = &text[range.clone()];
    let open_end = tag.find('>').ok_or("malformed <Handler>")?;
    let head = &tag[..open_end];
    let escaped = xml::escape(parameters);
    let mut new_head = match head.find(" parameters=\"") {
        Some(at) => {
            let value_start = at + " parameters=\"".len();
            let value_end = value_start
                + head[value_start..]
                    .find('"')
                    .ok_or("malformed parameters attribute")?;
            format!("{}{escaped}{}", &head[..value_start], &head[value_end..])
        }
        None => {
            let body = head.trim_end_matches('/').trim_end();
            let slash = &head[body.len()..];
            format!("{body} parameters=\"{escaped}\"{slash}")
        }
    };
    if dialect == Dialect::Differential && action(handler).is_none() && !in_added(handler) {
        let body = new_head.trim_end_matches('/').trim_end().to_owned();
        let slash = new_head[body.len()..].to_owned();
        new_head = format!("{body} solutionaction=\"Modified\"{slash}");
    }
    Ok(format!(
        "{}{new_head}{}{}",
        &text[..range.start],
        &tag[open_end..],
        &text[range.end..]
    ))
}

/// The number of layout columns of a section (`columns="2"`, or `"11"`/`"111"` for equal widths).
fn section_columns(section: roxmltree::Node) -> u32 {
    let value = section.attribute("columns").unwrap_or("1");
    if value.len() > 1 && value.bytes().all(|b| b == b'1') {
        u32::try_from(value.len()).unwrap_or(1)
    } else {
        value.parse().ok().filter(|n| *n > 0).unwrap_or(1)
    }
}

/// The `ordinalvalue` of a cell opening the row after the one holding `cell`: real differential
/// exports number cells `(layout column + 1) × 10000 + position in the section`, positions
/// running row by row.
fn next_row_ordinal(cell: roxmltree::Node, section: Option<roxmltree::Node>) -> u32 {
    let columns = section.map_or(1, section_columns);
    let position = |n: roxmltree::Node| {
        n.attribute("ordinalvalue")
            .and_then(|v| v.parse::<u32>().ok())
            .map(|v| v % 10000)
    };
    let index = position(cell).or_else(|| {
        section.and_then(|s| {
            s.descendants()
                .filter(|n| n.has_tag_name("cell"))
                .filter_map(position)
                .max()
        })
    });
    match index {
        Some(i) => 10000 + i - i % columns + columns,
        None => 10000,
    }
}

fn add_panel(
    text: &str,
    dialect: Dialect,
    attribute: &str,
    page_id: &str,
) -> Result<String, String> {
    with_fragment(text, |form, shift| {
        let live = |n: roxmltree::Node| !n.ancestors().any(is_removed);
        if form.descendants().any(|n| {
            n.has_tag_name("control") && n.attribute("id") == Some(PANEL_CONTROL_ID) && live(n)
        }) {
            return Ok(text.to_owned());
        }
        let control = form.descendants().find(|n| {
            n.has_tag_name("control")
                && n.attribute("datafieldname")
                    .is_some_and(|d| d.eq_ignore_ascii_case(attribute))
                && n.ancestors().any(|a| a.has_tag_name("tabs"))
                && live(*n)
        });
        let Some(control) = control else {
            return Err(match dialect {
                Dialect::Full => format!(
                    "cannot place the panel: the form has no control for `{attribute}` in its tabs"
                ),
                Dialect::Differential => format!(
                    "cannot place the panel: this form is a differential export, which holds only \
                     the cells you changed, and the cell of `{attribute}` is not among them. Leave \
                     out --panel and add the panel by hand (docs/customizing.md, 2a step 5)"
                ),
            });
        };
        let row = control
            .ancestors()
            .find(|a| a.has_tag_name("row"))
            .ok_or("the Request Resubscribe control is not in a row")?;
        let cell = control
            .ancestors()
            .find(|a| a.has_tag_name("cell"))
            .ok_or("the Request Resubscribe control is not in a cell")?;
        let cell_marks = match dialect {
            Dialect::Full => String::new(),
            Dialect::Differential => {
                let section = row.ancestors().find(|a| a.has_tag_name("section"));
                let ordinal = next_row_ordinal(cell, section);
                marks(
                    dialect,
                    row.parent().unwrap_or(row),
                    "cell",
                    Ordinal::Value(ordinal),
                )
            }
        };
        let end = row.range().end - shift;
        let indent = indent_at(text, row.range().start - shift);
        let panel = format!(
            "<row>\n  <cell id=\"{PANEL_CELL_ID}\" showlabel=\"false\" rowspan=\"6\" colspan=\"1\" auto=\"false\"{cell_marks}>\n    <labels>\n      <label description=\"Resubscription\" languagecode=\"1033\" />\n    </labels>\n    <control id=\"{PANEL_CONTROL_ID}\" classid=\"{WEB_RESOURCE_CONTROL}\">\n      <parameters>\n        <Url>{PANEL_PAGE}</Url>\n        <PassParameters>false</PassParameters>\n        <Security>false</Security>\n        <Scrolling>auto</Scrolling>\n        <Border>false</Border>\n        <ShowOnMobileClient>false</ShowOnMobileClient>\n        <WebResourceId>{page_id}</WebResourceId>\n      </parameters>\n    </control>\n  </cell>\n</row>"
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

/// The nodes of ours in a wired `<systemform>`, in a minimal form of their own, without the
/// differential marks (`solutionaction`, `ordinalvalue`) the form's dialect asked for: what the
/// package checks validate strictly against the 9.0 schema.
pub fn probe(systemform: &str) -> Result<String, String> {
    let text = systemform.replace("\r\n", "\n");
    with_fragment(&text, |form, shift| {
        let cut =
            |n: roxmltree::Node| strip_marks(&text[n.range().start - shift..n.range().end - shift]);
        let systemform = form.parent_element().ok_or("no <systemform>")?;
        let form_id = xml::child_text(systemform, "formid").unwrap_or_default();
        let libraries: Vec<String> = form
            .descendants()
            .filter(|n| n.has_tag_name("Library") && n.attribute("name") == Some(LIBRARY))
            .map(cut)
            .collect();
        let mut events = Vec::new();
        for event in form.descendants().filter(|n| n.has_tag_name("event")) {
            let handlers: Vec<String> = xml::elements(event)
                .filter(|n| n.has_tag_name("Handlers"))
                .flat_map(xml::elements)
                .filter(|h| h.attribute("libraryName") == Some(LIBRARY))
                .map(cut)
                .collect();
            if handlers.is_empty() {
                continue;
            }
            let attributes: String = event
                .attributes()
                .filter(|a| !matches!(a.name(), "solutionaction" | "ordinalvalue"))
                .map(|a| format!(" {}=\"{}\"", a.name(), xml::escape(a.value())))
                .collect();
            events.push(format!(
                "<event{attributes}><Handlers>{}</Handlers></event>",
                handlers.concat()
            ));
        }
        let rows: Vec<String> = form
            .descendants()
            .filter(|n| n.has_tag_name("control") && n.attribute("id") == Some(PANEL_CONTROL_ID))
            .filter_map(|c| c.ancestors().find(|a| a.has_tag_name("row")))
            .map(cut)
            .collect();
        let rows = if rows.is_empty() {
            "<row />".to_owned()
        } else {
            rows.concat()
        };
        let libraries = if libraries.is_empty() {
            String::new()
        } else {
            format!("<formLibraries>{}</formLibraries>", libraries.concat())
        };
        let events = if events.is_empty() {
            String::new()
        } else {
            format!("<events>{}</events>", events.concat())
        };
        Ok(format!(
            "<systemform><formid>{form_id}</formid><form><tabs><tab id=\"{{00000000-0000-0000-0000-000000000001}}\"><columns><column width=\"100%\"><sections><section id=\"{{00000000-0000-0000-0000-000000000002}}\"><rows>{rows}</rows></section></sections></column></columns></tab></tabs>{libraries}{events}</form><LocalizedNames><LocalizedName description=\"Our nodes\" languagecode=\"1033\" /></LocalizedNames></systemform>"
        ))
    })
}

/// Our own node text without the dialect's `solutionaction`/`ordinalvalue` attributes.
fn strip_marks(text: &str) -> String {
    let mut out = text.to_owned();
    for name in [" solutionaction=\"", " ordinalvalue=\""] {
        while let Some(at) = out.find(name) {
            let value = at + name.len();
            let end = out[value..].find('"').map_or(out.len(), |i| value + i + 1);
            out.replace_range(at..end, "");
        }
    }
    out
}

fn indent_lines(block: &str) -> String {
    block
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A form taken from an export: which entity and form, and the exact `<systemform>` text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    /// What the wired form needs from the connector (its solution's name, the columns the
    /// handlers read), for the solution's `<MissingDependencies>`; set once the mapping is known.
    pub needs: Needs,
}

/// What a wired form needs in the target organization besides its own table and form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// The connector solution's unique name (the mapping's `connectorSolution`).
    pub connector: String,
    /// The columns the mapping names, in mapping order, without repeats.
    pub columns: Vec<String>,
}

impl Needs {
    /// From a validated mapping.
    pub fn of(mapping: &Mapping) -> Self {
        let connector = mapping
            .object
            .get("connectorSolution")
            .and_then(Value::as_str)
            .unwrap_or(resubscribe::domain::mapping::DEFAULT_CONNECTOR_SOLUTION)
            .to_owned();
        let mut columns: Vec<String> = Vec::new();
        for key in [
            "requestResubscribe",
            "requestDate",
            "email",
            "reason",
            "contact",
        ] {
            if let Some(name) = mapping.object.get(key).and_then(Value::as_str) {
                if !columns.iter().any(|c| c == name) {
                    columns.push(name.to_owned());
                }
            }
        }
        Self { connector, columns }
    }
}

impl ExportedForm {
    /// The entity's display name (`LocalizedName` of its `<Name>`, else the name).
    pub fn entity_display_name(&self) -> String {
        roxmltree::Document::parse(&self.entity_name_element)
            .ok()
            .and_then(|d| {
                d.root_element()
                    .attribute("LocalizedName")
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| self.entity.clone())
    }

    /// The form's display name (its English `LocalizedName`, else the first, else its id).
    pub fn form_display_name(&self) -> String {
        let found = with_fragment(&self.systemform, |form, _| {
            let names: Vec<(String, Option<String>)> = form
                .parent_element()
                .and_then(|s| xml::child(s, "LocalizedNames"))
                .map(|l| {
                    xml::elements(l)
                        .filter_map(|n| {
                            Some((
                                n.attribute("description")?.to_owned(),
                                n.attribute("languagecode").map(str::to_owned),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Ok(names
                .iter()
                .find(|(_, l)| l.as_deref() == Some("1033"))
                .or(names.first())
                .map(|(d, _)| d.clone()))
        });
        found.ok().flatten().unwrap_or_else(|| self.form_id.clone())
    }
}

/// Finds the form in an exported file: a whole `customizations.xml`, an unpacked
/// `Entities/<entity>/FormXml/<type>/{id}.xml`, or a bare `<systemform>`. `wanted` is the
/// `--form <entity>:<form id>` choice, needed only when the file holds several forms;
/// `path_hint` the file's path (the unpacked layout names the entity and form type in it);
/// `entity_xml` the unpacked layout's `Entities/<entity>/Entity.xml` next to it, if any (its
/// `<Name>` carries the table's display name).
pub fn find_form(
    text: &str,
    wanted: Option<(&str, &str)>,
    path_hint: &str,
    entity_xml: Option<&str>,
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
                            needs: Needs::default(),
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
                .ok_or(
                    "this form file does not name its table: keep it where `pac solution unpack` \
                     put it (Entities/<table>/FormXml/<type>/{form id}.xml) or pass --form <table>:<form id>",
                )?;
            let name_from_entity_xml = entity_xml.and_then(|t| {
                let t = t.strip_prefix('\u{feff}').unwrap_or(t);
                let doc = roxmltree::Document::parse(t).ok()?;
                let name = xml::child(doc.root_element(), "Name")?;
                (name.text()? .eq_ignore_ascii_case(&entity)).then(|| t[name.range()].to_owned())
            });
            let entity_name_element = name_from_entity_xml.unwrap_or_else(|| {
                format!(
                    "<Name LocalizedName=\"{0}\" OriginalName=\"{0}\">{0}</Name>",
                    xml::escape(&entity)
                )
            });
            let systemforms: Vec<roxmltree::Node> = if root.has_tag_name("systemform") {
                vec![root]
            } else {
                xml::elements(root).filter(|n| n.has_tag_name("systemform")).collect()
            };
            for systemform in systemforms {
                candidates.push(ExportedForm {
                    entity_name_element: entity_name_element.clone(),
                    entity: entity.clone(),
                    form_type: type_from_path.clone().unwrap_or_else(|| "main".into()),
                    form_id: form_id_of(systemform).unwrap_or_default(),
                    systemform: slice(systemform),
                    needs: Needs::default(),
                });
            }
        }
        "form" => return Err("the file holds a bare <form> (FormXml without its <systemform>): export the form in a solution and pass that export's customizations.xml, or the form file `pac solution unpack` writes".into()),
        other => return Err(format!("the exported form file starts with <{other}>, not a form or a solution's customizations.xml")),
    }
    if candidates.len() == 1 && wanted.is_none() {
        return candidates.pop().ok_or_else(|| "no form".into());
    }
    let chosen: Vec<ExportedForm> = candidates
        .into_iter()
        .filter(|c| wanted_id.as_ref().is_none_or(|id| &c.form_id == id))
        .filter(|c| wanted.is_none_or(|(e, _)| c.entity.eq_ignore_ascii_case(e)))
        .filter(|c| wanted_id.is_some() || c.form_type == "main")
        .collect();
    match chosen.len() {
        1 => chosen.into_iter().next().ok_or_else(|| "no form".into()),
        0 => Err("the exported file has no such form (check --form <table>:<form id>)".into()),
        n => Err(format!(
            "the exported file has {n} main forms: choose one with --form <table>:<form id>"
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
        let found = find_form(&unpacked, None, "x/Entities/esc_emailsuppression/FormXml/main/{0f7ca1b0-be13-4b18-aa02-1c7f3a058116}.xml", None).unwrap();
        assert_eq!(found.entity, "esc_emailsuppression");
        assert_eq!(found.form_id, id);
        assert_eq!(found.systemform, FORM);
        assert!(find_form(&unpacked, None, "form.xml", None).is_err());
        let export = format!("<ImportExportXml><Entities><Entity><Name LocalizedName=\"Email Suppression\" OriginalName=\"Email Suppression\">esc_emailsuppression</Name><FormXml><forms type=\"main\">{FORM}</forms></FormXml></Entity></Entities></ImportExportXml>");
        let found = find_form(
            &export,
            Some(("esc_emailsuppression", id)),
            "customizations.xml",
            None,
        )
        .unwrap();
        assert_eq!(found.entity_name_element, "<Name LocalizedName=\"Email Suppression\" OriginalName=\"Email Suppression\">esc_emailsuppression</Name>");
        assert!(find_form(
            &export,
            Some((
                "esc_emailsuppression",
                "{00000000-0000-0000-0000-000000000000}"
            )),
            "c.xml",
            None
        )
        .is_err());
    }

    fn fixture(path: &str) -> String {
        std::fs::read_to_string(
            crate::paths::root()
                .join("xtask/src/dist/fixtures")
                .join(path),
        )
        .unwrap()
    }

    fn apollo(form_id: &str) -> ExportedForm {
        find_form(
            &fixture("apollo/customizations.xml"),
            Some(("Account", form_id))
                .filter(|_| form_id.starts_with("{a72c"))
                .or(Some(("Appointment", form_id))),
            "customizations.xml",
            None,
        )
        .unwrap()
    }

    const APPOINTMENT: &str = "{549a8aa3-c349-4ab9-8bac-4873fa9a7a5c}";
    const ACCOUNT: &str = "{a72c7955-442b-4ea4-9499-b10cd18b4256}";
    const PAGE: &str = "{3f1d1a2b-6b55-4c1e-8f0e-5b1f2a9c0002}";

    fn wire(systemform: &str, request: &str, panel: bool) -> Result<String, String> {
        let m = Mapping::parse(&format!(r#"{{"requestResubscribe":"{request}"}}"#)).unwrap();
        inject(
            systemform,
            &Wiring {
                mapping: &m,
                panel: panel.then_some(PAGE),
            },
        )
    }

    /// Every element of a form as (depth, name, attributes), skipping the nodes of ours and the
    /// containers that hold nothing else.
    fn original_nodes(systemform: &str) -> Vec<String> {
        with_fragment(systemform, |form, _| {
            let ours = |n: roxmltree::Node| {
                let all: Vec<roxmltree::Node> = n
                    .descendants()
                    .filter(roxmltree::Node::is_element)
                    .collect();
                let is_ours = |e: &roxmltree::Node| {
                    e.attribute("libraryName") == Some(LIBRARY)
                        || (e.has_tag_name("Library") && e.attribute("name") == Some(LIBRARY))
                        || e.attribute("id") == Some(PANEL_CELL_ID)
                        || e.attribute("id") == Some(PANEL_CONTROL_ID)
                };
                all.iter().any(is_ours)
                    && all.iter().all(|e| {
                        is_ours(e)
                            || e.ancestors().any(|a| is_ours(&a))
                            || e.descendants().any(|d| is_ours(&d))
                    })
            };
            Ok(form
                .parent_element()
                .unwrap()
                .descendants()
                .filter(roxmltree::Node::is_element)
                .filter(|n| !n.ancestors().any(ours))
                .map(|n| {
                    let attributes: Vec<String> = n
                        .attributes()
                        .filter(|a| a.name() != "unmodified")
                        .map(|a| format!("{}={}", a.name(), a.value()))
                        .collect();
                    format!(
                        "{} {} {}",
                        n.ancestors().count(),
                        n.tag_name().name(),
                        attributes.join(" ")
                    )
                })
                .collect())
        })
        .unwrap()
    }

    fn assert_keeps_every_node_and_is_idempotent(
        original: &str,
        wired: &str,
        request: &str,
        panel: bool,
    ) {
        assert_eq!(original_nodes(wired), original_nodes(original));
        assert_eq!(
            wire(wired, request, panel).unwrap(),
            wired,
            "wiring twice changed the form"
        );
        for function in [ON_LOAD, ON_SAVE, ON_CHANGE] {
            assert_eq!(
                wired
                    .matches(&format!("functionName=\"{function}\""))
                    .count(),
                1
            );
        }
        assert_eq!(
            wired
                .matches(&format!("<Library name=\"{LIBRARY}\""))
                .count(),
            1
        );
    }

    fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle}"))
    }

    #[test]
    fn full_forms_get_plain_nodes() {
        let mini = find_form(
            &fixture("mini-crm/Entities/dea_Opportunity/FormXml/main/{18c1334a-ad6a-478a-b095-f613bde52bf6}.xml"),
            None,
            "mini-crm/Entities/dea_Opportunity/FormXml/main/{18c1334a-ad6a-478a-b095-f613bde52bf6}.xml",
            None,
        )
        .unwrap();
        for (form, request) in [
            (FORM.to_owned(), "esc_requestresubscribe"),
            (mini.systemform.clone(), "dea_estimatedrevenue"),
        ] {
            assert_eq!(dialect(&form), Ok(Dialect::Full));
            let wired = wire(&form, request, true).unwrap();
            assert!(!wired.contains("solutionaction") && !wired.contains("ordinalvalue"));
            assert_keeps_every_node_and_is_idempotent(&form, &wired, request, true);
        }
        // mini-crm: our OnChange handler joins the customer's event on the same column.
        let wired = wire(&mini.systemform, "dea_estimatedrevenue", false).unwrap();
        assert_eq!(
            wired.matches("attribute=\"dea_estimatedrevenue\"").count(),
            1
        );
    }

    #[test]
    fn a_differential_form_gets_marked_nodes_like_a_real_export() {
        // Apollo's Appointment Main Form: formLibraries and onchange events marked Added, a
        // customer handler in the system OnLoad event (application="true").
        let form = apollo(APPOINTMENT).systemform;
        assert_eq!(dialect(&form), Ok(Dialect::Differential));
        let request = "apollo_patientneedshomevisit";
        let wired = wire(&form, request, true).unwrap();
        assert!(
            wired.contains("\r\n") && !wired.replace("\r\n", "").contains('\n'),
            "line ends kept"
        );
        // Inside <formLibraries solutionaction="Added">: the library stays unmarked.
        assert!(line_with(&wired, &format!("<Library name=\"{LIBRARY}\"")).ends_with("b11}\" />"));
        // Inside <Handlers solutionaction="Added"> of the system OnLoad event: numbered, unmarked.
        assert!(line_with(&wired, ON_LOAD)
            .ends_with("passExecutionContext=\"true\" ordinalvalue=\"1\" />"));
        // In the Added onchange event of the column: numbered after the customer's handler.
        assert!(line_with(&wired, ON_CHANGE).ends_with("ordinalvalue=\"1\" />"));
        // No onsave event: a new event marked Added inside the unmarked <events>.
        assert!(line_with(&wired, "<event name=\"onsave\"")
            .ends_with("active=\"false\" solutionaction=\"Added\">"));
        assert!(line_with(&wired, ON_SAVE).ends_with("ordinalvalue=\"0\" />"));
        // The panel: an unmarked row, the cell numbered for the row after the request's
        // (cell 10014 in a two-column section → 10016) and marked Added.
        assert!(line_with(&wired, PANEL_CELL_ID)
            .ends_with("ordinalvalue=\"10016\" solutionaction=\"Added\">"));
        assert_keeps_every_node_and_is_idempotent(&form, &wired, request, true);

        // Apollo's Account for Interactive experience: only a system handler, no formLibraries.
        let form = apollo(ACCOUNT).systemform;
        let wired = wire(&form, "telephone1", false).unwrap();
        assert!(line_with(&wired, "<formLibraries")
            .ends_with("<formLibraries solutionaction=\"Added\">"));
        let onload = &wired[wired.find("<event name=\"onload\"").unwrap()..];
        let onload = &onload[..onload.find("</event>").unwrap()];
        assert!(
            onload.contains(
                "</InternalHandlers>\r\n                  <Handlers solutionaction=\"Added\">"
            ),
            "{onload}"
        );
        assert!(line_with(onload, ON_LOAD).ends_with("ordinalvalue=\"0\" />"));
        assert!(
            line_with(&wired, "attribute=\"telephone1\"").ends_with("solutionaction=\"Added\">")
        );
        assert_keeps_every_node_and_is_idempotent(&form, &wired, "telephone1", false);
    }

    #[test]
    fn a_library_in_an_unmarked_form_libraries_is_marked_and_a_missing_cell_is_explained() {
        let form = find_form(
            &fixture("differential/customizations.xml"),
            None,
            "customizations.xml",
            None,
        )
        .unwrap()
        .systemform;
        let wired = wire(&form, "esc_requestresubscribe", false).unwrap();
        assert!(line_with(&wired, &format!("<Library name=\"{LIBRARY}\""))
            .ends_with("solutionaction=\"Added\" />"));
        assert!(line_with(&wired, ON_LOAD).ends_with("ordinalvalue=\"0\" />"));
        assert!(wired.contains("<Handlers solutionaction=\"Added\">"));
        assert_keeps_every_node_and_is_idempotent(&form, &wired, "esc_requestresubscribe", false);
        let err = wire(&form, "esc_requestresubscribe", true).unwrap_err();
        assert!(
            err.contains("differential") && err.contains("2a step 5"),
            "{err}"
        );
    }

    #[test]
    fn drops_the_unmodified_flag_of_an_untouched_form() {
        let untouched = FORM.replacen("<systemform>", "<systemform unmodified=\"1\">", 1);
        let wired = wire(&untouched, "esc_requestresubscribe", false).unwrap();
        assert!(wired.starts_with("<systemform>\n"), "{wired}");
        assert_eq!(wired, wire(FORM, "esc_requestresubscribe", false).unwrap());
    }

    #[test]
    fn a_single_pac_form_file_needs_no_form_option() {
        let quick = format!("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<forms xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  {FORM}\n</forms>");
        let entity = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Entity xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <Name LocalizedName=\"Email Suppression\" OriginalName=\"Email Suppression\">esc_emailsuppression</Name>\n</Entity>";
        let found = find_form(
            &quick,
            None,
            "Entities/esc_emailsuppression/FormXml/quickCreate/{0f7ca1b0-be13-4b18-aa02-1c7f3a058116}.xml",
            Some(entity),
        )
        .unwrap();
        assert_eq!(found.form_type, "quickCreate");
        assert_eq!(found.entity_display_name(), "Email Suppression");
        assert_eq!(found.form_display_name(), "Email Suppression");
        let err = find_form("<form><tabs /></form>", None, "form.xml", None).unwrap_err();
        assert!(err.contains("bare <form>"), "{err}");
        let two = format!(
            "<forms>{FORM}{}</forms>",
            FORM.replace("0f7ca1b0", "1f7ca1b0")
        );
        let err = find_form(&two, None, "Entities/x/FormXml/main/a.xml", None).unwrap_err();
        assert!(err.contains("--form"), "{err}");
    }

    #[test]
    fn the_probe_holds_only_our_nodes_without_marks() {
        let wired = wire(
            &apollo(APPOINTMENT).systemform,
            "apollo_patientneedshomevisit",
            true,
        )
        .unwrap();
        let probe = probe(&wired).unwrap();
        assert!(
            !probe.contains("solutionaction") && !probe.contains("ordinalvalue"),
            "{probe}"
        );
        assert!(!probe.contains("apollo_CreateUpdateHomeVisitRecord"));
        assert_eq!(probe.matches("<Handler ").count(), 3);
        assert!(probe.contains(PANEL_CONTROL_ID) && probe.contains("<formid>{549a8aa3"));
    }
}
