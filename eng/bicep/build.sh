#!/usr/bin/env bash
# Compiles and lints the Bicep in infra/ with the Bicep CLI from NuGet (no Azure CLI, no network
# once the package is in the NuGet cache).
#
#   eng/bicep/build.sh [OUT.json]
#
# Restores eng/bicep/Bicep.csproj (which downloads the CLI), builds infra/main.bicep to ARM JSON
# (written to OUT.json when given, e.g. for a test that reads the app settings the template sets),
# lints every .bicep file under infra/ with the rules of infra/bicepconfig.json, and checks that
# each is laid out as `bicep format` would. Fails (exit 1) on any error, warning or layout change.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
infra="$root/infra"

out=""
if [[ $# -gt 0 && -n "$1" ]]; then
  mkdir -p "$(dirname "$1")"
  out="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) rid=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
  Darwin-arm64) rid=osx-arm64 ;;
  Darwin-x86_64) rid=osx-x64 ;;
  *) echo "eng/bicep/build.sh: no Bicep CLI package for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac

project="$here/Bicep.csproj"
dotnet restore "$project" -p:BicepCliRid="$rid" --verbosity quiet
bicep="$(dotnet msbuild "$project" -p:BicepCliRid="$rid" -getProperty:BicepCliPath | tr -d '\r')"
if [[ ! -f "$bicep" ]]; then
  echo "eng/bicep/build.sh: restore did not produce $bicep" >&2
  exit 1
fi
chmod +x "$bicep"
echo "Bicep CLI: $bicep"

# Diagnostics look like: /path/file.bicep(12,5) : Warning rule-name: message
diagnostics=0
run() {
  local log status
  log="$(mktemp)"
  status=0
  "$bicep" "$@" >"$log" 2>&1 || status=$?
  if [[ -s "$log" ]]; then
    sed "s|$root/||" "$log" >&2
  fi
  if [[ $status -ne 0 ]] || grep -Eq '\) : (Warning|Error) ' "$log"; then
    diagnostics=$((diagnostics + 1))
  fi
  rm -f "$log"
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# --no-restore: only local modules are used, so Bicep never needs a registry.
cd "$root"
echo "bicep build infra/main.bicep"
run build infra/main.bicep --no-restore --outfile "$tmp/main.json"
echo "bicep lint infra/**/*.bicep"
run lint --no-restore --pattern 'infra/**/*.bicep'

# Canonical layout: `bicep format` on a copy must change nothing.
echo "bicep format (check)"
cp -R "$infra" "$tmp/format"
"$bicep" format --pattern "$tmp/format/**/*.bicep" >&2 || diagnostics=$((diagnostics + 1))
if ! diff -ru "$infra" "$tmp/format" >&2; then
  echo "eng/bicep/build.sh: run \`$bicep format --pattern 'infra/**/*.bicep'\` to fix the layout above." >&2
  diagnostics=$((diagnostics + 1))
fi

if [[ $diagnostics -ne 0 ]]; then
  echo "eng/bicep/build.sh: $diagnostics check(s) failed (errors, warnings or layout)." >&2
  exit 1
fi

if [[ -n "$out" ]]; then
  cp "$tmp/main.json" "$out"
  echo "ARM template: $out"
fi
echo "Bicep: build, lint and format clean."
