//! What the service's status fields hold where its documentation is silent, one flag each: `BaseLineVersion` after a publish and after a rollback, `PublishingVersion` once a publish serves in full, and when `DeployedVersion` moves to a new version. The stand-in and the engine's scenario fake both move their fields through these functions, so that the tests run under every reading.

use std::fmt;

/// What `BaseLineVersion` holds (the SDK says only "the baseline version").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Baseline {
    /// The base of the latest publish: set when a publish starts to the version serving then,
    /// and moved by nothing else.
    PublishBase,
    /// The version last served in full: moved when a publish reaches 100%, and by a rollback
    /// to the version rolled back to.
    LastFull,
    /// The version last served in full, moved when a publish reaches 100% but not by a
    /// rollback (after one it names the version rolled back from).
    #[default]
    LastFullKept,
}

/// What `PublishingVersion` holds once a publish serves in full.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AfterFull {
    /// Still the version published.
    #[default]
    Kept,
    /// Empty.
    Cleared,
}

/// When `DeployedVersion` names a new version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Deployed {
    /// Once it serves in full (until then, the version serving the rest of the traffic).
    #[default]
    AtFull,
    /// As soon as its publish starts.
    AtPublish,
}

/// One reading of every undocumented field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Readings {
    pub baseline: Baseline,
    pub publishing_after_full: AfterFull,
    pub deployed: Deployed,
}

/// The fields a publish or a rollback moves, and the base of the latest publish (the version
/// that served before it, which the service itself goes back to when it rolls back).
pub struct Fields<'a> {
    pub publishing: &'a mut String,
    pub deployed: &'a mut String,
    pub baseline: &'a mut String,
    pub base: &'a mut String,
}

impl Readings {
    /// Every combination of the readings (12).
    pub fn all() -> Vec<Readings> {
        let mut all = Vec::new();
        for baseline in [
            Baseline::PublishBase,
            Baseline::LastFull,
            Baseline::LastFullKept,
        ] {
            for publishing_after_full in [AfterFull::Kept, AfterFull::Cleared] {
                for deployed in [Deployed::AtFull, Deployed::AtPublish] {
                    all.push(Readings {
                        baseline,
                        publishing_after_full,
                        deployed,
                    });
                }
            }
        }
        all
    }

    /// The readings named by `ESA_STANDIN_READINGS` (`BASELINE,PUBLISHING,DEPLOYED`, as
    /// [`Readings::key`] writes them), else the defaults: so that a whole test suite runs
    /// under another reading. A value that names none is a mistake, and stops the test.
    pub fn from_env() -> Readings {
        match std::env::var("ESA_STANDIN_READINGS") {
            Ok(key) if !key.is_empty() => Readings::parse(&key).unwrap_or_else(|| {
                panic!(
                    "ESA_STANDIN_READINGS={key}: not BASELINE,PUBLISHING,DEPLOYED (e.g. {})",
                    Readings::default().key()
                )
            }),
            _ => Readings::default(),
        }
    }

    /// `last-full-kept,kept,at-full`: the three readings, comma-separated.
    pub fn key(&self) -> String {
        format!(
            "{},{},{}",
            self.baseline, self.publishing_after_full, self.deployed
        )
    }

    /// Reads [`Readings::key`]'s form back.
    pub fn parse(key: &str) -> Option<Readings> {
        let mut parts = key.split(',').map(str::trim);
        let readings = Readings {
            baseline: Baseline::parse(parts.next()?)?,
            publishing_after_full: AfterFull::parse(parts.next()?)?,
            deployed: Deployed::parse(parts.next()?)?,
        };
        parts.next().is_none().then_some(readings)
    }

    /// A publish of `version` starts.
    pub fn publish(&self, f: Fields<'_>, version: &str) {
        // A next step of the version publishing keeps its base.
        if *f.publishing != version || f.base.is_empty() {
            *f.base = f.deployed.clone();
        }
        if self.baseline == Baseline::PublishBase {
            *f.baseline = f.base.clone();
        }
        *f.publishing = version.to_string();
        if self.deployed == Deployed::AtPublish {
            *f.deployed = version.to_string();
        }
    }

