//! Checks on a packed solution zip: structure, content types, file references, well-formed
//! XML in schema order, the platform's naming rules, what the target Dynamics version takes
//! (`super::platform`: the `ImportExportXml` root, web resource types and elements,
//! `customizations.xml` sections), Microsoft's schema (`xmllint`), and the unpack → pack round
//! trip.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::package::{self, Folder, Parts};
use super::platform::{self, Platform};
use super::webresource::WebResource;
use super::{names, xml};
use crate::cmd;

/// The top-level sequence of `ImportExportXml` in `CustomizationsSolution.xsd`.
const CUSTOMIZATIONS_ORDER: [&str; 37] = [
    "Entities",
    "Roles",
    "Workflows",
    "FieldSecurityProfiles",
    "Templates",
    "RibbonDiffXml",
    "IsvConfig",
    "RelationshipRoles",
    "ConnectionRoles",
    "SiteMap",
    "EntityMaps",
    "EntityRelationships",
    "OrganizationSettings",
    "optionsets",
    "Reports",
    "RoutingRules",
    "ChannelPropertyGroups",
    "ConvertRules",
    "MobileOfflineProfiles",
    "Slas",
    "ChannelAccessProfiles",
    "ChannelAccessProfileRules",
    "Dashboards",
    "InteractionCentricDashboards",
    "Dialogs",
    "WebResources",
    "CustomControls",
    "SolutionPluginAssemblies",
    "SdkMessageProcessingSteps",
    "ServiceEndpoints",
    "AppModuleSiteMaps",
    "AppModules",
    "EntityDataProviders",
    "EntityDataSources",
    "Languages",
    "GlobalSearchConfigurations",
    "StoredProcedures",
];

/// `SolutionManifest` children, in the order real exports write them.
const MANIFEST_ORDER: [&str; 8] = [
    "UniqueName",
    "LocalizedNames",
    "Descriptions",
    "Version",
    "Managed",
    "Publisher",
    "RootComponents",
    "MissingDependencies",
];

/// `Publisher` children, in the order real exports write them.
const PUBLISHER_ORDER: [&str; 8] = [
    "UniqueName",
    "LocalizedNames",
    "Descriptions",
    "EMailAddress",
    "SupportingWebsiteUrl",
    "CustomizationPrefix",
    "CustomizationOptionValuePrefix",
    "Addresses",
];

/// What a package must contain.
pub struct Expect<'a> {
    /// Managed flavour.
    pub managed: bool,
    /// The Dynamics version it is built for.
    pub platform: Platform,
    /// Four-part version.
    pub version: &'a str,
    /// The web resources that must be in it.
    pub shipped: &'a [String],
    /// Whether it carries the form wiring.
    pub has_form: bool,
    /// The folder it was packed from (the round trip must give it back).
    pub staged: &'a Folder,
}

/// Counts for the summary.
#[derive(Debug)]
pub struct Report {
    /// Files in the zip.
    pub parts: usize,
    /// Web resources in it.
    pub web_resources: usize,
}

/// Runs every check except the schema validation.
pub fn check_zip(zip: &[u8], expect: &Expect) -> Result<Report, String> {
    let parts = package::read_zip(zip)?;
    structure(&parts)?;
    let by_name: BTreeMap<&str, &[u8]> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    content_types(&parts, &by_name)?;
    let utf8 = |name: &str| -> Result<&str, String> {
        let bytes = by_name
            .get(name)
            .ok_or_else(|| format!("the zip has no {name}"))?;
        std::str::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8"))
    };
    let web_resources = customizations(utf8("customizations.xml")?, &by_name, expect)?;
    manifest(utf8("solution.xml")?, expect)?;
    for (name, bytes) in &parts {
        if name.ends_with(".xml")
            && !xml::strip_prologue(&String::from_utf8_lossy(bytes)).starts_with('<')
        {
            return Err(format!("{name} does not start with an element"));
        }
    }
    round_trip(&parts, expect.staged)?;
    Ok(Report {
        parts: parts.len(),
        web_resources,
    })
}

