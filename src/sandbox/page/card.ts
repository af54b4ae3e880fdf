import type { ClickRequest } from "../api-types.ts";
import { resourceUrl } from "./api.ts";
import { h } from "./dom.ts";
import { type NameOf, renderMarkdown } from "./markdown.ts";
import { T } from "./texts.ts";

/** A click, choice or form submit on a card: what the page sends the emulator, but for the message and who acts. */
export type CardAction = Omit<ClickRequest, "messageId" | "from">;

/** What rendering a card needs from the page. */
export interface CardContext {
  nameOf: NameOf;
  /** Sends the action; resolves once the bot answered (the page shows its toast). */
  act(action: CardAction): Promise<void>;
  /** Asks before a button with a `confirm` dialog fires. */
  confirm(title: string, text: string): Promise<boolean>;
  /** Shows an image full size. */
  zoom(src: string): void;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A card text object: plain text, or lark_md rendered as markdown. */
function text(value: unknown, ctx: CardContext): Node {
  if (!isObject(value)) return document.createTextNode("");
  const content = str(value.content);
  return value.tag === "lark_md" ? renderMarkdown(content, ctx.nameOf) : document.createTextNode(content);
}

/**
 * Renders a Lark message card (JSON 1.0, and the body of 2.0) the way the Feishu client lays it out: a coloured
 * header, markdown, field grids, images, dividers, notes, buttons, select menus and forms. Interactive parts call
 * `ctx.act`; while the bot answers, the card's controls are disabled.
 */
export function renderCard(card: unknown, ctx: CardContext): HTMLElement {
  const root = h("div", { class: "card" });
  if (!isObject(card)) return root;
  const header = isObject(card.header) ? card.header : undefined;
  if (header) {
    const template = str(header.template) || "default";
    root.append(
      h("div", { class: `card-header tpl-${template}` }, h("div", { class: "card-title" }, text(header.title, ctx))),
    );
  }
  const body = h("div", { class: "card-body" });
  const elements =
    list(card.elements).length > 0 ? list(card.elements) : isObject(card.body) ? list(card.body.elements) : [];
  const controls = new Controls(root, ctx);
  for (const element of elements) body.append(renderElement(element, controls));
  root.append(body);
  return root;
}

/** Sends actions for one card and keeps its controls disabled while the bot answers. */
class Controls {
  constructor(
    private readonly card: HTMLElement,
    readonly ctx: CardContext,
  ) {}

