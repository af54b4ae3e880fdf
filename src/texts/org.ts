/**
 * Every Chinese text the organisation import shows: reasons for rejected rows and the words of the import report.
 * Kept in one place so they can be reviewed and changed together.
 */

import type { ChatPurpose, UnitLevel } from "../domain/types.ts";
import {
  CLASS_LABELS,
  KIND_LABELS,
  LIMIT_UNIT_LABELS,
  OBJECT_TYPE_LABELS,
  PATROL_FREQUENCY_LABELS,
  PATROL_LEVEL_LABELS,
  ROLE_LABELS,
  UNIT_LEVEL_LABELS,
} from "./labels.ts";

/** What users read for each chat purpose. */
export const PURPOSE_LABELS: Readonly<Record<ChatPurpose, string>> = {
  work: "工作群",
  leader: "领导群",
  department: "部门群",
  patrol: "巡查群",
};

/** The entities counted in an import report, in report order, with their Chinese names. */
export const ENTITY_LABELS = {
  units: "单位",
  points: "点位",
  people: "人员",
  duties: "职责",
  categories: "问题类别",
  chats: "群绑定",
  patrols: "巡查分工",
} as const;

const list = (labels: Readonly<Record<string, string>>): string => Object.values(labels).join("、");
const level = (l: UnitLevel): string => UNIT_LEVEL_LABELS[l];

