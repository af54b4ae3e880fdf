import { card } from "./card.ts";
import { markdown, note } from "./markdown.ts";

/** The help card: what to post and which commands exist (behaviour §5). */
export function helpCard() {
  return card({
    header: { title: "日清 · 使用说明", template: "blue" },
    elements: [
      markdown(
        [
          "**上报问题**：在社区工作群发照片，并 @我 或以“上报”开头写一句说明，如：",
          "“上报 幸福路菜市场门口占道经营”。照片和文字分两条发也可以（2 分钟内）。",
          "**整改**：在问题卡片的话题里回复整改后的照片即为已整改。",
          "**话题里可以说**：接单 · 已整改 · 退回 原因 · 转派 @某人 · 验收通过 · 驳回 原因 · 合并到 #编号",
        ].join("\n"),
      ),
      markdown(
        [
          "**命令**（群里先 @我，私聊直接发）：",
          "帮助 · 待办 · 统计 [今日|本周|本月] · 日报 · 查 #编号 · 台账 [本周|本月|起止日期] · 挂图 · 绑定 单位 · 解绑",
          "**挂图**：私信你一个挂图作战大屏的个人链接（地图、超期、排名，实时更新）。",
        ].join("\n"),
      ),
      note("英文也可以：help · todo · stats · digest · show · ledger · board · bind · unbind"),
    ],
  });
}
