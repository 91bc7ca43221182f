//! `cargo xtask dist`: the solution zips customizers import.
//!
//! Builds the web resources, lays out the unpacked solution from `solution/` and the build
//! (`stage`) for the Dynamics version chosen with `--platform` (`platform`; default 9.0), packs
//! `target/dist/<UniqueName>_<version>.zip` and `…_managed.zip` (`package`; another platform
//! adds `_target_CRM_<x.y>` before `.zip`/`_managed.zip`),
//! checks them (`checks`, including `xmllint` against Microsoft's schema and the unpack → pack
//! round trip) and runs the Solution Checker's ESLint rules on every shipped script (`lint`).
//! Optional form wiring (`form`) edits a customer's exported Email Suppressions form.
//!
//! Owns `target/dist/*.zip`, `target/dist/solution/` and `target/dist/check/`; never writes
//! into `solution/`.

mod checks;
mod form;
mod lint;
mod names;
mod package;
mod platform;
mod stage;
mod webresource;
mod xml;

use std::path::{Path, PathBuf};

use crate::{build, manifest, paths};

pub use platform::Platform;

/// Parsed options.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    form: Option<(String, String)>,
    form_xml: Option<PathBuf>,
    mapping: Option<String>,
    panel: bool,
    platform: Platform,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--form" => {
                let v = value("--form")?;
                let (entity, id) = v
                    .split_once(':')
                    .filter(|(e, i)| !e.is_empty() && !i.is_empty())
                    .ok_or("--form takes <entity>:<form id>, e.g. esc_emailsuppression:{0f7c…}")?;
                options.form = Some((entity.to_owned(), id.to_owned()));
            }
            "--form-xml" => options.form_xml = Some(PathBuf::from(value("--form-xml")?)),
            "--mapping" => options.mapping = Some(value("--mapping")?),
            "--panel" => options.panel = true,
            "--platform" => options.platform = Platform::parse(&value("--platform")?)?,
            other => return Err(format!("dist: unknown option `{other}`")),
        }
    }
    if options.form.is_some() && options.form_xml.is_none() {
        return Err(
            "--form needs the form's XML as well (--form-xml FILE): a form in a solution \
                    must carry its whole layout, which only an export of your form has. Export \
                    the Email Suppressions form (a solution holding only that form, unmanaged), \
                    then pass its customizations.xml. See docs/customizing.md."
                .into(),
        );
    }
    if (options.mapping.is_some() || options.panel) && options.form_xml.is_none() {
        return Err("--mapping and --panel only apply with --form-xml".into());
    }
    Ok(options)
}

/// The solution's unique name, from `solution/Other/Solution.xml`.
fn unique_name(source: &stage::Source) -> Result<String, String> {
    let doc = xml::parse("solution/Other/Solution.xml", &source.solution_xml)?;
    doc.descendants()
        .find(|n| n.has_tag_name("UniqueName"))
        .and_then(|n| n.text())
        .map(str::to_owned)
        .ok_or_else(|| "solution/Other/Solution.xml has no <UniqueName>".into())
}

/// One package flavour, in memory until every check has passed.
struct Package {
    /// `<UniqueName>_<version>[_managed].zip`.
    file_name: String,
    /// The zip.
    bytes: Vec<u8>,
    /// What it was packed from.
    staged: stage::Staged,
    /// Managed flavour.
    managed: bool,
    /// The Dynamics version it is built for.
    platform: Platform,
}

