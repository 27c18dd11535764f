//! The `Containers` model of CreateEdgeContainerAppVersion, pure: checking a spec file against the model's rules, copying a base version's containers in the create model's fields, and swapping one container's image (with what that means for `ACRImageInfo`).
//!
//! Containers stay `serde_json::Value` objects so that every field of a copied container goes
//! back exactly as the service gave it; only the fields the create model does not have are left
//! out, as the official SDK's model leaves them out.

use serde_json::{Map, Value};

use crate::base::text::shown;

/// `Spec` values the model allows.
pub const SPECS: &[&str] = &["1C2G", "2C4G", "2C8G", "4C8G", "4C16G", "8C16G", "8C32G"];
/// `Storage` values the model allows.
pub const STORAGES: &[&str] = &["0.5G", "10G", "20G", "30G"];
/// `ProbeType` values the model allows.
pub const PROBE_TYPES: &[&str] = &["exec", "tcpSocket", "httpGet"];

const REQUIRED: &[&str] = &[
    "Name",
    "Image",
    "IsACRImage",
    "Spec",
    "Storage",
    "ProbeType",
    "ProbeContent",
];
const OPTIONAL_STRINGS: &[&str] = &["Command", "Args", "EnvVariables", "PostStart", "PreStop"];
const PROBE_STRINGS: &[&str] = &["Command", "Host", "Path", "Scheme", "HttpHeaders"];
const PROBE_INTEGERS: &[&str] = &[
    "Port",
    "InitialDelaySeconds",
    "PeriodSeconds",
    "TimeoutSeconds",
    "SuccessThreshold",
    "FailureThreshold",
];
const ACR_STRINGS: &[&str] = &[
    "Domain",
    "InstanceId",
    "RegionId",
    "RepoId",
    "RepoName",
    "RepoNamespace",
    "Tag",
    "TagUrl",
];

/// A container's name, for messages: `` `web` `` or `#2` when it has none.
fn label(index: usize, c: &Value) -> String {
    match c.get("Name").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => format!("container `{}`", shown(name)),
        _ => format!("container #{}", index + 1),
    }
}

/// Checks a `Containers` array against the model's rules: required fields, the `Spec`,
/// `Storage` and `ProbeType` values, field types, unique names and a well-formed
/// `EnvVariables`. Every problem names the container and the field.
pub fn check(containers: &Value) -> Vec<String> {
    let Some(list) = containers.as_array() else {
        return vec!["the file must hold a JSON array of containers (`[{\"Name\": …}, …]`)".into()];
    };
    if list.is_empty() {
        return vec!["the array lists no container".into()];
    }
    let mut problems = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (index, c) in list.iter().enumerate() {
        let who = label(index, c);
        let Some(object) = c.as_object() else {
            problems.push(format!("{who}: is not a JSON object"));
            continue;
        };
        for field in REQUIRED {
            if !object.contains_key(*field) {
                problems.push(format!("{who}: `{field}` is required"));
            }
        }
        for (field, value) in object {
            if let Some(problem) = check_field(field, value) {
                problems.push(format!("{who}: {problem}"));
            }
        }
        if let Some(name) = object.get("Name").and_then(Value::as_str) {
            if names.contains(&name) {
                problems.push(format!(
                    "{who}: `Name` is used by another container too; names must be unique"
                ));
            }
            names.push(name);
        }
    }
    problems
}

fn one_of(field: &str, value: &Value, allowed: &[&str]) -> Option<String> {
    match value.as_str() {
        Some(v) if allowed.contains(&v) => None,
        _ => Some(format!(
            "`{field}` must be one of {}, not {}",
            allowed.join(", "),
            shown(&value.to_string())
        )),
    }
}

