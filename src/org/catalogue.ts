/**
 * The default category catalogue of the civilized-city campaign (创城测评 indicators as grid workers meet them),
 * loaded into an empty database on first start and overridable by an org import.
 */

import type { Db, Tx } from "../db/client.ts";
import type { CategoryClass, CategoryKind } from "../domain/types.ts";

/** One category of the default catalogue. */
export interface CatalogueEntry {
  code: string;
  name: string;
  kind: CategoryKind;
  class: CategoryClass;
  /** Words grid workers actually type for this problem; the name itself always counts too. */
  keywords: readonly string[];
  deadlineHours: number;
  workingDays: boolean;
  afterPhotoRequired: boolean;
  /** Code of the department unit that receives these issues by default, once the org file defines it. */
  defaultDepartment: string | null;
}

/**
 * Unit codes the catalogue sends issues to by default. An org file that gives its departments these codes gets the
 * defaults wired up; one that uses other codes sets 默认部门 per category instead.
 */
export const CATALOGUE_DEPARTMENTS = {
  /** 城管执法中队 (urban management law enforcement) */
  enforcement: "cgzf",
  /** 市场监管所 (market supervision) */
  market: "scjg",
  /** 物业办 (property management office) */
  property: "wyb",
} as const;

const { enforcement: CGZF, market: SCJG, property: WYB } = CATALOGUE_DEPARTMENTS;

/** Dynamic indicators (动态指标) are fixed within a day. */
const DYNAMIC_HOURS = 24;
/** Static indicators (静态指标): three days. */
const STATIC_HOURS = 72;
/** Engineering work (repairs, demolition): seven working days. */
const ENGINEERING_HOURS = 7 * 24;

/**
 * The deadline a category gets when nothing says otherwise: engineering work seven working days, dynamic indicators
 * 24 hours, static ones 72 hours.
 */
export function defaultDeadline(
  kind: CategoryKind,
  cls: CategoryClass,
): { deadlineHours: number; workingDays: boolean } {
  if (cls === "engineering") return { deadlineHours: ENGINEERING_HOURS, workingDays: true };
  return { deadlineHours: kind === "dynamic" ? DYNAMIC_HOURS : STATIC_HOURS, workingDays: false };
}

type Options = Partial<Pick<CatalogueEntry, "deadlineHours" | "workingDays" | "afterPhotoRequired">>;

function entry(
  code: string,
  name: string,
  kind: CategoryKind,
  cls: CategoryClass,
  defaultDepartment: string | null,
  keywords: readonly string[],
  options: Options = {},
): CatalogueEntry {
  const deadline = defaultDeadline(kind, cls);
  return {
    code,
    name,
    kind,
    class: cls,
    keywords,
    deadlineHours: options.deadlineHours ?? deadline.deadlineHours,
    workingDays: options.workingDays ?? deadline.workingDays,
    afterPhotoRequired: options.afterPhotoRequired ?? true,
    defaultDepartment,
  };
}

