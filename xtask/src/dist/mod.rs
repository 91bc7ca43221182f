//! `cargo xtask dist`: the solution zips customizers import.
//!
//! Builds the web resources, lays out the unpacked solution from `solution/` and the build
//! (`stage`), packs `target/dist/<UniqueName>_<version>.zip` and `…_managed.zip` (`package`),
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
mod stage;
mod webresource;
mod xml;

use std::path::{Path, PathBuf};

use crate::{build, manifest, paths};

/// Parsed options.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    form: Option<(String, String)>,
    form_xml: Option<PathBuf>,
    mapping: Option<String>,
    panel: bool,
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

/// What one packing run produced.
struct Output {
    zips: Vec<(PathBuf, stage::Staged)>,
}

/// Stages, packs, writes and checks both flavours into `out_dir`.
fn package_into(
    out_dir: &Path,
    form: Option<&form::ExportedForm>,
    write_folders: bool,
) -> Result<Output, String> {
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
    std::fs::create_dir_all(out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let mut zips = Vec::new();
    for managed in [false, true] {
        let staged = stage::stage(&source, &built, form, &version, managed)?;
        let parts = package::pack(&staged.folder)?;
        let bytes = package::write_zip(&parts)?;
        let suffix = if managed { "_managed" } else { "" };
        let zip_path = out_dir.join(format!(
            "{unique}_{}{suffix}.zip",
            version.replace('.', "_")
        ));
        std::fs::write(&zip_path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", zip_path.display()))?;
        if write_folders {
            let folder_dir =
                out_dir
                    .join("solution")
                    .join(if managed { "managed" } else { "unmanaged" });
            write_folder(&folder_dir, &staged.folder)?;
        }
        zips.push((zip_path, staged));
    }
    Ok(Output { zips })
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

/// Checks every zip of an output (structure, names, schema, round trip); prints a summary.
fn check_output(output: &Output) -> Result<(), String> {
    let version = names::solution_version(&manifest::package_version()?)?;
    for (zip_path, staged) in &output.zips {
        let managed = zip_path.to_string_lossy().ends_with("_managed.zip");
        let bytes = std::fs::read(zip_path)
            .map_err(|e| format!("cannot read {}: {e}", zip_path.display()))?;
        let report = checks::check_zip(
            &bytes,
            &checks::Expect {
                managed,
                version: &version,
                shipped: &staged.shipped,
                has_form: staged.has_form,
                staged: &staged.folder,
            },
        )
        .map_err(|e| format!("{}: {e}", zip_path.display()))?;
        let customizations = package::read_zip(&bytes)?
            .into_iter()
            .find(|(n, _)| n == "customizations.xml")
            .map(|(_, b)| b)
            .unwrap_or_default();
        let stem = zip_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let check_dir = zip_path.with_file_name("schema-check");
        std::fs::create_dir_all(&check_dir)
            .map_err(|e| format!("cannot create {}: {e}", check_dir.display()))?;
        let file = check_dir.join(format!("{stem}.customizations.xml"));
        std::fs::write(&file, customizations)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        let validated = checks::validate_schema(&file)?;
        println!(
            "{}: {} bytes, {} parts, {} web resource(s){}, structure/content types/FileName/schema order/names/round trip OK, schema {}",
            zip_path.display(),
            bytes.len(),
            report.parts,
            report.web_resources,
            if staged.has_form { " + form wiring" } else { "" },
            if validated { "valid" } else { "NOT VALIDATED (schema folder absent)" }
        );
    }
    Ok(())
}

fn print_not_built(output: &Output) {
    if let Some((_, staged)) = output.zips.first() {
        if !staged.not_built.is_empty() {
            println!(
                "declared in solution/ but not built yet, so not shipped: {}",
                staged.not_built.join(", ")
            );
        }
    }
}

fn wired_form(options: &Options) -> Result<Option<form::ExportedForm>, String> {
    let Some(path) = &options.form_xml else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let wanted = options.form.as_ref().map(|(e, i)| (e.as_str(), i.as_str()));
    let mut exported = form::find_form(&text, wanted, &path.to_string_lossy())?;
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
    exported.systemform = form::inject(
        &exported.systemform,
        &form::Wiring {
            mapping: &mapping,
            panel: panel_id.as_deref(),
        },
    )?;
    println!(
        "wiring form {} of {}: library {}, OnLoad/OnSave/OnChange({}) with parameters {}{}",
        exported.form_id,
        exported.entity,
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
    let output = package_into(&out_dir, form.as_ref(), true)?;
    print_not_built(&output);
    check_output(&output)?;
    if form.is_some() {
        println!(
            "the form wiring is in the unmanaged zip only: a managed layer on the connector's form \
             would need a differential FormXml (see docs/customizing.md)"
        );
    }
    let shipped = &output.zips[0].1.shipped;
    lint::shipped_scripts(&paths::webresources(), shipped)?;
    println!(
        "unpacked layout of each zip: {}",
        out_dir.join("solution").display()
    );
    Ok(())
}

/// The package checks of `cargo xtask test` (after the form library build): packs both
/// flavours plain and with the form wiring of a fixture form into `target/dist/check/`,
/// checks them all, then lints every shipped script.
pub fn verify() -> Result<(), String> {
    let check_dir = paths::target().join("dist").join("check");
    let _ = std::fs::remove_dir_all(&check_dir);
    let plain = package_into(&check_dir.join("plain"), None, false)?;
    print_not_built(&plain);
    check_output(&plain)?;
    let fixture = paths::root()
        .join("xtask/src/dist/fixtures/Entities/esc_emailsuppression/FormXml/main")
        .join("{7d1b2a6e-3c4f-4f0a-9a55-5e2f1c9b0a01}.xml");
    let options = Options {
        form_xml: Some(fixture),
        panel: plain.zips[0]
            .1
            .shipped
            .iter()
            .any(|n| n == form::PANEL_PAGE),
        ..Options::default()
    };
    let form = wired_form(&options)?;
    let wired = package_into(&check_dir.join("wired"), form.as_ref(), false)?;
    check_output(&wired)?;
    lint::shipped_scripts(&paths::webresources(), &plain.zips[0].1.shipped)?;
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

    /// Stage → pack → zip → unpack → pack on a realistic source: the exact inverse holds, for
    /// both flavours, with and without a wired form.
    #[test]
    fn pack_and_unpack_are_inverse() {
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
        for (form, managed) in [
            (None, false),
            (Some(&exported), false),
            (Some(&exported), true),
        ] {
            let staged = stage::stage(&source, &built, form, "0.1.0.0", managed).unwrap();
            let parts = package::pack(&staged.folder).unwrap();
            let zip = package::write_zip(&parts).unwrap();
            let report = checks::check_zip(
                &zip,
                &checks::Expect {
                    managed,
                    version: "0.1.0.0",
                    shipped: &staged.shipped,
                    has_form: staged.has_form,
                    staged: &staged.folder,
                },
            )
            .unwrap();
            assert_eq!(report.web_resources, source.resources.len());
            assert_eq!(staged.has_form, form.is_some() && !managed);
        }
    }
}
