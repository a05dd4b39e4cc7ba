#!/usr/bin/env bash
# Debian packages gonghui needs beyond Python and Node.js: Chromium for the browser tests, Noto CJK
# fonts for charts and PDFs, poppler-utils for the PDF checks, Pango for WeasyPrint (bulletin PDFs).
# Installs whatever is missing when run as root (as `.ci/run`, `make test` and `make demo` do);
# otherwise prints the command to run, since nothing else in the set-up needs root.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0)

command -v dpkg >/dev/null || { echo "system_packages: not a Debian system; install: ${PACKAGES[*]}" >&2; exit 0; }
missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$pkg")
    fi
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -ne 0 ]]; then
    echo "system_packages: missing ${missing[*]}; run: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 0
fi
echo "==> installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
