#!/usr/bin/env bash
# Installs what printed notices and their tests need, unless already there:
#   - Debian's fonts-noto-cjk (Noto Serif/Sans CJK: the notices' body and
#     heading faces) and fonts-hanazono (HanaMinA/HanaMinB: the fallbacks for
#     rare characters, CJK Extensions A-F), the font chain of
#     crates/huanjie-print/src/fonts.rs;
#   - poppler-utils (pdftotext, pdffonts, pdftoppm), with which the tests
#     read the PDFs back.
# Idempotent and quiet when everything is present; runs apt-get update only
# when something has to be installed. Only Debian's packages are reachable
# from this machine, so fonts come from apt, never from a download.
set -euo pipefail

missing=()
[[ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc && \
   -f /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc ]] || missing+=(fonts-noto-cjk)
[[ -f /usr/share/fonts/truetype/hanazono/HanaMinA.ttf && \
   -f /usr/share/fonts/truetype/hanazono/HanaMinB.ttf ]] || missing+=(fonts-hanazono)
for tool in pdftotext pdffonts pdftoppm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        missing+=(poppler-utils)
        break
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing ${missing[*]}" >&2
# apt-get install finds nothing (or stale versions) before update.
$SUDO apt-get update -q >&2
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
