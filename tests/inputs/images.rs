//! `image` against the registry reference grammar's own table of cases: the valid and invalid references of the distribution project's `reference_test.go` (github.com/distribution/reference), each accepted or refused as that grammar says, with the registry, repository, tag and digest it splits into. Two of its cases read a registry where Docker reads a path (`foo/…`): ours follows Docker, which is what a registry login uses.

use esa_engine::esa::image::parse_image;

const SHA256: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

/// A valid reference: (reference, registry, repository, tag, digest).
type Valid = (
    String,
    Option<&'static str>,
    String,
    Option<&'static str>,
    Option<String>,
);

/// The grammar's valid references, each as it splits.
fn valid() -> Vec<Valid> {
    let sha512 = format!("sha512:{}", "f".repeat(128));
    let long = format!("{}a", "a/".repeat(127));
    vec![
        ("test_com".into(), None, "test_com".into(), None, None),
        (
            "test.com:tag".into(),
            None,
            "test.com".into(),
            Some("tag"),
            None,
        ),
        (
            "test.com:5000".into(),
            None,
            "test.com".into(),
            Some("5000"),
            None,
        ),
        (
            "test.com/repo:tag".into(),
            Some("test.com"),
            "repo".into(),
            Some("tag"),
            None,
        ),
        (
            "test:5000/repo".into(),
            Some("test:5000"),
            "repo".into(),
            None,
            None,
        ),
        (
            "test:5000/repo:tag".into(),
            Some("test:5000"),
            "repo".into(),
            Some("tag"),
            None,
        ),
        (
            format!("test:5000/repo@{SHA256}"),
            Some("test:5000"),
            "repo".into(),
            None,
            Some(SHA256.into()),
        ),
        (
            format!("test:5000/repo:tag@{SHA256}"),
            Some("test:5000"),
            "repo".into(),
            Some("tag"),
            Some(SHA256.into()),
        ),
        (
            "lowercase:Uppercase".into(),
            None,
            "lowercase".into(),
            Some("Uppercase"),
            None,
        ),
        (
            format!("{long}:tag-puts-this-over-max"),
            None,
            long.clone(),
            Some("tag-puts-this-over-max"),
            None,
        ),
        (
            "sub-dom1.foo.com/bar/baz/quux".into(),
            Some("sub-dom1.foo.com"),
            "bar/baz/quux".into(),
            None,
            None,
        ),
        (
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag".into(),
            Some("sub-dom1.foo.com"),
            "bar/baz/quux".into(),
            Some("some-long-tag"),
            None,
        ),
        (
            "b.gcr.io/test.example.com/my-app:test.example.com".into(),
            Some("b.gcr.io"),
            "test.example.com/my-app".into(),
            Some("test.example.com"),
            None,
        ),
        (
            "xn--n3h.com/myimage:xn--n3h.com".into(),
            Some("xn--n3h.com"),
            "myimage".into(),
            Some("xn--n3h.com"),
            None,
        ),
        (
            format!("xn--7o8h.com/myimage:xn--7o8h.com@{sha512}"),
            Some("xn--7o8h.com"),
            "myimage".into(),
            Some("xn--7o8h.com"),
            Some(sha512),
        ),
        (
            "foo_bar.com:8080".into(),
            None,
            "foo_bar.com".into(),
            Some("8080"),
            None,
        ),
        (
            "foo/foo_bar.com:8080".into(),
            None,
            "foo/foo_bar.com".into(),
            Some("8080"),
            None,
        ),
        ("192.168.1.1".into(), None, "192.168.1.1".into(), None, None),
        (
            "192.168.1.1:tag".into(),
            None,
            "192.168.1.1".into(),
            Some("tag"),
            None,
        ),
        (
            "192.168.1.1:5000".into(),
            None,
            "192.168.1.1".into(),
            Some("5000"),
            None,
        ),
        (
            "192.168.1.1/repo".into(),
            Some("192.168.1.1"),
            "repo".into(),
            None,
            None,
        ),
        (
            "192.168.1.1:5000/repo".into(),
            Some("192.168.1.1:5000"),
            "repo".into(),
            None,
            None,
        ),
        (
            "192.168.1.1:5000/repo:5050".into(),
            Some("192.168.1.1:5000"),
            "repo".into(),
            Some("5050"),
            None,
        ),
        (
            "[2001:db8::1]/repo".into(),
            Some("[2001:db8::1]"),
            "repo".into(),
            None,
            None,
        ),
        (
            "[2001:db8:1:2:3:4:5:6]/repo:tag".into(),
            Some("[2001:db8:1:2:3:4:5:6]"),
            "repo".into(),
            Some("tag"),
            None,
        ),
        (
            "[2001:db8::1]:5000/repo".into(),
            Some("[2001:db8::1]:5000"),
            "repo".into(),
            None,
            None,
        ),
        (
            "[2001:db8::1]:5000/repo:tag".into(),
            Some("[2001:db8::1]:5000"),
            "repo".into(),
            Some("tag"),
            None,
        ),
        (
            format!("[2001:db8::1]:5000/repo@{SHA256}"),
            Some("[2001:db8::1]:5000"),
            "repo".into(),
            None,
            Some(SHA256.into()),
        ),
        (
            "[2001:db8::]:5000/repo".into(),
            Some("[2001:db8::]:5000"),
            "repo".into(),
            None,
            None,
        ),
        (
            "[::1]:5000/repo".into(),
            Some("[::1]:5000"),
            "repo".into(),
            None,
            None,
        ),
        (
            "test-com:8080/foo".into(),
            Some("test-com:8080"),
            "foo".into(),
            None,
            None,
        ),
        (
            "localhost/foo:1".into(),
            Some("localhost"),
            "foo".into(),
            Some("1"),
            None,
        ),
        (
            "a__b/c---d/e.f:_t".into(),
            None,
            "a__b/c---d/e.f".into(),
            Some("_t"),
            None,
        ),
    ]
}

