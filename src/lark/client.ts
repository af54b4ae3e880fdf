/**
 * The one exit for every call to Lark. Wraps the official SDK's `lark.Client` (which signs requests with the tenant
 * token it fetches and caches) and adds what the SDK leaves out: pacing inside Lark's limits, one normalized error
 * type, a transparent token refresh when Lark says the token expired, retries of transient failures, request
 * timeouts, card size checks, and logs that never carry tokens or secrets.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Readable } from "node:stream";
import * as lark from "@larksuiteoapi/node-sdk";
import type { Logger } from "../log.ts";
import { backoffMs } from "./backoff.ts";
import { assertCardWithinLimits, CardLimitError } from "./cards/limits.ts";
import {
  fromEnvelope,
  fromThrown,
  headerReader,
  LarkApiError,
  type LarkCallName,
  LarkCode,
  type LarkEnvelope,
  parseEnvelope,
} from "./errors.ts";
import { type Clock, Pacer, type Pacing, paceKey, systemClock } from "./pacer.ts";
import { QUIET_SDK_LEVELS, sdkLogger } from "./sdk-logger.ts";

/** Options of `LarkClient`. */
export interface LarkClientOptions {
  appId: string;
  appSecret: string;
  /**
   * Base URL of the Open Platform: `https://open.feishu.cn`, `https://open.larksuite.com`, a private deployment or
   * the emulator (`http://127.0.0.1:8080`). The configuration turns LARK_DOMAIN's feishu/lark into these.
   */
  domain: string;
  logger: Logger;
  /** The pacer: shared by every instance on PostgreSQL; a private one with Lark's limits by default. */
  pacer?: Pacing;
  /** Clock for pacing and backoff waits. */
  clock?: Clock;
  /** Per-request timeout in milliseconds. Default 15 000. */
  timeoutMs?: number;
  /** Tries per call for transient failures (rate limits, 5xx, network, idempotent timeouts). Default 3. */
  attempts?: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's `attempts` (the outbox passes 1 and keeps its own durable retry state). */
  attempts?: number;
}

/** The parts of a sent message Riqing uses. */
export interface SentMessage {
  messageId: string;
  chatId: string | undefined;
  rootId: string | undefined;
  threadId: string | undefined;
  createTime: string | undefined;
}

/** A message body: a JSON string as Lark wants it, or an object that is encoded here. */
export type MessageContent = string | Record<string, unknown>;

/** Input of `send`. */
export interface SendInput {
  receiveIdType: "chat_id" | "open_id";
  receiveId: string;
  msgType: string;
  content: MessageContent;
  /** Lark's de-duplication key (≤ 50 characters): a second send with it within an hour posts nothing new. */
  uuid?: string;
}

/** Input of `reply`. */
export interface ReplyInput {
  messageId: string;
  msgType: string;
  content: MessageContent;
  replyInThread?: boolean;
  uuid?: string;
  /** Chat of the message replied to, for per-chat pacing (Lark limits each chat to 5 messages a second). */
  chatId?: string;
}

/** Input of `patchCard`. */
export interface PatchInput {
  messageId: string;
  card: MessageContent;
}

/** File types Lark accepts for `uploadFile`. */
export type LarkFileType = "opus" | "mp4" | "pdf" | "doc" | "xls" | "ppt" | "stream";

/** Input of `uploadFile`. */
export interface UploadFileInput {
  file: Buffer;
  fileType: LarkFileType;
  fileName: string;
  /** Milliseconds, for audio and video. */
  duration?: number;
}

/** Input of `downloadResource`. */
export interface DownloadInput {
  messageId: string;
  fileKey: string;
  type: "image" | "file";
  /** Stop reading and throw `ResourceTooLargeError` beyond this many bytes. */
  maxBytes?: number;
}

/** A downloaded resource. */
export interface Resource {
  data: Buffer;
  contentType: string | undefined;
}

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

/** A Lark user as Riqing reads it. */
export interface LarkUser {
  openId: string;
  unionId: string | undefined;
  userId: string | undefined;
  name: string;
  enName: string | undefined;
  mobile: string | undefined;
}

/** A chat as Riqing reads it. */
export interface LarkChat {
  chatId: string;
  name: string;
  description: string | undefined;
  ownerId: string | undefined;
  chatMode: string | undefined;
  chatType: string | undefined;
  userCount: number | undefined;
}