fn structure(parts: &Parts) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for (name, _) in parts {
        if name.ends_with('/') {
            return Err(format!(
                "the zip has a directory entry `{name}` (real exports have none)"
            ));
        }
        if name.starts_with('/') || name.contains('\\') || name.contains("//") {
            return Err(format!("the zip has a malformed part name `{name}`"));
        }
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(format!("the zip has `{name}` twice"));
        }
    }
    for required in ["[Content_Types].xml", "solution.xml", "customizations.xml"] {
        if !seen.contains(&required.to_ascii_lowercase()) {
            return Err(format!("the zip has no {required}"));
        }
    }
    for (name, _) in parts {
        let top = matches!(
            name.as_str(),
            "[Content_Types].xml" | "solution.xml" | "customizations.xml"
        );
        if !top && !name.starts_with("WebResources/") {
            return Err(format!("the zip has an unexpected part `{name}`"));
        }
    }
    Ok(())
}

fn content_types(parts: &Parts, by_name: &BTreeMap<&str, &[u8]>) -> Result<(), String> {
    let text = std::str::from_utf8(by_name["[Content_Types].xml"])
        .map_err(|_| "[Content_Types].xml is not UTF-8")?;
    let doc = xml::parse("[Content_Types].xml", text)?;
    let mut defaults = BTreeSet::new();
    let mut overrides = BTreeSet::new();
    for node in xml::elements(doc.root_element()) {
        match node.tag_name().name() {
            "Default" => {
                defaults.insert(
                    node.attribute("Extension")
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                );
            }
            "Override" => {
                let part = node.attribute("PartName").unwrap_or("");
                let name = part
                    .strip_prefix('/')
                    .ok_or(format!("Override `{part}` does not start with /"))?;
                if !by_name.contains_key(name) {
                    return Err(format!(
                        "[Content_Types].xml overrides `{part}`, which is not in the zip"
                    ));
                }
                overrides.insert(name.to_owned());
            }
            other => return Err(format!("[Content_Types].xml has an unexpected <{other}>")),
        }
    }
    for (name, _) in parts.iter().filter(|(n, _)| n != "[Content_Types].xml") {
        let covered = overrides.contains(name)
            || package::extension(name).is_some_and(|e| defaults.contains(&e.to_ascii_lowercase()));
        if !covered {
            return Err(format!("[Content_Types].xml does not cover `{name}`"));
        }
    }
    Ok(())
}

fn customizations(
    text: &str,
    by_name: &BTreeMap<&str, &[u8]>,
    expect: &Expect,
) -> Result<usize, String> {
    let doc = xml::parse("customizations.xml", text)?;
    let root = doc.root_element();
    xml::check_order(root, &CUSTOMIZATIONS_ORDER, "customizations.xml")?;
    let platform = expect.platform;
    for section in platform.missing_sections() {
        if xml::child(root, section).is_some() {
            return Err(format!(
                "customizations.xml has <{section}>, which an export from {platform} does not write"
            ));
        }
    }
    let mut resources: BTreeMap<String, WebResource> = BTreeMap::new();
    if let Some(list) = xml::child(root, "WebResources") {
        for element in xml::elements(list) {
            let resource = WebResource::from_element(element, "customizations.xml <WebResource>")?;
            if resources.insert(resource.name.clone(), resource).is_some() {
                return Err("customizations.xml lists a web resource twice".into());
            }
        }
    }
    let mut referenced = BTreeSet::new();
    for resource in resources.values() {
        let name = &resource.name;
        names::check_name(name)?;
        let part = resource
            .file_name
            .strip_prefix('/')
            .unwrap_or(&resource.file_name);
        let bytes = by_name.get(part).ok_or_else(|| {
            format!(
                "{name}: <FileName>{}</FileName> is not in the zip",
                resource.file_name
            )
        })?;
        referenced.insert(part.to_owned());
        if resource.file_name != names::packed_file_name(name, &resource.id) {
            return Err(format!(
                "{name}: <FileName> does not follow the packed naming rule"
            ));
        }
        web_resource_for_platform(resource, platform)?;
        if resource.language_code != names::resx_language(name).unwrap_or(0) {
            return Err(format!(
                "{name}: <LanguageCode> does not match the LCID in its name"
            ));
        }
        if bytes.is_empty() {
            return Err(format!("{name} is empty"));
        }
        if matches!(resource.kind, names::RESX | 11 | 4) {
            let content = std::str::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8"))?;
            xml::parse(name, content)?;
        }
        for dependency in resource.dependencies()? {
            if !resources.contains_key(&dependency) {
                return Err(format!(
                    "{name} depends on {dependency}, which the package does not ship"
                ));
            }
        }
        if crate::build::is_form_library(name) && platform.has_v9_web_resources() {
            let dependencies = resource.dependencies()?;
            for strings in resources.values().filter(|r| r.kind == names::RESX) {
                if !dependencies.contains(&strings.name) {
                    return Err(format!(
                        "{name} must depend on {} so getResourceString finds it",
                        strings.name
                    ));
                }
            }
        }
    }
    for part in by_name.keys().filter(|p| p.starts_with("WebResources/")) {
        if !referenced.contains(*part) {
            return Err(format!("`{part}` is in the zip but no <FileName> names it"));
        }
    }
    let expected: BTreeSet<&String> = expect.shipped.iter().collect();
    let found: BTreeSet<&String> = resources.keys().collect();
    if expected != found {
        return Err(format!(
            "customizations.xml lists {found:?}; the build shipped {expected:?}"
        ));
    }
    let forms = root
        .descendants()
        .filter(|n| n.has_tag_name("systemform"))
        .count();
    if forms != usize::from(expect.has_form) {
        return Err(format!(
            "customizations.xml has {forms} form(s); expected {}",
            usize::from(expect.has_form)
        ));
    }
    if expect.has_form {
        wired_form(root)?;
    }
    Ok(resources.len())
}

