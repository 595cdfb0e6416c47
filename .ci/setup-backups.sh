#!/usr/bin/env bash
# Installs what the backup tier (npm run test:backups) runs natively: PostgreSQL and MariaDB from
# Debian, and restic and SeaweedFS built from the Go module proxy into ~/.cache/storefleet/bin
# (skipped when already built; a cold SeaweedFS build takes long on a busy machine, see
# docs/design.md "Data protection"). Idempotent; root or sudo for the packages.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  echo "backup packages: installed ${need[*]}"
fi
e2e/cluster/build.sh seaweedfs restic
