#!/usr/bin/env bash
# Runs every test of AspNetSessions: ./test.sh
# Installs what the tests need when it is missing (redis-server and chromium from Debian packages), builds the whole
# solution (library, sample, tests, benchmarks) in Release, then runs each test project and writes its
# results to TestResults/<project>.trx. Ends with one line totalled over every project (.ci/total):
# "N passed, N failed, N skipped". Exits non-zero if anything fails or no test ran.
set -euo pipefail
cd "$(dirname "$0")"

# redis-server (and redis-cli, which joins the test cluster) for the Redis tests; curl for the README quick-start test;
# Debian's Chromium for the browser tests (driven by Playwright, which never downloads a browser of its own here);
# PostgreSQL 15 for the EF Core tests (each run starts its own throwaway server through .ci/throwaway-postgres).
.ci/install-missing redis-server redis-tools:/usr/bin/redis-cli chromium:/usr/bin/chromium curl postgresql:/usr/lib/postgresql/15/bin/initdb

dotnet build AspNetSessions.sln -c Release -nologo -v quiet

rm -rf TestResults
status=0
for project in test/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory TestResults || status=1
done
.ci/total || status=1
exit $status
