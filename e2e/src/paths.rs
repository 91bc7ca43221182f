//! Where things are: the workspace root, the Cargo target folder (honouring `CARGO_TARGET_DIR`),
//! the built web resources the demo loads, and the screenshot folder.

use std::path::{Path, PathBuf};

use crate::failure::{Failure, Outcome};

/// The Email Suppressions form's library the demo loads, relative to the web resources folder.
pub const FORM_LIBRARY: &str = "rsub_/resubscribe/form.js";
/// The Contact form's library, likewise.
pub const CONTACT_LIBRARY: &str = "rsub_/resubscribe/contact.js";

/// The workspace root (the parent of this crate).
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The Cargo target folder: `$CARGO_TARGET_DIR` (relative to the root when relative), else
/// `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// `<root>/www`: the demo and the fallback web resources.
pub fn www_dir() -> PathBuf {
    root().join("www")
}

/// `<target>/dist/webresources`: what `cargo xtask build` writes.
pub fn webresources_dir() -> PathBuf {
    target_dir().join("dist").join("webresources")
}

/// The built Email Suppressions form library; fails with the command to run when it or the
/// Contact form's library is missing.
pub fn built_form_library() -> Outcome<PathBuf> {
    for name in [CONTACT_LIBRARY, FORM_LIBRARY] {
        let library = webresources_dir().join(name);
        if !library.is_file() {
            return Err(Failure::new(format!(
                "the form library {} is missing: run `cargo xtask build` first (cargo xtask test does it)",
                library.display()
            )));
        }
    }
    Ok(webresources_dir().join(FORM_LIBRARY))
}

/// `<target>/e2e/<test>.png`, creating the folder.
pub fn screenshot_path(test: &str) -> Outcome<PathBuf> {
    let dir = target_dir().join("e2e");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir.join(format!("{test}.png")))
}