/** One (human) member of a chat; Lark leaves bots out of this list. */
export interface LarkChatMember {
  openId: string;
  name: string;
}

/** The bot's own identity. */
export interface LarkBotInfo {
  openId: string;
  appName: string;
}

/** The answer of a JSON call after normalization: Lark's envelope with code 0. */
type Envelope = LarkEnvelope & { data?: unknown };

interface RawResponse {
  data: unknown;
  headers: unknown;
}

interface RequestSpec {
  method: "GET" | "POST" | "PATCH";
  url: string;
  params?: Record<string, string | number>;
  data?: Record<string, unknown>;
  multipart?: boolean;
  stream?: boolean;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_ATTEMPTS = 3;
const MEMBERS_PAGE_SIZE = 100;

/** Lark's client wrapped with pacing, retries, token refresh and normalized errors; see the module comment. */
export class LarkClient {
  private readonly sdk: lark.Client;
  private readonly tokens: TokenCache;
  private readonly pacer: Pacing;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly attempts: number;

  constructor(options: LarkClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.pacer = options.pacer ?? new Pacer({ clock: this.clock });
    this.log = options.logger.child({ component: "lark-client" });
    this.attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    this.tokens = new TokenCache();
    this.sdk = new lark.Client({
      appId: options.appId,
      appSecret: options.appSecret,
      domain: options.domain,
      cache: this.tokens,
      httpInstance: boundedHttp(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      // Every failure is logged here, normalized; the SDK's own lines (whole axios errors) only at debug.
      logger: sdkLogger(this.log, QUIET_SDK_LEVELS),
      loggerLevel: lark.LoggerLevel.trace,
    });
  }

  /** Sends a message to a chat or a user. */
  async send(input: SendInput, options?: CallOptions): Promise<SentMessage> {
    const content = encodeContent(input.content);
    this.checkCard("send", input.msgType, content);
    const keys = [
      paceKey.api("send"),
      input.receiveIdType === "chat_id" ? paceKey.chat(input.receiveId) : paceKey.user(input.receiveId),
    ];
    const env = await this.call(
      "send",
      keys,
      {
        method: "POST",
        url: "/open-apis/im/v1/messages",
        params: { receive_id_type: input.receiveIdType },
        data: {
          receive_id: input.receiveId,
          msg_type: input.msgType,
          content,
          ...(input.uuid && { uuid: input.uuid }),
        },
      },
      { ...options, idempotent: input.uuid !== undefined },
    );
    return sentMessage("send", env);
  }

  /** Replies to a message, in its thread when `replyInThread` is set. */
  async reply(input: ReplyInput, options?: CallOptions): Promise<SentMessage> {
    const content = encodeContent(input.content);
    this.checkCard("reply", input.msgType, content);
    const keys = [paceKey.api("reply"), ...(input.chatId ? [paceKey.chat(input.chatId)] : [])];
    const env = await this.call(
      "reply",
      keys,
      {
        method: "POST",
        url: `/open-apis/im/v1/messages/${encodeURIComponent(input.messageId)}/reply`,
        data: {
          msg_type: input.msgType,
          content,
          ...(input.replyInThread && { reply_in_thread: true }),
          ...(input.uuid && { uuid: input.uuid }),
        },
      },
      { ...options, idempotent: input.uuid !== undefined },
    );
    return sentMessage("reply", env);
  }

  /** Replaces the content of a card the bot sent (the card must have `update_multi: true`). */
  async patchCard(input: PatchInput, options?: CallOptions): Promise<void> {
    const content = encodeContent(input.card);
    this.checkCard("patch", "interactive", content);
    await this.call(
      "patch",
      [paceKey.api("patch"), paceKey.message(input.messageId)],
      { method: "PATCH", url: `/open-apis/im/v1/messages/${encodeURIComponent(input.messageId)}`, data: { content } },
      { ...options, idempotent: true },
    );
  }

  /** Uploads an image for use in messages and cards; returns its image key. */
  async uploadImage(image: Buffer, options?: CallOptions): Promise<string> {
    const env = await this.call(
      "uploadImage",
      [paceKey.api("uploadImage")],
      { method: "POST", url: "/open-apis/im/v1/images", data: { image_type: "message", image }, multipart: true },
      { ...options, idempotent: true },
    );
    return requireString("uploadImage", dataOf(env).image_key, "image_key");
  }

  /** Uploads a file (e.g. an xls export) to send as a `file` message; returns its file key. */
  async uploadFile(input: UploadFileInput, options?: CallOptions): Promise<string> {
    const env = await this.call(
      "uploadFile",
      [paceKey.api("uploadFile")],
      {
        method: "POST",
        url: "/open-apis/im/v1/files",
        data: {
          file_type: input.fileType,
          file_name: input.fileName,
          file: input.file,
          ...(input.duration !== undefined && { duration: String(input.duration) }),
        },
        multipart: true,
      },
      { ...options, idempotent: true },
    );
    return requireString("uploadFile", dataOf(env).file_key, "file_key");
  }

  /** Downloads an image or file attached to a message. */
  async downloadResource(input: DownloadInput, options?: CallOptions): Promise<Resource> {
    const spec: RequestSpec = {
      method: "GET",
      url: `/open-apis/im/v1/messages/${encodeURIComponent(input.messageId)}/resources/${encodeURIComponent(input.fileKey)}`,
      params: { type: input.type },
      stream: true,
    };
    return this.attempt("download", [paceKey.api("download")], { ...options, idempotent: true }, async () => {
      const raw = await this.request(spec);
      const headers = headerReader(raw.headers);
      const contentType = headers("content-type");
      const stream = raw.data as Readable;
      if (contentType?.includes("application/json")) {
        // Some failures come back as a 2xx JSON envelope instead of the bytes.
        const env = parseEnvelope(await readAll(stream, 64 * 1024));
        throw fromEnvelope("download", env ?? { code: -1, msg: "unexpected JSON answer" }, 200, headers);
      }
      const announced = Number(headers("content-length"));
      if (input.maxBytes !== undefined && Number.isFinite(announced) && announced > input.maxBytes) {
        stream.destroy();
        throw new ResourceTooLargeError(input.maxBytes, announced);
      }
      return { data: await readAll(stream, input.maxBytes), contentType };
    });
  }

  /** Reads a user by open_id. */
  async getUser(openId: string, options?: CallOptions): Promise<LarkUser> {
    const env = await this.call(
      "getUser",
      [paceKey.api("getUser")],
      {
        method: "GET",
        url: `/open-apis/contact/v3/users/${encodeURIComponent(openId)}`,
        params: { user_id_type: "open_id" },
      },
      { ...options, idempotent: true },
    );
    const user = record(dataOf(env).user);
    return {
      openId: requireString("getUser", user.open_id, "user.open_id"),
      unionId: optionalString(user.union_id),
      userId: optionalString(user.user_id),
      name: optionalString(user.name) ?? "",
      enName: optionalString(user.en_name),
      mobile: optionalString(user.mobile),
    };
  }

  /** Reads a chat's name and settings. */
  async getChat(chatId: string, options?: CallOptions): Promise<LarkChat> {
    const env = await this.call(
      "getChat",
      [paceKey.api("getChat")],
      { method: "GET", url: `/open-apis/im/v1/chats/${encodeURIComponent(chatId)}` },
      { ...options, idempotent: true },
    );
    const data = dataOf(env);
    return {
      chatId,
      name: optionalString(data.name) ?? "",
      description: optionalString(data.description),
      ownerId: optionalString(data.owner_id),
      chatMode: optionalString(data.chat_mode),
      chatType: optionalString(data.chat_type),
      userCount: optionalNumber(data.user_count),
    };
  }

  /** Lists every human member of a chat, following all pages. */
  async listChatMembers(chatId: string, options?: CallOptions): Promise<LarkChatMember[]> {
    const members: LarkChatMember[] = [];
    let pageToken: string | undefined;
    do {
      const env = await this.call(
        "listMembers",
        [paceKey.api("listMembers")],
        {
          method: "GET",
          url: `/open-apis/im/v1/chats/${encodeURIComponent(chatId)}/members`,
          params: {
            member_id_type: "open_id",
            page_size: MEMBERS_PAGE_SIZE,
            ...(pageToken && { page_token: pageToken }),
          },
        },
        { ...options, idempotent: true },
      );
      const data = dataOf(env);
      for (const item of Array.isArray(data.items) ? data.items : []) {
        const m = record(item);
        const openId = optionalString(m.member_id);
        if (openId) members.push({ openId, name: optionalString(m.name) ?? "" });
      }
      pageToken = data.has_more === true ? optionalString(data.page_token) : undefined;
    } while (pageToken);
    return members;
  }

  /** The bot's own open_id and name. */
  async botInfo(options?: CallOptions): Promise<LarkBotInfo> {
    const env = await this.call(
      "botInfo",
      [paceKey.api("botInfo")],
      { method: "GET", url: "/open-apis/bot/v3/info" },
      { ...options, idempotent: true },
    );
    const bot = record(env.bot);
    return {
      openId: requireString("botInfo", bot.open_id, "bot.open_id"),
      appName: optionalString(bot.app_name) ?? "",
    };
  }

  private checkCard(call: LarkCallName, msgType: string, content: string): void {
    if (msgType !== "interactive") return;
    try {
      assertCardWithinLimits(content);
    } catch (e) {
      const reason = e instanceof CardLimitError ? e.message : `card content is not valid JSON: ${String(e)}`;
      throw new LarkApiError({ call, kind: "invalid_request", code: null, larkMsg: reason, cause: e });
    }
  }

  /** A JSON call: request, check the envelope, return it. */
  private call(
    name: LarkCallName,
    keys: readonly string[],
    spec: RequestSpec,
    options: CallOptions & { idempotent: boolean },
  ): Promise<Envelope> {
    return this.attempt(name, keys, options, async () => {
      const raw = await this.request(spec);
      const env = parseEnvelope(raw.data);
      if (env?.code !== 0) {
        throw fromEnvelope(
          name,
          env ?? { code: -1, msg: "answer is not Lark's JSON envelope" },
          200,
          headerReader(raw.headers),
        );
      }
      return env as Envelope;
    });
  }

  /**
   * Runs one call with pacing and retries: a token error clears the cached token and retries once at no cost;
   * rate limits pause the affected pacing key until Lark's reset; other transient failures back off exponentially.
   * A timeout is retried only for idempotent calls (a send without uuid might have been delivered).
   */
  private async attempt<T>(
    name: LarkCallName,
    keys: readonly string[],
    options: CallOptions & { idempotent: boolean },
    run: () => Promise<T>,
  ): Promise<T> {
    const attempts = Math.max(1, options.attempts ?? this.attempts);
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const ticket = await this.pacer.take(keys);
      const sent: SentWith = {};
      try {
        const result = await sentWith.run(sent, run);
        ticket.finish();
        return result;
      } catch (thrown) {
        ticket.finish();
        if (thrown instanceof ResourceTooLargeError) throw thrown;
        const error = fromThrown(name, await withReadableBody(thrown));
        this.noteRateLimit(error, keys);
        if (error.kind === "token" && !refreshed) {
          refreshed = true;
          this.tokens.invalidate(sent.token);
          this.log.info({ call: name, code: error.code }, "tenant token rejected; refreshing it and retrying");
          attempt--;
          continue;
        }
        const again = error.retryable && attempt < attempts && (error.kind !== "timeout" || options.idempotent);
        this.log[again || error.retryable ? "warn" : "error"](
          { ...error.toLog(), attempt, willRetry: again },
          "Lark call failed",
        );
        if (!again) throw error;
        // A rate limit waits in the pacer instead, paused until Lark's reset.
        await this.clock.sleep(error.kind === "rate_limited" ? 0 : backoffMs(attempt, 250, 8_000));
      }
    }
  }

