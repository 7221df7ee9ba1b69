#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the browser tests
# (tests/browser_*.rs), unless both are already there. Idempotent: safe to run
# on every CI run. Only Debian's packages can be reached from this machine, so
# the browser comes from apt and never from a browser-download helper.
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    echo "chromium and chromedriver already installed"
    exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
# apt-cache and apt-get install find nothing (or stale versions) before update.
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-noto-cjk

/usr/bin/chromium --version
/usr/bin/chromedriver --version
