#!/usr/bin/env bash
# HTTP load test of AspNetSessions against other ASP.NET Core authentication schemes, with wrk.
#
#   bench/http-load.sh                       # defaults below: a full run takes about 4 minutes
#   ROUNDS=3 DURATION=3 bench/http-load.sh   # a quick look
#
# Variants: none (no authentication: the baseline), trivial-handler (ASP.NET Core authentication + authorization
# with a handler that checks nothing: the framework's own cost), sessions-memory-bearer, sessions-memory-cookie,
# sessions-redis-bearer, sessions-postgres-bearer (AspNetSessions; PostgreSQL: its own throwaway server through
# .ci/throwaway-postgres, as in the tests, and afterwards the SQL statements per request from its statement log), bearertoken (AddBearerToken), cookie (AddCookie), cookie-ticketstore
# (AddCookie with an in-memory ITicketStore), cookie-redis-ticketstore (AddCookie with an ITicketStore over
# IDistributedCache from Microsoft.Extensions.Caching.StackExchangeRedis, on the same redis-server),
# sessions-redis-nearcache-bearer and sessions-postgres-nearcache-bearer (the same stores with SessionAuth:NearCache on:
# authenticated from memory, invalidated over the store's change channel; measured once the channel is live).
# Each variant of bench/BenchApp (the same GET /hello under one authentication scheme) runs in its own process on
# its own loopback port. After a warm-up, the variants are measured INTERLEAVED: every round runs each variant once
# (the order rotates from round to round), so slow drifts of a shared machine hit all variants alike. The table
# gives the median requests/s over the rounds, its ratio to the no-authentication baseline of the same run, the
# median p99 latency, and the CPU time the server process (and redis-server, or every PostgreSQL process) used per request during the measurement
# (user + system, from /proc: what a request costs, whatever else the machine did). Every response must be 2xx: a
# variant that answers anything else fails the run.
#
# Parameters (environment): ROUNDS (5), DURATION seconds per measurement (6), WARMUP seconds per variant (5),
# THREADS (2), CONNECTIONS (32), VARIANTS (all), OUT (bench/results), SERVER_ENV (extra VAR=value settings for every
# server process, e.g. runtime knobs; empty by default), ALT_APP (the BenchApp.dll of another build, e.g. an older
# commit's: a variant written NAME@alt runs variant NAME of that build, measured interleaved with this build's),
# IN_USE (10000: the sessions a NAME+N variant's load is spread over; see below), START_WAIT (seconds a variant may take
# to start: 30, plus one per 5,000 sessions it preloads),
# QUIET (20: before each measurement, wait up to QUIET_WAIT=120 seconds for the machine's CPU use, ours idle, to fall
# below QUIET percent; what was seen is recorded).
# A variant written NAME+N (a sessions-*-bearer one) stores N sessions of the sample's sign-in shape before it listens
# (BenchApp --preload N; a Redis one on a redis-server of its own) and wrk spreads its requests over IN_USE of them,
# spread over the store (bench/many-sessions.lua), instead of sending one token; its ratio is to the first NAME+... listed
# (e.g. NAME+10000 before NAME+10000000: what the store's size costs a request), and its collector's work is reported.
# bench/scale-http.sh measures so. Without NAME+N variants, the first variant must be 'none', the baseline of all.
# Writes $OUT/http.md (table), $OUT/http.csv (summary), $OUT/http-rounds.csv (every measurement), $OUT/http.svg.
# Loopback only; everything started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
export LOAD_START
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-6}
WARMUP=${WARMUP:-5}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
ALL_VARIANTS="none trivial-handler sessions-memory-bearer sessions-memory-cookie sessions-redis-bearer sessions-redis-nearcache-bearer sessions-postgres-bearer sessions-postgres-nearcache-bearer bearertoken cookie cookie-ticketstore cookie-redis-ticketstore"
VARIANTS=${VARIANTS:-$ALL_VARIANTS}
[ "$VARIANTS" = "$ALL_VARIANTS" ] || export CHOSEN_VARIANTS="$VARIANTS" # named in the report's command
OUT=${OUT:-bench/results}
QUIET=${QUIET:-20}
QUIET_WAIT=${QUIET_WAIT:-120}
read -r -a variants <<<"$VARIANTS"
export IN_USE=${IN_USE:-10000}
for v in "${variants[@]}"; do
  [[ $v == *+* ]] || [ "${variants[0]}" = none ] || { echo "http-load: the first variant must be 'none' (the baseline of $v)" >&2; exit 2; }