/// Stages and packs both flavours for `platform` in memory.
fn make_packages(
    form: Option<&form::ExportedForm>,
    platform: Platform,
) -> Result<Vec<Package>, String> {
    let source = stage::read_source(&paths::root().join("solution"))?;
    let (built, skipped) = stage::read_shipped(&paths::webresources())?;
    for name in &skipped {
        println!(
            "  not a web resource (no `{}` prefix), not shipped: {name}",
            names::PREFIX
        );
    }
    let version = names::solution_version(&manifest::package_version()?)?;
    let unique = unique_name(&source)?;
    let mut packages = Vec::new();
    for managed in [false, true] {
        let staged = stage::stage(&source, &built, form, &version, managed, platform)?;
        let parts = package::pack(&staged.folder)?;
        let bytes = package::write_zip(&parts)?;
        let suffix = if managed { "_managed" } else { "" };
        packages.push(Package {
            file_name: format!(
                "{unique}_{}{}{suffix}.zip",
                version.replace('.', "_"),
                platform.file_suffix()
            ),
            bytes,
            staged,
            managed,
            platform,
        });
    }
    if let Some(package) = packages.first() {
        if !package.staged.not_built.is_empty() {
            println!(
                "declared in solution/ but not built yet, so not shipped: {}",
                package.staged.not_built.join(", ")
            );
        }
        for note in &package.staged.notes {
            println!("  for {platform}: {note}");
        }
    }
    Ok(packages)
}

/// The name a zip is written under before every zip of the run is complete.
fn partial_name(file_name: &str) -> String {
    format!(".{file_name}.partial")
}

/// Writes the packages into `out_dir` only when `check` passed: the zips this run would write
/// (and any partial leftovers) are removed first, each zip is written under a temporary name
/// and renamed into place at the end, so a failed run leaves no zip behind. Returns the paths.
fn publish(
    out_dir: &Path,
    packages: &[Package],
    check: impl FnOnce(&[Package]) -> Result<(), String>,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    for package in packages {
        for name in [package.file_name.clone(), partial_name(&package.file_name)] {
            let path = out_dir.join(name);
            if path.exists() {
                std::fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            }
        }
    }
    check(packages)?;
    let mut written = Vec::new();
    let result = (|| {
        for package in packages {
            let partial = out_dir.join(partial_name(&package.file_name));
            std::fs::write(&partial, &package.bytes)
                .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
            written.push(partial);
        }
        let mut finals = Vec::new();
        for package in packages {
            let partial = out_dir.join(partial_name(&package.file_name));
            let path = out_dir.join(&package.file_name);
            std::fs::rename(&partial, &path)
                .map_err(|e| format!("cannot move {} into place: {e}", path.display()))?;
            finals.push(path);
        }
        Ok(finals)
    })();
    if result.is_err() {
        for path in &written {
            let _ = std::fs::remove_file(path);
        }
    }
    result
}

fn write_folder(dir: &Path, folder: &package::Folder) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    for (path, bytes) in folder {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&file, bytes)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    Ok(())
}

/// Checks every package (structure, names, schema, round trip); prints a summary each.
/// `scratch` receives the documents the schema check reads.
fn check_packages(packages: &[Package], scratch: &Path) -> Result<(), String> {
    let version = names::solution_version(&manifest::package_version()?)?;
    for package in packages {
        let name = &package.file_name;
        let staged = &package.staged;
        let report = checks::check_zip(
            &package.bytes,
            &checks::Expect {
                managed: package.managed,
                platform: package.platform,
                version: &version,
                shipped: &staged.shipped,
                has_form: staged.has_form,
                staged: &staged.folder,
            },
        )
        .map_err(|e| format!("{name}: {e}"))?;
        let customizations = package::read_zip(&package.bytes)?
            .into_iter()
            .find(|(n, _)| n == "customizations.xml")
            .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let stem = name.trim_end_matches(".zip");
        let schema = checks::validate_schema(&customizations, scratch, stem)
            .map_err(|e| format!("{name}: {e}"))?;
        println!(
            "{name}: {} bytes, {} parts, {} web resource(s){}, for {} (SolutionPackageVersion {}, version {}), structure/content types/FileName/schema order/names/round trip/{} rules OK, schema {}",
            package.bytes.len(),
            report.parts,
            report.web_resources,
            if staged.has_form { " + form wiring" } else { "" },
            package.platform,
            package.platform.label(),
            package.platform.export_version(),
            package.platform,
            if schema.validated {
                "valid (Microsoft's 9.0 customizations schema)"
            } else {
                "NOT VALIDATED (schema folder absent)"
            }
        );
        if !schema.exported_form_notes.is_empty() {
            println!(
                "  note: your exported form carries {} thing(s) the 9.0 schema predates beyond the \
                 known newer attributes; kept as exported (Dynamics wrote them):",
                schema.exported_form_notes.len()
            );
            for note in schema.exported_form_notes.iter().take(10) {
                println!("    {note}");
            }
        }
    }
    Ok(())
}

