//! Empties the function-table slots nothing calls through, so that `wasm-opt` can drop what
//! only they kept: a call through an emptied slot (`ref.null`) would trap instead.
//!
//! - **Closure `invoke` shims.** wasm-bindgen 0.2.130 describes each closure type to its
//!   build-time interpreter by the address of an `invoke` shim (`convert/closures.rs`,
//!   `describe_invoke`), so the linker puts every such shim into the table. The CLI then
//!   removes the descriptors and calls the shims it needs through exports of their own
//!   (`wit/outgoing.rs` looks each one up in the table at build time); no code holds those
//!   indices any more.
//! - **Formatting methods** (`<… as core::fmt::Display>::fmt`, `Debug`), when the module has
//!   no `core::fmt::Write` implementation and no `core::fmt::write`. They sit in the table
//!   because panic sites build `fmt::Arguments` that point at them. Only a `Formatter` calls
//!   through those pointers, and a `Formatter` writes to a `fmt::Write`: without one, nothing
//!   in the module formats (its panic handler traps without formatting).
//!
//! Both hold only while the function table stays inside the module: one that is exported or
//! imported (JavaScript could call through it) is left as it is, as are element segments of a
//! kind the linker does not write (anything but active, table 0, an `i32.const` offset,
//! function indices).

use crate::module_rules::FORMATTING;
use crate::wasm_bin::{
    function_names, leb_u32, name_contains, push_leb, read_name, sections, skip_import_desc,
};

/// What the linker names the shims (function names of the module wasm-bindgen writes).
const INVOKE: &[u8] = b"wasm_bindgen::convert::closures::_::invoke::";
/// What formatting methods' names end with, and the traits they implement.
const FMT_METHOD: &[u8] = b"::fmt";
const FMT_TRAITS: [&[u8]; 2] = [b"::fmt::Display>", b"::fmt::Debug>"];

/// `wasm` with the table slots nothing calls through set to `ref.null`, and how many; `wasm`
/// as it is where that cannot be shown (see the module's doc).
pub fn empty(wasm: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let sections = sections(wasm)?;
    if table_reachable_from_outside(wasm, &sections)? {
        return Ok((wasm.to_vec(), 0));
    }
    let uncalled = uncalled(&function_names(wasm)?);
    let mut out = wasm.get(..8).ok_or("not a wasm module")?.to_vec();
    let mut emptied = 0;
    for &(id, start, end) in &sections {
        let mut payload = wasm[start..end].to_vec();
        if id == 9 {
            match rewrite_elements(&payload, &uncalled)? {
                Some((elements, count)) => (payload, emptied) = (elements, count),
                None => return Ok((wasm.to_vec(), 0)),
            }
        }
        out.push(id);
        push_leb(
            &mut out,
            u32::try_from(payload.len()).map_err(|_| "section too long")?,
        );
        out.extend_from_slice(&payload);
    }
    Ok((out, emptied))
}