/// The grammar's invalid references, and the issue's.
fn invalid() -> Vec<String> {
    let mut cases: Vec<String> = [
        "",
        ":justtag",
        "repo@sha256:ffffffffffffffffffffffffffffffffff",
        "Uppercase:tag",
        "test:5000/Uppercase/lowercase:tag",
        "aa/asdf$$^/aa",
        "[2001:db8::1]",
        "[2001:db8::1]:5000",
        "[2001:db8::1]:tag",
        "[fe80::1%eth0]:5000/repo",
        "[fe80::1%@invalidzone]:5000/repo",
        "https://registry.example.com/shop/web:1.0",
        "registry.example.com/Shop/Web:1.0",
        "registry.example.com/shop/web:latest:v2",
        "registry.example.com/shop/web@sha256:nothex",
        "registry.example.com/shop/web:",
        "a/.b",
        "a/b.",
        "a/b___c",
        "a/b..c",
        "a//b",
        "a/b:-tag",
        "a/b:.tag",
        "a@sha256:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    cases.push(format!("@{SHA256}"));
    cases.push(format!("validname@invaliddigest:{}", "f".repeat(64)));
    cases.push(format!("{}a:tag", "a/".repeat(128)));
    cases.push(format!("a:{}", "t".repeat(129)));
    cases
}

#[test]
fn the_grammars_valid_references_are_accepted_and_split() {
    for (text, registry, repository, tag, digest) in valid() {
        let r = parse_image(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(r.text, text);
        assert_eq!(r.registry.as_deref(), registry, "{text}");
        assert_eq!(r.repository, repository, "{text}");
        assert_eq!(r.tag.as_deref(), tag, "{text}");
        assert_eq!(r.digest, digest, "{text}");
    }
}

#[test]
fn the_grammars_invalid_references_are_refused() {
    for text in invalid() {
        assert!(parse_image(&text).is_err(), "{text:?} was accepted");
    }
}
