//! The two shapes of a solution and the conversions between them.
//!
//! *Folder*: the unpacked source layout (`Other/Solution.xml`, `Other/Customizations.xml`,
//! `WebResources/<name>` + `<name>.data.xml`, `Entities/<entity>/Entity.xml`,
//! `Entities/<entity>/FormXml/<type>/{id}.xml`). *Parts*: the zip's files (`solution.xml`,
//! `customizations.xml`, `[Content_Types].xml`, `WebResources/<packed name>`).
//! [`pack`] and [`unpack`] are exact inverses on folders that [`super::stage`] produces; the
//! round-trip check holds them to it. Nothing here touches the disk except [`write_zip`] and
//! [`read_zip`], which work on bytes.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use super::webresource::WebResource;
use super::xml;

/// Files by path, in the unpacked layout.
pub type Folder = BTreeMap<String, Vec<u8>>;

/// Zip parts in the order they are written.
pub type Parts = Vec<(String, Vec<u8>)>;

const XSI: &str = " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

/// The `.data.xml` text of a web resource in the unpacked layout.
pub fn data_xml(resource: &WebResource) -> String {
    xml::unpacked(&resource.to_xml("", XSI))
}

/// The unpacked `Entity.xml`: the entity's `<Name>` and, when given, its `<EntityInfo>`
/// (both as exact text).
pub fn entity_xml(name_element: &str, entity_info: Option<&str>) -> String {
    let info = entity_info.map_or(String::new(), |i| format!("\n  {i}"));
    xml::unpacked(&format!("<Entity{XSI}>\n  {name_element}{info}\n</Entity>"))
}

/// The `<EntityInfo>` real exports write for a table whose metadata the solution does not
/// change (`unmodified="1"`: the import leaves the table as it is).
pub fn entity_info(entity: &str) -> String {
    format!(
        "<EntityInfo>\n    <entity Name=\"{}\" unmodified=\"1\">\n      <attributes />\n    </entity>\n  </EntityInfo>",
        xml::escape(entity)
    )
}

/// The unpacked form file wrapping one `<systemform>`.
pub fn form_file(systemform: &str) -> String {
    xml::unpacked(&format!("<forms{XSI}>\n  {systemform}\n</forms>"))
}

fn text<'a>(folder: &'a Folder, path: &str) -> Result<&'a str, String> {
    let bytes = folder
        .get(path)
        .ok_or_else(|| format!("the solution folder has no {path}"))?;
    std::str::from_utf8(bytes).map_err(|_| format!("{path} is not UTF-8"))
}

