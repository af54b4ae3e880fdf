/**
 * The columns of each section of an organisation file: the English key used in YAML, the Chinese header a street
 * office writes in the workbook, and other headers accepted for the same column. Readers and the workbook writer
 * share this table so the two formats cannot drift apart.
 */

import type { OrgSection } from "./org-data.ts";

/** One column of a section. */
export interface OrgField {
  /** Key in YAML and in the raw records. */
  key: string;
  /** Header in the workbook, as written by {@link writeOrgWorkbook}. */
  header: string;
  /** Further headers read as this column (compared after normalizeText). */
  aliases: readonly string[];
  /** Whether a workbook sheet must have this column. */
  required: boolean;
  /** Column width in the workbook, in characters. */
  width: number;
}

/** A section (keyed in ORG_SHEETS by its key in YAML): its sheet name in the workbook and its columns. */
export interface OrgSheet {
  sheet: string;
  /** Other sheet names read as this section. */
  sheetAliases: readonly string[];
  fields: readonly OrgField[];
}

function field(key: string, header: string, width: number, required: boolean, ...aliases: string[]): OrgField {
  return { key, header, aliases, required, width };
}

/** Every section of an organisation file, in reading order. */
export const ORG_SHEETS: Readonly<Record<OrgSection, OrgSheet>> = {
  units: {
    sheet: "单位",
    sheetAliases: ["单位区域", "区域", "组织架构", "units"],
    fields: [
      field("code", "单位编码", 16, true, "编码", "code"),
      field("name", "单位名称", 22, true, "名称", "name"),
      field("parent", "上级单位", 16, false, "上级单位编码", "上级编码", "上级", "parent"),
      field("level", "层级", 10, true, "单位层级", "级别", "类型", "level"),
      field("aliases", "别名", 30, false, "简称", "aliases"),
      field("boundary", "边界（GeoJSON）", 30, false, "边界", "GeoJSON", "boundary"),
    ],
  },
  points: {
    sheet: "点位",
    sheetAliases: ["points"],
    fields: [
      field("code", "点位编码", 16, true, "编码", "code"),
      field("name", "点位名称", 26, true, "名称", "name"),
      field("grid", "所属网格", 16, true, "所属网格编码", "网格编码", "网格", "grid"),
      field("aliases", "别名", 30, false, "简称", "aliases"),
      field("key", "重点点位", 10, false, "是否重点点位", "重点", "key"),
      field("lat", "纬度", 12, false, "lat", "latitude"),
      field("long", "经度", 12, false, "long", "lng", "lon", "longitude"),
    ],
  },
  people: {
    sheet: "人员",
    sheetAliases: ["人员职责", "people"],
    fields: [
      field("name", "姓名", 10, true, "name"),
      field("open_id", "open_id", 40, true, "openid", "飞书open_id", "飞书ID"),
      field("mobile", "手机号", 14, false, "手机", "手机号码", "联系电话", "电话", "mobile"),
      field("unit", "单位编码", 16, false, "单位", "职责单位", "unit"),
      field("role", "角色", 12, false, "职责", "岗位", "role"),
    ],
  },
  categories: {
    sheet: "问题类别",
    sheetAliases: ["类别", "问题类型", "指标", "categories"],
    fields: [
      field("code", "类别编码", 22, false, "编码", "code"),
      field("name", "类别名称", 22, false, "名称", "类别", "name"),
      field("kind", "指标类型", 10, false, "类型", "动态静态", "kind"),
      field("class", "问题分类", 10, false, "分类", "class"),
      field("keywords", "关键词", 50, false, "keywords"),
      field("deadline_hours", "整改时限（小时）", 16, false, "整改时限", "时限", "时限（小时）", "deadline_hours"),
      field("working_days", "按工作日", 10, false, "工作日", "按工作日计", "working_days"),
      field("after_photo_required", "需整改照片", 12, false, "整改照片", "需要整改照片", "after_photo_required"),
      field("department", "默认部门", 16, false, "默认部门编码", "部门", "department"),
    ],
  },
  chats: {
    sheet: "群绑定",
    sheetAliases: ["群", "群聊", "chats"],
    fields: [
      field("chat_id", "群 chat_id", 40, true, "chat_id", "群ID", "群id", "chatid"),
      field("name", "群名称", 26, false, "群名", "name"),
      field("unit", "单位编码", 16, true, "单位", "绑定单位", "unit"),
      field("purpose", "用途", 10, true, "群用途", "purpose"),
      field("digest_time", "日报时间", 10, false, "日报推送时间", "推送时间", "digest_time"),
    ],
  },
};

/** YAML keys of a person's duty entries (`duties: [{unit, role}]`). */
export const DUTY_KEYS: readonly string[] = ["unit", "role"];

/** YAML keys of a person entry: the person's own columns, and their duties as a list. */
export const PERSON_YAML_KEYS: readonly string[] = ["name", "open_id", "mobile", "duties"];
