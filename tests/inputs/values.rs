//! What each input's value may be: bad values reported against their names with the seed's codes, and the rules between inputs.

use esa_engine::base::values::*;
use esa_engine::esa::endpoint::*;
use esa_engine::esa::model::*;
use esa_publish::config::publish::*;

use crate::{ok, rejected};

#[test]
fn defaults_apply_when_inputs_are_empty() {
    let c = ok(&[
        ("INPUT_REGION", ""),
        ("INPUT_SIGNATURE-VERSION", ""),
        ("INPUT_DRY-RUN", ""),
    ]);
    assert_eq!(
        c.endpoint.base_url(),
        "https://esa.cn-hangzhou.aliyuncs.com"
    );
    assert_eq!(c.signature_version, SignatureVersion::V3);
    assert!(!c.dry_run);
    assert_eq!(c.publish.percentage, None);
    assert_eq!(c.publish.publish_type, None);
    assert_eq!(c.retry, esa_engine::esa::retry::Policy::default());
}

#[test]
fn each_bad_input_is_reported_against_its_name_with_the_seed_code() {
    let table: &[(&str, &str, &str, &str)] = &[
        // input var, value, input named, code
        (
            "INPUT_PUBLISH-ENV",
            "production",
            "publish-env",
            "InvalidParameter.PublishEnv",
        ),
        (
            "INPUT_PUBLISH-ENV",
            "",
            "publish-env",
            "InvalidParameter.PublishEnv",
        ),
        (
            "INPUT_PERCENTAGE",
            "0",
            "percentage",
            "InvalidParameter.Percentage",
        ),
        (
            "INPUT_PERCENTAGE",
            "101",
            "percentage",
            "InvalidParameter.Percentage",
        ),
        (
            "INPUT_PERCENTAGE",
            "50.5",
            "percentage",
            "InvalidParameter.Percentage",
        ),
        (
            "INPUT_PERCENTAGE",
            "-1",
            "percentage",
            "InvalidParameter.Percentage",
        ),
        (
            "INPUT_PERCENTAGE",
            "ten",
            "percentage",
            "InvalidParameter.Percentage",
        ),
        (
            "INPUT_VERSION-ID",
            "v-123",
            "version-id",
            "InvalidParameter.VersionId",
        ),
        (
            "INPUT_VERSION-ID",
            "",
            "version-id",
            "InvalidParameter.VersionId",
        ),
        (
            "INPUT_VERSION-ID",
            "ver-",
            "version-id",
            "InvalidParameter.VersionId",
        ),
        (
            "INPUT_APP-ID",
            "88068867578379",
            "app-id",
            "InvalidParameter.appid",
        ),
        ("INPUT_APP-ID", "", "app-id", "InvalidParameter.appid"),
        (
            "INPUT_PUBLISH-TYPE",
            "canary",
            "publish-type",
            "InvalidParameter",
        ),
        (
            "INPUT_FULL-RELEASE",
            "yes",
            "full-release",
            "InvalidParameter",
        ),
        (
            "INPUT_START-TIME",
            "2026-06-05 16:00",
            "start-time",
            "InvalidParameter",
        ),
        (
            "INPUT_START-TIME",
            "2026-06-05T16:00:00",
            "start-time",
            "InvalidParameter",
        ),
        (
            "INPUT_SIGNATURE-VERSION",
            "v4",
            "signature-version",
            "InvalidParameter",
        ),
        ("INPUT_DRY-RUN", "maybe", "dry-run", "InvalidParameter"),
        ("INPUT_REGION", "cn hangzhou", "region", "InvalidParameter"),
        (
            "INPUT_ENDPOINT",
            "http://esa.example.com",
            "endpoint",
            "InvalidParameter",
        ),
        (
            "INPUT_ENDPOINT",
            "http://10.0.0.1:8080",
            "endpoint",
            "InvalidParameter",
        ),
        (
            "INPUT_ENDPOINT",
            "ftp://127.0.0.1",
            "endpoint",
            "InvalidParameter",
        ),
        (
            "INPUT_ENDPOINT",
            "https://esa.example.com/path",
            "endpoint",
            "InvalidParameter",
        ),
        (
            "INPUT_ENDPOINT",
            "https://user:pw@esa.example.com",
            "endpoint",
            "InvalidParameter",
        ),
        (
            "INPUT_ACCESS-KEY-SECRET",
            "",
            "access-key-secret",
            "InvalidParameter",
        ),
    ];
    for (var, value, input, code) in table {
        let r = rejected(&[(var, value)]);
        assert_eq!(r.errors.len(), 1, "{var}={value:?}: {r:?}");
        let e = &r.errors[0];
        assert_eq!((e.input, e.code), (*input, *code), "{var}={value:?}");
        assert!(
            e.message.contains(input),
            "{var}={value:?}: the message names the input: {}",
            e.message
        );
    }
}

