#!/usr/bin/env bash
# Runs the property tests of tests/fuzz.rs (every parser shipgate runs on
# untrusted text, and the whole pipeline on generated trees) with many more
# cases than `cargo test` does, for a bounded time.
#
#   scripts/fuzz.sh                    # 5,000 cases per property, at most 10 minutes
#   PROPTEST_CASES=50000 FUZZ_SECONDS=3600 scripts/fuzz.sh
#
# A failure prints proptest's minimal failing input: add it to the
# "regressions" section of tests/fuzz.rs (or tests/hostile.rs) before fixing.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${PROPTEST_CASES:-5000}"
seconds="${FUZZ_SECONDS:-600}"
cargo test --release --test fuzz --no-run
echo "fuzz: ${cases} cases per property, at most ${seconds}s"
set +e
PROPTEST_CASES="$cases" timeout "$seconds" cargo test --release --test fuzz -- --test-threads 2
status=$?
set -e
if [ "$status" -eq 124 ]; then
    echo "fuzz: time budget reached with no failure so far"
    exit 0
fi
exit "$status"
