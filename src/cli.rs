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
    /// Record today's findings in .shipgate-baseline.json; `check` then
    /// blocks only on new ones.
    Baseline(BaselineArgs),
    /// Write a starter shipgate.toml from what the repository contains.
    Init {
        /// The repository root.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Overwrite an existing shipgate.toml.
        #[arg(long)]
        force: bool,
    },
    /// List the built-in checks and evaluators, one line each.
    List {
        /// List the built-in presets and what they change instead.
        #[arg(long)]
        presets: bool,
        /// Print the check catalog as Markdown (the README's check
        /// reference); the same as `--format markdown`.
        #[arg(long, conflicts_with_all = ["presets", "format"])]
        markdown: bool,
        /// How to print the catalog: one line each (`human`), the
        /// versioned `shipgate/list-v1` JSON (ids, titles, severities,
        /// lanes, codes, parameters), or Markdown.
        #[arg(long, value_enum, default_value = "human", conflicts_with = "presets")]
        format: ListFormat,
    },
    /// Explain a check: why it exists, what passes, what fails, how to fix.
    /// With `--error`, explain an error a registry printed at publish time.
    Explain {
        /// A check id or evaluator name, as `shipgate list` shows it, or
        /// CHECK/CODE for one kind of finding (`actions-pinned/movable-ref`).
        #[arg(required_unless_present = "error")]
        id: Option<String>,
        /// The error text a registry or publish tool printed (npm E404,
        /// PyPI invalid-publisher, …): which checks find its causes.
        #[arg(long, value_name = "TEXT", conflicts_with = "id")]
        error: Option<String>,
    },
    /// Export GitHub settings as evidence files for the settings checks.
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Print the JSON Schema of shipgate.toml, for editor completion and validation.
    Schema,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// Print the `gh api` commands that write an environment's settings to evidence
    /// files, and the policy check that reads them. Runs nothing itself.
    Collect(CollectArgs),
}

#[derive(clap::Args, Debug)]
pub struct CollectArgs {
    /// The GitHub repository, OWNER/REPO.
    #[arg(long)]
    pub repo: String,
    /// The deployment environment the publish job uses (e.g. pypi).
    #[arg(long)]
    pub environment: String,
    /// Directory for the evidence files, relative to the repository root.
    #[arg(long)]
    pub out: String,
    /// A branch that may deploy (repeatable; default: main).
    #[arg(long)]
    pub branch: Vec<String>,
    /// A secret that must live in the environment, not the repository (repeatable).
    #[arg(long)]
    pub secret: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The repository root. Default: the nearest directory, from the current
    /// one upwards, that holds `.git` or `shipgate.toml` (else the current one).
    pub path: Option<PathBuf>,
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
    /// Human report: list only the checks that warn or block, then the summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Colour the human report: `auto` on a terminal unless NO_COLOR is set
    /// (FORCE_COLOR or CLICOLOR_FORCE turn it on off a terminal too).
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// Run only these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Baseline of known findings; default: .shipgate-baseline.json at the root when present.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Ignore any baseline: report every finding.
    #[arg(long, conflicts_with = "baseline")]
    pub no_baseline: bool,
    /// Exit 1 on BLOCK (default), on WARN too, or (`new`, with --base) only
    /// on a blocking finding the base did not have.
    #[arg(long, value_enum, default_value = "block")]
    pub fail_on: FailOn,
    /// Compare with this revision (a branch, tag or commit SHA), read from
    /// the repository's git objects: turns on the preflight checks and marks
    /// each finding new or existing.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// Judge this revision instead of the work tree (needs --base).
    #[arg(long, value_name = "REF", requires = "base")]
    pub head: Option<String>,
    /// Apply the mechanical fixes the findings carry to the files under the
    /// root (comments and formatting kept), then report what is left.
    #[arg(long, conflicts_with_all = ["diff", "head"])]
    pub fix: bool,
    /// Print the mechanical fixes as a unified diff and change nothing; exit
    /// 1 when there is something to fix.
    #[arg(long, conflicts_with = "head")]
    pub diff: bool,
}

#[derive(clap::Args, Debug)]
pub struct BaselineArgs {
    /// The repository root, found as for `check` when left out.
    pub path: Option<PathBuf>,
    /// Policy file, as for `check`.
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Lane whose findings are recorded.
    #[arg(long, default_value = "pre-merge")]
    pub lane: String,
    /// Write here instead of .shipgate-baseline.json at the root.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// What `shipgate list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Block,
    Warn,
    /// Only a blocking finding that is new since --base.
    New,
}
