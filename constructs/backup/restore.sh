#!/bin/sh
# The app's restore step: loads a snapshot of the store's database from its restic repository.
# Env (besides database.sh's):
#   RESTORE_SNAPSHOT  "latest" or a snapshot ID, loaded into a database without tables (a new or a
#                     restored store); a store that has no backup yet starts empty. A database
#                     with tables is left alone, so pod restarts never restore twice.
#   ROLLBACK_ID, ROLLBACK_SNAPSHOT  (optional, together) an admin's roll-back of the live store:
#                     a database with tables is replaced by ROLLBACK_SNAPSHOT once. The ID is
#                     recorded in the table storefleet_rollbacks (written last, with the load), so
#                     a restart after the replace never replaces again, and one before it retries.
#                     The workload runs with the Recreate strategy: no other pod writes meanwhile.
set -eu
# shellcheck source=database.sh
. "${0%/*}/database.sh"

snapshot=${RESTORE_SNAPSHOT:-latest}
[ "$snapshot" = latest ] || is_snapshot_id "$snapshot" || fail "RESTORE_SNAPSHOT must be \"latest\" or a snapshot ID (8-64 hex digits)"
rollback_id=${ROLLBACK_ID:-}
rollback_snapshot=${ROLLBACK_SNAPSHOT:-}
if [ -n "$rollback_id$rollback_snapshot" ]; then
  # Both go into SQL and restic arguments: hex only, so no value can become code or an option.
  is_snapshot_id "$rollback_id" || fail "ROLLBACK_ID must be 8-64 hex digits"
  is_snapshot_id "$rollback_snapshot" || fail "ROLLBACK_SNAPSHOT must be a snapshot ID (8-64 hex digits)"
fi

# SQL that records the roll-back as applied (nothing without one).
rollback_marker_sql() {
  [ -n "$rollback_id" ] || return 0
  if [ "$DB_ENGINE" = mariadb ]; then
    printf '%s\n' "CREATE TABLE IF NOT EXISTS storefleet_rollbacks (id VARCHAR(64) NOT NULL PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);" \
      "INSERT IGNORE INTO storefleet_rollbacks (id) VALUES ('$rollback_id');"
  else
    # Qualified: a pg_dump leaves search_path empty.
    printf '%s\n' "CREATE TABLE IF NOT EXISTS public.storefleet_rollbacks (id varchar(64) PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());" \
      "INSERT INTO public.storefleet_rollbacks (id) VALUES ('$rollback_id') ON CONFLICT DO NOTHING;"
  fi
}

# Prints 1 when this roll-back was applied to the database already, else 0.
rollback_applied() {
  if [ "$DB_ENGINE" = mariadb ]; then
    found=$(query "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'storefleet_rollbacks'")
    [ "$found" = 0 ] || found=$(query "SELECT COUNT(*) FROM storefleet_rollbacks WHERE id = '$rollback_id'")
  else
    found=$(query "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'storefleet_rollbacks'")
    [ "$found" = 0 ] || found=$(query "SELECT count(*) FROM public.storefleet_rollbacks WHERE id = '$rollback_id'")
  fi
  echo "$found"
}

# SQL that empties the database before a replace: tables added since the snapshot go too.
drop_everything_sql() {
  if [ "$DB_ENGINE" = mariadb ]; then
    echo "SET FOREIGN_KEY_CHECKS = 0;"
    query "SELECT CONCAT('DROP ', IF(table_type = 'VIEW', 'VIEW', 'TABLE'), ' IF EXISTS \`', REPLACE(table_name, '\`', '\`\`'), '\`;') FROM information_schema.tables WHERE table_schema = DATABASE()"
  else
    # The store's user is the database's superuser (the official image's POSTGRES_USER).
    printf '%s\n' "SET client_min_messages = warning;" "DROP SCHEMA IF EXISTS public CASCADE;" "CREATE SCHEMA public;"
  fi
}

