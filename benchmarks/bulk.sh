#!/usr/bin/env bash
# Bulk import benchmark: N customers (1,000,000 by default) from a bulk-operation JSONL file through the packaged
# sync-service (256 MB heap), side by side with PostgreSQL COPY of the same rows into the same table.
#   benchmarks/bulk.sh [rows] [ENV=VALUE ...]   (extra settings go to the service, e.g. SYNC_BULK_BATCH_BYTES=2M)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
(cd "$root" && ./mvnw -q -DskipTests package -pl shared-model,shopify-simulator,test-support,sync-service,benchmarks -am)
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
cd "$here"
java -Xmx1g -cp "$cp" com.crm.shopifysync.bench.BulkImport "$root/sync-service/target/quarkus-app/quarkus-run.jar" \
  "$root/sync-service/src/main/resources/db/migration" "$@"
