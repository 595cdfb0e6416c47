#!/bin/sh
# Medusa smoke test (PostSync Job): through the Store API, creates a cart in the seeded region,
# adds a product, sets addresses and shipping, pays with the system default (manual) provider,
# completes the cart, then finds the order through the admin API and cancels it. No fallbacks.
# Env: MEDUSA_URL, REGION_COUNTRY, PUBLISHABLE_KEY, ADMIN_EMAIL, ADMIN_PASSWORD.
set -eu

: "${MEDUSA_URL:?}" "${REGION_COUNTRY:?}" "${PUBLISHABLE_KEY:?}" "${ADMIN_EMAIL:?}" "${ADMIN_PASSWORD:?}"

log() { printf 'smoke-test: %s\n' "$*"; }
fail() { log "FAILED: $*"; exit 1; }

request() {
  curl -sS --fail-with-body --max-time 60 --retry 3 --retry-delay 5 --retry-connrefused \
    -H 'Content-Type: application/json' "$@"
}
store() { request -H "x-publishable-api-key: $PUBLISHABLE_KEY" "$@"; }

log "finding the region for $REGION_COUNTRY"
region_id="$(store "$MEDUSA_URL/store/regions" \
  | jq -er --arg c "$REGION_COUNTRY" '[.regions[] | select(any(.countries[]; .iso_2 == $c))][0].id')" \
  || fail "no region contains country $REGION_COUNTRY"

log "finding a product"
variant_id="$(store "$MEDUSA_URL/store/products?region_id=$region_id&limit=1&fields=*variants" \
  | jq -er '.products[0].variants[0].id')" || fail "no product with a variant"

log "creating a cart"
cart_id="$(store -X POST --data "$(jq -n --arg r "$region_id" '{region_id: $r}')" "$MEDUSA_URL/store/carts" \
  | jq -er '.cart.id')" || fail "create cart"

store -X POST --data "$(jq -n --arg v "$variant_id" '{variant_id: $v, quantity: 1}')" \
  "$MEDUSA_URL/store/carts/$cart_id/line-items" | jq -e '.cart.items | length == 1' >/dev/null || fail "add line item"

address="$(jq -n --arg c "$REGION_COUNTRY" '{first_name: "Smoke", last_name: "Test", address_1: "1 Test Street",
  city: "Copenhagen", postal_code: "1000", country_code: $c, phone: "5550100"}')"
store -X POST --data "$(jq -n --argjson a "$address" '{email: "smoke-test@example.com", shipping_address: $a, billing_address: $a}')" \
  "$MEDUSA_URL/store/carts/$cart_id" >/dev/null || fail "set addresses"

log "choosing shipping"
option_id="$(store "$MEDUSA_URL/store/shipping-options?cart_id=$cart_id" | jq -er '.shipping_options[0].id')" \
  || fail "no shipping option for the cart"
store -X POST --data "$(jq -n --arg o "$option_id" '{option_id: $o}')" \
  "$MEDUSA_URL/store/carts/$cart_id/shipping-methods" >/dev/null || fail "add shipping method"

log "paying with the system default provider"
collection_id="$(store -X POST --data "$(jq -n --arg c "$cart_id" '{cart_id: $c}')" "$MEDUSA_URL/store/payment-collections" \
  | jq -er '.payment_collection.id')" || fail "create payment collection"
store -X POST --data '{"provider_id":"pp_system_default"}' \
  "$MEDUSA_URL/store/payment-collections/$collection_id/payment-sessions" >/dev/null || fail "payment session"

log "completing the cart"
order_id="$(store -X POST "$MEDUSA_URL/store/carts/$cart_id/complete" | jq -er 'select(.type == "order") | .order.id')" \
  || fail "cart $cart_id did not complete into an order"
log "order $order_id placed"

log "finding order $order_id in the admin API"
token="$(jq -n --arg e "$ADMIN_EMAIL" --arg p "$ADMIN_PASSWORD" '{email: $e, password: $p}' \
  | request -X POST --data @- "$MEDUSA_URL/auth/user/emailpass" | jq -er '.token')" || fail "admin login"
admin() { request -H "Authorization: Bearer $token" "$@"; }
admin "$MEDUSA_URL/admin/orders/$order_id" | jq -e --arg id "$order_id" '.order.id == $id' >/dev/null \
  || fail "order $order_id not visible to the admin"

log "tagging and cancelling test order $order_id"
admin -X POST --data '{"metadata":{"storefleet_smoke_test":true}}' "$MEDUSA_URL/admin/orders/$order_id" >/dev/null \
  || fail "tag order $order_id"
admin -X POST "$MEDUSA_URL/admin/orders/$order_id/cancel" >/dev/null || fail "cancel order $order_id"

log "passed"
