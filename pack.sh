#!/usr/bin/env bash
# Packs every package of AspNetSessions (each project under src/) into one folder, a local NuGet feed:
#   ./pack.sh [folder] [more dotnet pack options]      (folder: ./artifacts/packages when not given)
# Each pack is a prerelease of the next version (VersionPrefix in Directory.Build.props + "-local.<UTC time>"), so
# NuGet's package cache never hands out an older pack under the same version. Then, once:
#   dotnet nuget add source <folder> --name aspnetsessions-local
# and in an app: dotnet add package AspNetSessions --prerelease. CONFIGURATION (default Release) picks the build.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
feed="${1:-$root/artifacts/packages}"
shift $(($# > 0 ? 1 : 0))
mkdir -p "$feed"
suffix="local.$(date -u +%Y%m%d%H%M%S)"
for project in "$root"/src/*/*.csproj; do
  dotnet pack "$project" -c "${CONFIGURATION:-Release}" -nologo -v quiet -o "$feed" -p:VersionSuffix="$suffix" "$@"
done
echo "Packed every package as version *-$suffix into $feed"
