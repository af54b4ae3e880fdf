/** Public data shapes of the Lark emulator: options, state snapshots, recorded calls and deliveries. */

/** Rate limits the emulator enforces (Lark's documented defaults). */
export interface RateLimits {
  /** Calls per app per API in any 1-second window (HTTP 429, code 99991400). */
  perApiPerSecond: number;
  /** Calls per app per API in any 60-second window (HTTP 429, code 99991400). */
  perApiPerMinute: number;
  /** Messages sent or replied into one chat in any 1-second window (HTTP 400, code 230020). */
  perChatPerSecond: number;
  /** Updates of one message in any 1-second window (HTTP 400, code 230020). */
  perMessageUpdatePerSecond: number;
}

/** The long-connection client configuration handed out by the endpoint and in every pong (seconds). */
export interface WsClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

export interface LarkEmulatorOptions {
  appId: string;
  appSecret: string;
  /** The bot's display name (bot info API, mentions). Default "日清". */
  appName?: string;
  /** Encrypt Key of the app: webhook bodies are encrypted and signed when set. */
  encryptKey?: string;
  /** Verification Token of the app: copied into every event header. */
  verificationToken?: string;
  tenantKey?: string;
  /** Record calls nobody should make (see `unexpectedCalls`). Default true; the sandbox turns it off. */
  strict?: boolean;
  /** Lifetime of issued tenant/app access tokens. Default 7200. */
  tokenTtlSeconds?: number;
  /** Injectable clock in epoch milliseconds (token expiry, rate limits, timestamps). Default Date.now. */
  now?: () => number;
  /** Port to listen on (127.0.0.1 only). Default 0: any free port. */
  port?: number;
  rateLimits?: Partial<RateLimits>;
  /**
   * Scopes granted to the app (see `SCOPES`). Default: every scope the emulator knows. They decide what arrives
   * (p2p messages need im:message.p2p_msg:readonly; group messages im:message.group_msg, or only those that @ the
   * bot with im:message.group_at_msg:readonly) and which API calls are refused with 99991672.
   */
  scopes?: readonly string[];
  wsClientConfig?: Partial<WsClientConfig>;
  /** How many API calls `calls` keeps (oldest dropped first). Default 10 000. */
  callLogLimit?: number;
  /** Start from a saved emulator (`exportState`) instead of an empty tenant: same bot, tenant, chats and messages. */
  state?: EmulatorSnapshot;
}

export interface EmulatedUser {
  openId: string;
  name: string;
  unionId: string;
  userId: string;
  mobile?: string;
}

/** Input of `addUser`: ids not given are generated. */
export interface NewUser {
  openId: string;
  name: string;
  unionId?: string;
  userId?: string;
  mobile?: string;
}

export interface EmulatedChat {
  chatId: string;
  name: string;
  chatType: "group" | "p2p";
  /** Member open_ids (users only; the bot is tracked by `botIsMember`). */
  members: string[];
  botIsMember: boolean;
  dissolved: boolean;
  ownerOpenId?: string;
}

/** Input of `addChat`. */
export interface NewChat {
  chatId: string;
  name: string;
  members: string[];
  /** Default true. */
  botIsMember?: boolean;
}

/** An image or file: uploaded by the bot or attached to a user's message. */
export interface EmulatedResource {
  key: string;
  kind: "image" | "file";
  data: Buffer;
  contentType: string;
  fileName?: string;
}

export type MessageSender = { type: "user"; openId: string } | { type: "app"; appId: string };

/** One @ in a message, as Lark reports it in events and message objects. */
export interface EmulatedMention {
  key: string;
  openId: string;
  name: string;
}

export interface MessageUpdate {
  time: number;
  content: unknown;
  via: "patch" | "callback";
}

/** A message in the emulator's state, user or bot. `content` is parsed JSON. */
export interface EmulatedMessage {
  messageId: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  chatId: string;
  msgType: string;
  content: unknown;
  sender: MessageSender;
  mentions: EmulatedMention[];
  createTime: number;
  updateTime: number;
  deleted: boolean;
  uuid?: string;
  /** Every later content of a card (PATCH or callback answer), oldest first. */
  updates: MessageUpdate[];
}

