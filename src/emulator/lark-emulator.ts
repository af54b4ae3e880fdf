import { EventEmitter } from "node:events";
import { ApiGateway } from "./api-gateway.ts";
import { authRoutes } from "./auth-routes.ts";
import { buildUserContent, type UserMessageInput } from "./build-user-content.ts";
import { directoryRoutes } from "./directory-routes.ts";
import { EmulatorState } from "./emulator-state.ts";
import { EventDelivery } from "./event-delivery.ts";
import {
  type AppIdentity,
  buildEventEnvelope,
  type CardAction,
  cardActionEvent,
  chatOperatorEvent,
  messageReceiveEvent,
} from "./event-envelope.ts";
import { FailureInjector } from "./failure-injector.ts";
import { isRecord } from "./is-record.ts";
import { LarkApiError } from "./lark-api-error.ts";
import { LongConnectionHub } from "./long-connection-hub.ts";
import { messageRoutes } from "./message-routes.ts";
import { newId } from "./new-id.ts";
import { OAuthStore, oauthRoutes } from "./oauth-routes.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { imageContentType, resourceRoutes } from "./resource-routes.ts";
import type { RouteDeps } from "./route.ts";
import { ALL_SCOPES, SCOPES } from "./scopes.ts";
import { TokenStore } from "./token-store.ts";
import type {
  ApiCall,
  DeliveredEvent,
  DeliveryAttempt,
  DeliveryTarget,
  EmulatedChat,
  EmulatedMention,
  EmulatedMessage,
  EmulatedResource,
  EmulatedUser,
  EmulatorSnapshot,
  FailureMatch,
  InjectedFailure,
  LarkEmulatorEvents,
  LarkEmulatorOptions,
  LarkEventEnvelope,
  NewChat,
  NewUser,
  RateLimits,
  UnexpectedCall,
  WsClientConfig,
} from "./types.ts";
import { validateCard } from "./validate-content.ts";
import { buildWebhookRequest, type WebhookRequest, type WebhookTamper } from "./webhook-request.ts";

export interface UserMessageResult {
  messageId: string;
  /** Absent when the bot does not get this message (group message without @ and without group_msg scope). */
  eventId?: string;
  /** The first push; absent when the event is queued because no receiver is connected yet. */
  delivery?: DeliveryAttempt;
}

/** What the user did on a card (`userClicks`). */
export interface UserClickInput extends CardAction {
  messageId: string;
  from: string;
}

/** The bot's answer to card.action.trigger. */
export interface CardCallbackAnswer {
  toast?: { type: string; content: string };
  card?: { type: string; data: unknown };
}

export interface ChatChangeOptions {
  /** Operator open_id; default the chat owner. */
  by?: string;
}

const DEFAULT_RATE_LIMITS: RateLimits = {
  perApiPerSecond: 50,
  perApiPerMinute: 1000,
  perChatPerSecond: 5,
  perMessageUpdatePerSecond: 5,
};
const DEFAULT_WS_CONFIG: WsClientConfig = {
  PingInterval: 120,
  ReconnectCount: -1,
  ReconnectInterval: 120,
  ReconnectNonce: 30,
};
const TOAST_TYPES = new Set(["info", "success", "error", "warning"]);

/**
 * A local Lark Open Platform for one app in one tenant, spoken to by the real SDK. See index.ts for the tour.
 */
export class LarkEmulator extends EventEmitter<LarkEmulatorEvents> {
  readonly botOpenId: string;
  readonly appId: string;
  readonly tenantKey: string;
  readonly verificationToken: string;
  readonly encryptKey: string | undefined;
  private baseUrlValue = "";
  private readonly now: () => number;
  private readonly strict: boolean;
  private readonly callLogLimit: number;
  private readonly grantedScopes: Set<string>;
  private readonly app: AppIdentity;
  private readonly botUnionId: string;
  private readonly state: EmulatorState;
  private readonly tokens: TokenStore;
  private readonly failures = new FailureInjector();
  private readonly hub: LongConnectionHub;
  private readonly delivery: EventDelivery;
  private readonly gateway: ApiGateway;
  private readonly callLog: ApiCall[] = [];
  private readonly unexpected: UnexpectedCall[] = [];
  private readonly excused: (number | RegExp)[] = [];
  private readonly oauth = new OAuthStore();

