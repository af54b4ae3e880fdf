/** A span of instants, start exclusive and end inclusive, as a Prisma DateTime filter takes it. */
export interface TimeRange {
  gt: Date;
  lte: Date;
}

/** The ranges with overlapping or touching ones joined, earliest first, so no row is read twice. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = [...ranges].sort((a, b) => a.gt.getTime() - b.gt.getTime());
  const merged: TimeRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && last.lte.getTime() >= range.gt.getTime()) {
      if (range.lte.getTime() > last.lte.getTime()) last.lte = range.lte;
    } else merged.push({ ...range });
  }
  return merged;
}