fn check_field(field: &str, value: &Value) -> Option<String> {
    let string =
        |what: &str| (!value.is_string()).then(|| format!("`{field}` must be a string{what}"));
    match field {
        "Name" | "Image" => string("").or_else(|| {
            (value.as_str() == Some("")).then(|| format!("`{field}` must not be empty"))
        }),
        "IsACRImage" => (!value.is_boolean()).then(|| format!("`{field}` must be true or false")),
        "Spec" => one_of(field, value, SPECS),
        "Storage" => one_of(field, value, STORAGES),
        "ProbeType" => one_of(field, value, PROBE_TYPES),
        "ProbeContent" => check_object(field, value, PROBE_STRINGS, PROBE_INTEGERS, &[]),
        "ACRImageInfo" => check_object(field, value, ACR_STRINGS, &[], &["IsEnterpriseRegistry"]),
        "EnvVariables" => {
            string(" like `K1=v1,K2=v2`").or_else(|| check_env(value.as_str().unwrap_or("")))
        }
        f if OPTIONAL_STRINGS.contains(&f) => string(""),
        _ => Some(format!(
            "`{}` is not a field of the Containers model",
            shown(field)
        )),
    }
}

fn check_object(
    field: &str,
    value: &Value,
    strings: &[&str],
    integers: &[&str],
    booleans: &[&str],
) -> Option<String> {
    let Some(object) = value.as_object() else {
        return Some(format!("`{field}` must be a JSON object"));
    };
    for (k, v) in object {
        let ok = if strings.contains(&k.as_str()) {
            v.is_string()
        } else if integers.contains(&k.as_str()) {
            v.is_i64()
        } else if booleans.contains(&k.as_str()) {
            v.is_boolean()
        } else {
            return Some(format!(
                "`{field}.{}` is not a field of the model",
                shown(k)
            ));
        };
        if !ok {
            let kind = if integers.contains(&k.as_str()) {
                "a whole number"
            } else if booleans.contains(&k.as_str()) {
                "true or false"
            } else {
                "a string"
            };
            return Some(format!("`{field}.{k}` must be {kind}"));
        }
    }
    None
}

