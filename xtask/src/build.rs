//! `cargo xtask build`: for each form, release wasm → wasm-bindgen → wasm-opt → one
//! classic-script web resource under `target/dist/webresources/`, with its sizes printed; then
//! the pages and strings beside them.

use std::path::{Path, PathBuf};

use crate::{bundle, cmd, compact, manifest, module_rules, paths, resx, table_slots, wasm_fix};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CRATE: &str = "resubscribe";

/// A form library: the Cargo feature that picks its module's handlers and its loader sections
/// (the same name), and its web resource.
pub struct Library {
    pub form: &'static str,
    pub name: &'static str,
}

/// The libraries the solution ships, the Email Suppressions form's first; the configuration
/// page's (`setup.html`) is built the same way.
pub const LIBRARIES: [Library; 3] = [
    Library {
        form: "suppression-form",
        name: paths::FORM_LIBRARY,
    },
    Library {
        form: "contact-form",
        name: paths::CONTACT_LIBRARY,
    },
    Library {
        form: "setup-page",
        name: paths::SETUP_LIBRARY,
    },
];

/// Whether `name` is one of the form libraries (each reads the Resubscribe strings, so each
/// depends on them in the package).
pub fn is_form_library(name: &str) -> bool {
    LIBRARIES.iter().any(|l| l.name == name)
}

/// Where a form library's bytes go: what `cargo xtask bench` reports beside its size.
pub struct FormLibraryParts {
    /// The web resource's name, as in [`LIBRARIES`].
    pub name: &'static str,
    /// The file written.
    pub path: PathBuf,
    /// The module after wasm-opt and the name shortening.
    pub module_bytes: usize,
    /// The same, compressed as embedded (before base64).
    pub module_compressed_bytes: usize,
    /// gzip -9 of the script without the embedded module: loader and glue.
    pub script_gzip_bytes: usize,
    /// gzip -9 of the whole script: what the size budget holds (`budget`).
    pub library_gzip_bytes: usize,
}

/// Builds every web resource: the form libraries (returned in [`LIBRARIES`] order, with where
/// their bytes go), the pages and the English strings.
pub fn web_resources() -> Result<Vec<FormLibraryParts>, String> {
    let loader = paths::root().join("www").join("loader");
    let template = bundle::with_shell(
        &read_text(&loader.join("form.js"))?,
        &read_text(&loader.join("shell.js"))?,
    )?;
    let version = format!("\"{}\"", manifest::package_version()?);
    let remaps = source_path_remaps();
    let libraries = LIBRARIES
        .iter()
        .map(|library| form_library(library, &template, &version, &remaps))
        .collect::<Result<Vec<_>, _>>()?;

    let pages = paths::root().join("www").join("webresources");
    let copied = copy_tree(&pages, &paths::webresources())?;
    let english = paths::webresources().join(format!("{}.1033.resx", resx::NAME));
    std::fs::write(&english, resx::english_resx())
        .map_err(|e| format!("cannot write {}: {e}", english.display()))?;
    report_translations(&pages.join("rsub_").join("strings"));
    println!("+ {copied} web resource file(s) from www/webresources/, English strings generated");
    Ok(libraries)
}

/// Builds one form library from the template, the version and the source path remaps
/// ([`source_path_remaps`]), and returns where its bytes go.
fn form_library(
    library: &Library,
    template: &str,
    version: &str,
    remaps: &str,
) -> Result<FormLibraryParts, String> {
    let raw = release_wasm(CRATE, &["--features", library.form, "--config", remaps])?;
    let bindgen_dir = paths::target().join("wasm-bindgen").join(library.form);
    cmd::run(
        "wasm-bindgen",
        &[
            "--target",
            "no-modules",
            "--no-typescript",
            "--out-dir",
            &path_str(&bindgen_dir)?,
            &path_str(&raw)?,
        ],
    )?;
    let bindgen_wasm = bindgen_dir.join(format!("{CRATE}_bg.wasm"));
    let bound = read(&bindgen_wasm)?;
    let broken = module_rules::broken(&bound)?;
    if !broken.is_empty() {
        return Err(format!(
            "{}'s module breaks the size rules: {}",
            library.name,
            broken.join("; ")
        ));
    }
    let (slotted, emptied) = table_slots::empty(&bound)?;
    let bindgen_wasm = bindgen_dir.join(format!("{CRATE}_slots.wasm"));
    std::fs::write(&bindgen_wasm, slotted)
        .map_err(|e| format!("cannot write {}: {e}", bindgen_wasm.display()))?;
    let optimised = bindgen_dir.join(format!("{CRATE}_opt.wasm"));
    wasm_opt(&bindgen_wasm, &optimised, &[])?;

    let glue = read_text(&bindgen_dir.join(format!("{CRATE}.js")))?;
    let forms: Vec<&str> = LIBRARIES.iter().map(|l| l.form).collect();
    let template = bundle::select_sections(template, library.form, &forms)?;
    let wasm = compact::drop_custom_sections(&optimised_wasm(&bindgen_wasm, &optimised)?)?;
    let shortened = compact::shorten_names(&wasm, &bundle::trim_glue(&glue)?)?;
    let module_zlib = bundle::zlib(&shortened.wasm);
    let script = |module_zlib: &[u8]| {
        let js = bundle::assemble(&template, &shortened.glue, module_zlib, version)?;
        compact::strip_comments(&js)
    };
    let js = script(&module_zlib)?;
    let parts = FormLibraryParts {
        name: library.name,
        path: paths::webresources().join(library.name),
        module_bytes: shortened.wasm.len(),
        module_compressed_bytes: module_zlib.len(),
        script_gzip_bytes: bundle::gzip_size(script(&[])?.as_bytes()),
        library_gzip_bytes: bundle::gzip_size(js.as_bytes()),
    };
    let findings = bundle::forbidden_findings(&js);
    if !findings.is_empty() {
        return Err(format!("{} contains {}", library.name, findings.join(", ")));
    }

    let out = &parts.path;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(out, &js).map_err(|e| format!("cannot write {}: {e}", out.display()))?;

    let raw_size = std::fs::metadata(&raw).map(|m| m.len()).unwrap_or(0);
    println!("form library: {}", out.display());
    println!("  wasm (rustc)     {:>9} bytes", raw_size);
    println!("  wasm (wasm-opt)  {:>9} bytes", wasm.len());
    println!("  table slots      {:>9} emptied", emptied);
    println!("  names shortened  {:>9}", shortened.count);
    println!(
        "  module embedded  {:>9} bytes compressed",
        parts.module_compressed_bytes
    );
    println!(
        "  script gzip -9   {:>9} bytes (loader and glue)",
        parts.script_gzip_bytes
    );
    println!("  library          {:>9} bytes", js.len());
    println!("  library gzip -9  {:>9} bytes", parts.library_gzip_bytes);
    Ok(parts)
}

