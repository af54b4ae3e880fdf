import { isIP } from "node:net";
import { z } from "zod";

/** Log levels pino understands. */
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const PORT_MESSAGE = "应为 0–65535 之间的整数端口号，如 3000（0 表示自动选一个空闲端口）";

const optionalText = z.string().trim().optional();

/** A whole number from `min` to `max`; any other value is answered with `message`. */
function wholeNumber(min: number, max: number, message: string) {
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
}

const HOST_MESSAGE =
  "应为本机的 IP 地址：127.0.0.1（默认，只有本机能访问）或 0.0.0.0（所有网卡，webhook 部署在另一台机器或容器外的反向代理后面时用）";

const SECRET_MESSAGE =
  "应为至少 32 个字符的随机字符串，挂图作战链接和照片链接用它签名；可用 openssl rand -hex 32 生成，更换后旧链接全部失效";
const LINK_HOURS_MESSAGE = "应为 1–720 之间的整数（小时），默认 12";

/**
 * Every environment variable Riqing reads, with its default and, per variable, the Chinese message an operator sees
 * when the value is wrong (what is wrong and how to fix it).
 */
const schema = z
  .object({
    LARK_APP_ID: optionalText.pipe(
      z
        .string()
        .regex(/^cli_[0-9a-zA-Z]{8,32}$/, {
          message: "应为飞书开放平台应用的 App ID（形如 cli_a1b2c3d4e5f60718）。请到开发者后台“凭证与基础信息”复制",
        })
        .optional(),
    ),
    LARK_APP_SECRET: optionalText,
    LARK_DOMAIN: z
      .string()
      .trim()
      .default("feishu")
      .pipe(
        z.union([z.enum(["feishu", "lark"]), z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ""))], {
          message: "应为 feishu（飞书）、lark（国际版）或私有化部署的地址，如 https://open.example.gov.cn",
        }),
      ),
    LARK_EVENT_MODE: z
      .string()
      .trim()
      .default("ws")
      .pipe(z.enum(["ws", "webhook"], { message: "应为 ws（长连接，默认，无需公网地址）或 webhook（HTTP 回调）" })),
    LARK_ENCRYPT_KEY: optionalText,
    LARK_VERIFICATION_TOKEN: optionalText,
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, {
          message:
            "应为 SQLite 数据库文件（形如 file:./data/riqing.db）或 PostgreSQL 连接串" +
            "（形如 postgresql://riqing:密码@数据库地址:5432/riqing）",
        })
        .optional(),
    ),
    DATA_DIR: z.string().trim().default("./data"),
    HOST: z
      .string()
      .trim()
      .default("127.0.0.1")
      .refine((host) => isIP(host) !== 0, { message: HOST_MESSAGE }),
    PORT: wholeNumber(0, 65535, PORT_MESSAGE).default(3000),
    RIQING_TIMEZONE: z
      .string()
      .trim()
      .default("Asia/Shanghai")
      .refine(isTimeZone, { message: "不是有效的 IANA 时区名，应形如 Asia/Shanghai" }),
    RIQING_ADMINS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(/[,，\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.string().regex(/^ou_[0-9a-zA-Z_-]+$/, { message: "每一项都应是用户的 open_id（以 ou_ 开头），用逗号分隔" }),
        ),
      ),
    RIQING_PUBLIC_URL: optionalText.pipe(
      z
        .url({
          protocol: /^https?$/,
          message: "应为本服务对外的地址，如 https://riqing.example.gov.cn（挂图作战链接以它开头）",
        })
        .transform((u) => u.replace(/\/+$/, ""))
        .optional(),
    ),
    RIQING_BOARD_SECRET: optionalText.pipe(z.string().min(32, { message: SECRET_MESSAGE }).optional()),
    RIQING_BOARD_LINK_HOURS: wholeNumber(1, 720, LINK_HOURS_MESSAGE).default(12),
    RIQING_BOARD_LOGIN: z
      .string()
      .trim()
      .toLowerCase()
      .default("off")
      .pipe(z.enum(["off", "feishu"], { message: "应为 off（默认）或 feishu（允许用飞书账号登录挂图作战）" })),
    LOG_LEVEL: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(LOG_LEVELS, { message: `应为 ${LOG_LEVELS.join("、")} 之一` }))
      .optional(),
  })
  .superRefine((env, ctx) => {
    if ((env.RIQING_PUBLIC_URL || env.RIQING_BOARD_LOGIN === "feishu") && !env.RIQING_BOARD_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["RIQING_BOARD_SECRET"],
        message: `未设置。开启挂图作战（已设置 ${env.RIQING_PUBLIC_URL ? "RIQING_PUBLIC_URL" : "RIQING_BOARD_LOGIN"}）需要签名密钥：${SECRET_MESSAGE}`,
      });
    }
    if (env.LARK_APP_ID && env.LARK_EVENT_MODE === "webhook" && !env.LARK_VERIFICATION_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["LARK_VERIFICATION_TOKEN"],
        message:
          "未设置。webhook 模式（LARK_EVENT_MODE=webhook）用它核对每个事件确实来自飞书：" +
          "请到开发者后台 → 事件与回调 → 加密策略 复制 Verification Token",
      });
    }
    if (env.LARK_APP_ID && !env.LARK_APP_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["LARK_APP_SECRET"],
        message: "已设置 LARK_APP_ID，还需要同一应用的 App Secret",
      });
    }
    if (env.LARK_APP_SECRET && !env.LARK_APP_ID) {
      ctx.addIssue({
        code: "custom",
        path: ["LARK_APP_ID"],
        message: "已设置 LARK_APP_SECRET，还需要同一应用的 App ID",
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

/** One problem with one variable, in words an operator can act on. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown by loadConfig when any variable is invalid; lists every problem at once. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
  }
}

function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.variable}：${p.message}`);
  return ["配置有误，日清未启动。请在 .env 或环境变量中修改以下各项（说明见 .env.example）：", ...lines].join("\n");
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
      message: issue.message,
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
