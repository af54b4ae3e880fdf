// behaviour §1.9
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ORG, reportProblem, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

const ROOT = join(import.meta.dirname, "../..");

describe("a re-import that removes a person's duty", () => {
  const h = useBot({ mode: "webhook" });
  const p = (name: string) => h().people.get(name) ?? "";

  /** Runs `riqing import <file> [--dry-run]` on the bot's database, as an operator would beside the running bot. */
  const riqingImport = async (file: string, ...flags: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, "bin/riqing.js"), "import", file, ...flags],
      {
        cwd: h().dir,
        env: { PATH: process.env.PATH ?? "", DATABASE_URL: h().databaseUrl, DATA_DIR: h().dir },
      },
    );
    return stdout;
  };

  it("passes their open issues to the grid's head or the street's dispatcher, lists them, and tells each thread", async () => {
    const market = await reportProblem(h(), {
      from: "何小燕",
      text: "上报 幸福路菜市场门口堆物",
      images: [samplePng(1)],
    });
    await h().emu.userSends({ chatId: ORG.chats.xflWork, from: p("郑晓红"), replyTo: market.messageId, text: "接单" });
    await h().settle();
    const garden = await reportProblem(h(), {
      from: "何小燕",
      text: "上报 幸福里小游园乱扔垃圾",
      images: [samplePng(2)],
    });
    const issue = (messageId: string) =>
      h().bot.db.issue.findFirstOrThrow({ where: { sourceMessageId: messageId }, include: { assigneePerson: true } });
    expect((await issue(market.messageId)).status).toBe("accepted");
    expect((await issue(garden.messageId)).assigneePerson?.name).toBe("郑晓红");

    // 郑晓红 leaves both grids; 黄志明 becomes the head of the first, the second has no head.
    const file = join(h().dir, "roster.yaml");
    writeFileSync(
      file,
      [
        "units:",
        "  - { code: xfl-01, name: 幸福里第一网格, parent: xfl, level: 网格 }",
        "  - { code: xfl-02, name: 幸福里第二网格, parent: xfl, level: 网格 }",
        "people:",
        `  - { name: 郑晓红, open_id: ${p("郑晓红")}, duties: [] }`,
        `  - { name: 黄志明, open_id: ${p("黄志明")}, duties: [{ unit: xfl-01, role: 网格长 }] }`,
        "",
      ].join("\n"),
    );
    const listing = "#1001 郑晓红 → 黄志明\n  #1002 郑晓红 → 陈静";
    const dry = await riqingImport(file, "--dry-run");
    expect(dry).toContain(`将有 2 个未办结问题的责任人已不再任职，将转交：\n  ${listing}`);
    expect((await issue(garden.messageId)).assigneePerson?.name).toBe("郑晓红");

    expect(await riqingImport(file)).toContain(`有 2 个未办结问题的责任人已不再任职，已转交：\n  ${listing}`);
    await h().settle();
    const first = await issue(market.messageId);
    expect(first).toMatchObject({ status: "assigned", acceptedAt: null, assigneePerson: { name: "黄志明" } });
    expect((await issue(garden.messageId)).assigneePerson?.name).toBe("陈静");
    const handover = await h().bot.db.issueEvent.findFirstOrThrow({ where: { issueId: first.id, type: "handover" } });
    expect(handover.reason).toBe("原责任人 郑晓红 已不在本网格任职（组织架构导入）");
    expect((handover.data as { changes?: unknown }).changes).toMatchObject({
      status: { from: "accepted", to: "assigned" },
      owner: { from: { name: "郑晓红" }, to: { name: "黄志明" } },
    });

    const notices = h()
      .emu.messages(ORG.chats.xflWork)
      .filter((m) => m.sender.type === "app" && m.msgType === "text")
      .map((m) => (m.content as { text: string }).text);
    expect(notices).toContainEqual(
      expect.stringContaining("#1001 原责任人 郑晓红 已不在本网格任职，问题已转交给 黄志明"),
    );
    expect(notices).toContainEqual(
      expect.stringContaining("#1002 原责任人 郑晓红 已不在本网格任职，问题已转交给 陈静"),
    );
  });
});
