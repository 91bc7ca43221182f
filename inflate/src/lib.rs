//! The form library's loader tool: turns the embedded module text (base64 of zlib, RFC 1950
//! and 1951) back into WebAssembly bytes, at native speed, before the module is compiled.
//!
//! Compiled on its own to a WebAssembly module of a few kilobytes (no allocator, no `std`):
//! small enough for any browser to compile synchronously, and it inflates the form library's
//! module in about a millisecond where an inflate written in JavaScript takes ten.
//! Every input gives a result or an [`Error`]; nothing panics.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
mod exports;

/// Why the embedded text could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// A char outside the base64 alphabet, or a length no base64 text has.
    Base64,
    /// Not the zlib format, or a DEFLATE stream that breaks RFC 1951.
    Corrupt,
    /// The stream ends before its last block does.
    Truncated,
    /// The stream holds more bytes than the output has room for.
    TooLong,
}

/// Decodes standard base64 (with or without `=` padding) in place; returns the decoded length.
pub fn base64_in_place(text: &mut [u8]) -> Result<usize, Error> {
    let mut len = text.len();
    while len > 0 && text[len - 1] == b'=' {
        len -= 1;
    }
    if len % 4 == 1 || text.len() - len > 2 {
        return Err(Error::Base64);
    }
    let (mut acc, mut bits, mut out) = (0u32, 0u32, 0usize);
    for i in 0..len {
        let value = match text.get(i).copied().unwrap_or(b'=') {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'a'..=b'z' => c - b'a' + 26,
            c @ b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(Error::Base64),
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // `out` trails `i`: every 4 chars read give at most 3 bytes written.
            if let Some(slot) = text.get_mut(out) {
                *slot = (acc >> bits) as u8;
            }
            out += 1;
        }
    }
    Ok(out)
}

/// Inflates the zlib stream `input` into `output`; returns the number of bytes written.
/// The Adler-32 checksum is not verified (WebAssembly validates the module it is given).
pub fn zlib_inflate(input: &[u8], output: &mut [u8]) -> Result<usize, Error> {
    let [cmf, flg, ..] = *input else {
        return Err(Error::Truncated);
    };
    if cmf & 0x0F != 8 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 || flg & 0x20 != 0 {
        return Err(Error::Corrupt);
    }
    Inflater {
        bits: Bits {
            input,
            pos: 2,
            buffer: 0,
            count: 0,
        },
        output,
        written: 0,
    }
    .run()
}

/// Codes up to this many bits are decoded with one table lookup; longer ones bit by bit.
const FAST_BITS: u32 = 10;

/// Length codes 257..=285: base length and extra bits.
const LENGTHS: [(u16, u8); 29] = [
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 1),
    (13, 1),
    (15, 1),
    (17, 1),
    (19, 2),
    (23, 2),
    (27, 2),
    (31, 2),
    (35, 3),
    (43, 3),
    (51, 3),
    (59, 3),
    (67, 4),
    (83, 4),
    (99, 4),
    (115, 4),
    (131, 5),
    (163, 5),
    (195, 5),
    (227, 5),
    (258, 0),
];
/// Distance codes 0..=29: base distance and extra bits.
const DISTANCES: [(u16, u8); 30] = [
    (1, 0),
    (2, 0),
    (3, 0),
    (4, 0),
    (5, 1),
    (7, 1),
    (9, 2),
    (13, 2),
    (17, 3),
    (25, 3),
    (33, 4),
    (49, 4),
    (65, 5),
    (97, 5),
    (129, 6),
    (193, 6),
    (257, 7),
    (385, 7),
    (513, 8),
    (769, 8),
    (1025, 9),
    (1537, 9),
    (2049, 10),
    (3073, 10),
    (4097, 11),
    (6145, 11),
    (8193, 12),
    (12289, 12),
    (16385, 13),
    (24577, 13),
];
const CODE_LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// The input's bits, least significant first.
struct Bits<'a> {
    input: &'a [u8],
    /// The next byte to load (may pass the end: zeros are loaded, checked at the end).
    pos: usize,
    buffer: u64,
    count: u32,
}