  private constructor(options: LarkEmulatorOptions) {
    super();
    const saved = options.state;
    this.botOpenId = saved?.botOpenId ?? newId("openId");
    this.botUnionId = saved?.botUnionId ?? newId("unionId");
    this.appId = options.appId;
    this.tenantKey = saved?.tenantKey ?? options.tenantKey ?? newId("tenantKey");
    this.verificationToken = options.verificationToken ?? newId("nonce");
    this.encryptKey = options.encryptKey;
    this.now = options.now ?? Date.now;
    this.strict = options.strict ?? true;
    this.callLogLimit = options.callLogLimit ?? 10_000;
    this.grantedScopes = new Set(options.scopes ?? ALL_SCOPES);
    this.app = {
      appId: options.appId,
      tenantKey: this.tenantKey,
      verificationToken: this.verificationToken,
      botOpenId: this.botOpenId,
      appName: options.appName ?? "日清",
    };
    this.state = new EmulatorState(this.now, saved);
    this.tokens = new TokenStore(this.now, options.tokenTtlSeconds ?? 7200);
    const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    this.hub = new LongConnectionHub({
      appId: options.appId,
      appSecret: options.appSecret,
      clientConfig: { ...DEFAULT_WS_CONFIG, ...options.wsClientConfig },
      baseUrl: () => this.baseUrlValue,
      onConnect: (count) => {
        this.delivery.flush();
        this.emit("ws.connected", count);
      },
      onDisconnect: (count) => this.emit("ws.disconnected", count),
      onProtocolError: (reason) => this.flag({ reason }),
    });
    this.delivery = new EventDelivery({
      hub: this.hub,
      now: this.now,
      onAttempt: (attempt) => this.emit("delivery", attempt),
      ...(options.encryptKey !== undefined && { encryptKey: options.encryptKey }),
    });
    const limiter = new RateLimiter(this.now);
    const deps: RouteDeps = {
      app: this.app,
      appSecret: options.appSecret,
      state: this.state,
      tokens: this.tokens,
      limiter,
      limits,
      hub: this.hub,
      now: this.now,
      granted: (scope) => this.grantedScopes.has(scope),
      messageCreated: (message) => this.emit("message", message),
      messageUpdated: (message) => this.emit("message.updated", message),
    };
    this.gateway = new ApiGateway({
      routes: [
        ...authRoutes(deps),
        ...messageRoutes(deps),
        ...resourceRoutes(deps),
        ...directoryRoutes(deps),
        ...oauthRoutes(deps, this.oauth),
      ],
      tokens: this.tokens,
      limiter,
      limits,
      failures: this.failures,
      now: this.now,
      appId: options.appId,
      granted: (scope) => this.grantedScopes.has(scope),
      onCall: (call, unexpected) => this.recordCall(call, unexpected),
      onUpgrade: (request, socket, head) => this.hub.handleUpgrade(request, socket, head),
    });
  }

  /** Starts an emulator listening on 127.0.0.1 (any free port unless `port` is given). */
  static async start(options: LarkEmulatorOptions): Promise<LarkEmulator> {
    const emulator = new LarkEmulator(options);
    emulator.baseUrlValue = await emulator.gateway.listen(options.port ?? 0);
    return emulator;
  }

  /** Origin to pass as the SDK's `domain`, e.g. "http://127.0.0.1:41234". */
  get baseUrl(): string {
    return this.baseUrlValue;
  }

  // ── tenant setup ────────────────────────────────────────────────────────────

  /** Adds a user of the tenant; union_id and user_id are generated unless given. */
  addUser(user: NewUser): EmulatedUser {
    return this.state.addUser(user);
  }

  /** Adds a group chat whose members are known users; the bot is a member unless `botIsMember: false`. */
  addChat(chat: NewChat): EmulatedChat {
    return this.state.addChat(chat);
  }

