/** The board's calls to its server, each carrying the link's token; what the server says when it refuses. */

export interface Refusal {
  status: number;
  error: string;
  reason: string;
  login: boolean;
}

/** Thrown when the server refuses the link (401/403): the page shows the refusal instead of the board. */
export class RefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.error);
  }
}

export async function getJson<T>(path: string, token: string): Promise<T> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
  if (response.status === 401 || response.status === 403) {
    const body = (await response.json()) as Omit<Refusal, "status">;
    throw new RefusedError({ status: response.status, ...body });
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Events of the live stream (src/board/board-feed.ts). */
export type FeedEvent = { type: "changed"; numbers: number[] } | { type: "refused"; reason: string; message: string };

/**
 * Follows the server-sent events of /board/api/events. Uses fetch rather than EventSource so the token travels in a
 * header, not in the URL. Resolves when the stream ends; rejects with RefusedError when the link is refused.
 */
export async function followEvents(
  token: string,
  onEvent: (event: FeedEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch("/board/api/events", { headers: { Authorization: `Bearer ${token}` }, signal });
  if (response.status === 401 || response.status === 403) {
    const body = (await response.json()) as Omit<Refusal, "status">;
    throw new RefusedError({ status: response.status, ...body });
  }
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of block.split("\n")) {
        if (line.startsWith("data: ")) onEvent(JSON.parse(line.slice(6)) as FeedEvent);
      }
      end = buffer.indexOf("\n\n");
    }
  }
}
