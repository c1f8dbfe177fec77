#!/usr/bin/env bash
# Time to a complete shop: the whole initial sync of a generated shop (100,000 customers and 300,000 orders with their
# line items by default) whose Shopify exports a fixed number of objects a second per bulk operation (10,000 by
# default), with Shopify allowing one bulk operation at a time, then five, each on a fresh database: the packaged
# simulator, webhook-gateway and sync-service, Kafka and PostgreSQL on this machine. Prints both times (the sync run's
# start to "Sync complete"), the ratio beside the aim (five at a time in at most 40% of one at a time) and what
# Shopify saw; fails only when a run's rows are not exactly the shop's.
#   benchmarks/initial-sync.sh [customers] [orders] [objects/s per operation] [ENV=VALUE ...]
#   (extra settings go to the sync-service, e.g. SYNC_BULK_POLL_MAXIMUM=2s)
# Kafka: the broker on KAFKA_PORT (39092 unless set); started and stopped by the benchmark if none listens there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export KAFKA_PORT="${KAFKA_PORT:-39092}"
(cd "$root" && ./mvnw -q -DskipTests package -pl shared-model,shopify-simulator,test-support,webhook-gateway,sync-service,benchmarks -am)
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
cd "$here"
java -Xmx256m -cp "$cp" com.crm.shopifysync.bench.InitialSync "$root/sync-service/target/quarkus-app/quarkus-run.jar" \
  "$root/webhook-gateway/target/quarkus-app/quarkus-run.jar" "$root/shopify-simulator/target/shopify-simulator.jar" "$@"
