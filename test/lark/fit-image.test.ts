import exifr from "exifr";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { fitForLark } from "../../src/lark/fit-image.ts";
import { photoWithGps, samplePng } from "../support/images.ts";

describe("fitForLark (behaviour §14.8)", () => {
  it("drops a photo's EXIF, keeping it upright, and passes a photo without metadata through untouched", async () => {
    const phone = await photoWithGps(128, 40, 20, 6);
    expect(await exifr.gps(phone)).toBeTruthy();
    expect((await sharp(phone).metadata()).orientation).toBe(6);
    const sent = await fitForLark(phone);
    expect(await exifr.gps(sent)).toBeUndefined();
    const meta = await sharp(sent).metadata();
    expect(meta.exif).toBeUndefined();
    // Orientation 6 (turned 90°) was applied before the tag went.
    expect([meta.width, meta.height]).toEqual([20, 40]);

    const chart = samplePng(7);
    expect(await fitForLark(chart)).toBe(chart);
    const xmp = await sharp(chart).withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>').png().toBuffer();
    expect((await sharp(await fitForLark(xmp)).metadata()).xmp).toBeUndefined();
  });
});
