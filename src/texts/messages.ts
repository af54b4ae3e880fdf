/**
 * Everything the chat features say to users, in one place so the Chinese can be reviewed and changed together.
 * Card layouts live in lark/cards; their wording comes from here or from domain/labels.ts.
 */

import { zoneOffsetMs } from "../domain/deadline.ts";
import type { IssueAction } from "../domain/lifecycle.ts";
import type { DurationKind, DurationStats } from "../domain/metrics.ts";
import { escapeText } from "./escape.ts";

/** Mentions a user inside a text message (cards use lark/cards `mention`). */
export function at(openId: string): string {
  return `<at user_id="${openId}"></at>`;
}

/** "11-22 09:05" in the given time zone. */
export function formatDateTime(at: Date, timeZone: string): string {
  // The wall clock by the zone's offset, which deadline.ts keeps per quarter hour: a digest card formats a time for
  // every issue it lists, and an Intl format (made or used) costs many times more.
  const wall = new Date(at.getTime() + zoneOffsetMs(at.getTime(), timeZone));
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())} ${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}`;
}

/** "09:05" in the given time zone. */
export function formatTimeOfDay(at: Date, timeZone: string): string {
  return formatDateTime(at, timeZone).slice(-5);
}

/** One decimal place, without a trailing ".0": 5.25 → "5.3", 2 → "2". */
export function formatDecimal(value: number): string {
  return value.toFixed(1).replace(/\.0$/, "");
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * A length of time the way people say it — the one duration format of every chat text, card, digest and ledger.
 * Under an hour in minutes ("42 分钟", "不到 1 分钟"). Longer: a `span` (time left, time overdue) in whole units,
 * "5 小时", "2 小时 30 分钟" (half hours only under three hours), "2 天 3 小时"; an `average` with one decimal,
 * "5.8 小时", from a day on "1.3 天", as the campaign reports write it.
 */
export function formatDuration(ms: number, style: "span" | "average" = "span"): string {
  const minutes = Math.max(0, Math.round(ms / MINUTE_MS));
  if (minutes === 0) return "不到 1 分钟";
  if (minutes < 60) return `${minutes} 分钟`;
  if (style === "average") {
    const hours = Math.round((ms / HOUR_MS) * 10) / 10;
    return hours >= 24 ? `${formatDecimal(ms / HOUR_MS / 24)} 天` : `${formatDecimal(hours)} 小时`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} 小时${minutes % 60 >= 30 && hours < 3 ? " 30 分钟" : ""}`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${days} 天 ${rest} 小时` : `${days} 天`;
}

export const TEXTS = {
  unboundGroup:
    "本群还没有绑定社区或网格，日清暂时不会登记这里的问题。请社区书记或管理员在群里 @我 发送“绑定 单位编码或名称”，例如：@日清 绑定 幸福里社区",
  askAfterPhoto: "请在本话题中回复整改后的照片，收到照片即登记为已整改。",
  photoRejected: (reason: string) => `照片未能登记：${reason}`,
  photoNotUnderIssue:
    "这张照片没有登记到任何问题。整改后的照片请回复在该问题卡片的话题里；上报新问题请直接在群里发照片和文字。",
  unknownIssue: (number: string) => `没有找到问题 ${number}，请检查编号。`,
  issueGone: "找不到这个问题",
  issueChanged: "问题状态刚刚发生了变化，请查看最新的卡片",
  expiredButton: "这个按钮已失效，请在最新的卡片上操作",
  incompleteButton: "这个按钮的数据不完整，请在卡片上重新操作",
  pickFromList: "请从列表中选择",
  unknownAssignee: "没有找到这个人员或部门，请重新选择",
  bound: (unit: string, purpose: string) =>
    `已把本群绑定到「${escapeText(unit)}」（${purpose}）。之后群里上报的问题会登记到该单位。`,
  unbound: (unit: string) => `已解除本群与「${escapeText(unit)}」的绑定，之后不再登记本群的问题。`,
  notBound: "本群没有绑定任何单位。",
  bindInGroup: "请在要绑定的群里 @我 发送“绑定 单位”。",
  bindNeedsUnit: "请写明要绑定的单位编码或名称，例如：绑定 幸福里社区",
  bindUnknownUnit: (text: string) => `没有找到单位“${escapeText(text)}”，请使用导入文件中的单位编码或全称。`,
  bindAmbiguous: (text: string, names: string[]) =>
    `“${escapeText(text)}”对应多个单位：${escapeText(names.join("、"))}。请改用单位编码。`,
  bindTaken: (unit: string) =>
    `本群已绑定到「${escapeText(unit)}」，只有「${escapeText(unit)}」的社区书记或管理员可以改绑。请先由他们发送“解绑”。`,
  badStatsPeriod: "统计范围只支持：今日、本周、本月或某个月份（如 2026-11）。例如：统计 本周",
  monthNotBegun: (month: string) => `${month}还没有开始，没有可统计的数据。`,
  badLedgerPeriod: "台账范围请写：本周、本月，或起止日期，例如：台账 2026-11-01~2026-11-30",
  ledgerWhichUnit: "请在要导出的单位的工作群里 @我 发送“台账”。",
  showNeedsNumber: "请写明问题编号，例如：查 #1024",
  badIssueNumber: (max: number, example: string) => `问题编号应为 1 到 ${max} 之间的数字，例如：${example}`,
  noSuchDate: (date: string) => `没有 ${date} 这一天，请检查日期。`,
  dateOutOfRange: (first: number, last: number) => `日期应在 ${first} 年到 ${last} 年之间，例如：2026-11-23`,
  reversedPeriod: (from: string, to: string) => `开始日期 ${from} 晚于结束日期 ${to}，请把早的日期写在前面。`,
  todoEmpty: "你目前没有待办的问题，辛苦了！",
  // 待办 (features/todo-command.ts), by role.
  todoTitle: (name: string, at: string) => `${name}的待办（截至 ${at}）`,
  todoOwn: (count: number) => `【我负责的】${count} 件`,
  todoCommunity: (unit: string, overdue: number, awaiting: number, waiting: number) =>
    `【${unit}】超期 ${overdue} 件 · 待验收 ${awaiting} 件 · 待派单 ${waiting} 件`,
  todoOverdue: "超期：",
  todoAwaiting: "待验收：",
  todoWaiting: "待派单：",
  todoStreet: (unit: string) => `【${unit}各社区】超期多的在前`,
  todoStreetLine: (community: string, overdue: number, awaiting: number, waiting: number) =>
    `${community}：超期 ${overdue} · 待验收 ${awaiting} · 待派单 ${waiting}`,
  todoDepartment: (unit: string, count: number) => `【${unit}的派单】${count} 件`,
  todoMore: (total: number) => `等 ${total} 件`,
  todoPage: (page: number, pages: number) => `（第 ${page}/${pages} 页）`,
  digestBadDate: "日报只支持今天或指定日期，例如：日报 2026-11-23",
  digestNoUnit: "你还没有负责的单位，无法生成日报。",
  working: "正在处理，请稍候",
  chatGoneBotRemoved: "机器人已被移出该群",
  chatGoneDissolved: "该群已解散",
  answeredPrivately: (chat: string, reason: string) =>
    `你在「${chat}」发的消息，日清没能在群里回复（${reason}），回复改发到这里：`,
  answerBlocked: (chat: string) =>
    `日清在「${chat}」给你的回复被企业的内容安全策略拦截，没能发出。请联系管理员在飞书管理后台查看拦截记录。`,
  cardRenewed: (number: number) =>
    `#${number} 的卡片发出已超过 14 天，飞书不再允许更新它。最新状态见下面这张新卡片，请在新卡片上操作。`,
  // 台账 delivery (features/ledger-command.ts and the digest's 导出台账 button).
  ledgerPreparing: (unit: string, period: string) =>
    `正在生成${escapeText(unit)}台账（${period}），生成后发到这里，请稍候。`,
  ledgerSending: (unit: string, day: string) => `正在生成${unit}${day}的台账，稍后发到本话题`,
  ledgerVolumes: (count: number) =>
    `台账连同照片分成 ${count} 个压缩包发送，请全部下载到同一个文件夹，逐个解压后打开台账，照片链接即可点开。`,
  ledgerTooLarge: (megabytes: number) =>
    `台账连同照片约 ${megabytes} MB，超过群里能发送的大小。请缩短时间范围（例如“台账 本周”），或请管理员用命令行导出。`,
  ledgerFailed: "台账生成失败，请稍后再试；多次失败请联系管理员。",
  ledgerPeriodTooLong: (maxDays: number, unitCode: string, first: string, last: string) =>
    `台账在群里一次最多导出 ${maxDays} 天。更长的时间请管理员在服务器上用命令行导出：` +
    `riqing export ledger --unit ${escapeText(unitCode)} --from ${first} --to ${last} --out 台账.xlsx`,
  printLimited: (count: number) => `打印版只列前 ${count} 个问题，其余见“问题台账”，或缩短时间范围后再导出。`,
  assigned: (number: number, assignee: string, mentions: string) =>
    `#${number} 已派给 ${escapeText(assignee)} ${mentions}，请及时接单处理`,
  handoverReason: (owner: string) => `原责任人 ${owner} 已不在本网格任职（组织架构导入）`,
  handedOver: (number: number, owner: string, assignee: string, mentions: string) =>
    `#${number} 原责任人 ${escapeText(owner)} 已不在本网格任职，问题已转交给 ${escapeText(assignee)} ${mentions}，请及时接单处理`,
  handedBack: (number: number, owner: string, dispatchers: string) =>
    `#${number} 原责任人 ${escapeText(owner)} 已不在本网格任职，且本网格和街道都没有可接手的人，请 ${dispatchers || "社区书记"} 重新派单`,
  rectified: (number: number, verifiers: string) => `#${number} 已整改，请 ${verifiers || "社区书记"} 验收`,
  refused: (number: number, reason: string, assignees: string) =>
    `#${number} 验收未通过${escapeText(reason)}，请 ${assignees || "责任人"} 重新整改后回复照片`,
  sentBack: (number: number, reason: string, dispatchers: string) =>
    `#${number} 被退回${escapeText(reason)}，请 ${dispatchers || "社区书记"} 重新派单`,
  rejected: (number: number, reason: string, reporter: string) =>
    `#${number} 不予受理${escapeText(reason)} ${reporter}`,
  dispatched: (community: string, number: number, department: string) =>
    `📣 **中心吹哨、部门报到**：${community}的问题 #${number} 派给${department}，请接单；整改后在本卡片的话题里回复整改后的照片。`,
  dispatchMoved: (department: string) => `本问题已不再由${department}负责，责任人见下方。`,
  departmentAccepted: (number: number, department: string, person: string) =>
    `#${number} 已由${escapeText(department)} ${escapeText(person)} 接单（部门报到）`,
  snoozed: (until: string) => `已延后到 ${until} 再提醒（整改期限不变）`,
  snoozeMoot: "问题已整改或已办结，不再提醒",
  lookbackOk: "已记录：未反弹",
  lookbackRebound: "已记录反弹，新问题将发布在群里",
  noOverdue: "目前没有超期问题 👍",
  overdueListed: (count: number) => `已在话题中列出 ${count} 件超期问题`,
  overdueHeader: (unit: string, at: string, count: number) =>
    `${escapeText(unit)} 截至 ${at} 的超期问题（${count} 件）：`,
  overdueMore: (count: number) => `…… 共 ${count} 件，完整清单请导出台账`,
  reviewEmpty: "请先填写审阅意见",
  reviewPosted: (chats: number) => `审阅意见已记录，并发到 ${chats} 个社区工作群`,
  reviewNoChat: "审阅意见已记录，但对应社区没有绑定工作群，未能转发",
  reviewHeading: (name: string, date: string) => `${name}的审阅意见（${date}日清日报）`,
  reviewRead: (by: string, at: string) => `${by} 已于 ${at} 阅`,
  reviewReadTold: (leader: string) => `已告诉 ${leader}：你已阅`,
  reviewAlreadyRead: (by: string, at: string) => `${by} 已于 ${at} 确认已阅`,
  reviewReadNotice: (leader: string, by: string, community: string, comment: string) =>
    `${leader} ${escapeText(by)}（${escapeText(community)}）已阅你的审阅意见：${escapeText(comment)}`,
} as const;

