#!/usr/bin/env bash
# Installs what the backup tier (npm run test:backups) runs natively: PostgreSQL and MariaDB from
# Debian, and restic and SeaweedFS built from the Go module proxy into ~/.cache/storefleet/bin
# (skipped when already built; a cold SeaweedFS build takes long on a busy machine, see
# docs/design.md "Data protection"). Idempotent; root or sudo for the packages.
set -euo pipefail
# shellcheck source=SCRIPTDIR/lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"
cd "$(dirname "$0")/.."
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
apt_install "backup packages" "${need[@]}"
e2e/cluster/build.sh seaweedfs restic
