/** Every Chinese sentence the sandbox server says (console banner, API errors), kept together for review. */
export const SANDBOX_TEXTS = {
  banner: (url: string, resumed: boolean) =>
    [
      "",
      "未配置飞书应用凭证（LARK_APP_ID、LARK_APP_SECRET），日清以沙箱模式启动：",
      "机器人照常运行，连接的是内置的模拟飞书。",
      resumed
        ? "已恢复上次的沙箱：消息、问题和虚拟时间接着上次。要回到演示初始状态，点页面上的“重置沙箱”，或运行 npm start -- --reset。"
        : "已载入演示街道、社区、网格和人员，虚拟时间从今天 09:00 开始。",
      "",
      `  在浏览器中打开 ${url}`,
      "",
      "可以切换身份发消息、上传照片、点卡片按钮，并快进时间查看提醒和日报。按 Ctrl+C 退出。",
      "接入真实飞书：在 .env 中填写应用的 App ID 和 App Secret（见 .env.example）后重新运行 npm start。",
      "",
    ].join("\n"),
  databaseOutside: (url: string, dir: string) =>
    `沙箱重置时会清空重建自己的数据库，DATABASE_URL（${url}）必须位于 ${dir} 目录下。` +
    "请去掉 DATABASE_URL，或配置飞书应用凭证以正式模式运行。",
  portInUse: (port: number) =>
    `端口 ${port} 已被占用。请关闭占用它的程序，或设置 PORT 为其他端口（如 PORT=3001）后重试。`,
  resetting: "沙箱正在重置，请稍候",
  // riqing doctor in sandbox mode (ops/doctor.ts).
  doctorFresh: (dir: string) => `沙箱模式，还没有沙箱数据：第一次 npm start 时载入演示数据，保存在 ${dir}`,
  doctorKept: (dir: string, units: number, issues: number) =>
    `沙箱模式，沙箱数据保存在 ${dir}（单位 ${units} 个，问题 ${issues} 个），下次启动接着上次继续；` +
    "要回到演示初始状态，点页面上的“重置沙箱”，或运行 npm start -- --reset",
  foreignRequest: "拒绝访问：沙箱只接受本机沙箱页面（127.0.0.1 或 localhost）发来的请求",
  badRequest: "请求格式不对",
  tooLarge: "内容太大，请少发几张照片或换小一些的照片",
  unknownPerson: "没有这个演示人员",
  unknownChat: "没有这个群",
  notMember: "这个身份不在这个会话里，请切换身份",
  unknownSample: "没有这张示例照片",
  emptyMessage: "请输入文字或添加照片",
  notAnImage: "只能上传图片（JPG、PNG、GIF、WEBP 等）",
  botSilent: "机器人没有响应这次操作，请稍后再试",
  nothingDue: "接下来没有要发送的提醒或日报",
  tooManySteps: (n: number) => `跳过的时间太长：途中前 ${n} 个提醒时刻已逐一处理，之后的只在到达时处理，可能有遗漏。`,
  notFound: "找不到这个文件",
  // The demo tenant as the page shows it.
  botName: "日清",
  unknownUser: "未知用户",
  /** The name of a file sent without one. */
  unnamedFile: "文件",
} as const;
