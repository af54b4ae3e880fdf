import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Jieba } from "@node-rs/jieba";

/**
 * Chinese word segmentation: jieba (jieba-rs, prebuilt for each platform inside npm packages) with its full
 * dictionary, loaded once per process. Loading takes about half a second and 40 MB, so the bot loads it at start
 * ({@link loadSegmenter}) rather than on the first report, which is filed inside a database transaction.
 */

let jieba: Jieba | undefined;
const added = new Set<string>();

/**
 * A user word's frequency: high enough that the word stays one token where the dictionary would split it
 * ("纸箱子" → 纸箱/子, not 纸/箱子), as common as an everyday word of the dictionary.
 */
const USER_WORD_FREQUENCY = 3000;

/** The segmenter, its dictionary loaded on the first call. */
export function loadSegmenter(): Jieba {
  if (!jieba) {
    const dictionary = createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt");
    jieba = Jieba.withDict(readFileSync(dictionary));
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
