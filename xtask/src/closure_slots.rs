//! Empties the function-table slots that only wasm-bindgen's closure descriptors used.
//!
//! wasm-bindgen 0.2.130 describes each closure type by handing its build-time interpreter the
//! address of an `invoke` shim (`convert/closures.rs`, `describe_invoke`), so the linker puts
//! every such shim into the function table. The CLI then removes the descriptors and calls the
//! shims it needs through exports of their own; nothing reads those slots again (the table is
//! not exported, and no code holds their indices any more), yet they keep about 45 shims and
//! the vtable calls behind them alive through `wasm-opt`. Setting those slots to `ref.null`
//! before `wasm-opt` lets it drop them: a call through one would trap instead of running a shim.

use crate::wasm_bin::{leb_u32, push_leb, read_name, sections};

/// What the linker names the shims (function names of the module wasm-bindgen writes).
const INVOKE: &[u8] = b"wasm_bindgen::convert::closures::_::invoke::";

/// `wasm` with the table slots of closure `invoke` shims set to `ref.null`, and how many.
/// A module whose element segments are not the plain kind the linker writes (active, table 0,
/// function indices) is returned unchanged.
pub fn empty(wasm: &[u8]) -> Result<(Vec<u8>, usize), String> {
    let sections = sections(wasm)?;
    let shims = invoke_shims(wasm, &sections)?;
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

/// The indices of the functions the name section calls closure `invoke` shims.
fn invoke_shims(wasm: &[u8], sections: &[(u8, usize, usize)]) -> Result<Vec<u32>, String> {
    let mut shims = Vec::new();
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
                if read_name(body, &mut q)?.starts_with(INVOKE) {
                    shims.push(index);
                }
            }
        }
    }
    Ok(shims)
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

    /// A module whose table holds functions 0 (an `invoke` shim) and 1 (anything else), with
    /// the element segment of `flags`.
    fn module(flags: u8) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        section(&mut m, 9, &[1, flags, 0x41, 1, 0x0b, 2, 0, 1]);
        let mut names = vec![];
        let first = [INVOKE, b"h1"].concat();
        names.extend([2, 0, first.len() as u8]);
        names.extend(&first);
        names.extend([1, 5]);
        names.extend(b"other");
        let mut custom = vec![4];
        custom.extend(b"name");
        section(&mut custom, 1, &names);
        section(&mut m, 0, &custom);
        m
    }

    #[test]
    fn empties_the_slot_of_an_invoke_shim_and_keeps_the_others() {
        let (out, emptied) = empty(&module(0)).unwrap();
        assert_eq!(emptied, 1);
        let elements = [1, 4, 0x41, 1, 0x0b, 2, 0xd0, 0x70, 0x0b, 0xd2, 1, 0x0b];
        let expected = [
            &b"\0asm\x01\0\0\0"[..],
            &[9, elements.len() as u8],
            &elements,
        ]
        .concat();
        assert_eq!(out[..expected.len()], expected[..]);
        assert_eq!(out[expected.len()..], module(0)[8 + 2 + 8..]);
    }

    #[test]
    fn leaves_segments_of_another_kind_alone() {
        assert_eq!(empty(&module(2)).unwrap(), (module(2), 0));
    }

    #[test]
    fn refuses_garbage() {
        assert!(empty(b"nope").is_err());
        let mut truncated = module(0);
        truncated.truncate(14);
        assert!(empty(&truncated).is_err());
    }
}
