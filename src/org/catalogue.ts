/**
 * The default category catalogue of the civilized-city campaign (创城测评 indicators as grid workers meet them),
 * loaded into an empty database on first start and overridable by an org import.
 */

import type { Db, Tx } from "../db/client.ts";
import type { TimeLimit } from "../domain/deadline.ts";
import type { CategoryClass, CategoryKind, ObjectType } from "../domain/types.ts";

/** One category of the default catalogue. */
export interface CatalogueEntry {
  code: string;
  name: string;
  kind: CategoryKind;
  class: CategoryClass;
  /** Words grid workers actually type for this problem; the name itself always counts too. */
  keywords: readonly string[];
  /** The time allowed to rectify (a street may set its own in the org file). */
  limit: TimeLimit;
  /** 部件 (a thing: 宣传栏, 垃圾箱) or 事件 (a situation: 堆物堆料, 占道经营). */
  objectType: ObjectType;
  /** The standard catalogue's (GB/T 30428.2, 数字城管) 大类 and 小类 names, where the category has one. */
  standardMajor: string | null;
  standardMinor: string | null;
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
const DYNAMIC_LIMIT: TimeLimit = { amount: 1, unit: "natural_days" };
/** Static indicators (静态指标): three days. */
const STATIC_LIMIT: TimeLimit = { amount: 3, unit: "natural_days" };
/** Engineering work (repairs, demolition): seven working days. */
const ENGINEERING_LIMIT: TimeLimit = { amount: 7, unit: "work_days" };

/**
 * The time limit a category gets when nothing says otherwise: engineering work seven 工作日, dynamic indicators one
 * 自然日, static ones three.
 */
function defaultLimit(kind: CategoryKind, cls: CategoryClass): TimeLimit {
  if (cls === "engineering") return ENGINEERING_LIMIT;
  return kind === "dynamic" ? DYNAMIC_LIMIT : STATIC_LIMIT;
}

/** What a category's definition (here or in an org file) may leave out. */
type CategoryRules = Pick<CatalogueEntry, "limit" | "afterPhotoRequired" | "objectType">;

/**
 * A category's time limit, after-photo rule and object type: each as given, or else the default limit, a required
 * photo and 事件.
 */
export function categoryRules(kind: CategoryKind, cls: CategoryClass, given: Partial<CategoryRules>): CategoryRules {
  return {
    limit: given.limit ?? defaultLimit(kind, cls),
    afterPhotoRequired: given.afterPhotoRequired ?? true,
    objectType: given.objectType ?? "event",
  };
}

/** A category's rules as the Category table stores them. */
export function categoryColumns({ limit, afterPhotoRequired, objectType }: CategoryRules) {
  return { limitAmount: limit.amount, limitUnit: limit.unit, afterPhotoRequired, objectType };
}

/** What an entry of the catalogue may say besides its defaults: its rules and its standard 大类/小类. */
interface EntryOptions extends Partial<CategoryRules> {
  standard?: readonly [major: string, minor?: string];
}

function entry(
  code: string,
  name: string,
  kind: CategoryKind,
  cls: CategoryClass,
  defaultDepartment: string | null,
  keywords: readonly string[],
  { standard, ...rules }: EntryOptions = {},
): CatalogueEntry {
  return {
    code,
    name,
    kind,
    class: cls,
    keywords,
    ...categoryRules(kind, cls, rules),
    standardMajor: standard?.[0] ?? null,
    standardMinor: standard?.[1] ?? null,
    defaultDepartment,
  };
}

/**
 * The default catalogue. Keywords are the words people actually type for each problem — the standard terms, their
 * everyday and regional synonyms, and the things the problem is made of ("纸箱" for 堆物堆料) — and no word belongs
 * to two categories, so a word found in a report counts for one category only. Places (饭店, 菜市场) are no
 * keywords: any problem can happen there.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  // 动态指标 — found on patrol, fixed the same day.
  entry(
    "piled-materials",
    "堆物堆料",
    "dynamic",
    "cleanup",
    null,
    [
      "堆物",
      "堆料",
      "堆",
      "堆放",
      "堆积",
      "堆满",
      "乱堆",
      "乱堆乱放",
      "乱堆放",
      "乱放",
      "码放",
      "搁",
      "杂物",
      "楼道杂物",
      "占用楼道",
      "建筑垃圾",
      "装修垃圾",
      "渣土",
      "建材",
      "砖头",
      "沙子",
      "水泥",
      "木板",
      "纸箱",
      "纸壳",
      "纸板",
      "旧家具",
      "破烂",
      "废品",
      "苫盖",
    ],
    { standard: ["市容环境", "乱堆物堆料"] },
  ),
  entry(
    "illegal-parking",
    "车辆乱停乱放",
    "dynamic",
    "enforcement",
    CGZF,
    [
      "乱停车",
      "乱停",
      "乱停放",
      "乱停乱放",
      "违停",
      "违章停车",
      "违规停车",
      "占道停车",
      "压线停车",
      "停车不规范",
      "停车",
      "停",
      "停放",
      "停满",
      "停在",
      "车停",
      "横七竖八",
      "共享单车",
      "单车",
      "小黄车",
      "自行车乱放",
      "僵尸车",
    ],
    { standard: ["街面秩序"] },
  ),
  entry(
    "litter",
    "乱扔垃圾",
    "dynamic",
    "cleanup",
    null,
    [
      "垃圾",
      "乱扔",
      "乱丢",
      "乱倒",
      "乱抛",
      "扔",
      "丢",
      "垃圾暴露",
      "垃圾堆",
      "满溢",
      "垃圾桶满溢",
      "垃圾桶",
      "溢出",
      "清运",
      "烟头",
      "烟蒂",
      "烟屁股",
      "纸屑",
      "果皮",
      "瓜子壳",
      "塑料袋",
      "饭盒",
      "矿泉水瓶",
      "塑料瓶",
      "白色垃圾",
      "卫生死角",
      "积存垃圾",
      "脏乱差",
    ],
    { standard: ["市容环境", "暴露垃圾"] },
  ),
  entry(
    "flyers",
    "小广告",
    "dynamic",
    "cleanup",
    null,
    [
      "牛皮癣",
      "野广告",
      "乱贴",
      "乱画",
      "乱涂",
      "乱写",
      "乱贴乱画",
      "乱涂乱画",
      "乱写乱画",
      "涂鸦",
      "涂写",
      "张贴",
      "贴",
      "贴满",
      "喷涂",
      "喷",
      "办证",
      "开锁",
      "开锁广告",
      "传单",
      "卡片",
      "小卡片",
      "电话号码",
      "号码",
      "疏通下水道",
    ],
    { standard: ["宣传广告", "非法小广告"] },
  ),
  entry("flying-wire-charging", "飞线充电", "dynamic", "cleanup", null, [
    "飞线",
    "充电",
    "充电线",
    "拉线充电",
    "私拉电线",
    "私拉乱接",
    "乱接",
    "私接",
    "接电",
    "电线",
    "电动车充电",
    "电瓶车充电",
    "楼道充电",
    "入户充电",
    "插线板",
    "拖线板",
    "接线板",
    "电瓶",
    "电池",
  ]),
  entry("private-parking-locks", "私设地锁", "dynamic", "enforcement", CGZF, [
    "地锁",
    "车位锁",
    "私装地锁",
    "车位",
    "停车位",
    "占车位",
    "占位",
    "上锁",
    "石墩",
    "石墩子",
    "锥桶",
    "路障",
    "地桩",
    "私设障碍",
    "私人车位",
  ]),
  entry(
    "street-vending",
    "占道经营",
    "dynamic",
    "enforcement",
    CGZF,
    [
      "摊贩",
      "摆摊",
      "摊点",
      "小摊",
      "流动摊",
      "摊位",
      "摊子",
      "地摊",
      "摆地摊",
      "摊",
      "流动商贩",
      "商贩",
      "小贩",
      "出摊",
      "占道",
      "马路市场",
      "夜市",
      "夜市摊",
      "早市",
      "沿街叫卖",
      "叫卖",
      "卖",
      "卖菜",
      "卖水果",
      "推车",
      "小推车",
    ],
    { standard: ["街面秩序", "无照经营游商"] },
  ),
  entry(
    "shop-overflow",
    "出店经营",
    "dynamic",
    "enforcement",
    CGZF,
    [
      "出店",
      "店外经营",
      "跨门经营",
      "越门经营",
      "门前堆放",
      "门前三包",
      "超出门窗",
      "店外",
      "店门外",
      "店门口",
      "门外",
      "门前",
      "外摆",
      "货物",
      "营业",
      "做生意",
    ],
    { standard: ["街面秩序", "店外经营"] },
  ),
  entry("hanging-and-drying", "乱拉乱挂", "dynamic", "cleanup", null, [
    "乱拉",
    "乱挂",
    "乱晾",
    "乱晒",
    "乱晾晒",
    "晾晒",
    "晾",
    "晒",
    "挂",
    "挂满",
    "晾衣",
    "晾衣服",
    "晾衣绳",
    "晒被子",
    "衣服",
    "被子",
    "床单",
    "被褥",
    "横幅",
    "条幅",
    "沿街晾晒",
    "树上晾衣",
    "线缆",
    "网线",
    "蜘蛛网",
  ]),
  entry("fire-lane-blocked", "消防通道堵塞", "dynamic", "management", WYB, [
    "消防通道",
    "消防车道",
    "消防车",
    "生命通道",
    "安全通道",
    "疏散通道",
    "应急通道",
    "通道",
    "通道堵塞",
    "堵塞通道",
    "安全出口",
    "消防登高面",
    "登高面",
    "堵住",
    "堵死",
    "堵",
  ]),
  entry("uncivil-dogs", "不文明养犬", "dynamic", "management", null, [
    "遛狗",
    "养犬",
    "养狗",
    "犬只",
    "狗",
    "狗狗",
    "犬",
    "狗粪",
    "犬粪",
    "狗屎",
    "狗尿",
    "粑粑",
    "牵绳",
    "拴绳",
    "未牵绳",
    "不拴绳",
    "大型犬",
    "烈性犬",
    "流浪狗",
    "宠物",
  ]),
  entry(
    "public-toilet",
    "公厕卫生",
    "dynamic",
    "cleanup",
    null,
    [
      "公厕",
      "公共厕所",
      "厕所",
      "卫生间",
      "洗手间",
      "茅房",
      "茅厕",
      "旱厕",
      "蹲坑",
      "便池",
      "小便池",
      "洗手池",
      "冲水",
      "厕纸",
      "异味",
      "臭",
      "臭气",
      "臭气熏天",
    ],
    { objectType: "component", standard: ["市容环境", "公共厕所"] },
  ),
  entry("uncivil-behaviour", "不文明行为", "dynamic", "management", null, [
    "随地吐痰",
    "吐痰",
    "随地大小便",
    "随地小便",
    "随地",
    "乱穿马路",
    "闯红灯",
    "逆行",
    "翻越护栏",
    "大声喧哗",
    "喧哗",
    "扰民",
    "插队",
    "光膀子",
    "赤膊",
    "睡衣",
    "抽烟",
    "吸烟",
    "禁烟",
    "骂人",
    "吵架",
    "打架",
  ]),
  entry(
    "missing-manhole-cover",
    "井盖缺失",
    "dynamic",
    "engineering",
    null,
    [
      "井盖",
      "井盖子",
      "井盖破损",
      "井盖松动",
      "窨井",
      "窨井盖",
      "井",
      "井口",
      "检查井",
      "污水井",
      "雨水井",
      "雨水篦子",
      "篦子",
      "盖子",
      "下水道盖",
    ],
    { limit: DYNAMIC_LIMIT, objectType: "component", standard: ["公用设施"] },
  ),

  // 静态指标 — facilities and publicity, fixed within days.
  entry(
    "bulletin-board",
    "宣传栏破损",
    "static",
    "management",
    null,
    [
      "宣传栏",
      "宣传牌",
      "宣传",
      "公示栏",
      "公示",
      "公告栏",
      "公告",
      "公开栏",
      "阅报栏",
      "橱窗",
      "宣传橱窗",
      "展板",
      "宣传栏褪色",
    ],
    { objectType: "component" },
  ),
  entry(
    "public-service-ads",
    "公益广告破损",
    "static",
    "management",
    null,
    [
      "公益广告",
      "公益宣传",
      "公益",
      "公益画",
      "公益海报",
      "讲文明树新风",
      "核心价值观",
      "中国梦",
      "围挡广告",
      "海报",
      "海报破损",
      "宣传画",
      "标语",
      "标语牌",
      "文明标语",
      "道旗",
      "墙绘",
    ],
    { objectType: "component", standard: ["市容环境", "广告牌匾"] },
  ),
  entry(
    "practice-station",
    "新时代文明实践站更新不到位",
    "static",
    "management",
    null,
    [
      "实践站",
      "文明实践",
      "实践所",
      "实践中心",
      "实践点",
      "实践站未更新",
      "志愿服务",
      "志愿服务记录",
      "志愿者",
      "活动记录",
      "活动计划",
      "签到",
      "值班表",
      "制度牌",
      "上墙",
      "更新",
    ],
    { objectType: "component" },
  ),
  entry("serving-chopsticks", "公勺公筷", "static", "management", SCJG, [
    "公勺",
    "公筷",
    "公筷公勺",
    "公用筷子",
    "公共餐具",
    "公用餐具",
    "餐具",
    "分餐",
    "分餐制",
    "餐桌提示",
    "提示卡",
    "光盘",
    "光盘行动",
    "文明用餐",
  ]),
  entry(
    "fire-facilities",
    "消防设施缺失损坏",
    "static",
    "management",
    null,
    [
      "消防设施",
      "消防器材",
      "消防",
      "灭火",
      "灭火器",
      "灭火器过期",
      "消火栓",
      "消防栓",
      "消防箱",
      "消防水带",
      "水带",
      "喷淋",
      "烟感",
      "报警器",
      "应急灯",
      "应急照明",
      "疏散指示",
      "疏散指示灯",
      "安全出口指示灯",
    ],
    { objectType: "component", standard: ["公用设施"] },
  ),
  entry(
    "shop-signs",
    "店招店牌破损",
    "static",
    "enforcement",
    CGZF,
    ["店招", "店牌", "招牌", "门头", "门头招牌", "牌匾", "匾额", "灯箱", "广告牌", "户外广告", "发光字", "霓虹灯"],
    { objectType: "component", standard: ["市容环境", "广告牌匾"] },
  ),
  entry("waste-sorting", "垃圾分类不到位", "static", "management", null, [
    "垃圾分类",
    "分类",
    "分类投放",
    "混投",
    "混放",
    "混装",
    "混在一起",
    "分类桶",
    "四分类",
    "垃圾分类亭",
    "投放点",
    "桶站",
    "定时定点",
    "督导员",
    "厨余",
    "厨余垃圾",
    "湿垃圾",
    "干垃圾",
    "可回收",
    "可回收物",
    "有害垃圾",
    "其他垃圾",
  ]),
  entry("road-damage", "道路破损", "static", "engineering", null, [
    "路面破损",
    "破损路面",
    "路面",
    "坑",
    "大坑",
    "坑洼",
    "坑坑洼洼",
    "坑槽",
    "路面塌陷",
    "塌陷",
    "裂缝",
    "鼓包",
    "积水",
    "沥青",
    "柏油",
    "人行道破损",
    "道板",
    "道砖",
    "地砖",
    "人行道砖",
    "盲道",
    "路沿石",
    "路牙",
    "路牙子",
    "马路牙子",
  ]),
  entry(
    "facility-damage",
    "公共设施损坏",
    "static",
    "engineering",
    null,
    [
      "路灯",
      "路灯不亮",
      "路灯杆",
      "灯杆",
      "护栏",
      "隔离栏",
      "栏杆",
      "座椅",
      "长椅",
      "椅子",
      "健身器材",
      "秋千",
      "滑梯",
      "公交站牌",
      "站牌",
      "路牌",
      "路名牌",
      "指示牌",
      "候车亭",
      "遮雨棚",
      "垃圾箱破损",
      "果皮箱",
    ],
    { objectType: "component" },
  ),
  entry(
    "greenery-damage",
    "绿化带破坏",
    "static",
    "engineering",
    null,
    [
      "绿化带",
      "绿化",
      "绿地",
      "绿篱",
      "草坪",
      "草地",
      "花坛",
      "花草",
      "树木",
      "行道树",
      "树",
      "苗木",
      "枯死",
      "黄土裸露",
      "裸土",
      "毁绿",
      "种菜",
      "菜园",
      "毁绿种菜",
      "踩踏",
      "踩踏草坪",
      "树木倒伏",
      "缺株",
      "砍树",
      "折断",
    ],
    { objectType: "component", standard: ["园林绿化", "绿地"] },
  ),
  entry(
    "illegal-building",
    "乱搭乱建",
    "static",
    "enforcement",
    CGZF,
    [
      "违建",
      "违章建筑",
      "违章搭建",
      "私搭乱建",
      "私搭",
      "乱搭",
      "乱建",
      "乱搭乱建",
      "搭建",
      "搭",
      "扩建",
      "加盖",
      "彩钢棚",
      "棚",
      "棚子",
      "雨棚",
      "阳光房",
      "铁皮房",
      "简易房",
      "砌墙",
      "砌",
      "圈占",
      "占地",
    ],
    { limit: ENGINEERING_LIMIT, standard: ["市容环境", "私搭乱建"] },
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
        ...categoryColumns(c),
        standardMajor: c.standardMajor,
        standardMinor: c.standardMinor,
        defaultDepartmentId: departmentId ?? null,
      },
    });
    result.inserted++;
  }
  return result;
}
