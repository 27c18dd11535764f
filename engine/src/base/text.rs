//! Text helpers every layer shares: quoting untrusted text on one line, RFC 3986 percent-encoding and lower-case hex.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 3986: only `A-Z a-z 0-9 - _ . ~` stay literal; everything else is `%XX` over UTF-8.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes per RFC 3986, as both signing methods require (space is `%20`, `*` is `%2A`).
pub fn percent_encode(value: &str) -> String {
    utf8_percent_encode(value, RFC3986).to_string()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Text on one line: control characters (line breaks among them) become `\u{FFFD}`.
pub fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// Input text as it may be quoted in a message: one line, at most 80 characters.
pub fn shown(value: &str) -> String {
    let one_line = one_line(value);
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}

/// `mm:ss`, for timelines.
pub fn clock_text(d: std::time::Duration) -> String {
    format!("{:02}:{:02}", d.as_secs() / 60, d.as_secs() % 60)
}

/// At most `max_chars` characters, marked when cut.
pub fn truncated(text: &str, max_chars: usize) -> String {
    if text.chars().count() > max_chars {
        format!(
            "{}… (truncated)",
            text.chars().take(max_chars).collect::<String>()
        )
    } else {
        text.to_string()
    }
}
