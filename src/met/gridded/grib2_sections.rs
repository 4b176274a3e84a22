//! A check of a GRIB2 file's section structure before the decoder reads it: every message
//! starts with its 16-byte indicator ("GRIB", edition 2, total length), then sections that
//! each begin with a 4-byte length (≥ 5: the length and the section number) and lie inside the
//! message, and ends with "7777" (WMO Manual on Codes, FM 92 GRIB edition 2, Section 0–8).
//!
//! The decoder allocates a section's length minus 5 bytes unchecked, so a damaged length
//! (0–4) made it panic with "capacity overflow" instead of reporting the file (found by a fuzz
//! review: one flipped byte of the shipped Lambert sample). Only the headers are read; the
//! data stay on disk.

use std::io::{Read, Seek, SeekFrom};

/// The indicator section's length (bytes).
const INDICATOR_LEN: u64 = 16;

/// Checks the messages of `file` (`len` bytes) one after another, from the start, until the
/// file ends or something other than a message starts (which the decoder then judges).
/// Returns what is wrong, naming the message (from 0, as the reader's other errors do), the
/// section and the byte offset.
pub fn check(file: &mut (impl Read + Seek), len: u64) -> Result<(), String> {
    let mut start = 0u64;
    let mut message = 0usize;
    while start + INDICATOR_LEN <= len {
        let mut indicator = [0u8; INDICATOR_LEN as usize];
        read_at(file, start, &mut indicator)?;
        if &indicator[..4] != b"GRIB" || indicator[7] != 2 {
            return Ok(());
        }
        let total = u64::from_be_bytes(indicator[8..16].try_into().expect("8 bytes"));
        if total < INDICATOR_LEN + 4 || start + total > len {
            return Err(format!(
                "message {message} at byte {start} says it is {total} bytes long: expected at least 20 and no more than the {} bytes left in the file (truncated or damaged)",
                len - start
            ));
        }
        let end = start + total;
        let mut at = start + INDICATOR_LEN;
        loop {
            if at + 4 > end {
                return Err(format!(
                    "message {message} has no end section (\"7777\") before its end at byte {end}"
                ));
            }
            let mut head = [0u8; 5];
            let n = if at + 5 <= end { 5 } else { 4 };
            read_at(file, at, &mut head[..n])?;
            if &head[..4] == b"7777" {
                break;
            }
            if n < 5 {
                return Err(format!(
                    "message {message}: a section at byte {at} is cut off by the message's end at byte {end}"
                ));
            }
            let section_len = u64::from(u32::from_be_bytes(head[..4].try_into().expect("4 bytes")));
            if section_len < 5 || at + section_len > end {
                return Err(format!(
                    "message {message}: section {} at byte {at} says it is {section_len} bytes long: expected at least 5 and no more than the {} bytes left in the message (damaged file)",
                    head[4],
                    end - at
                ));
            }
            at += section_len;
        }
        start = end;
        message += 1;
    }
    Ok(())
}

fn read_at(file: &mut (impl Read + Seek), at: u64, buf: &mut [u8]) -> Result<(), String> {
    file.seek(SeekFrom::Start(at))
        .and_then(|_| file.read_exact(buf))
        .map_err(|e| format!("cannot read {} bytes at byte {at} ({e})", buf.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// A minimal message: the indicator, one 21-byte section 1 and the end section.
    fn message(section_len: u32) -> Vec<u8> {
        let total = 16 + 21 + 4;
        let mut m = b"GRIB\0\0\0\x02".to_vec();
        m.extend_from_slice(&(total as u64).to_be_bytes());
        m.extend_from_slice(&section_len.to_be_bytes());
        m.push(1);
        m.extend_from_slice(&[0u8; 16]);
        m.extend_from_slice(b"7777");
        m
    }

    fn check_bytes(b: &[u8]) -> Result<(), String> {
        check(&mut Cursor::new(b), b.len() as u64)
    }

    #[test]
    fn well_formed_messages_pass_and_damaged_lengths_are_named() {
        let good = message(21);
        assert_eq!(check_bytes(&good), Ok(()));
        assert_eq!(check_bytes(&[good.clone(), good.clone()].concat()), Ok(()));
        for bad in [0, 1, 4] {
            let err = check_bytes(&message(bad)).unwrap_err();
            assert!(
                err.contains("section 1 at byte 16") && err.contains("expected at least 5"),
                "{err}"
            );
        }
        let err = check_bytes(&message(1 << 30)).unwrap_err();
        assert!(err.contains("bytes left in the message"), "{err}");
        let err = check_bytes(&[good.clone(), good[..30].to_vec()].concat()).unwrap_err();
        assert!(err.contains("message 1 at byte 41"), "{err}");
        // Not a GRIB2 message: left to the decoder.
        assert_eq!(check_bytes(b"GRIB\0\0\0\x01........"), Ok(()));
    }
}