/** One HTTP call the emulator answered (or dropped). */
export interface ApiCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or `{fields, files}` for multipart (file bytes replaced by their size). */
  body: unknown;
  status: number;
  /** Lark's `code` in the answer; undefined for binary answers and dropped calls. */
  code?: number;
  /** Emulator clock, epoch ms. */
  time: number;
  /** Set when the answer came from `failNext`. */
  injected?: "status" | "network" | "timeout-after-accept" | "hold";
}

export interface UnexpectedCall {
  /** The offending call; absent for problems outside HTTP (e.g. a bad card in a callback answer). */
  call?: ApiCall;
  reason: string;
}

/** Which calls `failNext` hits. `path` is matched exactly when a string. */
export interface FailureMatch {
  method?: string;
  path?: RegExp | string;
  /** Default 1. */
  times?: number;
}

export type InjectedFailure =
  | { status: number; code?: number; msg?: string; headers?: Record<string, string> }
  | { kind: "timeout-after-accept"; delayMs: number }
  /** The call takes effect at once; its answer waits until `until` settles (a slow answer, while the test acts). */
  | { kind: "hold"; until: Promise<unknown> }
  | { kind: "network" };

export type DeliveryTarget =
  | {
      mode: "webhook";
      url: string;
      /** Encrypt bodies. Default: whenever the emulator has an encryptKey. */
      encrypt?: boolean;
      /** Delays before each retry. Lark: 15 s, 5 min, 1 h, 6 h. */
      retryDelaysMs?: number[];
      /** How long the receiver has to answer 200. Default 3000. */
      timeoutMs?: number;
    }
  | { mode: "ws"; retryDelaysMs?: number[]; timeoutMs?: number };

/** The outcome of one attempt to hand an event to the bot. */
export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  transport: "ws" | "webhook";
  /** 1 for the first push, 2 for the first retry, … */
  attempt: number;
  ok: boolean;
  /** HTTP status (webhook) or ACK code (long connection). */
  status?: number;
  error?: string;
  /** The bot's answer: webhook response body or decoded ACK data, parsed as JSON when possible. */
  answer?: unknown;
  willRetry: boolean;
}

export interface DeliveredEvent {
  eventId: string;
  eventType: string;
  envelope: LarkEventEnvelope;
  attempts: DeliveryAttempt[];
}

/** Lark's v2 event envelope. */
export interface LarkEventEnvelope {
  schema: "2.0";
  header: {
    event_id: string;
    event_type: string;
    create_time: string;
    token: string;
    app_id: string;
    tenant_key: string;
  };
  event: Record<string, unknown>;
}

/** Everything a tenant holds: users, chats, messages with their updates, images and files, send de-duplication keys. */
export interface EmulatedTenant {
  users: EmulatedUser[];
  chats: EmulatedChat[];
  messages: EmulatedMessage[];
  resources: EmulatedResource[];
  /** Lark's `uuid` de-duplication keys, with the message each produced and when. */
  uuids: { uuid: string; messageId: string; time: number }[];
}

/**
 * A saved emulator (`exportState`, restored with the `state` option): the bot's and the tenant's ids and the tenant's
 * content. Calls, deliveries, tokens and rate-limit windows are not part of it.
 */
export interface EmulatorSnapshot extends EmulatedTenant {
  botOpenId: string;
  botUnionId: string;
  tenantKey: string;
}

/** Events the emulator emits (for the sandbox page and for tests that wait). */
export interface LarkEmulatorEvents {
  message: [EmulatedMessage];
  "message.updated": [EmulatedMessage];
  call: [ApiCall];
  unexpected: [UnexpectedCall];
  delivery: [DeliveryAttempt];
  "ws.connected": [number];
  "ws.disconnected": [number];
}