  /** The id of the p2p chat between the bot and a user (created on first use). */
  p2pChatId(openId: string): string {
    return this.state.p2pChat(openId).chatId;
  }

  chat(chatId: string): EmulatedChat | undefined {
    return this.state.chat(chatId);
  }

  /** Every chat (group and p2p), oldest first. */
  chats(): EmulatedChat[] {
    return this.state.allChats();
  }

  /** Every user of the tenant, oldest first. */
  users(): EmulatedUser[] {
    return this.state.allUsers();
  }

  /**
   * Who is signed in to Feishu in the browser, for the web login (OAuth): the authorize page sends this user back to
   * the app at once, as the Feishu app does. Undefined signs out; authorize then fails the test.
   */
  signInAs(openId: string | undefined): void {
    if (openId !== undefined) this.state.requireUser(openId);
    this.oauth.signedIn = openId;
  }

  /** Adds the bot to a chat and tells it (im.chat.member.bot.added_v1). */
  addBotToChat(chatId: string, options: ChatChangeOptions = {}): Promise<{ eventId: string }> {
    const chat = this.state.updateChat(chatId, { botIsMember: true });
    return this.pushEvent(
      "im.chat.member.bot.added_v1",
      chatOperatorEvent(this.app, chat, this.operator(chat, options)),
    );
  }

  /** Removes the bot from a chat and tells it (im.chat.member.bot.deleted_v1). */
  removeBotFromChat(chatId: string, options: ChatChangeOptions = {}): Promise<{ eventId: string }> {
    const chat = this.state.updateChat(chatId, { botIsMember: false });
    return this.pushEvent(
      "im.chat.member.bot.deleted_v1",
      chatOperatorEvent(this.app, chat, this.operator(chat, options)),
    );
  }

  /** Dissolves a chat and tells the bot (im.chat.disbanded_v1). */
  dissolveChat(chatId: string, options: ChatChangeOptions = {}): Promise<{ eventId: string }> {
    const chat = this.state.updateChat(chatId, { dissolved: true });
    return this.pushEvent("im.chat.disbanded_v1", chatOperatorEvent(this.app, chat, this.operator(chat, options)));
  }

  /** The scopes granted to the app, sorted. */
  get scopes(): string[] {
    return [...this.grantedScopes].sort();
  }

  /** Grants or withdraws scopes, as an admin does in the developer console (after publishing a version). */
  setScopes(change: { grant?: readonly string[]; revoke?: readonly string[] }): void {
    for (const scope of change.grant ?? []) this.grantedScopes.add(scope);
    for (const scope of change.revoke ?? []) this.grantedScopes.delete(scope);
  }

  // ── what users do ──────────────────────────────────────────────────────────

  /**
   * A user posts a message: it is stored (emits "message") and im.message.receive_v1 is pushed to the bot.
   * Resolves after the first push attempt (or at once when the event has to wait for a receiver).
   */
  async userSends(input: UserMessageInput): Promise<UserMessageResult> {
    const sender = this.state.requireUser(input.from);
    const chat = this.state.requireChat(input.chatId);
    if (chat.dissolved) throw new Error(`emulator: chat ${chat.chatId} is dissolved`);
    if (!chat.members.includes(sender.openId)) {
      throw new Error(`emulator: ${sender.openId} is not a member of ${chat.chatId}`);
    }
    const mentions = this.mentionsFor(input);
    const message = this.state.addMessage({
      ...this.placementFor(input.replyTo, chat.chatId),
      chatId: chat.chatId,
      ...buildUserContent(input, mentions, (data) => this.storeUserImage(data)),
      sender: { type: "user", openId: sender.openId },
      mentions,
      createTime: this.now(),
    });
    this.emit("message", message);
    if (!chat.botIsMember || !this.receives(chat, input.mentionBot === true)) return { messageId: message.messageId };
    const event = messageReceiveEvent(this.app, message, sender, chat, (openId) => this.mentionedUser(openId));
    const { eventId, delivery } = await this.pushEvent("im.message.receive_v1", event);
    return { messageId: message.messageId, eventId, ...(delivery && { delivery }) };
  }

