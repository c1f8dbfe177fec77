#!/usr/bin/env bash
# All tests: installs what they need from the machine's package registry when missing (Debian's chromium and
# chromium-driver for the UI's browser tests; nothing downloads a browser at run time), then ./mvnw verify, which
# starts its own Kafka broker and uses the machine's PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed apt-get install -y -q chromium chromium-driver >/dev/null \
    || { sudo_if_needed apt-get update -q >/dev/null && sudo_if_needed apt-get install -y -q chromium chromium-driver >/dev/null; }
fi

exec ./mvnw -B verify "$@"