/** The toast after a click on an issue card did what it says. */
export const ACTION_DONE: Readonly<Record<IssueAction | "set_grid" | "set_category", string>> = {
  assign: "已派单",
  accept: "已接单",
  rectify: "已提交整改，等待验收",
  send_back: "已退回，等待重新派单",
  reject: "已标记为不予受理",
  verify: "已验收销项",
  refuse: "已驳回，等待重新整改",
  merge: "已合并为重复问题",
  dismiss_duplicate: "已标记为不是重复",
  edit: "已修改",
  request_extension: "已提交延期申请，等待审批",
  approve_extension: "已批准延期",
  decline_extension: "已不批准延期",
  park: "已批准，期间不计超期",
  unpark: "已恢复办理",
  set_grid: "已修改网格",
  set_category: "已修改类别",
};

/** What a history event says on the card and in 查 (who is added by the caller). */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  filed: "上报",
  assign: "派单",
  accept: "接单",
  rectify: "提交整改",
  send_back: "退回",
  reject: "不予受理",
  verify: "验收通过",
  refuse: "驳回重改",
  merge: "合并为重复",
  dismiss_duplicate: "确认不是重复",
  edit: "修改类别或网格",
  handover: "职责变更转交",
  photo_added: "补充上报内容",
  lookback_ok: "回头看：未反弹",
  lookback_rebound: "回头看：已反弹",
  request_extension: "申请延期",
  approve_extension: "批准延期",
  decline_extension: "不批准延期",
  park: "挂账或缓办",
  "park:parked": "挂账",
  "park:deferred": "缓办",
  unpark: "恢复办理",
  "unpark:parked": "挂账结束，恢复办理",
  "unpark:deferred": "缓办结束，恢复办理",
};

