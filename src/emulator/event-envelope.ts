import { newId } from "./new-id.ts";
import type { EmulatedChat, EmulatedMessage, EmulatedUser, LarkEventEnvelope } from "./types.ts";

/** Who the events are addressed to. */
export interface AppIdentity {
  appId: string;
  tenantKey: string;
  verificationToken: string;
  botOpenId: string;
  appName: string;
}

/**
 * Wraps an event in Lark's v2 envelope with a fresh event_id. `create_time` is epoch milliseconds as a string,
 * except for card.action.trigger where Lark uses microseconds.
 */
export function buildEventEnvelope(
  app: AppIdentity,
  eventType: string,
  event: Record<string, unknown>,
  nowMs: number,
): LarkEventEnvelope {
  const createTime = eventType === "card.action.trigger" ? `${Math.floor(nowMs)}000` : String(Math.floor(nowMs));
  return {
    schema: "2.0",
    header: {
      event_id: newId("event"),
      event_type: eventType,
      create_time: createTime,
      token: app.verificationToken,
      app_id: app.appId,
      tenant_key: app.tenantKey,
    },
    event,
  };
}

/** The `event` of im.message.receive_v1 for a user's message. */
export function messageReceiveEvent(
  app: AppIdentity,
  message: EmulatedMessage,
  sender: EmulatedUser,
  chat: EmulatedChat,
  mentioned: (openId: string) => EmulatedUser | undefined,
): Record<string, unknown> {
  const mentions = message.mentions.map((m) => {
    const user = mentioned(m.openId);
    return {
      key: m.key,
      id: { union_id: user?.unionId ?? "", user_id: user?.userId ?? "", open_id: m.openId },
      name: m.name,
      tenant_key: app.tenantKey,
    };
  });
  return {
    sender: {
      sender_id: userIds(sender),
      sender_type: "user",
      tenant_key: app.tenantKey,
    },
    message: {
      message_id: message.messageId,
      ...(message.rootId !== undefined && { root_id: message.rootId }),
      ...(message.parentId !== undefined && { parent_id: message.parentId }),
      create_time: String(message.createTime),
      update_time: String(message.updateTime),
      chat_id: message.chatId,
      ...(message.threadId !== undefined && { thread_id: message.threadId }),
      chat_type: chat.chatType,
      message_type: message.msgType,
      content: JSON.stringify(message.content),
      ...(mentions.length > 0 && { mentions }),
    },
  };
}

/** What a user did to a card, as `userClicks` describes it. */
export interface CardAction {
  value: Record<string, unknown>;
  tag?: string;
  name?: string;
  formValue?: Record<string, unknown>;
  inputValue?: string;
  option?: string;
  checked?: boolean;
}

/** The `event` of card.action.trigger for a click on one of the bot's cards. */
export function cardActionEvent(
  app: AppIdentity,
  operator: EmulatedUser,
  message: EmulatedMessage,
  action: CardAction,
): Record<string, unknown> {
  return {
    operator: { tenant_key: app.tenantKey, ...userIds(operator) },
    token: newId("cardToken"),
    action: {
      value: action.value,
      tag: action.tag ?? "button",
      timezone: "Asia/Shanghai",
      ...(action.name !== undefined && { name: action.name }),
      ...(action.formValue !== undefined && { form_value: action.formValue }),
      ...(action.inputValue !== undefined && { input_value: action.inputValue }),
      ...(action.option !== undefined && { option: action.option }),
      ...(action.checked !== undefined && { checked: action.checked }),
    },
    host: "im_message",
    context: { open_message_id: message.messageId, open_chat_id: message.chatId },
  };
}

/** The `event` of im.chat.member.bot.added_v1 / deleted_v1 and im.chat.disbanded_v1. */
export function chatOperatorEvent(
  app: AppIdentity,
  chat: EmulatedChat,
  operator: EmulatedUser | undefined,
): Record<string, unknown> {
  return {
    chat_id: chat.chatId,
    ...(operator && { operator_id: userIds(operator) }),
    external: false,
    operator_tenant_key: app.tenantKey,
    name: chat.name,
  };
}

function userIds(user: EmulatedUser): { union_id: string; user_id: string; open_id: string } {
  return { union_id: user.unionId, user_id: user.userId, open_id: user.openId };
}
