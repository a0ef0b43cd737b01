#!/usr/bin/env bash
# Issue 25: where a request's CPU goes, in the app AND in the store's server, for PostgreSQL direct against Redis.
#   bench/results/postgres-hot-path/profile-2026-12-04/profile.sh        (~5 minutes; needs perf, wrk, curl, python3, redis-server, PostgreSQL)
#   ROUNDS=3 OUT_PREFIX=after- VARIANTS="sessions-postgres-bearer sessions-postgres-bearer@alt" ALT_APP=/tmp/before/.../BenchApp.dll .../profile.sh
#   Variant suffixes: NAME@alt (ALT_APP's build), NAME~N (PostgreSQL: Maximum Pool Size=N), NAME^spin0 (see below).
# Each variant's BenchApp (one at a time) under wrk -t2 -c32: WARMUP seconds, then one 8-second wrk run during which
# one perf samples the app process and the store's server processes (call graphs; split by pid): redis-server,
# or PostgreSQL's postmaster and every process it forked (the backends of the app's connections included). CPU per
# request = samples / Hz / requests wrk counted (on-CPU time: robust to other load on the machine, unlike requests/s),
# cross-checked against the processes' user + system ticks from /proc over the same run (and wrk's own CPU, from time). The variants alternate,
# ROUNDS times; `uptime` is recorded before each run.
# Outputs beside this script: ${OUT_PREFIX}runs.txt (per run: load, requests, /proc CPU of app, store, wrk), ${OUT_PREFIX}app-split.txt
# (split.py app), STACKS=DIR keeps the stacks (gzip), ${OUT_PREFIX}app-subtrees.txt (round 3's stacks.py), ${OUT_PREFIX}store-top.txt (split.py store).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../../.."
stacks_py=bench/results/perf-2026-12-02/round3/profile/stacks.py
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-10}
VARIANTS=${VARIANTS:-sessions-postgres-bearer sessions-redis-bearer sessions-memory-bearer cookie-redis-ticketstore}
OUT_PREFIX=${OUT_PREFIX:-}
HZ=1999
dotnet build bench/BenchApp/BenchApp.csproj -c Release -nologo -v quiet >&2
app=bench/BenchApp/bin/Release/net10.0/BenchApp.dll
work=$(mktemp -d)
redis_pid="" pg_dir="" app_pid=""
cleanup() {
  [ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true
  [ -z "$redis_pid" ] || kill "$redis_pid" 2>/dev/null || true
  [ -z "$pg_dir" ] || .ci/throwaway-postgres destroy "$pg_dir" || true
  [ -z "${KEEP:-}" ] && rm -rf "$work" || echo "kept $work" >&2
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no > "$work/redis.log" 2>&1 &
redis_pid=$!
pg_port=$(free_port)
pg_dir=$(mktemp -d)
.ci/throwaway-postgres start "$pg_dir" "$pg_port"
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql
for _ in $(seq 50); do redis-cli -p "$redis_port" ping > /dev/null 2>&1 && break; sleep 0.1; done

store_pids() {
  case $1 in
    *redis*) echo "$redis_pid" ;;
    sessions-postgres*) local pm; pm=$(head -n 1 "$pg_dir/data/postmaster.pid"); echo "$pm $(pgrep -P "$pm" | tr '\n' ' ')" ;;
  esac
}
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }

