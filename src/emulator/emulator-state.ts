import { newId } from "./new-id.ts";
import type {
  EmulatedChat,
  EmulatedMessage,
  EmulatedResource,
  EmulatedTenant,
  EmulatedUser,
  NewChat,
  NewUser,
} from "./types.ts";

/** A user id type accepted by Lark's APIs. */
export type UserIdType = "open_id" | "union_id" | "user_id";

const UUID_WINDOW_MS = 60 * 60 * 1000;

/**
 * Everything the emulated tenant holds: users, chats, messages and resources. Pure in-memory state without
 * HTTP; every read hands out copies so callers cannot change it behind the emulator's back.
 */
export class EmulatorState {
  private readonly users = new Map<string, EmulatedUser>();
  private readonly chats = new Map<string, EmulatedChat>();
  private readonly messageStore = new Map<string, EmulatedMessage>();
  private readonly resources = new Map<string, EmulatedResource>();
  private readonly uuids = new Map<string, { messageId: string; time: number }>();

  /** An empty tenant, or one holding a copy of `tenant` (see `export`). */
  constructor(
    private readonly now: () => number,
    tenant?: EmulatedTenant,
  ) {
    if (!tenant) return;
    for (const user of tenant.users) this.users.set(user.openId, { ...user });
    for (const chat of tenant.chats) this.chats.set(chat.chatId, cloneChat(chat));
    for (const message of tenant.messages) this.messageStore.set(message.messageId, structuredClone(message));
    for (const resource of tenant.resources) this.addResource({ ...resource, data: Buffer.from(resource.data) });
    for (const { uuid, messageId, time } of tenant.uuids) this.uuids.set(uuid, { messageId, time });
  }

  /** A copy of everything the tenant holds, in creation order, for `new EmulatorState(now, tenant)` to restore. */
  export(): EmulatedTenant {
    return {
      users: this.allUsers(),
      chats: this.allChats(),
      messages: this.messages(),
      resources: [...this.resources.values()].map((r) => ({ ...r, data: Buffer.from(r.data) })),
      uuids: [...this.uuids].map(([uuid, entry]) => ({ uuid, ...entry })),
    };
  }

  /** Adds (or replaces) a user; ids not given are generated. */
  addUser(input: NewUser): EmulatedUser {
    const user: EmulatedUser = {
      openId: input.openId,
      name: input.name,
      unionId: input.unionId ?? newId("unionId"),
      userId: input.userId ?? newId("userId"),
      ...(input.mobile !== undefined && { mobile: input.mobile }),
    };
    this.users.set(user.openId, user);
    return { ...user };
  }

  /** Finds a user by any of Lark's user id types. */
  findUser(idType: UserIdType, id: string): EmulatedUser | undefined {
    const user = [...this.users.values()].find((u) =>
      idType === "open_id" ? u.openId === id : idType === "union_id" ? u.unionId === id : u.userId === id,
    );
    return user && { ...user };
  }

  /** Every user, in the order they were added. */
  allUsers(): EmulatedUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  /** The user with this open_id; throws for unknown users (a test setup mistake). */
  requireUser(openId: string): EmulatedUser {
    const user = this.users.get(openId);
    if (!user) throw new Error(`emulator: unknown user ${openId}; call addUser first`);
    return { ...user };
  }

  /** Adds a group chat; every member must be a known user. */
  addChat(input: NewChat): EmulatedChat {
    for (const member of input.members) this.requireUser(member);
    const chat: EmulatedChat = {
      chatId: input.chatId,
      name: input.name,
      chatType: "group",
      members: [...input.members],
      botIsMember: input.botIsMember ?? true,
      dissolved: false,
      ...(input.members[0] !== undefined && { ownerOpenId: input.members[0] }),
    };
    this.chats.set(chat.chatId, chat);
    return cloneChat(chat);
  }

  /** The p2p chat between the bot and a user, created on first use. */
  p2pChat(openId: string): EmulatedChat {
    const user = this.requireUser(openId);
    const existing = [...this.chats.values()].find((c) => c.chatType === "p2p" && c.members[0] === openId);
    if (existing) return cloneChat(existing);
    const chat: EmulatedChat = {
      chatId: newId("chat"),
      name: user.name,
      chatType: "p2p",
      members: [openId],
      botIsMember: true,
      dissolved: false,
      ownerOpenId: openId,
    };
    this.chats.set(chat.chatId, chat);
    return cloneChat(chat);
  }

  /** Every chat (group and p2p), in the order they were created. */
  allChats(): EmulatedChat[] {
    return [...this.chats.values()].map(cloneChat);
  }

  chat(chatId: string): EmulatedChat | undefined {
    const chat = this.chats.get(chatId);
    return chat && cloneChat(chat);
  }

  /** The chat with this id; throws for unknown chats (a test setup mistake). */
  requireChat(chatId: string): EmulatedChat {
    const chat = this.chat(chatId);
    if (!chat) throw new Error(`emulator: unknown chat ${chatId}; call addChat first`);
    return chat;
  }

  updateChat(chatId: string, change: Partial<Pick<EmulatedChat, "botIsMember" | "dissolved">>): EmulatedChat {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`emulator: unknown chat ${chatId}; call addChat first`);
    Object.assign(chat, change);
    return cloneChat(chat);
  }

  /** Stores a new message; returns its snapshot. */
  addMessage(message: Omit<EmulatedMessage, "messageId" | "updates" | "deleted" | "updateTime">): EmulatedMessage {
    const stored: EmulatedMessage = {
      ...message,
      messageId: newId("message"),
      updateTime: message.createTime,
      deleted: false,
      updates: [],
    };
    this.messageStore.set(stored.messageId, stored);
    if (stored.uuid) this.uuids.set(stored.uuid, { messageId: stored.messageId, time: stored.createTime });
    return structuredClone(stored);
  }

  message(messageId: string): EmulatedMessage | undefined {
    const message = this.messageStore.get(messageId);
    return message && structuredClone(message);
  }

  /** Every message, oldest first, optionally of one chat. */
  messages(chatId?: string): EmulatedMessage[] {
    return [...this.messageStore.values()]
      .filter((m) => chatId === undefined || m.chatId === chatId)
      .map((m) => structuredClone(m));
  }

  /** Replaces a card's content, keeping the history. */
  updateMessage(messageId: string, content: unknown, via: "patch" | "callback"): EmulatedMessage {
    const message = this.messageStore.get(messageId);
    if (!message) throw new Error(`emulator: unknown message ${messageId}`);
    const time = this.now();
    message.content = content;
    message.updateTime = time;
    message.updates.push({ time, content: structuredClone(content), via });
    return structuredClone(message);
  }

  /** Marks a message as the root of a thread (Lark gives the root the thread id too). */
  setThread(messageId: string, threadId: string): void {
    const message = this.messageStore.get(messageId);
    if (message) message.threadId = threadId;
  }

  /** The message a uuid produced within the last hour, if any (Lark's send de-duplication). */
  messageForUuid(uuid: string): EmulatedMessage | undefined {
    const entry = this.uuids.get(uuid);
    if (!entry || this.now() - entry.time >= UUID_WINDOW_MS) return undefined;
    return this.message(entry.messageId);
  }

  addResource(resource: EmulatedResource): void {
    this.resources.set(resource.key, resource);
  }

  resource(key: string): EmulatedResource | undefined {
    return this.resources.get(key);
  }
}

function cloneChat(chat: EmulatedChat): EmulatedChat {
  return { ...chat, members: [...chat.members] };
}