/// What `platform` takes of one `<WebResource>`: the type its name has there (no String RESX,
/// type 12, and no Vector SVG, type 11, before 9.0), and before 9.0 none of the elements the
/// 9.0 features brought (`DependencyXml`, the mobile flags).
fn web_resource_for_platform(resource: &WebResource, platform: Platform) -> Result<(), String> {
    let name = &resource.name;
    if !platform.has_v9_web_resources() {
        if matches!(resource.kind, names::RESX | platform::SVG) {
            return Err(format!(
                "{name}: type {} arrived with 9.0; {platform} cannot import it",
                resource.kind
            ));
        }
        if resource.dependency_xml.is_some() {
            return Err(format!(
                "{name}: <DependencyXml> (web resource dependencies arrived with 9.0) in a package for {platform}"
            ));
        }
        if resource.mobile_client.is_some() || resource.mobile_offline.is_some() {
            return Err(format!(
                "{name}: the mobile flags of 9.0 exports in a package for {platform}"
            ));
        }
    }
    match platform.web_resource_type(name) {
        Some(kind) if kind == resource.kind => Ok(()),
        Some(kind) => Err(format!(
            "{name}: <WebResourceType> is {}; on {platform} its extension takes {kind}",
            resource.kind
        )),
        None => Err(format!(
            "{name}: {platform} has no web resource type for its extension"
        )),
    }
}

/// What a wired package must say about its form: the table with its `<EntityInfo>`, the form
/// without `unmodified`, the library once, each handler of ours once.
fn wired_form(root: roxmltree::Node) -> Result<(), String> {
    for entity in root.descendants().filter(|n| n.has_tag_name("Entity")) {
        let info = xml::child(entity, "EntityInfo")
            .and_then(|i| xml::child(i, "entity"))
            .ok_or("the wired table's <Entity> has no <EntityInfo><entity>")?;
        if info.attribute("unmodified") != Some("1") {
            return Err("the wired table's <EntityInfo> must be unmodified=\"1\" (the package does not change the table)".into());
        }
    }
    let systemform = root
        .descendants()
        .find(|n| n.has_tag_name("systemform"))
        .ok_or("no <systemform>")?;
    if systemform.attribute("unmodified").is_some() {
        return Err(
            "the wired form still carries unmodified=\"1\": the import would treat it as unchanged"
                .into(),
        );
    }
    let live = |n: &roxmltree::Node| {
        !n.ancestors()
            .any(|a| a.attribute("solutionaction") == Some("Removed"))
    };
    let libraries = systemform
        .descendants()
        .filter(|n| n.has_tag_name("Library") && n.attribute("name") == Some(super::form::LIBRARY))
        .filter(live)
        .count();
    if libraries != 1 {
        return Err(format!(
            "the wired form lists {} {libraries} time(s); expected once",
            super::form::LIBRARY
        ));
    }
    for function in [
        super::form::ON_LOAD,
        super::form::ON_SAVE,
        super::form::ON_CHANGE,
    ] {
        let count = systemform
            .descendants()
            .filter(|n| {
                n.has_tag_name("Handler")
                    && n.attribute("functionName") == Some(function)
                    && n.attribute("libraryName") == Some(super::form::LIBRARY)
                    && n.parent_element()
                        .is_some_and(|p| p.has_tag_name("Handlers"))
            })
            .filter(live)
            .count();
        if count != 1 {
            return Err(format!(
                "the wired form has {function} {count} time(s); expected once"
            ));
        }
    }
    Ok(())
}