  async fire(action: CardAction): Promise<void> {
    if (this.card.classList.contains("busy")) return;
    this.card.classList.add("busy");
    const inputs = [
      ...this.card.querySelectorAll<HTMLButtonElement | HTMLSelectElement | HTMLInputElement | HTMLTextAreaElement>(
        "button, select, input, textarea",
      ),
    ];
    for (const input of inputs) input.disabled = true;
    try {
      await this.ctx.act(action);
    } finally {
      this.card.classList.remove("busy");
      for (const input of inputs) input.disabled = false;
    }
  }
}

function renderElement(element: Json, controls: Controls): Node {
  const { ctx } = controls;
  switch (element.tag) {
    case "markdown":
      return renderMarkdown(str(element.content), ctx.nameOf);
    case "div":
      return renderDiv(element, ctx);
    case "img":
      return renderImage(element, ctx);
    case "img_combination":
      return h(
        "div",
        { class: `card-img-grid ${str(element.combination_mode)}` },
        list(element.img_list).map((img) => renderImage(img, ctx)),
      );
    case "hr":
      return h("hr", { class: "card-hr" });
    case "note":
      return h(
        "div",
        { class: "card-note" },
        list(element.elements).map((e) =>
          e.tag === "img" ? h("img", { class: "note-img", src: resourceUrl(str(e.img_key)), alt: "" }) : text(e, ctx),
        ),
      );
    case "action":
      return h(
        "div",
        { class: "card-actions" },
        list(element.actions).map((a) => renderControl(a, controls)),
      );
    case "form":
      return renderForm(element, controls);
    case "column_set":
      return h(
        "div",
        { class: "card-columns" },
        list(element.columns).map((column) =>
          h(
            "div",
            { class: "card-column" },
            list(column.elements).map((e) => renderElement(e, controls)),
          ),
        ),
      );
    case "button":
    case "select_static":
      return h("div", { class: "card-actions" }, renderControl(element, controls));
    default:
      return h("div", { class: "card-unsupported" }, T.unsupported(str(element.tag) || "?"));
  }
}

function renderDiv(element: Json, ctx: CardContext): HTMLElement {
  const div = h("div", { class: "card-div" });
  if (element.text !== undefined) div.append(h("div", { class: "card-div-text" }, text(element.text, ctx)));
  const fields = list(element.fields);
  if (fields.length > 0) {
    div.append(
      h(
        "div",
        { class: "card-fields" },
        fields.map((f) => h("div", { class: f.is_short ? "card-field short" : "card-field" }, text(f.text, ctx))),
      ),
    );
  }
  return div;
}

function renderImage(element: Json, ctx: CardContext): HTMLElement {
  const src = resourceUrl(str(element.img_key));
  const alt = isObject(element.alt) ? str(element.alt.content) : "";
  return h(
    "figure",
    { class: "card-img" },
    h("img", { src, alt, loading: "lazy", onclick: () => ctx.zoom(src) }),
    isObject(element.title) && h("figcaption", {}, text(element.title, ctx)),
  );
}

function renderControl(element: Json, controls: Controls, form?: HTMLFormElement): Node {
  if (element.tag === "select_static") return renderSelect(element, controls, form !== undefined);
  if (element.tag !== "button") return h("span", { class: "card-unsupported" }, T.unsupported(str(element.tag) || "?"));
  const type = str(element.type) || "default";
  const value = isObject(element.value) ? element.value : {};
  const confirm = isObject(element.confirm) ? element.confirm : undefined;
  const button = h("button", { type: "button", class: `card-btn btn-${type}` }, text(element.text, controls.ctx));
  button.addEventListener("click", async () => {
    const url = str(element.url);
    if (url) {
      window.open(url, "_blank", "noopener");
      return;
    }
    if (confirm) {
      const title = isObject(confirm.title) ? str(confirm.title.content) : "";
      const body = isObject(confirm.text) ? str(confirm.text.content) : "";
      if (!(await controls.ctx.confirm(title, body))) return;
    }
    const action: CardAction = { value, tag: "button" };
    const name = str(element.name);
    if (name) action.name = name;
    if (element.action_type === "form_submit" && form) {
      const formValue = collectForm(form);
      if (!formValue) return;
      action.formValue = formValue;
    } else if (element.action_type === "form_reset" && form) {
      form.reset();
      return;
    }
    await controls.fire(action);
  });
  return button;
}

/** A select menu: on its own a choice fires at once; inside a form it is a field sent with the submit. */
function renderSelect(element: Json, controls: Controls, inForm: boolean): HTMLElement {
  const value = isObject(element.value) ? element.value : {};
  const initial = str(element.initial_option);
  const placeholder = isObject(element.placeholder) ? str(element.placeholder.content) : "";
  const select = h(
    "select",
    { class: "card-select", name: inForm ? str(element.name) : undefined },
    h("option", { value: "", disabled: true, selected: !initial, hidden: true }, placeholder),
    list(element.options).map((o) =>
      h(
        "option",
        { value: str(o.value), selected: initial !== "" && str(o.value) === initial },
        text(o.text, controls.ctx),
      ),
    ),
  );
  if (!inForm) {
    select.addEventListener("change", () => {
      void controls.fire({ value, tag: "select_static", option: select.value });
    });
  }
  return select;
}

function renderForm(element: Json, controls: Controls): HTMLElement {
  const form = h("form", { class: "card-form", name: str(element.name) });
  form.addEventListener("submit", (event) => event.preventDefault());
  for (const child of list(element.elements)) {
    if (child.tag === "input") form.append(renderInput(child));
    else if (child.tag === "button" || child.tag === "select_static") form.append(renderControl(child, controls, form));
    else form.append(renderElement(child, controls));
  }
  return form;
}

/** A text input (or a multi-line one), with its label above when it has one. */
function renderInput(element: Json): HTMLElement {
  const placeholder = isObject(element.placeholder) ? str(element.placeholder.content) : "";
  const label = isObject(element.label) ? str(element.label.content) : "";
  const props = {
    class: "card-input",
    name: str(element.name),
    placeholder,
    maxlength: typeof element.max_length === "number" ? element.max_length : undefined,
    "data-required": element.required === true,
  };
  const input =
    element.input_type === "multiline_text"
      ? h("textarea", { ...props, rows: typeof element.rows === "number" ? element.rows : 3 })
      : h("input", { ...props, type: "text" });
  return label ? h("label", { class: "card-label" }, label, input) : input;
}

/** Every field of a form by name; undefined (and the empty required field highlighted) when one is missing. */
function collectForm(form: HTMLFormElement): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  for (const select of form.querySelectorAll<HTMLSelectElement>("select.card-select[name]")) {
    if (select.value) values[select.name] = select.value;
  }
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(".card-input")) {
    if (input.hasAttribute("data-required") && input.value.trim() === "") {
      input.classList.add("invalid");
      input.focus();
      return undefined;
    }
    input.classList.remove("invalid");
    values[input.name] = input.value;
  }
  return values;
}
