#!/usr/bin/env bash
# All tests: installs what they need from the machine's package registry when missing (Debian's chromium and
# chromium-driver for the UI's browser tests, nothing downloads a browser at run time; kubectl, whose built-in
# kustomize renders deploy/k8s for the deployment tests), then ./mvnw verify, which starts its own Kafka broker and
# uses the machine's PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
install_packages() {
  as_root apt-get install -y -q "$@" >/dev/null 2>&1 || { as_root apt-get update -q >/dev/null && as_root apt-get install -y -q "$@" >/dev/null; }
}

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  install_packages chromium chromium-driver
fi
if ! command -v kubectl >/dev/null; then
  install_packages kubectl || install_packages kubernetes-client
fi

# The tests start brokers on 9092 (shared), 19092 and 29092 (their own) when none listens there; the ones this run
# started are stopped when it ends, however it ends, so that nobody finds stray brokers afterwards.
test_brokers=(9092 19092 29092)
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
already_running=()
for port in "${test_brokers[@]}"; do
  if listening "$port"; then already_running+=("$port"); fi
done
stop_started_brokers() {
  for port in "${test_brokers[@]}"; do
    if [[ " ${already_running[*]} " != *" $port "* ]]; then
      KAFKA_PORT=$port deploy/local/kafka.sh stop >/dev/null 2>&1 || true
    fi
  done
}
trap stop_started_brokers EXIT

./mvnw -B verify "$@"
