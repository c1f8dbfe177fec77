#!/usr/bin/env bash
# Starts, stops or checks a real single-node Apache Kafka broker (KRaft) without Docker.
# The broker's classpath is resolved by Maven from Maven Central (deploy/local/kafka/pom.xml);
# its data and logs live in a folder this script owns (KAFKA_DATA_DIR).
#
#   deploy/local/kafka.sh start | stop | status | reset | topics | classpath
#
# "topics" creates the project's topics (see README, "Kafka topics") if they do not exist yet; "classpath" prints the
# broker's classpath (Kafka's tools included: benchmarks/gateway.sh runs its producer perf test from it).
#
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
#              KAFKA_DATA_DIR (deploy/local/.data/kafka-$KAFKA_PORT), KAFKA_HEAP (512m).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
data_dir="${KAFKA_DATA_DIR:-$here/.data/kafka-$port}"
heap="${KAFKA_HEAP:-512m}"
classpath_file="$here/.data/kafka-classpath.txt"
pid_file="$data_dir/broker.pid"

is_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid; pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

resolve_classpath() {
  if [[ ! -s "$classpath_file" ]]; then
    mkdir -p "$(dirname "$classpath_file")"
    "$root/mvnw" -q -f "$here/kafka/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$classpath_file" >&2
  fi
  cat "$classpath_file"
}

write_properties() {
  cat > "$data_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir/logs
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=168
PROPS
}

start() {
  if pid="$(running_pid)"; then echo "kafka already running on 127.0.0.1:$port (pid $pid)"; return 0; fi
  if is_listening; then echo "something already listens on 127.0.0.1:$port; reusing it"; return 0; fi
  mkdir -p "$data_dir"
  local cp; cp="$(resolve_classpath)"
  local java_opts=(-Xms"$heap" -Xmx"$heap" -Dkafka.logs.dir="$data_dir"
                   -Dlog4j2.configurationFile="$here/kafka/log4j2.properties")
  write_properties
  if [[ ! -f "$data_dir/logs/meta.properties" ]]; then
    java "${java_opts[@]}" -cp "$cp" kafka.tools.StorageTool format \
      -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid)" \
      -c "$data_dir/server.properties" >"$data_dir/format.log" 2>&1 \
      || { echo "kafka storage format failed; see $data_dir/format.log" >&2; return 1; }
  fi
  nohup setsid java "${java_opts[@]}" -cp "$cp" kafka.Kafka "$data_dir/server.properties" \
    >"$data_dir/stdout.log" 2>&1 < /dev/null &
  echo $! > "$pid_file"
  for _ in $(seq 1 120); do
    if grep -q "Kafka Server started" "$data_dir/server.log" 2>/dev/null && is_listening; then
      echo "kafka started on 127.0.0.1:$port (pid $(cat "$pid_file"))"; return 0
    fi
    if ! running_pid >/dev/null; then
      echo "kafka failed to start; see $data_dir/stdout.log and $data_dir/server.log" >&2; return 1
    fi
    sleep 0.5
  done
  echo "kafka did not start within 60 s; see $data_dir/server.log" >&2; return 1
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then echo "kafka not running on 127.0.0.1:$port"; return 0; fi
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; echo "kafka stopped"; return 0; }; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true; rm -f "$pid_file"; echo "kafka killed after 30 s"
}

# name partitions retention.ms: webhooks are kept 7 days (replay window after an outage of the
# sync-service); retries 1 day (an event waits there minutes at most); dead letters 7 days (they are
# recorded in PostgreSQL on arrival; no payload, a redacted customer's included, outlives 7 days in Kafka). Retry delays are in the names and must match the sync-service's configuration;
# shopify.webhooks.retry is the retry channel's empty entry point.
TOPICS=(
  "shopify.webhooks 6 604800000"
  "shopify.webhooks.retry 1 86400000"
  "shopify.webhooks.retry_10000 6 86400000"
  "shopify.webhooks.retry_60000 6 86400000"
  "shopify.webhooks.retry_300000 6 86400000"
  "shopify.webhooks.dlq 6 604800000"
)

create_topics() {
  local cp; cp="$(resolve_classpath)"
  local prefix="${TOPICS_PREFIX:-}"
  for spec in "${TOPICS[@]}"; do
    read -r name partitions retention <<<"$spec"
    # Retry topics stamp records with the broker's append time: their delays run from it, so records are released in the
    # order of the partition, whatever the clocks of the replicas that wrote them.
    local timestamps=CreateTime
    [[ "$name" == shopify.webhooks.retry_* ]] && timestamps=LogAppendTime
    java -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" -Dkafka.logs.dir="$data_dir" -cp "$cp" \
      org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$port" --create --if-not-exists \
      --topic "$prefix$name" --partitions "$partitions" --replication-factor 1 \
      --config "retention.ms=$retention" --config segment.ms=86400000 --config max.message.bytes=6291456 --config "message.timestamp.type=$timestamps" >/dev/null
    echo "topic $prefix$name: $partitions partitions, retention $((retention / 86400000)) days"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if pid="$(running_pid)"; then echo "running (pid $pid) on 127.0.0.1:$port"; else echo "stopped"; exit 1; fi ;;
  reset) stop; rm -rf "$data_dir"; echo "data removed: $data_dir" ;;
  topics) create_topics ;;
  classpath) resolve_classpath ;;
  *) echo "usage: $0 start|stop|status|reset|topics|classpath" >&2; exit 2 ;;
esac