/** Reasons for rejecting a file or a row. Each returns one Chinese sentence without a final full stop. */
export const T = {
  handedOver: (count: number, dryRun: boolean) =>
    `${dryRun ? "将有" : "有"} ${count} 个未办结问题的责任人已不再任职，${dryRun ? "将" : "已"}转交：`,
  handedOverIssue: (number: number, from: string, to: string | null) =>
    `  #${number} ${from} → ${to ?? "待派单（无人可接）"}`,
  fileNotFound: () => "找不到文件，请检查路径",
  fileUnsupported: () => "不支持的文件类型，请使用 .yaml / .yml 或 .xlsx 文件",
  fileEmpty: () => "文件中没有任何可导入的数据",

  yamlSyntax: (detail: string) => `YAML 格式错误，请检查缩进、冒号和短横线（${detail}）`,
  yamlTopLevel: () => "文件顶层应是 units、points、people、categories、chats、patrols 这几个键",
  yamlUnknownSection: (key: string) => `未知的部分“${key}”，可用：units、points、people、categories、chats、patrols`,
  yamlNotList: (key: string) => `“${key}”下应是列表（每一项以“- ”开头）`,
  yamlItemNotMap: () => "列表中的每一项都应是“字段: 值”的形式",
  yamlUnknownKey: (key: string, allowed: readonly string[]) => `未知字段“${key}”，可用字段：${allowed.join("、")}`,
  yamlNotScalar: (key: string) => `字段“${key}”应是单个值`,
  yamlNotTextList: (key: string) => `字段“${key}”应是一个值或一组值`,

  xlsxUnreadable: () => "无法读取该 Excel 文件（文件损坏，或不是 .xlsx 格式）",
  xlsxNoSheets: () => "工作簿中没有可识别的工作表，应有：单位、点位、人员、问题类别、群绑定、点位包干（至少一个）",
  xlsxMissingColumn: (header: string) => `缺少列“${header}”`,

  missing: (what: string) => `缺少${what}`,
  hasSpace: (what: string, v: string) => `${what}“${v}”不能含空格`,
  tooLong: (what: string, max: number) => `${what}过长（最多 ${max} 个字符）`,
  badLevel: (v: string) => `层级“${v}”无效，应为：${list(UNIT_LEVEL_LABELS)}`,
  badRole: (v: string) => `角色“${v}”无效，应为：${list(ROLE_LABELS)}`,
  badKind: (v: string) => `指标类型“${v}”无效，应为：${list(KIND_LABELS)}`,
  badClass: (v: string) => `问题分类“${v}”无效，应为：${list(CLASS_LABELS)}`,
  badPurpose: (v: string) => `用途“${v}”无效，应为：${list(PURPOSE_LABELS)}`,
  badYesNo: (what: string, v: string) => `${what}“${v}”无效，应填“是”或“否”`,
  badLimit: (v: string) =>
    `整改时限“${v}”无效，应为数量加单位（${list(LIMIT_UNIT_LABELS)}），如 2工作时、3工作日、1自然日，最长一年；只填数字按小时（自然时）计`,
  badStreetLimit: (v: string) =>
    `街道时限“${v}”无效，应为“街道编码=整改时限”，如 dcjd=2工作时，多个用“、”分隔；填“无”清除`,
  badObjectType: (v: string) => `部件/事件“${v}”无效，应为：${list(OBJECT_TYPE_LABELS)}`,
  badTime: (v: string) => `日报时间“${v}”无效，应为 HH:mm，如 18:00`,
  badBoundary: () =>
    "边界应为 GeoJSON 格式的 Polygon 或 MultiPolygon（也可以是含这种几何的 Feature），坐标为 [经度, 纬度]，如从 GIS 软件导出的网格边界",
  badCoordinate: (what: string, v: string) => `${what}“${v}”无效，应为数字，如纬度 31.2304、经度 121.4737`,
  halfPosition: () => "经度和纬度要一起填写",
  badOpenId: (v: string) => `open_id“${v}”格式不对，应为飞书用户的 open_id（ou_ 开头）`,
  badChatId: (v: string) => `群 chat_id“${v}”格式不对，应为飞书群的 chat_id（oc_ 开头）`,
  badMobile: (v: string) => `手机号“${v}”格式不对，应为 11 位手机号`,
  categoryNoKey: () => "类别编码和类别名称至少填写一项",
  badPatrolLevel: (v: string) =>
    `巡查层级“${v}”无效，应为：${list(PATROL_LEVEL_LABELS)}（一级领导、二级部门、三级社区）`,
  badFrequency: (v: string) => `巡查频次“${v}”无效，应为：${list(PATROL_FREQUENCY_LABELS)}`,
  patrollerOneOf: () => "巡查人 open_id 和巡查单位编码要填写一项，且只填一项",
  duplicatePatrol: (point: string, row: number | undefined) =>
    `重复的包干分工：点位“${point}”的同一巡查人、同一层级${row === undefined ? "" : `（第 ${row} 行已有）`}`,

  duplicate: (what: string, v: string, row: number | undefined) =>
    `重复的${what}“${v}”${row === undefined ? "" : `（第 ${row} 行已有）`}`,
  duplicateDuty: (unit: string, role: string, row: number | undefined) =>
    `重复的职责：单位“${unit}”的${role}${row === undefined ? "" : `（第 ${row} 行已有）`}`,
  personConflict: (what: string, openId: string, earlier: string, now: string, row: number | undefined) =>
    `open_id“${openId}”${row === undefined ? "" : `在第 ${row} 行`}的${what}是“${earlier}”，这里是“${now}”，请统一`,

  unknownParent: (code: string) => `未知的上级单位编码“${code}”`,
  unknownUnit: (code: string) => `未知的单位编码“${code}”`,
  unknownGrid: (code: string) => `未知的网格编码“${code}”`,
  unknownDepartment: (code: string) => `未知的部门编码“${code}”`,
  unknownPoint: (code: string) => `未知的点位编码“${code}”`,
  unknownPatroller: (openId: string) => `未知的巡查人 open_id“${openId}”：请先在人员中登记`,
  selfParent: (code: string) => `单位“${code}”不能是自己的上级`,
  parentCycle: (code: string) => `单位“${code}”的上级关系形成了循环`,
  badParentLevel: (parent: string, parentLevel: UnitLevel, childLevel: UnitLevel) =>
    `上级单位“${parent}”是${level(parentLevel)}，不能作为${level(childLevel)}的上级`,
  notAGrid: (code: string, l: UnitLevel) => `“${code}”是${level(l)}，点位只能属于网格或微网格`,
  unitHasPoints: (code: string, l: UnitLevel) =>
    `单位“${code}”下还有点位，不能改为${level(l)}（点位只能属于网格或微网格）`,
  notAStreet: (code: string, l: UnitLevel) => `街道时限中的“${code}”是${level(l)}，应填街道单位的编码`,
  notADepartment: (code: string, l: UnitLevel) => `默认部门“${code}”是${level(l)}，应填部门单位的编码`,
  departmentChat: (code: string, l: UnitLevel) => `部门群应绑定部门单位，“${code}”是${level(l)}`,
  newCategoryNeedsCode: (name: string) => `类别“${name}”不在现有目录中，新增类别须填写类别编码`,
  newCategoryNeedsName: (code: string) => `类别编码“${code}”不在现有目录中，新增类别须填写类别名称`,
  newCategoryNeeds: (what: string, key: string) => `新增类别“${key}”须填写${what}`,
  categoryNameTaken: (name: string, code: string) => `类别名称“${name}”已被类别“${code}”使用`,
} as const;