/// The `ImportExportXml` root of `solution.xml`: only the attributes the 8.2 and 9.1
/// `solution.xsd` declare, `version` and `SolutionPackageVersion` of `platform`.
fn manifest_root(root: roxmltree::Node, platform: Platform) -> Result<(), String> {
    for attribute in root.attributes() {
        if attribute.namespace().is_none() && !platform::ROOT_ATTRIBUTES.contains(&attribute.name())
        {
            return Err(format!(
                "solution.xml: <ImportExportXml> has `{}`, which solution.xsd does not declare",
                attribute.name()
            ));
        }
    }
    for (name, value) in [
        ("version", platform.export_version()),
        ("SolutionPackageVersion", platform.label()),
    ] {
        if root.attribute(name) != Some(value) {
            return Err(format!(
                "solution.xml: <ImportExportXml {name}> is {:?}; an export from {platform} writes {value:?}",
                root.attribute(name)
            ));
        }
    }
    if root.attribute("languagecode").is_none() {
        return Err("solution.xml: <ImportExportXml> has no languagecode".into());
    }
    Ok(())
}

fn manifest(text: &str, expect: &Expect) -> Result<(), String> {
    let doc = xml::parse("solution.xml", text)?;
    manifest_root(doc.root_element(), expect.platform)?;
    let manifest = xml::child(doc.root_element(), "SolutionManifest")
        .ok_or("solution.xml has no <SolutionManifest>")?;
    xml::check_order(manifest, &MANIFEST_ORDER, "solution.xml <SolutionManifest>")?;
    let publisher = xml::child(manifest, "Publisher").ok_or("solution.xml has no <Publisher>")?;
    xml::check_order(publisher, &PUBLISHER_ORDER, "solution.xml <Publisher>")?;
    let prefix = xml::child_text(publisher, "CustomizationPrefix").unwrap_or_default();
    if format!("{prefix}_") != names::PREFIX {
        return Err(format!(
            "the publisher's prefix is `{prefix}`, the web resources use `{}`",
            names::PREFIX
        ));
    }
    let version = xml::child_text(manifest, "Version").unwrap_or_default();
    if version != expect.version {
        return Err(format!(
            "solution.xml has version {version}, expected {}",
            expect.version
        ));
    }
    let managed = xml::child_text(manifest, "Managed").unwrap_or_default();
    if managed != if expect.managed { "1" } else { "0" } {
        return Err(format!(
            "solution.xml has <Managed>{managed}</Managed> in the wrong flavour"
        ));
    }
    let missing = xml::child(manifest, "MissingDependencies")
        .map(|m| xml::elements(m).count())
        .unwrap_or_default();
    if expect.has_form {
        let required: BTreeSet<&str> = xml::child(manifest, "MissingDependencies")
            .into_iter()
            .flat_map(xml::elements)
            .filter_map(|d| xml::child(d, "Required")?.attribute("type"))
            .collect();
        if !(required.contains("1") && required.contains("60")) {
            return Err("a wired package must declare the connector's table and form in <MissingDependencies>".into());
        }
    } else if missing != 0 {
        return Err("a package without a wired form must declare no <MissingDependencies>".into());
    }
    let roots: BTreeSet<String> = xml::child(manifest, "RootComponents")
        .map(|r| {
            xml::elements(r)
                .filter(|c| c.attribute("type") == Some("61"))
                .filter_map(|c| c.attribute("schemaName").map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let shipped: BTreeSet<String> = expect.shipped.iter().cloned().collect();
    if roots != shipped {
        return Err(format!(
            "solution.xml root web resources {roots:?} differ from the shipped {shipped:?}"
        ));
    }
    Ok(())
}

fn round_trip(parts: &Parts, staged: &Folder) -> Result<(), String> {
    let folder = package::unpack(parts)?;
    if &folder != staged {
        let differing: Vec<&String> = folder
            .keys()
            .chain(staged.keys())
            .filter(|k| folder.get(*k) != staged.get(*k))
            .collect();
        return Err(format!(
            "unpacking the zip does not give back its source folder (differs: {differing:?})"
        ));
    }
    let repacked = package::pack(&folder)?;
    if &repacked != parts {
        return Err("packing the unpacked zip does not reproduce the same parts".into());
    }
    Ok(())
}

/// Where Microsoft's schema lives: `<repo>/../shared/schemas/customizations/`.
pub fn schema_dir() -> std::path::PathBuf {
    let root = crate::paths::root();
    root.parent()
        .unwrap_or(&root)
        .join("shared")
        .join("schemas")
        .join("customizations")
}

/// Attributes that exports from 2020 on write on the nodes of a form and that the 9.0 schema
/// predates, accepted on the customer's exported form (element `*` = any). Seen in the real
/// exports in `shared/reference/real-exports`:
/// - `solutionaction` (`Added`/`Modified`/`Removed`) and `ordinalvalue`: the differential form a
///   customized form of a managed table is exported as (Apollo: tabs, columns, sections, cells,
///   labels, controls, events, `Handlers`, `Handler`, `formLibraries`, header, footer,
///   `DisplayConditions`, `controlDescription`);
/// - `headerdensity` on `<form>` (every Unified Interface form, Apollo and mini-crm);
/// - `id` on `<column>` (Apollo).
pub const NEWER_FORM_ATTRIBUTES: [(&str, &str); 4] = [
    ("*", "solutionaction"),
    ("*", "ordinalvalue"),
    ("form", "headerdensity"),
    ("column", "id"),
];

/// The customer's form as the 9.0 schema can judge it: the newer attributes above removed,
/// elements marked `solutionaction="Removed"` dropped (a differential export writes them as a
/// bare key, without the children the schema requires: Apollo's removed tab, and `<Everyone>`
/// next to `<Role>` in `DisplayConditions`), and the `<parameters>` of controls other than ours
/// dropped (each control class has its own, and newer ones, e.g. `HideQuickFormBorder` of the
/// quick view control, are unknown to the schema).
pub fn exported_form_for_schema(customizations: &str) -> Result<String, String> {
    let doc = xml::parse("customizations.xml", customizations)?;
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    for systemform in doc.descendants().filter(|n| n.has_tag_name("systemform")) {
        let mut skip_until = 0;
        for node in systemform.descendants().filter(roxmltree::Node::is_element) {
            if node.range().start < skip_until {
                continue;
            }
            let ours = node
                .parent_element()
                .is_some_and(|c| c.attribute("id") == Some(super::form::PANEL_CONTROL_ID));
            let foreign_parameters = node.has_tag_name("parameters")
                && node
                    .parent_element()
                    .is_some_and(|c| c.has_tag_name("control"))
                && !ours;
            if node.attribute("solutionaction") == Some("Removed") || foreign_parameters {
                cuts.push(node.range());
                skip_until = node.range().end;
                continue;
            }
            for attribute in node.attributes() {
                let allowed = NEWER_FORM_ATTRIBUTES.iter().any(|(element, name)| {
                    *name == attribute.name() && (*element == "*" || node.has_tag_name(*element))
                });
                if allowed {
                    let range = attribute.range();
                    let start = customizations[..range.start].trim_end().len();
                    cuts.push(start..range.end);
                }
            }
        }
    }
    cuts.sort_by_key(|r| std::cmp::Reverse(r.start));
    let mut out = customizations.to_owned();
    for range in cuts {
        out.replace_range(range, "");
    }
    Ok(out)
}

/// `customizations.xml` with every `<systemform>` replaced by the nodes of ours it holds
/// ([`super::form::probe`]): what the package writes, for the strict schema check.
pub fn ours_for_schema(customizations: &str) -> Result<String, String> {
    let doc = xml::parse("customizations.xml", customizations)?;
    let mut forms: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for systemform in doc.descendants().filter(|n| n.has_tag_name("systemform")) {
        let range = systemform.range();
        forms.push((range.clone(), super::form::probe(&customizations[range])?));
    }
    let mut out = customizations.to_owned();
    for (range, probe) in forms.into_iter().rev() {
        out.replace_range(range, &probe);
    }
    Ok(out)
}

/// Runs `xmllint` on `file` against Microsoft's schema: `Ok(None)` when valid, else the
/// findings; `Err` when the tool is missing.
fn xmllint(file: &Path, schema: &Path) -> Result<Option<String>, String> {
    if !cmd::exists("xmllint") {
        return Err("xmllint is missing: run `cargo xtask setup` (package libxml2-utils)".into());
    }
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(file)
        .output()
        .map_err(|e| format!("could not start xmllint: {e}"))?;
    if out.status.success() {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&out.stderr).into_owned()))
}

/// What the schema check found.
pub struct SchemaReport {
    /// Whether the schema was there to check against.
    pub validated: bool,
    /// Findings on the customer's exported form beyond what real exports are known to carry
    /// (reported, not failed: Dynamics wrote that form and reads it back).
    pub exported_form_notes: Vec<String>,
}

/// Validates one package's `customizations.xml` against Microsoft's 9.0 schema, written into
/// `dir` as `<stem>.customizations.xml`: strictly for everything the package writes (forms
/// reduced to the nodes of ours), and for a customer's form after
/// [`exported_form_for_schema`] (`<stem>.exported-form.xml`), whose remaining findings are
/// returned as notes. Without the schema folder: `validated: false`, with a printed reason.
pub fn validate_schema(
    customizations: &str,
    dir: &Path,
    stem: &str,
) -> Result<SchemaReport, String> {
    let schema = schema_dir().join("CustomizationsSolution.xsd");
    let mut report = SchemaReport {
        validated: false,
        exported_form_notes: Vec::new(),
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let ours = dir.join(format!("{stem}.customizations.xml"));
    std::fs::write(&ours, ours_for_schema(customizations)?)
        .map_err(|e| format!("cannot write {}: {e}", ours.display()))?;
    if !schema.is_file() {
        println!(
            "  SKIPPED schema validation of {}: Microsoft's schema is not at {} \
             (it comes with this repository's shared/ folder; see shared/schemas/README.md)",
            ours.display(),
            schema.display()
        );
        return Ok(report);
    }
    if let Some(findings) = xmllint(&ours, &schema)? {
        return Err(format!(
            "customizations.xml does not validate against Microsoft's schema ({}):\n{findings}",
            ours.display()
        ));
    }
    report.validated = true;
    if customizations.contains("<systemform") {
        let exported = dir.join(format!("{stem}.exported-form.xml"));
        std::fs::write(&exported, exported_form_for_schema(customizations)?)
            .map_err(|e| format!("cannot write {}: {e}", exported.display()))?;
        if let Some(findings) = xmllint(&exported, &schema)? {
            report.exported_form_notes = findings
                .lines()
                .filter(|l| l.contains("validity error"))
                .map(str::to_owned)
                .collect();
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real Apollo differential forms, wired: our nodes validate strictly, the exported
    /// form validates once the known newer attributes and removed nodes are set aside.
    #[test]
    fn judges_our_nodes_strictly_and_the_exported_form_by_what_real_exports_carry() {
        let text = std::fs::read_to_string(
            crate::paths::root().join("xtask/src/dist/fixtures/apollo/customizations.xml"),
        )
        .unwrap();
        let lenient = exported_form_for_schema(&text).unwrap();
        for name in ["solutionaction", "ordinalvalue", "headerdensity"] {
            assert!(text.contains(name) && !lenient.contains(name), "{name}");
        }
        let ours = ours_for_schema(&text).unwrap();
        assert!(!ours.contains("solutionaction") && ours.matches("<systemform>").count() == 2);
        let schema = schema_dir().join("CustomizationsSolution.xsd");
        if !schema.is_file() || !cmd::exists("xmllint") {
            return;
        }
        let dir = crate::paths::target().join("dist").join("schema-test");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, doc) in [("lenient", &lenient), ("ours", &ours)] {
            let file = dir.join(format!("{name}.xml"));
            std::fs::write(&file, doc).unwrap();
            assert_eq!(xmllint(&file, &schema).unwrap(), None, "{name}");
        }
        let strict = dir.join("strict.xml");
        std::fs::write(&strict, &text).unwrap();
        assert!(xmllint(&strict, &schema).unwrap().is_some());
    }
}
