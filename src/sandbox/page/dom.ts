/** Something that can go inside an element; falsy values are skipped. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes and listeners: `class`, any attribute, `on<event>` handlers; false and undefined are left out. */
export type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** Creates an element with attributes, listeners and children: `h("div", { class: "x" }, "text", child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

/** Appends children (nested arrays allowed, falsy skipped). */
function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}