  /**
   * A user clicks (or submits) on one of the bot's cards: card.action.trigger goes to the bot once, without
   * retries, and its answer is returned. A `card` in the answer replaces the card (emits "message.updated").
   * Throws when the bot did not answer in time or answered with an error.
   */
  async userClicks(input: UserClickInput): Promise<CardCallbackAnswer | undefined> {
    const operator = this.state.requireUser(input.from);
    const message = this.state.message(input.messageId);
    if (message?.msgType !== "interactive" || message.sender.type !== "app" || message.deleted) {
      throw new Error(`emulator: ${input.messageId} is not a card sent by the bot`);
    }
    const chat = this.state.requireChat(message.chatId);
    if (!chat.members.includes(operator.openId)) throw new Error(`emulator: ${operator.openId} cannot see the card`);
    const { messageId: _, from: __, ...action } = input;
    const envelope = this.envelope("card.action.trigger", cardActionEvent(this.app, operator, message, action));
    this.delivery.record(envelope);
    const attempt = await this.delivery.deliver(envelope.header.event_id);
    if (!attempt?.ok) {
      throw new Error(`emulator: card callback failed (${attempt?.error ?? `status ${attempt?.status}`})`);
    }
    return this.applyCallbackAnswer(message, attempt.answer);
  }

  // ── delivery ───────────────────────────────────────────────────────────────

  /** Chooses how events reach the bot: long connection (default) or webhook, with retry schedule and timeout. */
  deliverTo(target: DeliveryTarget): void {
    if (target.mode === "webhook" && target.encrypt && !this.encryptKey) {
      throw new Error("emulator: encrypted webhook delivery needs an encryptKey");
    }
    this.delivery.setTarget(target);
  }

  /** Pushes an already delivered event again, same event_id (Lark delivers at least once). */
  redeliver(eventId: string): Promise<DeliveryAttempt | undefined> {
    return this.delivery.deliver(eventId);
  }

  /** Every event pushed so far with its attempts, oldest first. */
  events(): DeliveredEvent[] {
    return this.delivery.events();
  }

  /** Long-connection clients currently connected and ready. */
  get wsClientCount(): number {
    return this.hub.connectionCount;
  }

  /** Cuts every long connection (clients reconnect on their own). */
  dropWsConnections(): void {
    this.hub.dropAll();
  }

  // ── webhook helpers for receiver tests ────────────────────────────────────

  /** Wraps an event in a v2 envelope addressed to this app, with a fresh event_id. */
  buildEnvelope(eventType: string, event: Record<string, unknown>): LarkEventEnvelope {
    return this.envelope(eventType, event);
  }

  /**
   * The HTTP request Lark would POST for `payload` (encrypted when `encrypt`, default: when an encryptKey is
   * set; signed whenever one is set), optionally spoilt: bad signature, stale timestamp, wrong token.
   */
  buildWebhookRequest(payload: object, options: { encrypt?: boolean; tamper?: WebhookTamper } = {}): WebhookRequest {
    return buildWebhookRequest(payload, {
      encrypt: options.encrypt ?? this.encryptKey !== undefined,
      timestampSeconds: Math.floor(this.now() / 1000),
      ...(this.encryptKey !== undefined && { encryptKey: this.encryptKey }),
      ...(options.tamper !== undefined && { tamper: options.tamper }),
    });
  }

  /** The url_verification request Lark sends when the webhook URL is saved (never signed). */
  buildUrlVerification(options: { encrypt?: boolean; tamper?: "token" } = {}): {
    challenge: string;
    request: WebhookRequest;
  } {
    const challenge = newId("event");
    const payload = { challenge, token: this.verificationToken, type: "url_verification" };
    const request = buildWebhookRequest(payload, {
      encrypt: options.encrypt ?? this.encryptKey !== undefined,
      unsigned: true,
      timestampSeconds: Math.floor(this.now() / 1000),
      ...(this.encryptKey !== undefined && { encryptKey: this.encryptKey }),
      ...(options.tamper !== undefined && { tamper: options.tamper }),
    });
    return { challenge, request };
  }

