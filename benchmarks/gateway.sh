#!/usr/bin/env bash
# Gateway benchmark: signed 3 KB webhooks vs. the same service's bare endpoint (no work), in one run.
#   1. max throughput with wrk (2 threads, 64 connections, 20 s each), latency p50/p99
#   2. latency at a fixed 1,000 requests/s for 30 s (50 connections, each waiting 45 ms after every answer)
# Needs wrk (apt-get install wrk). Prints figures; asserts nothing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
secret="benchmark-secret"
prefix="gwbench$(date +%s)."
duration="${DURATION:-20s}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
(cd "$root" && ./mvnw -q -DskipTests package -pl shared-model,test-support,webhook-gateway,benchmarks -am)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
"$root/deploy/local/kafka.sh" start
TOPICS_PREFIX="$prefix" "$root/deploy/local/kafka.sh" topics

SHOPIFY_WEBHOOKS_SECRETS="$secret" TOPICS_PREFIX="$prefix" BENCHMARK_BARE_ENDPOINT_ENABLED=true QUARKUS_HTTP_PORT=18081 \
  java -Xmx512m -jar "$root/webhook-gateway/target/quarkus-app/quarkus-run.jar" > "$here/target/gateway-benchmark.log" 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs http://127.0.0.1:18081/q/health/ready >/dev/null 2>&1 && break; sleep 0.5; done

java -cp "$cp" com.crm.shopifysync.bench.WrkScript "$here/target/signed-webhooks.lua" "$secret" 0
java -cp "$cp" com.crm.shopifysync.bench.WrkScript "$here/target/paced-webhooks.lua" "$secret" 45
echo "== warm-up"
wrk -t2 -c32 -d10s -s "$here/target/signed-webhooks.lua" http://127.0.0.1:18081/webhooks/shopify >/dev/null
wrk -t2 -c32 -d5s -s "$here/target/signed-webhooks.lua" http://127.0.0.1:18081/benchmark/bare >/dev/null
echo "== bare endpoint (same service, no work)"
wrk -t2 -c64 -d"$duration" --latency -s "$here/target/signed-webhooks.lua" http://127.0.0.1:18081/benchmark/bare \
  | grep -E "Requests/sec|  50%|  99%|Non-2xx|Socket errors"
echo "== POST /webhooks/shopify (verify HMAC, publish, wait for Kafka acks=all)"
wrk -t2 -c64 -d"$duration" --latency -s "$here/target/signed-webhooks.lua" http://127.0.0.1:18081/webhooks/shopify \
  | grep -E "Requests/sec|  50%|  99%|Non-2xx|Socket errors"
echo "== POST /webhooks/shopify at a fixed 1,000 requests/s (50 connections, 45 ms pause after each answer)"
wrk -t2 -c50 -d30s --latency -s "$here/target/paced-webhooks.lua" http://127.0.0.1:18081/webhooks/shopify \
  | grep -E "Requests/sec|  50%|  75%|  90%|  99%|Non-2xx|Socket errors"
