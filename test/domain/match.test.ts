import { describe, expect, it } from "vitest";
import {
  type CategoryCandidate,
  classify,
  findPlace,
  normalizeText,
  type PlaceCandidate,
} from "../../src/domain/match.ts";

describe("normalizeText", () => {
  it("converts traditional to simplified characters", () => {
    expect(normalizeText("東風路菜市場")).toBe("东风路菜市场");
  });

  it("folds full-width letters and digits, lower-cases Latin and drops spacing and punctuation", () => {
    expect(normalizeText("３号楼 Ａ座，飞线充电！")).toBe("3号楼a座飞线充电");
    expect(normalizeText("  B-2 栋\t(东侧) ")).toBe("b2栋东侧");
  });

  it("is idempotent", () => {
    const once = normalizeText("幸福路「菜市場」門口，ＡＢ");
    expect(normalizeText(once)).toBe(once);
  });
});

describe("findPlace", () => {
  const places: PlaceCandidate[] = [
    { id: 1, names: ["幸福路", "幸福大道"] },
    { id: 2, names: ["幸福路菜市场", "幸福菜场"] },
    { id: 3, names: ["东风路"] },
    { id: 4, names: ["3号楼"] },
    { id: 5, names: ["和平小区"] },
    { id: 6, names: ["和顺小区"] },
  ];

  it("finds a place by its name", () => {
    expect(findPlace("东风路口有人乱扔垃圾", places)).toEqual({ id: 3, name: "东风路", exact: true });
  });

  it("finds a place by an alias", () => {
    expect(findPlace("幸福菜场门口堆物堆料", places)).toEqual({ id: 2, name: "幸福菜场", exact: true });
    expect(findPlace("幸福大道北段小广告", places)).toEqual({ id: 1, name: "幸福大道", exact: true });
  });

  it("prefers the longest name that occurs", () => {
    expect(findPlace("幸福路菜市场门口占道经营，摊贩三家", places)).toEqual({
      id: 2,
      name: "幸福路菜市场",
      exact: true,
    });
    expect(findPlace("幸福路中段共享单车乱停", places)).toEqual({ id: 1, name: "幸福路", exact: true });
  });

  it("reads traditional input", () => {
    expect(findPlace("東風路有人佔道經營", places)).toEqual({ id: 3, name: "东风路", exact: true });
  });

  it("reads full-width digits", () => {
    expect(findPlace("３号楼下有人飞线充电", places)).toEqual({ id: 4, name: "3号楼", exact: true });
  });

  it("tolerates one mistyped character in a name of three or more characters", () => {
    expect(findPlace("幸福路菜市厂门口有垃圾", places)).toEqual({ id: 1, name: "幸福路", exact: true });
    expect(findPlace("东丰路口堆放建筑垃圾", places)).toEqual({ id: 3, name: "东风路", exact: false });
    expect(findPlace("和平小去3栋楼道堆物", places)).toEqual({ id: 5, name: "和平小区", exact: false });
  });

  it("does not tolerate two mistyped characters", () => {
    expect(findPlace("东丰街口堆放建筑垃圾", places)).toBeNull();
  });

  it("returns null when two places tie", () => {
    expect(findPlace("和X小区门口有小广告", places)).toBeNull();
    expect(
      findPlace("路过", [
        { id: 1, names: ["路过"] },
        { id: 2, names: ["路过"] },
      ]),
    ).toBeNull();
  });

  it("returns null when nothing matches", () => {
    expect(findPlace("楼道里有杂物", places)).toBeNull();
    expect(findPlace("", places)).toBeNull();
  });
});

