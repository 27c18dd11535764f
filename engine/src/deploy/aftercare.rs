//! Around the rollout: what explains a failure (the staging pod, each region's replicas, the app's own log), where the app runs once published (its URL, staging's addresses), and the versions `keep-versions` deletes. Every read here may fail without changing the outcome: it becomes an event, never the step's error.

use std::collections::BTreeSet;

use crate::base::error::Error;
use crate::deploy::event::{Diagnosis, Event, Look};
use crate::deploy::io::{Budget, Io};
use crate::deploy::plan::GENERATED_PREFIX;
use crate::deploy::plan::{Logs, Mode, Plan};
use crate::esa::model::PublishEnv;
use crate::esa::versions::Listed;
use crate::esa::MAX_BODY_BYTES;

/// Reads what explains a failure: on staging the pod, on prod each region's replicas, then the
/// last lines of the app's log (unless withheld or off).
pub(crate) async fn diagnose(io: &Io, plan: &Plan) {
    let budget = plan.call_budget();
    match plan.env() {
        PublishEnv::Staging => match io.staging_status(budget).await {
            Ok(pod) => io.emit(Event::Diagnosis(Diagnosis::Pod(pod))),
            Err(error) => io.emit(Event::Unread {
                look: Look::Pod,
                error,
            }),
        },
        PublishEnv::Prod => match io.readiness(budget).await {
            Ok(regions) => {
                let regions: Vec<_> = regions.into_iter().filter(|r| !r.is_staging).collect();
                // No region reports replicas: nothing that explains the failure.
                if !regions.is_empty() {
                    io.emit(Event::Diagnosis(Diagnosis::Regions(regions)))
                }
            }
            Err(error) => io.emit(Event::Unread {
                look: Look::Regions,
                error,
            }),
        },
    }
    match plan.logs {
        Logs::Lines(lines) => match read_logs(io, lines, budget).await {
            Ok(Some(log)) => io.emit(Event::Diagnosis(Diagnosis::Logs(log))),
            Ok(None) => {}
            Err(error) => io.emit(Event::Unread {
                look: Look::Logs,
                error,
            }),
        },
        Logs::Withheld { public } => io.emit(Event::Diagnosis(Diagnosis::LogsWithheld { public })),
        Logs::Off => {}
    }
}

/// The last `lines` lines of the app's log; when their answer is too large to read, once more
/// with as many lines as should fit in three quarters of what the client reads, by the
/// answer's size. `None` when that was still too large (an event has said so, once).
async fn read_logs(io: &Io, lines: u32, budget: Budget) -> Result<Option<Vec<String>>, Error> {
    let error = match io.logs(lines, budget).await {
        Ok(log) => return Ok(Some(log)),
        Err(error) => error,
    };
    let Some(size) = error.too_large() else {
        return Err(error);
    };
    let fewer = fewer_lines(lines, size);
    if fewer >= lines {
        return Err(error);
    }
    io.emit(Event::LogsTooLarge {
        asked: lines,
        size,
        retry: Some(fewer),
    });
    match io.logs(fewer, budget).await {
        Ok(log) => Ok(Some(log)),
        Err(error) => match error.too_large() {
            Some(size) => {
                io.emit(Event::LogsTooLarge {
                    asked: fewer,
                    size,
                    retry: None,
                });
                Ok(None)
            }
            None => Err(error),
        },
    }
}

/// How many of `lines` lines should fit in three quarters of the client's limit, from the
/// answer's size when it was declared, else an eighth of them; at least one.
pub fn fewer_lines(lines: u32, size: Option<u64>) -> u32 {
    let fitting = match size {
        Some(size) if size > 0 => u64::from(lines) * (MAX_BODY_BYTES as u64 * 3 / 4) / size,
        _ => u64::from(lines / 8),
    };
    u32::try_from(fitting).unwrap_or(lines).clamp(1, lines)
}

/// Reads where the app runs: its URL and, after a staging deploy, staging's addresses.
pub(crate) async fn where_it_runs(io: &Io, plan: &Plan) {
    let budget = plan.call_budget();
    match io.app(budget).await {
        Ok(app) => io.emit(Event::Url(app.url())),
        Err(error) => io.emit(Event::Unread {
            look: Look::App,
            error,
        }),
    }
    if plan.env() == PublishEnv::Staging {
        match io.staging_status(budget).await {
            Ok(staging) => io.emit(Event::StagingIps(staging.vips)),
            Err(error) => io.emit(Event::Unread {
                look: Look::StagingIps,
                error,
            }),
        }
    }
}

/// The versions to delete so that `keep` of those this action made remain (counting `extra`
/// that are about to be made): the oldest first, never a protected one. `listed` is the
/// listing, oldest first.
pub fn to_delete(
    listed: &[Listed],
    keep: u32,
    protected: &BTreeSet<String>,
    extra: u32,
) -> Vec<Listed> {
    let mut ours: Vec<&Listed> = listed
        .iter()
        .filter(|v| v.name.starts_with(GENERATED_PREFIX))
        .collect();
    // The listing is ordered by CreateTime; a stable sort keeps that order for equal times.
    ours.sort_by(|a, b| a.create_time.cmp(&b.create_time));
    let surplus = (ours.len() as u32 + extra).saturating_sub(keep) as usize;
    ours.into_iter()
        .filter(|v| !protected.contains(&v.version_id))
        .take(surplus)
        .cloned()
        .collect()
}

