/**
 * What other systems and board users read from the bot's web side: Open311 error descriptions and notices, the
 * board's refusals, and the chat answers that hand out board links. (The board page has its own texts module.)
 */

import type { TimeLimit } from "../domain/deadline.ts";
import { limitLabel } from "./labels.ts";

export const API_TEXTS = {
  missingKey: "缺少 api_key：请在查询参数 api_key、请求头 X-Api-Key 或 Authorization: Bearer 中提供接口密钥",
  invalidKey: "api_key 无效或已被吊销，请联系日清管理员",
  readOnlyKey: "该 api_key 只能查询，不能提交问题；如需提交，请管理员用 --write 重新创建",
  rateLimited: (perMinute: number) => `请求过于频繁：该 api_key 每分钟最多 ${perMinute} 次，请稍后再试`,
  badDate: (name: string, value: string) =>
    `${name}“${value}”不是有效的 W3C 日期时间，应形如 2026-11-01T00:00:00+08:00（须带时区）`,
  dateOrder: "start_date 不能晚于 end_date",
  dateSpan: "start_date 与 end_date 的间隔不能超过 90 天",
  badStatus: (value: string) => `status“${value}”无效，应为 open 或 closed（多个用逗号分隔）`,
  badId: (value: string) => `service_request_id“${value}”无效，应为问题编号（数字），多个用逗号分隔`,
  tooManyIds: "一次最多查询 1000 个 service_request_id",
  unknownService: (code: string) => `未知的 service_code“${code}”，可用的类别见 services.json`,
  requestNotFound: (id: string) => `没有找到 service_request_id 为“${id}”的问题，或它不在该 api_key 的范围内`,
  badBody: "请求体无法解析：请用 application/x-www-form-urlencoded（或 application/json）提交",
  bodyTooLarge: (kilobytes: number) => `请求体超过 ${kilobytes} KB，无法受理：请精简描述后再提交`,
  needLocation: "缺少位置：请提供 lat 和 long、address_string 或 address_id 之一",
  halfPosition: "lat 和 long 要一起提供，且应为 WGS84 经纬度数字",
  descriptionTooLong: "description 最多 4000 个字符",
  badTicket: "x_riqing_ticket（工单号）最多 64 个字符，且不能含空白",
  unknownAddressId: (id: string) => `address_id“${id}”不是该 api_key 范围内的点位编码或网格编码`,
  noGrid:
    "无法确定问题所在的网格：请在 address_string 或 description 中写明点位或网格名称，提供落在网格边界内的 lat/long，或用 address_id 给出点位编码",
  noChat: (unit: string) => `${unit}没有绑定工作群，无法派发；请管理员先在该社区的工作群里绑定单位`,
  notFound: "没有这个接口，可用接口见 /open311/v2/openapi.json",
  serviceNotice: (chat: string, deadline: string | null) =>
    deadline ? `已派发到${chat}，整改期限 ${deadline}` : `已派发到${chat}，待确定类别后计算整改期限`,
  statusNotes: (status: string, reason: string | null) => (reason ? `${status}：${reason}` : status),
  duplicateOf: (number: number) => `重复，已合并到 #${number}`,
  /** A filed request's text, with the link to its attachment when the other system gave one. */
  requestBody: (text: string, mediaUrl: string | null) => (mediaUrl ? `${text}\n附件：${mediaUrl}` : text),
  /** A category as services.json describes it. */
  serviceDescription: (name: string, limit: TimeLimit) => `${name}（整改时限 ${limitLabel(limit)}）`,
  /** A request's address: its point, grid, community and street, as far as known. */
  address: (parts: readonly (string | null | undefined)[]) => parts.filter(Boolean).join("，"),
  /** Who made a change when no person did and no other system is named. */
  systemActor: "系统",
} as const;

export const BOARD_TEXTS = {
  expired: "挂图链接已过期。请在飞书里向日清发送“挂图”，获取新的链接。",
  invalid: "挂图链接无效（可能复制不完整或已被改动）。请在飞书里向日清发送“挂图”，获取新的链接。",
  noScope: "你目前没有可查看的单位（职责可能已调整）。请在飞书里向日清发送“挂图”重新获取链接。",
  notEnabled: "挂图作战尚未开启：请管理员设置 RIQING_PUBLIC_URL 和 RIQING_BOARD_SECRET。",
  loginOff: "飞书登录未开启，请在飞书里向日清发送“挂图”获取链接。",
  loginFailed: "飞书登录没有完成，请重试，或在飞书里向日清发送“挂图”获取链接。",
  unknownIssue: "没有这个问题，或它不在你的查看范围内。",
  linkSent: (hours: number) => `挂图作战链接已私信发给你，${hours} 小时内有效。`,
  linkText: (units: string, url: string, hours: number) =>
    `挂图作战（${units}）：${url}\n链接只给你本人使用，${hours} 小时内有效；过期后再发“挂图”获取新链接。`,
  noUnits: "你在这里没有可查看的单位。挂图只显示你有职责的街道、社区、网格或部门。",
  buttonLabel: "挂图作战",
  pageTitle: "挂图作战",
  /** An issue's deadline on the board, with how it stands: overdue by, time left, or its status. */
  deadline: (at: string, standing: string) => `${at}（${standing}）`,
  overdueBy: (duration: string) => `已超期 ${duration}`,
  timeLeft: (duration: string) => `剩 ${duration}`,
} as const;
