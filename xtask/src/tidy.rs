//! `cargo xtask tidy`: the boundaries of the code, checked instead of hoped for.
//!
//! It fails, naming file and line, when
//!
//! - `src/domain/**` imports or names a browser binding (`wasm_bindgen`,
//!   `wasm_bindgen_futures`, `js_sys`, `web_sys`) or a browser-facing module of the crate
//!   (`crate::xrm`, `crate::plugin`, `crate::ui`, `crate::js_api`, `crate::dataverse::transport`):
//!   the domain is pure Rust, tested natively;
//! - anything shipped but the shell's `fetchAnswer` (`www/loader/shell.js`) reaches the network
//!   (`fetch(`, `fetch_with…`, `XMLHttpRequest`, `sendBeacon`, `fetch` bound or looked up by
//!   name), or Rust but `src/dataverse/transport.rs` binds `fetchAnswer`: the Rust of `src/`
//!   and the scripts of `www/loader/` and `www/webresources/`;
//! - modules of `src/` import each other in a circle (one module imports another that,
//!   directly or not, imports it back): each layer, and the crate as a whole, imports one way;
//! - the modules of the emulator's library (`emulator/src/`) import each other in a circle;
//! - the Rust of `src/` holds a future (`async`, `.await`, `spawn_local`, `JsFuture`,
//!   `future_to_promise`): what follows a wait is a closure handed to `crate::shell::then`,
//!   so no library carries a futures runtime.
//!
//! An import is a path in code
//! (comments are left out) that starts with `crate::`, `super::` or `self::`, `use` trees
//! included; it points at the longest prefix of the path that is a module file of `src/`.
//! Inline modules (`mod tests { … }`) count as part of their file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::paths;

/// The crate-wide bindings the domain may not name.
const BROWSER_CRATES: [&str; 4] = ["wasm_bindgen", "wasm_bindgen_futures", "js_sys", "web_sys"];

/// The modules of the crate that face the browser (the domain may not import them).
const BROWSER_MODULES: [&str; 5] = ["xrm", "plugin", "ui", "js_api", "dataverse::transport"];

/// The one script that reaches the network (its `fetchAnswer`).
const SHELL: &str = "www/loader/shell.js";

/// The one Rust file that binds the shell's `fetchAnswer`.
const TRANSPORT: &str = "src/dataverse/transport.rs";

/// One source file, its path relative to the workspace root with `/` separators.
pub struct Source {
    pub path: String,
    pub text: String,
}

/// What the check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Broken boundaries: `file:line: what`.
    pub violations: Vec<String>,
    /// The module graph: (importing, imported) → where the first such import is.
    pub graph: BTreeMap<(String, String), String>,
}

/// Checks the workspace; fails on a violation. With `--graph`, prints
/// the module graph first (`from -> to  file:line`, one line per edge).
pub fn run(args: &[String]) -> Result<(), String> {
    let root = paths::root();
    let mut sources = Vec::new();
    collect(&root, &root.join("src"), &["rs"], &mut sources)?;
    collect(
        &root,
        &root.join("www").join("loader"),
        &["js"],
        &mut sources,
    )?;
    collect(
        &root,
        &root.join("www").join("webresources"),
        &["js"],
        &mut sources,
    )?;
    let mut emulator = Vec::new();
    collect(
        &root,
        &root.join("emulator").join("src"),
        &["rs"],
        &mut emulator,
    )?;
    let mut report = check(&sources);
    report.violations.extend(emulator_circles(&emulator));
    if args.iter().any(|a| a == "--graph") {
        for ((from, to), at) in &report.graph {
            println!("{from} -> {to}  {at}");
        }
    }
    if report.violations.is_empty() {
        println!(
            "tidy: boundaries hold ({} files)",
            sources.len() + emulator.len()
        );
        Ok(())
    } else {
        Err([
            "tidy found broken boundaries:",
            &report.violations.join("\n"),
        ]
        .join("\n"))
    }
}

