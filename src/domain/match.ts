import { Converter } from "opencc-js/t2cn";
import { addWords, loadSegmenter, segment } from "./segment.ts";
import { soundOf } from "./sound-of.ts";

/** A named place (a grid or a point) that chat text can mention, under its name or any alias. */
export interface PlaceCandidate {
  id: number;
  names: string[];
}

/** The place a text mentions; `exact` is false when it was recognised despite a one-character typo. */
export interface PlaceMatch {
  id: number;
  name: string;
  exact: boolean;
}

/** A category with the keywords that identify it in chat text (its name counts as one too). */
export interface CategoryCandidate {
  id: number;
  name: string;
  keywords: string[];
}

/** A keyword of a category found in a text: as configured, and as the text wrote it when that differs. */
export interface KeywordHit {
  keyword: string;
  /** The text's words: the keyword itself, or a homophone typo of it ("冲电" for 充电). */
  found: string;
}

/** How strongly a text points at one category, and the keywords that earned it, strongest first. */
export interface CategoryScore {
  id: number;
  score: number;
  hits: KeywordHit[];
}

/** What a text says about its category. */
export interface Classification {
  /** The category the text decides on; null when it names none, or when the best guess is not clear enough. */
  category: CategoryScore | null;
  /** The best candidates, best first (at most {@link CANDIDATES}), whether or not one was decided on. */
  candidates: CategoryScore[];
}

const traditionalToSimplified = Converter({ from: "t", to: "cn" });

/** Typo tolerance only for names this long: a one-character slip in a two-character name is another word. */
const MIN_FUZZY_LENGTH = 3;

/** Simplified Chinese with half-width Latin, digits and punctuation; keeps spacing and punctuation. */
export function simplify(s: string): string {
  return traditionalToSimplified(s.normalize("NFKC"));
}

/**
 * Canonical form for matching: traditional → simplified, full-width → half-width, Latin in lower case, and no
 * whitespace, punctuation or symbols. Applying it twice changes nothing.
 */
export function normalizeText(s: string): string {
  return simplify(s)
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, "");
}

interface Hit {
  id: number;
  name: string;
  length: number;
}

/** The single longest hit, or null when there is none or two different ids share the longest length. */
function longestUnique(hits: Hit[]): Hit | null {
  let best: Hit | null = null;
  let tied = false;
  for (const hit of hits) {
    if (best === null || hit.length > best.length) {
      best = hit;
      tied = false;
    } else if (hit.length === best.length && hit.id !== best.id) {
      tied = true;
    }
  }
  return tied ? null : best;
}

/** Whether `text` holds a window of `name`'s length that differs from it in exactly one character. */
function hasOneSubstitution(text: string[], name: string[]): boolean {
  for (let start = 0; start + name.length <= text.length; start++) {
    let differences = 0;
    for (let i = 0; i < name.length && differences < 2; i++) {
      if (text[start + i] !== name[i]) differences++;
    }
    if (differences === 1) return true;
  }
  return false;
}

/** Place names normalized before, since every report is matched against all of them; the org bounds how many. */
const normalizedNames = new Map<string, string>();
const NORMALIZED_NAMES_KEPT = 100_000;

function normalizedName(name: string): string {
  let normalized = normalizedNames.get(name);
  if (normalized === undefined) {
    if (normalizedNames.size >= NORMALIZED_NAMES_KEPT) normalizedNames.clear();
    normalized = normalizeText(name);
    normalizedNames.set(name, normalized);
  }
  return normalized;
}

/**
 * The place whose name or alias occurs in `text`; the longest occurring name wins. When no name occurs exactly,
 * names of three or more characters are matched with one mistyped character. Returns null when nothing matches or
 * when two different places match equally well.
 */
export function findPlace(text: string, places: readonly PlaceCandidate[]): PlaceMatch | null {
  const haystack = normalizeText(text);
  const names = places.flatMap((place) =>
    place.names.map((name) => ({ id: place.id, name, normalized: normalizedName(name) })),
  );
  const toHit = ({ id, name, normalized }: (typeof names)[number]): Hit => ({
    id,
    name,
    length: [...normalized].length,
  });

  const exact = names.filter((n) => n.normalized !== "" && haystack.includes(n.normalized)).map(toHit);
  if (exact.length > 0) {
    const hit = longestUnique(exact);
    return hit && { id: hit.id, name: hit.name, exact: true };
  }

  const chars = [...haystack];
  const fuzzy = names
    .filter((n) => {
      const nameChars = [...n.normalized];
      return nameChars.length >= MIN_FUZZY_LENGTH && hasOneSubstitution(chars, nameChars);
    })
    .map(toHit);
  const hit = longestUnique(fuzzy);
  return hit && { id: hit.id, name: hit.name, exact: false };
}

