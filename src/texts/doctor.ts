/**
 * Every line `riqing doctor` prints: the name of each check, what it found, and what to do about a failure. Each
 * fix names the step of README's “接入飞书” to go back to.
 */

/** The steps of README's “接入飞书”, named in the fix hints so the operator knows where to go back to. */
export const STEP = {
  app: "第 1 步（创建应用）",
  scopes: "第 2 步（开通权限）",
  events: "第 3 步（订阅事件与回调）",
  publish: "第 4 步（发布版本）",
  start: "第 5 步（配置并启动）",
  importOrg: "第 6 步（导入组织架构）",
  bind: "第 7 步（拉机器人进群并绑定）",
} as const;

/** The name of each check, as the report's lines begin. */
export const CHECK_NAMES = {
  config: "配置",
  databaseServer: "数据库服务器",
  clock: "时钟",
  database: "数据库",
  org: "组织架构",
  bindings: "群绑定",
  sendScope: "权限 发消息",
  resourceScope: "权限 图片与文件",
  contactScope: "权限 通讯录",
  userNameScope: "权限 用户姓名",
  receiveScopes: "事件与消息权限",
  people: "人员 open_id",
  chat: (name: string) => `群 ${name}`,
  sending: "消息发送",
  app: "飞书应用",
  credentials: "飞书凭证",
  bot: "机器人",
} as const;