/// Reads every file under `dir` whose extension is one of `extensions`, sorted by path.
fn collect(
    root: &Path,
    dir: &Path,
    extensions: &[&str],
    out: &mut Vec<Source>,
) -> Result<(), String> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, extensions, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e))
        {
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("reading {}: {e}", path.display()))?;
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push(Source {
                path: relative,
                text,
            });
        }
    }
    Ok(())
}

/// Every check over `sources` (paths relative to the workspace root).
pub fn check(sources: &[Source]) -> Report {
    let mut report = Report::default();
    let rust: Vec<&Source> = sources
        .iter()
        .filter(|s| s.path.starts_with("src/") && s.path.ends_with(".rs"))
        .collect();
    let modules: BTreeSet<Vec<String>> = rust.iter().map(|s| module_of(&s.path)).collect();
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    for source in &rust {
        let code = blank(&source.text, Language::Rust, true);
        let from = module_of(&source.path);
        for import in imports(&code, &from, &modules) {
            let to = import.module.join("::");
            if source.path.starts_with("src/domain/") {
                if let Some(name) = BROWSER_MODULES.iter().find(|m| is_within(&to, m)) {
                    report.violations.push(format!(
                        "{}:{}: the domain imports the browser-facing module `crate::{name}` \
                         (the domain is pure: no browser, no I/O)",
                        source.path, import.line
                    ));
                }
            }
            if import.module != from {
                let at = format!("{}:{}", source.path, import.line);
                edges
                    .entry((name_of(&from), name_of(&import.module)))
                    .or_insert(at);
            }
        }
        if source.path.starts_with("src/domain/") {
            report
                .violations
                .extend(domain_bindings(&source.path, &code));
        }
        report.violations.extend(futures(&source.path, &code));
    }
    for source in sources.iter().filter(|s| s.path != SHELL) {
        report.violations.extend(network_calls(source));
    }
    let graph = Graph { edges };
    for circle in graph.circles(|_| true) {
        report.violations.push(format!(
            "an import circle in src/ (modules import one way): {}",
            circle.describe()
        ));
    }
    report
}

/// One violation per import circle among the modules of the emulator's library (`emulator/src/`,
/// paths relative to the workspace root); `main.rs` is a crate of its own that imports the
/// library by name, so it is left out.
pub fn emulator_circles(sources: &[Source]) -> Vec<String> {
    let files: Vec<(&Source, Vec<String>)> = sources
        .iter()
        .filter_map(|s| {
            let inner = s.path.strip_prefix("emulator/")?;
            (inner.starts_with("src/") && inner.ends_with(".rs") && inner != "src/main.rs")
                .then(|| (s, module_of(inner)))
        })
        .collect();
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(_, m)| m.clone()).collect();
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    for (source, from) in &files {
        let code = blank(&source.text, Language::Rust, true);
        for import in imports(&code, from, &modules) {
            if import.module != *from {
                edges
                    .entry((name_of(from), name_of(&import.module)))
                    .or_insert_with(|| format!("{}:{}", source.path, import.line));
            }
        }
    }
    Graph { edges }
        .circles(|_| true)
        .iter()
        .map(|circle| {
            format!(
                "an import circle in emulator/src/ (its modules must be acyclic): {}",
                circle.describe()
            )
        })
        .collect()
}

