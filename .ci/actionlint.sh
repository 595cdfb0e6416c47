#!/usr/bin/env bash
# Lints every GitHub Actions workflow (this repository's and the GitOps template's) with
# actionlint, which also runs shellcheck on each `run:` block. actionlint is built once from the
# Go module proxy into the same cache as the dev cluster's binaries and reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=v1.7.12
BIN="${STOREFLEET_CACHE:-$HOME/.cache/storefleet}/bin/actionlint-$VERSION"
if [ ! -x "$BIN" ]; then
  tmp=$(mktemp -d)
  GOBIN="$tmp" GOTOOLCHAIN=local go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
  mkdir -p "$(dirname "$BIN")"
  mv "$tmp/actionlint" "$BIN"
  rmdir "$tmp"
fi
"$BIN" -version | head -1
"$BIN" .github/workflows/*.yml gitops-repo-template/.github/workflows/*.yml
# The script the e2e-kind workflow runs, checked the same way.
shellcheck -x e2e/kind/run.sh
echo "actionlint: every workflow is clean; shellcheck: e2e/kind/run.sh is clean"
