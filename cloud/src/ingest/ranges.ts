/** An inclusive interval of gateway sequence numbers. */
export interface SeqRange {
  first: number;
  last: number;
}

/** Whether `seq` lies in one of `ranges` (sorted by `first`, disjoint). */
export function isCovered(ranges: readonly SeqRange[], seq: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (seq < r.first) hi = mid - 1;
    else if (seq > r.last) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Whether two ranges overlap or touch (so that their union is one range). */
export function touches(a: SeqRange, b: SeqRange): boolean {
  return a.first <= b.last + 1 && b.first <= a.last + 1;
}

/**
 * Adds `added` to disjoint `existing` ranges: returns the one merged range
 * that replaces `added` and every existing range it overlaps or touches,
 * and those absorbed ranges (to delete).
 */
export function mergeRange(existing: readonly SeqRange[], added: SeqRange): { merged: SeqRange; absorbed: SeqRange[] } {
  const absorbed = existing.filter((r) => touches(r, added));
  const merged = absorbed.reduce(
    (acc, r) => ({ first: Math.min(acc.first, r.first), last: Math.max(acc.last, r.last) }),
    { first: added.first, last: added.last },
  );
  return { merged, absorbed };
}

/**
 * Splits items with a `seq` into the ones to store and the duplicates: those
 * whose seq is in `acknowledged` (sorted, disjoint) or repeats an earlier
 * item of the same batch (the first one wins).
 */
export function splitDuplicates<T extends { seq: number }>(
  items: readonly T[],
  acknowledged: readonly SeqRange[],
): { fresh: T[]; duplicates: number } {
  const seen = new Set<number>();
  const fresh: T[] = [];
  let duplicates = 0;
  for (const item of items) {
    if (seen.has(item.seq) || isCovered(acknowledged, item.seq)) {
      duplicates += 1;
      continue;
    }
    seen.add(item.seq);
    fresh.push(item);
  }
  return { fresh, duplicates };
}

/** Lowest and highest seq, or null for none. */
export function seqBounds(items: readonly { seq: number }[]): SeqRange | null {
  if (items.length === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const { seq } of items) {
    if (seq < first) first = seq;
    if (seq > last) last = seq;
  }
  return { first, last };
}
