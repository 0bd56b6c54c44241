//! shipgate: a release-readiness gate. Data flows one way: policy + tree →
//! parsed files → checks → findings → waivers → report → exit code.

pub mod app;
pub mod baseline;
pub mod checks;
pub mod cli;
pub mod docsite;
pub mod edit;
pub mod engine;
pub mod evaluators;
pub mod evidence;
pub mod finding;
pub mod fix;
pub mod init;
pub mod list_json;
pub mod manifest;
pub mod memory;
pub mod meta;
pub mod policy;
pub mod preflight;
pub mod project;
pub mod registry_errors;
pub mod repo;
pub mod report;
pub mod schema;
pub mod shell;
pub mod tasks;
pub mod text_wrap;
pub mod workflow;
