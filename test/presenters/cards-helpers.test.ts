import { describe, expect, it } from "vitest";
import { assertCardWithinLimits, CardLimitError, measureCard } from "../../src/lark/card-limits.ts";
import { buttons, form, input, selectMenu, submitButton } from "../../src/presenters/actions.ts";
import { card } from "../../src/presenters/card.ts";
import { escapeMarkdown, fields, hr, image, markdown, mention, note } from "../../src/presenters/markdown.ts";

describe("card helpers", () => {
  it("build a shared 1.0 card in Lark's shape, dropping left-out elements", () => {
    const built = card({
      header: { title: "#12 垃圾堆放 · 待处理", template: "orange" },
      elements: [
        markdown(`**问题** ${mention("ou_a")}`),
        false,
        fields([
          { label: "网格", value: "一网格" },
          { label: "期限", value: "今天 18:00", short: false },
        ]),
        image("img_v2_x", "整改前"),
        hr(),
        buttons([{ text: "受理", value: { a: "accept", i: 12 }, type: "primary" }]),
        selectMenu({ placeholder: "选择网格", options: [{ text: "一网格", value: "1" }], value: { a: "grid", i: 12 } }),
        note("由日清自动生成"),
      ],
    });
    expect(built).toEqual({
      config: { wide_screen_mode: true, update_multi: true },
      header: { title: { tag: "plain_text", content: "#12 垃圾堆放 · 待处理" }, template: "orange" },
      elements: [
        { tag: "markdown", content: "**问题** <at id=ou_a></at>" },
        {
          tag: "div",
          fields: [
            { is_short: true, text: { tag: "lark_md", content: "**网格**\n一网格" } },
            { is_short: false, text: { tag: "lark_md", content: "**期限**\n今天 18:00" } },
          ],
        },
        { tag: "img", img_key: "img_v2_x", alt: { tag: "plain_text", content: "整改前" } },
        { tag: "hr" },
        {
          tag: "action",
          actions: [
            {
              tag: "button",
              text: { tag: "plain_text", content: "受理" },
              type: "primary",
              value: { a: "accept", i: 12 },
            },
          ],
        },
        {
          tag: "action",
          actions: [
            {
              tag: "select_static",
              placeholder: { tag: "plain_text", content: "选择网格" },
              options: [{ text: { tag: "plain_text", content: "一网格" }, value: "1" }],
              value: { a: "grid", i: 12 },
            },
          ],
        },
        { tag: "note", elements: [{ tag: "plain_text", content: "由日清自动生成" }] },
      ],
    });
  });

  it("build a 1.0 form whose submit button sends every input", () => {
    expect(
      form("reject", [
        input({ name: "reason", label: "退回原因", placeholder: "请填写", required: true, maxLength: 200 }),
        submitButton({ name: "send", text: "提交", value: { a: "reject", i: 3 }, type: "danger" }),
      ]),
    ).toEqual({
      tag: "form",
      name: "reject",
      elements: [
        {
          tag: "input",
          name: "reason",
          required: true,
          placeholder: { tag: "plain_text", content: "请填写" },
          label: { tag: "plain_text", content: "退回原因" },
          label_position: "top",
          max_length: 200,
        },
        {
          tag: "button",
          text: { tag: "plain_text", content: "提交" },
          type: "danger",
          value: { a: "reject", i: 3 },
          action_type: "form_submit",
          name: "send",
        },
      ],
    });
  });

  it("escape user text so it cannot mention everyone or inject formatting", () => {
    const escaped = escapeMarkdown("看这里 <at id=all></at> **粗** [链接](http://x)");
    expect(escaped).not.toContain("<at");
    expect(escaped).not.toContain("**");
    expect(escaped).not.toContain("](");
    expect(escaped).toContain("看这里");
  });
});

describe("assertCardWithinLimits", () => {
  it("accepts a normal card and measures it like Lark does (bytes of JSON, components)", () => {
    const ok = card({ header: { title: "t" }, elements: [markdown("a"), buttons([{ text: "b", value: { x: 1 } }])] });
    expect(() => assertCardWithinLimits(ok)).not.toThrow();
    // markdown + action + button; text objects are not components.
    expect(measureCard(ok).elements).toBe(3);
    expect(measureCard(JSON.stringify(ok)).bytes).toBe(Buffer.byteLength(JSON.stringify(ok)));
  });

  it("refuses a card over 30 KB", () => {
    const big = card({ elements: [markdown("问".repeat(11_000))] });
    expect(() => assertCardWithinLimits(big)).toThrow(CardLimitError);
  });

  it("refuses a card with more than 200 components", () => {
    const many = card({ elements: Array.from({ length: 201 }, () => hr()) });
    expect(() => assertCardWithinLimits(many)).toThrow(/201 components/);
    expect(() => assertCardWithinLimits(card({ elements: Array.from({ length: 200 }, () => hr()) }))).not.toThrow();
  });
});