/// Folder → zip parts.
pub fn pack(folder: &Folder) -> Result<Parts, String> {
    let solution = xml::packed(text(folder, "Other/Solution.xml")?);
    let template = xml::packed(text(folder, "Other/Customizations.xml")?);

    let mut resources: Vec<(WebResource, &Vec<u8>)> = Vec::new();
    for (path, bytes) in folder {
        let Some(name) = path
            .strip_prefix("WebResources/")
            .filter(|p| !p.ends_with(".data.xml"))
        else {
            continue;
        };
        let meta_path = format!("{path}.data.xml");
        let meta_text = text(folder, &meta_path)?;
        let doc = xml::parse(&meta_path, meta_text)?;
        let resource = WebResource::from_element(doc.root_element(), &meta_path)?;
        if resource.name != name {
            return Err(format!(
                "{meta_path} names `{}`, not `{name}`",
                resource.name
            ));
        }
        resources.push((resource, bytes));
    }
    for path in folder.keys() {
        if let Some(content) = path
            .strip_prefix("WebResources/")
            .and_then(|p| p.strip_suffix(".data.xml"))
        {
            if !folder.contains_key(&format!("WebResources/{content}")) {
                return Err(format!("{path} has no web resource file next to it"));
            }
        }
    }

    let mut entities = String::new();
    for (path, _) in folder.iter().filter(|(p, _)| p.ends_with("/Entity.xml")) {
        let Some(dir) = path
            .strip_prefix("Entities/")
            .and_then(|p| p.strip_suffix("/Entity.xml"))
        else {
            continue;
        };
        let body = xml::strip_prologue(text(folder, path)?);
        let doc = xml::parse(path, body)?;
        let name = xml::child(doc.root_element(), "Name").ok_or(format!("{path} has no <Name>"))?;
        let name_element = &body[name.range()];
        let info = xml::child(doc.root_element(), "EntityInfo")
            .map_or(String::new(), |i| format!("\n      {}", &body[i.range()]));
        entities.push_str(&format!(
            "    <Entity>\n      {name_element}{info}\n      <FormXml>\n"
        ));
        let prefix = format!("Entities/{dir}/FormXml/");
        let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for form_path in folder.keys().filter(|p| p.starts_with(&prefix)) {
            let form_type = form_path[prefix.len()..]
                .split('/')
                .next()
                .unwrap_or("main")
                .to_owned();
            let form_text = xml::strip_prologue(text(folder, form_path)?).to_owned();
            let doc = xml::parse(form_path, &form_text)?;
            let systemform = xml::child(doc.root_element(), "systemform")
                .ok_or(format!("{form_path} has no <systemform>"))?;
            by_type
                .entry(form_type)
                .or_default()
                .push(form_text[systemform.range()].to_owned());
        }
        for (form_type, forms) in by_type {
            entities.push_str(&format!("        <forms type=\"{form_type}\">\n"));
            for systemform in forms {
                entities.push_str(&format!("          {systemform}\n"));
            }
            entities.push_str("        </forms>\n");
        }
        entities.push_str("      </FormXml>\n    </Entity>\n");
    }

    let mut web_resources = String::new();
    let mut content_parts: Parts = Vec::new();
    resources.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    for (resource, bytes) in &resources {
        web_resources.push_str(&resource.to_xml("    ", ""));
        web_resources.push('\n');
        let part = resource.file_name.trim_start_matches('/').to_owned();
        content_parts.push((part, (*bytes).clone()));
    }

    let mut customizations = fill(&template, "Entities", &entities)?;
    customizations = fill(&customizations, "WebResources", &web_resources)?;

    let mut parts: Parts = vec![
        ("solution.xml".into(), solution.into_bytes()),
        (
            "customizations.xml".into(),
            xml::crlf(&customizations).into_bytes(),
        ),
    ];
    parts.extend(content_parts);
    let content_types = content_types(parts.iter().map(|(n, _)| n.as_str()));
    parts.insert(
        0,
        ("[Content_Types].xml".into(), content_types.into_bytes()),
    );
    Ok(parts)
}

/// Replaces `<tag />` in the packed template by the block (or leaves it when the block is empty).
fn fill(template: &str, tag: &str, block: &str) -> Result<String, String> {
    let empty = format!("<{tag} />");
    if !template.contains(&empty) {
        return Err(format!(
            "Other/Customizations.xml must hold an empty `{empty}`"
        ));
    }
    if block.is_empty() {
        return Ok(template.to_owned());
    }
    Ok(template.replacen(&empty, &format!("<{tag}>\n{block}  </{tag}>"), 1))
}

/// `[Content_Types].xml`: a `Default` for `.xml`, an `Override` for every part without an
/// extension (what real exports write), with the BOM and declaration real exports carry.
pub fn content_types<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut out = format!(
        "\u{feff}{}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/octet-stream\" />",
        xml::DECLARATION
    );
    for part in parts {
        if extension(part).is_none() {
            out.push_str(&format!(
                "<Override PartName=\"/{}\" ContentType=\"application/octet-stream\" />",
                xml::escape(part)
            ));
        }
    }
    out.push_str("</Types>");
    out
}

/// The extension of a part's file name, if it has one.
pub fn extension(part: &str) -> Option<&str> {
    let file = part.rsplit('/').next().unwrap_or(part);
    file.rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty())
}