/// `K1=v1,K2=v2`: each item a name of letters, digits and `_` (not starting with a digit), `=`,
/// and a value. Empty means none.
fn check_env(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    for item in text.split(',') {
        let key = item.split_once('=').map(|(k, _)| k);
        let ok = key.is_some_and(|k| {
            !k.is_empty()
                && !k.starts_with(|c: char| c.is_ascii_digit())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if !ok {
            return Some(format!(
                "`EnvVariables` must be `K1=v1,K2=v2`; `{}` is not `NAME=value`",
                shown(item)
            ));
        }
    }
    None
}

/// A copy of a container in the create model's fields only (the service's read answers may
/// carry more), every value exactly as given.
pub fn for_create(container: &Value) -> Value {
    let keep = |object: &Map<String, Value>, fields: &[&[&str]]| -> Map<String, Value> {
        object
            .iter()
            .filter(|(k, _)| fields.iter().any(|f| f.contains(&k.as_str())))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let Some(object) = container.as_object() else {
        return container.clone();
    };
    let mut copy = keep(object, &[REQUIRED, OPTIONAL_STRINGS, &["ACRImageInfo"]]);
    if let Some(probe) = object.get("ProbeContent").and_then(Value::as_object) {
        copy.insert(
            "ProbeContent".into(),
            Value::Object(keep(probe, &[PROBE_STRINGS, PROBE_INTEGERS])),
        );
    }
    if let Some(acr) = object.get("ACRImageInfo").and_then(Value::as_object) {
        copy.insert(
            "ACRImageInfo".into(),
            Value::Object(keep(acr, &[ACR_STRINGS, &["IsEnterpriseRegistry"]])),
        );
    }
    Value::Object(copy)
}

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

/// What became of a container's `ACRImageInfo` when its image was swapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcrChange {
    /// The container did not use an ACR image.
    NotAcr,
    /// The new image is a tag of the same ACR repository: `Tag` and `TagUrl` now name it.
    Retagged { tag: String },
    /// The new image is elsewhere (or pinned by digest): `IsACRImage` is now false and the stale
    /// `ACRImageInfo` is gone.
    Dropped,
}

/// Why an image could not be swapped in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwapError {
    /// The base runs several containers and none was named: their names.
    WhichContainer(Vec<String>),
    /// No container has the given name: the names there are.
    NoSuchContainer(String, Vec<String>),
}

/// The containers' names, in order.
pub fn names(containers: &[Value]) -> Vec<String> {
    containers
        .iter()
        .map(|c| {
            c.get("Name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// Swaps `image` into one container of a copy of `containers`, leaving every other field and
/// every other container as it was. `container` names the one; it may be left out only when
/// there is just one. Returns the copy, the container's name, the image it had and the ACR
/// change.
pub fn swap_image(
    containers: &[Value],
    container: Option<&str>,
    image: &ImageRef,
) -> Result<(Vec<Value>, String, String, AcrChange), SwapError> {
    let all = names(containers);
    let index = match container {
        Some(wanted) => all
            .iter()
            .position(|n| n == wanted)
            .ok_or_else(|| SwapError::NoSuchContainer(wanted.to_string(), all.clone()))?,
        None if containers.len() == 1 => 0,
        None => return Err(SwapError::WhichContainer(all)),
    };
    let mut copy: Vec<Value> = containers.iter().map(for_create).collect();
    let target = &mut copy[index];
    let old = target
        .get("Image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let change = swap_acr(target, image);
    target["Image"] = Value::String(image.text.clone());
    Ok((copy, all[index].clone(), old, change))
}

/// Keeps `ACRImageInfo` only for a new tag of the same ACR repository (the registry host is its
/// `Domain`, the repository its `RepoNamespace/RepoName`): then `Tag` is the new tag and
/// `TagUrl` the new reference. Anything else drops it and sets `IsACRImage` to false, so that no
/// stale repository, tag or instance is left behind.
fn swap_acr(container: &mut Value, image: &ImageRef) -> AcrChange {
    if container.get("IsACRImage").and_then(Value::as_bool) != Some(true) {
        return AcrChange::NotAcr;
    }
    let info = container
        .get("ACRImageInfo")
        .cloned()
        .unwrap_or(Value::Null);
    let text = |k: &str| info.get(k).and_then(Value::as_str).unwrap_or("");
    let same_repository = image.registry.as_deref() == Some(text("Domain"))
        && !text("Domain").is_empty()
        && image.repository == format!("{}/{}", text("RepoNamespace"), text("RepoName"));
    if let (true, Some(tag), None) = (same_repository, &image.tag, &image.digest) {
        let tag_url = format!("{}/{}:{tag}", text("Domain"), image.repository);
        container["ACRImageInfo"]["Tag"] = Value::String(tag.clone());
        container["ACRImageInfo"]["TagUrl"] = Value::String(tag_url);
        return AcrChange::Retagged { tag: tag.clone() };
    }
    if let Some(object) = container.as_object_mut() {
        object.remove("ACRImageInfo");
    }
    container["IsACRImage"] = Value::Bool(false);
    AcrChange::Dropped
}

/// The `Containers` parameter: one compact JSON array, keys sorted (as the official SDK sends it).
pub fn to_parameter(containers: &[Value]) -> String {
    Value::Array(containers.to_vec()).to_string()
}

#[cfg(test)]
mod tests {
    use crate::esa::containers::*;
    use serde_json::json;

    fn web() -> Value {
        json!({"Name": "web", "Image": "r.example.com/a/web:1", "IsACRImage": false, "Spec": "1C2G",
               "Storage": "10G", "ProbeType": "httpGet", "ProbeContent": {"Path": "/", "Port": 80},
               "EnvVariables": "A=1,B_2=x"})
    }

    #[test]
    fn a_good_spec_passes_and_each_problem_names_container_and_field() {
        assert!(
            check(&json!([web()])).is_empty(),
            "{:?}",
            check(&json!([web()]))
        );
        let mut bad = web();
        bad["Spec"] = json!("3C3G");
        bad["Storage"] = json!("1T");
        bad["EnvVariables"] = json!("A=1,=2");
        bad["Colour"] = json!("red");
        bad["ProbeContent"]["Port"] = json!("80");
        bad.as_object_mut().unwrap().remove("ProbeType");
        let problems = check(&json!([bad, web()]));
        for want in [
            "container `web`: `ProbeType` is required",
            "container `web`: `Spec` must be one of 1C2G",
            "container `web`: `Storage` must be one of 0.5G",
            "container `web`: `EnvVariables` must be `K1=v1,K2=v2`; `=2`",
            "container `web`: `Colour` is not a field",
            "container `web`: `ProbeContent.Port` must be a whole number",
            "container `web`: `Name` is used by another container too",
        ] {
            assert!(
                problems.iter().any(|p| p.starts_with(want)),
                "{want}: {problems:#?}"
            );
        }
        assert_eq!(check(&json!({"Name": "x"})).len(), 1);
        assert_eq!(check(&json!([42])), ["container #1: is not a JSON object"]);
    }

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

    #[test]
    fn a_swap_changes_one_image_and_keeps_everything_else() {
        let mut base = vec![web(), web()];
        base[1]["Name"] = json!("sidecar");
        base[1]["CreateTime"] = json!("not a create field");
        let image = parse_image("r.example.com/a/web:2").unwrap();
        assert_eq!(
            swap_image(&base, None, &image).unwrap_err(),
            SwapError::WhichContainer(vec!["web".into(), "sidecar".into()])
        );
        assert!(matches!(
            swap_image(&base, Some("db"), &image),
            Err(SwapError::NoSuchContainer(n, _)) if n == "db"
        ));
        let (copy, name, old, change) = swap_image(&base, Some("web"), &image).unwrap();
        assert_eq!(
            (name.as_str(), old.as_str(), change),
            ("web", "r.example.com/a/web:1", AcrChange::NotAcr)
        );
        let mut want = web();
        want["Image"] = json!("r.example.com/a/web:2");
        assert_eq!(copy[0], want);
        assert_eq!(
            copy[1].get("CreateTime"),
            None,
            "only the create model's fields"
        );
        assert_eq!(copy[1]["Image"], base[1]["Image"]);
    }

    #[test]
    fn acr_info_follows_a_new_tag_of_the_same_repository_and_is_dropped_otherwise() {
        let mut base = web();
        base["IsACRImage"] = json!(true);
        base["Image"] = json!("shop-registry.cn-hangzhou.cr.aliyuncs.com/shop/web:1");
        base["ACRImageInfo"] = json!({"Domain": "shop-registry.cn-hangzhou.cr.aliyuncs.com",
            "RepoNamespace": "shop", "RepoName": "web", "Tag": "1", "InstanceId": "cri-1",
            "TagUrl": "shop-registry.cn-hangzhou.cr.aliyuncs.com/shop/web:1", "IsEnterpriseRegistry": true});
        let same = "shop-registry.cn-hangzhou.cr.aliyuncs.com/shop/web:2";
        let (copy, _, _, change) =
            swap_image(&[base.clone()], None, &parse_image(same).unwrap()).unwrap();
        assert_eq!(change, AcrChange::Retagged { tag: "2".into() });
        assert_eq!(copy[0]["IsACRImage"], json!(true));
        assert_eq!(copy[0]["ACRImageInfo"]["Tag"], json!("2"));
        assert_eq!(copy[0]["ACRImageInfo"]["TagUrl"], json!(same));
        assert_eq!(copy[0]["ACRImageInfo"]["InstanceId"], json!("cri-1"));
        for elsewhere in [
            "ghcr.io/acme/web:2",
            "shop-registry.cn-hangzhou.cr.aliyuncs.com/other/web:2",
            "shop-registry.cn-hangzhou.cr.aliyuncs.com/shop/web@sha256:0123",
        ] {
            let (copy, _, _, change) =
                swap_image(&[base.clone()], None, &parse_image(elsewhere).unwrap()).unwrap();
            assert_eq!(change, AcrChange::Dropped, "{elsewhere}");
            assert_eq!(copy[0]["IsACRImage"], json!(false));
            assert_eq!(copy[0].get("ACRImageInfo"), None, "{elsewhere}");
        }
    }

    #[test]
    fn the_parameter_is_compact_with_sorted_keys() {
        assert_eq!(
            to_parameter(&[json!({"Name": "a", "Image": "b"})]),
            r#"[{"Image":"b","Name":"a"}]"#
        );
    }
}
