import { isIP } from "node:net";
import { z } from "zod";
import { DEFAULT_OFFICE_HOURS_TEXT, type OfficeHours, parseOfficeHours } from "./office-hours.ts";

/** Log levels pino understands. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * Why a variable was refused. The config room sits below the texts, so it names the reason and texts/config.ts
 * says it in Chinese: what is wrong and how to fix it.
 */
export type ConfigReason =
  | "appId"
  | "domain"
  | "eventMode"
  | "databaseUrl"
  | "host"
  | "port"
  | "timezone"
  | "officeHours"
  | "admins"
  | "publicUrl"
  | "boardSecret"
  | "linkHours"
  | "boardLogin"
  | "logLevel"
  | "secretForPublicUrl"
  | "secretForLogin"
  | "verificationTokenMissing"
  | "appSecretMissing"
  | "appIdMissing";

/** A zod message carrying the reason, read back by loadConfig. */
const because = (reason: ConfigReason) => ({ message: reason });

const PORT = because("port");
const LINK_HOURS = because("linkHours");

const optionalText = z.string().trim().optional();

/** A whole number from `min` to `max`; any other value is refused for `reason`. */
function wholeNumber(min: number, max: number, reason: { message: ConfigReason }) {
  return z.coerce.number(reason).int(reason).min(min, reason).max(max, reason);
}

/** Every environment variable Riqing reads, with its default and, per variable, why a wrong value is refused. */
const schema = z
  .object({
    LARK_APP_ID: optionalText.pipe(
      z
        .string()
        .regex(/^cli_[0-9a-zA-Z]{8,32}$/, because("appId"))
        .optional(),
    ),
    LARK_APP_SECRET: optionalText,
    LARK_DOMAIN: z
      .string()
      .trim()
      .default("feishu")
      .pipe(
        z.union(
          [z.enum(["feishu", "lark"]), z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""))],
          because("domain"),
        ),
      ),
    LARK_EVENT_MODE: z
      .string()
      .trim()
      .default("ws")
      .pipe(z.enum(["ws", "webhook"], because("eventMode"))),
    LARK_ENCRYPT_KEY: optionalText,
    LARK_VERIFICATION_TOKEN: optionalText,
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, because("databaseUrl"))
        .optional(),
    ),
    DATA_DIR: z.string().trim().default("./data"),
    HOST: z
      .string()
      .trim()
      .default("127.0.0.1")
      .refine((host) => isIP(host) !== 0, because("host")),
    PORT: wholeNumber(0, 65535, PORT).default(3000),
    RIQING_TIMEZONE: z.string().trim().default("Asia/Shanghai").refine(isTimeZone, because("timezone")),
    RIQING_OFFICE_HOURS: z
      .string()
      .trim()
      .default(DEFAULT_OFFICE_HOURS_TEXT)
      .transform((text, ctx) => {
        const hours = parseOfficeHours(text);
        if (hours === null) {
          ctx.addIssue({ code: "custom", ...because("officeHours") });
          return z.NEVER;
        }
        return hours;
      }),
    RIQING_ADMINS: z
      .string()
      .default("")
      .transform((v) =>
        v
          // Anything that cannot be in an open_id separates two: commas (half- or full-width), spaces, semicolons.
          .split(/[^0-9a-zA-Z_-]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^ou_[0-9a-zA-Z_-]+$/, because("admins")))),
    RIQING_PUBLIC_URL: optionalText.pipe(
      z
        .url({ protocol: /^https?$/, ...because("publicUrl") })
        .transform((u) => u.replace(/\/+$/, ""))
        .optional(),
    ),
    RIQING_BOARD_SECRET: optionalText.pipe(z.string().min(32, because("boardSecret")).optional()),
    RIQING_BOARD_LINK_HOURS: wholeNumber(1, 720, LINK_HOURS).default(12),
    RIQING_BOARD_LOGIN: z
      .string()
      .trim()
      .toLowerCase()
      .default("off")
      .pipe(z.enum(["off", "feishu"], because("boardLogin"))),
    LOG_LEVEL: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(LOG_LEVELS, because("logLevel")))
      .optional(),
  })
  .superRefine((env, ctx) => {
    if ((env.RIQING_PUBLIC_URL || env.RIQING_BOARD_LOGIN === "feishu") && !env.RIQING_BOARD_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["RIQING_BOARD_SECRET"],
        ...because(env.RIQING_PUBLIC_URL ? "secretForPublicUrl" : "secretForLogin"),
      });
    }
    if (env.LARK_APP_ID && env.LARK_EVENT_MODE === "webhook" && !env.LARK_VERIFICATION_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["LARK_VERIFICATION_TOKEN"],
        ...because("verificationTokenMissing"),
      });
    }
    if (env.LARK_APP_ID && !env.LARK_APP_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["LARK_APP_SECRET"],
        ...because("appSecretMissing"),
      });
    }
    if (env.LARK_APP_SECRET && !env.LARK_APP_ID) {
      ctx.addIssue({
        code: "custom",
        path: ["LARK_APP_ID"],
        ...because("appIdMissing"),
      });
    }
  });

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The Lark app. Events arrive over the long connection, or by webhook, where every event must carry the verification
 * token (and a signature when there is an encrypt key).
 */