/**
 * The default catalogue. Keywords are chosen so that no word belongs to two categories: the classifier takes the
 * longest matching word, and a tie makes it ask the reporter.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  // 动态指标 — found on patrol, fixed the same day.
  entry("piled-materials", "堆物堆料", "dynamic", "cleanup", null, [
    "堆物",
    "堆料",
    "乱堆",
    "乱堆乱放",
    "乱堆放",
    "杂物",
    "楼道杂物",
    "占用楼道",
    "建筑垃圾",
    "装修垃圾",
    "渣土",
  ]),
  entry("illegal-parking", "车辆乱停乱放", "dynamic", "enforcement", CGZF, [
    "乱停车",
    "乱停",
    "乱停放",
    "乱停乱放",
    "违停",
    "违章停车",
    "占道停车",
    "停车不规范",
    "共享单车",
    "电动车乱停",
    "自行车乱放",
    "僵尸车",
  ]),
  entry("litter", "乱扔垃圾", "dynamic", "cleanup", null, [
    "垃圾",
    "乱扔",
    "乱丢",
    "乱倒",
    "垃圾暴露",
    "垃圾堆",
    "满溢",
    "垃圾桶满溢",
    "烟头",
    "纸屑",
    "白色垃圾",
    "卫生死角",
    "积存垃圾",
  ]),
  entry("flyers", "小广告", "dynamic", "cleanup", null, [
    "牛皮癣",
    "野广告",
    "乱贴",
    "乱画",
    "乱涂",
    "乱贴乱画",
    "乱涂乱画",
    "涂鸦",
    "张贴",
    "喷涂",
    "办证",
    "开锁广告",
  ]),
  entry("flying-wire-charging", "飞线充电", "dynamic", "cleanup", null, [
    "飞线",
    "充电线",
    "拉线充电",
    "私拉电线",
    "私拉乱接",
    "电线",
    "电动车充电",
    "电瓶车充电",
    "楼道充电",
    "入户充电",
    "插线板",
  ]),
  entry("private-parking-locks", "私设地锁", "dynamic", "enforcement", CGZF, [
    "地锁",
    "车位锁",
    "私装地锁",
    "占位",
    "石墩",
    "锥桶",
    "私设障碍",
  ]),
  entry("street-vending", "占道经营", "dynamic", "enforcement", CGZF, [
    "摊贩",
    "摆摊",
    "摊点",
    "小摊",
    "流动摊",
    "流动商贩",
    "出摊",
    "占道",
    "马路市场",
    "夜市摊",
    "沿街叫卖",
    "卖菜",
  ]),
  entry("shop-overflow", "出店经营", "dynamic", "enforcement", CGZF, [
    "出店",
    "店外经营",
    "跨门经营",
    "门前堆放",
    "门前三包",
    "超出门窗",
  ]),
  entry("hanging-and-drying", "乱拉乱挂", "dynamic", "cleanup", null, [
    "乱拉",
    "乱挂",
    "乱晾",
    "乱晒",
    "乱晾晒",
    "晾晒",
    "晾衣",
    "横幅",
    "沿街晾晒",
    "树上晾衣",
  ]),
  entry("fire-lane-blocked", "消防通道堵塞", "dynamic", "management", WYB, [
    "消防通道",
    "生命通道",
    "通道堵塞",
    "堵塞通道",
    "安全出口",
  ]),
  entry("uncivil-dogs", "不文明养犬", "dynamic", "management", null, [
    "遛狗",
    "养犬",
    "犬只",
    "狗粪",
    "犬粪",
    "狗屎",
    "未牵绳",
    "不拴绳",
    "大型犬",
    "流浪狗",
  ]),
  entry("public-toilet", "公厕卫生", "dynamic", "cleanup", null, ["公厕", "厕所", "卫生间", "异味", "便池"]),
  entry("uncivil-behaviour", "不文明行为", "dynamic", "management", null, [
    "随地吐痰",
    "乱穿马路",
    "闯红灯",
    "翻越护栏",
    "大声喧哗",
    "插队",
    "光膀子",
  ]),
  entry(
    "missing-manhole-cover",
    "井盖缺失",
    "dynamic",
    "engineering",
    null,
    ["井盖", "井盖破损", "井盖松动", "雨水篦子", "窨井"],
    { deadlineHours: DYNAMIC_HOURS, workingDays: false },
  ),

  // 静态指标 — facilities and publicity, fixed within days.
  entry("bulletin-board", "宣传栏破损", "static", "management", null, [
    "宣传栏",
    "宣传牌",
    "公示栏",
    "橱窗",
    "展板",
    "宣传栏褪色",
  ]),
  entry("public-service-ads", "公益广告破损", "static", "management", null, [
    "公益广告",
    "公益宣传",
    "讲文明树新风",
    "核心价值观",
    "围挡广告",
    "海报破损",
  ]),
  entry("practice-station", "新时代文明实践站更新不到位", "static", "management", null, [
    "实践站",
    "文明实践",
    "实践所",
    "实践站未更新",
    "志愿服务记录",
    "活动记录",
  ]),
  entry("serving-chopsticks", "公勺公筷", "static", "management", SCJG, [
    "公勺",
    "公筷",
    "分餐",
    "餐桌提示",
    "光盘行动",
    "餐馆",
    "饭店",
  ]),
  entry("fire-facilities", "消防设施缺失损坏", "static", "management", null, [
    "消防设施",
    "灭火器",
    "灭火器过期",
    "消火栓",
    "消防栓",
    "应急灯",
    "疏散指示",
  ]),
  entry("shop-signs", "店招店牌破损", "static", "enforcement", CGZF, [
    "店招",
    "店牌",
    "招牌",
    "门头",
    "灯箱",
    "广告牌",
    "户外广告",
  ]),
  entry("waste-sorting", "垃圾分类不到位", "static", "management", null, [
    "垃圾分类",
    "混投",
    "分类桶",
    "垃圾分类亭",
    "投放点",
  ]),
  entry("road-damage", "道路破损", "static", "engineering", null, [
    "路面破损",
    "坑洼",
    "坑槽",
    "路面塌陷",
    "人行道破损",
    "道板",
    "盲道",
    "路沿石",
  ]),
  entry("facility-damage", "公共设施损坏", "static", "engineering", null, [
    "路灯",
    "路灯不亮",
    "护栏",
    "座椅",
    "健身器材",
    "公交站牌",
    "指示牌",
    "垃圾箱破损",
  ]),
  entry("greenery-damage", "绿化带破坏", "static", "engineering", null, [
    "绿化带",
    "黄土裸露",
    "裸土",
    "毁绿",
    "种菜",
    "毁绿种菜",
    "踩踏草坪",
    "树木倒伏",
    "缺株",
  ]),
  entry(
    "illegal-building",
    "乱搭乱建",
    "static",
    "enforcement",
    CGZF,
    ["违建", "违章建筑", "私搭乱建", "搭建", "彩钢棚", "加盖", "圈占"],
    { deadlineHours: ENGINEERING_HOURS, workingDays: true },
  ),
];

/** What {@link ensureCatalogue} did. */
export interface CatalogueResult {
  /** Catalogue categories that were missing and were added. */
  inserted: number;
  /** Catalogue categories that had no default department and now point at the department the catalogue names. */
  linked: number;
}

