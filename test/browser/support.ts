import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium; the browser tests drive it with playwright-core and never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Says, once per test file, that its browser test is skipped and how to run it. */
export function noteIfSkipped(what: string): void {
  if (HAVE_CHROMIUM) return;
  console.warn(
    `SKIPPED ${what}: ${CHROMIUM} not found. Install Debian's chromium package (apt-get install -y chromium) to run it.`,
  );
}

/**
 * Screenshots go to test-results/ (ignored by git); RIQING_SCREENSHOTS=docs refreshes the ones README shows (with a
 * colour emoji font installed, e.g. Debian's fonts-noto-color-emoji, so that 🚩 and 🟨 show).
 */
export const SHOT_DIR = join(
  import.meta.dirname,
  "../..",
  process.env.RIQING_SCREENSHOTS === "docs" ? "docs" : "test-results",
);

/** Headless Chromium, quiet: no first-run screens, background networking or updates. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
