import type { MessageView } from "../api-types.ts";

/**
 * The messages the page knows, per chat in arrival order, with Feishu's thread layout: a thread's root sits in the
 * chat with a reply count, its replies live in the thread. The root is the first message seen with the thread's id.
 */
export class MessageStore {
  private readonly byId = new Map<string, MessageView>();
  private readonly byChat = new Map<string, string[]>();
  private readonly roots = new Map<string, string>();

  constructor(messages: readonly MessageView[] = []) {
    for (const message of messages) this.upsert(message);
  }

  /** Adds a message or replaces its content; says which. */
  upsert(message: MessageView): "added" | "updated" {
    const known = this.byId.has(message.messageId);
    this.byId.set(message.messageId, message);
    if (!known) {
      const ids = this.byChat.get(message.chatId) ?? [];
      ids.push(message.messageId);
      this.byChat.set(message.chatId, ids);
    }
    if (message.threadId !== undefined && !this.roots.has(message.threadId)) {
      this.roots.set(message.threadId, message.messageId);
    }
    return known ? "updated" : "added";
  }

  get(messageId: string): MessageView | undefined {
    return this.byId.get(messageId);
  }

  /** Whether a message of this thread has been seen (the root included). */
  knowsThread(threadId: string): boolean {
    return this.roots.has(threadId);
  }

  /** Every message of a chat, oldest first. */
  chat(chatId: string): MessageView[] {
    return (this.byChat.get(chatId) ?? []).flatMap((id) => this.byId.get(id) ?? []);
  }

  /**
   * What the chat itself shows: messages outside threads and thread roots, ordered by their latest activity, so a
   * thread with a new reply moves to the bottom as in Feishu.
   */
  mainFlow(chatId: string): MessageView[] {
    const flow = this.chat(chatId).filter((m) => this.inMainFlow(m));
    const activity = new Map(flow.map((m, i) => [m.messageId, [this.activity(m), i] as const]));
    const key = (m: MessageView) => activity.get(m.messageId) ?? ([0, 0] as const);
    return flow.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
  }

  /** When a main-flow message last saw activity: its own time, or its thread's newest reply. */
  activity(message: MessageView): number {
    return Math.max(message.createTime, ...this.replies(message).map((r) => r.createTime));
  }

  inMainFlow(message: MessageView): boolean {
    return message.threadId === undefined || this.roots.get(message.threadId) === message.messageId;
  }

  /** The root of the thread a message is in (itself for a root). */
  rootOf(message: MessageView): MessageView | undefined {
    const id = message.threadId === undefined ? undefined : this.roots.get(message.threadId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The replies of the thread `root` starts, oldest first. */
  replies(root: MessageView): MessageView[] {
    if (root.threadId === undefined || this.roots.get(root.threadId) !== root.messageId) return [];
    return this.chat(root.chatId).filter((m) => m.threadId === root.threadId && m.messageId !== root.messageId);
  }

  /** The newest message of a chat. */
  last(chatId: string): MessageView | undefined {
    const ids = this.byChat.get(chatId);
    const id = ids?.[ids.length - 1];
    return id === undefined ? undefined : this.byId.get(id);
  }
}
