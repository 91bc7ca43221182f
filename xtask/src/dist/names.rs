//! The platform's naming rules for web resources and solution parts, as pure functions.
//!
//! Owns: web resource name validation, the web resource type from an extension, the packed
//! file name (`/WebResources/<name without punctuation><GUID>`), the RESX language code, GUID
//! and version formats. Touches no files.

/// The publisher's customization prefix, with the separator every name starts with.
pub const PREFIX: &str = "rsub_";

/// The longest web resource name (the `webresource.name` column holds 100 characters).
pub const MAX_NAME_LEN: usize = 100;

/// Web resource types by extension (docs/platform.md; there is no WebAssembly type).
const TYPES: [(&str, u32); 12] = [
    ("html", 1),
    ("htm", 1),
    ("css", 2),
    ("js", 3),
    ("xml", 4),
    ("png", 5),
    ("jpg", 6),
    ("gif", 7),
    ("xsl", 9),
    ("ico", 10),
    ("svg", 11),
    ("resx", 12),
];

/// Type code of a RESX (string) web resource.
pub const RESX: u32 = 12;

/// Checks a web resource name against the platform's rules: publisher prefix first, then only
/// letters, digits, `_`, `-`, `.` and single `/` between non-empty segments, with an extension.
pub fn check_name(name: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("web resource name `{name}` {why}"));
    if !name.starts_with(PREFIX) {
        return fail(&format!("must start with the publisher prefix `{PREFIX}`"));
    }
    if name.len() > MAX_NAME_LEN {
        return fail(&format!("is longer than {MAX_NAME_LEN} characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')))
    {
        return fail(&format!(
            "contains `{c}` (allowed: letters, digits, _ - . /)"
        ));
    }
    if name.split('/').any(str::is_empty) {
        return fail("has an empty path segment (`//` or a trailing `/`)");
    }
    if type_of(name).is_none() {
        return fail("has no known web resource extension");
    }
    Ok(())
}

/// The web resource type code for a name, from its extension (case-insensitive).
pub fn type_of(name: &str) -> Option<u32> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    TYPES.iter().find(|(e, _)| *e == ext).map(|&(_, t)| t)
}

/// The language code of a RESX web resource, from the LCID before `.resx`
/// (`rsub_/strings/Resubscribe.1031.resx` → 1031).
pub fn resx_language(name: &str) -> Option<u32> {
    let stem = name.strip_suffix(".resx")?;
    let lcid = stem.rsplit_once('.')?.1;
    (lcid.len() == 4 && lcid.bytes().all(|b| b.is_ascii_digit()))
        .then(|| lcid.parse().ok())
        .flatten()
}

/// Normalises a GUID to the `{lower-case}` form used in `WebResourceId` and `formid`;
/// `None` when it is not a GUID.
pub fn braced_guid(text: &str) -> Option<String> {
    let bare = text.trim().trim_start_matches('{').trim_end_matches('}');
    let groups: Vec<&str> = bare.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip(lengths)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    ok.then(|| format!("{{{}}}", bare.to_ascii_lowercase()))
}

/// The part name of a web resource inside a packed zip: the name without any character
/// outside `[A-Za-z0-9_]`, then the GUID in upper case without braces.
pub fn packed_file_name(name: &str, id: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let guid = id
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_uppercase();
    format!("/WebResources/{kept}{guid}")
}

/// Expands a crate version to the four-part solution version (`0.1.0` → `0.1.0.0`); a
/// pre-release or build suffix is dropped. Fails on anything that is not 1–4 numbers.
pub fn solution_version(crate_version: &str) -> Result<String, String> {
    let core = crate_version
        .split(['-', '+'])
        .next()
        .unwrap_or(crate_version);
    let mut parts: Vec<&str> = core.split('.').collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric || parts.len() > 4 {
        return Err(format!(
            "version `{crate_version}` cannot become a solution version (1–4 numbers)"
        ));
    }
    while parts.len() < 4 {
        parts.push("0");
    }
    Ok(parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_shipped_names() {
        for name in [
            "rsub_/resubscribe/form.js",
            "rsub_/resubscribe/evidence.html",
            "rsub_/resubscribe/status.css",
            "rsub_/resubscribe/icon.svg",
            "rsub_/strings/Resubscribe.1033.resx",
        ] {
            assert_eq!(check_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn refuses_names_the_platform_refuses() {
        for name in [
            "abc_/resubscribe/form.js",
            "rsub_/resubscribe//form.js",
            "rsub_/resubscribe/",
            "rsub_/re subscribe/form.js",
            "rsub_/resubscribe/form.wasm",
            "rsub_/résumé/form.js",
        ] {
            assert!(check_name(name).is_err(), "{name}");
        }
        let long = format!("rsub_/{}.js", "a".repeat(100));
        assert!(check_name(&long).is_err());
    }

    #[test]
    fn maps_extensions_to_web_resource_types() {
        assert_eq!(type_of("rsub_/resubscribe/form.js"), Some(3));
        assert_eq!(type_of("rsub_/resubscribe/evidence.html"), Some(1));
        assert_eq!(type_of("rsub_/resubscribe/status.css"), Some(2));
        assert_eq!(type_of("rsub_/resubscribe/icon.svg"), Some(11));
        assert_eq!(type_of("rsub_/resubscribe/icon.PNG"), Some(5));
        assert_eq!(type_of("rsub_/strings/Resubscribe.1036.resx"), Some(12));
        assert_eq!(type_of("rsub_/resubscribe/form.wasm"), None);
        assert_eq!(type_of("rsub_/resubscribe/README"), None);
    }

    #[test]
    fn reads_the_language_code_from_a_resx_name() {
        assert_eq!(
            resx_language("rsub_/strings/Resubscribe.1043.resx"),
            Some(1043)
        );
        assert_eq!(resx_language("rsub_/strings/Resubscribe.resx"), None);
        assert_eq!(resx_language("rsub_/strings/Resubscribe.en.resx"), None);
        assert_eq!(resx_language("rsub_/resubscribe/form.js"), None);
    }

    #[test]
    fn packs_file_names_like_real_exports() {
        // apollo-unmanaged: apollo_MedicalReport_script + {c7371543-f1ee-f011-8407-0022481a1bf1}
        assert_eq!(
            packed_file_name(
                "apollo_MedicalReport_script",
                "{c7371543-f1ee-f011-8407-0022481a1bf1}"
            ),
            "/WebResources/apollo_MedicalReport_scriptC7371543-F1EE-F011-8407-0022481A1BF1"
        );
        assert_eq!(
            packed_file_name(
                "rsub_/strings/Resubscribe.1033.resx",
                "{0c5d2a43-63a7-4d8e-9a4b-4a1f7f0e1033}"
            ),
            "/WebResources/rsub_stringsResubscribe1033resx0C5D2A43-63A7-4D8E-9A4B-4A1F7F0E1033"
        );
    }

    #[test]
    fn normalises_guids_and_refuses_non_guids() {
        assert_eq!(
            braced_guid("C7371543-F1EE-F011-8407-0022481A1BF1").as_deref(),
            Some("{c7371543-f1ee-f011-8407-0022481a1bf1}")
        );
        assert_eq!(
            braced_guid("{c7371543-f1ee-f011-8407-0022481a1bf1}").as_deref(),
            Some("{c7371543-f1ee-f011-8407-0022481a1bf1}")
        );
        assert_eq!(braced_guid("c7371543-f1ee-f011-8407"), None);
        assert_eq!(braced_guid("g7371543-f1ee-f011-8407-0022481a1bf1"), None);
    }

    #[test]
    fn expands_the_crate_version_to_four_parts() {
        assert_eq!(solution_version("0.1.0").as_deref(), Ok("0.1.0.0"));
        assert_eq!(solution_version("2.3").as_deref(), Ok("2.3.0.0"));
        assert_eq!(solution_version("1.2.3-beta.1").as_deref(), Ok("1.2.3.0"));
        assert_eq!(solution_version("1.2.3.4").as_deref(), Ok("1.2.3.4"));
        assert!(solution_version("1.2.3.4.5").is_err());
        assert!(solution_version("one.two").is_err());
    }
}
