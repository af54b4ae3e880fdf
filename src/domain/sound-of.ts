import { CHAR_SOUNDS } from "./char-sounds.ts";

const HAN = /\p{Script=Han}/u;
const soundCache = new Map<string, string>();

/** The reading of the table's line that holds a Han character (never part of a reading), or "" when none does. */
function readingOf(char: string): string {
  const at = CHAR_SOUNDS.indexOf(char);
  if (at < 0) return "";
  const line = CHAR_SOUNDS.lastIndexOf("\n", at) + 1;
  return CHAR_SOUNDS.slice(line, CHAR_SOUNDS.indexOf(" ", line));
}

/**
 * The usual toneless reading of one character ("冲" and "充" → chong, "了" → le); a character that is not Han, or
 * that has no reading, reads as itself. Two characters that read alike are what pinyin input confuses.
 */
export function soundOf(char: string): string {
  let sound = soundCache.get(char);
  if (sound === undefined) {
    sound = (HAN.test(char) && readingOf(char)) || char;
    soundCache.set(char, sound);
  }
  return sound;
}
