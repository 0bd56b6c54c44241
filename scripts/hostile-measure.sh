#!/usr/bin/env bash
# Measures shipgate on hostile trees (SPEC §5): for each case, the exit code,
# wall time and peak resident memory (GNU time's "maximum resident set
# size"). The contract (issue 15): exit 0 or 1 (2 for a tree with nothing
# to gate), no panic, under 5 s and 512 MiB on a 2-core machine.
#
#   scripts/hostile-measure.sh            # builds the release binary first
#   SHIPGATE=path/to/shipgate scripts/hostile-measure.sh
#
# Benchmarks live here, never in timed tests. Needs bash, coreutils and
# /usr/bin/time (GNU).
set -eu
cd "$(dirname "$0")/.."
if [ -z "${SHIPGATE:-}" ]; then
    cargo build --release --locked --bin shipgate >&2
    SHIPGATE="$PWD/target/release/shipgate"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rep() { head -c "$2" /dev/zero | tr '\0' "$1"; }             # one byte, N times
reps() { local s="$1" n="$2"; yes -- "$s" | head -n "$n" | tr -d '\n'; }  # a string, N times
wf() { mkdir -p "$1/.github/workflows"; cat > "$1/.github/workflows/release.yml"; }
REL='on: push
permissions: {}
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: crates
    steps:
      - run: cargo publish'

printf '%-34s %5s %9s %10s\n' case exit seconds "peak RSS"
measure() {
    local name="$1" root="$2"
    local t="$work/time.$name"
    set +e
    /usr/bin/time -f '%e %M' -o "$t" "$SHIPGATE" check "$root" --format json > "$work/out.json" 2> "$work/err.txt"
    local code=$?
    set -e
    read -r secs kb < <(tail -n 1 "$t")
    printf '%-34s %5s %9s %7d MB\n' "$name" "$code" "$secs" "$((kb / 1024))"
    if grep -q -e panicked -e 'internal error' "$work/err.txt"; then
        echo "  PANIC: $(head -c 300 "$work/err.txt")"
    fi
}

d="$work/empty"; mkdir -p "$d"; measure empty-tree-exit-2 "$d"

d="$work/malformed"; printf 'on: push\njobs:\n  p:\n    steps: [\n' | wf "$d"; measure malformed-yaml "$d"

d="$work/laughs"; {
    echo 'x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'
    for i in 1 2 3 4 5 6 7 8 9; do
        p=$((i - 1)); echo "x$i: &a$i [*a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p]"
    done
    printf 'on: push\njobs:\n  p:\n    runs-on: x\n    env:\n      B: *a9\n    steps:\n      - run: cargo publish\n'
} | wf "$d"; measure yaml-billion-laughs "$d"

d="$work/wide"; {
    printf 'on: push\nwide: &w {'; for i in $(seq 1 500); do printf 'k%d: v, ' "$i"; done; echo 'z: v}'
    printf 'jobs:\n  p:\n    runs-on: x\n    strategy:\n      matrix:\n        include:\n'
    yes '          - *w' | head -n 20000
    printf '    steps:\n      - run: cargo publish\n'
} | wf "$d"; measure yaml-wide-alias-20k "$d"

d="$work/yitems"; { printf '{on: push, jobs: {p: {runs-on: x, steps: [{run: cargo publish}]}}, x: ['; reps 'aaaa, ' 1300000; echo 'a]}'; } | wf "$d"; measure yaml-8MB-flow-items "$d"
d="$work/yflow"; { echo 'on: push'; printf 'jobs: '; rep '[' 100000; echo; } | wf "$d"; measure yaml-100k-flow-seq "$d"
d="$work/ymap"; { echo 'on: push'; printf 'jobs: '; reps '{a: ' 100000; echo; } | wf "$d"; measure yaml-100k-flow-map "$d"
d="$work/yhide"; { echo "name: it's"; printf 'jobs: '; rep '[' 100000; echo; } | wf "$d"; measure yaml-100k-behind-apostrophe "$d"
d="$work/yseq"; { printf 'on: push\njobs:\n'; reps '- ' 100000; echo x; } | wf "$d"; measure yaml-100k-block-seq "$d"
d="$work/yind"; { printf 'on: push\nx:\n'; for i in $(seq 1 5000); do printf '%*sa:\n' "$i" ''; done; } | wf "$d"; measure yaml-5k-indent-levels "$d"

d="$work/jobs"; { printf 'on: push\njobs:\n'; for i in $(seq 1 20000); do printf '  j%d:\n    runs-on: x\n    permissions: write-all\n    steps:\n      - uses: a/b@v1\n      - run: cargo publish\n' "$i"; done; } | wf "$d"; measure yaml-20k-jobs-80k-findings "$d"

d="$work/json"; mkdir -p "$d"; rep '[' 100000 > "$d/package.json"; reps '{"a": ' 100000 > "$d/.release-please-manifest.json"
echo "$REL" | wf "$d"; measure json-100k-deep "$d"
d="$work/toml"; mkdir -p "$d"; { printf 'a = '; rep '[' 100000; } > "$d/Cargo.toml"; { printf 'a = '; reps '{a = ' 100000; } > "$d/pyproject.toml"
echo "$REL" | wf "$d"; measure toml-100k-deep "$d"

