import type { Org } from "../db/org-queries.ts";
import { type ClockSettings, clockSettings } from "../domain/clock-settings.ts";

/** The clock settings and names of the bound chats, as the reminder and look-back sweeps read them. */
export interface ChatClocks {
  /** The settings of the chat an issue was reported in; the defaults for one not bound (or none). */
  settingsOf(chatId: string | null): ClockSettings;
  /** A chat's name, or its id when it has none. */
  nameOf(chatId: string): string;
  defaults: ClockSettings;
  /** The settings of every bound chat, by chat id. */
  byChat: ReadonlyMap<string, ClockSettings>;
}

/** Parsed once per org snapshot: a change to a chat's binding or settings revises the org (see org-queries.ts). */
const clocksByOrg = new WeakMap<Org, ChatClocks>();

/** The chats' clock settings of the org snapshot `org`, parsed the first time they are asked for. */
export function chatClocks(org: Org): ChatClocks {
  let clocks = clocksByOrg.get(org);
  if (!clocks) {
    const defaults = clockSettings({});
    const byChat = new Map([...org.bindings.values()].map((b) => [b.chatId, clockSettings(b.settings)]));
    clocks = {
      settingsOf: (chatId) => byChat.get(chatId ?? "") ?? defaults,
      nameOf: (chatId) => org.bindings.get(chatId)?.name ?? chatId,
      defaults,
      byChat,
    };
    clocksByOrg.set(org, clocks);
  }
  return clocks;
}