    /// The publishing version now serves in full.
    pub fn full(&self, f: Fields<'_>) {
        *f.deployed = f.publishing.clone();
        if self.baseline != Baseline::PublishBase {
            *f.baseline = f.publishing.clone();
        }
        if self.publishing_after_full == AfterFull::Cleared {
            f.publishing.clear();
        }
    }

    /// A rollback to `to` is over (asked for, or the service's own, to the base).
    pub fn rolled_back(&self, f: Fields<'_>, to: &str) {
        f.publishing.clear();
        *f.deployed = to.to_string();
        if self.baseline == Baseline::LastFull {
            *f.baseline = to.to_string();
        }
    }

    /// `--baseline publish-base --publishing-after-full kept --deployed at-full`: the flags
    /// that play this reading.
    pub fn flags(&self) -> Vec<String> {
        [
            ("--baseline", self.baseline.to_string()),
            (
                "--publishing-after-full",
                self.publishing_after_full.to_string(),
            ),
            ("--deployed", self.deployed.to_string()),
        ]
        .into_iter()
        .flat_map(|(flag, value)| [flag.to_string(), value])
        .collect()
    }
}

impl Baseline {
    pub fn parse(text: &str) -> Option<Baseline> {
        Some(match text {
            "publish-base" => Baseline::PublishBase,
            "last-full" => Baseline::LastFull,
            "last-full-kept" => Baseline::LastFullKept,
            _ => return None,
        })
    }
}

impl AfterFull {
    pub fn parse(text: &str) -> Option<AfterFull> {
        Some(match text {
            "kept" => AfterFull::Kept,
            "cleared" => AfterFull::Cleared,
            _ => return None,
        })
    }
}

impl Deployed {
    pub fn parse(text: &str) -> Option<Deployed> {
        Some(match text {
            "at-full" => Deployed::AtFull,
            "at-publish" => Deployed::AtPublish,
            _ => return None,
        })
    }
}

impl fmt::Display for Baseline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Baseline::PublishBase => "publish-base",
            Baseline::LastFull => "last-full",
            Baseline::LastFullKept => "last-full-kept",
        })
    }
}

impl fmt::Display for AfterFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AfterFull::Kept => "kept",
            AfterFull::Cleared => "cleared",
        })
    }
}

impl fmt::Display for Deployed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Deployed::AtFull => "at-full",
            Deployed::AtPublish => "at-publish",
        })
    }
}

impl fmt::Display for Readings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "baseline {}, publishing after full {}, deployed {}",
            self.baseline, self.publishing_after_full, self.deployed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct App {
        publishing: String,
        deployed: String,
        baseline: String,
        base: String,
    }

    impl App {
        fn fields(&mut self) -> Fields<'_> {
            Fields {
                publishing: &mut self.publishing,
                deployed: &mut self.deployed,
                baseline: &mut self.baseline,
                base: &mut self.base,
            }
        }
    }

    #[test]
    fn after_a_rollback_each_baseline_reading_names_its_version() {
        for (baseline, want) in [
            (Baseline::PublishBase, "ver-0"),
            (Baseline::LastFull, "ver-0"),
            (Baseline::LastFullKept, "ver-1"),
        ] {
            let r = Readings {
                baseline,
                ..Readings::default()
            };
            let mut app = App {
                publishing: String::new(),
                deployed: "ver-0".into(),
                baseline: "ver-0".into(),
                base: String::new(),
            };
            r.publish(app.fields(), "ver-1");
            r.full(app.fields());
            assert_eq!(app.deployed, "ver-1");
            r.rolled_back(app.fields(), "ver-0");
            assert_eq!(
                (app.deployed.as_str(), app.baseline.as_str()),
                ("ver-0", want),
                "{r}"
            );
        }
        assert_eq!(Readings::all().len(), 12);
    }
}
