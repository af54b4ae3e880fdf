import type { Readable } from "node:stream";

/** A resource was larger than the caller allowed; the download was cut off. */
export class ResourceTooLargeError extends Error {
  override readonly name = "ResourceTooLargeError";
  constructor(
    readonly maxBytes: number,
    /** Bytes announced by Content-Length or read before stopping. */
    readonly bytesSeen: number,
  ) {
    super(`resource is larger than ${maxBytes} bytes`);
  }
}

/** Reads a stream into one Buffer, failing with `ResourceTooLargeError` past `maxBytes`. */
export async function readAll(stream: Readable, maxBytes?: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (maxBytes !== undefined && size > maxBytes) {
      stream.destroy();
      throw new ResourceTooLargeError(maxBytes, size);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