/// Whether module `name` (`a::b`, or `crate`) is `layer` or inside it.
fn is_within(name: &str, layer: &str) -> bool {
    name == layer
        || name
            .strip_prefix(layer)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// The module a file of `src/` defines: `src/lib.rs` → `[]`, `src/a/mod.rs` → `[a]`,
/// `src/a/b.rs` → `[a, b]`.
fn module_of(path: &str) -> Vec<String> {
    let inner = path.strip_prefix("src/").unwrap_or(path);
    let inner = inner.strip_suffix(".rs").unwrap_or(inner);
    let mut parts: Vec<String> = inner.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// How a module is written in reports: `domain::note`, or `crate` for the root.
fn name_of(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// `file:line: …` for each browser binding the domain file names.
fn domain_bindings(path: &str, code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, line) in code.lines().enumerate() {
        for name in BROWSER_CRATES {
            if words(line).any(|word| word == name) {
                found.push(format!(
                    "{path}:{}: the domain names `{name}` (the domain is pure: no browser bindings)",
                    index + 1
                ));
            }
        }
    }
    found
}

/// The words that make a future, or run one.
const FUTURES: [&str; 4] = ["async", "spawn_local", "JsFuture", "future_to_promise"];

/// `file:line: …` for each future in a file of `src/` (`code`: its comments blanked).
fn futures(path: &str, code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, line) in code.lines().enumerate() {
        let named = words(line).find(|word| FUTURES.contains(word));
        let awaited = line.contains(".await");
        if let Some(what) = named.or(awaited.then_some(".await")) {
            found.push(format!(
                "{path}:{}: `{what}` (the module holds no future: hand what follows a wait \
                 to crate::shell::then)",
                index + 1
            ));
        }
    }
    found
}

/// `file:line: …` for each way to the network in a file other than the shell.
fn network_calls(source: &Source) -> Vec<String> {
    let language = if source.path.ends_with(".rs") {
        Language::Rust
    } else {
        Language::Script
    };
    let binds_the_shell = language == Language::Rust && source.path != TRANSPORT;
    // Strings are kept: `fetch` looked up by name is a call too.
    let code = blank(&source.text, language, false);
    let mut found = Vec::new();
    for (index, line) in code.lines().enumerate() {
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let mut hits = Vec::new();
        for (at, word) in word_positions(line) {
            let rest = line[at + word.len()..].trim_start();
            if word == "fetch" && rest.starts_with('(') {
                hits.push("fetch(");
            }
            if word.starts_with("fetch_with") {
                hits.push("fetch_with");
            }
            if word == "XMLHttpRequest" || word == "sendBeacon" {
                hits.push(word);
            }
            if binds_the_shell && (word == "fetchAnswer" || word == "fetch_answer") {
                hits.push("the shell's fetchAnswer");
            }
        }
        let bound_by_name = compact.match_indices("js_name=fetch").any(|(at, name)| {
            !compact[at + name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        });
        if bound_by_name || ["\"fetch\"", "'fetch'"].iter().any(|p| compact.contains(p)) {
            hits.push("fetch by name");
        }
        for hit in hits {
            found.push(format!(
                "{}:{}: `{hit}` (only the shell's fetchAnswer, in {SHELL}, reaches the network, and only {TRANSPORT} binds it)",
                source.path,
                index + 1
            ));
        }
    }
    found
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifiers of `line` with their byte offsets.
fn word_positions(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    let mut out = Vec::new();
    for (at, c) in line.char_indices().chain([(line.len(), ' ')]) {
        match (start, is_word_char(c)) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                out.push((from, &line[from..at]));
                start = None;
            }
            _ => {}
        }
    }
    out.into_iter()
}

fn words(line: &str) -> impl Iterator<Item = &str> {
    word_positions(line).map(|(_, word)| word)
}

#[derive(Clone, Copy, PartialEq)]
enum Language {
    Rust,
    /// JavaScript: strings in `'`, `"` and backticks, regular expression literals.
    Script,
}

/// `text` with every comment (and, if `strings`, the inside of every string and character
/// literal) replaced by spaces; line breaks are kept, so lines keep their numbers.
fn blank(text: &str, language: Language, strings: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // The last character of code that is not white space (for JavaScript regex literals).
    let mut last_code = '\n';
    let hide = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    // JavaScript comments do not nest.
                    if depth == 0 || language == Language::Script {
                        break;
                    }
                } else {
                    out.push(hide(chars[i]));
                    i += 1;
                }
            }
            continue;
        }
        // Where a literal's body starts, what closes it, and whether `\` escapes in it.
        let literal: Option<(usize, String, bool)> = match (language, c) {
            (Language::Rust, 'r' | 'b') if i == 0 || !is_word_char(chars[i - 1]) => {
                raw_string_start(&chars, i)
            }
            (Language::Rust, '"') => Some((i + 1, "\"".to_owned(), true)),
            (Language::Rust, '\'') => {
                // A character literal, not a lifetime: `'x'` or `'\…'`.
                (next == Some('\\') || chars.get(i + 2) == Some(&'\''))
                    .then(|| (i + 1, "'".to_owned(), true))
            }
            (Language::Script, '"' | '\'' | '`') => Some((i + 1, c.to_string(), true)),
            (Language::Script, '/') if "(,=:[!&|?{};+-*%<>~^\n".contains(last_code) => {
                Some((i + 1, "/".to_owned(), true))
            }
            _ => None,
        };
        if let Some((body, close, escapes)) = literal {
            out.extend(&chars[i..body]);
            i = body;
            let close: Vec<char> = close.chars().collect();
            let mut in_class = false;
            while i < chars.len() {
                if escapes && chars[i] == '\\' {
                    let escaped = chars.get(i + 1).copied().unwrap_or(' ');
                    if strings {
                        out.push(' ');
                        out.push(hide(escaped));
                    } else {
                        out.push('\\');
                        out.push(escaped);
                    }
                    i += 2;
                    continue;
                }
                if close == ['/'] {
                    match chars[i] {
                        '[' => in_class = true,
                        ']' => in_class = false,
                        '\n' => break,
                        _ => {}
                    }
                }
                if !in_class && chars[i..].starts_with(&close) {
                    out.extend(&close);
                    i += close.len();
                    break;
                }
                out.push(if strings { hide(chars[i]) } else { chars[i] });
                i += 1;
            }
            last_code = 'x';
            continue;
        }
        if !c.is_whitespace() {
            last_code = c;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A raw string (`r"…"`, `r#"…"#`, `br"…"`) or byte string (`b"…"`) starting at `i`: where its
/// body starts, what closes it, and whether `\` escapes in it.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, String, bool)> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    let raw = chars.get(j) == Some(&'r');
    if raw {
        j += 1;
    }
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    if j == i || chars.get(j + hashes) != Some(&'"') || (!raw && hashes > 0) {
        return None;
    }
    let close = ["\"", &"#".repeat(hashes)].concat();
    Some((j + hashes + 1, close, !raw))
}

