//! Small, panic-free text helpers shared by the domain modules: bounding outside strings,
//! measuring lengths the way Dataverse does (UTF-16 code units), folding case for
//! comparisons and finding one text in another. Owns no business rule.

use crate::prelude::*;
/// Length in UTF-16 code units, the unit Dataverse string limits are counted in.
pub(crate) fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Number of Unicode scalar values (what a user perceives as "characters" in our limits).
pub(crate) fn char_len(s: &str) -> usize {
    // Every char starts with a byte that is not a continuation byte (`10xxxxxx`); counted
    // bytewise, which keeps `core`'s chunked counter out of the module.
    s.bytes().filter(|&b| b & 0xC0 != 0x80).count()
}

/// `hay` with every `from` replaced by `to`, as `str::replace` does (without `core`'s
/// substring searcher and its panic path); an empty `from` replaces nothing.
#[cfg(any(not(feature = "module"), feature = "setup-page"))]
pub(crate) fn replace(hay: &str, from: &str, to: &str) -> String {
    let mut replaced = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some((before, after)) = split_once(rest, from).filter(|_| !from.is_empty()) {
        replaced.push_str(before);
        replaced.push_str(to);
        rest = after;
    }
    replaced.push_str(rest);
    replaced
}

/// `parts` with `separator` between them: `[..].join` without `alloc`'s generic copy, and
/// without collecting the parts first.
pub(crate) fn join<S: AsRef<str>>(parts: impl IntoIterator<Item = S>, separator: &str) -> String {
    let mut joined = String::new();
    for (index, part) in parts.into_iter().enumerate() {
        if index > 0 {
            joined.push_str(separator);
        }
        joined.push_str(part.as_ref());
    }
    joined
}

/// The longest prefix of `s` with at most `max` chars; never splits a char.
pub(crate) fn prefix_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((end, _)) => s.get(..end).unwrap_or(s),
        None => s,
    }
}

/// The longest prefix of `s` with at most `max` UTF-16 code units; never splits a char.
pub(crate) fn prefix_utf16(s: &str, max: usize) -> &str {
    let mut used = 0usize;
    for (index, c) in s.char_indices() {
        used += c.len_utf16();
        if used > max {
            return s.get(..index).unwrap_or("");
        }
    }
    s
}

/// `s` trimmed and cut to `max` chars, ending in `…` when something was cut.
/// Used to keep outside strings (error details, labels) bounded before they are stored.
pub(crate) fn bounded(s: &str, max: usize) -> String {
    let trimmed = s.trim();
    if char_len(trimmed) <= max {
        return trimmed.to_owned();
    }
    let mut out = prefix_chars(trimmed, max.saturating_sub(1)).to_owned();
    out.push('…');
    out
}

/// `s` cut to at most `max` UTF-16 code units, ending in `…` when something was cut.
pub(crate) fn bounded_utf16(s: &str, max: usize) -> String {
    if utf16_len(s) <= max {
        return s.to_owned();
    }
    let mut out = prefix_utf16(s, max.saturating_sub(1)).to_owned();
    out.push('…');
    out
}

/// `n` in decimal. Not `to_string` or `format!`: `core::fmt` would be several KB of the
/// module, and the module builds its texts from pieces (`concat`, `String::extend`) instead.
pub fn decimal(n: i64) -> String {
    // Filled from the right; u64::MAX has 20 digits.
    let mut digits = [0u8; 20];
    let mut rest = n.unsigned_abs();
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        start -= 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(21);
    if n < 0 {
        out.push('-');
    }
    out.extend(digits.iter().skip(start).map(|&d| char::from(d)));
    out
}

/// Byte offset of the first `needle` in `hay`.
///
/// A plain scan instead of `str::find` with a `&str` pattern: the texts searched here are
/// short, and core's two-way searcher would bring about 8 KB into the module, its
/// string-slicing panic path included. A match of a whole `needle` starts and ends on char
/// boundaries, so the offsets are safe to cut at.
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    match needle.len() {
        0 => Some(0),
        n => hay
            .as_bytes()
            .windows(n)
            .position(|w| w == needle.as_bytes()),
    }
}

/// Byte offset of the last `needle` in `hay`.
pub(crate) fn rfind(hay: &str, needle: &str) -> Option<usize> {
    match needle.len() {
        0 => Some(hay.len()),
        n => hay
            .as_bytes()
            .windows(n)
            .rposition(|w| w == needle.as_bytes()),
    }
}

/// Whether `needle` occurs in `hay`.
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `hay` around its first `needle`, without it.
pub(crate) fn split_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    cut(hay, find(hay, needle)?, needle.len())
}

/// `hay` around its last `needle`, without it.
pub(crate) fn rsplit_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    cut(hay, rfind(hay, needle)?, needle.len())
}

