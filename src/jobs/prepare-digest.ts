import type { Card } from "../lark/cards/card.ts";
import { digestCard } from "../lark/cards/digest-card.ts";
import { storePhoto } from "../lark/photos.ts";
import { buildDigest, type DigestData, type DigestMark, renderDigestChart } from "../reports/digest.ts";
import type { JobDeps } from "./job-deps.ts";

/** A digest ready to post: its data, the card, and the chart's image key (null without a chart). */
export interface PreparedDigest {
  data: DigestData;
  card: Card;
  imageKey: string | null;
}

/** What to prepare, and how its title is marked. */
export interface DigestSpec extends DigestMark {
  unitId: number;
  date: string;
  minRankedIssues: number;
}

/**
 * Builds a unit's digest for a date at `now`, renders the ranking chart, stores it content-addressed under DATA_DIR
 * and uploads it once (by content), and presents the card. A chart that cannot be uploaded is left out (logged) so the
 * digest still goes out.
 */
export async function prepareDigest(deps: JobDeps, spec: DigestSpec, now: Date): Promise<PreparedDigest> {
  const data = await buildDigest(deps.db, {
    unitId: spec.unitId,
    date: spec.date,
    now,
    timeZone: deps.timeZone,
    minRankedIssues: spec.minRankedIssues,
  });
  const imageKey = await publishChart(deps, data);
  return {
    data,
    imageKey,
    card: digestCard(data, { imageKey, late: spec.late, preview: spec.preview, early: spec.early }),
  };
}

async function publishChart(deps: JobDeps, data: DigestData): Promise<string | null> {
  const png = await renderDigestChart(data);
  if (!png) return null;
  try {
    // Stored content-addressed like photos, so the same chart is written and uploaded once.
    const { sha256, path, size, mime } = await storePhoto(deps.dataDir, png, "image/png");
    await deps.publishPhotos([{ sha256, path, size, mime }]);
    const uploaded = await deps.db.larkImage.findUnique({ where: { sha256 } });
    return uploaded?.imageKey ?? null;
  } catch (error) {
    deps.log.warn(
      { err: error, unitId: data.unit.id, date: data.date },
      "digest chart not uploaded; sending without it",
    );
    return null;
  }
}
