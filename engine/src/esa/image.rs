//! Container image references, checked against the registry's reference grammar (the distribution project's: `[host[:port]/]path[:tag][@digest]`, lower-case path components, a tag of `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, a digest of a known algorithm and its hex) and split into registry, repository, tag and digest. A reference that breaks the grammar is refused, saying what is wrong and, where it can, the fixed form.
//!
//! Written by hand, not with a crate: `oci-spec`'s `distribution` feature parses the same
//! grammar with `regex`, adding about 1 MiB to a 2.8 MiB binary (budget 4 MiB), normalises
//! the reference (`nginx` becomes `docker.io/library/nginx:latest`, which is not what ESA is
//! sent) and answers every mistake with one "invalid reference format". The grammar is small,
//! and `tests/inputs/images.rs` holds it to the distribution project's own table of cases.

use crate::base::text::shown;

/// An image reference, split: `[registry/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The reference as written.
    pub text: String,
    /// The registry host (with port), when the reference names one.
    pub registry: Option<String>,
    /// The repository, registry included (`registry.example.com/shop/web`).
    pub repository: String,
    /// The tag, when given.
    pub tag: Option<String>,
    /// The digest (`sha256:…`), when given.
    pub digest: Option<String>,
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// The longest name (registry and path) the grammar allows.
const NAME_MAX: usize = 255;

/// The algorithms a digest may name, and the hex digits of each.
const DIGESTS: &[(&str, usize)] = &[("sha256", 64), ("sha384", 96), ("sha512", 128)];

/// Splits an image reference; `Err` says what is wrong with it, and the fixed form where one
/// can be told.
pub fn parse_image(image: &str) -> Result<ImageRef, String> {
    let quoted = shown(image);
    if image.is_empty() || image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{quoted}` is not an image reference like `registry.example.com/team/app:1.2.3`"
        ));
    }
    if let Some((scheme, rest)) = image.split_once("://") {
        return Err(format!(
            "`{quoted}` starts with `{}://`, and an image reference has no scheme: `{}`",
            shown(scheme),
            shown(rest)
        ));
    }
    split(image).map_err(|why| format!("`{quoted}` is not an image reference: {why}"))
}

/// The grammar, part by part.
fn split(image: &str) -> Result<ImageRef, String> {
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(check_digest(digest)?)),
        None => (image, None),
    };
    // A tag is after the last `:` that follows the last `/` (a port is before a `/`).
    let after_slash = rest.rfind('/').map_or(0, |at| at + 1);
    let (name, tag) = match rest[after_slash..].find(':') {
        Some(at) => {
            let (name, tag) = rest.split_at(after_slash + at);
            (name, Some(check_tag(name, &tag[1..])?))
        }
        None => (rest, None),
    };
    let registry = check_name(name).map_err(|(why, fixed)| match fixed {
        // The fixed form keeps the tag and digest as written.
        Some(fixed) => format!(
            "{why}; in lower case: `{}{}`",
            shown(&fixed),
            shown(&image[name.len()..])
        ),
        None => why,
    })?;
    let repository = match &registry {
        Some(host) if is_registry(host) => name[host.len() + 1..].to_string(),
        _ => name.to_string(),
    };
    Ok(ImageRef {
        text: image.to_string(),
        registry: registry.filter(|host| is_registry(host)),
        repository,
        tag,
        digest,
    })
}

/// Whether a first component names a registry, as Docker reads one: a host with a `.` or a
/// port, `localhost`, or an IPv6 address; otherwise it is the path's first component.
fn is_registry(host: &str) -> bool {
    host.contains(['.', ':', '[']) || host == "localhost"
}

