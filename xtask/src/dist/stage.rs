//! Reads the solution source (`solution/`) and the built web resources, and lays out the
//! unpacked folder of one package flavour (unmanaged or managed).
//!
//! The committed `.data.xml` files are the truth for ids, display names and descriptions; the
//! build decides which web resources exist. What is derived here: the version, `Managed`, the
//! root components, the form library's dependency on every shipped RESX file, and what the
//! target platform (`--platform`, [`Platform`]) takes: the `ImportExportXml` root, each web
//! resource's type for that version, and a committed substitute (`solution/Substitutes/`) for
//! a web resource whose type the version lacks.

use std::collections::BTreeMap;
use std::path::Path;

use super::form::ExportedForm;
use super::package::{self, Folder};
use super::platform::Platform;
use super::webresource::{self, WebResource};
use super::{names, xml};

/// The solution source as committed.
pub struct Source {
    /// `Other/Solution.xml` (a template: version, `Managed` and root components are filled in).
    pub solution_xml: String,
    /// `Other/Customizations.xml` with empty `<Entities />` and `<WebResources />`.
    pub customizations_xml: String,
    /// Every declared web resource, by name.
    pub resources: BTreeMap<String, WebResource>,
    /// Web resources shipped in place of one whose type a platform lacks (`Substitutes/`), by
    /// name, with their committed content.
    pub substitutes: BTreeMap<String, (WebResource, Vec<u8>)>,
}

/// Reads `solution/`.
pub fn read_source(dir: &Path) -> Result<Source, String> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let other = dir.join("Other");
    let solution_xml = read(&other.join("Solution.xml"))?;
    let customizations_xml = read(&other.join("Customizations.xml"))?;
    xml::parse("solution/Other/Solution.xml", &solution_xml)?;
    xml::parse("solution/Other/Customizations.xml", &customizations_xml)?;
    let mut resources = BTreeMap::new();
    let root = dir.join("WebResources");
    for path in files_under(&root)? {
        let relative = relative_name(&root, &path)?;
        if !relative.ends_with(".data.xml") {
            return Err(format!(
                "solution/WebResources/{relative}: only .data.xml files belong here (content comes from the build)"
            ));
        }
        let resource = read_declaration(&root, &path, "solution/WebResources")?;
        resources.insert(resource.name.clone(), resource);
    }
    let mut substitutes = BTreeMap::new();
    let root = dir.join("Substitutes").join("WebResources");
    let files = files_under(&root)?;
    for path in &files {
        let relative = relative_name(&root, path)?;
        if !relative.ends_with(".data.xml") && !root.join(format!("{relative}.data.xml")).is_file()
        {
            return Err(format!(
                "solution/Substitutes/WebResources/{relative} has no .data.xml next to it (its id, name, type and FileName)"
            ));
        }
    }
    for path in files {
        if !relative_name(&root, &path)?.ends_with(".data.xml") {
            continue;
        }
        let resource = read_declaration(&root, &path, "solution/Substitutes/WebResources")?;
        let content = root.join(&resource.name);
        let bytes = std::fs::read(&content).map_err(|e| {
            format!(
                "solution/Substitutes/WebResources/{}: the content next to its .data.xml: {e}",
                resource.name
            )
        })?;
        substitutes.insert(resource.name.clone(), (resource, bytes));
    }
    Ok(Source {
        solution_xml,
        customizations_xml,
        resources,
        substitutes,
    })
}

/// Reads one `<name>.data.xml` under `root` (shown as `shown`); its `<Name>` must be its path.
fn read_declaration(root: &Path, path: &Path, shown: &str) -> Result<WebResource, String> {
    let relative = relative_name(root, path)?;
    let name = relative.strip_suffix(".data.xml").unwrap_or(&relative);
    let what = format!("{shown}/{relative}");
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc = xml::parse(&what, &text)?;
    let resource = WebResource::from_element(doc.root_element(), &what)?;
    if resource.name != name {
        return Err(format!(
            "{what} declares `{}`; its path says `{name}`",
            resource.name
        ));
    }
    Ok(resource)
}

/// Built web resource contents by name.
pub type Built = BTreeMap<String, Vec<u8>>;

