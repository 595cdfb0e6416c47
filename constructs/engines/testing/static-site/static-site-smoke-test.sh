#!/bin/sh
# Smoke test of the static-site fixture engine: the page answers 200 through the in-cluster
# Service with the store's public Host header, and is nginx's page.
set -eu

page=$(curl -fsS --max-time 10 --retry 30 --retry-delay 5 --retry-all-errors -H "Host: $STORE_HOST" -- "$SITE_URL/")
case "$page" in
  *"Welcome to nginx"*) echo "static site answers" ;;
  *) echo "unexpected page from $SITE_URL" >&2; exit 1 ;;
esac