impl Bits<'_> {
    /// At least `n` (≤ 32) bits in the buffer.
    fn need(&mut self, n: u32) -> Result<(), Error> {
        while self.count < n {
            let byte = match self.input.get(self.pos) {
                Some(&b) => b,
                // A code near the end may look ahead past it; a stream that needs more
                // than that is truncated.
                None if self.pos < self.input.len() + 4 => 0,
                None => return Err(Error::Truncated),
            };
            self.buffer |= u64::from(byte) << self.count;
            self.pos += 1;
            self.count += 8;
        }
        Ok(())
    }

    fn take(&mut self, n: u32) -> Result<u32, Error> {
        self.need(n)?;
        let value = (self.buffer & ((1u64 << n) - 1)) as u32;
        self.drop(n);
        Ok(value)
    }

    fn drop(&mut self, n: u32) {
        self.buffer >>= n;
        self.count -= n;
    }

    /// Whether the bits used so far all came from the input.
    fn within_input(&self) -> bool {
        self.pos - (self.count / 8) as usize <= self.input.len()
    }
}

/// A canonical Huffman code.
struct Huffman {
    /// Codes of each length.
    counts: [u16; 16],
    /// Symbols in code order.
    symbols: [u16; 320],
    /// Indexed by the next [`FAST_BITS`] input bits: `symbol << 4 | length`, 0 for longer codes.
    fast: [u16; 1 << FAST_BITS],
}

impl Huffman {
    fn new(lengths: &[u8]) -> Result<Huffman, Error> {
        let mut code = Huffman {
            counts: [0; 16],
            symbols: [0; 320],
            fast: [0; 1 << FAST_BITS],
        };
        for &length in lengths {
            code.counts[usize::from(length & 15)] += 1;
        }
        code.counts[0] = 0;
        let mut left = 1i32;
        for length in 1..16 {
            left = (left << 1) - i32::from(code.counts[length]);
            if left < 0 {
                return Err(Error::Corrupt);
            }
        }
        let mut offsets = [0u16; 16];
        for length in 1..16 {
            offsets[length] = offsets[length - 1] + code.counts[length - 1];
        }
        for (symbol, &length) in lengths.iter().enumerate() {
            if length != 0 {
                let slot = &mut offsets[usize::from(length & 15)];
                *code
                    .symbols
                    .get_mut(usize::from(*slot))
                    .ok_or(Error::Corrupt)? = symbol as u16;
                *slot += 1;
            }
        }
        let (mut next, mut index) = (0u32, 0usize);
        for length in 1..=FAST_BITS {
            for _ in 0..code.counts[length as usize] {
                let reversed = next.reverse_bits() >> (32 - length);
                let symbol = code.symbols.get(index).copied().ok_or(Error::Corrupt)?;
                let entry = symbol << 4 | length as u16;
                let mut slot = reversed as usize;
                while slot < code.fast.len() {
                    code.fast[slot] = entry;
                    slot += 1 << length;
                }
                next += 1;
                index += 1;
            }
            next <<= 1;
        }
        Ok(code)
    }

    fn decode(&self, bits: &mut Bits) -> Result<u16, Error> {
        bits.need(15)?;
        let entry = self.fast[(bits.buffer & ((1 << FAST_BITS) - 1)) as usize];
        if entry != 0 {
            bits.drop(u32::from(entry & 15));
            return Ok(entry >> 4);
        }
        let (mut value, mut first, mut index) = (0i32, 0i32, 0i32);
        for length in 1..16u32 {
            value |= ((bits.buffer >> (length - 1)) & 1) as i32;
            let count = i32::from(self.counts[length as usize]);
            if value - count < first {
                bits.drop(length);
                let at = (index + value - first) as usize;
                return self.symbols.get(at).copied().ok_or(Error::Corrupt);
            }
            index += count;
            first = (first + count) << 1;
            value <<= 1;
        }
        Err(Error::Corrupt)
    }
}

struct Inflater<'a, 'b> {
    bits: Bits<'a>,
    output: &'b mut [u8],
    written: usize,
}

impl Inflater<'_, '_> {
    fn run(mut self) -> Result<usize, Error> {
        loop {
            let last = self.bits.take(1)?;
            match self.bits.take(2)? {
                0 => self.stored()?,
                1 => {
                    let mut lengths = [8u8; 288];
                    lengths[144..256].fill(9);
                    lengths[256..280].fill(7);
                    self.codes(&Huffman::new(&lengths)?, &Huffman::new(&[5; 30])?)?;
                }
                2 => {
                    let (literal, distance) = self.dynamic()?;
                    self.codes(&literal, &distance)?;
                }
                _ => return Err(Error::Corrupt),
            }
            if last == 1 {
                break;
            }
        }
        if !self.bits.within_input() {
            return Err(Error::Truncated);
        }
        Ok(self.written)
    }

