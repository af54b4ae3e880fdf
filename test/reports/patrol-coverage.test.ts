import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importOrg } from "../../src/org/import-org.ts";
import { coverageTable, missedPatrols, patrolReport, patrolsForToday } from "../../src/reports/patrol-coverage.ts";
import { unitStats } from "../../src/reports/stats.ts";
import { createTestDb, type TestDb } from "../support/db.ts";

const TZ = "Asia/Shanghai";
/** A local time in Shanghai on a day of the week of 2026-11-23 (Monday). */
const at = (date: string, time = "10:00") => new Date(`${date}T${time}:00+08:00`);
const WEEK = { from: at("2026-11-23", "00:00"), to: at("2026-11-30", "00:00") };

describe("patrol coverage (behaviour §14)", () => {
  let t: TestDb;
  const ids = { person: new Map<string, number>(), unit: new Map<string, number>(), point: new Map<string, number>() };
  let visitNo = 0;
  beforeEach(async () => {
    t = await createTestDb();
    for (const f of ["org.yaml", "patrols.yaml"]) {
      const r = await importOrg(t.db, join(import.meta.dirname, "../../examples", f));
      expect(r.problems).toEqual([]);
    }
    for (const p of await t.db.person.findMany()) ids.person.set(p.name, p.id);
    for (const u of await t.db.unit.findMany()) ids.unit.set(u.code, u.id);
    for (const p of await t.db.point.findMany()) ids.point.set(p.code, p.id);
  });
  afterEach(async () => {
    await t.close();
  });

  const visit = (who: string, point: string, when: Date, result: "ok" | "problems" = "ok") =>
    t.db.patrolVisit.create({
      data: {
        personId: ids.person.get(who) as number,
        pointId: ids.point.get(point) as number,
        at: when,
        result,
        text: "",
        chatId: "oc_test",
        sourceMessageId: `om_${++visitNo}`,
      },
    });
  const names = (list: { point: { code: string }; level: string }[]) => list.map((c) => `${c.point.code}:${c.level}`);

  it("lists what is missed on the day, key points first, counting only visits by the people a plan names", async () => {
    await visit("王建国", "xfl-01-01", at("2026-11-24"));
    await visit("何小燕", "xfl-01-01", at("2026-11-24"));
    // 张伟 is 东风路's secretary: his visit does not answer for 幸福里's plan.
    await visit("张伟", "xfl-02-01", at("2026-11-24"));
    // Yesterday's visit does not answer for today.
    await visit("何小燕", "xfl-01-02", at("2026-11-23"));

    const community = await missedPatrols(t.db, {
      unitId: ids.unit.get("xfl") as number,
      at: at("2026-11-24", "18:00"),
      timeZone: TZ,
    });
    expect(names(community)).toEqual([
      "xfl-03-01:community",
      "xfl-04-01:community",
      "xfl-01-02:community",
      "xfl-02-01:community",
    ]);
    const street = await missedPatrols(t.db, {
      unitId: ids.unit.get("xfjd") as number,
      at: at("2026-11-24", "18:00"),
      timeZone: TZ,
    });
    expect(names(street).slice(0, 2)).toEqual(["dfl-01-01:leader", "hp-01-01:leader"]);
    // The weekly plans are not due before Friday.
    expect(names(street).some((n) => n.endsWith(":department"))).toBe(false);
    const friday = await missedPatrols(t.db, {
      unitId: ids.unit.get("xfjd") as number,
      at: at("2026-11-27", "18:00"),
      timeZone: TZ,
    });
    expect(names(friday).filter((n) => n.endsWith(":department"))).toEqual([
      "hp-02-01:department",
      "xfl-01-01:department",
      "xfl-04-01:department",
    ]);
  });

  it("gives a patroller today's points, the ones still to visit first", async () => {
    await visit("王建国", "xfl-01-01", at("2026-11-24", "09:00"));
    const today = await patrolsForToday(t.db, {
      personId: ids.person.get("王建国") as number,
      at: at("2026-11-24", "15:00"),
      timeZone: TZ,
    });
    expect(today.map((p) => [p.point.code, p.visited])).toEqual([
      ["dfl-01-01", false],
      ["hp-01-01", false],
      ["xfl-01-01", true],
    ]);
    // Saturday: a working-days plan asks for nothing.
    expect(
      await patrolsForToday(t.db, { personId: ids.person.get("王建国") as number, at: at("2026-11-28"), timeZone: TZ }),
    ).toEqual([]);
    const worker = await patrolsForToday(t.db, {
      personId: ids.person.get("何小燕") as number,
      at: at("2026-11-24"),
      timeZone: TZ,
    });
    expect(worker.map((p) => p.point.code).sort()).toEqual([
      "xfl-01-01",
      "xfl-01-02",
      "xfl-02-01",
      "xfl-03-01",
      "xfl-04-01",
    ]);
  });

  it("tables a week per person and per point", async () => {
    for (const d of ["23", "24", "25", "26", "27"]) await visit("王建国", "xfl-01-01", at(`2026-11-${d}`));
    await visit("孙浩", "xfl-04-01", at("2026-11-25"), "problems");
    const table = await coverageTable(t.db, { unitId: ids.unit.get("xfjd") as number, period: WEEK, timeZone: TZ });
    const wang = table.byPerson.find((p) => p.name === "王建国");
    expect(wang).toMatchObject({ visits: 5, points: 1, due: 15, met: 5, withProblems: 0 });
    expect(table.byPerson.find((p) => p.name === "孙浩")).toMatchObject({ visits: 1, points: 1, withProblems: 1 });
    const market = table.byPoint.find((p) => p.point.code === "xfl-01-01");
    expect(market?.byLevel).toEqual({
      leader: { due: 5, met: 5 },
      department: { due: 1, met: 0 },
      community: { due: 7, met: 0 },
    });
    const street = table.byPoint.find((p) => p.point.code === "xfl-04-01");
    expect(street?.byLevel.department).toEqual({ due: 1, met: 1 });
    expect(table.byPoint[0]?.point.key).toBe(true);
    expect(table.due).toBe(table.byPoint.reduce((n, p) => n + p.due, 0));
  });

  it("counts the problems found on patrols with the statistics module's own figures", async () => {
    const found = await visit("何小燕", "xfl-01-01", at("2026-11-24"), "problems");
    const grid = ids.unit.get("xfl-01") as number;
    const placed = {
      gridId: grid,
      communityId: ids.unit.get("xfl") as number,
      streetId: ids.unit.get("xfjd") as number,
    };
    await t.db.issue.create({
      data: {
        number: 1001,
        text: "门口堆物",
        status: "reported",
        reportedAt: at("2026-11-24"),
        ...placed,
        patrolVisitId: found.id,
      },
    });
    await t.db.issue.create({
      data: { number: 1002, text: "小广告", status: "reported", reportedAt: at("2026-11-24"), ...placed },
    });
    const day = { from: at("2026-11-24", "00:00"), to: at("2026-11-25", "00:00") };
    const street = ids.unit.get("xfjd") as number;
    const report = await patrolReport(t.db, {
      unitId: street,
      period: day,
      asOf: at("2026-11-24", "18:00"),
      timeZone: TZ,
    });
    expect(report).toMatchObject({ visits: 1, patrollers: 1, pointsVisited: 1, withProblems: 1 });
    expect(report.problems.found).toBe(1);
    expect(report.problems.open).toBe(1);
    const all = await unitStats(t.db, street, day, at("2026-11-24", "18:00"));
    expect(all.found).toBe(2);
    expect(report.byLevel.community).toEqual({ due: 12, met: 1 });
  });
});
