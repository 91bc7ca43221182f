//! The Solution Checker's web-resource rules, offline: ESLint with
//! `@microsoft/eslint-plugin-power-apps` (every rule), `@microsoft/eslint-plugin-sdl` and core
//! `no-eval`/`no-new-func` (config: `tools/lint/eslint.config.mjs`) on every shipped script —
//! each `.js` web resource and the inline scripts of each `.html` page. Zero findings or fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cmd, paths};

/// `tools/lint/`, the npm project holding ESLint and the plug-ins (lock file committed).
fn lint_dir() -> PathBuf {
    paths::root().join("tools").join("lint")
}

/// Installs the lint tools with `npm ci` when `node_modules` is missing or the lock changed.
pub fn ensure_tools() -> Result<(), String> {
    let dir = lint_dir();
    let lock = std::fs::read(dir.join("package-lock.json"))
        .map_err(|e| format!("cannot read tools/lint/package-lock.json: {e}"))?;
    let stamp = dir.join("node_modules").join(".rsub-installed-lock.json");
    let eslint = dir.join("node_modules").join(".bin").join("eslint");
    if eslint.is_file() && std::fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) {
        return Ok(());
    }
    if !cmd::exists("npm") {
        return Err(
            "npm is missing: the ESLint step needs Node.js 20 and npm \
                    (Debian/Ubuntu: sudo apt-get install -y nodejs npm; macOS: brew install node)"
                .into(),
        );
    }
    let mut ci = Command::new("npm");
    ci.args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(&dir);
    cmd::run_with(&mut ci).map_err(|e| format!("installing the lint tools: {e}"))?;
    std::fs::write(&stamp, &lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// A script that ESLint checks, and where it comes from.
struct Script {
    file: PathBuf,
    origin: String,
}

/// Lints every script among the shipped web resources under `webresources`; returns the
/// number of scripts checked.
pub fn shipped_scripts(webresources: &Path, shipped: &[String]) -> Result<usize, String> {
    ensure_tools()?;
    let extracted = paths::target().join("dist").join("lint");
    let _ = std::fs::remove_dir_all(&extracted);
    let mut scripts = Vec::new();
    for name in shipped {
        let file = webresources.join(name);
        if name.ends_with(".js") {
            scripts.push(Script {
                file,
                origin: name.clone(),
            });
        } else if name.ends_with(".html") || name.ends_with(".htm") {
            let page = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            for (index, script) in page_scripts(&page).into_iter().enumerate() {
                match script {
                    PageScript::Linked(src) => check_linked(name, &src, shipped)?,
                    PageScript::Inline(code) => {
                        let out = extracted.join(format!(
                            "{}.inline-{}.js",
                            name.replace('/', "_"),
                            index + 1
                        ));
                        std::fs::create_dir_all(&extracted)
                            .map_err(|e| format!("cannot create {}: {e}", extracted.display()))?;
                        std::fs::write(&out, code)
                            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
                        scripts.push(Script {
                            file: out,
                            origin: format!("{name} (inline script {})", index + 1),
                        });
                    }
                }
            }
        }
    }
    if scripts.is_empty() {
        println!("eslint: no scripts shipped");
        return Ok(0);
    }
    let dir = lint_dir();
    let mut eslint = Command::new(dir.join("node_modules").join(".bin").join("eslint"));
    eslint
        .arg("--config")
        .arg(dir.join("eslint.config.mjs"))
        .args(["--max-warnings", "0", "--no-warn-ignored"]);
    for script in &scripts {
        eslint.arg(&script.file);
    }
    println!("eslint: checking {} script(s):", scripts.len());
    for script in &scripts {
        println!("  {}", script.origin);
    }
    cmd::run_with(&mut eslint).map_err(|e| {
        format!("ESLint found Solution Checker findings in shipped scripts (listed above): {e}")
    })?;
    println!("eslint: 0 findings in {} script(s)", scripts.len());
    Ok(scripts.len())
}

fn check_linked(page: &str, src: &str, shipped: &[String]) -> Result<(), String> {
    if src.contains("://") || src.starts_with("//") || src.starts_with('/') {
        return Err(format!(
            "{page} loads the script `{src}` from an absolute URL; ship it as a web resource and link it relatively (use-relative-uri)"
        ));
    }
    let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
    let mut segments: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for part in src.split(['?', '#']).next().unwrap_or(src).split('/') {
        match part {
            "." | "" => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let target = segments.join("/");
    if shipped.contains(&target) {
        Ok(())
    } else {
        Err(format!(
            "{page} loads `{src}` ({target}), which the package does not ship"
        ))
    }
}

/// A `<script>` of a page.
#[derive(Debug, PartialEq, Eq)]
enum PageScript {
    /// `src="…"`: linted as its own web resource.
    Linked(String),
    /// The element's code.
    Inline(String),
}

/// The JavaScript `<script>` elements of an HTML page (JSON data blocks and templates are
/// not scripts and are left out).
fn page_scripts(page: &str) -> Vec<PageScript> {
    let lower = page.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<script").map(|i| from + i) {
        let Some(tag_end) = lower[start..].find('>').map(|i| start + i) else {
            break;
        };
        let tag = &page[start..tag_end];
        let close = lower[tag_end..]
            .find("</script")
            .map_or(page.len(), |i| tag_end + i);
        from = close.max(tag_end + 1);
        if let Some(kind) = attribute(tag, "type") {
            let kind = kind.to_ascii_lowercase();
            if !(kind.is_empty() || kind.contains("javascript") || kind == "module") {
                continue;
            }
        }
        match attribute(tag, "src") {
            Some(src) => out.push(PageScript::Linked(src)),
            None => {
                let code = &page[tag_end + 1..close];
                if !code.trim().is_empty() {
                    out.push(PageScript::Inline(code.to_owned()));
                }
            }
        }
    }
    out
}

/// The value of an attribute in a start tag (quoted or not).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| from + i) {
        from = i + name.len();
        let before = lower[..i].chars().last();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(value.to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_and_linked_scripts_but_not_data_blocks() {
        let page = r#"<!DOCTYPE html><html><head>
            <script src="evidence.js" defer></script>
            <SCRIPT type='text/javascript'>var a = 1;</SCRIPT>
            <script type="application/json">{"a":1}</script>
            <script>
            </script>
        </head></html>"#;
        assert_eq!(
            page_scripts(page),
            vec![
                PageScript::Linked("evidence.js".into()),
                PageScript::Inline("var a = 1;".into())
            ]
        );
    }

    #[test]
    fn linked_scripts_must_be_shipped_and_relative() {
        let shipped = vec!["rsub_/resubscribe/evidence.js".to_owned()];
        assert_eq!(
            check_linked("rsub_/resubscribe/evidence.html", "evidence.js", &shipped),
            Ok(())
        );
        assert_eq!(
            check_linked(
                "rsub_/resubscribe/evidence.html",
                "./evidence.js?v=1",
                &shipped
            ),
            Ok(())
        );
        assert!(check_linked("rsub_/resubscribe/evidence.html", "status.js", &shipped).is_err());
        assert!(check_linked(
            "rsub_/resubscribe/evidence.html",
            "https://cdn.example/x.js",
            &shipped
        )
        .is_err());
        assert!(check_linked(
            "rsub_/resubscribe/evidence.html",
            "/WebResources/x.js",
            &shipped
        )
        .is_err());
    }
}
