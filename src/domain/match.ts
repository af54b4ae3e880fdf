import { Converter } from "opencc-js/t2cn";

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

/** A category with the keywords that identify it in chat text. */
export interface CategoryCandidate {
  id: number;
  name: string;
  keywords: string[];
}

/** The category a text was classified as, and the name or keyword that decided it. */
export interface CategoryMatch {
  id: number;
  keyword: string;
}

const traditionalToSimplified = Converter({ from: "t", to: "cn" });

/** Typo tolerance only for names this long: a one-character slip in a two-character name is another word. */
const MIN_FUZZY_LENGTH = 3;

const REPORT_PREFIX = /^(上报|报告|#问题|问题:)/;

/** Urgent words; a lone 急 counts only when it is not part of a longer word such as 急救. */
const URGENT = /紧急|加急|特急|急需|急办|(?<!\p{Script=Han})急(?!\p{Script=Han})/u;

/** Simplified Chinese with half-width Latin, digits and punctuation; keeps spacing and punctuation. */
function simplify(s: string): string {
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

/**
 * The place whose name or alias occurs in `text`; the longest occurring name wins. When no name occurs exactly,
 * names of three or more characters are matched with one mistyped character. Returns null when nothing matches or
 * when two different places match equally well.
 */
export function findPlace(text: string, places: readonly PlaceCandidate[]): PlaceMatch | null {
  const haystack = normalizeText(text);
  const names = places.flatMap((place) =>
    place.names.map((name) => ({ id: place.id, name, normalized: normalizeText(name) })),
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

/**
 * The category whose name or keyword occurs in `text`, the longest occurring one winning. Returns null when nothing
 * occurs or two different categories tie, so the caller can ask the user.
 */
export function classify(text: string, categories: readonly CategoryCandidate[]): CategoryMatch | null {
  const haystack = normalizeText(text);
  const hits: Hit[] = [];
  for (const category of categories) {
    for (const word of [category.name, ...category.keywords]) {
      const normalized = normalizeText(word);
      if (normalized !== "" && haystack.includes(normalized)) {
        hits.push({ id: category.id, name: word, length: [...normalized].length });
      }
    }
  }
  const hit = longestUnique(hits);
  return hit && { id: hit.id, keyword: hit.name };
}

/** Whether the text marks the report as urgent (紧急, 加急, 特急, 急需, or 急 on its own). */
export function hasUrgentWord(text: string): boolean {
  return URGENT.test(simplify(text));
}

/** Whether the text opens with a report word: 上报, 报告, #问题 or 问题：(full- or half-width). */
export function startsWithReportWord(text: string): boolean {
  return REPORT_PREFIX.test(simplify(text).trimStart());
}

/** The text without the report word it opens with: "上报：幸福路菜市场门口堆物" → "幸福路菜市场门口堆物". */
export function stripReportWord(text: string): string {
  const trimmed = text.trimStart();
  // Simplifying keeps these words' length, so the match measures the original text too.
  const word = REPORT_PREFIX.exec(simplify(trimmed))?.[0];
  return word ? trimmed.slice(word.length).replace(/^[\s：:，,]+/, "") : trimmed;
}
