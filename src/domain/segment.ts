import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Jieba } from "@node-rs/jieba";

/**
 * Chinese word segmentation: jieba (jieba-rs, prebuilt for each platform inside npm packages) with the common words
 * of its dictionary, loaded once per process. Loading takes a few tenths of a second and about 25 MB, so the bot
 * loads it at start ({@link loadSegmenter}) rather than on the first report, which is filed inside a database
 * transaction.
 */

let jieba: Jieba | undefined;
const added = new Set<string>();

/**
 * A user word's frequency: high enough that the word stays one token where the dictionary would split it
 * ("纸箱子" → 纸箱/子, not 纸/箱子), as common as an everyday word of the dictionary.
 */
const USER_WORD_FREQUENCY = 3000;

/**
 * Dictionary words rarer than this are left out: the 67,000 that remain of 349,000 segment reports as well (the
 * category corpus scores the same) in a third of the memory; the HMM still joins unknown words.
 */
const LEAST_FREQUENCY = 30;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** The lines ("word frequency tag") of a jieba dictionary whose frequency is at least `least`, as bytes. */
function commonWords(dictionary: Buffer, least: number): Buffer {
  const kept = Buffer.allocUnsafe(dictionary.length);
  let length = 0;
  let start = 0;
  while (start < dictionary.length) {
    const newline = dictionary.indexOf(NEWLINE, start);
    const end = newline < 0 ? dictionary.length : newline + 1;
    let frequency = 0;
    for (let i = dictionary.indexOf(SPACE, start) + 1; i > 0 && i < end; i++) {
      const byte = dictionary[i] ?? 0;
      if (byte < DIGIT_0 || byte > DIGIT_9) break;
      frequency = frequency * 10 + byte - DIGIT_0;
    }
    if (frequency >= least) length += dictionary.copy(kept, length, start, end);
    start = end;
  }
  return kept.subarray(0, length);
}

/** The segmenter, its dictionary loaded on the first call. */
export function loadSegmenter(): Jieba {
  if (!jieba) {
    const dictionary = createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt");
    jieba = Jieba.withDict(commonWords(readFileSync(dictionary), LEAST_FREQUENCY));
  }
  return jieba;
}

/**
 * Makes words of more than one character single tokens from now on (category keywords, so that "飞线" or "地锁" is
 * not cut apart). Words stay for the life of the process; adding a word twice costs nothing.
 */
export function addWords(words: Iterable<string>): void {
  const fresh = [...words].filter((w) => [...w].length > 1 && !/\s/.test(w) && !added.has(w));
  if (fresh.length === 0) return;
  loadSegmenter().loadDict(Buffer.from(fresh.map((w) => `${w} ${USER_WORD_FREQUENCY}\n`).join("")));
  for (const w of fresh) added.add(w);
}

/** The text cut into words (dictionary first, then the HMM for words it does not know); the pieces join to it. */
export function segment(text: string): string[] {
  return text === "" ? [] : loadSegmenter().cut(text, true);
}
