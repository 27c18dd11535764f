//! The soak's own oracle, held to account: wrappers around the real binary that lie (a result it did not reach, an output dropped, the secret printed in an encoding) must each fail the soak. A soak that passes a liar checks nothing. (That the real binary passes it is `scripts/soak.sh`'s, in CI.)

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The real binary, built beside this test by `cargo test --workspace`.
fn esa_publish() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let binary = dir.join("esa-publish");
    assert!(
        binary.exists(),
        "no {} (cargo test --workspace builds it; or cargo build first)",
        binary.display()
    );
    binary
}

/// A wrapper that runs the real binary with its outputs in a file of its own, then does
/// `lie` (bash, with `$out` the real outputs file and `$mine` the binary's), and exits as
/// `exit` says (`$code` is the binary's).
fn liar(dir: &Path, name: &str, lie: &str, exit: &str) -> PathBuf {
    let path = dir.join(name);
    let script = format!(
        "#!/usr/bin/env bash\nout=\"$GITHUB_OUTPUT\"\nmine=$(mktemp)\nGITHUB_OUTPUT=\"$mine\" {} \"$@\"\ncode=$?\ncat \"$mine\" >> \"$out\"\n{lie}\nexit {exit}\n",
        esa_publish().display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Runs the soak on `binary`: its exit code and its table.
fn soak(binary: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_esa-soak"))
        .args(["5", "--seed", "20261207", "--binary"])
        .arg(binary)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The soak failed the liar, with `counter` above zero in its table.
fn caught(binary: &Path, counter: &str) {
    let (code, table) = soak(binary);
    assert_eq!(code, 1, "the soak passed a liar:\n{table}");
    let line = table
        .lines()
        .find(|l| l.starts_with(&format!("| {counter} |")))
        .unwrap_or_else(|| panic!("no {counter} in:\n{table}"));
    assert!(!line.ends_with("| 0 |"), "{line}\n{table}");
}

#[test]
fn a_wrapper_that_says_unknown_after_a_publish_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let binary = liar(
        dir.path(),
        "unknown",
        "echo result=unknown >> \"$out\"",
        "1",
    );
    caught(&binary, "outcome mismatches");
}

#[test]
fn a_wrapper_that_says_failed_or_rolled_back_when_it_was_not_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    for (name, result) in [("failed", "failed"), ("rolled-back", "rolled-back")] {
        let lie =
            format!("grep -q '^result=published' \"$mine\" && echo result={result} >> \"$out\"");
        let binary = liar(dir.path(), name, &lie, "1");
        caught(&binary, "outcome mismatches");
    }
}

#[test]
fn a_wrapper_that_drops_deployed_version_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    // The binary's outputs again, without the deployed-version heredoc.
    let lie = "awk '/^deployed-version<</{skip=1; d=substr($0, index($0, \"<<\")+2); next} skip && $0==d {skip=0; next} !skip' \"$mine\" > \"$out\"";
    let binary = liar(dir.path(), "drops", lie, "$code");
    caught(&binary, "outcome mismatches");
}

#[test]
fn a_wrapper_that_prints_the_secret_in_an_encoding_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    for (name, encode) in [
        ("base64", "printenv 'INPUT_ACCESS-KEY-SECRET' | tr -d '\\n' | base64"),
        ("url", "python3 -c 'import os,urllib.parse; print(urllib.parse.quote(os.environ[\"INPUT_ACCESS-KEY-SECRET\"], safe=\"\"))'"),
        ("json", "python3 -c 'import os,json; print(json.dumps(os.environ[\"INPUT_ACCESS-KEY-SECRET\"]))'"),
    ] {
        let binary = liar(dir.path(), name, encode, "$code");
        caught(&binary, "secrets in an output");
    }
}
