#!/usr/bin/env bash
# Issue 27: does PostgreSQL's own primary-key read slow down with table size on this machine, with nothing of ours in it?
# pgbench's standard pgbench_accounts table (integer key, ~120-byte rows), 10,000 rows in use either way, spread evenly
# over the table (every ROWS/10000-th aid), as bench/scale.sh's "10,000 in use":
#   a 10,000-row table (scale 1 cut to 10,000 rows) against a 1,000,000-row table (scale 10), interleaved ROUNDS times,
#   16 clients (-j 2), -M prepared, DURATION s each. shared_buffers 1 GB (both tables fit: no disk reads either way).
#   A control, "dense": the 1,000,000-row table with its first 10,000 rows in use (the same rows per page as the small
#   table), which tells the table's size apart from how widely the rows in use are spread over memory.
#   bench/results/2026-12-04-scale/postgres-own-slope/run.sh     (~3 minutes; needs PostgreSQL with pgbench)
# HUGE_PAGES (try): PostgreSQL's huge_pages; "on" needs vm.nr_hugepages of at least 540 (1 GB of shared memory in
#   2 MB pages; as root: echo 540 > /proc/sys/vm/nr_hugepages). OUT (pgbench.txt): where the results go.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../../.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
OUT=${OUT:-$here/pgbench.txt}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d)
trap '.ci/throwaway-postgres destroy "$pg_dir" || true' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
.ci/throwaway-postgres start "$pg_dir" "$port" -c shared_buffers=1GB -c huge_pages="${HUGE_PAGES:-try}"
psql() { "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qtAX "$@"; }
psql -d postgres -c "CREATE DATABASE small" -c "CREATE DATABASE large"
"$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -i -q -s 1 small > /dev/null 2>&1
psql -d small -c "DELETE FROM pgbench_accounts WHERE aid > 10000" -c "VACUUM FULL ANALYZE pgbench_accounts"
"$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -i -q -s 10 large > /dev/null 2>&1
psql -d large -c "VACUUM ANALYZE pgbench_accounts"
work=$(mktemp -d)
for db in small large; do
  rows=$(psql -d "$db" -c "SELECT count(*) FROM pgbench_accounts")
  printf '\\set aid 1 + random(0, 9999) * %d\nSELECT abalance FROM pgbench_accounts WHERE aid = :aid;\n' "$((rows / 10000))" > "$work/$db.sql"
  printf '\\set aid random(1, 10000)\nSELECT abalance FROM pgbench_accounts WHERE aid = :aid;\n' > "$work/$db-dense.sql"
  # Read every row in use once, so both start with them in shared buffers.
  psql -d "$db" -c "SELECT sum(abalance) FROM pgbench_accounts WHERE aid % $((rows / 10000)) = 1 % $((rows / 10000))" > /dev/null
done
{ echo "# $(date -u +%FT%TZ), $(nproc) cores, PostgreSQL $("$bin/postgres" --version | awk '{print $3}'), shared_buffers 1GB, huge_pages $(psql -d postgres -c "SHOW huge_pages")/$(grep -m1 HugePages_Rsvd /proc/meminfo | awk "{print \$2}") reserved, 16 clients, ${DURATION} s each"
  cat "$work/large.sql"; } | tee "$OUT"
for round in $(seq 1 "$ROUNDS"); do
  for run in small large large-dense; do
    db=${run%-dense}
    load=$(uptime | sed 's/.*load average: //')
    tps=$("$bin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -n -M prepared -c 16 -j 2 -T "$DURATION" -f "$work/$run.sql" "$db" 2>&1 | awk '/^tps/ {print $3; exit}')
    printf '%-11s (%s rows), round %s: %9.0f tps (load %s)\n' "$run" "$(psql -d "$db" -c 'SELECT count(*) FROM pgbench_accounts')" "$round" "$tps" "$load" | tee -a "$OUT"
  done
done
rm -rf "$work"
