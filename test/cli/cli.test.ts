import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { postToSandbox } from "../sandbox/support.ts";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "riqing-cli-"));

/** Runs `riqing …` as a user would, with a clean environment pointing at a temp database; `input` is its stdin. */
function riqing(args: string[], env: Record<string, string> = {}, input = "") {
  const result = spawnSync(process.execPath, [join(ROOT, "bin/riqing.js"), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: `file:${join(dir, "riqing.db")}`, DATA_DIR: dir, ...env },
    encoding: "utf8",
    input,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** A running `riqing start` in sandbox mode: its page's origin, what it printed, and Ctrl+C. */
interface RunningSandbox {
  origin: string;
  out: string;
  /** Sends SIGINT and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

/** Starts `riqing start …` with no Lark credentials, on a free port, and waits for the URL it prints. */
async function startSandboxCli(args: string[], dataDir: string): Promise<RunningSandbox> {
  const child = spawn(process.execPath, [join(ROOT, "bin/riqing.js"), "start", ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent" },
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sandbox URL in time; printed:\n${out}`)), 60_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const found = /http:\/\/127\.0\.0\.1:\d+\/sandbox/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    });
    child.once("exit", (code) => reject(new Error(`riqing start exited with ${code}:\n${out}`)));
  });
  return {
    origin: new URL(url).origin,
    out,
    async interrupt() {
      child.kill("SIGINT");
      const [code] = await once(child, "exit");
      return code as number | null;
    },
  };
}

/**
 * The sandbox's messages in one chat. Only one chat is looked at: the demo's clock starts at 09:00 today, and on a
 * Monday or the 1st the leader group gets its 工作简报 then.
 */
async function sandboxMessages(sandbox: RunningSandbox, chatId: string | undefined): Promise<{ msgType: string }[]> {
  const all = (await (await fetch(`${sandbox.origin}/sandbox/api/messages`)).json()) as {
    msgType: string;
    chatId: string;
  }[];
  return all.filter((m) => m.chatId === chatId);
}

/** The same, without blocking, so several runs overlap; a run still going after 30 s is killed and fails. */
function riqingAsync(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [join(ROOT, "bin/riqing.js"), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", DATABASE_URL: `file:${join(dir, "riqing.db")}`, DATA_DIR: dir, ...env },
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const timer = setTimeout(() => child.kill(), 30_000);
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each step starts the real command, which loads the TypeScript sources through tsx: a test of several steps needs
// more than the default 30 s on a busy two-core machine.
describe("riqing CLI", { timeout: 120_000 }, () => {
  it("migrates, imports the example org twice (the second time: no change) and exports a ledger", async () => {
    expect(riqing(["migrate"])).toMatchObject({ code: 0, out: expect.stringContaining("已升级数据库") });
    const first = riqing(["import", join(ROOT, "examples/org.yaml")]);
    expect(first.code).toBe(0);
    expect(first.out).toContain("单位 新增 19");
    const again = riqing(["import", join(ROOT, "examples/org.xlsx")]);
    expect(again.out).toContain("无变化");
    const out = join(dir, "台账.xlsx");
    const exported = riqing([
      "export",
      "ledger",
      "--unit",
      "xfjd",
      "--from",
      "2026-11-01",
      "--to",
      "2026-11-30",
      "--out",
      out,
    ]);
    expect(exported).toMatchObject({ code: 0, out: expect.stringContaining("已导出 幸福街道 台账") });
    expect(existsSync(out)).toBe(true);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.getWorksheet("网格汇总")).toBeDefined();
  });

  it("creates, lists and revokes Open311 API keys, printing a key once and keeping only its hash", async () => {
    const created = riqing(["apikey", "create", "--name", "城运平台", "--scope", "street:幸福街道", "--write"]);
    expect(created.code).toBe(0);
    const key = /rq_[\w-]{43}/.exec(created.out)?.[0] ?? "";
    expect(created.out).toContain("范围：幸福街道，可查询和提交问题，每分钟最多 60 次");
    expect(riqing(["apikey", "create", "--name", "城运平台", "--scope", "街道:xfjd"])).toMatchObject({
      code: 1,
      err: expect.stringContaining("已有名为“城运平台”的密钥"),
    });
    expect(riqing(["apikey", "create", "--name", "x", "--scope", "幸福街道"]).err).toContain("--scope 应写成");
    expect(riqing(["apikey", "create", "--name", "x", "--scope", "community:不存在"]).err).toContain(
      "没有找到社区“不存在”",
    );
    expect(riqing(["apikey", "list"]).out).toMatch(/城运平台\t幸福街道\t查询\+提交\t每分钟 60 次\t有效/);
    const { openDb } = await import("../../src/db/client.ts");
    const db = await openDb(`file:${join(dir, "riqing.db")}`);
    try {
      const stored = await db.apiKey.findUniqueOrThrow({ where: { name: "城运平台" } });
      expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(key);
    } finally {
      await db.$disconnect();
    }
    expect(riqing(["apikey", "revoke", "--name", "城运平台"])).toMatchObject({
      code: 0,
      out: expect.stringContaining("已吊销"),
    });
    expect(riqing(["apikey", "list"]).out).toContain("已吊销");
    expect(riqing(["apikey", "revoke", "--name", "城运平台"]).code).toBe(1);
  });

  it("stops on bad configuration with one line per variable", () => {
    const bad = riqing(["migrate"], { PORT: "x", RIQING_TIMEZONE: "Mars/Base" });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("PORT：");
    expect(bad.err).toContain("RIQING_TIMEZONE：");
  });

  // behaviour §13.9
  it("start: webhook mode without the verification token does not start, and says where to find it", () => {
    const webhook = { LARK_APP_ID: "cli_0123456789abcdef", LARK_APP_SECRET: "secret", LARK_EVENT_MODE: "webhook" };
    const refused = riqing(["start"], webhook);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/LARK_VERIFICATION_TOKEN：未设置.*开发者后台 → 事件与回调 → 加密策略/);
  });

  it("explains unknown commands, missing arguments and bad dates in Chinese", async () => {
    expect(riqing(["fly"])).toMatchObject({ code: 2, err: expect.stringContaining("未知命令“fly”") });
    expect(riqing(["export", "ledger", "--unit", "xfl"]).err).toContain("缺少参数：--from、--to、--out");
    expect(riqing(["import"]).err).toContain("请指定要导入的文件");
    // behaviour §5.3: the ledger's dates are checked as in chat.
    const ledger = (from: string, to: string) =>
      riqingAsync(["export", "ledger", "--unit", "xfl", "--from", from, "--to", to, "--out", join(dir, "x.xlsx")]);
    const [impossible, reversed, malformed] = await Promise.all([
      ledger("2026-02-30", "2026-03-01"),
      ledger("2026-03-05", "2026-03-01"),
      ledger("11/1", "2026-03-01"),
    ]);
    expect(impossible).toMatchObject({ code: 2, err: expect.stringContaining("没有 2026-02-30 这一天") });
    expect(reversed?.err).toContain("开始日期 2026-03-05 晚于结束日期 2026-03-01");
    expect(malformed?.err).toContain("日期应写成 YYYY-MM-DD");
  });

  it("match: prints the place, the category and the top three with scores and deciding words, for texts or stdin", () => {
    const env = { DATABASE_URL: `file:${join(dir, "match.db")}` };
    expect(riqing(["match", "堆了好多纸箱"], env)).toMatchObject({
      code: 1,
      err: expect.stringContaining("数据库里还没有问题类别"),
    });
    expect(riqing(["import", join(ROOT, "examples/org.yaml")], env).code).toBe(0);

    const plain = riqing(["match", "堆了好多纸箱", "上报 幸福路菜市场门口的摊贩把纸箱堆在路上，三轮车也乱停"], env);
    expect(plain.code).toBe(0);
    expect(plain.out.split("\n").slice(0, 9)).toEqual([
      "堆了好多纸箱",
      "  地点：未认出（上报人只负责一个网格时记在该网格，否则在卡片上选择）",
      "  类别：堆物堆料",
      "  候选：1. 堆物堆料（piled-materials）1.25 分：纸箱、堆",
      "上报 幸福路菜市场门口的摊贩把纸箱堆在路上，三轮车也乱停",
      "  地点：幸福里第一网格 · 幸福路菜市场（认出“幸福路菜市场”）",
      "  类别：待定（卡片上请上报人从候选中点选）",
      "  候选：1. 堆物堆料（piled-materials）1.25 分：纸箱、堆",
      "        2. 车辆乱停乱放（illegal-parking）1 分：乱停",
    ]);
    expect(riqing(["match", "3号楼有人飞线冲电"], env).out).toContain("飞线充电（原文“飞线冲电”）");

    const json = riqing(["match", "--json", "--unit", "dfl"], env, "東風路小學門口井蓋不見了\n\n今天天气不错\n");
    expect(json.code).toBe(0);
    const lines = json.out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        text: "東風路小學門口井蓋不見了",
        category: { code: "missing-manhole-cover", name: "井盖缺失" },
        candidates: [{ code: "missing-manhole-cover", name: "井盖缺失", score: 1, words: ["井盖"] }],
        place: { grid: { code: "dfl-01", name: "东风路第一网格" }, point: "东风路小学门口", word: "东风路小学门口" },
      },
      { text: "今天天气不错", category: null, candidates: [], place: null },
    ]);

    expect(riqing(["match", "--unit", "nope", "井盖没了"], env)).toMatchObject({
      code: 1,
      err: expect.stringContaining("没有找到单位编码“nope”"),
    });
    const bad = riqing(["match", "--jsonl"], env);
    expect(bad).toMatchObject({ code: 2, err: expect.stringContaining("不认识的选项 --jsonl") });
    expect(bad.err).toContain("riqing match [--json]");
  }, 90_000); // five riqing processes, each loading the segmenter

  it("start: the sandbox resumes after Ctrl+C, and --reset starts it again from the demo", async () => {
    const dataDir = join(dir, "sandbox-cli");
    const first = await startSandboxCli([], dataDir);
    expect(first.out).toContain("已载入演示街道");
    const state = (await (await fetch(`${first.origin}/sandbox/api/state`)).json()) as {
      people: { name: string; openId: string }[];
      chats: { name: string; chatId: string }[];
    };
    const workGroup = state.chats.find((c) => c.name === "幸福里社区创城工作群")?.chatId;
    await postToSandbox(first.origin, "messages", {
      chatId: workGroup,
      from: state.people.find((p) => p.name === "何小燕")?.openId,
      text: "上报 幸福路菜市场门口堆物堆料",
      photos: [{ sample: "market-boxes" }],
    });
    await expect
      .poll(async () => (await sandboxMessages(first, workGroup)).map((m) => m.msgType), { timeout: 20_000 })
      .toEqual(["post", "interactive"]);
    expect(await first.interrupt()).toBe(0);

    const second = await startSandboxCli([], dataDir);
    expect(second.out).toContain("已恢复上次的沙箱");
    expect((await sandboxMessages(second, workGroup)).map((m) => m.msgType)).toEqual(["post", "interactive"]);
    expect(await second.interrupt()).toBe(0);

    const third = await startSandboxCli(["--reset"], dataDir);
    expect(third.out).toContain("已载入演示街道");
    expect(await sandboxMessages(third, workGroup)).toEqual([]);
    expect(await third.interrupt()).toBe(0);
  }, 120_000);

  it("start --reset is refused outside sandbox mode", () => {
    const refused = riqing(["start", "--reset"], { LARK_APP_ID: "cli_0123456789abcdef", LARK_APP_SECRET: "secret" });
    expect(refused).toMatchObject({ code: 2, err: expect.stringContaining("--reset 只用于沙箱模式") });
  });

  it("prints a verb's own usage for --help and does nothing else", async () => {
    const VERBS = ["start", "migrate", "import", "export", "doctor", "digest", "remind", "match", "apikey", "briefing"];
    const untouched = join(dir, "help", "riqing.db");
    const env = { DATABASE_URL: `file:${untouched}` };
    const runs = await Promise.all(VERBS.map((verb) => riqingAsync([verb, "--help"], env)));
    for (const [i, verb] of VERBS.entries()) {
      expect(runs[i], verb).toMatchObject({ code: 0, err: "", out: expect.stringContaining(`riqing ${verb}`) });
      expect(runs[i]?.out, verb).toContain("用法 Usage");
    }
    expect(runs[2]?.out).toContain("--dry-run");
    expect(runs[3]?.out).toContain("--unit");
    expect(runs[5]?.out).toContain("--force");
    expect(runs[6]?.out).toContain("--now");
    expect(runs[7]?.out).toContain("--json");
    expect(existsSync(untouched)).toBe(false);
  });

  it("explains a bad option or an extra argument in Chinese with the verb's usage, exit code 2", async () => {
    const [unknown, missing, extra, flagValue, digest] = await Promise.all([
      riqingAsync(["import", "--bogus", "org.yaml"]),
      riqingAsync(["export", "ledger", "--unit"]),
      riqingAsync(["migrate", "now"]),
      riqingAsync(["import", "--dry-run=yes", "org.yaml"]),
      riqingAsync(["digest", "--tomorrow"]),
    ]);
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining("不认识的选项 --bogus") });
    expect(unknown?.err).toContain("riqing import <文件 file>");
    expect(missing).toMatchObject({ code: 2, err: expect.stringContaining("选项 --unit 后面缺少值") });
    expect(missing?.err).toContain("riqing export ledger");
    expect(extra).toMatchObject({ code: 2, err: expect.stringContaining("多余的参数“now”") });
    expect(flagValue).toMatchObject({ code: 2, err: expect.stringContaining("选项 --dry-run 不接受值") });
    expect(digest).toMatchObject({ code: 2, err: expect.stringContaining("不认识的选项 --tomorrow") });
    expect(digest?.err).toContain("riqing digest [--date YYYY-MM-DD]");
    for (const run of [unknown, missing, extra, flagValue, digest]) {
      expect(run?.err).not.toMatch(/Unknown option|ERR_PARSE_ARGS|at .*\.ts:\d+/);
    }
  });
});

describe("riqing import with Lark credentials", () => {
  it("asks Lark which imported open_ids it knows and names the unknown ones with the step to fix", async () => {
    const folder = mkdtempSync(join(tmpdir(), "riqing-cli-lark-"));
    const emu = await LarkEmulator.start({ appId: "cli_0123456789abcdef", appSecret: "secret" });
    try {
      // Lark knows nobody but 何小燕: everyone else's open_id in the file belongs to another app.
      emu.addUser({ openId: "ou_4ab8fd1436e85dcc70dec9b1a5b6927e", name: "何小燕" });
      const result = await riqingAsync(["import", join(ROOT, "examples/org.yaml")], {
        DATABASE_URL: `file:${join(folder, "riqing.db")}`,
        LARK_APP_ID: "cli_0123456789abcdef",
        LARK_APP_SECRET: "secret",
        LARK_DOMAIN: emu.baseUrl,
      });
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/✗ 人员 open_id：\d+ 人的 open_id 飞书不认识/);
      expect(result.out).toContain("第 6 步");
    } finally {
      await emu.close();
      rmSync(folder, { recursive: true, force: true });
    }
    emu.assertClean();
  });
});
