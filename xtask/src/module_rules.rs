//! The shipped modules' size rules, checked on the functions a module links (the name section
//! wasm-bindgen writes): each of these brings kilobytes of `core` into every library that
//! reaches for it, through our code or a dependency's.

use crate::wasm_bin::{function_names, name_contains};

/// Names that say a module formats: `core::fmt::write`, and any `fmt::Write` method
/// (`<String as core::fmt::Write>::write_str`, `core::fmt::Write::write_fmt`). Names carry the
/// crate's hash (`core[…]::fmt::write`), so they are matched by their end.
pub const FORMATTING: &[&[u8]] = &[b"::fmt::write", b"::fmt::Write"];

/// The names that give a rule away, and what to use instead.
const RULES: [(&[&[u8]], &str); 3] = [
    (
        &[b"StrSearcher"],
        "a search for a text in a text (`find`, `contains`, `split`, `replace` with a `&str` \
         pattern): use `domain::text`",
    ),
    (
        &[b"str::slice_error_fail"],
        "string slicing (`&s[a..b]`): use `s.get(a..b)`",
    ),
    (
        FORMATTING,
        "formatting (`format!`, `to_string`, `write!`): build texts from pieces",
    ),
];

/// Every rule `wasm` (a module with its name section) breaks, each with a function that
/// breaks it.
pub fn broken(wasm: &[u8]) -> Result<Vec<String>, String> {
    let names = function_names(wasm)?;
    Ok(RULES
        .iter()
        .filter_map(|(parts, instead)| {
            let (_, name) = names
                .iter()
                .find(|(_, name)| parts.iter().any(|part| name_contains(name, part)))?;
            Some(format!("{instead} links {}", String::from_utf8_lossy(name)))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm_bin::push_leb;

    /// A module with only a name section naming functions `names`.
    fn module(names: &[&[u8]]) -> Vec<u8> {
        let mut list = vec![names.len() as u8];
        for (index, name) in names.iter().enumerate() {
            list.extend([index as u8, name.len() as u8]);
            list.extend(*name);
        }
        let mut custom = vec![4];
        custom.extend(b"name");
        custom.push(1);
        push_leb(&mut custom, list.len() as u32);
        custom.extend(list);
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.push(0);
        push_leb(&mut m, custom.len() as u32);
        m.extend(custom);
        m
    }

    #[test]
    fn a_module_that_keeps_the_rules_passes() {
        let clean = module(&[
            b"resubscribe::domain::text::find",
            b"<u32 as core::fmt::Display>::fmt",
        ]);
        assert_eq!(broken(&clean), Ok(vec![]));
    }

    #[test]
    fn says_each_rule_a_module_breaks_once() {
        let searcher =
            b"<core::str::pattern::StrSearcher as core::str::pattern::Searcher>::next_match";
        let broken_rules = broken(&module(&[
            searcher,
            b"core[c5930c85a12de822]::str::slice_error_fail",
            b"<alloc::string::String as core::fmt::Write>::write_str",
            b"core[c5930c85a12de822]::fmt::write",
        ]))
        .unwrap();
        assert_eq!(broken_rules.len(), 3, "{broken_rules:?}");
        assert!(
            broken_rules[0].contains("domain::text") && broken_rules[0].contains("StrSearcher")
        );
        assert!(broken_rules[1].contains("s.get(a..b)"));
        assert!(broken_rules[2].contains("formatting"));
    }
}
