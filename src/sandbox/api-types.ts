/**
 * The JSON the sandbox API speaks (/sandbox/api/*), shared by the server and the page script. Plain data only: this
 * file is compiled for Node and for the browser.
 */

/** A demo person the page can post as. */
export interface PersonView {
  openId: string;
  name: string;
  /** One line per duty, e.g. "幸福里第一网格 · 网格长". */
  roles: string[];
  /** The person's private chat with the bot. */
  p2pChatId: string;
}

/** A group chat in the list. */
export interface ChatView {
  chatId: string;
  name: string;
  /** 工作群, 领导群, 部门群 or 巡查群. */
  purpose: string;
  unit: string;
  memberCount: number;
}

/** A bundled sample photo. */
export interface SampleView {
  id: string;
  /** Short caption, e.g. "纸箱堆物". */
  name: string;
  /** A report line that goes with the photo, offered when the text box is empty. */
  suggestedText: string;
  url: string;
}

/** GET /sandbox/api/state. */
export interface SandboxState {
  /** The demo session: kept when the sandbox resumes after a restart, new after every reset (the page reloads). */
  sessionId: string;
  /** Virtual epoch milliseconds when the answer was made. */
  now: number;
  timeZone: string;
  bot: { openId: string; name: string };
  people: PersonView[];
  chats: ChatView[];
  samples: SampleView[];
}

/** A message as the page renders it: the latest content of a card, the sender resolved to a name. */
export interface MessageView {
  messageId: string;
  chatId: string;
  rootId?: string;
  parentId?: string;
  threadId?: string;
  msgType: string;
  /** Parsed content JSON (the latest version for an updated card). */
  content: unknown;
  sender: { kind: "bot"; name: string } | { kind: "user"; openId: string; name: string };
  mentions: { key: string; openId: string; name: string }[];
  createTime: number;
  updateTime: number;
  /** How many times the card was updated in place. */
  updates: number;
  /** For file messages: the file's name and size in bytes. */
  file?: { name: string; size: number };
}

/** A photo to attach: a bundled sample or an uploaded file (base64 of its bytes). */
export type PhotoInput = { sample: string } | { base64: string };

/** POST /sandbox/api/messages: post as a demo person. */
export interface SendRequest {
  chatId: string;
  from: string;
  text?: string;
  mentionBot?: boolean;
  /** open_ids to @. */
  mentions?: string[];
  replyTo?: string;
  photos?: PhotoInput[];
}

/** POST /sandbox/api/clicks: a click, a choice or a form submit on a bot card. */
export interface ClickRequest {
  messageId: string;
  from: string;
  value: Record<string, unknown>;
  tag: "button" | "select_static";
  option?: string;
  name?: string;
  formValue?: Record<string, string>;
}

/** The bot's answer to a click. */
export interface ClickAnswer {
  toast?: { type: string; content: string };
}

/**
 * POST /sandbox/api/clock: jump by minutes, to the next HH:mm, or to the next instant the bot sends something
 * (a reminder, an escalation, a look-back or a digest).
 */
export type ClockRequest =
  | { action: "advance"; minutes: number }
  | { action: "until"; time: string }
  | { action: "next" };

/** The clock after a jump; `note` explains a jump that could not happen. */
export interface ClockAnswer {
  now: number;
  note?: string;
}

/** What the server pushes on /sandbox/api/events (server-sent events, one JSON object per event). */
export type SandboxEvent =
  | { type: "message"; message: MessageView }
  | { type: "message.updated"; message: MessageView }
  | { type: "clock"; now: number }
  | { type: "reset" };

/** Every error answer: a sentence for the user. */
export interface ErrorAnswer {
  error: string;
}
