import type { ClockRequest, MessageView, PersonView, SandboxEvent, SandboxState } from "../api-types.ts";
import { ApiError, api } from "./api.ts";
import type { CardAction } from "./card.ts";
import { Composer } from "./composer.ts";
import { h, replaceChildren } from "./dom.ts";
import { clockLabel, dayKey, dayLabel, timeLabel } from "./format.ts";
import {
  avatar,
  type MessageContext,
  type Place,
  renderMessage,
  renderThreadGroup,
  summary,
  threadBox,
} from "./message.ts";
import { confirmDialog, hideCover, showCover, toast, zoom } from "./overlays.ts";
import { MessageStore } from "./store.ts";
import { PURPOSES, T } from "./texts.ts";

const STORAGE = { persona: "riqing-sandbox-persona", chat: "riqing-sandbox-chat", tip: "riqing-sandbox-tip" };
/** Pixels from the bottom within which the chat keeps following new messages. */
const STICKY_PX = 120;
const RETRY_MS = 1000;

/** A chat in the list: a bound group, or the current persona's private chat with the bot. */
interface ChatEntry {
  chatId: string;
  name: string;
  tag: string;
  /** Two characters for the group's avatar. */
  short: string;
  detail: string;
  private: boolean;
}

/**
 * The sandbox page: Feishu-like group chats on the emulator. Left, the persona and the chat list; middle, the chat
 * with its composer; right, an open thread. The clock bar moves virtual time. Everything live arrives over
 * server-sent events; cards are redrawn in place when the bot updates them.
 */
class App {
  private state!: SandboxState;
  private store = new MessageStore();
  private persona = "";
  private chatId = "";
  private threadRootId: string | undefined;
  private quoteId: string | undefined;
  private readonly unread = new Map<string, number>();
  private clockBase = { virtual: 0, real: 0 };
  private stickToBottom = true;
  private reloading: Promise<void> | undefined;
  /** Set while the event stream is down, so the page reloads once it is back. */
  private disconnected = false;
  private readonly ui = {
    clockDay: h("span", { class: "clock-day" }),
    clockTime: h("span", { class: "clock-time", "data-test": "clock" }),
    clockButtons: h("div", { class: "clock-buttons" }),
    persona: h("div", { class: "persona" }),
    chatList: h("nav", { class: "chat-list" }),
    chatHeader: h("div", { class: "chat-header" }),
    tip: h("div", { class: "tip" }),
    shell: h("div", { class: "shell" }),
    offline: h("div", { class: "offline", role: "alert", hidden: true, "data-test": "offline" }, T.offline),
    messages: h("div", { class: "messages", "data-test": "messages" }),
    thread: h("aside", { class: "thread", hidden: true, "data-test": "thread" }),
    threadMessages: h("div", { class: "messages thread-messages" }),
  };
  private readonly composer = new Composer({
    compact: false,
    samples: () => this.state.samples,
    people: () => this.state.people,
    from: () => this.persona,
    placeholder: () => T.placeholder(this.currentChat()?.name ?? ""),
    target: () => ({ chatId: this.chatId, ...(this.quoteId && { replyTo: this.quoteId }) }),
    onClearReply: () => {
      this.quoteId = undefined;
    },
  });
  private readonly threadComposer = new Composer({
    compact: true,
    samples: () => this.state.samples,
    people: () => this.state.people,
    from: () => this.persona,
    placeholder: () => T.threadPlaceholder,
    target: () => ({ chatId: this.chatId, ...(this.threadRootId && { replyTo: this.threadRootId }) }),
  });
  private readonly ctx: MessageContext = {
    timeZone: "Asia/Shanghai",
    nameOf: (openId) => this.nameOf(openId),
    self: () => this.persona,
    message: (id) => this.store.get(id),
    reply: (m) => this.quote(m),
    openThread: (m) => this.openThread(m.messageId),
    click: (messageId, action) => this.click(messageId, action),
    confirm: confirmDialog,
    zoom,
  };

  async start(): Promise<void> {
    showCover(T.loading);
    await this.load();
    document.getElementById("app")?.replaceChildren(this.layout());
    document.addEventListener("click", () => {
      const menu = this.ui.persona.querySelector<HTMLElement>(".persona-menu");
      if (menu) menu.hidden = true;
    });
    this.followMessages(this.ui.messages);
    this.renderAll();
    hideCover();
    this.listen();
    setInterval(() => this.tickClock(), 1000);
  }

