#!/bin/sh
# Medusa bootstrap, run by the Sync hook Job once the backend's db:migrate init container has
# migrated the database. One `medusa exec` of the image's own bootstrap (images/medusa-backend/
# src/scripts/bootstrap.ts) ensures the region for STORE_COUNTRY, a shipping option, the manual
# payment provider, a sample product, the publishable key equal to PUBLISHABLE_KEY and the admin
# user. Every step finds what exists first, so a retry or a second run changes nothing.
# Env: ADMIN_EMAIL, ADMIN_PASSWORD, PUBLISHABLE_KEY, STORE_COUNTRY, STORE_CURRENCY, STORE_NAME
# (+ the backend env). Values reach Medusa as env only, never as arguments.
set -eu

missing=""
for name in DATABASE_URL ADMIN_EMAIL ADMIN_PASSWORD PUBLISHABLE_KEY STORE_COUNTRY STORE_CURRENCY; do
  [ -n "$(printenv "$name" || true)" ] || missing="$missing $name"
done
if [ -n "$missing" ]; then
  printf 'bootstrap: not set:%s (they come from the store'"'"'s sealed secrets and the Job env)\n' "$missing" >&2
  exit 2
fi

exec medusa exec ./src/scripts/bootstrap.js
