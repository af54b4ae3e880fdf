import { describe, expect, it } from "vitest";
import { ownersOf } from "../../src/db/owners.ts";
import { insertIssuesFast, seededDb, sh } from "../reports/stats-fixture.ts";

describe("ownersOf", () => {
  // More issues than one query may bind (a street's digest lists across a whole city name thousands).
  const count = 1_200;
  const f = seededDb(
    Array.from({ length: count }, (_, i) => ({
      number: i + 1,
      grid: "G11",
      category: "DUI",
      status: "accepted" as const,
      reportedAt: sh("2026-11-20 08:00"),
      // Every other issue was accepted (接单) by someone else than its assignee.
      events: i % 2 === 0 ? [{ type: "accept", at: sh("2026-11-20 09:00") }] : [],
    })),
    insertIssuesFast,
  );

  it("names the owner of each of more issues than one query binds", async () => {
    const accepter = f.org.people[2] as number;
    await f.db.issueEvent.updateMany({ where: { type: "accept" }, data: { actorId: accepter } });
    const issues = await f.db.issue.findMany({
      select: { id: true, number: true, assigneePersonId: true, assigneeUnitId: true },
    });
    const owners = await ownersOf(f.db, issues);
    expect(owners.size).toBe(count);
    const names = issues.map((i) => (i.number % 2 === 1 ? "王五" : "李四"));
    expect(
      issues.map((i) =>
        owners
          .get(i.id)
          ?.people.map((p) => p.name)
          .join(),
      ),
    ).toEqual(names);
  });
});
