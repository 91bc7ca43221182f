//! The shipped modules' size rules, checked on the functions a module links (the name section
//! wasm-bindgen writes): each of these brings kilobytes of `core` into every library that
//! reaches for it, through our code or a dependency's.

use crate::wasm_bin::function_names;

/// A function name that gives a rule away, and what to use instead.
const RULES: [(&[u8], &str); 4] = [
    (
        b"StrSearcher",
        "a search for a text in a text (`find`, `contains`, `split`, `replace` with a `&str` \
         pattern): use `domain::text`",
    ),
    (
        b"str::slice_error_fail",
        "string slicing (`&s[a..b]`): use `s.get(a..b)`",
    ),
    (
        b"::fmt::write",
        "formatting (`format!`, `to_string`, `write!`): build texts from pieces",
    ),
    (
        b"::fmt::Write",
        "formatting (`format!`, `to_string`, `write!`): build texts from pieces",
    ),
];

/// Every rule `wasm` (a module with its name section) breaks, said once each.
pub fn broken(wasm: &[u8]) -> Result<Vec<String>, String> {
    let names = function_names(wasm)?;
    let mut found: Vec<String> = Vec::new();
    for (part, instead) in RULES {
        let Some((_, name)) = names
            .iter()
            .find(|(_, name)| name.windows(part.len()).any(|w| w == part))
        else {
            continue;
        };
        let said = format!("{} links {}", instead, String::from_utf8_lossy(name));
        if !found.iter().any(|f| f.starts_with(instead)) {
            found.push(said);
        }
    }
    Ok(found)
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