    fn stored(&mut self) -> Result<(), Error> {
        // Drop the partial byte and give back the whole bytes still buffered.
        self.bits.pos -= (self.bits.count / 8) as usize;
        self.bits.buffer = 0;
        self.bits.count = 0;
        let at = self.bits.pos;
        let Some(&[l0, l1, n0, n1]) = self.bits.input.get(at..at + 4) else {
            return Err(Error::Truncated);
        };
        let length = usize::from(u16::from_le_bytes([l0, l1]));
        if u16::from_le_bytes([n0, n1]) != !(length as u16) {
            return Err(Error::Corrupt);
        }
        let data = self
            .bits
            .input
            .get(at + 4..at + 4 + length)
            .ok_or(Error::Truncated)?;
        self.output
            .get_mut(self.written..self.written + length)
            .ok_or(Error::TooLong)?
            .copy_from_slice(data);
        self.written += length;
        self.bits.pos = at + 4 + length;
        Ok(())
    }

    fn dynamic(&mut self) -> Result<(Huffman, Huffman), Error> {
        let literals = self.bits.take(5)? as usize + 257;
        let distances = self.bits.take(5)? as usize + 1;
        let length_codes = self.bits.take(4)? as usize + 4;
        if literals > 286 || distances > 30 {
            return Err(Error::Corrupt);
        }
        let mut length_lengths = [0u8; 19];
        for &symbol in CODE_LENGTH_ORDER.iter().take(length_codes) {
            if let Some(slot) = length_lengths.get_mut(symbol) {
                *slot = self.bits.take(3)? as u8;
            }
        }
        let length_code = Huffman::new(&length_lengths)?;
        let mut lengths = [0u8; 316];
        let total = literals + distances;
        let mut n = 0;
        while n < total {
            let symbol = length_code.decode(&mut self.bits)?;
            let (value, repeat) = match symbol {
                0..=15 => (symbol as u8, 1),
                16 if n > 0 => {
                    let previous = lengths.get(n - 1).copied().ok_or(Error::Corrupt)?;
                    (previous, 3 + self.bits.take(2)? as usize)
                }
                17 => (0, 3 + self.bits.take(3)? as usize),
                18 => (0, 11 + self.bits.take(7)? as usize),
                _ => return Err(Error::Corrupt),
            };
            lengths
                .get_mut(n..n + repeat)
                .filter(|_| n + repeat <= total)
                .ok_or(Error::Corrupt)?
                .fill(value);
            n += repeat;
        }
        if lengths[256] == 0 {
            return Err(Error::Corrupt);
        }
        let (literal, distance) = lengths.split_at(literals.min(lengths.len()));
        Ok((
            Huffman::new(literal)?,
            Huffman::new(distance.get(..distances).ok_or(Error::Corrupt)?)?,
        ))
    }

    fn codes(&mut self, literal: &Huffman, distance: &Huffman) -> Result<(), Error> {
        loop {
            let symbol = usize::from(literal.decode(&mut self.bits)?);
            if symbol < 256 {
                *self.output.get_mut(self.written).ok_or(Error::TooLong)? = symbol as u8;
                self.written += 1;
                continue;
            }
            if symbol == 256 {
                return Ok(());
            }
            let (base, extra) = *LENGTHS.get(symbol - 257).ok_or(Error::Corrupt)?;
            let length = usize::from(base) + self.bits.take(u32::from(extra))? as usize;
            let code = usize::from(distance.decode(&mut self.bits)?);
            let (base, extra) = *DISTANCES.get(code).ok_or(Error::Corrupt)?;
            let back = usize::from(base) + self.bits.take(u32::from(extra))? as usize;
            let start = self.written.checked_sub(back).ok_or(Error::Corrupt)?;
            let window = self
                .output
                .get_mut(start..self.written + length)
                .ok_or(Error::TooLong)?;
            // Byte by byte: the source may overlap what is being written.
            for at in back..window.len() {
                let byte = window.get(at - back).copied().unwrap_or(0);
                if let Some(slot) = window.get_mut(at) {
                    *slot = byte;
                }
            }
            self.written += length;
        }
    }
}

#[cfg(test)]
mod tests;