/// The built web resources: every file under `dir` whose path starts with the publisher
/// prefix, by name; other files (a README) are returned separately as skipped.
pub fn read_shipped(dir: &Path) -> Result<(Built, Vec<String>), String> {
    let mut shipped = BTreeMap::new();
    let mut skipped = Vec::new();
    for path in files_under(dir)? {
        let name = relative_name(dir, &path)?;
        if !name.starts_with(names::PREFIX) {
            skipped.push(name);
            continue;
        }
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        shipped.insert(name, bytes);
    }
    Ok((shipped, skipped))
}

fn files_under(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            out.extend(files_under(&path)?);
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn relative_name(root: &Path, path: &Path) -> Result<String, String> {
    let relative = path
        .strip_prefix(root)
        .map_err(|_| format!("{} is outside {}", path.display(), root.display()))?;
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    parts
        .map(|p| p.join("/"))
        .ok_or_else(|| format!("{} is not a UTF-8 path", path.display()))
}

/// One laid-out package flavour.
pub struct Staged {
    /// The unpacked folder.
    pub folder: Folder,
    /// The web resources it ships, by name.
    pub shipped: Vec<String>,
    /// Declared web resources that the build did not produce (not shipped).
    pub not_built: Vec<String>,
    /// Whether it carries the form wiring.
    pub has_form: bool,
    /// What the target platform changed (a type, a substitute, a web resource left out).
    pub notes: Vec<String>,
}

/// Checks a declared web resource against the platform's rules and the name it ships under.
fn check_resource(resource: &WebResource) -> Result<(), String> {
    let name = &resource.name;
    names::check_name(name)?;
    let kind = names::type_of(name).unwrap_or_default();
    if resource.kind != kind {
        return Err(format!(
            "{name}: <WebResourceType> is {}, its extension says {kind}",
            resource.kind
        ));
    }
    let expected = names::packed_file_name(name, &resource.id);
    if resource.file_name != expected {
        return Err(format!(
            "{name}: <FileName> must be {expected} (name without punctuation + GUID)"
        ));
    }
    let language = names::resx_language(name).unwrap_or(0);
    if kind == names::RESX && language == 0 {
        return Err(format!(
            "{name}: a RESX web resource needs its LCID in the name (…Resubscribe.1033.resx)"
        ));
    }
    if resource.language_code != language {
        return Err(format!(
            "{name}: <LanguageCode> is {}, must be {language}",
            resource.language_code
        ));
    }
    Ok(())
}

/// Lays out one flavour for `platform`. `form` is an already wired form; the managed flavour
/// leaves it out (a managed layer on another publisher's form would need a differential
/// FormXml).
pub fn stage(
    source: &Source,
    built: &Built,
    form: Option<&ExportedForm>,
    version: &str,
    managed: bool,
    platform: Platform,
) -> Result<Staged, String> {
    let mut ids = BTreeMap::new();
    let substitutes = source.substitutes.values().map(|(r, _)| r);
    for resource in source.resources.values().chain(substitutes) {
        check_resource(resource)?;
        if let Some(other) = ids.insert(resource.id.clone(), resource.name.clone()) {
            return Err(format!(
                "{} and {other} share the id {}",
                resource.name, resource.id
            ));
        }
    }
    for name in built.keys() {
        if !source.resources.contains_key(name) {
            names::check_name(name)?;
            return Err(format!(
                "the build produced {name}, which solution/ does not declare: add \
                 solution/WebResources/{name}.data.xml (a new GUID, display name, description, \
                 type {}, FileName {})",
                names::type_of(name).unwrap_or_default(),
                names::packed_file_name(name, "{NEW-GUID}")
            ));
        }
    }
    let not_built = source
        .resources
        .keys()
        .filter(|n| !built.contains_key(*n))
        .cloned()
        .collect();
    let mut notes = Vec::new();
    let mut shipped: Vec<(WebResource, Vec<u8>)> = Vec::new();
    for resource in source.resources.values() {
        let Some(bytes) = built.get(&resource.name) else {
            continue;
        };
        if let Some(taken) = for_platform(resource, platform) {
            if taken.kind != resource.kind {
                notes.push(format!(
                    "{}: type {} (Data XML), {platform} has no type {} (it arrived with 9.0)",
                    resource.name, taken.kind, resource.kind
                ));
            }
            shipped.push((taken, bytes.clone()));
            continue;
        }
        match substitute(source, &resource.name).and_then(|(r, b)| Some((for_platform(r, platform)?, b))) {
            Some((taken, bytes)) => {
                notes.push(format!(
                    "{}: {platform} has no type {} (it arrived with 9.0); ships {} (type {}) from solution/Substitutes/ instead",
                    resource.name, resource.kind, taken.name, taken.kind
                ));
                shipped.push((taken, bytes.clone()));
            }
            None => notes.push(format!(
                "{}: left out, {platform} has no type {} and solution/Substitutes/ holds nothing in its place",
                resource.name, resource.kind
            )),
        }
    }
    let resx: Vec<WebResource> = shipped
        .iter()
        .map(|(r, _)| r)
        .filter(|r| r.kind == names::RESX)
        .cloned()
        .collect();
    let strings: Vec<&WebResource> = resx.iter().collect();

    let mut folder = Folder::new();
    for (resource, bytes) in &mut shipped {
        if crate::build::is_form_library(&resource.name) {
            resource.dependency_xml = webresource::dependency_xml(&strings);
        }
        folder.insert(
            format!("WebResources/{}.data.xml", resource.name),
            package::data_xml(resource).into_bytes(),
        );
        folder.insert(format!("WebResources/{}", resource.name), bytes.clone());
    }
    let shipped: Vec<&WebResource> = shipped.iter().map(|(r, _)| r).collect();

    let form = form.filter(|_| !managed);
    let mut roots: Vec<String> = Vec::new();
    if let Some(form) = form {
        roots.push(format!(
            "<RootComponent type=\"1\" schemaName=\"{}\" behavior=\"2\" />",
            xml::escape(&form.entity.to_ascii_lowercase())
        ));
        roots.push(format!(
            "<RootComponent type=\"60\" id=\"{}\" behavior=\"0\" />",
            form.form_id
        ));
        folder.insert(
            format!("Entities/{}/Entity.xml", form.entity),
            package::entity_xml(
                &form.entity_name_element,
                Some(&package::entity_info(&form.entity)),
            )
            .into_bytes(),
        );
        folder.insert(
            format!(
                "Entities/{}/FormXml/{}/{}.xml",
                form.entity, form.form_type, form.form_id
            ),
            package::form_file(&form.systemform).into_bytes(),
        );
    }
    for resource in &shipped {
        roots.push(format!(
            "<RootComponent type=\"61\" schemaName=\"{}\" behavior=\"0\" />",
            xml::escape(&resource.name)
        ));
    }

    let missing = form.map(missing_dependencies).unwrap_or_default();
    let solution = fill_manifest(&source.solution_xml, version, managed, &roots, &missing)?;
    let solution = stamp_root(&solution, platform)?;
    folder.insert(
        "Other/Solution.xml".into(),
        xml::unpacked(&solution).into_bytes(),
    );
    folder.insert(
        "Other/Customizations.xml".into(),
        xml::unpacked(&platform.customizations(&source.customizations_xml)?).into_bytes(),
    );
    Ok(Staged {
        folder,
        shipped: shipped.iter().map(|r| r.name.clone()).collect(),
        not_built,
        has_form: form.is_some(),
        notes,
    })
}

/// A declared web resource as `platform` takes it: the type it has there, and before 9.0 no
/// `DependencyXml` and no mobile flags; `None` when the platform has no type for it.
fn for_platform(resource: &WebResource, platform: Platform) -> Option<WebResource> {
    let mut taken = resource.clone();
    taken.kind = platform.web_resource_type(&resource.name)?;
    if !platform.has_v9_web_resources() {
        taken.dependency_xml = None;
        taken.mobile_client = None;
        taken.mobile_offline = None;
    }
    Some(taken)
}

/// The committed substitute of `name`: the one in `solution/Substitutes/` with the same name up
/// to the extension (`rsub_/resubscribe/icon.png` for `rsub_/resubscribe/icon.svg`).
fn substitute<'a>(source: &'a Source, name: &str) -> Option<(&'a WebResource, &'a Vec<u8>)> {
    let stem = |n: &str| n.rsplit_once('.').map_or(n, |(s, _)| s).to_owned();
    source
        .substitutes
        .values()
        .find(|(r, _)| r.name != name && stem(&r.name) == stem(name))
        .map(|(r, b)| (r, b))
}

