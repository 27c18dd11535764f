//! `esa-host`: runs a binary as one host would run the action, for the demo and by hand.
//!
//! Usage: `esa-host HOST METADATA BINARY [--files DIR] [--env NAME=VALUE]... [--event FILE]
//! [--workspace-file PATH=CONTENTS]... [KEY=VALUE]...`, where HOST is docker, composite, drone, woodpecker, gitlab or plain,
//! METADATA the action's `action.yml` (docker) or `setup/action.yml` (composite), and each
//! KEY=VALUE a key of the step's `with:` (or a setting, or a variable). The binary's output
//! passes through; the exit code is the binary's. With `--files DIR`, the runner's files of the
//! step (`set_output`, `step_summary`, …) are kept in DIR. A BINARY of `docker://IMAGE` runs
//! that image as the runner runs a Docker action (`docker run`, the runner's mounts and `-e`
//! variables, `--network host`), and `esa-host` becomes that `docker run` (it execs it), so that
//! a signal to its PID reaches the docker client as the runner's does.

use std::path::PathBuf;
use std::process::ExitCode;

use esa_hosts::{container, Host, Step};

fn fail(message: &str) -> ! {
    eprintln!("esa-host: {message}");
    std::process::exit(2);
}

fn host(name: &str) -> Host {
    match name {
        "docker" => Host::Docker,
        "composite" => Host::Composite,
        "drone" => Host::Drone,
        "woodpecker" => Host::Woodpecker,
        "gitlab" => Host::GitLab,
        "plain" => Host::Plain,
        other => fail(&format!("unknown host {other}")),
    }
}

fn pair(text: &str) -> (String, String) {
    match text.split_once('=') {
        Some((k, v)) => (k.to_string(), v.to_string()),
        None => fail(&format!("`{text}` is not NAME=VALUE")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [host_name, metadata, binary, rest @ ..] = args.as_slice() else {
        fail("usage: esa-host HOST METADATA BINARY [--files DIR] [--env NAME=VALUE]... [--event FILE] [--workspace-file PATH=CONTENTS]... [KEY=VALUE]...");
    };
    let mut step = Step::with_metadata(host(host_name), PathBuf::from(metadata));
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        let mut value = || {
            rest.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value")))
        };
        step = match arg.as_str() {
            "--files" => step.files_in(&PathBuf::from(value())),
            "--env" => {
                let (k, v) = pair(value());
                step.env(&k, &v)
            }
            "--workspace-file" => {
                let (path, contents) = pair(value());
                step.workspace_file(&path, &contents)
            }
            "--event" => {
                let path = value();
                let payload =
                    std::fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("{path}: {e}")));
                step.event(&payload)
            }
            with => {
                let (k, v) = pair(with);
                step.with(&k, &v)
            }
        };
    }
    if let Some(image) = binary.strip_prefix("docker://") {
        return run_image(&step, image);
    }
    let binary = std::fs::canonicalize(binary).unwrap_or_else(|e| fail(&format!("{binary}: {e}")));
    let prepared = step.prepare(&binary);
    if let Some(failed) = prepared.failed() {
        print!("{}", failed.stdout);
        eprint!("{}", failed.stderr);
        return ExitCode::from(failed.code.clamp(0, 255) as u8);
    }
    let status = prepared
        .command()
        .status()
        .unwrap_or_else(|e| fail(&format!("cannot start {}: {e}", binary.display())));
    ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8)
}

/// Becomes the runner's `docker run` of `image` (the step's folders stay: they are mounted).
#[cfg(unix)]
fn run_image(step: &Step, image: &str) -> ExitCode {
    use std::os::unix::process::CommandExt;
    // The binary's path is not used: the image's entry point runs.
    let prepared = step.prepare(std::path::Path::new("/esa-publish"));
    let name = format!("esa-host-{}", std::process::id());
    let error = container::docker_run(&prepared, image, &name).exec();
    fail(&format!("cannot run docker: {error}"))
}

/// Docker actions run on Linux runners only.
#[cfg(not(unix))]
fn run_image(_: &Step, _: &str) -> ExitCode {
    fail("docker:// runs on Linux only, as Docker actions do")
}