  private noteRateLimit(error: LarkApiError, keys: readonly string[]): void {
    if (error.kind !== "rate_limited") return;
    const until = this.clock.now() + (error.retryAfterMs ?? 1_000);
    const chatKey = keys.find((k) => k.startsWith("chat:") || k.startsWith("user:") || k.startsWith("message:"));
    // 230020 is the per-chat (per-user, per-message) limit; everything else is the per-app limit of this API.
    const key = error.code === LarkCode.chatRateLimited && chatKey ? chatKey : keys[0];
    if (key) this.pacer.pause(key, until);
  }

  private async request(spec: RequestSpec): Promise<RawResponse> {
    const config: Record<string, unknown> = {
      method: spec.method,
      url: spec.url,
      params: spec.params,
      data: spec.data,
      $return_headers: true,
    };
    if (spec.multipart) config.headers = { "Content-Type": "multipart/form-data" };
    if (spec.stream) config.responseType = "stream";
    return (await this.sdk.request(config)) as RawResponse;
  }
}

function encodeContent(content: MessageContent): string {
  return typeof content === "string" ? content : JSON.stringify(content);
}

function sentMessage(call: LarkCallName, env: Envelope): SentMessage {
  const data = dataOf(env);
  return {
    messageId: requireString(call, data.message_id, "message_id"),
    chatId: optionalString(data.chat_id),
    rootId: optionalString(data.root_id),
    threadId: optionalString(data.thread_id),
    createTime: optionalString(data.create_time),
  };
}

function dataOf(env: Envelope): Record<string, unknown> {
  return record(env.data);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function requireString(call: LarkCallName, value: unknown, field: string): string {
  if (typeof value === "string" && value !== "") return value;
  throw new LarkApiError({ call, kind: "server", code: null, larkMsg: `answer lacks ${field}` });
}

/** Reads a stream into one Buffer, failing with `ResourceTooLargeError` past `maxBytes`. */
async function readAll(stream: Readable, maxBytes?: number): Promise<Buffer> {
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

/** For streamed calls an error body arrives as a stream; read it so the envelope can be classified. */
async function withReadableBody(thrown: unknown): Promise<unknown> {
  const response = (thrown as { response?: { data?: unknown } } | null)?.response;
  const body = response?.data as Readable | undefined;
  if (!response || typeof body?.pipe !== "function") return thrown;
  try {
    response.data = await readAll(body, 64 * 1024);
  } catch {
    response.data = undefined;
  }
  return thrown;
}

/**
 * The token cache handed to the SDK (which otherwise shares one process-wide cache between clients). A token Lark
 * rejected can be forgotten, while a newer one that another call already fetched is kept.
 */
class TokenCache implements lark.Cache {
  private readonly values = new Map<string, { value: unknown; expiresAt: number | undefined }>();

  async get(key: CacheKey, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.values.get(cacheKey(key, options?.namespace));
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry.value;
  }

  async set(key: CacheKey, value: unknown, expiresAt?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(cacheKey(key, options?.namespace), { value, expiresAt });
    return true;
  }

  /** Forgets `token` if it is still cached; forgets every token when it is not known which one was sent. */
  invalidate(token: string | undefined): void {
    for (const [key, entry] of this.values) {
      if (token === undefined || entry.value === token) this.values.delete(key);
    }
  }
}

/** The SDK keys its cache by strings and symbols. */
type CacheKey = Parameters<lark.Cache["get"]>[0];

function cacheKey(key: CacheKey, namespace: string | undefined): string {
  return `${namespace ?? ""}/${key.toString()}`;
}

const TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal";

/** What one attempt of a call sent: the tenant token its request carried (the SDK may fetch it mid-call). */
interface SentWith {
  token?: string;
}

/** Follows each attempt through the SDK down to the HTTP layer, which notes the token the request carries. */
const sentWith = new AsyncLocalStorage<SentWith>();

/**
 * The SDK's axios instance with a default timeout (it has none) and one token request at a time: when many calls
 * find the token missing together, they share a single request instead of each fetching one. Each request notes
 * the token it carries in its attempt's `SentWith`.
 */
function boundedHttp(timeoutMs: number): lark.HttpInstance {
  const base = lark.defaultHttpInstance;
  let tokenInFlight: Promise<unknown> | undefined;
  const request = <R>(config: Record<string, unknown>): Promise<R> => {
    const bearer = /^Bearer\s+(\S+)$/.exec(String((config.headers as Record<string, unknown>)?.Authorization ?? ""));
    const sent = sentWith.getStore();
    if (sent && bearer) sent.token = bearer[1];
    return base.request({ timeout: timeoutMs, ...config }) as Promise<R>;
  };
  return {
    request: (opts) => request(opts as Record<string, unknown>),
    get: (url, opts) => request({ ...opts, method: "GET", url }),
    delete: (url, opts) => request({ ...opts, method: "DELETE", url }),
    head: (url, opts) => request({ ...opts, method: "HEAD", url }),
    options: (url, opts) => request({ ...opts, method: "OPTIONS", url }),
    put: (url, data, opts) => request({ ...opts, method: "PUT", url, data }),
    patch: (url, data, opts) => request({ ...opts, method: "PATCH", url, data }),
    post: <T, R = T>(url: string, data?: unknown, opts?: object): Promise<R> => {
      if (!url.endsWith(TOKEN_PATH)) return request({ ...opts, method: "POST", url, data });
      if (!tokenInFlight) {
        tokenInFlight = request({ ...opts, method: "POST", url, data }).finally(() => {
          tokenInFlight = undefined;
        });
      }
      return tokenInFlight as Promise<R>;
    },
  };
}
