/**
 * The words of 三级巡查 (behaviour §14): check-in answers, today's points, the digest's patrol section, the 巡查日报
 * and the weekly coverage table.
 */

import type { PatrolFrequency, PatrolLevel } from "../domain/types.ts";
import { PATROL_FREQUENCY_LABELS, PATROL_LEVEL_LABELS } from "./labels.ts";

/** "幸福路菜市场（重点）". */
export function pointLabel(name: string, key: boolean): string {
  return key ? `${name}（重点）` : name;
}

/** "一级 · 工作日 · 王建国". */
export function planLabel(level: PatrolLevel, frequency: PatrolFrequency, patroller: string): string {
  return `${PATROL_LEVEL_LABELS[level]} · ${PATROL_FREQUENCY_LABELS[frequency]} · ${patroller}`;
}

/** What Riqing answers to check-ins. */
export const CHECK_IN_TEXTS = {
  recordedOk: (point: string, time: string, photos: number) =>
    `✅ 已记录巡查：${point} · 无问题 · ${time} · 现场照片 ${photos} 张`,
  recordedProblems: (point: string, time: string, photos: number, numbers: readonly number[]) =>
    `📝 已记录巡查：${point} · ${time} · 现场照片 ${photos} 张\n发现问题 ${numbers.length} 处，已按上报流程登记：${numbers
      .map((n) => `#${n}`)
      .join("、")}`,
  position: (lat: number, long: number, meters: number | null) =>
    `照片定位：${lat.toFixed(5)}, ${long.toFixed(5)}${
      meters === null
        ? ""
        : `，距点位约 ${meters < 1000 ? `${Math.round(meters)} 米` : `${(meters / 1000).toFixed(1)} 公里`}`
    }（仅供参考）`,
  noPosition: "照片未带定位信息",
  needPhoto: "巡查打卡需要现场照片：请把照片和“巡查 点位 无问题”一起发送，或先发照片，两分钟内再发这句话。本次未记录。",
  unknownPoint: (text: string) =>
    `没有找到点位“${text}”，本次未记录。请写本群单位的点位名称，如：巡查 幸福路菜市场 无问题；发送“巡查”查看今天要巡查的点位。`,
  notAPoint: (name: string) =>
    `“${name}”是网格，不是点位，本次未记录。请写具体点位，如：巡查 幸福路菜市场 无问题；发送“巡查”查看今天要巡查的点位。`,
  onlyInGroup: "巡查打卡请在点位所在社区或街道的工作群里发送。",
} as const;

/** 今日巡查点位: the list a patroller gets for 巡查 alone and in 待办. */
export const TODAY_TEXTS = {
  title: (name: string, date: string) => `${name} 今日巡查点位（${date}）`,
  /** In 待办, the part's head. */
  todoHead: (left: number, total: number) => `今日巡查点位：还有 ${left} 处未巡（共 ${total} 处）`,
  line: (visited: boolean, point: string, plan: string, lastDue: boolean, spanWord: string) =>
    `${visited ? "✅" : "⬜"} ${point} · ${plan}${visited ? ` · ${spanWord}已巡` : lastDue ? " · 今天截止" : ""}`,
  none: "今天没有安排给你的巡查点位。",
  howTo: "到点位后发送“巡查 点位名称 无问题”并附现场照片；发现问题就写问题，如“巡查 幸福路菜市场 门口堆物”。",
  /** The span a visit answered for, as the line says it was met: 今天, 本周, 本半月. */
  span: { daily: "今天", workdays: "今天", weekly: "本周", twice_monthly: "本半月" } satisfies Record<
    PatrolFrequency,
    string
  >,
} as const;

/** The patrol section of the digests and the 巡查日报. */
export const PATROL_REPORT_TEXTS = {
  /** The section's title: 巡查日报 in a street's digest, 今日巡查 in a community's. */
  title: (street: boolean) => (street ? "巡查日报" : "今日巡查"),
  /** The 巡查日报 answered to the command: "巡查日报 · 幸福街道 · 11月24日". */
  heading: (unit: string, date: string) => `巡查日报 · ${unit} · ${date}`,
  visits: (visits: number, patrollers: number, points: number, withProblems: number) =>
    `巡查 ${visits} 次（${patrollers} 人），覆盖点位 ${points} 个，其中发现问题 ${withProblems} 次`,
  coverage: (parts: readonly { level: PatrolLevel; due: number; met: number }[]) =>
    `应巡 ${parts.reduce((n, p) => n + p.due, 0)} 处、已巡 ${parts.reduce((n, p) => n + p.met, 0)} 处${
      parts.length === 0
        ? ""
        : `（${parts.map((p) => `${PATROL_LEVEL_LABELS[p.level]} ${p.met}/${p.due}`).join(" · ")}）`
    }`,
  /** "发现问题118处（动态100处、静态18处），整改完成110处，未销项8处，平均整改用时1.3天". */
  problems: (found: number, dynamic: number, stat: number, rectified: number, open: number, days: string | null) =>
    `发现问题${found}处（动态${dynamic}处、静态${stat}处），整改完成${rectified}处，未销项${open}处${
      days === null ? "" : `，平均整改用时${days}天`
    }`,
  missedTitle: (n: number) => `应巡未巡（${n} 处，重点点位在前）`,
  missedLine: (point: string, plan: string) => `🔴 ${point} · ${plan}`,
  allMet: "应巡点位均已巡查 👍",
  more: (total: number) => `等 ${total} 处`,
  definition: "口径：问题数为巡查打卡时上报的问题，按统计模块的口径计数；整改用时 = 整改时间 − 上报时间。",
  noPlans: (unit: string) => `${unit}还没有导入点位包干分工表（组织架构导入的“点位包干”表），暂无巡查数据。`,
} as const;

/** The weekly coverage table (巡查周报). */
export const COVERAGE_TABLE_TEXTS = {
  heading: (unit: string, range: string) => `巡查覆盖周表 · ${unit} · ${range}`,
  total: (met: number, due: number) => `应巡 ${due} 处次，已巡 ${met} 处次`,
  byPerson: "按人员：",
  personLine: (name: string, visits: number, points: number, withProblems: number, met: number, due: number) =>
    `  ${name}：巡查 ${visits} 次，点位 ${points} 个，发现问题 ${withProblems} 次${due > 0 ? `，包干点位 ${met}/${due}` : ""}`,
  byPoint: "按点位：",
  pointLine: (point: string, met: number, due: number, levels: string, visits: number) =>
    `  ${point}：${met}/${due}（${levels}），共巡查 ${visits} 次`,
  level: (level: PatrolLevel, met: number, due: number) => `${PATROL_LEVEL_LABELS[level]} ${met}/${due}`,
  none: "本周没有巡查记录。",
} as const;

/** The card of today's points (presenters/patrol-card.ts) and its buttons' answers. */
export const PATROL_CARD = {
  button: (point: string) => `${point} 无问题打卡`,
  note: "先在本群发现场照片，两分钟内再点点位即记为“无问题”；发现问题请发“巡查 点位 问题描述”并附照片。",
  needPhoto: "请先在本群发现场照片，两分钟内再点点位打卡",
  done: (point: string) => `已记录巡查：${point}`,
  notHere: "这张卡片的点位不在本群的单位内",
} as const;
