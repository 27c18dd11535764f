//! The publish lock (`if-busy`): read the environment's status before anything is sent, and refuse or wait while another publish or a rollback is under way.

use crate::deploy::event::Event;
use crate::deploy::failure::{Failure, FailureKind};
use crate::deploy::io::Io;
use crate::deploy::plan::IfBusy;
use crate::deploy::plan::Plan;
use crate::deploy::wait::Wait;
use crate::esa::status::{AppStatus, Busy};

/// Takes the lock's reading, and waits or refuses while the environment is busy. Returns the
/// reading the publish goes ahead on; `None` when the status may not be read and nothing
/// needs it (the lock is skipped, with an event).
pub(crate) async fn hold(io: &Io, plan: &Plan, ours: &str) -> Result<Option<AppStatus>, Failure> {
    let reading = match io.status(plan.env(), plan.call_budget()).await {
        Ok(reading) => reading,
        Err(error) if !plan.needs_status() && error.is_permission_denied() => {
            io.emit(Event::LockSkipped { error });
            return Ok(None);
        }
        Err(error) => return Err(Failure::call(error)),
    };
    io.emit(Event::Before {
        status: reading.clone(),
    });
    let Some(busy) = reading.busy_for(ours) else {
        return Ok(Some(reading));
    };
    match plan.if_busy {
        IfBusy::Fail => Err(Failure::new(FailureKind::PublishInProgress {
            busy,
            status: Box::new(reading),
        })),
        IfBusy::Wait => wait_idle(io, plan, ours, busy, reading).await.map(Some),
    }
}

/// `if-busy: wait`: polls within `wait-timeout` until the environment is no longer busy.
async fn wait_idle(
    io: &Io,
    plan: &Plan,
    ours: &str,
    busy: Busy,
    reading: AppStatus,
) -> Result<AppStatus, Failure> {
    io.emit(Event::Busy {
        busy: busy.clone(),
        status: reading,
    });
    let wait = Wait::new(io.now(), plan.wait_timeout, plan.poll_interval);
    loop {
        let Some(pause) = wait.pause(io.now(), io.jitter()) else {
            return Err(Failure::new(FailureKind::StillBusy {
                busy,
                waited: wait.elapsed(io.now()),
            }));
        };
        io.sleep(pause).await;
        let budget = plan.budget(wait.read_limit(io.now()));
        let status = io.status(plan.env(), budget).await.map_err(Failure::call)?;
        if status.busy_for(ours).is_none() {
            io.emit(Event::BusyOver {
                status: status.clone(),
            });
            return Ok(status);
        }
    }
}
