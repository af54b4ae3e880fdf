/** Chinese names and report texts as grid workers write them, for generated orgs and messages. */

import { pick, type Random } from "./rng.ts";

/** Community names (社区); combined with a number when more are needed. */
// biome-ignore format: a table reads better
export const COMMUNITY_NAMES = [
  "幸福里", "东风路", "和平", "光明", "长安", "新华", "建设", "人民", "解放", "胜利",
  "朝阳", "向阳", "红旗", "团结", "友谊", "文化", "春晖", "金桥", "滨河", "湖畔",
  "南苑", "北辰", "西园", "东湖", "翠竹", "桂花", "丹桂", "梅林", "松柏", "桃源",
] as const;

/** Street names (街道). */
// biome-ignore format: a table reads better
export const STREET_NAMES = [
  "幸福", "东风", "和平", "光明", "长安", "新华", "建设", "人民", "解放", "胜利",
  "朝阳", "向阳", "红旗", "团结", "友谊", "文化", "春晖", "金桥", "滨河", "湖畔",
] as const;

/** Kinds of named places inside a grid (点位). */
// biome-ignore format: a table reads better
export const PLACE_KINDS = [
  "菜市场", "小学门口", "公交站", "商业街", "小游园", "停车场", "文化广场", "农贸市场", "幼儿园门口", "美食街",
] as const;

const NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"] as const;

/** "第一网格" … "第二十网格". */
export function gridOrdinal(n: number): string {
  if (n <= 10) return `第${NUMERALS[n - 1]}网格`;
  if (n < 20) return `第十${NUMERALS[n - 11]}网格`;
  const tens = NUMERALS[Math.floor(n / 10) - 1];
  const ones = n % 10 === 0 ? "" : NUMERALS[(n % 10) - 1];
  return `第${tens}十${ones}网格`;
}

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅玉兰志海燕小鹏婷浩";

/** A plausible Chinese personal name. */
export function personName(random: Random): string {
  const surname = SURNAMES[Math.floor(random() * SURNAMES.length)] ?? "王";
  const given = Array.from({ length: random() < 0.6 ? 2 : 1 }, () => GIVEN[Math.floor(random() * GIVEN.length)]);
  return surname + given.join("");
}

/** Report openings the bot recognises (behaviour §3: 上报, 报告, #问题, 问题：). */
const OPENINGS = ["上报：", "上报 ", "报告：", "#问题 ", "问题：", "上报："] as const;

/** Problems as written in chat, each naming a catalogue category by one of its keywords. */
const PROBLEMS = [
  "门口堆物堆料，占用消防通道",
  "楼道杂物乱堆乱放，居民反映多次",
  "人行道上电动车乱停乱放，影响通行",
  "有共享单车乱停，堵住了盲道",
  "墙面新贴了一片小广告（办证、开锁）",
  "电线杆上有牛皮癣野广告",
  "有电动车飞线充电，存在火灾隐患",
  "一楼住户私拉电线给电瓶车充电",
  "垃圾桶满溢，周边有暴露垃圾",
  "绿化带里有积存垃圾和白色垃圾",
  "有流动摊贩占道经营，早市没有收摊",
  "沿街商户出店经营，货物摆到人行道上",
  "公共车位被私装地锁占用",
  "宣传栏玻璃破损，内容过期",
  "公益广告牌褪色破损，需要更换",
  "建筑垃圾渣土随意倾倒，未覆盖",
] as const;

const ENDINGS = ["，请尽快处理", "，已拍照", "", "，麻烦安排人员清理", "，居民意见较大", "，紧急！", "。"] as const;

/** A report as a grid worker types it, placed at `place` (a point or grid name of the chat's community). */
export function reportText(random: Random, place: string): string {
  return `${pick(random, OPENINGS)}${place}${pick(random, PROBLEMS)}${pick(random, ENDINGS)}`;
}
