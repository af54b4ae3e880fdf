import type { EmulatedMessage, LarkEmulator } from "../emulator/index.ts";
import { SANDBOX_TEXTS } from "../texts/sandbox.ts";
import type { MessageView } from "./api-types.ts";

/** The page's view of an emulator message: latest content, sender by name, attached file's name and size. */
export function messageView(
  emu: LarkEmulator,
  names: { bot: string; people: ReadonlyMap<string, string> },
  message: EmulatedMessage,
): MessageView {
  const sender: MessageView["sender"] =
    message.sender.type === "app"
      ? { kind: "bot", name: names.bot }
      : {
          kind: "user",
          openId: message.sender.openId,
          name: names.people.get(message.sender.openId) ?? SANDBOX_TEXTS.unknownUser,
        };
  const view: MessageView = {
    messageId: message.messageId,
    chatId: message.chatId,
    msgType: message.msgType,
    content: message.content,
    sender,
    mentions: message.mentions,
    createTime: message.createTime,
    updateTime: message.updateTime,
    updates: message.updates.length,
  };
  if (message.rootId !== undefined) view.rootId = message.rootId;
  if (message.parentId !== undefined) view.parentId = message.parentId;
  if (message.threadId !== undefined) view.threadId = message.threadId;
  if (message.msgType === "file") {
    const key = (message.content as { file_key?: unknown }).file_key;
    const resource = typeof key === "string" ? emu.resource(key) : undefined;
    if (resource) view.file = { name: resource.fileName ?? SANDBOX_TEXTS.unnamedFile, size: resource.data.length };
  }
  return view;
}
