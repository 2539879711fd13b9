#!/usr/bin/env bash
# Runs one Octoflow benchmark: bench/run.sh core | core-vs-camel | service-launch | schedule | startup | cluster | history-compaction | memory [args...]
# Builds target/octoflow.jar when needed (through ./octoflow), compiles bench/*.java against it, runs the main.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:?usage: bench/run.sh core|core-vs-camel|service-launch|schedule|startup|cluster|history-compaction|memory [args...]}"
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
javac -nowarn -d "$classes" -cp "$cp" bench/*.java
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
  *) echo "unknown benchmark: $which" >&2; exit 2 ;;
esac
# nodelay: the JDK HTTP server used as the local REST endpoint must not wait on Nagle + delayed ACKs
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -Dsun.net.httpserver.nodelay=true -Dlog4j2.level=WARN \
  -cp "$classes:$cp" "$main" "$@"
