//! The action's entry point: handle the runner's cancel from the first instant, repair TLS variables that name paths the container lacks, answer `--help` or `--version`, or else run once with the process environment and exit with its code.

use esa_publish::app;
use esa_publish::ci::cancel::Cancel;
use esa_publish::ci::env::Env;
use esa_publish::ci::tls_roots;

fn main() {
    // Before anything else, SIGINT and SIGTERM are held: as a container's PID 1 the binary
    // would drop one sent before its handlers exist, and go on to publish after a cancel.
    let held = esa_publish::ci::cancel::hold();
    // One job, one call at a time: a current-thread runtime starts no worker threads.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            println!("::error title=SystemError::could not start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    // First of all, the signal handlers: as a container's PID 1 the binary would otherwise
    // ignore the runner's SIGINT and SIGTERM, and go on to publish after a cancel.
    let cancel = {
        let _context = runtime.enter();
        Cancel::install()
    };
    // The handlers exist: a signal held since the start is delivered to them now.
    held.release();
    // Still one thread (the runtime runs on this one): a TLS variable naming a path this
    // container lacks would leave the client with no trusted roots at all.
    let start = app::Start {
        cancel,
        tls_repairs: tls_roots::repair_process_env(),
    };
    let env = Env::from_process();
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // A CI system runs the action with no argument: any there (a step's `with: args`) would
    // answer `--help` and skip the deploy, green. Refused, with nothing sent.
    if !args.is_empty() && app::cli::on_ci(&env) {
        std::process::exit(app::refuse_arguments(&env, std::io::stdout().lock(), &args));
    }
    // `--help` and `--version` for a person at a terminal.
    if let Some(code) = app::cli::handle(args) {
        std::process::exit(code);
    }
    let code = runtime.block_on(app::run(&env, std::io::stdout().lock(), &start));
    std::process::exit(code);
}