/// Sets `version` and `SolutionPackageVersion` of the manifest's `ImportExportXml` root to
/// what an export from `platform` writes.
pub fn stamp_root(manifest: &str, platform: Platform) -> Result<String, String> {
    let doc = xml::parse("Solution.xml", manifest)?;
    let root = doc.root_element();
    let mut edits = Vec::new();
    for (name, value) in [
        ("version", platform.export_version()),
        ("SolutionPackageVersion", platform.label()),
    ] {
        let attribute = root
            .attributes()
            .find(|a| a.name() == name)
            .ok_or_else(|| format!("Solution.xml: <ImportExportXml> has no `{name}`"))?;
        edits.push((attribute.range(), format!("{name}=\"{value}\"")));
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = manifest.to_owned();
    for (range, text) in edits {
        out.replace_range(range, &text);
    }
    Ok(out)
}

/// The `<MissingDependency>` entries of a wired form, in the shape real exports write: the
/// connector's table (required by itself, a root component here), each column the handlers
/// read (required by the form) and the connector's form (required by the customized copy of
/// itself), each `Required` naming the connector's solution and the lowest version that
/// supports manual resubscription. An organization without them fails the import wizard's
/// pre-check instead of failing half-way.
pub fn missing_dependencies(form: &ExportedForm) -> Vec<String> {
    let e = xml::escape;
    let minimum = resubscribe::domain::compatibility::minimum_connector(
        resubscribe::domain::version::ReleaseLine::Dynamics365,
    )
    .version
    .text();
    let solution = e(&format!("{} ({minimum})", form.needs.connector));
    let table = e(&form.entity.to_ascii_lowercase());
    let table_name = e(&form.entity_display_name());
    let form_name = e(&form.form_display_name());
    let id = &form.form_id;
    let mut out = vec![format!(
        "<MissingDependency>\n  <Required type=\"1\" schemaName=\"{table}\" displayName=\"{table_name}\" parentSchemaName=\"\" solution=\"{solution}\" />\n  <Dependent type=\"1\" schemaName=\"{table}\" displayName=\"{table_name}\" />\n</MissingDependency>"
    )];
    for column in &form.needs.columns {
        let column = e(column);
        out.push(format!(
            "<MissingDependency>\n  <Required type=\"2\" schemaName=\"{column}\" displayName=\"{column}\" parentSchemaName=\"{table}\" parentDisplayName=\"{table_name}\" solution=\"{solution}\" />\n  <Dependent type=\"60\" displayName=\"{form_name}\" parentDisplayName=\"{table_name}\" id=\"{id}\" />\n</MissingDependency>"
        ));
    }
    out.push(format!(
        "<MissingDependency>\n  <Required type=\"60\" displayName=\"{form_name}\" parentDisplayName=\"{table_name}\" solution=\"{solution}\" id=\"{id}\" />\n  <Dependent type=\"60\" displayName=\"{form_name}\" parentDisplayName=\"{table_name}\" id=\"{id}\" />\n</MissingDependency>"
    ));
    out
}

/// Fills `Version`, `Managed`, `RootComponents` and `MissingDependencies` of the committed
/// manifest.
pub fn fill_manifest(
    template: &str,
    version: &str,
    managed: bool,
    roots: &[String],
    missing: &[String],
) -> Result<String, String> {
    let body = xml::strip_prologue(template).replace("\r\n", "\n");
    let replace_element = |text: &str, tag: &str, value: &str| -> Result<String, String> {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let start = text
            .find(&open)
            .ok_or_else(|| format!("Solution.xml has no <{tag}>"))?;
        let end = text[start..]
            .find(&close)
            .map(|i| start + i)
            .ok_or_else(|| format!("Solution.xml has no </{tag}>"))?;
        Ok(format!("{}{open}{value}{}", &text[..start], &text[end..]))
    };
    let body = replace_element(&body, "Version", version)?;
    let body = replace_element(&body, "Managed", if managed { "1" } else { "0" })?;
    let empty = "<RootComponents />";
    let start = body
        .find(empty)
        .ok_or("Solution.xml must hold an empty `<RootComponents />` (the packer fills it)")?;
    let line_start = body[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &body[line_start..start];
    let block = if roots.is_empty() {
        empty.to_owned()
    } else {
        let mut block = String::from("<RootComponents>\n");
        for root in roots {
            block.push_str(&format!("{indent}  {root}\n"));
        }
        block.push_str(&format!("{indent}</RootComponents>"));
        block
    };
    let filled = body.replacen(empty, &block, 1);
    let filled = fill_block(&filled, "MissingDependencies", missing)?;
    xml::parse("the filled Solution.xml", &filled)?;
    Ok(filled)
}

/// Replaces the empty `<tag />` by `<tag>` holding `entries` (each possibly several lines),
/// indented one level deeper; leaves it empty when there are none.
fn fill_block(body: &str, tag: &str, entries: &[String]) -> Result<String, String> {
    let empty = format!("<{tag} />");
    let start = body.find(&empty).ok_or_else(|| {
        format!("Solution.xml must hold an empty `{empty}` (the packer fills it)")
    })?;
    if entries.is_empty() {
        return Ok(body.to_owned());
    }
    let line_start = body[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &body[line_start..start];
    let mut block = format!("<{tag}>\n");
    for entry in entries {
        for line in entry.lines() {
            block.push_str(&format!("{indent}  {line}\n"));
        }
    }
    block.push_str(&format!("{indent}</{tag}>"));
    Ok(body.replacen(&empty, &block, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "<ImportExportXml>\n  <SolutionManifest>\n    <UniqueName>RsubResubscribe</UniqueName>\n    <Version>0.0.0.0</Version>\n    <Managed>0</Managed>\n    <RootComponents />\n    <MissingDependencies />\n  </SolutionManifest>\n</ImportExportXml>\n";

    /// Copies `solution/` into a scratch folder for a test that changes it.
    fn scratch_solution(name: &str) -> std::path::PathBuf {
        let dir = crate::paths::target().join("dist").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let from = crate::paths::root().join("solution");
        for path in files_under(&from).unwrap() {
            let to = dir.join(path.strip_prefix(&from).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&path, &to).unwrap();
        }
        dir
    }

    /// The committed substitute is read with its content; a file there without its
    /// `.data.xml` is named, not skipped.
    #[test]
    fn reads_substitutes_and_names_a_file_without_declaration() {
        let dir = scratch_solution("substitutes-test");
        let source = read_source(&dir).unwrap();
        let (icon, png) = &source.substitutes["rsub_/resubscribe/icon.png"];
        assert_eq!(icon.kind, 5);
        assert!(png.starts_with(b"\x89PNG"));
        let stray = dir.join("Substitutes/WebResources/rsub_/resubscribe/logo.png");
        std::fs::write(&stray, b"png").unwrap();
        let err = read_source(&dir).err().unwrap();
        assert!(
            err.contains("logo.png has no .data.xml next to it"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn stamps_the_version_attributes_of_the_root() {
        let manifest = "<ImportExportXml version=\"9.0.0.2090\" SolutionPackageVersion=\"9.0\" languagecode=\"1033\"><SolutionManifest /></ImportExportXml>";
        assert_eq!(
            stamp_root(manifest, Platform::V8_1).unwrap(),
            "<ImportExportXml version=\"8.1.0.359\" SolutionPackageVersion=\"8.1\" languagecode=\"1033\"><SolutionManifest /></ImportExportXml>"
        );
        assert!(stamp_root("<ImportExportXml version=\"9.0\" />", Platform::V8_1).is_err());
    }

    #[test]
    fn fills_version_managed_and_root_components() {
        let roots = vec![
            "<RootComponent type=\"61\" schemaName=\"rsub_/resubscribe/form.js\" behavior=\"0\" />"
                .to_owned(),
        ];
        let filled = fill_manifest(MANIFEST, "0.1.0.0", true, &roots, &[]).unwrap();
        assert!(filled.contains("<Version>0.1.0.0</Version>"));
        assert!(filled.contains("<Managed>1</Managed>"));
        assert!(filled.contains("    <RootComponents>\n      <RootComponent type=\"61\" schemaName=\"rsub_/resubscribe/form.js\" behavior=\"0\" />\n    </RootComponents>"), "{filled}");
        let empty = fill_manifest(MANIFEST, "0.1.0.0", false, &[], &[]).unwrap();
        assert!(empty.contains("<RootComponents />") && empty.contains("<Managed>0</Managed>"));
        assert!(empty.contains("<MissingDependencies />"));
    }
}
