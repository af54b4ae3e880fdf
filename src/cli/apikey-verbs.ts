import { parseArgs } from "node:util";
import type { Config } from "../config/env.ts";
import { migrate } from "../db/migrate.ts";
import { API_KEY_SCOPE, API_KEY_TEXTS as T } from "../texts/cli.ts";
import { parseUnitLevel, UNIT_LEVEL_LABELS } from "../texts/labels.ts";

const DEFAULT_RATE = 60;

/**
 * `riqing apikey create --name 城运平台 --scope street:幸福街道 [--write] [--rate 60]`, `riqing apikey list`,
 * `riqing apikey revoke --name 城运平台`. Prints the new key once; only its hash is kept.
 */
export async function runApiKeyCli(args: string[], config: Config): Promise<number> {
  const [action, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: "string" },
      scope: { type: "string" },
      write: { type: "boolean" },
      rate: { type: "string" },
    },
  });
  await migrate(config.databaseUrl);
  const { openDb } = await import("../db/client.ts");
  const db = await openDb(config.databaseUrl);
  try {
    switch (action) {
      case "create": {
        const name = values.name?.trim();
        if (!name || !values.scope) {
          console.error(T.createWhat);
          return 2;
        }
        const rate = values.rate === undefined ? DEFAULT_RATE : Number(values.rate);
        if (!Number.isInteger(rate) || rate < 1 || rate > 6000) {
          console.error(T.badRate(DEFAULT_RATE));
          return 2;
        }
        const unit = await findScope(db, values.scope);
        if (typeof unit === "string") {
          console.error(unit);
          return 2;
        }
        const { createApiKey, ApiKeyNameTaken } = await import("../commands/create-api-key.ts");
        try {
          const { key } = await createApiKey(db, {
            name,
            unitId: unit.id,
            write: values.write ?? false,
            rateLimit: rate,
          });
          console.log(T.created(name, unit.name, values.write ?? false, rate, key));
          return 0;
        } catch (error) {
          if (!(error instanceof ApiKeyNameTaken)) throw error;
          console.error(T.nameTaken(name));
          return 1;
        }
      }
      case "list": {
        const keys = await db.apiKey.findMany({ include: { unit: true }, orderBy: { id: "asc" } });
        if (keys.length === 0) console.log(T.noKeys);
        for (const k of keys) {
          const revoked = k.revokedAt?.toISOString().slice(0, 10);
          console.log(T.listed(k.name, k.unit.name, k.write, k.rateLimit, revoked));
        }
        return 0;
      }
      case "revoke": {
        if (!values.name) {
          console.error(T.revokeWhich);
          return 2;
        }
        const { revokeApiKey } = await import("../commands/revoke-api-key.ts");
        if (!(await revokeApiKey(db, values.name.trim(), new Date()))) {
          console.error(T.noSuchKey(values.name));
          return 1;
        }
        console.log(T.revoked(values.name));
        return 0;
      }
      default:
        console.error(T.whichAction);
        return 2;
    }
  } finally {
    await db.$disconnect();
  }
}

/** The unit `level:name-or-code` names (街道:幸福街道, street:xfjd), or a sentence saying what is wrong. */
async function findScope(
  db: Awaited<ReturnType<typeof import("../db/client.ts").openDb>>,
  scope: string,
): Promise<{ id: number; name: string } | string> {
  const match = API_KEY_SCOPE.exec(scope.trim());
  const level = match ? parseUnitLevel(match[1] as string) : null;
  if (!match || !level) return T.badScope(Object.values(UNIT_LEVEL_LABELS));
  const wanted = (match[2] as string).trim();
  const units = await db.unit.findMany({ where: { level, OR: [{ code: wanted }, { name: wanted }] } });
  if (units.length === 1) return units[0] as { id: number; name: string };
  if (units.length === 0) return T.noSuchUnit(UNIT_LEVEL_LABELS[level], wanted);
  return T.ambiguousUnit(wanted);
}
