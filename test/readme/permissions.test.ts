// behaviour §2.10, §2.11, §2.13
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS, type Permission } from "../../src/domain/permissions.ts";
import type { IssueStatus, Role } from "../../src/domain/types.ts";
import { ROLE_LABELS } from "../../src/texts/labels.ts";
import { permissionVerb } from "../../src/texts/permissions.ts";
import { type ClockDriver, clockDriver } from "../jobs/clock-harness.ts";
import { type BotHarness, ORG, reportIssue, startBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

const README = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");

/** README's role table (the one headed 身份 | 职责): name, duties, what they may do, as written. */
function roleTable(): { name: string; duties: string; may: string }[] {
  const lines = README.split("\n");
  const start = lines.findIndex((line) => /^\| 身份 \| 职责 \|/.test(line));
  if (start < 0) throw new Error("README has no role table (| 身份 | 职责 | …)");
  const header = cells(lines[start] ?? "");
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const row = cells(line);
    const at = (title: string) => row[header.indexOf(title)] ?? "";
    rows.push({ name: at("身份"), duties: at("职责"), may: at("可以做什么") });
  }
  return rows;
}

function cells(line: string): string[] {
  return line
    .split("|")
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/** How README lists what someone may do: the table's order, the refusals' words. */
const listed = (permissions: readonly Permission[]) =>
  (Object.keys(PERMISSIONS) as Permission[])
    .filter((p) => permissions.includes(p))
    .map(permissionVerb)
    .join(" · ");

/** The status each issue action is tried in: one it may start from. */
const TRIED_IN: Partial<Record<Permission, IssueStatus>> = {
  assign: "assigned",
  accept: "assigned",
  rectify: "accepted",
  send_back: "accepted",
  snooze: "assigned",
  verify: "rectified",
  refuse: "rectified",
  reject: "reported",
  edit: "assigned",
  merge: "reported",
  dismiss_duplicate: "assigned",
  answer_lookback: "closed",
  show: "assigned",
};

describe("README's role table", () => {
  it("says, under the table, what reporters and assignees may do whatever their roles", () => {
    const text = README.replace(/\n(?!\|)/g, "");
    const whoever = (flag: "assignee" | "reporter") =>
      listed((Object.keys(PERMISSIONS) as Permission[]).filter((p) => PERMISSIONS[p][flag]));
    expect(text).toContain(`上报人还可以：${whoever("reporter")}。`);
    expect(text).toContain(`责任人还可以：${whoever("assignee")}。`);
  });

  describe("in the demo street, each person may do what the table says, and nothing more", () => {
    let h: BotHarness;
    let clock: ClockDriver;
    beforeAll(async () => {
      h = await startBot({ mode: "webhook" });
      clock = clockDriver(h);
    });
    afterAll(async () => {
      h.emu.assertClean();
      await h.close();
    });

    it("each row, tried through the bot on the demo's issues, digest and groups", async () => {
      const p = (name: string) => h.people.get(name) ?? "";
      const report = (text: string, seed: number) =>
        reportIssue(h, { from: "何小燕", text, images: [samplePng(seed)] });
      // The walkthrough's issue (assigned to 郑晓红) and an enforcement one (dispatched to 城管执法中队).
      const issues = [
        await report("上报 幸福路菜市场门口堆物堆料", 1),
        await report("上报 幸福路菜市场门口有人摆摊", 2),
      ];
      const [xfl, cgzf, litter] = await Promise.all([
        h.bot.db.unit.findUniqueOrThrow({ where: { code: "xfl" } }),
        h.bot.db.unit.findUniqueOrThrow({ where: { code: "cgzf" } }),
        h.bot.db.category.findUniqueOrThrow({ where: { name: "乱扔垃圾" } }),
      ]);
      clock.advanceTo("2026-11-23 18:00");
      await clock.tick();
      const digest = h.emu
        .messages(ORG.chats.xflWork)
        .find((m) => m.sender.type === "app" && !m.parentId && JSON.stringify(m.content).includes("日清日报"));
      const date = "2026-11-23";
      await h.emu.userClicks({
        messageId: digest?.messageId ?? "",
        from: p("王建国"),
        value: { dg: "review", u: xfl.id, d: date },
        formValue: { comment: "明天上午前清零" },
      });
      await h.settle();
      const review = await h.bot.db.digestReview.findFirstOrThrow();
      const reviewCard = h.emu
        .messages(ORG.chats.xflWork)
        .find((m) => m.sender.type === "app" && JSON.stringify(m.content).includes("王建国的审阅意见"));

      const refused = (text: string | undefined) => (text ?? "").startsWith("只有");
      const ask = async (chatId: string, from: string, text: string) => {
        const sent = await h.emu.userSends({
          chatId,
          from,
          text,
          mentionBot: h.emu.chat(chatId)?.chatType === "group",
        });
        await h.settle();
        const answer = h.emu.messages(chatId).find((m) => m.parentId === sent.messageId && m.sender.type === "app");
        return (answer?.content as { text?: string } | undefined)?.text;
      };
      const click = async (messageId: string, from: string, value: Record<string, unknown>, option?: string) => {
        const answer = await h.emu.userClicks({
          messageId,
          from,
          value,
          ...(option && { option }),
          formValue: { reason: "不属于本网格", comment: "请尽快整改" },
        });
        await h.settle();
        return answer?.toast?.content;
      };

      /** Whether the person may take the permission on the issue: tried on the card, in a status it starts from. */
      const onIssue = async (permission: Permission, from: string, index: number): Promise<boolean> => {
        const issue = issues[index];
        if (!issue) throw new Error("no issue");
        const status = TRIED_IN[permission] ?? "assigned";
        await h.bot.db.issue.update({
          where: { id: issue.id },
          data: {
            status,
            assigneePersonId: issue.assigneePersonId,
            assigneeUnitId: issue.assigneeUnitId,
            categoryId: issue.categoryId,
            gridId: issue.gridId,
            pointId: issue.pointId,
            rectifiedById: null,
            closedAt: status === "closed" ? h.clock.now() : null,
            suspectedDuplicateOfId: permission === "merge" ? issues[1 - index]?.id : null,
          },
        });
        const card = issue.cardMessageId ?? "";
        switch (permission) {
          case "show":
            return !refused(await ask(h.emu.p2pChatId(from), from, `查 #${issue.number}`));
          case "snooze":
            return !refused(await click(card, from, { rm: "snooze", i: issue.id }));
          case "answer_lookback":
            return !refused(await click(card, from, { lb: "ok", i: issue.id }));
          case "edit":
            return !refused(await click(card, from, { a: "set_category", i: issue.id }, String(litter.id)));
          case "assign":
            return !refused(await click(card, from, { a: "assign", i: issue.id }, p("黄志明")));
          default:
            return !refused(await click(card, from, { a: permission, i: issue.id }));
        }
      };

      /** Whether the person may take the permission on a unit: 幸福里社区 (its group, its digest) or 城管执法中队. */
      const onUnit = async (permission: Permission, from: string, index: number): Promise<boolean> => {
        const [unit, chatId, name] =
          index === 0 ? [xfl, ORG.chats.xflWork, "幸福里社区"] : [cgzf, ORG.chats.cgzf, "城管执法中队"];
        const digestId = digest?.messageId ?? "";
        switch (permission) {
          case "use_commands":
            return !refused(await ask(chatId, from, "统计"));
          case "bind":
            return !refused(await ask(chatId, from, `绑定 ${name}`));
          case "list_overdue":
            return !refused(await click(digestId, from, { dg: "overdue", u: unit.id, d: date }));
          case "export_ledger":
            return !refused(await click(digestId, from, { dg: "ledger", u: unit.id, d: date }));
          case "review_digest":
            return !refused(await click(digestId, from, { dg: "review", u: unit.id, d: date }));
          case "read_review":
            // A review is read in the work group it was posted to.
            return (
              index === 0 && !refused(await click(reviewCard?.messageId ?? "", from, { rv: "read", r: review.id }))
            );
          case "check_in":
            // Tried at 幸福路菜市场 without a photo: the allowed are asked for one, the others refused.
            return index === 0 && !refused(await ask(chatId, from, "巡查 幸福路菜市场 无问题"));
          default:
            throw new Error(`no probe for ${permission}`);
        }
      };

      const found: string[] = [];
      const written: string[] = [];
      for (const row of roleTable()) {
        const from = p(row.name);
        expect(from, row.name).not.toBe("");
        const may: Permission[] = [];
        for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
          const probe = PERMISSIONS[permission].on === "issue" ? onIssue : onUnit;
          if ((await probe(permission, from, 0)) || (await probe(permission, from, 1))) may.push(permission);
        }
        const person = await h.bot.db.person.findUniqueOrThrow({
          where: { openId: from },
          include: { duties: { orderBy: { id: "asc" }, include: { unit: true } } },
        });
        const byRole = new Map<string, string[]>();
        for (const duty of person.duties) {
          const role = ROLE_LABELS[duty.role as Role];
          byRole.set(role, [...(byRole.get(role) ?? []), duty.unit.name]);
        }
        const duties = [...byRole].map(([role, units]) => `${units.join("、")} · ${role}`).join("；");
        found.push(`| ${row.name} | ${duties} | ${listed(may)} |`);
        written.push(`| ${row.name} | ${row.duties} | ${row.may} |`);
      }
      expect(written.join("\n")).toBe(found.join("\n"));
    }, 300_000);
  });
});
