//! Facts read from the root `Cargo.toml`, so each is written down once.

fn read() -> Result<String, String> {
    std::fs::read_to_string(crate::paths::root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))
}

/// The exact `wasm-bindgen` version pinned in the manifest (`wasm-bindgen = "=x.y.z"`, or
/// `version = "=x.y.z"` in an inline table).
pub fn pinned_wasm_bindgen() -> Result<String, String> {
    pinned_wasm_bindgen_in(&read()?).ok_or_else(|| {
        "Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = \"=x.y.z\")".into()
    })
}

/// The plugin package's version (`[package] version`).
pub fn package_version() -> Result<String, String> {
    package_version_in(&read()?).ok_or_else(|| "Cargo.toml has no [package] version".into())
}

fn pinned_wasm_bindgen_in(manifest: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("wasm-bindgen")?.trim_start();
        let rest = rest.strip_prefix('=')?.trim_start();
        let rest = match rest.strip_prefix('{') {
            Some(table) => table
                .split("version")
                .nth(1)?
                .trim_start()
                .strip_prefix('=')?,
            None => rest,
        };
        let rest = rest.trim_start().strip_prefix("\"=")?;
        rest.split('"').next().map(str::to_owned)
    })
}

fn package_version_in(manifest: &str) -> Option<String> {
    let package = manifest.split("[package]").nth(1)?;
    package
        .lines()
        .take_while(|l| !l.starts_with('['))
        .find_map(|line| {
            let rest = line
                .trim()
                .strip_prefix("version")?
                .trim_start()
                .strip_prefix('=')?;
            rest.trim()
                .strip_prefix('"')?
                .split('"')
                .next()
                .map(str::to_owned)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "[workspace]\nmembers = [\"xtask\"]\n\n[package]\nname = \"resubscribe\"\n\
        version = \"0.3.1\"\n\n[dependencies]\nwasm-bindgen-futures = \"0.4\"\nwasm-bindgen = \"=0.2.130\"\n";

    #[test]
    fn reads_the_exact_wasm_bindgen_pin_not_a_sibling_crate() {
        assert_eq!(pinned_wasm_bindgen_in(MANIFEST).as_deref(), Some("0.2.130"));
        assert_eq!(pinned_wasm_bindgen_in("wasm-bindgen = \"0.2\""), None);
        let table = "wasm-bindgen = { version = \"=0.2.130\", default-features = false }";
        assert_eq!(pinned_wasm_bindgen_in(table).as_deref(), Some("0.2.130"));
        let loose = "wasm-bindgen = { version = \"0.2\", default-features = false }";
        assert_eq!(pinned_wasm_bindgen_in(loose), None);
    }

    #[test]
    fn reads_the_package_version() {
        assert_eq!(package_version_in(MANIFEST).as_deref(), Some("0.3.1"));
    }
}