/** How many candidates a classification offers: the card's buttons when it asks. */
export const CANDIDATES = 3;
/** The score of one whole two-character keyword: a decided category has at least this much… */
export const KEYWORD_SCORE = 1;
/** …and this many times the runner-up's score. */
const DECIDE_MARGIN = 1.5;
/** A keyword found inside a longer word of the text ("电线" in 电线杆) counts this much of its weight. */
const INSIDE_WORD = 0.5;
/** A keyword found with one character typed as a homophone ("冲电" for 充电) counts this much of its weight. */
const HOMOPHONE = 0.6;

interface Term {
  categoryId: number;
  keyword: string;
  chars: string[];
  /**
   * How specific the keyword is: half a point per character, up to four, divided by 1 + half the number of other
   * categories whose keywords contain it ("垃圾" is part of 建筑垃圾, 垃圾分类 and 垃圾箱破损, so it says little).
   */
  weight: number;
}

/** The categories' keywords, indexed by their first character and by its sound. */
interface Vocabulary {
  byChar: Map<string, Term[]>;
  bySound: Map<string, Term[]>;
}

const vocabularies = new WeakMap<readonly CategoryCandidate[], Vocabulary>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Compiled keyword lists by their content, so an org change that leaves the categories alone reuses them. */
const compiled = new Map<string, Vocabulary>();
const COMPILED_KEPT = 4;

/**
 * The categories' names and keywords, compiled once per content (the org snapshot keeps its list while the org
 * does not change, and a new snapshot with the same categories finds the same compilation); their words of two or
 * more characters become words of the segmenter.
 */
function vocabularyOf(categories: readonly CategoryCandidate[]): Vocabulary {
  const known = vocabularies.get(categories);
  if (known) return known;
  const key = JSON.stringify(categories.map((c) => [c.id, c.name, c.keywords]));
  const vocabulary = compiled.get(key) ?? compile(categories);
  compiled.delete(key);
  compiled.set(key, vocabulary);
  for (const old of compiled.keys()) if (compiled.size > COMPILED_KEPT) compiled.delete(old);
  vocabularies.set(categories, vocabulary);
  return vocabulary;
}

function compile(categories: readonly CategoryCandidate[]): Vocabulary {
  const vocabulary: Vocabulary = { byChar: new Map(), bySound: new Map() };
  const keywords = categories.map((category) => {
    const byWord = new Map<string, string>();
    for (const keyword of [category.name, ...category.keywords]) {
      const word = normalizeText(keyword);
      if (word !== "" && !byWord.has(word)) byWord.set(word, keyword);
    }
    return byWord;
  });
  // One string per category, to ask which other categories have a keyword containing a word.
  const joined = keywords.map((byWord) => [...byWord.keys()].join("|"));
  categories.forEach((category, index) => {
    for (const [word, keyword] of keywords[index] ?? []) {
      const chars = [...word];
      const elsewhere = joined.filter((others, i) => i !== index && others.includes(word)).length;
      const term: Term = {
        categoryId: category.id,
        keyword,
        chars,
        weight: Math.min(chars.length, 4) / 2 / (1 + elsewhere / 2),
      };
      push(vocabulary.byChar, chars[0] ?? "", term);
      if (chars.length > 1) push(vocabulary.bySound, soundOf(chars[0] ?? ""), term);
    }
  });
  addWords(keywords.flatMap((byWord) => [...byWord.keys()]));
  return vocabulary;
}

/**
 * Gets matching ready before the first report: loads the segmenter and compiles the categories' keywords, which
 * would otherwise happen inside the first filing's transaction.
 */
export function prepareMatching(categories: readonly CategoryCandidate[]): void {
  loadSegmenter();
  vocabularyOf(categories);
}

interface Occurrence {
  term: Term;
  start: number;
  end: number;
  strength: number;
  found: string;
}

/** Characters of `term` that differ from the text at `start`: 0 found as written, 1 with one homophone typo. */
function differences(chars: readonly string[], start: number, term: Term): number {
  let differing = 0;
  for (let i = 0; i < term.chars.length; i++) {
    const want = term.chars[i] ?? "";
    const got = chars[start + i] ?? "";
    if (got === want) continue;
    if (term.chars.length === 1 || soundOf(got) !== soundOf(want) || ++differing > 1) return Number.POSITIVE_INFINITY;
  }
  return differing;
}

/** The text cut into words: each character's word, and where each word starts and ends. */
interface Words {
  of: number[];
  starts: number[];
  ends: number[];
}

function wordsOf(text: string): Words {
  const words: Words = { of: [], starts: [], ends: [] };
  let at = 0;
  for (const word of segment(text)) {
    const length = [...word].length;
    for (let i = 0; i < length; i++) words.of.push(words.starts.length);
    words.starts.push(at);
    at += length;
    words.ends.push(at);
  }
  return words;
}

