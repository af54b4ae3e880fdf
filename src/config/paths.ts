import { join } from "node:path";

/**
 * The project's folder (where package.json, prisma/ and examples/ are). This file is src/config/paths.ts when run from
 * source and part of a flat bundle in dist/ when built (scripts/build.js), so the folder is found from whichever
 * file holds this line.
 */
export const PROJECT_DIR = join(import.meta.dirname, import.meta.url.endsWith(".ts") ? "../.." : "..");
