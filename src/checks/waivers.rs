//! `policy-waivers`: the engine's audit of suppressions. It has no run of its
//! own: the engine fills it in after applying waivers and inline ignores.

use super::{Code, Meta};
use crate::finding::Severity;

pub const META: Meta = Meta {
    id: "policy-waivers",
    title: "Waivers are current, used and reasoned",
    severity: Severity::Block,
    lanes: &[],
    rationale: "A waiver is a promise to come back. An expired waiver silently keeps a real problem \
        out of the gate, so it blocks until it is renewed or removed; a waiver that matches no \
        finding is stale and warns; an inline ignore without a reason warns, because the next \
        maintainer cannot judge it, and so does one naming a code its check does not have \
        (`ignore[actions-pinned/movable-rf]`), which silences nothing.",
    passes: "[[waiver]]\ncheck = \"checkout-credentials\"\npath = \".github/workflows/docs.yml\"\nreason = \"docs deploy pushes to gh-pages\"\nexpires = \"2099-01-01\"",
    fails: "[[waiver]]\ncheck = \"checkout-credentials\"\npath = \".github/workflows/docs.yml\"\nreason = \"temporary\"\nexpires = \"2020-01-01\"   # expired",
    fix: "Fix the underlying finding and delete the waiver, or renew `expires` with a fresh reason. \
        Remove waivers that match nothing. Give every `# shipgate: ignore[id]` a reason after the bracket.",
    params: &[],
    codes: &[
        Code {
            id: "waiver-expired",
            summary: "a waiver's `expires` date has passed, so it waives nothing",
        },
        Code {
            id: "waiver-stale",
            summary: "a waiver matches no finding",
        },
        Code {
            id: "ignore-without-reason",
            summary: "an inline `# shipgate: ignore[...]` gives no reason",
        },
        Code {
            id: "ignore-unknown-code",
            summary: "an inline ignore names a code its check does not have, so it silences nothing",
        },
    ],
};
