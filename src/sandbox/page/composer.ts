import type { PersonView, PhotoInput, SampleView } from "../api-types.ts";
import { ApiError, api } from "./api.ts";
import { h, replaceChildren } from "./dom.ts";
import { toast } from "./overlays.ts";
import { T } from "./texts.ts";

const PHOTO_LIMIT_BYTES = 10 * 1024 * 1024;

/** A photo waiting to be sent: a bundled sample or a picked file. */
interface Attachment {
  photo: PhotoInput;
  preview: string;
}

/** Where a composer posts and what it offers. */
export interface ComposerOptions {
  /** The thread composer is smaller and has no reply quote. */
  compact: boolean;
  samples(): readonly SampleView[];
  people(): readonly PersonView[];
  from(): string;
  placeholder(): string;
  /** The chat, and the message the post answers (a thread's root, or a quoted message). */
  target(): { chatId: string; replyTo?: string };
  /** Called with the quote when it is cleared, so the page can forget it. */
  onClearReply?(): void;
}

/**
 * The message box: text, @日清 toggle, @-mentions, photos from disk or from the bundled samples, and a reply quote.
 * Enter sends, Shift+Enter breaks the line.
 */
export class Composer {
  readonly element: HTMLElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly chips: HTMLElement;
  private readonly quote: HTMLElement;
  private readonly botToggle: HTMLButtonElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly fileInput: HTMLInputElement;
  private attachments: Attachment[] = [];
  private mentions: string[] = [];
  private mentionBot = false;
  private popover: HTMLElement | undefined;

