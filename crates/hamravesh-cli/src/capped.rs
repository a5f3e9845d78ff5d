//! Reading input of a bounded size: whatever the source (a file, stdin, `/dev/zero`), at most one
//! byte past the limit is read and held, so the caller can tell "over the limit" without holding more.

use std::io::{self, Read};

/// Reads to the end or to `max + 1` bytes, whichever comes first, never reserving more than that
/// (a bare `read_to_end` doubles its buffer, which could reserve twice the limit). `hint` is the
/// expected length, if known: a file of that size is read straight into one buffer of its size.
pub fn read(mut reader: impl Read, max: u64, hint: u64) -> io::Result<Vec<u8>> {
    let limit = usize::try_from(max).unwrap_or(usize::MAX).saturating_add(1);
    let first = usize::try_from(hint)
        .unwrap_or(usize::MAX)
        .saturating_add(1)
        .max(8 * 1024)
        .min(limit);
    let mut bytes = Vec::with_capacity(first);
    loop {
        // Never past the capacity reserved here; `read_to_end` retries interrupted reads.
        let spare = bytes.capacity() - bytes.len();
        let read = (&mut reader)
            .take(u64::try_from(spare).unwrap_or(u64::MAX))
            .read_to_end(&mut bytes)?;
        if read == 0 || bytes.len() >= limit {
            return Ok(bytes);
        }
        if bytes.len() == bytes.capacity() {
            let target = bytes.capacity().saturating_mul(2).min(limit);
            bytes.reserve_exact(target - bytes.len());
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        let bytes = read(io::repeat(0), 1000, 0).unwrap();
        assert_eq!(bytes.len(), 1001);
        assert!(bytes.capacity() <= 8 * 1024, "{}", bytes.capacity());
        let bytes = read(&b"12345"[..], 1000, 5).unwrap();
        assert_eq!(bytes, b"12345");
        let bytes = read(io::repeat(1).take(3_000_000), 2_000_000, 0).unwrap();
        assert_eq!(bytes.len(), 2_000_001);
        assert!(bytes.capacity() <= 2_000_001, "{}", bytes.capacity());
    }
}