#[test]
fn every_error_is_reported_at_once() {
    let r = rejected(&[
        ("INPUT_APP-ID", "x"),
        ("INPUT_VERSION-ID", "y"),
        ("INPUT_PUBLISH-ENV", "z"),
        ("INPUT_PERCENTAGE", "0"),
        ("INPUT_PUBLISH-TYPE", "region"),
    ]);
    let inputs: Vec<&str> = r.errors.iter().map(|e| e.input).collect();
    assert_eq!(
        inputs,
        [
            "app-id",
            "version-id",
            "publish-env",
            "percentage",
            "regions"
        ]
    );
}

#[test]
fn missing_credentials_are_one_clear_error_except_in_a_dry_run() {
    let r = rejected(&[("INPUT_ACCESS-KEY-ID", ""), ("INPUT_ACCESS-KEY-SECRET", "")]);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].code, "MissingCredentials");
    assert!(r.errors[0].message.contains("access-key-secret"));
    let c = ok(&[
        ("INPUT_ACCESS-KEY-ID", ""),
        ("INPUT_ACCESS-KEY-SECRET", ""),
        ("INPUT_DRY-RUN", "true"),
    ]);
    assert_eq!(
        c.credentials,
        esa_publish::config::credentials::CredentialPlan::Missing
    );
}

#[test]
fn booleans_follow_the_toolkit() {
    for (v, want) in [
        ("true", true),
        ("True", true),
        ("TRUE", true),
        ("false", false),
        ("False", false),
        ("FALSE", false),
    ] {
        assert_eq!(parse_bool(v), Ok(want));
    }
    for v in ["yes", "1", "on", "tRuE"] {
        assert!(parse_bool(v).is_err(), "{v}");
    }
}

#[test]
fn start_time_is_normalised_to_utc_and_the_past_is_a_warning() {
    let c = ok(&[("INPUT_START-TIME", "2026-06-06T00:30:00+08:00")]);
    assert_eq!(
        c.publish
            .start_time
            .map(esa_publish::esa::signing::format_timestamp)
            .as_deref(),
        Some("2026-06-05T16:30:00Z")
    );
    assert!(c.warnings.is_empty());
    let c = ok(&[("INPUT_START-TIME", "2025-12-31T23:59:59.750Z")]);
    assert_eq!(
        c.publish
            .start_time
            .map(esa_publish::esa::signing::format_timestamp)
            .as_deref(),
        Some("2025-12-31T23:59:59Z")
    );
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(c.warnings[0].input, "start-time");
}

