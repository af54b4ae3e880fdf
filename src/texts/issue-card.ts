/** The words of an issue's card (presenters/issue-card.ts): its title, fields, photos, questions and forms. */

/** The card title: "#1024 堆物堆料 · 整改中 · 已超期 · 紧急". */
export function issueCardTitle(
  number: number,
  category: string,
  status: string,
  overdue: boolean,
  urgent: boolean,
): string {
  return `#${number} ${category} · ${status}${overdue ? " · 已超期" : ""}${urgent ? " · 紧急" : ""}`;
}

/** The field labels, in the order the card shows them. */
export const ISSUE_FIELDS = {
  grid: "网格",
  point: "点位",
  category: "类别",
  reported: "上报",
  assignee: "责任人",
  deadline: "整改期限",
} as const;

/** Short words of the card. */
export const ISSUE_CARD_WORDS = {
  /** A grid not known yet. */
  gridPending: "待确定",
  /** A category not known yet, in the category field. */
  categoryPending: "待定",
  /** An unassigned issue, in the assignee field. */
  unassigned: "待派单",
  /** A deadline not known yet, until the category is. */
  deadlinePending: "待确定类别后计算",
  /** A report without words. */
  noText: "（未附文字说明）",
  /** A cut description's end. */
  cut: "…（全文见台账）",
  before: "整改前",
  after: "整改后",
  refusedAfter: "整改后（已驳回）",
  noPhoto: "（未附照片）",
  notRectified: "（尚未整改）",
  gridQuestion: "没能从描述中认出网格，请选择：",
  changeGrid: "修改网格",
  chooseGrid: "选择网格",
  categorySuggested: "问题类别还没确定，可能是以下几类，请点选：",
  categoryQuestion: "没能认出问题类别，请选择：",
  changeCategory: "修改类别",
  otherCategory: "都不是？选择其他类别",
  chooseCategory: "选择问题类别",
  refuseReason: "驳回原因，如：门口杂物还没清走",
  otherReason: "原因，如：不属于本网格",
  assignTo: "派单给…",
  reassignTo: "转派给…",
} as const;

/** The lead of a rebound issue. */
export function reboundLead(original: number): string {
  return `**⚠️ 反弹问题**：同一地点的同类问题 #${original} 销项后再次出现`;
}

/** The lead of an issue merged into another. */
export function mergedLead(original: number): string {
  return `已合并到 #${original}，请在原问题中跟进`;
}

/** Where an issue came from, already escaped. */
export function sourceLine(source: string): string {
  return `**来源**：${source}`;
}

/** The description, already escaped. */
export function descriptionBlock(text: string): string {
  return `**问题描述**\n${text}`;
}

/** Why the issue was not accepted, already escaped. */
export function rejectReasonLine(reason: string): string {
  return `**不予受理原因**：${reason}`;
}

/** The lead of a suspected duplicate. */
export function suspectedDuplicateLine(original: number): string {
  return `**疑似重复**：与 #${original} 同类别、同地点，24 小时内上报`;
}

/** How many history entries the card leaves out, and where to read them. */
export function earlierHistory(count: number, issueNumber: number, full: boolean): string {
  return full ? `（更早的 ${count} 条记录见台账）` : `（更早的 ${count} 条记录：发送“查 #${issueNumber}”查看）`;
}

/** "堆物堆料（事件 · 动态指标 · 整治）", the name already escaped. */
export function categoryLine(name: string, objectType: string, kind: string, cls: string): string {
  return `${name}（${objectType} · ${kind}指标 · ${cls}）`;
}

/** An unassigned issue with the dispatchers mentioned. */
export function awaitingDispatch(dispatchers: string): string {
  return `待派单，请 ${dispatchers} 派单`;
}

/** The deadline field of a closed, rectified, overdue or running issue. */
export const DEADLINE_FIELD = {
  closed: (at: string, since: string) => `${at}（已于 ${since} 销项）`,
  rectified: (at: string, since: string) => `${at}（已于 ${since} 整改）`,
  overdue: (at: string) => `${at}（已超期）`,
  running: (at: string) => `${at} 前`,
  /** The deadline with the time limit it was counted from, in the limit's unit: "时限：2工作时". */
  withLimit: (deadline: string, limit: string, urgent: boolean) =>
    `${deadline}\n时限：${limit}${urgent ? "（紧急，减半计算）" : ""}`,
} as const;

/** The alt text of a stage's photo grid. */
export function photosAlt(label: string): string {
  return `${label}照片`;
}

/** Photos still being uploaded. */
export function uploadingPhotos(n: number): string {
  return `（${n} 张照片上传中）`;
}

/** How many photos a stage has, when more than the card shows or more than one. */
export function photoCountText(count: number, shown: number): string {
  if (count > shown) return `（共 ${count} 张，卡片上显示前 ${shown} 张，全部照片见台账）`;
  return count > 1 ? `（${count} 张）` : "";
}
