import { deflateSync } from "node:zlib";
import sharp from "sharp";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small solid-colour PNG; different seeds give different bytes (and so different photos). */
export function samplePng(seed: number, size = 8): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour
  const row = Buffer.alloc(1 + size * 3);
  for (let x = 0; x < size; x++) row.set([(seed * 37) & 255, (seed * 91) & 255, (seed * 53 + x) & 255], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * A phone photo (JPEG) that says where it was taken: 31.23705 N, 121.4321 E, by 幸福路菜市场; with `orientation`, an
 * EXIF orientation tag too (6: the phone was turned 90°).
 */
export function photoWithGps(seed: number, width = 32, height = 24, orientation?: number): Promise<Buffer> {
  const photo = sharp({ create: { width, height, channels: 3, background: { r: seed % 255, g: 80, b: 40 } } })
    .jpeg()
    .withExif({
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "31/1 14/1 1339/100",
        GPSLongitudeRef: "E",
        GPSLongitude: "121/1 25/1 5556/100",
      },
    });
  return (orientation === undefined ? photo : photo.withMetadata({ orientation })).toBuffer();
}