done

log() { echo "http-load: $*" >&2; }

# --- tools -------------------------------------------------------------------------------------------------------
tools=(wrk curl python3)
[[ " ${variants[*]} " != *"redis"* ]] || tools+=(redis-server)
[[ " ${variants[*]} " != *" sessions-postgres"* ]] || tools+=(postgresql:/usr/lib/postgresql/15/bin/initdb)
.ci/install-missing "${tools[@]}"

# --- build once --------------------------------------------------------------------------------------------------
log "building bench/BenchApp (Release)"
dotnet build bench/BenchApp/BenchApp.csproj -c Release -nologo -v quiet >&2
app=bench/BenchApp/bin/Release/net10.0/BenchApp.dll

work=$(mktemp -d)
pids=()
pg_dir=""
pg_port=""
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

# redis-servers by name: "shared" for every variant but a NAME+N one, which has its own (its store's size alone).
declare -A redis_port redis_pid
start_redis() { # name
  local port
  port=$(free_port)
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --protected-mode yes \
    >"$work/redis-$1.log" 2>&1 &
  redis_pid[$1]=$!
  redis_port[$1]=$port
  pids+=("${redis_pid[$1]}")
  for _ in $(seq 50); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  log "redis-server did not start"; cat "$work/redis-$1.log" >&2; exit 1
}
redis_of() { if [[ $1 == *+* ]]; then echo "$1"; else echo shared; fi; }

start_postgres() {
  pg_port=$(free_port)
  pg_dir=$(mktemp -d)   # its own directory: the postgres user must own it
  .ci/throwaway-postgres start "$pg_dir" "$pg_port"
}

psql_run() { "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d "$1" -qtAc "$2"; }

preload_of() { if [[ $1 == *+* ]]; then echo "${1##*+}"; else echo 0; fi; } # NAME+N: N

declare -A url header vpid
start_variant() {
  local v=$1 name=${1%+*} preload
  preload=$(preload_of "$v")
  local env=() args=()
  [ -z "${SERVER_ENV:-}" ] || read -r -a env <<<"$SERVER_ENV"
  if [[ $v == *redis* ]]; then
    local r; r=$(redis_of "$v")
    [ -n "${redis_port[$r]:-}" ] || start_redis "$r"
    env+=(SessionAuth__Redis__Configuration="127.0.0.1:${redis_port[$r]}")
  fi
  if [[ $v == sessions-postgres* ]]; then
    [ -n "$pg_port" ] || start_postgres
    psql_run postgres "CREATE DATABASE bench_${v//[-@+]/_}" >/dev/null
    # A plain connection string, as an app writes it: AddPostgreSqlLookups() makes the lookup fast without Npgsql tuning.
    env+=(ConnectionStrings__Sessions="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=bench_${v//[-@+]/_}")
  fi
  local dll=$app
  if [[ $name == *@alt ]]; then
    [ -n "${ALT_APP:-}" ] && [ -f "$ALT_APP" ] || { log "variant $v needs ALT_APP=<path to another build's BenchApp.dll>"; exit 2; }
    dll=$ALT_APP
  fi
  [ "$preload" -eq 0 ] || { args+=(--preload "$preload" --in-use "$IN_USE"); log "$v: storing $preload sessions before it listens"; }
  env "${env[@]}" DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$dll" --variant "${name%@alt}" "${args[@]}" --urls "http://127.0.0.1:0" >"$work/$v.log" 2>&1 &
  vpid[$v]=$!
  pids+=("${vpid[$v]}")
  local waited=0
  while [ "$waited" -lt $(( ${START_WAIT:-$(( 30 + preload / 5000 ))} * 10 )) ] && kill -0 "${vpid[$v]}" 2>/dev/null; do
    if grep -qs "listening on" "$work/$v.log"; then
      url[$v]=$(grep -o "listening on .*" "$work/$v.log" | head -n 1 | cut -d' ' -f3)
      return 0
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  log "variant $v did not start:"; cat "$work/$v.log" >&2; exit 1
}

for v in "${variants[@]}"; do start_variant "$v"; done

for v in "${variants[@]}"; do
  u=${url[$v]}
  if [[ $v == *-nearcache-* ]]; then # until the change channel is live every lookup goes to the store
    for _ in $(seq 100); do [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$u/ready")" = 200 ] && break; sleep 0.1; done
    [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$u/ready")" = 200 ] || { log "$v: its change channel did not come up"; exit 1; }
  fi
  header[$v]=$(curl -sf --max-time 10 -X POST "$u/credential")
  got=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "${header[$v]}" "$u/hello")
  [ "$got" = 200 ] || { log "$v: GET /hello with its credential answered $got, not 200"; exit 1; }
  if [ "$v" != none ]; then
    got=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$u/hello")
    [ "$got" = 401 ] || { log "$v: GET /hello without a credential answered $got, not 401"; exit 1; }
  fi
  if [ "$(preload_of "$v")" -gt 0 ]; then # the load's headers: every one must authenticate
    curl -sf --max-time 10 "$u/credentials" >"$work/$v.credentials"
    expected=$(( IN_USE < $(preload_of "$v") ? IN_USE : $(preload_of "$v") ))
    [ "$(grep -c . "$work/$v.credentials")" -eq "$expected" ] || { log "$v: GET /credentials answered $(grep -c . "$work/$v.credentials") headers, not $expected"; exit 1; }
    for line in 1 "$expected"; do
      got=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "$(sed -n "${line}p" "$work/$v.credentials")" "$u/hello")
      [ "$got" = 200 ] || { log "$v: GET /hello with preloaded header $line answered $got, not 200"; exit 1; }
    done
    log "$v on $u: ready, $(grep -o 'preloaded [0-9,]* sessions in .*' "$work/$v.log"); the load spreads over $expected of them"
  else
    log "$v on $u: ready (${header[$v]%%:*} credential, ${#header[$v]} bytes)"
  fi
