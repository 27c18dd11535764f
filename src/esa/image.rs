//! Container image references, split into registry, repository, tag and digest: what `image` names, and what tells whether a new image is a tag of the same ACR repository.

use crate::base::text::shown;

/// An image reference, split: `[registry/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The reference as written.
    pub text: String,
    /// The registry host (with port), when the reference names one.
    pub registry: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl std::fmt::Display for ImageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Splits an image reference; `Err` says what is wrong with it.
pub fn parse_image(image: &str) -> Result<ImageRef, String> {
    if image.is_empty()
        || image.len() > 512
        || image.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!(
            "`{}` is not an image reference like `registry.example.com/team/app:1.2.3`",
            shown(image)
        ));
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d.to_string())),
        None => (image, None),
    };
    let (host, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first.to_string()), rest)
        }
        _ => (None, name),
    };
    let (repository, tag) = match path.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), Some(tag.to_string())),
        _ => (path.to_string(), None),
    };
    if repository.is_empty() || tag.as_deref() == Some("") || digest.as_deref() == Some("") {
        return Err(format!(
            "`{}` is not an image reference like `registry.example.com/team/app:1.2.3`",
            shown(image)
        ));
    }
    Ok(ImageRef {
        text: image.to_string(),
        registry: host,
        repository,
        tag,
        digest,
    })
}

#[cfg(test)]
mod tests {
    use crate::esa::image::parse_image;

    #[test]
    fn images_split_into_registry_repository_tag_and_digest() {
        let r = parse_image("reg.example.com:5000/team/app:1.2@sha256:abc").unwrap();
        assert_eq!(r.registry.as_deref(), Some("reg.example.com:5000"));
        assert_eq!(
            (r.repository.as_str(), r.tag.as_deref()),
            ("team/app", Some("1.2"))
        );
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = parse_image("nginx").unwrap();
        assert_eq!(
            (r.registry, r.repository.as_str(), r.tag),
            (None, "nginx", None)
        );
        for bad in ["", "a b", "app:", "x@", "line\nbreak"] {
            assert!(parse_image(bad).is_err(), "{bad:?}");
        }
    }
}
