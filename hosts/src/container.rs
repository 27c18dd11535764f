//! The Docker action's container, emulated where it matters with Linux namespaces: the binary as PID 1 of its own PID namespace (which the kernel gives no default action for SIGINT or SIGTERM), and a file of the image in place of the machine's (its CA bundle). `unshare` (root, or user namespaces) makes both without Docker.

use std::path::{Path, PathBuf};

use crate::step::Prepared;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Whether this machine can start a process as PID 1 of a new PID namespace; the reason when
/// it cannot (not root and no user namespaces, or no `unshare`).
pub fn available() -> Result<(), String> {
    works(&["--pid", "--fork", "--kill-child", "true"])
}

/// Whether this machine can bind a file over another in a private mount namespace.
pub fn mounts_available() -> Result<(), String> {
    works(&[
        "--mount",
        "--propagation",
        "private",
        "/usr/bin/mount",
        "--bind",
        "/dev/null",
        "/dev/null",
    ])
}

fn works(args: &[&str]) -> Result<(), String> {
    match Command::new("unshare").args(args).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "`unshare {}` fails here ({}): it needs root or user namespaces",
            args.join(" "),
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Err(format!("no `unshare` here ({e})")),
    }
}

/// `command` run as PID 1 of a new PID namespace, with its environment, directory and
/// arguments. `unshare` stays the parent (it exits with the child's status, and takes the
/// child with it if it is killed itself).
pub fn as_pid1(command: &Command) -> Command {
    let mut wrapped = Command::new("unshare");
    wrapped
        .args(["--pid", "--fork", "--kill-child", "--"])
        .arg(command.get_program())
        .args(command.get_args());
    same_environment(command, &mut wrapped);
    wrapped
}

/// The runner's `docker run` of a Docker action's step (`ContainerActionHandler`,
/// `DockerCommandManager`): the step's variables passed as `-e NAME` (their values in the
/// client's environment, paths of the mounted folders rewritten to where the container sees
/// them), `--workdir /github/workspace`, the four mounts, and `--network host` so that a
/// stand-in on 127.0.0.1 is reached and no other address is used. `PATH` is the machine's,
/// never passed in.
pub fn docker_run(prepared: &Prepared, image: &str, name: &str) -> Command {
    let files = prepared.files.output.parent().map(Path::to_path_buf);
    let dirs = &prepared.dirs;
    let mounts: Vec<(PathBuf, &str)> = [
        (Some(dirs.home.clone()), "/github/home"),
        (Some(dirs.workflow.clone()), "/github/workflow"),
        (files, "/github/file_commands"),
        (Some(dirs.workspace.clone()), "/github/workspace"),
    ]
    .into_iter()
    .filter_map(|(host, inside)| Some((host?, inside)))
    .collect();
    let inside = |value: &str| -> String {
        for (host, inside) in &mounts {
            if let Ok(rest) = Path::new(value).strip_prefix(host) {
                return Path::new(inside).join(rest).display().to_string();
            }
        }
        value.to_string()
    };
    let mut command = Command::new("docker");
    command
        .args(["run", "--name", name, "--rm", "--network", "host"])
        .args(["--workdir", "/github/workspace"])
        .env_clear();
    for (variable, value) in prepared.env() {
        if variable == "PATH" {
            continue;
        }
        command.arg("-e").arg(variable).env(variable, inside(value));
    }
    for (host, inside) in &mounts {
        command
            .arg("-v")
            .arg(format!("{}:{inside}", host.display()));
    }
    if let Ok(path) = std::env::var("PATH") {
        command.env("PATH", path);
    }
    command.arg(image).args(prepared.args());
    command
}

/// `command` run with `source` bound over `target` in a private mount namespace: the file the
/// process sees at `target` is the image's, not the machine's. The environment goes through
/// `env -i` as arguments, since `sh` drops variables whose names are no shell names, as the
/// runner's `INPUT_APP-ID` is.
pub fn with_file(command: &Command, source: &Path, target: &Path) -> Command {
    let mut wrapped = Command::new("unshare");
    wrapped
        .args(["--mount", "--propagation", "private", "/usr/bin/sh", "-c"])
        .arg(r#"/usr/bin/mount --bind "$1" "$2" && shift 2 && exec /usr/bin/env -i "$@""#)
        .arg("sh")
        .arg(source)
        .arg(target);
    for (name, value) in command.get_envs() {
        if let Some(value) = value {
            let mut assignment = name.to_os_string();
            assignment.push("=");
            assignment.push(value);
            wrapped.arg(assignment);
        }
    }
    wrapped
        .arg(command.get_program())
        .args(command.get_args())
        .env_clear();
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
}

fn same_environment(command: &Command, wrapped: &mut Command) {
    wrapped.env_clear();
    for (name, value) in command.get_envs() {
        if let Some(value) = value {
            wrapped.env(name, value);
        }
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
}

/// The PID (in this namespace) of the PID 1 that `unshare` started, once it exists.
pub fn child_of(unshare: &Child) -> Option<u32> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let path = format!("/proc/{0}/task/{0}/children", unshare.id());
    while Instant::now() < deadline {
        if let Some(pid) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| text.split_whitespace().next()?.parse().ok())
        {
            return Some(pid);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Sends `signal` (`INT`, `TERM`, `KILL`) to `pid`, as the runner's `docker run` forwards it.
pub fn signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

/// Waits up to `limit` for `child` to end: its status, or `None` (then it is killed).
pub fn wait_within(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
