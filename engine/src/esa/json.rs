//! Reading the service's JSON answers leniently, as the official SDK does: a field that is missing or of another type reads as empty, and a number may come as a string.

use serde_json::Value;

/// The text at `key`, or empty.
pub fn text(object: &Value, key: &str) -> String {
    object
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The whole number at `key` (a JSON number or a string of digits), if there is one.
pub fn number(object: &Value, key: &str) -> Option<u64> {
    object.get(key).and_then(|n| {
        n.as_u64()
            .or_else(|| n.as_str().and_then(|t| t.trim().parse().ok()))
    })
}

/// The texts of the list at `key`, skipping anything that is not text; empty when there is no
/// list.
pub fn texts(object: &Value, key: &str) -> Vec<String> {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::esa::json::{number, text, texts};

    #[test]
    fn missing_and_mistyped_fields_read_as_empty() {
        let v = json!({"a": "x", "n": 7, "s": " 12 ", "l": ["p", 3, "q"], "o": {}});
        assert_eq!(text(&v, "a"), "x");
        assert_eq!(text(&v, "n"), "");
        assert_eq!(number(&v, "n"), Some(7));
        assert_eq!(number(&v, "s"), Some(12));
        assert_eq!(number(&v, "a"), None);
        assert_eq!(texts(&v, "l"), ["p", "q"]);
        assert!(texts(&v, "o").is_empty() && texts(&v, "none").is_empty());
    }
}
