/**
 * Parsers for the values people type into import files: yes/no words, lists separated by Chinese or Latin commas,
 * times of day, mobile numbers and chat purposes. Each returns null for something it cannot read.
 */

import { normalizeText } from "../domain/match.ts";
import { CHAT_PURPOSES, type ChatPurpose } from "../domain/types.ts";
import { PURPOSE_LABELS } from "../texts/org.ts";

const YES = new Set(["是", "y", "yes", "true", "1", "√", "✓", "✔", "对", "要", "需要", "重点"]);
const NO = new Set(["否", "n", "no", "false", "0", "×", "✗", "✘", "不", "不要", "不需要", "无"]);

/** 是/否 and the usual variants (Y/N, true/false, 1/0, √/×); null for anything else. */
export function parseYesNo(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  if (YES.has(t)) return true;
  if (NO.has(t)) return false;
  return null;
}

/** Splits a list written in one cell: items separated by 、 , ， ; ； or line breaks; blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[、,，;；\n\r]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A time of day as zero-padded HH:mm ("9:30", "18：00" → "09:30", "18:00"); null when not a valid time. */
export function parseTimeOfDay(text: string): string | null {
  const m = /^(\d{1,2})[:：](\d{2})$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, "0")}:${m[2]}`;
}

/** A mainland mobile number as 11 digits, tolerating spaces, dashes and a +86 prefix; null otherwise. */
export function parseMobile(text: string): string | null {
  const digits = text.replace(/[\s-]/g, "").replace(/^(\+?86)(?=1\d{10}$)/, "");
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

const PURPOSE_SYNONYMS: Readonly<Record<ChatPurpose, readonly string[]>> = {
  work: ["工作", "社区工作群", "网格工作群", "创城工作群"],
  leader: ["领导", "领导审阅群", "包片领导群"],
  department: ["部门", "职能部门群", "专项工作组群"],
  patrol: ["巡查", "随手拍", "随手拍群", "巡查上报群"],
};

const purposeLookup = new Map<string, ChatPurpose>();
for (const purpose of CHAT_PURPOSES) {
  for (const word of [purpose, PURPOSE_LABELS[purpose], ...PURPOSE_SYNONYMS[purpose]]) {
    purposeLookup.set(normalizeText(word), purpose);
  }
}

/** The chat purpose a label (工作群, 领导群, 部门群, 巡查群), a synonym or a code names. */
export function parsePurpose(text: string): ChatPurpose | null {
  return purposeLookup.get(normalizeText(text)) ?? null;
}
