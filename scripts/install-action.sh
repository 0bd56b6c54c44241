#!/usr/bin/env bash
# Installs shipgate for the GitHub Action (action.yml). Everything comes in
# through environment variables, never through the command line:
#
#   SHIPGATE_VERSION       requested version (1.2.3 or v1.2.3); empty means
#                          the action's own ref when that is a version tag,
#                          else a build of the action's source
#   SHIPGATE_ACTION_REF    the ref the action was pinned to (github.action_ref)
#   SHIPGATE_DOWNLOAD_URL  base of the release downloads; the archive is
#                          $SHIPGATE_DOWNLOAD_URL/<tag>/shipgate-<target>.tar.gz
#                          and its checksum the same name plus .sha256
#   SHIPGATE_TARGET        target triple (default: detected from uname)
#   SHIPGATE_INSTALL_ROOT  shipgate lands in $SHIPGATE_INSTALL_ROOT/bin
#   SHIPGATE_CARGO         the cargo to run in `cargo` mode (default: cargo)
#   GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH  as GitHub sets them
#
# `install-action.sh` (mode `release`) downloads the release archive and its
# checksum, refuses the archive when the sha256 differs, and installs the
# binary only after that. When there is no release to download (no version
# tag, or the release has no asset for this target: HTTP 404) it installs
# nothing and writes `method=cargo` to GITHUB_OUTPUT, with a `cache-key`;
# action.yml then restores a cache and runs `install-action.sh cargo`, which
# builds with `cargo install --locked`. Any other failure exits non-zero.
set -euo pipefail

mode="${1:-release}"
default_url="https://github.com/shipgate/shipgate/releases/download"
download_url="${SHIPGATE_DOWNLOAD_URL:-$default_url}"
install_root="${SHIPGATE_INSTALL_ROOT:-$HOME/.shipgate-action}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
requested="${SHIPGATE_VERSION:-}"
action_ref="${SHIPGATE_ACTION_REF:-}"

say() { printf 'shipgate install: %s\n' "$*" >&2; }
output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}
add_to_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    printf '%s\n' "$install_root/bin" >>"$GITHUB_PATH"
  fi
}

version_re='^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'
tag=""
if [ -n "$requested" ]; then
  if ! [[ "$requested" =~ $version_re ]]; then
    say "version '$requested' is not a version such as 1.2.3 or v1.2.3"
    exit 2
  fi
  tag="v${requested#v}"
elif [[ "$action_ref" =~ $version_re ]] && [[ "$action_ref" == v* ]]; then
  tag="$action_ref"
fi

# A build from source uses the action's own checkout when it is the version
# asked for (or no version was asked for), else the crate from crates.io.
if [ -z "$tag" ] || [ "$tag" = "$action_ref" ]; then
  source="path"
else
  source="crates-io"
fi

source_key() {
  if [ "$source" = "crates-io" ]; then
    printf '%s' "$tag"
    return
  fi
  local sum
  sum="$(cd "$action_path" && find Cargo.toml Cargo.lock src -type f 2>/dev/null | LC_ALL=C sort |
    while IFS= read -r f; do printf '%s  %s\n' "$(sha256_stdin <"$f")" "$f"; done | sha256_stdin)"
  printf 'src-%s' "${sum:0:16}"
}

sha256_stdin() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum | cut -d' ' -f1
  else
    shasum -a 256 | cut -d' ' -f1
  fi
}

choose_cargo() {
  output method cargo
  output source "$source"
  output cache-key "$(source_key)"
  say "no release binary to download; building with cargo install --locked"
}

case "$mode" in
release) ;;
cargo)
  cargo="${SHIPGATE_CARGO:-cargo}"
  if [ -x "$install_root/bin/shipgate" ] || [ -x "$install_root/bin/shipgate.exe" ]; then
    say "using the cached build in $install_root/bin"
  elif [ "$source" = "crates-io" ]; then
    "$cargo" install --locked --root "$install_root" shipgate --version "${tag#v}"
  else
    "$cargo" install --locked --root "$install_root" --path "$action_path"
  fi
  add_to_path
  exit 0
  ;;
*)
  say "unknown mode '$mode' (release or cargo)"
  exit 2
  ;;
esac

if [ -z "$tag" ]; then
  say "the action is not pinned to a version tag and no version was given"
  choose_cargo
  exit 0
fi

target="${SHIPGATE_TARGET:-}"
if [ -z "$target" ]; then
  os="$(uname -s)"
  arch="$(uname -m)"
  case "$os/$arch" in
  Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/arm64 | Darwin/aarch64) target=aarch64-apple-darwin ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64) target=x86_64-pc-windows-msvc ;;
  *)
    say "no release binary for $os/$arch"
    choose_cargo
    exit 0
    ;;
  esac
fi
binary=shipgate
case "$target" in *windows*) binary=shipgate.exe ;; esac

archive="shipgate-$target.tar.gz"
url="$download_url/$tag/$archive"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Prints the HTTP status; curl itself fails only when no answer came.
fetch() {
  curl --silent --show-error --location --proto '=https,http' --retry 3 \
    --output "$2" --write-out '%{http_code}' "$1"
}

status="$(fetch "$url" "$work/$archive")" || {
  say "could not download $url"
  exit 1
}
if [ "$status" = "404" ]; then
  say "$url: not found"
  choose_cargo
  exit 0
fi
if [ "$status" != "200" ]; then
  say "$url: HTTP $status"
  exit 1
fi
status="$(fetch "$url.sha256" "$work/$archive.sha256")" || {
  say "could not download $url.sha256"
  exit 1
}
if [ "$status" != "200" ]; then
  say "$url.sha256: HTTP $status; an archive without its checksum is not installed"
  exit 1
fi

expected="$(cut -d' ' -f1 <"$work/$archive.sha256" | tr 'A-F' 'a-f')"
actual="$(sha256_stdin <"$work/$archive")"
if ! [[ "$expected" =~ ^[0-9a-f]{64}$ ]]; then
  say "$url.sha256 holds no sha256"
  exit 1
fi
if [ "$expected" != "$actual" ]; then
  say "checksum mismatch for $archive: expected $expected, got $actual; nothing installed"
  exit 1
fi

mkdir "$work/unpacked"
tar -xzf "$work/$archive" -C "$work/unpacked"
if ! [ -f "$work/unpacked/$binary" ]; then
  say "$archive holds no $binary"
  exit 1
fi
mkdir -p "$install_root/bin"
chmod +x "$work/unpacked/$binary"
mv -f "$work/unpacked/$binary" "$install_root/bin/$binary"
say "installed shipgate $tag ($target) in $install_root/bin"
output method release
output version "$tag"
add_to_path
