#!/usr/bin/env bash
# Webhook to row: signed 3 KB customers/update webhooks at a fixed rate through the packaged gateway, Kafka and the
# packaged sync-service into PostgreSQL, everything on this machine. Prints the sync-service's latency from the
# gateway's receipt to the row committed (sync_webhook_latency_seconds over the measured window) beside the gateway's
# own answer latency (wrk). Needs wrk (apt-get install wrk). Prints figures; asserts nothing.
#   benchmarks/latency.sh [seconds, default 30]   (50 connections, 40 ms pause after each answer: about 1,000/s; wrk prints the rate it reached)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
seconds="${1:-30}"
secret="benchmark-secret"
stamp="$(date +%s)"
prefix="latbench$stamp."
database="latency_bench_$stamp"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
(cd "$root" && ./mvnw -q -DskipTests package -pl shared-model,test-support,webhook-gateway,sync-service,benchmarks -am)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
mkdir -p "$here/target"
"$root/deploy/local/kafka.sh" start
TOPICS_PREFIX="$prefix" "$root/deploy/local/kafka.sh" topics
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database"

SHOPIFY_WEBHOOKS_SECRETS="$secret" TOPICS_PREFIX="$prefix" QUARKUS_HTTP_PORT=18081 \
  java -Xmx512m -jar "$root/webhook-gateway/target/quarkus-app/quarkus-run.jar" > "$here/target/latency-gateway.log" 2>&1 &
gateway=$!
DB_NAME="$database" TOPICS_PREFIX="$prefix" SYNC_API_TOKENS=benchmark QUARKUS_HTTP_PORT=18080 KAFKA_BOOTSTRAP_SERVERS=localhost:9092 \
  java -Xmx512m -jar "$root/sync-service/target/quarkus-app/quarkus-run.jar" > "$here/target/latency-sync.log" 2>&1 &
sync=$!
cleanup() {
  kill "$gateway" "$sync" 2>/dev/null || true
  wait "$gateway" "$sync" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
}
trap cleanup EXIT
for port in 18081 18080; do
  for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
done

java -cp "$cp" com.crm.shopifysync.bench.WrkScript "$here/target/paced-webhooks.lua" "$secret" 40
applied() { curl -fs http://127.0.0.1:18080/q/metrics | awk '/^sync_webhook_events_total\{outcome="applied"/ {sum += $NF} END {printf "%d", sum}'; }
settle() {  # until every event the gateway accepted is applied (the sync-service has caught up)
  local last=-1 now
  for _ in $(seq 1 120); do now="$(applied)"; [ "$now" = "$last" ] && return; last="$now"; sleep 1; done
}
echo "== warm-up (10 s at the same rate)"
wrk -t2 -c50 -d10s -s "$here/target/paced-webhooks.lua" http://127.0.0.1:18081/webhooks/shopify >/dev/null
settle
curl -fs http://127.0.0.1:18080/q/metrics > "$here/target/latency-before.txt"
before="$(applied)"
echo "== ${seconds} s at about 1,000 webhooks/s (50 connections, 40 ms pause after each answer)"
wrk -t2 -c50 -d"${seconds}s" --latency -s "$here/target/paced-webhooks.lua" http://127.0.0.1:18081/webhooks/shopify \
  | grep -E "Requests/sec|  50%|  99%|Non-2xx|Socket errors" | sed 's/^/gateway /'
settle
curl -fs http://127.0.0.1:18080/q/metrics > "$here/target/latency-after.txt"
echo "applied in the window: $(( $(applied) - before )) events"
java -cp "$cp" com.crm.shopifysync.bench.HistogramQuantiles "$here/target/latency-before.txt" "$here/target/latency-after.txt" \
  sync_webhook_latency_seconds