describe("classify", () => {
  const categories: CategoryCandidate[] = [
    { id: 1, name: "堆物堆料", keywords: ["堆物", "堆", "堆放", "杂物", "纸箱", "建筑垃圾"] },
    { id: 2, name: "占道经营", keywords: ["摊贩", "摆摊", "流动摊"] },
    { id: 3, name: "飞线充电", keywords: ["私拉电线", "充电", "电线", "拉线充电"] },
    { id: 4, name: "乱停车", keywords: ["乱停", "违停", "乱停放"] },
    { id: 5, name: "乱扔垃圾", keywords: ["垃圾", "烟头"] },
    { id: 6, name: "小广告", keywords: ["牛皮癣", "张贴", "贴"] },
    { id: 7, name: "垃圾分类", keywords: ["混投", "厨余垃圾"] },
  ];
  const best = (text: string) => classify(text, categories).category?.id ?? null;
  const ranked = (text: string) => classify(text, categories).candidates.map((c) => [c.id, c.score]);

  it("decides realistic grid-worker messages and names the keywords that decided", () => {
    expect(classify("幸福路菜市场门口占道经营，摊贩三家", categories).category).toEqual({
      id: 2,
      score: 3,
      hits: [
        { keyword: "占道经营", found: "占道经营" },
        { keyword: "摊贩", found: "摊贩" },
      ],
    });
    expect(best("3号楼下有人飞线充电")).toBe(3);
    expect(best("5栋楼道私拉电线给电动车充电")).toBe(3);
    expect(best("小区门口电动车乱停放")).toBe(4);
  });

  it("reads everyday words through the segmenter: 堆了好多纸箱 is 堆物堆料", () => {
    expect(classify("堆了好多纸箱", categories).category?.hits.map((h) => h.keyword)).toEqual(["纸箱", "堆"]);
  });

  it("counts a one-character keyword only as a word of its own", () => {
    // 堆 is a word in 门口堆着 but not in 堆积如山; 贴 counts inside the two-character 贴着, less.
    expect(ranked("门口堆着杂物")).toEqual([[1, 1.5]]);
    expect(ranked("落叶堆积如山")).toEqual([]);
    expect(ranked("墙上贴着东西")).toEqual([[6, 0.25]]);
  });

  it("counts a keyword inside a longer word of the text at half its weight", () => {
    // 电线 inside 电线杆 hardly says 飞线充电; 张贴 does say 小广告.
    expect(ranked("电线杆上张贴了东西")).toEqual([
      [6, 1],
      [3, 0.5],
    ]);
  });

  it("reads traditional characters and tolerates a homophone typo at a lower weight", () => {
    expect(best("電線桿上貼了牛皮癬")).toBe(6);
    expect(classify("楼道飞线冲电", categories).category?.hits).toEqual([{ keyword: "飞线充电", found: "飞线冲电" }]);
    // 垃圾: 1, halved as part of two other categories' keywords, × 0.6 for the typo.
    expect(ranked("拉圾！")).toEqual([[5, 0.3]]);
  });

  it("lets a longer keyword take the words it covers", () => {
    // 建筑垃圾 (堆物堆料) covers 垃圾 (乱扔垃圾), and 厨余垃圾 covers it too; 堆 at the edge of 一堆 adds a little.
    expect(ranked("路边倒了一堆建筑垃圾")).toEqual([[1, 2.25]]);
    expect(best("厨余垃圾混投")).toBe(7);
  });

  it("weighs a keyword that other categories' keywords contain as less specific", () => {
    // 垃圾 is part of 建筑垃圾 (堆物堆料) and 厨余垃圾 (垃圾分类): 1 / (1 + 2 / 2).
    expect(ranked("门口有垃圾")).toEqual([[5, 0.5]]);
  });

  it("asks rather than decides when the best candidate is weak or close to the runner-up", () => {
    const close = classify("摊贩乱停", categories);
    expect(close.category).toBeNull();
    expect(close.candidates.map((c) => c.id)).toEqual([2, 4]);
    const weak = classify("墙上贴着东西", categories);
    expect(weak.category).toBeNull();
    expect(weak.candidates.map((c) => c.id)).toEqual([6]);
  });

  it("offers at most three candidates, best first, ties in the categories' order", () => {
    expect(classify("摊贩乱停，堆了纸箱，还有人张贴", categories).candidates.map((c) => c.id)).toEqual([1, 2, 4]);
  });

  it("finds nothing when no keyword occurs", () => {
    expect(classify("宣传栏玻璃碎了", categories)).toEqual({ category: null, candidates: [] });
    expect(classify("", categories)).toEqual({ category: null, candidates: [] });
  });
});