  /** Posts the url_verification challenge to `url`; ok when the answer echoes it within 1 second. */
  async verifyUrl(url: string, options: { encrypt?: boolean } = {}): Promise<{ ok: boolean; status?: number }> {
    const { challenge, request } = this.buildUrlVerification(options);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(1000),
      });
      const answer: unknown = await response.json().catch(() => undefined);
      return {
        ok: response.status === 200 && isRecord(answer) && answer.challenge === challenge,
        status: response.status,
      };
    } catch {
      return { ok: false };
    }
  }

  // ── observation ────────────────────────────────────────────────────────────

  /** Every message in state (user and bot), oldest first, optionally of one chat. */
  messages(chatId?: string): EmulatedMessage[] {
    return this.state.messages(chatId);
  }

  message(messageId: string): EmulatedMessage | undefined {
    return this.state.message(messageId);
  }

  /** An image or file by key (bot uploads and users' attachments), e.g. for the sandbox page to show. */
  resource(key: string): EmulatedResource | undefined {
    const resource = this.state.resource(key);
    return resource && { ...resource, data: Buffer.from(resource.data) };
  }

  /** Every API call answered so far (the newest `callLogLimit`), oldest first. */
  get calls(): ApiCall[] {
    return [...this.callLog];
  }

  /** Calls and protocol exchanges a correct bot would not make (strict mode). */
  get unexpectedCalls(): UnexpectedCall[] {
    return [...this.unexpected];
  }

  /**
   * Excuses, for this emulator's life, what a test provokes on purpose: unexpected answers with these Lark codes,
   * and unexpected calls or protocol exchanges whose reason matches a pattern. `assertClean` leaves them out.
   */
  allow(...excuses: (number | RegExp)[]): void {
    this.excused.push(...excuses);
  }

  /**
   * Throws, listing them, if anything unexpected happened that was not excused by `allow` or by `allowCodes`
   * (answers this one check lets pass).
   */
  assertClean(options: { allowCodes?: number[] } = {}): void {
    const excuses = [...this.excused, ...(options.allowCodes ?? [])];
    const excused = (u: UnexpectedCall) =>
      excuses.some((e) => (typeof e === "number" ? u.call?.code === e : e.test(u.reason)));
    const offending = this.unexpected.filter((u) => !excused(u));
    if (offending.length === 0) return;
    const lines = offending.map((u) =>
      u.call ? `${u.call.method} ${u.call.path} → ${u.call.status} ${u.call.code ?? ""}: ${u.reason}` : u.reason,
    );
    throw new Error(`Lark emulator saw ${offending.length} unexpected call(s):\n  ${lines.join("\n  ")}`);
  }

  /** A copy of the bot's and tenant's ids and everything the tenant holds, to start an emulator from later. */
  exportState(): EmulatorSnapshot {
    return {
      botOpenId: this.botOpenId,
      botUnionId: this.botUnionId,
      tenantKey: this.tenantKey,
      ...this.state.export(),
    };
  }

  // ── failure injection ─────────────────────────────────────────────────────

  /** Makes the next matching call(s) fail: an error status, a dropped connection, or an answer that never comes. */
  failNext(match: FailureMatch, failure: InjectedFailure): void {
    this.failures.add(match, failure);
  }

  /** Expires every access token issued so far; the next API call with one gets 99991663. */
  expireAllTokens(): void {
    this.tokens.expireAll();
  }

  /** Stops the servers, cancels pending retries and drops every connection. */
  async close(): Promise<void> {
    this.delivery.close();
    this.hub.close();
    await this.gateway.close();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private envelope(eventType: string, event: Record<string, unknown>): LarkEventEnvelope {
    return buildEventEnvelope(this.app, eventType, event, this.now());
  }

  private async pushEvent(
    eventType: string,
    event: Record<string, unknown>,
  ): Promise<{ eventId: string; delivery?: DeliveryAttempt }> {
    const envelope = this.envelope(eventType, event);
    this.delivery.record(envelope);
    const delivery = await this.delivery.deliver(envelope.header.event_id);
    return { eventId: envelope.header.event_id, ...(delivery && { delivery }) };
  }

  /** Whether the app's scopes let a user's message in this chat reach it (Lark pushes nothing otherwise). */
  private receives(chat: EmulatedChat, mentionsBot: boolean): boolean {
    if (chat.chatType === "p2p") return this.grantedScopes.has(SCOPES.p2pMessages);
    if (this.grantedScopes.has(SCOPES.groupMessages)) return true;
    return mentionsBot && this.grantedScopes.has(SCOPES.groupAtMessages);
  }

  private operator(chat: EmulatedChat, options: ChatChangeOptions): EmulatedUser | undefined {
    const openId = options.by ?? chat.ownerOpenId;
    return openId === undefined ? undefined : this.state.requireUser(openId);
  }

  private mentionsFor(input: UserMessageInput): EmulatedMention[] {
    const people = [
      ...(input.mentionBot ? [{ openId: this.botOpenId, name: this.app.appName }] : []),
      ...(input.mentions ?? []).map((openId) => this.state.requireUser(openId)),
    ];
    return people.map((p, i) => ({ key: `@_user_${i + 1}`, openId: p.openId, name: p.name }));
  }

  private mentionedUser(openId: string): EmulatedUser | undefined {
    if (openId === this.botOpenId) {
      return { openId, unionId: this.botUnionId, userId: "", name: this.app.appName };
    }
    return this.state.findUser("open_id", openId);
  }

  private placementFor(replyTo: string | undefined, chatId: string) {
    if (replyTo === undefined) return {};
    const parent = this.state.message(replyTo);
    if (!parent || parent.chatId !== chatId) throw new Error(`emulator: ${replyTo} is not a message of ${chatId}`);
    return {
      rootId: parent.rootId ?? parent.messageId,
      parentId: parent.messageId,
      ...(parent.threadId !== undefined && { threadId: parent.threadId }),
    };
  }

  private applyCallbackAnswer(message: EmulatedMessage, answer: unknown): CardCallbackAnswer | undefined {
    if (answer === undefined) return undefined;
    if (!isRecord(answer)) {
      this.flag({ reason: `card callback answer is not a JSON object: ${JSON.stringify(answer)}` });
      return undefined;
    }
    const { toast, card } = answer;
    if (toast !== undefined && !(isRecord(toast) && TOAST_TYPES.has(String(toast.type)))) {
      this.flag({ reason: `card callback toast is malformed: ${JSON.stringify(toast)}` });
    }
    if (isRecord(card) && card.type === "raw") {
      try {
        validateCard(card.data, {
          image: (key) => this.state.resource(key)?.kind === "image",
          file: (key) => this.state.resource(key)?.kind === "file",
          user: (id) => this.state.findUser("open_id", id) !== undefined,
        });
        this.emit("message.updated", this.state.updateMessage(message.messageId, card.data, "callback"));
      } catch (error) {
        if (!(error instanceof LarkApiError)) throw error;
        this.flag({ reason: `card callback answer has an invalid card: ${error.msg}` });
      }
    }
    return answer as CardCallbackAnswer;
  }

  private storeUserImage(data: Buffer): string {
    const key = newId("image");
    this.state.addResource({
      key,
      kind: "image",
      data,
      contentType: imageContentType(data) ?? "application/octet-stream",
    });
    return key;
  }

  private recordCall(call: ApiCall, unexpected?: string): void {
    this.callLog.push(call);
    if (this.callLog.length > this.callLogLimit) this.callLog.shift();
    this.emit("call", call);
    if (unexpected !== undefined) this.flag({ call, reason: unexpected });
  }

  private flag(entry: UnexpectedCall): void {
    if (!this.strict) return;
    this.unexpected.push(entry);
    this.emit("unexpected", entry);
  }
}
