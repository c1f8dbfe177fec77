#!/usr/bin/env bash
# Runs the whole system locally: a real Kafka broker (KRaft), the project's topics, the database, both
# services built from this checkout, and the Shopify simulator with two shops: demo.myshopify.com (5,000
# customers, 15,000 orders), configured with a custom app's token, whose initial sync starts by itself, and
# second.myshopify.com (500 customers, 1,500 orders), which a person connects from the CRM's integrations page
# through the public app's OAuth. The sync-service subscribes both shops' webhooks through the Admin API, and
# changes made through the simulator's control API reach the gateway as signed webhooks. Ctrl-C stops the
# processes (the broker keeps running; stop it with deploy/local/kafka.sh stop).
#
# Local-only credentials (override through the environment):
#   SHOPIFY_WEBHOOKS_SECRETS=local-dev-webhook-secret (the custom app's)   SYNC_API_TOKENS=local-dev-api-token
#   SHOPIFY_SHOPS_0__ACCESS_TOKEN=local-dev-shopify-token (the demo shop's Admin API token)
#   SHOPIFY_API_KEY=local-dev-client-id, SHOPIFY_API_SECRET=local-dev-client-secret (the public app)
#   SHOPIFY_TOKEN_KEYS (a local-only AES-256 key for connected shops' tokens)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
logs="$here/.data/logs"
mkdir -p "$logs"

export SHOPIFY_WEBHOOKS_SECRETS="${SHOPIFY_WEBHOOKS_SECRETS:-local-dev-webhook-secret}"
export SYNC_API_TOKENS="${SYNC_API_TOKENS:-local-dev-api-token}"
export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-5432}" DB_NAME="${DB_NAME:-shopify_sync}" DB_USER="${DB_USER:-postgres}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}"
# Text logs for a person at a terminal; production (prod profile) writes JSON lines.
export QUARKUS_LOG_CONSOLE_JSON_ENABLED="${QUARKUS_LOG_CONSOLE_JSON_ENABLED:-false}"
shop="${DEMO_SHOP:-demo.myshopify.com}"
export SHOPIFY_SHOPS_0__DOMAIN="$shop" SHOPIFY_SHOPS_0__ADMIN_URL="http://127.0.0.1:8082"
export SHOPIFY_SHOPS_0__ACCESS_TOKEN="${SHOPIFY_SHOPS_0__ACCESS_TOKEN:-local-dev-shopify-token}"
second_shop="${DEMO_SECOND_SHOP:-second.myshopify.com}"
# The public app a merchant connects a shop with (OAuth against the simulator's /shops/{shop}), and where Shopify
# sends the webhooks the sync-service subscribes. Open the CRM at exactly SHOPIFY_APP_URL.
export SHOPIFY_API_KEY="${SHOPIFY_API_KEY:-local-dev-client-id}" SHOPIFY_API_SECRET="${SHOPIFY_API_SECRET:-local-dev-client-secret}"
export SHOPIFY_APP_URL="${SHOPIFY_APP_URL:-http://127.0.0.1:8080}"
export SHOPIFY_WEBHOOKS_URL="${SHOPIFY_WEBHOOKS_URL:-http://127.0.0.1:8081/webhooks/shopify}"
export SHOPIFY_BASE_URL="${SHOPIFY_BASE_URL:-http://127.0.0.1:8082/shops/{shop}}"
export SHOPIFY_TOKEN_KEYS="${SHOPIFY_TOKEN_KEYS:-bG9jYWwtZGV2LW9ubHktdG9rZW4ta2V5LTMyLWJ5dGU=}"

echo "== Kafka"
"$here/kafka.sh" start
"$here/kafka.sh" topics

echo "== PostgreSQL ($DB_HOST:$DB_PORT/$DB_NAME)"
if ! psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
  psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -c "CREATE DATABASE $DB_NAME" >/dev/null
  echo "created database $DB_NAME"
fi

echo "== Build"
(cd "$root" && ./mvnw -q -DskipTests package)

pids=()
stop_services() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "services stopped"
}
trap stop_services EXIT INT TERM

start_service() {
  local name="$1" port="$2" jar="$3" ready="$4"
  java -jar "$jar" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$port$ready" >/dev/null 2>&1; then
      echo "$name ready on http://127.0.0.1:$port (log: $logs/$name.log)"; return 0
    fi
    sleep 0.5
  done
  echo "$name did not become ready; see $logs/$name.log" >&2; return 1
}

echo "== Services"
start_service webhook-gateway 8081 "$root/webhook-gateway/target/quarkus-app/quarkus-run.jar" /q/health/ready
export SIMULATOR_PORT=8082 SIMULATOR_GATEWAY_URL=http://127.0.0.1:8081/webhooks/shopify \
  SHOPIFY_WEBHOOK_SECRET="${SHOPIFY_WEBHOOKS_SECRETS%%,*}" SIMULATOR_SHOP="$shop" SIMULATOR_APP_LEVEL_WEBHOOKS=false \
  SIMULATOR_ACCESS_TOKEN="$SHOPIFY_SHOPS_0__ACCESS_TOKEN" SIMULATOR_CUSTOMERS="${DEMO_CUSTOMERS:-5000}" \
  SIMULATOR_ORDERS="${DEMO_ORDERS:-15000}" SIMULATOR_DATA_DIR="$here/.data/simulator" \
  SIMULATOR_APP_CLIENT_ID="$SHOPIFY_API_KEY" SIMULATOR_APP_CLIENT_SECRET="$SHOPIFY_API_SECRET" SIMULATOR_SECOND_SHOP="$second_shop"
start_service shopify-simulator 8082 "$root/shopify-simulator/target/shopify-simulator.jar" /simulator/health
start_service sync-service 8080 "$root/sync-service/target/quarkus-app/quarkus-run.jar" /q/health/ready

cat <<MSG

The system is up; the initial sync of $shop runs by itself.
  The CRM UI (token: $SYNC_API_TOKENS): $SHOPIFY_APP_URL/integrations.html
  Connect a second shop:          on that page, "Connect a Shopify store": $second_shop, then Install on the
                                  simulator's authorization page; you come back watching its initial sync
  Watch it:                       curl -H 'Authorization: Bearer $SYNC_API_TOKENS' http://127.0.0.1:8080/api/shops/$shop/sync
  Change the shop (a webhook follows): curl -X POST -H 'Content-Type: application/json' \\
                                    -d '{"first_name":"Ada","last_name":"Live","email":"ada.live@example.com"}' \\
                                    http://127.0.0.1:8082/simulator/shops/$shop/customers
  Read it back:                   curl -H 'Authorization: Bearer $SYNC_API_TOKENS' 'http://127.0.0.1:8080/api/shops/$shop/customers?size=5'
  Sync Now / force a full sync:   curl -X POST -H 'Authorization: Bearer $SYNC_API_TOKENS' 'http://127.0.0.1:8080/api/shops/$shop/sync[?mode=full]'
  Send a documented sample:       deploy/local/send-webhook.sh customers/create
Ctrl-C stops the services.
MSG
wait