/** Name of the instructions sheet that {@link writeOrgWorkbook} adds (the import ignores it). */
export const WORKBOOK_GUIDE_SHEET = "填写说明";

/** The instructions sheet of an org workbook, one line per row. */
export const WORKBOOK_GUIDE: readonly string[] = [
  "日清 组织架构导入表 · 填写说明",
  "导入：riqing import 本文件.xlsx（先加 --dry-run 可试运行，只检查不写入）。",
  "",
  "一、通用：每个工作表第 1 行是表头，请勿改动；从第 2 行起每行一条，空行跳过。本说明页和多出的列（如“备注”）导入时忽略。",
  "    多个值（别名、关键词）用“、”或逗号分隔。是否类的列填“是”或“否”。",
  "二、单位：单位编码全局唯一、不含空格。上级单位填上级的单位编码（最顶层可留空），上级写在下级后面也可以。",
  "    层级：区、街道、社区、网格、微网格、部门（也认 镇、村、职能部门 等）。别名是群里常用的叫法，用于识别上报地点。",
  "    边界（可不填）：单位的地图边界，填 GeoJSON 格式的 Polygon 或 MultiPolygon（坐标为 [经度, 纬度]），挂图作战据此画地图；",
  "    不填不会清除已有的边界，没有边界的单位在挂图上以方块排列。",
  "三、点位：所属网格填网格或微网格的单位编码；重点点位填“是”或“否”（不填为否）。经度、纬度可不填，填则两项都填。",
  "四、人员：一行一条职责，同一人有两个职责就写两行，姓名和 open_id 要一致。只登记人员、不设职责时，单位编码和角色都留空。",
  "    角色：网格员、网格长、社区书记、包片领导、派单员、责任人、管理员（也认 书记、主任、巡查员 等）。",
  "    手机号可不填；不填不会清除系统中已有的号码。",
  "    职责以文件为准：文件中每个人在本文件涉及的单位（单位表里的单位，以及人员表里出现的单位编码）上的职责，",
  "    导入后与文件完全一致——文件里没有的删除，新写的添加；其他单位上的职责不变，文件里没有的人不受影响。",
  "五、问题类别：系统内置默认目录（堆物堆料、占道经营、飞线充电等）。要修改某个类别，填类别编码或类别名称之一即可，",
  "    留空的列保持原值。新增类别须填写类别编码、类别名称、指标类型（动态/静态）和问题分类（工程/整治/执法/管理）。",
  "    部件/事件：部件是设施（宣传栏、垃圾箱），事件是行为或状况（堆物堆料、占道经营），不填为事件；标准大类、小类填数字城管",
  "    部件事件分类（GB/T 30428）中的名称，没有对应的可不填。默认部门填部门单位的编码。",
  "    整改时限填数量加单位：工作时（只计工作日的办公时间）、工作日、自然日、自然时，如 2工作时、3工作日、1自然日；",
  "    只填数字按小时（自然时）计。法定节假日和调休补班按国家安排，办公时间见 RIQING_OFFICE_HOURS。",
  "    街道时限：某街道对该类别另定的时限，填“街道编码=整改时限”，多个用“、”分隔，如 dcjd=2工作时、xhjd=4工作时；",
  "    填写后替换该类别原有的全部街道时限，填“无”清除，留空不变。",
  "六、群绑定：群 chat_id 以 oc_ 开头；用途填 工作群、领导群、部门群 或 巡查群；日报时间为 HH:mm，如 18:00（新群不填为 18:00）。",
  "七、点位包干（巡查分工）：一行一条，填点位编码、巡查层级（一级 领导包干、二级 部门、三级 社区）、巡查频次（每天、工作日、每周、每半月），",
  "    巡查人 open_id（领导本人包干时）和巡查单位编码（部门或社区负责时）填写其中一项；单位下任职的人员巡查都算数。",
  "    分工以文件为准：文件中写到的点位，其包干分工导入后与文件完全一致；文件里没写到的点位不受影响。",
  "八、导入是“全部或全不”：只要有一行出错，就一条也不写入，并列出每个错误所在的工作表和行号。同一文件重复导入不会产生任何变化。",
];

