/**
 * Lark's app scopes (权限) as the emulator enforces them. Each API needs any one of its scopes (the documentation's
 * "开启其中任意一项权限即可调用"); events arrive only with theirs, and nothing tells the app when one is missing.
 */

/** The scopes the emulator knows, by what they grant. */
export const SCOPES = {
  /** Send, reply and update messages as the bot. */
  sendAsBot: "im:message:send_as_bot",
  /** Read and send messages (the broad scope). */
  message: "im:message",
  /** Read messages the bot can see. */
  messageReadonly: "im:message:readonly",
  /** Receive private-chat messages (im.message.receive_v1 for p2p chats). */
  p2pMessages: "im:message.p2p_msg:readonly",
  /** Receive group messages that @ the bot. */
  groupAtMessages: "im:message.group_at_msg:readonly",
  /** Receive every group message. */
  groupMessages: "im:message.group_msg",
  /** Upload images and files, download message resources. */
  resource: "im:resource",
  /** Read chats (info, members, membership). */
  chatReadonly: "im:chat:readonly",
  /** Read and manage chats. */
  chat: "im:chat",
  /** Read chat members (and whether the bot is one). */
  chatMembersRead: "im:chat.members:read",
  /** Read a user's basic contact data (the user API itself). */
  contactBase: "contact:contact.base:readonly",
  /** Read a user's name (the field is left out without it). */
  userBase: "contact:user.base:readonly",
} as const;

/** Every scope the emulator knows: the sandbox's app has them all. */
export const ALL_SCOPES: readonly string[] = Object.values(SCOPES);

/** Which scopes each API needs (any one of them), by route. */
export const API_SCOPES = {
  send: [SCOPES.message, SCOPES.sendAsBot],
  readMessage: [SCOPES.message, SCOPES.messageReadonly],
  upload: [SCOPES.resource],
  download: [SCOPES.resource, SCOPES.message, SCOPES.messageReadonly],
  chat: [SCOPES.chat, SCOPES.chatReadonly],
  chatMembers: [SCOPES.chat, SCOPES.chatReadonly, SCOPES.chatMembersRead],
  contact: [SCOPES.contactBase],
} as const satisfies Record<string, readonly string[]>;
