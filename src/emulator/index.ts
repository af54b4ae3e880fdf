/**
 * A local Lark (Feishu) Open Platform for one app in one tenant. The real SDK talks to it unchanged:
 * `new lark.Client({appId, appSecret, domain: emu.baseUrl})` and `new lark.WSClient({…same…})`.
 * Tests drive it; the sandbox page reuses it. It listens on 127.0.0.1 only.
 *
 * ```ts
 * const emu = await LarkEmulator.start({ appId: "cli_0123456789abcdef", appSecret, encryptKey?, verificationToken?,
 *   strict?: true, tokenTtlSeconds?: 7200, now?: () => ms, port?: 0, rateLimits?, scopes?: ALL_SCOPES,
 *   wsClientConfig?, appName?: "日清", tenantKey?, callLogLimit?: 10_000, state?: emu.exportState() });
 * emu.baseUrl; emu.botOpenId; emu.appId; emu.tenantKey; emu.verificationToken; emu.encryptKey;
 *
 * // tenant
 * emu.addUser({ openId, name, unionId?, userId?, mobile? });  emu.users();
 * emu.scopes; emu.setScopes({ grant?, revoke? });                // granted scopes (SCOPES); default all
 * emu.addChat({ chatId, name, members, botIsMember? });       emu.chats(); emu.chat(id); emu.p2pChatId(openId);
 * emu.signInAs(openId);   // the browser's Feishu user, for the web login (OAuth authorize → code → user token)
 * await emu.addBotToChat(id); await emu.removeBotFromChat(id); await emu.dissolveChat(id);  // each pushes its event
 *
 * // what users do: stored, then pushed to the bot (long connection by default)
 * await emu.userSends({ chatId, from, text?, images?, mentionBot?, mentions?, replyTo?, messageType? })
 *   // → { messageId, eventId?, delivery? }
 * await emu.userClicks({ messageId, from, value, formValue?, option?, tag?, name?, inputValue?, checked? })
 *   // → the bot's answer {toast?, card?}; a raw card in it replaces the card
 * await emu.redeliver(eventId);                                  // same event_id again (at-least-once)
 * emu.deliverTo({ mode: "webhook", url, encrypt?, retryDelaysMs?, timeoutMs? } | { mode: "ws", … });
 * emu.wsClientCount; emu.dropWsConnections();
 *
 * // observation
 * emu.messages(chatId?); emu.message(id); emu.resource(key); emu.calls; emu.events();
 * emu.exportState();   // bot and tenant ids, users, chats, messages, images, files: the `state` option restores it
 * emu.on("message" | "message.updated" | "call" | "delivery" | "unexpected" | "ws.connected" | …, listener);
 *
 * // failure injection and strictness
 * emu.failNext({ method?, path?, times? }, { status, code?, msg?, headers? } | { kind: "network" }
 *   | { kind: "timeout-after-accept", delayMs } | { kind: "hold", until: promise });
 * emu.expireAllTokens();
 * emu.unexpectedCalls; emu.assertClean({ allowCodes? });   // unknown endpoints, bad params or cards, 429/230020, …
 * emu.allow(230020, /no such endpoint/);                    // what a test provokes on purpose: codes, reasons
 *
 * // receiver tests
 * emu.buildEnvelope(eventType, event); emu.buildWebhookRequest(payload, { encrypt?, tamper? }) // → {headers, body}
 * emu.buildUrlVerification({ encrypt? }); await emu.verifyUrl(url);
 * await emu.close();
 * ```
 *
 * Endpoints: tenant/app access token, `/callback/ws/endpoint` and its WebSocket (pbbp2 frames), message send /
 * reply / PATCH / get, image and file upload, message resource download, contact user (one and batch), chat, chat
 * members, is_in_chat, bot info, the web login (authorize page, v2 OAuth token, user_info) — with Lark's formats,
 * error codes, scopes and rate limits (50/s and 1000/min per API, 5/s per chat, 5/s per
 * card update), on an injectable clock. Anything else answers 404 and counts as unexpected.
 */

export type { UserMessageInput } from "./build-user-content.ts";
export { LARK_RETRY_DELAYS_MS } from "./event-delivery.ts";
export {
  type CardCallbackAnswer,
  type ChatChangeOptions,
  LarkEmulator,
  type UserClickInput,
  type UserMessageResult,
} from "./lark-emulator.ts";
export { ALL_SCOPES, API_SCOPES, SCOPES } from "./scopes.ts";
export type * from "./types.ts";
export {
  encryptForLark,
  STALE_SECONDS,
  signForLark,
  type WebhookRequest,
  type WebhookTamper,
} from "./webhook-request.ts";
