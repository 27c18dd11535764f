//! Randomness from the operating system: signature nonces, output-file delimiters and backoff jitter.

use esa_engine::base::error::Error;

/// `bytes` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> Result<String, Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| Error::System(format!("no randomness from the operating system: {e}")))?;
    Ok(esa_engine::base::text::hex(&buf))
}

/// A uniform random number in `[0, 1)`, for backoff jitter.
pub fn random_unit() -> Result<f64, Error> {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf)
        .map_err(|e| Error::System(format!("no randomness from the operating system: {e}")))?;
    // 53 random bits fill an f64's mantissa exactly.
    Ok((u64::from_le_bytes(buf) >> 11) as f64 / (1u64 << 53) as f64)
}