/// Zip parts → folder.
pub fn unpack(parts: &Parts) -> Result<Folder, String> {
    let find = |name: &str| -> Result<&str, String> {
        let bytes = parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b)
            .ok_or_else(|| format!("the zip has no {name}"))?;
        std::str::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8"))
    };
    let mut folder = Folder::new();
    folder.insert(
        "Other/Solution.xml".into(),
        xml::unpacked(find("solution.xml")?).into_bytes(),
    );
    let customizations = find("customizations.xml")?;
    let doc = xml::parse("customizations.xml", customizations)?;
    let root = doc.root_element();
    let mut template = customizations.to_owned();
    // Blocks are replaced from the end so earlier ranges stay valid.
    let mut blocks: Vec<(std::ops::Range<usize>, &str)> = Vec::new();

    if let Some(entities) = xml::child(root, "Entities") {
        blocks.push((entities.range(), "<Entities />"));
        for entity in xml::elements(entities) {
            let name = xml::child(entity, "Name").ok_or("an <Entity> has no <Name>")?;
            let dir = name.text().unwrap_or_default().to_owned();
            let info = xml::child(entity, "EntityInfo").map(|i| &customizations[i.range()]);
            folder.insert(
                format!("Entities/{dir}/Entity.xml"),
                entity_xml(&customizations[name.range()], info).into_bytes(),
            );
            for forms in entity.descendants().filter(|n| n.has_tag_name("forms")) {
                let form_type = forms.attribute("type").unwrap_or("main");
                for systemform in xml::elements(forms) {
                    let id = xml::child_text(systemform, "formid")
                        .and_then(super::names::braced_guid)
                        .ok_or("a <systemform> has no valid <formid>")?;
                    folder.insert(
                        format!("Entities/{dir}/FormXml/{form_type}/{id}.xml"),
                        form_file(&customizations[systemform.range()]).into_bytes(),
                    );
                }
            }
        }
    }
    if let Some(list) = xml::child(root, "WebResources") {
        blocks.push((list.range(), "<WebResources />"));
        for element in xml::elements(list) {
            let resource = WebResource::from_element(element, "customizations.xml <WebResource>")?;
            let part = resource.file_name.trim_start_matches('/');
            let bytes = parts
                .iter()
                .find(|(n, _)| n == part)
                .map(|(_, b)| b.clone())
                .ok_or_else(|| {
                    format!(
                        "<FileName>{}</FileName> is not in the zip",
                        resource.file_name
                    )
                })?;
            folder.insert(format!("WebResources/{}", resource.name), bytes);
            folder.insert(
                format!("WebResources/{}.data.xml", resource.name),
                data_xml(&resource).into_bytes(),
            );
        }
    }
    blocks.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (range, empty) in blocks {
        template.replace_range(range, empty);
    }
    folder.insert(
        "Other/Customizations.xml".into(),
        xml::unpacked(&template).into_bytes(),
    );
    Ok(folder)
}

/// Writes parts into a zip (deflated, fixed timestamps: the same parts give the same bytes).
pub fn write_zip(parts: &Parts) -> Result<Vec<u8>, String> {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in parts {
        writer
            .start_file(name.as_str(), options)
            .map_err(|e| format!("zip: cannot add {name}: {e}"))?;
        writer
            .write_all(bytes)
            .map_err(|e| format!("zip: cannot write {name}: {e}"))?;
    }
    let cursor = writer.finish().map_err(|e| format!("zip: {e}"))?;
    Ok(cursor.into_inner())
}

/// Reads every file of a zip, in archive order; directory entries are reported as parts
/// ending in `/` so the structure check can refuse them.
pub fn read_zip(bytes: &[u8]) -> Result<Parts, String> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a zip: {e}"))?;
    let mut parts = Parts::new();
    for i in 0..archive.len() {
        let mut file = archive
            .by_index(i)
            .map_err(|e| format!("zip entry {i}: {e}"))?;
        let name = file
            .name()
            .map_err(|e| format!("zip entry {i} has an unreadable name: {e}"))?
            .into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .map_err(|e| format!("zip entry {name}: {e}"))?;
        parts.push((name, content));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_override_every_extension_less_part() {
        let types = content_types(
            [
                "solution.xml",
                "customizations.xml",
                "WebResources/rsub_resubscribeformjs6C3F0D52-58F4-4B8E-9A51-2F6E1C7A0B01",
            ]
            .into_iter(),
        );
        assert!(types.starts_with("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Types "));
        assert!(types
            .contains("<Default Extension=\"xml\" ContentType=\"application/octet-stream\" />"));
        assert!(types.contains("<Override PartName=\"/WebResources/rsub_resubscribeformjs6C3F0D52-58F4-4B8E-9A51-2F6E1C7A0B01\" ContentType=\"application/octet-stream\" />"));
        assert!(!types.contains("PartName=\"/solution.xml\""));
    }

    #[test]
    fn finds_extensions_of_file_names_only() {
        assert_eq!(extension("solution.xml"), Some("xml"));
        assert_eq!(extension("[Content_Types].xml"), Some("xml"));
        assert_eq!(extension("WebResources/rsub_formjsABC"), None);
        assert_eq!(extension("a.b/WebResources"), None);
    }

    #[test]
    fn zips_are_reproducible_and_readable() {
        let parts: Parts = vec![
            ("[Content_Types].xml".into(), b"<Types/>".to_vec()),
            ("solution.xml".into(), b"<ImportExportXml/>".to_vec()),
        ];
        let a = write_zip(&parts).unwrap();
        assert_eq!(a, write_zip(&parts).unwrap());
        assert_eq!(read_zip(&a).unwrap(), parts);
    }
}
