import { existsSync } from "node:fs";

/** LibreOffice, which renders a workbook or a document to PDF (from Debian's packages). */
export const OFFICE = "/usr/bin/libreoffice";

/** LibreOffice may be installed with some of its programs only: a workbook needs Calc, a document Writer. */
const PROGRAMS = { calc: "/usr/lib/libreoffice/program/scalc", writer: "/usr/lib/libreoffice/program/swriter" };

/** Poppler's tools, which read the PDF. */
const POPPLER = "/usr/bin/pdftotext";

/**
 * Whether LibreOffice with `program` and poppler's tools are installed; when not, says which test is skipped, what
 * is missing and how to install it.
 */
export function haveOfficeTools(program: keyof typeof PROGRAMS, test: string): boolean {
  const missing = [OFFICE, PROGRAMS[program], POPPLER].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    console.warn(
      `SKIPPED ${test}: ${missing.join(", ")} not found. Run scripts/install-libreoffice.sh ` +
        `(Debian: libreoffice-${program} and poppler-utils) to run it.`,
    );
  }
  return missing.length === 0;
}
