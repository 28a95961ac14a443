#!/usr/bin/env bash
# System packages the tests need (Debian): Chromium for the browser tests, poppler-utils to
# render and read PDFs, fonts with Vietnamese glyphs and Pango for WeasyPrint. Installs only what
# is missing; called by `make test`.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
ls /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf >/dev/null 2>&1 || need+=(fonts-noto-core)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "missing system packages: ${need[*]} (install them with apt-get as root)" >&2; exit 1; fi
fi
echo "installing system packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
