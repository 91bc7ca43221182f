//! Repairs a `wasm-opt` (binaryen 108) defect on wasm-bindgen 0.2.130 output.
//!
//! Binaryen 108 writes every exported *table* with index 0. wasm-bindgen exports its
//! externref table (`__wbindgen_externrefs`, index 1, after the funcref table), so the
//! optimised module hands JavaScript the funcref table instead and fails at start-up
//! (`WebAssembly.Table.set(): … must be a Wasm function object`). This module re-points each
//! exported table at the table of the element type the original module exported under that
//! name. It refuses (rather than guesses) when the match is not unique.

use crate::wasm_bin::{leb_u32, read_name, sections, skip_import_desc, skip_limits};

/// Element types of the tables a module defines, and its table exports `(name, index)`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tables {
    element_types: Vec<u8>,
    exports: Vec<(Vec<u8>, u32, usize, usize)>, // name, index, byte offset, LEB length
}

fn read_tables(bytes: &[u8]) -> Result<Tables, String> {
    let mut tables = Tables::default();
    for (id, start, end) in sections(bytes)? {
        let section = &bytes[start..end];
        let mut p = 0;
        match id {
            2 => {
                let count = leb_u32(section, &mut p)?;
                for _ in 0..count {
                    read_name(section, &mut p)?;
                    read_name(section, &mut p)?;
                    let kind = *section.get(p).ok_or("truncated import")?;
                    if kind == 1 {
                        // It would shift the defined tables' indices.
                        return Err("imported tables are not supported".into());
                    }
                    p += 1;
                    skip_import_desc(section, kind, &mut p)?;
                }
            }
            4 => {
                let count = leb_u32(section, &mut p)?;
                for _ in 0..count {
                    tables
                        .element_types
                        .push(*section.get(p).ok_or("truncated table")?);
                    p += 1;
                    skip_limits(section, &mut p)?;
                }
            }
            7 => {
                let count = leb_u32(section, &mut p)?;
                for _ in 0..count {
                    let name = read_name(section, &mut p)?.to_vec();
                    let kind = *section.get(p).ok_or("truncated export")?;
                    p += 1;
                    let at = p;
                    let index = leb_u32(section, &mut p)?;
                    if kind == 1 {
                        tables.exports.push((name, index, start + at, p - at));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(tables)
}

/// Re-points `optimised`'s table exports to match `original`'s; returns how many it changed.
pub fn repair_table_exports(original: &[u8], optimised: &mut [u8]) -> Result<usize, String> {
    let before = read_tables(original)?;
    let after = read_tables(optimised)?;
    let mut changed = 0;
    for (name, index, offset, len) in &after.exports {
        let Some((_, original_index, _, _)) = before.exports.iter().find(|(n, ..)| n == name)
        else {
            continue;
        };
        let wanted_type = before
            .element_types
            .get(*original_index as usize)
            .ok_or("bad table index")?;
        let candidates: Vec<usize> = after
            .element_types
            .iter()
            .enumerate()
            .filter(|(_, t)| *t == wanted_type)
            .map(|(i, _)| i)
            .collect();
        let [target] = candidates.as_slice() else {
            return Err(format!(
                "cannot tell which table `{}` should export ({} candidates)",
                String::from_utf8_lossy(name),
                candidates.len()
            ));
        };
        if *target as u32 != *index {
            if *len != 1 || *target > 0x7f {
                return Err("table index does not fit in place".into());
            }
            optimised[*offset] = *target as u8;
            changed += 1;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with a funcref table (0) and an externref table (1) exported as `t` at `index`.
    fn module(index: u8) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([4, 7, 2, 0x70, 0, 1, 0x6f, 0, 2]); // table section
        m.extend([7, 5, 1, 1, b't', 1, index]); // export section
        m
    }

    #[test]
    fn points_the_externref_export_back_at_the_externref_table() {
        let mut broken = module(0);
        assert_eq!(repair_table_exports(&module(1), &mut broken), Ok(1));
        assert_eq!(broken, module(1));
    }

    #[test]
    fn leaves_a_correct_module_alone() {
        let mut fine = module(1);
        assert_eq!(repair_table_exports(&module(1), &mut fine), Ok(0));
    }

    #[test]
    fn refuses_garbage() {
        assert!(repair_table_exports(b"nope", &mut module(0)).is_err());
        let mut truncated = module(0);
        truncated.truncate(12);
        assert!(repair_table_exports(&module(1), &mut truncated).is_err());
    }
}