/**
 * Adds every catalogue category that is not in the database yet (by code, or by name when an import renamed its
 * code) and leaves every field of an existing one as it is, so what an import set stays. The one exception fills a
 * gap: a catalogue category that has no default department yet gets the catalogue's department as soon as a
 * department unit with that code exists (an import can change the department but cannot unset it). Safe to run on
 * every start and inside a transaction.
 */
export async function ensureCatalogue(db: Db | Tx): Promise<CatalogueResult> {
  const existing = await db.category.findMany({ select: { code: true, name: true, defaultDepartmentId: true } });
  const codes = new Map(existing.map((c) => [c.code, c]));
  const names = new Set(existing.map((c) => c.name));
  const wanted = [...new Set(CATALOGUE.flatMap((c) => (c.defaultDepartment ? [c.defaultDepartment] : [])))];
  const departments = new Map(
    (
      await db.unit.findMany({ where: { code: { in: wanted }, level: "department" }, select: { id: true, code: true } })
    ).map((u) => [u.code, u.id]),
  );
  const departmentOf = (c: CatalogueEntry) => (c.defaultDepartment ? departments.get(c.defaultDepartment) : undefined);

  const result: CatalogueResult = { inserted: 0, linked: 0 };
  for (const c of CATALOGUE) {
    const stored = codes.get(c.code);
    const departmentId = departmentOf(c);
    if (stored) {
      if (stored.defaultDepartmentId === null && departmentId !== undefined) {
        await db.category.update({ where: { code: c.code }, data: { defaultDepartmentId: departmentId } });
        result.linked++;
      }
      continue;
    }
    if (names.has(c.name)) continue;
    await db.category.create({
      data: {
        code: c.code,
        name: c.name,
        kind: c.kind,
        class: c.class,
        keywords: [...c.keywords],
        deadlineHours: c.deadlineHours,
        workingDays: c.workingDays,
        afterPhotoRequired: c.afterPhotoRequired,
        defaultDepartmentId: departmentId ?? null,
      },
    });
    result.inserted++;
  }
  return result;
}
