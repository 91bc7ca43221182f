//! Where things live in the workspace.

use std::path::PathBuf;

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn root() -> PathBuf {
    let xtask_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().map(PathBuf::from).unwrap_or(xtask_dir)
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR`).
pub fn target() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => root().join("target"),
    }
}

/// The web resources exactly as the solution ships them.
pub fn webresources() -> PathBuf {
    target().join("dist").join("webresources")
}

/// Name of the form library web resource (publisher prefix `rsub_`).
pub const FORM_LIBRARY: &str = "rsub_/resubscribe/form.js";

/// The built form library on disk.
pub fn form_library() -> PathBuf {
    webresources().join(FORM_LIBRARY)
}

/// Name of the Contact form's library web resource.
pub const CONTACT_LIBRARY: &str = "rsub_/resubscribe/contact.js";

/// Name of the configuration page's library web resource (`setup.html` loads it).
pub const SETUP_LIBRARY: &str = "rsub_/resubscribe/setup.js";
