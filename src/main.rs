//! The action's entry point: answer `--help` or `--version`, or else run once with the process environment and exit with its code.

use esa_publish::app;
use esa_publish::ci::env::Env;

fn main() {
    // `--help` and `--version` for a person; no argument for a CI step.
    if let Some(code) = app::cli::handle(std::env::args_os().skip(1)) {
        std::process::exit(code);
    }
    // One job, one call at a time: a current-thread runtime starts no worker threads.
    let code = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(app::run(&Env::from_process(), std::io::stdout().lock())),
        Err(e) => {
            println!("::error title=SystemError::could not start the async runtime: {e}");
            1
        }
    };
    std::process::exit(code);
}
