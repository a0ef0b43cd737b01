#!/usr/bin/env bash
# The near-cache's revocation lag across app instances, on loopback: for each store (Redis, a Redis Cluster of
# 3 primaries + 3 replicas, PostgreSQL), two
# bench/BenchApp processes with the near-cache on (variants sessions-redis-nearcache-bearer and
# sessions-postgres-nearcache-bearer) share one redis-server / one throwaway PostgreSQL. Each trial signs in on A,
# makes B cache the session, signs out on A and then asks B until it answers 401; the lag is the time from the
# sign-out's answer to B's first 401 (test/AspNetSessions.Benchmarks --revocation-lag). Reports p50/p90/p99/max.
#
#   bench/revocation-lag.sh                 # 300 trials per store
#   TRIALS=200 STORES="redis cluster" bench/revocation-lag.sh
#
# Writes $OUT/revocation-lag.md and $OUT/revocation-lag-{redis,postgres}.csv (OUT defaults to bench/results/nearcache),
# with the machine's load average and CPU use by others at the start (a shared machine makes the tail longer).
# Loopback only; everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

TRIALS=${TRIALS:-300}
STORES=${STORES:-redis cluster postgres}
OUT=${OUT:-bench/results/nearcache}
read -r -a stores <<<"$STORES"
log() { echo "revocation-lag: $*" >&2; }

tools=(curl python3)
[[ " ${stores[*]} " != *redis* && " ${stores[*]} " != *cluster* ]] || tools+=(redis-server redis-tools:/usr/bin/redis-cli)
[[ " ${stores[*]} " != *" postgres "* ]] || tools+=(postgresql:/usr/lib/postgresql/15/bin/initdb)
.ci/install-missing "${tools[@]}"

log "building bench/BenchApp and test/AspNetSessions.Benchmarks (Release)"
dotnet build bench/BenchApp/BenchApp.csproj -c Release -nologo -v quiet >&2
dotnet build test/AspNetSessions.Benchmarks/AspNetSessions.Benchmarks.csproj -c Release -nologo -v quiet >&2
app=bench/BenchApp/bin/Release/net10.0/BenchApp.dll
driver=test/AspNetSessions.Benchmarks/bin/Release/net10.0/AspNetSessions.Benchmarks.dll

work=$(mktemp -d)
pids=()
pg_dir=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$pg_dir" ] || .ci/throwaway-postgres destroy "$pg_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Percent of all CPU time busy over one second, before our processes do anything: everyone else's work.
cpu_busy() {
  local a b c d e f g h t1 i1 t2 i2
  read -r _ a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
  sleep 1
  read -r _ a b c d e f g h _ </proc/stat; t2=$((a + b + c + d + e + f + g + h)); i2=$((d + e))
  echo $(( 100 * ((t2 - t1) - (i2 - i1)) / (t2 - t1 > 0 ? t2 - t1 : 1) ))
}

start_app() { # variant name env...
  local v=$1 name=$2; shift 2
  env "$@" DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$app" --variant "$v" --urls "http://127.0.0.1:0" >"$work/$name.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 300); do
    if grep -qs "listening on" "$work/$name.log"; then
      local u; u=$(grep -o "listening on .*" "$work/$name.log" | head -n 1 | cut -d' ' -f3)
      for _ in $(seq 100); do [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$u/ready")" = 200 ] && { echo "$u"; return 0; }; sleep 0.1; done
      log "$name: its change channel did not come up"; cat "$work/$name.log" >&2; exit 1
    fi
    sleep 0.1
  done
  log "$name did not start"; cat "$work/$name.log" >&2; exit 1
}

mkdir -p "$OUT"
busy=$(cpu_busy)
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# Near-cache revocation lag across two app instances"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)); load average at the start $load,"
  echo "CPU busy with other work at the start ${busy}% (the machine is shared with other builds and tests)."
  echo "$TRIALS trials per store; lag = sign-out answered on A → first 401 from B (B's refusing request included);"
  echo "\`bench/revocation-lag.sh\` (TRIALS=$TRIALS)."
  echo
  echo "| Store | Trials | p50 | p90 | p99 | max | mean | trials where B answered 200 at least once after the sign-out |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} >"$OUT/revocation-lag.md"

for store in "${stores[@]}"; do
  env=()
  case $store in
    redis)
      port=$(free_port)
      redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no >"$work/redis.log" 2>&1 &
      pids+=("$!")
      for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
      env=(SessionAuth__Redis__Configuration="127.0.0.1:$port")
      variant=sessions-redis-nearcache-bearer
      ;;
    cluster)
      nodes=()
      for i in $(seq 6); do
        port=$(free_port)
        mkdir -p "$work/cluster-$i"
        (cd "$work/cluster-$i" && exec redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
          --cluster-enabled yes --cluster-config-file nodes.conf --cluster-port "$(free_port)" --cluster-node-timeout 1000) >"$work/cluster-$i.log" 2>&1 &
        pids+=("$!")
        for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
        nodes+=("127.0.0.1:$port")
      done
      redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$work/cluster-create.log" 2>&1
      for _ in $(seq 100); do redis-cli -p "${nodes[0]##*:}" cluster info | grep -q "cluster_state:ok" && break; sleep 0.2; done
      env=(SessionAuth__Redis__Configuration="$(IFS=,; echo "${nodes[*]}")")
      variant=sessions-redis-nearcache-bearer
      ;;
    postgres)
      port=$(free_port)
      pg_dir=$(mktemp -d)
      .ci/throwaway-postgres start "$pg_dir" "$port"
      "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc "CREATE DATABASE lag" >/dev/null
      env=(ConnectionStrings__Sessions="Host=127.0.0.1;Port=$port;Username=postgres;Database=lag")
      variant=sessions-postgres-nearcache-bearer
      ;;
    *) log "unknown store $store"; exit 2 ;;
  esac
  a=$(start_app "$variant" "$store-a" "${env[@]}")
  b=$(start_app "$variant" "$store-b" "${env[@]}")
  log "$store: A on $a, B on $b; $TRIALS trials"
  result=$(dotnet "$driver" --revocation-lag "$a" "$b" "$TRIALS" "$OUT/revocation-lag-$store.csv")
  log "$store: $result"
  python3 - "$store" "$result" >>"$OUT/revocation-lag.md" <<'PY'
import sys
store, result = sys.argv[1], dict(kv.split("=") for kv in sys.argv[2].split())
ms = lambda k: f"{float(result[k]):.2f} ms"
print(f"| {dict(redis='Redis', cluster='Redis Cluster (3+3)', postgres='PostgreSQL')[store]} | {result['trials']} | {ms('p50_ms')} | {ms('p90_ms')} | {ms('p99_ms')} | {ms('max_ms')} | {ms('mean_ms')} | {result['trials_with_a_200_after_signout']} |")
PY
done
log "wrote $OUT/revocation-lag.md"