done

# Percent of all CPU time that was busy over one second (our servers are idle between measurements, so this is
# everyone else: builds, tests and other benchmarks sharing the machine).
cpu_busy() {
  local a b c d e f g h t1 i1 t2 i2
  read -r _ a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
  sleep 1
  read -r _ a b c d e f g h _ </proc/stat; t2=$((a + b + c + d + e + f + g + h)); i2=$((d + e))
  echo $(( 100 * ((t2 - t1) - (i2 - i1)) / (t2 - t1 > 0 ? t2 - t1 : 1) ))
}

wait_quiet() { # prints the busy percent last seen
  local busy waited=0
  busy=$(cpu_busy)
  while [ "$busy" -gt "$QUIET" ] && [ "$waited" -lt "$QUIET_WAIT" ]; do
    sleep 2; waited=$((waited + 3)); busy=$(cpu_busy)
  done
  [ "$busy" -le "$QUIET" ] || log "the machine is still ${busy}% busy with other work; measuring anyway (recorded)"
  echo "$busy"
}

# CPU time processes have used so far, in clock ticks, summed: "user system"; "0 0" when there are none.
cpu_ticks() { local u=0 s=0 pid a b; for pid in "$@"; do read -r a b < <(awk '{print $14, $15}' "/proc/$pid/stat" 2>/dev/null || echo "0 0"); u=$((u + a)); s=$((s + b)); done; echo "$u $s"; }

# The store's server processes of a variant: redis-server, or PostgreSQL's postmaster and every process it forked
# (the backends of the app's connections, the WAL writer, ...), so the table shows what a request costs on both sides.
store_pids() {
  case $1 in
    *redis*) echo "${redis_pid[$(redis_of "$1")]}" ;;
    sessions-postgres*) local postmaster; postmaster=$(head -n 1 "$pg_dir/data/postmaster.pid"); echo "$postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')" ;;
  esac
}

run_wrk() { # variant seconds output
  local credential=(-H "${header[$1]}") spread=()
  if [ -f "$work/$1.credentials" ]; then credential=(-s bench/many-sessions.lua); spread=(-- "$work/$1.credentials"); fi
  timeout $(( $2 + 30 )) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 5s --latency \
    "${credential[@]}" "${url[$1]}/hello" "${spread[@]}" >"$3"
}

