// behaviour §13.7
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { LARK_IMAGE_MAX_BYTES } from "../../src/lark/fit-image.ts";
import { type BotHarness, ORG, reportProblem, startBot } from "../support/bot.ts";

/** A phone-sized JPEG over Lark's 10 MB upload limit (noise does not compress). */
async function bigPhoto(): Promise<Buffer> {
  const width = 3000;
  const height = 2700;
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 100 })
    .toBuffer();
}

describe("a photo over Lark's 10 MB image limit", () => {
  let h: BotHarness;
  afterEach(async () => {
    await h.close();
  });

  it("keeps the original and shows a smaller copy on the card", async () => {
    h = await startBot({ mode: "ws" });
    const photo = await bigPhoto();
    expect(photo.length).toBeGreaterThan(LARK_IMAGE_MAX_BYTES);
    await reportProblem(h, { from: "何小燕", images: [photo] });

    const stored = await h.bot.db.photo.findFirstOrThrow();
    expect(statSync(join(h.dir, stored.path)).size).toBe(photo.length);
    const card = h.emu.messages(ORG.chats.xflWork).find((m) => m.msgType === "interactive");
    const imgKey = /"img_key":"([^"]+)"/.exec(JSON.stringify(card?.content))?.[1] ?? "";
    const uploaded = h.emu.resource(imgKey);
    expect(uploaded?.contentType).toBe("image/jpeg");
    expect(uploaded?.data.length).toBeLessThanOrEqual(LARK_IMAGE_MAX_BYTES);
    const { width, height } = await sharp(uploaded?.data).metadata();
    expect([width, height]).toEqual([3000, 2700]);
  });
});
