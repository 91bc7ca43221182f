//! Small, panic-free text helpers shared by the domain modules: bounding outside strings and
//! measuring lengths the way Dataverse does (UTF-16 code units). Owns no business rule.

/// Length in UTF-16 code units, the unit Dataverse string limits are counted in.
pub(crate) fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Number of Unicode scalar values (what a user perceives as "characters" in our limits).
pub(crate) fn char_len(s: &str) -> usize {
    s.chars().count()
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
        return trimmed.to_string();
    }
    let mut out = prefix_chars(trimmed, max.saturating_sub(1)).to_string();
    out.push('…');
    out
}

/// `s` cut to at most `max` UTF-16 code units, ending in `…` when something was cut.
pub(crate) fn bounded_utf16(s: &str, max: usize) -> String {
    if utf16_len(s) <= max {
        return s.to_string();
    }
    let mut out = prefix_utf16(s, max.saturating_sub(1)).to_string();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