fn check_tag(name: &str, tag: &str) -> Result<String, String> {
    if tag.is_empty() {
        return Err(format!(
            "the tag after `:` is empty; leave the `:` out (`{}`) or name a tag",
            shown(name)
        ));
    }
    if tag.contains(':') {
        return Err(format!(
            "`:{}` is more than one tag; a reference has at most one",
            shown(tag)
        ));
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = tag.chars();
    let first = chars.next().is_some_and(word);
    if !first || !chars.all(|c| word(c) || c == '.' || c == '-') || tag.len() > 128 {
        return Err(format!(
            "the tag `{}` is not one: up to 128 of letters, digits, `_`, `.` and `-`, not starting with `.` or `-`",
            shown(tag)
        ));
    }
    Ok(tag.to_string())
}

fn check_digest(digest: &str) -> Result<String, String> {
    let (algorithm, hex) = digest.split_once(':').unwrap_or((digest, ""));
    let Some((_, length)) = DIGESTS.iter().find(|(a, _)| *a == algorithm) else {
        return Err(format!(
            "the digest `{}` names no algorithm a registry takes (sha256, sha384, sha512): `@sha256:` and 64 hex digits",
            shown(digest)
        ));
    };
    let lower_hex = hex
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    if hex.len() != *length || !lower_hex {
        return Err(format!(
            "the digest `{}` is not {length} lower-case hex digits after `{algorithm}:`",
            shown(digest)
        ));
    }
    Ok(digest.to_string())
}

/// Checks `[host[:port]/]path`; the first component when it may be a host. An error says
/// why, with the name fixed when its case is all that is wrong.
fn check_name(name: &str) -> Result<Option<String>, (String, Option<String>)> {
    if name.len() > NAME_MAX {
        let why = format!(
            "the name is {} characters, over the {NAME_MAX} a registry takes",
            name.len()
        );
        return Err((why, None));
    }
    if let Some((first, path)) = name.split_once('/') {
        if is_host_and_port(first) && check_path(path).is_ok() {
            return Ok(Some(first.to_string()));
        }
    }
    check_path(name).map_err(|why| (why, fixed_case(name)))?;
    Ok(None)
}

/// The name with its path in lower case (its host kept), when that is all that is wrong.
fn fixed_case(name: &str) -> Option<String> {
    let (host, path) = match name.split_once('/') {
        Some((first, path)) if is_host_and_port(first) && is_registry(first) => {
            (format!("{first}/"), path)
        }
        _ => (String::new(), name),
    };
    let lower = path.to_ascii_lowercase();
    (lower != path && check_path(&lower).is_ok()).then(|| format!("{host}{lower}"))
}

/// `path-component ("/" path-component)*`, each lower-case letters and digits joined by one
/// `.`, one or two `_`, or any number of `-`.
fn check_path(path: &str) -> Result<(), String> {
    for component in path.split('/') {
        if !is_path_component(component) {
            return Err(format!(
                "the path component `{}` is not one: lower-case letters and digits, joined by `.`, `_`, `__` or dashes",
                shown(component)
            ));
        }
    }
    Ok(())
}

fn is_path_component(component: &str) -> bool {
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let bytes = component.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !alnum(first) || !alnum(last) {
        return false;
    }
    // Between letters and digits: `.`, `_`, `__`, or dashes.
    let mut run = String::new();
    for &b in bytes {
        if alnum(b) {
            if !matches!(run.as_str(), "" | "." | "_" | "__") && !run.bytes().all(|c| c == b'-') {
                return false;
            }
            run.clear();
        } else if matches!(b, b'.' | b'_' | b'-') {
            run.push(b as char);
        } else {
            return false;
        }
    }
    true
}

/// `host[:port]`: a DNS-like name or a bracketed IPv6 address, and an optional port.
fn is_host_and_port(text: &str) -> bool {
    let (host_ok, port) = match text.strip_prefix('[') {
        Some(v6) => {
            let Some((address, rest)) = v6.split_once(']') else {
                return false;
            };
            let port = match rest.strip_prefix(':') {
                Some(port) => Some(port),
                None if rest.is_empty() => None,
                None => return false,
            };
            (is_ipv6(address), port)
        }
        None => {
            let (host, port) = match text.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (text, None),
            };
            (host.split('.').all(is_domain_component), port)
        }
    };
    host_ok && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_ipv6(address: &str) -> bool {
    !address.is_empty() && address.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
}

/// `[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?`.
fn is_domain_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::esa::image::parse_image;

    #[test]
    fn images_split_into_registry_repository_tag_and_digest() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let r = parse_image(&format!("reg.example.com:5000/team/app:1.2@{digest}")).unwrap();
        assert_eq!(r.registry.as_deref(), Some("reg.example.com:5000"));
        assert_eq!(
            (r.repository.as_str(), r.tag.as_deref()),
            ("team/app", Some("1.2"))
        );
        assert_eq!(r.digest.as_deref(), Some(digest.as_str()));
        let r = parse_image("nginx").unwrap();
        assert_eq!(
            (r.registry, r.repository.as_str(), r.tag),
            (None, "nginx", None)
        );
        let r = parse_image("team/app:1").unwrap();
        assert_eq!((r.registry, r.repository.as_str()), (None, "team/app"));
        for bad in ["", "a b", "app:", "x@", "line\nbreak"] {
            assert!(parse_image(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_tag_is_at_most_128_characters_and_a_host_is_dns_labels_and_digits() {
        let tag = |n: usize| format!("registry.example.com/shop/web:{}", "t".repeat(n));
        assert!(parse_image(&tag(128)).is_ok());
        assert!(parse_image(&tag(129)).is_err());
        assert!(parse_image("registry.example.com:5000/shop/web:1").is_ok());
        for bad in [
            "registry.example.com:/shop/web:1",
            "registry.example.com:http/shop/web:1",
            "-registry.example.com/shop/web:1",
            "registry..example.com/shop/web:1",
        ] {
            assert!(parse_image(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_mistake_is_named_with_the_fixed_form_where_there_is_one() {
        let cases = [
            (
                "https://registry.example.com/shop/web:1.0",
                "has no scheme: `registry.example.com/shop/web:1.0`",
            ),
            (
                "registry.example.com/Shop/Web:1.0",
                "in lower case: `registry.example.com/shop/web:1.0`",
            ),
            (
                "registry.example.com/shop/web:latest:v2",
                "`:latest:v2` is more than one tag",
            ),
            (
                "registry.example.com/shop/web@sha256:nothex",
                "is not 64 lower-case hex digits after `sha256:`",
            ),
            (
                "registry.example.com/shop/web:",
                "leave the `:` out (`registry.example.com/shop/web`)",
            ),
            (
                "registry.example.com/shop/web@md5:abc",
                "names no algorithm a registry takes",
            ),
        ];
        for (image, said) in cases {
            let why = parse_image(image).unwrap_err();
            assert!(why.contains(said), "{image}: {why}");
        }
    }
}
