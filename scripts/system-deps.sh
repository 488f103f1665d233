#!/usr/bin/env bash
# Debian packages the tests and the PDF build need: Chromium (browser tests through
# Playwright, never `playwright install`), poppler-utils (pdftoppm, PDF page images), and
# Java and npm for the HTML validator (vnu-jar) and axe-core.
# Installs only what is missing, so it is cheap to call on every `make`.
# `--check`: only print the packages that would be installed (exit 1 if any).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
missing=()
# Chromium is found by the same rule as the browser tests and `make screenshots`
# (scripts/chromium.py: $CHROMIUM, else `chromium` on PATH).
"${PYTHON:-python3}" "$here/chromium.py" >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${1:-}" = "--check" ]; then
  [ ${#missing[@]} -eq 0 ] && exit 0
  echo "missing Debian packages: ${missing[*]}"
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
