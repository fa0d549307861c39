#!/usr/bin/env bash
# Installs Debian's chromium for the audit's HTML page test (test/audit/html.test.ts), which drives
# it through playwright-core (no browser download). Idempotent; needs root (or sudo) and apt-get.
# Exits 0 without installing where that is impossible: the test then skips with a line saying why.
set -uo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "install-chromium: $(chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: no apt-get here; the HTML page test will be skipped"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install-chromium: not root and no sudo; the HTML page test will be skipped"
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
  echo "install-chromium: $(chromium --version 2>/dev/null || echo chromium) installed"
else
  echo "install-chromium: apt-get could not install chromium; the HTML page test will be skipped"
fi
exit 0
