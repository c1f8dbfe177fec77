#!/usr/bin/env bash
# sync-service benchmark: events applied per second from a pre-filled topic (100,000 events by default).
#   benchmarks/sync.sh [events] [ENV=VALUE ...]   (extra settings go to the service, e.g. to compare configurations)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
(cd "$root" && ./mvnw -q -DskipTests package -pl shared-model,test-support,sync-service,benchmarks -am)
cp="$here/target/classes:$(cat "$here/target/classpath.txt")"
cd "$here"
java -cp "$cp" com.crm.shopifysync.bench.SyncThroughput "$root/sync-service/target/quarkus-app/quarkus-run.jar" "$@"
