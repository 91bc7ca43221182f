//! GUIDs the way the Web API writes them: lower-case, hyphenated, no braces. Parsing is strict
//! (a URL key with braces or a wrong length is a client bug Dataverse rejects too).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A 128-bit identifier of a Dataverse record.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Guid(u128);

static GENERATOR: AtomicU64 = AtomicU64::new(0);

impl Guid {
    /// The all-zero GUID.
    pub const NIL: Guid = Guid(0);

    /// A GUID from its 128-bit value.
    pub const fn from_u128(value: u128) -> Guid {
        Guid(value)
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex, either case). Anything else is `None`.
    pub fn parse(text: &str) -> Option<Guid> {
        let bytes = text.as_bytes();
        if bytes.len() != 36 {
            return None;
        }
        let mut value: u128 = 0;
        for (index, &byte) in bytes.iter().enumerate() {
            if matches!(index, 8 | 13 | 18 | 23) {
                if byte != b'-' {
                    return None;
                }
                continue;
            }
            let digit = (byte as char).to_digit(16)?;
            value = (value << 4) | u128::from(digit);
        }
        Some(Guid(value))
    }

    /// A fresh random-looking (version 4 layout) GUID; never repeats within a process.
    pub fn generate() -> Guid {
        let high = next_random();
        let low = next_random();
        let mut value = (u128::from(high) << 64) | u128::from(low);
        value &= !(0xF_u128 << 76);
        value |= 0x4_u128 << 76;
        value &= !(0x3_u128 << 62);
        value |= 0x2_u128 << 62;
        Guid(value)
    }

    /// A stable GUID derived from a name (FNV-1a), for metadata ids.
    pub fn from_name(name: &str) -> Guid {
        let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
        for byte in name.bytes() {
            hash ^= u128::from(byte);
            hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
        }
        Guid(hash)
    }
}

fn next_random() -> u64 {
    let mut current = GENERATOR.load(Ordering::Relaxed);
    loop {
        let seed = if current == 0 {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x9E37_79B9_7F4A_7C15);
            nanos | 1
        } else {
            current
        };
        let mut x = seed;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        match GENERATOR.compare_exchange_weak(current, x, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return x.wrapping_mul(0x2545_F491_4F6C_DD1D),
            Err(actual) => current = actual,
        }
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = format!("{:032x}", self.0);
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }
}

impl serde::Serialize for Guid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_lower_case() {
        let guid = Guid::parse("7D4C0F0E-1B2A-4F3E-9A10-00000000A001");
        assert_eq!(
            guid.map(|g| g.to_string()).as_deref(),
            Some("7d4c0f0e-1b2a-4f3e-9a10-00000000a001")
        );
    }

    #[test]
    fn rejects_braces_wrong_length_and_non_hex() {
        assert!(Guid::parse("{7d4c0f0e-1b2a-4f3e-9a10-00000000a001}").is_none());
        assert!(Guid::parse("7d4c0f0e-1b2a-4f3e-9a10-00000000a00").is_none());
        assert!(Guid::parse("7d4c0f0e-1b2a-4f3e-9a10-00000000a00g").is_none());
        assert!(Guid::parse("7d4c0f0e1b2a-4f3e-9a10-00000000a0011").is_none());
    }

    #[test]
    fn generated_guids_differ_and_round_trip() {
        let a = Guid::generate();
        let b = Guid::generate();
        assert_ne!(a, b);
        assert_eq!(Guid::parse(&a.to_string()), Some(a));
    }
}