# Streams the SQL file $2 (may be empty), the snapshot $1's dump and the marker into the
# database's client. PostgreSQL loads all of it in one transaction: a snapshot that cannot be read
# completely ends any COPY and raises an error before COMMIT, so nothing changes. MariaDB has no
# transactional DDL: a failed load leaves no marker, the step fails and its retry replaces again.
load_snapshot() {
  loaded=0
  {
    cat -- "$2"
    if "$RESTIC" dump -- "$1" "/$DUMP_FILE"; then
      rollback_marker_sql
    else
      echo "$?" >"$TMPDIR_BACKUP/dump.status"
      [ "$DB_ENGINE" = mariadb ] || printf '\n\\.\n%s\n' "DO \$\$ BEGIN RAISE EXCEPTION 'snapshot $1 could not be read completely: nothing replaced'; END \$\$;"
    fi
  } | load_database || loaded=$?
  if [ -s "$TMPDIR_BACKUP/dump.status" ]; then
    [ "$DB_ENGINE" = mariadb ] && partly="the database may be partly loaded" || partly="the load was rolled back"
    fail "reading snapshot $1 failed (restic exit $(cat "$TMPDIR_BACKUP/dump.status")); $partly"
  fi
  [ "$loaded" = 0 ] || fail "loading snapshot $1 into database $DB_NAME failed ($DB_ENGINE client exit $loaded)"
}

# Records the roll-back without loading it (see the empty-database case below).
record_rollback() {
  [ -n "$rollback_id" ] || return 0
  rollback_marker_sql | load_database
  log "roll-back $rollback_id recorded as applied: the restore above decided this store's data"
}

tables=$(count_tables)
if [ "$tables" != 0 ]; then
  if [ -z "$rollback_id" ]; then
    log "database $DB_NAME has $tables tables: nothing to restore"
    exit 0
  fi
  if [ "$(rollback_applied)" != 0 ]; then
    log "roll-back $rollback_id to snapshot $rollback_snapshot was applied before: nothing replaced"
    exit 0
  fi
  repository=$(repository_status)
  [ "$repository" = 0 ] || fail "there is no backup repository for this store: nothing replaced"
  # Before anything is dropped: the snapshot must exist (a typo must not leave an empty shop).
  if ! "$RESTIC" cat snapshot -- "$rollback_snapshot" >/dev/null 2>"$TMPDIR_BACKUP/restic.err"; then
    cat "$TMPDIR_BACKUP/restic.err" >&2
    fail "snapshot $rollback_snapshot cannot be read from the store's repository: nothing replaced; request a roll-back to a snapshot the backup list shows"
  fi
  log "rolling database $DB_NAME ($DB_ENGINE) back to snapshot $rollback_snapshot (roll-back $rollback_id): replacing $tables tables"
  # Computed before the load: a failing query must stop the step, not feed a partial prelude.
  drop_everything_sql >"$TMPDIR_BACKUP/prelude.sql"
  load_snapshot "$rollback_snapshot" "$TMPDIR_BACKUP/prelude.sql"
  log "replaced: the database now holds $(count_tables) tables from snapshot $rollback_snapshot"
  exit 0
fi

# An empty database: a new store, or one restored after deletion. A roll-back requested in an
# earlier lifetime does not apply to it (its latest data is what a restore brings back).
repository=$(repository_status)
if [ "$repository" = 10 ]; then
  log "no backup repository yet: the store starts empty"
  record_rollback
  exit 0
fi
if [ "$snapshot" = latest ] && ! "$RESTIC" snapshots --json --latest=1 | grep -q '"id"'; then
  log "no snapshots yet: the store starts empty"
  record_rollback
  exit 0
fi

log "restoring snapshot $snapshot into database $DB_NAME ($DB_ENGINE)"
load_snapshot "$snapshot" /dev/null
log "restored $(count_tables) tables"
