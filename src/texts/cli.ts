/**
 * What the command line says: the help, each verb's usage, how a bad command line is explained, and what each verb
 * reports. The help and usages are bilingual (Chinese, then English) for operators.
 */

/** What `riqing help` prints. */
export const HELP = `日清 Riqing — 创城网格化管理飞书机器人 / a Feishu/Lark bot for grid management

用法 Usage: riqing <命令 command> [选项 options]

命令 Commands:
  start                启动机器人；未配置飞书应用凭证时进入沙箱模式，接着上次的沙箱数据
                       start the bot; sandbox mode (resumed) when no Lark credentials are set
      --reset          沙箱模式：清空沙箱数据，从演示初始状态重新开始
                       sandbox mode: throw the sandbox away and start again from the demo state
  migrate              升级数据库结构（启动时也会自动执行）
                       apply pending database migrations (start does this too)
  move-to-postgres --from file:… --to postgresql://…
                       把 SQLite 数据库整体复制到一个空的 PostgreSQL 数据库（编号不变，逐表核对行数和校验和）
                       copy a SQLite deployment into an empty PostgreSQL database (ids kept, verified per table)
  import <文件 file>   导入组织架构、人员、问题类别和群绑定（.yaml 或 .xlsx），可重复导入
                       import units, people, categories and chat bindings from .yaml or .xlsx (idempotent)
      --dry-run        只检查并报告变化，不写入 / check and report, write nothing
  export ledger        导出台账 / export a ledger workbook
      --unit 单位编码 --from YYYY-MM-DD --to YYYY-MM-DD --out 文件.xlsx   （起止日期均含当天 / both dates inclusive）
  digest [--date YYYY-MM-DD] [--chat 群ID] [--dry-run] [--force] [--out 图表.png]
                       生成并发送日清日报（每群每天一份）；--dry-run 只打印不发送；未到日报时间须加 --force，
                       发出的是标题注明“截至”的临时日报，当天日报到时照常发送
                       build and send the day's digest (once per chat and day); --dry-run prints it only;
                       before the digest time --force sends an early copy titled "截至", and the day's digest
                       still goes out at its time
  remind [--now 时间] [--dry-run]
                       执行一次提醒检查 / run one reminder sweep
  briefing --street 街道编码 --week 日期|--month YYYY-MM --out 简报.docx [--dry-run]
                       生成街道的创文工作简报（Word 文件，第N期）/ write a street's numbered briefing as .docx
  stats --unit 单位编码 --from YYYY-MM-DD --to YYYY-MM-DD [--format table|csv|json]
                       打印单位及其下级单位在期间内的考核指标（起止日期均含当天）
                       print the campaign indicators of a unit and the units under it for a period
  match [--json] [--unit 单位编码] [文字…]
                       显示每句上报会记到哪个地点和问题类别、前三个候选类别的得分和起作用的关键词；不给文字时从
                       标准输入每行读一句 / show where and under which category each text would be filed, with the
                       top three categories, their scores and the keywords that decided; reads stdin when no text
  apikey create --name 系统名称 --scope 层级:单位 [--write] [--rate 每分钟次数]
                       为 12345、城运平台等系统创建 Open311 接口密钥（只显示一次）；apikey list 列出，
                       apikey revoke --name 系统名称 吊销
                       create, list or revoke the Open311 API keys of other systems
  doctor               检查配置、数据库、飞书凭证、机器人权限和群绑定，逐项给出处理办法
                       check config, database, Lark credentials, bot and bound chats, with a fix per failure
  help                 显示本帮助 / show this help

配置 Configuration: 环境变量或 .env 文件，见 .env.example / environment variables or a .env file, see .env.example
`;

