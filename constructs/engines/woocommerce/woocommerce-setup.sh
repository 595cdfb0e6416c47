#!/bin/sh
# WooCommerce setup, run by the WP-CLI init container on every pod start. Every step is
# idempotent: on an installed store it changes nothing and succeeds.
# Env: WORDPRESS_DB_* (as the app), STORE_URL, STORE_TITLE, ADMIN_USER, ADMIN_PASSWORD,
# ADMIN_EMAIL, WOOCOMMERCE_VERSION, SAMPLE_PRODUCT_SKU.
set -eu

: "${STORE_URL:?}" "${STORE_TITLE:?}" "${ADMIN_USER:?}" "${ADMIN_PASSWORD:?}" "${ADMIN_EMAIL:?}"
: "${WOOCOMMERCE_VERSION:?}" "${SAMPLE_PRODUCT_SKU:?}"

log() { printf 'setup: %s\n' "$*"; }

# WC CLI commands act as a user.
wc() { wp wc "$@" --user="$ADMIN_USER"; }

log "waiting for the database"
tries=0
until php -r 'exit(@mysqli_connect(getenv("WORDPRESS_DB_HOST"), getenv("WORDPRESS_DB_USER"), getenv("WORDPRESS_DB_PASSWORD"), getenv("WORDPRESS_DB_NAME")) ? 0 : 1);'; do
  tries=$((tries + 1))
  if [ "$tries" -ge 100 ]; then
    log "database not reachable after $tries attempts"
    exit 1
  fi
  sleep 3
done

if ! wp core is-installed; then
  log "installing WordPress"
  wp core install --url="$STORE_URL" --title="$STORE_TITLE" --admin_user="$ADMIN_USER" \
    --admin_password="$ADMIN_PASSWORD" --admin_email="$ADMIN_EMAIL" --skip-email
fi

# The public URL (with scheme) and title follow platform.yaml and store.yaml on every start.
# WP-CLI has no end-of-options marker (`--` is read as a positional): a positional value starting
# with `--` (a title "--exec=…") would become an option. Values therefore reach wp only as
# `--key=value` (the value may hold anything) or on stdin, which `option update` reads when the
# value is omitted.
option_from_env() { printf '%s' "$2" | wp option update "$1"; }
option_from_env home "$STORE_URL"
option_from_env siteurl "$STORE_URL"
option_from_env blogname "$STORE_TITLE"
wp rewrite structure '/%postname%/'

installed="$(wp plugin get woocommerce --field=version 2>/dev/null || true)"
if [ "$installed" != "$WOOCOMMERCE_VERSION" ]; then
  log "installing WooCommerce $WOOCOMMERCE_VERSION (found: ${installed:-none})"
  wp plugin install woocommerce --version="$WOOCOMMERCE_VERSION" --force
fi
if ! wp plugin is-active woocommerce; then
  wp plugin activate woocommerce
fi

# New shops show "coming soon" to logged-out visitors; skip onboarding and the task list.
wp option update woocommerce_coming_soon no
wp option update woocommerce_store_pages_only no
wp option update woocommerce_onboarding_profile '{"skipped":true}' --format=json
wp option update woocommerce_task_list_hidden yes
wp option update woocommerce_extended_task_list_hidden yes
wp option update woocommerce_show_marketplace_suggestions no

wp option update woocommerce_default_country 'US:CA'
wp option update woocommerce_currency USD
wp option update woocommerce_store_address '1 Market Street'
wp option update woocommerce_store_city 'San Francisco'
wp option update woocommerce_store_postcode 94105

wc tool run install_pages
wc payment_gateway update cod --enabled=true

# Physical products cannot be ordered without a shipping method: zone 0 is "rest of the world".
if [ -z "$(wc shipping_zone_method list 0 --format=ids)" ]; then
  log "adding free shipping to the default zone"
  wc shipping_zone_method create 0 --method_id=free_shipping --enabled=true
fi

if [ -z "$(wc product list --sku="$SAMPLE_PRODUCT_SKU" --format=ids)" ]; then
  log "creating the sample product"
  wc product create --name='Sample product' --sku="$SAMPLE_PRODUCT_SKU" --type=simple \
    --regular_price=10.00 --status=publish
fi

wp rewrite flush
log "done"