export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
for round in $(seq 1 "$ROUNDS"); do
  for v in $VARIANTS; do
    name=${v%@alt}
    spin=()   # NAME^spin0: the app runs with DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 (idle pool threads do not spin)
    if [[ $name == *^spin0 ]]; then spin=(DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0); name=${name%^spin0}; fi
    pool=""   # sessions-postgres-bearer~N: the connection string says Maximum Pool Size=N (the lookup data source takes it)
    if [[ $name == *~* ]]; then pool=";Maximum Pool Size=${name#*~}"; name=${name%~*}; fi
    dll=$app
    if [[ $v == *@alt ]]; then dll=${ALT_APP:?variant $v needs ALT_APP}; fi
    env=(DOTNET_CLI_TELEMETRY_OPTOUT=1 "${spin[@]}")
    if [[ $name == *redis* ]]; then env+=(SessionAuth__Redis__Configuration="127.0.0.1:$redis_port"); fi
    if [[ $name == sessions-postgres* ]]; then
      db="bench_${v//[-@~^]/_}_$round"
      "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qtAc "CREATE DATABASE $db" > /dev/null
      env+=(ConnectionStrings__Sessions="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$db$pool")
    fi
    env "${env[@]}" dotnet "$dll" --variant "$name" --urls http://127.0.0.1:0 > "$work/app.log" 2>&1 &
    app_pid=$!
    for _ in $(seq 1 300); do grep -q "listening on" "$work/app.log" && break; sleep 0.1; done
    url=$(grep -o 'http://[0-9.:]*' "$work/app.log" | head -1)
    for _ in $(seq 1 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ready")" = 200 ] && break; sleep 0.1; done
    cred=$(curl -sf -X POST "$url/credential")
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$cred" "$url/hello")" = 200 ] || { echo "$v: /hello did not answer 200" >&2; exit 1; }
    wrk -t2 -c32 -d"${WARMUP}s" -H "$cred" "$url/hello" > /dev/null
    read -r -a spids <<<"$(store_pids "$name")"
    load=$(uptime | sed 's/.*load average: //')
    a0=$(ticks "$app_pid"); s0=$(ticks "${spids[@]}")
    perf record -F $HZ -g -p "$(IFS=,; echo "$app_pid,${spids[*]}" | sed 's/,$//')" -o "$work/all.data" -- /usr/bin/time -f '%U %S' -o "$work/wrk.time" wrk -t2 -c32 -d8s -H "$cred" "$url/hello" > "$work/wrk.txt" 2> /dev/null
    a1=$(ticks "$app_pid"); s1=$(ticks "${spids[@]}")
    kill "$app_pid"; wait "$app_pid" || true; measured=$app_pid app_pid=""
    requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt"); non2xx=${non2xx:-0}
    hz=$(getconf CLK_TCK)
    read -r wu ws < "$work/wrk.time"
    printf '%s, round %s: load %s; %s requests in 8 s (%s non-2xx); /proc CPU per request: app %.1f µs, store %.1f µs, wrk %.1f µs\n' \
      "$v" "$round" "$load" "$requests" "$non2xx" \
      "$(echo "($a1 - $a0) / $hz / $requests * 1000000" | bc -l)" "$(echo "($s1 - $s0) / $hz / $requests * 1000000" | bc -l)" \
      "$(echo "($wu + $ws) / $requests * 1000000" | bc -l)" \
      | tee -a "$here/${OUT_PREFIX}runs.txt" >&2
    rm -f "$work/app.stacks" "$work/store.stacks"
    # One perf for all the processes; its samples split by pid (a sample's header line, then its frames).
    perf script -i "$work/all.data" -F pid,ip,sym,dso 2> /dev/null \
      | awk -v app="$measured" -v a="$work/app.stacks" -v s="$work/store.stacks" '
          /^[ \t]*$/ { print "" > out; next }
          /^[ \t]*[0-9]+[ \t]*$/ { out = ($1 == app) ? a : s; next }
          { print > out }'
    if [ -n "${STACKS:-}" ]; then mkdir -p "$STACKS"; gzip -c "$work/app.stacks" > "$STACKS/$v-$round-app.stacks.gz"; gzip -c "$work/store.stacks" > "$STACKS/$v-$round-store.stacks.gz" 2>/dev/null || true; fi
    python3 "$here/split.py" app "$work/app.stacks" "$requests" $HZ | sed "1s|^[^:]*: |$v, round $round: |" >> "$here/${OUT_PREFIX}app-split.txt"
    python3 "$stacks_py" subtrees "$work/app.stacks" "$requests" $HZ | sed "1s|^[^:]*: |$v, round $round: |" >> "$here/${OUT_PREFIX}app-subtrees.txt"
    if [ "${#spids[@]}" -gt 0 ]; then
      python3 "$here/split.py" store "$work/store.stacks" "$requests" $HZ | sed "1s|^[^:]*: |$v, round $round (${spids[*]}): |" >> "$here/${OUT_PREFIX}store-top.txt"
    fi
  done
done
