#!/usr/bin/env bash
# The scale benchmark at the HTTP level (issue 27): what an authenticated GET /hello costs with 10,000 sessions stored
# against millions. bench/http-load.sh with NAME+N variants (see there): each store's sessions-*-bearer variant of
# bench/BenchApp twice, once with SMALL sessions of the sample's sign-in shape stored and once with a large count
# (created through the session manager before the app listens; a Redis variant on a redis-server of its own), wrk
# spreading its requests over IN_USE of each one's sessions; the four (or six) measured interleaved in every round. The
# table gives each one's median requests/s, its ratio to the same store with SMALL, p99 and the server CPU per request;
# below it, each variant's preload time and what its garbage collector did (BenchApp's defaults: server GC, concurrent).
# bench/scale.sh measures the same through the store SPI.
#
#   bench/scale-http.sh                                  # memory 10 k vs 10 M (or what fits), Redis 10 k vs 1 M: ~12 minutes
#   STORES=redis REDIS_COUNT=100000 ROUNDS=2 bench/scale-http.sh   # a quick look
#
# Parameters (environment): STORES (memory,redis; postgres too if listed), MEMORY_COUNT (10000000, lowered to the
# whole millions that fit in the memory available at the start, less 2 GB, at BYTES_PER_SESSION=1200: the app's peak
# resident memory was 10.6 GB with 10,000,000), REDIS_COUNT (1000000), POSTGRES_COUNT (1000000), SMALL (10000), IN_USE (10000),
# QUIET_WAIT (10: seconds to wait for a quiet machine before each measurement), OUT (bench/results/<today>-scale-http),
# and http-load.sh's ROUNDS, DURATION, WARMUP, THREADS, CONNECTIONS. Writes $OUT/http.md and the rest as http-load.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

STORES=${STORES:-memory,redis}
SMALL=${SMALL:-10000}
MEMORY_COUNT=${MEMORY_COUNT:-10000000}
BYTES_PER_SESSION=${BYTES_PER_SESSION:-1200}
available=$(( $(awk '/MemAvailable/ {print $2}' /proc/meminfo) * 1024 ))
fits=$(( (available - 2 * 1024 * 1024 * 1024) / BYTES_PER_SESSION / 1000000 * 1000000 )) # 2 GB for everything else
if [[ ",$STORES," == *,memory,* ]] && [ "$MEMORY_COUNT" -gt "$fits" ]; then
  echo "scale-http: $MEMORY_COUNT memory-store sessions do not fit in $((available / 1024 / 1024)) MB available; $fits do" >&2
  MEMORY_COUNT=$fits
fi
declare -A large=([memory]=$MEMORY_COUNT [redis]=${REDIS_COUNT:-1000000} [postgres]=${POSTGRES_COUNT:-1000000})

variants=()
IFS=, read -r -a stores <<<"$STORES"
for store in "${stores[@]}"; do
  [ -n "${large[$store]:-}" ] || { echo "scale-http: unknown store '$store': memory, redis or postgres" >&2; exit 2; }
  variants+=("sessions-$store-bearer+$SMALL" "sessions-$store-bearer+${large[$store]}")
done

VARIANTS="${variants[*]}" IN_USE=${IN_USE:-10000} QUIET_WAIT=${QUIET_WAIT:-10} \
  OUT=${OUT:-bench/results/$(date -u +%F)-scale-http} exec bench/http-load.sh
