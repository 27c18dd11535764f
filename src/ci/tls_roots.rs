//! The TLS trust store on a self-hosted runner: the runner copies the job's environment into the container, so `SSL_CERT_FILE` or `SSL_CERT_DIR` may name a path of the host that the container lacks, which would leave the client with no trusted roots at all. A path that does not exist is dropped (the image's bundle is used instead); one that exists is used, as it is how a proxy's CA is added.

use std::path::Path;

/// The variables the TLS client reads its roots from (`rustls-native-certs`): when either is
/// set, only they are read.
pub const FILE: &str = "SSL_CERT_FILE";
pub const DIR: &str = "SSL_CERT_DIR";

/// One variable whose paths do not all exist here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub variable: &'static str,
    /// The paths it named that do not exist.
    pub missing: Vec<String>,
    /// What it keeps (the paths that exist); `None`: it is unset.
    pub kept: Option<String>,
}

/// The repairs the variables need, from their values (`var`) and whether a path exists.
pub fn plan(var: impl Fn(&str) -> Option<String>, exists: impl Fn(&Path) -> bool) -> Vec<Repair> {
    let mut repairs = Vec::new();
    if let Some(file) = var(FILE).filter(|f| !f.is_empty() && !exists(Path::new(f))) {
        repairs.push(Repair {
            variable: FILE,
            missing: vec![file],
            kept: None,
        });
    }
    if let Some(dirs) = var(DIR).filter(|d| !d.is_empty()) {
        let (kept, missing): (Vec<String>, Vec<String>) = dirs
            .split(':')
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .partition(|d| exists(Path::new(d)));
        if !missing.is_empty() {
            repairs.push(Repair {
                variable: DIR,
                missing,
                kept: (!kept.is_empty()).then(|| kept.join(":")),
            });
        }
    }
    repairs
}

/// Checks the process's variables and repairs them in place. Call it first thing in `main`,
/// while the process has one thread: it changes the process environment.
pub fn repair_process_env() -> Vec<Repair> {
    let repairs = plan(|name| std::env::var(name).ok(), Path::exists);
    for r in &repairs {
        match &r.kept {
            Some(kept) => std::env::set_var(r.variable, kept),
            None => std::env::remove_var(r.variable),
        }
    }
    repairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(list: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            list.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn exists(path: &Path) -> bool {
        path.starts_with("/here")
    }

    #[test]
    fn only_paths_that_do_not_exist_are_dropped() {
        assert_eq!(plan(vars(&[]), exists), []);
        assert_eq!(
            plan(
                vars(&[(FILE, "/here/ca.pem"), (DIR, "/here/certs")]),
                exists
            ),
            []
        );
        assert_eq!(
            plan(vars(&[(FILE, "/etc/pki/tls/cert.pem")]), exists),
            [Repair {
                variable: FILE,
                missing: vec!["/etc/pki/tls/cert.pem".into()],
                kept: None
            }]
        );
        assert_eq!(
            plan(vars(&[(DIR, "/etc/pki/certs:/here/certs:")]), exists),
            [Repair {
                variable: DIR,
                missing: vec!["/etc/pki/certs".into()],
                kept: Some("/here/certs".into())
            }]
        );
        assert_eq!(plan(vars(&[(DIR, "/gone")]), exists)[0].kept, None);
    }
}
