/**
 * The value with every string in it well-formed: a lone surrogate (half of an emoji a client cut off, or an escape
 * like "\ud83d" in JSON) becomes U+FFFD, which the database and Lark take, so the rest of the text is kept. Objects
 * and arrays are copied; other values are returned as they are.
 */
export function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/\p{Cs}/gu, "\uFFFD");
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, wellFormed(v)]));
  }
  return value;
}