#[test]
fn regions_accept_commas_newlines_and_json() {
    let table: &[(&str, &[&str])] = &[
        ("jiangsu,zhejiang", &["jiangsu", "zhejiang"]),
        ("jiangsu, zhejiang ,", &["jiangsu", "zhejiang"]),
        ("jiangsu\nzhejiang\n", &["jiangsu", "zhejiang"]),
        ("jiangsu\r\nzhejiang", &["jiangsu", "zhejiang"]),
        ("- not yaml", &[]),
        (r#"["jiangsu", "zhejiang"]"#, &["jiangsu", "zhejiang"]),
    ];
    for (raw, want) in table {
        let got = parse_regions(raw);
        if want.is_empty() {
            assert!(got.is_err(), "{raw:?}: {got:?}");
        } else {
            assert_eq!(
                got.as_deref(),
                Ok(*want as &[&str])
                    .map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                    .as_deref(),
                "{raw:?}"
            );
        }
    }
    for bad in ["[1,2]", "[\"a\"", "jiangsu,jiangsu", "a b", "\"jiangsu\""] {
        assert!(parse_regions(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn region_publish_needs_regions_and_sends_them() {
    let c = ok(&[
        ("INPUT_PUBLISH-TYPE", "region"),
        ("INPUT_REGIONS", "jiangsu\nzhejiang"),
        ("INPUT_FULL-RELEASE", "true"),
    ]);
    let req =
        esa_publish::esa::api::publish_request(&c.publish.request("ver-1", c.publish.percentage));
    assert_eq!(req.query["Regions"], r#"["jiangsu","zhejiang"]"#);
    assert_eq!(req.query["FullRelease"], "true");
    assert_eq!(req.query["PublishType"], "region");
}

#[test]
fn region_settings_on_a_percentage_publish_are_errors() {
    // Ignored, they would publish to every region: a mistake that widens the publish.
    let r = rejected(&[("INPUT_REGIONS", "jiangsu"), ("INPUT_FULL-RELEASE", "true")]);
    let inputs: Vec<&str> = r.errors.iter().map(|e| e.input).collect();
    assert_eq!(inputs, ["regions", "full-release"]);
    assert!(r
        .errors
        .iter()
        .all(|e| e.message.contains("Add `publish-type: region`")));
    let r = rejected(&[
        ("INPUT_REGIONS", "jiangsu"),
        ("INPUT_PUBLISH-TYPE", "percentage"),
    ]);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    // A misspelt publish-type is the one error: whether regions apply cannot be known, so they
    // are not blamed as well.
    let r = rejected(&[
        ("INPUT_REGIONS", "jiangsu"),
        ("INPUT_PUBLISH-TYPE", "regoin"),
    ]);
    let inputs: Vec<&str> = r.errors.iter().map(|e| e.input).collect();
    assert_eq!(inputs, ["publish-type"], "{:?}", r.errors);
    ok(&[
        ("INPUT_REGIONS", "jiangsu"),
        ("INPUT_PUBLISH-TYPE", "region"),
    ]);
}

#[test]
fn rollback_on_failure_without_following_is_an_error() {
    let r = rejected(&[("INPUT_ROLLBACK-ON-FAILURE", "true")]);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].message.contains("add `wait: true`"));
    ok(&[
        ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ("INPUT_WAIT", "true"),
    ]);
    ok(&[
        ("INPUT_ROLLBACK-ON-FAILURE", "true"),
        ("INPUT_PERCENTAGE-STEPS", "10,100"),
        ("INPUT_PERCENTAGE", ""),
    ]);
}

#[test]
fn percentage_steps_and_a_percentage_label_are_an_error() {
    let r = rejected(&[
        ("INPUT_PERCENTAGE-STEPS", "10,100"),
        ("INPUT_PERCENTAGE", ""),
        ("INPUT_PERCENTAGE-FROM-LABEL", "canary:"),
    ]);
    assert!(
        r.errors.iter().any(|e| e
            .message
            .contains("`percentage-from-label` both set the percentage")),
        "{:?}",
        r.errors
    );
}

#[test]
fn endpoints() {
    let table: &[(&str, &str, &str)] = &[
        (
            "esa.ap-southeast-1.aliyuncs.com",
            "https://esa.ap-southeast-1.aliyuncs.com",
            "esa.ap-southeast-1.aliyuncs.com",
        ),
        (
            "https://esa.cn-hangzhou.aliyuncs.com/",
            "https://esa.cn-hangzhou.aliyuncs.com",
            "esa.cn-hangzhou.aliyuncs.com",
        ),
        (
            "https://esa.cn-hangzhou.aliyuncs.com:443",
            "https://esa.cn-hangzhou.aliyuncs.com",
            "esa.cn-hangzhou.aliyuncs.com",
        ),
        (
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080",
            "127.0.0.1:8080",
        ),
        ("http://127.8.9.10", "http://127.8.9.10", "127.8.9.10"),
        ("http://localhost:9", "http://localhost:9", "localhost:9"),
        ("http://[::1]:8080", "http://[::1]:8080", "[::1]:8080"),
        ("127.0.0.1:8443", "https://127.0.0.1:8443", "127.0.0.1:8443"),
    ];
    for (raw, url, host) in table {
        let e = parse_endpoint(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(
            (e.base_url().as_str(), e.host_header().as_str()),
            (*url, *host),
            "{raw}"
        );
    }
    for bad in [
        "http://example.com",
        "http://128.0.0.1",
        "http://localhost.example.com",
        "http://[::2]",
        "http://0.0.0.0",
        "https://",
        "https://h/?q=1",
        "https://h/#f",
    ] {
        assert!(parse_endpoint(bad).is_err(), "{bad} should be refused");
    }
}

#[test]
fn the_region_builds_the_endpoint() {
    let c = ok(&[("INPUT_REGION", "ap-southeast-1")]);
    assert_eq!(
        c.endpoint.base_url(),
        "https://esa.ap-southeast-1.aliyuncs.com"
    );
    let c = ok(&[
        ("INPUT_REGION", "ap-southeast-1"),
        ("INPUT_ENDPOINT", "http://127.0.0.1:1234"),
    ]);
    assert_eq!(c.endpoint.base_url(), "http://127.0.0.1:1234");
}

#[test]
fn the_sts_endpoint_follows_the_region_variable_and_the_loopback_rule() {
    let c = ok(&[]);
    assert_eq!(c.sts_endpoint.base_url(), "https://sts.aliyuncs.com");
    let c = ok(&[("ALIBABA_CLOUD_STS_REGION", "cn-shanghai")]);
    assert_eq!(
        c.sts_endpoint.base_url(),
        "https://sts.cn-shanghai.aliyuncs.com"
    );
    let c = ok(&[("INPUT_STS-ENDPOINT", "http://127.0.0.1:9000")]);
    assert_eq!(c.sts_endpoint.base_url(), "http://127.0.0.1:9000");
    let r = rejected(&[("INPUT_STS-ENDPOINT", "http://sts.aliyuncs.com")]);
    assert_eq!(r.errors[0].input, "sts-endpoint");
    let r = rejected(&[("INPUT_ROLE-DURATION-SECONDS", "600")]);
    assert_eq!(r.errors[0].input, "role-duration-seconds");
}
