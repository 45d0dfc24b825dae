#!/usr/bin/env bash
# Runs the benchmarks from a fresh clone: installs what they compare against and run on (Hugo, Azurite),
# then the bench program in Release (the scale benchmark's commands from a ReadyToRun publish). Arguments go to it: --quick, --scale, --only render|publish|intake|scale|rebuild, --micro.
set -euo pipefail
cd "$(dirname "$0")/.."

source eng/install.sh

npm ci --no-audit --no-fund --loglevel=error >&2
apt_install hugo hugo
# The builds' output goes to stderr: stdout is the results table.
dotnet build -c Release --nologo -v q bench/ServerlessNews.Bench >&2
if [ "${1:-}" = --micro ]; then
  exec dotnet run -c Release --no-build --project bench/ServerlessNews.Bench -- "$@"
fi
# The scale benchmark's commands (the rebuild, its dry run, the upload-only passes) run from a precompiled
# publish, as a command is deployed (see ScaleBench.RunAsync).
precompiled="$PWD/bench/ServerlessNews.Bench/bin/ReadyToRun"
dotnet publish bench/ServerlessNews.Bench -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
  --nologo -v q -o "$precompiled" >&2
exec dotnet run -c Release --no-build --project bench/ServerlessNews.Bench -- --precompiled "$precompiled" "$@"