/** Usage of each verb, shown by `riqing <verb> --help` and after a bad option. */
export const USAGE: Partial<Record<string, string>> = {
  start: `用法 Usage: riqing start [--reset]
  启动机器人；未配置飞书应用凭证时进入沙箱模式（模拟飞书和演示数据）。按 Ctrl+C 停止。
  start the bot; sandbox mode (emulated Lark with demo data) when no Lark credentials are set. Ctrl+C stops it.
  --reset  沙箱从演示数据重新开始 / start the sandbox again from the demo data`,
  migrate: `用法 Usage: riqing migrate
  升级数据库结构到最新（启动时也会自动执行）/ apply pending database migrations (start does this too)`,
  "move-to-postgres": `用法 Usage: riqing move-to-postgres --from file:./data/riqing.db --to postgresql://用户:密码@地址:5432/库名
  把 SQLite 数据库的全部数据复制到一个空的 PostgreSQL 数据库：编号不变，在一个事务里复制，提交前逐表核对行数和校验和；
  目标数据库已有数据时拒绝，什么也不写。复制期间请先停止日清。
  copy every row of a SQLite deployment into an empty PostgreSQL database in one transaction, ids kept, each table's
  row count and checksum verified before commit; refuses a target that holds data. Stop the bot first.`,
  import: `用法 Usage: riqing import <文件 file> [--dry-run]
  导入组织架构、人员、问题类别和群绑定（.yaml 或 .xlsx），可重复导入
  import units, people, categories and chat bindings from .yaml or .xlsx (idempotent)
  --dry-run  只检查并报告变化，不写入 / check and report, write nothing`,
  export: `用法 Usage: riqing export ledger --unit 单位编码 --from YYYY-MM-DD --to YYYY-MM-DD --out 文件.xlsx
  导出单位在这段时间的台账，起止日期均含当天 / export a unit's ledger workbook, both dates inclusive`,
  doctor: `用法 Usage: riqing doctor
  检查配置、数据库、飞书凭证、机器人权限和群绑定，逐项给出处理办法；不改动数据库
  check config, database, Lark credentials, bot and bound chats, with a fix per failure; changes nothing`,
  digest: `用法 Usage: riqing digest [--date YYYY-MM-DD] [--chat 群ID] [--dry-run] [--force] [--out 排名图.png]
  --date     日报日期，默认今天 / the day reported on (default today)
  --chat     只处理这个群（工作群或领导群）/ only this chat
  --dry-run  只打印日报内容，不发送 / print the digest, send nothing
  --force    未到群的日报时间也发送：标题注明“截至 HH:mm”，不算当天的日报，到时照常发送
             send before the chat's digest time too: titled "截至 HH:mm", not the day's digest, which still goes
             out at its time
  --out      把排名图写入这个 PNG 文件 / write the ranking chart to this PNG file
到了日报时间（默认 18:00）不加 --dry-run 即发送当天的日报，每群每天只发一份，日清服务不会再发。
At or after the digest time it sends the day's digest, once per chat and day; the running bot will not send it again.`,
  match: `用法 Usage: riqing match [--json] [--unit 单位编码] [文字 text…]
  显示日清会把每句上报记到哪个地点、哪个问题类别，列出前三个候选类别、得分和起作用的关键词，供导入后调整关键词；
  不给文字时从标准输入每行读一句。类别拿不准时日清不自动归类，在卡片上请上报人点选候选。
  show where and under which category Riqing would file each text, with the top three categories, their scores
  and the keywords that decided, for tuning keywords after an import; with no text, reads one per line from stdin.
  --json  每句一行 JSON / one JSON object per line:
          {"text","category":{"code","name"}|null,"candidates":[{"code","name","score","words"}],"place":{…}|null}
  --unit  按绑定到这个单位的群来认地点，默认全部单位 / look for places as a chat bound to this unit would
          (default: the whole org)`,
  apikey: `用法 Usage: riqing apikey create --name 系统名称 --scope 层级:单位 [--write] [--rate 60]
                    riqing apikey list
                    riqing apikey revoke --name 系统名称
  为其他系统（12345 热线、城运平台）创建 Open311 接口密钥。密钥只显示一次，系统只保存它的摘要。
  create an Open311 API key for another system; the key is printed once and only its hash is kept.
  --scope  能查询（和提交）哪个单位的问题，如 street:幸福街道、社区:xfl / the unit whose issues the key sees
  --write  允许提交问题（POST requests.json）/ may file issues
  --rate   每分钟最多调用次数，默认 60 / calls per minute, default 60`,
  briefing: `用法 Usage: riqing briefing --street 街道编码 --week YYYY-MM-DD|--month YYYY-MM --out 简报.docx [--dry-run]
  --street   街道的单位编码 / the street's unit code
  --week     周报：这一周（周一至周日）中的任一天 / a weekly briefing: any date of the week
  --month    月报：月份 / a monthly briefing: the month
  --out      Word 文件（.docx）写到这里 / where to write the .docx
  --dry-run  只生成文件，不登记期号（显示将用的期号）/ write the file but give the period no number
每个周期第一次生成时登记期号（第N期），之后再生成、日清服务发送都沿用同一期号。
A period is numbered the first time its briefing is made; later runs and the bot's own briefing keep that number.`,
  stats: `用法 Usage: riqing stats --unit 单位编码 --from YYYY-MM-DD --to YYYY-MM-DD [--format table|csv|json]
  --unit    单位编码：街道、社区、网格或部门 / the unit's code: street, community, grid or department
  --from    起始日期（含）/ first day (included)
  --to      截止日期（含）/ last day (included)
  --format  table 对齐的表格（默认）、csv 逗号分隔、json / aligned table (default), CSV or JSON
逐行列出该单位及其直接下级单位（含下属部门）的考核指标，口径见 docs/indicators.md。
One row for the unit and one for each unit directly under it (departments included); definitions in docs/indicators.md.`,
  remind: `用法 Usage: riqing remind [--now 2026-11-23T08:00:00+08:00] [--dry-run]
  --now      按这个时刻计算到期的提醒，默认现在 / run the sweep as of this instant (default now)
  --dry-run  只列出会发送的提醒，不发送 / list what would be sent, send nothing`,
};

