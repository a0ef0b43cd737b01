#!/usr/bin/env bash
# The scale benchmark (issue 27): loads COUNT sessions of the sample's sign-in shape (a role claim, user agent and IP
# metadata, 10 per user) into the memory store, Redis (its own redis-server, default settings) and PostgreSQL (a
# throwaway server, the EF Core store with AddPostgreSqlLookups), bypassing HTTP (pipelined creates through the store,
# binary COPY for PostgreSQL), and measures through the store SPI: bytes per session (at 10,000, 100,000 and COUNT,
# with the slope to extrapolate to 10 M, and with a role claim only), authentication (lookup) throughput with 10,000
# against COUNT stored, a user's listing per call, and revoke-all of a user with 10,000 sessions
# (test/AspNetSessions.Benchmarks --scale). About 10 minutes at 1,000,000 on 2 cores; not part of the tests.
#
#   bench/scale.sh                               # 1,000,000 sessions, all three stores
#   COUNT=100000 STORES=redis bench/scale.sh     # a quick look
#   BENCH_POSTGRES_SETTINGS="-c shared_buffers=1GB -c huge_pages=on" STORES=postgres bench/scale.sh
#                                                # PostgreSQL server settings; huge_pages=on needs vm.nr_hugepages of
#                                                # 3 x 537 for three such servers (bench/results/2026-12-04-scale, "Huge pages")
#
# Writes $OUT/scale.md (OUT defaults to bench/results/<today>-scale) with the command, the machine's load and the tables.
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${COUNT:-1000000}
STORES=${STORES:-memory,redis,postgres}
OUT=${OUT:-bench/results/$(date -u +%F)-scale}
log() { echo "scale: $*" >&2; }

tools=()
[[ ",$STORES," != *,redis,* ]] || tools+=(redis-server)
[[ ",$STORES," != *,postgres,* ]] || tools+=(postgresql:/usr/lib/postgresql/15/bin/initdb)
[ ${#tools[@]} -eq 0 ] || .ci/install-missing "${tools[@]}"

log "building test/AspNetSessions.Benchmarks (Release)"
dotnet build test/AspNetSessions.Benchmarks/AspNetSessions.Benchmarks.csproj -c Release -nologo -v quiet >&2
mkdir -p "$OUT"
{
  echo "Command: \`${BENCH_POSTGRES_SETTINGS:+BENCH_POSTGRES_SETTINGS=\"$BENCH_POSTGRES_SETTINGS\" }COUNT=$COUNT STORES=$STORES bench/scale.sh\` (commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src test || echo ', with local changes'))"
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(redis-server --version | cut -d' ' -f3); PostgreSQL $(/usr/lib/postgresql/*/bin/postgres --version | awk '{print $3}' | tail -n 1)"
  echo
  dotnet test/AspNetSessions.Benchmarks/bin/Release/net10.0/AspNetSessions.Benchmarks.dll --scale "$COUNT" "$STORES" 2> >(tee "$OUT/scale.log" >&2)
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/scale.md"
log "wrote $OUT/scale.md"