/**
 * How much of its weight an occurrence of `length` characters at `start` counts, by the words of the text: all of it
 * when it covers whole words or spans parts of several ("有害垃圾" across 有害/垃圾桶); {@link INSIDE_WORD} when it
 * sits inside one longer word ("电线" in 电线杆). A one-character keyword counts as a word of its own, or, inside a
 * two-character word, as {@link INSIDE_WORD} ("狗" in 带狗, "贴" in 贴着); not inside longer words.
 */
function wordFit(words: Words, start: number, length: number): number {
  const word = words.of[start] ?? -1;
  const end = start + length;
  const wordLength = (words.ends[word] ?? 0) - (words.starts[word] ?? 0);
  const inside = words.of[end - 1] === word && wordLength > length;
  if (length === 1) return !inside ? 1 : wordLength === 2 ? INSIDE_WORD : 0;
  return inside ? INSIDE_WORD : 1;
}

/**
 * Every keyword occurrence in the text, weighed by the keyword's specificity, by how it fits the words of the text
 * ({@link wordFit}), and less when it has a homophone typo.
 */
function occurrences(chars: readonly string[], words: Words, vocabulary: Vocabulary) {
  const found: Occurrence[] = [];
  for (let start = 0; start < chars.length; start++) {
    const char = chars[start] ?? "";
    const terms = new Set(vocabulary.byChar.get(char));
    for (const term of vocabulary.bySound.get(soundOf(char)) ?? []) terms.add(term);
    for (const term of terms) {
      const end = start + term.chars.length;
      if (end > chars.length) continue;
      const differing = differences(chars, start, term);
      const fits = wordFit(words, start, term.chars.length);
      if (differing > 1 || fits === 0) continue;
      const strength = term.weight * fits * (differing === 0 ? 1 : HOMOPHONE);
      found.push({ term, start, end, strength, found: chars.slice(start, end).join("") });
    }
  }
  return found;
}

/**
 * Drops occurrences that sit inside a longer, at least as strong one ("垃圾" inside 建筑垃圾), so a phrase counts
 * once, for the category of its longest keyword.
 */
function outermost(found: Occurrence[]): Occurrence[] {
  const length = (o: Occurrence) => o.end - o.start;
  const sorted = [...found].sort((a, b) => length(b) - length(a) || b.strength - a.strength);
  const kept: Occurrence[] = [];
  for (const o of sorted) {
    const covered = kept.some(
      (k) =>
        k.start <= o.start &&
        o.end <= k.end &&
        ((length(k) > length(o) && k.strength >= o.strength) || k.term.categoryId === o.term.categoryId),
    );
    if (!covered) kept.push(o);
  }
  return kept;
}

/**
 * Classifies a report's text among the categories (behaviour §3.3). The text is put in simplified characters, cut
 * into words, and each category scores its keywords found in it (a keyword counted once, longer keywords weighing
 * more); the category is decided only when the best score is at least one whole two-character keyword and clearly
 * ahead of the runner-up, otherwise the caller asks, offering the candidates. Pure, and cheap after the first call
 * with a category list.
 */
export function classify(text: string, categories: readonly CategoryCandidate[]): Classification {
  const vocabulary = vocabularyOf(categories);
  const prepared = simplify(text).toLowerCase().replace(/\s+/gu, "");
  const chars = [...prepared];

  const byCategory = new Map<number, Map<string, Occurrence>>();
  for (const o of outermost(occurrences(chars, wordsOf(prepared), vocabulary))) {
    const keywords = byCategory.get(o.term.categoryId) ?? new Map<string, Occurrence>();
    const best = keywords.get(o.term.keyword);
    if (!best || o.strength > best.strength) keywords.set(o.term.keyword, o);
    byCategory.set(o.term.categoryId, keywords);
  }
  const order = new Map(categories.map((c, i) => [c.id, i]));
  const ranked = [...byCategory]
    .map(([id, keywords]): CategoryScore => {
      const hits = [...keywords.values()].sort((a, b) => b.strength - a.strength);
      return {
        id,
        score: Math.round(hits.reduce((sum, o) => sum + o.strength, 0) * 100) / 100,
        hits: hits.map((o) => ({ keyword: o.term.keyword, found: o.found })),
      };
    })
    .sort((a, b) => b.score - a.score || (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const [best, second] = ranked;
  const decided =
    best !== undefined &&
    best.score >= KEYWORD_SCORE &&
    (second === undefined || best.score >= second.score * DECIDE_MARGIN);
  return { category: decided ? best : null, candidates: ranked.slice(0, CANDIDATES) };
}
