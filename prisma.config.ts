import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { defineConfig } from "prisma/config";

// Offline-safe Prisma setup: the WebAssembly schema engine through the driver adapter, so no engine binary is
// downloaded (see ARCHITECTURE.md). Used only by the prisma CLI when authoring migrations; the app migrates itself.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => {
    const file = (process.env.DATABASE_URL ?? "file:./data/riqing.db").replace(/^file:/, "");
    mkdirSync(dirname(file), { recursive: true });
    return new PrismaLibSQL({ url: `file:${file}` });
  },
  schema: "prisma/schema.prisma",
});