fn cut(hay: &str, at: usize, len: usize) -> Option<(&str, &str)> {
    Some((hay.get(..at)?, hay.get(at + len..)?))
}

/// `s` in lower case for comparisons: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
/// capitals (the scripts of the labels and role names Dynamics shows) become small letters;
/// every other char is kept as it is.
///
/// Not `str::to_lowercase`: its Unicode tables would be about a tenth of the shipped module.
pub fn fold_case(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    let code = u32::from(c);
    let folded = match code {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB => code + 0x20,
        0x410..=0x42F => code + 0x20,
        0x386 => 0x3AC,
        0x388..=0x38A => code + 37,
        0x38C => 0x3CC,
        0x38E..=0x38F => code + 63,
        0x400..=0x40F => code + 0x50,
        0x178 => 0xFF,
        0x130 => 0x69,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if code % 2 == 0 => code + 1,
        0x139..=0x148 | 0x179..=0x17E if code % 2 == 1 => code + 1,
        _ => code,
    };
    char::from_u32(folded).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_case_agrees_with_unicode_lowercase_on_the_scripts_it_covers() {
        let covered = (0x20u32..0x180).chain(0x386..0x3CF).chain(0x400..0x460);
        for c in covered.filter_map(char::from_u32) {
            let unicode: String = c.to_lowercase().collect();
            if unicode.chars().count() == 1 && c != '\u{130}' {
                assert_eq!(
                    fold_case(&c.to_string()),
                    unicode,
                    "{c:?} U+{:04X}",
                    c as u32
                );
            }
        }
        assert_eq!(
            fold_case("Administrateur Système"),
            "administrateur système"
        );
        assert_eq!(fold_case("ÄÖÜ ΣΩ ДЖ Ёж"), "äöü σω дж ёж");
        assert_eq!(fold_case("İ"), "i");
        assert_eq!(fold_case("日本語 ẞ"), "日本語 ẞ");
    }

    #[test]
    fn cuts_on_char_boundaries_and_marks_the_cut() {
        assert_eq!(prefix_chars("Zoë Brown", 3), "Zoë");
        assert_eq!(bounded("  Zoë Brown  ", 4), "Zoë…");
        assert_eq!(bounded("Zoë", 3), "Zoë");
        assert_eq!(prefix_utf16("a😀b", 2), "a");
        assert_eq!(prefix_utf16("a😀b", 3), "a😀");
        assert_eq!(bounded_utf16("a😀b", 3), "a…");
        assert_eq!(utf16_len("a😀b"), 4);
    }

    #[test]
    fn joins_as_the_standard_library_does() {
        for parts in [&[][..], &["a"][..], &["a", "", "bc"][..]] {
            assert_eq!(join(parts, ", "), parts.join(", "));
            assert_eq!(
                join(parts.iter().map(|p| p.to_string()), "."),
                parts.join(".")
            );
        }
    }

    #[test]
    fn writes_the_extremes_in_decimal() {
        assert_eq!(decimal(0), "0");
        assert_eq!(decimal(-7), "-7");
        assert_eq!(decimal(i64::MIN), "-9223372036854775808");
        assert_eq!(decimal(i64::MAX), "9223372036854775807");
    }

    proptest::proptest! {
        #[test]
        fn decimal_agrees_with_display(n in proptest::prelude::any::<i64>()) {
            proptest::prop_assert_eq!(decimal(n), n.to_string());
        }

        #[test]
        fn counts_chars_as_the_standard_library_does(text in "\\PC{0,24}") {
            proptest::prop_assert_eq!(char_len(&text), text.chars().count());
        }

        #[test]
        fn replacing_agrees_with_the_standard_library(
            hay in "[ab\\\\'\u{e9}]{0,12}",
            from in "[ab\\\\'\u{e9}]{1,3}",
            to in "[ab']{0,2}",
        ) {
            proptest::prop_assert_eq!(replace(&hay, &from, &to), hay.replace(from.as_str(), &to));
        }

        #[test]
        fn finding_agrees_with_the_standard_library(
            hay in "[ab\u{e9}\u{1F600}]{0,12}",
            needle in "[ab\u{e9}\u{1F600}]{0,3}",
        ) {
            proptest::prop_assert_eq!(find(&hay, &needle), hay.find(needle.as_str()));
            proptest::prop_assert_eq!(rfind(&hay, &needle), hay.rfind(needle.as_str()));
            proptest::prop_assert_eq!(contains(&hay, &needle), hay.contains(needle.as_str()));
            proptest::prop_assert_eq!(split_once(&hay, &needle), hay.split_once(needle.as_str()));
            proptest::prop_assert_eq!(rsplit_once(&hay, &needle), hay.rsplit_once(needle.as_str()));
        }
    }
}
