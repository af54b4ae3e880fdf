/** What `riqing <verb> --help` prints, and how a bad command line is explained (in Chinese). */

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
  remind: `用法 Usage: riqing remind [--now 2026-11-23T08:00:00+08:00] [--dry-run]
  --now      按这个时刻计算到期的提醒，默认现在 / run the sweep as of this instant (default now)
  --dry-run  只列出会发送的提醒，不发送 / list what would be sent, send nothing`,
};

/** An error of node:util parseArgs (unknown option, missing value, extra argument), said in Chinese. */
export function argumentProblem(error: unknown): string | undefined {
  const { code, message } = error as { code?: unknown; message?: string };
  if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) return undefined;
  const quoted = /'([^' ]+)/.exec(message ?? "")?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `不认识的选项 ${quoted}`;
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `多余的参数“${quoted}”`;
  if (message?.includes("argument missing")) return `选项 ${quoted} 后面缺少值`;
  return `选项 ${quoted} 不接受值`;
}
