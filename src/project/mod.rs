//! The project model under the checks: what the repository releases and how
//! (see DESIGN.md). Built from the tree, never from a check's context.

pub mod publisher;
