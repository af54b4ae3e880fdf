import type {
  ClickAnswer,
  ClickRequest,
  ClockAnswer,
  ClockRequest,
  ErrorAnswer,
  MessageView,
  SandboxState,
  SendRequest,
} from "../api-types.ts";

/** A refused request, with the server's sentence for the user. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/sandbox/api/${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const answer: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (answer as Partial<ErrorAnswer> | undefined)?.error;
    throw new ApiError(response.status, typeof error === "string" ? error : `HTTP ${response.status}`);
  }
  return answer as T;
}

/** The sandbox API, one function per route. */
export const api = {
  state: () => call<SandboxState>("GET", "state"),
  messages: () => call<MessageView[]>("GET", "messages"),
  send: (request: SendRequest) => call<{ messageId: string }>("POST", "messages", request),
  click: (request: ClickRequest) => call<ClickAnswer>("POST", "clicks", request),
  clock: (request: ClockRequest) => call<ClockAnswer>("POST", "clock", request),
  reset: () => call<{ ok: boolean }>("POST", "reset", {}),
  boardLink: (as: string) => call<{ url: string }>("GET", `board-link?as=${encodeURIComponent(as)}`),
};

/** Where the page loads an image or file the bot or a user attached. */
export function resourceUrl(key: string): string {
  return `/sandbox/api/resources/${encodeURIComponent(key)}`;
}
