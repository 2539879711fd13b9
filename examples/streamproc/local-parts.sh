#!/usr/bin/env bash
# The local parts the StreamProc example needs, without Docker and without downloading anything by hand:
#   kafka     one Kafka node in KRaft mode (broker and controller), Apache Kafka's own jars resolved by Maven
#             from kafka-pom.xml, on 127.0.0.1:$KAFKA_PORT (default 9092)
#   influx    Debian's InfluxDB 1.x (apt-get install -y influxdb), on 127.0.0.1:$INFLUX_PORT (default 8086),
#             authentication off (bound to 127.0.0.1 only)
#   postgres  Debian's PostgreSQL (apt-get install -y postgresql), on 127.0.0.1:$PG_PORT (default 5432), user
#             and database streamproc, password local-pg-secret
# Usage: local-parts.sh [start|stop|status] [kafka] [influx] [postgres]   (no part named: all three)
# Their data and logs go in $STREAMPROC_STATE (default examples/streamproc/.local); `stop` ends them, keeping it.
# Then: KAFKA_BROKERS=127.0.0.1:9092 INFLUX_URL=http://127.0.0.1:8086 ./octoflow launch FLOW (see docs/STREAMS.md)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${STREAMPROC_STATE:-$HERE/.local}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
INFLUX_PORT=${INFLUX_PORT:-8086}
INFLUX_RPC_PORT=${INFLUX_RPC_PORT:-8088}
PG_PORT=${PG_PORT:-5432}

command=start
case "${1:-}" in start|stop|status) command=$1; shift ;; esac
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(kafka influx postgres)
mkdir -p "$STATE"

# waits until host:port accepts connections, or fails naming the part and its log
await_port() {
  local name=$1 port=$2 log=$3 pidfile=$4
  for _ in $(seq 1 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$name: listening on 127.0.0.1:$port (log: $log)"
      return 0
    fi
    if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$name: exited; the end of $log:" >&2
      tail -n 30 "$log" >&2 || true
      return 1
    fi
    sleep 1
  done
  echo "$name: not listening on $port after 120 s; see $log" >&2
  return 1
}

running() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

start_kafka() {
  local dir=$STATE/kafka pid=$STATE/kafka/kafka.pid
  mkdir -p "$dir"
  if running "$pid"; then echo "kafka: already running (pid $(cat "$pid"))"; return 0; fi
  # Kafka's jars as Maven resolves them (from the local repository once they are there)
  if ! mvn -q -B -f "$HERE/kafka-pom.xml" dependency:build-classpath -Dmdep.outputFile="$dir/classpath" \
      >"$dir/maven.log" 2>&1; then
    echo "kafka: Maven could not resolve Kafka's jars; see $dir/maven.log" >&2
    return 1
  fi
  local cp
  cp=$(cat "$dir/classpath")
  cat > "$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  if [ ! -f "$dir/data/meta.properties" ]; then
    # kafka-storage.sh format: a new cluster id, the log directory stamped with it
    local id
    id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null)
    java -cp "$cp" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >"$dir/format.log" 2>&1
  fi
  nohup java -Xms256m -Xmx512m -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
  echo $! > "$pid"
  await_port kafka "$KAFKA_PORT" "$dir/kafka.log" "$pid"
}

start_influx() {
  local dir=$STATE/influx pid=$STATE/influx/influxd.pid
  mkdir -p "$dir"
  if running "$pid"; then echo "influx: already running (pid $(cat "$pid"))"; return 0; fi
  if [ ! -x /usr/bin/influxd ]; then
    echo "influx: /usr/bin/influxd is missing: apt-get install -y influxdb" >&2
    return 1
  fi
  cat > "$dir/influxdb.conf" <<EOF
reporting-disabled = true
bind-address = "127.0.0.1:$INFLUX_RPC_PORT"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$INFLUX_PORT"
  auth-enabled = false
  log-enabled = false
EOF
  nohup /usr/bin/influxd run -config "$dir/influxdb.conf" >"$dir/influxd.log" 2>&1 &
  echo $! > "$pid"
  await_port influx "$INFLUX_PORT" "$dir/influxd.log" "$pid"
}

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ]; then
    echo "postgres: Debian's PostgreSQL is missing: apt-get install -y postgresql" >&2
    return 1
  fi
  echo "$bin"
}

# PostgreSQL refuses to run as root: as root, the server runs as the postgres user
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local dir=$STATE/postgres bin
  bin=$(pg_bin)
  mkdir -p "$dir"
  [ "$(id -u)" != 0 ] || chown postgres "$dir" "$STATE"
  if as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "postgres: already running"; return 0
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    printf 'local-pg-secret\n' > "$dir/password"
    [ "$(id -u)" != 0 ] || chown postgres "$dir/password"
    as_owner "$bin/initdb" -D "$dir/data" -U streamproc --pwfile="$dir/password" -A scram-sha-256 \
      >"$dir/initdb.log" 2>&1
  fi
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $dir" start >/dev/null
  PGPASSWORD=local-pg-secret "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U streamproc -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'streamproc'" | grep -q 1 \
    || PGPASSWORD=local-pg-secret "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U streamproc streamproc
  echo "postgres: listening on 127.0.0.1:$PG_PORT, jdbc:postgresql://127.0.0.1:$PG_PORT/streamproc" \
    "(user streamproc, password local-pg-secret)"
}

stop_pid() {
  local name=$1 pid=$2
  if running "$pid"; then
    kill "$(cat "$pid")"
    for _ in $(seq 1 30); do running "$pid" || break; sleep 1; done
    running "$pid" && kill -9 "$(cat "$pid")"
    echo "$name: stopped"
  else
    echo "$name: not running"
  fi
  rm -f "$pid"
}

for part in "${parts[@]}"; do
  case "$command:$part" in
    start:kafka) start_kafka ;;
    start:influx) start_influx ;;
    start:postgres) start_postgres ;;
    stop:kafka) stop_pid kafka "$STATE/kafka/kafka.pid" ;;
    stop:influx) stop_pid influx "$STATE/influx/influxd.pid" ;;
    stop:postgres) as_owner "$(pg_bin)/pg_ctl" -D "$STATE/postgres/data" -m fast stop || true ;;
    status:kafka) running "$STATE/kafka/kafka.pid" && echo "kafka: running" || echo "kafka: stopped" ;;
    status:influx) running "$STATE/influx/influxd.pid" && echo "influx: running" || echo "influx: stopped" ;;
    status:postgres) as_owner "$(pg_bin)/pg_ctl" -D "$STATE/postgres/data" status >/dev/null 2>&1 \
        && echo "postgres: running" || echo "postgres: stopped" ;;
    *) echo "unknown part '$part' (kafka, influx, postgres)" >&2; exit 2 ;;
  esac
done
