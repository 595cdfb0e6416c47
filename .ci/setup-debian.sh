#!/usr/bin/env bash
# Installs the Debian packages the tests need (idempotent; root or sudo).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"
need=()
command -v git >/dev/null || need+=(git)
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v chromium >/dev/null || need+=(chromium)
apt_install "Debian packages" "${need[@]}"
