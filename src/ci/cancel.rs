//! The runner's cancel: SIGINT and SIGTERM are handled from the first instant of the process, so that the action stops even as a container's PID 1, which the kernel gives no default action for either.
//!
//! On a cancel the runner sends SIGINT to `docker run` (which forwards it to the container's
//! PID 1), then SIGTERM 7.5 s later, then kills the client, which leaves the container running.
//! A PID 1 without handlers ignores both signals, so [`Cancel::install`] registers them before
//! anything else happens, and every phase of the run waits on [`Cancel::requested`] beside its
//! own work.

use tokio::sync::watch;

/// The signal that asked the run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: the runner's first signal on a cancel, or Ctrl-C at a terminal.
    Interrupt,
    /// SIGTERM: the runner's second signal, or `docker stop`.
    Terminate,
}

impl Signal {
    /// The signal's usual name.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }
}

/// A handle on the cancel: cheap to clone, and every clone sees the same signal.
#[derive(Debug, Clone)]
pub struct Cancel {
    received: watch::Receiver<Option<Signal>>,
}

impl Cancel {
    /// Registers the handlers now and listens for them in a task of the current runtime. Call
    /// it inside the runtime's context (`Runtime::enter`), before anything else: a signal that
    /// arrives between the registration and the task's first poll is kept, not lost.
    pub fn install() -> Cancel {
        let (send, received) = watch::channel(None);
        let listening = listen();
        tokio::spawn(async move {
            if let Some(signal) = listening.await {
                let _ = send.send(Some(signal));
            }
            // Keep the sender: a dropped one would read as "no cancel will ever come".
            std::future::pending::<()>().await
        });
        Cancel { received }
    }

    /// Resolves with the signal when one arrives (at once if one already has); never when no
    /// handler could be installed.
    pub async fn requested(&self) -> Signal {
        let mut received = self.received.clone();
        let signal = match received.wait_for(Option::is_some).await {
            Ok(signal) => *signal,
            Err(_) => None,
        };
        match signal {
            Some(signal) => signal,
            None => std::future::pending().await,
        }
    }
}

/// SIGINT and SIGTERM held back (blocked) on this thread until the handlers exist: a signal
/// sent in the meantime waits, pending, instead of being dropped, as the kernel drops one to
/// a PID 1 without a handler. Take it first thing in `main`, before any other thread exists
/// (they would inherit the block), and [`Held::release`] it once [`Cancel::install`] has run.
#[must_use = "release it once the handlers are installed"]
pub struct Held {
    #[cfg(unix)]
    blocked: nix::sys::signal::SigSet,
}

/// Blocks SIGINT and SIGTERM on this thread (see [`Held`]). Where that fails the signals stay
/// as they were, which is what happened before.
pub fn hold() -> Held {
    #[cfg(unix)]
    {
        use nix::sys::signal::{self, SigSet};
        let mut blocked = SigSet::empty();
        blocked.add(signal::Signal::SIGINT);
        blocked.add(signal::Signal::SIGTERM);
        let _ = blocked.thread_block();
        Held { blocked }
    }
    #[cfg(not(unix))]
    Held {}
}

impl Held {
    /// Unblocks the signals: one that came while they were held is delivered now, to the
    /// handlers installed since.
    pub fn release(self) {
        #[cfg(unix)]
        let _ = self.blocked.thread_unblock();
    }
}

/// Registers both handlers at once, and returns the wait for the first signal (which never
/// ends for a signal whose handler could not be registered).
#[cfg(unix)]
fn listen() -> impl std::future::Future<Output = Option<Signal>> {
    use tokio::signal::unix::{signal, SignalKind};
    let interrupt = signal(SignalKind::interrupt()).ok();
    let terminate = signal(SignalKind::terminate()).ok();
    async fn next(stream: Option<tokio::signal::unix::Signal>) {
        match stream {
            Some(mut stream) => match stream.recv().await {
                Some(()) => {}
                None => std::future::pending().await,
            },
            None => std::future::pending().await,
        }
    }
    async move {
        tokio::select! {
            () = next(interrupt) => Some(Signal::Interrupt),
            () = next(terminate) => Some(Signal::Terminate),
        }
    }
}

/// Elsewhere, Ctrl-C (its handler is registered when first polled, which is at once).
#[cfg(not(unix))]
fn listen() -> impl std::future::Future<Output = Option<Signal>> {
    async {
        tokio::signal::ctrl_c()
            .await
            .ok()
            .map(|()| Signal::Interrupt)
    }
}
