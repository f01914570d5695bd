#!/usr/bin/env bash
# Checks the system packages Breakthrough needs, and prints the apt-get line that fixes what is missing.
# usage: scripts/check-system.sh run|test
set -u
need=()
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || need+=(libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || need+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi 'DejaVuSans' || need+=(fonts-dejavu-core)
# The A3 wall chart's narrow face: the most words per line at a size (wallchart.css).
fc-list 2>/dev/null | grep -qi 'NimbusSansNarrow' || need+=(fonts-urw-base35)
if [ "${1:-run}" = "test" ]; then
  # Browser tests and chart export drive Debian's Chromium; Playwright's driver needs libatomic.
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  ldconfig -p 2>/dev/null | grep -q 'libatomic.so.1' || need+=(libatomic1)
  # The join QR code is read back from a screenshot (pyzbar).
  ldconfig -p 2>/dev/null | grep -q 'libzbar.so.0' || need+=(libzbar0)
  # PDF tests turn pages into PNGs and text.
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  # Evidence in any script renders in the PDFs: Devanagari and more, Chinese, emoji.
  fc-list 2>/dev/null | grep -qi 'NotoSansDevanagari' || need+=(fonts-noto-core)
  fc-list 2>/dev/null | grep -qi 'wqy-microhei' || need+=(fonts-wqy-microhei)
  fc-list 2>/dev/null | grep -qi 'NotoColorEmoji' || need+=(fonts-noto-color-emoji)
  # The single sign-on tests run a real OpenID Connect provider: oidc-provider 9, Node.js 20+.
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    need+=(nodejs npm)
  elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    echo "Node.js $(node --version) is too old for the test identity provider: it needs 20 or" \
      "later (Debian 13's nodejs; on Debian 12, a newer nodejs package than Debian's)." >&2
    exit 1
  fi
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Missing system packages. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  echo "${need[*]}"
  exit 1
fi
exit 0
