//! Randomness: fresh signature nonces and output-file delimiters, from the operating system.

use crate::error::Error;

/// `bytes` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> Result<String, Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| Error::System(format!("no randomness from the operating system: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}
