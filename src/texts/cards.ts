/**
 * The words of the help, reminder, escalation, look-back and digest cards (presenters/), and of the look-back's
 * answers (commands/answer-lookback.ts).
 */

/** The help card (behaviour §5). */
export const HELP_CARD = {
  title: "日清 · 使用说明",
  posting: [
    "**上报问题**：在社区工作群发照片，并 @我 或以“上报”开头写一句说明，如：",
    "“上报 幸福路菜市场门口占道经营”。照片和文字分两条发也可以（2 分钟内）。",
    "**整改**：在问题卡片的话题里回复整改后的照片即为已整改。",
    "**话题里可以说**：接单 · 已整改 · 退回 原因 · 转派 @某人 · 验收通过 · 驳回 原因 · 合并到 #编号",
    "**巡查打卡**：到点位后发“巡查 幸福路菜市场 无问题”并附现场照片；发现问题就写问题，会按上报登记。发“巡查”看今天的点位。",
  ],
  commands: [
    "**命令**（群里先 @我，私聊直接发）：",
    "帮助 · 待办 · 统计 [今日|本周|本月] · 日报 · 巡查日报 · 巡查周报 · 查 #编号 · 台账 [本周|本月|起止日期] · 挂图 · 绑定 单位 · 解绑",
    "**挂图**：私信你一个挂图作战大屏的个人链接（地图、超期、排名，实时更新）。",
  ],
  english: "英文也可以：help · todo · stats · digest · show · ledger · board · bind · unbind",
} as const;

/** A reminder in the issue thread. */
export const REMINDER_CARD = {
  title: (n: string, phrase: string, again: boolean) => (again ? `⏰ ${n} 再次提醒：${phrase}` : `⏰ ${n} ${phrase}`),
  askOverdue: "问题仍未整改。请责任人尽快整改并在本话题回复整改后的照片，社区书记请督办。",
  ask: "请在期限前完成整改，并在本话题回复整改后的照片。",
  snoozed: (by: string, until: string) => `${by} 已把提醒延后到 ${until}（整改期限不变）`,
  snooze: "延后提醒 1 小时",
} as const;

/** The escalation to a street leader group. */
export const ESCALATION_CARD = {
  title: (count: number, page: number, pages: number) =>
    `🚨 超期未整改问题 ${count} 件${pages > 1 ? `（${page}/${pages}）` : ""}`,
  lead: "以下问题超过整改期限较久仍未整改，请督办：\n",
  footer: "每件问题只上报一次；全部超期问题见每晚的日清日报。",
} as const;

/** The look-back (回头看): the question, the answers and what each answer says. */
export const LOOKBACK = {
  rebound: "已反弹",
  noRebound: "未反弹",
  answer: (rebound: boolean) => (rebound ? LOOKBACK.rebound : LOOKBACK.noRebound),
  answeredTitle: (n: string, rebound: boolean) => `回头看：${n} ${LOOKBACK.answer(rebound)}`,
  closedAt: (n: string, place: string, closed: string) => `${n} ${place}（${closed} 销项）`,
  confirmedRebound: (by: string, at: string) => `${by} 于 ${at} 确认反弹，已登记为新问题，见群里的新消息。`,
  confirmedNoRebound: (by: string, at: string) => `${by} 于 ${at} 确认未反弹。`,
  questionTitle: (n: string) => `回头看：${n} 是否反弹？`,
  question: (mention: string, n: string, place: string, closed: string) =>
    `${mention}${n} ${place} 已于 ${closed} 销项。请到现场看一看，问题有没有再次出现？`,
  gone: "找不到这个问题",
  someoneElse: "他人",
  alreadyAnswered: (by: string, rebound: boolean) => `回头看已由 ${by} 回答：${LOOKBACK.answer(rebound)}`,
  reboundNotice: (number: number, place: string, by: string) =>
    `【回头看·反弹】#${number} ${place} 销项后再次出现，${by} 确认反弹，已登记为新问题，问题卡片见本条消息的话题。`,
} as const;

/** The digest card and its 审阅意见. */
export const DIGEST_CARD = {
  review: "审阅意见",
  read: "已阅",
  showOverdue: "查看超期",
  exportLedger: "导出台账",
  definitions: (definition: string) => `口径：${definition}`,
  moreIssues: (total: number, overdue: boolean) => `等 ${total} 件${overdue ? "，点「查看超期」看全部" : ""}`,
  moreUnits: (total: number, childLabel: string) => `等 ${total} 个${childLabel}`,
  noUnits: (childLabel: string) => `今日没有${childLabel}的问题`,
  reviewTarget: "发给哪个社区",
  allCommunities: "全部社区",
  reviewToChosen: "将发到所选社区的工作群",
  reviewToCommunity: "将发到本社区工作群",
  submitReview: "提交审阅意见",
} as const;
