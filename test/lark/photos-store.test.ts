import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LarkEmulator } from "../../src/emulator/index.ts";
import { LarkClient } from "../../src/lark/client.ts";
import { downloadMessageImages, ImageKeys, PHOTO_MAX_BYTES, sniffImage, storePhoto } from "../../src/lark/photos.ts";
import { silentLogger } from "../../src/log.ts";
import { createTestDb, type TestDb } from "../support/db.ts";
import { imageKeysOf, PNG, TEST_APP, VirtualClock } from "./outbound-support.ts";

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("jpeg body")]);

describe("sniffImage", () => {
  it("recognises the kept image types by their bytes", () => {
    expect(sniffImage(JPEG)).toBe("image/jpeg");
    expect(sniffImage(PNG)).toBe("image/png");
    expect(sniffImage(Buffer.from("GIF89a....."))).toBe("image/gif");
    expect(sniffImage(Buffer.from("RIFF\x10\x00\x00\x00WEBPVP8 ", "latin1"))).toBe("image/webp");
    expect(sniffImage(Buffer.from("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "latin1"))).toBe("image/heic");
    expect(sniffImage(Buffer.from("\x00\x00\x00\x18ftypisom\x00\x00\x00\x00", "latin1"))).toBeUndefined();
    expect(sniffImage(Buffer.from("%PDF-1.7"))).toBeUndefined();
    expect(sniffImage(Buffer.alloc(0))).toBeUndefined();
  });
});

describe("photos", () => {
  let t: TestDb;
  let emu: LarkEmulator;
  let client: LarkClient;

  beforeEach(async () => {
    t = await createTestDb();
    const clock = new VirtualClock();
    emu = await LarkEmulator.start({ ...TEST_APP, strict: true, now: () => clock.now() });
    emu.addUser({ openId: "ou_a", name: "张三" });
    emu.addChat({ chatId: "oc_1", name: "一网格工作群", members: ["ou_a"] });
    client = new LarkClient({ ...TEST_APP, domain: emu.baseUrl, clock, logger: silentLogger });
  });

  afterEach(async () => {
    await emu.close();
    await t.close();
    emu.assertClean();
  });

  const post = async (images: Buffer[]) => {
    const { messageId } = await emu.userSends({ chatId: "oc_1", from: "ou_a", text: "垃圾堆放", images });
    return { messageId, keys: imageKeysOf(emu.message(messageId)) };
  };

  it("stores each photo once, content-addressed, and reports what it kept", async () => {
    const { messageId, keys } = await post([PNG, JPEG, PNG]);
    const results = await downloadMessageImages(client, messageId, keys, { dataDir: t.dir });
    expect(results.map((r) => r.ok && r.mime)).toEqual(["image/png", "image/jpeg", "image/png"]);
    const [png, jpeg, again] = results;
    if (!png?.ok || !jpeg?.ok || !again?.ok) throw new Error("expected three kept photos");
    expect(png.path).toBe(join("photos", png.sha256.slice(0, 2), png.sha256.slice(2, 4), `${png.sha256}.png`));
    expect(again.path).toBe(png.path);
    expect(readFileSync(join(t.dir, png.path)).equals(PNG)).toBe(true);
    expect(png).toMatchObject({ imageKey: keys[0], size: PNG.length, absolutePath: join(t.dir, png.path) });
    expect(jpeg.path.endsWith(".jpg")).toBe(true);
    expect(results.map((r) => r.ok && r.firstSeen)).toEqual([true, true, false]);
    emu.assertClean();
  });

  it("rejects what is not an image and what is too big, with a message for the sender", async () => {
    const { messageId, keys } = await post([Buffer.from("just some text"), PNG]);
    const huge = Buffer.concat([PNG, Buffer.alloc(PHOTO_MAX_BYTES)]);
    const big = await post([huge]);
    const [notImage, fine] = await downloadMessageImages(client, messageId, keys, { dataDir: t.dir });
    const [tooBig] = await downloadMessageImages(client, big.messageId, big.keys, { dataDir: t.dir });
    expect(notImage).toMatchObject({ ok: false, reason: "not_image", message: expect.stringContaining("照片") });
    expect(fine?.ok).toBe(true);
    expect(tooBig).toMatchObject({ ok: false, reason: "too_big", message: expect.stringContaining("50 MB") });
  });

  it("turns a failed download into a rejection instead of throwing", async () => {
    const { messageId } = await post([PNG]);
    const [missing] = await downloadMessageImages(client, messageId, ["img_v3_not_in_this_message"], {
      dataDir: t.dir,
    });
    expect(missing).toMatchObject({
      ok: false,
      reason: "download_failed",
      message: expect.stringContaining("下载失败"),
    });
    expect(missing?.ok === false && missing.error?.code).toBe(234003);
    emu.allow(234003);
  });

  it("uploads a photo once and reuses the cached image key", async () => {
    const stored = await storePhoto(t.dir, PNG, "image/png");
    const images = new ImageKeys(t.db, client);
    const keys = await Promise.all([
      images.of(stored.sha256, stored.absolutePath),
      images.of(stored.sha256, stored.absolutePath),
    ]);
    const later = await new ImageKeys(t.db, client).of(stored.sha256, stored.absolutePath);
    expect(new Set([...keys, later]).size).toBe(1);
    expect(emu.calls.filter((c) => c.path === "/open-apis/im/v1/images")).toHaveLength(1);
    expect(await t.db.larkImage.findUnique({ where: { sha256: stored.sha256 } })).toMatchObject({ imageKey: later });
    expect(existsSync(stored.absolutePath)).toBe(true);
  });

  it("uploads a photo first seen without looking for its key, and keeps the key another instance stored first", async () => {
    const stored = await storePhoto(t.dir, PNG, "image/png");
    const key = await new ImageKeys(t.db, client).of(stored.sha256, stored.absolutePath, stored.firstSeen);
    expect(await t.db.larkImage.findUnique({ where: { sha256: stored.sha256 } })).toMatchObject({ imageKey: key });
    // Another instance, with a data folder of its own, sees the same photo for the first time.
    const again = await new ImageKeys(t.db, client).of(stored.sha256, stored.absolutePath, true);
    expect(again).toBe(key);
    expect(emu.calls.filter((c) => c.path === "/open-apis/im/v1/images")).toHaveLength(2);
  });
});
