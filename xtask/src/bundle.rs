//! Turns wasm-bindgen's `no-modules` glue and the optimised wasm bytes into the one
//! self-contained classic-script web resource Dynamics loads.
//!
//! The glue's fetch/streaming loader is cut out (the bytes are embedded and instantiated
//! from bytes), and the result is checked for what the Solution Checker refuses.

use base64::Engine as _;

/// Pieces of the `no-modules` glue that only serve fetching a `.wasm` file, or that log.
const GLUE_CUTS: [(&str, Cut); 6] = [
    ("let script_src;", Cut::Statement),
    (
        "if (typeof document !== 'undefined' && document.currentScript",
        Cut::Block,
    ),
    ("async function __wbg_load(", Cut::Block),
    ("let __wbg_init_promise;", Cut::Statement),
    ("async function __wbg_init(", Cut::Block),
    ("async function __wbg_init_once(", Cut::Block),
];

/// Exact replacements in the glue that keep only the synchronous, bytes-based entry point.
const GLUE_REPLACEMENTS: [(&str, &str); 2] = [
    (
        "console.warn('using deprecated parameters for `initSync()`; pass a single object instead')",
        "",
    ),
    (
        "return Object.assign(__wbg_init, { initSync }, exports);",
        "return Object.assign({ initSync: initSync }, exports);",
    ),
];

/// The same where the glue has it: wasm-bindgen writes `debugString` only when the module
/// formats a JavaScript value with `Debug`. Same behaviour; the bare global `toString` trips the
/// checker's do-not-make-parent-assumption rule.
const GLUE_IF_PRESENT: (&str, &str) = ("toString.call(val)", "Object.prototype.toString.call(val)");

/// Text the shipped library must never contain, with the reason.
pub const FORBIDDEN: [(&str, &str); 10] = [
    ("console.", "remove-console"),
    ("eval(", "avoid-eval"),
    ("new Function", "no-new-func"),
    ("innerHTML", "web-sdl-no-inner-html"),
    ("outerHTML", "web-sdl-no-inner-html"),
    ("document.write", "web-sdl-no-document-write"),
    (
        "instantiateStreaming",
        "the wasm bytes are embedded, never fetched",
    ),
    ("_bg.wasm", "the wasm bytes are embedded, never fetched"),
    ("import.meta", "classic script, no ES-module syntax"),
    ("window.top", "avoid-window-top"),
];

#[derive(Clone, Copy)]
enum Cut {
    /// Up to and including the next `;`.
    Statement,
    /// Up to and including the brace block that follows.
    Block,
}

/// Strips the fetch/streaming loader out of wasm-bindgen's `no-modules` glue.
///
/// Fails when an expected piece is missing, which means the glue's shape changed
/// (a different wasm-bindgen version) and this function needs a look.
pub fn trim_glue(glue: &str) -> Result<String, String> {
    let mut out = glue.to_owned();
    for (anchor, cut) in GLUE_CUTS {
        let start = out
            .find(anchor)
            .ok_or_else(|| format!("wasm-bindgen glue changed: `{anchor}` not found"))?;
        let end = match cut {
            Cut::Statement => out[start..].find(';').map(|i| start + i + 1),
            Cut::Block => block_end(&out, start),
        }
        .ok_or_else(|| format!("wasm-bindgen glue changed: cannot find the end of `{anchor}`"))?;
        out.replace_range(start..end, "");
    }
    for (from, to) in GLUE_REPLACEMENTS {
        if !out.contains(from) {
            return Err(format!("wasm-bindgen glue changed: `{from}` not found"));
        }
        out = out.replace(from, to);
    }
    let (from, to) = GLUE_IF_PRESENT;
    Ok(out.replace(from, to))
}

