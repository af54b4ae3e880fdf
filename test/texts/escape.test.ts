// behaviour §13.3
import { describe, expect, it } from "vitest";
import { escapeMarkdown, escapeText } from "../../src/texts/escape.ts";

/** What people type that a format would otherwise interpret: mentions, links, emoji, formatting, entities. */
const HOSTILE = [
  '<at user_id="all">所有人</at> 快来',
  "<at id=all></at> 看这里",
  "<at email=boss@example.com></at>",
  "[点我领奖](http://evil.example/x)",
  "已处理 :OK: :THUMBSUP:",
  "见 https://example.cn/a_b*c 整改前照片",
  "**加粗** _斜体_ ~~删除~~ `代码` # 标题",
  "&lt;at id=all&gt;&lt;/at&gt; &#60;at id=all&#62;",
  "a < b > c [x] (y) | z \\ !",
];

/** Card markdown as Lark reads it back: entities decoded, explicit links reduced to their text. */
function renderMarkdown(escaped: string): string {
  return escaped
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe("escapeMarkdown (card markdown)", () => {
  it.each(HOSTILE)("leaves no markup in %j and shows it as typed", (text) => {
    const escaped = escapeMarkdown(text);
    expect(escaped).not.toMatch(/<at|<\/at>|\*\*|~~|`|:OK:|&lt;|_斜/);
    // The only links left are bare URLs made explicit: each shows its own target, never the typed label.
    for (const [, label, href] of escaped.matchAll(/\[([^\]]*)\]\(([^)]*)\)/g)) {
      expect(decodeURIComponent(renderMarkdown(label ?? ""))).toBe(decodeURIComponent(href ?? ""));
    }
    expect(renderMarkdown(escaped)).toBe(text);
  });

  it("turns a bare URL into a link that ends where the URL ends, so the Chinese after it stays text", () => {
    const escaped = escapeMarkdown("照片见https://example.cn/p/1整改前。");
    expect(escaped).toBe("照片见[https&#58;//example.cn/p/1](https://example.cn/p/1)整改前。");
    expect(escapeMarkdown("见 http://a.cn/x_y*z, 谢谢")).toBe(
      "见 [http&#58;//a.cn/x&#95;y&#42;z](http://a.cn/x%5Fy%2Az), 谢谢",
    );
  });

  it("leaves plain Chinese alone", () => {
    expect(escapeMarkdown("幸福路菜市场门口堆物堆料，纸箱堆了一地")).toBe("幸福路菜市场门口堆物堆料，纸箱堆了一地");
  });
});

describe("escapeText (text messages)", () => {
  it.each(HOSTILE)("leaves no tag, link or entity in %j", (text) => {
    const escaped = escapeText(text);
    expect(escaped).not.toMatch(/[<>[\]&]/);
    expect(escaped.length).toBe(text.length);
  });

  it("keeps the text readable", () => {
    expect(escapeText('<at user_id="all">所有人</at>')).toBe('＜at user_id="all"＞所有人＜/at＞');
    expect(escapeText("门口杂物还没清走")).toBe("门口杂物还没清走");
  });
});