/// Reads the exported form file and wires it.
fn wired_form(options: &Options) -> Result<Option<form::ExportedForm>, String> {
    let Some(path) = &options.form_xml else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let wanted = options.form.as_ref().map(|(e, i)| (e.as_str(), i.as_str()));
    // The unpacked layout: Entities/<table>/FormXml/<type>/{id}.xml next to Entities/<table>/Entity.xml.
    let entity_xml = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .map(|dir| dir.join("Entity.xml"))
        .and_then(|p| std::fs::read_to_string(p).ok());
    let mut exported = form::find_form(
        &text,
        wanted,
        &path.to_string_lossy(),
        entity_xml.as_deref(),
    )?;
    let mapping_text = match &options.mapping {
        None => form::DEFAULT_MAPPING.to_owned(),
        Some(m) if m.trim_start().starts_with('{') => m.clone(),
        Some(file) => std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read the mapping {file}: {e}"))?,
    };
    let mapping = form::Mapping::parse(&mapping_text)?;
    let source = stage::read_source(&paths::root().join("solution"))?;
    let panel_id = if options.panel {
        let (built, _) = stage::read_shipped(&paths::webresources())?;
        if !built.contains_key(form::PANEL_PAGE) {
            return Err(format!("--panel: {} is not built yet", form::PANEL_PAGE));
        }
        let page = source
            .resources
            .get(form::PANEL_PAGE)
            .ok_or_else(|| format!("--panel: solution/ does not declare {}", form::PANEL_PAGE))?;
        Some(page.id.clone())
    } else {
        None
    };
    let dialect = form::dialect(&exported.systemform)?;
    exported.systemform = form::inject(
        &exported.systemform,
        &form::Wiring {
            mapping: &mapping,
            panel: panel_id.as_deref(),
        },
    )?;
    exported.needs = form::Needs::of(&mapping);
    println!(
        "wiring form {} of {} ({}): library {}, OnLoad/OnSave/OnChange({}) with parameters {}{}",
        exported.form_id,
        exported.entity,
        match dialect {
            form::Dialect::Full => "full form",
            form::Dialect::Differential =>
                "differential form: new nodes marked solutionaction=\"Added\"",
        },
        form::LIBRARY,
        mapping.request_attribute(),
        mapping.parameters(),
        if panel_id.is_some() {
            ", status panel"
        } else {
            ""
        }
    );
    Ok(Some(exported))
}

/// `cargo xtask dist [options]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    build::web_resources()?;
    let form = wired_form(&options)?;
    let out_dir = paths::target().join("dist");
    let packages = make_packages(form.as_ref(), options.platform)?;
    let scratch = out_dir.join("schema-check");
    let shipped = packages[0].staged.shipped.clone();
    let zips = publish(&out_dir, &packages, |packages| {
        check_packages(packages, &scratch)?;
        lint::shipped_scripts(&paths::webresources(), &shipped).map(drop)
    })?;
    for package in &packages {
        let flavour = if package.managed {
            "managed"
        } else {
            "unmanaged"
        };
        write_folder(
            &layout_dir(&out_dir, options.platform).join(flavour),
            &package.staged.folder,
        )?;
    }
    for zip in &zips {
        println!("wrote {}", zip.display());
    }
    if form.is_some() {
        println!(
            "the form wiring is in the unmanaged zip only: a managed layer on the connector's form \
             would need a differential FormXml (see docs/customizing.md)"
        );
    }
    println!(
        "unpacked layout of each zip: {}",
        layout_dir(&out_dir, options.platform).display()
    );
    Ok(())
}

