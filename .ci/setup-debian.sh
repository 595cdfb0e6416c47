#!/usr/bin/env bash
# Installs the Debian packages the tests need (idempotent; root or sudo).
set -euo pipefail
need=()
command -v git >/dev/null || need+=(git)
command -v shellcheck >/dev/null || need+=(shellcheck)
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && { echo "Debian packages: all present"; exit 0; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "Debian packages: installed ${need[*]}"
