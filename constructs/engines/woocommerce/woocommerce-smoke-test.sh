#!/bin/sh
# WooCommerce smoke test (PostSync Job): places a real cash-on-delivery order through the Store
# API, finds it through the admin REST API, then cancels it and tags it as a test order. Talks to
# the in-cluster Service with the store's public Host header. No fallbacks: any failed step fails.
# Env: WORDPRESS_URL, STORE_HOST, STORE_SCHEME, SAMPLE_PRODUCT_SKU, ADMIN_USER, ADMIN_PASSWORD.
set -eu

: "${WORDPRESS_URL:?}" "${STORE_HOST:?}" "${STORE_SCHEME:?}" "${SAMPLE_PRODUCT_SKU:?}"
: "${ADMIN_USER:?}" "${ADMIN_PASSWORD:?}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log() { printf 'smoke-test: %s\n' "$*"; }
fail() { log "FAILED: $*"; exit 1; }

# One request: Host/X-Forwarded-Proto as the ingress would send them; response headers to a file.
# Retries cover refused connections and transient statuses only, never a 4xx.
wp_curl() {
  curl -sS --fail-with-body --max-time 60 --retry 3 --retry-delay 5 --retry-connrefused \
    -H "Host: $STORE_HOST" -H "X-Forwarded-Proto: $STORE_SCHEME" -D "$work/headers" "$@"
}
header() { tr -d '\r' <"$work/headers" | sed -n "s/^$1: *//Ip" | tail -n 1; }

log "finding the sample product"
product_id="$(wp_curl "$WORDPRESS_URL/wp-json/wc/store/v1/products?sku=$SAMPLE_PRODUCT_SKU" | jq -er '.[0].id')" \
  || fail "sample product $SAMPLE_PRODUCT_SKU not found in the Store API"

log "starting a cart"
wp_curl "$WORDPRESS_URL/wp-json/wc/store/v1/cart" >/dev/null || fail "GET cart"
cart_token="$(header Cart-Token)"
nonce="$(header Nonce)"
[ -n "$cart_token" ] || fail "no Cart-Token header"

store_api() {
  wp_curl -H "Cart-Token: $cart_token" -H "Nonce: $nonce" -H 'Content-Type: application/json' "$@"
}

log "adding product $product_id"
store_api -X POST --data "$(jq -n --argjson id "$product_id" '{id: $id, quantity: 1}')" \
  "$WORDPRESS_URL/wp-json/wc/store/v1/cart/add-item" | jq -e '.items_count == 1' >/dev/null \
  || fail "add to cart"

address='{"first_name":"Smoke","last_name":"Test","address_1":"1 Market Street","city":"San Francisco",
  "state":"CA","postcode":"94105","country":"US","email":"smoke-test@example.com","phone":"5550100"}'
log "checking out with cash on delivery"
checkout="$(store_api -X POST --data "$(jq -n --argjson a "$address" \
  '{billing_address: $a, shipping_address: ($a | del(.email)), payment_method: "cod"}')" \
  "$WORDPRESS_URL/wp-json/wc/store/v1/checkout")" || fail "checkout: $(printf '%s' "${checkout:-}" | head -c 500)"
order_id="$(printf '%s' "$checkout" | jq -er '.order_id')" || fail "checkout returned no order id"
printf '%s' "$checkout" | jq -e '.payment_result.payment_status == "success"' >/dev/null \
  || fail "order $order_id: payment status is not success"
log "order $order_id placed"

log "logging in to the admin"
# Cookies are sent by hand: behind TLS they are Secure, and this request is plain http in-cluster.
# The password goes through stdin, not the command line.
printf '%s' "$ADMIN_PASSWORD" | wp_curl -o /dev/null -H 'Cookie: wordpress_test_cookie=WP%20Cookie%20check' \
  --data-urlencode "log=$ADMIN_USER" --data-urlencode "pwd@-" --data 'testcookie=1' \
  "$WORDPRESS_URL/wp-login.php" || fail "admin login request"
cookies="$(tr -d '\r' <"$work/headers" | sed -n 's/^set-cookie: *\(wordpress_[^;]*\).*/\1/Ip' | grep -v '=deleted$' | paste -sd ';' -)"
case "$cookies" in *wordpress_logged_in_*) ;; *) fail "admin login: no session cookie" ;; esac

admin_nonce="$(wp_curl -H "Cookie: $cookies" "$WORDPRESS_URL/wp-admin/admin-ajax.php?action=rest-nonce")" \
  || fail "REST nonce"
admin_api() {
  wp_curl -H "Cookie: $cookies" -H "X-WP-Nonce: $admin_nonce" -H 'Content-Type: application/json' "$@"
}

log "finding order $order_id in the admin API"
admin_api "$WORDPRESS_URL/wp-json/wc/v3/orders/$order_id" \
  | jq -e --argjson id "$order_id" '.id == $id and .payment_method == "cod"' >/dev/null \
  || fail "order $order_id not visible to the admin"

log "cancelling test order $order_id"
admin_api -X PUT --data '{"status":"cancelled","meta_data":[{"key":"_storefleet_smoke_test","value":"yes"}]}' \
  "$WORDPRESS_URL/wp-json/wc/v3/orders/$order_id" | jq -e '.status == "cancelled"' >/dev/null \
  || fail "cancel order $order_id"
admin_api -X POST --data '{"note":"Storefleet smoke test order (cancelled automatically)."}' \
  "$WORDPRESS_URL/wp-json/wc/v3/orders/$order_id/notes" >/dev/null || fail "note on order $order_id"

log "passed"
