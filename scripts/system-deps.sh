#!/usr/bin/env bash
# System packages WeasyPrint and the tests need: Pango (text layout), DejaVu fonts (accents, the
# narrow no-break space), poppler-utils (pdftoppm/pdftotext, to look at PDFs), Chromium (the
# browser tests drive Debian's Chromium through Playwright; no browser download). Installs only what
# is missing, with apt-get when running as root; otherwise says what to install.
set -euo pipefail
missing=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -q 'DejaVuSans.ttf' || missing+=(fonts-dejavu-core)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v chromium >/dev/null || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installation des paquets système manquants : ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
else
  echo "paquets système manquants : ${missing[*]} — installez-les (ex. : sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