  constructor(private readonly options: ComposerOptions) {
    this.textarea = h("textarea", {
      class: "composer-text",
      rows: options.compact ? 2 : 3,
      "data-test": "composer-text",
    });
    this.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        void this.send();
      }
    });
    this.chips = h("div", { class: "composer-chips" });
    this.quote = h("div", { class: "composer-quote", hidden: true });
    this.botToggle = h(
      "button",
      {
        type: "button",
        class: "tool",
        title: T.mentionBotHint,
        "data-test": "mention-bot",
        onclick: () => this.toggleBot(),
      },
      T.mentionBot,
    );
    this.fileInput = h("input", { type: "file", accept: "image/*", multiple: true, hidden: true });
    this.fileInput.addEventListener("change", () => void this.addFiles());
    this.sendButton = h(
      "button",
      { type: "button", class: "btn btn-primary send", "data-test": "send", onclick: () => void this.send() },
      T.send,
    );
    const toolbar = h(
      "div",
      { class: "composer-tools" },
      this.botToggle,
      h("button", { type: "button", class: "tool", onclick: (e) => this.togglePopover(e, "people") }, T.mentionPerson),
      h(
        "button",
        { type: "button", class: "tool", onclick: () => this.fileInput.click() },
        h("span", { class: "icon-photo" }),
        T.photo,
      ),
      h(
        "button",
        { type: "button", class: "tool", "data-test": "samples", onclick: (e) => this.togglePopover(e, "samples") },
        h("span", { class: "icon-sample" }),
        T.samples,
      ),
      this.fileInput,
    );
    this.element = h(
      "div",
      { class: options.compact ? "composer compact" : "composer" },
      this.quote,
      toolbar,
      this.chips,
      h("div", { class: "composer-row" }, this.textarea, this.sendButton),
    );
    document.addEventListener("click", (event) => {
      if (this.popover && !this.element.contains(event.target as Node)) this.closePopover();
    });
  }

  /** Quotes the message the next post answers. */
  setQuote(label: string): void {
    replaceChildren(
      this.quote,
      h("span", { class: "quote-text" }, label),
      h("button", { type: "button", class: "chip-x", title: T.remove, onclick: () => this.clearQuote() }, "×"),
    );
    this.quote.hidden = false;
    this.textarea.focus();
  }

  clearQuote(): void {
    this.quote.hidden = true;
    this.quote.replaceChildren();
    this.options.onClearReply?.();
  }

  /** Updates the placeholder after the chat or persona changed. */
  refresh(): void {
    this.textarea.placeholder = this.options.placeholder();
  }

  focus(): void {
    this.textarea.focus();
  }

  private toggleBot(): void {
    this.mentionBot = !this.mentionBot;
    this.botToggle.classList.toggle("on", this.mentionBot);
    this.renderChips();
  }

  private togglePopover(event: Event, kind: "samples" | "people"): void {
    event.stopPropagation();
    const wasOpen = this.popover?.dataset.kind === kind;
    this.closePopover();
    if (wasOpen) return;
    this.popover = kind === "samples" ? this.samplePicker() : this.mentionPicker();
    this.popover.dataset.kind = kind;
    this.element.append(this.popover);
  }

  private closePopover(): void {
    this.popover?.remove();
    this.popover = undefined;
  }

  private samplePicker(): HTMLElement {
    return h(
      "div",
      { class: "popover samples" },
      h("div", { class: "popover-title" }, T.samples, h("span", { class: "popover-hint" }, T.samplesHint)),
      h(
        "div",
        { class: "sample-grid" },
        this.options.samples().map((sample) =>
          h(
            "button",
            {
              type: "button",
              class: "sample",
              "data-sample": sample.id,
              onclick: () => {
                this.attachments.push({ photo: { sample: sample.id }, preview: sample.url });
                if (this.textarea.value.trim() === "") this.textarea.value = sample.suggestedText;
                this.closePopover();
                this.renderChips();
                this.textarea.focus();
              },
            },
            h("img", { src: sample.url, alt: sample.name }),
            h("span", {}, sample.name),
          ),
        ),
      ),
    );
  }

  private mentionPicker(): HTMLElement {
    return h(
      "div",
      { class: "popover people" },
      this.options.people().map((person) =>
        h(
          "button",
          {
            type: "button",
            class: "person-option",
            onclick: () => {
              if (!this.mentions.includes(person.openId)) this.mentions.push(person.openId);
              this.closePopover();
              this.renderChips();
            },
          },
          h("span", { class: "person-name" }, person.name),
          h("span", { class: "person-role" }, person.roles[0] ?? ""),
        ),
      ),
    );
  }

  private async addFiles(): Promise<void> {
    for (const file of this.fileInput.files ?? []) {
      if (!file.type.startsWith("image/")) toast("error", T.notImage);
      else if (file.size > PHOTO_LIMIT_BYTES) toast("error", T.tooBig);
      else this.attachments.push({ photo: { base64: await base64Of(file) }, preview: URL.createObjectURL(file) });
    }
    this.fileInput.value = "";
    this.renderChips();
  }

  private renderChips(): void {
    const names = new Map(this.options.people().map((p) => [p.openId, p.name]));
    replaceChildren(
      this.chips,
      this.mentionBot && h("span", { class: "chip mention-chip" }, T.mentionBot),
      this.mentions.map((id) =>
        h(
          "span",
          { class: "chip mention-chip" },
          `@${names.get(id) ?? ""}`,
          h("button", { type: "button", class: "chip-x", onclick: () => this.removeMention(id) }, "×"),
        ),
      ),
      this.attachments.map((a, i) =>
        h(
          "span",
          { class: "chip photo-chip" },
          h("img", { src: a.preview, alt: "" }),
          h(
            "button",
            { type: "button", class: "chip-x", title: T.remove, onclick: () => this.removeAttachment(i) },
            "×",
          ),
        ),
      ),
    );
  }

  private removeMention(id: string): void {
    this.mentions = this.mentions.filter((m) => m !== id);
    this.renderChips();
  }

  private removeAttachment(index: number): void {
    this.attachments.splice(index, 1);
    this.renderChips();
  }

  private async send(): Promise<void> {
    const text = this.textarea.value.trim();
    if (!text && this.attachments.length === 0) return;
    const target = this.options.target();
    this.sendButton.disabled = true;
    try {
      await api.send({
        chatId: target.chatId,
        from: this.options.from(),
        ...(text && { text }),
        ...(this.mentionBot && { mentionBot: true }),
        ...(this.mentions.length > 0 && { mentions: this.mentions }),
        ...(target.replyTo && { replyTo: target.replyTo }),
        ...(this.attachments.length > 0 && { photos: this.attachments.map((a) => a.photo) }),
      });
      this.textarea.value = "";
      this.attachments = [];
      this.mentions = [];
      if (this.mentionBot) this.toggleBot();
      this.renderChips();
      if (!this.options.compact) this.clearQuote();
    } catch (error) {
      toast("error", error instanceof ApiError ? error.message : T.sendFailed);
    } finally {
      this.sendButton.disabled = false;
      this.textarea.focus();
    }
  }
}

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
