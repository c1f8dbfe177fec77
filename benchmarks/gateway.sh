#!/usr/bin/env bash
# Gateway benchmark: signed 3 KB webhooks vs. the same service's bare endpoint (no work), and vs. the Kafka producer
# alone, in one run.
#   1. max throughput with wrk (2 threads, 64 connections, 20 s each), latency p50/p99
#   2. latency at a fixed 1,000 requests/s for 30 s (50 connections, each waiting 45 ms after every answer)
#   3. Kafka's producer perf test (ProducerPerformance, kafka-producer-perf-test) against the same broker: records of the
#      size the gateway writes (the same bodies plus its key and headers), the gateway producer's settings (acks=all,
#      idempotent, lz4, linger: read from webhook-gateway's application.properties), into a fresh topic with as many
#      partitions as the webhooks topic; then the gateway's signed webhooks/s beside the producer's records/s
# Needs wrk (apt-get install wrk). Prints figures; asserts nothing.
# Environment: KAFKA_PORT (9092: the broker, started if none listens there), GATEWAY_PORT (18081), DURATION (20s),
#              PRODUCER_RECORDS (300000: the perf test's measured records, after 50,000 to warm up).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
secret="benchmark-secret"
prefix="gwbench$(date +%s)."
duration="${DURATION:-20s}"
kafka_port="${KAFKA_PORT:-9092}"
bootstrap="127.0.0.1:$kafka_port"
port="${GATEWAY_PORT:-18081}"
records="${PRODUCER_RECORDS:-300000}"
url="http://127.0.0.1:$port"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
(cd "$root" && ./mvnw -q -DskipTests package -pl shared-model,test-support,webhook-gateway,benchmarks -am)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
KAFKA_PORT="$kafka_port" "$root/deploy/local/kafka.sh" start
KAFKA_PORT="$kafka_port" TOPICS_PREFIX="$prefix" "$root/deploy/local/kafka.sh" topics
kafka_cp="$(KAFKA_PORT="$kafka_port" "$root/deploy/local/kafka.sh" classpath)"
kafka_java=(java -Dlog4j2.configurationFile="$root/deploy/local/kafka/log4j2.properties" -Dkafka.logs.dir="$here/target/producer-perf")

SHOPIFY_WEBHOOKS_SECRETS="$secret" TOPICS_PREFIX="$prefix" BENCHMARK_BARE_ENDPOINT_ENABLED=true QUARKUS_HTTP_PORT="$port" \
  KAFKA_BOOTSTRAP_SERVERS="$bootstrap" \
  java -Xmx512m -jar "$root/webhook-gateway/target/quarkus-app/quarkus-run.jar" > "$here/target/gateway-benchmark.log" 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "$url/q/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done

java -cp "$cp" com.crm.shopifysync.bench.WrkScript "$here/target/signed-webhooks.lua" "$secret" 0
java -cp "$cp" com.crm.shopifysync.bench.WrkScript "$here/target/paced-webhooks.lua" "$secret" 45
echo "== warm-up"
wrk -t2 -c32 -d10s -s "$here/target/signed-webhooks.lua" "$url/webhooks/shopify" >/dev/null
wrk -t2 -c32 -d5s -s "$here/target/signed-webhooks.lua" "$url/benchmark/bare" >/dev/null
echo "== bare endpoint (same service, no work)"
wrk -t2 -c64 -d"$duration" --latency -s "$here/target/signed-webhooks.lua" "$url/benchmark/bare" \
  | grep -E "Requests/sec|  50%|  99%|Non-2xx|Socket errors"
echo "== POST /webhooks/shopify (verify HMAC, publish, wait for Kafka acks=all)"
wrk -t2 -c64 -d"$duration" --latency -s "$here/target/signed-webhooks.lua" "$url/webhooks/shopify" > "$here/target/gateway-wrk.txt"
grep -E "Requests/sec|  50%|  99%|Non-2xx|Socket errors" "$here/target/gateway-wrk.txt"
echo "== POST /webhooks/shopify at a fixed 1,000 requests/s (50 connections, 45 ms pause after each answer)"
wrk -t2 -c50 -d30s --latency -s "$here/target/paced-webhooks.lua" "$url/webhooks/shopify" \
  | grep -E "Requests/sec|  50%|  75%|  90%|  99%|Non-2xx|Socket errors"

echo "== Kafka producer alone (ProducerPerformance), same broker, records of the gateway's size"
# The gateway producer's own settings: every Kafka property of the outgoing webhooks channel but its topic and serializers
# (connector attributes have dashes; Kafka's properties do not).
props=()
while IFS='=' read -r key value; do
  props+=("${key#mp.messaging.outgoing.webhooks.}=$value")
done < <(grep -E '^mp\.messaging\.outgoing\.webhooks\.[a-z.]+=' "$root/webhook-gateway/src/main/resources/application.properties" \
           | grep -vE '\.(connector|topic|key\.serializer|value\.serializer)=')
partitions="$("${kafka_java[@]}" -cp "$kafka_cp" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --describe \
  --topic "${prefix}shopify.webhooks" | sed -nE 's/.*PartitionCount: *([0-9]+).*/\1/p' | head -1)"
"${kafka_java[@]}" -cp "$kafka_cp" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
  --topic "${prefix}producer-perf" --partitions "$partitions" --replication-factor 1 --config max.message.bytes=6291456 >/dev/null
payloads="$(java -cp "$cp" com.crm.shopifysync.bench.ProducerPayloads "$here/target/producer-payloads.txt")"
echo "$payloads"
echo "producer settings: ${props[*]}; topic ${prefix}producer-perf, $partitions partitions"
perf() {
  "${kafka_java[@]}" -Xmx512m -cp "$kafka_cp" org.apache.kafka.tools.ProducerPerformance --topic "${prefix}producer-perf" \
    --num-records "$1" --throughput -1 --payload-file "$here/target/producer-payloads.txt" \
    --producer-props bootstrap.servers="$bootstrap" "${props[@]}" | tail -1
}
perf 50000 >/dev/null
perf "$records" | tee "$here/target/producer-perf.txt"

# Signed webhooks answered 200 a second: wrk's requests less its non-2xx answers, over its measured time.
read -r sent seconds < <(sed -nE 's/^ *([0-9]+) requests in ([0-9.]+)(m?s),.*/\1 \2 \3/p' "$here/target/gateway-wrk.txt" \
  | awk '{ print $1, ($3 == "ms" ? $2 / 1000 : $2) }')
failed="$(sed -nE 's/.*Non-2xx or 3xx responses: *([0-9]+).*/\1/p' "$here/target/gateway-wrk.txt")"
gateway_rate="$(awk -v n="$sent" -v f="${failed:-0}" -v s="$seconds" 'BEGIN { printf "%.0f", (n - f) / s }')"
producer_rate="$(sed -nE 's/.* records sent, ([0-9.]+) records\/sec.*/\1/p' "$here/target/producer-perf.txt")"
echo "== gateway vs. the Kafka producer alone (same run, same broker, same record size and producer settings)"
awk -v g="$gateway_rate" -v p="$producer_rate" 'BEGIN {
  printf "gateway, signed webhooks answered 200/s (wrk, 64 connections)  %8.0f\n", g
  printf "Kafka producer alone, records/s (ProducerPerformance)         %8.0f\n", p
  printf "gateway / producer                                             %7.1f%%   (aim >= 60%%)\n", 100 * g / p
}'
