import { pino } from "pino";

export type Logger = pino.Logger;

/** What code that only writes lines needs of the logger (the receiver thread gives such code a relay to the bot's). */
export type Log = Pick<Logger, "info" | "warn" | "error">;

const CENSOR = "[redacted]";

/** Paths whose values must never reach a log line. */
const REDACT = [
  "appSecret",
  "encryptKey",
  "verificationToken",
  "*.appSecret",
  "*.encryptKey",
  "*.verificationToken",
  "*.app_secret",
  "*.tenant_access_token",
  "headers.authorization",
  "*.headers.authorization",
  "*.client_secret",
  "*.access_token",
  "api_key",
  "*.api_key",
];

/**
 * Secrets by their shape, wherever they stand in a line (inside an error's message, a URL, a quoted body): bearer
 * credentials, Lark's tenant and user access tokens (t-…, u-…), and the value of any *_token or *_secret field.
 */
const SHAPES: readonly [RegExp, string][] = [
  [/(Bearer\s+)[^\s"'\\,;]+/gi, `$1${CENSOR}`],
  [/\b[tu]-[0-9A-Za-z_-]{16,}/g, CENSOR],
  [/("?\w*(?:token|secret)\\?"?\s*[:=]\s*\\?"?)[^\s"'\\,;&}]+/gi, `$1${CENSOR}`],
];

/** Shorter values are not Lark's or Riqing's generated secrets, and censoring them would garble ordinary words. */
const MIN_SECRET_LENGTH = 6;

/**
 * Creates the structured JSON logger. Every line, at every level, is censored before it is written: the values of the
 * fields listed in REDACT, each of `secrets` (the configured app secret, keys and tokens) wherever it appears, and
 * anything shaped like an access token.
 */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  secrets: readonly (string | undefined)[] = [],
): Logger {
  const censor = censorOf(secrets);
  return pino(
    { level, base: { app: "riqing" }, redact: { paths: REDACT, censor: CENSOR }, hooks: { streamWrite: censor } },
    destination,
  );
}

/** The function that blanks the given secrets, and every secret-shaped string, in a written line. */
function censorOf(secrets: readonly (string | undefined)[]): (line: string) => string {
  const known = secrets
    .filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH)
    // As written, and as JSON escapes it inside a string.
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])
    .sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const secret of known) out = out.replaceAll(secret, CENSOR);
    for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
    return out;
  };
}

/** A logger that drops everything (tests, dry runs). */
export const silentLogger: Logger = pino({ level: "silent" });
