#!/usr/bin/env bash
# Run the release binary over checked-out repositories and print, per
# repository and per check, the BLOCK and WARN findings that count (not
# suppressed) and the verdicts, then the totals.
#
#   scripts/realworld.sh DIR...            # one line per repository
#   SHIPGATE_JSON_DIR=out scripts/realworld.sh DIR...   # also keep each JSON report
#
# Each finding still has to be judged by hand; docs/realworld.md keeps the
# table of the judged corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then
    echo "usage: scripts/realworld.sh DIR..." >&2
    exit 2
fi
cargo build --release --locked --quiet
bin="$PWD/target/release/shipgate"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
i=0
for dir in "$@"; do
    i=$((i + 1))
    set +e
    "$bin" check "$dir" --format json >"$tmp/$i.json" 2>"$tmp/$i.err"
    code=$?
    set -e
    printf '%s\t%s\t%s\n' "$dir" "$code" "$tmp/$i.json" >>"$tmp/index"
    if [ -n "${SHIPGATE_JSON_DIR:-}" ]; then
        mkdir -p "$SHIPGATE_JSON_DIR"
        cp "$tmp/$i.json" "$SHIPGATE_JSON_DIR/$(basename "$dir").json"
    fi
done
python3 - "$tmp/index" <<'PY'
import collections, json, sys

totals = collections.defaultdict(collections.Counter)
print(f"{'repository':40} exit  blocks warns  blocking checks")
for line in open(sys.argv[1]):
    path, code, report = line.rstrip("\n").split("\t")
    try:
        r = json.load(open(report))
    except (OSError, ValueError):
        print(f"{path:40} {code:>4}  (no JSON report: exit {code})")
        continue
    blocks = warns = 0
    blocking = []
    for c in r["checks"]:
        t = totals[c["id"]]
        t[c["verdict"]] += 1
        live = [f for f in c["findings"] if not f.get("suppressed")]
        b = sum(1 for f in live if f.get("severity") == "block")
        w = sum(1 for f in live if f.get("severity") == "warn")
        t["block findings"] += b
        t["warn findings"] += w
        blocks += b
        warns += w
        if b:
            blocking.append(f"{c['id']}:{b}")
    print(f"{path:40} {code:>4} {blocks:>7} {warns:>5}  {' '.join(blocking)}")
print()
print(f"{'check':28} {'blocks':>6} {'warns':>6}   verdicts (pass/warn/block/skip)")
for cid in sorted(totals):
    t = totals[cid]
    print(f"{cid:28} {t['block findings']:>6} {t['warn findings']:>6}   "
          f"{t['pass']}/{t['warn']}/{t['block']}/{t['skip']}")
bt = sum(t["block findings"] for t in totals.values())
wt = sum(t["warn findings"] for t in totals.values())
print(f"{'total':28} {bt:>6} {wt:>6}")
PY
