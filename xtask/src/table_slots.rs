//! Empties the function-table slots nothing calls through, so that `wasm-opt` can drop what
//! only they kept: a call through an emptied slot (`ref.null`) would trap instead.
//!
//! - **Closure `invoke` shims.** wasm-bindgen 0.2.130 describes each closure type to its
//!   build-time interpreter by the address of an `invoke` shim (`convert/closures.rs`,
//!   `describe_invoke`), so the linker puts every such shim into the table. The CLI then
//!   removes the descriptors and calls the shims it needs through exports of their own; the
//!   table is not exported, and no code holds those indices any more.
//! - **Formatting methods** (`<… as core::fmt::Display>::fmt`, `Debug`), when the module has no
//!   `core::fmt::write`. They sit in the table because panic sites build `fmt::Arguments` that
//!   point at them; only `core::fmt::write` calls through those pointers, and the module's
//!   panic handler traps without formatting.

use crate::wasm_bin::{leb_u32, push_leb, read_name, sections};

/// What the linker names the shims (function names of the module wasm-bindgen writes).
const INVOKE: &[u8] = b"wasm_bindgen::convert::closures::_::invoke::";
/// What formatting methods' names end with, and the one function that calls them through
/// `fmt::Arguments` (names in the module carry the crate's hash: `core[…]::fmt::write`).
const FMT_METHOD: &[u8] = b"::fmt";
const FMT_TRAITS: [&[u8]; 2] = [b"::fmt::Display>", b"::fmt::Debug>"];
const FMT_WRITE: &[u8] = b"::fmt::write";

