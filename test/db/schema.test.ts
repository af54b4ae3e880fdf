import { describe, expect, it } from "vitest";
import { postgresSchema, schemaDrift } from "../../scripts/schema.ts";

describe("one schema source", () => {
  it("has the PostgreSQL schema generated from the SQLite one and a migration for every change (CI's drift check)", () => {
    expect(schemaDrift()).toEqual([]);
  });

  it("changes only the datasource and the client's folder", () => {
    const sqlite = `generator client {\n  output          = "../src/generated/prisma"\n}\n\ndatasource db {\n  provider = "sqlite"\n  url      = "file:./data/riqing.db"\n}\n\nmodel A {\n  id Int @id\n}\n`;
    expect(postgresSchema(sqlite)).toContain('provider = "postgresql"');
    expect(postgresSchema(sqlite)).toContain('output          = "../../src/generated/postgres"');
    expect(postgresSchema(sqlite).endsWith("model A {\n  id Int @id\n}\n")).toBe(true);
    expect(() => postgresSchema(sqlite.replace('"sqlite"', '"mysql"'))).toThrow(/provider/);
  });
});
