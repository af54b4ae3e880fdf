import type { RankingScoring } from "../domain/metrics.ts";
import { storePhoto } from "../lark/photos.ts";
import type { Card } from "../presenters/card.ts";
import { digestCard } from "../presenters/digest-card.ts";
import {
  buildDigest,
  type DigestData,
  type DigestMark,
  type DigestRequest,
  renderDigestChart,
} from "../reports/digest.ts";
import type { JobDeps } from "./deps.ts";

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
  scoring: RankingScoring;
}

/** The digest request of a spec observed at `now`. */
export function digestRequest(deps: JobDeps, spec: DigestSpec, now: Date): DigestRequest {
  const { unitId, date, minRankedIssues, scoring } = spec;
  return { unitId, date, now, timeZone: deps.timeZone, officeHours: deps.officeHours, minRankedIssues, scoring };
}

/**
 * Builds a unit's digest for a date at `now` and presents it ({@link presentDigest}). The sweep builds every due
 * digest's figures together (buildDigests) and presents them one by one instead.
 */
export async function prepareDigest(deps: JobDeps, spec: DigestSpec, now: Date): Promise<PreparedDigest> {
  return presentDigest(deps, await buildDigest(deps.db, digestRequest(deps, spec, now)), spec);
}

/**
 * Renders a built digest's ranking chart, stores it content-addressed under DATA_DIR and uploads it once (by content),
 * and presents the card. A chart that cannot be uploaded is left out (logged) so the digest still goes out.
 */
export async function presentDigest(deps: JobDeps, data: DigestData, mark: DigestMark): Promise<PreparedDigest> {
  const imageKey = await publishChart(deps, data);
  return {
    data,
    imageKey,
    card: digestCard(data, { imageKey, late: mark.late, preview: mark.preview, early: mark.early }),
  };
}

async function publishChart(deps: JobDeps, data: DigestData): Promise<string | null> {
  const png = await renderDigestChart(data);
  if (!png) return null;
  try {
    // Stored content-addressed like photos, so the same chart is written and uploaded once; a chart whose file is
    // new was never uploaded, so nobody looks its key up first.
    const { sha256, path, size, mime, firstSeen } = await storePhoto(deps.dataDir, png, "image/png");
    const [imageKey] = await deps.publishPhotos([{ sha256, path, size, mime, firstSeen }]);
    return imageKey ?? null;
  } catch (error) {
    deps.log.warn(
      { err: error, unitId: data.unit.id, date: data.date },
      "digest chart not uploaded; sending without it",
    );
    return null;
  }
}