/** A bad command line (node:util parseArgs errors), said in Chinese; `option` is the option or argument concerned. */
export const ARGUMENT_TEXTS = {
  unknownOption: (option: string) => `不认识的选项 ${option}`,
  extraArgument: (argument: string) => `多余的参数“${argument}”`,
  missingValue: (option: string) => `选项 ${option} 后面缺少值`,
  unexpectedValue: (option: string) => `选项 ${option} 不接受值`,
  /** The problem, then the usage to go by. */
  withUsage: (problem: string, usage: string) => `${problem}。\n\n${usage}`,
} as const;

/** What the verbs of src/cli/main.ts say. */
export const CLI_TEXTS = {
  resetOnlySandbox: "--reset 只用于沙箱模式（未配置飞书应用凭证时），正式运行的数据不会被清空。",
  migrated: (applied: readonly string[]) =>
    applied.length ? `已升级数据库：${applied.join("、")}` : "数据库已是最新，无需升级",
  moveArguments: "请用 --from 指定 SQLite 数据库（file:…），用 --to 指定空的 PostgreSQL 数据库（postgresql://…）",
  moving: "正在复制，全部核对无误后才提交；中途出错则目标数据库保持为空……",
  tableVerified: (table: string, rows: number, checksum: string) => `  ✓ ${table}：${rows} 行，校验和 ${checksum} 一致`,
  moved: (tables: number, rows: number) =>
    `已复制 ${tables} 张表共 ${rows} 行，逐表行数和校验和与源数据库一致。` +
    "把 DATABASE_URL 改为这个 PostgreSQL 连接串后重新启动日清；原来的 SQLite 文件请保留备份。",
  importWhichFile: "请指定要导入的文件，例如：riqing import examples/org.yaml",
  exportOnlyLedger:
    "目前只能导出台账：riqing export ledger --unit 单位编码 --from 2026-11-01 --to 2026-11-30 --out 台账.xlsx",
  exportMissing: (options: readonly string[]) =>
    `缺少参数：${options.map((o) => `--${o}`).join("、")}。例如：riqing export ledger --unit xfl --from 2026-11-01 --to 2026-11-30 --out 台账.xlsx`,
  badDate: "日期应写成 YYYY-MM-DD。",
  exported: (unit: string, issues: number, events: number, out: string) =>
    `已导出 ${unit} 台账：问题 ${issues} 件，处置记录 ${events} 条 → ${out}`,
  photosCopied: (count: number, dir: string) =>
    `照片 ${count} 张已复制到 ${dir}，台账中的照片链接指向这里，请与台账一起保存。`,
  photosMissing: (count: number) => `另有 ${count} 张照片的文件在数据目录中找不到，台账中标为“文件缺失”。`,
  unknownUnitCode: (code: string | undefined) => `没有找到单位编码“${code}”。`,
  unknownVerb: (verb: string) => `未知命令“${verb}”。\n`,
  crashed: (message: string) => `日清出错退出：${message}`,
} as const;