/// `wasm` with the table slots nothing calls through set to `ref.null`, and how many. A module
/// whose element segments are not the plain kind the linker writes (active, table 0, function
/// indices) is returned unchanged.
pub fn empty(wasm: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let sections = sections(wasm)?;
    let shims = uncalled(&function_names(wasm, &sections)?);
    let mut out = wasm.get(..8).ok_or("not a wasm module")?.to_vec();
    let mut emptied = 0;
    for &(id, start, end) in &sections {
        let mut payload = wasm[start..end].to_vec();
        if id == 9 {
            if let Some((elements, count)) = rewrite_elements(&payload, &shims)? {
                (payload, emptied) = (elements, count);
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

/// The functions of `names` that are only ever called through the table by what is gone or
/// never runs (see the module's doc).
fn uncalled(names: &[(u32, &[u8])]) -> Vec<u32> {
    let never_formats = !names.iter().any(|(_, name)| contains(name, FMT_WRITE));
    let is_fmt_method =
        |name: &[u8]| name.ends_with(FMT_METHOD) && FMT_TRAITS.iter().any(|t| contains(name, t));
    names
        .iter()
        .filter(|(_, name)| name.starts_with(INVOKE) || (never_formats && is_fmt_method(name)))
        .map(|&(index, _)| index)
        .collect()
}

fn contains(name: &[u8], part: &[u8]) -> bool {
    name.windows(part.len()).any(|w| w == part)
}

/// The function names of the module's name section, by index.
fn function_names<'a>(
    wasm: &'a [u8],
    sections: &[(u8, usize, usize)],
) -> Result<Vec<(u32, &'a [u8])>, String> {
    let mut names = Vec::new();
    for &(id, start, end) in sections {
        let section = &wasm[start..end];
        let mut p = 0;
        if id != 0 || read_name(section, &mut p)? != b"name" {
            continue;
        }
        while p < section.len() {
            let kind = section[p];
            p += 1;
            let size = leb_u32(section, &mut p)? as usize;
            let body = section
                .get(p..p + size)
                .ok_or("truncated name subsection")?;
            p += size;
            if kind != 1 {
                continue; // not function names
            }
            let mut q = 0;
            for _ in 0..leb_u32(body, &mut q)? {
                let index = leb_u32(body, &mut q)?;
                names.push((index, read_name(body, &mut q)?));
            }
        }
    }
    Ok(names)
}

/// The element section with `shims` as `ref.null` (each segment rewritten with expressions),
/// and how many slots that emptied; `None` for segments of another kind.
fn rewrite_elements(section: &[u8], shims: &[u32]) -> Result<Option<(Vec<u8>, usize)>, String> {
    let mut p = 0;
    let count = leb_u32(section, &mut p)?;
    let mut out = Vec::new();
    push_leb(&mut out, count);
    let mut emptied = 0;
    for _ in 0..count {
        if leb_u32(section, &mut p)? != 0 {
            return Ok(None);
        }
        // The offset: a constant expression ending with `end`.
        let offset_end = section[p..]
            .iter()
            .position(|&b| b == 0x0b)
            .ok_or("truncated element offset")?;
        let offset = &section[p..=p + offset_end];
        p += offset_end + 1;
        push_leb(&mut out, 4); // active, table 0, expressions
        out.extend_from_slice(offset);
        let entries = leb_u32(section, &mut p)?;
        push_leb(&mut out, entries);
        for _ in 0..entries {
            let function = leb_u32(section, &mut p)?;
            if shims.contains(&function) {
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
    const WRITE: &[u8] = b"core[c5930c85a12de822]::fmt::write";

    /// A module whose table holds functions `0..names.len()` in one element segment of
    /// `flags`, the name section naming them.
    fn module(flags: u8, names: &[&[u8]]) -> Vec<u8> {
        let count = names.len() as u8;
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let mut elements = vec![1, flags, 0x41, 1, 0x0b, count];
        elements.extend(0..count);
        section(&mut m, 9, &elements);
        let mut list = vec![count];
        for (index, name) in names.iter().enumerate() {
            list.extend([index as u8, name.len() as u8]);
            list.extend(*name);
        }
        let mut custom = vec![4];
        custom.extend(b"name");
        section(&mut custom, 1, &list);
        section(&mut m, 0, &custom);
        m
    }

    /// The element section `empty` writes for `slots` (`None`: emptied).
    fn elements(slots: &[Option<u8>]) -> Vec<u8> {
        let mut payload = vec![1, 4, 0x41, 1, 0x0b, slots.len() as u8];
        for slot in slots {
            match slot {
                Some(f) => payload.extend([0xd2, *f, 0x0b]),
                None => payload.extend([0xd0, 0x70, 0x0b]),
            }
        }
        let mut out = vec![9, payload.len() as u8];
        out.extend(payload);
        out
    }

    fn emptied(names: &[&[u8]], slots: &[Option<u8>]) {
        let original = module(0, names);
        let (out, count) = empty(&original).unwrap();
        assert_eq!(count, slots.iter().filter(|s| s.is_none()).count());
        let expected = [&original[..8], &elements(slots)].concat();
        assert_eq!(out[..expected.len()], expected[..]);
        // The name section follows unchanged.
        let names_at = 8 + 2 + 6 + names.len();
        assert_eq!(out[expected.len()..], original[names_at..]);
    }

    #[test]
    fn empties_the_slot_of_an_invoke_shim_and_keeps_the_others() {
        let invoke = [INVOKE, b"h1"].concat();
        emptied(&[&invoke, b"other"], &[None, Some(1)]);
    }

    #[test]
    fn empties_formatting_methods_only_where_nothing_formats() {
        emptied(&[b"other", DISPLAY], &[Some(0), None]);
        emptied(&[WRITE, DISPLAY], &[Some(0), Some(1)]);
    }

    #[test]
    fn leaves_segments_of_another_kind_alone() {
        let invoke = [INVOKE, b"h1"].concat();
        let module = module(2, &[&invoke]);
        assert_eq!(empty(&module).unwrap(), (module, 0));
    }

    #[test]
    fn refuses_garbage() {
        assert!(empty(b"nope").is_err());
        let mut truncated = module(0, &[b"other"]);
        truncated.truncate(14);
        assert!(empty(&truncated).is_err());
    }
}