/** What each check found, and the fix for each failure. */
export const DOCTOR_TEXTS = {
  config: (sandbox: boolean) => `有效（${sandbox ? "沙箱模式" : "生产模式"}）`,

  postgresVersion: (version: string) => `PostgreSQL ${version}`,
  postgresTooOld: (min: number) => `日清需要 PostgreSQL ${min} 或更新的版本，请升级数据库服务器`,
  /** `skewMs` is the database clock minus this machine's. */
  clockSkew: (skewMs: number) =>
    `数据库服务器与本机时间相差 ${(Math.abs(skewMs) / 1000).toFixed(1)} 秒${skewMs > 0 ? "（数据库较快）" : skewMs < 0 ? "（数据库较慢）" : ""}`,
  clockFix: "用 NTP（如 chrony）同步数据库服务器和各台日清服务器的时间；相差太大时期限、提醒和日报的时刻会不准",

  postgresUnreachable: "核对 DATABASE_URL 中的地址、端口、数据库名、用户名和密码，确认 PostgreSQL 已启动且本机可以连接",
  noDatabaseFile: (path: string) => `找不到数据库文件 ${path}`,
  noDatabaseFileFix: `${STEP.start}：核对 DATABASE_URL 是否写对；新部署请先运行 riqing migrate（riqing start 也会）创建数据库`,
  migrationsPending: (url: string, applied: number, pending: readonly string[]) =>
    `${url}，结构版本 ${applied}，还有 ${pending.length} 个升级未执行：${pending.join("、")}`,
  migrationsPendingFix: "运行 riqing migrate 升级数据库（riqing start 启动时也会自动升级）",
  database: (url: string, applied: number, units: number, chats: number) =>
    `${url}，结构版本 ${applied}（最新），单位 ${units} 个，绑定群 ${chats} 个`,
  noOrg: "还没有导入单位和人员",
  noOrgFix: `${STEP.importOrg}：运行 riqing import examples/org.yaml 或你们自己的组织架构文件`,
  noBindings: "还没有绑定任何群",
  noBindingsFix: `${STEP.bind}：把机器人拉进社区工作群，在群里 @机器人 发送“绑定 单位”，或在导入文件的“群绑定”里写上群`,
  unreadableDatabase: "检查 DATABASE_URL 指向的文件是否是日清的数据库、是否可读",
  brokenSandbox: "运行 npm start -- --reset，从演示数据重新开始沙箱",

  scopeGranted: (purpose: string) => `已开通（${purpose}）`,
  scopeMissing: (purpose: string) => `未开通：${purpose}做不了`,
  scopeFix: (scopes: string) => `${STEP.scopes}：在开发者后台“权限管理”开通 ${scopes}，再按${STEP.publish}发布新版本`,
  sendPurpose: "发卡片、回复、更新卡片",
  resourcePurpose: "卡片里的照片、台账文件、下载群里的照片",
  contactPurpose: "核对人员 open_id",
  noUserNames: "未开通：飞书返回的用户没有姓名，不在导入文件里的人会显示为“未登记用户”",
  noUserNamesFix: `${STEP.scopes}：开通 contact:user.base:readonly，再按${STEP.publish}发布新版本`,
  receiveScopes:
    "接收消息的权限无法直接检查：私聊发“帮助”、在群里发照片，机器人没有反应时，" +
    `按${STEP.scopes}开通 im:message.p2p_msg:readonly、im:message.group_at_msg:readonly、im:message.group_msg，` +
    `按${STEP.events}订阅 im.message.receive_v1 和卡片回调`,

  peopleKnown: (checked: number) => `${checked} 人的 open_id 飞书都认识`,
  /** `shown` are the first few unknown people; `count` is how many there are in all. */
  peopleUnknown: (count: number, shown: readonly { name: string; openId: string }[]) =>
    `${count} 人的 open_id 飞书不认识，不会被 @ 到：${shown.map((p) => `${p.name}（${p.openId}）`).join("、")}${count > shown.length ? " 等" : ""}`,
  peopleUnknownFix:
    `${STEP.importOrg}：open_id 每个应用各不相同，请改用本应用取得的 open_id 重新导入；` +
    `或按${STEP.publish}把他们加入应用的可用范围和通讯录权限范围`,
  peopleUncheckedFix: `${STEP.scopes}：开通通讯录权限后再检查`,

  botInChat: "机器人在群内",
  botNotInChat: "机器人不在群内，群里的上报收不到、卡片发不出",
  botNotInChatFix: `${STEP.bind}：在群设置“群机器人”里添加机器人，或在群里发“解绑”解除绑定`,
  chatScopeFix: `${STEP.scopes}：开通 im:chat:readonly 并发布新版本`,
  chatGoneFix: `${STEP.bind}：确认群还在、机器人在群里；群已解散的请“解绑”或从导入文件中删去`,

  noFailures: (days: number) => `最近 ${days} 天没有发送失败的消息`,
  /** `chat` is the chat's name, or undefined for private chats. */
  failures: (days: number, chat: string | undefined, count: number, lastError: string) =>
    `最近 ${days} 天在${chat === undefined ? "私聊" : `群 ${chat}`}有 ${count} 条消息发送失败：${lastError}`,
  failureScopeFix: `${STEP.scopes}：开通所缺权限并发布新版本`,
  failureChatFix: `${STEP.bind}：把机器人拉回群里，或解绑已解散、不再使用的群`,
  failureBlockedFix: "内容被企业的数据防泄漏或内容审核策略拦截：请管理员在飞书管理后台查看拦截记录",
  failureScopeRangeFix: `${STEP.publish}：把相关人员加入应用的可用范围`,
  failureOtherFix: "查看日志中的错误码和 log_id，必要时联系飞书技术支持",

  sandboxApp: "未配置凭证，以沙箱模式运行（内置模拟飞书）",
  credentials: (domain: string) => `已取得访问凭证（${domain}）`,
  bot: (name: string, openId: string) => `${name}（${openId}）`,
  credentialsFix: `${STEP.app}：核对 LARK_APP_ID、LARK_APP_SECRET 是否为同一应用，应用是否启用了机器人能力；${STEP.publish}：是否已发布`,

  /** One line of the report, with the fix under a failed check. */
  line: (ok: boolean, name: string, detail: string, hint: string | undefined) =>
    `${ok ? "✓" : "✗"} ${name}：${detail}${ok || !hint ? "" : `\n    处理办法：${hint}`}`,
  summary: (bad: number) => (bad === 0 ? "\n全部正常。" : `\n共 ${bad} 项需要处理。`),
} as const;