/// One import: the module it points at and the line it is on.
struct Import {
    module: Vec<String>,
    line: usize,
}

/// Every `crate::`, `super::` and `self::` path in `code` (comments and strings blanked),
/// resolved against `modules` from the file module `file`.
fn imports(code: &str, file: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<Import> {
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    // Inline modules open at this point, with the brace depth inside each.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => line += 1,
            '{' => depth += 1,
            '}' => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if !is_word_char(c) || (i > 0 && is_word_char(chars[i - 1])) {
            i += 1;
            continue;
        }
        let word: String = chars[i..]
            .iter()
            .take_while(|&&c| is_word_char(c))
            .collect();
        let after = i + word.chars().count();
        if word == "mod" {
            let mut j = after;
            skip_space(&chars, &mut j);
            let name: String = chars[j..]
                .iter()
                .take_while(|&&c| is_word_char(c))
                .collect();
            j += name.chars().count();
            skip_space(&chars, &mut j);
            if !name.is_empty() && chars.get(j) == Some(&'{') {
                inline.push((name, depth + 1));
            }
        }
        let is_root = matches!(word.as_str(), "crate" | "super" | "self")
            && chars.get(after) == Some(&':')
            && chars.get(after + 1) == Some(&':')
            && !preceded_by_in(&chars, i);
        if !is_root {
            i = after;
            continue;
        }
        let start_line = line;
        let mut j = i;
        let mut paths = Vec::new();
        parse_tree(&chars, &mut j, Vec::new(), &mut paths);
        for ch in &chars[i..j] {
            // Braces of use groups open and close within the tree: only lines are counted.
            if *ch == '\n' {
                line += 1;
            }
        }
        let here: Vec<String> = file
            .iter()
            .cloned()
            .chain(inline.iter().map(|(name, _)| name.clone()))
            .collect();
        for path in paths {
            if let Some(module) = resolve(&here, &path, modules) {
                found.push(Import {
                    module,
                    line: start_line,
                });
            }
        }
        i = j.max(after);
    }
    found
}

/// Whether the path at `i` follows `(in ` (a `pub(in crate::…)` visibility, not an import).
fn preceded_by_in(chars: &[char], i: usize) -> bool {
    let before: String = chars[..i]
        .iter()
        .rev()
        .take(8)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    let compact: String = before.split_whitespace().collect::<Vec<_>>().join(" ");
    compact.ends_with("(in")
}

