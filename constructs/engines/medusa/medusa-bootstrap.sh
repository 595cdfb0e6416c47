#!/bin/sh
# Medusa bootstrap, run by the Sync hook Job after the backend (and its db:migrate init container)
# is healthy. Idempotent: seeds only an empty database, tolerates an existing admin user, and pins
# the publishable key to the value the platform generated (sealed secret).
# Env: DATABASE_URL, ADMIN_EMAIL, ADMIN_PASSWORD, PUBLISHABLE_KEY (+ the backend env).
set -eu

: "${DATABASE_URL:?}" "${ADMIN_EMAIL:?}" "${ADMIN_PASSWORD:?}" "${PUBLISHABLE_KEY:?}"

log() { printf 'bootstrap: %s\n' "$*"; }
sql() { psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qtA "$@"; }

# The starter seed fails when re-run: seed only while there is no region.
regions="$(sql -c 'SELECT count(*) FROM region')"
if [ "$regions" = "0" ]; then
  log "seeding"
  medusa exec ./src/scripts/seed.js
else
  log "database already seeded ($regions regions)"
fi

if out="$(medusa user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD" 2>&1)"; then
  log "admin user created"
elif printf '%s' "$out" | grep -qi 'already exists'; then
  log "admin user exists"
else
  log "creating the admin user failed:"
  printf '%s\n' "$out" | grep -v -F -e "$ADMIN_PASSWORD" >&2 || true
  exit 1
fi

# Publishable keys are stored as plain tokens; pin the seeded "Webshop" key to the sealed value.
sql -v key="$PUBLISHABLE_KEY" <<'SQL'
UPDATE api_key
   SET token = :'key', redacted = left(:'key', 6) || '***' || right(:'key', 3), updated_at = now()
 WHERE type = 'publishable' AND title = 'Webshop' AND deleted_at IS NULL AND token <> :'key';
SQL
pinned="$(sql -v key="$PUBLISHABLE_KEY" <<'SQL'
SELECT count(*) FROM api_key
 WHERE type = 'publishable' AND token = :'key' AND revoked_at IS NULL AND deleted_at IS NULL;
SQL
)"
if [ "$pinned" != "1" ]; then
  log "expected one active publishable key with the platform's value, found $pinned"
  exit 1
fi
log "done"
