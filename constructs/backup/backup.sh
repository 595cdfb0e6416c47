#!/bin/sh
# Backs up the store's database to its restic repository: the engine's dump tool runs under
# `restic backup --stdin-from-command`, so a failing dump fails the backup instead of storing a
# truncated file. Then the scheduled run forgets scheduled snapshots beyond the plan's retention
# and manual snapshots older than platform.yaml's, and prunes. Final snapshots are never forgotten here.
# Env (besides database.sh's): BACKUP_KIND (scheduled|manual|final), KEEP_DAILY, KEEP_WEEKLY,
# KEEP_MONTHLY (retention of scheduled snapshots), KEEP_MANUAL_DAYS (of manual ones).
set -eu
# shellcheck source=database.sh
. "${0%/*}/database.sh"

case "${BACKUP_KIND:-}" in
  scheduled | manual | final) ;;
  *) fail "BACKUP_KIND must be scheduled, manual or final" ;;
esac
# Checked before anything runs: it becomes part of restic's "--keep-within=<N>d".
if [ "$BACKUP_KIND" = scheduled ]; then
  case "${KEEP_MANUAL_DAYS:-}" in
    '' | *[!0-9]*) fail "KEEP_MANUAL_DAYS must be a whole number of days" ;;
  esac
fi

repository=$(repository_status)
if [ "$repository" = 10 ]; then
  log "no repository yet: initialising it"
  "$RESTIC" init
fi

# The dump command as the positional parameters (POSIX sh has no arrays).
if [ "$DB_ENGINE" = mariadb ]; then
  # --single-transaction: a consistent InnoDB snapshot without locking the shop;
  # --no-tablespaces: the application user has no PROCESS privilege.
  set -- mariadb-dump --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" --single-transaction --quick --no-tablespaces --triggers -- "$DB_NAME"
else
  # --clean --if-exists: the dump replaces what is there, so a live store can be rolled back.
  set -- pg_dump --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --clean --if-exists --no-owner --no-privileges -- "$DB_NAME"
fi

log "backing up database $DB_NAME ($DB_ENGINE, $BACKUP_KIND)"
"$RESTIC" backup --stdin-from-command --stdin-filename="$DUMP_FILE" --tag="$BACKUP_KIND" -- "$@"

if [ "$BACKUP_KIND" = scheduled ]; then
  # Scheduled snapshots age out by the plan's retention.
  "$RESTIC" forget --tag=scheduled --group-by=tags \
    --keep-daily="${KEEP_DAILY:?}" --keep-weekly="${KEEP_WEEKLY:?}" --keep-monthly="${KEEP_MONTHLY:?}"
  # Manual snapshots older than KEEP_MANUAL_DAYS go. restic's --keep-within counts back from the
  # group's newest snapshot, so the group holds the scheduled snapshot just taken (now) as well,
  # and --keep-tag keeps every scheduled one (their retention is the call above). `final`
  # snapshots are outside both tags: never forgotten here.
  "$RESTIC" forget --tag=manual --tag=scheduled --group-by=host \
    --keep-within="${KEEP_MANUAL_DAYS}d" --keep-tag=scheduled --prune
fi
log "done"