fn skip_space(chars: &[char], j: &mut usize) {
    while chars.get(*j).is_some_and(|c| c.is_whitespace()) {
        *j += 1;
    }
}

/// Reads a path or `use` tree at `j` (`a::b`, `a::{b, c::d as e}`, `a::*`), pushing each
/// complete path (prefix included) to `out`.
fn parse_tree(chars: &[char], j: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut segments = prefix;
    loop {
        skip_space(chars, j);
        match chars.get(*j) {
            Some('{') => {
                *j += 1;
                loop {
                    skip_space(chars, j);
                    match chars.get(*j) {
                        Some('}') => {
                            *j += 1;
                            return;
                        }
                        Some(',') => *j += 1,
                        None => return,
                        Some(_) => {
                            let before = *j;
                            parse_tree(chars, j, segments.clone(), out);
                            skip_space(chars, j);
                            let word: String = chars[*j..]
                                .iter()
                                .take_while(|&&c| is_word_char(c))
                                .collect();
                            if word == "as" {
                                *j += 2;
                                skip_space(chars, j);
                                *j += chars[*j..].iter().take_while(|&&c| is_word_char(c)).count();
                            }
                            skip_space(chars, j);
                            if *j == before || !matches!(chars.get(*j), Some(',' | '}')) {
                                // Not a use tree after all: stop reading it here.
                                return;
                            }
                        }
                    }
                }
            }
            Some('*') => {
                *j += 1;
                break;
            }
            _ => {}
        }
        let word: String = chars[*j..]
            .iter()
            .take_while(|&&c| is_word_char(c))
            .collect();
        if word.is_empty() {
            break;
        }
        *j += word.chars().count();
        segments.push(word);
        if chars.get(*j) == Some(&':') && chars.get(*j + 1) == Some(&':') {
            *j += 2;
        } else {
            break;
        }
    }
    out.push(segments);
}

/// The module file a path from module `here` points at: the longest prefix of its absolute
/// form that is one of `modules`.
fn resolve(
    here: &[String],
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut absolute: Vec<String> = Vec::new();
    for (index, segment) in path.iter().enumerate() {
        match (index, segment.as_str()) {
            (0, "crate") => {}
            (0, "self") => absolute = here.to_vec(),
            (0, "super") => {
                absolute = here.to_vec();
                absolute.pop()?;
            }
            (_, "super") => {
                absolute.pop()?;
            }
            (_, "self") => {}
            _ => absolute.push(segment.clone()),
        }
    }
    (0..=absolute.len())
        .rev()
        .map(|n| absolute[..n].to_vec())
        .find(|prefix| modules.contains(prefix))
}

/// The module graph: one edge per importing and imported module, with where it is first seen.
struct Graph {
    edges: BTreeMap<(String, String), String>,
}

/// A strongly connected set of modules, with one circle through them as an example.
struct Circle {
    members: Vec<String>,
    /// The members that import each other directly, `a ↔ b`.
    pairs: Vec<String>,
    /// `a → b → … → a`, each step with its `file:line`.
    example: Vec<(String, String)>,
}

impl Circle {
    fn describe(&self) -> String {
        let steps: Vec<String> = self
            .example
            .iter()
            .map(|(module, at)| format!("{module} ({at})"))
            .collect();
        let first = self
            .example
            .first()
            .map(|(m, _)| m.as_str())
            .unwrap_or_default();
        let mut text = format!(
            "{{{}}}, e.g. {} → {first}",
            self.members.join(", "),
            steps.join(" → ")
        );
        if !self.pairs.is_empty() {
            text.push_str("; both ways: ");
            text.push_str(&self.pairs.join(", "));
        }
        text
    }
}

