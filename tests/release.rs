//! The release workflow is safe to follow: releases run one at a time behind a protectable environment, the major tag moves only after the release exists, and `scripts/release-move-major.sh` never moves it to an older release (run against a scratch repository).

use std::path::Path;
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

fn workflow() -> Yaml {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/release.yml"
    ))
    .unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

#[test]
fn releases_are_serialised_and_wait_for_the_release_environment() {
    let w = workflow();
    assert!(
        w["concurrency"]["group"].as_str().is_some(),
        "no workflow-level concurrency group"
    );
    assert_eq!(
        w["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false),
        "a release must never be cancelled halfway"
    );
    for job in ["image", "publish"] {
        assert_eq!(
            w["jobs"][job]["environment"].as_str(),
            Some("release"),
            "job {job} pushes or publishes, so it waits for the protectable environment"
        );
    }
}

#[test]
fn the_major_tag_moves_last_through_the_script() {
    let w = workflow();
    let steps: Vec<String> = w["jobs"]["publish"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|s| s["run"].as_str().unwrap_or("").to_string())
        .collect();
    let release = steps
        .iter()
        .position(|r| r.contains("gh release create"))
        .expect("a step creates the release");
    let moves = steps
        .iter()
        .position(|r| r.contains("scripts/release-move-major.sh"))
        .expect("a step moves the major tag");
    assert!(
        moves > release,
        "the major tag moves only once the release exists"
    );
    let yaml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.github/workflows/release.yml"
    ))
    .unwrap();
    for forbidden in ["git tag -f", "git tag --force", "push --force"] {
        assert!(
            !yaml.contains(forbidden),
            "only the script may move a tag: `{forbidden}` in release.yml"
        );
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn move_major(dir: &Path, remote: &Path, tag: &str) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/release-move-major.sh");
    let out = Command::new("bash")
        .args([script, tag, remote.to_str().unwrap()])
        .current_dir(dir)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_major_tag_never_moves_backwards() {
    let scratch = tempfile::tempdir().unwrap();
    let (remote, work) = (
        scratch.path().join("remote.git"),
        scratch.path().join("work"),
    );
    std::fs::create_dir_all(&work).unwrap();
    git(
        scratch.path(),
        &["init", "--quiet", "--bare", remote.to_str().unwrap()],
    );
    git(&work, &["init", "--quiet"]);
    let mut commits = Vec::new();
    for v in ["v1.2.3", "v1.2.4", "v1.2.10"] {
        git(&work, &["commit", "--quiet", "--allow-empty", "-m", v]);
        git(&work, &["tag", &format!("prebuilt/{v}")]);
        commits.push(git(&work, &["rev-parse", "HEAD"]));
    }
    git(
        &work,
        &["push", "--quiet", remote.to_str().unwrap(), "refs/tags/*"],
    );
    let v1 = || git(&remote, &["rev-parse", "refs/tags/v1^{commit}"]);

    // v1.2.4 finishes first: v1 appears there.
    assert!(move_major(&work, &remote, "v1.2.4").contains("moved"));
    assert_eq!(v1(), commits[1]);
    // v1.2.3's slow legs finish later: v1 stays.
    assert!(move_major(&work, &remote, "v1.2.3").contains("stays at v1.2.4"));
    assert_eq!(v1(), commits[1]);
    // A newer release moves it on (v1.2.10 sorts after v1.2.4 as a version, not as text).
    assert!(move_major(&work, &remote, "v1.2.10").contains("moved"));
    assert_eq!(v1(), commits[2]);
    assert!(move_major(&work, &remote, "v1.2.10").contains("already names"));
}
