/**
 * The one exit for every call to Lark. Wraps the official SDK's `lark.Client` (which signs requests with the tenant
 * token it fetches and caches) and adds what the SDK leaves out, one layer each (transport/, composed like grammY's
 * API transformers): one normalized error type, pacing inside Lark's limits, a transparent token refresh when Lark
 * says the token expired, retries of transient failures, and logs that never carry tokens or secrets. Request
 * timeouts and card size checks are here too.
 */
import type { Readable } from "node:stream";
import type * as Lark from "@larksuiteoapi/node-sdk";
import type { Logger } from "../log.ts";
import { assertCardWithinLimits, CardLimitError } from "./card-limits.ts";
import {
  fromEnvelope,
  headerReader,
  LarkApiError,
  type LarkCallName,
  type LarkEnvelope,
  parseEnvelope,
} from "./errors.ts";
import { type Clock, Pacer, type Pacing, paceKey, systemClock } from "./pacer.ts";
import { lark } from "./sdk.ts";
import { QUIET_SDK_LEVELS, sdkLogger } from "./sdk-logger.ts";
import { compose, direct, type LarkCall, type Transport } from "./transport/call.ts";
import { logFailures } from "./transport/log-failures.ts";
import { mapErrors } from "./transport/map-errors.ts";
import { pace } from "./transport/pace.ts";
import { ResourceTooLargeError, readAll } from "./transport/read-all.ts";
import { refreshToken } from "./transport/refresh-token.ts";
import { retry } from "./transport/retry.ts";
import { boundedHttp, TokenCache } from "./transport/sdk-http.ts";

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

const FILE_TYPES: Readonly<Record<string, LarkFileType>> = {
  ".xlsx": "xls",
  ".xls": "xls",
  ".docx": "doc",
  ".doc": "doc",
  ".pdf": "pdf",
};

/** The file type Lark is told for a file of this name: by its extension, "stream" for anything else (a .zip). */
export function fileTypeOf(fileName: string): LarkFileType {
  const dot = fileName.lastIndexOf(".");
  return (dot < 0 ? undefined : FILE_TYPES[fileName.slice(dot).toLowerCase()]) ?? "stream";
}

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

/** A Lark user as Riqing reads it. */
export interface LarkUser {
  openId: string;
  unionId: string | undefined;
  userId: string | undefined;
  name: string;
  enName: string | undefined;
  mobile: string | undefined;
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
  /** Call as this user (user_access_token) instead of as the app. */
  userToken?: string;
}

/** Where Feishu and Lark serve the web login's authorize page; private deployments and the emulator serve it themselves. */
const ACCOUNTS_HOSTS: Readonly<Record<string, string>> = {
  "https://open.feishu.cn": "https://accounts.feishu.cn",
  "https://open.larksuite.com": "https://accounts.larksuite.com",
};

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_ATTEMPTS = 3;
const MEMBERS_PAGE_SIZE = 100;
/** Lark's batch user API takes at most 50 ids a call. */
export const USERS_BATCH_SIZE = 50;

/** Lark's client wrapped with pacing, retries, token refresh and normalized errors; see the module comment. */
export class LarkClient {
  private readonly sdk: Lark.Client;
  private readonly app: { id: string; secret: string; domain: string };
  private readonly transport: Transport;
  private readonly attempts: number;