/** What `riqing stats` says besides the table. */
export const STATS_CLI_TEXTS = {
  missing: (options: readonly string[]) => `缺少参数：${options.map((o) => `--${o}`).join("、")}。`,
  badFormat: (format: string) => `--format 只能是 table、csv 或 json，不能是“${format}”。`,
  unitColumn: "单位",
  codeColumn: "编码",
  title: (unit: string, range: string, observed: string) => `${unit} 考核指标 · ${range}（统计时点 ${observed}）`,
} as const;

/** A --scope value of `riqing apikey create`: the level, a colon (half- or full-width), the unit's name or code. */
export const API_KEY_SCOPE = /^([^:：]+)[:：](.+)$/;

/** What `riqing apikey` says. */
export const API_KEY_TEXTS = {
  createWhat: "请写明系统名称和范围，例如：riqing apikey create --name 城运平台 --scope street:幸福街道 --write",
  badRate: (fallback: number) => `--rate 应为 1–6000 之间的整数（每分钟调用次数），默认 ${fallback}。`,
  created: (name: string, unit: string, write: boolean, rate: number, key: string) =>
    [
      `已为“${name}”创建接口密钥（范围：${unit}，${write ? "可查询和提交问题" : "只能查询"}，每分钟最多 ${rate} 次）：`,
      "",
      `  ${key}`,
      "",
      `密钥只显示这一次，系统中只保存它的摘要，请妥善交给对方系统的管理员。吊销：riqing apikey revoke --name ${name}`,
    ].join("\n"),
  nameTaken: (name: string) => `已有名为“${name}”的密钥。需要换新密钥时，先吊销旧的，再用新名称创建。`,
  noKeys: "还没有接口密钥。创建：riqing apikey create --name 城运平台 --scope street:幸福街道",
  /** One key in the list, tab-separated; `revokedOn` is the day it was revoked, if it was. */
  listed: (name: string, unit: string, write: boolean, rate: number, revokedOn: string | undefined) =>
    `${name}\t${unit}\t${write ? "查询+提交" : "只查询"}\t每分钟 ${rate} 次\t${revokedOn ? `已吊销（${revokedOn}）` : "有效"}`,
  revokeWhich: "请写明要吊销的密钥名称：riqing apikey revoke --name 城运平台",
  noSuchKey: (name: string) => `没有有效的名为“${name}”的密钥。`,
  revoked: (name: string) => `已吊销“${name}”的密钥，之后用它的调用都会被拒绝。`,
  whichAction: "用法：riqing apikey create|list|revoke，详见 riqing apikey --help",
  badScope: (levels: readonly string[]) =>
    `--scope 应写成“层级:单位名称或编码”，如 street:幸福街道 或 社区:xfl；层级可用：${levels.join("、")}`,
  noSuchUnit: (level: string, wanted: string) => `没有找到${level}“${wanted}”，请用导入文件中的单位名称或编码。`,
  ambiguousUnit: (wanted: string) => `“${wanted}”对应多个单位，请改用单位编码。`,
} as const;

