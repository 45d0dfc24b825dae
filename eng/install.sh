# shellcheck shell=bash
# Sourced by the eng scripts: installs what a fresh machine lacks.

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# apt_install COMMAND PACKAGE: installs the Debian package when the command is missing.
apt_install() {
  command -v "$1" >/dev/null 2>&1 && return 0
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
