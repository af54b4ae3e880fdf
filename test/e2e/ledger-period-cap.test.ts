// behaviour §9.5
import { describe, expect, it } from "vitest";
import { askInChat, reportProblem, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

describe("台账 in chat: at most 366 days", () => {
  const h = useBot({ mode: "webhook" });

  /** Asks for a ledger in 幸福里's work group as its secretary; returns the bot's replies to the message. */
  const askLedger = (text: string) => askInChat(h(), { from: "李秀英", text });

  it("answers a longer period at once with the cap and the command that exports it, and exports nothing", async () => {
    await reportProblem(h(), { from: "何小燕", images: [samplePng(1)] });
    const replies = await askLedger("台账 2000-01-01~2099-12-31");
    expect(replies.map((m) => m.msgType)).toEqual(["text"]);
    expect(replies[0]?.content).toEqual({
      text:
        "台账在群里一次最多导出 366 天。更长的时间请管理员在服务器上用命令行导出：" +
        "riqing export ledger --unit xfl --from 2000-01-01 --to 2099-12-31 --out 台账.xlsx",
    });
    expect(await h().bot.db.jobRun.count({ where: { kind: "ledger.export" } })).toBe(0);
  });

  it("exports a period of exactly 366 days", async () => {
    await reportProblem(h(), { from: "何小燕", images: [samplePng(1)] });
    const replies = await askLedger("台账 2025-11-23~2026-11-23");
    expect(replies.map((m) => m.msgType)).toEqual(["text", "file"]);
  });
});
