import type { IncomingMessage } from "node:http";

/** A request body the server will not take: larger than its route's limit (413), or not the JSON it must be (400). */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    reason: string,
  ) {
    super(reason);
    this.name = "BodyError";
  }
}

/**
 * Reads a request body of at most `limitBytes` — declared (Content-Length) or streamed (chunked) — for every route
 * that takes one (the Lark webhook, the Open311 API, the sandbox). Past the limit it rejects with BodyError 413 at
 * once and lets the rest of the body run out unread, so the sender still gets the answer and the connection its next
 * request; nothing past the limit is kept in memory.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (outcome: () => void) => {
      req.off("data", onData).off("end", onEnd).off("error", onError);
      outcome();
    };
    const tooLarge = () =>
      stop(() => {
        req.resume();
        reject(new BodyError(413, `body over ${limitBytes} bytes`));
      });
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) tooLarge();
      else chunks.push(chunk);
    };
    const onEnd = () => stop(() => resolve(Buffer.concat(chunks)));
    const onError = (error: Error) => stop(() => reject(error));
    if (Number(req.headers["content-length"] ?? 0) > limitBytes) return tooLarge();
    req.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/** Reads a JSON body of at most `limitBytes` (see {@link readBody}); BodyError 400 when it does not parse. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const text = (await readBody(req, limitBytes)).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError(400, "malformed JSON");
  }
}
