//! The module's interface to the loader (C ABI; addresses in its own memory).

use core::arch::wasm32::{memory_grow, memory_size};

const PAGE: usize = 65_536;

/// Grows the memory by room for `bytes` and returns where that room starts (0 when the memory
/// cannot grow). Nothing else lives there: this module allocates nothing.
#[no_mangle]
pub extern "C" fn reserve(bytes: usize) -> usize {
    let start = memory_size(0) * PAGE;
    if memory_grow(0, bytes.div_ceil(PAGE)) == usize::MAX {
        return 0;
    }
    start
}

/// Decodes the base64 text at `text` (`text_len` bytes, decoded in place) and inflates it to
/// `output` (`output_len` bytes). Returns the bytes written, or 0 when anything is wrong.
///
/// # Safety
/// Both ranges lie in this module's memory, from [`reserve`], and do not overlap.
#[no_mangle]
pub unsafe extern "C" fn decode(
    text: *mut u8,
    text_len: usize,
    output: *mut u8,
    output_len: usize,
) -> usize {
    let text = core::slice::from_raw_parts_mut(text, text_len);
    let output = core::slice::from_raw_parts_mut(output, output_len);
    crate::base64_in_place(text)
        .and_then(|len| crate::zlib_inflate(text.get(..len).unwrap_or_default(), output))
        .unwrap_or(0)
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // Unreachable by construction (every input is checked); a trap if it ever happens,
    // which the loader reports as a module that could not start.
    core::arch::wasm32::unreachable()
}
