#!/usr/bin/env bash
# Bounded soak of the Redis-backed sample: wrk drives GET /api/me with one bearer token for DURATION seconds
# while a second loop keeps signing in, using and logging out other sessions. Passes when there is no 5xx at
# all, the soaked token never got a 4xx, and the app's memory stays flat (RSS growth after warm-up reported).
#   bench/soak.sh [DURATION=120] [CONNECTIONS=32]
# Loopback only; stops everything it started. Writes bench/results/soak.md.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-120}
connections=${2:-32}
out=bench/results
mkdir -p "$out"

.ci/install-missing wrk redis-server curl python3

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

dotnet build samples/WebApp -c Release -nologo -v quiet >/dev/null
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
app_port=$(free_port)
ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
SessionAuth__Store=Redis SessionAuth__Redis__Configuration="127.0.0.1:$redis_port" \
  dotnet samples/WebApp/bin/Release/net10.0/WebApp.dll --contentRoot "$PWD/samples/WebApp" --urls "http://127.0.0.1:$app_port" >"$work/app.log" 2>&1 &
app=$!
pids+=($app)
base="http://127.0.0.1:$app_port"
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$base/healthz" >/dev/null

login() { curl -fs -X POST "$base/api/login" -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"$1-password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'; }
token=$(login alice)

cat >"$work/count.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok, client_errors, server_errors = 0, 0, 0 end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1
  elseif status >= 400 then client_errors = client_errors + 1
  else ok = ok + 1 end
end
function done(summary, latency, requests)
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("ok"); b = b + t:get("client_errors"); c = c + t:get("server_errors") end
  io.write(string.format("STATUS ok=%d 4xx=%d 5xx=%d\n", a, b, c))
end
LUA

# Churn: sign-ins, a use, and revocations (logout) of other sessions for the whole run.
(
  end_at=$((SECONDS + duration)); n=0; bad=0
  while [ $SECONDS -lt $end_at ]; do
    t=$(login bob) || { bad=$((bad + 1)); continue; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/me" -H "Authorization: Bearer $t")" = 200 ] || bad=$((bad + 1))
    [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/logout" -H "Authorization: Bearer $t")" = 204 ] || bad=$((bad + 1))
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/me" -H "Authorization: Bearer $t")" = 401 ] || bad=$((bad + 1))
    n=$((n + 1))
  done
  echo "CHURN cycles=$n unexpected=$bad" >"$work/churn.txt"
) &
churn=$!

# Memory: the app's RSS every 5 s.
( while kill -0 "$app" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$app/status" 2>/dev/null; sleep 5; done ) >"$work/rss.txt" &
pids+=($!)

timeout $((duration + 30)) wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/count.lua" \
  -H "Authorization: Bearer $token" "$base/api/me" >"$work/wrk.txt"
wait "$churn"

status=$(grep STATUS "$work/wrk.txt")
server_errors=$(echo "$status" | sed -E 's/.*5xx=([0-9]+).*/\1/')
client_errors=$(echo "$status" | sed -E 's/.*4xx=([0-9]+).*/\1/')
rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
mapfile -t rss <"$work/rss.txt"
samples=${#rss[@]}
warm=${rss[$((samples / 4))]:-0}
last=${rss[$((samples - 1))]:-0}
peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
growth=$(awk -v a="$warm" -v b="$last" 'BEGIN { if (a > 0) printf "%.1f", (b - a) * 100 / a; else print "n/a" }')
churn_line=$(cat "$work/churn.txt")

{
  echo "# Soak: Redis-backed sample, ${duration} s"
  echo
  echo "Command: \`bench/soak.sh $duration $connections\` ($(nproc) cores, wrk on the same machine, $(date -u +%Y-%m-%d))."
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| wrk requests/s (GET /api/me, one token, $connections connections) | $rps |"
  echo "| wrk p99 latency | $p99 |"
  echo "| wrk responses | $(echo "$status" | sed 's/STATUS //') |"
  echo "| churn (sign-in, use, logout, check dead) | ${churn_line#CHURN } |"
  echo "| app RSS after warm-up → end (peak) | $((warm / 1024)) MiB → $((last / 1024)) MiB ($growth %, peak $((peak / 1024)) MiB) |"
  echo "| RSS samples (KiB, every 5 s) | ${rss[*]} |"
} >"$out/soak.md"
cat "$out/soak.md"

if [ "$server_errors" != 0 ] || [ "$client_errors" != 0 ] || ! grep -q "unexpected=0" "$work/churn.txt"; then
  echo "soak: FAILED (5xx, 4xx on the soaked token, or an unexpected churn answer)" >&2
  exit 1
fi
