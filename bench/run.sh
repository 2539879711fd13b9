#!/usr/bin/env bash
# Runs one Octoflow benchmark: bench/run.sh core | core-vs-camel | service-launch | schedule | startup | cluster | history-compaction | memory | stream [args...]
# Builds target/octoflow.jar when needed (through ./octoflow), compiles bench/*.java against it, runs the main.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:?usage: bench/run.sh core|core-vs-camel|service-launch|schedule|startup|cluster|history-compaction|memory|stream [args...]}"
shift
# BENCH_BUILD: the directory of another build of Octoflow (its target/octoflow.jar and target/lib), to measure
# a baseline (a checkout of an older commit, built with `./octoflow --help`) with this same harness
if [ -n "${BENCH_BUILD:-}" ]; then
  cp="$BENCH_BUILD/target/octoflow.jar:$BENCH_BUILD/target/lib/*"
  classes="bench/target/classes-$(basename "$BENCH_BUILD")"
else
  ./octoflow --help >/dev/null    # builds the jar when it is missing or stale
  cp="target/octoflow.jar:target/lib/*"
  classes=bench/target/classes
fi
mkdir -p "$classes"
# the other build's classes first; this build's libraries after them, only so that benchmarks needing libraries the
# other build lacks (StreamBench: kafka, influxdb) still compile (they run with the other build's classpath alone)
javac -nowarn -d "$classes" -cp "$cp:target/lib/*" bench/*.java
case "$which" in
  core) main=CoreBench ;;
  core-vs-camel) main=CoreVsCamelBench ;;   # [warm-up s] [rounds] [runs per block]; -Dbench.dir (default /dev/shm)
  service-launch) main=ServiceLaunchBench ;;
  schedule) main=SchedulePrecisionBench ;;
  startup) main=StartupBench ;;
  cluster) main=ClusterBench ;;   # ADMIN_JDBC_URL USER PASSWORD [replicas] [flows] [seconds]
  history-compaction) main=HistoryCompactionBench ;;
  history-write) main=HistoryWriteBench ;;   # [runs per phase]
  memory) main=ScaleMemoryBench ;;   # [runs, default 100000] [idle seconds, default 10]
  stream) main=StreamBench ;;   # [events] [clients] [per-post] [rounds] [rate] [latency seconds]: see below
  *) echo "unknown benchmark: $which" >&2; exit 2 ;;
esac
if [ "$which" = stream ]; then
  # real Kafka (KRaft, its own JVM), influxd and PostgreSQL, started by the StreamProc example's own script on free
  # ports in a temp dir (nothing of the tests' classpath needed), stopped and removed when the benchmark ends
  state=$(mktemp -d /tmp/octoflow-stream-bench.XXXXXX)
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  export STREAMPROC_STATE=$state KAFKA_PORT=$(free_port) KAFKA_CONTROLLER_PORT=$(free_port) \
    INFLUX_PORT=$(free_port) INFLUX_RPC_PORT=$(free_port) PG_PORT=$(free_port)
  parts() { bash examples/streamproc/local-parts.sh "$@"; }
  trap 'parts stop kafka influx postgres >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
  parts start kafka influx postgres
  export BENCH_KAFKA=127.0.0.1:$KAFKA_PORT BENCH_INFLUX=http://127.0.0.1:$INFLUX_PORT \
    BENCH_PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/streamproc?reWriteBatchedInserts=true" \
    BENCH_PG_USER=streamproc BENCH_PG_PASSWORD=local-pg-secret
  java ${BENCH_JAVA_OPTS:--Xmx1g} -Dsun.net.httpserver.nodelay=true -Dlog4j2.level=WARN \
    -cp "$classes:$cp" "$main" "$@"
  exit $?
fi
# nodelay: the JDK HTTP server used as the local REST endpoint must not wait on Nagle + delayed ACKs
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -Dsun.net.httpserver.nodelay=true -Dlog4j2.level=WARN \
  -cp "$classes:$cp" "$main" "$@"
