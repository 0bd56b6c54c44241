//! shipgate: parse the command line, run, map the result to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    shipgate::memory::configure();
    // A panic is a bug; say so plainly and exit 2 rather than 101.
    std::panic::set_hook(Box::new(|info| {
        shipgate::app::say(format_args!("shipgate: internal error: {info}"));
    }));
    let cli = match shipgate::cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match std::panic::catch_unwind(|| shipgate::app::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(_) => ExitCode::from(2),
    }
}