/// Whether the module imports a table or exports table 0 (the linker's function table).
fn table_reachable_from_outside(
    wasm: &[u8],
    sections: &[(u8, usize, usize)],
) -> Result<bool, String> {
    for &(id, start, end) in sections {
        let section = &wasm[start..end];
        let mut p = 0;
        if id != 2 && id != 7 {
            continue;
        }
        for _ in 0..leb_u32(section, &mut p)? {
            if id == 2 {
                read_name(section, &mut p)?;
            }
            read_name(section, &mut p)?;
            let kind = *section.get(p).ok_or("truncated import or export")?;
            p += 1;
            if id == 2 {
                if kind == 1 {
                    return Ok(true);
                }
                skip_import_desc(section, kind, &mut p)?;
            } else if leb_u32(section, &mut p)? == 0 && kind == 1 {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The functions of `names` that nothing calls through the table (see the module's doc).
fn uncalled(names: &[(u32, &[u8])]) -> Vec<u32> {
    let formats = names
        .iter()
        .any(|(_, name)| FORMATTING.iter().any(|f| name_contains(name, f)));
    let is_fmt_method = |name: &[u8]| {
        name.ends_with(FMT_METHOD) && FMT_TRAITS.iter().any(|t| name_contains(name, t))
    };
    names
        .iter()
        .filter(|(_, name)| name.starts_with(INVOKE) || (!formats && is_fmt_method(name)))
        .map(|&(index, _)| index)
        .collect()
}

/// The element section with the slots of `uncalled` as `ref.null` (each segment rewritten
/// with expressions), and how many slots that emptied; `None` for segments of another kind.
fn rewrite_elements(section: &[u8], uncalled: &[u32]) -> Result<Option<(Vec<u8>, usize)>, String> {
    let mut p = 0;
    let count = leb_u32(section, &mut p)?;
    let mut out = Vec::new();
    push_leb(&mut out, count);
    let mut emptied = 0;
    for _ in 0..count {
        if leb_u32(section, &mut p)? != 0 {
            return Ok(None);
        }
        // The offset: `i32.const` with a signed LEB number, then `end`.
        let offset_start = p;
        let byte = |at: usize| section.get(at).copied().ok_or("truncated element offset");
        if byte(p)? != 0x41 {
            return Ok(None);
        }
        p += 1;
        while byte(p)? & 0x80 != 0 {
            p += 1;
        }
        p += 1;
        if byte(p)? != 0x0b {
            return Ok(None);
        }
        p += 1;
        push_leb(&mut out, 4); // active, table 0, expressions
        out.extend_from_slice(&section[offset_start..p]);
        let entries = leb_u32(section, &mut p)?;
        push_leb(&mut out, entries);
        for _ in 0..entries {
            let function = leb_u32(section, &mut p)?;
            if uncalled.contains(&function) {
                out.extend([0xd0, 0x70, 0x0b]); // ref.null func, end
                emptied += 1;
            } else {
                out.push(0xd2); // ref.func
                push_leb(&mut out, function);
                out.push(0x0b);
            }
        }
    }
    if p != section.len() {
        return Err("element section longer than its segments".into());
    }
    Ok(Some((out, emptied)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(out: &mut Vec<u8>, id: u8, payload: &[u8]) {
        out.push(id);
        push_leb(out, payload.len() as u32);
        out.extend_from_slice(payload);
    }

    const DISPLAY: &[u8] = b"<u32 as core[c5930c85a12de822]::fmt::Display>::fmt";
    const DEBUG: &[u8] = b"<core::ops::range::Range<usize> as core::fmt::Debug>::fmt";
    const WRITE: &[u8] = b"core[c5930c85a12de822]::fmt::write";
    const WRITE_STR: &[u8] = b"<alloc::string::String as core::fmt::Write>::write_str";

    fn invoke() -> Vec<u8> {
        [INVOKE, b"h1"].concat()
    }

    /// A module whose table holds functions `0..names.len()`, split into element segments of
    /// `flags` at offsets 1 and 11 (11 is `end`'s byte), with `before` (other sections) ahead
    /// of them and a name section naming the functions (none when `names` is empty).
    fn module(flags: u8, names: &[&[u8]], before: &[u8]) -> Vec<u8> {
        let count = names.len() as u8;
        let (first, second) = (count / 2, count - count / 2);
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend(before);
        let mut elements = vec![2, flags, 0x41, 1, 0x0b, first];
        elements.extend(0..first);
        elements.extend([flags, 0x41, 11, 0x0b, second]);
        elements.extend(first..count);
        section(&mut m, 9, &elements);
        if !names.is_empty() {
            let mut list = vec![count];
            for (index, name) in names.iter().enumerate() {
                list.extend([index as u8, name.len() as u8]);
                list.extend(*name);
            }
            let mut custom = vec![4];
            custom.extend(b"name");
            section(&mut custom, 1, &list);
            section(&mut m, 0, &custom);
        }
        m
    }

    /// The element section `empty` writes for `slots` (`None`: emptied).
    fn elements(slots: &[Option<u8>]) -> Vec<u8> {
        let half = slots.len() / 2;
        let mut payload = vec![2];
        for (offset, part) in [(1, &slots[..half]), (11, &slots[half..])] {
            payload.extend([4, 0x41, offset, 0x0b, part.len() as u8]);
            for slot in part {
                match slot {
                    Some(f) => payload.extend([0xd2, *f, 0x0b]),
                    None => payload.extend([0xd0, 0x70, 0x0b]),
                }
            }
        }
        let mut out = vec![9, payload.len() as u8];
        out.extend(payload);
        out
    }

    /// Checks what `empty` makes of a module of `names`: `slots` (`None`: emptied), the name
    /// section after them unchanged.
    fn emptied(names: &[&[u8]], slots: &[Option<u8>]) {
        let original = module(0, names, &[]);
        let (out, count) = empty(&original).unwrap();
        assert_eq!(count, slots.iter().filter(|s| s.is_none()).count());
        let expected = [&original[..8], &elements(slots)].concat();
        assert_eq!(out[..expected.len()], expected[..]);
        let names_at = 8 + 2 + 11 + names.len();
        assert_eq!(out[expected.len()..], original[names_at..]);
    }

    #[test]
    fn empties_the_slots_of_invoke_shims_and_keeps_the_others() {
        let invoke = invoke();
        emptied(
            &[&invoke, b"other", b"more", &invoke],
            &[None, Some(1), Some(2), None],
        );
    }

    #[test]
    fn empties_formatting_methods_only_where_nothing_formats() {
        emptied(&[b"other", DISPLAY, DEBUG], &[Some(0), None, None]);
        emptied(&[WRITE, DISPLAY], &[Some(0), Some(1)]);
        emptied(&[WRITE_STR, DEBUG], &[Some(0), Some(1)]);
    }

    #[test]
    fn without_names_empties_nothing() {
        let (_, count) = empty(&module(0, &[], &[])).unwrap();
        assert_eq!(count, 0);
    }

    #[test]
    fn leaves_a_module_alone_where_the_table_can_be_reached_or_segments_differ() {
        let invoke = invoke();
        let names: &[&[u8]] = &[&invoke, &invoke];
        // Segments with an explicit table.
        let other_kind = module(2, names, &[]);
        assert_eq!(empty(&other_kind).unwrap(), (other_kind, 0));
        // Table 0 exported as `t`.
        let exported = module(0, names, &[7, 5, 1, 1, b't', 1, 0]);
        assert_eq!(empty(&exported).unwrap(), (exported, 0));
        // A table imported from `m`.`t`.
        let imported = module(0, names, &[2, 9, 1, 1, b'm', 1, b't', 1, 0x70, 0, 0]);
        assert_eq!(empty(&imported).unwrap(), (imported, 0));
        // An offset that is not an `i32.const`.
        let mut global_offset = module(0, names, &[]);
        global_offset[12] = 0x23; // global.get
        assert_eq!(empty(&global_offset).unwrap(), (global_offset, 0));
    }

    #[test]
    fn refuses_garbage() {
        assert!(empty(b"nope").is_err());
        // An element section cut inside its second segment, its header mended to match.
        let invoke = invoke();
        let mut cut = module(0, &[&invoke, &invoke], &[])[..8 + 2 + 8].to_vec();
        cut[9] = 8;
        assert!(empty(&cut).is_err());
    }
}