/** One history line, e.g. "驳回重改：门口杂物还没清走". */
export function eventText(type: string, reason: string | null, detail?: string): string {
  const base = EVENT_LABELS[type] ?? type;
  const withDetail = detail ? `${base}${detail}` : base;
  return reason ? `${withDetail}：${reason}` : withDetail;
}

/** The wording of the definitions (domain/metrics.ts), printed in the digest footer and on the ledger cover. */
export const METRICS_DEFINITION =
  "整改率 = 期内销项数 ÷（期内销项数 + 期末未销项中已超期或期内新发现的问题数）；" +
  "超期 = 未销项、未整改且已过整改期限的问题，已整改待验收的、挂账或缓办中的不算超期；" +
  "响应用时 = 接单时间（未接单直接整改的按整改时间）− 上报时间；整改用时 = 整改时间 − 上报时间；" +
  "办结用时 = 销项时间 − 上报时间；各按期内接单、整改、销项的问题计算平均值和中位数";

/** The names of the three durations (DURATION_KINDS in src/domain/metrics.ts). */
export const DURATION_LABELS: Readonly<Record<DurationKind, string>> = {
  response: "响应用时",
  rectification: "整改用时",
  completion: "办结用时",
};

/** One duration's average for people with how many issues it is taken over: "5.2 小时（12 件）"; "—" for none. */
export function formatDurationStats(stats: DurationStats): string {
  return stats.averageHours === null ? "—" : `${formatHours(stats.averageHours)}（${stats.count} 件）`;
}

/** A rate for people: 0.9321 → "93.2%", 1 → "100%", null → "—". */
export function formatRate(rate: number | null): string {
  return rate === null ? "—" : `${formatDecimal(rate * 100)}%`;
}

/** An average duration for people, given in hours: "42 分钟", "5.2 小时", "1.3 天"; null → "—". */
export function formatHours(hours: number | null): string {
  return hours === null ? "—" : formatDuration(hours * 3_600_000, "average");
}
