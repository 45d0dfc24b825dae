#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what the tests use (Azurite, the Nu Html Checker,
# Chromium, ShellCheck, the Bicep CLI), builds the Azure Functions host the end-to-end tests run the app under,
# then the xunit suite. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

source eng/install.sh

npm ci --no-audit --no-fund --loglevel=error || exit 1
apt_install chromium chromium || exit 1
apt_install shellcheck shellcheck || exit 1
command -v java >/dev/null 2>&1 || { echo "Java 17+ is needed for the Nu Html Checker" >&2; exit 1; }
# The Azure Functions host, built from its public sources beside the repository (../shared/functions-host).
# build.sh caches the build by the sources' hash: after the first run this takes a fraction of a second.
functions_host=../shared/functions-host
[ -x "$functions_host/build.sh" ] || { echo "The Azure Functions host is not at $functions_host (see docs/local-development.md)" >&2; exit 1; }
"$functions_host/build.sh" >/dev/null || exit 1

log=$(mktemp)
# Detailed output shows the load test's latency report and each failure's captured output.
dotnet test --project tests/ServerlessNews.Tests --output Detailed "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The runner's summary block: "total: N / failed: N / succeeded: N".
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
rm -f "$log"
if [ -z "$passed" ] || [ -z "$failed" ]; then
  # The build or the runner failed before any test result.
  echo "0 passed, 1 failed"
  exit 1
fi
echo "$passed passed, $failed failed"
[ "$status" = 0 ] && [ "$failed" = 0 ]
