#!/bin/sh
# Loads a snapshot of the store's database from its restic repository.
# Env (besides database.sh's): RESTORE_SNAPSHOT ("latest" or a snapshot ID), RESTORE_MODE:
#   if-empty  the step before the app starts: restores only into a database without tables, and
#             a store that has no backup yet starts empty;
#   replace   an admin's roll-back of a live store: the snapshot must exist.
set -eu
# shellcheck source=database.sh
. "${0%/*}/database.sh"

snapshot=${RESTORE_SNAPSHOT:-latest}
mode=${RESTORE_MODE:-if-empty}
case "$mode" in
  if-empty | replace) ;;
  *) fail "RESTORE_MODE must be if-empty or replace" ;;
esac

if [ "$mode" = if-empty ]; then
  tables=$(count_tables)
  if [ "$tables" != 0 ]; then
    log "database $DB_NAME has $tables tables: nothing to restore"
    exit 0
  fi
fi

repository=$(repository_status)
if [ "$repository" = 10 ]; then
  [ "$mode" = if-empty ] || fail "there is no backup repository for this store"
  log "no backup repository yet: the store starts empty"
  exit 0
fi
if [ "$snapshot" = latest ] && ! "$RESTIC" snapshots --json --latest=1 | grep -q '"id"'; then
  [ "$mode" = if-empty ] || fail "the store has no backups"
  log "no snapshots yet: the store starts empty"
  exit 0
fi

log "restoring snapshot $snapshot into database $DB_NAME ($DB_ENGINE)"
# POSIX sh has no pipefail: restic's exit status is written to a file and checked after the load.
{ "$RESTIC" dump -- "$snapshot" "/$DUMP_FILE" || echo "$?" >"$TMPDIR_BACKUP/dump.status"; } | load_database
if [ -s "$TMPDIR_BACKUP/dump.status" ]; then
  fail "reading snapshot $snapshot failed (restic exit $(cat "$TMPDIR_BACKUP/dump.status")); the database may be partly loaded"
fi
log "restored $(count_tables) tables"
