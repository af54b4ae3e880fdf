/**
 * Parsers for the values people type into import files: yes/no words, lists separated by Chinese or Latin commas,
 * times of day, mobile numbers and chat purposes. Each returns null for something it cannot read.
 */

import { normalizeText } from "../domain/match.ts";
import { CHAT_PURPOSES, type ChatPurpose } from "../domain/types.ts";
import { CELL_WORDS, PURPOSE_LABELS } from "../texts/org.ts";

const YES = new Set<string>(CELL_WORDS.yes);
const NO = new Set<string>(CELL_WORDS.no);

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
    .split(CELL_WORDS.listSeparators)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A time of day as zero-padded HH:mm ("9:30", "18：00" → "09:30", "18:00"); null when not a valid time. */
export function parseTimeOfDay(text: string): string | null {
  const m = CELL_WORDS.timeOfDay.exec(text.trim());
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

const purposeLookup = new Map<string, ChatPurpose>();
for (const purpose of CHAT_PURPOSES) {
  for (const word of [purpose, PURPOSE_LABELS[purpose], ...CELL_WORDS.purposeSynonyms[purpose]]) {
    purposeLookup.set(normalizeText(word), purpose);
  }
}

/** The chat purpose a label (工作群, 领导群, 部门群, 巡查群), a synonym or a code names. */
export function parsePurpose(text: string): ChatPurpose | null {
  return purposeLookup.get(normalizeText(text)) ?? null;
}