impl Graph {
    /// The circles among the modules `keep` accepts (strongly connected components with more
    /// than one module, by Tarjan's algorithm).
    fn circles(&self, keep: impl Fn(&str) -> bool) -> Vec<Circle> {
        let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (from, to) in self.edges.keys() {
            if keep(from) && keep(to) {
                next.entry(from).or_default().push(to);
                next.entry(to).or_default();
            }
        }
        let nodes: Vec<&str> = next.keys().copied().collect();
        let mut state = Tarjan {
            next: &next,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            counter: 0,
            components: Vec::new(),
        };
        for node in nodes {
            if !state.index.contains_key(node) {
                state.visit(node);
            }
        }
        let mut circles: Vec<Circle> = state
            .components
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|mut members| {
                members.sort_unstable();
                let example = self.example(&next, &members);
                let pairs = self
                    .edges
                    .keys()
                    .filter(|(a, b)| {
                        a < b
                            && members.contains(&a.as_str())
                            && members.contains(&b.as_str())
                            && self.edges.contains_key(&(b.clone(), a.clone()))
                    })
                    .map(|(a, b)| format!("{a} ↔ {b}"))
                    .collect();
                Circle {
                    members: members.into_iter().map(str::to_owned).collect(),
                    pairs,
                    example,
                }
            })
            .collect();
        circles.sort_by(|a, b| a.members.cmp(&b.members));
        circles
    }

    /// The shortest circle from the first member back to itself, within `members`.
    fn example(&self, next: &BTreeMap<&str, Vec<&str>>, members: &[&str]) -> Vec<(String, String)> {
        let start = members[0];
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        'search: while let Some(node) = queue.pop_front() {
            for &to in next.get(node).into_iter().flatten() {
                if !members.contains(&to) {
                    continue;
                }
                if to == start {
                    came_from.insert(start, node);
                    break 'search;
                }
                if !came_from.contains_key(to) {
                    came_from.insert(to, node);
                    queue.push_back(to);
                }
            }
        }
        let mut path = vec![start];
        let mut at = came_from.get(start).copied();
        while let Some(node) = at {
            if node == start {
                break;
            }
            path.push(node);
            at = came_from.get(node).copied();
        }
        // `path` runs backwards from `start`: reverse it into start → … → (back to start).
        path[1..].reverse();
        path.iter()
            .enumerate()
            .map(|(n, &from)| {
                let to = path.get(n + 1).copied().unwrap_or(start);
                let at = self
                    .edges
                    .get(&(from.to_owned(), to.to_owned()))
                    .cloned()
                    .unwrap_or_default();
                (from.to_owned(), at)
            })
            .collect()
    }
}

struct Tarjan<'a> {
    next: &'a BTreeMap<&'a str, Vec<&'a str>>,
    index: BTreeMap<&'a str, usize>,
    low: BTreeMap<&'a str, usize>,
    stack: Vec<&'a str>,
    on_stack: BTreeSet<&'a str>,
    counter: usize,
    components: Vec<Vec<&'a str>>,
}