type LarkConfig = {
  appId: string;
  appSecret: string;
  domain: string;
  encryptKey?: string;
} & ({ eventMode: "ws"; verificationToken?: string } | { eventMode: "webhook"; verificationToken: string });

/** Validated configuration. `lark` is absent in sandbox mode (no credentials). */
export interface Config {
  mode: "production" | "sandbox";
  lark?: LarkConfig;
  databaseUrl: string;
  dataDir: string;
  /** The address the HTTP server listens on. */
  host: string;
  port: number;
  timezone: string;
  /** The office hours of a working day, which a 工作时 time limit counts (RIQING_OFFICE_HOURS). */
  officeHours: OfficeHours;
  admins: string[];
  logLevel: (typeof LOG_LEVELS)[number];
  /**
   * The 挂图作战 board and its signed links. `secret` signs them (absent: no links can be given; the sandbox makes
   * one per run); `publicUrl` is where people reach the bot (the sandbox and tests know it only once listening).
   */
  board: {
    secret?: string;
    publicUrl?: string;
    /** How long a board link stays valid. */
    linkHours: number;
    /** Feishu web login (OAuth) on the board's 401 page. */
    login: "off" | "feishu";
  };
}

/** One problem with one variable; texts/config.ts says it in words an operator can act on. */
export interface ConfigProblem {
  variable: string;
  reason: ConfigReason;
}

/** Thrown by loadConfig when any variable is invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} (${p.reason})`).join(", ")}`);
    this.name = "ConfigError";
  }
}

const DOMAINS: Record<string, string> = {
  feishu: "https://open.feishu.cn",
  lark: "https://open.larksuite.com",
};

/**
 * Parses the environment into a Config. Never reads process.env itself: callers pass it, so tests can too.
 * A variable set to blanks counts as unset (its default applies), as in a copied .env.example with empty lines.
 * Throws ConfigError naming every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const result = schema.safeParse(set);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? "?"),
      reason: issue.message as ConfigReason,
    }));
    throw new ConfigError(problems);
  }
  const e = result.data;
  const sandbox = !e.LARK_APP_ID;
  const dataDir = e.DATA_DIR;
  return {
    mode: sandbox ? "sandbox" : "production",
    lark:
      e.LARK_APP_ID && e.LARK_APP_SECRET
        ? {
            appId: e.LARK_APP_ID,
            appSecret: e.LARK_APP_SECRET,
            domain: DOMAINS[e.LARK_DOMAIN] ?? e.LARK_DOMAIN,
            encryptKey: e.LARK_ENCRYPT_KEY,
            ...eventSettings(e.LARK_EVENT_MODE, e.LARK_VERIFICATION_TOKEN),
          }
        : undefined,
    databaseUrl: e.DATABASE_URL ?? (sandbox ? `file:${dataDir}/sandbox/riqing.db` : `file:${dataDir}/riqing.db`),
    dataDir,
    host: e.HOST,
    port: e.PORT,
    timezone: e.RIQING_TIMEZONE,
    officeHours: e.RIQING_OFFICE_HOURS,
    admins: e.RIQING_ADMINS,
    board: {
      ...(e.RIQING_BOARD_SECRET && { secret: e.RIQING_BOARD_SECRET }),
      ...(e.RIQING_PUBLIC_URL && { publicUrl: e.RIQING_PUBLIC_URL }),
      linkHours: e.RIQING_BOARD_LINK_HOURS,
      login: e.RIQING_BOARD_LOGIN,
    },
    // The sandbox talks to a person at a terminal: its banner, not the bot's routine log lines, unless asked for.
    logLevel: e.LOG_LEVEL ?? (sandbox ? "warn" : "info"),
  };
}

/**
 * The configured values that must never reach a log line: the app secret, the encrypt key, the verification token,
 * the board's signing secret and the database password. The logger censors each of them wherever it appears.
 */
export function secretsOf(config: Config): string[] {
  const values = [
    config.lark?.appSecret,
    config.lark?.encryptKey,
    config.lark?.verificationToken,
    config.board.secret,
    databasePassword(config.databaseUrl),
  ];
  return values.filter((v): v is string => Boolean(v));
}

function databasePassword(url: string): string | undefined {
  if (url.startsWith("file:")) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** How events arrive; the schema has made sure webhook mode has its verification token. */
function eventSettings(eventMode: "ws" | "webhook", verificationToken: string | undefined) {
  if (eventMode === "ws") return { eventMode, verificationToken };
  if (!verificationToken) throw new Error("unreachable: webhook mode without a verification token");
  return { eventMode, verificationToken };
}
