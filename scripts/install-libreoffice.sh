#!/bin/sh
# Installs, on Debian or Ubuntu, what the printing tests use: LibreOffice Calc to render the ledger workbook to PDF
# (test/reports/ledger-print.test.ts), LibreOffice Writer to render the briefing document (test/reports/briefing.test.ts),
# poppler's tools to read the PDF, and a Chinese font so the PDF shows the text. Without them those tests are skipped.
set -eu
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends libreoffice-calc libreoffice-writer poppler-utils fonts-noto-cjk