/// What must never be deleted: `ours`, what served before, and whatever either environment
/// deploys, publishes or keeps as its baseline. `None` when a status cannot be read: then
/// nothing is deleted.
async fn protected(io: &Io, plan: &Plan, ours: &[&str]) -> Option<BTreeSet<String>> {
    let mut keep: BTreeSet<String> = ours.iter().map(|v| v.to_string()).collect();
    for env in [PublishEnv::Prod, PublishEnv::Staging] {
        match io.status(env, plan.call_budget()).await {
            Ok(s) => keep.extend([s.publishing_version, s.deployed_version, s.baseline_version]),
            Err(error) => {
                io.emit(Event::Unread {
                    look: Look::Status,
                    error,
                });
                return None;
            }
        }
    }
    keep.remove("");
    Some(keep)
}

/// `keep-versions`: deletes the oldest versions this action made beyond the number to keep.
/// `ours` are never deleted (the version published, what served before); `extra` counts a
/// version a dry run would make. A dry run only says what it would delete. The deletes share one
/// `timeout` between them, so that a long backlog cannot hold the job: what is left waits for the
/// next run.
pub(crate) async fn clean_up(io: &Io, plan: &Plan, ours: &[&str], extra: u32) {
    if plan.keep_versions == 0 {
        return;
    }
    let listed = match io.list_versions(plan.call_budget()).await {
        Ok(listed) => listed,
        Err(error) => {
            return io.emit(Event::Unread {
                look: Look::Versions,
                error,
            })
        }
    };
    // The listing names the versions this run publishes: a version given by ID gets its name.
    for version in listed
        .iter()
        .filter(|v| ours.contains(&v.version_id.as_str()))
    {
        io.emit(Event::Named {
            version_id: version.version_id.clone(),
            name: version.name.clone(),
        });
    }
    let Some(protected) = protected(io, plan, ours).await else {
        return;
    };
    let doomed = to_delete(&listed, plan.keep_versions, &protected, extra);
    if plan.mode == Mode::Prepare {
        return io.emit(Event::WouldDelete(doomed));
    }
    let until = io.now() + plan.retry.timeout;
    let total = doomed.len();
    for (done, version) in doomed.into_iter().enumerate() {
        let left = until.saturating_sub(io.now());
        if left.is_zero() {
            return io.emit(Event::DeletesLeft(total - done));
        }
        match io
            .delete_version(&version.version_id, plan.budget(left))
            .await
        {
            Ok(request_id) => io.emit(Event::Deleted {
                version,
                request_id,
            }),
            Err(error) => io.emit(Event::DeleteFailed { version, error }),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::deploy::aftercare::{fewer_lines, to_delete};
    use crate::esa::status::VersionStatus;
    use crate::esa::versions::Listed;
    use crate::esa::MAX_BODY_BYTES;

    #[test]
    fn the_second_ask_for_logs_fits_by_the_size_of_the_first() {
        let limit = MAX_BODY_BYTES as u64;
        // Twice the limit: three quarters of it holds 3/8 of the lines.
        assert_eq!(fewer_lines(1000, Some(2 * limit)), 375);
        assert_eq!(fewer_lines(1000, Some(4 * limit)), 187);
        // No size declared (or none measured): an eighth, and never none.
        assert_eq!(fewer_lines(1000, None), 125);
        assert_eq!(fewer_lines(1000, Some(0)), 125);
        assert_eq!(fewer_lines(5, None), 1);
        // Never more than asked the first time.
        assert_eq!(fewer_lines(1000, Some(1)), 1000);
    }

    fn v(id: &str, name: &str, time: &str) -> Listed {
        Listed {
            version_id: id.into(),
            name: name.into(),
            status: VersionStatus::Created,
            create_time: time.into(),
        }
    }

    #[test]
    fn the_oldest_of_ours_go_and_nothing_protected_or_foreign() {
        let listed = [
            v("ver-1", "hand-made", "t1"),
            v("ver-2", "esa-publish-a", "t2"),
            v("ver-3", "esa-publish-b", "t3"),
            v("ver-4", "esa-publish-c", "t4"),
            v("ver-5", "esa-publish-d", "t5"),
        ];
        let ids = |d: Vec<Listed>| d.into_iter().map(|v| v.version_id).collect::<Vec<_>>();
        let none = BTreeSet::new();
        assert_eq!(ids(to_delete(&listed, 2, &none, 0)), ["ver-2", "ver-3"]);
        let protected: BTreeSet<String> = ["ver-2".to_string()].into();
        assert_eq!(
            ids(to_delete(&listed, 2, &protected, 0)),
            ["ver-3", "ver-4"]
        );
        assert_eq!(
            ids(to_delete(&listed, 2, &none, 1)),
            ["ver-2", "ver-3", "ver-4"]
        );
        assert!(to_delete(&listed, 4, &none, 0).is_empty());
        assert!(to_delete(&listed, 10, &none, 0).is_empty());
    }
}
