// behaviour §8.5
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importOrg } from "../../src/org/import-org.ts";
import { buildDigests } from "../../src/reports/digest.ts";
import { ORG, reportProblem, useBot } from "../support/bot.ts";
import { samplePng } from "../support/images.ts";

const DAY = 24 * 3_600_000;

describe("figures of a past day after a re-import moves a grid", () => {
  const h = useBot({ mode: "webhook" });

  /** The digests of 幸福里社区, 东风路社区 and 幸福街道 for a date, seen the morning after. */
  const digests = async (date: string) => {
    const units = await h().bot.db.unit.findMany({ where: { code: { in: ["xfl", "dfl", "xfjd"] } } });
    const byCode = new Map(units.map((u) => [u.code, u.id]));
    const now = new Date(Date.parse(`${date}T02:00:00Z`) + DAY);
    const built = await buildDigests(
      h().bot.db,
      ["xfl", "dfl", "xfjd"].map((code) => ({
        unitId: byCode.get(code) ?? 0,
        date,
        now,
        timeZone: "Asia/Shanghai",
        minRankedIssues: 1,
      })),
    );
    return Object.fromEntries(built.map((d) => [d.unit.code, d]));
  };

  it("keeps yesterday's digest figures, and counts what is filed after the move where the grid is now", async () => {
    await reportProblem(h(), { from: "何小燕", text: "上报 幸福路菜市场门口堆物", images: [samplePng(1)] });
    await reportProblem(h(), { from: "何小燕", text: "上报 幸福里商业街宣传栏破损", images: [samplePng(2)] });
    const before = await digests("2026-11-23");
    expect(before.xfl?.stats.found).toBe(2);
    expect(before.dfl?.stats.found).toBe(0);

    const file = join(h().dir, "moved.yaml");
    writeFileSync(file, "units:\n  - { code: xfl-01, name: 幸福里第一网格, parent: dfl, level: 网格 }\n");
    expect((await importOrg(h().bot.db, file)).ok).toBe(true);

    const after = await digests("2026-11-23");
    for (const code of ["xfl", "dfl", "xfjd"]) expect(after[code]?.stats, code).toEqual(before[code]?.stats);
    expect(after.xfjd?.ranking).toEqual(before.xfjd?.ranking);
    // Its lists still name the community the issue was filed in.
    expect(before.xfl?.dueTomorrow.map((i) => i.community)).toEqual(["幸福里社区"]);
    expect(after.xfl?.dueTomorrow).toEqual(before.xfl?.dueTomorrow);

    h().clock.advance(DAY);
    await reportProblem(h(), {
      from: "何小燕",
      text: "上报 幸福路菜市场门口又有堆物",
      images: [samplePng(3)],
      chatId: ORG.chats.dflWork,
    });
    const next = await digests("2026-11-24");
    expect(next.dfl?.stats.found).toBe(1);
    expect(next.xfl?.stats.found).toBe(0);
  });
});