/** What the reasons call each field of an organisation file (mostly its workbook header). */
export const FIELD_NAMES = {
  unitCode: "单位编码",
  unitName: "单位名称",
  parentCode: "上级单位编码",
  level: "层级",
  pointCode: "点位编码",
  pointName: "点位名称",
  gridCode: "所属网格编码",
  keyPoint: "重点点位",
  lat: "纬度",
  long: "经度",
  personName: "姓名",
  mobile: "手机号",
  role: "角色",
  category: "类别",
  categoryCode: "类别编码",
  categoryName: "类别名称",
  kind: "指标类型（动态/静态）",
  class: "问题分类（工程/整治/执法/管理）",
  limit: "整改时限",
  streetLimits: "街道时限",
  standardMajor: "标准大类",
  standardMinor: "标准小类",
  afterPhoto: "需整改照片",
  departmentCode: "默认部门编码",
  chatId: "群 chat_id",
  chatName: "群名称",
  purpose: "用途",
  patrolLevel: "巡查层级",
  frequency: "巡查频次",
  patroller: "巡查人 open_id",
  patrolUnit: "巡查单位编码",
} as const;

/**
 * The workbook's words, read and written: for each section its sheet name followed by other names read as it, and
 * for each column its header followed by other headers read as it (org/org-fields.ts adds the YAML keys).
 */
export const WORKBOOK_WORDS = {
  units: {
    sheet: ["单位", "单位区域", "区域", "组织架构"],
    code: ["单位编码", "编码"],
    name: ["单位名称", "名称"],
    parent: ["上级单位", "上级单位编码", "上级编码", "上级"],
    level: ["层级", "单位层级", "级别", "类型"],
    aliases: ["别名", "简称"],
    boundary: ["边界（GeoJSON）", "边界", "GeoJSON"],
  },
  points: {
    sheet: ["点位"],
    code: ["点位编码", "编码"],
    name: ["点位名称", "名称"],
    grid: ["所属网格", "所属网格编码", "网格编码", "网格"],
    aliases: ["别名", "简称"],
    key: ["重点点位", "是否重点点位", "重点"],
    lat: ["纬度", "latitude"],
    long: ["经度", "lng", "lon", "longitude"],
  },
  people: {
    sheet: ["人员", "人员职责"],
    name: ["姓名"],
    open_id: ["open_id", "openid", "飞书open_id", "飞书ID"],
    mobile: ["手机号", "手机", "手机号码", "联系电话", "电话"],
    unit: ["单位编码", "单位", "职责单位"],
    role: ["角色", "职责", "岗位"],
  },
  categories: {
    sheet: ["问题类别", "类别", "问题类型", "指标"],
    code: ["类别编码", "编码"],
    name: ["类别名称", "名称", "类别"],
    kind: ["指标类型", "类型", "动态静态"],
    class: ["问题分类", "分类"],
    keywords: ["关键词"],
    object_type: ["部件/事件", "部件事件", "部件或事件", "案件类型"],
    standard_major: ["标准大类", "大类"],
    standard_minor: ["标准小类", "小类"],
    limit: ["整改时限", "时限", "整改时限（小时）", "时限（小时）", "处置时限"],
    street_limits: ["街道时限", "街道整改时限", "各街道时限"],
    after_photo_required: ["需整改照片", "整改照片", "需要整改照片"],
    department: ["默认部门", "默认部门编码", "部门"],
  },
  chats: {
    sheet: ["群绑定", "群", "群聊"],
    chat_id: ["群 chat_id", "chat_id", "群ID", "群id", "chatid"],
    name: ["群名称", "群名"],
    unit: ["单位编码", "单位", "绑定单位"],
    purpose: ["用途", "群用途"],
    digest_time: ["日报时间", "日报推送时间", "推送时间"],
  },
  patrols: {
    sheet: ["点位包干", "点位包干分工表", "包干分工", "巡查分工", "巡查"],
    point: ["点位编码", "点位"],
    level: ["巡查层级", "层级", "级别"],
    frequency: ["巡查频次", "频次", "巡查频率", "频率"],
    person: ["巡查人 open_id", "巡查人", "包干领导 open_id", "open_id"],
    unit: ["巡查单位编码", "巡查单位", "责任单位", "单位编码"],
  },
} as const;

