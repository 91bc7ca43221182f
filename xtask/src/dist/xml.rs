//! Small XML helpers: escaping, the two byte forms of a solution XML file, parsing with
//! readable errors, and the element-order check against a schema sequence.
//!
//! A solution XML file exists in two forms that must convert into each other exactly:
//! *unpacked* (source layout: UTF-8 BOM, `<?xml …?>` declaration, CRLF) and *packed* (inside the
//! zip: no BOM, no declaration, CRLF), as the real exports in `shared/reference` show.

/// The declaration unpacked files start with (after the BOM).
pub const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

const BOM: &str = "\u{feff}";

/// Escapes text for an element's content or a double-quoted attribute value (apostrophes
/// stay as they are, as in real exports' handler `parameters`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Line ends as CRLF, whatever they were.
pub fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// The unpacked form of an XML document body: BOM, declaration, CRLF, final line end.
pub fn unpacked(body: &str) -> String {
    let body = crlf(strip_prologue(body).trim_end());
    format!("{BOM}{DECLARATION}\r\n{body}\r\n")
}

/// The packed form of an XML document: no BOM, no declaration, CRLF, no final line end.
pub fn packed(document: &str) -> String {
    crlf(strip_prologue(document).trim_end())
}

/// The document without its BOM and `<?xml …?>` declaration (and the line end after it).
pub fn strip_prologue(document: &str) -> &str {
    let text = document.strip_prefix(BOM).unwrap_or(document);
    let text = text.trim_start();
    match text
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|i| &rest[i + 2..]))
    {
        Some(rest) => rest.trim_start_matches(['\r', '\n']),
        None => text,
    }
}

/// Parses a document, naming it in the error.
pub fn parse<'a>(what: &str, text: &'a str) -> Result<roxmltree::Document<'a>, String> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    roxmltree::Document::parse(text).map_err(|e| format!("{what} is not well-formed XML: {e}"))
}

/// The element children of a node.
pub fn elements<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children().filter(roxmltree::Node::is_element)
}

/// The first element child with this name.
pub fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    elements(node).find(|n| n.has_tag_name(name))
}

/// The text of the first element child with this name (empty element → `Some("")`).
pub fn child_text<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name).map(|n| n.text().unwrap_or(""))
}

/// Checks that the element children of `node` appear in the order of `sequence` (a schema
/// `xs:sequence`), each at most once, and none outside it.
pub fn check_order(node: roxmltree::Node, sequence: &[&str], what: &str) -> Result<(), String> {
    let mut last: Option<usize> = None;
    for element in elements(node) {
        let name = element.tag_name().name();
        let Some(position) = sequence.iter().position(|s| *s == name) else {
            return Err(format!(
                "{what}: <{name}> is not an element the schema allows here"
            ));
        };
        if let Some(previous) = last {
            if position <= previous {
                return Err(format!(
                    "{what}: <{name}> is out of schema order (it must come before <{}>)",
                    sequence[previous]
                ));
            }
        }
        last = Some(position);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_both_quotes() {
        assert_eq!(
            escape(r#"'{"a":"b<c>&d"}'"#),
            "'{&quot;a&quot;:&quot;b&lt;c&gt;&amp;d&quot;}'"
        );
        assert_eq!(escape("Résumé 1033"), "Résumé 1033");
    }

    #[test]
    fn converts_between_unpacked_and_packed_forms() {
        let source = "<ImportExportXml>\n  <Entities />\n</ImportExportXml>\n";
        let unpacked_form = unpacked(source);
        assert!(unpacked_form.starts_with("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"));
        assert!(unpacked_form.ends_with("</ImportExportXml>\r\n"));
        let packed_form = packed(&unpacked_form);
        assert_eq!(
            packed_form,
            "<ImportExportXml>\r\n  <Entities />\r\n</ImportExportXml>"
        );
        assert_eq!(unpacked(&packed_form), unpacked_form);
        assert_eq!(packed(&unpacked(&packed_form)), packed_form);
    }

    #[test]
    fn finds_elements_out_of_schema_order() {
        let doc = parse("t", "<r><Name/><WebResourceId/></r>").unwrap();
        let err = check_order(doc.root_element(), &["WebResourceId", "Name"], "t").unwrap_err();
        assert!(
            err.contains("<WebResourceId> is out of schema order (it must come before <Name>)"),
            "{err}"
        );
        let doc = parse("t", "<r><WebResourceId/><Extra/></r>").unwrap();
        assert!(check_order(doc.root_element(), &["WebResourceId", "Name"], "t").is_err());
        let doc = parse("t", "<r><WebResourceId/><Name/></r>").unwrap();
        assert_eq!(
            check_order(doc.root_element(), &["WebResourceId", "Name"], "t"),
            Ok(())
        );
    }

    #[test]
    fn reports_ill_formed_xml_with_its_name() {
        let err = parse("customizations.xml", "<a><b></a>").unwrap_err();
        assert!(
            err.starts_with("customizations.xml is not well-formed XML"),
            "{err}"
        );
    }
}
