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

exec ./mvnw -B verify "$@"
