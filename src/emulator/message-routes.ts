import { z } from "zod";
import type { UserIdType } from "./emulator-state.ts";
import type { AppIdentity } from "./event-envelope.ts";
import { isRecord } from "./is-record.ts";
import { larkErrors } from "./lark-api-error.ts";
import { newId } from "./new-id.ts";
import { ok, type Route, type RouteDeps, type RouteResult, validateFields } from "./route.ts";
import { API_SCOPES } from "./scopes.ts";
import type { EmulatedChat, EmulatedMention, EmulatedMessage } from "./types.ts";
import { type KnownResources, validateCard, validateContent } from "./validate-content.ts";

const UPDATE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;
/** Cards and posts: Lark's limit on the whole request as sent (content is JSON inside JSON, escapes included). */
const RICH_REQUEST_LIMIT_BYTES = 30 * 1024;

/** Refuses a card or post whose request body is over 30 KB (230025). */
function checkRequestSize(msgType: string, bodyBytes: number): void {
  if ((msgType === "interactive" || msgType === "post") && bodyBytes > RICH_REQUEST_LIMIT_BYTES) {
    throw larkErrors.contentTooLong("30 KB");
  }
}

const sendQuery = z.object({ receive_id_type: z.enum(["open_id", "union_id", "user_id", "email", "chat_id"]) });
const sendBody = z.object({
  receive_id: z.string().min(1),
  msg_type: z.string().min(1),
  content: z.string(),
  uuid: z.string().max(50).optional(),
});
const replyBody = z.object({
  msg_type: z.string().min(1),
  content: z.string(),
  reply_in_thread: z.boolean().optional(),
  uuid: z.string().max(50).optional(),
});
const patchBody = z.object({ content: z.string() });

type Placement = Pick<EmulatedMessage, "rootId" | "parentId" | "threadId">;

/** Send, reply, update (PATCH) and get of messages. */
export function messageRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  const known: KnownResources = {
    image: (key) => state.resource(key)?.kind === "image",
    file: (key) => state.resource(key)?.kind === "file",
    user: (id) => state.findUser("open_id", id) !== undefined,
  };

  const post = (chat: EmulatedChat, input: z.infer<typeof replyBody>, placement: Placement): RouteResult => {
    requireBotIn(chat);
    const { parsed } = validateContent(input.msg_type, input.content, known);
    const refusal = deps.limiter.admit(`chat:${chat.chatId}`, [
      { limit: deps.limits.perChatPerSecond, windowMs: 1000 },
    ]);
    if (refusal) throw larkErrors.tooFrequent();
    const message = state.addMessage({
      ...placement,
      chatId: chat.chatId,
      msgType: input.msg_type,
      content: parsed,
      sender: { type: "app", appId: deps.app.appId },
      mentions: mentionsOf(parsed, (openId) => state.findUser("open_id", openId)?.name),
      createTime: deps.now(),
      ...(input.uuid !== undefined && { uuid: input.uuid }),
    });
    deps.messageCreated(message);
    return ok(toApiMessage(message, deps.app));
  };

  const existing = (messageId: string | undefined): EmulatedMessage => {
    const message = state.message(messageId ?? "");
    if (!message) throw larkErrors.invalidParam(`invalid message_id ${messageId}`);
    if (message.deleted) throw larkErrors.messageRecalled();
    return message;
  };

  return [
    {
      method: "POST",
      path: "/open-apis/im/v1/messages",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.send,
      handle: ({ query, body, bodyBytes }) => {
        const { receive_id_type } = validateFields(sendQuery, query);
        const input = validateFields(sendBody, body);
        checkRequestSize(input.msg_type, bodyBytes);
        const prior = input.uuid === undefined ? undefined : state.messageForUuid(input.uuid);
        if (prior) return ok(toApiMessage(prior, deps.app));
        return post(receiver(deps, receive_id_type, input.receive_id), input, {});
      },
    },
    {
      method: "POST",
      path: "/open-apis/im/v1/messages/:message_id/reply",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.send,
      handle: ({ params, body, bodyBytes }) => {
        const input = validateFields(replyBody, body);
        checkRequestSize(input.msg_type, bodyBytes);
        const parent = existing(params.message_id);
        const prior = input.uuid === undefined ? undefined : state.messageForUuid(input.uuid);
        if (prior) return ok(toApiMessage(prior, deps.app));
        const chat = state.requireChat(parent.chatId);
        requireBotIn(chat);
        let threadId = parent.threadId;
        let rootId = parent.rootId ?? parent.messageId;
        if (threadId === undefined && input.reply_in_thread) {
          // Replying in thread makes the parent the root of a new thread.
          threadId = newId("thread");
          rootId = parent.messageId;
          state.setThread(parent.messageId, threadId);
        }
        return post(chat, input, { rootId, parentId: parent.messageId, ...(threadId !== undefined && { threadId }) });
      },
    },
    {
      method: "PATCH",
      path: "/open-apis/im/v1/messages/:message_id",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.send,
      handle: ({ params, body, bodyBytes }) => {
        const input = validateFields(patchBody, body);
        checkRequestSize("interactive", bodyBytes);
        const message = existing(params.message_id);
        if (message.sender.type !== "app") throw larkErrors.notSender();
        if (message.msgType !== "interactive") throw larkErrors.invalidParam("only cards (interactive) can be updated");
        requireBotIn(state.requireChat(message.chatId));
        if (deps.now() - message.createTime > UPDATE_WINDOW_MS) throw larkErrors.messageTooOld();
        const next = validateContent("interactive", input.content, known);
        if (!validateCard(message.content, known).sharedCard || !next.sharedCard) {
          throw larkErrors.invalidParam("the card must declare config.update_multi=true before and after the update");
        }
        const refusal = deps.limiter.admit(`update:${message.messageId}`, [
          { limit: deps.limits.perMessageUpdatePerSecond, windowMs: 1000 },
        ]);
        if (refusal) throw larkErrors.tooFrequent();
        deps.messageUpdated(state.updateMessage(message.messageId, next.parsed, "patch"));
        return ok({});
      },
    },
    {
      method: "GET",
      path: "/open-apis/im/v1/messages/:message_id",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.readMessage,
      handle: ({ params }) => {
        const message = state.message(params.message_id ?? "");
        if (!message) throw larkErrors.invalidParam(`invalid message_id ${params.message_id}`);
        requireBotIn(state.requireChat(message.chatId));
        return ok({ items: [toApiMessage(message, deps.app)] });
      },
    },
  ];
}

