import type { Tx } from "../db/client.ts";
import type { PatrolResult } from "../domain/types.ts";
import type { CommandContext, PhotoFile } from "./context.ts";
import { ensurePerson } from "./ensure-person.ts";
import { fileIssue } from "./file-issue.ts";

/** A patrol check-in, parsed and allowed (features/patrol-check-in.ts). */
export interface PatrolVisitInput {
  chatId: string;
  /** The unit the chat is bound to: problems are placed as reports in that chat are. */
  chatUnitId: number;
  patroller: { openId: string; name: string };
  point: { id: number; name: string };
  /** The problems found, one issue each; empty for 无问题. */
  problems: readonly string[];
  /** What the patroller wrote after 巡查. */
  text: string;
  photos: PhotoFile[];
  sourceMessageId: string;
  at: Date;
  /** Where the first photo's EXIF says it was taken; shown, never trusted alone. */
  position: { lat: number; long: number } | null;
}

/**
 * Records a patrol visit in one transaction (behaviour §14.3): who, which point, when, the photos, the result and the
 * photo's EXIF position; each problem found is filed as an issue through the normal report path (fileIssue: the
 * point named first so it places there, the category from the words, the card in the chat), linked to the visit.
 * Recording the same message twice returns the first visit. Returns the visit and the numbers of the issues filed.
 */
export async function recordPatrolVisit(
  tx: Tx,
  input: PatrolVisitInput,
  ctx: CommandContext,
): Promise<{ visitId: number; created: boolean; issueNumbers: number[] }> {
  const existing = await tx.patrolVisit.findUnique({
    where: { sourceMessageId: input.sourceMessageId },
    select: { id: true, issues: { select: { number: true }, orderBy: { number: "asc" } } },
  });
  if (existing) return { visitId: existing.id, created: false, issueNumbers: existing.issues.map((i) => i.number) };

  const person = await ensurePerson(tx, input.patroller);
  const result: PatrolResult = input.problems.length > 0 ? "problems" : "ok";
  const visit = await tx.patrolVisit.create({
    data: {
      pointId: input.point.id,
      personId: person.id,
      at: input.at,
      result,
      text: input.text,
      chatId: input.chatId,
      sourceMessageId: input.sourceMessageId,
      photoLat: input.position?.lat ?? null,
      photoLong: input.position?.long ?? null,
      photos: {
        create: uniqueBySha(input.photos).map((p) => ({
          sha256: p.sha256,
          path: p.path,
          size: p.size,
          mime: p.mime,
          sourceMessageId: p.sourceMessageId ?? null,
        })),
      },
    },
    select: { id: true },
  });

  const issueNumbers: number[] = [];
  for (const [i, problem] of input.problems.entries()) {
    const filed = await fileIssue(
      tx,
      {
        chatId: input.chatId,
        chatUnitId: input.chatUnitId,
        reporter: input.patroller,
        text: `${input.point.name} ${problem}`,
        photos: input.photos,
        // One message holds one issue's thread; further problems of the visit get cards of their own in the chat.
        ...(i === 0 && { sourceMessageId: input.sourceMessageId }),
        reportedAt: input.at,
        patrolVisitId: visit.id,
      },
      ctx,
    );
    const { number } = await tx.issue.findUniqueOrThrow({ where: { id: filed.id }, select: { number: true } });
    issueNumbers.push(number);
  }
  return { visitId: visit.id, created: true, issueNumbers };
}

function uniqueBySha(photos: readonly PhotoFile[]): PhotoFile[] {
  return [...new Map(photos.map((p) => [p.sha256, p])).values()];
}
