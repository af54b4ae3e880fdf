import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

// Offline-safe Prisma setup: the WebAssembly schema engine through the driver adapter, so no engine binary is
// downloaded (see ARCHITECTURE.md). Used only by the prisma CLI when authoring migrations; the app migrates itself.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => {
    const file = (process.env.DATABASE_URL ?? "file:./data/riqing.db").replace(/^file:/, "");
    mkdirSync(dirname(file), { recursive: true });
    return new PrismaBetterSQLite3({ url: file });
  },
  schema: "prisma/schema.prisma",
});
