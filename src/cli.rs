//! The command line (SPEC §1).

use crate::report::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "shipgate",
    version,
    about = "A release-readiness gate for GitHub Actions workflows, manifests and docs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the gate on a repository and report PASS / WARN / BLOCK.
    Check(CheckArgs),
    /// List the built-in checks and evaluators, one line each.
    List,
    /// Explain a check: why it exists, what passes, what fails, how to fix.
    Explain {
        /// A check id, as `shipgate list` shows it.
        id: String,
    },
    /// Print the JSON Schema of shipgate.toml, for editor completion and validation.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The repository root (not the current directory unless you say so).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Policy file; default: shipgate.toml, then .github/shipgate.toml, else the built-in default.
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Lane to run: pre-merge, preflight, or one the policy declares.
    #[arg(long, default_value = "pre-merge")]
    pub lane: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Run only these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Exit 1 on BLOCK (default) or on WARN too.
    #[arg(long, value_enum, default_value = "block")]
    pub fail_on: FailOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Block,
    Warn,
}