/** Refuses when the chat is dissolved (232009) or the bot is not in it (230002). */
export function requireBotIn(chat: EmulatedChat): void {
  if (chat.dissolved) throw larkErrors.chatDissolved();
  if (!chat.botIsMember) throw larkErrors.botNotInChat();
}

function receiver(deps: RouteDeps, idType: string, id: string): EmulatedChat {
  if (idType === "chat_id") {
    const chat = deps.state.chat(id);
    if (!chat) throw larkErrors.invalidParam(`invalid receive_id ${id}`);
    return chat;
  }
  const user = idType === "email" ? undefined : deps.state.findUser(idType as UserIdType, id);
  if (!user) throw larkErrors.invalidParam(`invalid receive_id ${id}`);
  return deps.state.p2pChat(user.openId);
}

/** The @-mentions of a sent text (`<at user_id="ou_…">Name</at>`) or post (`{"tag":"at","user_id":"ou_…"}`). */
function mentionsOf(content: unknown, nameOf: (openId: string) => string | undefined): EmulatedMention[] {
  const openIds: string[] = [];
  if (isRecord(content) && typeof content.text === "string") {
    for (const match of content.text.matchAll(/<at user_id="([^"]+)">/g)) openIds.push(match[1] ?? "");
  } else {
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (isRecord(node)) {
        if (node.tag === "at" && typeof node.user_id === "string") openIds.push(node.user_id);
        Object.values(node).forEach(visit);
      }
    };
    visit(content);
  }
  return openIds.map((openId, i) => ({ key: `@_user_${i + 1}`, openId, name: nameOf(openId) ?? "" }));
}

/** A message as Lark's message APIs return it. */
export function toApiMessage(message: EmulatedMessage, app: AppIdentity): Record<string, unknown> {
  const sender =
    message.sender.type === "app"
      ? { id: message.sender.appId, id_type: "app_id", sender_type: "app", tenant_key: app.tenantKey }
      : { id: message.sender.openId, id_type: "open_id", sender_type: "user", tenant_key: app.tenantKey };
  return {
    message_id: message.messageId,
    ...(message.rootId !== undefined && { root_id: message.rootId }),
    ...(message.parentId !== undefined && { parent_id: message.parentId }),
    ...(message.threadId !== undefined && { thread_id: message.threadId }),
    msg_type: message.msgType,
    create_time: String(message.createTime),
    update_time: String(message.updateTime),
    deleted: message.deleted,
    updated: message.updates.length > 0,
    chat_id: message.chatId,
    sender,
    body: { content: JSON.stringify(message.content) },
    ...(message.mentions.length > 0 && {
      mentions: message.mentions.map((m) => ({
        key: m.key,
        id: m.openId,
        id_type: "open_id",
        name: m.name,
        tenant_key: app.tenantKey,
      })),
    }),
  };
}