/// Where the unpacked layout of a platform's zips goes: `solution/` for the default package,
/// `solution_target_CRM_<x.y>/` for another.
fn layout_dir(out_dir: &Path, platform: Platform) -> PathBuf {
    out_dir.join(format!("solution{}", platform.file_suffix()))
}

/// The fixture forms `cargo xtask test` wires: (name, file, mapping).
const FIXTURE_FORMS: [(&str, &str, Option<&str>); 4] = [
    (
        "wired",
        "xtask/src/dist/fixtures/Entities/esc_emailsuppression/FormXml/main/{7d1b2a6e-3c4f-4f0a-9a55-5e2f1c9b0a01}.xml",
        None,
    ),
    (
        "wired-differential",
        "xtask/src/dist/fixtures/differential/customizations.xml",
        None,
    ),
    (
        "wired-apollo",
        "xtask/src/dist/fixtures/apollo/customizations.xml",
        Some(r#"{"requestResubscribe":"apollo_patientneedshomevisit"}"#),
    ),
    (
        "wired-mini-crm",
        "xtask/src/dist/fixtures/mini-crm/Entities/dea_Opportunity/FormXml/main/{18c1334a-ad6a-478a-b095-f613bde52bf6}.xml",
        Some(r#"{"requestResubscribe":"dea_estimatedrevenue"}"#),
    ),
];

/// The platforms `cargo xtask test` packs besides the default: 8.2 (no RESX, SVG or web
/// resource dependencies; the strings as XML, the icon as PNG).
pub const TESTED_PLATFORMS: [Platform; 1] = [Platform::V8_2];

/// The package checks of `cargo xtask test` (after the form library build): packs both
/// flavours plain and with the form wiring of each fixture form (ours, full and differential,
/// and the real Apollo and mini-crm exports) into `target/dist/check/`, then plain and wired
/// with our fixture form for each of [`TESTED_PLATFORMS`] (`check/<platform>-plain`,
/// `check/<platform>-wired`), checks them all, then lints every shipped script.
pub fn verify() -> Result<(), String> {
    let check_dir = paths::target().join("dist").join("check");
    let _ = std::fs::remove_dir_all(&check_dir);
    let plain = make_packages(None, Platform::default())?;
    publish(&check_dir.join("plain"), &plain, |p| {
        check_packages(p, &check_dir.join("plain"))
    })?;
    let panel = plain[0]
        .staged
        .shipped
        .iter()
        .any(|n| n == form::PANEL_PAGE);
    let fixture_options = |(name, file, mapping): (&str, &str, Option<&str>), platform| Options {
        form_xml: Some(paths::root().join(file)),
        form: (name == "wired-apollo").then(|| {
            (
                "Appointment".to_owned(),
                "{549a8aa3-c349-4ab9-8bac-4873fa9a7a5c}".to_owned(),
            )
        }),
        mapping: mapping.map(str::to_owned),
        panel: panel && name != "wired-differential",
        platform,
    };
    let mut runs: Vec<(String, Options)> = FIXTURE_FORMS
        .into_iter()
        .map(|fixture| {
            (
                fixture.0.to_owned(),
                fixture_options(fixture, Platform::default()),
            )
        })
        .collect();
    for platform in TESTED_PLATFORMS {
        let dir = format!("{platform}-plain");
        let packages = make_packages(None, platform)?;
        publish(&check_dir.join(&dir), &packages, |p| {
            check_packages(p, &check_dir.join(&dir))
        })?;
        runs.push((
            format!("{platform}-wired"),
            fixture_options(FIXTURE_FORMS[0], platform),
        ));
    }
    for (name, options) in runs {
        let form = wired_form(&options)?;
        let packages = make_packages(form.as_ref(), options.platform)?;
        let dir = check_dir.join(name);
        publish(&dir, &packages, |p| check_packages(p, &dir))?;
    }
    lint::shipped_scripts(&paths::webresources(), &plain[0].staged.shipped)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_form_options() {
        let parsed = parse_args(&args(&[
            "--form-xml",
            "customizations.xml",
            "--form",
            "esc_emailsuppression:{0f7ca1b0-be13-4b18-aa02-1c7f3a058116}",
            "--panel",
        ]))
        .unwrap();
        assert_eq!(
            parsed.form,
            Some((
                "esc_emailsuppression".into(),
                "{0f7ca1b0-be13-4b18-aa02-1c7f3a058116}".into()
            ))
        );
        assert!(parsed.panel);
        assert_eq!(parse_args(&[]).unwrap(), Options::default());
    }

    #[test]
    fn explains_why_a_form_id_alone_is_not_enough() {
        let err = parse_args(&args(&[
            "--form",
            "esc_emailsuppression:{0f7ca1b0-be13-4b18-aa02-1c7f3a058116}",
        ]))
        .unwrap_err();
        assert!(err.contains("--form-xml"), "{err}");
        assert!(parse_args(&args(&["--form", "nocolon"])).is_err());
        assert!(parse_args(&args(&["--panel"])).is_err());
        assert!(parse_args(&args(&["--colour"])).is_err());
    }

    /// A realistic source, its web resources as the build would give them (XML for RESX and
    /// SVG, a comment for scripts) and our fixture form wired with the panel.
    fn fixture() -> (stage::Source, stage::Built, form::ExportedForm) {
        let source = stage::read_source(&paths::root().join("solution")).unwrap();
        let mut built = std::collections::BTreeMap::new();
        for name in source.resources.keys() {
            let content = if name.ends_with(".resx") || name.ends_with(".svg") {
                format!("<root><!-- {name} --></root>")
            } else {
                format!("/* {name} */")
            };
            built.insert(name.clone(), content.into_bytes());
        }
        let text = std::fs::read_to_string(paths::root().join(
            "xtask/src/dist/fixtures/Entities/esc_emailsuppression/FormXml/main/{7d1b2a6e-3c4f-4f0a-9a55-5e2f1c9b0a01}.xml",
        ))
        .unwrap();
        let mut exported = form::find_form(
            &text,
            None,
            "fixtures/Entities/esc_emailsuppression/FormXml/main/x.xml",
            None,
        )
        .unwrap();
        let mapping = form::Mapping::parse(form::DEFAULT_MAPPING).unwrap();
        exported.systemform = form::inject(
            &exported.systemform,
            &form::Wiring {
                mapping: &mapping,
                panel: Some("{3f1d1a2b-6b55-4c1e-8f0e-5b1f2a9c0002}"),
            },
        )
        .unwrap();
        exported.needs = form::Needs::of(&mapping);
        (source, built, exported)
    }

    fn expect<'a>(
        staged: &'a stage::Staged,
        managed: bool,
        platform: Platform,
    ) -> checks::Expect<'a> {
        checks::Expect {
            managed,
            platform,
            version: "0.1.0.0",
            shipped: &staged.shipped,
            has_form: staged.has_form,
            staged: &staged.folder,
        }
    }

    /// The text of one part of a packed zip.
    fn part(parts: &package::Parts, name: &str) -> String {
        let bytes = &parts.iter().find(|(n, _)| n == name).unwrap().1;
        String::from_utf8(bytes.clone()).unwrap()
    }

    /// Stage → pack → zip → unpack → pack on a realistic source: the exact inverse holds, for
    /// every platform, both flavours, with and without a wired form.
    #[test]
    fn pack_and_unpack_are_inverse() {
        let (source, built, exported) = fixture();
        for (platform, form, managed) in platform::ALL.into_iter().flat_map(|p| {
            [
                (p, None, false),
                (p, Some(&exported), false),
                (p, Some(&exported), true),
            ]
        }) {
            let staged = stage::stage(&source, &built, form, "0.1.0.0", managed, platform).unwrap();
            let parts = package::pack(&staged.folder).unwrap();
            let zip = package::write_zip(&parts).unwrap();
            let report = checks::check_zip(&zip, &expect(&staged, managed, platform))
                .unwrap_or_else(|e| panic!("{platform}: {e}"));
            assert_eq!(report.web_resources, source.resources.len());
            assert_eq!(staged.has_form, form.is_some() && !managed);
            let solution =
                String::from_utf8_lossy(&staged.folder["Other/Solution.xml"]).into_owned();
            if staged.has_form {
                let entity = String::from_utf8_lossy(
                    &staged.folder["Entities/esc_emailsuppression/Entity.xml"],
                )
                .into_owned();
                assert!(entity.contains("<EntityInfo>\r\n    <entity Name=\"esc_emailsuppression\" unmodified=\"1\">"), "{entity}");
                assert!(solution.contains("<Required type=\"1\" schemaName=\"esc_emailsuppression\" displayName=\"esc_emailsuppression\" parentSchemaName=\"\" solution=\"dotmailerCRMConnector (7.0.1.721)\" />"), "{solution}");
                assert!(solution.contains("<Required type=\"2\" schemaName=\"esc_contactid\""));
                assert!(solution.contains("<Dependent type=\"60\" displayName=\"Email Suppression\" parentDisplayName=\"esc_emailsuppression\" id=\"{7d1b2a6e-3c4f-4f0a-9a55-5e2f1c9b0a01}\" />"));
            } else {
                assert!(solution.contains("<MissingDependencies />"));
            }
        }
    }

    /// The 8.2 package as an 8.2 export writes it: the root's version attributes, the strings
    /// as Data (XML) under their own names, the icon as PNG, none of what 9.0 brought; the
    /// form wiring kept. The checks hold it, and refuse it as a 9.0 package (and the 9.0 one
    /// as an 8.2 package).
    #[test]
    fn the_8_2_package_is_what_an_8_2_export_writes() {
        let (source, built, exported) = fixture();
        let staged = stage::stage(
            &source,
            &built,
            Some(&exported),
            "0.1.0.0",
            false,
            Platform::V8_2,
        )
        .unwrap();
        let parts = package::pack(&staged.folder).unwrap();
        let solution = part(&parts, "solution.xml");
        assert!(solution.starts_with("<ImportExportXml version=\"8.2.0.749\" SolutionPackageVersion=\"8.2\" languagecode=\"1033\" generatedBy=\"CrmLive\" xmlns:xsi="), "{solution}");
        assert!(solution.contains("<RootComponent type=\"61\" schemaName=\"rsub_/resubscribe/icon.png\" behavior=\"0\" />"));
        assert!(!solution.contains("icon.svg"));
        let customizations = part(&parts, "customizations.xml");
        for lcid in [1031, 1033, 1036, 1043] {
            let entry = format!("<Name>rsub_/strings/Resubscribe.{lcid}.resx</Name>");
            let at = customizations
                .find(&entry)
                .unwrap_or_else(|| panic!("{entry}"));
            let rest = &customizations[at..];
            let element = &rest[..rest.find("</WebResource>").unwrap()];
            assert!(
                element.contains("<WebResourceType>4</WebResourceType>"),
                "{element}"
            );
            assert!(
                element.contains(&format!("<LanguageCode>{lcid}</LanguageCode>")),
                "{element}"
            );
        }
        assert!(customizations.contains("<Name>rsub_/resubscribe/icon.png</Name>\r\n      <DisplayName>Resubscribe: icon</DisplayName>"));
        assert!(customizations.contains("<WebResourceType>5</WebResourceType>"));
        for absent in [
            "<WebResourceType>12</WebResourceType>",
            "<WebResourceType>11</WebResourceType>",
            "icon.svg",
            "<DependencyXml>",
            "<IsEnabledForMobileClient>",
            "<IsAvailableForMobileOffline>",
            "<CustomControls",
            "<EntityDataProviders",
        ] {
            assert!(!customizations.contains(absent), "{absent}");
        }
        assert!(
            customizations.contains("<systemform>")
                && customizations.contains("Rsub.EmailSuppressionForm.onSave")
        );
        let png = parts
            .iter()
            .find(|(n, _)| n.starts_with("WebResources/rsub_resubscribeiconpng"))
            .unwrap();
        assert!(png.1.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(staged
            .notes
            .iter()
            .any(|n| n.starts_with("rsub_/resubscribe/icon.svg:")));

        let zip = package::write_zip(&parts).unwrap();
        checks::check_zip(&zip, &expect(&staged, false, Platform::V8_2)).unwrap();
        let as_9_0 = checks::check_zip(&zip, &expect(&staged, false, Platform::V9_0));
        assert!(as_9_0.unwrap_err().contains("9.0"));

        let today = stage::stage(&source, &built, None, "0.1.0.0", false, Platform::V9_0).unwrap();
        let zip = package::write_zip(&package::pack(&today.folder).unwrap()).unwrap();
        let err = checks::check_zip(&zip, &expect(&today, false, Platform::V8_2)).unwrap_err();
        assert!(err.contains("8.2"), "{err}");
    }

    /// The default package is the 9.0 one, as committed: the template's root, RESX and SVG,
    /// every form library depending on the strings.
    #[test]
    fn the_default_package_stays_the_9_0_one() {
        let (source, built, _) = fixture();
        let staged =
            stage::stage(&source, &built, None, "0.1.0.0", false, Platform::default()).unwrap();
        let parts = package::pack(&staged.folder).unwrap();
        let solution = part(&parts, "solution.xml");
        let template_root = source.solution_xml.lines().nth(1).unwrap();
        assert!(solution.starts_with(template_root), "{solution}");
        let customizations = part(&parts, "customizations.xml");
        assert!(customizations.contains("<WebResourceType>12</WebResourceType>"));
        assert!(customizations.contains("<Name>rsub_/resubscribe/icon.svg</Name>"));
        assert!(customizations.contains("<DependencyXml>&lt;Dependencies&gt;"));
        assert!(customizations.contains("<CustomControls />"));
        assert!(!customizations.contains("icon.png"));
        assert!(staged.notes.is_empty(), "{:?}", staged.notes);
    }

    #[test]
    fn parses_the_platform() {
        assert_eq!(
            parse_args(&args(&["--platform", "8.2"])).unwrap().platform,
            Platform::V8_2
        );
        assert!(parse_args(&args(&["--platform", "2016"])).is_err());
        assert!(parse_args(&args(&["--platform"])).is_err());
    }

    fn package(name: &str) -> Package {
        Package {
            file_name: name.to_owned(),
            bytes: b"zip".to_vec(),
            staged: stage::Staged {
                folder: package::Folder::new(),
                shipped: Vec::new(),
                not_built: Vec::new(),
                has_form: false,
                notes: Vec::new(),
            },
            managed: false,
            platform: Platform::default(),
        }
    }

    /// A failed check leaves no zip, not even one an earlier run wrote; a passed one writes
    /// every zip under its name and leaves no partial file.
    #[test]
    fn writes_zips_only_when_every_check_passed() {
        let dir = paths::target().join("dist").join("publish-test");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("A_1_0_0_0.zip"), b"old").unwrap();
        let packages = [package("A_1_0_0_0.zip"), package("A_1_0_0_0_managed.zip")];
        let err = publish(&dir, &packages, |_| Err("schema".into())).unwrap_err();
        assert_eq!(err, "schema");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "a failed run left files"
        );
        let written = publish(&dir, &packages, |_| Ok(())).unwrap();
        assert_eq!(written.len(), 2);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["A_1_0_0_0.zip", "A_1_0_0_0_managed.zip"]);
        assert_eq!(std::fs::read(dir.join("A_1_0_0_0.zip")).unwrap(), b"zip");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