/** The words people type into an import file's cells: yes and no, list separators, times, chat purposes. */
export const CELL_WORDS = {
  yes: ["是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "要", "需要", "重点"],
  no: ["否", "n", "no", "false", "0", "×", "✗", "✘", "不", "不要", "不需要", "无"],
  /** A cell that clears a list the import would otherwise keep (街道时限). */
  none: ["无", "清除"],
  /** The time limits the workbook suggests (any other amount and unit may be typed). */
  limitSuggestions: ["2工作时", "4工作时", "1工作日", "3工作日", "7工作日", "1自然日", "3自然日", "24自然时"],
  /** A street's own limit as typed: street code, = or a colon (half- or full-width), the limit. */
  streetLimitPattern: /^([^=＝:：\s]+)\s*[=＝:：]\s*(.+)$/,
  /** How the workbook writes a street's own limit: "dcjd=2工作时". */
  streetLimit: (street: string, limit: string) => `${street}=${limit}`,
  /** What the workbook writes for yes and no. */
  yesNo: (v: boolean) => (v ? "是" : "否"),
  /** Items in one cell: separated by 、 , ， ; ； or line breaks. */
  listSeparators: /[、,，;；\n\r]+/,
  /** How the workbook writes a list in one cell. */
  listJoiner: "、",
  /** A time of day, hours and minutes separated by a half- or full-width colon. */
  timeOfDay: /^(\d{1,2})[:：](\d{2})$/,
  /** Further names of each chat purpose, besides its label (PURPOSE_LABELS) and its code. */
  purposeSynonyms: {
    work: ["工作", "社区工作群", "网格工作群", "创城工作群"],
    leader: ["领导", "领导审阅群", "包片领导群"],
    department: ["部门", "职能部门群", "专项工作组群"],
    patrol: ["巡查", "随手拍", "随手拍群", "巡查上报群"],
  } satisfies Readonly<Record<ChatPurpose, readonly string[]>>,
} as const;

/** Who the written workbook says created it. */
export const WORKBOOK_CREATOR = "日清 Riqing";

/** The words of an import report. */
export const IMPORT_REPORT_TEXTS = {
  /** `org.xlsx › 人员 › 第 7 行` */
  row: (row: number) => `第 ${row} 行`,
  /** One entity's changes; `removed` is given for duties (which are replaced), `updated` for the rest. */
  counts: (
    entity: string,
    c: { created: number; updated: number; removed: number; unchanged: number },
    duties: boolean,
  ) =>
    `${entity} ${[`新增 ${c.created}`, duties ? `删除 ${c.removed}` : `更新 ${c.updated}`, `无变化 ${c.unchanged}`].join("、")}`,
  problem: (where: string, message: string) => `  ${where}：${message}`,
  failed: (count: number) => `导入失败，共 ${count} 处错误，未做任何修改：`,
  head: (dryRun: boolean) => (dryRun ? "试运行（未写入任何数据）" : "导入完成"),
  /** What the import did to the standard catalogue, after the counts. */
  catalogue: (inserted: number, linked: number, dryRun: boolean) => {
    const done = [
      inserted > 0 ? `载入默认问题类别 ${inserted} 个` : "",
      linked > 0 ? `为 ${linked} 个默认问题类别关联了默认部门` : "",
    ].filter(Boolean);
    return done.length > 0 ? `\n另${dryRun ? "将" : ""}${done.join("，")}。` : "";
  },
  unchanged: (head: string, totals: readonly { entity: string; count: number }[]) =>
    `${head}：无变化（${totals.map((t) => `${t.entity} ${t.count}`).join("、")} 条均与数据库一致）。`,
  changed: (head: string, dryRun: boolean, counts: readonly string[]) =>
    `${dryRun ? `${head}，正式导入将` : head}：${counts.join("；")}。`,
} as const;
