#!/usr/bin/env bash
# Profiles sessions-memory-bearer and -cookie of this worktree's BenchApp under wrk -t2 -c32, one after the other.
set -eu
cd /work/wt-perf
app=bench/BenchApp/bin/Release/net10.0/BenchApp.dll
out=${OUT:-/tmp/perf-out/profile}
mkdir -p "$out"
for v in sessions-memory-bearer sessions-memory-cookie; do
  DOTNET_EnableWriteXorExecute=0 DOTNET_PerfMapEnabled=1 dotnet "$app" --variant "$v" --urls http://127.0.0.1:0 > "$out/$v.log" 2>&1 &
  pid=$!
  for i in $(seq 1 100); do grep -q "listening on" "$out/$v.log" && break; sleep 0.2; done
  url=$(grep -o 'http://[0-9.:]*' "$out/$v.log" | head -1)
  cred=$(curl -sf -X POST "$url/credential")
  wrk -t2 -c32 -d6s -H "$cred" "$url/hello" > /dev/null   # warm-up
  wrk -t2 -c32 -d12s -H "$cred" "$url/hello" > "$out/$v.wrk" &
  wpid=$!
  sleep 2
  perf record -F 999 -g -o "$out/$v.data" -p "$pid" -- sleep 8 2> /dev/null
  wait "$wpid"
  kill "$pid"; wait "$pid" || true
  perf report -i "$out/$v.data" --no-children -g none --sort dso,sym --stdio 2> /dev/null | grep -v "^#" | grep -v "^$" | head -120 > "$out/$v.top.txt"
  perf report -i "$out/$v.data" --no-children -g none --sort dso --stdio 2> /dev/null | grep -v "^#" | grep -v "^$" | head -30 > "$out/$v.dso.txt"
done
