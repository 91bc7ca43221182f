use std::io::Write as _;

use proptest::prelude::*;

use super::*;

fn zlib(data: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn inflate(input: &[u8], room: usize) -> Result<Vec<u8>, Error> {
    let mut output = vec![0; room];
    let written = zlib_inflate(input, &mut output)?;
    output.truncate(written);
    Ok(output)
}

/// Text-like and binary-like data with long and short repeats, like a WebAssembly module.
fn sample(len: usize) -> Vec<u8> {
    let mut state = 0x2545_F491_u32;
    (0..len)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            if i % 700 < 350 {
                b"resubscribe form library "[i % 25]
            } else {
                (state % 40) as u8
            }
        })
        .collect()
}

#[test]
fn inflates_what_flate2_compresses_at_every_level() {
    let data = sample(200_000);
    for level in [0, 1, 6, 9] {
        assert_eq!(
            inflate(&zlib(&data, level), data.len()),
            Ok(data.clone()),
            "{level}"
        );
    }
}

#[test]
fn inflates_what_zopfli_compresses_as_the_build_does() {
    let data = sample(30_000);
    let mut stream = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Zlib,
        &data[..],
        &mut stream,
    )
    .unwrap();
    assert_eq!(inflate(&stream, data.len()), Ok(data));
}

#[test]
fn inflates_fixed_and_empty_streams() {
    // Short inputs get fixed Huffman codes from flate2.
    assert_eq!(
        inflate(&zlib(b"abcabcabc", 9), 9),
        Ok(b"abcabcabc".to_vec())
    );
    assert_eq!(inflate(&zlib(b"", 9), 0), Ok(vec![]));
}

#[test]
fn refuses_what_is_not_zlib_or_does_not_fit() {
    let data = sample(5_000);
    let stream = zlib(&data, 9);
    assert_eq!(inflate(&stream, data.len() - 1), Err(Error::TooLong));
    assert_eq!(
        inflate(&stream[..stream.len() / 2], data.len()),
        Err(Error::Truncated)
    );
    assert_eq!(inflate(&[0x1f, 0x8b, 8, 0], 10), Err(Error::Corrupt));
    assert_eq!(inflate(&[], 10), Err(Error::Truncated));
    // Block type 3 does not exist.
    assert_eq!(inflate(&[0x78, 0xda, 0b111], 10), Err(Error::Corrupt));
}

#[test]
fn decodes_base64_in_place() {
    for (text, bytes) in [
        ("", &b""[..]),
        ("AGFzbQ==", &b"\0asm"[..]),
        ("AGFzbQ", &b"\0asm"[..]),
        ("cnN1Yg==", &b"rsub"[..]),
        ("cnN1YmE=", &b"rsuba"[..]),
        ("+/+/", &[0xfb, 0xff, 0xbf][..]),
    ] {
        let mut buffer = text.as_bytes().to_vec();
        let len = base64_in_place(&mut buffer).unwrap();
        assert_eq!(&buffer[..len], bytes, "{text}");
    }
    for bad in ["A", "AB=C", "AB*D", "A===", "ABC\n"] {
        assert_eq!(
            base64_in_place(&mut bad.as_bytes().to_vec()),
            Err(Error::Base64),
            "{bad}"
        );
    }
}

proptest! {
    #[test]
    fn round_trips_any_bytes(data in proptest::collection::vec(any::<u8>(), 0..4_000), level in 0u32..10) {
        prop_assert_eq!(inflate(&zlib(&data, level), data.len()), Ok(data));
    }

    #[test]
    fn any_damage_gives_an_error_or_bytes_never_a_panic(
        data in proptest::collection::vec(0u8..8, 0..3_000),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let mut stream = zlib(&data, 9);
        let i = at.index(stream.len());
        stream[i] ^= flip;
        let _ = inflate(&stream, data.len() + 64);
    }

    #[test]
    fn arbitrary_input_gives_an_error_or_bytes_never_a_panic(
        input in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut framed = vec![0x78, 0xda];
        framed.extend(input);
        let _ = inflate(&framed, 2_000);
        let mut text = framed.clone();
        let _ = base64_in_place(&mut text);
    }
}
