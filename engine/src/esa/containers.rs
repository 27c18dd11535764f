//! The `Containers` model of CreateEdgeContainerAppVersion, pure: checking a spec file against the model's rules, copying a base version's containers in the create model's fields, and swapping one container's image (with what that means for `ACRImageInfo`).
//!
//! Containers stay `serde_json::Value` objects so that every field of a copied container goes
//! back exactly as the service gave it; only the fields the create model does not have are left
//! out, as the official SDK's model leaves them out.

use serde_json::{Map, Value};

use crate::base::text::shown;
use crate::esa::image::ImageRef;

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
            // Only the part before `=` is quoted: what follows may be a secret.
            let name = item.split_once('=').map_or(item, |(k, _)| k);
            let shown_item = if item.contains('=') {
                format!("{}=…", shown(name))
            } else {
                shown(name)
            };
            return Some(format!(
                "`EnvVariables` must be `K1=v1,K2=v2`; `{shown_item}` is not `NAME=value`"
            ));
        }
    }
    None
}

/// What stands in for a value that is not shown.
const HIDDEN: &str = "***";

/// Fields that are shown as [`HIDDEN`] whole when they are not empty: a command line or a hook
/// may carry a password as well as an environment variable may.
const HIDDEN_STRINGS: &[&str] = &["Command", "Args", "PostStart", "PreStop"];

/// The containers as they may be printed (a dry run, a log, the summary): environment variables
/// keep their names with `***` for each value, probe headers keep their names with `***`, and
/// commands, arguments and hooks are `***`. Everything else (images, specs, probes' paths and
/// ports) is shown as it is.
pub fn redacted(containers: &[Value]) -> Vec<Value> {
    containers.iter().map(redact_container).collect()
}

fn redact_container(container: &Value) -> Value {
    let mut copy = container.clone();
    let Some(object) = copy.as_object_mut() else {
        return copy;
    };
    for (field, value) in object.iter_mut() {
        match (field.as_str(), value.as_str()) {
            ("EnvVariables", Some(text)) => *value = Value::String(redact_pairs(text, &[','], '=')),
            (f, Some(text)) if HIDDEN_STRINGS.contains(&f) && !text.is_empty() => {
                *value = Value::String(HIDDEN.into())
            }
            _ => {}
        }
    }
    if let Some(probe) = object
        .get_mut("ProbeContent")
        .and_then(Value::as_object_mut)
    {
        if let Some(Value::String(command)) = probe.get("Command") {
            if !command.is_empty() {
                probe.insert("Command".into(), Value::String(HIDDEN.into()));
            }
        }
        if let Some(Value::String(headers)) = probe.get("HttpHeaders") {
            let shown = redact_headers(headers);
            probe.insert("HttpHeaders".into(), Value::String(shown));
        }
    }
    copy
}

/// `A=1,B=2` → `A=***,B=***`: each item's name up to `separator`, and `***` for the rest.
fn redact_pairs(text: &str, items: &[char], separator: char) -> String {
    text.split(items)
        .map(|item| match item.split_once(separator) {
            Some((name, _)) => format!("{name}{separator}{HIDDEN}"),
            None if item.trim().is_empty() => item.to_string(),
            None => HIDDEN.to_string(),
        })
        .collect::<Vec<_>>()
        .join(&items[0].to_string())
}

/// Probe headers, whose format the API does not document: a JSON object (names kept), a JSON
/// array of `{Key|Name, Value}` objects (names kept), or `Name: value` / `Name=value` items
/// separated by `,`, `;` or line breaks. Every value becomes `***`; text in no known shape is
/// `***` whole.
fn redact_headers(text: &str) -> String {
    if text.trim().is_empty() {
        return text.to_string();
    }
    if let Ok(mut json) = serde_json::from_str::<Value>(text) {
        match &mut json {
            Value::Object(map) => map
                .values_mut()
                .for_each(|v| *v = Value::String(HIDDEN.into())),
            Value::Array(items) => {
                for item in items.iter_mut() {
                    match item.as_object_mut() {
                        Some(o) => o
                            .iter_mut()
                            .filter(|(k, _)| !matches!(k.as_str(), "Key" | "key" | "Name" | "name"))
                            .for_each(|(_, v)| *v = Value::String(HIDDEN.into())),
                        None => *item = Value::String(HIDDEN.into()),
                    }
                }
            }
            _ => return HIDDEN.into(),
        }
        return json.to_string();
    }
    let separator = if text.contains(':') { ':' } else { '=' };
    redact_pairs(text, &[',', ';', '\n'], separator)
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

/// What became of a container's `ACRImageInfo` when its image was swapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcrChange {
    /// The container did not use an ACR image.
    NotAcr,
    /// The new image is a tag of the same ACR repository: `Tag` and `TagUrl` now name it.
    Retagged {
        /// The tag it now names.
        tag: String,
    },
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
    use crate::esa::image::parse_image;
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
            // Only names are quoted: `=2` is shown as `=…`, since a value may be a secret.
            "container `web`: `EnvVariables` must be `K1=v1,K2=v2`; `=…`",
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
            "shop-registry.cn-hangzhou.cr.aliyuncs.com/shop/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            let (copy, _, _, change) =
                swap_image(&[base.clone()], None, &parse_image(elsewhere).unwrap()).unwrap();
            assert_eq!(change, AcrChange::Dropped, "{elsewhere}");
            assert_eq!(copy[0]["IsACRImage"], json!(false));
            assert_eq!(copy[0].get("ACRImageInfo"), None, "{elsewhere}");
        }
    }

    #[test]
    fn printed_containers_keep_names_and_hide_values() {
        let mut c = web();
        c["EnvVariables"] = json!("DB_PASSWORD=CANARY-env,MODE=prod");
        c["Args"] = json!("--token CANARY-arg");
        c["Command"] = json!("");
        c["ProbeContent"]["HttpHeaders"] = json!("Authorization: Bearer CANARY-h; X-Env: a");
        let shown = redacted(&[c.clone()]);
        let text = shown[0].to_string();
        assert!(!text.contains("CANARY"), "{text}");
        assert_eq!(shown[0]["EnvVariables"], json!("DB_PASSWORD=***,MODE=***"));
        assert_eq!(shown[0]["Args"], json!("***"));
        assert_eq!(shown[0]["Command"], json!(""), "empty stays empty");
        assert_eq!(shown[0]["Image"], c["Image"]);
        assert_eq!(
            shown[0]["ProbeContent"]["HttpHeaders"],
            json!("Authorization:***, X-Env:***")
        );
        for (headers, want) in [
            (r#"{"X-Key":"CANARY"}"#, r#"{"X-Key":"***"}"#),
            (
                r#"[{"Key":"X","Value":"CANARY"}]"#,
                r#"[{"Key":"X","Value":"***"}]"#,
            ),
            ("CANARY", "***"),
        ] {
            assert_eq!(redact_headers(headers), want);
        }
        // A malformed item quotes its name only.
        let problems = check(&json!([{"EnvVariables": "A=1,-X=CANARY"}]));
        assert!(
            problems.iter().all(|p| !p.contains("CANARY")),
            "{problems:?}"
        );
    }

    #[test]
    fn the_parameter_is_compact_with_sorted_keys() {
        assert_eq!(
            to_parameter(&[json!({"Name": "a", "Image": "b"})]),
            r#"[{"Image":"b","Name":"a"}]"#
        );
    }
}
