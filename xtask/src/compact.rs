//! Byte trims on the assembled form library that change no behaviour:
//!
//! - [`shorten_names`]: wasm-bindgen names every import and closure export with a 16-digit hash
//!   (`__wbg_getValue_0123456789abcdef`). The names appear twice, in the module and in the glue,
//!   and hashes do not compress. Each becomes a short name (`$0`, `$1`, …) in both places.
//! - [`drop_custom_sections`]: `producers` and `target_features` are tool metadata no engine
//!   reads.
//! - [`strip_comments`]: comment-only lines and indentation leave the shipped script; the header
//!   comment stays.

use crate::wasm_bin::{leb_u32, push_leb, read_name, sections, skip_import_desc};

/// The module and glue with shortened names.
#[derive(Debug)]
pub struct Shortened {
    pub wasm: Vec<u8>,
    pub glue: String,
    /// How many names were shortened.
    pub count: usize,
}

/// Whether wasm-bindgen hashed `name`: it ends in `_` or `_h`, then 16 hex digits.
fn hashed(name: &[u8]) -> bool {
    let Some(split) = name.len().checked_sub(16) else {
        return false;
    };
    let (head, hash) = name.split_at(split);
    hash.iter()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        && (head.ends_with(b"_") || head.ends_with(b"_h"))
}

/// Names used in `glue` as JavaScript identifiers (runs of letters, digits, `_` and `$`).
fn identifiers(glue: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_part = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + glue[at..].find(is_part)?;
        let len = glue[start..]
            .find(|c| !is_part(c))
            .unwrap_or(glue.len() - start);
        at = start + len;
        Some((start, &glue[start..start + len]))
    })
}

/// One name table for the whole rewrite: long name → short name, in first-seen order.
#[derive(Default)]
struct Names {
    map: Vec<(Vec<u8>, String)>,
}

impl Names {
    fn short(&mut self, long: &[u8]) -> Vec<u8> {
        if !hashed(long) {
            return long.to_vec();
        }
        if let Some((_, short)) = self.map.iter().find(|(l, _)| l == long) {
            return short.clone().into_bytes();
        }
        let short = format!("${}", base36(self.map.len()));
        self.map.push((long.to_vec(), short.clone()));
        short.into_bytes()
    }
}

fn base36(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

fn push_name(out: &mut Vec<u8>, name: &[u8]) -> Result<(), String> {
    push_leb(out, u32::try_from(name.len()).map_err(|_| "name too long")?);
    out.extend_from_slice(name);
    Ok(())
}

/// `wasm` without its custom sections.
pub fn drop_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = wasm.get(..8).ok_or("not a wasm module")?.to_vec();
    for (id, start, end) in sections(wasm)? {
        if id != 0 {
            out.push(id);
            push_name(&mut out, &wasm[start..end])?;
        }
    }
    Ok(out)
}

/// Shortens the hashed import and export names of `wasm`, and the same names in `glue`.
/// Refuses (rather than risks a clash) when a short name is already an identifier in `glue`,
/// or when a shortened name does not appear in `glue`.
pub fn shorten_names(wasm: &[u8], glue: &str) -> Result<Shortened, String> {
    let sections = sections(wasm)?;
    let mut names = Names::default();
    let mut out = wasm[..8].to_vec();
    for (id, start, end) in sections {
        let payload = match id {
            2 => imports(&wasm[start..end], &mut names)?,
            7 => exports(&wasm[start..end], &mut names)?,
            _ => wasm[start..end].to_vec(),
        };
        out.push(id);
        push_name(&mut out, &payload)?;
    }

    let taken: std::collections::HashSet<&str> = identifiers(glue).map(|(_, i)| i).collect();
    let mut lookup = std::collections::HashMap::new();
    for (long, short) in &names.map {
        let long = std::str::from_utf8(long).map_err(|_| "a hashed name is not UTF-8")?;
        if taken.contains(short.as_str()) {
            return Err(format!("the glue already uses the identifier `{short}`"));
        }
        if !taken.contains(long) {
            return Err(format!("the glue does not use `{long}`"));
        }
        lookup.insert(long, short.as_str());
    }
    let mut text = String::with_capacity(glue.len());
    let mut copied = 0;
    for (at, ident) in identifiers(glue) {
        if let Some(short) = lookup.get(ident) {
            text.push_str(&glue[copied..at]);
            text.push_str(short);
            copied = at + ident.len();
        }
    }
    text.push_str(&glue[copied..]);
    Ok(Shortened {
        wasm: out,
        glue: text,
        count: names.map.len(),
    })
}

/// Rewrites a section that is a vector of entries, `entry` copying one from `at` to `out`.
fn rewrite_entries(
    section: &[u8],
    mut entry: impl FnMut(&mut usize, &mut Vec<u8>) -> Result<(), String>,
) -> Result<Vec<u8>, String> {
    let mut at = 0;
    let count = leb_u32(section, &mut at)?;
    let mut out = Vec::with_capacity(section.len());
    push_leb(&mut out, count);
    for _ in 0..count {
        entry(&mut at, &mut out)?;
    }
    if at != section.len() {
        return Err("a section has bytes after its last entry".into());
    }
    Ok(out)
}

