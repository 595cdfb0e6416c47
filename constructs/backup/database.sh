#!/bin/sh
# Shared by backup.sh and restore.sh (sourced): checks, logging, the engine's own load and
# table-count commands. Every value comes from the environment: the password only as the
# clients' own PGPASSWORD / MYSQL_PWD (never on a command line); DB_HOST, DB_PORT and DB_USER
# glued to their option and DB_NAME after "--", so no value can become an option.
set -eu

log() {
  printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${0##*/}" "$*" >&2
}

fail() {
  log "$*"
  exit 1
}

case "${DB_ENGINE:-}" in
  mariadb | postgres) ;;
  *) fail "DB_ENGINE must be mariadb or postgres" ;;
esac
: "${DB_NAME:?DB_NAME is required}" "${DB_USER:?DB_USER is required}"
: "${DB_HOST:?DB_HOST is required}" "${DB_PORT:?DB_PORT is required}"
: "${RESTIC_REPOSITORY:?RESTIC_REPOSITORY is required}" "${RESTIC_PASSWORD:?RESTIC_PASSWORD is required}"
# The restic binary an init container copied from the pinned restic image.
RESTIC=${RESTIC_BIN:?RESTIC_BIN is required}
# The one file a snapshot holds: the dump, streamed from stdin.
# shellcheck disable=SC2034 # used by the scripts that source this file
DUMP_FILE="$DB_NAME.sql"

# Loads a dump from stdin; stops at the first error.
load_database() {
  if [ "$DB_ENGINE" = mariadb ]; then
    mariadb --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" --batch -- "$DB_NAME"
  else
    psql --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --single-transaction --dbname="$DB_NAME" >/dev/null
  fi
}

# Runs one SQL statement ($1) in the application's database and prints its result rows.
query() {
  if [ "$DB_ENGINE" = mariadb ]; then
    mariadb --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" --batch --skip-column-names --execute="$1" -- "$DB_NAME"
  else
    psql --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --no-psqlrc --tuples-only --no-align --quiet --set=ON_ERROR_STOP=1 \
      --dbname="$DB_NAME" --command="$1"
  fi
}

# Prints how many tables the application's database holds.
count_tables() {
  if [ "$DB_ENGINE" = mariadb ]; then
    query "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
  else
    query "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
  fi
}

# True when $1 is a restic snapshot ID: 8 to 64 lowercase hex digits (the full ID or its short form).
is_snapshot_id() {
  case "$1" in
    *[!0-9a-f]* | '') return 1 ;;
  esac
  [ "${#1}" -ge 8 ] && [ "${#1}" -le 64 ]
}

# Prints 0 when the repository exists, 10 when there is none (restic >= 0.17's exit codes) and
# fails otherwise; call it as `x=$(repository_status)` so that failure stops the script.
repository_status() {
  status=0
  "$RESTIC" cat config >/dev/null 2>"$TMPDIR_BACKUP/restic.err" || status=$?
  if [ "$status" != 0 ] && [ "$status" != 10 ]; then
    cat "$TMPDIR_BACKUP/restic.err" >&2
    fail "cannot open the backup repository (restic exit $status): check the backup target and its credentials"
  fi
  echo "$status"
}

TMPDIR_BACKUP=$(mktemp -d)
trap 'rm -rf "$TMPDIR_BACKUP"' EXIT
