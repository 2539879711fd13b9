#!/usr/bin/env bash
# Runs one Octoflow benchmark: bench/run.sh core | service-launch | schedule | startup | cluster | history-compaction | memory [args...]
# Builds target/octoflow.jar when needed (through ./octoflow), compiles bench/*.java against it, runs the main.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:?usage: bench/run.sh core|service-launch|schedule|startup|cluster|history-compaction|memory [args...]}"
shift
./octoflow --help >/dev/null    # builds the jar when it is missing or stale
cp="target/octoflow.jar:target/lib/*"
mkdir -p bench/target/classes
javac -nowarn -d bench/target/classes -cp "$cp" bench/*.java
case "$which" in
  core) main=CoreBench ;;
  service-launch) main=ServiceLaunchBench ;;
  schedule) main=SchedulePrecisionBench ;;
  startup) main=StartupBench ;;
  cluster) main=ClusterBench ;;   # ADMIN_JDBC_URL USER PASSWORD [replicas] [flows] [seconds]
  history-compaction) main=HistoryCompactionBench ;;
  memory) main=ScaleMemoryBench ;;   # [runs, default 100000] [idle seconds, default 10]
  *) echo "unknown benchmark: $which" >&2; exit 2 ;;
esac
# nodelay: the JDK HTTP server used as the local REST endpoint must not wait on Nagle + delayed ACKs
exec java ${BENCH_JAVA_OPTS:--Xmx1g} -Dsun.net.httpserver.nodelay=true -Dlog4j2.level=WARN \
  -cp "bench/target/classes:$cp" "$main" "$@"