d="$work/utf8"; mkdir -p "$d"
for f in .github/workflows/release.yml Cargo.toml pyproject.toml package.json mix.exs README.md CHANGELOG.md SECURITY.md; do
    mkdir -p "$(dirname "$d/$f")"; printf 'a\n\xff\xfe\n' > "$d/$f"
done
measure invalid-utf8-everywhere "$d"

d="$work/binary"; mkdir -p "$d/.github/workflows"; head -c 1000000 /dev/urandom > "$d/.github/workflows/release.yml"
cp "$d/.github/workflows/release.yml" "$d/package.json"; measure binary-files "$d"

d="$work/bigwf"; { echo "$REL"; yes "# $(rep x 1000)" | head -n 9000; } | wf "$d"; measure yaml-9MB-over-parse-limit "$d"

d="$work/md"; mkdir -p "$d"; { echo '# Big'; yes 'word [link](docs/missing.md) `src/x` *em* ' | head -n 700000 | tr -d '\n'; } > "$d/README.md"
echo "$REL" | wf "$d"; measure markdown-30MB-one-line "$d"

d="$work/many"; mkdir -p "$d"
for i in $(seq 0 99); do mkdir -p "$d/src/d$i"; for j in $(seq 0 199); do printf '# F\n[x](f%d.md)\n' "$(((j + 1) % 200))" > "$d/src/d$i/f$j.md"; done; done
echo "$REL" | wf "$d"; measure files-20000 "$d"

d="$work/links"; mkdir -p "$d/.github/workflows" "$work/outside"
echo 'TOPSECRET' > "$work/outside/secret.yml"
ln -s "$work/outside/secret.yml" "$d/.github/workflows/release.yml"
ln -s /etc/passwd "$d/README.md"; ln -s loop-b "$d/loop-a"; ln -s loop-a "$d/loop-b"; ln -s .. "$d/up"
measure symlinks-out-and-loops "$d"
if grep -q -e TOPSECRET -e "$work/outside" "$work/out.json"; then echo "  LEAK: outside content in the report"; fi

# Bounded work (issue 15): each of these was quadratic or unbounded.
d="$work/ignoreline"; mkdir -p "$d"; { echo '# Links'; reps '[x](missing.md) ' 130000; echo ' <!-- shipgate: ignore[docs-links] generated -->'; } > "$d/README.md"
echo "$REL" | wf "$d"; measure inline-ignore-2MB-line "$d"

d="$work/waivers"; mkdir -p "$d/docs"
for i in $(seq 1 2000); do printf '# D\n[x](missing.md)\n' > "$d/docs/d$i.md"; done
for i in $(seq 1 2000); do printf '[[waiver]]\ncheck = "docs-links"\npath = "docs/d%d.md"\nreason = "r"\n' "$i"; done > "$d/shipgate.toml"
echo "$REL" | wf "$d"; measure waivers-2000-x-2000-findings "$d"

d="$work/exists"; mkdir -p "$d"; { printf '[[check]]\nid = "many"\nuses = "file.exists"\npaths = ['; for i in $(seq 1 20000); do printf '"f%d/*.md", ' "$i"; done; echo '"README.md"]'; } > "$d/shipgate.toml"
echo '# x' > "$d/README.md"; echo "$REL" | wf "$d"; measure file-exists-20000-globs "$d"

d="$work/table"; mkdir -p "$d"; { printf '| '; reps 'h | ' 4000; echo; printf '|'; reps '---|' 4000; echo; for r in $(seq 1 50); do printf '| '; reps '[x](m.md) | ' 4000; echo; done; } > "$d/README.md"
echo "$REL" | wf "$d"; measure markdown-table-4000-columns "$d"

d="$work/jobs60k"; { printf 'on: push\njobs:\n'; for i in $(seq 1 60000); do printf '  j%d:\n    runs-on: x\n    steps:\n      - run: echo\n' "$i"; done; } | wf "$d"; measure yaml-60000-jobs "$d"

d="$work/findings500k"; mkdir -p "$d"; { echo '# Many'; yes '[x](missing.md)' | head -n 500000; } > "$d/README.md"
echo "$REL" | wf "$d"; measure findings-500000-in-one-file "$d"

d="$work/bigwfs"; mkdir -p "$d/.github/workflows"
{ echo "$REL"; yes "      - run: echo $(rep x 200)" | head -n 21000; } > "$d/.github/workflows/w0.yml"
for i in $(seq 1 15); do cp "$d/.github/workflows/w0.yml" "$d/.github/workflows/w$i.yml"; done
measure sixteen-4.6MB-workflows "$d"

d="$work/smallwfs"; mkdir -p "$d/.github/workflows"
# printf is a builtin: no process per file.
( cd "$d/.github/workflows" && for i in $(seq 1 100000); do printf '%s\n' "$REL" > "w$i.yml"; done )
measure workflows-100000-small "$d"
