//! Reading the WebAssembly binary format, as much as the build's rewrites and checks need:
//! LEB128 numbers, names, the section list, import descriptions and function names.

/// Reads an unsigned LEB128 value at `at`, moving `at` past it.
pub fn leb_u32(bytes: &[u8], at: &mut usize) -> Result<u32, String> {
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at).ok_or("truncated wasm")?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(value).map_err(|_| "LEB value too large".to_string());
        }
    }
    Err("LEB too long".into())
}

/// Skips a table or memory type's limits at `at`.
pub fn skip_limits(bytes: &[u8], at: &mut usize) -> Result<(), String> {
    let flags = *bytes.get(*at).ok_or("truncated limits")?;
    *at += 1;
    leb_u32(bytes, at)?;
    if flags & 1 == 1 {
        leb_u32(bytes, at)?;
    }
    Ok(())
}

/// The section list of a module: `(id, payload start, payload end)`.
pub fn sections(wasm: &[u8]) -> Result<Vec<(u8, usize, usize)>, String> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("not a wasm module".into());
    }
    let mut list = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb_u32(wasm, &mut at)? as usize;
        let end = at.checked_add(size).filter(|&e| e <= wasm.len());
        let end = end.ok_or("truncated section")?;
        list.push((id, at, end));
        at = end;
    }
    Ok(list)
}

/// Appends `value` as unsigned LEB128.
pub fn push_leb(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a length-prefixed name at `at`, moving `at` past it.
pub fn read_name<'a>(wasm: &'a [u8], at: &mut usize) -> Result<&'a [u8], String> {
    let len = leb_u32(wasm, at)? as usize;
    let name = wasm.get(*at..*at + len).ok_or("truncated name")?;
    *at += len;
    Ok(name)
}

/// Skips an import's description (after its kind byte).
pub fn skip_import_desc(wasm: &[u8], kind: u8, at: &mut usize) -> Result<(), String> {
    let limits = |at: &mut usize| skip_limits(wasm, at);
    match kind {
        0 => leb_u32(wasm, at).map(drop),
        1 => {
            *at += 1; // element type
            limits(at)
        }
        2 => limits(at),
        3 => {
            *at += 2; // value type, mutability
            Ok(())
        }
        _ => Err(format!("unknown import kind {kind}")),
    }
}

/// The function names of the module's name section, by index (none without one).
pub fn function_names(wasm: &[u8]) -> Result<Vec<(u32, &[u8])>, String> {
    let mut names = Vec::new();
    for (id, start, end) in sections(wasm)? {
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

/// Whether a function name holds `part`.
pub fn name_contains(name: &[u8], part: &[u8]) -> bool {
    name.windows(part.len()).any(|w| w == part)
}
