#!/bin/sh
# Installs, on Debian or Ubuntu, what the ledger's printing test (test/reports/ledger-print.test.ts) uses:
# LibreOffice Calc to render the ledger workbook to PDF, poppler's tools to read the PDF, and a Chinese font so the
# PDF shows the text. Without them that test is skipped with a note.
set -eu
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends libreoffice-calc poppler-utils fonts-noto-cjk
