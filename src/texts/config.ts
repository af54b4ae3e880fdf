/**
 * What an operator reads when the configuration is wrong: per variable what is wrong and how to fix it, all at once
 * before Riqing starts.
 */

import { type ConfigProblem, type ConfigReason, LOG_LEVELS } from "../config/env.ts";

const SECRET =
  "应为至少 32 个字符的随机字符串，挂图作战链接和照片链接用它签名；可用 openssl rand -hex 32 生成，更换后旧链接全部失效";
const secretFor = (variable: string) => `未设置。开启挂图作战（已设置 ${variable}）需要签名密钥：${SECRET}`;

/** Each reason a variable is refused, said in Chinese. */
export const CONFIG_TEXTS: Readonly<Record<ConfigReason, string>> = {
  appId: "应为飞书开放平台应用的 App ID（形如 cli_a1b2c3d4e5f60718）。请到开发者后台“凭证与基础信息”复制",
  domain: "应为 feishu（飞书）、lark（国际版）或私有化部署的地址，如 https://open.example.gov.cn",
  eventMode: "应为 ws（长连接，默认，无需公网地址）或 webhook（HTTP 回调）",
  databaseUrl:
    "应为 SQLite 数据库文件（形如 file:./data/riqing.db）或 PostgreSQL 连接串" +
    "（形如 postgresql://riqing:密码@数据库地址:5432/riqing）",
  host: "应为本机的 IP 地址：127.0.0.1（默认，只有本机能访问）或 0.0.0.0（所有网卡，webhook 部署在另一台机器或容器外的反向代理后面时用）",
  port: "应为 0–65535 之间的整数端口号，如 3000（0 表示自动选一个空闲端口）",
  timezone: "不是有效的 IANA 时区名，应形如 Asia/Shanghai",
  officeHours:
    "应为工作日的办公时段，如 08:30-12:00,13:30-17:30（默认）：每段“开始-结束”，用逗号分隔，" +
    "结束晚于开始，各段互不重叠；“工作时”时限只在这些时段内计时",
  admins: "每一项都应是用户的 open_id（以 ou_ 开头），用逗号分隔",
  publicUrl: "应为本服务对外的地址，如 https://riqing.example.gov.cn（挂图作战链接以它开头）",
  boardSecret: SECRET,
  linkHours: "应为 1–720 之间的整数（小时），默认 12",
  boardLogin: "应为 off（默认）或 feishu（允许用飞书账号登录挂图作战）",
  logLevel: `应为 ${LOG_LEVELS.join("、")} 之一`,
  secretForPublicUrl: secretFor("RIQING_PUBLIC_URL"),
  secretForLogin: secretFor("RIQING_BOARD_LOGIN"),
  verificationTokenMissing:
    "未设置。webhook 模式（LARK_EVENT_MODE=webhook）用它核对每个事件确实来自飞书：" +
    "请到开发者后台 → 事件与回调 → 加密策略 复制 Verification Token",
  appSecretMissing: "已设置 LARK_APP_ID，还需要同一应用的 App Secret",
  appIdMissing: "已设置 LARK_APP_SECRET，还需要同一应用的 App ID",
};

/** One problem in words; a reason zod gave on its own (none is expected) is shown as it is. */
export function configProblemText(problem: ConfigProblem): string {
  return CONFIG_TEXTS[problem.reason] ?? problem.reason;
}

/** Every problem at once, as `riqing` prints it before refusing to start. */
export function configProblemsText(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.variable}：${configProblemText(p)}`);
  return ["配置有误，日清未启动。请在 .env 或环境变量中修改以下各项（说明见 .env.example）：", ...lines].join("\n");
}
