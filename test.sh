#!/usr/bin/env bash
# Runs every test of AspNetSessions: ./test.sh
# Installs what the tests need when it is missing (redis-server and chromium from Debian packages), builds the whole
# solution (library, sample, tests, benchmarks) in Release, then runs each test project and writes its
# results to TestResults/<project>.trx. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# The browser tests drive Debian's Chromium through Playwright (never a browser download of Playwright's own).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} from Debian packages"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package starts a system-wide server on 6379; the tests start their own on free ports instead.
  $sudo service redis-server stop >/dev/null 2>&1 || true
fi

dotnet build AspNetSessions.sln -c Release -nologo -v quiet

rm -rf TestResults
status=0
for project in test/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory TestResults || status=1
done
exit $status
