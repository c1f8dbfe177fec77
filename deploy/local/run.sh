#!/usr/bin/env bash
# Runs the whole system locally: a real Kafka broker (KRaft), the project's topics, the database, and
# both services built from this checkout. Ctrl-C stops the services (the broker keeps running; stop it
# with deploy/local/kafka.sh stop).
#
# Local-only credentials (override through the environment):
#   SHOPIFY_WEBHOOKS_SECRETS=local-dev-webhook-secret   SYNC_API_TOKENS=local-dev-api-token
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
logs="$here/.data/logs"
mkdir -p "$logs"

export SHOPIFY_WEBHOOKS_SECRETS="${SHOPIFY_WEBHOOKS_SECRETS:-local-dev-webhook-secret}"
export SYNC_API_TOKENS="${SYNC_API_TOKENS:-local-dev-api-token}"
export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-5432}" DB_NAME="${DB_NAME:-shopify_sync}" DB_USER="${DB_USER:-postgres}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}"

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
  local name="$1" port="$2"
  java -jar "$root/$name/target/quarkus-app/quarkus-run.jar" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; then
      echo "$name ready on http://127.0.0.1:$port (log: $logs/$name.log)"; return 0
    fi
    sleep 0.5
  done
  echo "$name did not become ready; see $logs/$name.log" >&2; return 1
}

echo "== Services"
start_service sync-service 8080
start_service webhook-gateway 8081

cat <<MSG

The system is up.
  Send a signed sample webhook:   deploy/local/send-webhook.sh customers/create
  Read it back:                   curl -H 'Authorization: Bearer $SYNC_API_TOKENS' http://127.0.0.1:8080/api/shops/demo.myshopify.com/customers
Ctrl-C stops the services.
MSG
wait
