import type { InboundMessage } from "../lark/envelope.ts";
import { TEXTS } from "../texts/messages.ts";
import type { PhotoFile } from "./context.ts";
import type { FeatureDeps } from "./deps.ts";
import { replyText } from "./say.ts";

/**
 * Downloads and stores a message's photos and uploads them for card use. Photos that are refused (too big, not an
 * image) are answered in the thread with the reason; the rest go on.
 */
export async function fetchAndPublish(deps: FeatureDeps, m: InboundMessage): Promise<PhotoFile[]> {
  if (m.imageKeys.length === 0) return [];
  const fetched = await deps.fetchPhotos(m.messageId, m.imageKeys);
  const photos: PhotoFile[] = [];
  for (const [index, result] of fetched.entries()) {
    if (result.ok) photos.push({ ...result.photo, sourceMessageId: m.messageId });
    else {
      await replyText(deps.db, {
        key: `photo-refused:${m.messageId}:${index}`,
        chatId: m.chatId,
        messageId: m.messageId,
        text: TEXTS.photoRejected(result.reason),
      });
    }
  }
  if (photos.length === 0) return photos;
  const imageKeys = await deps.publishPhotos(photos);
  return photos.map((photo, i) => ({ ...photo, imageKey: imageKeys[i] }));
}
