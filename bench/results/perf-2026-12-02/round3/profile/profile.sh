#!/usr/bin/env bash
# Issue 15, round 3: where a request's server CPU goes, trivial-handler against sessions-memory-bearer.
#   bench/results/perf-2026-12-02/round3/profile/profile.sh      (~2 minutes; needs perf, wrk, curl, python3)
#   VARIANTS="sessions-memory-bearer sessions-redis-nearcache-bearer" LOOP=no OUT_PREFIX=nearcache- .../profile.sh
#     (a redis-server of its own on a free loopback port for the Redis variant)
# HTTP: each variant's BenchApp under wrk -t2 -c32 (8 s warm-up), perf sampling the server for exactly one 8-second
# wrk run, ROUNDS times alternating; per-request CPU of each subtree = samples / Hz / requests wrk counted.
# Micro: HandlerBenchmarks' bearer and floor cases in a steady loop (AspNetSessions.Benchmarks --loop) under perf.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../../../.."
ROUNDS=${ROUNDS:-2}
VARIANTS=${VARIANTS:-trivial-handler sessions-memory-bearer}
LOOP=${LOOP:-yes}
OUT_PREFIX=${OUT_PREFIX:-}
HZ=1999
dotnet build bench/BenchApp/BenchApp.csproj -c Release -nologo -v quiet >&2
dotnet build test/AspNetSessions.Benchmarks -c Release -nologo -v quiet >&2
app=bench/BenchApp/bin/Release/net10.0/BenchApp.dll
work=$(mktemp -d)
redis_pid=""
trap 'rm -rf "$work"; [ -z "$redis_pid" ] || kill "$redis_pid"' EXIT
if [[ " $VARIANTS " == *redis* ]]; then
  redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no > "$work/redis.log" 2>&1 &
  redis_pid=$!
  export SessionAuth__Redis__Configuration="127.0.0.1:$redis_port"
fi
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
for round in $(seq 1 "$ROUNDS"); do
  for v in $VARIANTS; do
    dotnet "$app" --variant "$v" --urls http://127.0.0.1:0 > "$work/$v.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do grep -q "listening on" "$work/$v.log" && break; sleep 0.2; done
    url=$(grep -o 'http://[0-9.:]*' "$work/$v.log" | head -1)
    for _ in $(seq 1 100); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ready")" = 200 ] && break; sleep 0.1; done
    cred=$(curl -sf -X POST "$url/credential")
    wrk -t2 -c32 -d8s -H "$cred" "$url/hello" > /dev/null
    perf record -F $HZ -g -p "$pid" -o "$work/$v.data" -- wrk -t2 -c32 -d8s -H "$cred" "$url/hello" > "$work/$v.wrk" 2> /dev/null
    kill "$pid"; wait "$pid" || true
    requests=$(awk '/requests in/ {print $1}' "$work/$v.wrk")
    perf script -i "$work/$v.data" -F ip,sym 2> /dev/null > "$work/$v.stacks"
    python3 "$here/stacks.py" subtrees "$work/$v.stacks" "$requests" $HZ | sed "1s|^.*: |$v, round $round: |" >> "$here/${OUT_PREFIX}http-subtrees.txt"
    python3 "$here/stacks.py" children "$work/$v.stacks" "HandleAuthenticateAsync" 14 | sed "1s|^[^:]*: |$v, round $round: |" >> "$here/${OUT_PREFIX}http-handler.txt"
  done
done
[ "$LOOP" = yes ] || exit 0
for case in floor bearer; do
  perf record -F 2999 -g -o "$work/loop-$case.data" -- dotnet test/AspNetSessions.Benchmarks/bin/Release/net10.0/AspNetSessions.Benchmarks.dll --loop "$case" 3000000 >> "$here/loop.txt" 2> /dev/null
  perf script -i "$work/loop-$case.data" -F ip,sym 2> /dev/null > "$work/loop-$case.stacks"
  python3 "$here/stacks.py" children "$work/loop-$case.stacks" "AuthenticationHandler\`1+<AuthenticateAsync>" 12 | sed "1s|^[^:]*: |loop $case: |" >> "$here/loop.txt"
  python3 "$here/stacks.py" children "$work/loop-$case.stacks" "HandleAuthenticateAsync" 14 | sed "1s|^[^:]*: |loop $case: |" >> "$here/loop.txt"
done