/// Prints what each translation lacks (the form falls back to English for a missing key).
fn report_translations(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let problems = resx::check_translation(&text);
        if !problems.is_empty() {
            println!(
                "  warning: {} has {} problem(s), first: {}",
                path.display(),
                problems.len(),
                problems[0]
            );
        }
    }
}

/// Copies every file under `from` into `to`, keeping relative paths; returns the count.
/// A missing `from` copies nothing; Markdown notes are not web resources and stay behind.
fn copy_tree(from: &Path, to: &Path) -> Result<usize, String> {
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(0);
    };
    let mut count = 0;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", from.display()))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.extension().is_some_and(|e| e == "md") {
            continue; // notes for developers, not web resources
        }
        if source.is_dir() {
            count += copy_tree(&source, &target)?;
        } else {
            std::fs::create_dir_all(to)
                .map_err(|e| format!("cannot create {}: {e}", to.display()))?;
            std::fs::copy(&source, &target)
                .map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
            count += 1;
        }
    }
    Ok(count)
}

/// The optimised module, with binaryen 108's table-export defect repaired.
fn optimised_wasm(original: &Path, optimised: &Path) -> Result<Vec<u8>, String> {
    let mut wasm = read(optimised)?;
    let repaired = wasm_fix::repair_table_exports(&read(original)?, &mut wasm)?;
    if repaired > 0 {
        println!("  repaired {repaired} table export(s) that wasm-opt mis-numbered");
    }
    Ok(wasm)
}

/// Builds `package`'s library for the browser (release, with `extra` options) and returns the
/// `.wasm` path.
fn release_wasm(package: &str, extra: &[&str]) -> Result<PathBuf, String> {
    let build = [
        "build",
        "--release",
        "--lib",
        "--package",
        package,
        "--target",
        WASM_TARGET,
    ];
    cmd::run("cargo", &[&build[..], extra].concat())?;
    let file = package.replace('-', "_");
    Ok(paths::target()
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{file}.wasm")))
}

/// The wasm target's `rustflags` (a `--config` value) that make the source paths a module
/// names independent of the machine that builds it. A module names the file of each panic
/// location it keeps (it never shows one). Cargo's home becomes `cargo`, so no builder's home
/// directory is shipped; the standard library's files keep their `/rustc/<commit>/…` names,
/// which rustc otherwise replaces by the local copy's path when the `rust-src` component
/// (which rust-analyzer needs) is installed. Without this, such a machine built a `form.js`
/// 128 bytes larger than CI's.
fn source_path_remaps() -> String {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let mut remaps: Vec<String> = cargo_home
        .map(|home| format!("{}=cargo", home.display()))
        .into_iter()
        .collect();
    let sysroot = cmd::output("rustc", &["--print", "sysroot"]);
    let commit = cmd::output("rustc", &["-vV"]).and_then(|version| {
        version
            .lines()
            .find_map(|line| line.strip_prefix("commit-hash: ").map(str::to_owned))
    });
    if let (Some(sysroot), Some(commit)) = (sysroot, commit) {
        let sources = Path::new(sysroot.trim()).join("lib/rustlib/src/rust");
        remaps.push(format!("{}=/rustc/{}", sources.display(), commit.trim()));
    }
    let flags: Vec<String> = remaps
        .iter()
        .map(|remap| format!("\"--remap-path-prefix={}\"", toml_escape(remap)))
        .collect();
    format!("target.{WASM_TARGET}.rustflags=[{}]", flags.join(","))
}

/// `text` as the inside of a TOML basic string.
fn toml_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// `wasm-opt -Oz` from `input` to `output`, with `extra` options.
fn wasm_opt(input: &Path, output: &Path, extra: &[&str]) -> Result<(), String> {
    let (input, output) = (path_str(input)?, path_str(output)?);
    let args: Vec<&str> = ["-Oz"]
        .iter()
        .chain(extra)
        .copied()
        .chain([input.as_str(), "-o", output.as_str()])
        .collect();
    cmd::run("wasm-opt", &args)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn path_str(path: &Path) -> Result<String, String> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}