  /** Fetches state and messages, retrying while the server restarts. */
  private async load(): Promise<void> {
    for (;;) {
      try {
        const [state, messages] = await Promise.all([api.state(), api.messages()]);
        this.state = state;
        this.ctx.timeZone = state.timeZone;
        this.store = new MessageStore(messages);
        this.clockBase = { virtual: state.now, real: Date.now() };
        this.pickDefaults();
        return;
      } catch {
        showCover(T.loadFailed);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  private pickDefaults(): void {
    const people = this.state.people;
    const savedPersona = localStorage.getItem(STORAGE.persona);
    if (!people.some((p) => p.openId === this.persona)) {
      this.persona =
        people.find((p) => p.openId === savedPersona)?.openId ??
        people.find((p) => p.roles.some((r) => r.endsWith(T.reporterRole)))?.openId ??
        people[0]?.openId ??
        "";
    }
    const chats = this.chatEntries();
    const savedChat = localStorage.getItem(STORAGE.chat);
    if (!chats.some((c) => c.chatId === this.chatId)) {
      this.chatId = chats.find((c) => c.chatId === savedChat)?.chatId ?? chats[0]?.chatId ?? "";
    }
    this.threadRootId = undefined;
    this.quoteId = undefined;
  }

  // ── layout ────────────────────────────────────────────────────────────────

  /**
   * The page: the clock bar on top; below it the sidebar (persona and chat list), the chat and an open thread side by
   * side — on a phone the sidebar is a drawer opened from the chat header and the thread covers the chat.
   */
  private layout(): HTMLElement {
    replaceChildren(
      this.ui.shell,
      this.ui.offline,
      h(
        "header",
        { class: "topbar" },
        h(
          "div",
          { class: "brand" },
          h("div", { class: "logo" }, T.logo),
          h(
            "div",
            { class: "brand-text" },
            h("div", { class: "brand-title" }, T.title),
            h("div", { class: "brand-sub" }, T.subtitle),
          ),
        ),
        h(
          "div",
          { class: "clock" },
          h(
            "div",
            { class: "clock-face" },
            h("span", { class: "clock-label" }, T.virtualTime),
            this.ui.clockDay,
            this.ui.clockTime,
          ),
          this.ui.clockButtons,
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-ghost",
            "data-test": "board",
            title: T.boardHint,
            onclick: () => void this.openBoard(),
          },
          T.board,
        ),
        h(
          "button",
          { type: "button", class: "btn btn-ghost", "data-test": "reset", onclick: () => void this.reset() },
          T.reset,
        ),
      ),
      h(
        "div",
        { class: "workspace" },
        h("aside", { class: "sidebar", "data-test": "sidebar" }, this.ui.persona, this.ui.chatList),
        h("div", { class: "drawer-backdrop", onclick: () => this.toggleDrawer(false) }),
        h("main", { class: "chat" }, this.ui.chatHeader, this.ui.tip, this.ui.messages, this.composer.element),
        this.ui.thread,
      ),
    );
    return this.ui.shell;
  }

  /** Opens or closes the chat list drawer (shown as a drawer on narrow screens only). */
  private toggleDrawer(open: boolean): void {
    this.ui.shell.classList.toggle("drawer-open", open);
  }

  private renderAll(): void {
    this.renderClockButtons();
    this.tickClock();
    this.renderPersona();
    this.renderChatList();
    this.renderChat();
    this.renderThread();
  }

  // ── clock ─────────────────────────────────────────────────────────────────

  private now(): number {
    return this.clockBase.virtual + (Date.now() - this.clockBase.real);
  }

  private tickClock(): void {
    if (!this.state) return;
    this.ui.clockDay.textContent = dayLabel(this.now(), this.state.timeZone);
    this.ui.clockTime.textContent = clockLabel(this.now(), this.state.timeZone);
  }

  private renderClockButtons(): void {
    const hours = h("input", { type: "number", class: "hours", min: 1, max: 240, value: 3, "aria-label": T.hoursUnit });
    const time = h(
      "select",
      { class: "time", "aria-label": T.jumpTo, "data-test": "jump-time" },
      Array.from({ length: 48 }, (_, i) => {
        const label = `${String(Math.floor(i / 2)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`;
        return h("option", { value: label, selected: label === "19:00" }, label);
      }),
    );
    const jump = (request: ClockRequest, test: string, label: string, title?: string) =>
      h(
        "button",
        { type: "button", class: "btn btn-small", "data-jump": test, title, onclick: () => void this.jump(request) },
        label,
      );
    replaceChildren(
      this.ui.clockButtons,
      jump({ action: "advance", minutes: 60 }, "1h", T.plusOneHour),
      h(
        "span",
        { class: "clock-group" },
        hours,
        h("span", { class: "unit" }, T.hoursUnit),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "data-jump": "hours",
            onclick: () =>
              void this.jump({ action: "advance", minutes: Math.max(1, Math.round(Number(hours.value) * 60)) }),
          },
          T.plusHours,
        ),
      ),
      jump({ action: "until", time: "08:00" }, "08:00", T.toMorning),
      jump({ action: "until", time: "18:00" }, "18:00", T.toEvening),
      h(
        "span",
        { class: "clock-group" },
        time,
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "data-jump": "time",
            onclick: () => void this.jump({ action: "until", time: time.value }),
          },
          T.go,
        ),
      ),
      jump({ action: "next" }, "next", T.nextReminder, T.nextReminderHint),
    );
  }

  private async jump(request: ClockRequest): Promise<void> {
    const buttons = [...this.ui.clockButtons.querySelectorAll("button")];
    for (const b of buttons) b.disabled = true;
    try {
      const answer = await api.clock(request);
      this.clockBase = { virtual: answer.now, real: Date.now() };
      this.tickClock();
      if (answer.note) toast("info", answer.note);
    } catch (error) {
      toast("error", error instanceof ApiError ? error.message : T.clickFailed);
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  // ── persona ───────────────────────────────────────────────────────────────

  private person(openId: string): PersonView | undefined {
    return this.state.people.find((p) => p.openId === openId);
  }

  private nameOf(openId: string): string {
    if (openId === this.state.bot.openId) return this.state.bot.name;
    return this.person(openId)?.name ?? T.unknownUser;
  }

  private renderPersona(): void {
    const me = this.person(this.persona);
    if (!me) return;
    const menu = h(
      "div",
      { class: "persona-menu", hidden: true, "data-test": "persona-menu" },
      h("div", { class: "menu-hint" }, T.personaHint),
      this.state.people.map((p) =>
        h(
          "button",
          {
            type: "button",
            class: p.openId === this.persona ? "persona-option current" : "persona-option",
            "data-persona": p.name,
            onclick: () => this.switchPersona(p.openId),
          },
          avatar(p.name, p.openId),
          h(
            "span",
            { class: "option-text" },
            h("span", { class: "person-name" }, p.name),
            h("span", { class: "person-role" }, T.roles(p.roles)),
          ),
        ),
      ),
    );
    const button = h(
      "button",
      { type: "button", class: "persona-button", "data-test": "persona", title: T.switchPersona },
      avatar(me.name, me.openId),
      h(
        "span",
        { class: "option-text" },
        h("span", { class: "persona-caption" }, T.iAm),
        h("span", { class: "person-name" }, me.name),
        h("span", { class: "person-role" }, T.roles(me.roles)),
      ),
      h("span", { class: "chevron" }),
    );
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      menu.hidden = !menu.hidden;
    });
    replaceChildren(this.ui.persona, button, menu);
  }

  private switchPersona(openId: string): void {
    const wasPrivate = this.currentChat()?.private ?? false;
    this.persona = openId;
    localStorage.setItem(STORAGE.persona, openId);
    if (wasPrivate) this.chatId = this.person(openId)?.p2pChatId ?? this.chatId;
    this.renderPersona();
    this.renderChatList();
    this.renderChat();
    this.renderThread();
  }

  // ── chat list ─────────────────────────────────────────────────────────────

  private chatEntries(): ChatEntry[] {
    const groups: ChatEntry[] = this.state.chats.map((c) => ({
      chatId: c.chatId,
      name: c.name,
      tag: c.purpose,
      short: shortName(c.purpose, c.unit),
      detail: `${c.unit} · ${T.members(c.memberCount)}`,
      private: false,
    }));
    const me = this.person(this.persona);
    const bot = this.state.bot.name;
    return me
      ? [
          ...groups,
          {
            chatId: me.p2pChatId,
            name: T.botPrivate(bot),
            tag: T.privateChats,
            short: "",
            detail: me.name,
            private: true,
          },
        ]
      : groups;
  }

  private currentChat(): ChatEntry | undefined {
    return this.chatEntries().find((c) => c.chatId === this.chatId);
  }

  private renderChatList(): void {
    const entries = this.chatEntries();
    const item = (entry: ChatEntry) => {
      const last = this.store.last(entry.chatId);
      const unread = this.unread.get(entry.chatId) ?? 0;
      return h(
        "button",
        {
          type: "button",
          class: entry.chatId === this.chatId ? "chat-item active" : "chat-item",
          "data-chat": entry.name,
          onclick: () => this.openChat(entry.chatId),
        },
        entry.private
          ? avatar(this.state.bot.name, "bot", true)
          : h("div", { class: `group-avatar purpose-${purposeClass(entry.tag)}` }, entry.short),
        h(
          "div",
          { class: "chat-item-text" },
          h(
            "div",
            { class: "chat-item-top" },
            h("span", { class: "chat-item-name" }, entry.name),
            last && h("span", { class: "chat-item-time" }, timeLabel(last.createTime, this.state.timeZone)),
          ),
          h(
            "div",
            { class: "chat-item-bottom" },
            h(
              "span",
              { class: "chat-item-preview" },
              last ? T.preview(last.sender.name, summary(last, this.ctx.nameOf)) : entry.detail,
            ),
            unread > 0 && h("span", { class: "badge" }, unread > 99 ? "99+" : unread),
          ),
        ),
      );
    };
    replaceChildren(
      this.ui.chatList,
      h("div", { class: "section-title" }, T.groups),
      entries.filter((e) => !e.private).map(item),
      h("div", { class: "section-title" }, T.privateChats),
      entries.filter((e) => e.private).map(item),
    );
  }

  private openChat(chatId: string): void {
    this.toggleDrawer(false);
    this.chatId = chatId;
    localStorage.setItem(STORAGE.chat, chatId);
    this.unread.delete(chatId);
    this.threadRootId = undefined;
    this.composer.clearQuote();
    this.renderChatList();
    this.renderChat();
    this.renderThread();
    this.composer.focus();
  }

  // ── chat ──────────────────────────────────────────────────────────────────

  private renderChat(): void {
    const chat = this.currentChat();
    replaceChildren(
      this.ui.chatHeader,
      h(
        "button",
        {
          type: "button",
          class: "icon-btn drawer-toggle",
          title: T.chatList,
          "aria-label": T.chatList,
          "data-test": "drawer-toggle",
          onclick: () => this.toggleDrawer(true),
        },
        "☰",
      ),
      h("div", { class: "chat-title" }, chat?.name ?? ""),
      chat && h("span", { class: `tag purpose-${purposeClass(chat.tag)}` }, chat.tag),
      chat && h("span", { class: "chat-detail" }, chat.detail),
    );
    this.renderTip();
    const messages = this.store.mainFlow(this.chatId);
    if (messages.length === 0) {
      replaceChildren(
        this.ui.messages,
        h("div", { class: "empty" }, h("div", { class: "empty-title" }, T.emptyChat), h("div", {}, T.emptyChatHint)),
      );
    } else {
      replaceChildren(
        this.ui.messages,
        messages.map((m) => this.groupElement(m)),
      );
      this.placeDaySeparators();
    }
    this.composer.refresh();
    this.stickToBottom = true;
    this.scrollToBottom(this.ui.messages);
  }

  private renderTip(): void {
    if (localStorage.getItem(STORAGE.tip) === "dismissed") {
      this.ui.tip.hidden = true;
      return;
    }
    replaceChildren(
      this.ui.tip,
      h("div", { class: "tip-title" }, T.tipTitle),
      h(
        "ol",
        {},
        T.tipSteps.map((step) => h("li", {}, step)),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small",
          onclick: () => {
            localStorage.setItem(STORAGE.tip, "dismissed");
            this.ui.tip.hidden = true;
          },
        },
        T.tipDismiss,
      ),
    );
  }

  /** Puts a date line before every message group whose day (of its latest activity) differs from the one above. */
  private placeDaySeparators(): void {
    for (const line of this.ui.messages.querySelectorAll(".day-sep")) line.remove();
    let day = "";
    for (const group of this.ui.messages.querySelectorAll<HTMLElement>(".msg-group")) {
      const epoch = Number(group.dataset.activity);
      const key = dayKey(epoch, this.state.timeZone);
      if (key !== day) group.before(this.daySeparator(epoch));
      day = key;
    }
  }

  private daySeparator(epoch: number): HTMLElement {
    return h("div", { class: "day-sep" }, h("span", {}, dayLabel(epoch, this.state.timeZone)));
  }

  private messageElement(message: MessageView, place: Place): HTMLElement {
    return renderMessage(message, this.ctx, place);
  }

  /** A main-flow message with its thread's replies. */
  private groupElement(message: MessageView): HTMLElement {
    const group = renderThreadGroup(message, this.store.replies(message), this.ctx);
    group.dataset.activity = String(this.store.activity(message));
    return group;
  }

  /** Keeps the chat at its newest message while the reader is there, also when photos finish loading. */
  private followMessages(list: HTMLElement): void {
    list.onscroll = () => {
      this.stickToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_PX;
    };
    list.addEventListener(
      "load",
      () => {
        if (this.stickToBottom) this.scrollToBottom(list);
      },
      true,
    );
  }

  private scrollToBottom(list: HTMLElement): void {
    list.scrollTop = list.scrollHeight;
  }

  private quote(message: MessageView): void {
    this.quoteId = message.messageId;
    this.composer.setQuote(T.quote(message.sender.name, summary(message, this.ctx.nameOf)));
  }

  // ── thread ────────────────────────────────────────────────────────────────

  private openThread(rootId: string): void {
    this.threadRootId = rootId;
    this.renderThread();
    this.threadComposer.focus();
  }

  private renderThread(): void {
    const root = this.threadRootId ? this.store.get(this.threadRootId) : undefined;
    if (!root || root.chatId !== this.chatId) {
      this.threadRootId = undefined;
      this.ui.thread.hidden = true;
      return;
    }
    this.ui.thread.hidden = false;
    const replies = this.store.replies(root);
    replaceChildren(
      this.ui.threadMessages,
      this.messageElement(root, "panel"),
      h("div", { class: "thread-count" }, T.threadReplies(replies.length)),
      replies.map((m) => this.messageElement(m, "panel")),
    );
    this.threadComposer.refresh();
    replaceChildren(
      this.ui.thread,
      h(
        "div",
        { class: "thread-header" },
        h("span", { class: "thread-title" }, T.threadTitle),
        h(
          "button",
          {
            type: "button",
            class: "icon-btn",
            title: T.closeThread,
            onclick: () => {
              this.threadRootId = undefined;
              this.renderThread();
            },
          },
          "×",
        ),
      ),
      this.ui.threadMessages,
      this.threadComposer.element,
    );
    this.scrollToBottom(this.ui.threadMessages);
  }

  // ── actions ───────────────────────────────────────────────────────────────

  private async click(messageId: string, action: CardAction): Promise<void> {
    try {
      const answer = await api.click({ messageId, from: this.persona, ...action });
      if (answer.toast) toast(answer.toast.type, answer.toast.content);
    } catch (error) {
      toast("error", error instanceof ApiError ? error.message : T.clickFailed);
    }
  }

  /** Opens the 挂图作战 board as the current persona sees it, in a new tab (the link the bot would send them). */
  private async openBoard(): Promise<void> {
    // Opened before the request so the browser does not take it for an unasked pop-up.
    const tab = window.open("", "_blank");
    try {
      const { url } = await api.boardLink(this.persona);
      if (tab) tab.location.href = url;
      else window.location.href = url;
    } catch (error) {
      tab?.close();
      toast("error", error instanceof ApiError ? error.message : T.clickFailed);
    }
  }

  private async reset(): Promise<void> {
    if (!(await confirmDialog(T.resetConfirmTitle, T.resetConfirmText))) return;
    const old = this.state.sessionId;
    showCover(T.resetting);
    try {
      await api.reset();
    } catch (error) {
      hideCover();
      toast("error", error instanceof ApiError ? error.message : T.clickFailed);
      return;
    }
    await this.reloadWhenNew(old);
  }

  /** Waits for a new session (after a reset), then redraws everything from it. */
  private async reloadWhenNew(oldSession: string): Promise<void> {
    showCover(T.resetting);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS / 2));
      const state = await api.state().catch(() => undefined);
      if (state && state.sessionId !== oldSession) break;
    }
    this.unread.clear();
    await this.reload();
    hideCover();
  }

  /** Reloads state and every message (after a reconnect, a reset, or a thread the page has not seen start). */
  private reload(): Promise<void> {
    this.reloading ??= this.load()
      .then(() => this.renderAll())
      .finally(() => {
        this.reloading = undefined;
      });
    return this.reloading;
  }

  // ── live updates ──────────────────────────────────────────────────────────

  /**
   * Follows the server's events. When the connection drops (the sandbox stopped or restarted) the page says so and
   * keeps trying; once connected again it reloads what it missed (or, after a reset, the new demo).
   */
  private listen(): void {
    const source = new EventSource("/sandbox/api/events");
    source.onerror = () => {
      this.disconnected = true;
      this.ui.offline.hidden = false;
      // A refused stream (not just a dropped one) is not retried by the browser: open a new one.
      if (source.readyState === EventSource.CLOSED) setTimeout(() => this.listen(), RETRY_MS);
    };
    source.onopen = () => {
      this.ui.offline.hidden = true;
      if (!this.disconnected) return;
      this.disconnected = false;
      toast("success", T.reconnected);
      const old = this.state.sessionId;
      void api
        .state()
        .then((state) => (state.sessionId === old ? this.reload() : this.reloadWhenNew(old)))
        .catch(() => undefined);
    };
    source.onmessage = (event: MessageEvent<string>) => {
      const data = JSON.parse(event.data) as SandboxEvent;
      void this.handle(data);
    };
  }

  private async handle(event: SandboxEvent): Promise<void> {
    if (this.reloading) await this.reloading;
    switch (event.type) {
      case "clock":
        this.clockBase = { virtual: event.now, real: Date.now() };
        this.tickClock();
        return;
      case "reset":
        showCover(T.resetting);
        return;
      case "message":
        if (event.message.threadId !== undefined && !this.store.knowsThread(event.message.threadId)) {
          // The thread's root got its thread id on the server when the first reply made it; fetch it afresh.
          await this.reload();
          return;
        }
        this.store.upsert(event.message);
        this.added(event.message);
        return;
      case "message.updated":
        this.store.upsert(event.message);
        this.redraw(event.message);
        return;
    }
  }

  private added(message: MessageView): void {
    if (message.chatId !== this.chatId) {
      this.unread.set(message.chatId, (this.unread.get(message.chatId) ?? 0) + 1);
      this.renderChatList();
      return;
    }
    this.renderChatList();
    const list = this.ui.messages;
    const follow = this.stickToBottom || (message.sender.kind === "user" && message.sender.openId === this.persona);
    if (this.store.inMainFlow(message)) {
      list.querySelector(".empty")?.remove();
      list.append(this.groupElement(message));
    } else {
      const root = this.store.rootOf(message);
      if (!root) return;
      const group = list.querySelector<HTMLElement>(`[data-root-id="${CSS.escape(root.messageId)}"]`);
      if (group) {
        const replies = this.store.replies(root);
        const box = group.querySelector(".thread-box");
        if (box) {
          box.querySelector(".thread-box-list")?.append(this.messageElement(message, "thread-box"));
          const count = box.querySelector(".thread-box-count");
          if (count) count.textContent = T.threadReplies(replies.length);
        } else group.append(threadBox(root, replies, this.ctx));
        group.dataset.activity = String(this.store.activity(root));
        list.append(group);
      }
      if (root.messageId === this.threadRootId) this.renderThread();
    }
    this.placeDaySeparators();
    if (follow) this.scrollToBottom(list);
  }

  /** Redraws a message wherever it is shown (the chat, the open thread), keeping the scroll position. */
  private redraw(message: MessageView): void {
    for (const old of document.querySelectorAll(`[data-message-id="${CSS.escape(message.messageId)}"]`)) {
      const list = old.closest(".messages");
      const place: Place =
        list === this.ui.threadMessages ? "panel" : old.closest(".thread-box") ? "thread-box" : "chat";
      const top = list?.scrollTop ?? 0;
      old.replaceWith(this.messageElement(message, place));
      if (list) list.scrollTop = top;
    }
    if (message.chatId === this.chatId) this.renderChatList();
  }
}

/** What a group's avatar says: the community or department, or what the group is for. */
function shortName(purpose: string, unit: string): string {
  return PURPOSES[purpose]?.avatar ?? [...unit].slice(0, 2).join("");
}

/** CSS class for a chat purpose label. */
function purposeClass(tag: string): string {
  return PURPOSES[tag]?.class ?? "private";
}

void new App().start();
