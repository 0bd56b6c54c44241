#!/usr/bin/env bash
# Speed of the whole default gate against `cat` of the same files, as ratios
# measured in one interleaved run, at several tree sizes (1x, 4x, 16x; the
# docs hold broken links across folders, stale anchors and cited paths).
#   scripts/bench.sh [RUNS]        (default 5 runs per command and size)
#   SCALES="1 4" scripts/bench.sh  (sizes to measure; default "1 4 16")
# Prints min/median/max, the gate/cat ratio, the cost growth and time
# exponent between sizes, and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example bench_tree
bin=target/release/shipgate
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
spread() { sort -g | awk '{a[NR]=$1} END {printf "min %.3f / median %.3f / max %.3f", a[1], (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[NR]}'; }
scales=${SCALES:-1 4 16}
prev=""

for scale in $scales; do
  tree="$work/tree$scale"
  target/release/examples/bench_tree "$tree" "$scale"
  (cd "$tree" && find . -type f -print0 > "$work/files$scale")
  files=$(tr -cd '\0' < "$work/files$scale" | wc -c)
  bytes=$(cd "$tree" && du -sb . | cut -f1)
  : > "$work/cat$scale"; : > "$work/gate$scale"; : > "$work/catcpu$scale"; : > "$work/gatecpu$scale"
  # Warm the page cache once, then interleave the two commands.
  (cd "$tree" && xargs -0 cat < "$work/files$scale" > /dev/null)
  for _ in $(seq "$runs"); do
    t0=$(now)
    (cd "$tree" && /usr/bin/time -f '%U %S' -o "$work/t" xargs -0 cat < "$work/files$scale" > /dev/null)
    t1=$(now)
    echo "$t1 - $t0" | bc >> "$work/cat$scale"
    tail -1 "$work/t" | awk '{print $1 + $2}' >> "$work/catcpu$scale"
    t0=$(now)
    /usr/bin/time -f '%U %S' -o "$work/t" "$bin" check "$tree" --format json > /dev/null || true
    t1=$(now)
    echo "$t1 - $t0" | bc >> "$work/gate$scale"
    tail -1 "$work/t" | awk '{print $1 + $2}' >> "$work/gatecpu$scale"
  done
  rss=$( { /usr/bin/time -f '%M' "$bin" check "$tree" --format json > /dev/null; } 2>&1 | tail -1 || true)
  cat_med=$(median < "$work/cat$scale"); gate_med=$(median < "$work/gate$scale")
  catcpu=$(median < "$work/catcpu$scale"); gatecpu=$(median < "$work/gatecpu$scale")
  printf 'scale %dx: %d files, %d bytes\n' "$scale" "$files" "$bytes"
  printf '  cat   %s s wall, median %.2f s CPU (user+sys)\n' "$(spread < "$work/cat$scale")" "$catcpu"
  printf '  gate  %s s wall, median %.2f s CPU (user+sys)\n' "$(spread < "$work/gate$scale")" "$gatecpu"
  paste "$work/gate$scale" "$work/cat$scale" | awk '{print $1 / $2}' > "$work/ratio$scale"
  printf '  gate/cat per run: %s\n' "$(spread < "$work/ratio$scale")"
  printf '  gate/cat ratio %.2f (wall)\n  gate peak RSS %d KiB\n' \
    "$(echo "$gate_med / $cat_med" | bc -l)" "$rss"
  echo "$gatecpu" > "$work/cpu$scale"
  echo "$gate_med" > "$work/med$scale"
  if [ -n "$prev" ]; then
    g=$(echo "$(cat "$work/med$scale") / $(cat "$work/med$prev")" | bc -l)
    c=$(echo "$(cat "$work/cpu$scale") / $(cat "$work/cpu$prev")" | bc -l)
    k=$(echo "$scale / $prev" | bc -l)
    printf 'cost growth %dx/%dx: %.2f wall, %.2f CPU (linear is %.2f); time exponent %.2f (CPU)\n' \
      "$scale" "$prev" "$g" "$c" "$k" "$(echo "l($c) / l($k)" | bc -l)"
  fi
  prev=$scale
done
# SPEC §6: faster than `zizmor --offline` on the same workflows. Only when
# zizmor is on PATH (e.g. `pip install zizmor`); both run on a tree holding
# just the 1x workflows, interleaved, medians.
if command -v zizmor > /dev/null; then
  wtree="$work/workflows-only"
  mkdir -p "$wtree/.github"
  cp -r "$work/tree1/.github/workflows" "$wtree/.github/"
  : > "$work/zz"; : > "$work/zg"
  for _ in $(seq "$runs"); do
    t0=$(now); zizmor --offline --no-progress "$wtree" > /dev/null 2>&1 || true; t1=$(now)
    echo "$t1 - $t0" | bc >> "$work/zz"
    t0=$(now); "$bin" check "$wtree" --format json > /dev/null || true; t1=$(now)
    echo "$t1 - $t0" | bc >> "$work/zg"
  done
  zz=$(median < "$work/zz"); zg=$(median < "$work/zg")
  printf 'workflows only (%s files): zizmor --offline (%s) median %.3f s, gate median %.3f s, gate/zizmor %.2f\n' \
    "$(ls "$wtree/.github/workflows" | wc -l)" "$(zizmor --version 2>/dev/null)" "$zz" "$zg" \
    "$(echo "$zg / $zz" | bc -l)"
else
  echo 'zizmor not on PATH: the comparison with zizmor --offline is skipped (pip install zizmor)'
fi
printf 'load average during the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
