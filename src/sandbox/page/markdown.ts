import { h } from "./dom.ts";
import { T } from "./texts.ts";

/** Turns an open_id into a display name. */
export type NameOf = (openId: string) => string;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/** Decodes the HTML entities Lark markdown uses (`&#42;` for an escaped `*`, `&lt;`, …). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === "#") {
      const n = code[1] === "x" || code[1] === "X" ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
      return Number.isFinite(n) ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

function mention(openId: string, nameOf: NameOf): HTMLElement {
  const name = openId === "all" ? T.all : nameOf(openId);
  return h("span", { class: "mention", "data-open-id": openId }, `@${name}`);
}

/**
 * Inline Lark markdown: **bold**, *italic*, ~~strike~~, [links](url), <at id=…></at> mentions and
 * <font color=…> runs. Markers are found before entities are decoded, so escaped user text stays literal.
 */
const INLINE =
  /\*\*([\s\S]+?)\*\*|~~([\s\S]+?)~~|<at id=["']?([^"'>\s]+)["']?>[^<]*<\/at>|\[([^\]]+)\]\(([^)\s]+)\)|<font color=["']?([a-z-]+)["']?>([\s\S]*?)<\/font>|\*([^*\n]+)\*/g;

function inline(text: string, nameOf: NameOf): Node[] {
  const out: Node[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0;
    if (index > last) out.push(document.createTextNode(decodeEntities(text.slice(last, index))));
    const [, bold, strike, atId, linkText, href, color, colored, italic] = match;
    if (bold !== undefined) out.push(h("strong", {}, inline(bold, nameOf)));
    else if (strike !== undefined) out.push(h("s", {}, inline(strike, nameOf)));
    else if (atId !== undefined) out.push(mention(atId, nameOf));
    else if (linkText !== undefined && href !== undefined) {
      const safe = /^https?:\/\//i.test(href) ? href : undefined;
      out.push(h("a", { href: safe, target: "_blank", rel: "noopener" }, inline(linkText, nameOf)));
    } else if (color !== undefined && colored !== undefined) {
      out.push(h("span", { class: `font-${color}` }, inline(colored, nameOf)));
    } else if (italic !== undefined) out.push(h("em", {}, inline(italic, nameOf)));
    last = index + match[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(decodeEntities(text.slice(last))));
  return out;
}

/** A block of Lark markdown: lines, bullet and numbered lists, and the inline marks above. */
export function renderMarkdown(content: string, nameOf: NameOf): HTMLElement {
  const root = h("div", { class: "md" });
  let list: HTMLElement | undefined;
  for (const line of content.split("\n")) {
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s*(\d+)\.\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      const tag = bullet ? "ul" : "ol";
      if (list?.tagName.toLowerCase() !== tag) {
        list = h(tag);
        root.append(list);
      }
      list.append(h("li", {}, inline(bullet ? (bullet[1] ?? "") : (numbered?.[2] ?? ""), nameOf)));
      continue;
    }
    list = undefined;
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) root.append(h("div", { class: "md-heading" }, inline(heading[2] ?? "", nameOf)));
    else if (line.trim() === "") root.append(h("div", { class: "md-gap" }));
    else root.append(h("div", { class: "md-line" }, inline(line, nameOf)));
  }
  return root;
}

/**
 * A text message: the bot's `<at user_id="ou_…">Name</at>` tags, or a user's `@_user_N` placeholders resolved
 * through the message's mentions. Everything else is literal text with its line breaks.
 */
export function renderText(
  text: string,
  mentions: readonly { key: string; openId: string; name: string }[],
  nameOf: NameOf,
): HTMLElement {
  const root = h("div", { class: "text" });
  const pattern = /<at user_id=["']?([^"'>\s]+)["']?>([^<]*)<\/at>|@_user_\d+|@_all/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const index = match.index ?? 0;
    if (index > last) root.append(text.slice(last, index));
    const [whole, atId, atName] = match;
    if (atId !== undefined) {
      root.append(atName ? h("span", { class: "mention" }, `@${atName}`) : mention(atId, nameOf));
    } else if (whole === "@_all") root.append(mention("all", nameOf));
    else {
      const m = mentions.find((x) => x.key === whole);
      root.append(m ? h("span", { class: "mention", "data-open-id": m.openId }, `@${m.name}`) : whole);
    }
    last = index + whole.length;
  }
  if (last < text.length) root.append(text.slice(last));
  return root;
}