fn imports(section: &[u8], names: &mut Names) -> Result<Vec<u8>, String> {
    rewrite_entries(section, |at, out| {
        let module = read_name(section, at)?;
        let field = read_name(section, at)?;
        push_name(out, module)?;
        push_name(out, &names.short(field))?;
        let desc = *at;
        let kind = *section.get(*at).ok_or("truncated import")?;
        *at += 1;
        skip_import_desc(section, kind, at)?;
        out.extend_from_slice(section.get(desc..*at).ok_or("truncated import")?);
        Ok(())
    })
}

fn exports(section: &[u8], names: &mut Names) -> Result<Vec<u8>, String> {
    rewrite_entries(section, |at, out| {
        let name = read_name(section, at)?;
        push_name(out, &names.short(name))?;
        let desc = *at;
        *at += 1; // kind
        leb_u32(section, at)?;
        out.extend_from_slice(section.get(desc..*at).ok_or("truncated export")?);
        Ok(())
    })
}

/// Drops comment-only lines (after the header comment) and indentation from `js`.
///
/// Line-based, so it refuses what it cannot strip safely: a template literal or a string that
/// spans lines (odd backticks, a trailing `\\`), a block comment that opens after code, and code
/// after a block comment on the same line. ESLint then parses the result in `cargo xtask test`.
pub fn strip_comments(js: &str) -> Result<String, String> {
    let mut out = String::with_capacity(js.len());
    let mut in_header = js.starts_with("/*");
    let mut in_comment = false;
    for (index, line) in js.lines().enumerate() {
        let refuse = |why: &str| Err(format!("line {}: {why}: `{}`", index + 1, line.trim()));
        if in_header {
            out.push_str(line);
            out.push('\n');
            let body = if index == 0 { &line[2..] } else { line };
            in_header = !body.contains("*/");
            continue;
        }
        let code = line.trim();
        if in_comment || code.starts_with("/*") {
            let body = if in_comment { code } else { &code[2..] };
            match body.find("*/") {
                Some(end) if end + 2 != body.len() => return refuse("code after a block comment"),
                found => in_comment = found.is_none(),
            }
            continue;
        }
        if code.is_empty() || code.starts_with("//") {
            continue;
        }
        if code.matches('`').count() % 2 == 1 {
            return refuse("a template literal spans lines");
        }
        if code.ends_with('\\') {
            return refuse("a string spans lines");
        }
        if code
            .find("/*")
            .is_some_and(|at| !code[at + 2..].contains("*/"))
        {
            return refuse("a block comment opens after code");
        }
        out.push_str(code);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHED: &str = "__wbg_getValue_0123456789abcdef";
    const CLOSURE: &str = "wasm_bindgen__convert__closures_____invoke__h5b50422d334368f8";

    fn section(id: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![id];
        push_name(&mut out, payload).unwrap();
        out
    }

    /// Imports `HASHED` (a function) and `memory_plain`, exports `CLOSURE` and `onLoad`, with a
    /// custom section that must pass through untouched.
    fn module() -> Vec<u8> {
        let mut imports = vec![2];
        push_name(&mut imports, b"./resubscribe_bg.js").unwrap();
        push_name(&mut imports, HASHED.as_bytes()).unwrap();
        imports.extend([0, 0]); // function of type 0
        push_name(&mut imports, b"./resubscribe_bg.js").unwrap();
        push_name(&mut imports, b"memory_plain").unwrap();
        imports.extend([2, 1, 1, 2]); // memory, min 1, max 2
        let mut exports = vec![2];
        push_name(&mut exports, CLOSURE.as_bytes()).unwrap();
        exports.extend([0, 1]);
        push_name(&mut exports, b"onLoad").unwrap();
        exports.extend([0, 0x80, 0x01]); // function 128 (a two-byte LEB)
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend(section(0, b"\x04note kept"));
        m.extend(section(2, &imports));
        m.extend(section(7, &exports));
        m
    }

    fn glue() -> String {
        format!(
            "const import0 = {{ {HASHED}: function(a) {{ return a.getValue(); }} }};\n\
             function {CLOSURE}(a) {{ wasm.{CLOSURE}(a); }}\nexports.onLoad = wasm.onLoad;\n"
        )
    }

    #[test]
    fn shortens_hashed_names_in_module_and_glue_alike() {
        let shortened = shorten_names(&module(), &glue()).unwrap();
        assert_eq!(shortened.count, 2);
        assert_eq!(
            shortened.glue,
            "const import0 = { $0: function(a) { return a.getValue(); } };\n\
             function $1(a) { wasm.$1(a); }\nexports.onLoad = wasm.onLoad;\n"
        );
        let wasm = &shortened.wasm;
        let sections = sections(wasm).unwrap();
        assert_eq!(sections.iter().map(|s| s.0).collect::<Vec<_>>(), [0, 2, 7]);
        assert_eq!(&wasm[sections[0].1..sections[0].2], b"\x04note kept");
        let (mut names, mut at) = (Names::default(), 0);
        let imports = &wasm[sections[1].1..sections[1].2];
        assert_eq!(leb_u32(imports, &mut at), Ok(2));
        assert_eq!(read_name(imports, &mut at).unwrap(), b"./resubscribe_bg.js");
        assert_eq!(read_name(imports, &mut at).unwrap(), b"$0");
        // Running the rewrite again finds nothing left to shorten.
        let again = shorten_names(wasm, &shortened.glue).unwrap();
        assert_eq!(again.count, 0);
        assert_eq!(&again.wasm, wasm);
        let exports = &wasm[sections[2].1..sections[2].2];
        assert_eq!(exports, exports_payload(&mut names));
    }

    /// The export section as it should read after the rewrite.
    fn exports_payload(names: &mut Names) -> Vec<u8> {
        names.short(HASHED.as_bytes());
        let mut out = vec![2];
        push_name(&mut out, &names.short(CLOSURE.as_bytes())).unwrap();
        out.extend([0, 1]);
        push_name(&mut out, b"onLoad").unwrap();
        out.extend([0, 0x80, 0x01]);
        out
    }

    #[test]
    fn drops_custom_sections_and_keeps_the_rest_byte_for_byte() {
        let module = module();
        let custom_end = sections(&module).unwrap()[0].2; // the custom section comes first
        let dropped = drop_custom_sections(&module).unwrap();
        assert_eq!(dropped, [&module[..8], &module[custom_end..]].concat());
        assert!(drop_custom_sections(b"\0asm").is_err());
    }

    #[test]
    fn only_wasm_bindgen_hashes_count_as_hashed() {
        assert!(hashed(HASHED.as_bytes()));
        assert!(hashed(CLOSURE.as_bytes()));
        assert!(hashed(b"__wbindgen_generic_0000000000000005"));
        assert!(!hashed(b"onLoad"));
        assert!(!hashed(b"__wbindgen_malloc"));
        assert!(!hashed(b"x0123456789abcdef"));
        assert!(!hashed(b"__wbg_get_0123456789ABCDEF"));
    }

    #[test]
    fn refuses_a_clash_or_a_name_the_glue_lacks() {
        let clash = format!("{}var $0 = 1;\n", glue());
        assert!(shorten_names(&module(), &clash)
            .unwrap_err()
            .contains("`$0`"));
        let missing = glue().replace(HASHED, "other");
        let error = shorten_names(&module(), &missing).unwrap_err();
        assert!(error.contains(HASHED), "{error}");
        assert!(shorten_names(b"nope", &glue()).is_err());
        let mut truncated = module();
        truncated.truncate(30);
        assert!(shorten_names(&truncated, &glue()).is_err());
    }

    #[test]
    fn base36_counts_without_gaps() {
        let names: Vec<String> = [0, 9, 10, 35, 36, 1295, 1296].map(base36).to_vec();
        assert_eq!(names, ["0", "9", "a", "z", "10", "zz", "100"]);
    }

    #[test]
    fn strips_comment_lines_and_indentation_but_keeps_the_header() {
        let js = "/*\n * Header.\n */\nvar a = (function () {\n    // a note\n    /** Doc. */\n    \
                  /*\n     * Long doc.\n     */\n    return \"// kept in a string\"; // trailing kept\n\n})();\n";
        assert_eq!(
            strip_comments(js).unwrap(),
            "/*\n * Header.\n */\nvar a = (function () {\nreturn \"// kept in a string\"; // trailing kept\n})();\n"
        );
    }

    #[test]
    fn refuses_what_a_line_based_strip_could_break() {
        let refused = |js: &str| strip_comments(js).unwrap_err();
        assert!(refused("/* h */\nvar a = `one\n  two`;\n").starts_with("line 2: a template"));
        assert!(refused("var a;\n/* a */ var b = 1;\n").contains("after a block comment"));
        assert!(refused("var s = \"one \\\n   two\";\n").contains("a string spans lines"));
        assert!(refused("x(); /* a\n// b */ y();\n").contains("opens after code"));
        assert_eq!(strip_comments("var a = `x`;\n").unwrap(), "var a = `x`;\n");
        assert_eq!(strip_comments("x(); /* a */\n").unwrap(), "x(); /* a */\n");
    }

    #[test]
    fn a_comment_line_of_slash_star_slash_does_not_close_itself() {
        let js = "var a;\n/*/\nnot code */\nvar b;\n";
        assert_eq!(strip_comments(js).unwrap(), "var a;\nvar b;\n");
        assert_eq!(
            strip_comments("/*/\n h */\nvar c;\n").unwrap(),
            "/*/\n h */\nvar c;\n"
        );
    }
}
