#!/usr/bin/env bash
# Sends one of Shopify's documented webhook payloads to the local gateway, signed like Shopify signs it:
#   deploy/local/send-webhook.sh <topic> [body-file]
# e.g. deploy/local/send-webhook.sh orders/updated
# Environment: GATEWAY_URL (http://127.0.0.1:8081), SHOP (demo.myshopify.com),
#              SHOPIFY_WEBHOOKS_SECRETS (the first secret signs; local-dev-webhook-secret).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
topic="${1:?usage: $0 <topic> [body-file]}"
body="${2:-$root/test-support/src/main/resources/fixtures/webhooks/${topic//\//_}.json}"
secret="${SHOPIFY_WEBHOOKS_SECRETS:-local-dev-webhook-secret}"
secret="${secret%%,*}"
hmac="$(openssl dgst -sha256 -hmac "$secret" -binary "$body" | base64)"

curl -sS -o /dev/null -w "%{http_code}\n" -X POST "${GATEWAY_URL:-http://127.0.0.1:8081}/webhooks/shopify" \
  -H "Content-Type: application/json" \
  -H "X-Shopify-Topic: $topic" \
  -H "X-Shopify-Shop-Domain: ${SHOP:-demo.myshopify.com}" \
  -H "X-Shopify-Webhook-Id: $(cat /proc/sys/kernel/random/uuid)" \
  -H "X-Shopify-Event-Id: $(cat /proc/sys/kernel/random/uuid)" \
  -H "X-Shopify-Triggered-At: $(date -u +%Y-%m-%dT%H:%M:%S.000000Z)" \
  -H "X-Shopify-API-Version: 2026-01" \
  -H "X-Shopify-Hmac-Sha256: $hmac" \
  --data-binary "@$body"