log "warm-up: ${WARMUP}s per variant"
for v in "${variants[@]}"; do run_wrk "$v" "$WARMUP" "$work/warmup-$v.txt"; done
# What a preloaded variant's collector has done by now, and after the rounds (its heap may be gigabytes).
collector() { for v in "${variants[@]}"; do [ ! -f "$work/$v.credentials" ] || curl -sf --max-time 10 "${url[$v]}/gc" >"$work/$v.gc-$1"; done; }
collector start

n=${#variants[@]}
for r in $(seq 1 "$ROUNDS"); do
  for i in $(seq 0 $((n - 1))); do
    v=${variants[$(( (i + r - 1) % n ))]}
    wait_quiet >"$work/$v.round$r.busy"
    read -r -a other <<<"$(store_pids "$v")"
    read -r au0 as0 <<<"$(cpu_ticks "${vpid[$v]}")"; read -r ou0 os0 <<<"$(cpu_ticks "${other[@]}")"
    run_wrk "$v" "$DURATION" "$work/$v.round$r.txt"
    read -r au1 as1 <<<"$(cpu_ticks "${vpid[$v]}")"; read -r ou1 os1 <<<"$(cpu_ticks "${other[@]}")"
    echo "$((au1 - au0)) $((as1 - as0)) $((ou1 - ou0)) $((os1 - os0)) $(getconf CLK_TCK)" >"$work/$v.round$r.cpu"
    log "round $r/$ROUNDS $v: $(grep -o 'Requests/sec: *[0-9.]*' "$work/$v.round$r.txt" | tr -s ' ') (machine $(cat "$work/$v.round$r.busy")% busy before)"
  done
done
collector end

mkdir -p "$OUT"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//' || true)
python3 - "$work" "$OUT" "$ROUNDS" "$DURATION" "$THREADS" "$CONNECTIONS" "$WARMUP" "$(nproc)" "${cpu:-unknown CPU}" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" "${variants[@]}" <<'PY'
import os, re, statistics, sys, datetime, html

work, out, rounds, duration, threads, conns, warmup, cores, cpu, commit, *variants = sys.argv[1:]
rounds = int(rounds)

def millis(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

rows, summary, failed = [], [], []
for v in variants:
    rps, p99, app_us, app_sys_us, other_us = [], [], [], [], []
    for r in range(1, rounds + 1):
        text = open(f"{work}/{v}.round{r}.txt").read()
        m = re.search(r"Requests/sec:\s*([0-9.]+)", text)
        q = re.search(r"^\s*99%\s+([0-9.]+)(us|ms|s)\s*$", text, re.M)
        bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
        non2xx = int(bad.group(1)) if bad else 0
        socket_errors = sum(int(x) for x in errors.groups()) if errors else 0
        if not m or non2xx or socket_errors:
            failed.append(f"{v} round {r}: non-2xx={non2xx}, socket errors={socket_errors}")
        rps.append(float(m.group(1)) if m else 0.0)
        p99.append(millis(*q.groups()) if q else float("nan"))
        busy = int(open(f"{work}/{v}.round{r}.busy").read().strip() or 0)
        requests = re.search(r"(\d+) requests in", text)
        app_user, app_sys, other_user, other_sys, hz = (int(x) for x in open(f"{work}/{v}.round{r}.cpu").read().split())
        n = int(requests.group(1)) if requests else 0
        per = lambda ticks: ticks / hz * 1e6 / n if n else float("nan")
        app_us.append(per(app_user + app_sys))
        app_sys_us.append(per(app_sys))
        other_us.append(per(other_user + other_sys))
        rows.append((v, r, rps[-1], p99[-1], non2xx, socket_errors, busy, app_us[-1], app_sys_us[-1], other_us[-1]))
    summary.append((v, statistics.median(rps), min(rps), max(rps), statistics.median(p99),
                    statistics.median(app_us), statistics.median(app_sys_us), statistics.median(other_us)))

# The baseline of a NAME+N variant is the first NAME+... listed (its smallest store); of any other, the first variant (none).
def baseline(v):
    return next((u for u in variants if "+" in v and u.split("+")[0] == v.split("+")[0]), variants[0])
rate = {v: med for v, med, *_ in summary}
ratio = lambda v, med: med / rate[baseline(v)]
scale = any("+" in v for v in variants)
with open(f"{out}/http-rounds.csv", "w") as f:
    f.write("variant,round,requests_per_sec,p99_ms,non_2xx,socket_errors,cpu_busy_before_pct,server_cpu_us_per_request,server_kernel_cpu_us_per_request,store_server_cpu_us_per_request\n")
    for v, r, x, p, b, e, busy, a, k, o in rows:
        f.write(f"{v},{r},{x:.2f},{p:.3f},{b},{e},{busy},{a:.2f},{k:.2f},{o:.2f}\n")
with open(f"{out}/http.csv", "w") as f:
    f.write("variant,median_requests_per_sec,min_requests_per_sec,max_requests_per_sec,ratio_to_baseline,median_p99_ms,server_cpu_us_per_request,server_kernel_cpu_us_per_request,store_server_cpu_us_per_request\n")
    for v, med, lo, hi, p, a, k, o in summary:
        f.write(f"{v},{med:.0f},{lo:.0f},{hi:.0f},{ratio(v, med):.3f},{p:.2f},{a:.1f},{k:.1f},{o:.1f}\n")

date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
lines = [
    f"| Variant | Requests/s (median) | min–max over rounds | Ratio to {'baseline' if scale else '`none`'} | p99 latency (median) | Server CPU per request (of which kernel) |",
    "|---|---:|---:|---:|---:|---:|",
]
for v, med, lo, hi, p, a, k, o in summary:
    server = "PostgreSQL" if v.startswith("sessions-postgres") else "redis-server"
    cost = f"{a:.1f} µs ({k:.1f})" + (f" + {o:.1f} µs {server}" if o > 0 else "")
    lines.append(f"| `{v}` | {med:,.0f} | {lo:,.0f}–{hi:,.0f} | {ratio(v, med):.2f}× | {p:.2f} ms | {cost} |")
if scale:
    lines.append("")
    others = f"; for any other, `{variants[0]}`" if any("+" not in v for v in variants) else ""
    lines.append(f"Baseline: for a `NAME+N` variant (N sessions stored, the load spread over {os.environ.get('IN_USE', '10000')} of them), the first `NAME+…` listed{others}.")
table = "\n".join(lines)
server_env = os.environ.get("SERVER_ENV", "")
load_end = " ".join(open("/proc/loadavg").read().split()[:3])
setup = (f"{rounds} interleaved rounds × {len(variants)} variants × {duration} s, wrk -t{threads} -c{conns}, "
         f"{warmup} s warm-up each; {('server environment ' + server_env + '; ') if server_env else ''}{cores} cores ({cpu}) shared by wrk and the server; commit {commit}; {date}; "
         f"load average {os.environ.get('LOAD_START', '?')} at the start, {load_end} at the end.")
busiest = max(row[6] for row in rows)
noise = (f"Other work on the machine just before each measurement: at most {busiest}% of the CPU "
         f"(median {statistics.median(row[6] for row in rows):.0f}%).")
with open(f"{out}/http.md", "w") as f:
    f.write("# HTTP load: GET /hello under each authentication variant\n\n")
    env_prefix = f"SERVER_ENV='{server_env}' " if server_env else ""
    if os.environ.get("CHOSEN_VARIANTS"):
        env_prefix += f"VARIANTS='{os.environ['CHOSEN_VARIANTS']}' " + (f"IN_USE={os.environ['IN_USE']} " if scale and os.environ.get("IN_USE") else "")
    f.write(f"Produced by `{env_prefix}ROUNDS={rounds} DURATION={duration} WARMUP={warmup} THREADS={threads} CONNECTIONS={conns} bench/http-load.sh`: {setup}\n\n")
    f.write(table + "\n\n" + noise + " Every measurement: `http-rounds.csv`.\n\n![](http.svg)\n")
    for v in variants:  # a preloaded variant's store and collector
        if os.path.exists(f"{work}/{v}.gc-start"):
            loaded = re.search(r"preloaded [0-9,]+ sessions in .*", open(f"{work}/{v}.log").read())
            f.write(f"\n`{v}`: {loaded.group(0) if loaded else '?'}. After the warm-up: {open(f'{work}/{v}.gc-start').read().strip()}; "
                    f"after the rounds: {open(f'{work}/{v}.gc-end').read().strip()}.\n")
print(setup)
print(noise)
print(table)

# The chart: one bar per variant, its ratio to the baseline, with the targets drawn in.
width, left, bar, gap, top = 860, 230, 26, 10, 50
px = 420  # pixels for a ratio of 1.0
height = top + len(summary) * (bar + gap) + 62
x = lambda r: left + r * px
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
       f'<rect width="{width}" height="{height}" fill="white"/>',
       f'<text x="{left}" y="22" font-size="15" font-weight="bold">Requests/s relative to {"the smallest store" if scale else "no authentication"} (median of {rounds} rounds)</text>']
targets = ((1.0, "1.0 baseline", "#555"), (0.9, "0.90 target (≤ 10 % lower)", "#2a7")) if scale else \
    ((1.0, "1.0 baseline", "#555"), (0.9, "0.90 memory target", "#2a7"), (0.6, "0.60 Redis target", "#c70"))
for target, label, color in targets:
    svg.append(f'<line x1="{x(target):.1f}" y1="{top - 8}" x2="{x(target):.1f}" y2="{height - 52}" stroke="{color}" stroke-dasharray="4 3"/>')
    svg.append(f'<text x="{x(target):.1f}" y="{height - 36 - (12 if target == 0.9 else 0)}" fill="{color}" text-anchor="middle" font-size="11">{label}</text>')
for i, (v, med, lo, hi, p, *_) in enumerate(summary):
    y = top + i * (bar + gap)
    ratio_ = ratio(v, med)
    color = "#888" if v in ("none", "trivial-handler") else ("#3b6fb6" if v.startswith("sessions") else "#b65a3b")
    svg.append(f'<text x="{left - 8}" y="{y + bar * 0.68:.1f}" text-anchor="end">{html.escape(v)}</text>')
    svg.append(f'<rect x="{left}" y="{y}" width="{max(ratio_, 0) * px:.1f}" height="{bar}" fill="{color}"/>')
    svg.append(f'<text x="{x(ratio_) + 6:.1f}" y="{y + bar * 0.68:.1f}">{ratio_:.2f}× ({med:,.0f}/s)</text>')
svg.append(f'<text x="8" y="{height - 18}" font-size="10" fill="#555">{html.escape(setup)}</text>')
svg.append(f'<text x="8" y="{height - 6}" font-size="10" fill="#555">{html.escape(noise)}</text>')
svg.append("</svg>")
with open(f"{out}/http.svg", "w") as f:
    f.write("\n".join(svg) + "\n")

if failed:
    print("FAILED measurements (not 2xx, or socket errors):\n  " + "\n  ".join(failed), file=sys.stderr)
    sys.exit(1)
PY
# SQL statements per authenticated request on PostgreSQL, from the server's own statement log: 200 requests with
# log_statement=all, then every statement logged while they ran is counted.
if [ -n "$pg_port" ]; then
  for v in "${variants[@]}"; do
    [[ $v == sessions-postgres* ]] || continue
    requests=200
    psql_run postgres "ALTER SYSTEM SET log_statement = 'all'" >/dev/null; psql_run postgres "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
    before=$(wc -l <"$pg_dir/server.log")
    for _ in $(seq "$requests"); do curl -sf -o /dev/null --max-time 5 -H "${header[$v]}" "${url[$v]}/hello"; done
    sleep 0.5
    psql_run postgres "ALTER SYSTEM RESET log_statement" >/dev/null; psql_run postgres "SELECT pg_reload_conf()" >/dev/null
    statements=$(tail -n +"$((before + 1))" "$pg_dir/server.log" | grep -E "LOG:  (execute|statement)" | grep -vc "pg_reload_conf\|ALTER SYSTEM" || true)
    line="SQL statements per authenticated request ($v, between slides; from PostgreSQL's statement log): $statements statements for $requests requests."
    log "$line"
    printf '\n%s\n' "$line" >>"$OUT/http.md"
  done
fi
log "wrote $OUT/http.md, $OUT/http.csv, $OUT/http-rounds.csv, $OUT/http.svg"