/// Index just past the `}` closing the first `{` at or after `start`, skipping string literals.
fn block_end(text: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (offset, c) in text[start..].char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(start + offset + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Fills the loader template: the trimmed glue, the module (`module_zlib`: compressed by
/// [`zlib`], then base64 here) and the version.
///
/// Compressing before base64 matters: gzip on the wire shrinks base64 text of a module by
/// only about a quarter, but base64 of already-deflated bytes stays the size of the deflated
/// module.
pub fn assemble(
    template: &str,
    glue: &str,
    module_zlib: &[u8],
    version: &str,
) -> Result<String, String> {
    let base64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = template.to_owned();
    for (marker, value) in [
        ("/*@VERSION@*/", version.to_owned()),
        ("/*@GLUE@*/", glue.to_owned()),
        ("/*@WASM_ZLIB_BASE64@*/", base64(module_zlib)),
    ] {
        if out.matches(marker).count() != 1 {
            return Err(format!(
                "the loader template must contain `{marker}` exactly once"
            ));
        }
        out = out.replace(marker, &value);
    }
    Ok(out)
}

/// The loader template with the shell (`www/loader/shell.js`) in place of its one
/// `/*@SHELL@*/` line, before the sections are chosen (the shell has sections too).
pub fn with_shell(template: &str, shell: &str) -> Result<String, String> {
    const MARKER: &str = "/*@SHELL@*/";
    if template.lines().filter(|l| l.trim() == MARKER).count() != 1 {
        return Err(format!("the loader template must have one `{MARKER}` line"));
    }
    Ok(template
        .lines()
        .map(|line| {
            if line.trim() == MARKER {
                shell.trim_end()
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
}

/// The loader template for one library: the lines between `/*@IF <form> [<form>…]@*/` and
/// `/*@END@*/` stay for the forms named and go for the others; the marker lines go. A marker
/// out of place or naming a form not in `forms` is an error, not a guess.
pub fn select_sections(template: &str, form: &str, forms: &[&str]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut open: Option<&str> = None;
    for (index, line) in template.lines().enumerate() {
        let marker = line.trim();
        let fail = |why: &str| Err(format!("loader template line {}: {why}", index + 1));
        if let Some(names) = marker
            .strip_prefix("/*@IF ")
            .and_then(|m| m.strip_suffix("@*/"))
        {
            if open.is_some() {
                return fail("a section opens inside another");
            }
            if let Some(name) = names.split(' ').find(|name| !forms.contains(name)) {
                return fail(&format!("no form is called `{name}`"));
            }
            open = Some(names);
        } else if marker == "/*@END@*/" {
            if open.take().is_none() {
                return fail("a section ends that never opened");
            }
        } else if open.is_none_or(|names| names.split(' ').any(|name| name == form)) {
            out.push_str(line);
            out.push('\n');
        }
    }
    match open {
        Some(name) => Err(format!("loader template: the `{name}` section never ends")),
        None => Ok(out),
    }
}

/// Every forbidden construct found in `js`, as `"<text>" (<rule>)`.
pub fn forbidden_findings(js: &str) -> Vec<String> {
    FORBIDDEN
        .iter()
        .filter(|(text, _)| js.contains(text))
        .map(|(text, rule)| format!("\"{text}\" ({rule})"))
        .chain(es_module_syntax(js))
        .collect()
}

/// Lines that start with `import`/`export` statements: a classic script cannot hold them.
fn es_module_syntax(js: &str) -> Option<String> {
    js.lines()
        .map(str::trim_start)
        .find(|l| l.starts_with("import ") || l.starts_with("export "))
        .map(|l| {
            format!(
                "ES-module syntax: `{}`",
                l.chars().take(60).collect::<String>()
            )
        })
}

/// `bytes` in the zlib format (RFC 1950), compressed by Zopfli: any inflate reads it, and it
/// is about 6 % smaller than zlib's best level for about a second of build time.
pub fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Zlib,
        bytes,
        &mut out,
    );
    out
}

/// Size of `bytes` after gzip at the best compression level.
pub fn gzip_size(bytes: &[u8]) -> usize {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().map(|v| v.len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of wasm-bindgen 0.2.130 `--target no-modules` output, abridged.
    const GLUE: &str = r#"let wasm_bindgen = (function(exports) {
    let script_src;
    if (typeof document !== 'undefined' && document.currentScript !== null) {
        script_src = new URL(document.currentScript.src, location.href).toString();
    }
    function debugString(val) { const toStringOutput = toString.call(val); return toStringOutput; }
    function evaluateSave(v) { return wasm.evaluateSave(v); }
    exports.evaluateSave = evaluateSave;
    async function __wbg_load(module, imports) {
        if (!module.ok) {
            throw new Error(`failed to fetch Wasm: ${module.status} '${module.url}'`);
        }
        console.warn("`instantiateStreaming` failed {", e);
    }
    function initSync(module) {
        if (module !== undefined) {
            if (Object.getPrototypeOf(module) === Object.prototype) {
                ({module} = module)
            } else {
                console.warn('using deprecated parameters for `initSync()`; pass a single object instead')
            }
        }
        return __wbg_finalize_init(new WebAssembly.Instance(module, imports), module);
    }
    let __wbg_init_promise;
    async function __wbg_init(module_or_path) {
        return __wbg_init_promise;
    }
    async function __wbg_init_once(module_or_path) {
        module_or_path = fetch(module_or_path);
    }
    return Object.assign(__wbg_init, { initSync }, exports);
})({ __proto__: null });"#;

    #[test]
    fn trimmed_glue_keeps_init_sync_and_exports_but_no_fetch_or_console() {
        let trimmed = trim_glue(GLUE).expect("glue of the pinned shape trims");
        assert!(trimmed.contains("function initSync(module)"));
        assert!(trimmed.contains("exports.evaluateSave = evaluateSave;"));
        assert!(trimmed.contains("const toStringOutput = Object.prototype.toString.call(val);"));
        assert!(trimmed.contains("return Object.assign({ initSync: initSync }, exports);"));
        assert_eq!(forbidden_findings(&trimmed), Vec::<String>::new());
        assert!(!trimmed.contains("__wbg_init"));
        assert!(!trimmed.contains("script_src"));
    }

    #[test]
    fn changed_glue_shape_is_reported_not_shipped() {
        let changed = GLUE.replace("async function __wbg_load(", "async function loadIt(");
        let err = trim_glue(&changed).unwrap_err();
        assert!(err.contains("__wbg_load"), "{err}");
    }

    #[test]
    fn assemble_fills_every_marker_once() {
        let wasm = [0, 97, 115, 109];
        let js = assemble(
            "v=/*@VERSION@*/;/*@GLUE@*/;b='/*@WASM_ZLIB_BASE64@*/'",
            "g()",
            &zlib(&wasm),
            "\"1.2.3\"",
        )
        .unwrap();
        let (head, b64) = js.strip_suffix('\'').unwrap().split_once(";b='").unwrap();
        assert_eq!(head, "v=\"1.2.3\";g()");
        let zlib = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let mut inflated = Vec::new();
        use std::io::Read as _;
        flate2::read::ZlibDecoder::new(&zlib[..])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, wasm);
    }

    #[test]
    fn assemble_refuses_a_template_without_markers() {
        assert!(assemble("nothing here", "g()", &[], "1").is_err());
    }

    #[test]
    fn keeps_the_sections_of_one_form_and_drops_the_markers() {
        let template = "a\n/*@IF x@*/\nx1\n/*@END@*/\n  /*@IF y@*/\ny1\n/*@END@*/\n/*@IF x z@*/\nxz\n/*@END@*/\nb\n";
        let forms = ["x", "y", "z"];
        assert_eq!(
            select_sections(template, "x", &forms).unwrap(),
            "a\nx1\nxz\nb\n"
        );
        assert_eq!(
            select_sections(template, "y", &forms).unwrap(),
            "a\ny1\nb\n"
        );
        assert_eq!(
            select_sections(template, "z", &forms).unwrap(),
            "a\nxz\nb\n"
        );
        for broken in [
            "/*@IF x@*/\n/*@IF y@*/\n/*@END@*/\n/*@END@*/",
            "/*@END@*/",
            "/*@IF x@*/\nx1",
            "/*@IF w@*/\n/*@END@*/",
            "/*@IF x w@*/\n/*@END@*/",
        ] {
            assert!(select_sections(broken, "x", &forms).is_err(), "{broken}");
        }
    }

    #[test]
    fn the_shell_takes_the_place_of_its_marker_line() {
        let template = "a\n    /*@SHELL@*/\nb\n";
        assert_eq!(with_shell(template, "s1\ns2\n").unwrap(), "a\ns1\ns2\nb\n");
        assert!(with_shell("a\nb\n", "s").is_err());
        assert!(with_shell("/*@SHELL@*/\n/*@SHELL@*/\n", "s").is_err());
    }

    #[test]
    fn finds_each_forbidden_construct() {
        let js = "console.log(1); el.innerHTML = x; eval('1'); new Function('a')";
        let found = forbidden_findings(js);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(forbidden_findings("export function f() {}")[0].contains("ES-module"));
    }

    #[test]
    fn gzip_makes_repetitive_text_smaller() {
        let text = "abc".repeat(1000);
        let size = gzip_size(text.as_bytes());
        assert!(size > 0 && size < 100, "{size}");
    }
}