  constructor(options: LarkClientOptions) {
    this.app = { id: options.appId, secret: options.appSecret, domain: options.domain };
    const clock = options.clock ?? systemClock;
    const log = options.logger.child({ component: "lark-client" });
    const tokens = new TokenCache();
    this.attempts = options.attempts ?? DEFAULT_ATTEMPTS;
    this.sdk = new lark.Client({
      appId: options.appId,
      appSecret: options.appSecret,
      domain: options.domain,
      cache: tokens,
      httpInstance: boundedHttp(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      // Every failure is logged by the transport, normalized; the SDK's own lines (whole axios errors) only at debug.
      logger: sdkLogger(log, QUIET_SDK_LEVELS),
      loggerLevel: lark.LoggerLevel.trace,
    });
    this.transport = compose(
      direct,
      logFailures(log),
      retry(clock, log),
      refreshToken(tokens, log),
      pace(options.pacer ?? new Pacer({ clock }), clock),
      mapErrors,
    );
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
    return toLarkUser(requireString("getUser", user.open_id, "user.open_id"), user);
  }

  /**
   * Reads up to 50 users by open_id in one call; users Lark does not know (or the app may not see) are left out.
   * The name is empty without the contact:user.base:readonly scope.
   */
  async getUsers(openIds: readonly string[], options?: CallOptions): Promise<LarkUser[]> {
    if (openIds.length === 0) return [];
    if (openIds.length > USERS_BATCH_SIZE) throw new Error(`getUsers takes at most ${USERS_BATCH_SIZE} ids`);
    const query = new URLSearchParams({ user_id_type: "open_id" });
    for (const id of openIds) query.append("user_ids", id);
    const env = await this.call(
      "getUsers",
      [paceKey.api("getUsers")],
      { method: "GET", url: `/open-apis/contact/v3/users/batch?${query}` },
      { ...options, idempotent: true },
    );
    const items = dataOf(env).items;
    return (Array.isArray(items) ? items : []).flatMap((item) => {
      const user = record(item);
      const openId = optionalString(user.open_id);
      return openId ? [toLarkUser(openId, user)] : [];
    });
  }

  /** Whether the bot is a member of a chat (get-chat answers for internal groups the bot has left). */
  async isInChat(chatId: string, options?: CallOptions): Promise<boolean> {
    const env = await this.call(
      "isInChat",
      [paceKey.api("isInChat")],
      { method: "GET", url: `/open-apis/im/v1/chats/${encodeURIComponent(chatId)}/members/is_in_chat` },
      { ...options, idempotent: true },
    );
    return dataOf(env).is_in_chat === true;
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

  /**
   * Feishu's authorize page for web login: the browser goes there, the user agrees (inside the Feishu app without a
   * click), and comes back to `redirectUri` with `code` and `state`. Feishu and Lark serve it on their accounts host.
   */
  authorizeUrl(redirectUri: string, state: string): string {
    const host = ACCOUNTS_HOSTS[this.app.domain] ?? this.app.domain;
    const query = new URLSearchParams({ client_id: this.app.id, redirect_uri: redirectUri, state });
    return `${host}/open-apis/authen/v1/authorize?${query}`;
  }

  /**
   * The open_id of the user whose authorization `code` this is: the code becomes a user_access_token (OAuth 2
   * authorization code grant, POST /open-apis/authen/v2/oauth/token; a code works once, for five minutes), which
   * reads the user's own information (GET /open-apis/authen/v1/user_info). The token is used once and dropped.
   */
  async userOfCode(code: string, redirectUri: string): Promise<string> {
    const grant = await this.call(
      "oauthToken",
      [paceKey.api("oauthToken")],
      {
        method: "POST",
        url: "/open-apis/authen/v2/oauth/token",
        data: {
          grant_type: "authorization_code",
          client_id: this.app.id,
          client_secret: this.app.secret,
          code,
          redirect_uri: redirectUri,
        },
      },
      { idempotent: false, attempts: 1 },
    );
    const userToken = requireString("oauthToken", grant.access_token, "access_token");
    const info = await this.call(
      "userInfo",
      [paceKey.api("userInfo")],
      { method: "GET", url: "/open-apis/authen/v1/user_info", userToken },
      { idempotent: true },
    );
    return requireString("userInfo", dataOf(info).open_id, "open_id");
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

  /** Runs one call through the transport layers. */
  private attempt<T>(
    name: LarkCallName,
    keys: readonly string[],
    options: CallOptions & { idempotent: boolean },
    run: () => Promise<T>,
  ): Promise<T> {
    const call: LarkCall<T> = {
      name,
      keys,
      idempotent: options.idempotent,
      attempts: options.attempts ?? this.attempts,
      run,
    };
    return this.transport(call);
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
    if (spec.userToken)
      return (await this.sdk.request(config, lark.withUserAccessToken(spec.userToken))) as RawResponse;
    return (await this.sdk.request(config)) as RawResponse;
  }
}

function toLarkUser(openId: string, user: Record<string, unknown>): LarkUser {
  return {
    openId,
    unionId: optionalString(user.union_id),
    userId: optionalString(user.user_id),
    name: optionalString(user.name) ?? "",
    enName: optionalString(user.en_name),
    mobile: optionalString(user.mobile),
  };
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

function requireString(call: LarkCallName, value: unknown, field: string): string {
  if (typeof value === "string" && value !== "") return value;
  throw new LarkApiError({ call, kind: "server", code: null, larkMsg: `answer lacks ${field}` });
}