/** What `riqing briefing` says. */
export const BRIEFING_CLI_TEXTS = {
  missing: (options: readonly string[]) =>
    `缺少参数：${options.map((o) => `--${o}`).join("、")}。例如：riqing briefing --street xfl --week 2026-11-23 --out 简报.docx`,
  oneCadence: "请在 --week（周报，给出这一周中的任一天）和 --month（月报，YYYY-MM）中选一个。",
  badWeek: (date: string) => `日期“${date}”无效，应为 YYYY-MM-DD（这一周中的任一天）。`,
  badMonth: (month: string) => `月份“${month}”无效，应为 YYYY-MM，例如 2026-11。`,
  unknownStreet: (code: string) => `没有找到单位编码“${code}”。`,
  written: (name: string, number: string, period: string, out: string) =>
    `已生成 ${name} ${number}（${period}）→ ${out}`,
  dryRun: (number: string) => `试运行：没有登记期号，正式生成时为${number}。`,
} as const;

/** What `riqing digest` and `riqing remind` say. */
export const JOB_TEXTS = {
  badDate: (date: string) => `日期“${date}”无效，应为 YYYY-MM-DD。`,
  /** `chat` is the chat asked for with --chat, if any. */
  noDigestChats: (chat: string | undefined) =>
    chat ? `群 ${chat} 没有绑定为工作群或领导群，没有日报。` : "没有绑定工作群或领导群，没有日报。",
  chatHeading: (name: string, chatId: string) => `==== ${name}（${chatId}）====`,
  chartWritten: (path: string) => `排名图已写入 ${path}`,
  noChart: "没有参与排名的单位，未生成排名图。",
  heldBack: (dueAt: string) =>
    `还没到这份日报的发送时间（${dueAt}），没有发送：到时日清服务会自动发送。` +
    "如需现在发送截至目前的日报，请加 --force（不算当天的日报，到时照常发送）。",
  queuedEarly: (dueAt: string) => `已加入发送队列：截至目前的日报，标题注明“截至”；当天的日报仍在 ${dueAt} 发送。`,
  queued: "已加入发送队列，由运行中的日清服务发出。",
  alreadySent: "这一天的日报已经发过，没有重复发送。",
  badTime: (time: string | undefined) => `时间“${time}”无效，应为 ISO 格式，例如 2026-11-23T08:00:00+08:00。`,
  noReminders: "此刻没有到期的提醒。",
  reminder: (dryRun: boolean, summary: string) => `${dryRun ? "将发送" : "已加入发送队列"}：${summary}`,
} as const;

/** What `riqing match` prints for each text: where and under which category it would be filed, and why. */
export const MATCH_TEXTS = {
  /** A keyword found as a homophone typo: the keyword, and what the text wrote. */
  typo: (keyword: string, found: string) => `${keyword}（原文“${found}”）`,
  place: (grid: string, point: string | null, word: string | null) =>
    `${grid}${point ? ` · ${point}` : ""}（认出“${word}”）`,
  noPlace: "未认出（上报人只负责一个网格时记在该网格，否则在卡片上选择）",
  categoryPending: "待定（卡片上请上报人从候选中点选）",
  noCategory: "未认出（卡片上请上报人选择）",
  candidate: (rank: number, name: string, code: string, score: number, words: readonly string[]) =>
    `${rank}. ${name}（${code}）${score} 分：${words.join("、")}`,
  /** The whole answer for one text: the text, then its place, category and candidates, one per line. */
  readable: (text: string, place: string, category: string, candidates: readonly string[]) =>
    [
      text,
      `  地点：${place}`,
      `  类别：${category}`,
      ...(candidates.length > 0
        ? candidates.map((c, i) => `${i === 0 ? "  候选：" : " ".repeat(8)}${c}`)
        : ["  候选：无"]),
    ].join("\n"),
  noCategories: "数据库里还没有问题类别：请先导入组织架构（riqing import 文件），或启动一次日清。",
} as const;
