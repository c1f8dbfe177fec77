#!/usr/bin/env bash
# Live status fan-out benchmark: 1,000 WebSocket clients of one shop during a sync of 200,000 rows (50,000 customers,
# 150,000 orders) through the packaged sync-service; the same sync with no clients for comparison.
#   benchmarks/status.sh [clients] [customers] [orders] [rounds]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
(cd "$root" && ./mvnw -q -DskipTests package -pl shared-model,shopify-simulator,test-support,sync-service,benchmarks -am)
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
cd "$here"
java -Xmx512m -cp "$cp" com.crm.shopifysync.bench.StatusFanOut "$root/sync-service/target/quarkus-app/quarkus-run.jar" \
  "$root/shopify-simulator/target/shopify-simulator.jar" "$@"
