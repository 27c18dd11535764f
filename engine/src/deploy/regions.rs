//! Before a region publish takes the lock: are the regions asked for ones the app can deploy to (GetEdgeContainerDeployRegions)? An unknown region fails before anything is published; a read that fails or finds no list leaves the service to judge.

use crate::deploy::event::{Event, Look};
use crate::deploy::failure::{Failure, FailureKind};
use crate::deploy::io::Io;
use crate::deploy::plan::Plan;

/// Checks `regions` against what the app can deploy to, when it is a region publish.
pub(crate) async fn check(io: &Io, plan: &Plan) -> Result<(), Failure> {
    let asked = &plan.publish.regions;
    if asked.is_empty() {
        return Ok(());
    }
    let available = match io.deploy_regions(plan.call_budget()).await {
        Ok(available) => available,
        Err(error) => {
            io.emit(Event::Unread {
                look: Look::DeployRegions,
                error,
            });
            return Ok(());
        }
    };
    let unknown = unknown(asked, &available);
    match unknown.is_empty() || available.is_empty() {
        true => Ok(()),
        false => Err(Failure::new(FailureKind::RegionsNotDeployable {
            unknown,
            available,
        })),
    }
}

/// The regions of `asked` that `available` does not hold (compared without case).
pub fn unknown(asked: &[String], available: &[String]) -> Vec<String> {
    asked
        .iter()
        .filter(|a| !available.iter().any(|r| r.eq_ignore_ascii_case(a.trim())))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_known_whatever_its_case() {
        let available = ["jiangsu".to_string(), "zhejiang".to_string()];
        let asked = ["Jiangsu".to_string(), "mars".to_string()];
        assert_eq!(unknown(&asked, &available), ["mars"]);
        assert!(unknown(&asked[..1], &available).is_empty());
    }
}