impl<'a> Tarjan<'a> {
    fn visit(&mut self, node: &'a str) {
        self.index.insert(node, self.counter);
        self.low.insert(node, self.counter);
        self.counter += 1;
        self.stack.push(node);
        self.on_stack.insert(node);
        for &to in self.next.get(node).into_iter().flatten() {
            if !self.index.contains_key(to) {
                self.visit(to);
                let low = self.low[node].min(self.low[to]);
                self.low.insert(node, low);
            } else if self.on_stack.contains(to) {
                let low = self.low[node].min(self.index[to]);
                self.low.insert(node, low);
            }
        }
        if self.low[node] == self.index[node] {
            let mut component = Vec::new();
            while let Some(member) = self.stack.pop() {
                self.on_stack.remove(member);
                component.push(member);
                if member == node {
                    break;
                }
            }
            self.components.push(component);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, text: &str) -> Source {
        Source {
            path: path.to_owned(),
            text: text.to_owned(),
        }
    }

    fn violations(sources: &[Source]) -> Vec<String> {
        check(sources).violations
    }

    /// The `file:line` of each violation.
    fn places(found: &[String]) -> Vec<&str> {
        found
            .iter()
            .map(|v| v.split(": ").next().unwrap())
            .collect()
    }

    #[test]
    fn a_clean_domain_file_passes() {
        let clean = source(
            "src/domain/rule.rs",
            "//! Pure: no `wasm_bindgen`, no `crate::xrm` (comments do not count).\n\
             use crate::prelude::*;\n\
             use super::time::Timestamp;\n\
             /// Says \"fetch(\" in a doc comment only.\n\
             pub fn rule(url: &str) -> bool { url.contains(\"https://example.com/web_sys\") }\n",
        );
        let time = source("src/domain/time.rs", "pub struct Timestamp;\n");
        let root = source("src/lib.rs", "pub mod domain;\nmod prelude {}\n");
        assert_eq!(violations(&[clean, time, root]), Vec::<String>::new());
    }

    #[test]
    fn a_domain_file_naming_the_browser_fails_with_file_and_line() {
        let file = source(
            "src/domain/rule.rs",
            "use crate::prelude::*;\n\
             use wasm_bindgen::JsValue;\n\
             pub fn now() -> f64 { js_sys::Date::now() }\n\
             use crate::{domain::time, xrm::form::Form};\n\
             fn f() { super::super::plugin::load::run(); }\n\
             use crate::dataverse::transport as t;\n\
             use crate::dataverse::json::Json;\n",
        );
        let modules = [
            "src/xrm/form.rs",
            "src/plugin/load.rs",
            "src/dataverse/transport.rs",
        ]
        .map(|path| source(path, ""));
        let mut sources = vec![file];
        sources.extend(modules);
        sources.push(source("src/dataverse/json.rs", ""));
        let found = violations(&sources);
        assert_eq!(found.len(), 5, "{found:#?}");
        assert!(found[0].starts_with("src/domain/rule.rs:4:") && found[0].contains("crate::xrm"));
        assert!(
            found[1].starts_with("src/domain/rule.rs:5:") && found[1].contains("crate::plugin")
        );
        assert!(
            found[2].starts_with("src/domain/rule.rs:6:")
                && found[2].contains("dataverse::transport")
        );
        assert!(
            found[3].starts_with("src/domain/rule.rs:2:") && found[3].contains("`wasm_bindgen`")
        );
        assert!(found[4].starts_with("src/domain/rule.rs:3:") && found[4].contains("`js_sys`"));
    }

    #[test]
    fn only_the_transport_fetches() {
        let shell = source(SHELL, "function fetchAnswer(url) { return fetch(url); }\n");
        let transport = source(
            TRANSPORT,
            "#[wasm_bindgen(js_namespace = RsubShell, js_name = fetchAnswer)]\nfn fetch_answer();\n\
             fn b() { fetch(url); }\n",
        );
        let sneaky = source(
            "src/plugin/save.rs",
            "// fetch( in a comment is fine\n\
             fn a() { web_sys::window().fetch_with_str(\"x\"); }\n\
             fn b() { let _ = Reflect::get(&global, &\"fetch\".into()); }\n\
             fn c() { prefetch(); }\n\
             fn d() { fetch_answer(url); }\n\
             #[wasm_bindgen(js_name = fetch)]\n",
        );
        let script = source(
            "www/loader/form.js",
            "/* fetch(url) in a comment */\n\
             var re = /\\{fetch\\(/g; var s = \"//\"; fetch(s);\n\
             navigator.sendBeacon(url);\n\
             var x = new XMLHttpRequest(); window.fetch (url);\n\
             RsubShell.fetchAnswer(url);\n",
        );
        let found = violations(&[shell, transport, sneaky, script]);
        assert_eq!(
            places(&found),
            [
                "src/dataverse/transport.rs:3",
                "src/plugin/save.rs:2",
                "src/plugin/save.rs:3",
                "src/plugin/save.rs:5",
                "src/plugin/save.rs:6",
                "www/loader/form.js:2",
                "www/loader/form.js:3",
                "www/loader/form.js:4",
                "www/loader/form.js:4",
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn a_future_in_src_fails() {
        let file = source(
            "src/plugin/load.rs",
            "// an async comment and a \"spawn_local\" string do not count\n\
             pub async fn finish() {}\n\
             fn f() { wasm_bindgen_futures::spawn_local(g()); }\n\
             fn h() { let x = JsFuture::from(p); }\n\
             fn i() { x.await; }\n\
             fn asynchronous() {}\n",
        );
        let found = violations(&[file]);
        assert_eq!(
            places(&found),
            [
                "src/plugin/load.rs:2",
                "src/plugin/load.rs:3",
                "src/plugin/load.rs:4",
                "src/plugin/load.rs:5"
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn circles_fail_in_every_layer() {
        let sources = [
            source("src/lib.rs", "pub mod domain;\npub mod plugin;\n"),
            source("src/domain/mod.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            source("src/domain/a.rs", "use super::b::B;\npub struct A;\n"),
            source(
                "src/domain/b.rs",
                "pub struct B;\n\
                 fn f() -> crate::domain::c::C { todo!() }\n",
            ),
            source("src/domain/c.rs", "use super::{a::A, b};\npub struct C;\n"),
            source("src/plugin/mod.rs", "pub mod x;\npub mod y;\n"),
            source(
                "src/plugin/x.rs",
                "use self::inner::*;\nmod inner { use super::super::y; }\n",
            ),
            source("src/plugin/y.rs", "use crate::plugin::x;\n"),
        ];
        let report = check(&sources);
        assert_eq!(report.violations.len(), 2, "{:#?}", report.violations);
        assert_eq!(
            report.violations[0],
            "an import circle in src/ (modules import one way): \
             {domain::a, domain::b, domain::c}, e.g. domain::a (src/domain/a.rs:1) → \
             domain::b (src/domain/b.rs:2) → domain::c (src/domain/c.rs:1) → domain::a; \
             both ways: domain::b ↔ domain::c"
        );
        assert!(report.violations[1].contains("{plugin::x, plugin::y}"));
        assert!(report.violations[1].ends_with("; both ways: plugin::x ↔ plugin::y"));
    }

    #[test]
    fn an_acyclic_domain_passes() {
        let sources = [
            source("src/domain/a.rs", "use super::b::B;\n"),
            source(
                "src/domain/b.rs",
                "#[cfg(test)]\nmod tests { use super::*; use crate::domain::c; }\n",
            ),
            source("src/domain/c.rs", "pub(in crate::domain) fn f() {}\n"),
        ];
        let report = check(&sources);
        assert!(report.violations.is_empty(), "{:#?}", report.violations);
    }

    #[test]
    fn circles_in_the_emulator_fail_and_its_binary_is_apart() {
        let lib = "pub mod a;\npub mod b;\npub mod c;\n";
        let sources = [
            source("emulator/src/lib.rs", lib),
            source("emulator/src/main.rs", "use crate::a;\nfn main() {}\n"),
            source("emulator/src/a.rs", "use crate::b::B;\npub fn f() {}\n"),
            source(
                "emulator/src/b.rs",
                "pub struct B;\nfn g() { crate::c::h(); }\n",
            ),
            source("emulator/src/c.rs", "pub fn h() { super::a::f(); }\n"),
        ];
        assert_eq!(
            emulator_circles(&sources),
            [
                "an import circle in emulator/src/ (its modules must be acyclic): \
              {a, b, c}, e.g. a (emulator/src/a.rs:1) → b (emulator/src/b.rs:2) → \
              c (emulator/src/c.rs:1) → a"
            ]
        );
        let acyclic = [
            source("emulator/src/lib.rs", lib),
            source("emulator/src/main.rs", "use crate::a;\nfn main() {}\n"),
            source("emulator/src/a.rs", "use crate::b::B;\n"),
            source(
                "emulator/src/b.rs",
                "#[cfg(test)]\nmod tests { use super::*; use crate::c; }\n",
            ),
            source("emulator/src/c.rs", "pub fn h() {}\n"),
        ];
        assert!(emulator_circles(&acyclic).is_empty());
    }

    #[test]
    fn literals_and_comments_are_blanked_line_for_line() {
        let text =
            "let a = 'x'; let b: &'static str = r#\"web_sys\n\"#; /* a\n /* b */ */ c // d\n";
        let blanked = blank(text, Language::Rust, true);
        assert_eq!(blanked.lines().count(), text.lines().count());
        assert!(!blanked.contains("web_sys") && !blanked.contains('d'));
        assert!(blanked.contains("&'static str") && blanked.contains(" c "));
    }
}
