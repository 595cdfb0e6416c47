#!/usr/bin/env bash
# Installs what the engine conformance tier (npm run test:engines) runs natively: PostgreSQL and
# Redis from Debian (idempotent; root or sudo). curl and jq run the rendered smoke-test script.
# The tier's backup step needs restic and SeaweedFS: built from the Go module proxy into
# ~/.cache/storefleet/bin by the same build the backup tier uses (skipped when already built).
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"
cd "$(dirname "$0")/.."
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v curl >/dev/null || need+=(curl)
command -v jq >/dev/null || need+=(jq)
command -v psql >/dev/null || need+=(postgresql-client)
apt_install "engine packages" "${need[@]}"
e2e/cluster/build.sh seaweedfs restic
