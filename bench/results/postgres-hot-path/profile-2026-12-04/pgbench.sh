#!/usr/bin/env bash
# Issue 25: PostgreSQL's own floor per statement on this machine, and what our lookup statement costs beyond it.
#   bench/results/postgres-hot-path/profile-2026-12-04/pgbench.sh      (~3 minutes; needs PostgreSQL with pgbench, curl)
# A throwaway PostgreSQL (.ci/throwaway-postgres, as bench/http-load.sh); BenchApp sessions-postgres-bearer creates the
# sessions table (EnsureCreated) and one session, and one authenticated GET /hello is logged (log_statement=all): that
# logged text IS the statement the store sends between slides, and its logged parameters are the values used below.
# The row is copied to 10,000 rows (ids 1..10000, same kind, digest and times: every lookup finds its row, none is due
# a slide). Then pgbench -M prepared, 8 s each, interleaved ROUNDS times, 1 client and 16 clients (-j 2):
#   (a) select: SELECT <the same columns> FROM <the table> WHERE kind = $1 AND id = $2 (a plain primary-key read)
#   (u) update: the statement's UPDATE ... RETURNING alone (no slide is due: it writes and returns nothing)
#   (b) lookup: the logged statement, $2 a random id of the 10,000
# PERF=1: perf -a samples the machine during each run, and ${OUT%.txt}-perf.txt gets every postgres process's top functions.
# ROWS (10000): how many rows the table holds; the statements still pick among 10,000 of them, spread evenly over the
# table (every ROWS/10000-th id: the scale benchmark's "10,000 in use"). CLIENTS ("1 16") and SCRIPTS ("select update
# lookup") narrow a run. Issue 27: ROWS=1000000 SCRIPTS="select lookup" CLIENTS=16, against ROWS=10000. STRIDE (ROWS/10000):
# every STRIDE-th id is in use; STRIDE=1 puts the first 10,000 rows inserted in use (dense: as many to a page as in a 10,000-row table).
# PostgreSQL CPU per statement = user + system ticks of the postmaster and every process it forked (from /proc; the
# backends pgbench ends are counted through the postmaster's reaped-children times) / transactions.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../../.."
ROUNDS=${ROUNDS:-2}
ROWS=${ROWS:-10000}
DURATION=${DURATION:-8}
OUT=${OUT:-$here/pgbench.txt}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dotnet build bench/BenchApp/BenchApp.csproj -c Release -nologo -v quiet >&2
work=$(mktemp -d)
pg_dir="" app_pid=""
cleanup() { [ -z "$app_pid" ] || kill "$app_pid" 2>/dev/null || true; [ -z "$pg_dir" ] || .ci/throwaway-postgres destroy "$pg_dir" || true; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
pg_dir=$(mktemp -d)
.ci/throwaway-postgres start "$pg_dir" "$port" ${PG_SETTINGS:-} # e.g. PG_SETTINGS="-c shared_buffers=1GB"
psql() { "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "${DB:-bench}" -qtAX "$@"; }
DB=postgres psql -c "CREATE DATABASE bench"

DOTNET_CLI_TELEMETRY_OPTOUT=1 ConnectionStrings__Sessions="Host=127.0.0.1;Port=$port;Username=postgres;Database=bench" \
  dotnet bench/BenchApp/bin/Release/net10.0/BenchApp.dll --variant sessions-postgres-bearer --urls http://127.0.0.1:0 > "$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 300); do grep -q "listening on" "$work/app.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/app.log" | head -1)
cred=$(curl -sf -X POST "$url/credential")
psql -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" > /dev/null
sleep 0.5
before=$(wc -l < "$pg_dir/server.log")
curl -sf -o /dev/null -H "$cred" "$url/hello"
sleep 0.5
psql -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" > /dev/null
kill "$app_pid"; wait "$app_pid" || true; app_pid=""
tail -n +"$((before + 1))" "$pg_dir/server.log" > "$work/log"
# The lookup as logged: "LOG:  execute <name>: WITH slid AS (...", continued on the following lines, then "DETAIL:  parameters: $1 = '...', ...".
python3 - "$work/log" "$work" "$bin/psql" "$port" "$ROWS" <<'PY'
import re, subprocess, sys
log, work, psql, port, rows = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
m = re.search(r"LOG:  execute [^:]*: (WITH slid AS .*?)\n[^\n]*DETAIL:  Parameters: (.*?)\n", log, re.S | re.I)
sql, params = m.group(1), m.group(2)
values = dict(re.findall(r"\$(\d+) = (?:'((?:[^']|'')*)'|NULL)", params))
open(f"{work}/lookup.logged.sql", "w").write(sql + "\n-- parameters: " + params + "\n")
table = re.search(r"UPDATE (\S+) SET", sql).group(1)
columns = re.search(r"SELECT (.*?) FROM slid", sql, re.S).group(1)
kind_col, id_col = re.search(r"WHERE (\S+) = \$1 AND (\S+) = \$2", sql).groups()
for i in ("1", "3", "4", "5", "6"):
    open(f"{work}/p{i}", "w").write(values.get(i, ""))
open(f"{work}/id", "w").write(values["2"])
digest_col, expires_col = re.search(r"AND (\S+) = \$3 AND (\S+) > \$4", sql).groups()
# pgbench sends its parameters untyped (Npgsql types them): each one is cast to its column's type, once, where it
# first occurs, which is what a typed parameter is; the plan is the same.
def column_type(column):
    q = f"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '{table}'::regclass AND attname = '{column.strip(chr(34))}'"
    return subprocess.run([psql, "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "bench", "-qtAXc", q],
                          check=True, capture_output=True, text=True).stdout.strip()
types = {"1": column_type(kind_col), "2": column_type(id_col), "3": column_type(digest_col),
         "4": column_type(expires_col), "5": column_type(expires_col), "6": column_type(expires_col)}
names = {"1": "p1", "2": "id", "3": "p3", "4": "p4", "5": "p5", "6": "p6"}
def typed(text):
    seen = set()
    def one(m):
        n = m.group(1)
        first = n not in seen
        seen.add(n)
        return f"CAST(:{names[n]} AS {types[n]})" if first else f":{names[n]}"
    return re.sub(r"\$(\d)", one, text)
open(f"{work}/lookup.sql", "w").write(typed(sql) + ";\n")
update = re.search(r"WITH slid AS \(\s*(UPDATE .*?RETURNING .*?)\)\s*SELECT", sql, re.S).group(1)
open(f"{work}/update.sql", "w").write(typed(update) + ";\n")
open(f"{work}/select.sql", "w").write(typed(f"SELECT {columns} FROM {table} WHERE {kind_col} = $1 AND {id_col} = $2") + ";\n")
open(f"{work}/copy.sql", "w").write(
    f"INSERT INTO {table} ({columns}) SELECT " + ", ".join(f"g::text" if c.strip() == id_col else c.strip() for c in columns.split(",")) +
    f" FROM {table}, generate_series(1, {rows}) g WHERE {kind_col} = '{values['1']}' AND {id_col} = '{values['2']}';"
    f" DELETE FROM {table} WHERE {id_col} = '{values['2']}'; VACUUM ANALYZE {table};\n")
PY
sed -i "1s/^/\\\\set id 1 + random(0, 9999) * ${STRIDE:-$((ROWS / 10000))}\\n/" "$work/lookup.sql" "$work/select.sql" "$work/update.sql"
psql -f "$work/copy.sql" > /dev/null
{ echo "# the lookup statement as PostgreSQL logged it (one authenticated GET /hello of BenchApp sessions-postgres-bearer)"; cat "$work/lookup.logged.sql"
  echo; echo "# pgbench scripts (-M prepared; :p* from the logged parameters, -D)"; cat "$work/select.sql" "$work/update.sql" "$work/lookup.sql"
  echo "# rows: $(psql -c "SELECT count(*) FROM $(grep -o 'UPDATE [^ ]*' "$work/lookup.logged.sql" | cut -d' ' -f2)")"; } > "$here/statements.txt"

# The postmaster's own ticks and its reaped children's (cutime, cstime: pgbench's backends exit when it ends), and the live children's.
ticks() {
  local pm t p; pm=$(head -n 1 "$pg_dir/data/postmaster.pid")
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for p in $(pgrep -P "$pm"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
defines=(-D "p1=$(cat "$work/p1")" -D "p3=$(cat "$work/p3")" -D "p4=$(cat "$work/p4")" -D "p5=$(cat "$work/p5")" -D "p6=$(cat "$work/p6")")
hz=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
  for clients in ${CLIENTS:-1 16}; do
    for script in ${SCRIPTS:-select update lookup}; do
      load=$(uptime | sed 's/.*load average: //')
      t0=$(ticks)
      perf_pid=""
      if [ -n "${PERF:-}" ]; then perf record -a -F 999 -o "$work/perf.data" > /dev/null 2>&1 & perf_pid=$!; sleep 0.3; fi
      "$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c "$clients" -j "$([ "$clients" = 1 ] && echo 1 || echo 2)" \
        -T "$DURATION" "${defines[@]}" -f "$work/$script.sql" bench > "$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
      t1=$(ticks)
      if [ -n "$perf_pid" ]; then
        kill -TERM "$perf_pid"; wait "$perf_pid" || true
        # Every postgres process's samples (system-wide recording, filtered by command name), as split.py store reads them.
        perf script -i "$work/perf.data" -F comm,ip,sym,dso 2> /dev/null | awk '$1 == "postgres" { $1 = ""; print; print "" }' > "$work/pg.stacks"
      fi
      tx=$(awk '/number of transactions actually processed/ {print $NF}' "$work/out" | cut -d/ -f1)
      tps=$(awk '/^tps/ {print $3; exit}' "$work/out")
      lat=$(awk '/latency average/ {print $4}' "$work/out")
      printf '%-6s %2s clients, round %s: %9.0f tps, latency %s ms, PostgreSQL CPU %5.1f µs per statement (load %s)\n' \
        "$script" "$clients" "$round" "$tps" "$lat" "$(echo "($t1 - $t0) / $hz / $tx * 1000000" | bc -l)" "$load" | tee -a "$OUT"
      if [ -n "$perf_pid" ]; then
        python3 "$here/split.py" store "$work/pg.stacks" "$tx" 999 | sed "1s|^[^:]*: |$script, $clients clients, round $round: |" >> "${OUT%.txt}-perf.txt"
      fi
    done
  done
done
