import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

// Offline-safe Prisma setup: the WebAssembly schema engine through the driver adapter (see PRISMA-OFFLINE notes in ARCHITECTURE.md).
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./data/riqing.db" }),
  schema: "prisma/schema.prisma",
});
