import { h } from "./dom.ts";
import { T } from "./texts.ts";

const TOAST_MS = 3200;
const TOAST_ICONS: Record<string, string> = { success: "✓", error: "✕", warning: "!", info: "i" };

function toastArea(): HTMLElement {
  let area = document.querySelector<HTMLElement>(".toasts");
  if (!area) {
    area = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(area);
  }
  return area;
}

/** A Feishu-style toast at the top of the page: the bot's answer to a click, or a problem. */
export function toast(type: string, content: string): void {
  const kind = type in TOAST_ICONS ? type : "info";
  const item = h(
    "div",
    { class: `toast toast-${kind}`, "data-test": "toast" },
    h("span", { class: "toast-icon" }, TOAST_ICONS[kind]),
    h("span", { class: "toast-text" }, content),
  );
  toastArea().append(item);
  setTimeout(() => {
    item.classList.add("leaving");
    setTimeout(() => item.remove(), 300);
  }, TOAST_MS);
}

/** A modal question with 取消 / 确定; resolves true when confirmed. */
export function confirmDialog(title: string, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    const close = (answer: boolean) => {
      backdrop.remove();
      resolve(answer);
    };
    const backdrop = h(
      "div",
      { class: "modal-backdrop" },
      h(
        "div",
        { class: "modal", role: "dialog", "aria-modal": "true" },
        h("div", { class: "modal-title" }, title),
        text && h("div", { class: "modal-text" }, text),
        h(
          "div",
          { class: "modal-actions" },
          h("button", { type: "button", class: "btn", onclick: () => close(false) }, T.cancel),
          h(
            "button",
            { type: "button", class: "btn btn-primary", "data-test": "confirm", onclick: () => close(true) },
            T.confirm,
          ),
        ),
      ),
    );
    backdrop.addEventListener("click", (event) => {
      if (event.target === backdrop) close(false);
    });
    document.body.append(backdrop);
  });
}

/** Shows an image full size over the page; a click anywhere closes it. */
export function zoom(src: string): void {
  const backdrop = h("div", { class: "lightbox", onclick: () => backdrop.remove() }, h("img", { src, alt: "" }));
  document.body.append(backdrop);
}

/** Covers the page with a message (loading, resetting) until `hideCover`. */
export function showCover(text: string): void {
  hideCover();
  document.body.append(h("div", { class: "cover" }, h("div", { class: "spinner" }), h("div", {}, text)));
}

export function hideCover(): void {
  document.querySelector(".cover")?.remove();
}
